/** @file image.c
 * The gazetteer index's image: the index as built from the store's places
 * and names, written into the store (table gazetteer_image) so that the
 * next process reads it in one piece instead of building it again.
 *
 * Building the index from SQL takes about a second of CPU with the shipped
 * geodata (20 s under valgrind) and every command that geocodes paid it;
 * reading the image takes a fraction of that (README, "Start-up").
 *
 * When an image is used: its build id is this binary's (a hash of its
 * sources, cmake/build_id.cmake), and no change to the tables the index
 * is built from came after it — triggers on places, place_names,
 * admin_areas and crossings bump gazetteer_image.epoch and drop the image
 * (store/schema.c), and an image is written only under the epoch its
 * index was read at. A store's bytes are untrusted: every offset and
 * index of an image is checked before use, and one that fails a check is
 * ignored (the index is built from SQL, and a writer replaces the image).
 *
 * Layout, in the writer's byte order (a marker says which): a header of
 * counts, the arena's strings, then areas, places, postings and keys as
 * fixed-size records. Strings are offsets into the arena + 1 (0 = none).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dn_build_id.h"
#include "gazetteer/gz_internal.h"
#include "store/store.h"

#define IMAGE_FORMAT 1u
#define BYTE_ORDER_MARK 0x01020304u

static const char magic[8] = "DNGZIMG";

enum { AREA_BYTES = 8 + 4 + 1 + 4 + 3 * 4 + 8 + 4 + 4 };
enum { PLACE_BYTES = 8 + 4 * 4 + 4 + 8 + 8 + 8 + 3 * 4 + 1 + 1 + 4 };
enum { POST_BYTES = 4 + 4 + 1 + 1 };
enum { KEY_BYTES = 4 + 4 + 2 + 1 };

/* the header's counts, in this order */
enum { H_AREAS, H_PLACES, H_POSTS, H_KEYS, H_STRINGS, H_NAMES, H_SKIPPED, H_MAXTOKENS, H_COUNT };
enum { HEADER_BYTES = 8 + 4 + 4 + 8 * H_COUNT };

const char *dni_gz_image_build_id(void) { return DN_BUILD_ID; }

/* ---- writing ----------------------------------------------------------------- */

struct writer {
    unsigned char *p;
    /* the arena's chunks by address, to turn a pointer into an offset */
    struct chunk_ref {
        const char *base;
        size_t fill, offset;
    } *chunks;
    size_t nchunks;
};

static void put(struct writer *w, const void *v, size_t n)
{
    memcpy(w->p, v, n);
    w->p += n;
}
/* put_u8(w, v), put_u16... : one value of the type, in this machine's byte order */
#define DN_IMAGE_PUT(name, type)                                                                                       \
    static void name(struct writer *w, type v) { put(w, &v, sizeof v); }
DN_IMAGE_PUT(put_u8, uint8_t)
DN_IMAGE_PUT(put_u16, uint16_t)
DN_IMAGE_PUT(put_u32, uint32_t)
DN_IMAGE_PUT(put_i32, int32_t)
DN_IMAGE_PUT(put_u64, uint64_t)
DN_IMAGE_PUT(put_i64, int64_t)
DN_IMAGE_PUT(put_f64, double)
DN_IMAGE_PUT(put_f32, float)

static int chunk_cmp(const void *a, const void *b)
{
    const char *x = ((const struct chunk_ref *)a)->base, *y = ((const struct chunk_ref *)b)->base;
    return x < y ? -1 : x > y;
}

/* The reference of an arena string: its offset + 1, 0 for NULL (or, which
 * the index's invariant rules out, a pointer outside the arena). */
static uint32_t str_ref(const struct writer *w, const char *s)
{
    if (!s) return 0;
    size_t lo = 0, hi = w->nchunks;
    while (lo < hi) { /* the last chunk whose base is at or below s */
        size_t mid = (lo + hi) / 2;
        if (w->chunks[mid].base <= s) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return 0;
    const struct chunk_ref *c = &w->chunks[lo - 1];
    size_t at = (size_t)(s - c->base);
    return at < c->fill ? (uint32_t)(c->offset + at + 1) : 0;
}

static size_t count_keys(const struct gz_index *ix)
{
    size_t n = 0;
    for (size_t i = 0; ix->slots && i <= ix->slotmask; i++) n += ix->slots[i].key != NULL;
    return n;
}

dn_status dni_gz_image_encode(dn_ctx *ctx, const struct gz_index *ix, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    const struct gz_arena *a = &ix->arena;
    size_t strings = 0;
    for (size_t i = 0; i < a->nchunks; i++) strings += a->fill[i];
    size_t nkeys = count_keys(ix);
    /* offsets are 32 bits: the shipped geodata's arena is some 10 MB */
    if (strings >= UINT32_MAX || ix->nposts >= UINT32_MAX || ix->nplaces >= UINT32_MAX)
        return dni_fail(ctx, DN_ERR_INTERNAL, "the gazetteer index is too large for an image");
    size_t total = HEADER_BYTES + strings + ix->nareas * AREA_BYTES + ix->nplaces * PLACE_BYTES +
                   ix->nposts * POST_BYTES + nkeys * KEY_BYTES;
    struct writer w = {.p = dn_malloc(total), .chunks = dn_malloc((a->nchunks ? a->nchunks : 1) * sizeof *w.chunks)};
    if (!w.p || !w.chunks) {
        dn_free(w.p);
        dn_free(w.chunks);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    unsigned char *start = w.p;
    put(&w, magic, sizeof magic);
    put_u32(&w, BYTE_ORDER_MARK);
    put_u32(&w, IMAGE_FORMAT);
    const uint64_t h[H_COUNT] = {[H_AREAS] = ix->nareas, [H_PLACES] = ix->nplaces,   [H_POSTS] = ix->nposts,
                                 [H_KEYS] = nkeys,        [H_STRINGS] = strings,      [H_NAMES] = ix->nnames,
                                 [H_SKIPPED] = ix->nskipped, [H_MAXTOKENS] = ix->maxtokens};
    for (size_t i = 0; i < H_COUNT; i++) put_u64(&w, h[i]);
    for (size_t i = 0, off = 0; i < a->nchunks; off += a->fill[i], i++) {
        w.chunks[i] = (struct chunk_ref){a->chunks[i], a->fill[i], off};
        put(&w, a->chunks[i], a->fill[i]);
    }
    w.nchunks = a->nchunks;
    qsort(w.chunks, w.nchunks, sizeof *w.chunks, chunk_cmp);
    for (size_t i = 0; i < ix->nareas; i++) {
        const struct gz_area *ar = &ix->areas[i];
        put_i64(&w, ar->id);
        put_i32(&w, ar->level);
        put_u8(&w, ar->historical);
        put(&w, ar->country, 4);
        put_u32(&w, str_ref(&w, ar->name));
        put_u32(&w, str_ref(&w, ar->code));
        put_u32(&w, str_ref(&w, ar->parent_name));
        put_f64(&w, ar->area_km2);
        put_i32(&w, ar->place);
        put_i32(&w, ar->parent);
    }
    for (size_t i = 0; i < ix->nplaces; i++) {
        const struct gz_place *p = &ix->places[i];
        put_i64(&w, p->id);
        put_u32(&w, str_ref(&w, p->name));
        put_u32(&w, str_ref(&w, p->kind));
        put_u32(&w, str_ref(&w, p->province));
        put_u32(&w, str_ref(&w, p->district));
        put(&w, p->country, 4);
        put_f64(&w, p->lon);
        put_f64(&w, p->lat);
        put_i64(&w, p->population);
        put_i32(&w, p->area);
        put_i32(&w, p->district_area);
        put_i32(&w, p->province_area);
        put_u8(&w, p->cls);
        put_u8(&w, p->crossing);
        put_f32(&w, p->prominence);
    }
    for (size_t i = 0; i < ix->nposts; i++) {
        const struct gz_post *p = &ix->posts[i];
        put_u32(&w, p->place);
        put_u32(&w, p->next);
        put_u8(&w, p->quality);
        put_u8(&w, p->rank);
    }
    for (size_t i = 0; ix->slots && i <= ix->slotmask; i++) {
        const struct gz_slot *s = &ix->slots[i];
        if (!s->key) continue;
        put_u32(&w, str_ref(&w, s->key));
        put_u32(&w, s->head);
        put_u16(&w, s->len);
        put_u8(&w, s->flags);
    }
    dn_free(w.chunks);
    if ((size_t)(w.p - start) != total) {
        dn_free(start);
        return dni_fail(ctx, DN_ERR_INTERNAL, "gazetteer image: wrote %zu bytes of %zu", (size_t)(w.p - start), total);
    }
    *out = start;
    *len = total;
    return DN_OK;
}

/* ---- reading ------------------------------------------------------------------ */

/* Bytes from memory, or from the store's blob through a buffer: the
 * image is never held whole besides the index made from it. */
struct reader {
    const unsigned char *p, *end; /* what is at hand */
    sqlite3_blob *blob;           /* the rest, from `at` to `size` (NULL: none) */
    int at, size;
    const char *strings;
    size_t nstrings;
    bool bad, sqlite_failed;
    unsigned char buf[1 << 16];
};

static size_t remaining(const struct reader *r)
{
    return (size_t)(r->end - r->p) + (r->blob ? (size_t)(r->size - r->at) : 0);
}

/* Read n bytes of the blob into dst (n within what is left). */
static void read_blob(struct reader *r, void *dst, size_t n)
{
    if (sqlite3_blob_read(r->blob, dst, (int)n, r->at) != SQLITE_OK) r->bad = r->sqlite_failed = true;
    r->at += (int)n;
}

static void get(struct reader *r, void *v, size_t n)
{
    if (r->bad || remaining(r) < n) {
        r->bad = true;
        memset(v, 0, n);
        return;
    }
    size_t have = (size_t)(r->end - r->p);
    if (have < n) {
        unsigned char *dst = v;
        memcpy(dst, r->p, have);
        dst += have;
        n -= have;
        r->p = r->end;
        if (n >= sizeof r->buf) { /* the strings: straight into their block */
            read_blob(r, dst, n);
            return;
        }
        size_t more = (size_t)(r->size - r->at);
        if (more > sizeof r->buf) more = sizeof r->buf;
        read_blob(r, r->buf, more);
        r->p = r->buf;
        r->end = r->buf + more;
        if (r->bad) {
            memset(dst, 0, n);
            return;
        }
        v = dst;
    }
    memcpy(v, r->p, n);
    r->p += n;
}
/* get_u8(r), get_u16... : one value of the type (0 once the reader is bad) */
#define DN_IMAGE_GET(name, type)                                                                                       \
    static type name(struct reader *r)                                                                                 \
    {                                                                                                                  \
        type v;                                                                                                        \
        get(r, &v, sizeof v);                                                                                          \
        return v;                                                                                                      \
    }
DN_IMAGE_GET(get_u8, uint8_t)
DN_IMAGE_GET(get_u16, uint16_t)
DN_IMAGE_GET(get_u32, uint32_t)
DN_IMAGE_GET(get_i32, int32_t)
DN_IMAGE_GET(get_u64, uint64_t)
DN_IMAGE_GET(get_i64, int64_t)
DN_IMAGE_GET(get_f64, double)
DN_IMAGE_GET(get_f32, float)

/* A string reference: NULL for 0, else a NUL-terminated string of the
 * arena (its last byte is a NUL, checked once). */
static const char *get_str(struct reader *r)
{
    uint32_t ref = get_u32(r);
    if (ref == 0) return NULL;
    if (ref > r->nstrings) {
        r->bad = true;
        return NULL;
    }
    return r->strings + ref - 1;
}

static bool index_in(int32_t v, size_t n) { return v >= -1 && (v < 0 || (size_t)v < n); }

/* A damaged image is DN_ERR_INPUT: bytes that make no index, which the
 * caller can do without. A read that SQLite refuses (a corrupt page) is
 * DN_ERR_DB, like any other. */
static dn_status bad(dn_ctx *ctx, struct reader *r, const char *what)
{
    if (r->sqlite_failed) return dni_fail_sqlite(ctx, "reading the gazetteer image");
    return dni_fail(ctx, DN_ERR_INPUT, "the gazetteer image in the store is damaged (%s)", what);
}

static dn_status decode(dn_ctx *ctx, struct reader *r, struct gz_index *ix)
{
    char m[sizeof magic];
    get(r, m, sizeof m);
    if (r->bad || memcmp(m, magic, sizeof m) != 0) return bad(ctx, r, "not an image");
    if (get_u32(r) != BYTE_ORDER_MARK) return bad(ctx, r, "another byte order");
    if (get_u32(r) != IMAGE_FORMAT) return bad(ctx, r, "another format");
    uint64_t h[H_COUNT];
    for (size_t i = 0; i < H_COUNT; i++) h[i] = get_u64(r);
    /* the counts must account for the bytes exactly (which also bounds them) */
    size_t rest = remaining(r);
    if (r->bad || h[H_STRINGS] > rest || h[H_AREAS] > rest / AREA_BYTES || h[H_PLACES] > rest / PLACE_BYTES ||
        h[H_POSTS] > rest / POST_BYTES || h[H_KEYS] > rest / KEY_BYTES || h[H_STRINGS] >= UINT32_MAX ||
        h[H_STRINGS] + h[H_AREAS] * AREA_BYTES + h[H_PLACES] * PLACE_BYTES + h[H_POSTS] * POST_BYTES +
                h[H_KEYS] * KEY_BYTES !=
            rest)
        return bad(ctx, r, "its counts do not match its size");
    size_t nstrings = (size_t)h[H_STRINGS], nareas = (size_t)h[H_AREAS], nplaces = (size_t)h[H_PLACES],
           nposts = (size_t)h[H_POSTS], nkeys = (size_t)h[H_KEYS];
    if (nstrings == 0) return bad(ctx, r, "strings");

    char *strings = dni_gz_arena_block(&ix->arena, nstrings);
    if (!strings) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    get(r, strings, nstrings);
    /* every string reference then ends within them */
    if (r->bad || strings[nstrings - 1] != '\0') return bad(ctx, r, "strings");
    r->strings = strings;
    r->nstrings = nstrings;

    ix->areas = dn_calloc(nareas ? nareas : 1, sizeof *ix->areas);
    if (!ix->areas || dni_gz_index_size(ix, nplaces, nposts, nkeys) != DN_OK)
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < nareas; i++) {
        struct gz_area *a = &ix->areas[i];
        a->id = get_i64(r);
        a->level = get_i32(r);
        a->historical = get_u8(r) != 0;
        get(r, a->country, 4);
        a->name = get_str(r);
        a->code = get_str(r);
        a->parent_name = get_str(r);
        a->area_km2 = get_f64(r);
        a->place = get_i32(r);
        a->parent = get_i32(r);
        /* sorted by id: dni_gz_area_index searches them by halves */
        if (a->country[3] != '\0' || !a->name || !index_in(a->place, nplaces) ||
            !index_in(a->parent, nareas) || (i > 0 && a[-1].id >= a->id))
            r->bad = true;
        if (r->bad) return bad(ctx, r, "admin areas");
        ix->nareas++;
    }
    for (size_t i = 0; i < nplaces; i++) {
        struct gz_place p = {0};
        p.id = get_i64(r);
        p.name = get_str(r);
        p.kind = get_str(r);
        p.province = get_str(r);
        p.district = get_str(r);
        get(r, p.country, 4);
        p.lon = get_f64(r);
        p.lat = get_f64(r);
        p.population = get_i64(r);
        p.area = get_i32(r);
        p.district_area = get_i32(r);
        p.province_area = get_i32(r);
        p.cls = get_u8(r);
        p.crossing = get_u8(r) != 0;
        p.prominence = get_f32(r);
        if (!p.name || p.country[3] != '\0' || p.cls >= GZ_C_COUNT || !index_in(p.area, ix->nareas) ||
            !index_in(p.district_area, ix->nareas) || !index_in(p.province_area, ix->nareas) || !isfinite(p.lon) ||
            !isfinite(p.lat) || !isfinite(p.prominence))
            r->bad = true;
        if (r->bad) return bad(ctx, r, "places");
        if (dni_gz_append_place(ix, &p) < 0) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < nposts; i++) {
        struct gz_post *p = &ix->posts[i];
        p->place = get_u32(r);
        p->next = get_u32(r);
        p->quality = get_u8(r);
        p->rank = get_u8(r);
        /* a posting's next is an earlier one (+ 1), so no chain can loop */
        if (p->place >= nplaces || p->next > i) r->bad = true;
        if (r->bad) return bad(ctx, r, "postings");
        ix->nposts++;
    }
    for (size_t i = 0; i < nkeys; i++) {
        uint32_t ref = get_u32(r), head = get_u32(r);
        uint16_t klen = get_u16(r);
        uint8_t flags = get_u8(r);
        if (r->bad || ref == 0 || klen == 0 || ref - 1 + (size_t)klen > r->nstrings || head > ix->nposts ||
            (flags & GZ_SLOT_KEY) != (head != 0 ? GZ_SLOT_KEY : 0))
            return bad(ctx, r, "keys");
        bool created;
        struct gz_slot *s = dni_gz_slot_adopt(ix, strings + ref - 1, klen, &created);
        if (!s) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        if (!created) return bad(ctx, r, "a key twice");
        s->head = head;
        s->last_place = head ? ix->posts[head - 1].place : 0;
        s->flags = flags;
    }
    if (remaining(r) != 0) return bad(ctx, r, "trailing bytes");
    ix->nnames = (size_t)h[H_NAMES];
    ix->nskipped = (size_t)h[H_SKIPPED];
    ix->maxtokens = h[H_MAXTOKENS] > 255 ? 255 : (size_t)h[H_MAXTOKENS];
    return DN_OK;
}

dn_status dni_gz_image_decode(dn_ctx *ctx, const unsigned char *data, size_t len, struct gz_index *ix)
{
    struct reader *r = dn_calloc(1, sizeof *r);
    if (!r) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    r->p = data;
    r->end = data + len;
    dn_status s = decode(ctx, r, ix);
    dn_free(r);
    return s;
}

/* ---- the store's row ----------------------------------------------------------- */

static bool images_off(void) { return dni_env_flag("DURAND_NO_GAZETTEER_IMAGE"); }

/* The table came with schema version 2; a reader may open an older store as it is. */
static bool have_image_table(dn_ctx *ctx)
{
    return sqlite3_table_column_metadata(dni_db(ctx), NULL, "gazetteer_image", "image", NULL, NULL, NULL, NULL,
                                         NULL) == SQLITE_OK;
}

/* Decode the image in row 1 of gazetteer_image, read piece by piece. */
static dn_status read_stored(dn_ctx *ctx, struct gz_index *ix)
{
    struct reader *r = dn_calloc(1, sizeof *r);
    if (!r) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    dn_status s;
    if (sqlite3_blob_open(dni_db(ctx), "main", "gazetteer_image", "image", 1, 0, &r->blob) != SQLITE_OK) {
        s = dni_fail_sqlite(ctx, "reading the gazetteer image");
    } else {
        r->size = sqlite3_blob_bytes(r->blob);
        r->p = r->end = r->buf;
        s = decode(ctx, r, ix);
    }
    sqlite3_blob_close(r->blob);
    dn_free(r);
    return s;
}

dn_status dni_gz_image_fetch(dn_ctx *ctx, struct gz_index *ix, bool *loaded, long long *epoch)
{
    *loaded = false;
    *epoch = -1;
    sqlite3_stmt *st;
    if (!have_image_table(ctx)) return DN_OK;
    /* typeof() reads the image's type, not its bytes */
    dn_status s = dn_store_stmt(
        ctx, "SELECT epoch, build = ? AND typeof(image) = 'blob' FROM gazetteer_image WHERE id = 1", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, dni_gz_image_build_id(), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    bool ours = false;
    if (rc == SQLITE_ROW) {
        *epoch = sqlite3_column_int64(st, 0);
        ours = sqlite3_column_int(st, 1) == 1;
    } else if (rc != SQLITE_DONE) {
        s = dni_fail_sqlite(ctx, "reading the gazetteer image");
    }
    sqlite3_reset(st);
    if (s == DN_OK && ours && !images_off()) {
        s = read_stored(ctx, ix);
        *loaded = s == DN_OK;
    }
    return s;
}

void dni_gz_image_save(dn_ctx *ctx, const struct gz_index *ix, long long epoch)
{
    if (images_off()) return;
    unsigned char *data = NULL;
    size_t len = 0;
    if (dni_gz_image_encode(ctx, ix, &data, &len) != DN_OK || len > INT32_MAX) {
        dn_free(data);
        dni_clear_error(ctx); /* an image is an optimisation: the index is built again next time */
        return;
    }
    /* a connection of its own, which waits for no lock: when another
     * writer holds the store, a later command writes the image instead */
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(dn_store_path(ctx), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        bool saved = false;
        /* only under the epoch the index was read at: a change since then
         * bumped it, and this image would miss that change */
        if (sqlite3_prepare_v2(db, "UPDATE gazetteer_image SET build = ?, image = ? WHERE id = 1 AND epoch = ?", -1,
                               &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, dni_gz_image_build_id(), -1, SQLITE_STATIC);
            sqlite3_bind_blob(st, 2, data, (int)len, SQLITE_STATIC);
            sqlite3_bind_int64(st, 3, epoch);
            saved = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1;
        }
        sqlite3_finalize(st);
        if (!saved || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close_v2(db);
    dn_free(data);
}

dn_status dn_gazetteer_image_info(dn_ctx *ctx, long long *bytes, bool *current)
{
    *bytes = 0;
    *current = false;
    if (!have_image_table(ctx)) return DN_OK;
    sqlite3_stmt *st;
    /* length() of a blob reads its size, not its bytes */
    dn_status s = dn_store_stmt(ctx, "SELECT length(image), build = ? FROM gazetteer_image WHERE id = 1", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, dni_gz_image_build_id(), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *bytes = sqlite3_column_int64(st, 0);
        *current = *bytes > 0 && sqlite3_column_int(st, 1) == 1;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "reading the gazetteer image");
}

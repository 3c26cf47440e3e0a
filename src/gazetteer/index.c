/** @file index.c
 * The in-memory gazetteer index: read places, admin areas and names from
 * the store once per run, and hash every key (with its variants) to the
 * places it names. Lookups then cost a hash probe instead of SQL.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"
#include "store/store.h"

/* ---- key table ---------------------------------------------------------------- */

/* Eight bytes a step with a multiply-xorshift mix: keys are short and
 * hashed on every probe, so this matters (FNV's byte loop cost 9% of a
 * benchmark run). Only ever used in memory, so byte order is irrelevant. */
uint32_t dni_gz_hash(const void *data, size_t len)
{
    const unsigned char *s = data;
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ (len * UINT64_C(0xff51afd7ed558ccd));
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * UINT64_C(0x94d049bb133111eb);
    h ^= h >> 29;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 32;
    return (uint32_t)h;
}

const struct gz_slot *dni_gz_find(const struct gz_index *ix, const char *key, size_t len, uint32_t hash)
{
    if (!ix->slots) return NULL;
    for (size_t i = hash & ix->slotmask;; i = (i + 1) & ix->slotmask) {
        const struct gz_slot *s = &ix->slots[i];
        if (!s->key) return NULL;
        if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0) return s;
    }
}

static dn_status grow_slots(struct gz_index *ix)
{
    size_t n = ix->slots ? (ix->slotmask + 1) * 2 : (1u << 16);
    struct gz_slot *slots = dn_calloc(n, sizeof *slots);
    if (!slots) return DN_ERR_NOMEM;
    if (ix->slots) {
        for (size_t i = 0; i <= ix->slotmask; i++) {
            struct gz_slot *s = &ix->slots[i];
            if (!s->key) continue;
            size_t j = s->hash & (n - 1);
            while (slots[j].key) j = (j + 1) & (n - 1);
            slots[j] = *s;
        }
        dn_free(ix->slots);
    }
    ix->slots = slots;
    ix->slotmask = n - 1;
    return DN_OK;
}

/* The slot for `key`, created when missing. `stored` is an arena copy the
 * new slot may point at (prefix slots point into their full key's copy). */
static struct gz_slot *slot_for(struct gz_index *ix, const char *key, size_t len, uint32_t hash, const char **stored,
                                bool *created)
{
    *created = false;
    if ((ix->nslots_used + 1) * 10 > (ix->slots ? ix->slotmask + 1 : 0) * 7 && grow_slots(ix) != DN_OK) return NULL;
    size_t i = hash & ix->slotmask;
    for (;; i = (i + 1) & ix->slotmask) {
        struct gz_slot *s = &ix->slots[i];
        if (!s->key) break;
        if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0) return s;
    }
    if (!*stored) {
        *stored = dni_gz_strdup(&ix->arena, key, len);
        if (!*stored) return NULL;
    }
    struct gz_slot *s = &ix->slots[i];
    memset(s, 0, sizeof *s);
    s->key = *stored;
    s->hash = hash;
    s->len = (uint16_t)len;
    size_t words = 1;
    for (size_t k = 0; k < len; k++) words += key[k] == ' ';
    s->ntokens = (uint8_t)(words > 255 ? 255 : words);
    ix->nslots_used++;
    *created = true;
    return s;
}

struct gz_slot *dni_gz_slot_adopt(struct gz_index *ix, const char *key, size_t len, bool *created)
{
    const char *stored = key;
    return slot_for(ix, key, len, dni_gz_hash(key, len), &stored, created);
}

/* A key the mention finder looks for in text (a Latin spelling by sound
 * alone is not: every sentence's "At" would be the village Att). */
static bool findable(const struct gz_slot *s)
{
    return (s->flags & (GZ_SLOT_KEY | GZ_SLOT_WORDS)) == (GZ_SLOT_KEY | GZ_SLOT_WORDS);
}

/* Prefix slots for the leading word runs of a key (stored at `full`). */
static dn_status add_prefixes(struct gz_index *ix, const char *full, size_t len)
{
    for (size_t k = 0; k < len; k++) {
        if (full[k] != ' ') continue;
        const char *st = full;
        bool created;
        struct gz_slot *p = slot_for(ix, full, k, dni_gz_hash(full, k), &st, &created);
        if (!p) return DN_ERR_NOMEM;
        p->flags |= GZ_SLOT_PREFIX;
    }
    return DN_OK;
}

dn_status dni_gz_prefixes(dn_ctx *ctx, struct gz_index *ix)
{
    if (ix->prefixes) return DN_OK;
    ix->version++;
    /* the table grows while we add: walk a snapshot of the keys */
    size_t n = 0;
    for (size_t i = 0; ix->slots && i <= ix->slotmask; i++) n += findable(&ix->slots[i]) && ix->slots[i].ntokens > 1;
    struct gz_slot *keys = dn_malloc((n ? n : 1) * sizeof *keys);
    if (!keys) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; ix->slots && i <= ix->slotmask; i++)
        if (findable(&ix->slots[i]) && ix->slots[i].ntokens > 1) keys[k++] = ix->slots[i];
    dn_status s = DN_OK;
    for (size_t i = 0; s == DN_OK && i < k; i++) s = add_prefixes(ix, keys[i].key, keys[i].len);
    dn_free(keys);
    if (s != DN_OK) return dni_fail(ctx, s, "out of memory");
    ix->prefixes = true;
    return DN_OK;
}

dn_status dni_gz_add(struct gz_index *ix, const char *key, size_t len, uint32_t place, int quality, int rank,
                     int family)
{
    if (len == 0 || len > 65535) return DN_OK;
    ix->version++;
    const char *stored = NULL;
    bool created;
    struct gz_slot *s = slot_for(ix, key, len, dni_gz_hash(key, len), &stored, &created);
    if (!s) return DN_ERR_NOMEM;
    bool was_findable = findable(s);
    /* a Latin spelling by sound is nobody's spelling: misspellings are
     * corrected towards the names as written, and text is searched for them */
    if (family != GZ_V_COMPACT && family != GZ_V_LATIN_SOUND) s->flags |= GZ_SLOT_WORDS;
    if (quality < 1) quality = 1;
    if (quality > 100) quality = 100;
    if (!(s->flags & GZ_SLOT_KEY)) {
        s->flags |= GZ_SLOT_KEY; /* the posting follows */
        if (s->ntokens > ix->maxtokens) ix->maxtokens = s->ntokens;
    }
    if (!was_findable && findable(s) && ix->prefixes && s->ntokens > 1) {
        /* a key learned after the prefixes were built */
        const char *full = s->key;
        size_t flen = s->len;
        uint32_t hash = s->hash;
        if (add_prefixes(ix, full, flen) != DN_OK) return DN_ERR_NOMEM;
        s = (struct gz_slot *)dni_gz_find(ix, full, flen, hash); /* the table may have moved */
    }
    if (s->head && s->last_place == place) {
        /* names of one place arrive together: merge with its last posting */
        struct gz_post *last = &ix->posts[s->head - 1];
        if (quality > last->quality) last->quality = (uint8_t)quality;
        if (rank < last->rank) last->rank = (uint8_t)rank;
        return DN_OK;
    }
    if (ix->nposts == ix->capposts) {
        size_t cap = ix->capposts ? ix->capposts * 2 : (1u << 16);
        struct gz_post *p = dn_realloc(ix->posts, cap * sizeof *p);
        if (!p) return DN_ERR_NOMEM;
        ix->posts = p;
        ix->capposts = cap;
    }
    struct gz_post *p = &ix->posts[ix->nposts++];
    p->place = place;
    p->quality = (uint8_t)quality;
    p->rank = (uint8_t)(rank < 0 ? 0 : rank > 255 ? 255 : rank);
    p->next = s->head;
    s->head = (uint32_t)ix->nposts;
    s->last_place = place;
    return DN_OK;
}

/* ---- place ids ------------------------------------------------------------------ */

static uint32_t id_hash(long long id)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
    return (uint32_t)(h >> 32);
}

static dn_status id_insert(struct gz_index *ix, long long id, uint32_t idx)
{
    if ((ix->nids + 1) * 2 > (ix->ids ? ix->idmask + 1 : 0)) {
        size_t n = ix->ids ? (ix->idmask + 1) * 2 : (1u << 12);
        struct gz_idslot *ids = dn_malloc(n * sizeof *ids);
        if (!ids) return DN_ERR_NOMEM;
        for (size_t i = 0; i < n; i++) ids[i].idx = UINT32_MAX;
        for (size_t i = 0; ix->ids && i <= ix->idmask; i++) {
            if (ix->ids[i].idx == UINT32_MAX) continue;
            size_t j = id_hash(ix->ids[i].id) & (n - 1);
            while (ids[j].idx != UINT32_MAX) j = (j + 1) & (n - 1);
            ids[j] = ix->ids[i];
        }
        dn_free(ix->ids);
        ix->ids = ids;
        ix->idmask = n - 1;
    }
    size_t j = id_hash(id) & ix->idmask;
    while (ix->ids[j].idx != UINT32_MAX) {
        if (ix->ids[j].id == id) {
            ix->ids[j].idx = idx;
            return DN_OK;
        }
        j = (j + 1) & ix->idmask;
    }
    ix->ids[j].id = id;
    ix->ids[j].idx = idx;
    ix->nids++;
    return DN_OK;
}

long dni_gz_place_index(const struct gz_index *ix, long long id)
{
    if (!ix->ids) return -1;
    for (size_t j = id_hash(id) & ix->idmask; ix->ids[j].idx != UINT32_MAX; j = (j + 1) & ix->idmask)
        if (ix->ids[j].id == id) return (long)ix->ids[j].idx;
    return -1;
}

long dni_gz_append_place(struct gz_index *ix, const struct gz_place *p_in)
{
    struct gz_place pl = *p_in;
    const struct gz_place *p = &pl;
    pl.border_deg = NAN;
    if (ix->nplaces == ix->capplaces) {
        size_t cap = ix->capplaces ? ix->capplaces * 2 : 1024;
        struct gz_place *v = dn_realloc(ix->places, cap * sizeof *v);
        if (!v) return -1;
        ix->places = v;
        ix->capplaces = cap;
    }
    size_t idx = ix->nplaces;
    if (id_insert(ix, p->id, (uint32_t)idx) != DN_OK) return -1;
    ix->version++;
    ix->places[ix->nplaces++] = *p;
    return (long)idx;
}

/* ---- classes ---------------------------------------------------------------------- */

static const struct {
    const char *kind;
    enum gz_class cls;
} kind_classes[] = {
    {"ADM0", GZ_C_ADM0},   {"PCLI", GZ_C_ADM0},       {"ADM1", GZ_C_ADM1},   {"ADM2", GZ_C_ADM2},
    {"HIST", GZ_C_HIST},   {"ADM1H", GZ_C_HIST},      {"PPLC", GZ_C_CAPITAL},    {"PPLA", GZ_C_SEAT1},  {"PPLA2", GZ_C_SEAT2},
    {"PPLA3", GZ_C_SEAT3}, {"PPLA4", GZ_C_SEAT3},     {"PPL", GZ_C_VILLAGE}, {"PPLQ", GZ_C_ABANDONED},
    {"PPLH", GZ_C_ABANDONED}, {"PPLX", GZ_C_QUARTER}, {"CROSSING", GZ_C_CROSSING}, {"LEARNED", GZ_C_LEARNED},
};

static const float class_prominence[GZ_C_COUNT] = {
    [GZ_C_OTHER] = 0.2f,  [GZ_C_ADM0] = 0.95f,   [GZ_C_ADM1] = 0.9f,      [GZ_C_ADM2] = 0.8f,
    [GZ_C_HIST] = 0.6f,   [GZ_C_CAPITAL] = 1.0f, [GZ_C_SEAT1] = 0.9f,     [GZ_C_SEAT2] = 0.75f,
    [GZ_C_SEAT3] = 0.65f, [GZ_C_TOWN] = 0.6f,    [GZ_C_VILLAGE] = 0.3f,   [GZ_C_MINOR] = 0.25f,
    [GZ_C_QUARTER] = 0.35f, [GZ_C_ABANDONED] = 0.1f, [GZ_C_CROSSING] = 0.55f, [GZ_C_LEARNED] = 0.45f,
};

void dni_gz_classify(struct gz_place *p, const char *placetype, int is_current)
{
    enum gz_class cls = GZ_C_OTHER;
    bool known = false;
    for (size_t i = 0; p->kind && i < DN_ARRAY_LEN(kind_classes); i++) {
        if (strcmp(p->kind, kind_classes[i].kind) == 0) {
            cls = kind_classes[i].cls;
            known = true;
            break;
        }
    }
    if (!known && p->kind && strncmp(p->kind, "PPL", 3) == 0) cls = GZ_C_MINOR;
    else if (!known) {
        /* no GeoNames code: Who's On First's own records, curated and current */
        if (placetype && strcmp(placetype, "neighbourhood") == 0) cls = GZ_C_QUARTER;
        else if (placetype && strcmp(placetype, "county") == 0) cls = GZ_C_ADM2;
        else if (placetype && strcmp(placetype, "region") == 0) cls = GZ_C_ADM1;
        else if (placetype && strcmp(placetype, "country") == 0) cls = GZ_C_ADM0;
        else if (placetype && strcmp(placetype, "locality") == 0) cls = GZ_C_TOWN;
    }
    float prom = class_prominence[cls];
    if (p->population > 0) {
        double s = (log10((double)p->population) - 2.0) / 5.0;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        float pp = (float)(0.25 + 0.75 * s);
        if (pp > prom && !gz_class_is_admin(cls)) prom = pp;
        if (cls == GZ_C_VILLAGE && p->population >= 10000) cls = GZ_C_TOWN;
    }
    if (is_current == 0 && !gz_class_is_admin(cls)) prom *= 0.5f; /* a former place */
    p->cls = (uint8_t)cls;
    p->prominence = prom;
}

/* ---- small string map used while building ------------------------------------------- */

struct smap_entry {
    const char *key; /* arena copy, NULL = empty */
    int32_t value;
};

struct smap {
    struct smap_entry *v;
    size_t mask, n;
};

/* The entry of `key` (len bytes), created with value -1 when `create`. */
static struct smap_entry *smap_get(struct smap *m, struct gz_arena *a, const char *key, size_t len, bool create)
{
    if (create && (m->n + 1) * 2 > (m->v ? m->mask + 1 : 0)) {
        size_t n = m->v ? (m->mask + 1) * 2 : 256;
        struct smap_entry *v = dn_calloc(n, sizeof *v);
        if (!v) return NULL;
        for (size_t i = 0; m->v && i <= m->mask; i++) {
            if (!m->v[i].key) continue;
            size_t j = dni_gz_hash(m->v[i].key, strlen(m->v[i].key)) & (n - 1);
            while (v[j].key) j = (j + 1) & (n - 1);
            v[j] = m->v[i];
        }
        dn_free(m->v);
        m->v = v;
        m->mask = n - 1;
    }
    if (!m->v) return NULL;
    size_t j = dni_gz_hash(key, len) & m->mask;
    for (; m->v[j].key; j = (j + 1) & m->mask)
        if (strncmp(m->v[j].key, key, len) == 0 && m->v[j].key[len] == '\0') return &m->v[j];
    if (!create) return NULL;
    const char *k = dni_gz_strdup(a, key, len);
    if (!k) return NULL;
    m->v[j].key = k;
    m->v[j].value = -1;
    m->n++;
    return &m->v[j];
}

static int32_t *smap_slot(struct smap *m, struct gz_arena *a, const char *key, size_t len, bool create)
{
    struct smap_entry *e = smap_get(m, a, key, len, create);
    return e ? &e->value : NULL;
}

/* "PAK|khyber": country plus the key of a name */
static const char *area_key(struct dn_strbuf *b, struct dn_strbuf *tmp, const char *country, const char *a,
                            const char *c)
{
    dn_strbuf_reset(b);
    dn_strbuf_puts(b, country ? country : "");
    const char *parts[2] = {a, c};
    for (int i = 0; i < 2; i++) {
        if (!parts[i]) continue;
        dn_strbuf_putc(b, '|');
        if (dn_name_key(NULL, parts[i], strlen(parts[i]), tmp) == DN_OK) dn_strbuf_append(b, tmp->data, tmp->len);
    }
    return b->failed ? NULL : b->data;
}

struct builder {
    dn_ctx *ctx;
    struct gz_index *ix;
    struct smap strings;   /* interned display strings */
    struct smap adm1;      /* "PAK|key" and "code" → area */
    struct smap adm2;      /* "PAK|provkey|distkey" → area, "PAK|distkey" → area or -2 (several) */
    struct smap canon;     /* names of the admin layers' own units: "key" and "<area>|key" → 1 */
    struct dn_strbuf b, tmp;
    /* places share a few hundred (province, district) pairs: their areas,
     * direct-mapped by the interned pointers */
    struct area_memo {
        const char *country_ref, *province, *district, *pcode;
        char country[4];
        int32_t province_area, district_area;
    } memo[4096];
};

static const char *intern(struct builder *bd, const unsigned char *s)
{
    if (!s || !*s) return NULL;
    struct smap_entry *e = smap_get(&bd->strings, &bd->ix->arena, (const char *)s, strlen((const char *)s), true);
    if (!e) bd->b.failed = true; /* reported by the caller's check */
    return e ? e->key : NULL;
}

static void smap_free(struct smap *m)
{
    dn_free(m->v);
    memset(m, 0, sizeof *m);
}

static const char areas_sql[] =
    "SELECT id, level, historical, country, name, code, parent_name, parent_code, area_km2 FROM admin_areas ORDER BY id";

static dn_status load_areas(struct builder *bd)
{
    struct gz_index *ix = bd->ix;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(bd->ctx, "SELECT count(*) FROM admin_areas", &st);
    if (s != DN_OK) return s;
    size_t n = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    ix->areas = dn_calloc(n ? n : 1, sizeof *ix->areas);
    if (!ix->areas) return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    if ((s = dn_store_stmt(bd->ctx, areas_sql, &st)) != DN_OK) return s;
    /* parent codes and names are resolved after all provinces are known */
    const char **parent_code = dn_calloc(n ? n : 1, sizeof *parent_code);
    if (!parent_code) return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    int rc;
    while (s == DN_OK && ix->nareas < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct gz_area *a = &ix->areas[ix->nareas];
        a->id = sqlite3_column_int64(st, 0);
        a->level = sqlite3_column_int(st, 1);
        a->historical = sqlite3_column_int(st, 2) != 0;
        const unsigned char *c = sqlite3_column_text(st, 3);
        snprintf(a->country, sizeof a->country, "%s", c ? (const char *)c : "");
        a->name = intern(bd, sqlite3_column_text(st, 4));
        a->code = intern(bd, sqlite3_column_text(st, 5));
        a->parent_name = intern(bd, sqlite3_column_text(st, 6));
        parent_code[ix->nareas] = intern(bd, sqlite3_column_text(st, 7));
        a->area_km2 = sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8);
        a->place = -1;
        a->parent = -1;
        if (!a->name) continue; /* the schema forbids it; skip rather than trust */
        if (a->level == 1) {
            const char *k = area_key(&bd->b, &bd->tmp, a->country, a->name, NULL);
            int32_t *v = k ? smap_slot(&bd->adm1, &ix->arena, k, strlen(k), true) : NULL;
            if (v && (*v < 0 || ix->areas[*v].historical)) *v = (int32_t)ix->nareas;
            if (a->code && (v = smap_slot(&bd->adm1, &ix->arena, a->code, strlen(a->code), true)) && *v < 0)
                *v = (int32_t)ix->nareas;
        }
        ix->nareas++;
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < ix->nareas; i++) {
        struct gz_area *a = &ix->areas[i];
        if (a->level != 2) continue;
        int32_t *v = parent_code[i] ? smap_slot(&bd->adm1, &ix->arena, parent_code[i], strlen(parent_code[i]), false)
                                    : NULL;
        if (!v && a->parent_name) {
            const char *k = area_key(&bd->b, &bd->tmp, a->country, a->parent_name, NULL);
            if (k) v = smap_slot(&bd->adm1, &ix->arena, k, strlen(k), false);
        }
        a->parent = v ? *v : -1;
        const char *pn = a->parent >= 0 ? ix->areas[a->parent].name : a->parent_name;
        const char *k = area_key(&bd->b, &bd->tmp, a->country, pn, a->name);
        int32_t *w = k ? smap_slot(&bd->adm2, &ix->arena, k, strlen(k), true) : NULL;
        if (w && *w < 0) *w = (int32_t)i;
        k = area_key(&bd->b, &bd->tmp, a->country, a->name, NULL);
        w = k ? smap_slot(&bd->adm2, &ix->arena, k, strlen(k), true) : NULL;
        if (w) *w = *w == -1 ? (int32_t)i : -2; /* -2: the name alone is ambiguous */
    }
    dn_free(parent_code);
    if (bd->b.failed || bd->tmp.failed) return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    return s;
}

long dni_gz_area_index(const struct gz_index *ix, long long id)
{
    size_t lo = 0, hi = ix->nareas;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ix->areas[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < ix->nareas && ix->areas[lo].id == id ? (long)lo : -1;
}

static void place_areas_uncached(struct builder *bd, struct gz_place *p, const char *province_code);

/* The province and district areas a place lies in, from its admin names. */
static void place_areas(struct builder *bd, struct gz_place *p, const char *province_code)
{
    uintptr_t h = ((uintptr_t)p->province * 31u) ^ ((uintptr_t)p->district * 7u) ^ (uintptr_t)province_code;
    h ^= (uintptr_t)(unsigned char)p->country[0] << 8 ^ (uintptr_t)(unsigned char)p->country[1];
    struct area_memo *m = &bd->memo[(h >> 3) & (DN_ARRAY_LEN(bd->memo) - 1)];
    if (m->country_ref == (const char *)bd && m->province == p->province && m->district == p->district &&
        m->pcode == province_code && strcmp(m->country, p->country) == 0) {
        p->province_area = m->province_area;
        p->district_area = m->district_area;
        return;
    }
    place_areas_uncached(bd, p, province_code);
    m->country_ref = (const char *)bd;
    m->province = p->province;
    m->district = p->district;
    m->pcode = province_code;
    memcpy(m->country, p->country, sizeof m->country);
    m->province_area = p->province_area;
    m->district_area = p->district_area;
}

static void place_areas_uncached(struct builder *bd, struct gz_place *p, const char *province_code)
{
    p->province_area = -1;
    p->district_area = -1;
    int32_t *v = NULL;
    if (province_code) v = smap_slot(&bd->adm1, &bd->ix->arena, province_code, strlen(province_code), false);
    if (!v && p->province) {
        const char *k = area_key(&bd->b, &bd->tmp, p->country, p->province, NULL);
        if (k) v = smap_slot(&bd->adm1, &bd->ix->arena, k, strlen(k), false);
    }
    if (v) p->province_area = *v;
    if (!p->district) return;
    const char *pn = p->province_area >= 0 ? bd->ix->areas[p->province_area].name : p->province;
    const char *k = area_key(&bd->b, &bd->tmp, p->country, pn, p->district);
    int32_t *w = k ? smap_slot(&bd->adm2, &bd->ix->arena, k, strlen(k), false) : NULL;
    if (!w) {
        k = area_key(&bd->b, &bd->tmp, p->country, p->district, NULL);
        w = k ? smap_slot(&bd->adm2, &bd->ix->arena, k, strlen(k), false) : NULL;
    }
    if (w && *w >= 0) p->district_area = *w;
    if (p->province_area < 0 && p->district_area >= 0) p->province_area = bd->ix->areas[p->district_area].parent;
}

static const char places_sql[] =
    "SELECT id, name, kind, placetype, country, province_code, province, district, population, is_current,"
    " admin_id, X(geom), Y(geom) FROM places";

static dn_status load_places(struct builder *bd)
{
    struct gz_index *ix = bd->ix;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(bd->ctx, places_sql, &st);
    if (s != DN_OK) return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct gz_place p = {0};
        p.id = sqlite3_column_int64(st, 0);
        const unsigned char *name = sqlite3_column_text(st, 1);
        p.name = dni_gz_strdup(&ix->arena, name ? (const char *)name : "", name ? strlen((const char *)name) : 0);
        p.kind = intern(bd, sqlite3_column_text(st, 2));
        const char *placetype = (const char *)sqlite3_column_text(st, 3);
        const unsigned char *c = sqlite3_column_text(st, 4);
        snprintf(p.country, sizeof p.country, "%s", c ? (const char *)c : "");
        const char *pcode = intern(bd, sqlite3_column_text(st, 5));
        p.province = intern(bd, sqlite3_column_text(st, 6));
        p.district = intern(bd, sqlite3_column_text(st, 7));
        p.population = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 8);
        int cur = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9);
        p.area = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : (int32_t)dni_gz_area_index(ix, sqlite3_column_int64(st, 10));
        p.lon = sqlite3_column_double(st, 11);
        p.lat = sqlite3_column_double(st, 12);
        if (!p.name || bd->b.failed || bd->tmp.failed) {
            sqlite3_reset(st);
            return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
        }
        dni_gz_classify(&p, placetype, cur);
        /* no feature code (Who's On First's own records): say what it is */
        if (!p.kind) p.kind = intern(bd, (const unsigned char *)placetype);
        place_areas(bd, &p, pcode);
        if (p.area < 0 && gz_class_is_admin(p.cls))
            /* a district or province record the admin layers do not know: a
             * unit since split or renamed (Who's On First's undivided
             * Chitral, Kohistan) or a stray spelling of one they do: less
             * than the units the store maps */
            p.prominence *= 0.5f;
        if (p.area >= 0) {
            /* the place stands for an admin area: class and admin chain from the area */
            struct gz_area *a = &ix->areas[p.area];
            p.cls = a->historical ? GZ_C_HIST : a->level == 0 ? GZ_C_ADM0 : a->level == 1 ? GZ_C_ADM1 : GZ_C_ADM2;
            p.prominence = class_prominence[p.cls];
            if (a->level == 2) {
                p.district_area = p.area;
                p.district = a->name;
                if (a->parent >= 0) {
                    p.province_area = a->parent;
                    p.province = ix->areas[a->parent].name;
                }
            } else if (a->level == 1 && !a->historical) {
                p.province_area = p.area;
                p.province = a->name;
                p.district = NULL;
                p.district_area = -1;
            } else {
                p.province = a->level == 1 ? a->name : NULL;
                p.district = NULL;
                p.district_area = -1;
                if (a->level == 0) p.province_area = -1;
            }
        }
        long idx = dni_gz_append_place(ix, &p);
        if (idx < 0) {
            sqlite3_reset(st);
            return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
        }
        if (p.area >= 0 && ix->areas[p.area].place < 0) ix->areas[p.area].place = (int32_t)idx;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return dni_fail_sqlite(bd->ctx, "reading the gazetteer places");
    return DN_OK;
}

static bool wants_initials(const struct gz_place *p)
{
    return p->cls != GZ_C_VILLAGE && p->cls != GZ_C_MINOR && p->cls != GZ_C_QUARTER && p->cls != GZ_C_ABANDONED &&
           p->cls != GZ_C_OTHER && p->cls != GZ_C_LEARNED;
}

dn_status dni_gz_index_name(struct gz_index *ix, uint32_t place, const char *key, size_t len, int rank,
                            struct gz_variants *var)
{
    dni_gz_variants(key, len, wants_initials(&ix->places[place]) ? GZ_VAR_INITIALS : 0, var);
    dn_status s = DN_OK;
    for (size_t i = 0; s == DN_OK && i < var->n; i++)
        s = dni_gz_add(ix, var->v[i].s, var->v[i].len, place, var->v[i].quality - rank, rank, var->v[i].family);
    return s;
}

/* Edit distance on bytes, for comparing ASCII names (capped at `max` + 1). */
static size_t byte_distance(const char *a, size_t n, const char *b, size_t m, size_t max)
{
    if ((n > m ? n - m : m - n) > max || n > 63 || m > 63) return max + 1;
    size_t row[64], prev[64];
    for (size_t j = 0; j <= m; j++) prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= m; j++) {
            size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
            row[j] = v;
            if (v < best) best = v;
        }
        if (best > max) return max + 1;
        memcpy(prev, row, (m + 1) * sizeof *row);
    }
    return prev[m];
}

static bool contains_words(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0 || nn > hn) return false;
    for (size_t i = 0; i + nn <= hn; i++)
        if ((i == 0 || hay[i - 1] == ' ') && (i + nn == hn || hay[i + nn] == ' ') && memcmp(hay + i, needle, nn) == 0)
            return true;
    return false;
}

static bool ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

/* Whether an alias of an admin area plausibly names it. The source's
 * alternate names of districts and provinces mix in their divisions and
 * neighbours ("Charsadda" also "Peshawar", "North Waziristan" also "Wana",
 * every tribal agency "F.A.T.A."): an alias must share the name's words,
 * be a spelling of it, or abbreviate it. Arabic-script aliases cannot be
 * checked against Latin names and are kept. */
static bool alias_plausible(struct gz_variants *mv, struct gz_variants *av)
{
    /* the cores (the second variant only when it is one: a name that is its
     * own core may have its spelling by sound there) */
    size_t mi = mv->n > 1 && mv->v[1].family == GZ_V_CORE, ai = av->n > 1 && av->v[1].family == GZ_V_CORE;
    const char *m = mv->v[mi].s, *a = av->v[ai].s;
    size_t mn = mv->v[mi].len, an = av->v[ai].len;
    if (!ascii(a, an) || !ascii(m, mn)) return true;
    if (contains_words(a, an, m, mn) || contains_words(m, mn, a, an)) return true;
    size_t tol = mn / 4 > 2 ? mn / 4 : 2;
    if (byte_distance(a, an, m, mn, tol) <= tol) return true;
    for (size_t i = 0; i < mv->n; i++) /* "di khan" for "dera ismail khan", also among other words */
        if (mv->v[i].family == GZ_V_INITIALS && contains_words(a, an, mv->v[i].s, mv->v[i].len)) return true;
    return false;
}

/* The names of the admin layers' own units (the places the geodata load
 * made from admin_areas), so that another unit's record cannot keep them. */
static dn_status load_unit_names(struct builder *bd)
{
    struct gz_index *ix = bd->ix;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(bd->ctx,
                                /* CROSS JOIN: the 1,200 units first, then their names by
                                 * place_names_place; SQLite, with no statistics, chose to
                                 * scan all 335,000 names and look up each one's place */
                                "SELECT n.key, p.admin_id FROM places p CROSS JOIN place_names n ON n.place_id = p.id"
                                " WHERE p.admin_id IS NOT NULL"
                                " AND p.source IN ('admin_areas', 'admin1', 'admin2', 'historical_regions')",
                                &st);
    if (s != DN_OK) return s;
    int rc;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        long area = dni_gz_area_index(ix, sqlite3_column_int64(st, 1));
        if (!key || area < 0) continue;
        dn_strbuf_reset(&bd->b);
        dn_strbuf_printf(&bd->b, "%ld|%s", area, key);
        if (bd->b.failed || !smap_slot(&bd->canon, &ix->arena, key, strlen(key), true) ||
            !smap_slot(&bd->canon, &ix->arena, bd->b.data, bd->b.len, true))
            s = dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    }
    sqlite3_reset(st);
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(bd->ctx, "reading the names of admin units");
    return s;
}

/* Whether `key` names another admin unit and not the one `p` stands for:
 * Who's On First cloned new districts from their parents with the
 * parents' Urdu, Pashto and Dari names (Charsadda's record carries ضلع
 * پشاور), which the Latin-script test cannot catch. */
static bool other_units_name(struct builder *bd, const struct gz_place *p, const char *key, size_t len)
{
    if (!smap_slot(&bd->canon, &bd->ix->arena, key, len, false)) return false;
    if (p->area < 0) return true;
    dn_strbuf_reset(&bd->b);
    dn_strbuf_printf(&bd->b, "%ld|", (long)p->area);
    dn_strbuf_append(&bd->b, key, len);
    return !bd->b.failed && !smap_slot(&bd->canon, &bd->ix->arena, bd->b.data, bd->b.len, false);
}

static dn_status load_names(struct builder *bd)
{
    struct gz_index *ix = bd->ix;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(bd->ctx, "SELECT place_id, key, rank, source = 'aliases.csv' FROM place_names", &st);
    if (s != DN_OK) return s;
    struct gz_variants *var = dn_malloc(sizeof *var), *mvar = dn_malloc(sizeof *mvar);
    struct dn_strbuf mkey = {0};
    if (!var || !mvar) {
        dn_free(var);
        dn_free(mvar);
        return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    }
    long mplace = -1;
    int rc;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long idx = dni_gz_place_index(ix, sqlite3_column_int64(st, 0));
        const char *key = (const char *)sqlite3_column_text(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        int rank = sqlite3_column_int(st, 2);
        bool curated = sqlite3_column_int(st, 3) != 0;
        ix->nnames++;
        if (idx < 0 || !key || !len) continue;
        const struct gz_place *p = &ix->places[idx];
        if (rank > 0 && !curated && gz_class_is_admin(p->cls)) {
            if (mplace != idx) {
                if (dn_name_key(NULL, p->name, strlen(p->name), &mkey) != DN_OK) continue;
                dni_gz_variants(mkey.data, mkey.len, GZ_VAR_INITIALS, mvar);
                mplace = idx;
            }
            dni_gz_variants(key, len, 0, var);
            if (!alias_plausible(mvar, var) || other_units_name(bd, p, key, len)) {
                ix->nskipped++;
                continue;
            }
        }
        s = dni_gz_index_name(ix, (uint32_t)idx, key, len, rank, var);
        if (s != DN_OK) s = dni_fail(bd->ctx, s, "out of memory");
    }
    sqlite3_reset(st);
    dn_free(var);
    dn_free(mvar);
    dn_strbuf_free(&mkey);
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(bd->ctx, "reading the gazetteer names");
    return s;
}

/* Border crossings. The crossings layer stands each crossing on a
 * settlement next to it (geodata/SOURCES.md: a proxy, not the gate), which
 * is also a place of the gazetteer: that place takes the crossing's name,
 * its parts before and in parentheses ("Friendship Gate") and its other names,
 * counts as a crossing for "X border" and "X crossing", and is as prominent
 * as one, so "Ghulam Khan" means the crossing before the villages of that
 * name. A crossing whose settlement the gazetteer lacks adds nothing. */
static const char crossings_sql[] = "SELECT name, proxy_name, alt_names, X(geom), Y(geom) FROM crossings";

/* The place named `name` within about 500 m of (lon, lat), -1 if none. */
static long proxy_place(struct builder *bd, const char *name, double lon, double lat)
{
    struct gz_index *ix = bd->ix;
    if (!name || dn_name_key(NULL, name, strlen(name), &bd->b) != DN_OK || bd->b.len == 0) return -1;
    const struct gz_slot *sl = dni_gz_find(ix, bd->b.data, bd->b.len, dni_gz_hash(bd->b.data, bd->b.len));
    for (uint32_t h = sl ? sl->head : 0; h; h = ix->posts[h - 1].next) {
        const struct gz_place *p = &ix->places[ix->posts[h - 1].place];
        if (fabs(p->lat - lat) < 0.005 && fabs(p->lon - lon) < 0.005) return (long)ix->posts[h - 1].place;
    }
    return -1;
}

static dn_status index_crossing_name(struct builder *bd, uint32_t place, const char *name, size_t len, int rank,
                                     struct gz_variants *var)
{
    if (dn_name_key(NULL, name, len, &bd->tmp) != DN_OK || bd->tmp.len == 0) return DN_OK; /* not a usable name */
    dn_status s = dni_gz_index_name(bd->ix, place, bd->tmp.data, bd->tmp.len, rank, var);
    return s == DN_OK ? DN_OK : dni_fail(bd->ctx, s, "out of memory");
}

static dn_status load_crossings(struct builder *bd)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(bd->ctx, crossings_sql, &st);
    if (s != DN_OK) return s;
    struct gz_variants *var = dn_malloc(sizeof *var);
    if (!var) {
        sqlite3_reset(st);
        return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    }
    int rc = SQLITE_DONE;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name || sqlite3_column_type(st, 3) == SQLITE_NULL) continue;
        long idx = proxy_place(bd, (const char *)sqlite3_column_text(st, 1), sqlite3_column_double(st, 3),
                               sqlite3_column_double(st, 4));
        if (idx < 0) continue;
        struct gz_place *p = &bd->ix->places[idx];
        p->crossing = true;
        if (p->prominence < class_prominence[GZ_C_CROSSING]) p->prominence = class_prominence[GZ_C_CROSSING];
        s = index_crossing_name(bd, (uint32_t)idx, name, strlen(name), 0, var);
        const char *open = strchr(name, '('), *close = open ? strchr(open, ')') : NULL;
        if (s == DN_OK && close) s = index_crossing_name(bd, (uint32_t)idx, name, (size_t)(open - name), 0, var);
        if (s == DN_OK && close)
            s = index_crossing_name(bd, (uint32_t)idx, open + 1, (size_t)(close - open - 1), 0, var);
        const char *alt = (const char *)sqlite3_column_text(st, 2);
        while (s == DN_OK && alt && *alt) {
            const char *bar = strchr(alt, '|');
            size_t n = bar ? (size_t)(bar - alt) : strlen(alt);
            s = index_crossing_name(bd, (uint32_t)idx, alt, n, 1, var);
            alt = bar ? bar + 1 : NULL;
        }
    }
    sqlite3_reset(st);
    dn_free(var);
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(bd->ctx, "reading the border crossings");
    return s;
}

dn_status dni_gz_index_size(struct gz_index *ix, size_t places, size_t posts, size_t keys)
{
    /* at most 70 % full (slot_for): prefix slots, added on the first
     * mention search, may grow the table then */
    size_t slots = 1u << 16;
    while (slots * 7 < keys * 10) slots *= 2;
    ix->slots = dn_calloc(slots, sizeof *ix->slots);
    ix->slotmask = slots - 1;
    ix->capposts = posts ? posts : 1;
    ix->posts = dn_malloc(ix->capposts * sizeof *ix->posts);
    ix->capplaces = places ? places : 1;
    ix->places = dn_malloc(ix->capplaces * sizeof *ix->places);
    size_t ids = 1u << 12;
    while (ids < places * 2) ids *= 2;
    ix->ids = dn_malloc(ids * sizeof *ix->ids);
    if (!ix->slots || !ix->posts || !ix->places || !ix->ids) return DN_ERR_NOMEM;
    for (size_t i = 0; i < ids; i++) ix->ids[i].idx = UINT32_MAX;
    ix->idmask = ids - 1;
    return DN_OK;
}

/* Size the tables for the rows to come, so they do not rehash while filling. */
static dn_status presize(struct builder *bd)
{
    sqlite3_stmt *st;
    long long counts[2] = {0, 0};
    const char *sql[2] = {"SELECT count(*) FROM places", "SELECT count(*) FROM place_names"};
    for (int i = 0; i < 2; i++) {
        dn_status s = dn_store_stmt(bd->ctx, sql[i], &st);
        if (s != DN_OK) return s;
        if (sqlite3_step(st) == SQLITE_ROW) counts[i] = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    size_t places = (size_t)counts[0] + 16, names = (size_t)counts[1] + 16;
    /* about 1.33 postings and 1.0 keys a name with the shipped geodata
     * (335,435 names: 446,467 postings under 330,245 keys) */
    if (dni_gz_index_size(bd->ix, places, names + names / 2, names) != DN_OK)
        return dni_fail(bd->ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

/* The Durand Line as a prepared GEOS geometry (none when the store has no border). */
static dn_status load_border(dn_ctx *ctx, struct gz_index *ix)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT AsBinary(geom) FROM border ORDER BY id LIMIT 1", &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        GEOSContextHandle_t h = dni_geos(ctx);
        GEOSWKBReader *r = GEOSWKBReader_create_r(h);
        if (r) {
            ix->border = GEOSWKBReader_read_r(h, r, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
            GEOSWKBReader_destroy_r(h, r);
        }
        if (ix->border) ix->border_prep = GEOSPrepare_r(h, ix->border);
        ix->geos = h;
        if (!ix->border || !ix->border_prep) s = dni_fail(ctx, DN_ERR_GEOS, "gazetteer: cannot read the Durand Line");
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        s = dni_fail_sqlite(ctx, "reading the Durand Line");
    }
    sqlite3_reset(st);
    return s;
}

double dni_gz_border_nearness(struct gz_index *ix, struct gz_place *p)
{
    if (!ix->border_prep) return 0;
    if (isnan(p->border_deg)) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ix->geos, p->lon, p->lat);
        double d = NAN;
        if (!pt || GEOSPreparedDistance_r(ix->geos, ix->border_prep, pt, &d) != 1) d = 90;
        if (pt) GEOSGeom_destroy_r(ix->geos, pt);
        p->border_deg = (float)d;
    }
    double n = 1 - p->border_deg / 2.0;
    return n < 0 ? 0 : n;
}

void dni_gz_index_clear(struct gz_index *ix)
{
    bool memo_off = ix->memo_off;
    dn_free(ix->areas);
    dn_free(ix->places);
    dn_free(ix->slots);
    dn_free(ix->posts);
    dn_free(ix->ids);
    dni_gz_arena_free(&ix->arena);
    memset(ix, 0, sizeof *ix);
    ix->memo_off = memo_off;
}

static void index_free(dn_ctx *ctx, void *state)
{
    (void)ctx;
    struct gz_index *ix = state;
    if (!ix) return;
    /* the prepared geometry goes before the geometry it was made from */
    if (ix->border_prep) GEOSPreparedGeom_destroy_r(ix->geos, ix->border_prep);
    if (ix->border) GEOSGeom_destroy_r(ix->geos, ix->border);
    dni_gz_fuzzy_free(ix->fuzzy);
    dni_gz_stoplist_free(ix->stop);
    for (size_t i = 0; i < ix->nregions; i++) dn_free(ix->regions[i].members);
    dn_free(ix->regions);
    if (ix->cands) dn_free(ix->cands->v);
    dn_free(ix->cands);
    dn_free(ix->mark);
    dn_free(ix->stamp);
    dn_strbuf_free(&ix->scratch);
    dni_gz_memo_free(ix->memo);
    dn_strbuf_free(&ix->memo_key);
    dni_gz_index_clear(ix);
    dn_free(ix);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The building thread's CPU time: the build may run on a thread of its own
 * (dn_gazetteer_preload_start) while the process's other threads work. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The index from the store's tables. */
static dn_status build_from_tables(dn_ctx *ctx, struct gz_index *ix)
{
    /* the builder holds a 200 KB memo: on the heap, not the stack */
    struct builder *bd = dn_calloc(1, sizeof *bd);
    if (!bd) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    bd->ctx = ctx;
    bd->ix = ix;
    dn_status s = presize(bd);
    if (s == DN_OK) s = load_areas(bd);
    if (s == DN_OK) s = load_places(bd);
    if (s == DN_OK) s = load_unit_names(bd);
    if (s == DN_OK) s = load_names(bd);
    if (s == DN_OK) s = load_crossings(bd);
    smap_free(&bd->strings);
    smap_free(&bd->adm1);
    smap_free(&bd->adm2);
    smap_free(&bd->canon);
    dn_strbuf_free(&bd->b);
    dn_strbuf_free(&bd->tmp);
    dn_free(bd);
    return s;
}

/* The store's image of the index (image.c) when it is this build's and
 * current, else the index built from the tables. Both read in one
 * snapshot of the store when the connection is in none yet, so that
 * the epoch read with them is the one the index reflects. */
static dn_status load_or_build(dn_ctx *ctx, struct gz_index *ix)
{
    sqlite3 *db = dni_db(ctx);
    bool own_read = sqlite3_get_autocommit(db);
    dn_status s = own_read ? dn_store_exec(ctx, "BEGIN") : DN_OK;
    if (s != DN_OK) return s;
    long long epoch = -1;
    bool from_image = false;
    s = dni_gz_image_fetch(ctx, ix, &from_image, &epoch);
    if (s == DN_ERR_INPUT) {
        /* a damaged image is no reason to fail: the tables are there */
        dni_warn(ctx, "%s; building the index from the store's tables", dn_ctx_errmsg(ctx));
        dni_clear_error(ctx);
        dni_gz_index_clear(ix);
        s = DN_OK;
    }
    if (s == DN_OK && !from_image) s = build_from_tables(ctx, ix);
    if (own_read) {
        if (s == DN_OK) s = dn_store_exec(ctx, "COMMIT");
        else sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    ix->from_image = from_image;
    /* an index built in a snapshot of its own may be saved as the image */
    ix->image_epoch = s == DN_OK && own_read && !from_image ? epoch : -1;
    return s;
}

dn_status dni_gz_index_build(dn_ctx *ctx, struct gz_index **out)
{
    *out = NULL;
    if (!dni_db(ctx)) return dni_fail(ctx, DN_ERR_INTERNAL, "gazetteer: no database open");
    double t0 = now_ms(), c0 = cpu_ms();
    struct gz_index *ix = dn_calloc(1, sizeof *ix);
    if (!ix) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    ix->memo_off = dni_lookup_cache_off();
    dn_status s = load_or_build(ctx, ix);
    if (s != DN_OK) {
        index_free(ctx, ix);
        return s;
    }
    ix->load_ms = now_ms() - t0;
    ix->load_cpu_ms = cpu_ms() - c0;
    *out = ix;
    return DN_OK;
}

void dni_gz_index_free(struct gz_index *ix) { index_free(NULL, ix); }

dn_status dni_gz_index_install(dn_ctx *ctx, struct gz_index *ix)
{
    double t0 = now_ms(), c0 = cpu_ms();
    ix->db = dni_db(ctx);
    snprintf(ix->db_path, sizeof ix->db_path, "%s", dn_store_path(ctx));
    dn_status s = load_border(ctx, ix);
    if (s != DN_OK) {
        index_free(ctx, ix);
        return s;
    }
    /* an index just built from the tables (nothing can add to it before it
     * is installed): the next command reads it instead (image.c); a
     * writer's store only */
    if (ix->image_epoch >= 0 && dni_store_writable_file(ctx)) dni_gz_image_save(ctx, ix, ix->image_epoch);
    ix->load_ms += now_ms() - t0;
    ix->load_cpu_ms += cpu_ms() - c0;
    dni_slot_set(ctx, DNI_SLOT_GAZETTEER, ix, index_free);
    return DN_OK;
}

bool dni_gz_index_ready(dn_ctx *ctx)
{
    struct gz_index *ix = dni_slot_get(ctx, DNI_SLOT_GAZETTEER);
    /* the same store: the same connection (and, should a new connection
     * reuse the old one's address, the same file) */
    return ix && ix->db == dni_db(ctx) && strcmp(ix->db_path, dn_store_path(ctx)) == 0;
}

dn_status dni_gz_index(dn_ctx *ctx, struct gz_index **out)
{
    if (dni_gz_index_ready(ctx)) {
        *out = dni_slot_get(ctx, DNI_SLOT_GAZETTEER);
        return DN_OK;
    }
    dn_status s = dni_gz_index_build(ctx, out);
    if (s == DN_OK && (s = dni_gz_index_install(ctx, *out)) != DN_OK) *out = NULL;
    return s;
}

dn_status dn_gazetteer_load(dn_ctx *ctx, struct dn_gazetteer_stats *stats)
{
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    if (s != DN_OK || !stats) return s;
    memset(stats, 0, sizeof *stats);
    stats->load_ms = ix->load_ms;
    stats->load_cpu_ms = ix->load_cpu_ms;
    stats->from_image = ix->from_image;
    stats->names_skipped = ix->nskipped;
    stats->fuzzy_ms = ix->fuzzy_ms;
    stats->places = ix->nplaces;
    stats->names = ix->nnames;
    for (size_t i = 0; ix->slots && i <= ix->slotmask; i++) stats->keys += (ix->slots[i].flags & GZ_SLOT_KEY) != 0;
    stats->postings = ix->nposts;
    stats->fuzzy_words = dni_gz_fuzzy_words(ix->fuzzy);
    return DN_OK;
}

void dn_gazetteer_invalidate(dn_ctx *ctx) { dni_slot_set(ctx, DNI_SLOT_GAZETTEER, NULL, NULL); }

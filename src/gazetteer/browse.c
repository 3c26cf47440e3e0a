/** @file browse.c
 * Browsing the gazetteer: places by admin area and kind, the names of a
 * place, and the names learned from ingested files.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gazetteer/gz_internal.h"
#include "store/store.h"

static bool kind_matches(const struct gz_place *p, const char *kind)
{
    if (!kind || !*kind) return true;
    if (p->kind && strcasecmp(p->kind, kind) == 0) return true;
    static const struct {
        const char *word;
        int cls;
    } words[] = {
        {"country", GZ_C_ADM0}, {"province", GZ_C_ADM1}, {"region", GZ_C_HIST},     {"district", GZ_C_ADM2},
        {"village", GZ_C_VILLAGE}, {"learned", GZ_C_LEARNED}, {"neighbourhood", GZ_C_QUARTER},
    };
    /* the settlements the crossings layer stands its crossings on */
    if (strcasecmp(kind, "crossing") == 0) return p->crossing;
    for (size_t i = 0; i < DN_ARRAY_LEN(words); i++)
        if (strcasecmp(kind, words[i].word) == 0) return p->cls == words[i].cls;
    if (strcasecmp(kind, "town") == 0)
        return p->cls == GZ_C_CAPITAL || p->cls == GZ_C_SEAT1 || p->cls == GZ_C_SEAT2 || p->cls == GZ_C_SEAT3 ||
               p->cls == GZ_C_TOWN;
    return false;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b) return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int cmp_place(const void *x, const void *y)
{
    const struct gz_place *a = *(const struct gz_place *const *)x, *b = *(const struct gz_place *const *)y;
    int c = strcmp(a->country, b->country);
    if (!c) c = cmp_str(a->province, b->province);
    if (!c) c = cmp_str(a->district, b->district);
    if (!c && a->prominence != b->prominence) c = a->prominence < b->prominence ? 1 : -1;
    if (!c) c = strcmp(a->name, b->name);
    if (!c) c = (a->id > b->id) - (a->id < b->id);
    return c;
}

dn_status dn_gazetteer_list(dn_ctx *ctx, const struct dn_geocode_opts *opts, const char *kind, size_t offset,
                            size_t limit, struct dn_place **out, size_t *n, size_t *total)
{
    *out = NULL;
    *n = 0;
    if (total) *total = 0;
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    struct gz_hints h;
    if (s == DN_OK) s = dni_gz_resolve_hints(ctx, ix, opts, &h);
    if (s != DN_OK) return s;
    if (h.country_given && !h.country[0]) return dni_fail(ctx, DN_ERR_NOT_FOUND, "unknown country '%s'", opts->country);
    if (h.province.given && !h.province.resolved)
        return dni_fail(ctx, DN_ERR_NOT_FOUND, "unknown province or region '%s'", opts->province);
    if (h.district.given && !h.district.resolved)
        return dni_fail(ctx, DN_ERR_NOT_FOUND, "unknown district '%s'", opts->district);
    const struct gz_place **sel = dn_malloc((ix->nplaces ? ix->nplaces : 1) * sizeof *sel);
    if (!sel) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < ix->nplaces; i++) {
        const struct gz_place *p = &ix->places[i];
        if (h.country[0] && strcmp(p->country, h.country) != 0) continue;
        if (h.province.given && dni_gz_filter_match(ix, &h.province, p) <= 0) continue;
        if (h.district.given && dni_gz_filter_match(ix, &h.district, p) <= 0) continue;
        if (!kind_matches(p, kind)) continue;
        sel[m++] = p;
    }
    qsort(sel, m, sizeof *sel, cmp_place);
    if (total) *total = m;
    size_t from = offset < m ? offset : m, count = m - from;
    if (limit && count > limit) count = limit;
    if (count) {
        *out = dn_calloc(count, sizeof **out);
        if (!*out) {
            dn_free(sel);
            return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < count; i++) dni_gz_fill_place(ix, (uint32_t)(sel[from + i] - ix->places), &(*out)[i]);
    }
    *n = count;
    dn_free(sel);
    return DN_OK;
}

/* Rows of one text column joined with "|" (duplicates dropped). */
static dn_status join_rows(dn_ctx *ctx, sqlite3_stmt *st, int col, char **out)
{
    struct dn_strbuf b = {0};
    dn_strbuf_append(&b, "", 0);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, col);
        if (!v || !*v) continue;
        /* already listed? */
        size_t vl = strlen(v);
        bool dup = false;
        for (const char *p = b.data; p && *p && !dup;) {
            const char *bar = strchr(p, '|');
            size_t l = bar ? (size_t)(bar - p) : strlen(p);
            dup = l == vl && memcmp(p, v, l) == 0;
            p = bar ? bar + 1 : p + l;
        }
        if (dup) continue;
        if (b.len) dn_strbuf_putc(&b, '|');
        dn_strbuf_puts(&b, v);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        dn_strbuf_free(&b);
        return dni_fail_sqlite(ctx, "reading place names");
    }
    if (b.failed) {
        dn_strbuf_free(&b);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    *out = b.data;
    return DN_OK;
}

dn_status dn_gazetteer_names(dn_ctx *ctx, long long id, char **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT name FROM place_names WHERE place_id = ? ORDER BY rank, rowid", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, id);
    return join_rows(ctx, st, 0, out);
}

void dn_learned_free(struct dn_learned *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++) {
        dn_free(list[i].names);
        dn_free(list[i].sources);
    }
    dn_free(list);
}

dn_status dn_gazetteer_learned(dn_ctx *ctx, struct dn_learned **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    sqlite3_stmt *st, *names;
    if (s == DN_OK)
        s = dn_store_stmt(ctx,
                          "SELECT DISTINCT place_id FROM place_names WHERE source LIKE 'learned:%' ORDER BY place_id",
                          &st);
    if (s != DN_OK) return s;
    size_t cap = 0;
    int rc;
    long long *ids = NULL;
    size_t nids = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (nids == cap) {
            cap = cap ? cap * 2 : 64;
            long long *v = dn_realloc(ids, cap * sizeof *v);
            if (!v) {
                sqlite3_reset(st);
                dn_free(ids);
                return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
            }
            ids = v;
        }
        ids[nids++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        dn_free(ids);
        return dni_fail_sqlite(ctx, "reading learned names");
    }
    struct dn_learned *list = nids ? dn_calloc(nids, sizeof *list) : NULL;
    if (nids && !list) {
        dn_free(ids);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; s == DN_OK && i < nids; i++) {
        long idx = dni_gz_place_index(ix, ids[i]);
        if (idx < 0) continue; /* a name left over from a place since removed */
        struct dn_learned *l = &list[k];
        dni_gz_fill_place(ix, (uint32_t)idx, &l->place);
        s = dn_store_stmt(ctx,
                          "SELECT name, substr(source, 9) FROM place_names WHERE place_id = ? AND source LIKE 'learned:%'"
                          " ORDER BY rowid",
                          &names);
        if (s != DN_OK) break;
        sqlite3_bind_int64(names, 1, ids[i]);
        s = join_rows(ctx, names, 0, &l->names);
        if (s != DN_OK) break;
        sqlite3_bind_int64(names, 1, ids[i]);
        s = join_rows(ctx, names, 1, &l->sources);
        k++;
    }
    dn_free(ids);
    if (s != DN_OK) {
        dn_learned_free(list, k);
        return s;
    }
    *out = list;
    *n = k;
    return DN_OK;
}

/** @file groups.c
 * Hash aggregation of rows into groups (open addressing, FNV-1a).
 */
#include <stdlib.h>
#include <string.h>

#include "query/groups.h"

struct dni_groups {
    dn_ctx *ctx;
    size_t nkeys;
    struct dni_group **slots; /* hash table, power-of-two size */
    size_t nslots;
    struct dni_group **list;  /* insertion order, later sorted */
    size_t n, cap;
};

dn_status dni_groups_new(dn_ctx *ctx, size_t nkeys, struct dni_groups **out)
{
    struct dni_groups *g = dn_calloc(1, sizeof *g);
    if (!g) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    g->ctx = ctx;
    g->nkeys = nkeys;
    g->nslots = 256;
    g->slots = dn_calloc(g->nslots, sizeof *g->slots);
    if (!g->slots) {
        dn_free(g);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    *out = g;
    return DN_OK;
}

static void free_group(struct dni_group *gr, size_t nkeys)
{
    if (!gr) return;
    if (gr->keys)
        for (size_t i = 0; i < nkeys; i++) dn_free(gr->keys[i]);
    dn_free(gr->keys);
    dn_free(gr->first_date);
    dn_free(gr->last_date);
    dn_free(gr);
}

void dni_groups_free(struct dni_groups *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n; i++) free_group(g->list[i], g->nkeys);
    dn_free(g->list);
    dn_free(g->slots);
    dn_free(g);
}

static unsigned long long hash_keys(const char *const *keys, size_t n)
{
    unsigned long long h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        /* a null and an empty string hash apart */
        h = (h ^ (keys[i] ? 1u : 2u)) * 1099511628211ull;
        for (const unsigned char *p = (const unsigned char *)keys[i]; p && *p; p++) h = (h ^ *p) * 1099511628211ull;
    }
    return h;
}

static bool same_keys(const struct dni_group *gr, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!gr->keys[i] || !keys[i]) {
            if (gr->keys[i] != keys[i] && (gr->keys[i] || keys[i])) return false;
        } else if (strcmp(gr->keys[i], keys[i]) != 0) {
            return false;
        }
    }
    return true;
}

static bool grow(struct dni_groups *g)
{
    size_t nslots = g->nslots * 2;
    struct dni_group **slots = dn_calloc(nslots, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i < g->n; i++) {
        size_t j = hash_keys((const char *const *)g->list[i]->keys, g->nkeys) & (nslots - 1);
        while (slots[j]) j = (j + 1) & (nslots - 1);
        slots[j] = g->list[i];
    }
    dn_free(g->slots);
    g->slots = slots;
    g->nslots = nslots;
    return true;
}

static struct dni_group *new_group(struct dni_groups *g, const char *const *keys)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        struct dni_group **list = dn_realloc(g->list, cap * sizeof *list);
        if (!list) return NULL;
        g->list = list;
        g->cap = cap;
    }
    struct dni_group *gr = dn_calloc(1, sizeof *gr);
    if (!gr) return NULL;
    gr->nkeys = g->nkeys;
    if (!(gr->keys = dn_calloc(g->nkeys ? g->nkeys : 1, sizeof *gr->keys))) {
        dn_free(gr);
        return NULL;
    }
    for (size_t i = 0; i < g->nkeys; i++) {
        if (keys[i] && !(gr->keys[i] = dn_strdup(keys[i]))) {
            free_group(gr, g->nkeys);
            return NULL;
        }
    }
    g->list[g->n++] = gr;
    return gr;
}

static bool set_date(char **slot, const char *date)
{
    char *copy = dn_strdup(date);
    if (!copy) return false;
    dn_free(*slot);
    *slot = copy;
    return true;
}

dn_status dni_groups_add(struct dni_groups *g, sqlite3_stmt *row)
{
    enum { MAX_KEYS = 16 };
    const char *keys[MAX_KEYS];
    if (NEVER(g->nkeys > MAX_KEYS)) return dni_fail(g->ctx, DN_ERR_INTERNAL, "too many summary keys");
    for (size_t i = 0; i < g->nkeys; i++) keys[i] = (const char *)sqlite3_column_text(row, (int)i);
    if (2 * (g->n + 1) > g->nslots && !grow(g)) return dni_fail(g->ctx, DN_ERR_NOMEM, "out of memory");
    size_t j = hash_keys(keys, g->nkeys) & (g->nslots - 1);
    while (g->slots[j] && !same_keys(g->slots[j], keys, g->nkeys)) j = (j + 1) & (g->nslots - 1);
    struct dni_group *gr = g->slots[j];
    if (!gr) {
        if (!(gr = new_group(g, keys))) return dni_fail(g->ctx, DN_ERR_NOMEM, "out of memory");
        g->slots[j] = gr;
    }
    int c = (int)g->nkeys;
    gr->events++;
    if (sqlite3_column_type(row, c) != SQLITE_NULL && sqlite3_column_int64(row, c) >= 0) {
        gr->fatalities += sqlite3_column_int64(row, c);
        gr->has_fatalities = true;
    }
    if (sqlite3_column_type(row, c + 1) != SQLITE_NULL && sqlite3_column_int64(row, c + 1) >= 0) {
        gr->injured += sqlite3_column_int64(row, c + 1);
        gr->has_injured = true;
    }
    const char *date = (const char *)sqlite3_column_text(row, c + 2);
    if (date) {
        if ((!gr->first_date || strcmp(date, gr->first_date) < 0) && !set_date(&gr->first_date, date))
            return dni_fail(g->ctx, DN_ERR_NOMEM, "out of memory");
        if ((!gr->last_date || strcmp(date, gr->last_date) > 0) && !set_date(&gr->last_date, date))
            return dni_fail(g->ctx, DN_ERR_NOMEM, "out of memory");
    }
    return DN_OK;
}

static int cmp_groups(const void *a, const void *b)
{
    const struct dni_group *x = *(const struct dni_group *const *)a, *y = *(const struct dni_group *const *)b;
    for (size_t i = 0; i < x->nkeys; i++) {
        const char *p = x->keys[i], *q = y->keys[i];
        if (!p || !q) {
            if (p != q) return p ? -1 : 1; /* nulls last */
            continue;
        }
        int c = strcmp(p, q);
        if (c) return c;
    }
    return 0;
}

const struct dni_group *const *dni_groups_sorted(struct dni_groups *g, size_t *n)
{
    if (g->n > 1) qsort(g->list, g->n, sizeof *g->list, cmp_groups);
    *n = g->n;
    return (const struct dni_group *const *)g->list;
}

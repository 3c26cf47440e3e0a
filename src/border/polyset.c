/** @file polyset.c
 * Polygon sets read from the store: GEOS geometries, their prepared forms,
 * envelopes and an STRtree, and the point tests the grids fall back to.
 */
#include <math.h>
#include <string.h>

#include "border/border_internal.h"
#include "store/store.h"

static bool grow(struct dni_polyset *set, size_t *cap)
{
    if (set->n < *cap) return true;
    size_t c = *cap ? *cap * 2 : 16;
    GEOSGeometry **g = dn_realloc(set->geom, c * sizeof *g);
    if (!g) return false;
    set->geom = g;
    double(*e)[4] = dn_realloc(set->env, c * sizeof *e);
    if (!e) return false;
    set->env = e;
    char **code = dn_realloc(set->code, c * sizeof *code);
    if (!code) return false;
    set->code = code;
    char **name = dn_realloc(set->name, c * sizeof *name);
    if (!name) return false;
    set->name = name;
    char **country = dn_realloc(set->country, c * sizeof *country);
    if (!country) return false;
    set->country = country;
    *cap = c;
    return true;
}

static char *column_dup(sqlite3_stmt *st, int col, bool *nomem)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t) return NULL;
    char *s = dn_strdup((const char *)t);
    if (!s) *nomem = true;
    return s;
}

dn_status dni_polyset_load(dn_ctx *ctx, const char *sql, const char *bind, struct dni_polyset *set)
{
    GEOSContextHandle_t h = dni_geos(ctx);
    memset(set, 0, sizeof *set);
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    if (bind) sqlite3_bind_text(st, 1, bind, -1, SQLITE_TRANSIENT);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    if (!reader) return dni_fail(ctx, DN_ERR_GEOS, "cannot create a GEOS WKB reader");
    size_t cap = 0;
    int rc;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!grow(set, &cap)) {
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
            break;
        }
        const void *wkb = sqlite3_column_blob(st, 3);
        int len = sqlite3_column_bytes(st, 3);
        const unsigned char *label = sqlite3_column_text(st, 1);
        GEOSGeometry *g = wkb ? GEOSWKBReader_read_r(h, reader, wkb, (size_t)len) : NULL;
        if (!g) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "admin area '%s': unreadable geometry (%s)",
                         label ? (const char *)label : "?", dn_ctx_errmsg(ctx));
            break;
        }
        size_t i = set->n++;
        set->geom[i] = g;
        bool nomem = false;
        set->code[i] = column_dup(st, 0, &nomem);
        set->name[i] = column_dup(st, 1, &nomem);
        set->country[i] = column_dup(st, 2, &nomem);
        double *e = set->env[i];
        if (GEOSGeom_getXMin_r(h, g, &e[0]) != 1 || GEOSGeom_getYMin_r(h, g, &e[1]) != 1 ||
            GEOSGeom_getXMax_r(h, g, &e[2]) != 1 || GEOSGeom_getYMax_r(h, g, &e[3]) != 1) {
            /* an empty geometry: an envelope no point falls into */
            e[0] = e[1] = INFINITY;
            e[2] = e[3] = -INFINITY;
        }
        if (nomem) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading admin areas");
    sqlite3_reset(st);
    GEOSWKBReader_destroy_r(h, reader);
    if (s == DN_OK && set->n) {
        set->prep = dn_calloc(set->n, sizeof *set->prep);
        if (!set->prep) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        for (size_t i = 0; s == DN_OK && i < set->n; i++) {
            set->prep[i] = GEOSPrepare_r(h, set->geom[i]);
            if (!set->prep[i]) s = dni_fail(ctx, DN_ERR_GEOS, "cannot prepare '%s': %s", set->name[i], dn_ctx_errmsg(ctx));
        }
        if (s == DN_OK) {
            set->tree = GEOSSTRtree_create_r(h, 10);
            if (!set->tree) s = dni_fail(ctx, DN_ERR_GEOS, "cannot create an STRtree");
            /* the tree stores item pointers: index + 1 cast to a pointer, never dereferenced */
            for (size_t i = 0; s == DN_OK && i < set->n; i++)
                GEOSSTRtree_insert_r(h, set->tree, set->geom[i], (void *)(uintptr_t)(i + 1));
        }
    }
    if (s != DN_OK) dni_polyset_clear(ctx, set);
    return s;
}

void dni_polyset_clear(dn_ctx *ctx, struct dni_polyset *set)
{
    GEOSContextHandle_t h = dni_geos(ctx);
    if (set->tree) GEOSSTRtree_destroy_r(h, set->tree);
    for (size_t i = 0; i < set->n; i++) {
        /* a prepared geometry goes before its base geometry */
        if (set->prep && set->prep[i]) GEOSPreparedGeom_destroy_r(h, set->prep[i]);
        GEOSGeom_destroy_r(h, set->geom[i]);
        dn_free(set->code[i]);
        dn_free(set->name[i]);
        dn_free(set->country[i]);
    }
    dn_free(set->prep);
    dn_free(set->geom);
    dn_free(set->env);
    dn_free(set->code);
    dn_free(set->name);
    dn_free(set->country);
    memset(set, 0, sizeof *set);
}

int dni_polyset_hits(dn_ctx *ctx, const struct dni_polyset *set, double lon, double lat, const uint32_t *only,
                     size_t nonly, uint32_t *out, int cap)
{
    GEOSContextHandle_t h = dni_geos(ctx);
    GEOSGeometry *pt = NULL;
    int found = 0;
    size_t count = only ? nonly : set->n;
    for (size_t k = 0; k < count && found < cap; k++) {
        uint32_t i = only ? only[k] : (uint32_t)k;
        const double *e = set->env[i];
        if (lon < e[0] || lon > e[2] || lat < e[1] || lat > e[3]) continue;
        if (!pt && !(pt = GEOSGeom_createPointFromXY_r(h, lon, lat))) {
            dni_fail(ctx, DN_ERR_GEOS, "cannot create a point: %s", dn_ctx_errmsg(ctx));
            return -1;
        }
        /* intersects, not contains: a point on an edge belongs to the polygon */
        char r = GEOSPreparedIntersects_r(h, set->prep[i], pt);
        if (r == 2) {
            GEOSGeom_destroy_r(h, pt);
            dni_fail(ctx, DN_ERR_GEOS, "point test against '%s' failed: %s", set->name[i], dn_ctx_errmsg(ctx));
            return -1;
        }
        if (r == 1) out[found++] = i;
    }
    if (pt) GEOSGeom_destroy_r(h, pt);
    return found;
}

struct nearest_state {
    const struct dni_polyset *set;
    const GEOSGeometry *query;
    dn_ctx *ctx;
    bool failed;
};

static int item_distance(const void *item1, const void *item2, double *distance, void *userdata)
{
    /* one item is the query point, the other a tree item (polygon index + 1);
     * GEOS does not promise the order */
    struct nearest_state *ns = userdata;
    const void *item = item1 == ns->query ? item2 : item1;
    uintptr_t i = (uintptr_t)item;
    if (i == 0 || i > ns->set->n) {
        *distance = INFINITY;
        return 1;
    }
    if (GEOSPreparedDistance_r(dni_geos(ns->ctx), ns->set->prep[i - 1], ns->query, distance) != 1) {
        ns->failed = true;
        return 0;
    }
    return 1;
}

long dni_polyset_nearest(dn_ctx *ctx, const struct dni_polyset *set, double lon, double lat)
{
    if (!set->n || !set->tree) return -1;
    GEOSContextHandle_t h = dni_geos(ctx);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, lon, lat);
    if (!pt) {
        dni_fail(ctx, DN_ERR_GEOS, "cannot create a point: %s", dn_ctx_errmsg(ctx));
        return -1;
    }
    struct nearest_state ns = {.set = set, .query = pt, .ctx = ctx};
    const void *item = GEOSSTRtree_nearest_generic_r(h, set->tree, pt, pt, item_distance, &ns);
    GEOSGeom_destroy_r(h, pt);
    if (ns.failed || !item) {
        dni_fail(ctx, DN_ERR_GEOS, "nearest-polygon search failed: %s", dn_ctx_errmsg(ctx));
        return -1;
    }
    return (long)((uintptr_t)item - 1);
}

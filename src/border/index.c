/** @file index.c
 * The border index in the context slot DNI_SLOT_BORDER: created on first
 * use, loaded from the store (countries, the line, crossings), freed with
 * the context.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "border/border_internal.h"
#include "store/store.h"

/* Cell sizes, degrees: the country raster, and the top cells of the
 * distance grid (which split further near the line). */
#define COUNTRY_CELL 0.02
#define FRAME_CELL 0.1

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void unload_admin(dn_ctx *ctx, struct dni_border *b)
{
    for (size_t i = 0; i < b->nadmin; i++) {
        struct dni_admin_country *a = &b->admin[i];
        dni_label_grid_clear(&a->province_grid);
        dni_label_grid_clear(&a->district_grid);
        dni_polyset_clear(ctx, &a->provinces);
        dni_polyset_clear(ctx, &a->districts);
    }
    dn_free(b->admin);
    b->admin = NULL;
    b->nadmin = 0;
    dni_label_grid_clear(&b->historical_grid);
    dni_polyset_clear(ctx, &b->historical);
    b->admin_loaded = false;
}

static void unload(dn_ctx *ctx, struct dni_border *b)
{
    unload_admin(ctx, b);
    if (b->frames)
        for (size_t i = 0; i < (size_t)b->fnx * (size_t)b->fny; i++) dni_frame_free(b->frames[i]);
    dn_free(b->frames);
    b->frames = NULL;
    b->frames_built = 0;
    dni_crossings_free(b->crossing, b->ncrossing);
    b->crossing = NULL;
    b->ncrossing = 0;
    dni_line_clear(&b->line);
    dni_label_grid_clear(&b->country_grid);
    dni_polyset_clear(ctx, &b->countries);
    b->loaded = false;
}

static void destroy_state(dn_ctx *ctx, void *state)
{
    struct dni_border *b = state;
    unload(ctx, b);
    dn_free(b);
}

dn_status dni_border_state(dn_ctx *ctx, struct dni_border **out)
{
    struct dni_border *b = dni_slot_get(ctx, DNI_SLOT_BORDER);
    if (!b) {
        b = dn_calloc(1, sizeof *b);
        if (!b) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        dni_bands_default(&b->bands);
        dni_slot_set(ctx, DNI_SLOT_BORDER, b, destroy_state);
    }
    *out = b;
    return DN_OK;
}

/* WGS 84 from PROJ (a PROJ string, so no database is needed). */
static dn_status init_geodesic(dn_ctx *ctx, struct dni_border *b)
{
    PJ_CONTEXT *pj = dni_proj(ctx);
    PJ *crs = proj_create(pj, "+proj=longlat +ellps=WGS84 +no_defs +type=crs");
    PJ *ell = crs ? proj_get_ellipsoid(pj, crs) : NULL;
    double a = 0, bb = 0, inv_f = 0;
    int computed = 0;
    int ok = ell && proj_ellipsoid_get_parameters(pj, ell, &a, &bb, &computed, &inv_f);
    proj_destroy(ell);
    proj_destroy(crs);
    if (!ok || !(a > 0 && inv_f > 0))
        return dni_fail(ctx, DN_ERR_PROJ, "cannot get the WGS 84 ellipsoid from PROJ: %s",
                        proj_context_errno_string(pj, proj_context_errno(pj)));
    geod_init(&b->geod, a, 1 / inv_f);
    /* radii of curvature lie between b²/a (meridian, equator) and a²/b (poles) */
    b->r_lo = bb * bb / a;
    b->r_hi = a * a / bb;
    return DN_OK;
}

static dn_status find_side_countries(struct dni_border *b)
{
    b->left_country = b->right_country = -1;
    for (size_t i = 0; i < b->countries.n; i++) {
        const char *c = b->countries.code[i];
        if (c && strcmp(c, b->line.left_iso) == 0) b->left_country = (int)i;
        if (c && strcmp(c, b->line.right_iso) == 0) b->right_country = (int)i;
    }
    return DN_OK;
}

static dn_status load(dn_ctx *ctx, struct dni_border *b)
{
    double t0 = now_ms();
    if (!dni_db(ctx)) return dni_fail(ctx, DN_ERR_INTERNAL, "the border check needs an open database");
    dn_status s = init_geodesic(ctx, b);
    if (s == DN_OK)
        s = dni_polyset_load(ctx, "SELECT code, name, country, AsBinary(geom) FROM admin_areas WHERE level = 0 ORDER BY id",
                             NULL, &b->countries);
    if (s == DN_OK && b->countries.n == 0)
        s = dni_fail(ctx, DN_ERR_GEODATA, "the database holds no country polygons (run 'durand init')");
    for (size_t i = 0; s == DN_OK && i < b->countries.n; i++)
        if (!b->countries.code[i] || strlen(b->countries.code[i]) != 3)
            s = dni_fail(ctx, DN_ERR_GEODATA, "country '%s' has no ISO3 code", b->countries.name[i]);
    if (s == DN_OK) s = dni_label_grid_build(ctx, &b->countries, COUNTRY_CELL, &b->country_grid);
    if (s == DN_OK) s = dni_line_load(ctx, &b->geod, &b->line);
    if (s == DN_OK) s = dni_crossings_load(ctx, &b->crossing, &b->ncrossing);
    if (s == DN_OK) s = find_side_countries(b);
    if (s == DN_OK) {
        /* the distance grid covers the countries and the line */
        const struct dni_label_grid *g = &b->country_grid;
        double minx = g->x0, miny = g->y0, maxx = g->x0 + g->nx * g->cell, maxy = g->y0 + g->ny * g->cell;
        for (size_t i = 0; i < b->line.nv; i++) {
            minx = fmin(minx, b->line.lon[i]);
            maxx = fmax(maxx, b->line.lon[i]);
            miny = fmin(miny, b->line.lat[i]);
            maxy = fmax(maxy, b->line.lat[i]);
        }
        b->fcell = FRAME_CELL;
        b->fx0 = floor(minx / FRAME_CELL) * FRAME_CELL;
        b->fy0 = floor(miny / FRAME_CELL) * FRAME_CELL;
        b->fnx = (int)ceil((maxx - b->fx0) / FRAME_CELL) + 1;
        b->fny = (int)ceil((maxy - b->fy0) / FRAME_CELL) + 1;
        b->frames = dn_calloc((size_t)b->fnx * (size_t)b->fny, sizeof *b->frames);
        if (!b->frames) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    if (s != DN_OK) {
        unload(ctx, b);
        return s;
    }
    b->loaded = true;
    b->load_ms = now_ms() - t0;
    return DN_OK;
}

dn_status dni_border_get(dn_ctx *ctx, struct dni_border **out)
{
    struct dni_border *b = NULL;
    dn_status s = dni_border_state(ctx, &b);
    if (s == DN_OK && !b->loaded) s = load(ctx, b);
    *out = s == DN_OK ? b : NULL;
    return s;
}

void dn_border_invalidate(dn_ctx *ctx)
{
    struct dni_border *b = dni_slot_get(ctx, DNI_SLOT_BORDER);
    if (b) unload(ctx, b);
}

dn_status dn_border_load(dn_ctx *ctx, double *ms)
{
    struct dni_border *b = NULL;
    dn_status s = dni_border_get(ctx, &b);
    if (s == DN_OK && ms) *ms = b->load_ms;
    return s;
}

static const char admin_countries_sql[] =
    "SELECT DISTINCT country FROM admin_areas WHERE level IN (1, 2) AND historical = 0 ORDER BY country";
static const char provinces_sql[] =
    "SELECT code, name, country, AsBinary(geom) FROM admin_areas"
    " WHERE level = 1 AND historical = 0 AND country = ? ORDER BY id";
static const char districts_sql[] =
    "SELECT parent_code, name, country, AsBinary(geom) FROM admin_areas WHERE level = 2 AND country = ? ORDER BY id";
static const char historical_sql[] =
    "SELECT code, name, country, AsBinary(geom) FROM admin_areas WHERE historical = 1 ORDER BY id";

/* Cell size of the admin rasters, degrees. */
#define ADMIN_CELL 0.01

static dn_status load_admin(dn_ctx *ctx, struct dni_border *b)
{
    double t0 = now_ms();
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, admin_countries_sql, &st);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (b->nadmin == cap) {
            cap = cap ? cap * 2 : 4;
            struct dni_admin_country *p = dn_realloc(b->admin, cap * sizeof *p);
            if (!p) {
                s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                break;
            }
            b->admin = p;
        }
        struct dni_admin_country *a = &b->admin[b->nadmin++];
        memset(a, 0, sizeof *a);
        const unsigned char *iso = sqlite3_column_text(st, 0);
        snprintf(a->iso, sizeof a->iso, "%s", iso ? (const char *)iso : "");
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading admin areas");
    if (st) sqlite3_reset(st);
    for (size_t i = 0; s == DN_OK && i < b->nadmin; i++) {
        struct dni_admin_country *a = &b->admin[i];
        s = dni_polyset_load(ctx, provinces_sql, a->iso, &a->provinces);
        if (s == DN_OK) s = dni_polyset_load(ctx, districts_sql, a->iso, &a->districts);
        if (s == DN_OK) s = dni_label_grid_build(ctx, &a->provinces, ADMIN_CELL, &a->province_grid);
        if (s == DN_OK) s = dni_label_grid_build(ctx, &a->districts, ADMIN_CELL, &a->district_grid);
    }
    if (s == DN_OK) s = dni_polyset_load(ctx, historical_sql, NULL, &b->historical);
    if (s == DN_OK) s = dni_label_grid_build(ctx, &b->historical, ADMIN_CELL, &b->historical_grid);
    if (s != DN_OK) {
        unload_admin(ctx, b);
        return s;
    }
    b->admin_loaded = true;
    b->admin_ms = now_ms() - t0;
    return DN_OK;
}

dn_status dni_border_get_admin(dn_ctx *ctx, struct dni_border **out)
{
    struct dni_border *b = NULL;
    dn_status s = dni_border_get(ctx, &b);
    if (s == DN_OK && !b->admin_loaded) s = load_admin(ctx, b);
    *out = s == DN_OK ? b : NULL;
    return s;
}

dn_status dn_admin_load(dn_ctx *ctx, double *ms)
{
    struct dni_border *b = NULL;
    dn_status s = dni_border_get_admin(ctx, &b);
    if (s == DN_OK && ms) *ms = b->admin_ms;
    return s;
}

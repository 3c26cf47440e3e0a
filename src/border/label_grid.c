/** @file label_grid.c
 * A raster over a polygon set that answers "which polygon holds this point"
 * without GEOS for every cell no polygon edge touches.
 *
 * Build: every edge marks the cells it may pass through (conservatively:
 * the bounding boxes of pieces no longer than a cell, widened by a hair),
 * and each marked cell keeps the list of polygons whose edges touch it.
 * The unmarked cells form connected regions that no edge enters, so each
 * region lies wholly inside the same polygons: one GEOS point test at one
 * cell centre labels the whole region (flood fill).
 */
#include <math.h>
#include <string.h>

#include "border/border_internal.h"

#define UNSET 0x7ffffffeu
#define EDGE_EPS 1e-9

typedef void (*edge_fn)(void *ud, double x1, double y1, double x2, double y2);

/* Calls fn for every edge of every ring of polygon geometry g. */
static dn_status for_each_edge(dn_ctx *ctx, const GEOSGeometry *g, edge_fn fn, void *ud, double **buf, size_t *cap)
{
    GEOSContextHandle_t h = dni_geos(ctx);
    int nparts = GEOSGetNumGeometries_r(h, g);
    if (nparts < 0) return dni_fail(ctx, DN_ERR_GEOS, "cannot read a polygon: %s", dn_ctx_errmsg(ctx));
    for (int p = 0; p < nparts; p++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, g, p);
        int nholes = poly ? GEOSGetNumInteriorRings_r(h, poly) : -1;
        if (nholes < 0) return dni_fail(ctx, DN_ERR_GEOS, "cannot read a polygon: %s", dn_ctx_errmsg(ctx));
        for (int r = -1; r < nholes; r++) {
            const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, poly) : GEOSGetInteriorRingN_r(h, poly, r);
            const GEOSCoordSequence *seq = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
            unsigned int n = 0;
            if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
                return dni_fail(ctx, DN_ERR_GEOS, "cannot read a ring: %s", dn_ctx_errmsg(ctx));
            if (2 * (size_t)n > *cap) {
                double *nb = dn_realloc(*buf, 2 * (size_t)n * sizeof *nb);
                if (!nb) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                *buf = nb;
                *cap = 2 * (size_t)n;
            }
            if (n && !GEOSCoordSeq_copyToBuffer_r(h, seq, *buf, 0, 0))
                return dni_fail(ctx, DN_ERR_GEOS, "cannot read a ring: %s", dn_ctx_errmsg(ctx));
            const double *xy = *buf;
            for (unsigned int i = 1; i < n; i++) fn(ud, xy[2 * i - 2], xy[2 * i - 1], xy[2 * i], xy[2 * i + 1]);
        }
    }
    return DN_OK;
}

struct marker {
    struct dni_label_grid *g;
    uint32_t *stamp;   /* polygon index + 1 that last marked the cell */
    uint32_t poly;     /* current polygon index */
    uint32_t *count;   /* pass 1: polygons touching each cell */
    uint32_t *fill;    /* pass 2: next free slot per cell */
};

static int clampi(long v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : (int)v; }

static void mark_box(struct marker *m, double xa, double ya, double xb, double yb)
{
    const struct dni_label_grid *g = m->g;
    int ix0 = clampi((long)floor((xa - EDGE_EPS - g->x0) / g->cell), 0, g->nx - 1);
    int ix1 = clampi((long)floor((xb + EDGE_EPS - g->x0) / g->cell), 0, g->nx - 1);
    int iy0 = clampi((long)floor((ya - EDGE_EPS - g->y0) / g->cell), 0, g->ny - 1);
    int iy1 = clampi((long)floor((yb + EDGE_EPS - g->y0) / g->cell), 0, g->ny - 1);
    for (int iy = iy0; iy <= iy1; iy++) {
        for (int ix = ix0; ix <= ix1; ix++) {
            size_t c = (size_t)iy * (size_t)g->nx + (size_t)ix;
            if (m->stamp[c] == m->poly + 1) continue;
            m->stamp[c] = m->poly + 1;
            if (m->fill) g->touch[m->fill[c]++] = m->poly;
            else m->count[c]++;
        }
    }
}

static void mark_edge(void *ud, double x1, double y1, double x2, double y2)
{
    struct marker *m = ud;
    double cell = m->g->cell;
    /* pieces no longer than a cell: each piece's box covers the cells it crosses */
    double len = fmax(fabs(x2 - x1), fabs(y2 - y1));
    long pieces = len > cell ? (long)ceil(len / cell) : 1;
    for (long k = 0; k < pieces; k++) {
        double t0 = (double)k / (double)pieces, t1 = (double)(k + 1) / (double)pieces;
        double xa = x1 + (x2 - x1) * t0, ya = y1 + (y2 - y1) * t0;
        double xb = x1 + (x2 - x1) * t1, yb = y1 + (y2 - y1) * t1;
        mark_box(m, fmin(xa, xb), fmin(ya, yb), fmax(xa, xb), fmax(ya, yb));
    }
}

static dn_status mark_all(dn_ctx *ctx, const struct dni_polyset *set, struct marker *m)
{
    double *buf = NULL;
    size_t cap = 0;
    dn_status s = DN_OK;
    size_t ncells = (size_t)m->g->nx * (size_t)m->g->ny;
    memset(m->stamp, 0, ncells * sizeof *m->stamp);
    for (size_t i = 0; s == DN_OK && i < set->n; i++) {
        m->poly = (uint32_t)i;
        s = for_each_edge(ctx, set->geom[i], mark_edge, m, &buf, &cap);
    }
    dn_free(buf);
    return s;
}

/* Label the region of unmarked cells around `start` with one point test. */
static dn_status flood(dn_ctx *ctx, const struct dni_polyset *set, struct dni_label_grid *g, size_t start,
                       uint32_t *stack)
{
    int ix = (int)(start % (size_t)g->nx), iy = (int)(start / (size_t)g->nx);
    double lon = g->x0 + (ix + 0.5) * g->cell, lat = g->y0 + (iy + 0.5) * g->cell;
    uint32_t hits[2];
    int n = dni_polyset_hits(ctx, set, lon, lat, NULL, 0, hits, 2);
    if (n < 0) return dn_ctx_status(ctx);
    uint32_t label = n == 0 ? 0 : n == 1 ? hits[0] + 1 : DNI_CELL_AMBIGUOUS;
    size_t top = 0;
    stack[top++] = (uint32_t)start;
    g->cells[start] = label;
    while (top) {
        size_t c = stack[--top];
        int cx = (int)(c % (size_t)g->nx), cy = (int)(c / (size_t)g->nx);
        size_t nb[4];
        int k = 0;
        if (cx > 0) nb[k++] = c - 1;
        if (cx < g->nx - 1) nb[k++] = c + 1;
        if (cy > 0) nb[k++] = c - (size_t)g->nx;
        if (cy < g->ny - 1) nb[k++] = c + (size_t)g->nx;
        for (int j = 0; j < k; j++) {
            if (g->cells[nb[j]] != UNSET) continue;
            g->cells[nb[j]] = label;
            stack[top++] = (uint32_t)nb[j];
        }
    }
    return DN_OK;
}

dn_status dni_label_grid_build(dn_ctx *ctx, const struct dni_polyset *set, double cell, struct dni_label_grid *g)
{
    memset(g, 0, sizeof *g);
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < set->n; i++) {
        minx = fmin(minx, set->env[i][0]);
        miny = fmin(miny, set->env[i][1]);
        maxx = fmax(maxx, set->env[i][2]);
        maxy = fmax(maxy, set->env[i][3]);
    }
    if (!(minx <= maxx)) minx = miny = maxx = maxy = 0; /* no polygons: one empty cell */
    /* one spare cell on every side, so no polygon reaches the grid's edge */
    g->cell = cell;
    g->x0 = floor(minx / cell) * cell - cell;
    g->y0 = floor(miny / cell) * cell - cell;
    g->nx = (int)ceil((maxx - g->x0) / cell) + 2;
    g->ny = (int)ceil((maxy - g->y0) / cell) + 2;
    size_t ncells = (size_t)g->nx * (size_t)g->ny;
    if (ncells >= DNI_CELL_AMBIGUOUS) return dni_fail(ctx, DN_ERR_INTERNAL, "label grid too large");

    struct marker m = {.g = g};
    g->cells = dn_calloc(ncells, sizeof *g->cells);
    m.stamp = dn_malloc(ncells * sizeof *m.stamp);
    uint32_t *offset = dn_malloc((ncells + 1) * sizeof *offset);
    dn_status s = g->cells && m.stamp && offset ? DN_OK : dni_fail(ctx, DN_ERR_NOMEM, "out of memory");

    /* pass 1: how many polygons touch each cell */
    m.count = g->cells;
    if (s == DN_OK) s = mark_all(ctx, set, &m);
    size_t total = 0;
    for (size_t c = 0; s == DN_OK && c < ncells; c++) {
        offset[c] = (uint32_t)total;
        if (g->cells[c]) total += 1 + g->cells[c];
    }
    if (s == DN_OK && total >= DNI_CELL_BOUNDARY) s = dni_fail(ctx, DN_ERR_INTERNAL, "label grid too large");
    if (s == DN_OK) {
        g->ntouch = total;
        g->touch = dn_malloc((total ? total : 1) * sizeof *g->touch);
        if (!g->touch) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    /* pass 2: the lists; m.stamp doubles as the per-cell fill cursor's base */
    if (s == DN_OK) {
        for (size_t c = 0; c < ncells; c++) {
            if (g->cells[c]) {
                g->touch[offset[c]] = g->cells[c];
                g->cells[c] = DNI_CELL_BOUNDARY | offset[c];
                offset[c]++;
            } else {
                g->cells[c] = UNSET;
            }
        }
        m.fill = offset;
        m.count = NULL;
        s = mark_all(ctx, set, &m);
    }
    /* label the untouched regions; the stack never holds more than all cells */
    dn_free(offset);
    offset = NULL;
    uint32_t *stack = m.stamp;
    for (size_t c = 0; s == DN_OK && c < ncells; c++)
        if (g->cells[c] == UNSET) s = flood(ctx, set, g, c, stack);
    dn_free(m.stamp);
    if (s != DN_OK) dni_label_grid_clear(g);
    return s;
}

void dni_label_grid_clear(struct dni_label_grid *g)
{
    dn_free(g->cells);
    dn_free(g->touch);
    memset(g, 0, sizeof *g);
}

/* The cell value under (lon, lat); 0 (in no polygon) outside the grid,
 * which covers every polygon's envelope. */
static uint32_t cell_at(const struct dni_label_grid *g, double lon, double lat)
{
    double fx = (lon - g->x0) / g->cell, fy = (lat - g->y0) / g->cell;
    if (!(fx >= 0 && fy >= 0 && fx < g->nx && fy < g->ny)) return 0;
    return g->cells[(size_t)fy * (size_t)g->nx + (size_t)fx];
}

bool dni_label_grid_crossed(const struct dni_label_grid *g, double lon, double lat)
{
    uint32_t v = cell_at(g, lon, lat);
    return v != DNI_CELL_AMBIGUOUS && (v & DNI_CELL_BOUNDARY);
}

int dni_label_grid_locate(dn_ctx *ctx, const struct dni_label_grid *g, const struct dni_polyset *set, double lon,
                          double lat, uint32_t *out, int cap)
{
    uint32_t v = cell_at(g, lon, lat);
    if (v == DNI_CELL_AMBIGUOUS) return dni_polyset_hits(ctx, set, lon, lat, NULL, 0, out, cap);
    if (v & DNI_CELL_BOUNDARY) {
        const uint32_t *list = g->touch + (v & ~DNI_CELL_BOUNDARY);
        int n = dni_polyset_hits(ctx, set, lon, lat, list + 1, list[0], out, cap);
        /* none of the touching polygons: only a polygon overlapping them could hold it */
        if (n == 0) n = dni_polyset_hits(ctx, set, lon, lat, NULL, 0, out, cap);
        return n;
    }
    if (v == 0 || cap < 1) return 0;
    out[0] = v - 1;
    return 1;
}

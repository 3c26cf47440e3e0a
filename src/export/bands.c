/** @file bands.c
 * The border_bands layer: for each band (0-10, 10-25, ... km) and each side
 * of the Durand Line, the area whose geodesic distance to the line lies in
 * the band, clipped to that side's country.
 *
 * Geodesic, not planar: the line is cut into pieces of at most PIECE_KM and
 * each piece is buffered in an azimuthal equidistant projection centred on
 * it (PROJ's ellipsoidal aeqd keeps distances from the centre exact). The
 * pieces' buffers are densified, taken back to lon/lat and united.
 *
 * Accuracy, measured (geodesic distance from the band edge to the line with
 * PROJ's geod, at ring vertices and at midpoints between them): the edges
 * fall short of their distance mostly where GEOS approximates the arcs of
 * joins and caps by chords, a sagitta of r(1 - cos(pi/(4 QUAD_SEGS))). With
 * QUAD_SEGS 64, at the 100 km edge of the shipped line: median 0.5 m inside
 * at vertices and 5.7 m between them, p99 8.5 m, at most 9.2 m inside and
 * 2.7 m outside (16 segments gave median 74 m, at most 180 m). The unit test
 * test_export__border_bands_are_geodesic holds every edge point of the mini
 * geodata's bands to 10 m. 64 segments cost no measurable time over 16
 * (about 2.7 s CPU for the layer); 256 would bring the error to about 1.5 m
 * but take 30% longer and double the size of the layer.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <geodesic.h>

#include "border/border.h"
#include "export/export_internal.h"
#include "store/store.h"

enum { QUAD_SEGS = 64 }; /* segments per quarter circle: the accuracy above */
static const double PIECE_KM = 100.0;     /* length of a line piece buffered in one projection */
static const double LINE_STEP_KM = 2.0;   /* geodesic densification of the line */
static const double RING_STEP_M = 2000.0; /* densification of buffer edges before unprojecting */

struct bands {
    dn_ctx *ctx;
    GEOSContextHandle_t h;
    struct geod_geodesic g;
    /* the line, geodesically densified, lon/lat */
    double *lon, *lat;
    size_t n, cap;
};

static dn_status fail_geos(struct bands *b, const char *what)
{
    const char *msg = dn_ctx_errmsg(b->ctx);
    return dni_fail(b->ctx, DN_ERR_GEOS, "border bands: %s failed%s%s", what, *msg ? ": " : "", msg);
}

static bool push(struct bands *b, double lon, double lat)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        double *x = dn_realloc(b->lon, cap * sizeof *x);
        if (!x) return false;
        b->lon = x;
        double *y = dn_realloc(b->lat, cap * sizeof *y);
        if (!y) return false;
        b->lat = y;
        b->cap = cap;
    }
    b->lon[b->n] = lon;
    b->lat[b->n] = lat;
    b->n++;
    return true;
}

/* Vertices of the line, with geodesic intermediate points on long segments. */
static dn_status densify_line(struct bands *b, const GEOSGeometry *line)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(b->h, line);
    unsigned int size = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(b->h, seq, &size)) return fail_geos(b, "reading the line");
    double plon = 0, plat = 0;
    for (unsigned int i = 0; i < size; i++) {
        double lon, lat;
        if (!GEOSCoordSeq_getXY_r(b->h, seq, i, &lon, &lat)) return fail_geos(b, "reading the line");
        if (i > 0) {
            double s12, azi1, azi2;
            geod_inverse(&b->g, plat, plon, lat, lon, &s12, &azi1, &azi2);
            int steps = (int)ceil(s12 / (LINE_STEP_KM * 1000.0));
            for (int k = 1; k < steps; k++) {
                double ilat, ilon;
                geod_direct(&b->g, plat, plon, azi1, s12 * k / steps, &ilat, &ilon, NULL);
                if (!push(b, ilon, ilat)) return dni_fail(b->ctx, DN_ERR_NOMEM, "out of memory");
            }
        }
        if (!push(b, lon, lat)) return dni_fail(b->ctx, DN_ERR_NOMEM, "out of memory");
        plon = lon;
        plat = lat;
    }
    return DN_OK;
}

/* Apply `P` (forward or inverse) to every coordinate of a polygonal or linear
 * geometry; returns a new geometry (caller destroys) or NULL. */
static GEOSGeometry *transform(struct bands *b, PJ *P, PJ_DIRECTION dir, const GEOSGeometry *g);

static GEOSGeometry *transform_ring(struct bands *b, PJ *P, PJ_DIRECTION dir, const GEOSGeometry *ring, bool linear)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(b->h, ring);
    unsigned int size = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(b->h, seq, &size)) return NULL;
    double *x = dn_malloc((size + 1) * sizeof *x), *y = dn_malloc((size + 1) * sizeof *y);
    GEOSGeometry *out = NULL;
    if (x && y && GEOSCoordSeq_copyToArrays_r(b->h, seq, x, y, NULL, NULL)) {
        size_t done = proj_trans_generic(P, dir, x, sizeof *x, size, y, sizeof *y, size, NULL, 0, 0, NULL, 0, 0);
        bool finite = done == size;
        for (unsigned int i = 0; finite && i < size; i++) finite = isfinite(x[i]) && isfinite(y[i]);
        if (finite) {
            GEOSCoordSequence *ns = GEOSCoordSeq_copyFromArrays_r(b->h, x, y, NULL, NULL, size);
            if (ns) out = linear ? GEOSGeom_createLineString_r(b->h, ns) : GEOSGeom_createLinearRing_r(b->h, ns);
        }
    }
    dn_free(x);
    dn_free(y);
    return out;
}

static GEOSGeometry *transform_polygon(struct bands *b, PJ *P, PJ_DIRECTION dir, const GEOSGeometry *poly)
{
    int nholes = GEOSGetNumInteriorRings_r(b->h, poly);
    if (nholes < 0) return NULL;
    GEOSGeometry *shell = transform_ring(b, P, dir, GEOSGetExteriorRing_r(b->h, poly), false);
    if (!shell) return NULL;
    GEOSGeometry **holes = nholes ? dn_calloc((size_t)nholes, sizeof *holes) : NULL;
    bool ok = !nholes || holes;
    for (int i = 0; ok && i < nholes; i++)
        ok = (holes[i] = transform_ring(b, P, dir, GEOSGetInteriorRingN_r(b->h, poly, i), false)) != NULL;
    GEOSGeometry *out = NULL;
    if (ok) out = GEOSGeom_createPolygon_r(b->h, shell, holes, (unsigned int)nholes);
    if (!out) {
        GEOSGeom_destroy_r(b->h, shell);
        for (int i = 0; holes && i < nholes; i++)
            if (holes[i]) GEOSGeom_destroy_r(b->h, holes[i]);
    }
    dn_free(holes);
    return out;
}

static GEOSGeometry *transform(struct bands *b, PJ *P, PJ_DIRECTION dir, const GEOSGeometry *g)
{
    switch (GEOSGeomTypeId_r(b->h, g)) {
    case GEOS_LINESTRING: return transform_ring(b, P, dir, g, true);
    case GEOS_POLYGON: return transform_polygon(b, P, dir, g);
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        int n = GEOSGetNumGeometries_r(b->h, g);
        GEOSGeometry **parts = n > 0 ? dn_calloc((size_t)n, sizeof *parts) : NULL;
        if (n > 0 && !parts) return NULL;
        int k = 0;
        bool ok = true;
        for (int i = 0; ok && i < n; i++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(b->h, g, i);
            if (GEOSGeomTypeId_r(b->h, p) != GEOS_POLYGON) continue;
            ok = (parts[k] = transform_polygon(b, P, dir, p)) != NULL;
            if (ok) k++;
        }
        GEOSGeometry *out = ok ? GEOSGeom_createCollection_r(b->h, GEOS_MULTIPOLYGON, parts, (unsigned int)k) : NULL;
        if (!out)
            for (int i = 0; i < k; i++) GEOSGeom_destroy_r(b->h, parts[i]);
        dn_free(parts);
        return out;
    }
    default: return NULL;
    }
}

/* The buffers of one line piece [from, to] at every edge, united into acc[]. */
static dn_status buffer_piece(struct bands *b, size_t from, size_t to, const double *edges, size_t nedges,
                              GEOSGeometry **acc)
{
    size_t mid = (from + to) / 2;
    char def[160];
    snprintf(def, sizeof def, "+proj=aeqd +lat_0=%.10f +lon_0=%.10f +datum=WGS84 +units=m +type=crs", b->lat[mid],
             b->lon[mid]);
    PJ_CONTEXT *pc = dni_proj(b->ctx);
    PJ *raw = proj_create_crs_to_crs(pc, "EPSG:4326", def, NULL);
    PJ *P = raw ? proj_normalize_for_visualization(pc, raw) : NULL;
    proj_destroy(raw);
    if (!P)
        return dni_fail(b->ctx, DN_ERR_PROJ, "border bands: cannot set up the projection '%s': %s", def,
                        proj_context_errno_string(pc, proj_context_errno(pc)));
    dn_status s = DN_OK;
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromArrays_r(b->h, b->lon + from, b->lat + from, NULL, NULL,
                                                           (unsigned int)(to - from + 1));
    GEOSGeometry *piece = seq ? GEOSGeom_createLineString_r(b->h, seq) : NULL;
    GEOSGeometry *projected = piece ? transform(b, P, PJ_FWD, piece) : NULL;
    if (!projected) s = fail_geos(b, "projecting the line");
    for (size_t e = 0; s == DN_OK && e < nedges; e++) {
        GEOSGeometry *buf = GEOSBuffer_r(b->h, projected, edges[e] * 1000.0, QUAD_SEGS);
        GEOSGeometry *dense = buf ? GEOSDensify_r(b->h, buf, RING_STEP_M) : NULL;
        GEOSGeometry *ll = dense ? transform(b, P, PJ_INV, dense) : NULL;
        if (!ll) {
            s = fail_geos(b, "buffering the line");
        } else if (!acc[e]) {
            acc[e] = ll;
            ll = NULL;
        } else {
            GEOSGeometry *u = GEOSUnion_r(b->h, acc[e], ll);
            if (!u) s = fail_geos(b, "uniting buffers");
            else {
                GEOSGeom_destroy_r(b->h, acc[e]);
                acc[e] = u;
            }
        }
        if (buf) GEOSGeom_destroy_r(b->h, buf);
        if (dense) GEOSGeom_destroy_r(b->h, dense);
        if (ll) GEOSGeom_destroy_r(b->h, ll);
    }
    if (projected) GEOSGeom_destroy_r(b->h, projected);
    if (piece) GEOSGeom_destroy_r(b->h, piece);
    proj_destroy(P);
    return s;
}

/* Buffers of the whole (densified) line at every edge, in lon/lat. */
static dn_status buffer_line(struct bands *b, const double *edges, size_t nedges, GEOSGeometry **acc)
{
    dn_status s = DN_OK;
    size_t from = 0;
    double run = 0;
    for (size_t i = 1; s == DN_OK && i < b->n; i++) {
        double s12;
        geod_inverse(&b->g, b->lat[i - 1], b->lon[i - 1], b->lat[i], b->lon[i], &s12, NULL, NULL);
        run += s12 / 1000.0;
        if (run >= PIECE_KM || i == b->n - 1) {
            s = buffer_piece(b, from, i, edges, nedges, acc);
            from = i;
            run = 0;
        }
    }
    return s;
}

/* Only the polygons of a clip result (an intersection may add lines and
 * points where boundaries touch), as one MULTIPOLYGON. Takes ownership. */
static GEOSGeometry *polygons_only(struct bands *b, GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(b->h, g);
    if (type == GEOS_MULTIPOLYGON) return g;
    int n = GEOSGetNumGeometries_r(b->h, g);
    GEOSGeometry **parts = dn_calloc(n > 0 ? (size_t)n * 4 : 1, sizeof *parts);
    if (!parts) {
        GEOSGeom_destroy_r(b->h, g);
        return NULL;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = type == GEOS_POLYGON ? g : GEOSGetGeometryN_r(b->h, g, i);
        int pt = GEOSGeomTypeId_r(b->h, p);
        if (pt == GEOS_POLYGON) parts[k++] = GEOSGeom_clone_r(b->h, p);
        else if (pt == GEOS_MULTIPOLYGON)
            for (int j = 0; j < GEOSGetNumGeometries_r(b->h, p) && k < n * 4; j++)
                parts[k++] = GEOSGeom_clone_r(b->h, GEOSGetGeometryN_r(b->h, p, j));
    }
    GEOSGeometry *out = GEOSGeom_createCollection_r(b->h, GEOS_MULTIPOLYGON, parts, (unsigned int)k);
    dn_free(parts);
    GEOSGeom_destroy_r(b->h, g);
    return out;
}

static GEOSGeometry *read_wkb(struct bands *b, sqlite3_stmt *st, int col)
{
    const void *wkb = sqlite3_column_blob(st, col);
    int size = sqlite3_column_bytes(st, col);
    if (!wkb || size <= 0) return NULL;
    GEOSWKBReader *r = GEOSWKBReader_create_r(b->h);
    if (!r) return NULL;
    GEOSGeometry *g = GEOSWKBReader_read_r(b->h, r, wkb, (size_t)size);
    GEOSWKBReader_destroy_r(b->h, r);
    if (g && GEOSisValid_r(b->h, g) != 1) {
        GEOSGeometry *v = GEOSMakeValid_r(b->h, g);
        GEOSGeom_destroy_r(b->h, g);
        g = v;
    }
    return g;
}

static dn_status write_band(struct bands *b, struct dni_xwriter *w, const GEOSGeometry *band, const char *label,
                            const char *side, const GEOSGeometry *country, double lo, double hi)
{
    GEOSGeometry *clip = GEOSIntersection_r(b->h, band, country);
    if (!clip) return fail_geos(b, "clipping a band to its country");
    clip = polygons_only(b, clip);
    if (!clip) return fail_geos(b, "clipping a band to its country");
    dn_status s = DN_OK;
    if (GEOSisEmpty_r(b->h, clip) == 0) {
        GEOSWKBWriter *wr = GEOSWKBWriter_create_r(b->h);
        size_t size = 0;
        unsigned char *wkb = wr ? GEOSWKBWriter_write_r(b->h, wr, clip, &size) : NULL;
        if (!wkb) s = fail_geos(b, "encoding a band");
        if (s == DN_OK) {
            dni_xset_str(w, 0, label);
            dni_xset_str(w, 1, side);
            dni_xset_real(w, 2, lo);
            dni_xset_real(w, 3, hi);
            s = dni_xset_wkb(w, wkb, (int)size);
        }
        if (s == DN_OK) s = dni_xwriter_put(w);
        if (wkb) GEOSFree_r(b->h, wkb);
        if (wr) GEOSWKBWriter_destroy_r(b->h, wr);
    }
    GEOSGeom_destroy_r(b->h, clip);
    return s;
}

dn_status dni_export_bands(dn_ctx *ctx, struct dni_xwriter *w, const double *edges, size_t nedges)
{
    struct bands b = {.ctx = ctx, .h = dni_geos(ctx)};
    geod_init(&b.g, 6378137.0, 1 / 298.257223563);
    GEOSGeometry *acc[DN_EXPORT_MAX_BANDS] = {0};
    GEOSGeometry *country[2] = {0};
    char side[2][8] = {"", ""};
    if (NEVER(nedges > DN_EXPORT_MAX_BANDS)) return dni_fail(ctx, DN_ERR_INTERNAL, "too many bands");

    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT left_iso, right_iso, AsBinary(geom) FROM border ORDER BY id LIMIT 1", &st);
    if (s != DN_OK) return s;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        dni_warn(ctx, "border_bands: the store holds no Durand Line (run 'durand init'); the layer is empty");
        return DN_OK;
    }
    snprintf(side[0], sizeof side[0], "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(side[1], sizeof side[1], "%s", (const char *)sqlite3_column_text(st, 1));
    GEOSGeometry *line = read_wkb(&b, st, 2);
    sqlite3_reset(st);
    if (!line) return dni_fail(ctx, DN_ERR_GEODATA, "border: the stored Durand Line is not a valid geometry");
    int nparts = GEOSGetNumGeometries_r(b.h, line);
    for (int i = 0; s == DN_OK && i < nparts; i++) {
        b.n = 0;
        s = densify_line(&b, GEOSGetGeometryN_r(b.h, line, i));
        if (s == DN_OK && b.n >= 2) s = buffer_line(&b, edges, nedges, acc);
    }
    GEOSGeom_destroy_r(b.h, line);

    if (s == DN_OK) s = dn_store_stmt(ctx, "SELECT AsBinary(geom) FROM admin_areas WHERE level = 0 AND country = ?"
                                           " AND historical = 0 LIMIT 1", &st);
    for (int k = 0; s == DN_OK && k < 2; k++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, side[k], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW) country[k] = read_wkb(&b, st, 0);
        sqlite3_reset(st);
        if (!country[k]) dni_warn(ctx, "border_bands: no country polygon for %s; its side is left out", side[k]);
    }
    for (size_t e = 0; s == DN_OK && e < nedges; e++) {
        if (!acc[e]) continue;
        GEOSGeometry *band = e == 0 ? GEOSGeom_clone_r(b.h, acc[0]) : GEOSDifference_r(b.h, acc[e], acc[e - 1]);
        if (!band) {
            s = fail_geos(&b, "cutting a band");
            break;
        }
        char label[64];
        dn_border_band_label_of(edges, nedges, e, label, sizeof label);
        for (int k = 0; s == DN_OK && k < 2; k++)
            if (country[k])
                s = write_band(&b, w, band, label, side[k], country[k], e == 0 ? 0.0 : edges[e - 1], edges[e]);
        GEOSGeom_destroy_r(b.h, band);
    }
    for (size_t e = 0; e < nedges; e++)
        if (acc[e]) GEOSGeom_destroy_r(b.h, acc[e]);
    for (int k = 0; k < 2; k++)
        if (country[k]) GEOSGeom_destroy_r(b.h, country[k]);
    dn_free(b.lon);
    dn_free(b.lat);
    return s;
}

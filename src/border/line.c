/** @file line.c
 * The Durand Line and the crossings, read from the store, with the chunk
 * bounds the distance frames prune with.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "border/border_internal.h"
#include "store/store.h"

#define DEG (M_PI / 180.0)

void dni_unit_vector(double lon, double lat, double u[3])
{
    double cl = cos(lat * DEG);
    u[0] = cl * cos(lon * DEG);
    u[1] = cl * sin(lon * DEG);
    u[2] = sin(lat * DEG);
}

double dni_angle(const double a[3], const double b[3])
{
    /* atan2 of |a×b| and a·b stays accurate for tiny angles */
    double cx = a[1] * b[2] - a[2] * b[1], cy = a[2] * b[0] - a[0] * b[2], cz = a[0] * b[1] - a[1] * b[0];
    return atan2(sqrt(cx * cx + cy * cy + cz * cz), a[0] * b[0] + a[1] * b[1] + a[2] * b[2]);
}

static dn_status read_vertices(dn_ctx *ctx, const struct geod_geodesic *geod, const void *wkb, size_t len,
                               struct dni_line *line)
{
    GEOSContextHandle_t h = dni_geos(ctx);
    GEOSWKBReader *reader = GEOSWKBReader_create_r(h);
    if (!reader) return dni_fail(ctx, DN_ERR_GEOS, "cannot create a GEOS WKB reader");
    GEOSGeometry *g = GEOSWKBReader_read_r(h, reader, wkb, len);
    GEOSWKBReader_destroy_r(h, reader);
    if (!g) return dni_fail(ctx, DN_ERR_GEODATA, "the Durand Line's geometry is unreadable: %s", dn_ctx_errmsg(ctx));
    dn_status s = DN_OK;
    const GEOSCoordSequence *seq = GEOSGeomTypeId_r(h, g) == GEOS_LINESTRING ? GEOSGeom_getCoordSeq_r(h, g) : NULL;
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 2) {
        s = dni_fail(ctx, DN_ERR_GEODATA, "the Durand Line must be a LINESTRING of two or more vertices");
    } else {
        double *xy = dn_malloc(2 * (size_t)n * sizeof *xy);
        if (xy && !GEOSCoordSeq_copyToBuffer_r(h, seq, xy, 0, 0)) {
            dn_free(xy);
            xy = NULL;
            s = dni_fail(ctx, DN_ERR_GEOS, "cannot read the Durand Line: %s", dn_ctx_errmsg(ctx));
        }
        /* long segments are divided along their geodesic, so that every
         * segment is short enough to interpolate in lon/lat and to stay
         * straight in a frame */
        size_t total = 1;
        for (unsigned int i = 0; xy && s == DN_OK && i < n; i++) {
            double lon = xy[2 * i], lat = xy[2 * i + 1];
            if (!(fabs(lon) <= 180 && fabs(lat) <= 90))
                s = dni_fail(ctx, DN_ERR_GEODATA, "the Durand Line's vertex %u (%g, %g) is not a lon/lat position", i,
                             lon, lat);
            else if (i > 0) {
                double s12;
                geod_inverse(geod, xy[2 * i - 1], xy[2 * i - 2], lat, lon, &s12, NULL, NULL);
                total += (size_t)ceil(s12 / DNI_MAX_SEGMENT_M) + (s12 == 0);
            }
        }
        if (xy && s == DN_OK) {
            line->lon = dn_malloc(total * sizeof *line->lon);
            line->lat = dn_malloc(total * sizeof *line->lat);
            line->u = dn_malloc(total * sizeof *line->u);
            if (!line->lon || !line->lat || !line->u) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        } else if (!xy && s == DN_OK) {
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        }
        size_t k = 0;
        for (unsigned int i = 0; s == DN_OK && i < n; i++) {
            double lon = xy[2 * i], lat = xy[2 * i + 1];
            if (i > 0) {
                struct geod_geodesicline gl;
                geod_inverseline(&gl, geod, xy[2 * i - 1], xy[2 * i - 2], lat, lon,
                                 GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
                size_t pieces = (size_t)ceil(gl.s13 / DNI_MAX_SEGMENT_M);
                for (size_t p = 1; p < pieces; p++) {
                    geod_position(&gl, gl.s13 * (double)p / (double)pieces, &line->lat[k], &line->lon[k], NULL);
                    k++;
                }
            }
            line->lon[k] = lon;
            line->lat[k] = lat;
            k++;
        }
        for (size_t i = 0; s == DN_OK && i < k; i++) dni_unit_vector(line->lon[i], line->lat[i], line->u[i]);
        line->nv = k;
        line->nv_stored = n;
        dn_free(xy);
    }
    GEOSGeom_destroy_r(h, g);
    return s;
}

/* Groups of `size` segments: the centre is the normalised mean of the
 * vertices; the radii hold every vertex, and so the whole group (caps and
 * small geodesic disks are convex), plus a margin for the difference
 * between a great-circle arc and a geodesic. */
static void make_groups(const struct geod_geodesic *geod, struct dni_line *line, struct dni_chunk *groups, size_t n,
                        size_t size, double (**off)[2])
{
    size_t nseg = line->nv - 1;
    for (size_t c = 0; c < n; c++) {
        struct dni_chunk *ch = &groups[c];
        size_t first = c * size;
        size_t last = first + size < nseg ? first + size : nseg; /* last vertex */
        ch->first = (uint32_t)first;
        ch->count = (uint32_t)(last - first);
        ch->off = *off;
        *off += ch->count + 1;
        double m[3] = {0, 0, 0};
        for (size_t v = first; v <= last; v++)
            for (int k = 0; k < 3; k++) m[k] += line->u[v][k];
        double norm = sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
        for (int k = 0; k < 3; k++) ch->u[k] = m[k] / norm;
        ch->lat = asin(fmax(-1.0, fmin(1.0, ch->u[2]))) / DEG;
        ch->lon = atan2(ch->u[1], ch->u[0]) / DEG;
        double rs = 0, rm = 0;
        for (size_t v = first; v <= last; v++) {
            rs = fmax(rs, dni_angle(ch->u, line->u[v]));
            double s12, az1;
            geod_inverse(geod, ch->lat, ch->lon, line->lat[v], line->lon[v], &s12, &az1, NULL);
            rm = fmax(rm, s12);
            ch->off[v - first][0] = s12 * sin(az1 * DEG);
            ch->off[v - first][1] = s12 * cos(az1 * DEG);
        }
        ch->rho_sigma = rs * (1 + 1e-9) + 1e-7;
        ch->rho_m = rm * (1 + 1e-9) + 1.0;
    }
}

void dni_line_point(const struct dni_line *line, uint32_t seg, double t, double *lon, double *lat)
{
    *lon = line->lon[seg] + t * (line->lon[seg + 1] - line->lon[seg]);
    *lat = line->lat[seg] + t * (line->lat[seg + 1] - line->lat[seg]);
}

static dn_status make_chunks(dn_ctx *ctx, const struct geod_geodesic *geod, struct dni_line *line)
{
    size_t nseg = line->nv - 1, super_size = (size_t)DNI_CHUNK_SEGMENTS * DNI_SUPER_CHUNKS;
    line->nchunk = (nseg + DNI_CHUNK_SEGMENTS - 1) / DNI_CHUNK_SEGMENTS;
    line->nsuper = (nseg + super_size - 1) / super_size;
    line->chunk = dn_calloc(line->nchunk, sizeof *line->chunk);
    line->super = dn_calloc(line->nsuper, sizeof *line->super);
    line->off = dn_malloc((nseg + line->nchunk + nseg + line->nsuper) * sizeof *line->off);
    if (!line->chunk || !line->super || !line->off) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    double(*off)[2] = line->off;
    make_groups(geod, line, line->chunk, line->nchunk, DNI_CHUNK_SEGMENTS, &off);
    make_groups(geod, line, line->super, line->nsuper, super_size, &off);
    return DN_OK;
}

dn_status dni_line_load(dn_ctx *ctx, const struct geod_geodesic *geod, struct dni_line *line)
{
    memset(line, 0, sizeof *line);
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT left_iso, right_iso, length_km, AsBinary(geom) FROM border ORDER BY id LIMIT 1",
                                &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return dni_fail(ctx, DN_ERR_GEODATA, "the database holds no Durand Line (run 'durand init')");
    }
    if (rc != SQLITE_ROW) return dni_fail_sqlite(ctx, "reading the Durand Line");
    const unsigned char *left = sqlite3_column_text(st, 0), *right = sqlite3_column_text(st, 1);
    snprintf(line->left_iso, sizeof line->left_iso, "%s", left ? (const char *)left : "AFG");
    snprintf(line->right_iso, sizeof line->right_iso, "%s", right ? (const char *)right : "PAK");
    line->length_km = sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
    const void *wkb = sqlite3_column_blob(st, 3);
    size_t len = (size_t)sqlite3_column_bytes(st, 3);
    s = wkb ? read_vertices(ctx, geod, wkb, len, line)
            : dni_fail(ctx, DN_ERR_GEODATA, "the Durand Line has no geometry");
    sqlite3_reset(st);
    if (s == DN_OK) s = make_chunks(ctx, geod, line);
    if (s != DN_OK) dni_line_clear(line);
    return s;
}

void dni_line_clear(struct dni_line *line)
{
    dn_free(line->lon);
    dn_free(line->lat);
    dn_free(line->u);
    dn_free(line->chunk);
    dn_free(line->super);
    dn_free(line->off);
    memset(line, 0, sizeof *line);
}

dn_status dni_crossings_load(dn_ctx *ctx, struct dni_crossing **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT name, X(geom), Y(geom) FROM crossings WHERE geom IS NOT NULL ORDER BY id", &st);
    if (s != DN_OK) return s;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct dni_crossing *p = dn_realloc(*out, cap * sizeof *p);
            if (!p) {
                s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                break;
            }
            *out = p;
        }
        struct dni_crossing *c = &(*out)[*n];
        c->name = dn_strdup((const char *)sqlite3_column_text(st, 0));
        c->lon = sqlite3_column_double(st, 1);
        c->lat = sqlite3_column_double(st, 2);
        if (!c->name) {
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
            break;
        }
        (*n)++;
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading crossings");
    sqlite3_reset(st);
    if (s != DN_OK) {
        dni_crossings_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return s;
}

void dni_crossings_free(struct dni_crossing *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) dn_free(c[i].name);
    dn_free(c);
}

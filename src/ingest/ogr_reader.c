/** @file ogr_reader.c
 * Any OGR vector layer as an event table: attribute columns bound like a
 * generic CSV (guessed names, --map overrides), coordinates from the
 * feature's geometry in WGS 84 lon/lat (the centroid for lines and polygons).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <ogr_api.h>

#include "core/hash.h"
#include "ingest/encoding.h"
#include "ingest/reader_impl.h"

/* A transformation to WGS 84 lon/lat, or NULL when the layer has no CRS
 * (then its coordinates are taken as lon/lat already). */
static dn_status make_transform(struct dn_reader *r)
{
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(r->layer);
    if (!src) return DN_OK;
    OGRSpatialReferenceH s = OSRClone(src), t = OSRNewSpatialReference(NULL);
    dn_status st = DN_OK;
    if (!s || !t || OSRImportFromEPSG(t, 4326) != OGRERR_NONE) {
        st = dni_fail(r->ctx, DN_ERR_GDAL, "%s: cannot set up EPSG:4326: %s", r->path, dni_gdal_last(r->ctx));
    } else {
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
        OSRSetAxisMappingStrategy(t, OAMS_TRADITIONAL_GIS_ORDER);
        if (!(r->ct = OCTNewCoordinateTransformation(s, t)))
            st = dni_fail(r->ctx, DN_ERR_GDAL, "%s: cannot transform the layer's CRS to WGS 84: %s", r->path,
                          dni_gdal_last(r->ctx));
    }
    if (s) OSRDestroySpatialReference(s);
    if (t) OSRDestroySpatialReference(t);
    return st;
}

static dn_status open_layer(struct dn_reader *r, const struct dn_reader_opts *opts)
{
    struct stat sb;
    if (stat(r->path, &sb) != 0 && strncmp(r->path, "/vsi", 4) != 0)
        return dni_fail(r->ctx, errno == ENOENT ? DN_ERR_NOT_FOUND : DN_ERR_IO, "cannot open %s: %s", r->path,
                        strerror(errno));
    r->ds = GDALOpenEx(r->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!r->ds)
        return dni_fail(r->ctx, DN_ERR_GDAL, "%s: not a vector layer OGR can read: %s", r->path,
                        dni_gdal_last(r->ctx));
    const char *name = opts ? opts->layer : NULL;
    r->layer = name ? GDALDatasetGetLayerByName(r->ds, name) : GDALDatasetGetLayer(r->ds, 0);
    if (!r->layer)
        return name ? dni_fail(r->ctx, DN_ERR_NOT_FOUND, "%s: no layer named '%s'", r->path, name)
                    : dni_fail(r->ctx, DN_ERR_INPUT, "%s: the dataset has no layers", r->path);
    /* the layers of one GeoPackage number their features apart */
    struct dn_strbuf scope = {0};
    dn_strbuf_printf(&scope, "%s/%s", r->scope, OGR_L_GetName(r->layer));
    if (scope.failed) return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    dn_free(r->scope);
    r->scope = scope.data;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
    int n = OGR_FD_GetFieldCount(defn);
    r->header = dn_calloc((size_t)n + 1, sizeof *r->header);
    r->header_raw = dn_calloc((size_t)n + 1, sizeof *r->header_raw);
    if (!r->header || !r->header_raw) return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    r->nheader = (size_t)n;
    for (int i = 0; i < n; i++) {
        const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if (!(r->header_raw[i] = dn_strdup(fname)) || !(r->header[i] = dni_normalize_column(fname)))
            return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    }
    r->desc = dni_format_desc(DN_INGEST_OGR);
    dn_status s = dni_bind_columns(r->ctx, r->path, r->desc, r->header, r->nheader, opts ? opts->map : NULL,
                                   opts ? opts->nmap : 0, r->col);
    if (s != DN_OK) return s;
    r->reading_hash = dni_reading_hash(r);
    OGR_L_ResetReading(r->layer);
    return make_transform(r);
}

dn_status dni_ogr_open(struct dn_reader *r, const struct dn_reader_opts *opts)
{
    dni_gdal_begin(r->ctx);
    dn_status s = open_layer(r, opts);
    dni_gdal_end(r->ctx);
    return s;
}

/* The feature's point in lon/lat. False when it has no usable geometry. */
static bool feature_point(struct dn_reader *r, OGRFeatureH f, struct dni_row *row)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g || OGR_G_IsEmpty(g)) return false;
    double x, y;
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint) {
        x = OGR_G_GetX(g, 0);
        y = OGR_G_GetY(g, 0);
    } else {
        OGRGeometryH c = OGR_G_CreateGeometry(wkbPoint);
        if (!c) return false;
        bool ok = OGR_G_Centroid(g, c) == OGRERR_NONE && !OGR_G_IsEmpty(c);
        x = OGR_G_GetX(c, 0);
        y = OGR_G_GetY(c, 0);
        OGR_G_DestroyGeometry(c);
        if (!ok) return false;
        row->geom_centroid = true;
    }
    if (r->ct && isfinite(x) && isfinite(y) && !OCTTransform(r->ct, 1, &x, &y, NULL)) x = y = NAN;
    row->has_geom = true;
    row->gx = x;
    row->gy = y;
    return true;
}

static dn_status next_feature(struct dn_reader *r, struct dn_event *ev, bool *done)
{
    OGRFeatureH f = OGR_L_GetNextFeature(r->layer);
    if (!f) {
        if (dni_gdal_last(r->ctx)[0])
            return dni_fail(r->ctx, DN_ERR_GDAL, "%s: reading feature %ld: %s", r->path, r->feature_no + 1,
                            dni_gdal_last(r->ctx));
        *done = true;
        return DN_OK;
    }
    r->feature_no++;
    r->stats.rows++;
    struct dni_row row = {.line = r->feature_no, .ref = r->ref};
    snprintf(r->ref, sizeof r->ref, "feature %lld", (long long)OGR_F_GetFID(f));

    /* GetFieldAsString's buffer is reused per call: copy each value */
    struct dn_strbuf vals = {0};
    size_t *off = dn_calloc(r->nheader + 1, sizeof *off);
    bool *set = dn_calloc(r->nheader + 1, sizeof *set);
    uint64_t h = DN_HASH_INIT;
    for (size_t i = 0; off && set && i < r->nheader; i++) {
        off[i] = vals.len;
        set[i] = OGR_F_IsFieldSetAndNotNull(f, (int)i);
        const char *v = set[i] ? OGR_F_GetFieldAsString(f, (int)i) : "";
        size_t n = strlen(v);
        if (dni_utf8_valid(v, n, NULL)) {
            dn_strbuf_append(&vals, v, n + 1);
        } else {
            /* a shapefile without .cpg in a legacy code page: OGR hands
             * the bytes over as they are, and a store of UTF-8 must not take
             * them (the CSV reader converts such files the same way) */
            if (!r->warned_not_utf8)
                dni_warn(r->ctx, "%s: feature %ld: field %s is not UTF-8; reading such values as Windows-1252"
                         " (a shapefile's .cpg file names its encoding)",
                         r->path, r->feature_no, r->header_raw[i]);
            r->warned_not_utf8 = true;
            dni_cp1252_to_utf8(v, n, &vals);
            dn_strbuf_putc(&vals, '\0');
        }
        const char *stored = vals.data ? vals.data + off[i] : "";
        h = dn_hash_bytes(dn_hash_bytes(h, stored, strlen(stored)), "\x1f", 1);
    }
    dn_status s = DN_OK;
    if (!off || !set || vals.failed) s = dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    if (s == DN_OK && feature_point(r, f, &row)) {
        char xy[64];
        int n = snprintf(xy, sizeof xy, "%.7f %.7f", row.gx, row.gy);
        h = dn_hash_bytes(h, xy, (size_t)n);
    }
    OGR_F_Destroy(f);
    if (s == DN_OK) {
        row.content_hash = h;
        for (int fi = 0; fi < DNF_COUNT; fi++) {
            int c = r->col[fi];
            if (c < 0) continue;
            row.col[fi] = r->header_raw[c];
            row.val[fi] = set[c] ? vals.data + off[c] : NULL;
            if (fi == DNF_DATE && !set[c]) row.val[fi] = ""; /* a null date is "no date", not "no date column" */
        }
        if (row.has_geom) row.val[DNF_LAT] = row.val[DNF_LON] = NULL;
        if ((s = dni_row_to_event(r, &row, ev)) == DN_OK) r->stats.events++;
    }
    dn_free(off);
    dn_free(set);
    dn_strbuf_free(&vals);
    return s;
}

dn_status dni_ogr_next(struct dn_reader *r, struct dn_event *ev, bool *done)
{
    dni_gdal_begin(r->ctx);
    dn_status s = next_feature(r, ev, done);
    dni_gdal_end(r->ctx);
    return s;
}

void dni_ogr_close(struct dn_reader *r)
{
    if (r->ct) OCTDestroyCoordinateTransformation(r->ct);
    if (r->ds) GDALClose(r->ds);
    r->ct = NULL;
    r->ds = NULL;
    r->layer = NULL;
}

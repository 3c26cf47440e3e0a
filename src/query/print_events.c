/** @file print_events.c
 * Matching events to stdout: records through core/emit (table, CSV, JSON,
 * JSON Lines) and GeoJSON through OGR's GeoJSON driver.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "query/query.h"

static const struct {
    const char *key, *sql;
} sort_keys[] = {
    {"date", "e.date IS NULL, e.date, e.id"},
    {"-date", "e.date IS NULL, e.date DESC, e.id DESC"},
    {"fatalities", "e.fatalities IS NULL, e.fatalities, e.id"},
    {"-fatalities", "e.fatalities IS NULL, e.fatalities DESC, e.id"},
    {"border_km", "e.border_km IS NULL, e.border_km, e.id"},
    {"-border_km", "e.border_km IS NULL, e.border_km DESC, e.id"},
    {"id", "e.id"},
    {"-id", "e.id DESC"},
    {"distance", DN_FILTER_ORDER_DISTANCE},
};

dn_status dn_query_sort_sql(dn_ctx *ctx, const char *key, const char **order_sql)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(sort_keys); i++) {
        if (strcmp(key, sort_keys[i].key) == 0) {
            *order_sql = sort_keys[i].sql;
            return DN_OK;
        }
    }
    return dni_fail(ctx, DN_ERR_USAGE, "unknown --sort '%s' (expected %s)", key, DN_QUERY_SORT_KEYS);
}

/* How each column prints: text, integer, real with decimals, or boolean. */
enum kind { K_TEXT, K_INT, K_REAL, K_BOOL, K_COUNT };
static const struct {
    enum kind kind;
    int decimals;
} col_kind[DN_EVCOL_COUNT] = {
    [DN_EVCOL_ID] = {K_INT, 0},        [DN_EVCOL_LAT] = {K_REAL, 6},        [DN_EVCOL_LON] = {K_REAL, 6},
    [DN_EVCOL_RADIUS_KM] = {K_REAL, 3}, [DN_EVCOL_FATALITIES] = {K_COUNT, 0}, [DN_EVCOL_INJURED] = {K_COUNT, 0},
    [DN_EVCOL_SIDE_CERTAIN] = {K_BOOL, 0}, [DN_EVCOL_BORDER_KM] = {K_REAL, 3}, [DN_EVCOL_CROSSING_KM] = {K_REAL, 3},
    [DN_EVCOL_CLUSTER_ID] = {K_INT, 0},
};

/* The people's table: the fields that fit a terminal line. */
static const enum dn_event_col table_cols[] = {
    DN_EVCOL_ID,       DN_EVCOL_DATE,      DN_EVCOL_TYPE, DN_EVCOL_PLACE,     DN_EVCOL_PROVINCE,
    DN_EVCOL_DISTRICT, DN_EVCOL_SIDE,      DN_EVCOL_BORDER_KM, DN_EVCOL_FATALITIES,
};

struct printer {
    dn_ctx *ctx;
    struct dn_emit *emit;
    const enum dn_event_col *cols;
    size_t ncols;
    long long rows;
    /* geojson */
    OGRLayerH layer;
    OGRFeatureDefnH defn;
};

static void emit_cell(struct dn_emit *e, sqlite3_stmt *row, enum dn_event_col c)
{
    if (sqlite3_column_type(row, c) == SQLITE_NULL) {
        dn_emit_null(e);
        return;
    }
    switch (col_kind[c].kind) {
    case K_INT: dn_emit_int(e, sqlite3_column_int64(row, c)); break;
    case K_COUNT: {
        long long v = sqlite3_column_int64(row, c);
        if (v < 0) dn_emit_null(e); /* a negative count means "unknown" */
        else dn_emit_int(e, v);
        break;
    }
    case K_REAL: dn_emit_real(e, sqlite3_column_double(row, c), col_kind[c].decimals); break;
    case K_BOOL: dn_emit_bool(e, sqlite3_column_int(row, c) != 0); break;
    default: {
        const char *s = (const char *)sqlite3_column_text(row, c);
        if (c == DN_EVCOL_SIDE && s && !*s) dn_emit_null(e); /* "" = no side */
        else dn_emit_str(e, s);
    }
    }
}

static dn_status emit_row(void *ud, sqlite3_stmt *row)
{
    struct printer *p = ud;
    for (size_t i = 0; i < p->ncols; i++) emit_cell(p->emit, row, p->cols[i]);
    p->rows++;
    return dn_emit_row_end(p->emit);
}

static dn_status print_records(dn_ctx *ctx, const struct dn_filter *f, enum dn_format fmt, const char *order_sql,
                               long long limit, long long *nout)
{
    enum dn_event_col all_cols[DN_EVCOL_COUNT];
    for (int i = 0; i < DN_EVCOL_COUNT; i++) all_cols[i] = (enum dn_event_col)i;
    struct printer p = {.ctx = ctx};
    const char *names[DN_EVCOL_COUNT];
    if (fmt == DN_FORMAT_TABLE) {
        p.cols = table_cols;
        p.ncols = DN_ARRAY_LEN(table_cols);
    } else {
        p.cols = all_cols;
        p.ncols = DN_EVCOL_COUNT;
    }
    for (size_t i = 0; i < p.ncols; i++) names[i] = dn_event_col_names[p.cols[i]];
    dn_status s = dn_emit_new(ctx, fmt, names, p.ncols, 0, &p.emit);
    if (s == DN_OK) s = dn_filter_each(ctx, f, order_sql, limit, emit_row, &p);
    if (s == DN_OK) s = dn_emit_finish(p.emit);
    dn_emit_free(p.emit);
    if (nout) *nout = p.rows;
    return s;
}

/* ---- GeoJSON through OGR ----------------------------------------------------------- */

static OGRFieldType ogr_type(enum dn_event_col c)
{
    switch (col_kind[c].kind) {
    case K_INT: return OFTInteger64;
    case K_COUNT:
    case K_BOOL: return OFTInteger;
    case K_REAL: return OFTReal;
    default: return OFTString;
    }
}

static dn_status geojson_row(void *ud, sqlite3_stmt *row)
{
    struct printer *p = ud;
    OGRFeatureH feat = OGR_F_Create(p->defn);
    if (!feat) return dni_fail(p->ctx, DN_ERR_NOMEM, "out of memory");
    for (int c = 0; c < DN_EVCOL_COUNT; c++) {
        if (sqlite3_column_type(row, c) == SQLITE_NULL) {
            OGR_F_SetFieldNull(feat, c);
            continue;
        }
        switch (col_kind[c].kind) {
        case K_INT: OGR_F_SetFieldInteger64(feat, c, sqlite3_column_int64(row, c)); break;
        case K_COUNT:
            if (sqlite3_column_int64(row, c) < 0) OGR_F_SetFieldNull(feat, c);
            else OGR_F_SetFieldInteger(feat, c, sqlite3_column_int(row, c));
            break;
        case K_BOOL: OGR_F_SetFieldInteger(feat, c, sqlite3_column_int(row, c) != 0); break;
        case K_REAL: OGR_F_SetFieldDouble(feat, c, sqlite3_column_double(row, c)); break;
        default: {
            const char *s = (const char *)sqlite3_column_text(row, c);
            if (c == DN_EVCOL_SIDE && s && !*s) OGR_F_SetFieldNull(feat, c);
            else OGR_F_SetFieldString(feat, c, s);
        }
        }
    }
    if (sqlite3_column_type(row, DN_EVCOL_LON) != SQLITE_NULL && sqlite3_column_type(row, DN_EVCOL_LAT) != SQLITE_NULL) {
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        if (!pt) {
            OGR_F_Destroy(feat);
            return dni_fail(p->ctx, DN_ERR_NOMEM, "out of memory");
        }
        OGR_G_SetPoint_2D(pt, 0, sqlite3_column_double(row, DN_EVCOL_LON), sqlite3_column_double(row, DN_EVCOL_LAT));
        OGR_F_SetGeometryDirectly(feat, pt);
    }
    OGRErr err = OGR_L_CreateFeature(p->layer, feat);
    OGR_F_Destroy(feat);
    if (err != OGRERR_NONE) return dni_fail(p->ctx, DN_ERR_GDAL, "writing GeoJSON: %s", dni_gdal_last(p->ctx));
    p->rows++;
    return DN_OK;
}

static dn_status print_geojson(dn_ctx *ctx, const struct dn_filter *f, const char *order_sql, long long limit,
                               long long *nout)
{
    char path[64];
    snprintf(path, sizeof path, "/vsimem/durand-query-%p.geojson", (void *)ctx);
    struct printer p = {.ctx = ctx};
    dn_status s = DN_OK;
    dni_gdal_begin(ctx);
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    GDALDatasetH ds = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!ds || !srs || OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
        s = dni_fail(ctx, DN_ERR_GDAL, "cannot start GeoJSON output: %s", dni_gdal_last(ctx));
    } else {
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        char *opts[] = {"RFC7946=YES", "WRITE_NAME=NO", NULL};
        p.layer = GDALDatasetCreateLayer(ds, "events", srs, wkbPoint, opts);
        if (!p.layer) s = dni_fail(ctx, DN_ERR_GDAL, "cannot start GeoJSON output: %s", dni_gdal_last(ctx));
        for (int c = 0; s == DN_OK && c < DN_EVCOL_COUNT; c++) {
            OGRFieldDefnH fd = OGR_Fld_Create(dn_event_col_names[c], ogr_type((enum dn_event_col)c));
            if (col_kind[c].kind == K_BOOL) OGR_Fld_SetSubType(fd, OFSTBoolean);
            if (OGR_L_CreateField(p.layer, fd, TRUE) != OGRERR_NONE)
                s = dni_fail(ctx, DN_ERR_GDAL, "GeoJSON field %s: %s", dn_event_col_names[c], dni_gdal_last(ctx));
            OGR_Fld_Destroy(fd);
        }
        if (s == DN_OK) {
            p.defn = OGR_L_GetLayerDefn(p.layer);
            s = dn_filter_each(ctx, f, order_sql, limit, geojson_row, &p);
        }
    }
    if (srs) OSRRelease(srs);
    if (ds) {
        CPLErrorReset();
        GDALClose(ds);
        if (s == DN_OK && CPLGetLastErrorType() >= CE_Failure)
            s = dni_fail(ctx, DN_ERR_GDAL, "writing GeoJSON: %s", dni_gdal_last(ctx));
    }
    dni_gdal_end(ctx);
    if (s == DN_OK) {
        vsi_l_offset len = 0;
        GByte *data = VSIGetMemFileBuffer(path, &len, FALSE);
        if (!data) s = dni_fail(ctx, DN_ERR_GDAL, "GeoJSON output went missing");
        else dni_out(ctx, DN_OUT_DATA, (const char *)data, (size_t)len);
    }
    VSIUnlink(path);
    if (nout) *nout = p.rows;
    return s;
}

dn_status dn_query_print(dn_ctx *ctx, const struct dn_filter *f, enum dn_format fmt, const char *order_sql,
                         long long limit, long long *nout)
{
    if (!order_sql) order_sql = sort_keys[0].sql;
    if (fmt == DN_FORMAT_GEOJSON) return print_geojson(ctx, f, order_sql, limit, nout);
    return print_records(ctx, f, fmt, order_sql, limit, nout);
}

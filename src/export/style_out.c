/** @file style_out.c
 * Putting the styles where QGIS finds them: the layer_styles table inside a
 * GeoPackage or PostGIS database (QGIS applies the row with useAsDefault on
 * open), a <layer>.qml beside each file of the other formats (QGIS loads it
 * as the default style), and the Shapefile field-name map as fields.csv.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cpl_string.h>

#include "export/export_internal.h"

dn_status dni_write_qml_file(dn_ctx *ctx, const char *path, enum dn_export_layer layer,
                             const struct dni_xstyle_data *sd)
{
    struct dn_strbuf b = {0};
    dn_status s = dni_style_qml(ctx, layer, sd, &b);
    if (s != DN_OK) {
        dn_strbuf_free(&b);
        return s;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        s = dni_fail(ctx, DN_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    } else {
        bool ok = fwrite(b.data, 1, b.len, f) == b.len;
        if (fclose(f) != 0) ok = false;
        if (!ok) s = dni_fail(ctx, DN_ERR_IO, "%s: write error", path);
    }
    dn_strbuf_free(&b);
    return s;
}

/* QGIS's own layout of the table (QgsOgrProviderMetadata::saveStyle and
 * the PostgreSQL provider's); PostgreSQL gets lower-case names, as QGIS's
 * unquoted SQL folds them. */
static const struct {
    const char *name;
    OGRFieldType type;
    OGRFieldSubType sub;
    int width;
} style_fields[] = {
    {"f_table_catalog", OFTString, OFSTNone, 256}, {"f_table_schema", OFTString, OFSTNone, 256},
    {"f_table_name", OFTString, OFSTNone, 256},    {"f_geometry_column", OFTString, OFSTNone, 256},
    {"styleName", OFTString, OFSTNone, 30},        {"styleQML", OFTString, OFSTNone, 0},
    {"styleSLD", OFTString, OFSTNone, 0},          {"useAsDefault", OFTInteger, OFSTBoolean, 0},
    {"description", OFTString, OFSTNone, 0},       {"owner", OFTString, OFSTNone, 30},
    {"ui", OFTString, OFSTNone, 30},               {"update_time", OFTDateTime, OFSTNone, 0},
    {"type", OFTString, OFSTNone, 30},
};
enum { F_CATALOG, F_SCHEMA, F_TABLE, F_GEOM, F_NAME, F_QML, F_SLD, F_DEFAULT, F_DESC, F_OWNER, F_UI, F_TIME, F_TYPE };

/* PostgreSQL: QGIS reads styles with an unqualified `layer_styles` through
 * its connection's default search_path ("$user", public), whatever schema
 * the layer is in, so the table is public.layer_styles and f_table_schema
 * tells the layers apart; one in the export's own schema would go unread. */
static dn_status style_layer(dn_ctx *ctx, GDALDatasetH ds, bool pg, OGRLayerH *out)
{
    const char *shown = pg ? "public.layer_styles" : "layer_styles";
    *out = GDALDatasetGetLayerByName(ds, shown);
    if (*out) return DN_OK;
    char **lco = NULL;
    lco = CSLSetNameValue(lco, "FID", "id");
    if (pg) {
        lco = CSLSetNameValue(lco, "LAUNDER", "YES");
        lco = CSLSetNameValue(lco, "SCHEMA", "public");
    }
    *out = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!*out) return dni_fail(ctx, DN_ERR_GDAL, "cannot create the %s table: %s", shown, dni_gdal_last(ctx));
    /* `type` exists only in PostgreSQL's version of the table */
    size_t n = pg ? DN_ARRAY_LEN(style_fields) : DN_ARRAY_LEN(style_fields) - 1;
    for (size_t i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(style_fields[i].name, style_fields[i].type);
        OGR_Fld_SetSubType(fd, style_fields[i].sub);
        if (style_fields[i].width && !pg) OGR_Fld_SetWidth(fd, style_fields[i].width);
        OGRErr err = OGR_L_CreateField(*out, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return dni_fail(ctx, DN_ERR_GDAL, "layer_styles: cannot create field %s: %s", style_fields[i].name,
                            dni_gdal_last(ctx));
    }
    return DN_OK;
}

/* Earlier default styles of the same tables (a PostGIS database keeps its
 * layer_styles across exports) are removed first; PostgreSQL: only those of
 * the schema written to, the table serves every schema. */
static dn_status drop_old_styles(dn_ctx *ctx, OGRLayerH lyr, const char *schema, const char *table)
{
    char filter[1024];
    if (schema) {
        /* the schema name comes from the server: double its quotes */
        char quoted[600];
        size_t k = 0;
        for (const char *c = schema; *c && k + 2 < sizeof quoted; c++) {
            if (*c == '\'') quoted[k++] = '\'';
            quoted[k++] = *c;
        }
        quoted[k] = '\0';
        snprintf(filter, sizeof filter, "f_table_schema = '%s' AND f_table_name = '%s'", quoted, table);
    } else {
        snprintf(filter, sizeof filter, "f_table_name = '%s'", table); /* our own layer names: no quoting needed */
    }
    if (OGR_L_SetAttributeFilter(lyr, filter) != OGRERR_NONE)
        return dni_fail(ctx, DN_ERR_GDAL, "layer_styles: %s", dni_gdal_last(ctx));
    GIntBig fids[64];
    int n = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) && n < 64) {
        fids[n++] = OGR_F_GetFID(f);
        OGR_F_Destroy(f);
    }
    if (f) OGR_F_Destroy(f);
    OGR_L_SetAttributeFilter(lyr, NULL);
    for (int i = 0; i < n; i++)
        if (OGR_L_DeleteFeature(lyr, fids[i]) != OGRERR_NONE)
            return dni_fail(ctx, DN_ERR_GDAL, "layer_styles: cannot replace the style of %s: %s", table,
                            dni_gdal_last(ctx));
    return DN_OK;
}

dn_status dni_write_style_table(dn_ctx *ctx, GDALDatasetH ds, const char *catalog, const char *schema, const enum dn_export_layer *layers,
                                size_t nlayers, const struct dni_xstyle_data *sd)
{
    bool pg = strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "PostgreSQL") == 0;
    OGRLayerH lyr;
    dn_status s = style_layer(ctx, ds, pg, &lyr);
    if (s != DN_OK) return s;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int idx[DN_ARRAY_LEN(style_fields)];
    for (size_t i = 0; i < DN_ARRAY_LEN(style_fields); i++) {
        char lower[32];
        snprintf(lower, sizeof lower, "%s", style_fields[i].name);
        idx[i] = OGR_FD_GetFieldIndex(defn, style_fields[i].name);
        if (idx[i] < 0) {
            for (char *c = lower; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
            idx[i] = OGR_FD_GetFieldIndex(defn, lower);
        }
        if (idx[i] < 0 && i != F_TYPE)
            return dni_fail(ctx, DN_ERR_GDAL, "the existing layer_styles table lacks the column %s", style_fields[i].name);
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    OGRFeatureH f = OGR_F_Create(defn);
    if (!f) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    struct dn_strbuf qml = {0};
    for (size_t i = 0; s == DN_OK && i < nlayers; i++) {
        const struct dni_xlayer *def = dni_xlayer(layers[i]);
        s = drop_old_styles(ctx, lyr, pg ? schema : NULL, def->name);
        dn_strbuf_reset(&qml);
        if (s == DN_OK) s = dni_style_qml(ctx, layers[i], sd, &qml);
        if (s != DN_OK) break;
        OGR_F_SetFID(f, OGRNullFID);
        OGR_F_SetFieldString(f, idx[F_CATALOG], catalog);
        OGR_F_SetFieldString(f, idx[F_SCHEMA], pg ? schema : "");
        OGR_F_SetFieldString(f, idx[F_TABLE], def->name);
        OGR_F_SetFieldString(f, idx[F_GEOM], "geom");
        OGR_F_SetFieldString(f, idx[F_NAME], def->name);
        OGR_F_SetFieldString(f, idx[F_QML], qml.data);
        OGR_F_SetFieldString(f, idx[F_SLD], "");
        OGR_F_SetFieldInteger(f, idx[F_DEFAULT], 1);
        OGR_F_SetFieldString(f, idx[F_DESC], def->title);
        OGR_F_SetFieldString(f, idx[F_OWNER], "durand");
        OGR_F_SetFieldNull(f, idx[F_UI]);
        OGR_F_SetFieldDateTimeEx(f, idx[F_TIME], tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                 (float)tm.tm_sec, 100);
        if (idx[F_TYPE] >= 0) OGR_F_SetFieldNull(f, idx[F_TYPE]);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            s = dni_fail(ctx, DN_ERR_GDAL, "layer_styles: cannot store the style of %s: %s", def->name,
                         dni_gdal_last(ctx));
    }
    dn_strbuf_free(&qml);
    OGR_F_Destroy(f);
    return s;
}

dn_status dni_write_fields_csv(dn_ctx *ctx, const char *path, const enum dn_export_layer *layers, size_t nlayers)
{
    GDALDriverH drv = GDALGetDriverByName("CSV");
    if (!drv) return dni_fail(ctx, DN_ERR_GDAL, "this GDAL has no CSV driver");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) return dni_fail(ctx, DN_ERR_IO, "%s: cannot create: %s", path, dni_gdal_last(ctx));
    static const char *const cols[] = {"layer", "field", "shapefile_field", "type", "description"};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "fields", NULL, wkbNone, NULL);
    dn_status s = lyr ? DN_OK : dni_fail(ctx, DN_ERR_GDAL, "%s: %s", path, dni_gdal_last(ctx));
    for (size_t i = 0; s == DN_OK && i < DN_ARRAY_LEN(cols); i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(cols[i], OFTString);
        if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE) s = dni_fail(ctx, DN_ERR_GDAL, "%s: %s", path, dni_gdal_last(ctx));
        OGR_Fld_Destroy(fd);
    }
    OGRFeatureH f = s == DN_OK ? OGR_F_Create(OGR_L_GetLayerDefn(lyr)) : NULL;
    for (size_t l = 0; f && s == DN_OK && l < nlayers; l++) {
        const struct dni_xlayer *def = dni_xlayer(layers[l]);
        for (size_t i = 0; s == DN_OK && i < def->nfields; i++) {
            const struct dni_xfield *fl = &def->fields[i];
            static const char *const type_names[] = {[OFTInteger] = "integer", [OFTReal] = "real",
                                                     [OFTString] = "string",   [OFTDate] = "date",
                                                     [OFTInteger64] = "integer64"};
            const char *type = fl->subtype == OFSTBoolean ? "boolean" : type_names[fl->type];
            OGR_F_SetFieldString(f, 0, def->name);
            OGR_F_SetFieldString(f, 1, fl->name);
            OGR_F_SetFieldString(f, 2, fl->shp);
            OGR_F_SetFieldString(f, 3, type ? type : "string");
            OGR_F_SetFieldString(f, 4, fl->doc);
            OGR_F_SetFID(f, OGRNullFID);
            if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
                s = dni_fail(ctx, DN_ERR_IO, "%s: cannot write: %s", path, dni_gdal_last(ctx));
        }
    }
    if (f) OGR_F_Destroy(f);
    CPLErrorReset();
    GDALClose(ds);
    if (s == DN_OK && CPLGetLastErrorType() >= CE_Failure)
        s = dni_fail(ctx, DN_ERR_IO, "%s: error while closing: %s", path, dni_gdal_last(ctx));
    return s;
}

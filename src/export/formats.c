/** @file formats.c
 * The output formats: which OGR driver writes each, with which creation
 * options, and how its output is laid out (a file per layer or one
 * container) and styled (QML files beside, or QGIS's layer_styles table).
 */
#include <string.h>

#include "export/export_internal.h"

/* RFC 7946: WGS 84 lon/lat, 7 decimals (about 1 cm), no crs member. */
static const char *const geojson_lco[] = {"RFC7946=YES", "WRITE_NAME=YES", NULL};
/* UTF-8 with a .cpg; text fields start at the dBASE maximum and shrink to
 * fit at close, so no value is cut below 254 bytes; .qix spatial index. */
static const char *const shp_lco[] = {"ENCODING=UTF-8", "RESIZE=YES", "SPATIAL_INDEX=YES", NULL};
static const char *const gpkg_lco[] = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES", NULL};
static const char *const csv_lco[] = {"GEOMETRY=AS_WKT", "CREATE_CSVT=YES", "SEPARATOR=COMMA", NULL};
static const char *const fgb_lco[] = {"SPATIAL_INDEX=YES", NULL};
static const char *const pg_lco[] = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=GIST", "LAUNDER=NO", NULL};
static const char *const none[] = {NULL};

/* null_geom: GDAL 3.6's FlatGeobuf writer drops a feature without geometry
 * (with SPATIAL_INDEX=NO too) while reporting success; every other driver
 * here keeps it with an empty geometry. */
static const struct dni_xformat formats[DN_EXPORT_FORMAT_COUNT] = {
    {DN_EXPORT_GEOJSON, "geojson", "GeoJSON", ".geojson", true, false, true, false, true, geojson_lco, none},
    {DN_EXPORT_SHP, "shp", "ESRI Shapefile", ".shp", true, true, true, false, true, shp_lco, none},
    {DN_EXPORT_GPKG, "gpkg", "GPKG", ".gpkg", false, false, false, true, true, gpkg_lco, none},
    {DN_EXPORT_KML, "kml", "LIBKML", ".kml", false, false, true, false, true, none, none},
    {DN_EXPORT_CSV, "csv", "CSV", ".csv", true, false, true, false, true, csv_lco, none},
    {DN_EXPORT_FGB, "fgb", "FlatGeobuf", ".fgb", true, false, true, false, false, fgb_lco, none},
    {DN_EXPORT_PG, "pg", "PostgreSQL", "", false, false, false, true, true, pg_lco, none},
};

const struct dni_xformat *dni_xformat(enum dn_export_format f)
{
    if (NEVER(f >= DN_EXPORT_FORMAT_COUNT)) return &formats[0];
    return &formats[f];
}

const char *dn_export_format_name(enum dn_export_format f)
{
    return f < DN_EXPORT_FORMAT_COUNT ? formats[f].name : "?";
}

dn_status dn_export_format_parse(dn_ctx *ctx, const char *text, enum dn_export_format *out)
{
    static const struct {
        const char *alias;
        enum dn_export_format f;
    } aliases[] = {{"json", DN_EXPORT_GEOJSON},      {"shapefile", DN_EXPORT_SHP}, {"geopackage", DN_EXPORT_GPKG},
                   {"flatgeobuf", DN_EXPORT_FGB},    {"postgis", DN_EXPORT_PG},    {"postgresql", DN_EXPORT_PG}};
    for (int f = 0; f < DN_EXPORT_FORMAT_COUNT; f++)
        if (strcmp(formats[f].name, text) == 0) {
            *out = (enum dn_export_format)f;
            return DN_OK;
        }
    for (size_t i = 0; i < DN_ARRAY_LEN(aliases); i++)
        if (strcmp(aliases[i].alias, text) == 0) {
            *out = aliases[i].f;
            return DN_OK;
        }
    return dni_fail(ctx, DN_ERR_USAGE, "--format: unknown export format '%s' (geojson, shp, gpkg, kml, csv, fgb, pg)",
                    text);
}

/** @file export.h
 * `durand export`: the store's events and geodata as QGIS-ready map layers,
 * written through OGR in GeoJSON (RFC 7946), ESRI Shapefile, GeoPackage,
 * KML, CSV, FlatGeobuf or PostgreSQL/PostGIS, with QGIS styles (QML files
 * beside file formats, the `layer_styles` table in GeoPackage and PostGIS).
 *
 * Layers: `incidents` (points, every event field), `durand_line`,
 * `border_bands` (geodesic km bands either side of the line, clipped to the
 * two countries), `admin_summary` (province and district polygons with event
 * counts), `crossings` and, on request, `places`.
 *
 * Ownership: the export borrows every pointer in its options for the length
 * of the call; the report is caller-owned storage filled in place.
 */
#ifndef DN_EXPORT_H
#define DN_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "durand.h"

/** Output formats. */
enum dn_export_format {
    DN_EXPORT_GEOJSON = 0,
    DN_EXPORT_SHP,
    DN_EXPORT_GPKG,
    DN_EXPORT_KML,
    DN_EXPORT_CSV,
    DN_EXPORT_FGB,
    DN_EXPORT_PG,
    DN_EXPORT_FORMAT_COUNT
};

/** The layers an export can write, in the order they are written. */
enum dn_export_layer {
    DN_LAYER_INCIDENTS = 0,
    DN_LAYER_DURAND_LINE,
    DN_LAYER_BORDER_BANDS,
    DN_LAYER_ADMIN_SUMMARY,
    DN_LAYER_CROSSINGS,
    DN_LAYER_PLACES,
    DN_LAYER_COUNT
};
#define DN_LAYER_BIT(l) (1u << (l))
/** Every layer but the (large) gazetteer. */
#define DN_LAYERS_DEFAULT                                                                                        \
    (DN_LAYER_BIT(DN_LAYER_INCIDENTS) | DN_LAYER_BIT(DN_LAYER_DURAND_LINE) | DN_LAYER_BIT(DN_LAYER_BORDER_BANDS) | \
     DN_LAYER_BIT(DN_LAYER_ADMIN_SUMMARY) | DN_LAYER_BIT(DN_LAYER_CROSSINGS))

/** Band edges used when the options give none: 0–10, 10–25, 25–50 and
 * 50–100 km from the line (the border check's default bands). */
#define DN_EXPORT_DEFAULT_BANDS {10.0, 25.0, 50.0, 100.0}
#define DN_EXPORT_MAX_BANDS 16

/** The default output directory. */
#define DN_EXPORT_DEFAULT_DIR "output"

struct dn_filter; /* src/query/filter.h */

struct dn_export_opts {
    enum dn_export_format format;
    /** Output: a directory (one file per layer, or the GeoPackage/KML file
     * durand.gpkg / durand.kml inside it), a file name with the format's
     * extension (single-layer formats: only with one layer), or a `PG:`
     * connection string. NULL: DN_EXPORT_DEFAULT_DIR. */
    const char *out;
    unsigned layers;      /**< mask of DN_LAYER_BIT; 0 means DN_LAYERS_DEFAULT */
    bool overwrite;       /**< replace existing output; otherwise DN_ERR_EXISTS */
    const double *bands;  /**< ascending band edges in km; NULL: the defaults */
    size_t nbands;
    const struct dn_filter *filter; /**< events to export; NULL: all */
};

/** What an export wrote. */
struct dn_export_report {
    size_t nlayers;
    struct dn_export_layer_report {
        enum dn_export_layer layer;
        long long features;   /**< features actually written */
        long long no_location; /**< features without geometry left out: the format cannot store them */
        char path[1024]; /**< file written, or "PG:...(table)" with the password masked */
    } layers[DN_LAYER_COUNT];
    long long cut_values; /**< Shapefile only: text values cut to 254 bytes */
};

/** Parse a format name ("geojson", "shp", "gpkg", "kml", "csv", "fgb", "pg";
 * also "shapefile", "geopackage", "flatgeobuf", "postgis").
 * @return DN_OK or DN_ERR_USAGE naming the accepted names. */
dn_status dn_export_format_parse(dn_ctx *ctx, const char *text, enum dn_export_format *out);
/** Short name of a format ("geojson", ...). Static string. */
const char *dn_export_format_name(enum dn_export_format f);

/** Parse a comma-separated layer list ("incidents,durand_line", or "all",
 * "default") into a DN_LAYER_BIT mask. DN_ERR_USAGE names an unknown one. */
dn_status dn_export_layers_parse(dn_ctx *ctx, const char *text, unsigned *mask);
/** Name of a layer ("incidents", ...). Static string. */
const char *dn_export_layer_name(enum dn_export_layer l);

/** Write the selected layers of the open store.
 * @param report may be NULL; else filled in.
 * @return DN_OK; DN_ERR_EXISTS when output exists and !overwrite (the message
 * names the path; nothing was written); DN_ERR_USAGE for an output path that
 * does not fit the format; DN_ERR_IO / DN_ERR_GDAL when writing fails;
 * DN_ERR_DB; DN_ERR_GEOS / DN_ERR_PROJ while building the bands. */
dn_status dn_export_run(dn_ctx *ctx, const struct dn_export_opts *opts, struct dn_export_report *report);

/** The Shapefile field-name map: for each layer and field, the name used in
 * Shapefile's 10-character dBASE header. Calls `fn` for every field of every
 * layer in order; used by the README table and the fields.csv file. */
void dn_export_field_map(void (*fn)(void *ud, const char *layer, const char *field, const char *shp_field,
                                    const char *type, const char *description),
                         void *ud);

#endif /* DN_EXPORT_H */

/** @file export_internal.h
 * Pieces of the exporter shared between its files (internal to src/export/):
 * the format table, the layer schemas, the feature writer every layer goes
 * through, and the layer producers.
 *
 * Ownership: the tables are static; a dni_xwriter owns its reusable feature
 * (freed by dni_xwriter_end) and borrows the dataset, layer and context.
 */
#ifndef DN_EXPORT_INTERNAL_H
#define DN_EXPORT_INTERNAL_H

#include <stdbool.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <sqlite3.h>

#include "core/core.h"
#include "export/export.h"

/* ---- formats --------------------------------------------------------------- */

struct dni_xformat {
    enum dn_export_format id;
    const char *name;        /**< "geojson" */
    const char *driver;      /**< OGR driver short name */
    const char *ext;         /**< file extension with dot, "" for PG */
    bool per_layer_file;     /**< one dataset (file) per layer */
    bool shp_names;          /**< 10-character field names (dBASE) */
    bool qml_files;          /**< a <layer>.qml beside each layer file */
    bool style_table;        /**< QGIS's layer_styles table inside the dataset */
    bool null_geom;          /**< the driver stores features without geometry (FlatGeobuf drops them) */
    const char *const *lco;  /**< layer creation options, NULL-terminated */
    const char *const *dsco; /**< dataset creation options, NULL-terminated */
};

const struct dni_xformat *dni_xformat(enum dn_export_format f);

/* ---- layer schemas ---------------------------------------------------------- */

enum { DNI_XMAX_FIELDS = 40 };

struct dni_xfield {
    const char *name;        /**< the field's name in every format but Shapefile */
    const char *shp;         /**< its Shapefile name (<= 10 bytes, unique in the layer) */
    OGRFieldType type;
    OGRFieldSubType subtype;
    int width;               /**< 0: the driver's default */
    const char *doc;         /**< one-line description (fields.csv, README) */
};

struct dni_xlayer {
    enum dn_export_layer id;
    const char *name;
    OGRwkbGeometryType geom;
    const struct dni_xfield *fields;
    size_t nfields;
    const char *title;       /**< for the style's description */
};

const struct dni_xlayer *dni_xlayer(enum dn_export_layer id);
/** Index of field `name` in the layer's schema, or -1. */
int dni_xlayer_field(const struct dni_xlayer *def, const char *name);

/* ---- the feature writer -------------------------------------------------------- */

struct dni_xwriter {
    dn_ctx *ctx;
    const struct dni_xformat *fmt;
    const struct dni_xlayer *def;
    OGRLayerH layer;
    OGRFeatureH feat;          /**< reused for every feature */
    int idx[DNI_XMAX_FIELDS];  /**< OGR field index of def->fields[i] */
    OGRFieldType otype[DNI_XMAX_FIELDS]; /**< the type the field got in this format */
    long long count;           /**< features written */
    long long no_geom;         /**< features without geometry left out (formats without null_geom) */
    long long cut;             /**< text values cut to the format's limit */
    size_t max_text;           /**< 0: unlimited; Shapefile: 254 bytes */
};

/** Create the layer `def` in `ds` with its fields and a reusable feature. */
dn_status dni_xwriter_begin(dn_ctx *ctx, GDALDatasetH ds, const struct dni_xformat *fmt,
                            const struct dni_xlayer *def, OGRSpatialReferenceH srs, char **lco,
                            struct dni_xwriter *w);
void dni_xset_null(struct dni_xwriter *w, int i);
void dni_xset_str(struct dni_xwriter *w, int i, const char *s);
void dni_xset_int(struct dni_xwriter *w, int i, long long v);
void dni_xset_real(struct dni_xwriter *w, int i, double v); /**< NaN: null */
/** An ISO date "YYYY-MM-DD[...]"; anything unparsable is written as null. */
void dni_xset_date(struct dni_xwriter *w, int i, const char *iso);
/** Field i from a result column, converted by the field's type. */
void dni_xset_column(struct dni_xwriter *w, int i, sqlite3_stmt *st, int col);
/** Point geometry of the current feature (reused in place). */
void dni_xset_point(struct dni_xwriter *w, double lon, double lat);
/** Geometry from WKB (NULL or empty: no geometry). Takes no ownership. */
dn_status dni_xset_wkb(struct dni_xwriter *w, const void *wkb, int size);
/** Geometry, ownership passes to the writer's feature. */
void dni_xset_geom(struct dni_xwriter *w, OGRGeometryH g);
/** Write the current feature; fields keep their values for the next one.
 * A feature without geometry in a format that cannot store one is counted
 * in no_geom instead of being handed to a driver that would drop it. */
dn_status dni_xwriter_put(struct dni_xwriter *w);
/** Free the reusable feature. Safe on a zeroed writer. */
void dni_xwriter_end(struct dni_xwriter *w);

/* ---- what the layers' styles need to know --------------------------------------- */

enum { DNI_XMAX_TYPES = 12, DNI_XMAX_DISTINCT_TYPES = 256 };

struct dni_xstyle_data {
    char **types;          /**< distinct event types seen (owned, dn_free each) */
    long long *type_count; /**< events per type */
    size_t ntypes, captypes;
    double bands[DN_EXPORT_MAX_BANDS]; /**< band edges (km) */
    size_t nbands;
};

void dni_xstyle_data_clear(struct dni_xstyle_data *sd);
/** Count one event type (the styles colour the DNI_XMAX_TYPES most frequent;
 * past DNI_XMAX_DISTINCT_TYPES new types are not tracked). */
void dni_xstyle_data_type(struct dni_xstyle_data *sd, const char *type);

/** The QGIS style (QML document) of a layer, appended to `out`. */
dn_status dni_style_qml(dn_ctx *ctx, enum dn_export_layer layer, const struct dni_xstyle_data *sd,
                        struct dn_strbuf *out);

/* ---- layer producers ---------------------------------------------------------- */

dn_status dni_export_incidents(dn_ctx *ctx, struct dni_xwriter *w, const struct dn_filter *filter,
                               struct dni_xstyle_data *sd);
dn_status dni_export_admin_summary(dn_ctx *ctx, struct dni_xwriter *w, const struct dn_filter *filter);
/** durand_line, crossings, places: copies of the store's tables. */
dn_status dni_export_store_layer(dn_ctx *ctx, struct dni_xwriter *w);
dn_status dni_export_bands(dn_ctx *ctx, struct dni_xwriter *w, const double *edges, size_t nbands);

/** The event rows to export, one callback per event with a statement whose
 * columns carry the DESIGN.md event field names. */
typedef dn_status (*dni_event_row_fn)(void *ud, sqlite3_stmt *st);
dn_status dni_export_each_event(dn_ctx *ctx, const struct dn_filter *filter, dni_event_row_fn fn, void *ud);

/* ---- styles in the output ----------------------------------------------------- */

/** Write QGIS's layer_styles table into `ds` with a default style per layer. */
dn_status dni_write_style_table(dn_ctx *ctx, GDALDatasetH ds, const char *catalog, const char *schema, const enum dn_export_layer *layers,
                                size_t nlayers, const struct dni_xstyle_data *sd);
/** Write `path` (a .qml file) with the layer's style. */
dn_status dni_write_qml_file(dn_ctx *ctx, const char *path, enum dn_export_layer layer,
                             const struct dni_xstyle_data *sd);
/** Write the Shapefile field-name map as CSV (through OGR's CSV driver). */
dn_status dni_write_fields_csv(dn_ctx *ctx, const char *path, const enum dn_export_layer *layers, size_t nlayers);

#endif /* DN_EXPORT_INTERNAL_H */

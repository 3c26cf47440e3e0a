/** @file load_internal.h
 * Pieces of the geodata loader shared between its files (internal to geodata/).
 */
#ifndef DN_GEODATA_LOAD_INTERNAL_H
#define DN_GEODATA_LOAD_INTERNAL_H

#include <gdal.h>
#include <ogr_api.h>

#include "geodata/geodata.h"

/** A field of the current feature as a string, NULL when unset/null or
 * when the layer lacks it. Valid until the feature is destroyed. */
const char *dni_field_str(OGRFeatureH f, const char *name);
/** An integer field, `fallback` when unset or missing. */
long long dni_field_int(OGRFeatureH f, const char *name, long long fallback);
/** A real field, NaN when unset or missing. */
double dni_field_real(OGRFeatureH f, const char *name);

/** The layer `name` of the dataset, or DN_ERR_GEODATA naming it. */
dn_status dni_geodata_layer(dn_ctx *ctx, GDALDatasetH ds, const char *name, OGRLayerH *out);

/** Bind the feature's geometry as WKB to parameter `idx` (SQLITE_TRANSIENT). */
dn_status dni_bind_geometry(dn_ctx *ctx, sqlite3_stmt *st, int idx, OGRFeatureH f, const char *layer);

/** Load countries, admin1, admin2, historical regions, the border and crossings. */
dn_status dni_load_areas(dn_ctx *ctx, GDALDatasetH ds, struct dn_geodata_report *rep);
/** Load places and their names, then the admin areas as places and the
 * curated aliases file. */
dn_status dni_load_places(dn_ctx *ctx, GDALDatasetH ds, struct dn_geodata_report *rep);
/** Link every admin area to a place (adding one where the gazetteer has
 * none) and give that place the area's names. */
dn_status dni_load_admin_places(dn_ctx *ctx, struct dn_geodata_report *rep);
/** Load geodata/aliases.csv as names of rank 1 on their target places. */
dn_status dni_load_aliases(dn_ctx *ctx, struct dn_geodata_report *rep);

#endif

/** @file layers.c
 * The schema of every exported layer: field names, their Shapefile names
 * (dBASE allows 10 bytes: each long name has a documented short one, unique
 * in its layer, never a silent truncation), types and descriptions.
 */
#include <string.h>

#include "export/export_internal.h"

#define STR(n, s, w, d) {n, s, OFTString, OFSTNone, w, d}
#define I32(n, s, d) {n, s, OFTInteger, OFSTNone, 0, d}
#define I64(n, s, d) {n, s, OFTInteger64, OFSTNone, 0, d}
#define BOOL(n, s, d) {n, s, OFTInteger, OFSTBoolean, 0, d}
#define REAL(n, s, d) {n, s, OFTReal, OFSTNone, 0, d}
#define DATE(n, s, d) {n, s, OFTDate, OFSTNone, 0, d}

/* DESIGN.md's event fields, in its order. */
static const struct dni_xfield incident_fields[] = {
    I64("id", "id", "event id in the store"),
    STR("uid", "uid", 254, "stable event key (source kind + source id or content hash)"),
    DATE("date", "date", "event date (first day of the month/year when coarser)"),
    STR("date_precision", "date_prec", 254, "day, month or year"),
    STR("type", "type", 254, "event type"),
    STR("sub_type", "sub_type", 254, "event sub-type"),
    STR("actor1", "actor1", 254, "first actor"),
    STR("actor2", "actor2", 254, "second actor"),
    STR("place", "place", 254, "the place as written in the source"),
    STR("country", "country", 254, "ISO 3166-1 alpha-3 of the country the point lies in"),
    STR("province", "province", 254, "province (admin level 1)"),
    STR("district", "district", 254, "district (admin level 2)"),
    REAL("lat", "lat", "latitude, WGS 84"),
    REAL("lon", "lon", "longitude, WGS 84"),
    STR("precision", "precision", 254, "geo precision: point, town, district, province or country"),
    REAL("radius_km", "radius_km", "uncertainty radius (km)"),
    I32("fatalities", "fatalities", "fatalities (best estimate)"),
    I32("injured", "injured", "injured"),
    STR("side", "side", 254, "side of the Durand Line: AFG, PAK, another ISO3, or empty"),
    BOOL("side_certain", "side_cert", "whether the uncertainty circle stays on one side"),
    REAL("border_km", "border_km", "geodesic distance to the Durand Line (km)"),
    STR("band", "band", 254, "border-zone band"),
    STR("crossing", "crossing", 254, "nearest border crossing"),
    REAL("crossing_km", "cross_km", "geodesic distance to that crossing (km)"),
    STR("source", "source", 254, "source file or URL"),
    STR("excerpt", "excerpt", 254, "the sentence or notes the event came from"),
    I64("cluster_id", "cluster_id", "cluster of reports of the same event (0: none)"),
};

static const struct dni_xfield line_fields[] = {
    STR("name", "name", 254, "name of the line"),
    STR("left_iso", "left_iso", 254, "country on the left of the line's direction"),
    STR("right_iso", "right_iso", 254, "country on the right"),
    REAL("length_km", "length_km", "geodesic length (km)"),
    STR("source", "source", 254, "origin of the geometry"),
};

static const struct dni_xfield band_fields[] = {
    STR("band", "band", 254, "band label, e.g. 0-10 (km)"),
    STR("side", "side", 254, "country (ISO3) the band part lies in"),
    REAL("min_km", "min_km", "inner edge: geodesic km from the line"),
    REAL("max_km", "max_km", "outer edge: geodesic km from the line"),
};

static const struct dni_xfield admin_fields[] = {
    I32("level", "level", "1 province, 2 district"),
    STR("code", "code", 254, "admin code"),
    STR("name", "name", 254, "name"),
    STR("country", "country", 254, "ISO3 country"),
    STR("province", "province", 254, "province (the area itself at level 1)"),
    I64("events", "events", "number of events"),
    I64("fatalities", "fatalities", "sum of fatalities (null when every event there has them unknown)"),
    I64("injured", "injured", "sum of injured (null when every event there has them unknown)"),
    DATE("first_date", "first_date", "date of the first event"),
    DATE("last_date", "last_date", "date of the last event"),
    REAL("area_km2", "area_km2", "area (km2)"),
};

static const struct dni_xfield crossing_fields[] = {
    STR("name", "name", 254, "crossing name"),
    STR("side", "side", 254, "country of the point"),
    STR("proxy_name", "proxy_name", 254, "place standing in for the crossing, if any"),
    STR("point_kind", "point_kind", 254, "how the point was placed"),
    STR("confidence", "confidence", 254, "confidence of the location"),
    STR("note", "note", 254, "note"),
    STR("source", "source", 254, "origin of the point"),
};

static const struct dni_xfield place_fields[] = {
    I64("id", "id", "place id in the store"),
    I64("geonameid", "geonameid", "GeoNames id"),
    STR("name", "name", 254, "main name"),
    STR("kind", "kind", 254, "GeoNames feature code, ADM1/ADM2, CROSSING or LEARNED"),
    STR("placetype", "placetype", 254, "place type"),
    STR("country", "country", 254, "ISO3 country"),
    STR("province", "province", 254, "province"),
    STR("district", "district", 254, "district"),
    I64("population", "population", "population"),
};

#define LAYER(id, name, geom, fields, title) {id, name, geom, fields, DN_ARRAY_LEN(fields), title}
static const struct dni_xlayer layers[DN_LAYER_COUNT] = {
    LAYER(DN_LAYER_INCIDENTS, "incidents", wkbPoint, incident_fields, "Conflict incidents"),
    LAYER(DN_LAYER_DURAND_LINE, "durand_line", wkbLineString, line_fields, "The Durand Line"),
    LAYER(DN_LAYER_BORDER_BANDS, "border_bands", wkbMultiPolygon, band_fields, "Border-zone bands"),
    LAYER(DN_LAYER_ADMIN_SUMMARY, "admin_summary", wkbMultiPolygon, admin_fields, "Events per province and district"),
    LAYER(DN_LAYER_CROSSINGS, "crossings", wkbPoint, crossing_fields, "Border crossings"),
    LAYER(DN_LAYER_PLACES, "places", wkbPoint, place_fields, "Gazetteer places"),
};

const struct dni_xlayer *dni_xlayer(enum dn_export_layer id)
{
    if (NEVER(id >= DN_LAYER_COUNT)) return &layers[0];
    return &layers[id];
}

int dni_xlayer_field(const struct dni_xlayer *def, const char *name)
{
    for (size_t i = 0; i < def->nfields; i++)
        if (strcmp(def->fields[i].name, name) == 0) return (int)i;
    return -1;
}

const char *dn_export_layer_name(enum dn_export_layer l) { return l < DN_LAYER_COUNT ? layers[l].name : "?"; }

dn_status dn_export_layers_parse(dn_ctx *ctx, const char *text, unsigned *mask)
{
    *mask = 0;
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool found = false;
        if (len == 3 && strncmp(p, "all", 3) == 0) {
            *mask |= (1u << DN_LAYER_COUNT) - 1;
            found = true;
        } else if (len == 7 && strncmp(p, "default", 7) == 0) {
            *mask |= DN_LAYERS_DEFAULT;
            found = true;
        }
        for (int l = 0; !found && l < DN_LAYER_COUNT; l++)
            if (strlen(layers[l].name) == len && strncmp(layers[l].name, p, len) == 0) {
                *mask |= DN_LAYER_BIT(l);
                found = true;
            }
        if (!found)
            return dni_fail(ctx, DN_ERR_USAGE,
                            "--layers: unknown layer '%.*s' (layers: incidents, durand_line, border_bands, "
                            "admin_summary, crossings, places; or all, default)",
                            (int)len, p);
        p += len;
        if (*p == ',') p++;
    }
    if (!*mask) return dni_fail(ctx, DN_ERR_USAGE, "--layers: no layer named");
    return DN_OK;
}

static const char *type_name(const struct dni_xfield *f)
{
    switch (f->type) {
    case OFTInteger: return f->subtype == OFSTBoolean ? "boolean" : "integer";
    case OFTInteger64: return "integer64";
    case OFTReal: return "real";
    case OFTDate: return "date";
    default: return "string";
    }
}

void dn_export_field_map(void (*fn)(void *ud, const char *layer, const char *field, const char *shp_field,
                                    const char *type, const char *description),
                         void *ud)
{
    for (int l = 0; l < DN_LAYER_COUNT; l++)
        for (size_t i = 0; i < layers[l].nfields; i++) {
            const struct dni_xfield *f = &layers[l].fields[i];
            fn(ud, layers[l].name, f->name, f->shp, type_name(f), f->doc);
        }
}

/** @file load_areas.c
 * Loading the area layers of the shipped GeoPackage: countries, provinces,
 * districts, historical regions, the Durand Line and the crossings.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "geodata/load_internal.h"
#include "store/store.h"

static void bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s) sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, idx);
}

static void bind_real(sqlite3_stmt *st, int idx, double v)
{
    if (isfinite(v)) sqlite3_bind_double(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

/* One admin layer → admin_areas rows. The field names differ per layer, so
 * each layer names its own. */
struct admin_layer {
    const char *layer;
    int level;
    bool historical;
    bool required;
    const char *code, *name, *country, *parent_code, *parent_name;
};

static const struct admin_layer admin_layers[] = {
    {"countries", 0, false, true, "iso3", "name", "iso3", NULL, NULL},
    {"admin1", 1, false, true, "code", "name", "country", NULL, NULL},
    {"admin2", 2, false, true, NULL, "name", "country", "province_code", "province"},
    {"historical_regions", 1, true, false, "code", "name", "country", NULL, NULL},
};

static const char insert_admin_sql[] =
    "INSERT INTO admin_areas(level, code, name, country, parent_code, parent_name, alt_names, name_ps, name_fa,"
    " name_ur, area_km2, historical, source, geom)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))";

static dn_status load_admin_layer(dn_ctx *ctx, GDALDatasetH ds, const struct admin_layer *al, long long *count)
{
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, al->layer);
    if (!layer) {
        if (!al->required) return DN_OK;
        return dni_fail(ctx, DN_ERR_GEODATA, "shipped geodata lacks the layer '%s'", al->layer);
    }
    OGR_L_ResetReading(layer);
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, insert_admin_sql, &st);
    if (s != DN_OK) return s;
    OGRFeatureH f;
    while (s == DN_OK && (f = OGR_L_GetNextFeature(layer))) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        const char *name = dni_field_str(f, al->name);
        const char *country = dni_field_str(f, al->country);
        if (!name || !country) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "layer '%s', feature %lld: missing %s", al->layer,
                         (long long)OGR_F_GetFID(f), name ? al->country : al->name);
        } else {
            /* countries are "AFG"/"PAK"; keep ISO3 for every level's country */
            sqlite3_bind_int(st, 1, al->level);
            bind_text(st, 2, al->code ? dni_field_str(f, al->code) : NULL);
            bind_text(st, 3, name);
            bind_text(st, 4, country);
            bind_text(st, 5, al->parent_code ? dni_field_str(f, al->parent_code) : NULL);
            bind_text(st, 6, al->parent_name ? dni_field_str(f, al->parent_name) : NULL);
            bind_text(st, 7, dni_field_str(f, "alt_names"));
            bind_text(st, 8, dni_field_str(f, "name_ps"));
            bind_text(st, 9, dni_field_str(f, "name_fa"));
            bind_text(st, 10, dni_field_str(f, "name_ur"));
            bind_real(st, 11, dni_field_real(f, "area_km2"));
            sqlite3_bind_int(st, 12, al->historical);
            bind_text(st, 13, dni_field_str(f, "source"));
            s = dni_bind_geometry(ctx, st, 14, f, al->layer);
            if (s == DN_OK && sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "loading admin areas");
            if (s == DN_OK) (*count)++;
        }
        OGR_F_Destroy(f);
    }
    sqlite3_reset(st);
    return s;
}

static dn_status load_border(dn_ctx *ctx, GDALDatasetH ds, long long *count)
{
    OGRLayerH layer;
    dn_status s = dni_geodata_layer(ctx, ds, "durand_line", &layer);
    if (s != DN_OK) return s;
    sqlite3_stmt *st;
    s = dn_store_stmt(ctx,
                      "INSERT INTO border(name, left_iso, right_iso, length_km, source, geom)"
                      " VALUES (?, ?, ?, ?, ?, CastToLineString(GeomFromWKB(?, 4326)))",
                      &st);
    if (s != DN_OK) return s;
    OGRFeatureH f;
    while (s == DN_OK && (f = OGR_L_GetNextFeature(layer))) {
        sqlite3_reset(st);
        const char *name = dni_field_str(f, "name");
        bind_text(st, 1, name ? name : "Durand Line");
        const char *left = dni_field_str(f, "left_iso"), *right = dni_field_str(f, "right_iso");
        bind_text(st, 2, left ? left : "AFG");
        bind_text(st, 3, right ? right : "PAK");
        bind_real(st, 4, dni_field_real(f, "length_km"));
        bind_text(st, 5, dni_field_str(f, "source"));
        s = dni_bind_geometry(ctx, st, 6, f, "durand_line");
        if (s == DN_OK && sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "loading the Durand Line");
        if (s == DN_OK) (*count)++;
        OGR_F_Destroy(f);
    }
    sqlite3_reset(st);
    if (s == DN_OK && *count != 1)
        s = dni_fail(ctx, DN_ERR_GEODATA, "layer 'durand_line' must hold exactly one line, not %lld", *count);
    return s;
}

static dn_status load_crossings(dn_ctx *ctx, GDALDatasetH ds, long long *count)
{
    OGRLayerH layer;
    dn_status s = dni_geodata_layer(ctx, ds, "crossings", &layer);
    if (s != DN_OK) return s;
    sqlite3_stmt *st;
    s = dn_store_stmt(ctx,
                      "INSERT INTO crossings(name, side, proxy_name, alt_names, point_kind, confidence, note, source, geom)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, CastToPoint(GeomFromWKB(?, 4326)))",
                      &st);
    if (s != DN_OK) return s;
    OGRFeatureH f;
    while (s == DN_OK && (f = OGR_L_GetNextFeature(layer))) {
        sqlite3_reset(st);
        const char *name = dni_field_str(f, "crossing");
        if (!name) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "layer 'crossings', feature %lld: missing crossing",
                         (long long)OGR_F_GetFID(f));
        } else {
            bind_text(st, 1, name);
            bind_text(st, 2, dni_field_str(f, "side"));
            bind_text(st, 3, dni_field_str(f, "proxy_name"));
            bind_text(st, 4, dni_field_str(f, "alt_names"));
            bind_text(st, 5, dni_field_str(f, "point_kind"));
            bind_text(st, 6, dni_field_str(f, "confidence"));
            bind_text(st, 7, dni_field_str(f, "note"));
            bind_text(st, 8, dni_field_str(f, "source"));
            s = dni_bind_geometry(ctx, st, 9, f, "crossings");
            if (s == DN_OK && sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "loading crossings");
            if (s == DN_OK) (*count)++;
        }
        OGR_F_Destroy(f);
    }
    sqlite3_reset(st);
    return s;
}

dn_status dni_load_areas(dn_ctx *ctx, GDALDatasetH ds, struct dn_geodata_report *rep)
{
    long long *counts[] = {&rep->countries, &rep->admin1, &rep->admin2, &rep->admin1};
    dn_status s = DN_OK;
    for (size_t i = 0; s == DN_OK && i < DN_ARRAY_LEN(admin_layers); i++)
        s = load_admin_layer(ctx, ds, &admin_layers[i], counts[i]);
    if (s == DN_OK) s = load_border(ctx, ds, &rep->border_lines);
    if (s == DN_OK) s = load_crossings(ctx, ds, &rep->crossings);
    return s;
}

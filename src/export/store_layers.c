/** @file store_layers.c
 * Layers copied from the store's geodata tables: the Durand Line, the
 * crossings and the gazetteer's places. Each SELECT lists the layer's fields
 * in schema order, then the geometry as WKB.
 */
#include "export/export_internal.h"
#include "store/store.h"

static const char *const layer_sql[DN_LAYER_COUNT] = {
    [DN_LAYER_DURAND_LINE] = "SELECT name, left_iso, right_iso, length_km, source, AsBinary(geom) FROM border ORDER BY id",
    [DN_LAYER_CROSSINGS] = "SELECT name, side, proxy_name, point_kind, confidence, note, source, AsBinary(geom)"
                           " FROM crossings ORDER BY id",
    /* the shipped and learned places; not the admin areas that the
     * geodata loader mirrors as places (they have their own layers) */
    [DN_LAYER_PLACES] = "SELECT id, geonameid, name, kind, placetype, country, province, district, population,"
                        " AsBinary(geom) FROM places WHERE source IS NOT 'admin_areas' ORDER BY id",
};

dn_status dni_export_store_layer(dn_ctx *ctx, struct dni_xwriter *w)
{
    const char *sql = layer_sql[w->def->id];
    if (NEVER(!sql)) return dni_fail(ctx, DN_ERR_INTERNAL, "no store table for layer '%s'", w->def->name);
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    int n = (int)w->def->nfields, rc = SQLITE_DONE;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n; i++) dni_xset_column(w, i, st, i);
        s = dni_xset_wkb(w, sqlite3_column_blob(st, n), sqlite3_column_bytes(st, n));
        if (s == DN_OK) s = dni_xwriter_put(w);
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, w->def->name);
    sqlite3_reset(st);
    return s;
}

/** @file incidents.c
 * The incidents layer: one point per stored event with every event field
 * of DESIGN.md, and the event rows it is built from.
 */
#include <math.h>
#include <string.h>

#include "export/export_internal.h"
#include "store/store.h"

/* The events to export. Stand-in for the query module's dn_filter_each
 * until it lands: same callback shape, columns named as DESIGN.md's event
 * fields, so the writer below maps them by name and not by position. */
dn_status dni_export_each_event(dn_ctx *ctx, const struct dn_filter *filter, dni_event_row_fn fn, void *ud)
{
    if (filter) return dni_fail(ctx, DN_ERR_INTERNAL, "event filters are not available in this build");
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "SELECT id, uid, date, date_precision, type, sub_type, actor1, actor2, place, country,"
                                " province, district, lat, lon, precision, radius_km, fatalities, injured, side,"
                                " side_certain, border_km, band, crossing, crossing_km, source, excerpt, cluster_id"
                                " FROM events ORDER BY id",
                                &st);
    if (s != DN_OK) return s;
    int rc = SQLITE_DONE;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) s = fn(ud, st);
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading events");
    sqlite3_reset(st);
    return s;
}

struct incidents {
    dn_ctx *ctx;
    struct dni_xwriter *w;
    struct dni_xstyle_data *sd;
    bool mapped;
    int col[DNI_XMAX_FIELDS]; /* result column of each field, -1 if absent */
    int lon, lat, type;
};

static void map_columns(struct incidents *in, sqlite3_stmt *st)
{
    const struct dni_xlayer *def = in->w->def;
    for (size_t i = 0; i < def->nfields; i++) in->col[i] = -1;
    int n = sqlite3_column_count(st);
    for (int c = 0; c < n; c++) {
        int i = dni_xlayer_field(def, sqlite3_column_name(st, c));
        if (i >= 0) in->col[i] = c;
    }
    in->lon = in->col[dni_xlayer_field(def, "lon")];
    in->lat = in->col[dni_xlayer_field(def, "lat")];
    in->type = in->col[dni_xlayer_field(def, "type")];
    in->mapped = true;
}

static dn_status incident_row(void *ud, sqlite3_stmt *st)
{
    struct incidents *in = ud;
    struct dni_xwriter *w = in->w;
    if (!in->mapped) map_columns(in, st);
    for (size_t i = 0; i < w->def->nfields; i++) {
        if (in->col[i] < 0) dni_xset_null(w, (int)i);
        else dni_xset_column(w, (int)i, st, in->col[i]);
    }
    if (in->lon >= 0 && in->lat >= 0 && sqlite3_column_type(st, in->lon) != SQLITE_NULL &&
        sqlite3_column_type(st, in->lat) != SQLITE_NULL)
        dni_xset_point(w, sqlite3_column_double(st, in->lon), sqlite3_column_double(st, in->lat));
    else
        dni_xset_geom(w, NULL);
    if (in->type >= 0) dni_xstyle_data_type(in->sd, (const char *)sqlite3_column_text(st, in->type));
    return dni_xwriter_put(w);
}

dn_status dni_export_incidents(dn_ctx *ctx, struct dni_xwriter *w, const struct dn_filter *filter,
                               struct dni_xstyle_data *sd)
{
    struct incidents in = {.ctx = ctx, .w = w, .sd = sd};
    return dni_export_each_event(ctx, filter, incident_row, &in);
}

/** @file incidents.c
 * The incidents layer: one point per stored event with every event field
 * of DESIGN.md, and the event rows it is built from.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "border/border.h"
#include "export/export_internal.h"
#include "query/filter.h"

/* The events to export: the query module's filtered read (every event when
 * `filter` is NULL). Its columns carry DESIGN.md's event field names; the
 * writers below map them by name, not by position. */
dn_status dni_export_each_event(dn_ctx *ctx, const struct dn_filter *filter, dni_event_row_fn fn, void *ud)
{
    return dn_filter_each(ctx, filter, "e.id", -1, fn, ud);
}

struct incidents {
    dn_ctx *ctx;
    struct dni_xwriter *w;
    struct dni_xstyle_data *sd;
    bool mapped;
    int col[DNI_XMAX_FIELDS]; /* result column of each field, -1 if absent */
    int lon, lat, type;
    int band_field, border_km; /* the layer's band field, the border_km column: -1 if absent */
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
    in->band_field = dni_xlayer_field(def, "band");
    int km = dni_xlayer_field(def, "border_km");
    in->border_km = km >= 0 ? in->col[km] : -1;
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
    if (in->band_field >= 0 && in->border_km >= 0 && in->sd->nbands &&
        sqlite3_column_type(st, in->border_km) != SQLITE_NULL) {
        /* the band under the export's edges (--bands): the stored one was
         * labelled with the check's edges at ingest, and a layer whose
         * bands say 0-5/5-15 beside incidents saying 0-10/10-25 could not
         * be joined or filtered by band */
        char band[64];
        size_t i = dn_border_band_index(in->sd->bands, in->sd->nbands, sqlite3_column_double(st, in->border_km));
        dn_border_band_label_of(in->sd->bands, in->sd->nbands, i, band, sizeof band);
        dni_xset_str(w, in->band_field, band);
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

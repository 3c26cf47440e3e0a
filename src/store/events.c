/** @file events.c
 * Event upsert by uid with change detection, and cross-source clustering.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "core/geo.h"
#include "store/events.h"
#include "store/store.h"

/* Words that mark a violent event type across ACLED, UCDP and our own
 * text lexicon; anything else named is a non-violent development. */
static const char *const violent_words[] = {"battle", "explosion", "violence", "attack", "bomb", "ied",
                                            "strike", "clash", "shelling", "armed", "state-based", "non-state",
                                            "one-sided", "riot", "killing", "assault", "ambush", "raid"};

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return true;
    return false;
}

static bool is_violent(const char *type)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(violent_words); i++)
        if (contains_ci(type, violent_words[i])) return true;
    return false;
}

bool dn_event_types_compatible(const char *a, const char *b)
{
    if (!a || !*a || !b || !*b) return true;
    bool va = is_violent(a), vb = is_violent(b);
    if (va || vb) return va && vb;
    return strcasecmp(a, b) == 0;
}

static void bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s) sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, idx);
}

static void bind_real(sqlite3_stmt *st, int idx, double v)
{
    if (isfinite(v)) sqlite3_bind_double(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

static void bind_count(sqlite3_stmt *st, int idx, int v)
{
    if (v >= 0) sqlite3_bind_int(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

static void bind_ll(sqlite3_stmt *st, int idx, long long v)
{
    if (v > 0) sqlite3_bind_int64(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

/* Column order shared by the INSERT and UPDATE statements below (?1..?44). */
#define EVENT_VALUES_COUNT 44
static void bind_event(sqlite3_stmt *st, const struct dn_event *ev)
{
    bool point = ev->has_coords && dn_lonlat_valid(ev->lon, ev->lat);
    bind_text(st, 1, ev->uid);
    bind_text(st, 2, ev->source_kind);
    bind_text(st, 3, ev->source);
    bind_text(st, 4, ev->source_ref);
    bind_text(st, 5, ev->source_id);
    bind_text(st, 6, ev->row_hash);
    bind_text(st, 7, ev->date);
    bind_text(st, 8, dn_date_precision_name(ev->date_precision));
    bind_text(st, 9, ev->type);
    bind_text(st, 10, ev->sub_type);
    bind_text(st, 11, ev->actor1);
    bind_text(st, 12, ev->actor2);
    bind_text(st, 13, ev->place);
    bind_ll(st, 14, ev->place_id);
    bind_text(st, 15, ev->country);
    bind_text(st, 16, ev->province);
    bind_text(st, 17, ev->province_code);
    bind_text(st, 18, ev->district);
    bind_real(st, 19, point ? ev->lon : NAN);
    bind_real(st, 20, point ? ev->lat : NAN);
    bind_text(st, 21, dn_precision_name(ev->precision));
    bind_real(st, 22, ev->radius_km);
    bind_count(st, 23, ev->fatalities);
    bind_count(st, 24, ev->fatalities_low);
    bind_count(st, 25, ev->fatalities_high);
    bind_count(st, 26, ev->injured);
    bind_text(st, 27, ev->side[0] ? ev->side : NULL);
    if (ev->side[0]) sqlite3_bind_int(st, 28, ev->side_certain);
    else sqlite3_bind_null(st, 28);
    bind_real(st, 29, ev->border_km);
    bind_text(st, 30, ev->band);
    bind_text(st, 31, ev->crossing);
    bind_real(st, 32, ev->crossing_km);
    bind_real(st, 33, ev->confidence);
    bind_text(st, 34, ev->excerpt);
    bind_text(st, 35, ev->notes);
    if (ev->span_start >= 0) sqlite3_bind_int64(st, 36, ev->span_start);
    else sqlite3_bind_null(st, 36);
    if (ev->span_end >= 0) sqlite3_bind_int64(st, 37, ev->span_end);
    else sqlite3_bind_null(st, 37);
    bind_text(st, 38, ev->flags);
    /* 39: cluster id is set separately; 40/41 geometry lon/lat */
    sqlite3_bind_null(st, 39);
    bind_real(st, 40, point ? ev->lon : NAN);
    bind_real(st, 41, point ? ev->lat : NAN);
    (void)EVENT_VALUES_COUNT;
}

static const char insert_sql[] =
    "INSERT INTO events(uid, source_kind, source, source_ref, source_id, row_hash, date, date_precision, type,"
    " sub_type, actor1, actor2, place, place_id, country, province, province_code, district, lon, lat, precision,"
    " radius_km, fatalities, fatalities_low, fatalities_high, injured, side, side_certain, border_km, band, crossing,"
    " crossing_km, confidence, excerpt, notes, span_start, span_end, flags, cluster_id, ingested_at, updated_at, geom)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,"
    " ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39,"
    " strftime('%Y-%m-%dT%H:%M:%SZ','now'), strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
    " CASE WHEN ?40 IS NULL THEN NULL ELSE MakePoint(?40, ?41, 4326) END)";

static const char update_sql[] =
    "UPDATE events SET source_kind = ?2, source = ?3, source_ref = ?4, source_id = ?5, row_hash = ?6, date = ?7,"
    " date_precision = ?8, type = ?9, sub_type = ?10, actor1 = ?11, actor2 = ?12, place = ?13, place_id = ?14,"
    " country = ?15, province = ?16, province_code = ?17, district = ?18, lon = ?19, lat = ?20, precision = ?21,"
    " radius_km = ?22, fatalities = ?23, fatalities_low = ?24, fatalities_high = ?25, injured = ?26, side = ?27,"
    " side_certain = ?28, border_km = ?29, band = ?30, crossing = ?31, crossing_km = ?32, confidence = ?33,"
    " excerpt = ?34, notes = ?35, span_start = ?36, span_end = ?37, flags = ?38,"
    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
    " geom = CASE WHEN ?40 IS NULL THEN NULL ELSE MakePoint(?40, ?41, 4326) END"
    " WHERE uid = ?1";

/* Candidates for the same incident: same or adjacent days (events_date
 * index on date, lat), inside the window's box, in a cluster that holds no
 * report from this source (two reports in one source are two incidents). */
static const char candidates_sql[] =
    "SELECT id, coalesce(cluster_id, id), type, lon, lat FROM events"
    " WHERE date BETWEEN date(?1, '-' || ?2 || ' days') AND date(?1, '+' || ?2 || ' days')"
    " AND date_precision = 'day' AND lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6"
    " AND id <> ?8 AND NOT EXISTS (SELECT 1 FROM events AS same WHERE same.source = ?7"
    " AND same.id <> ?8 AND same.cluster_id = coalesce(events.cluster_id, events.id))";

static dn_status find_cluster(dn_ctx *ctx, const struct dn_event *ev, long long id, const struct dn_dedupe_opts *d,
                              long long *cluster)
{
    *cluster = id;
    if (!d || !d->enabled || !ev->date || ev->date_precision != DN_DATE_DAY || !ev->has_coords ||
        !dn_lonlat_valid(ev->lon, ev->lat))
        return DN_OK;
    double w, s, e, n;
    dn_geodesic_bbox(ev->lon, ev->lat, d->window_km, &w, &s, &e, &n);
    sqlite3_stmt *st;
    dn_status status = dn_store_stmt(ctx, candidates_sql, &st);
    if (status != DN_OK) return status;
    sqlite3_bind_text(st, 1, ev->date, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, d->window_days);
    sqlite3_bind_double(st, 3, s);
    sqlite3_bind_double(st, 4, n);
    sqlite3_bind_double(st, 5, w);
    sqlite3_bind_double(st, 6, e);
    bind_text(st, 7, ev->source);
    sqlite3_bind_int64(st, 8, id);
    double best = INFINITY;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 2);
        if (!dn_event_types_compatible(ev->type, type)) continue;
        double km = dn_geodesic_km(ev->lon, ev->lat, sqlite3_column_double(st, 3), sqlite3_column_double(st, 4));
        if (km <= d->window_km && km < best) {
            best = km;
            *cluster = sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "finding duplicate events");
}

static dn_status set_cluster(dn_ctx *ctx, long long id, long long cluster)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "UPDATE events SET cluster_id = ?2 WHERE id = ?1", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, cluster);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "linking duplicate events");
}

dn_status dn_store_event_upsert(dn_ctx *ctx, const struct dn_event *ev, const struct dn_dedupe_opts *dedupe,
                                enum dn_upsert_result *result, long long *id_out)
{
    if (!ev->uid || !ev->source_kind || !ev->source)
        return dni_fail(ctx, DN_ERR_INTERNAL, "event without uid, source kind or source");
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT id, row_hash FROM events WHERE uid = ?", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, ev->uid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    long long id = 0;
    bool same = false;
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        const char *old = (const char *)sqlite3_column_text(st, 1);
        same = (old == NULL && ev->row_hash == NULL) || (old && ev->row_hash && strcmp(old, ev->row_hash) == 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "looking up an event");
    if (id_out) *id_out = id;
    if (id && same) {
        *result = DN_UPSERT_UNCHANGED;
        return DN_OK;
    }
    s = dn_store_stmt(ctx, id ? update_sql : insert_sql, &st);
    if (s != DN_OK) return s;
    bind_event(st, ev);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, id ? "updating an event" : "storing an event");
    *result = id ? DN_UPSERT_UPDATED : DN_UPSERT_INSERTED;
    if (!id) id = sqlite3_last_insert_rowid(dni_db(ctx));
    if (id_out) *id_out = id;
    if (*result == DN_UPSERT_INSERTED) {
        long long cluster;
        if ((s = find_cluster(ctx, ev, id, dedupe, &cluster)) != DN_OK) return s;
        if ((s = set_cluster(ctx, id, cluster)) != DN_OK) return s;
    }
    return DN_OK;
}

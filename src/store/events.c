/** @file events.c
 * Event upsert by uid with change detection, and cross-source clustering.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/core.h"
#include "core/geo.h"
#include "store/events.h"
#include "store/rtree_pack.h"
#include "store/rtree_plan_thread.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/uid_map.h"

/* Words that mark a violent event type across ACLED, UCDP and our own
 * text lexicon; anything else named is a non-violent development. */
static const char *const violent_words[] = {"battle", "explosion", "violence", "attack", "bomb", "ied",
                                            "strike", "clash", "shelling", "armed", "state-based", "non-state",
                                            "one-sided", "riot", "killing", "assault", "ambush", "raid",
                                            "abduction", "kidnap"};

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

/* Column order shared by the INSERT and UPDATE statements below (?1..?42: 39 the
 * cluster, 40/41 the point, 42 the time, bound by write_event; ?43 is the
 * new row's id, or the id of the row updated). */
#define EVENT_VALUES_COUNT 42
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

/* The new row's id is chosen here (the next rowid, as SQLite would, bound
 * as ?43) so that an event that starts its own cluster names it in the
 * same INSERT instead of a second write of the row. A plain VALUES insert:
 * an INSERT … SELECT reading events would make SQLite copy each row
 * through a temporary table first. */
#define INSERT_EVENT_SQL \
    "INSERT INTO events(id, uid, source_kind, source, source_ref, source_id, row_hash, date, date_precision, type," \
    " sub_type, actor1, actor2, place, place_id, country, province, province_code, district, lon, lat, precision," \
    " radius_km, fatalities, fatalities_low, fatalities_high, injured, side, side_certain, border_km, band, crossing," \
    " crossing_km, confidence, excerpt, notes, span_start, span_end, flags, cluster_id, ingested_at, updated_at, geom)" \
    " VALUES (?43, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22," \
    " ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, coalesce(?39, ?43)," \
    " ?42, ?42," \
    " CASE WHEN ?40 IS NULL THEN NULL ELSE MakePoint(?40, ?41, 4326) END)"
static const char insert_sql[] = INSERT_EVENT_SQL " ON CONFLICT(uid) DO NOTHING";
/* while a bulk load has dropped events_uid, which ON CONFLICT(uid) needs:
 * the load's uid map has said the uid is new */
static const char insert_new_sql[] = INSERT_EVENT_SQL;

static const char update_sql[] =
    "UPDATE events SET source_kind = ?2, source = ?3, source_ref = ?4, source_id = ?5, row_hash = ?6, date = ?7,"
    " date_precision = ?8, type = ?9, sub_type = ?10, actor1 = ?11, actor2 = ?12, place = ?13, place_id = ?14,"
    " country = ?15, province = ?16, province_code = ?17, district = ?18, lon = ?19, lat = ?20, precision = ?21,"
    " radius_km = ?22, fatalities = ?23, fatalities_low = ?24, fatalities_high = ?25, injured = ?26, side = ?27,"
    " side_certain = ?28, border_km = ?29, band = ?30, crossing = ?31, crossing_km = ?32, confidence = ?33,"
    " excerpt = ?34, notes = ?35, span_start = ?36, span_end = ?37, flags = ?38,"
    " updated_at = ?42,"
    " geom = CASE WHEN ?40 IS NULL THEN NULL ELSE MakePoint(?40, ?41, 4326) END"
    " WHERE id = ?43";

/* Candidates for the same incident: reports from another source (two
 * reports in one source are two incidents) on each day of the window —
 * one events_date(date, lat) range per day, so the index narrows by
 * latitude too — inside the window's box, in a cluster that holds no
 * report from this source (events_source(source, cluster_id) answers
 * that without reading a row). */
static const char candidates_sql[] =
    "WITH RECURSIVE days(d) AS (SELECT date(?1, '-' || ?2 || ' days')"
    " UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < date(?1, '+' || ?2 || ' days'))"
    "SELECT id, coalesce(cluster_id, id), type, lon, lat FROM events"
    " WHERE date IN days AND lat BETWEEN ?3 AND ?4 AND lon BETWEEN ?5 AND ?6 AND date_precision = 'day'"
    " AND source IS NOT ?7 AND id <> ?8 AND NOT EXISTS (SELECT 1 FROM events AS same WHERE same.source = ?7"
    " AND same.id <> ?8 AND same.cluster_id = coalesce(events.cluster_id, events.id))";

/* Whether find_cluster could find anything for this event. */
static bool may_cluster(const struct dn_event *ev, const struct dn_dedupe_opts *d)
{
    return d && d->enabled && ev->date && ev->date_precision == DN_DATE_DAY && ev->has_coords &&
           dn_lonlat_valid(ev->lon, ev->lat);
}

/* *cluster: the cluster of the nearest compatible report, 0 if none. */
static dn_status find_cluster(dn_ctx *ctx, const struct dn_event *ev, long long id, const struct dn_dedupe_opts *d,
                              long long *cluster)
{
    *cluster = 0;
    if (!may_cluster(ev, d)) return DN_OK;
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

/* An updated event may have moved or changed its date or type: its
 * incident is looked for again, as for a new one (a report corrected 565
 * km away kept the cluster of the one it had been near). Only with dedupe
 * on; an event that finds none is an incident of its own. Events that had
 * joined its cluster keep theirs: the id is only a label. */
static dn_status recluster(dn_ctx *ctx, const struct dn_event *ev, long long id, const struct dn_dedupe_opts *d)
{
    if (!d || !d->enabled) return DN_OK;
    long long cluster = 0;
    dn_status s = find_cluster(ctx, ev, id, d, &cluster);
    if (s != DN_OK) return s;
    sqlite3_stmt *st;
    if ((s = dn_store_stmt(ctx, "UPDATE events SET cluster_id = ?1 WHERE id = ?2 AND cluster_id IS NOT ?1", &st)) !=
        DN_OK)
        return s;
    sqlite3_bind_int64(st, 1, cluster ? cluster : id);
    sqlite3_bind_int64(st, 2, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "updating an event's incident");
}

static bool row_hash_same(const char *stored, const struct dn_event *ev)
{
    return (stored == NULL && ev->row_hash == NULL) || (stored && ev->row_hash && strcmp(stored, ev->row_hash) == 0);
}

/* The row as it stands: *id 0 when the uid is new, *same when its row hash
 * is the event's. */
static dn_status lookup(dn_ctx *ctx, const struct dn_event *ev, long long *id, bool *same)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT id, row_hash FROM events WHERE uid = ?", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, ev->uid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *id = 0;
    *same = false;
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *same = row_hash_same((const char *)sqlite3_column_text(st, 1), ev);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "looking up an event");
}

static size_t uid_map_max(dn_ctx *ctx);
static dn_status unmap_uids_and_index(dn_ctx *ctx);


/* lookup, while a bulk load keeps the uids in a map instead of events_uid:
 * each id under the uid's hash is read by id and its uid compared. */
static dn_status lookup_in_map(dn_ctx *ctx, const struct dni_uid_map *map, uint64_t hash, const struct dn_event *ev,
                               long long *id, bool *same)
{
    *id = 0;
    *same = false;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT uid, row_hash FROM events WHERE id = ?", &st);
    size_t cursor = 0;
    for (long long candidate; s == DN_OK && !*id && (candidate = dni_uid_map_next(map, hash, &cursor));) {
        sqlite3_bind_int64(st, 1, candidate);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *uid = (const char *)sqlite3_column_text(st, 0);
            if (uid && strcmp(uid, ev->uid) == 0) {
                *id = candidate;
                *same = row_hash_same((const char *)sqlite3_column_text(st, 1), ev);
            }
        } else if (rc != SQLITE_DONE) {
            s = dni_fail_sqlite(ctx, "looking up an event");
        }
        sqlite3_reset(st);
    }
    return s;
}

/* The id the next inserted event gets: SQLite's own choice for a rowid
 * table that never deleted its largest id (one seek to the table's end). */
static dn_status next_id(dn_ctx *ctx, long long *out)
{
    long long *cached = &dni_store_events_state(ctx)->next_id;
    if (*cached > 0) { /* set by this transaction's last insert; the hooks clear it at its end */
        *out = *cached; /* max(id) + 1 was 2.5 % of a bulk load's time */
        return DN_OK;
    }
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT coalesce(max(id), 0) + 1 FROM events", &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? DN_OK : dni_fail_sqlite(ctx, "choosing an event id");
}

/* Insert (a uid stored meanwhile is left alone: *inserted false) or update. */
static dn_status write_event(dn_ctx *ctx, const struct dn_event *ev, long long id, long long cluster, bool *inserted)
{
    sqlite3_stmt *st;
    long long new_id = 0;
    bool uid_checked = dni_store_events_state(ctx)->uid_map != NULL;
    const char *sql = id ? update_sql : uid_checked ? insert_new_sql : insert_sql;
    dn_status s = id ? DN_OK : next_id(ctx, &new_id);
    if (s == DN_OK) s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    bind_event(st, ev);
    if (cluster > 0) sqlite3_bind_int64(st, 39, cluster);
    sqlite3_bind_int64(st, 43, id ? id : new_id);
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_bind_text(st, 42, now, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, id ? "updating an event" : "storing an event");
    *inserted = !id && sqlite3_changes(dni_db(ctx)) > 0;
    if (*inserted) dni_store_events_state(ctx)->next_id = new_id + 1;
    return DN_OK;
}

dn_status dn_store_event_upsert(dn_ctx *ctx, const struct dn_event *ev, const struct dn_dedupe_opts *dedupe,
                                enum dn_upsert_result *result, long long *id_out)
{
    if (!ev->uid || !ev->source_kind || !ev->source)
        return dni_fail(ctx, DN_ERR_INTERNAL, "event without uid, source kind or source");
    long long id = 0;
    bool same = false, inserted = false;
    dn_status s;
    struct dni_events_state *state = dni_store_events_state(ctx);
    bool *seen = &state->seen;
    uint64_t uid_hash = 0;
    if (state->uid_map) {
        uid_hash = dni_uid_map_hash(ev->uid);
        if ((s = lookup_in_map(ctx, state->uid_map, uid_hash, ev, &id, &same)) != DN_OK) return s;
        if (!id) {
            long long cluster = 0;
            if ((s = find_cluster(ctx, ev, 0, dedupe, &cluster)) != DN_OK) return s;
            if ((s = write_event(ctx, ev, 0, cluster, &inserted)) != DN_OK) return s;
            if (!inserted && (s = lookup(ctx, ev, &id, &same)) != DN_OK) return s;
        }
    } else if (!may_cluster(ev, dedupe) && !*seen) {
        /* No cluster to look for: try the insert first (it does nothing
         * when the uid is stored), which saves the uid lookup for a new
         * event — the common case of a first ingest. After a stored uid
         * (a re-ingest) the lookup comes first again. */
        if ((s = write_event(ctx, ev, 0, 0, &inserted)) != DN_OK) return s;
        if (!inserted && (s = lookup(ctx, ev, &id, &same)) != DN_OK) return s;
    } else {
        if ((s = lookup(ctx, ev, &id, &same)) != DN_OK) return s;
        if (!id) {
            long long cluster = 0;
            if ((s = find_cluster(ctx, ev, 0, dedupe, &cluster)) != DN_OK) return s;
            if ((s = write_event(ctx, ev, 0, cluster, &inserted)) != DN_OK) return s;
        }
    }
    *seen = !inserted;
    if (inserted) {
        long long new_id = sqlite3_last_insert_rowid(dni_db(ctx));
        if (state->uid_map) {
            if (!dni_uid_map_put(state->uid_map, uid_hash, new_id))
                return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
            if (dni_uid_map_count(state->uid_map) >= uid_map_max(ctx) && (s = unmap_uids_and_index(ctx)) != DN_OK)
                return s;
        }
        *result = DN_UPSERT_INSERTED;
        if (id_out) *id_out = new_id;
        return DN_OK;
    }
    if (id_out) *id_out = id;
    if (!id) return dni_fail(ctx, DN_ERR_INTERNAL, "event '%s' neither stored nor found", ev->uid);
    if (same) {
        *result = DN_UPSERT_UNCHANGED;
        return DN_OK;
    }
    if ((s = write_event(ctx, ev, id, 0, &inserted)) != DN_OK) return s;
    if ((s = recluster(ctx, ev, id, dedupe)) != DN_OK) return s;
    *result = DN_UPSERT_UPDATED;
    return DN_OK;
}

dn_status dn_store_events_other_sources(dn_ctx *ctx, const char *source, bool *out)
{
    *out = true;
    sqlite3_stmt *st;
    /* two seeks on events_source */
    dn_status s = dn_store_stmt(ctx,
                                "SELECT EXISTS (SELECT 1 FROM events WHERE source < ?1)"
                                " OR EXISTS (SELECT 1 FROM events WHERE source > ?1)",
                                &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? DN_OK : dni_fail_sqlite(ctx, "looking for other sources");
}


static bool uid_kept(const char *uid, const char *const *keep, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(uid, keep[i]) == 0) return true;
    return false;
}

/* Run a statement whose only parameter ?1 is an event id; `what` names it
 * in the error. */
static dn_status step_with_id(dn_ctx *ctx, const char *sql, long long id, const char *what)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, what);
}

/* Remove one event; the events that joined its cluster keep one (their
 * smallest id), so that the id, if a later insert takes it again, does not
 * bring them a stranger. */
static dn_status remove_event(dn_ctx *ctx, long long id)
{
    dn_status s = step_with_id(ctx, "DELETE FROM events WHERE id = ?1", id, "removing an event of an earlier reading");
    return s != DN_OK ? s
                      : step_with_id(ctx,
                                     "UPDATE events SET cluster_id = (SELECT min(id) FROM events WHERE cluster_id = ?1)"
                                     " WHERE cluster_id = ?1",
                                     id, "moving a cluster to its next event");
}

dn_status dn_store_events_retract_article(dn_ctx *ctx, const char *uid_prefix, const char *const *keep, size_t n,
                                          const char *legacy_source, long legacy_line, long *removed)
{
    *removed = 0;
    if (dni_store_events_state(ctx)->uid_map)
        return dni_fail(ctx, DN_ERR_INTERNAL, "an article's old events cannot be removed during a bulk load");
    /* the prefix's range on events_uid: every uid from "text:H:" up to "text:H;" */
    size_t plen = strlen(uid_prefix);
    if (plen == 0 || plen > 63) return dni_fail(ctx, DN_ERR_INTERNAL, "bad article uid prefix");
    char upto[64];
    memcpy(upto, uid_prefix, plen + 1);
    upto[plen - 1]++;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "SELECT id, uid FROM events WHERE uid >= ?1 AND uid < ?2"
                                " UNION ALL SELECT id, uid FROM events WHERE source = ?3 AND source_kind = 'text'"
                                " AND uid NOT GLOB 'text:*:*' AND (?4 = 0 OR source_ref GLOB 'line ' || ?4 || ' *')",
                                &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, uid_prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, upto, -1, SQLITE_STATIC);
    if (legacy_source) sqlite3_bind_text(st, 3, legacy_source, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, legacy_line > 0 ? legacy_line : 0);
    long long *gone = NULL;
    size_t ngone = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *uid = (const char *)sqlite3_column_text(st, 1);
        if (uid && uid_kept(uid, keep, n)) continue;
        if (ngone == cap) {
            cap = cap ? 2 * cap : 16;
            long long *p = dn_realloc(gone, cap * sizeof *p);
            if (!p) {
                rc = SQLITE_NOMEM;
                break;
            }
            gone = p;
        }
        gone[ngone++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) s = rc == SQLITE_NOMEM ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory")
                                                 : dni_fail_sqlite(ctx, "finding an article's earlier events");
    /* removed after the scan: a statement does not delete under its own cursor */
    for (size_t i = 0; s == DN_OK && i < ngone; i++) s = remove_event(ctx, gone[i]);
    if (s == DN_OK) *removed = (long)ngone;
    dn_free(gone);
    return s;
}

/* A bulk load leaves the row from batch to batch (dn_store_events_bulk_begin);
 * it is put back only when another writer's batch, or a repair, indexed
 * every event meanwhile and removed it. */
static const char defer_sql[] = "INSERT INTO events_rtree_deferred(since_id) SELECT coalesce(max(id), 0) + 1 FROM events";
static const char defer_if_none_sql[] =
    "INSERT INTO events_rtree_deferred(since_id) SELECT next FROM (SELECT coalesce(max(id), 0) + 1 AS next FROM events)"
    " WHERE NOT EXISTS (SELECT 1 FROM events_rtree_deferred)";

static dn_status defer_rtree(dn_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "starting a batch of events");
}

static dn_status ensure_uid_index(dn_ctx *ctx);

/* How this batch checks uids. The batch holds the write lock (BEGIN
 * IMMEDIATE) until it commits; between two, another writer may have
 * changed the schema: dropped events_uid for a bulk load's map of its own,
 * which ON CONFLICT(uid) needs, or built it again for that reason. A
 * connection without a map has events_uid built again where it is missing;
 * a bulk load with one lets it go and does the same when the schema
 * version changed since the map was made. So no two maps run at once, and
 * a map is only used while every uid stored since it was made went
 * through it. */
static dn_status settle_uid_checks(dn_ctx *ctx)
{
    struct dni_events_state *state = dni_store_events_state(ctx);
    if (state->uid_map) {
        int version;
        dn_status s = dni_store_pragma_int(ctx, "PRAGMA schema_version", &version);
        if (s != DN_OK || version == state->uid_map_schema) return s;
        return unmap_uids_and_index(ctx);
    }
    return ensure_uid_index(ctx);
}

dn_status dn_store_events_batch_begin(dn_ctx *ctx)
{
    dn_status s = settle_uid_checks(ctx);
    return s == DN_OK ? defer_rtree(ctx, dni_store_events_state(ctx)->bulk ? defer_if_none_sql : defer_sql) : s;
}

dn_status dn_store_events_batch_end(dn_ctx *ctx)
{
    if (dni_store_events_state(ctx)->bulk) return DN_OK; /* the whole R*Tree is packed at the bulk load's end */
    sqlite3_stmt *st;
    /* OR REPLACE: an event both inserted and moved in the batch already has
     * its entry from the update trigger */
    dn_status s = dn_store_stmt(ctx,
                                "INSERT OR REPLACE INTO idx_events_geom(pkid, xmin, xmax, ymin, ymax)"
                                " SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM events"
                                " WHERE id >= (SELECT min(since_id) FROM events_rtree_deferred) AND geom IS NOT NULL",
                                &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "indexing a batch of events");
    if ((s = dn_store_stmt(ctx, "DELETE FROM events_rtree_deferred", &st)) != DN_OK) return s;
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "ending a batch of events");
}

static const char events_rtree[] = "idx_events_geom";
static const char events_rtree_entries[] =
    "SELECT id, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM events WHERE geom IS NOT NULL";

dn_status dn_store_events_rtree_pack(dn_ctx *ctx)
{
    dn_status s = dni_rtree_pack(ctx, events_rtree, events_rtree_entries);
    return s == DN_OK ? dn_store_exec(ctx, "DELETE FROM events_rtree_deferred") : s;
}

/* DROP INDEX / DROP TRIGGER of a name from this file's lists (`kind` and
 * `name` are constants, never input). */
static dn_status drop_if_exists(dn_ctx *ctx, const char *kind, const char *name)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP %s IF EXISTS %s", kind, name);
    return dn_store_exec(ctx, sql);
}

/* Whether the schema has an object of `type` ('index', 'trigger', 'table') named `name`. */
static dn_status schema_has(dn_ctx *ctx, const char *type, const char *name, bool *yes)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?)", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *yes = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? DN_OK : dni_fail_sqlite(ctx, "reading the schema");
}

static dn_status set_pragma(dn_ctx *ctx, const char *name, int value)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s = %d", name, value); /* a number this file chose, not input */
    return dn_store_exec(ctx, sql);
}

/* Building an index is a sort of every row's key. SQLite sorts in worker
 * threads only when its sort runs spill to temporary files and several of
 * them are made, so for the builds: two threads, files instead of memory
 * (the ingest's temp_store = MEMORY makes SQLite sort in one thread), and
 * an 8 MiB run size instead of the 64 MiB cache. The sqlite3 shell on 1M
 * bench_ingest events (by hand): 4.5 s for the five builds -> 3.5 s;
 * bench_ingest --versus gives the whole ingest's gain. The pipeline's
 * thread is idle by then: the builds come after the last row. */
enum { SORT_THREADS = 2, SORT_CACHE_KIB = 8192 };
struct sort_settings {
    int cache, temp, threads;
};

static dn_status sort_settings_enter(dn_ctx *ctx, struct sort_settings *saved)
{
    dn_status s = dni_store_pragma_int(ctx, "PRAGMA cache_size", &saved->cache);
    if (s == DN_OK) s = dni_store_pragma_int(ctx, "PRAGMA temp_store", &saved->temp);
    if (s != DN_OK) return s;
    saved->threads = sqlite3_limit(dni_db(ctx), SQLITE_LIMIT_WORKER_THREADS, SORT_THREADS);
    s = set_pragma(ctx, "cache_size", -SORT_CACHE_KIB);
    return s == DN_OK ? set_pragma(ctx, "temp_store", 1) : s; /* 1: FILE */
}

static dn_status sort_settings_leave(dn_ctx *ctx, const struct sort_settings *saved)
{
    sqlite3_limit(dni_db(ctx), SQLITE_LIMIT_WORKER_THREADS, saved->threads);
    dn_status s = set_pragma(ctx, "cache_size", saved->cache);
    return s == DN_OK ? set_pragma(ctx, "temp_store", saved->temp) : s;
}

static const char uid_index[] = "events_uid";

/* Whether the secondary index `name` of events is missing. A store made
 * before events_uid keeps its uids unique by the column's UNIQUE (an
 * index SQLite made, which cannot be dropped) and needs no events_uid. */
static dn_status index_missing(dn_ctx *ctx, const char *name, bool *missing)
{
    bool have;
    dn_status s = schema_has(ctx, "index", name, &have);
    if (s == DN_OK && !have && strcmp(name, uid_index) == 0)
        s = schema_has(ctx, "index", "sqlite_autoindex_events_1", &have);
    *missing = !have;
    return s;
}

/* Create the secondary indexes of events that are missing (`only` that
 * one, unless NULL), with the sort settings above while any is built;
 * *created counts them. */
static dn_status create_missing_indexes(dn_ctx *ctx, const char *only, int *created)
{
    *created = 0;
    struct sort_settings saved;
    dn_status s = DN_OK;
    for (size_t i = 0; s == DN_OK && dni_schema_events_indexes[i][0]; i++) {
        if (only && strcmp(only, dni_schema_events_indexes[i][0]) != 0) continue;
        bool missing;
        s = index_missing(ctx, dni_schema_events_indexes[i][0], &missing);
        if (s != DN_OK || !missing) continue;
        if (!*created && (s = sort_settings_enter(ctx, &saved)) != DN_OK) break;
        (*created)++;
        s = dn_store_exec(ctx, dni_schema_events_indexes[i][1]);
    }
    if (*created) {
        dn_status r = sort_settings_leave(ctx, &saved);
        if (s == DN_OK) s = r;
    }
    return s;
}

/* Whether a bulk load of kind `indexes` drops the index `name`.
 * events_source and events_cluster are kept by all: a file's events share
 * one source and, with no dedupe, each starts its own cluster (cluster_id =
 * its id, which only grows), so their entries go in at one end, page after
 * page like the table's rows, not at random like the others'; with dedupe
 * its lookups read them. Kept, they cost the writer a little while the
 * file is read instead of two builds after its last row. */
static bool dropped_in_bulk(const char *name, enum dn_bulk_indexes indexes)
{
    if (strcmp(name, "events_source") == 0 || strcmp(name, "events_cluster") == 0) return false;
    if (strcmp(name, uid_index) == 0) return indexes == DN_BULK_DROP_INDEXES_AND_UIDS;
    if (strcmp(name, "events_date") == 0) return indexes != DN_BULK_KEEP_LOOKUP_INDEXES; /* dedupe's candidates */
    return true; /* events_admin, events_border: no lookup of an ingest reads them */
}

/* A bulk load lifts the two INSERT triggers of events until its end. Any
 * INSERT trigger makes SQLite run each insert as a sub-transaction with
 * its trigger programs (a statement journal and a frame per row); with
 * none, a first ingest of 1M rows took 11.6 s instead of 12.5 s
 * (bench_ingest, by hand on a template without them; lifting either one
 * alone saved nothing). What they do is not lost: the R*Tree entries
 * wait for the bulk load's pack anyway, and the bulk writer's points are
 * its own MakePoint(lon, lat, 4326). Another writer's insert in that
 * window goes unchecked; the triggers are back when the load ends, or
 * when a writer opens the store after a crash (dni_store_events_repair). */
static dn_status lift_insert_triggers(dn_ctx *ctx)
{
    for (size_t i = 0; dni_schema_events_insert_triggers[i][0]; i++) {
        dn_status s = drop_if_exists(ctx, "TRIGGER", dni_schema_events_insert_triggers[i][0]);
        if (s != DN_OK) return s;
    }
    return DN_OK;
}

static dn_status restore_insert_triggers(dn_ctx *ctx)
{
    for (size_t i = 0; dni_schema_events_insert_triggers[i][0]; i++) {
        dn_status s = dn_store_exec(ctx, dni_schema_events_insert_triggers[i][1]);
        if (s != DN_OK) return s;
    }
    return DN_OK;
}

/* The map takes 16 bytes a slot and is at most half full: past this many
 * uids (64 MB of slots) it gives way to events_uid again, built by a sort
 * of the uids stored so far, and the rest of the load inserts into the
 * index as a load of ids does. Memory stays bounded; a load never does
 * worse than with the index kept throughout. */
enum { UID_MAP_MAX = 2000000 };

static size_t uid_map_max(dn_ctx *ctx)
{
    size_t max = dni_store_events_state(ctx)->uid_map_max;
    return max ? max : UID_MAP_MAX;
}

/* The map of the store's uids that checks them instead of events_uid,
 * which the caller drops next (store/uid_map.h); the load adds its own.
 * Such a load begins only while the store holds no more events than the
 * file has stored (store_side.c, maybe_go_bulk), and the map has a bound. */
static dn_status map_uids(dn_ctx *ctx)
{
    bool have;
    dn_status s = schema_has(ctx, "index", uid_index, &have);
    if (s != DN_OK) return s;
    if (!have) return DN_OK; /* an older store's UNIQUE column, kept (settle_uid_checks built any dropped one) */
    struct dni_uid_map *map = dni_uid_map_create();
    sqlite3_stmt *st;
    if (!map) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    if ((s = dn_store_stmt(ctx, "SELECT id, uid FROM events", &st)) != DN_OK) {
        dni_uid_map_destroy(map);
        return s;
    }
    size_t max = uid_map_max(ctx);
    bool full = false;
    int rc = SQLITE_DONE;
    while (s == DN_OK && !full && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!dni_uid_map_put(map, dni_uid_map_hash((const char *)sqlite3_column_text(st, 1)),
                             sqlite3_column_int64(st, 0)))
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        full = dni_uid_map_count(map) >= max;
    }
    if (s == DN_OK && !full && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading the events' uids");
    sqlite3_reset(st);
    if (s != DN_OK || full) { /* too many already: the index stays */
        dni_uid_map_destroy(map);
        return s;
    }
    dni_store_events_state(ctx)->uid_map = map;
    return DN_OK;
}

static void unmap_uids(dn_ctx *ctx)
{
    struct dni_events_state *state = dni_store_events_state(ctx);
    dni_uid_map_destroy(state->uid_map);
    state->uid_map = NULL;
}

/* Build events_uid where it is missing (not on a store whose uid column is
 * UNIQUE itself), in the caller's transaction. */
static dn_status ensure_uid_index(dn_ctx *ctx)
{
    int created;
    return create_missing_indexes(ctx, uid_index, &created);
}

/* The map let go (it is full, or another writer changed the schema), and
 * events_uid built again, in the load's transaction. */
static dn_status unmap_uids_and_index(dn_ctx *ctx)
{
    unmap_uids(ctx);
    return ensure_uid_index(ctx);
}

dn_status dn_store_events_bulk_begin(dn_ctx *ctx, enum dn_bulk_indexes indexes)
{
    if (indexes == DN_BULK_DROP_INDEXES_AND_UIDS) {
        dn_status s = map_uids(ctx);
        if (s != DN_OK) return s;
        if (!dni_store_events_state(ctx)->uid_map) indexes = DN_BULK_DROP_INDEXES; /* events_uid stays */
    }
    for (size_t i = 0; dni_schema_events_indexes[i][0]; i++) {
        const char *name = dni_schema_events_indexes[i][0];
        if (!dropped_in_bulk(name, indexes)) continue;
        dn_status s = drop_if_exists(ctx, "INDEX", name);
        if (s != DN_OK) {
            unmap_uids(ctx);
            return s;
        }
    }
    /* From here the R*Tree lacks the events from since_id on, committed
     * batch after batch: readers test those by their lon/lat instead
     * (query/filter_sql.c), and a writer opening the store after a crash
     * packs the tree (dni_store_events_repair). */
    dn_status s = lift_insert_triggers(ctx);
    if (s == DN_OK) s = defer_rtree(ctx, defer_if_none_sql);
    struct dni_events_state *state = dni_store_events_state(ctx);
    if (s == DN_OK && state->uid_map)
        s = dni_store_pragma_int(ctx, "PRAGMA schema_version", &state->uid_map_schema);
    if (s == DN_OK) {
        state->bulk = true;
        dni_store_background_checkpoints(ctx, true);
    }
    return s;
}

/* The R*Tree's entries read and sorted on a thread of its own while this
 * one builds the indexes (the pipeline's thread is idle by then, and the
 * builds keep about one core busy): *planner NULL where that cannot be —
 * an in-memory store, a tree that is not packed — and the pack runs
 * after the builds as before. The second connection sees only what is
 * committed, so the caller's transaction is committed first (its rows are
 * a whole batch) and a new one holds the write lock from before the
 * thread reads until the tree is written. */
static dn_status start_planner(dn_ctx *ctx, struct dni_rtree_plan_thread **planner)
{
    *planner = NULL;
    if (!dni_store_writable_file(ctx) || sqlite3_get_autocommit(dni_db(ctx))) return DN_OK;
    struct dni_rtree_shape shape;
    dn_status s = dni_rtree_shape(ctx, events_rtree, &shape);
    if (s != DN_OK || !shape.cap) return s;
    if ((s = dn_store_commit(ctx)) != DN_OK || (s = dn_store_begin(ctx)) != DN_OK) return s;
    if (dni_rtree_plan_thread_start(ctx, dn_store_path(ctx), events_rtree_entries, &shape, planner) != DN_OK)
        dni_clear_error(ctx); /* the pack runs here instead */
    return DN_OK;
}

/* The planner's tree written; where it failed, the pack runs here (and
 * reports what fails then). */
static dn_status finish_planner(dn_ctx *ctx, struct dni_rtree_plan_thread *planner)
{
    struct dni_rtree_plan *plan;
    if (dni_rtree_plan_thread_finish(ctx, planner, &plan) != DN_OK) {
        dni_clear_error(ctx);
        return dn_store_events_rtree_pack(ctx);
    }
    dn_status s = dni_rtree_plan_write(ctx, events_rtree, plan);
    return s == DN_OK ? dn_store_exec(ctx, "DELETE FROM events_rtree_deferred") : s;
}

dn_status dn_store_events_bulk_end(dn_ctx *ctx)
{
    /* the WAL's checkpoints go back to the writer: the builds and the tree
     * commit once, at the file's end (the commit in start_planner is of
     * the last batch) */
    dni_store_background_checkpoints(ctx, false);
    bool pack = dni_store_events_state(ctx)->bulk;
    struct dni_rtree_plan_thread *planner = NULL;
    dn_status s = pack ? start_planner(ctx, &planner) : DN_OK;
    int created;
    if (s == DN_OK) s = create_missing_indexes(ctx, NULL, &created);
    if (s == DN_OK) unmap_uids(ctx); /* events_uid is back */
    if (s == DN_OK) s = restore_insert_triggers(ctx);
    if (s != DN_OK) dni_rtree_plan_thread_cancel(planner); /* its connection must not outlive this call */
    else if (planner) s = finish_planner(ctx, planner);
    else if (pack) s = dn_store_events_rtree_pack(ctx);
    if (s == DN_OK) dni_store_events_state(ctx)->bulk = false;
    return s;
}

/* A store made before the lean triggers (schema v1 while unreleased), or
 * whose INSERT triggers a killed bulk load left lifted: give it them all,
 * in one transaction. */
static dn_status upgrade_triggers(dn_ctx *ctx)
{
    bool have;
    dn_status s = schema_has(ctx, "table", "events_rtree_deferred", &have);
    for (size_t i = 0; s == DN_OK && have && dni_schema_events_insert_triggers[i][0]; i++)
        s = schema_has(ctx, "trigger", dni_schema_events_insert_triggers[i][0], &have);
    if (s != DN_OK || have) return s;
    if ((s = dn_store_begin(ctx)) != DN_OK) return s;
    for (const char *const *q = dni_schema_events_triggers; s == DN_OK && *q; q++) s = dn_store_exec(ctx, *q);
    if (s == DN_OK) s = dn_store_commit(ctx);
    if (s != DN_OK) dn_store_rollback(ctx);
    return s;
}

/* A store whose events indexes an older durand defined otherwise (schema
 * v1 while unreleased): each is built again as the schema has it now, in
 * one transaction. SQLite keeps each index's CREATE text as written. */
static dn_status upgrade_indexes(dn_ctx *ctx)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", &st);
    bool in_tx = false;
    for (size_t i = 0; s == DN_OK && dni_schema_events_indexes[i][0]; i++) {
        const char *name = dni_schema_events_indexes[i][0], *want = dni_schema_events_indexes[i][1];
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        const char *sql = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        bool outdated = sql && strcmp(sql, want) != 0;
        sqlite3_reset(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading the schema");
        if (s != DN_OK || !outdated) continue;
        if (!in_tx && (s = dn_store_begin(ctx)) == DN_OK) in_tx = true;
        if (s == DN_OK) s = drop_if_exists(ctx, "INDEX", name);
        if (s == DN_OK) s = dn_store_exec(ctx, want);
        if (s == DN_OK) dni_info(ctx, "the events index %s was rebuilt as this version defines it", name);
    }
    if (in_tx && s == DN_OK) s = dn_store_commit(ctx);
    if (in_tx && s != DN_OK) dn_store_rollback(ctx);
    return s;
}

dn_status dni_store_events_repair(dn_ctx *ctx)
{
    sqlite3_stmt *st;
    dn_status s = upgrade_triggers(ctx);
    if (s == DN_OK) s = upgrade_indexes(ctx);
    if (s != DN_OK) return s;
    s = dn_store_stmt(ctx, "SELECT EXISTS (SELECT 1 FROM events_rtree_deferred)", &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    bool left = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return dni_fail_sqlite(ctx, "checking the events index");
    bool missing = false;
    for (size_t i = 0; s == DN_OK && dni_schema_events_indexes[i][0] && !missing; i++)
        s = index_missing(ctx, dni_schema_events_indexes[i][0], &missing);
    if (s != DN_OK || (!left && !missing)) return s;
    if ((s = dn_store_begin(ctx)) != DN_OK) return s;
    int created = 0;
    if (left) s = dn_store_events_rtree_pack(ctx);
    if (s == DN_OK) s = create_missing_indexes(ctx, NULL, &created);
    if (s == DN_OK) s = dn_store_commit(ctx);
    if (s != DN_OK) dn_store_rollback(ctx);
    else dni_warn(ctx, "the events indexes were left incomplete by an interrupted ingest: rebuilt%s%s",
                  left ? " the spatial index" : "", created ? (left ? " and the other indexes" : " the indexes") : "");
    return s;
}

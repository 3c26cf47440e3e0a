/** @file filter.h
 * Event filters shared by `durand query`, `summary` and `export`: the filter
 * options of the command line, their validation, and the parameterised SQL
 * that selects the matching events from the store through the spatial index.
 *
 * Use from a command:
 *   1. dn_filter_new();
 *   2. for every option whose id is a filter id (DN_FILTER_IS_OPT, options
 *      come from dn_cli_next_opt2(cli, p, own_spec, dn_filter_cli_opts, &v)):
 *      dn_filter_set(ctx, f, id, value);
 *   3. once the store is open: dn_filter_resolve() (resolves place names,
 *      checks combinations);
 *   4. dn_filter_each() streams the matching events; commands that build
 *      their own SQL (summary) use dn_filter_where() + dn_filter_bind().
 *
 * Semantics (also in DN_FILTER_HELP):
 *   --near PLACE|LAT,LON   centre of a geodesic circle (WGS 84); radius from
 *                          --radius KM, default DN_FILTER_DEFAULT_RADIUS_KM
 *   --border-km MAX / --border-km-min MIN   border_km within [MIN, MAX]
 *   --side S[,S...]        AFG|PAK (AF, PK, names accepted), other, none
 *   --in REGION            country (ISO3/alpha-2/name), province or district;
 *                          matched on the events' stored columns
 *   --bbox W,S,E,N         event point inside the box (degrees)
 *   --from/--to DATE       YYYY, YYYY-MM or YYYY-MM-DD, inclusive periods
 *   --type T[,T...]        type or sub_type equals T (case-insensitive; at most
 *                          DN_FILTER_MAX_TYPES different ones)
 *   --actor TEXT           actor1 or actor2 contains TEXT (case-insensitive)
 *   --min-fatalities N     fatalities >= N
 *   --precision P[,P...]   precision in the list (point|town|district|province|country)
 *   --side-certain         only events whose side is certain
 * All given filters must hold (AND); a list matches any of its items (OR).
 *
 * Ownership: a struct dn_filter owns copies of every value it was given;
 * the caller owns the filter and frees it with dn_filter_free().
 * Thread-safety: as the dn_ctx it is used with.
 */
#ifndef DN_QUERY_FILTER_H
#define DN_QUERY_FILTER_H

#include <stdbool.h>

#include <sqlite3.h>

#include "cli/cli.h"
#include "core/core.h"

/** Ids of the filter options: never clash with a command's own ids. */
#define DN_FILTER_OPT_BASE 500
enum dn_filter_opt {
    DN_FILTER_NEAR = DN_FILTER_OPT_BASE,
    DN_FILTER_RADIUS,
    DN_FILTER_BORDER_KM,
    DN_FILTER_BORDER_KM_MIN,
    DN_FILTER_SIDE,
    DN_FILTER_IN,
    DN_FILTER_BBOX,
    DN_FILTER_FROM,
    DN_FILTER_TO,
    DN_FILTER_TYPE,
    DN_FILTER_ACTOR,
    DN_FILTER_MIN_FATALITIES,
    DN_FILTER_PRECISION,
    DN_FILTER_SIDE_CERTAIN,
    DN_FILTER_OPT_END /**< one past the last filter id */
};
#define DN_FILTER_IS_OPT(id) ((id) >= DN_FILTER_OPT_BASE && (id) < DN_FILTER_OPT_END)
/** Different --type values one filter takes (ACLED has 6 types and 25 sub-types). */
#define DN_FILTER_MAX_TYPES 1000

/** Radius of --near when --radius is not given. */
#define DN_FILTER_DEFAULT_RADIUS_KM 25.0

/** The filter options, {NULL}-terminated: near, radius, border-km,
 * border-km-min, side, in, bbox, from, to, type, actor, min-fatalities,
 * precision, side-certain. Pass as the extra spec of dn_cli_next_opt2. */
extern const struct dn_cli_opt dn_filter_cli_opts[];

/** Help text describing the filter options (for a command's --help),
 * a static string ending in a newline. */
extern const char dn_filter_help[];

/* ---- the event columns every filtered read returns ------------------------ */

/** The SELECT list of dn_filter_each, over the events table aliased `e`,
 * in the order of DESIGN.md's event fields. Column i of the row is
 * enum dn_event_col i; its output name is dn_event_col_names[i]. The
 * excerpt is the notes where none is stored (they are whole: core/event.h). */
#define DN_EVENT_SELECT_COLUMNS                                                                                 \
    "e.id, e.uid, e.date, e.date_precision, e.type, e.sub_type, e.actor1, e.actor2, e.place, e.country,"        \
    " e.province, e.district, e.lat, e.lon, e.precision, e.radius_km, e.fatalities, e.injured, e.side,"         \
    " e.side_certain, e.border_km, e.band, e.crossing, e.crossing_km, e.source,"                                \
    " coalesce(e.excerpt, e.notes) AS excerpt, e.cluster_id"

enum dn_event_col {
    DN_EVCOL_ID = 0,      /**< integer */
    DN_EVCOL_UID,         /**< text */
    DN_EVCOL_DATE,        /**< text YYYY-MM-DD or NULL */
    DN_EVCOL_DATE_PRECISION, /**< day|month|year or NULL */
    DN_EVCOL_TYPE,
    DN_EVCOL_SUB_TYPE,
    DN_EVCOL_ACTOR1,
    DN_EVCOL_ACTOR2,
    DN_EVCOL_PLACE,
    DN_EVCOL_COUNTRY,     /**< ISO3 */
    DN_EVCOL_PROVINCE,
    DN_EVCOL_DISTRICT,
    DN_EVCOL_LAT,         /**< real or NULL */
    DN_EVCOL_LON,         /**< real or NULL */
    DN_EVCOL_PRECISION,   /**< point|town|district|province|country */
    DN_EVCOL_RADIUS_KM,   /**< real */
    DN_EVCOL_FATALITIES,  /**< integer or NULL (unknown) */
    DN_EVCOL_INJURED,     /**< integer or NULL (unknown) */
    DN_EVCOL_SIDE,        /**< AFG|PAK|other ISO3, NULL or "" = none */
    DN_EVCOL_SIDE_CERTAIN, /**< 0/1 or NULL */
    DN_EVCOL_BORDER_KM,   /**< real or NULL */
    DN_EVCOL_BAND,
    DN_EVCOL_CROSSING,
    DN_EVCOL_CROSSING_KM, /**< real or NULL */
    DN_EVCOL_SOURCE,
    DN_EVCOL_EXCERPT,
    DN_EVCOL_CLUSTER_ID,  /**< integer or NULL */
    DN_EVCOL_COUNT
};

/** Output names of the columns (DESIGN.md), indexed by enum dn_event_col. */
extern const char *const dn_event_col_names[DN_EVCOL_COUNT];

/* ---- the filter -------------------------------------------------------------- */

struct dn_filter;

/** A new filter matching every event. Caller frees with dn_filter_free(). */
dn_status dn_filter_new(dn_ctx *ctx, struct dn_filter **out);

/** Free a filter; NULL is a no-op. */
void dn_filter_free(struct dn_filter *f);

/** Set one filter from an option value (`id` from enum dn_filter_opt;
 * `value` is NULL for --side-certain). The value is parsed and checked
 * here (numbers, ranges, dates, bbox order, side and precision names).
 * @return DN_OK; DN_ERR_USAGE with a message naming the option on a bad
 * value; DN_ERR_NOMEM. */
dn_status dn_filter_set(dn_ctx *ctx, struct dn_filter *f, int id, const char *value);

/** After all options, with the store open: resolve --near PLACE and --in
 * REGION against the gazetteer/admin areas, and check combinations (radius
 * without near, --from after --to, border-km-min above border-km).
 * @return DN_OK; DN_ERR_USAGE for an unknown or ambiguous place (the
 * message lists candidates) or a bad combination; DN_ERR_DB. */
dn_status dn_filter_resolve(dn_ctx *ctx, struct dn_filter *f);

/** The checks of dn_filter_resolve that need no database (radius without
 * near, --from after --to, border-km-min above border-km): commands call it
 * before opening the store so a bad command line fails first.
 * @return DN_OK; DN_ERR_USAGE. */
dn_status dn_filter_check(dn_ctx *ctx, const struct dn_filter *f);

/** Whether --near was given (f may be NULL). */
bool dn_filter_has_near(const struct dn_filter *f);

/** Called once per matching event with the row positioned on it (columns as
 * DN_EVENT_SELECT_COLUMNS). The statement belongs to dn_filter_each: read
 * it, never step, reset or finalize it. A status other than DN_OK stops the
 * iteration and is returned by dn_filter_each. */
typedef dn_status (*dn_filter_row_cb)(void *ud, sqlite3_stmt *row);

/** Every event matching `f` (NULL = all events) in the open store, to `cb`.
 * @param order_by_or_null a trusted SQL ORDER BY fragment (without the
 *        keywords) over alias `e`, e.g. "e.date, e.id" or DN_FILTER_ORDER_DISTANCE;
 *        never user text. NULL orders by e.id.
 * @param limit_or_minus1 at most this many rows; -1 for no limit.
 * @return DN_OK; the callback's status; DN_ERR_DB; DN_ERR_USAGE when
 *         ordering by distance without --near. */
dn_status dn_filter_each(dn_ctx *ctx, const struct dn_filter *f, const char *order_by_or_null,
                         long long limit_or_minus1, dn_filter_row_cb cb, void *ud);

/** ORDER BY fragment: geodesic distance from the --near centre, nearest first. */
#define DN_FILTER_ORDER_DISTANCE "dn_geod_km(:near_lat, :near_lon, e.lat, e.lon), e.id"

/* ---- building blocks for commands with their own SQL (summary) ------------- */

/** Append the filter's WHERE condition over alias `e` (without the keyword;
 * "1" when f is NULL or empty) to `sql`. Parameters are named (":name"), so
 * bind them with dn_filter_bind() once the statement is prepared. Also
 * registers the SQL function dn_geod_km(lat1, lon1, lat2, lon2) (geodesic km
 * on WGS 84, PROJ geod_inverse) on the open connection.
 * @return DN_OK; DN_ERR_NOMEM; DN_ERR_DB. */
dn_status dn_filter_where(dn_ctx *ctx, const struct dn_filter *f, struct dn_strbuf *sql);

/** Bind the filter's parameters to a statement prepared from SQL containing
 * the dn_filter_where() text (parameters it does not contain are skipped).
 * @return DN_OK; DN_ERR_DB. */
dn_status dn_filter_bind(dn_ctx *ctx, const struct dn_filter *f, sqlite3_stmt *st);

#endif /* DN_QUERY_FILTER_H */

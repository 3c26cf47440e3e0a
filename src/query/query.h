/** @file query.h
 * `durand query` and `durand summary` as library calls: filtered events in
 * the output formats, and aggregates per group of keys. Both read through
 * query/filter.h, so every filter works the same in each.
 *
 * Output goes to the context's output callback at DN_OUT_DATA.
 */
#ifndef DN_QUERY_QUERY_H
#define DN_QUERY_QUERY_H

#include "core/emit.h"
#include "query/filter.h"

/** The --sort keys of `durand query`, for help texts. */
#define DN_QUERY_SORT_KEYS "date|-date|fatalities|-fatalities|border_km|-border_km|id|-id|distance"

/** The ORDER BY fragment of a --sort key (a static string).
 * @return DN_OK; DN_ERR_USAGE for an unknown key (message lists them). */
dn_status dn_query_sort_sql(dn_ctx *ctx, const char *key, const char **order_sql);

/** Print the events matching `f` (resolved; NULL = all).
 * @param fmt table (a compact subset of the fields, for people), csv, json,
 *        jsonl (every field of DN_EVENT_SELECT_COLUMNS), or geojson (an RFC
 *        7946 FeatureCollection written by OGR; events without coordinates
 *        get a null geometry).
 * @param order_sql from dn_query_sort_sql, NULL = by date.
 * @param limit at most this many events, -1 = all.
 * @param nout receives the number of events printed (may be NULL).
 * @return DN_OK; DN_ERR_DB; DN_ERR_GDAL; DN_ERR_NOMEM. */
dn_status dn_query_print(dn_ctx *ctx, const struct dn_filter *f, enum dn_format fmt, const char *order_sql,
                         long long limit, long long *nout);

/* ---- summary ------------------------------------------------------------------ */

/** Grouping keys of `durand summary --by`. */
enum dn_summary_key {
    DN_SUM_COUNTRY,
    DN_SUM_PROVINCE,
    DN_SUM_DISTRICT,
    DN_SUM_BAND,
    DN_SUM_SIDE,
    DN_SUM_MONTH,
    DN_SUM_YEAR,
    DN_SUM_TYPE,
    DN_SUM_KEY_COUNT
};

/** The --by keys, for help texts. */
#define DN_SUMMARY_BY_KEYS "country|province|district|band|side|month|year|type"

/** At most this many keys in one --by. */
#define DN_SUMMARY_MAX_KEYS DN_SUM_KEY_COUNT

/** Parse "KEY[,KEY...]" (each once; "zone" is an alias of band) into keys.
 * @return DN_OK; DN_ERR_USAGE naming an unknown or repeated key. */
dn_status dn_summary_parse_by(dn_ctx *ctx, const char *text, enum dn_summary_key keys[DN_SUMMARY_MAX_KEYS],
                              size_t *nkeys);

/** What a summary counted: its rows, and the events in them. */
struct dn_summary_totals {
    size_t groups;
    long long events;
};

/** Print one row per group of the events matching `f` (resolved; NULL =
 * all): the keys (a district key groups by country, province and district,
 * and is printed with the province before it unless province is a key
 * too), then events, fatalities, injured (sums of the known
 * counts; null when no event of the group has one), first_date, last_date. Groups are ordered by their keys, unknown
 * values (null) last. month is null for events dated only to a year.
 * @param fmt table, csv, json, jsonl or md.
 * @param totals receives the counts on DN_OK (may be NULL).
 * @return DN_OK; DN_ERR_DB; DN_ERR_NOMEM. */
dn_status dn_summary_print(dn_ctx *ctx, const struct dn_filter *f, const enum dn_summary_key *keys, size_t nkeys,
                           enum dn_format fmt, struct dn_summary_totals *totals);

#endif

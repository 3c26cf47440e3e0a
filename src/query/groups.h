/** @file groups.h
 * Aggregation of event rows into groups in a hash table, for `summary`.
 * SQLite's GROUP BY sorts every row through a temporary B-tree, which
 * measured twice the cost of the table scan itself on 1M events
 * (bench/bench_query.c); hashing in one pass over the rows avoids it.
 * Internal to src/query/.
 */
#ifndef DN_QUERY_GROUPS_H
#define DN_QUERY_GROUPS_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "core/core.h"

/** One group. Every pointer is owned by the group table. */
struct dni_group {
    size_t nkeys;           /**< (qsort has no user pointer: each group knows it) */
    char **keys;            /**< nkeys values; NULL = SQL null */
    long long events;
    long long fatalities;   /**< sum of the known counts */
    long long injured;
    bool has_fatalities, has_injured; /**< some event knew its count */
    char *first_date, *last_date;     /**< NULL when no event has a date */
};

struct dni_groups;

/** A table for groups of `nkeys` keys. Caller frees with dni_groups_free(). */
dn_status dni_groups_new(dn_ctx *ctx, size_t nkeys, struct dni_groups **out);
void dni_groups_free(struct dni_groups *g);

/** Add the row: columns 0..nkeys-1 are the keys, then fatalities, injured
 * and date. Negative or null counts are unknown. */
dn_status dni_groups_add(struct dni_groups *g, sqlite3_stmt *row);

/** Sort the groups by their keys (byte order, nulls last) and return them;
 * the array stays owned by the table. */
const struct dni_group *const *dni_groups_sorted(struct dni_groups *g, size_t *n);

#endif

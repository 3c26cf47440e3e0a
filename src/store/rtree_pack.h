/** @file rtree_pack.h
 * Rebuilding a 2-D SQLite R*Tree (the module SpatiaLite's spatial indexes
 * use: `rtree(pkid, xmin, xmax, ymin, ymax)`, 32-bit float coordinates) in
 * one pass: entries packed Sort-Tile-Recursive into full nodes and written
 * straight into the table's three shadow tables (`<name>_node`,
 * `<name>_rowid`, `<name>_parent`, whose format SQLite documents in
 * ext/rtree/rtree.c and keeps stable, being a file format).
 *
 * Why: SQLite's R*Tree has no bulk build. Each insert chooses a leaf,
 * splits and re-inserts, 8-13 us a point at a million points
 * (bench/bench_store), the largest single cost of a bulk ingest; packing
 * the same entries costs a sort and a sequential write.
 */
#ifndef DN_STORE_RTREE_PACK_H
#define DN_STORE_RTREE_PACK_H

#include <stddef.h>

#include "durand.h"

/** Replace every entry of the R*Tree virtual table named `rtree` (a
 * constant of the schema, not user input) by the rows of `entries_sql`:
 * (id INTEGER, xmin, xmax, ymin, ymax), run inside the caller's open
 * transaction. The entries and their coordinates are exactly what SQLite
 * would store for `INSERT INTO rtree SELECT ...` (the same rounding
 * outward to 32-bit floats; a NULL coordinate is 0 as there); only the
 * tree's shape differs, and rtreecheck() passes on it. Where the shadow
 * tables may not be written (SQLITE_DBCONFIG_DEFENSIVE) or the table is
 * not a 2-D float R*Tree, it falls back to that INSERT.
 * Memory: about 40 bytes an entry while it runs.
 * @return DN_OK; DN_ERR_DB (SQLite failed, or two entries share an id —
 * nothing is half-written once the caller rolls back); DN_ERR_NOMEM. */
dn_status dni_rtree_pack(dn_ctx *ctx, const char *rtree, const char *entries_sql);

/* The same in two steps, for a caller that reads and sorts the entries on
 * another thread while its own goes on (store/rtree_plan_thread.h). */

/** What a node of an R*Tree holds: its blob's size and its cells. */
struct dni_rtree_shape {
    int node_size;
    size_t cap; /* 0: not a 2-D float R*Tree this connection may write */
};
dn_status dni_rtree_shape(dn_ctx *ctx, const char *rtree, struct dni_rtree_shape *out);

/** The entries of `entries_sql` (as for dni_rtree_pack), read on ctx's
 * connection and packed into nodes of the tree's `shape` (dni_rtree_shape,
 * with a non-zero cap; the plan keeps it): the sort and the tree's form,
 * nothing written. Any connection to the
 * database and any thread with a context of its own may make it.
 * The caller owns *out (dni_rtree_plan_write or dni_rtree_plan_free).
 * Memory: about 40 bytes an entry.
 * @return DN_OK; DN_ERR_DB (SQLite failed, an empty box, or two entries
 * share an id); DN_ERR_NOMEM. */
struct dni_rtree_plan;
dn_status dni_rtree_plan_make(dn_ctx *ctx, const char *entries_sql, const struct dni_rtree_shape *shape,
                              struct dni_rtree_plan **out);

/** Replace every entry of `rtree` (the table whose shape the plan was made
 * for, unchanged since: the caller holds the write lock) by the plan's,
 * inside the caller's open transaction; takes the plan (freed whatever the
 * outcome).
 * @return DN_OK; DN_ERR_DB. */
dn_status dni_rtree_plan_write(dn_ctx *ctx, const char *rtree, struct dni_rtree_plan *plan);

void dni_rtree_plan_free(struct dni_rtree_plan *plan);

#endif

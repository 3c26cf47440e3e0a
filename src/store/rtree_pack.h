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

#endif

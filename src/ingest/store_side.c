/** @file store_side.c
 * Batched transactions, bulk loads and counts of an ingest run's store
 * side (see store_side.h).
 */
#include "ingest/store_side.h"

#include "core/core.h"
#include "store/store.h"

#define INGEST_CACHE_KIB 65536
#define DN_STRINGIFY_(x) #x
#define DN_STRINGIFY(x) DN_STRINGIFY_(x)

dn_status dni_store_side_connection(dn_ctx *ctx)
{
    /* A larger page cache keeps the events indexes' hot pages in memory
     * instead of reading them back from the OS for every row (bench_ingest:
     * most of the system time); it is a bound, not a per-row cost. */
    dn_status s = dn_store_exec(ctx, "PRAGMA cache_size = -" DN_STRINGIFY(INGEST_CACHE_KIB));
    /* Statement journals in memory: each INSERT saves the pages it touches
     * for a rollback of that statement alone; by default the journal goes
     * to a temporary file once one statement needed 64 KiB, and then every
     * later statement of the transaction writes its pages there (4-5
     * write() calls a row). Only temporary data: the database, its WAL and
     * crash-safety are not affected. */
    if (s == DN_OK) s = dn_store_exec(ctx, "PRAGMA temp_store = MEMORY");
    return s;
}

dn_status dni_store_side_tx(struct dni_store_side *side)
{
    if (side->in_tx) return DN_OK;
    dn_status s = dn_store_begin(side->ctx);
    if (s != DN_OK) return s;
    side->in_tx = true;
    /* the batch's R*Tree entries go in at once before the commit */
    return dn_store_events_batch_begin(side->ctx);
}

dn_status dni_store_side_commit(struct dni_store_side *side)
{
    if (!side->in_tx) return DN_OK;
    side->in_tx = false;
    side->in_batch = 0;
    dn_status s = dn_store_events_batch_end(side->ctx);
    if (s == DN_OK) s = dn_store_commit(side->ctx);
    if (s != DN_OK) dn_store_rollback(side->ctx);
    return s;
}

void dni_store_side_rollback(struct dni_store_side *side)
{
    if (side->in_tx) dn_store_rollback(side->ctx);
    side->in_tx = false;
    side->in_batch = 0;
}

void dni_store_side_begin_file(struct dni_store_side *side, const struct dn_dedupe_opts *dedupe, bool one_source,
                               long long store_before)
{
    side->store_before = store_before;
    side->dedupe = *dedupe;
    side->one_source = one_source;
    side->file_stored_at = side->stored;
    side->file_updated_at = side->updated;
    side->file_hashed_at = side->stored_hashed;
}

/* A file that has stored bulk_min_rows rows is a bulk load (decided at a
 * batch boundary, undone at the file's end, or after a crash by the next
 * writer to open the store):
 * - its R*Tree entries wait, and the whole tree is packed once the file
 *   ends — worth it while the store held at most PACK_PAYS times what the
 *   file has stored so far (packing costs ~1.8 us an event of the store,
 *   inserting ~14 us an event of the file: bench_store);
 * - the two secondary indexes no lookup of an ingest reads (events_admin,
 *   events_border) are dropped and built afresh at the end: a sort each,
 *   about 1.8 us an event of the store for both, against some 14-19 us a
 *   row of the file for their random inserts (README, "A second source");
 * - with no dedupe lookups needed (they use events_date) and the file more
 *   than doubling the store, events_date too (events_source and
 *   events_cluster grow at one end and stay: store/events.c,
 *   dropped_in_bulk); where most of the file's uids are content hashes,
 *   which arrive at random, the unique index of uids too (dn_bulk_indexes;
 *   a source's ids arrive in its order and are kept).
 * Counted per file: a directory of small files is no bulk load, however
 * many rows they add up to. */
enum { PACK_PAYS = 4 };
static dn_status maybe_go_bulk(struct dni_store_side *side)
{
    long file_stored = side->stored - side->file_stored_at;
    long long store_before = side->store_before;
    if (side->bulk || file_stored < side->bulk_min_rows || store_before > (long long)PACK_PAYS * file_stored)
        return DN_OK;
    bool drop_indexes = !side->dedupe.enabled && file_stored >= store_before;
    bool hashed_uids = 2 * (side->stored_hashed - side->file_hashed_at) > file_stored;
    enum dn_bulk_indexes indexes = !drop_indexes ? DN_BULK_KEEP_LOOKUP_INDEXES
                                   : hashed_uids ? DN_BULK_DROP_INDEXES_AND_UIDS
                                                 : DN_BULK_DROP_INDEXES;
    dn_status s = dni_store_side_tx(side);
    if (s == DN_OK) s = dn_store_events_bulk_begin(side->ctx, indexes);
    if (s == DN_OK) {
        side->bulk = true;
        side->bulk_news = drop_indexes ? DNI_BULK_REBUILD_INDEXES : DNI_BULK_KEEP_LOOKUPS;
    }
    return s;
}

dn_status dni_store_side_put(struct dni_store_side *side, const struct dn_event *ev)
{
    dn_ctx *ctx = side->ctx;
    dn_status s = dni_store_side_tx(side);
    if (s == DN_OK && side->one_source && side->dedupe.enabled && ev->source) {
        /* When the store holds no other source, no row of this file can join
         * a cluster: skip the search (on a bulk load of one big file it was
         * the costliest query per row). Asked once per file. */
        bool others = true;
        s = dn_store_events_other_sources(ctx, ev->source, &others);
        side->dedupe.enabled = others;
        side->one_source = false;
    }
    enum dn_upsert_result what = DN_UPSERT_UNCHANGED;
    if (s == DN_OK) s = dn_store_event_upsert(ctx, ev, &side->dedupe, &what, NULL);
    if (s != DN_OK) return s;
    if (what == DN_UPSERT_INSERTED) {
        side->stored++;
        if (!ev->source_id) side->stored_hashed++; /* the reader made its uid of the row's hash */
    }
    else if (what == DN_UPSERT_UPDATED) side->updated++;
    else side->duplicates++;
    if (++side->in_batch >= side->batch) {
        s = dni_store_side_commit(side);
        if (s == DN_OK) s = maybe_go_bulk(side);
    }
    return s;
}

dn_status dni_store_side_end_bulk(struct dni_store_side *side)
{
    if (!side->bulk) return DN_OK;
    side->bulk = false;
    dn_status s = dni_store_side_tx(side);
    return s == DN_OK ? dn_store_events_bulk_end(side->ctx) : s;
}

dn_status dni_store_side_record_file(struct dni_store_side *side, const char *path, const char *format, long read,
                                     long rejected)
{
    dn_status s = dni_store_side_tx(side);
    sqlite3_stmt *st;
    if (s == DN_OK)
        s = dn_store_stmt(side->ctx,
                          "INSERT INTO ingest_files(path, format, rows_read, rows_stored, rows_updated, rows_rejected,"
                          " finished_at) VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                          &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, format, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, read);
    sqlite3_bind_int64(st, 4, side->stored - side->file_stored_at);
    sqlite3_bind_int64(st, 5, side->updated - side->file_updated_at);
    sqlite3_bind_int64(st, 6, rejected);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(side->ctx, "recording the ingested file");
}

/** @file store_side.h
 * The store's half of an ingest run: located events upserted in batched
 * transactions on one connection, a big file turned into a bulk load, and
 * the counts of what was stored. The pipeline drives it on its own
 * connection, or hands it to the writer thread (ingest/writer_thread.h),
 * which drives one on a connection of its own. Every call runs on the
 * thread that owns `side->ctx`; nothing here is shared between threads.
 */
#ifndef DN_INGEST_STORE_SIDE_H
#define DN_INGEST_STORE_SIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "durand.h"
#include "store/events.h"

/** How a file turned into a bulk load (dni_store_side_put); the caller
 * tells people and sets it back to DNI_BULK_NONE. */
enum dni_bulk_news { DNI_BULK_NONE = 0, DNI_BULK_KEEP_LOOKUPS, DNI_BULK_REBUILD_INDEXES };

/** Zero-initialise, set the first three members, then use. */
struct dni_store_side {
    dn_ctx *ctx;               /**< the connection's context (borrowed) */
    size_t batch;              /**< events per transaction (> 0) */
    long bulk_min_rows;        /**< rows a file stores before it may turn into a bulk load */

    struct dn_dedupe_opts dedupe; /**< the file's settings, or off for a file that cannot match */
    bool one_source;              /**< a table: every row has the file as its source */
    size_t in_batch;
    bool in_tx;
    bool bulk;                    /**< this file is a bulk load */
    enum dni_bulk_news bulk_news;
    long stored, updated, duplicates; /**< events of the whole run, on this side */
    long stored_hashed;               /**< of `stored`, those whose uid is a content hash (no source id) */
    long file_stored_at, file_updated_at, file_hashed_at; /**< the counts above when the current file began */
    long long store_before;               /**< events in the store when the current file began */
};

/** Settings an ingest's writing connection runs with (page cache, where
 * statement journals go); each connection that stores events sets them. */
dn_status dni_store_side_connection(dn_ctx *ctx);

/** Open the write transaction (and its batch of R*Tree entries) unless one is. */
dn_status dni_store_side_tx(struct dni_store_side *side);
/** Commit the open transaction, if any; a failed commit is rolled back. */
dn_status dni_store_side_commit(struct dni_store_side *side);
/** Roll back the open transaction, if any. */
void dni_store_side_rollback(struct dni_store_side *side);

/** A file begins: its dedupe settings (borrowed, copied), whether all its
 * rows share one source, and how many events the store holds (by either
 * connection of the run): the bulk load's rules weigh the file against them. */
void dni_store_side_begin_file(struct dni_store_side *side, const struct dn_dedupe_opts *dedupe, bool one_source,
                               long long store_before);
/** Store one located event (borrowed) in the open batch, counting what the
 * upsert did; commits at `batch` events and may then turn the file into a
 * bulk load (bulk_news says so). */
dn_status dni_store_side_put(struct dni_store_side *side, const struct dn_event *ev);
/** End the file's bulk load, if it is one: build the indexes, pack the R*Tree. */
dn_status dni_store_side_end_bulk(struct dni_store_side *side);
/** Record the file in ingest_files (in the open batch), with the events
 * this side stored and updated since the file began. */
dn_status dni_store_side_record_file(struct dni_store_side *side, const char *path, const char *format, long read,
                                     long rejected);

#endif

/** @file writer_thread.h
 * The store side of an ingest run (ingest/store_side.h) on a thread of its
 * own: while the pipeline reads and locates events, the writer stores the
 * ones before them, on a second connection to the same database. Each
 * thread owns its context (GEOS, PROJ, SQLite), as STYLE asks: the writer's
 * is made by dni_writer_start and used by nobody else until
 * dni_writer_stop has joined the thread.
 *
 * Events are handed over in batches and moved, not copied: their strings
 * stay with the batch and are freed on the pipeline's thread when the
 * batch comes back for reuse, so no allocation is freed by another thread
 * than the one that made it (cross-thread frees were most of what made an
 * earlier read-ahead thread gain nothing).
 *
 * Thread-safety: every function here is called by the pipeline's thread
 * only (the one that owns `ctx`).
 */
#ifndef DN_INGEST_WRITER_THREAD_H
#define DN_INGEST_WRITER_THREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "durand.h"
#include "ingest/store_side.h"
#include "store/events.h"

struct dni_writer;

/** Start a writer for the database `ctx` has open.
 * @param batch events per transaction; @param bulk_min_rows as in struct
 * dni_store_side.
 * @param out receives the writer; the caller owns it and ends it with
 * dni_writer_stop().
 * @return DN_OK, with *out NULL when the store cannot have a second
 * writing connection (in memory, read-only: run without one); another
 * status when it could not start, with the message in `ctx`. */
dn_status dni_writer_start(dn_ctx *ctx, size_t batch, long bulk_min_rows, struct dni_writer **out);

/** A table file begins, as dni_store_side_begin_file. Call between files
 * (after dni_writer_finish). */
void dni_writer_begin_file(struct dni_writer *w, const struct dn_dedupe_opts *dedupe, bool one_source,
                           long long store_before);

/** Hand over one located event: moved into the writer's batch, `*ev` is
 * left empty (initialised). Waits while the writer is a batch behind.
 * @return DN_OK; the writer's failure since the last call (its status, the
 * message copied into `ctx`), after which the writer stores nothing more. */
dn_status dni_writer_put(dn_ctx *ctx, struct dni_writer *w, struct dn_event *ev);

/** What dni_writer_finish does once everything handed over is stored, in this order. */
enum dni_writer_after {
    DNI_WRITER_RECORD_FILE = 1, /**< record the file in ingest_files (dni_store_side_record_file) */
    DNI_WRITER_END_BULK = 2,    /**< end the file's bulk load, if it is one */
    DNI_WRITER_COMMIT = 4       /**< commit: the writer then holds no transaction */
};

/** Wait until every event handed over is stored, then do `after` (a set of
 * enum dni_writer_after). `path` and `format` are borrowed for the call.
 * @return DN_OK or the writer's failure, as dni_writer_put. */
dn_status dni_writer_finish(dn_ctx *ctx, struct dni_writer *w, unsigned after, const char *path, const char *format,
                            long read, long rejected);

/** What the writer has done, as of the last batch it finished. */
struct dni_writer_news {
    long stored, updated, duplicates; /**< events of the whole run */
    bool bulk;                        /**< the current file is a bulk load */
    enum dni_bulk_news bulk_news;     /**< a file turned into a bulk load since the last call */
};
void dni_writer_news(struct dni_writer *w, struct dni_writer_news *out);

/** Stop the thread: what it holds uncommitted is rolled back (a run ends
 * with dni_writer_finish(..., DNI_WRITER_COMMIT, ...) when it succeeded),
 * its connection closed, the events still held freed. NULL is a no-op. */
void dni_writer_stop(struct dni_writer *w);

#endif

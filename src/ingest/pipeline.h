/** @file pipeline.h
 * `durand ingest` as a library call: read files (event tables or news
 * articles), geocode each event, place it in its country/province/district,
 * check it against the Durand Line, and store it — in batched transactions,
 * idempotently, with every rejected row reported and nothing half-written.
 */
#ifndef DN_INGEST_PIPELINE_H
#define DN_INGEST_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "durand.h"
#include "ingest/coord_checks.h"
#include "ingest/ingest.h"
#include "store/events.h"

/** Options of an ingest run. Zero-initialise, then set; borrowed for the call. */
struct dn_ingest_opts {
    struct dn_reader_opts reader; /**< table format, --map, date order */
    bool text;                    /**< --format text: every file is an article (or JSON Lines) */
    const char *article_date;     /**< --date YYYY-MM-DD for articles */
    const char *url;              /**< --url: the source URL of a single article */
    struct dn_dedupe_opts dedupe; /**< cross-source clustering (DN_DEDUPE_DEFAULTS) */
    bool no_learn;                /**< --no-learn: do not remember names with coordinates */
    size_t batch;                 /**< events per transaction; 0: 10000 */
    const char *rejects_path;     /**< CSV of rejected rows (file,line,field,reason); NULL: none */
};

/** Counts of a run (`durand ingest --report json`). */
struct dn_ingest_report {
    long files;      /**< files read */
    long read;       /**< rows/events read */
    long stored;     /**< new events */
    long updated;    /**< events whose row changed since the last ingest */
    long duplicates; /**< rows already stored unchanged */
    long rejected;   /**< rows rejected (reported with file:line) */
    long unresolved; /**< events stored without a place (no coordinates, nothing geocodable) */
    long skipped;    /**< blank, repeated-header and totals rows */
    long failed_files; /**< files that could not be read at all */
    long learned;    /**< place names learned */
    long retracted;  /**< events of articles read again that the new reading no longer gives, removed */
};

/** Ingest `n` paths (files or directories, read recursively in name order).
 * A bad row is reported (warning + rejects file) and the batch goes on; a
 * file that cannot be read at all is reported and the next file is read.
 * Every batch is one transaction: after a crash the database holds whole
 * batches only, and running the same command again completes the job.
 * Event tables are stored by a second thread on a second connection to
 * the database `ctx` has open (ingest/writer_thread.h), unless the store
 * is in memory or DURAND_INGEST_THREADS=1; the call returns when it has
 * finished. Thread-safety: `ctx` is used by the calling thread only.
 * @return DN_OK; DN_ERR_PARTIAL when rows were rejected or files failed
 * (the report says how many; when no file could be read, the context's
 * message and status are the last file's: DN_ERR_IO for a read error, else
 * an input error); a fatal status (database, out of memory) stops the run
 * after rolling back the open batch. */
dn_status dn_ingest_paths(dn_ctx *ctx, const char *const *paths, size_t n, const struct dn_ingest_opts *opts,
                          struct dn_ingest_report *report);

struct dni_point_memo;

/** Everything the run does to one event before storing it: the checks of
 * the source's coordinates (swap, placeholder, conflict), the text
 * mention's gazetteer place, geocoding, admin areas and the Durand Line
 * check. Library-internal; bench_articles times it as the ingest does.
 * @param ph the run's placeholder list (read on first use).
 * @param points the run's memo of located points (borrowed; may be NULL).
 * @param source_coords receives whether the source gave coordinates.
 * @return DN_OK (also when the place stays unresolved); DN_ERR_INPUT when a
 * value of the row cannot be read (a province or district name over 512
 * bytes): the caller rejects the row; or a fatal status. */
dn_status dni_ingest_locate_event(dn_ctx *ctx, struct dni_placeholders *ph, struct dni_point_memo *points,
                                  struct dn_event *ev, bool *source_coords);

#endif

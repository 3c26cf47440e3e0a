/** @file events.h
 * Writing events: upsert by uid (idempotent re-ingest), change detection by
 * row hash, and linking reports of the same incident across sources into a
 * cluster. Callers batch calls inside dn_store_begin/commit.
 */
#ifndef DN_STORE_EVENTS_H
#define DN_STORE_EVENTS_H

#include "core/event.h"
#include "durand.h"

/** What an upsert did. */
enum dn_upsert_result {
    DN_UPSERT_INSERTED = 0, /**< a new event */
    DN_UPSERT_UPDATED,      /**< same uid, changed content: the row was updated */
    DN_UPSERT_UNCHANGED     /**< same uid and row hash: nothing written */
};

/** Settings of cross-source deduplication. */
struct dn_dedupe_opts {
    bool enabled;    /**< false with --no-dedupe */
    int window_days; /**< default 1 */
    double window_km; /**< default 5 */
};
#define DN_DEDUPE_DEFAULTS ((struct dn_dedupe_opts){true, 1, 5.0})

/** Insert or update one event by its uid; must run inside a transaction.
 * Events with coordinates get a POINT geometry. With dedupe enabled, a new
 * event of compatible type within the window of an event from another source
 * joins that event's cluster; otherwise it starts its own (cluster_id = id).
 * @param ev the event (borrowed; ev->uid, source_kind and source required).
 * @param id may be NULL; receives the event's row id. */
dn_status dn_store_event_upsert(dn_ctx *ctx, const struct dn_event *ev, const struct dn_dedupe_opts *dedupe,
                                enum dn_upsert_result *result, long long *id);

/** Start a batch of event writes inside the caller's open transaction:
 * until dn_store_events_batch_end(), inserted events get no R*Tree entry
 * one by one; batch_end adds them all in one statement. Call batch_end
 * before committing (a rollback undoes both). During a bulk load both
 * leave the entries to dn_store_events_bulk_end(). */
dn_status dn_store_events_batch_begin(dn_ctx *ctx);
/** Index the batch's events in the R*Tree and end the batch (no-op
 * without an open batch, and during a bulk load). */
dn_status dn_store_events_batch_end(dn_ctx *ctx);
/** What a bulk load does with the secondary indexes of events. */
enum dn_bulk_indexes {
    /** drop only the indexes no lookup of an ingest uses, events_admin and
     * events_border (their entries go in at random; a second source of
     * 200,000 rows into a store of as many took 15.3 s with them kept,
     * 12.5-13.2 s without: bench_ingest --rows 200000 --second-source, bench/INGEST_LOG.md);
     * keep those dedupe and the uid checks read */
    DN_BULK_KEEP_LOOKUP_INDEXES,
    /** for a load without dedupe: events_date too. Every insert then
     * updates the table, its uid index and the two that grow at one end
     * during such a load: events_source and events_cluster */
    DN_BULK_DROP_INDEXES,
    /** the same, and the unique index of uids too, for uids made of content
     * hashes, which arrive in random order: meanwhile the uids are checked
     * by a map of the store's and the load's events (store/uid_map.h).
     * Uids from a source's ids stay indexed: they arrive in the source's
     * order, which grows at one end of the index like the table's rows
     * (bench_ingest: the index built at the end cost 5 % more than kept) */
    DN_BULK_DROP_INDEXES_AND_UIDS,
};

/** Bulk load, inside the caller's transaction: stop adding R*Tree entries
 * from batch to batch, and drop indexes as `indexes` says. Queries stay
 * correct, only slower, until dn_store_events_bulk_end(): they test the
 * events not yet in the R*Tree (id from events_rtree_deferred.since_id on)
 * by their lon/lat. Only DN_BULK_KEEP_LOOKUP_INDEXES leaves what dedupe
 * lookups use in between. */
dn_status dn_store_events_bulk_begin(dn_ctx *ctx, enum dn_bulk_indexes indexes);
/** Build the secondary indexes of events that are missing by sorting and,
 * after a bulk load, pack the whole R*Tree afresh (store/rtree_pack.h) —
 * far cheaper than a million single inserts into either. Inside the
 * caller's transaction; for the pack of a file database it commits that
 * transaction first and goes on in a new one, because the entries are
 * read on a second connection while the indexes are built
 * (store/rtree_plan_thread.h), which sees only committed rows. */
dn_status dn_store_events_bulk_end(dn_ctx *ctx);
/** Every event's R*Tree entry packed afresh (store/rtree_pack.h) and no
 * event left waiting for one; inside the caller's transaction. Part of
 * dn_store_events_bulk_end and the repair; exposed for bench_store. */
dn_status dn_store_events_rtree_pack(dn_ctx *ctx);
/** Opening a store to write (DN_STORE_CREATE: init, ingest): finish what
 * an interrupted writer left — events not yet in the R*Tree (a bulk load
 * killed midway), or secondary indexes a crashed bulk load dropped — with
 * a warning. */
dn_status dni_store_events_repair(dn_ctx *ctx);

/** Whether the store holds events from any source other than `source`
 * (borrowed). When it does not, no event of `source` can join a cluster
 * (two reports in one source are two incidents), so a caller storing a
 * file whose rows share one source may turn dedupe off for it. */
dn_status dn_store_events_other_sources(dn_ctx *ctx, const char *source, bool *out);

/** An article read again: remove the events an earlier reading of it
 * stored that this reading no longer gives, inside the caller's
 * transaction. Its events are those whose uid starts with `uid_prefix`
 * (dn_text_article_uid_prefix), kept when their uid is one of keep[0..n)
 * (all borrowed); and, from before uids carried the article, those of
 * source_kind 'text' with `legacy_source` as source and, when `legacy_line`
 * > 0 (a JSON Lines record), that line in their source_ref. A removed
 * event's cluster goes on under its smallest remaining id. *removed counts
 * them. Not during a bulk load (DN_ERR_INTERNAL): its uid map would still
 * hold them. */
dn_status dn_store_events_retract_article(dn_ctx *ctx, const char *uid_prefix, const char *const *keep, size_t n,
                                          const char *legacy_source, long legacy_line, long *removed);

/** Whether two event types may describe the same incident (both violent,
 * the same non-violent kind, or either unknown). Exposed for tests. */
bool dn_event_types_compatible(const char *a, const char *b);

#endif

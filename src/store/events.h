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

/** Whether two event types may describe the same incident (both violent,
 * the same non-violent kind, or either unknown). Exposed for tests. */
bool dn_event_types_compatible(const char *a, const char *b);

#endif

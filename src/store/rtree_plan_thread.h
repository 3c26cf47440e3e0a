/** @file rtree_plan_thread.h
 * Reading and sorting an R*Tree's entries (dni_rtree_plan_make) on a
 * thread of its own while the caller's thread goes on, for the end of a
 * bulk load: the writer builds the secondary indexes meanwhile, and then
 * only writes the packed tree (bench_ingest --versus gives the gain).
 *
 * Threads: the thread has its own context and a read-only connection to
 * the database file (store/reader_thread.h); it never touches the
 * caller's context. Start and finish are called from the caller's thread.
 *
 * What it reads: the database as last committed when it begins, which is
 * after start returns. The caller makes that what its own transaction
 * sees by holding the write lock (BEGIN IMMEDIATE) with nothing written
 * to the rows read, from before start until after finish.
 */
#ifndef DN_STORE_RTREE_PLAN_THREAD_H
#define DN_STORE_RTREE_PLAN_THREAD_H

#include <stddef.h>

#include "durand.h"
#include "store/rtree_pack.h"

struct dni_rtree_plan_thread;

/** Start making the plan of `entries_sql` (a constant, borrowed until
 * finish) for a tree of `shape` (copied), on a new thread and connection
 * to the database file `path`. The caller owns *out and ends it with
 * dni_rtree_plan_thread_finish or _cancel.
 * @return DN_OK; DN_ERR_NOMEM, DN_ERR_DB (the connection failed),
 * DN_ERR_INTERNAL (no thread) — nothing is left running then. */
dn_status dni_rtree_plan_thread_start(dn_ctx *ctx, const char *path, const char *entries_sql,
                                      const struct dni_rtree_shape *shape, struct dni_rtree_plan_thread **out);

/** Wait for the thread and free it. *plan: the plan (the caller's), or
 * NULL and the thread's failure as ctx's error.
 * @return the thread's status. */
dn_status dni_rtree_plan_thread_finish(dn_ctx *ctx, struct dni_rtree_plan_thread *t, struct dni_rtree_plan **plan);

/** Wait for the thread and free it and its plan, touching no context (the
 * caller is failing for a reason of its own). NULL is a no-op. */
void dni_rtree_plan_thread_cancel(struct dni_rtree_plan_thread *t);

#endif

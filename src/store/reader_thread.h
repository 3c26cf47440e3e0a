/** @file reader_thread.h
 * A function run on a thread of its own, with its own context and a
 * read-only connection to a database file, while the caller's thread goes
 * on: the R*Tree plan of a bulk load's end (store/rtree_plan_thread.c) and
 * the gazetteer index of an ingest's start (gazetteer/preload.c).
 *
 * Threads: the function gets the thread's context, never the caller's;
 * start and join are called from the caller's thread. The connection is
 * opened by start (so that a missing file is the caller's error at once)
 * and closed on the thread, after the function returns.
 */
#ifndef DN_STORE_READER_THREAD_H
#define DN_STORE_READER_THREAD_H

#include "durand.h"

struct dni_reader_thread;

/** The work: reads through `tctx` (its store open read-only), leaves what
 * it made in `arg`, and returns its status with tctx's message. */
typedef dn_status (*dni_reader_fn)(dn_ctx *tctx, void *arg);

/** Open the database file `path` read-only on a new context and run
 * fn(tctx, arg) on a new thread. `what` names the thread in messages ("the
 * spatial index thread"). The caller owns *out and ends it with
 * dni_reader_thread_join; `arg` must outlive that.
 * @return DN_OK; DN_ERR_NOMEM; the open's status (DN_ERR_NOT_FOUND,
 * DN_ERR_DB) with its message; DN_ERR_INTERNAL (no thread) — nothing is
 * left running then. */
dn_status dni_reader_thread_start(dn_ctx *ctx, const char *path, const char *what, dni_reader_fn fn, void *arg,
                                  struct dni_reader_thread **out);

/** Wait for the thread and free it. Returns fn's status; where it failed,
 * its message becomes ctx's error (ctx NULL: told nowhere). */
dn_status dni_reader_thread_join(dn_ctx *ctx, struct dni_reader_thread *t);

#endif

/** @file checkpointer.h
 * A second connection that copies a writer's WAL into the database file
 * from its own thread while the writer goes on (a bulk load).
 *
 * Why: with SQLite's automatic checkpoints the writer itself copies every
 * page it committed a second time, into the database file, after each
 * commit — 4-5 % of a 1M-row ingest, on the one core the writer runs on
 * (perf). Run by another connection, a checkpoint overlaps the writer's
 * next batch (SQLite allows one checkpointer beside one writer).
 *
 * The WAL starts again from its beginning only when a write transaction
 * begins after everything was copied; a checkpoint running beside the
 * writer would never let that happen, and the WAL would grow as large as
 * the data loaded. So once the WAL holds `wait_frames` frames the writer
 * waits at its commit for the checkpoint to finish: the WAL stays near
 * that size, and the writer waits for one batch's checkpoint in several.
 *
 * Threads: the thread uses only its own connection, never the context
 * (which stays with the caller's thread, STYLE.md); start and stop are
 * called from the writer's thread.
 */
#ifndef DN_STORE_CHECKPOINTER_H
#define DN_STORE_CHECKPOINTER_H

#include <sqlite3.h>

#include "durand.h"

struct dni_checkpointer;

/** Start checkpointing the WAL of `writer` (the store's connection, open on
 * the file `path` in WAL mode) from a new thread with its own connection;
 * the writer's automatic checkpoints stop meanwhile, and a commit that
 * leaves `wait_frames` or more frames in the WAL waits for the checkpoint. The caller owns the
 * result and ends it with dni_checkpointer_stop before closing `writer`.
 * @return DN_OK; DN_ERR_DB (the second connection failed), DN_ERR_NOMEM,
 * DN_ERR_INTERNAL (no thread) — the writer is unchanged then. */
dn_status dni_checkpointer_start(dn_ctx *ctx, sqlite3 *writer, const char *path, int wait_frames,
                                 struct dni_checkpointer **out);

/** Wait for the thread to finish its checkpoint, close its connection and
 * give the writer its automatic checkpoints back. NULL is a no-op. */
void dni_checkpointer_stop(struct dni_checkpointer *c);

#endif

/** @file prefetch.h
 * Reading ahead: a thread parses the next rows of a table (CSV, ACLED,
 * UCDP) while the caller locates and stores the rows before them.
 *
 * Why: reading and converting a row is about a tenth of a bulk ingest's
 * time (perf, 1M ACLED rows), and one core was idle. The reader itself is
 * unchanged and still runs in one thread at a time; only its rows, rejects
 * and messages cross over, in file order: a message the reader gave before
 * a row reaches the output before that row is handed out, as without the
 * thread.
 */
#ifndef DN_INGEST_PREFETCH_H
#define DN_INGEST_PREFETCH_H

#include "core/core.h"
#include "ingest/ingest.h"

struct dni_prefetch;

/** Start reading `rd` (a table reader just opened with `ctx`, not an OGR
 * layer) in a thread. Until dni_prefetch_stop the reader belongs to the
 * thread: use only dni_prefetch_next. Owned by the caller.
 * @return DN_OK; DN_ERR_NOMEM; DN_ERR_INTERNAL (no thread: read it
 * directly instead). */
dn_status dni_prefetch_start(dn_ctx *ctx, struct dn_reader *rd, struct dni_prefetch **out);

/** The next row, exactly as dn_reader_next would give it: DN_OK with *ev
 * (valid until the next call; the caller may change it), *done at the
 * end, DN_ERR_INPUT with the row's reject in *rej, another status with the
 * reader's message in ctx. After *done or a status other than DN_OK and
 * DN_ERR_INPUT, call only dni_prefetch_stop. */
dn_status dni_prefetch_next(struct dni_prefetch *p, struct dn_event **ev, bool *done, const struct dn_reject **rej);

/** Stop the thread (it may have read ahead; those rows are dropped) and
 * give the reader back to the caller's context. NULL is a no-op. */
void dni_prefetch_stop(struct dni_prefetch *p);

#endif

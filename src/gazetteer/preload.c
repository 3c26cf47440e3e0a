/** @file preload.c
 * The gazetteer index built on a thread of its own while the caller loads
 * something else (see gazetteer.h, dn_gazetteer_preload_start).
 */
#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/gz_internal.h"
#include "store/reader_thread.h"
#include "store/store.h"

struct dn_gazetteer_preload {
    struct dni_reader_thread *reader;
    struct gz_index *ix; /* the thread's result, read after the join */
};

static dn_status build(dn_ctx *tctx, void *arg)
{
    struct dn_gazetteer_preload *p = arg;
    return dni_gz_index_build(tctx, &p->ix);
}

void dn_gazetteer_preload_start(dn_ctx *ctx, struct dn_gazetteer_preload **out)
{
    *out = NULL;
    /* only a file can have a second connection; an index already built
     * needs nothing */
    if (!dni_store_writable_file(ctx) || dni_gz_index_ready(ctx)) return;
    struct dn_gazetteer_preload *p = dn_calloc(1, sizeof *p);
    if (!p) return;
    if (dni_reader_thread_start(ctx, dn_store_path(ctx), "the gazetteer thread", build, p, &p->reader) != DN_OK) {
        dni_clear_error(ctx); /* the first lookup builds the index instead */
        dn_free(p);
        return;
    }
    *out = p;
}

void dn_gazetteer_preload_finish(dn_ctx *ctx, struct dn_gazetteer_preload *p)
{
    if (!p) return;
    bool built = dni_reader_thread_join(NULL, p->reader) == DN_OK;
    struct gz_index *ix = p->ix;
    dn_free(p);
    if (!built || dni_gz_index_ready(ctx)) {
        dni_gz_index_free(ix);
        return;
    }
    /* a failure here is met again, and told, where the index is first used */
    if (dni_gz_index_install(ctx, ix) != DN_OK) dni_clear_error(ctx);
}

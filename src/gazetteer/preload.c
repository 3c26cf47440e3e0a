/** @file preload.c
 * The gazetteer index built on a thread of its own while the caller loads
 * something else (see gazetteer.h, dn_gazetteer_preload_start).
 */
#include <pthread.h>

#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/gz_internal.h"
#include "store/store.h"

struct dn_gazetteer_preload {
    dn_ctx *tctx; /* the thread's context and read-only connection */
    pthread_t thread;
    /* written by the thread, read after the join */
    struct gz_index *ix;
    dn_status status;
};

static void *preload_main(void *arg)
{
    struct dn_gazetteer_preload *p = arg;
    p->status = dni_gz_index_build(p->tctx, &p->ix);
    /* the connection goes here, on the thread that used it */
    dn_store_close(p->tctx);
    return NULL;
}

static void discard(struct dn_gazetteer_preload *p)
{
    dn_ctx_free(p->tctx);
    dn_free(p);
}

void dn_gazetteer_preload_start(dn_ctx *ctx, struct dn_gazetteer_preload **out)
{
    *out = NULL;
    /* only a file can have a second connection; an index already built
     * needs nothing */
    if (!dni_store_writable_file(ctx) || dni_gz_index_ready(ctx)) return;
    struct dn_gazetteer_preload *p = dn_calloc(1, sizeof *p);
    if (!p) return;
    if (dn_ctx_new(&p->tctx) != DN_OK) {
        dn_free(p);
        return;
    }
    if (dn_store_open(p->tctx, dn_store_path(ctx), DN_STORE_READONLY) != DN_OK ||
        pthread_create(&p->thread, NULL, preload_main, p) != 0) {
        discard(p);
        return;
    }
    *out = p;
}

void dn_gazetteer_preload_finish(dn_ctx *ctx, struct dn_gazetteer_preload *p)
{
    if (!p) return;
    pthread_join(p->thread, NULL);
    struct gz_index *ix = p->ix;
    bool wanted = p->status == DN_OK && !dni_gz_index_ready(ctx);
    discard(p);
    if (!wanted) {
        dni_gz_index_free(ix);
        return;
    }
    /* a failure here is met again, and told, where the index is first used */
    if (dni_gz_index_install(ctx, ix) != DN_OK) dni_clear_error(ctx);
}

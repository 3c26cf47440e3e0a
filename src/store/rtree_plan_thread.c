/** @file rtree_plan_thread.c
 * An R*Tree plan made on a thread of its own (see rtree_plan_thread.h).
 */
#include <pthread.h>
#include <stdio.h>

#include "core/core.h"
#include "store/rtree_plan_thread.h"
#include "store/store.h"

struct dni_rtree_plan_thread {
    dn_ctx *tctx; /* the thread's context and connection */
    const char *entries_sql;
    struct dni_rtree_shape shape;
    pthread_t thread;
    /* written by the thread, read after the join */
    struct dni_rtree_plan *plan;
    dn_status status;
    char errmsg[512];
};

static void *plan_main(void *arg)
{
    struct dni_rtree_plan_thread *t = arg;
    t->status = dni_rtree_plan_make(t->tctx, t->entries_sql, &t->shape, &t->plan);
    if (t->status != DN_OK) snprintf(t->errmsg, sizeof t->errmsg, "%s", dn_ctx_errmsg(t->tctx));
    /* the read transaction ended with the statement; the connection goes
     * here, on the thread that used it */
    dn_store_close(t->tctx);
    return NULL;
}

static void discard(struct dni_rtree_plan_thread *t)
{
    dn_ctx_free(t->tctx);
    dn_free(t);
}

dn_status dni_rtree_plan_thread_start(dn_ctx *ctx, const char *path, const char *entries_sql,
                                      const struct dni_rtree_shape *shape, struct dni_rtree_plan_thread **out)
{
    *out = NULL;
    struct dni_rtree_plan_thread *t = dn_calloc(1, sizeof *t);
    if (!t) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    t->entries_sql = entries_sql;
    t->shape = *shape;
    dn_status s = dn_ctx_new(&t->tctx);
    if (s != DN_OK) {
        dn_free(t);
        return dni_fail(ctx, s, "cannot make the spatial index thread's context");
    }
    if ((s = dn_store_open(t->tctx, path, DN_STORE_READONLY)) != DN_OK) {
        s = dni_fail(ctx, s, "the spatial index thread's connection: %s", dn_ctx_errmsg(t->tctx));
        discard(t);
        return s;
    }
    if (pthread_create(&t->thread, NULL, plan_main, t) != 0) {
        discard(t);
        return dni_fail(ctx, DN_ERR_INTERNAL, "cannot start the spatial index thread");
    }
    *out = t;
    return DN_OK;
}

dn_status dni_rtree_plan_thread_finish(dn_ctx *ctx, struct dni_rtree_plan_thread *t, struct dni_rtree_plan **plan)
{
    pthread_join(t->thread, NULL);
    *plan = t->plan;
    dn_status s = t->status;
    if (s != DN_OK) s = dni_fail(ctx, s, "%s", t->errmsg[0] ? t->errmsg : "the spatial index thread failed");
    discard(t);
    return s;
}

void dni_rtree_plan_thread_cancel(struct dni_rtree_plan_thread *t)
{
    if (!t) return;
    pthread_join(t->thread, NULL);
    dni_rtree_plan_free(t->plan);
    discard(t);
}

/** @file rtree_plan_thread.c
 * An R*Tree plan made on a thread of its own (see rtree_plan_thread.h).
 */
#include "core/core.h"
#include "store/reader_thread.h"
#include "store/rtree_plan_thread.h"

struct dni_rtree_plan_thread {
    struct dni_reader_thread *reader;
    const char *entries_sql;
    struct dni_rtree_shape shape;
    struct dni_rtree_plan *plan; /* the thread's result, read after the join */
};

static dn_status make_plan(dn_ctx *tctx, void *arg)
{
    struct dni_rtree_plan_thread *t = arg;
    return dni_rtree_plan_make(tctx, t->entries_sql, &t->shape, &t->plan);
}

dn_status dni_rtree_plan_thread_start(dn_ctx *ctx, const char *path, const char *entries_sql,
                                      const struct dni_rtree_shape *shape, struct dni_rtree_plan_thread **out)
{
    *out = NULL;
    struct dni_rtree_plan_thread *t = dn_calloc(1, sizeof *t);
    if (!t) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    t->entries_sql = entries_sql;
    t->shape = *shape;
    dn_status s = dni_reader_thread_start(ctx, path, "the spatial index thread", make_plan, t, &t->reader);
    if (s != DN_OK) {
        dn_free(t);
        return s;
    }
    *out = t;
    return DN_OK;
}

dn_status dni_rtree_plan_thread_finish(dn_ctx *ctx, struct dni_rtree_plan_thread *t, struct dni_rtree_plan **plan)
{
    dn_status s = dni_reader_thread_join(ctx, t->reader);
    *plan = t->plan;
    dn_free(t);
    return s;
}

void dni_rtree_plan_thread_cancel(struct dni_rtree_plan_thread *t)
{
    if (!t) return;
    dni_reader_thread_join(NULL, t->reader);
    dni_rtree_plan_free(t->plan);
    dn_free(t);
}

/** @file reader_thread.c
 * A function run on a thread with its own read-only connection (see
 * reader_thread.h).
 */
#include <pthread.h>
#include <stdio.h>

#include "core/core.h"
#include "store/reader_thread.h"
#include "store/store.h"

struct dni_reader_thread {
    dn_ctx *tctx; /* the thread's context and connection */
    const char *what;
    dni_reader_fn fn;
    void *arg;
    pthread_t thread;
    /* written by the thread, read after the join */
    dn_status status;
    char errmsg[512];
};

static void *reader_main(void *p)
{
    struct dni_reader_thread *t = p;
    t->status = t->fn(t->tctx, t->arg);
    if (t->status != DN_OK) snprintf(t->errmsg, sizeof t->errmsg, "%s", dn_ctx_errmsg(t->tctx));
    /* the connection goes here, on the thread that used it */
    dn_store_close(t->tctx);
    return NULL;
}

static void discard(struct dni_reader_thread *t)
{
    dn_ctx_free(t->tctx);
    dn_free(t);
}

dn_status dni_reader_thread_start(dn_ctx *ctx, const char *path, const char *what, dni_reader_fn fn, void *arg,
                                  struct dni_reader_thread **out)
{
    *out = NULL;
    struct dni_reader_thread *t = dn_malloc(sizeof *t);
    if (!t) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    *t = (struct dni_reader_thread){.what = what, .fn = fn, .arg = arg};
    dn_status s = dn_ctx_new(&t->tctx);
    if (s != DN_OK) {
        dn_free(t);
        return dni_fail(ctx, s, "cannot make %s's context", what);
    }
    if ((s = dn_store_open(t->tctx, path, DN_STORE_READONLY)) != DN_OK) {
        s = dni_fail(ctx, s, "%s's connection: %s", what, dn_ctx_errmsg(t->tctx));
        discard(t);
        return s;
    }
    if (pthread_create(&t->thread, NULL, reader_main, t) != 0) {
        discard(t);
        return dni_fail(ctx, DN_ERR_INTERNAL, "cannot start %s", what);
    }
    *out = t;
    return DN_OK;
}

dn_status dni_reader_thread_join(dn_ctx *ctx, struct dni_reader_thread *t)
{
    pthread_join(t->thread, NULL);
    dn_status s = t->status;
    if (s != DN_OK && ctx) s = t->errmsg[0] ? dni_fail(ctx, s, "%s", t->errmsg) : dni_fail(ctx, s, "%s failed", t->what);
    discard(t);
    return s;
}

/** @file prefetch.c
 * A reader thread with a ring of rows (see prefetch.h).
 */
#include <pthread.h>
#include <string.h>

#include "ingest/prefetch.h"
#include "ingest/reader_impl.h"

enum { RING = 64 };

struct row_slot {
    struct dn_event ev;
    dn_status status;
    bool done;
    struct dn_reject rej;        /* for DN_ERR_INPUT; strings point into rej_text */
    struct dn_strbuf rej_text;   /* field '\0' reason */
    struct dn_strbuf messages;   /* what the reader said before this row: level byte, text, '\0' */
};

struct dni_prefetch {
    dn_ctx *ctx;   /* the caller's */
    dn_ctx *own;   /* the thread's: the reader's errors and messages */
    struct dn_reader *rd;
    struct dn_strbuf said; /* the thread's messages not yet in a slot */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t filled_cv, freed_cv;
    unsigned long filled, taken; /* rows put in the ring; rows handed to the caller */
    bool stop, reader_waits, caller_waits;
    struct row_slot slot[RING];
};

/* The thread context's output: kept with the next row. */
static void keep_message(void *ud, dn_out_level level, const char *text, size_t len)
{
    struct dni_prefetch *p = ud;
    dn_strbuf_putc(&p->said, (char)('0' + level));
    dn_strbuf_append(&p->said, text, len);
    dn_strbuf_putc(&p->said, '\0');
}

static void fill(struct dni_prefetch *p, struct row_slot *sl)
{
    sl->status = dn_reader_next(p->rd, &sl->ev, &sl->done);
    dn_strbuf_reset(&sl->rej_text);
    if (sl->status == DN_ERR_INPUT) {
        const struct dn_reject *r = dn_reader_reject(p->rd);
        dn_strbuf_puts(&sl->rej_text, r->field ? r->field : "row");
        dn_strbuf_putc(&sl->rej_text, '\0');
        dn_strbuf_puts(&sl->rej_text, r->reason ? r->reason : "");
        sl->rej = (struct dn_reject){.file = r->file, .line = r->line};
    } else if (sl->status != DN_OK) {
        dn_strbuf_puts(&sl->rej_text, dn_ctx_errmsg(p->own));
    }
    /* swap: the slot takes what was said, `said` reuses the slot's buffer */
    struct dn_strbuf m = sl->messages;
    dn_strbuf_reset(&m);
    sl->messages = p->said;
    p->said = m;
}

static void *read_ahead(void *arg)
{
    struct dni_prefetch *p = arg;
    for (bool last = false; !last;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->filled - p->taken >= RING - 1) { /* one slot stays with the caller */
            p->reader_waits = true;
            pthread_cond_wait(&p->freed_cv, &p->mu);
            p->reader_waits = false;
        }
        bool stop = p->stop;
        pthread_mutex_unlock(&p->mu);
        if (stop) break;
        struct row_slot *sl = &p->slot[p->filled % RING];
        fill(p, sl);
        last = sl->done || (sl->status != DN_OK && sl->status != DN_ERR_INPUT);
        pthread_mutex_lock(&p->mu);
        p->filled++;
        if (p->caller_waits) pthread_cond_signal(&p->filled_cv);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

dn_status dni_prefetch_start(dn_ctx *ctx, struct dn_reader *rd, struct dni_prefetch **out)
{
    *out = NULL;
    struct dni_prefetch *p = dn_calloc(1, sizeof *p);
    if (!p || dn_ctx_new(&p->own) != DN_OK) {
        dn_free(p);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    p->ctx = ctx;
    p->rd = rd;
    for (int i = 0; i < RING; i++) dn_event_init(&p->slot[i].ev);
    dn_ctx_set_output(p->own, keep_message, p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->filled_cv, NULL);
    pthread_cond_init(&p->freed_cv, NULL);
    dni_reader_set_ctx(rd, p->own);
    if (pthread_create(&p->thread, NULL, read_ahead, p) != 0) {
        dni_reader_set_ctx(rd, ctx);
        pthread_cond_destroy(&p->freed_cv);
        pthread_cond_destroy(&p->filled_cv);
        pthread_mutex_destroy(&p->mu);
        dn_ctx_free(p->own);
        dn_free(p);
        return dni_fail(ctx, DN_ERR_INTERNAL, "cannot start the reading thread");
    }
    *out = p;
    return DN_OK;
}

dn_status dni_prefetch_next(struct dni_prefetch *p, struct dn_event **ev, bool *done, const struct dn_reject **rej)
{
    pthread_mutex_lock(&p->mu);
    while (p->filled == p->taken) {
        p->caller_waits = true;
        pthread_cond_wait(&p->filled_cv, &p->mu);
        p->caller_waits = false;
    }
    struct row_slot *sl = &p->slot[p->taken % RING];
    p->taken++;
    if (p->reader_waits) pthread_cond_signal(&p->freed_cv);
    pthread_mutex_unlock(&p->mu);
    /* the slot is the caller's until the next call: the thread fills at most
     * RING - 1 slots ahead of `taken`, and this one is taken - 1 */
    for (size_t at = 0; at < sl->messages.len;) {
        const char *m = sl->messages.data + at;
        size_t len = strlen(m + 1);
        dni_out(p->ctx, (dn_out_level)(m[0] - '0'), m + 1, len);
        at += len + 2;
    }
    dn_strbuf_reset(&sl->messages);
    *ev = &sl->ev;
    *done = sl->done;
    *rej = NULL;
    if (sl->status != DN_OK && !sl->rej_text.data) return dni_fail(p->ctx, DN_ERR_NOMEM, "out of memory");
    if (sl->status == DN_ERR_INPUT) {
        sl->rej.field = sl->rej_text.data;
        sl->rej.reason = sl->rej_text.data + strlen(sl->rej_text.data) + 1;
        *rej = &sl->rej;
    } else if (sl->status != DN_OK) {
        return dni_fail(p->ctx, sl->status, "%s", sl->rej_text.data);
    }
    return sl->status;
}

void dni_prefetch_stop(struct dni_prefetch *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_signal(&p->freed_cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    dni_reader_set_ctx(p->rd, p->ctx);
    for (int i = 0; i < RING; i++) {
        dn_event_clear(&p->slot[i].ev);
        dn_strbuf_free(&p->slot[i].rej_text);
        dn_strbuf_free(&p->slot[i].messages);
    }
    dn_strbuf_free(&p->said);
    pthread_cond_destroy(&p->freed_cv);
    pthread_cond_destroy(&p->filled_cv);
    pthread_mutex_destroy(&p->mu);
    dn_ctx_free(p->own);
    dn_free(p);
}

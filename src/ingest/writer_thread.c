/** @file writer_thread.c
 * The store side of an ingest run on its own thread and connection (see
 * writer_thread.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ingest/writer_thread.h"
#include "store/store.h"

/* Three batches go round: the pipeline fills one, one waits, the writer
 * stores one. A batch holds MAX_HANDOFF events (bench_ingest --versus, 1M
 * rows: 64 events 16.2 s, 256 15.4-15.9 s, 1,024 14.7-14.8 s, 4,096
 * 14.2 s, 16,384 14.3 s and 51 MB more), or one transaction's worth when
 * --batch is smaller: the writer then commits as soon as the pipeline has
 * read a --batch, as it would on the pipeline's thread. */
enum { MAX_HANDOFF = 4096, N_BATCHES = 3 };

struct handoff {
    struct dn_event *ev; /* `cap` of them */
    size_t n, cap;
    bool begin_file; /* before the events: a file begins, with these settings */
    struct dn_dedupe_opts dedupe;
    bool one_source;
    long long store_before;
    unsigned after; /* enum dni_writer_after, after the events */
    const char *path, *format; /* DNI_WRITER_RECORD_FILE: borrowed, the pipeline waits */
    long read, rejected;
};

struct dni_writer {
    dn_ctx *wctx;                 /* the thread's context and connection */
    struct dni_store_side side;   /* the thread's */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t to_writer;     /* a batch is queued, or stop */
    pthread_cond_t to_pipeline;   /* the queue has room, or the writer went idle */
    struct handoff batches[N_BATCHES];
    struct handoff *filling;      /* the pipeline's; no lock needed */
    struct handoff *queued;       /* handed over, not yet taken; NULL: none */
    struct handoff *working;      /* being stored; NULL: the writer is idle */
    bool stop;
    dn_status status;             /* the writer's first failure; after it, batches are skipped */
    char errmsg[512];
    struct dni_writer_news news;
};

static dn_status store_batch(struct dni_writer *w, const struct handoff *h)
{
    struct dni_store_side *side = &w->side;
    if (h->begin_file) dni_store_side_begin_file(side, &h->dedupe, h->one_source, h->store_before);
    dn_status s = DN_OK;
    for (size_t i = 0; s == DN_OK && i < h->n; i++) s = dni_store_side_put(side, &h->ev[i]);
    if (s == DN_OK && (h->after & DNI_WRITER_RECORD_FILE))
        s = dni_store_side_record_file(side, h->path, h->format, h->read, h->rejected);
    if (s == DN_OK && (h->after & DNI_WRITER_END_BULK)) s = dni_store_side_end_bulk(side);
    if (s == DN_OK && (h->after & DNI_WRITER_COMMIT)) s = dni_store_side_commit(side);
    return s;
}

static void *writer_loop(void *arg)
{
    struct dni_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->queued && !w->stop) pthread_cond_wait(&w->to_writer, &w->mu);
        if (!w->queued) break; /* stopped, with nothing left to store */
        struct handoff *h = w->working = w->queued;
        w->queued = NULL;
        bool failed = w->status != DN_OK;
        pthread_cond_signal(&w->to_pipeline);
        pthread_mutex_unlock(&w->mu);

        dn_status s = failed ? DN_OK : store_batch(w, h);
        if (s != DN_OK) dni_store_side_rollback(&w->side);

        pthread_mutex_lock(&w->mu);
        if (s != DN_OK) {
            w->status = s;
            snprintf(w->errmsg, sizeof w->errmsg, "%s", dn_ctx_errmsg(w->wctx));
        }
        w->news.stored = w->side.stored;
        w->news.updated = w->side.updated;
        w->news.duplicates = w->side.duplicates;
        w->news.bulk = w->side.bulk;
        if (w->side.bulk_news != DNI_BULK_NONE) w->news.bulk_news = w->side.bulk_news;
        w->side.bulk_news = DNI_BULK_NONE;
        w->working = NULL;
        pthread_cond_signal(&w->to_pipeline);
    }
    pthread_mutex_unlock(&w->mu);
    dni_store_side_rollback(&w->side); /* a run that did not finish keeps only its committed batches */
    return NULL;
}

/* The writer's failure, told in the pipeline's context. Under the lock. */
static dn_status writer_failure(dn_ctx *ctx, const struct dni_writer *w)
{
    return dni_fail(ctx, w->status, "%s", w->errmsg[0] ? w->errmsg : "the writer thread failed");
}

static void reset_batch(struct handoff *h)
{
    for (size_t i = 0; i < h->n; i++) dn_event_clear(&h->ev[i]);
    h->n = 0;
    h->begin_file = false;
    h->after = 0;
    h->path = h->format = NULL;
}

/* The batches' events and arrays (NULL arrays: not made yet). */
static void free_batches(struct dni_writer *w)
{
    for (size_t b = 0; b < N_BATCHES; b++) {
        if (w->batches[b].ev) reset_batch(&w->batches[b]);
        dn_free(w->batches[b].ev);
        w->batches[b].ev = NULL;
    }
}

/* A writer that never started or has been joined: its context, batches and itself. */
static void discard(struct dni_writer *w)
{
    dn_ctx_free(w->wctx);
    free_batches(w);
    dn_free(w);
}

/* Queue the batch being filled and take an empty one. */
static dn_status hand_over(dn_ctx *ctx, struct dni_writer *w)
{
    pthread_mutex_lock(&w->mu);
    while (w->queued && w->status == DN_OK) pthread_cond_wait(&w->to_pipeline, &w->mu);
    if (w->status != DN_OK) {
        dn_status s = writer_failure(ctx, w);
        pthread_mutex_unlock(&w->mu);
        return s;
    }
    w->queued = w->filling;
    pthread_cond_signal(&w->to_writer);
    struct handoff *next = NULL;
    for (size_t i = 0; i < N_BATCHES && !next; i++)
        if (&w->batches[i] != w->queued && &w->batches[i] != w->working) next = &w->batches[i];
    pthread_mutex_unlock(&w->mu);
    /* neither queued nor being stored: the writer is done with it. Its
     * events are freed here, on the thread that made them. */
    reset_batch(next);
    w->filling = next;
    return DN_OK;
}

dn_status dni_writer_start(dn_ctx *ctx, size_t batch, long bulk_min_rows, struct dni_writer **out)
{
    *out = NULL;
    const char *path = dn_store_path(ctx);
    if (!dni_store_writable_file(ctx)) return DN_OK;
    struct dni_writer *w = dn_calloc(1, sizeof *w);
    if (!w) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    /* a slot gets its event when it is filled (dni_writer_put): no init */
    size_t cap = batch && batch < MAX_HANDOFF ? batch : MAX_HANDOFF;
    for (size_t b = 0; b < N_BATCHES; b++) {
        struct handoff *h = &w->batches[b];
        if (!(h->ev = dn_malloc(cap * sizeof *h->ev))) {
            discard(w);
            return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        }
        h->cap = cap;
    }
    w->filling = &w->batches[0];
    dn_status s = dn_ctx_new(&w->wctx);
    if (s != DN_OK) {
        discard(w);
        return dni_fail(ctx, s, "cannot make the writer thread's context");
    }
    s = dn_store_open(w->wctx, path, 0);
    if (s == DN_OK) s = dni_store_side_connection(w->wctx);
    if (s != DN_OK) {
        s = dni_fail(ctx, s, "the writer thread's connection: %s", dn_ctx_errmsg(w->wctx));
        discard(w);
        return s;
    }
    w->side = (struct dni_store_side){.ctx = w->wctx, .batch = batch, .bulk_min_rows = bulk_min_rows};
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->to_writer, NULL);
    pthread_cond_init(&w->to_pipeline, NULL);
    if (pthread_create(&w->thread, NULL, writer_loop, w) != 0) {
        pthread_cond_destroy(&w->to_pipeline);
        pthread_cond_destroy(&w->to_writer);
        pthread_mutex_destroy(&w->mu);
        discard(w);
        return dni_fail(ctx, DN_ERR_INTERNAL, "cannot start the writer thread");
    }
    *out = w;
    return DN_OK;
}

void dni_writer_begin_file(struct dni_writer *w, const struct dn_dedupe_opts *dedupe, bool one_source,
                           long long store_before)
{
    /* between files the batch being filled is empty (dni_writer_finish) */
    struct handoff *h = w->filling;
    h->begin_file = true;
    h->dedupe = *dedupe;
    h->one_source = one_source;
    h->store_before = store_before;
}

dn_status dni_writer_put(dn_ctx *ctx, struct dni_writer *w, struct dn_event *ev)
{
    struct handoff *h = w->filling;
    h->ev[h->n++] = *ev;
    dn_event_init(ev);
    return h->n == h->cap ? hand_over(ctx, w) : DN_OK;
}

dn_status dni_writer_finish(dn_ctx *ctx, struct dni_writer *w, unsigned after, const char *path, const char *format,
                            long read, long rejected)
{
    struct handoff *h = w->filling;
    h->after = after;
    h->path = path;
    h->format = format;
    h->read = read;
    h->rejected = rejected;
    dn_status s = hand_over(ctx, w);
    if (s != DN_OK) return s;
    pthread_mutex_lock(&w->mu);
    while ((w->queued || w->working) && w->status == DN_OK) pthread_cond_wait(&w->to_pipeline, &w->mu);
    if (w->status != DN_OK) s = writer_failure(ctx, w);
    pthread_mutex_unlock(&w->mu);
    return s;
}

void dni_writer_news(struct dni_writer *w, struct dni_writer_news *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->news;
    w->news.bulk_news = DNI_BULK_NONE;
    pthread_mutex_unlock(&w->mu);
}

void dni_writer_stop(struct dni_writer *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->to_writer);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->to_pipeline);
    pthread_cond_destroy(&w->to_writer);
    pthread_mutex_destroy(&w->mu);
    discard(w); /* the thread has ended: its context is this thread's now */
}

/** @file checkpointer.c
 * Checkpoints from a second connection in a thread (see checkpointer.h).
 */
#include <pthread.h>

#include "core/core.h"
#include "store/checkpointer.h"

enum { DEFAULT_AUTOCHECKPOINT = 1000 };

struct dni_checkpointer {
    sqlite3 *writer;
    sqlite3 *db; /* the thread's connection */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* the thread: a commit to copy, or stop */
    pthread_cond_t done; /* the writer: a checkpoint finished */
    unsigned long asked, started, finished; /* commits seen; checkpoints begun and finished for them */
    int wait_frames;
    bool stop;
};

static void *checkpoint_loop(void *arg)
{
    struct dni_checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->stop && c->started == c->asked) pthread_cond_wait(&c->wake, &c->mu);
        if (c->stop) break;
        c->started = c->asked;
        pthread_mutex_unlock(&c->mu);
        /* PASSIVE: copies what is committed and never waits for the writer;
         * a failure (busy, I/O) leaves the frames to the next checkpoint or
         * to the writer's own once this stops — SQLite's usual recovery */
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
        c->finished = c->started;
        pthread_cond_broadcast(&c->done);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* SQLite's WAL hook, called in the writer after each commit. */
static int on_commit(void *arg, sqlite3 *db, const char *schema, int frames)
{
    (void)db;
    (void)schema;
    struct dni_checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    unsigned long mine = ++c->asked;
    pthread_cond_signal(&c->wake);
    if (frames >= c->wait_frames)
        while (c->finished < mine) pthread_cond_wait(&c->done, &c->mu);
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

dn_status dni_checkpointer_start(dn_ctx *ctx, sqlite3 *writer, const char *path, int wait_frames,
                                 struct dni_checkpointer **out)
{
    *out = NULL;
    struct dni_checkpointer *c = dn_calloc(1, sizeof *c);
    if (!c) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    c->writer = writer;
    c->wait_frames = wait_frames;
    int rc = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        dn_status s = dni_fail(ctx, DN_ERR_DB, "%s: cannot open a checkpoint connection: %s", path,
                               c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sqlite3_close_v2(c->db);
        dn_free(c);
        return s;
    }
    /* a connection opens the WAL with its first read; until then a
     * checkpoint does nothing and says SQLITE_OK */
    rc = sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        dn_status s = dni_fail(ctx, DN_ERR_DB, "%s: cannot read it from a checkpoint connection: %s", path,
                               sqlite3_errmsg(c->db));
        sqlite3_close_v2(c->db);
        dn_free(c);
        return s;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->wake, NULL);
    pthread_cond_init(&c->done, NULL);
    if (pthread_create(&c->thread, NULL, checkpoint_loop, c) != 0) {
        pthread_cond_destroy(&c->done);
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->mu);
        sqlite3_close_v2(c->db);
        dn_free(c);
        return dni_fail(ctx, DN_ERR_INTERNAL, "cannot start the checkpoint thread");
    }
    sqlite3_wal_hook(writer, on_commit, c); /* replaces the automatic checkpoints' hook */
    *out = c;
    return DN_OK;
}

void dni_checkpointer_stop(struct dni_checkpointer *c)
{
    if (!c) return;
    sqlite3_wal_autocheckpoint(c->writer, DEFAULT_AUTOCHECKPOINT); /* SQLite's default, as before */
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_close_v2(c->db);
    pthread_cond_destroy(&c->done);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->mu);
    dn_free(c);
}

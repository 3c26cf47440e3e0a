/** @file store.c
 * Opening the SpatiaLite database, statement cache, transactions, metadata.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>
#include <spatialite.h>

#include "core/core.h"
#include "store/checkpointer.h"
#include "store/events.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/uid_map.h"

enum { STMT_CACHE = 96 };

struct cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

struct store_state {
    char *path;
    bool readonly; /* asked for, or the file is not writable by this process */
    struct cached_stmt cache[STMT_CACHE];
    size_t ncached;
    struct dni_events_state events; /* events.c's per-connection state */
    struct dni_checkpointer *checkpointer; /* NULL unless a bulk load runs */
};

/* Once the write transaction ends, another connection may store events:
 * the next id is asked again (events.c caches it within one transaction,
 * where this connection holds the write lock). Hooks see every end,
 * however the transaction was closed. */
static int forget_next_id(void *state)
{
    ((struct store_state *)state)->events.next_id = 0;
    return 0; /* 0: let the commit go on */
}
static void forget_next_id_on_rollback(void *state) { forget_next_id(state); }

static const char *const schema_tables[] = {"events",   "places",   "place_names", "admin_areas", "border",
                                            "crossings", "articles", "mentions",   "ingest_files", NULL};

const char *const *dn_store_tables(void) { return schema_tables; }

static void store_state_destroy(dn_ctx *ctx, void *p)
{
    struct store_state *s = p;
    dni_checkpointer_stop(s->checkpointer); /* before the writer's connection closes */
    dni_uid_map_destroy(s->events.uid_map);
    if (dni_db(ctx)) {
        /* the hooks point at this state; the connection may outlive it a moment */
        sqlite3_commit_hook(dni_db(ctx), NULL, NULL);
        sqlite3_rollback_hook(dni_db(ctx), NULL, NULL);
    }
    for (size_t i = 0; i < s->ncached; i++) sqlite3_finalize(s->cache[i].stmt);
    dn_free(s->path);
    dn_free(s);
}

void dn_store_close(dn_ctx *ctx)
{
    /* statements must be finalised before the connection closes */
    dni_slot_set(ctx, DNI_SLOT_STORE, NULL, NULL);
    dni_set_db(ctx, NULL, NULL);
}

const char *dn_store_path(dn_ctx *ctx)
{
    struct store_state *s = dni_slot_get(ctx, DNI_SLOT_STORE);
    return s && s->path ? s->path : "";
}

bool dni_store_writable_file(dn_ctx *ctx)
{
    struct store_state *s = dni_slot_get(ctx, DNI_SLOT_STORE);
    return s && s->path && *s->path && strcmp(s->path, ":memory:") != 0 && !s->readonly;
}

struct dni_events_state *dni_store_events_state(dn_ctx *ctx)
{
    static struct dni_events_state none;
    struct store_state *s = dni_slot_get(ctx, DNI_SLOT_STORE);
    return s ? &s->events : &none;
}

dn_status dni_store_pragma_int(dn_ctx *ctx, const char *sql, int *out)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *out = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? DN_OK : dni_fail_sqlite(ctx, "reading a setting");
}

int dni_store_checkpoint_wait_frames(dn_ctx *ctx)
{
    int page = 0;
    if (dni_store_pragma_int(ctx, "PRAGMA page_size", &page) != DN_OK) dni_clear_error(ctx); /* then 4 KiB */
    return DNI_CHECKPOINT_WAIT_BYTES / (page >= 512 ? page : 4096);
}

void dni_store_background_checkpoints(dn_ctx *ctx, bool on)
{
    struct store_state *s = dni_slot_get(ctx, DNI_SLOT_STORE);
    if (!s) return;
    if (!on) {
        dni_checkpointer_stop(s->checkpointer);
        s->checkpointer = NULL;
        return;
    }
    if (s->checkpointer || !dni_store_writable_file(ctx)) return;
    int wait_frames = dni_store_checkpoint_wait_frames(ctx);
    if (dni_checkpointer_start(ctx, dni_db(ctx), s->path, wait_frames, &s->checkpointer) != DN_OK) {
        dni_info(ctx, "%s; the writer checkpoints itself", dn_ctx_errmsg(ctx));
        dni_clear_error(ctx);
    }
}

dn_status dn_store_exec(dn_ctx *ctx, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(dni_db(ctx), sql, NULL, NULL, &err) != SQLITE_OK) {
        dn_status s = dni_fail(ctx, DN_ERR_DB, "%s: %s", sql, err ? err : "failed");
        sqlite3_free(err);
        return s;
    }
    return DN_OK;
}

dn_status dn_store_stmt(dn_ctx *ctx, const char *sql, sqlite3_stmt **out)
{
    *out = NULL;
    struct store_state *s = dni_slot_get(ctx, DNI_SLOT_STORE);
    if (!s || !dni_db(ctx)) return dni_fail(ctx, DN_ERR_INTERNAL, "no database open");
    for (size_t i = 0; i < s->ncached; i++) {
        if (s->cache[i].sql == sql || strcmp(s->cache[i].sql, sql) == 0) {
            sqlite3_reset(s->cache[i].stmt);
            sqlite3_clear_bindings(s->cache[i].stmt);
            *out = s->cache[i].stmt;
            return DN_OK;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dni_db(ctx), sql, -1, &st, NULL) != SQLITE_OK) return dni_fail_sqlite(ctx, "preparing SQL");
    if (s->ncached == STMT_CACHE) {
        /* full: evict the oldest; statements are cheap to prepare again */
        sqlite3_finalize(s->cache[0].stmt);
        memmove(s->cache, s->cache + 1, (STMT_CACHE - 1) * sizeof s->cache[0]);
        s->ncached--;
    }
    s->cache[s->ncached].sql = sql;
    s->cache[s->ncached].stmt = st;
    s->ncached++;
    *out = st;
    return DN_OK;
}

bool dn_store_readonly(dn_ctx *ctx)
{
    struct store_state *s = dni_slot_get(ctx, DNI_SLOT_STORE);
    return s && s->readonly;
}

dn_status dn_store_begin(dn_ctx *ctx)
{
    /* say why before SQLite's "attempt to write a readonly database" */
    if (dn_store_readonly(ctx))
        return dni_fail(ctx, DN_ERR_DB, "%s: the database is read-only (no permission to write it)",
                        dn_store_path(ctx));
    return dn_store_exec(ctx, "BEGIN IMMEDIATE");
}
dn_status dn_store_commit(dn_ctx *ctx) { return dn_store_exec(ctx, "COMMIT"); }

void dn_store_rollback(dn_ctx *ctx)
{
    if (dni_db(ctx) && !sqlite3_get_autocommit(dni_db(ctx))) sqlite3_exec(dni_db(ctx), "ROLLBACK", NULL, NULL, NULL);
}

static bool table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

dn_status dn_store_schema_version(dn_ctx *ctx, int *out)
{
    *out = 0;
    sqlite3 *db = dni_db(ctx);
    if (!db) return dni_fail(ctx, DN_ERR_INTERNAL, "no database open");
    if (!table_exists(db, "schema_version")) return DN_OK;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT max(version) FROM schema_version", &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) return dni_fail_sqlite(ctx, "reading the schema version");
    *out = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return DN_OK;
}

/* A database with tables but no schema_version was not made by durand:
 * refuse it rather than add our tables to someone else's file. */
static dn_status check_foreign(dn_ctx *ctx, const char *path)
{
    sqlite3_stmt *st = NULL;
    int n = 0;
    if (sqlite3_prepare_v2(dni_db(ctx), "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK) {
        dn_status s = dni_fail(ctx, DN_ERR_DB, "%s: cannot read the database: %s", path, sqlite3_errmsg(dni_db(ctx)));
        sqlite3_finalize(st);
        return s;
    }
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    else {
        dn_status s = dni_fail(ctx, DN_ERR_DB, "%s: cannot read the database: %s", path, sqlite3_errmsg(dni_db(ctx)));
        sqlite3_finalize(st);
        return s;
    }
    sqlite3_finalize(st);
    if (n > 0 && !table_exists(dni_db(ctx), "schema_version"))
        return dni_fail(ctx, DN_ERR_SCHEMA, "%s: not a durand database (it has tables but no schema_version)", path);
    return DN_OK;
}

/* "file:PATH?immutable=1" with PATH percent-encoded where URIs need it. */
static char *immutable_uri(const char *path)
{
    struct dn_strbuf b = {0};
    dn_strbuf_puts(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20 || *p >= 0x7f) dn_strbuf_printf(&b, "%%%02X", *p);
        else dn_strbuf_putc(&b, (char)*p);
    }
    dn_strbuf_puts(&b, "?immutable=1");
    if (b.failed) {
        dn_strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

/* A read-only process can read a WAL database only when it can create the
 * -shm/-wal files beside it or they exist already; otherwise (a database
 * shipped read-only in a read-only folder, with no writer at work) SQLite
 * must be told the file will not change. */
static bool needs_immutable(const char *path)
{
    struct stat sb;
    char *dir = dn_strdup(path), *wal = dn_malloc(strlen(path) + 5);
    bool yes = false;
    if (dir && wal) {
        char *slash = strrchr(dir, '/');
        const char *d = ".";
        if (slash == dir) d = "/";
        else if (slash) {
            *slash = '\0';
            d = dir;
        }
        snprintf(wal, strlen(path) + 5, "%s-wal", path);
        yes = access(d, W_OK) != 0 && stat(wal, &sb) != 0;
    }
    dn_free(dir);
    dn_free(wal);
    return yes;
}

dn_status dn_store_open(dn_ctx *ctx, const char *path, unsigned flags)
{
    dn_store_close(ctx);
    bool memory = strcmp(path, ":memory:") == 0;
    bool readonly = flags & DN_STORE_READONLY;
    struct stat sb;
    if (!memory && stat(path, &sb) != 0 && (readonly || !(flags & DN_STORE_CREATE)))
        return dni_fail(ctx, DN_ERR_NOT_FOUND, "%s: no such database (run 'durand init' first)", path);

    if (!memory && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return dni_fail(ctx, DN_ERR_IO, "%s: is a directory, not a database file", path);
    /* a database this process may not write: open it read-only, so that
     * reading commands work and writing ones fail with a clear message */
    if (!memory && !readonly && stat(path, &sb) == 0 && access(path, W_OK) != 0) readonly = true;

    struct store_state *state = dn_calloc(1, sizeof *state);
    if (!state || !(state->path = dn_strdup(path))) {
        dn_free(state);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    state->readonly = readonly;
    sqlite3 *db = NULL;
    int oflags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    char *uri = !memory && readonly && needs_immutable(path) ? immutable_uri(path) : NULL;
    int rc = sqlite3_open_v2(uri ? uri : path, &db, oflags | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0), NULL);
    dn_free(uri);
    if (rc != SQLITE_OK) {
        dn_status s = dni_fail(ctx, rc == SQLITE_CANTOPEN ? DN_ERR_IO : DN_ERR_DB, "%s: cannot open database: %s", path,
                               db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        store_state_destroy(ctx, state);
        return s;
    }
    void *cache = spatialite_alloc_connection();
    if (!cache) {
        sqlite3_close_v2(db);
        store_state_destroy(ctx, state);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory (SpatiaLite connection)");
    }
    spatialite_set_silent_mode(cache);
    spatialite_init_ex(db, cache, 0);
    dni_set_db(ctx, db, cache);
    dni_slot_set(ctx, DNI_SLOT_STORE, state, store_state_destroy);
    sqlite3_commit_hook(db, forget_next_id, state); /* unset by store_state_destroy */
    sqlite3_rollback_hook(db, forget_next_id_on_rollback, state);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 10000);

    dn_status s = check_foreign(ctx, path);
    if (s == DN_OK) s = dn_store_exec(ctx, "PRAGMA foreign_keys = ON");
    if (s == DN_OK && !memory && !readonly) {
        /* A new store gets 16 KiB pages (an existing one keeps its own:
         * SQLite fixes the size when the file is first written). A page is
         * a read() or write() of its own, twice over in the WAL; an ingest
         * of 1M rows wrote 1.1 GB in 4 KiB pages and spent a fifth of its
         * CPU time in the kernel. bench_ingest --versus, 6 rounds: B/A
         * 0.840 wall against 4 KiB pages (README, "Performance"). */
        s = dn_store_exec(ctx, "PRAGMA page_size = 16384");
        /* WAL: readers (durand query) see a consistent snapshot during an ingest. */
        if (s == DN_OK) s = dn_store_exec(ctx, "PRAGMA journal_mode = WAL");
        if (s == DN_OK) s = dn_store_exec(ctx, "PRAGMA synchronous = NORMAL");
    }
    int version = 0;
    if (s == DN_OK) s = dn_store_schema_version(ctx, &version);
    if (s == DN_OK && version > DN_SCHEMA_VERSION)
        s = dni_fail(ctx, DN_ERR_SCHEMA, "%s: schema version %d is newer than this durand understands (%d); upgrade durand",
                     path, version, DN_SCHEMA_VERSION);
    if (s == DN_OK && version == 0 && readonly)
        s = dni_fail(ctx, DN_ERR_NOT_FOUND, "%s: not a durand database yet (run 'durand init' first)", path);
    if (s == DN_OK && version < DN_SCHEMA_VERSION && !(readonly && version >= DN_SCHEMA_READABLE_FROM)) {
        if (readonly)
            s = dni_fail(ctx, DN_ERR_SCHEMA, "%s: schema version %d needs migrating to %d; open it read-write once", path,
                         version, DN_SCHEMA_VERSION);
        else
            s = dni_schema_migrate(ctx, version);
    }
    /* Only the writers (init, ingest) repair: a reader opening the store
     * during a bulk load must not rebuild the indexes it dropped. */
    if (s == DN_OK && !readonly && (flags & DN_STORE_CREATE)) s = dni_store_events_repair(ctx);
    if (s != DN_OK) {
        /* keep the message: closing does not touch it */
        dn_store_close(ctx);
        return s;
    }
    return DN_OK;
}

dn_status dn_store_count(dn_ctx *ctx, const char *table, long long *out)
{
    *out = 0;
    const char *sql = NULL;
    /* table names cannot be bound parameters: only names from the fixed list pass */
    static const char *const count_sql[] = {
        "SELECT count(*) FROM events",    "SELECT count(*) FROM places",   "SELECT count(*) FROM place_names",
        "SELECT count(*) FROM admin_areas", "SELECT count(*) FROM border", "SELECT count(*) FROM crossings",
        "SELECT count(*) FROM articles",  "SELECT count(*) FROM mentions", "SELECT count(*) FROM ingest_files"};
    for (size_t i = 0; schema_tables[i]; i++)
        if (strcmp(schema_tables[i], table) == 0) sql = count_sql[i];
    if (!sql) return dni_fail(ctx, DN_ERR_USAGE, "unknown table '%s'", table);
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    if (sqlite3_step(st) != SQLITE_ROW) return dni_fail_sqlite(ctx, "counting rows");
    *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DN_OK;
}

dn_status dn_store_meta_get(dn_ctx *ctx, const char *key, char **out)
{
    *out = NULL;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT value FROM meta WHERE key = ?", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = dn_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        return *out ? DN_OK : dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "reading metadata");
}

dn_status dn_store_meta_set(dn_ctx *ctx, const char *key, const char *value)
{
    bool own_tx = sqlite3_get_autocommit(dni_db(ctx));
    dn_status s = own_tx ? dn_store_begin(ctx) : DN_OK;
    if (s != DN_OK) return s;
    sqlite3_stmt *st;
    s = dn_store_stmt(ctx, "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", &st);
    if (s == DN_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "writing metadata");
        sqlite3_reset(st);
    }
    if (own_tx) {
        if (s == DN_OK) s = dn_store_commit(ctx);
        if (s != DN_OK) dn_store_rollback(ctx);
    }
    return s;
}

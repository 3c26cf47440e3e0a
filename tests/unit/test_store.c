/** @file test_store.c
 * Store: schema creation and versioning, refusal of foreign/newer/corrupt
 * files, metadata, transactions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <gdal.h>
#include <geodesic.h>
#include <ogr_api.h>

#include "core/core.h"
#include "geodata/geodata.h"
#include "store/checkpointer.h"
#include "store/events.h"
#include "store/rtree_pack.h"
#include "store/rtree_plan_thread.h"
#include "store/store.h"
#include "store/uid_map.h"
#include "tests.h"
#include "testutil.h"

static dn_ctx *ctx;
static char *tmp;

static void setup(void)
{
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    tmp = make_temp_dir();
}

static void teardown(void)
{
    ctx = dn_ctx_free(ctx);
    remove_tree(tmp);
    free(tmp);
    tmp = NULL;
}

static char *path_in_tmp(const char *name)
{
    static char buf[600];
    snprintf(buf, sizeof buf, "%s/%s", tmp, name);
    return buf;
}

/* The fixture's ctx creates the store at db; the second writer returned
 * (the caller frees it) opens the same file. */
static dn_ctx *open_two_writers(const char *db)
{
    dn_ctx *other = NULL;
    ck_assert_int_eq(dn_ctx_new(&other), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_open(other, db, 0), DN_OK);
    return other;
}

START_TEST(test_store__memory_db_gets_current_schema)
{
    ck_assert_int_eq(dn_store_open(ctx, ":memory:", DN_STORE_CREATE), DN_OK);
    int v = -1;
    ck_assert_int_eq(dn_store_schema_version(ctx, &v), DN_OK);
    ck_assert_int_eq(v, DN_SCHEMA_VERSION);
    for (const char *const *t = dn_store_tables(); *t; t++) {
        long long n = -1;
        ck_assert_int_eq(dn_store_count(ctx, *t, &n), DN_OK);
        ck_assert_int_eq(n, 0);
    }
    /* every geometry column is registered with a spatial index */
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT count(*) FROM geometry_columns WHERE spatial_index_enabled = 1", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 5);
}
END_TEST

START_TEST(test_store__unknown_table_is_refused)
{
    ck_assert_int_eq(dn_store_open(ctx, ":memory:", DN_STORE_CREATE), DN_OK);
    long long n;
    ck_assert_int_eq(dn_store_count(ctx, "events; DROP TABLE events", &n), DN_ERR_USAGE);
}
END_TEST

START_TEST(test_store__reopen_is_idempotent_and_uses_wal)
{
    char *p = path_in_tmp("d.sqlite");
    ck_assert_int_eq(dn_store_open(ctx, p, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_meta_set(ctx, "k", "v1"), DN_OK);
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, p, DN_STORE_CREATE), DN_OK);
    char *v = NULL;
    ck_assert_int_eq(dn_store_meta_get(ctx, "k", &v), DN_OK);
    ck_assert_str_eq(v, "v1");
    dn_free(v);
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT count(*) FROM schema_version", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), DN_SCHEMA_VERSION); /* one row per migration, not per open */
    ck_assert_int_eq(dn_store_stmt(ctx, "PRAGMA journal_mode", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "wal");
}
END_TEST

START_TEST(test_store__missing_db_without_create_is_not_found)
{
    ck_assert_int_eq(dn_store_open(ctx, path_in_tmp("none.sqlite"), 0), DN_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "none.sqlite"));
    ck_assert_ptr_null(dni_db(ctx));
}
END_TEST

START_TEST(test_store__foreign_db_is_refused)
{
    char *p = path_in_tmp("foreign.sqlite");
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    ck_assert_int_eq(dn_store_open(ctx, p, DN_STORE_CREATE), DN_ERR_SCHEMA);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "not a durand database"));
}
END_TEST

START_TEST(test_store__newer_schema_is_refused)
{
    char *p = path_in_tmp("newer.sqlite");
    ck_assert_int_eq(dn_store_open(ctx, p, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_exec(ctx, "INSERT INTO schema_version VALUES (99, 'future')"), DN_OK);
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, p, 0), DN_ERR_SCHEMA);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "newer"));
}
END_TEST

START_TEST(test_store__corrupt_file_is_a_db_error)
{
    char *p = path_in_tmp("corrupt.sqlite");
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 4096; i++) fputc("garbage!"[i % 8], f);
    fclose(f);
    dn_status s = dn_store_open(ctx, p, DN_STORE_CREATE);
    ck_assert_int_eq(s, DN_ERR_DB);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "corrupt.sqlite"));
}
END_TEST

START_TEST(test_store__rollback_discards_writes)
{
    ck_assert_int_eq(dn_store_open(ctx, ":memory:", DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_meta_set(ctx, "k", "v"), DN_OK);
    dn_store_rollback(ctx);
    char *v = (char *)"sentinel";
    ck_assert_int_eq(dn_store_meta_get(ctx, "k", &v), DN_OK);
    ck_assert_ptr_null(v);
    dn_store_rollback(ctx); /* no transaction open: harmless */
}
END_TEST

static void make_event(struct dn_event *ev, const char *uid, const char *source, const char *date, double lon,
                       double lat, const char *type, const char *hash)
{
    dn_event_init(ev);
    ck_assert(dn_event_set(&ev->uid, uid));
    ck_assert(dn_event_set(&ev->source_kind, "csv"));
    ck_assert(dn_event_set(&ev->source, source));
    ck_assert(dn_event_set(&ev->date, date));
    ev->date_precision = DN_DATE_DAY;
    ck_assert(dn_event_set(&ev->type, type));
    ck_assert(dn_event_set(&ev->row_hash, hash));
    ev->has_coords = true;
    ev->lon = lon;
    ev->lat = lat;
    ev->fatalities = 3;
}

static long long cluster_of(long long id)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT cluster_id FROM events WHERE id = ?", &st), DN_OK);
    sqlite3_bind_int64(st, 1, id);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long c = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return c;
}

START_TEST(test_store__upsert_is_idempotent_and_detects_changes)
{
    ck_assert_int_eq(dn_store_open(ctx, ":memory:", DN_STORE_CREATE), DN_OK);
    struct dn_event ev;
    make_event(&ev, "csv:a.csv:1", "a.csv", "2024-03-16", 70.2922, 33.0186, "Battles", "h1");
    enum dn_upsert_result r;
    long long id1 = 0, id2 = 0;
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, NULL, &r, &id1), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_INSERTED);
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, NULL, &r, &id2), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(id1, id2);
    ck_assert(dn_event_set(&ev.row_hash, "h2"));
    ev.fatalities = 7;
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, NULL, &r, &id2), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_UPDATED);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    long long n;
    ck_assert_int_eq(dn_store_count(ctx, "events", &n), DN_OK);
    ck_assert_int_eq(n, 1);
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT fatalities, ST_X(geom), ST_Y(geom) FROM events", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 7);
    ck_assert_double_eq_tol(sqlite3_column_double(st, 1), 70.2922, 1e-9); /* lon first */
    ck_assert_double_eq_tol(sqlite3_column_double(st, 2), 33.0186, 1e-9);
    sqlite3_reset(st);
    ck_assert_int_eq(cluster_of(id1), id1);
    dn_event_clear(&ev);
}
END_TEST

START_TEST(test_store__reports_of_one_incident_share_a_cluster)
{
    ck_assert_int_eq(dn_store_open(ctx, ":memory:", DN_STORE_CREATE), DN_OK);
    struct dn_dedupe_opts d = DN_DEDUPE_DEFAULTS;
    struct dn_event a, b, c, e, f;
    /* b: another source, next day, ~2.5 km away: same incident */
    make_event(&a, "u:a", "acled.csv", "2024-03-16", 70.2922, 33.0186, "Battles", "1");
    make_event(&b, "u:b", "article.txt", "2024-03-17", 70.3100, 33.0300, "suicide attack", "2");
    /* c: same source as a: never merged with it */
    make_event(&c, "u:c", "acled.csv", "2024-03-16", 70.2930, 33.0190, "Battles", "3");
    /* e: 3 days later: outside the window */
    make_event(&e, "u:e", "ucdp.csv", "2024-03-19", 70.2922, 33.0186, "state-based", "4");
    /* f: talks, not violence: not the same incident */
    make_event(&f, "u:f", "news.txt", "2024-03-16", 70.2922, 33.0186, "talks", "5");
    struct dn_event *all[] = {&a, &b, &c, &e, &f};
    long long ids[5];
    enum dn_upsert_result r;
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    for (int i = 0; i < 5; i++) ck_assert_int_eq(dn_store_event_upsert(ctx, all[i], &d, &r, &ids[i]), DN_OK);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    ck_assert_int_eq(cluster_of(ids[0]), ids[0]);
    ck_assert_int_eq(cluster_of(ids[1]), ids[0]);
    ck_assert_int_eq(cluster_of(ids[2]), ids[2]);
    ck_assert_int_eq(cluster_of(ids[3]), ids[3]);
    ck_assert_int_eq(cluster_of(ids[4]), ids[4]);
    /* b corrected to a place 565 km away: an incident of its own; corrected
     * back: with an incident again, the nearest report's (c, stored after b
     * first came, lies nearer than a) */
    struct dn_event moved;
    make_event(&moved, "u:b", "article.txt", "2024-03-17", 66.45, 30.95 - 2.5, "suicide attack", "2b");
    long long id;
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_event_upsert(ctx, &moved, &d, &r, &id), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_UPDATED);
    ck_assert_int_eq(id, ids[1]);
    ck_assert_int_eq(cluster_of(ids[1]), ids[1]);
    ck_assert_int_eq(dn_store_event_upsert(ctx, &b, &d, &r, &id), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_UPDATED);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    ck_assert_int_eq(cluster_of(ids[1]), ids[2]);
    dn_event_clear(&moved);
    for (int i = 0; i < 5; i++) dn_event_clear(all[i]);
    ck_assert(dn_event_types_compatible("Explosions/Remote violence", "bombing"));
    ck_assert(!dn_event_types_compatible("Protests", "armed clash"));
    ck_assert(dn_event_types_compatible(NULL, "talks"));
}
END_TEST

/* The next event id is remembered within a write transaction: after this
 * connection's commit or rollback, another writer may have stored events,
 * and the next id must come from the table again, not collide. */
START_TEST(test_store__event_ids_do_not_collide_across_writers)
{
    const char *db = path_in_tmp("ids.sqlite");
    dn_ctx *other = open_two_writers(db);
    struct dn_event ev;
    enum dn_upsert_result r;
    long long id[6] = {0};
    char uid[32];
    for (int i = 0; i < 6; i++) {
        /* a: ctx, b: other; ctx's third transaction is rolled back */
        dn_ctx *writer = i % 2 ? other : ctx;
        snprintf(uid, sizeof uid, "u:%d", i);
        make_event(&ev, uid, i % 2 ? "b.csv" : "a.csv", "2024-03-16", 70.0 + i, 33.0, "Battles", "h");
        ck_assert_int_eq(dn_store_begin(writer), DN_OK);
        ck_assert_int_eq(dn_store_event_upsert(writer, &ev, NULL, &r, &id[i]), DN_OK);
        ck_assert_int_eq(r, DN_UPSERT_INSERTED);
        if (i == 4) dn_store_rollback(writer);
        else ck_assert_int_eq(dn_store_commit(writer), DN_OK);
        dn_event_clear(&ev);
    }
    long long n = 0;
    ck_assert_int_eq(dn_store_count(ctx, "events", &n), DN_OK);
    ck_assert_int_eq(n, 5);
    for (int i = 1; i < 6; i++) ck_assert_int_eq(id[i], i == 5 ? id[3] + 1 : id[i - 1] + 1);
    /* within one transaction the remembered id goes on counting */
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    for (int i = 6; i < 9; i++) {
        snprintf(uid, sizeof uid, "u:%d", i);
        make_event(&ev, uid, "a.csv", "2024-03-17", 71.0, 33.0 + i / 10.0, "Battles", "h");
        ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, NULL, &r, &id[0]), DN_OK);
        ck_assert_int_eq(id[0], id[5] + i - 5);
        dn_event_clear(&ev);
    }
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    other = dn_ctx_free(other);
}
END_TEST

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* The open store's page size: a new store's is durand's (store.c), not
 * SQLite's 4 KiB. */
static long long page_size(void)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "PRAGMA page_size", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long size = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return size;
}

/* The bytes of each blob commit_blobs stores: three quarters of a page. */
static long long blob_bytes(void) { return page_size() * 3 / 4; }

/* Commit `rows` rows of a blob of blob_bytes() each: about one page a row. */
static void commit_blobs(int rows)
{
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "INSERT INTO ckpt_test(b) VALUES (randomblob(?))", &st), DN_OK);
    sqlite3_bind_int64(st, 1, blob_bytes());
    for (int i = 0; i < rows; i++) {
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
}

/* The background checkpointer copies each commit into the database file
 * although the WAL is far below SQLite's automatic threshold (1,000
 * pages), and a writer that reaches wait_frames waits for it, so the WAL
 * starts again instead of growing with the data. */
START_TEST(test_store__checkpointer_copies_the_wal_and_bounds_it)
{
    char db[600], wal[620];
    snprintf(db, sizeof db, "%s", path_in_tmp("ckpt.sqlite"));
    snprintf(wal, sizeof wal, "%s-wal", db);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_exec(ctx, "CREATE TABLE ckpt_test(b BLOB)"), DN_OK);
    ck_assert_int_eq(sqlite3_wal_checkpoint_v2(dni_db(ctx), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
    long long before = file_size(db);
    struct dni_checkpointer *c = NULL;
    enum { WAIT_FRAMES = 120, BATCH = 40, BATCHES = 30 };
    ck_assert_int_eq(dni_checkpointer_start(ctx, dni_db(ctx), db, WAIT_FRAMES, &c), DN_OK);
    commit_blobs(BATCH);
    /* asynchronous: give the thread up to 20 s (valgrind) */
    for (int i = 0; i < 2000 && file_size(db) < before + BATCH * blob_bytes(); i++) usleep(10000);
    ck_assert_int_ge(file_size(db), before + BATCH * blob_bytes());
    long long wal_max = 0;
    for (int i = 1; i < BATCHES; i++) {
        commit_blobs(BATCH);
        if (file_size(wal) > wal_max) wal_max = file_size(wal);
    }
    dni_checkpointer_stop(c);
    /* 30 batches of 40 pages: 1,200 frames unchecked; waiting keeps the WAL
     * within WAIT_FRAMES plus the batch that crossed it and one begun beside
     * the checkpoint (each frame is a page and a 24-byte header) */
    ck_assert_int_gt(wal_max, 0);
    ck_assert_int_le(wal_max, 32 + (long long)(WAIT_FRAMES + 2 * (BATCH + 5)) * (page_size() + 24));
    long long n = 0;
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT count(*) FROM ckpt_test", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    ck_assert_int_eq(n, BATCH * BATCHES);
    /* the automatic checkpoints are back: a large commit is copied at once */
    long long size_before = file_size(db);
    commit_blobs(1100);
    ck_assert_int_gt(file_size(db), size_before + 1000 * blob_bytes());
}
END_TEST

/* A bulk load's WAL bound is a size, not a count of pages: a new store's
 * 16 KiB pages and an older store's 4 KiB ones give the same bytes (in
 * frames, it had grown fourfold when new stores got 16 KiB pages). */
START_TEST(test_store__checkpoint_wait_is_the_same_bytes_on_any_page_size)
{
    char old_db[600];
    snprintf(old_db, sizeof old_db, "%s", path_in_tmp("pages4k.sqlite"));
    sqlite3 *raw;
    ck_assert_int_eq(sqlite3_open(old_db, &raw), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(raw, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    ck_assert_int_eq(dn_store_open(ctx, old_db, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(page_size(), 4096);
    int old_frames = dni_store_checkpoint_wait_frames(ctx);
    ck_assert_int_eq((long long)old_frames * 4096, DNI_CHECKPOINT_WAIT_BYTES);
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, path_in_tmp("pages16k.sqlite"), DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(page_size(), 16384);
    ck_assert_int_eq((long long)dni_store_checkpoint_wait_frames(ctx) * 16384, DNI_CHECKPOINT_WAIT_BYTES);
    ck_assert_int_eq(dni_store_checkpoint_wait_frames(ctx) * 4, old_frames);
}
END_TEST

/* A checkpointer that cannot start leaves the writer as it was: the bulk
 * load goes on, says so once, and SQLite's automatic checkpoints still copy
 * every large commit into the database file. */
START_TEST(test_store__checkpointer_that_cannot_start_leaves_the_writer_checkpointing)
{
    char db[600];
    snprintf(db, sizeof db, "%s", path_in_tmp("ckpt_fail.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_exec(ctx, "CREATE TABLE ckpt_test(b BLOB)"), DN_OK);
    struct dni_checkpointer *c = (struct dni_checkpointer *)&c; /* must be cleared */
    dni_alloc_fail_after(1);
    dn_status st = dni_checkpointer_start(ctx, dni_db(ctx), db, 120, &c);
    dni_alloc_fail_after(0);
    ck_assert_int_eq(st, DN_ERR_NOMEM);
    ck_assert_ptr_null(c);
    long long size_before = file_size(db);
    commit_blobs(1100);
    ck_assert_int_gt(file_size(db), size_before + 1000 * blob_bytes());

    /* the same through the store: an info line, no error left behind */
    struct captured cap = {0};
    dn_ctx_set_output(ctx, capture_output, &cap);
    dni_alloc_fail_after(1);
    dni_store_background_checkpoints(ctx, true);
    dni_alloc_fail_after(0);
    ck_assert_msg(strstr(cap.err.data ? cap.err.data : "", "the writer checkpoints itself") != NULL, "%s",
                  cap.err.data ? cap.err.data : "(nothing)");
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "");
    size_before = file_size(db);
    commit_blobs(1100);
    ck_assert_int_gt(file_size(db), size_before + 1000 * blob_bytes());
    dni_store_background_checkpoints(ctx, false); /* nothing to stop */
    dn_ctx_set_output(ctx, NULL, NULL);
    captured_free(&cap);
}
END_TEST

START_TEST(test_store__readonly_open_reads_and_refuses_writes)
{
    char db[600];
    snprintf(db, sizeof db, "%s", path_in_tmp("ro.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert(!dn_store_readonly(ctx));
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_READONLY), DN_OK);
    ck_assert(dn_store_readonly(ctx));
    long long n = -1;
    ck_assert_int_eq(dn_store_count(ctx, "events", &n), DN_OK);
    ck_assert_int_eq(n, 0);
    /* a write says why it cannot happen, before SQLite's own message */
    ck_assert_int_eq(dn_store_begin(ctx), DN_ERR_DB);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "ro.sqlite: the database is read-only"));
}
END_TEST

START_TEST(test_store__empty_file_or_directory_as_database)
{
    /* an empty file opened read-only is not turned into a database */
    char db[600];
    snprintf(db, sizeof db, "%s", path_in_tmp("empty.sqlite"));
    FILE *f = fopen(db, "wb");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_READONLY), DN_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "not a durand database yet (run 'durand init' first)"));
    f = fopen(db, "rb");
    ck_assert_int_eq(fgetc(f), EOF);
    fclose(f);
    ck_assert_int_eq(dn_store_open(ctx, tmp, DN_STORE_CREATE), DN_ERR_IO);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "is a directory, not a database file"));
}
END_TEST

/* The features of a GeoJSON text or of `path` (layer `layer`, NULL = the
 * first) as "x y;" pairs of their points, read back through OGR. */
static char *ogr_points(const char *geojson, const char *path, const char *layer)
{
    static char buf[512];
    const char *mem = "/vsimem/test_store_points.geojson";
    if (geojson) VSIFCloseL(VSIFileFromMemBuffer(mem, (GByte *)geojson, (vsi_l_offset)strlen(geojson), FALSE));
    GDALDatasetH ds = GDALOpenEx(geojson ? mem : path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(ds);
    OGRLayerH l = layer ? GDALDatasetGetLayerByName(ds, layer) : GDALDatasetGetLayer(ds, 0);
    ck_assert_ptr_nonnull(l);
    buf[0] = '\0';
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        ck_assert_ptr_nonnull(g);
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%.4f %.4f;", OGR_G_GetX(g, 0), OGR_G_GetY(g, 0));
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (geojson) VSIUnlink(mem);
    return buf;
}

/* An event stored through the store's upsert at Peshawar (71.5785 E,
 * 34.0151 N: swapping the axes moves it to the Arctic) comes back through
 * durand's own read paths with X = longitude: the spatial filters (R*Tree
 * on the stored point, then the exact test), `query --format geojson` and
 * the exported incidents layer, both re-read with OGR. */
START_TEST(test_store__event_point_reads_back_lon_lat)
{
    char db[600], out[600];
    snprintf(db, sizeof db, "%s", path_in_tmp("axis.sqlite"));
    snprintf(out, sizeof out, "%s", path_in_tmp("incidents.geojson"));
    /* the small geodata: a store without any makes the first command load
     * the shipped geodata (some 7 CPU-minutes under valgrind) */
    ck_assert_int_eq(dni_set_geodata_dir(ctx, DN_TEST_MINI_GEODATA), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_msg(dn_geodata_load(ctx, false, NULL) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    struct dn_event ev;
    make_event(&ev, "csv:axis.csv:1", "axis.csv", "2024-03-16", 71.5785, 34.0151, "Battles", "h1");
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    enum dn_upsert_result r;
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, NULL, &r, NULL), DN_OK);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    dn_event_clear(&ev);
    dn_store_close(ctx);

    struct captured c;
    /* --bbox is W,S,E,N: the box around Peshawar finds it, the box with
     * the axes swapped does not */
    ck_assert_int_eq(run_cli(&c, "--geodata", DN_TEST_MINI_GEODATA, "--db", db, "query", "--bbox", "71.5,33.9,71.7,34.1", "--format", "geojson", NULL), 0);
    ck_assert_str_eq(ogr_points(c.out.data, NULL, NULL), "71.5785 34.0151;");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--geodata", DN_TEST_MINI_GEODATA, "--db", db, "query", "--bbox", "33.9,71.5,34.1,71.7", "--format", "json", NULL), 0);
    ck_assert_str_eq(c.out.data, "[]\n");
    captured_free(&c);

    /* --near takes LAT,LON as people write them: Kabul is 228.77 km away
     * (geod_inverse here, lat first), so a radius just over it finds the
     * event and one just under does not */
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    double s12;
    geod_inverse(&g, 34.5281, 69.1723, 34.0151, 71.5785, &s12, NULL, NULL);
    char over[32], under[32];
    snprintf(over, sizeof over, "%.3f", s12 / 1000 + 0.05);
    snprintf(under, sizeof under, "%.3f", s12 / 1000 - 0.05);
    ck_assert_int_eq(run_cli(&c, "--geodata", DN_TEST_MINI_GEODATA, "--db", db, "query", "--near", "34.5281,69.1723", "--radius", over, "--format",
                             "geojson", NULL),
                     0);
    ck_assert_str_eq(ogr_points(c.out.data, NULL, NULL), "71.5785 34.0151;");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--geodata", DN_TEST_MINI_GEODATA, "--db", db, "query", "--near", "34.5281,69.1723", "--radius", under, "--format",
                             "json", NULL),
                     0);
    ck_assert_str_eq(c.out.data, "[]\n");
    captured_free(&c);

    /* the exported incidents layer, re-read by OGR */
    ck_assert_int_eq(run_cli(&c, "--quiet", "--geodata", DN_TEST_MINI_GEODATA, "--db", db, "export", "--format", "geojson", "--out", out, "--layers",
                             "incidents", NULL),
                     0);
    captured_free(&c);
    ck_assert_str_eq(ogr_points(NULL, out, "incidents"), "71.5785 34.0151;");
}
END_TEST


/* ---- the packed R*Tree (store/rtree_pack.c) ---------------------------------- */

static sqlite3 *pack_db(void)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    dni_set_db(ctx, db, NULL); /* the context owns it now */
    return db;
}

static const char *text_of(sqlite3 *db, const char *sql)
{
    static char buf[512];
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static unsigned long long pack_rng;
static double pack_rand(void)
{
    pack_rng = pack_rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(pack_rng >> 11) / 9007199254740992.0;
}

/* n entries in table src: mostly points (the events' case), some boxes,
 * values on both sides of zero and where a float rounds either way. */
static void fill_entries(sqlite3 *db, int n)
{
    sql_exec(db, "DROP TABLE IF EXISTS src; CREATE TABLE src(id INTEGER PRIMARY KEY, x0, x1, y0, y1)");
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO src VALUES (?, ?, ?, ?, ?)", -1, &st, NULL), SQLITE_OK);
    sql_exec(db, "BEGIN");
    for (int i = 0; i < n; i++) {
        double x = 60 + pack_rand() * 15, y = 29 + pack_rand() * 8;
        if (i % 7 == 3) x = -x, y = -y;
        if (i % 11 == 5) x = 0.1 * (i % 3 - 1), y = 1e-30 * (i % 2 ? 1 : -1);
        double w = i % 5 == 0 ? pack_rand() * 0.3 : 0;
        sqlite3_bind_int64(st, 1, 1000 + 3LL * i); /* not dense, not starting at 1 */
        sqlite3_bind_double(st, 2, x);
        sqlite3_bind_double(st, 3, x + w);
        sqlite3_bind_double(st, 4, y);
        sqlite3_bind_double(st, 5, y + w / 2);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sql_exec(db, "COMMIT");
}

/* The packed tree against SQLite's own inserts of the same entries. */
static void assert_same_as_inserted(sqlite3 *db, int n)
{
    sql_exec(db, "DROP TABLE IF EXISTS ref; CREATE VIRTUAL TABLE ref USING rtree(pkid, xmin, xmax, ymin, ymax);"
                "INSERT INTO ref SELECT * FROM src");
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed"), n);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed p JOIN ref r USING (pkid) WHERE p.xmin = r.xmin"
                                " AND p.xmax = r.xmax AND p.ymin = r.ymin AND p.ymax = r.ymax"),
                     n);
    ck_assert_str_eq(text_of(db, "SELECT rtreecheck('packed')"), "ok");
    /* window searches walk the tree: the same answers as the inserted one */
    for (int q = 0; q < 40; q++) {
        double w = (q % 4 ? 55 : -80) + pack_rand() * 25, s = (q % 4 ? 25 : -40) + pack_rand() * 15;
        double size = q % 3 ? 0.5 : 6;
        char sql[400];
        const char *const tables[] = {"packed", "ref"};
        long long found[2];
        for (int t = 0; t < 2; t++) {
            snprintf(sql, sizeof sql,
                     "SELECT count(*), 0 FROM %s WHERE xmin <= %.17g AND xmax >= %.17g AND ymin <= %.17g"
                     " AND ymax >= %.17g",
                     tables[t], w + size, w, s + size, s);
            found[t] = sql_int(db, sql);
        }
        ck_assert_int_eq(found[0], found[1]);
    }
}

START_TEST(test_store__packed_rtree_equals_inserted)
{
    sqlite3 *db = pack_db();
    pack_rng = 42;
    /* empty; a lone leaf root; one full node; two; three levels (51 a node) */
    static const int sizes[] = {0, 1, 51, 52, 2700};
    sql_exec(db, "CREATE VIRTUAL TABLE packed USING rtree(pkid, xmin, xmax, ymin, ymax);"
                "INSERT INTO packed VALUES (7, 1, 2, 3, 4), (8, -1, 0, 0, 1)"); /* replaced by the pack */
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        int n = sizes[k];
        fill_entries(db, n);
        sql_exec(db, "BEGIN");
        ck_assert_int_eq(dni_rtree_pack(ctx, "packed", "SELECT id, x0, x1, y0, y1 FROM src"), DN_OK);
        sql_exec(db, "COMMIT");
        assert_same_as_inserted(db, n);
        /* the root's first two bytes: the tree's depth */
        ck_assert_str_eq(text_of(db, "SELECT hex(substr(data, 1, 2)) FROM packed_node WHERE nodeno = 1"),
                         n <= 51 ? "0000" : n <= 51 * 51 ? "0001" : "0002");
    }
    /* SQLite goes on inserting into and deleting from a packed tree */
    sql_exec(db, "INSERT INTO packed SELECT id + 1, x0, x1, y0, y1 FROM src WHERE id % 9 = 1;"
                "DELETE FROM packed WHERE pkid % 4 = 0;"
                "INSERT INTO src SELECT id + 1, x0, x1, y0, y1 FROM src WHERE id % 9 = 1;"
                "DELETE FROM src WHERE id % 4 = 0");
    assert_same_as_inserted(db, (int)sql_int(db, "SELECT count(*) FROM src"));
}
END_TEST

/* Where the shadow tables may not be written, SQLite's own inserts build
 * the same entries. */
START_TEST(test_store__packed_rtree_falls_back_when_defensive)
{
    sqlite3 *db = pack_db();
    pack_rng = 7;
    fill_entries(db, 300);
    sql_exec(db, "CREATE VIRTUAL TABLE packed USING rtree(pkid, xmin, xmax, ymin, ymax)");
    ck_assert_int_eq(sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL), SQLITE_OK);
    sql_exec(db, "BEGIN");
    ck_assert_int_eq(dni_rtree_pack(ctx, "packed", "SELECT id, x0, x1, y0, y1 FROM src"), DN_OK);
    sql_exec(db, "COMMIT");
    assert_same_as_inserted(db, 300);
}
END_TEST

/* Two entries with one id cannot both be in an R*Tree: an error naming the
 * id, and after the caller's rollback the tree as it was. */
START_TEST(test_store__packed_rtree_refuses_a_repeated_id)
{
    sqlite3 *db = pack_db();
    sql_exec(db, "CREATE TABLE src(id, x0, x1, y0, y1);"
                "INSERT INTO src VALUES (1, 70, 70, 33, 33), (2, 71, 71, 34, 34), (1, 69, 69, 32, 32);"
                "CREATE VIRTUAL TABLE packed USING rtree(pkid, xmin, xmax, ymin, ymax);"
                "INSERT INTO packed VALUES (5, 1, 2, 3, 4)");
    sql_exec(db, "BEGIN");
    ck_assert_int_eq(dni_rtree_pack(ctx, "packed", "SELECT id, x0, x1, y0, y1 FROM src"), DN_ERR_DB);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "two entries for id 1"));
    sql_exec(db, "ROLLBACK");
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed WHERE pkid = 5"), 1);
    ck_assert_str_eq(text_of(db, "SELECT rtreecheck('packed')"), "ok");
}
END_TEST

static void begin_batch_on(dn_ctx *writer)
{
    ck_assert_int_eq(dn_store_begin(writer), DN_OK);
    ck_assert_int_eq(dn_store_events_batch_begin(writer), DN_OK);
}

static void end_batch_on(dn_ctx *writer)
{
    ck_assert_int_eq(dn_store_events_batch_end(writer), DN_OK);
    ck_assert_int_eq(dn_store_commit(writer), DN_OK);
}

/* The bulk load's end, its last batch's and its transaction's, as an ingest ends them. */
static void finish_bulk_load(void)
{
    ck_assert_int_eq(dn_store_events_bulk_end(ctx), DN_OK);
    end_batch_on(ctx);
}

#define ALL_EVENTS_INDEXES "events_admin,events_border,events_cluster,events_date,events_source,events_uid"

/* The secondary indexes of events, by name, as a comma-separated list. */
static const char *events_indexes(void)
{
    return text_of(dni_db(ctx), "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE"
                                " type = 'index' AND tbl_name = 'events' AND name LIKE 'events_%' ORDER BY name)");
}

/* How many INSERT triggers events has. */
static int events_insert_triggers(void)
{
    return sql_int(dni_db(ctx), "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
                               " AND sql LIKE '% INSERT ON events%'");
}

/* A bulk load on a file store: the three indexes whose entries go in at
 * random are dropped, the two that grow at one end (one source, clusters
 * of their own) and the uids' kept, and the INSERT triggers lifted; at its end every
 * index and trigger is back, the R*Tree holds every event (packed from the
 * plan thread), and the store is sound. */
START_TEST(test_store__bulk_load_keeps_the_append_only_indexes)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("bulk.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db_path, DN_STORE_CREATE), DN_OK);
    ck_assert_str_eq(events_indexes(), ALL_EVENTS_INDEXES);
    ck_assert_int_eq(events_insert_triggers(), 2);
    struct dn_dedupe_opts none = {.enabled = false};
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES), DN_OK);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source,events_uid");
    ck_assert_int_eq(events_insert_triggers(), 0);
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        if (i % 1000 == 999) { /* batches, as an ingest commits them */
            ck_assert_int_eq(dn_store_events_batch_end(ctx), DN_OK);
            ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
            ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
            ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
        }
        char uid[32];
        snprintf(uid, sizeof uid, "csv:bulk.csv:%d", i);
        struct dn_event ev;
        make_event(&ev, uid, "bulk.csv", "2024-03-16", 69 + (i % 97) * 0.01, 32 + (i % 89) * 0.01, "Battles", "h");
        enum dn_upsert_result r;
        ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, &none, &r, NULL), DN_OK);
        ck_assert_int_eq(r, DN_UPSERT_INSERTED);
        dn_event_clear(&ev);
    }
    ck_assert_int_eq(dn_store_events_bulk_end(ctx), DN_OK); /* commits the last batch, then goes on */
    ck_assert_int_eq(dn_store_events_batch_end(ctx), DN_OK);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    ck_assert_str_eq(events_indexes(), ALL_EVENTS_INDEXES);
    ck_assert_int_eq(events_insert_triggers(), 2);
    sqlite3 *db = dni_db(ctx);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events"), N);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events WHERE cluster_id = id"), N);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM idx_events_geom r JOIN events e ON r.pkid = e.id"
                                " WHERE r.xmin <= e.lon AND r.xmax >= e.lon AND r.ymin <= e.lat AND r.ymax >= e.lat"),
                     N);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events_rtree_deferred"), 0);
    ck_assert_str_eq(text_of(db, "SELECT rtreecheck('idx_events_geom')"), "ok");
    ck_assert_str_eq(text_of(db, "PRAGMA integrity_check"), "ok");
}
END_TEST

/* A bulk load with dedupe (a second source) drops only the indexes no
 * lookup of an ingest reads; the lookups still find their rows, and at
 * its end every index is back. */
START_TEST(test_store__bulk_load_with_dedupe_keeps_the_lookup_indexes)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("bulk-dedupe.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db_path, DN_STORE_CREATE), DN_OK);
    struct dn_dedupe_opts dedupe = {.enabled = true, .window_days = 1, .window_km = 5};
    struct dn_event ev;
    enum dn_upsert_result r;
    long long first, second;
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    make_event(&ev, "acled:A1", "acled.csv", "2024-03-16", 70.2922, 33.0186, "Battles", "h");
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, &dedupe, &r, &first), DN_OK);
    dn_event_clear(&ev);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_KEEP_LOOKUP_INDEXES), DN_OK);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_date,events_source,events_uid");
    make_event(&ev, "ucdp:U1", "ucdp.csv", "2024-03-16", 70.30, 33.02, "Battles", "h"); /* ~1 km off */
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, &dedupe, &r, &second), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_INSERTED);
    ck_assert_int_eq(cluster_of(second), first);
    ck_assert_int_eq(dn_store_event_upsert(ctx, &ev, &dedupe, &r, NULL), DN_OK);
    ck_assert_int_eq(r, DN_UPSERT_UNCHANGED);
    dn_event_clear(&ev);
    finish_bulk_load();
    ck_assert_str_eq(events_indexes(), ALL_EVENTS_INDEXES);
    ck_assert_str_eq(text_of(dni_db(ctx), "PRAGMA integrity_check"), "ok");
}
END_TEST

/* Every id put under a hash is found under it, one per call, also after
 * the map has grown past its first capacity; a hash never put finds none. */
START_TEST(test_store__uid_map_finds_every_id_of_a_hash)
{
    struct dni_uid_map *map = dni_uid_map_create();
    ck_assert_ptr_nonnull(map);
    enum { N = 5000, SHARED = 42 };
    for (long long id = 1; id <= N; id++)
        ck_assert(dni_uid_map_put(map, id % 7 == 0 ? SHARED : (uint64_t)id * 2654435761u, id));
    size_t cursor = 0;
    long long id, found = 0;
    while ((id = dni_uid_map_next(map, SHARED, &cursor))) {
        ck_assert_int_eq(id % 7, 0);
        found++;
    }
    ck_assert_int_eq(found, N / 7);
    for (long long want = 1; want <= N; want++) {
        if (want % 7 == 0) continue;
        cursor = 0;
        while ((id = dni_uid_map_next(map, (uint64_t)want * 2654435761u, &cursor)) && id != want) {}
        ck_assert_int_eq(id, want);
    }
    cursor = 0;
    ck_assert_int_eq(dni_uid_map_next(map, 7, &cursor), 0);
    ck_assert_uint_ne(dni_uid_map_hash("csv:a.csv:1"), dni_uid_map_hash("csv:a.csv:2"));
    dni_uid_map_destroy(map);
}
END_TEST

static enum dn_upsert_result upsert_on(dn_ctx *writer, const char *uid, const char *hash, long long *id)
{
    struct dn_event ev;
    make_event(&ev, uid, "u.csv", "2024-03-16", 69.5, 32.3, "Battles", hash);
    enum dn_upsert_result r;
    struct dn_dedupe_opts none = {.enabled = false};
    dn_status s = dn_store_event_upsert(writer, &ev, &none, &r, id);
    ck_assert_msg(s == DN_OK, "%s: %s", uid, dn_ctx_errmsg(writer));
    dn_event_clear(&ev);
    return r;
}

static enum dn_upsert_result upsert_one(const char *uid, const char *hash, long long *id)
{
    return upsert_on(ctx, uid, hash, id);
}

static void next_batch(void)
{
    end_batch_on(ctx);
    begin_batch_on(ctx);
}

/* A bulk load of uids made of content hashes drops the uids' unique index
 * too and checks them by a map: a uid stored before the load, or earlier
 * in it, is found (unchanged, or updated when its row changed) and never
 * stored twice. At its end the index is back. */
START_TEST(test_store__bulk_load_checks_hashed_uids_by_a_map)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("bulk-uids.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db_path, DN_STORE_CREATE), DN_OK);
    sqlite3 *db = dni_db(ctx);
    char uid[64];
    long long id, first_id;
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    for (int i = 0; i < 10; i++) {
        snprintf(uid, sizeof uid, "csv:u.csv:before%d", i);
        ck_assert_int_eq(upsert_one(uid, "h", NULL), DN_UPSERT_INSERTED);
    }
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);

    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES_AND_UIDS), DN_OK);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source");
    enum { N = 2000 };
    for (int i = 0; i < N; i++) {
        if (i % 500 == 499) next_batch();
        snprintf(uid, sizeof uid, "csv:u.csv:%d", i);
        ck_assert_int_eq(upsert_one(uid, "h", i == 5 ? &first_id : NULL), DN_UPSERT_INSERTED);
    }
    ck_assert_int_eq(upsert_one("csv:u.csv:5", "h", &id), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(id, first_id);
    ck_assert_int_eq(upsert_one("csv:u.csv:before3", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(upsert_one("csv:u.csv:before4", "changed", NULL), DN_UPSERT_UPDATED);
    ck_assert_int_eq(upsert_one("csv:u.csv:late", "h", NULL), DN_UPSERT_INSERTED);
    finish_bulk_load();

    ck_assert_str_eq(events_indexes(), ALL_EVENTS_INDEXES);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events"), 10 + N + 1);
    ck_assert_int_eq(sql_int(db, "SELECT count(DISTINCT uid) FROM events"), 10 + N + 1);
    ck_assert_str_eq(text_of(db, "SELECT row_hash FROM events WHERE uid = 'csv:u.csv:before4'"), "changed");
    ck_assert_str_eq(text_of(db, "PRAGMA integrity_check"), "ok");
    /* after the load, the index checks them again */
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(upsert_one("csv:u.csv:7", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
}
END_TEST

/* Two writers, each taking the write lock for a batch at a time. While
 * one's bulk load checks hashed uids by its map (events_uid dropped), the
 * other stores events: it builds events_uid again, which ON CONFLICT
 * needs, and the load lets its map go at its next batch. When the other
 * then drops the index for a map of its own, the first builds it again to
 * store, and the other lets its map go in turn. No uid is ever stored
 * twice, and the index is there at the end. */
START_TEST(test_store__writers_beside_a_bulk_load_of_hashed_uids)
{
    const char *db_path = path_in_tmp("uids-two.sqlite");
    dn_ctx *other = open_two_writers(db_path);
    char uid[64];
    begin_batch_on(ctx);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES_AND_UIDS), DN_OK);
    for (int i = 0; i < 5; i++) {
        snprintf(uid, sizeof uid, "csv:u.csv:a%d", i);
        ck_assert_int_eq(upsert_on(ctx, uid, "h", NULL), DN_UPSERT_INSERTED);
    }
    end_batch_on(ctx);
    ck_assert_ptr_nonnull(dni_store_events_state(ctx)->uid_map);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source");

    begin_batch_on(other);
    ck_assert_int_eq(upsert_on(other, "csv:u.csv:b0", "h", NULL), DN_UPSERT_INSERTED);
    ck_assert_int_eq(upsert_on(other, "csv:u.csv:a1", "h", NULL), DN_UPSERT_UNCHANGED);
    end_batch_on(other);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source,events_uid");

    begin_batch_on(ctx);
    ck_assert_ptr_null(dni_store_events_state(ctx)->uid_map);
    ck_assert_int_eq(upsert_on(ctx, "csv:u.csv:b0", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(upsert_on(ctx, "csv:u.csv:a2", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(upsert_on(ctx, "csv:u.csv:a5", "h", NULL), DN_UPSERT_INSERTED);
    end_batch_on(ctx);

    begin_batch_on(other);
    ck_assert_int_eq(dn_store_events_bulk_begin(other, DN_BULK_DROP_INDEXES_AND_UIDS), DN_OK);
    ck_assert_ptr_nonnull(dni_store_events_state(other)->uid_map);
    ck_assert_int_eq(upsert_on(other, "csv:u.csv:b1", "h", NULL), DN_UPSERT_INSERTED);
    ck_assert_int_eq(upsert_on(other, "csv:u.csv:a5", "h", NULL), DN_UPSERT_UNCHANGED);
    end_batch_on(other);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source");

    begin_batch_on(ctx); /* builds events_uid again: ON CONFLICT(uid) needs it */
    ck_assert_int_eq(upsert_on(ctx, "csv:u.csv:a6", "h", NULL), DN_UPSERT_INSERTED);
    ck_assert_int_eq(upsert_on(ctx, "csv:u.csv:b1", "h", NULL), DN_UPSERT_UNCHANGED);
    end_batch_on(ctx);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source,events_uid");

    begin_batch_on(other);
    ck_assert_ptr_null(dni_store_events_state(other)->uid_map);
    ck_assert_int_eq(upsert_on(other, "csv:u.csv:a6", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(upsert_on(other, "csv:u.csv:b2", "h", NULL), DN_UPSERT_INSERTED);
    ck_assert_int_eq(dn_store_events_bulk_end(other), DN_OK);
    end_batch_on(other);
    begin_batch_on(ctx);
    finish_bulk_load();

    ck_assert_str_eq(events_indexes(), ALL_EVENTS_INDEXES);
    sqlite3 *db = dni_db(ctx);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM events"), 10);
    ck_assert_int_eq(sql_int(db, "SELECT count(DISTINCT uid) FROM events"), 10);
    ck_assert_str_eq(text_of(db, "PRAGMA integrity_check"), "ok");
    other = dn_ctx_free(other);
}
END_TEST

/* The map holds at most uid_map_max uids: a load that reaches it builds
 * events_uid again and goes on through the index, still storing no uid
 * twice; a store that holds that many already keeps the index throughout. */
START_TEST(test_store__uid_map_gives_way_to_the_index_when_full)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("bulk-uids-full.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db_path, DN_STORE_CREATE), DN_OK);
    dni_store_events_state(ctx)->uid_map_max = 50;
    char uid[64];
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    for (int i = 0; i < 10; i++) {
        snprintf(uid, sizeof uid, "csv:u.csv:before%d", i);
        ck_assert_int_eq(upsert_one(uid, "h", NULL), DN_UPSERT_INSERTED);
    }
    ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES_AND_UIDS), DN_OK);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source");
    for (int i = 0; i < 39; i++) {
        snprintf(uid, sizeof uid, "csv:u.csv:%d", i);
        ck_assert_int_eq(upsert_one(uid, "h", NULL), DN_UPSERT_INSERTED);
    }
    ck_assert_ptr_nonnull(dni_store_events_state(ctx)->uid_map);
    ck_assert_int_eq(upsert_one("csv:u.csv:39", "h", NULL), DN_UPSERT_INSERTED); /* the 50th */
    ck_assert_ptr_null(dni_store_events_state(ctx)->uid_map);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source,events_uid");
    ck_assert_int_eq(upsert_one("csv:u.csv:7", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(upsert_one("csv:u.csv:before2", "changed", NULL), DN_UPSERT_UPDATED);
    ck_assert_int_eq(upsert_one("csv:u.csv:40", "h", NULL), DN_UPSERT_INSERTED);
    finish_bulk_load();
    ck_assert_str_eq(events_indexes(), ALL_EVENTS_INDEXES);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM events"), 51);

    /* 51 stored, more than the map may hold: the next load keeps the index */
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES_AND_UIDS), DN_OK);
    ck_assert_ptr_null(dni_store_events_state(ctx)->uid_map);
    ck_assert_str_eq(events_indexes(), "events_cluster,events_source,events_uid");
    ck_assert_int_eq(upsert_one("csv:u.csv:8", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_int_eq(upsert_one("csv:u.csv:41", "h", NULL), DN_UPSERT_INSERTED);
    finish_bulk_load();
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM events"), 52);
    ck_assert_str_eq(text_of(dni_db(ctx), "PRAGMA integrity_check"), "ok");
}
END_TEST

/* A store made before events_uid, whose uids are unique by their column's
 * UNIQUE: made here from a new one by naming events_uid's b-tree as the
 * index SQLite makes for that constraint (the same key, so the same
 * b-tree). */
static void make_store_of_unique_uid_column(const char *path)
{
    ck_assert_int_eq(dn_store_open(ctx, path, DN_STORE_CREATE), DN_OK);
    dn_store_close(ctx);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert(strstr(text_of(db, "SELECT sql FROM sqlite_master WHERE name = 'events'"), " uid TEXT NOT NULL,"));
    sql_exec(db, "PRAGMA writable_schema = ON;"
                "UPDATE sqlite_master SET sql = replace(sql, ' uid TEXT NOT NULL,', ' uid TEXT NOT NULL UNIQUE,')"
                " WHERE type = 'table' AND name = 'events';"
                "UPDATE sqlite_master SET name = 'sqlite_autoindex_events_1', sql = NULL WHERE name = 'events_uid';"
                "PRAGMA writable_schema = OFF");
    sqlite3_close(db);
    ck_assert_int_eq(dn_store_open(ctx, path, 0), DN_OK);
}

/* Such a store keeps its UNIQUE column through a bulk load of hashed uids
 * (it cannot be dropped), and neither the load nor the next writer's
 * repair adds events_uid beside it. */
START_TEST(test_store__store_of_unique_uid_column_keeps_it)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("old-uids.sqlite"));
    make_store_of_unique_uid_column(db_path);
    ck_assert_str_eq(events_indexes(), "events_admin,events_border,events_cluster,events_date,events_source");
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_batch_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES_AND_UIDS), DN_OK);
    ck_assert_int_eq(upsert_one("csv:u.csv:1", "h", NULL), DN_UPSERT_INSERTED);
    ck_assert_int_eq(upsert_one("csv:u.csv:1", "h", NULL), DN_UPSERT_UNCHANGED);
    ck_assert_msg(dn_store_events_bulk_end(ctx) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    ck_assert_int_eq(dn_store_events_batch_end(ctx), DN_OK);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);
    ck_assert_str_eq(events_indexes(), "events_admin,events_border,events_cluster,events_date,events_source");
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, db_path, 0), DN_OK);
    ck_assert_str_eq(events_indexes(), "events_admin,events_border,events_cluster,events_date,events_source");
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM events"), 1);
    ck_assert_str_eq(text_of(dni_db(ctx), "PRAGMA integrity_check"), "ok");
}
END_TEST

/* A plan made on its own thread and connection (store/rtree_plan_thread.c)
 * writes the tree dni_rtree_pack writes in one go, node for node; it reads
 * what was committed when it began, not the caller's uncommitted rows
 * (which is why dn_store_events_bulk_end commits before it starts one). */
START_TEST(test_store__plan_thread_writes_the_packed_tree)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("plan.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db_path, DN_STORE_CREATE), DN_OK);
    sqlite3 *db = dni_db(ctx);
    pack_rng = 11;
    fill_entries(db, 2700);
    sql_exec(db, "CREATE VIRTUAL TABLE packed USING rtree(pkid, xmin, xmax, ymin, ymax);"
                "CREATE VIRTUAL TABLE twin USING rtree(pkid, xmin, xmax, ymin, ymax)");
    static const char entries[] = "SELECT id, x0, x1, y0, y1 FROM src";
    struct dni_rtree_shape shape;
    ck_assert_int_eq(dni_rtree_shape(ctx, "packed", &shape), DN_OK);
    ck_assert_uint_eq(shape.cap, 51);

    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    sql_exec(db, "INSERT INTO src VALUES (1, 70, 70, 33, 33)"); /* not committed: the thread cannot see it */
    struct dni_rtree_plan_thread *t = NULL;
    ck_assert_int_eq(dni_rtree_plan_thread_start(ctx, db_path, entries, &shape, &t), DN_OK);
    struct dni_rtree_plan *plan = NULL;
    ck_assert_int_eq(dni_rtree_plan_thread_finish(ctx, t, &plan), DN_OK);
    ck_assert_ptr_nonnull(plan);
    ck_assert_int_eq(dni_rtree_plan_write(ctx, "packed", plan), DN_OK);
    sql_exec(db, "DELETE FROM src WHERE id = 1");
    ck_assert_int_eq(dni_rtree_pack(ctx, "twin", entries), DN_OK);
    ck_assert_int_eq(dn_store_commit(ctx), DN_OK);

    assert_same_as_inserted(db, 2700);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed WHERE pkid = 1"), 0);
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed_node p JOIN twin_node t USING (nodeno)"
                                " WHERE p.data = t.data"),
                     sql_int(db, "SELECT count(*) FROM twin_node"));
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed_node"), sql_int(db, "SELECT count(*) FROM twin_node"));
    ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM packed_rowid p JOIN twin_rowid t USING (rowid)"
                                " WHERE p.nodeno = t.nodeno"),
                     2700);
}
END_TEST

/* The thread's failure comes back with SQLite's words; a cancelled
 * thread is joined and freed (ASan and valgrind see no leak). */
START_TEST(test_store__plan_thread_reports_failure_and_cancels)
{
    char db_path[600];
    snprintf(db_path, sizeof db_path, "%s", path_in_tmp("plan-fail.sqlite"));
    ck_assert_int_eq(dn_store_open(ctx, db_path, DN_STORE_CREATE), DN_OK);
    pack_rng = 12;
    fill_entries(dni_db(ctx), 500);
    struct dni_rtree_shape shape = {.node_size = 4 + 51 * 24, .cap = 51};
    struct dni_rtree_plan_thread *t = NULL;
    ck_assert_int_eq(
        dni_rtree_plan_thread_start(ctx, db_path, "SELECT id, x0, x1, y0, y1 FROM no_such_table", &shape, &t), DN_OK);
    struct dni_rtree_plan *plan = (struct dni_rtree_plan *)&plan; /* must come back NULL */
    ck_assert_int_eq(dni_rtree_plan_thread_finish(ctx, t, &plan), DN_ERR_DB);
    ck_assert_ptr_null(plan);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "no such table"));

    ck_assert_int_eq(dni_rtree_plan_thread_start(ctx, db_path, "SELECT id, x0, x1, y0, y1 FROM src", &shape, &t), DN_OK);
    dni_rtree_plan_thread_cancel(t);
    dni_rtree_plan_thread_cancel(NULL);

    char missing[620];
    snprintf(missing, sizeof missing, "%s", path_in_tmp("no-such.sqlite"));
    t = (struct dni_rtree_plan_thread *)&t;
    ck_assert_int_eq(dni_rtree_plan_thread_start(ctx, missing, "SELECT 1", &shape, &t), DN_ERR_NOT_FOUND);
    ck_assert_ptr_null(t);
}
END_TEST

Suite *make_store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_store__memory_db_gets_current_schema);
    tcase_add_test(tc, test_store__unknown_table_is_refused);
    tcase_add_test(tc, test_store__reopen_is_idempotent_and_uses_wal);
    tcase_add_test(tc, test_store__missing_db_without_create_is_not_found);
    tcase_add_test(tc, test_store__foreign_db_is_refused);
    tcase_add_test(tc, test_store__newer_schema_is_refused);
    tcase_add_test(tc, test_store__corrupt_file_is_a_db_error);
    tcase_add_test(tc, test_store__rollback_discards_writes);
    tcase_add_test(tc, test_store__upsert_is_idempotent_and_detects_changes);
    tcase_add_test(tc, test_store__reports_of_one_incident_share_a_cluster);
    tcase_add_test(tc, test_store__event_ids_do_not_collide_across_writers);
    tcase_add_test(tc, test_store__checkpointer_copies_the_wal_and_bounds_it);
    tcase_add_test(tc, test_store__checkpoint_wait_is_the_same_bytes_on_any_page_size);
    tcase_add_test(tc, test_store__checkpointer_that_cannot_start_leaves_the_writer_checkpointing);
    tcase_add_test(tc, test_store__readonly_open_reads_and_refuses_writes);
    tcase_add_test(tc, test_store__empty_file_or_directory_as_database);
    suite_add_tcase(s, tc);
    /* five CLI runs in-process: slow under the sanitizers on a busy machine */
    TCase *rp = tcase_create("read_paths");
    tcase_add_checked_fixture(rp, setup, teardown);
    tcase_set_timeout(rp, 120);
    tcase_add_test(rp, test_store__event_point_reads_back_lon_lat);
    suite_add_tcase(s, rp);
    TCase *pk = tcase_create("rtree_pack");
    tcase_add_checked_fixture(pk, setup, teardown);
    tcase_set_timeout(pk, 120);
    tcase_add_test(pk, test_store__packed_rtree_equals_inserted);
    tcase_add_test(pk, test_store__packed_rtree_falls_back_when_defensive);
    tcase_add_test(pk, test_store__packed_rtree_refuses_a_repeated_id);
    tcase_add_test(pk, test_store__bulk_load_keeps_the_append_only_indexes);
    tcase_add_test(pk, test_store__bulk_load_with_dedupe_keeps_the_lookup_indexes);
    tcase_add_test(pk, test_store__uid_map_finds_every_id_of_a_hash);
    tcase_add_test(pk, test_store__bulk_load_checks_hashed_uids_by_a_map);
    tcase_add_test(pk, test_store__uid_map_gives_way_to_the_index_when_full);
    tcase_add_test(pk, test_store__writers_beside_a_bulk_load_of_hashed_uids);
    tcase_add_test(pk, test_store__store_of_unique_uid_column_keeps_it);
    tcase_add_test(pk, test_store__plan_thread_writes_the_packed_tree);
    tcase_add_test(pk, test_store__plan_thread_reports_failure_and_cancels);
    suite_add_tcase(s, pk);
    return s;
}

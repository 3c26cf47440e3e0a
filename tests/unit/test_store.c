/** @file test_store.c
 * Store: schema creation and versioning, refusal of foreign/newer/corrupt
 * files, metadata, transactions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "core/core.h"
#include "store/store.h"
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
    suite_add_tcase(s, tc);
    return s;
}

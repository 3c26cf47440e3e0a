/** @file testutil.c
 * Helpers for unit tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "testutil.h"

void capture_output(void *ud, dn_out_level level, const char *text, size_t len)
{
    struct captured *cap = ud;
    dn_strbuf_append(level == DN_OUT_DATA ? &cap->out : &cap->err, text, len);
}

int run_cli(struct captured *cap, ...)
{
    char *argv[64] = {"durand"};
    int argc = 1;
    va_list ap;
    va_start(ap, cap);
    for (const char *a; (a = va_arg(ap, const char *)) && argc < 63;) argv[argc++] = (char *)a;
    va_end(ap);
    memset(cap, 0, sizeof *cap);
    dn_strbuf_puts(&cap->out, "");
    dn_strbuf_puts(&cap->err, "");
    dn_ctx *ctx = NULL;
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    int code = dn_cli_run(ctx, argc, argv, capture_output, cap);
    dn_ctx_free(ctx);
    return code;
}

void captured_free(struct captured *cap)
{
    dn_strbuf_free(&cap->out);
    dn_strbuf_free(&cap->err);
}

char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char buf[512];
    snprintf(buf, sizeof buf, "%s/durand-test-XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(buf);
    ck_assert_ptr_nonnull(dir);
    return strdup(dir);
}

void remove_tree(const char *path)
{
    char cmd[1024];
    /* test-only cleanup of a directory this process created */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", path);
}

void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(fwrite(data, 1, n, fp), n);
    ck_assert_int_eq(fclose(fp), 0);
}

void sql_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) ck_abort_msg("SQL failed: %s\n%s", err ? err : sqlite3_errstr(rc), sql);
    sqlite3_free(err);
}

long long sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row: %s", sql);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

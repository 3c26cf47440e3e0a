/** @file test_cli.c
 * The CLI contract, in-process: help, version, usage errors, exit codes,
 * init/info.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tests.h"
#include "testutil.h"

static char *tmp;
static char db[600];

static void setup(void)
{
    tmp = make_temp_dir();
    snprintf(db, sizeof db, "%s/sub/t.sqlite", tmp);
}

static void teardown(void)
{
    remove_tree(tmp);
    free(tmp);
}

START_TEST(test_cli__help_goes_to_stdout_and_exits_0)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(c.out.data, "Usage: durand"));
    ck_assert_ptr_nonnull(strstr(c.out.data, "Exit codes:"));
    ck_assert_str_eq(c.err.data, "");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "info", "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(c.out.data, "Usage: durand info"));
    captured_free(&c);
}
END_TEST

START_TEST(test_cli__version)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--version", NULL), 0);
    char want[64];
    snprintf(want, sizeof want, "durand %s\n", dn_version());
    ck_assert_str_eq(c.out.data, want);
    captured_free(&c);
}
END_TEST

START_TEST(test_cli__usage_errors_exit_2_with_try_line)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "durand: error: no command given"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "frobnicate", NULL), 2);
    ck_assert_str_eq(c.err.data, "durand: error: unknown command 'frobnicate'\nTry 'durand --help' for more information.\n");
    ck_assert_str_eq(c.out.data, "");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "info", "--bogus", NULL), 2);
    ck_assert_str_eq(c.err.data, "durand: error: unknown option '--bogus'\nTry 'durand info --help' for more information.\n");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "info", "--format", "xml", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "unknown --format 'xml' (expected table|csv|json)"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "info", "--db", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "option '--db' needs a value"));
    captured_free(&c);
}
END_TEST

START_TEST(test_cli__info_without_db_says_run_init)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--db", db, "info", NULL), DN_EXIT_INPUT); /* a missing database is missing input */
    ck_assert_ptr_nonnull(strstr(c.err.data, "run 'durand init' first"));
    captured_free(&c);
}
END_TEST

START_TEST(test_cli__init_then_info_json)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "init", "--db", db, "--quiet", NULL), 0);
    ck_assert_str_eq(c.err.data, "");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "info", "--format", "json", "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(strstr(c.out.data, "\"schema_version\":2"));
    ck_assert_ptr_nonnull(strstr(c.out.data, "\"events\":0"));
    ck_assert_int_eq(c.out.data[0], '{');
    captured_free(&c);
}
END_TEST

Suite *make_cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600); /* init loads the real geodata: slow under sanitizers */
    tcase_add_test(tc, test_cli__help_goes_to_stdout_and_exits_0);
    tcase_add_test(tc, test_cli__version);
    tcase_add_test(tc, test_cli__usage_errors_exit_2_with_try_line);
    tcase_add_test(tc, test_cli__info_without_db_says_run_init);
    suite_add_tcase(s, tc);
    /* init loads all the shipped geodata: its own case, run as a test of its own */
    TCase *ti = tcase_create("init");
    tcase_add_checked_fixture(ti, setup, teardown);
    tcase_set_timeout(ti, 600);
    tcase_set_tags(ti, "shipped_geodata"); /* unit.cli.shipped: tests/CMakeLists.txt */
    tcase_add_test(ti, test_cli__init_then_info_json);
    suite_add_tcase(s, ti);
    return s;
}

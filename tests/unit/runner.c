/** @file runner.c
 * Runs one suite by name (as CTest does, one test per suite) or all suites.
 * CK_ENV / CK_FORK / CK_RUN_CASE / CK_INCLUDE_TAGS / CK_EXCLUDE_TAGS work
 * as Check documents; a selection that runs no test fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

struct suite_entry {
    const char *name;
    Suite *(*make)(void);
};

static const struct suite_entry suites[] = {
    {"core", make_core_suite},
    {"store", make_store_suite},
    {"cli", make_cli_suite},
    {"gazetteer", make_gazetteer_suite},
    {"text", make_text_suite},
    {"query", make_query_suite},
    {"export", make_export_suite},
    {"ingest", make_ingest_suite},
    {"border", make_border_suite},
    {"geodata_accept", make_geodata_accept_suite},
};

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    /* Check's 4 s default per test (fixture included) is too tight for an
     * ASan build on a loaded machine: a store opened by a fixture took 3.6 s
     * a test there at load 4, and whole test cases failed on time alone.
     * Read by tcase_create, so it is set before the suites are made; a
     * CK_DEFAULT_TIMEOUT in the environment and tcase_set_timeout win. */
    setenv("CK_DEFAULT_TIMEOUT", "60", 0);
    SRunner *runner = NULL;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (argc > 1 && strcmp(argv[1], suites[i].name) != 0) continue;
        if (!runner) runner = srunner_create(suites[i].make());
        else srunner_add_suite(runner, suites[i].make());
    }
    if (!runner) {
        fprintf(stderr, "unit_tests: no suite named '%s'\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner), run = srunner_ntests_run(runner);
    srunner_free(runner);
    if (run == 0) {
        /* CK_INCLUDE_TAGS / CK_EXCLUDE_TAGS / CK_RUN_CASE left nothing: a
         * test that tests nothing must not pass (tests/CMakeLists.txt lists
         * the suites with cases tagged shipped_geodata) */
        fprintf(stderr, "unit_tests: no test case selected\n");
        return EXIT_FAILURE;
    }
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

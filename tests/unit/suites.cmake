# Unit test sources and suite names: one file per module, each defining
# Suite *make_<suite>_suite(void) (declared in tests.h, listed in runner.c).
# One line per entry, so that branches adding suites merge cleanly.
set(DN_TEST_SOURCES)
set(DN_TEST_SUITES)
list(APPEND DN_TEST_SOURCES unit/test_core.c)
list(APPEND DN_TEST_SUITES core)
list(APPEND DN_TEST_SOURCES unit/test_store.c)
list(APPEND DN_TEST_SUITES store)
list(APPEND DN_TEST_SOURCES unit/test_cli.c)
list(APPEND DN_TEST_SUITES cli)
list(APPEND DN_TEST_SOURCES unit/test_gazetteer.c)
list(APPEND DN_TEST_SUITES gazetteer)
list(APPEND DN_TEST_SOURCES unit/test_text.c support/fake_place_finder.c)
list(APPEND DN_TEST_SUITES text)
list(APPEND DN_TEST_SOURCES unit/test_query.c)
list(APPEND DN_TEST_SUITES query)

# Unit test sources and suite names: one file per module, each defining
# Suite *make_<suite>_suite(void) (declared in tests.h, listed in runner.c).
set(DN_TEST_SOURCES
  unit/test_core.c
  unit/test_store.c
  unit/test_cli.c
  unit/test_gazetteer.c
  unit/test_border.c
  unit/test_geodata_accept.c
  unit/geodata_fixture.c
)
set(DN_TEST_SUITES core store cli gazetteer border geodata_accept)

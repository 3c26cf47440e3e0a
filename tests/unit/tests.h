/** @file tests.h
 * The unit test suites; each tests/unit/test_<module>.c defines one.
 */
#ifndef DN_TESTS_H
#define DN_TESTS_H

#include <check.h>

Suite *make_core_suite(void);
Suite *make_store_suite(void);
Suite *make_cli_suite(void);
Suite *make_gazetteer_suite(void);
Suite *make_text_suite(void);
Suite *make_query_suite(void);
Suite *make_export_suite(void);
Suite *make_ingest_suite(void);
/** The gazetteer's cases on the shipped geodata (part of the gazetteer suite). */
TCase *make_gazetteer_real_tcase(void);
/** The index's image in the store, on the small geodata and (tagged
 * shipped_geodata) the shipped one (part of the gazetteer suite). */
TCase *make_gazetteer_image_tcase(void);
TCase *make_gazetteer_image_shipped_tcase(void);
Suite *make_border_suite(void);
Suite *make_geodata_accept_suite(void);

#endif

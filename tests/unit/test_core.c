/** @file test_core.c
 * Core: status table, context lifecycle, error routing from GEOS/PROJ/GDAL,
 * lon/lat axis order, allocation failure, output formatting.
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <cpl_error.h>
#include <gdal.h>
#include <geodesic.h>

#include "core/core.h"
#include "core/emit.h"
#include "core/event.h"
#include "core/geo.h"
#include "tests.h"
#include "testutil.h"

static dn_ctx *ctx;

static void setup(void) { ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK); }
static void teardown(void) { ctx = dn_ctx_free(ctx); }

START_TEST(test_core__every_status_has_a_description)
{
    for (int s = 0; s < DN_STATUS_END; s++) {
        const char *d = dn_strerror((dn_status)s);
        ck_assert_str_ne(d, "unknown status");
        ck_assert_int_gt(strlen(d), 3);
    }
    ck_assert_str_eq(dn_strerror(DN_STATUS_END), "unknown status");
    ck_assert_str_eq(dn_strerror((dn_status)-1), "unknown status");
}
END_TEST

START_TEST(test_core__exit_codes_are_distinct_per_family)
{
    ck_assert_int_eq(dn_exit_code(DN_OK), 0);
    ck_assert_int_eq(dn_exit_code(DN_ERR_PARTIAL), 1);
    ck_assert_int_eq(dn_exit_code(DN_ERR_USAGE), 2);
    ck_assert_int_eq(dn_exit_code(DN_ERR_INPUT), 3);
    ck_assert_int_eq(dn_exit_code(DN_ERR_IO), 4);
    ck_assert_int_eq(dn_exit_code(DN_ERR_EXISTS), 4);
    ck_assert_int_eq(dn_exit_code(DN_ERR_DB), 5);
    ck_assert_int_eq(dn_exit_code(DN_ERR_GEODATA), 6);
    ck_assert_int_eq(dn_exit_code(DN_ERR_INTERNAL), 70);
}
END_TEST

START_TEST(test_core__free_null_is_a_noop)
{
    ck_assert_ptr_null(dn_ctx_free(NULL));
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "");
    ck_assert_int_eq(dn_ctx_status(ctx), DN_OK);
}
END_TEST

START_TEST(test_core__fail_keeps_message_in_context)
{
    ck_assert_int_eq(dni_fail(ctx, DN_ERR_INPUT, "%s:%d: field '%s' is bad", "a.csv", 7, "date"), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "a.csv:7: field 'date' is bad");
    ck_assert_int_eq(dn_ctx_status(ctx), DN_ERR_INPUT);
    dni_clear_error(ctx);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "");
}
END_TEST

START_TEST(test_core__geos_errors_land_in_context)
{
    GEOSContextHandle_t h = dni_geos(ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, "POINT (1 2");
    ck_assert_ptr_null(g);
    ck_assert_int_eq(dn_ctx_status(ctx), DN_ERR_GEOS);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "GEOS"));
    GEOSWKTReader_destroy_r(h, r);
}
END_TEST

START_TEST(test_core__proj_errors_land_in_context)
{
    PJ *p = proj_create(dni_proj(ctx), "EPSG:999999");
    ck_assert_ptr_null(p);
    ck_assert_int_ne(proj_context_errno(dni_proj(ctx)), 0);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "PROJ"));
}
END_TEST

START_TEST(test_core__gdal_errors_are_captured_not_printed)
{
    dni_gdal_begin(ctx);
    GDALDatasetH ds = GDALOpenEx("/nonexistent/durand/file.geojson", GDAL_OF_VECTOR | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
    dni_gdal_end(ctx);
    ck_assert_ptr_null(ds);
    ck_assert_int_gt(strlen(dni_gdal_last(ctx)), 0);
}
END_TEST

/* Peshawar is lon 71.58, lat 34.02: not symmetric, so a swapped axis order
 * lands hundreds of km away (or fails). UTM 42N has its central meridian at
 * 69°E, so easting ≈ 500 km + cos(34°)·111.3 km·2.58 ≈ 738 km. */
START_TEST(test_core__proj_uses_lon_lat_order)
{
    PJ *raw = proj_create_crs_to_crs(dni_proj(ctx), "EPSG:4326", "EPSG:32642", NULL);
    ck_assert_ptr_nonnull(raw);
    PJ *p = proj_normalize_for_visualization(dni_proj(ctx), raw);
    proj_destroy(raw);
    ck_assert_ptr_nonnull(p);
    PJ_COORD c = proj_coord(71.5785, 34.0151, 0, 0);
    PJ_COORD u = proj_trans(p, PJ_FWD, c);
    ck_assert_double_eq_tol(u.xy.x, 738000.0, 3000.0); /* metres */
    ck_assert_double_eq_tol(u.xy.y, 3766000.0, 5000.0);
    PJ_COORD back = proj_trans(p, PJ_INV, u);
    ck_assert_double_eq_tol(back.lp.lam, 71.5785, 1e-9); /* degrees */
    ck_assert_double_eq_tol(back.lp.phi, 34.0151, 1e-9);
    proj_destroy(p);
}
END_TEST

/* Export's file mode and the article reader's JSON Lines guess ask the
 * same question of a file name. */
START_TEST(test_core__path_extension)
{
    ck_assert(dn_path_has_extension("out/layers.GPKG", ".gpkg"));
    ck_assert(dn_path_has_extension("a.jsonl", ".jsonl"));
    ck_assert(!dn_path_has_extension(".gpkg", ".gpkg")); /* nothing before it */
    ck_assert(!dn_path_has_extension("out/layers.gpkg.tmp", ".gpkg"));
    ck_assert(!dn_path_has_extension("gpkg", ".gpkg"));
    ck_assert(!dn_path_has_extension("out/dir", ""));
}
END_TEST

/* The bounds of a geodesic without computing it hold for pairs in and
 * around the region up to 400 km apart, across the equator and the
 * antimeridian too, and are tight where the geocoder's nearness bonus
 * uses them (resolve.c: 5 to 50 km). */
START_TEST(test_core__geodesic_bounds_hold_and_are_tight)
{
    unsigned seed = 12345;
    double worst = 1;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        double lat1 = (i % 4 == 0) ? -2 + (seed >> 8) % 400 / 100.0 : 20 + (seed >> 8) % 2500 / 100.0;
        seed = seed * 1103515245u + 12345u;
        double lon1 = (i % 4 == 1) ? 178 + (seed >> 8) % 400 / 100.0 - 360 * ((seed >> 20) & 1)
                                   : 55 + (seed >> 8) % 2500 / 100.0;
        seed = seed * 1103515245u + 12345u;
        double dlat = ((int)((seed >> 8) % 7000) - 3500) / 1000.0;
        seed = seed * 1103515245u + 12345u;
        double dlon = ((int)((seed >> 8) % 9000) - 4500) / 1000.0;
        double lon2 = lon1 + dlon, lat2 = lat1 + dlat;
        if (lon2 > 180) lon2 -= 360;
        if (lon2 < -180) lon2 += 360;
        double lo, hi, d = dn_geodesic_km(lon1, lat1, lon2, lat2);
        dn_geodesic_bounds_km(lon1, lat1, lon2, lat2, &lo, &hi);
        ck_assert_msg(lo <= d && d <= hi, "%.4f,%.4f to %.4f,%.4f: %.6f outside [%.6f, %.6f]", lon1, lat1, lon2, lat2,
                      d, lo, hi);
        if (d > 1 && d < 60 && fabs(lat1) < 45 && fabs(lat2) < 45 && hi / lo > worst) worst = hi / lo;
    }
    ck_assert_msg(worst < 1.02, "bounds %.4f apart", worst);
    double lo, hi;
    dn_geodesic_bounds_km(71.5, 34.0, 71.5, 34.0, &lo, &hi);
    ck_assert(lo == 0 && hi == 0);
}
END_TEST

/* durand's own geodesic helper takes lon first, PROJ's geod_inverse lat
 * first. Peshawar (71.5785 E, 34.0151 N) to Kabul (69.1723 E, 34.5281 N):
 * 228.8 km by `geod -I +ellps=WGS84`. Read with the axes swapped, the same
 * four numbers are two points in the far north of Russia, 269 km apart, so a swap
 * inside dn_geodesic_km cannot go unseen. */
START_TEST(test_core__geodesic_km_takes_lon_lat)
{
    const double pes_lon = 71.5785, pes_lat = 34.0151, kbl_lon = 69.1723, kbl_lat = 34.5281;
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    double s12 = 0;
    geod_inverse(&g, pes_lat, pes_lon, kbl_lat, kbl_lon, &s12, NULL, NULL);
    ck_assert_double_eq_tol(s12 / 1000, 228.77, 0.01);
    double km = dn_geodesic_km(pes_lon, pes_lat, kbl_lon, kbl_lat);
    ck_assert_double_eq_tol(km, s12 / 1000, 1e-9);
    /* symmetric in its two points */
    ck_assert_double_eq_tol(dn_geodesic_km(kbl_lon, kbl_lat, pes_lon, pes_lat), km, 1e-9);
    /* the swapped call measures another pair of points */
    double swapped = dn_geodesic_km(pes_lat, pes_lon, kbl_lat, kbl_lon);
    ck_assert_double_eq_tol(swapped, 269.14, 0.01);
    ck_assert_double_gt(fabs(swapped - km), 40);
    /* the bounding box of a 10 km circle is wider in longitude than in
     * latitude at 34 N, and centred on (lon, lat) */
    double w, s, e, n;
    dn_geodesic_bbox(pes_lon, pes_lat, 10, &w, &s, &e, &n);
    ck_assert_double_eq_tol((w + e) / 2, pes_lon, 1e-9);
    ck_assert_double_eq_tol((s + n) / 2, pes_lat, 1e-9);
    ck_assert_double_gt(e - w, n - s);
}
END_TEST

START_TEST(test_core__numbers_as_people_type_them)
{
    static const struct {
        const char *text;
        double km;
    } good[] = {{"30", 30}, {"30km", 30}, {"30 km", 30}, {" 2.5 KM ", 2.5}, {"0.25Km", 0.25}, {"1e1 km", 10}, {".5 km", 0.5}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v = -1;
        ck_assert_msg(dn_parse_number(good[i].text, "km", &v), "'%s' refused", good[i].text);
        ck_assert_double_eq(v, good[i].km);
    }
    static const char *const bad[] = {"", "km", "30mi", "30 m", "30 kms", "30 km km", "thirty", "nan", "inf km", "1e999", "0x22", "0X1p3 km", "-0x1", "+inf"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = -1;
        ck_assert_msg(!dn_parse_number(bad[i], "km", &v), "'%s' accepted", bad[i]);
        ck_assert_double_eq(v, -1); /* untouched */
    }
    /* without a unit: a plain number only */
    double v = -1;
    ck_assert(dn_parse_number(" -1.5 ", NULL, &v));
    ck_assert_double_eq(v, -1.5);
    ck_assert(!dn_parse_number("30km", NULL, &v));
    ck_assert(!dn_parse_number("30 x", NULL, &v));
    ck_assert_double_eq(v, -1.5);
    /* the strtod the other parsers (check's fields, --bands, negative
     * positionals) share: decimal, with nan and inf left to range checks */
    static const char *const hex[] = {"0x22", " -0X1p3", "+0x10,20"};
    for (size_t i = 0; i < sizeof hex / sizeof hex[0]; i++) {
        char *end = NULL;
        (void)dn_strtod_decimal(hex[i], &end);
        ck_assert_msg(end == hex[i], "'%s' read as a number", hex[i]);
    }
    char *end = NULL;
    ck_assert_double_eq(dn_strtod_decimal(" -12.5,3", &end), -12.5);
    ck_assert_str_eq(end, ",3");
    ck_assert(isinf(dn_strtod_decimal("inf", &end)) && *end == '\0');
}
END_TEST

START_TEST(test_core__ctx_new_survives_allocation_failure)
{
    dn_ctx *c = NULL;
    dni_alloc_fail_after(1);
    ck_assert_int_eq(dn_ctx_new(&c), DN_ERR_NOMEM);
    ck_assert_ptr_null(c);
    dni_alloc_fail_after(0);
}
END_TEST

static void collect(void *ud, dn_out_level level, const char *text, size_t len)
{
    if (level == DN_OUT_DATA) dn_strbuf_append(ud, text, len);
}

START_TEST(test_core__emit_csv_quotes_and_json_escapes)
{
    struct dn_strbuf out = {0};
    dn_ctx_set_output(ctx, collect, &out);
    static const char *const cols[] = {"name", "n", "x"};
    struct dn_emit *e;
    ck_assert_int_eq(dn_emit_new(ctx, DN_FORMAT_CSV, cols, 3, 0, &e), DN_OK);
    dn_emit_str(e, "Dera Ismail Khan, \"D.I. Khan\"");
    dn_emit_int(e, 42);
    dn_emit_real(e, -0.0001, 2);
    ck_assert_int_eq(dn_emit_row_end(e), DN_OK);
    ck_assert_int_eq(dn_emit_finish(e), DN_OK);
    dn_emit_free(e);
    ck_assert_str_eq(out.data, "name,n,x\r\n\"Dera Ismail Khan, \"\"D.I. Khan\"\"\",42,0.00\r\n");

    dn_strbuf_reset(&out);
    ck_assert_int_eq(dn_emit_new(ctx, DN_FORMAT_JSON, cols, 3, 0, &e), DN_OK);
    dn_emit_str(e, "bad\xff\ttab \xd9\xbe\xdb\x90\xd8\xb4\xd8\xa7\xd9\x88\xd8\xb1");
    dn_emit_null(e);
    dn_emit_real(e, NAN, 3);
    ck_assert_int_eq(dn_emit_row_end(e), DN_OK);
    ck_assert_int_eq(dn_emit_finish(e), DN_OK);
    dn_emit_free(e);
    ck_assert_str_eq(out.data, "[{\"name\":\"bad\xef\xbf\xbd\\ttab \xd9\xbe\xdb\x90\xd8\xb4\xd8\xa7\xd9\x88\xd8\xb1\",\"n\":null,\"x\":null}]\n");
    dn_strbuf_free(&out);
}
END_TEST

/* A value with '|' or a line break keeps a Markdown table's columns and a
 * plain table's rows. */
START_TEST(test_core__emit_tables_keep_their_cells)
{
    struct dn_strbuf out = {0};
    dn_ctx_set_output(ctx, collect, &out);
    static const char *const cols[] = {"type", "n"};
    struct dn_emit *e;
    ck_assert_int_eq(dn_emit_new(ctx, DN_FORMAT_MD, cols, 2, 0, &e), DN_OK);
    dn_emit_str(e, "Battles | clash\nnight");
    dn_emit_int(e, 3);
    ck_assert_int_eq(dn_emit_row_end(e), DN_OK);
    ck_assert_int_eq(dn_emit_finish(e), DN_OK);
    dn_emit_free(e);
    ck_assert_str_eq(out.data, "| type                   | n |\n"
                               "| ---------------------- | - |\n"
                               "| Battles \\| clash night | 3 |\n");
    dn_strbuf_reset(&out);
    ck_assert_int_eq(dn_emit_new(ctx, DN_FORMAT_TABLE, cols, 2, 0, &e), DN_OK);
    dn_emit_str(e, "two\r\nlines");
    dn_emit_int(e, 1);
    ck_assert_int_eq(dn_emit_row_end(e), DN_OK);
    ck_assert_int_eq(dn_emit_finish(e), DN_OK);
    dn_emit_free(e);
    ck_assert_str_eq(out.data, "type        n\n----------  -\ntwo  lines  1\n");
    dn_strbuf_free(&out);
}
END_TEST

START_TEST(test_core__utf8_floor_cuts_between_characters)
{
    const char *s = "ab\xd9\xbe\xe2\x80\xa6\xf0\x9f\x98\x80z"; /* a b, a 2-, 3- and 4-byte character, z */
    static const size_t want[] = {0, 1, 2, 2, 4, 4, 4, 7, 7, 7, 7, 11, 12};
    for (size_t n = 0; n < DN_ARRAY_LEN(want); n++)
        ck_assert_msg(dn_utf8_floor(s, n) == want[n], "n=%zu: %zu", n, dn_utf8_floor(s, n));
}
END_TEST

START_TEST(test_core__emit_rejects_short_rows)
{
    static const char *const cols[] = {"a", "b"};
    struct dn_emit *e;
    ck_assert_int_eq(dn_emit_new(ctx, DN_FORMAT_JSONL, cols, 2, 0, &e), DN_OK);
    dn_emit_str(e, "only one");
    ck_assert_int_eq(dn_emit_row_end(e), DN_ERR_INTERNAL);
    dn_emit_free(e);
}
END_TEST

START_TEST(test_core__event_flags_do_not_repeat)
{
    struct dn_event ev;
    dn_event_init(&ev);
    ck_assert(isnan(ev.border_km));
    ck_assert_int_eq(ev.fatalities, DN_COUNT_UNKNOWN);
    ck_assert(dn_event_add_flag(&ev, "swapped_coords"));
    ck_assert(dn_event_add_flag(&ev, "coord_conflict"));
    ck_assert(dn_event_add_flag(&ev, "swapped_coords"));
    ck_assert_str_eq(ev.flags, "swapped_coords,coord_conflict");
    ck_assert(dn_event_set(&ev.place, "Miran Shah"));
    dn_event_clear(&ev);
    ck_assert_ptr_null(ev.place);
    ck_assert_ptr_null(ev.flags);
    ck_assert_str_eq(dn_precision_name(DN_PREC_DISTRICT), "district");
    ck_assert_int_eq(dn_precision_parse("town"), DN_PREC_TOWN);
    ck_assert_int_eq(dn_date_precision_parse("month"), DN_DATE_MONTH);
}
END_TEST

Suite *make_core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_core__every_status_has_a_description);
    tcase_add_test(tc, test_core__exit_codes_are_distinct_per_family);
    tcase_add_test(tc, test_core__free_null_is_a_noop);
    tcase_add_test(tc, test_core__fail_keeps_message_in_context);
    tcase_add_test(tc, test_core__geos_errors_land_in_context);
    tcase_add_test(tc, test_core__proj_errors_land_in_context);
    tcase_add_test(tc, test_core__gdal_errors_are_captured_not_printed);
    tcase_add_test(tc, test_core__proj_uses_lon_lat_order);
    tcase_add_test(tc, test_core__geodesic_km_takes_lon_lat);
    tcase_add_test(tc, test_core__geodesic_bounds_hold_and_are_tight);
    tcase_add_test(tc, test_core__path_extension);
    tcase_add_test(tc, test_core__numbers_as_people_type_them);
    tcase_add_test(tc, test_core__ctx_new_survives_allocation_failure);
    tcase_add_test(tc, test_core__emit_csv_quotes_and_json_escapes);
    tcase_add_test(tc, test_core__emit_tables_keep_their_cells);
    tcase_add_test(tc, test_core__utf8_floor_cuts_between_characters);
    tcase_add_test(tc, test_core__emit_rejects_short_rows);
    tcase_add_test(tc, test_core__event_flags_do_not_repeat);
    suite_add_tcase(s, tc);
    return s;
}

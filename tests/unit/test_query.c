/** @file test_query.c
 * Filters, spatial queries and summaries on the fixture of
 * tests/data/query: the test geodata (admin areas, places) plus 14 events
 * whose expected answers are worked out by hand in tests/data/query/README.md
 * (distances checked with PROJ's `geod -I` command, not with durand); the
 * namesake tests add the 4 events of namesakes.sql.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <geodesic.h>

#include "geodata/geodata.h"
#include "query/filter_internal.h"
#include "query/query.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

#define FIXTURE_DIR DN_SOURCE_DIR "/tests/data/query"

static dn_ctx *ctx;
static struct dn_filter *f;
static bool geocoder_only; /* loop tests: 1 = names through the geocoder even when the store's exact lookup would do */
static struct dn_strbuf out; /* data output of the library calls */

static void capture_data(void *ud, dn_out_level level, const char *text, size_t len)
{
    (void)ud;
    if (level == DN_OUT_DATA) dn_strbuf_append(&out, text, len);
}

/* Run tests/data/query/NAME (SQL) on the store of `c`. */
static void load_sql(dn_ctx *c, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FIXTURE_DIR, name);
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "%s", path);
    static char sql[64 * 1024];
    size_t n = fread(sql, 1, sizeof sql - 1, fp);
    ck_assert_msg(feof(fp), "%s: larger than the buffer", name);
    fclose(fp);
    sql[n] = '\0';
    char *err = NULL;
    int rc = sqlite3_exec(dni_db(c), sql, NULL, NULL, &err);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", name, err ? err : "?");
    sqlite3_free(err);
}

static void load_events_sql(dn_ctx *c) { load_sql(c, "events.sql"); }

/* A store at `path` with the test geodata and the fixture events. */
static void make_fixture(dn_ctx *c, const char *path)
{
    ck_assert_int_eq(dni_set_geodata_dir(c, FIXTURE_DIR "/geodata"), DN_OK);
    ck_assert_int_eq(dn_store_open(c, path, DN_STORE_CREATE), DN_OK);
    ck_assert_msg(dn_geodata_load(c, false, NULL) == DN_OK, "%s", dn_ctx_errmsg(c));
    load_events_sql(c);
}

static void setup(void)
{
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    dn_ctx_set_output(ctx, capture_data, NULL);
    dni_set_quiet(ctx, true);
    make_fixture(ctx, ":memory:");
    ck_assert_int_eq(dn_filter_new(ctx, &f), DN_OK);
    geocoder_only = false;
    memset(&out, 0, sizeof out);
    dn_strbuf_puts(&out, "");
}

static void teardown(void)
{
    dn_filter_free(f);
    f = NULL;
    ctx = dn_ctx_free(ctx);
    dn_strbuf_free(&out);
}

static void set(int id, const char *value)
{
    f->geocoder_only = geocoder_only;
    dn_status s = dn_filter_set(ctx, f, id, value);
    ck_assert_msg(s == DN_OK, "set %d '%s': %s", id, value ? value : "", dn_ctx_errmsg(ctx));
}

static dn_status collect_id(void *ud, sqlite3_stmt *row)
{
    struct dn_strbuf *b = ud;
    if (b->len) dn_strbuf_putc(b, ',');
    dn_strbuf_printf(b, "%lld", (long long)sqlite3_column_int64(row, DN_EVCOL_ID));
    return DN_OK;
}

/* The ids the filter matches, in `order` (NULL = by id), as "1,2,3". */
static char *ids(const char *order)
{
    static char buf[256];
    ck_assert_msg(dn_filter_resolve(ctx, f) == DN_OK, "resolve: %s", dn_ctx_errmsg(ctx));
    struct dn_strbuf b = {0};
    dn_strbuf_puts(&b, "");
    ck_assert_msg(dn_filter_each(ctx, f, order, -1, collect_id, &b) == DN_OK, "each: %s", dn_ctx_errmsg(ctx));
    snprintf(buf, sizeof buf, "%s", b.data);
    dn_strbuf_free(&b);
    return buf;
}

/* A fresh filter (the fixture's one is replaced). */
static void reset(void)
{
    dn_filter_free(f);
    ck_assert_int_eq(dn_filter_new(ctx, &f), DN_OK);
}

/* ---- spatial ------------------------------------------------------------------ */

START_TEST(test_query__near_radius_is_geodesic)
{
    /* within 25 km of 34N 71E: 1 (11.09 km), 14 (14.76), 6 (21.66), 2 (22.18),
     * 4 (24.02); 3 (27.73) and 5 (27.72) are outside. 4 lies 0.26° of
     * longitude east: a box of 25 km "in degrees of latitude" would miss it. */
    set(DN_FILTER_NEAR, "34.0,71.0");
    set(DN_FILTER_RADIUS, "25");
    ck_assert_str_eq(ids(NULL), "1,2,4,6,14");
    ck_assert_str_eq(ids(DN_FILTER_ORDER_DISTANCE), "1,14,6,2,4");
    /* the edge, to the metre: event 4 is 24020.04 m away */
    set(DN_FILTER_RADIUS, "24.019");
    ck_assert_str_eq(ids(NULL), "1,2,6,14");
    set(DN_FILTER_RADIUS, "24.021");
    ck_assert_str_eq(ids(NULL), "1,2,4,6,14");
    /* with the unit, as people write it: the same edge */
    set(DN_FILTER_RADIUS, "24.019 km");
    ck_assert_str_eq(ids(NULL), "1,2,6,14");
    set(DN_FILTER_RADIUS, "24.021KM");
    ck_assert_str_eq(ids(NULL), "1,2,4,6,14");
    /* --near without --radius: 25 km */
    reset();
    set(DN_FILTER_NEAR, "34,71");
    ck_assert_str_eq(ids(NULL), "1,2,4,6,14");
}
END_TEST

START_TEST(test_query__near_place_uses_gazetteer_point)
{
    geocoder_only = _i == 1;
    /* Landi Kotal (alias "Landikotal") is at 34.098N 71.141E; within 30 km:
     * 14 (4.89), 1 (13.01), 4 (15.46), 2 (17.24), 5 (18.27), 3 (21.29);
     * 6 is 38.47 km away */
    set(DN_FILTER_NEAR, "Landikotal");
    set(DN_FILTER_RADIUS, "30");
    ck_assert_str_eq(ids(DN_FILTER_ORDER_DISTANCE), "14,1,4,2,5,3");
    /* a qualifier picks one of two villages named Mirpur: the Kurram one
     * (33.9N 70.1E) has 8 at 64.32 km, then 7 at 67.07; the Nangarhar one
     * (34.5N 70.5E) has 7 at 9.0 km */
    reset();
    set(DN_FILTER_NEAR, "Mirpur, Kurram");
    set(DN_FILTER_RADIUS, "65");
    ck_assert_str_eq(ids(NULL), "8");
    set(DN_FILTER_NEAR, "Mirpur, Nangarhar");
    set(DN_FILTER_RADIUS, "10");
    ck_assert_str_eq(ids(NULL), "7");
}
END_TEST

START_TEST(test_query__ambiguous_and_unknown_places_are_usage_errors)
{
    geocoder_only = _i == 1;
    set(DN_FILTER_NEAR, "Mirpur");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    const char *m = dn_ctx_errmsg(ctx);
    ck_assert_ptr_nonnull(strstr(m, "'Mirpur' is ambiguous (2 places)"));
    ck_assert_ptr_nonnull(strstr(m, "'Mirpur, Nangarhar'"));
    ck_assert_ptr_nonnull(strstr(m, "'Mirpur, Khyber Pakhtunkhwa'"));
    reset();
    set(DN_FILTER_NEAR, "Atlantis");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "unknown place 'Atlantis'"));
    /* two Bagrams, one a district seat (PPLA2): the seat wins */
    reset();
    set(DN_FILTER_NEAR, "Bagram");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_OK);
    ck_assert_double_eq_tol(f->near_lat, 34.97, 1e-9);
    ck_assert_double_eq_tol(f->near_lon, 69.26, 1e-9);
}
END_TEST

START_TEST(test_query__bbox_is_exact_on_coordinates)
{
    /* 70.8..71.1 E, 33.8..34.2 N: 1 (71.00,34.10), 2 (71.00,34.20 on the
     * edge), 6 (70.85,33.85), 14 (71.09,34.11); 3 is at 34.25 N, 4 at 71.26 E */
    set(DN_FILTER_BBOX, "70.8,33.8,71.1,34.2");
    ck_assert_str_eq(ids(NULL), "1,2,6,14");
    /* with --near the two boxes intersect and both tests apply */
    set(DN_FILTER_NEAR, "34,71");
    set(DN_FILTER_RADIUS, "15");
    ck_assert_str_eq(ids(NULL), "1,14");
}
END_TEST

/* Whether the plan of the filter's query, sorted by `order`, goes through
 * the R*Tree and fetches rows by id, and never scans events whole. */
static bool plan_drives_by_rtree(const char *order)
{
    struct dn_strbuf sql = {0};
    dn_strbuf_puts(&sql, "EXPLAIN QUERY PLAN SELECT " DN_EVENT_SELECT_COLUMNS " FROM events e WHERE ");
    ck_assert_int_eq(dn_filter_where(ctx, f, &sql), DN_OK);
    dn_strbuf_printf(&sql, " ORDER BY %s LIMIT -1", order);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(dni_db(ctx), sql.data, -1, &st, NULL) == SQLITE_OK, "%s",
                  sqlite3_errmsg(dni_db(ctx)));
    ck_assert_int_eq(dn_filter_bind(ctx, f, st), DN_OK);
    bool rtree = false, by_rowid = false, full_scan = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        if (strstr(detail, "idx_events_geom VIRTUAL TABLE")) rtree = true;
        if (strstr(detail, "SEARCH e USING INTEGER PRIMARY KEY")) by_rowid = true;
        if (strncmp(detail, "SCAN e", 6) == 0) full_scan = true;
    }
    sqlite3_finalize(st);
    dn_strbuf_free(&sql);
    return rtree && by_rowid && !full_scan;
}

START_TEST(test_query__plan_uses_the_spatial_index)
{
    /* every order `durand query --sort` can ask for (export asks for
     * "id"'s): an ORDER BY once made SQLite scan the whole table instead */
    char keys[] = DN_QUERY_SORT_KEYS;
    const char *orders[16];
    size_t norders = 0;
    for (char *save = NULL, *k = strtok_r(keys, "|", &save); k && norders < DN_ARRAY_LEN(orders);
         k = strtok_r(NULL, "|", &save))
        ck_assert_int_eq(dn_query_sort_sql(ctx, k, &orders[norders++]), DN_OK);
    ck_assert_uint_ge(norders, 9);
    /* with filters on indexed columns too: the R*Tree still drives */
    set(DN_FILTER_NEAR, "34,71");
    set(DN_FILTER_RADIUS, "25");
    set(DN_FILTER_FROM, "2022");
    set(DN_FILTER_IN, "KP");
    set(DN_FILTER_BORDER_KM, "30");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_OK);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < norders; i++)
            if (pass == 0 || strcmp(orders[i], DN_FILTER_ORDER_DISTANCE) != 0) /* distance needs --near */
                ck_assert_msg(plan_drives_by_rtree(orders[i]), "pass %d, ORDER BY %s: plan does not go through "
                              "idx_events_geom", pass, orders[i]);
        /* the same with a bbox instead */
        reset();
        set(DN_FILTER_BBOX, "70,33,72,35");
        set(DN_FILTER_IN, "district:Khyber");
        ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_OK);
    }
}
END_TEST

START_TEST(test_query__near_box_holds_the_whole_circle)
{
    /* for centres at the equator, here, far north, next to a pole and on
     * the antimeridian, points just inside the circle in every direction
     * lie in the prefilter box */
    static const double centres[][2] = {{0, 0}, {34, 71}, {66, 20}, {89.95, 10}, {-89.99, 0}, {10, 179.99}, {-20, -179.95}};
    static const double radii[] = {0.5, 25, 300};
    struct geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    for (size_t c = 0; c < sizeof centres / sizeof centres[0]; c++) {
        for (size_t r = 0; r < 3; r++) {
            struct dn_filter box = {.near_lat = centres[c][0], .near_lon = centres[c][1], .radius_km = radii[r]};
            dni_filter_near_box(&box);
            for (double azi = 0; azi < 360; azi += 0.5) {
                double lat, lon;
                geod_direct(&g, box.near_lat, box.near_lon, azi, radii[r] * 999.9, &lat, &lon, NULL);
                ck_assert_msg(lon >= box.near_box[0] && lon <= box.near_box[2] && lat >= box.near_box[1] &&
                                  lat <= box.near_box[3],
                              "centre %g,%g r %g azi %g: %g,%g outside [%g %g %g %g]", box.near_lat, box.near_lon,
                              radii[r], azi, lat, lon, box.near_box[0], box.near_box[1], box.near_box[2],
                              box.near_box[3]);
            }
        }
    }
}
END_TEST

START_TEST(test_query__inner_box_lies_inside_the_circle)
{
    /* events in an inner box skip the geodesic test: every point of it
     * must be within the radius (random points, edges and corners) */
    static const double centres[][2] = {{0, 0}, {34, 71}, {66, 20}, {-45, 170}, {80, -30}};
    static const double radii[] = {0.05, 1, 25, 300, 1000};
    struct geod_geodesic g;
    geod_init(&g, 6378137, 1 / 298.257223563);
    unsigned long long rng = 7;
    int proven = 0;
    for (size_t c = 0; c < sizeof centres / sizeof centres[0]; c++) {
        for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++) {
            struct dn_filter box = {.near_lat = centres[c][0], .near_lon = centres[c][1], .radius_km = radii[r]};
            dni_filter_near_box(&box);
            if (box.ninner == DNI_INNER_BOXES) proven++;
            for (int j = 0; j < box.ninner; j++) {
                const double *b = box.inner_box[j];
                ck_assert(b[0] >= box.near_box[0] && b[2] <= box.near_box[2] && b[1] >= box.near_box[1] &&
                          b[3] <= box.near_box[3]);
                for (int i = 0; i < 4000; i++) {
                    double u[2];
                    for (int k = 0; k < 2; k++) {
                        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                        u[k] = (double)(rng >> 11) / 9007199254740992.0;
                    }
                    if (i < 4) u[0] = i & 1, u[1] = i >> 1;          /* corners */
                    else if (i < 400) u[i % 2] = (i / 2) % 2;        /* edges */
                    double lon = b[0] + u[0] * (b[2] - b[0]), lat = b[1] + u[1] * (b[3] - b[1]), d;
                    geod_inverse(&g, box.near_lat, box.near_lon, lat, lon, &d, NULL, NULL);
                    ck_assert_msg(d <= radii[r] * 1000, "centre %g,%g r %g box %d: %g,%g is %g m away",
                                  box.near_lat, box.near_lon, radii[r], j, lat, lon, d);
                }
            }
        }
    }
    ck_assert_int_ge(proven, 20); /* the boxes exist for ordinary circles */
}
END_TEST

/* ---- attribute filters ------------------------------------------------------------- */

START_TEST(test_query__attribute_filters_combine)
{
    ck_assert_str_eq(ids(NULL), "1,2,3,4,5,6,7,8,9,10,11,12,13,14");
    set(DN_FILTER_BORDER_KM, "5");
    ck_assert_str_eq(ids(NULL), "1,3,10,14"); /* 4.2, 1.5, 3.0, 0.4 */
    set(DN_FILTER_SIDE_CERTAIN, NULL);
    ck_assert_str_eq(ids(NULL), "1,10");
    reset();
    set(DN_FILTER_BORDER_KM_MIN, "25");
    set(DN_FILTER_BORDER_KM, "80");
    ck_assert_str_eq(ids(NULL), "5,7,8,11"); /* 27, 58, 25.5, 78 */
    reset();
    set(DN_FILTER_SIDE, "af");
    ck_assert_str_eq(ids(NULL), "3,6,7,8,9,13,14");
    set(DN_FILTER_SIDE, "none"); /* lists add up */
    ck_assert_str_eq(ids(NULL), "3,6,7,8,9,12,13,14");
    reset();
    set(DN_FILTER_SIDE, "Pakistan");
    set(DN_FILTER_TYPE, "suicide bomb"); /* a sub-type, any case */
    ck_assert_str_eq(ids(NULL), "2,11");
    reset();
    set(DN_FILTER_TYPE, "Battles, Violence against civilians");
    set(DN_FILTER_ACTOR, "taliban"); /* contains, any case: matches "TTP: Tehrik-i-Taliban Pakistan" too */
    ck_assert_str_eq(ids(NULL), "1,6,12,13");
    reset();
    /* a long list (SQLite refused 500 types as a chain of ORs: expression tree too deep) */
    struct dn_strbuf many = {0};
    for (int i = 0; i < DN_FILTER_MAX_TYPES - 1; i++) dn_strbuf_printf(&many, "type %d,", i);
    dn_strbuf_puts(&many, "BATTLES,battles"); /* the same type twice, in two cases */
    ck_assert(!many.failed);
    set(DN_FILTER_TYPE, many.data);
    ck_assert_uint_eq(f->ntypes, DN_FILTER_MAX_TYPES);
    char battles_of_many[256];
    snprintf(battles_of_many, sizeof battles_of_many, "%s", ids(NULL));
    ck_assert_int_eq(dn_filter_set(ctx, f, DN_FILTER_TYPE, "one more"), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "more than 1000 different types"));
    dn_strbuf_free(&many);
    reset();
    set(DN_FILTER_TYPE, "Battles");
    ck_assert_str_eq(battles_of_many, ids(NULL)); /* the other 999 types name nothing */
    ck_assert_str_eq(battles_of_many, "1,3,6,9,10,12,14");
    reset();
    set(DN_FILTER_ACTOR, "(2018-)");
    set(DN_FILTER_ACTOR, "100%"); /* % is literal: nothing has it */
    ck_assert_str_eq(ids(NULL), "");
    reset();
    set(DN_FILTER_MIN_FATALITIES, "10");
    ck_assert_str_eq(ids("e.fatalities DESC"), "8,6,2");
    reset();
    set(DN_FILTER_PRECISION, "district,country");
    ck_assert_str_eq(ids(NULL), "3,12");
    set(DN_FILTER_PRECISION, "point");
    ck_assert_str_eq(ids(NULL), "2,3,5,11,12");
}
END_TEST

START_TEST(test_query__dates_are_whole_periods)
{
    set(DN_FILTER_FROM, "2023-03");
    set(DN_FILTER_TO, "2023-04");
    ck_assert_str_eq(ids(NULL), "1,2,3"); /* 03-14, 03-20, 04 (month) */
    reset();
    set(DN_FILTER_TO, "2021");
    ck_assert_str_eq(ids(NULL), "6,7");
    reset();
    set(DN_FILTER_FROM, "2022-06-10");
    set(DN_FILTER_TO, "2022-12-25");
    ck_assert_str_eq(ids(NULL), "4,5,13"); /* inclusive at both ends */
    reset();
    set(DN_FILTER_FROM, "2024-02-29"); /* a leap day is a date */
    ck_assert_str_eq(ids(NULL), "");
}
END_TEST

START_TEST(test_query__in_region_by_level)
{
    geocoder_only = _i == 1;
    set(DN_FILTER_IN, "Kandahar"); /* province and district of that name: the province */
    ck_assert_str_eq(ids(NULL), "9,13");
    set(DN_FILTER_IN, "district:Kandahar");
    ck_assert_str_eq(ids(NULL), "13");
    set(DN_FILTER_IN, "KP"); /* an alias of Khyber Pakhtunkhwa */
    ck_assert_str_eq(ids(NULL), "1,2,4,5");
    set(DN_FILTER_IN, "af");
    ck_assert_str_eq(ids(NULL), "3,6,7,8,9,12,13,14");
    set(DN_FILTER_IN, "Pakistan");
    ck_assert_str_eq(ids(NULL), "1,2,4,5,10,11");
    set(DN_FILTER_IN, "Chaman, PAK");
    ck_assert_str_eq(ids(NULL), "10");
    set(DN_FILTER_IN, "district:Chaman"); /* both districts of the name */
    ck_assert_str_eq(ids(NULL), "10");
    set(DN_FILTER_IN, "mohmand-dara"); /* keys ignore case and punctuation */
    ck_assert_str_eq(ids(NULL), "3,6,14");
    set(DN_FILTER_IN, "Chaman");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_str_eq(dn_ctx_errmsg(ctx),
                     "--in: 'Chaman' is ambiguous: 'district:Chaman, Balochistan', 'district:Chaman, Kandahar'");
    set(DN_FILTER_IN, "Atlantis");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "unknown region 'Atlantis'"));
}
END_TEST

START_TEST(test_query__misspelt_and_alias_names_through_the_geocoder)
{
    /* misspellings: Peshawar (PPLA, 34.008N 71.578E), Jalalabad (34.4265N 70.4515E) */
    set(DN_FILTER_NEAR, "Peshawer");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_OK);
    ck_assert_double_eq_tol(f->near_lat, 34.008, 1e-9);
    ck_assert_double_eq_tol(f->near_lon, 71.578, 1e-9);
    reset();
    set(DN_FILTER_NEAR, "Jalalabaad");
    set(DN_FILTER_RADIUS, "10");
    ck_assert_str_eq(ids(NULL), "7"); /* event 7 is 1.1 km from Jalalabad */
    /* misspelt, and words in another order */
    reset();
    set(DN_FILTER_NEAR, "Landi Kotel");
    set(DN_FILTER_RADIUS, "30");
    ck_assert_str_eq(ids(DN_FILTER_ORDER_DISTANCE), "14,1,4,2,5,3");
    set(DN_FILTER_NEAR, "Kotal Landi");
    set(DN_FILTER_RADIUS, "30");
    ck_assert_str_eq(ids(DN_FILTER_ORDER_DISTANCE), "14,1,4,2,5,3");
    /* --in: a misspelt district and province, a curated old name, a generic word */
    reset();
    set(DN_FILTER_IN, "Jalalabaad");
    ck_assert_str_eq(ids(NULL), "7");
    set(DN_FILTER_IN, "Nangarhaar");
    ck_assert_str_eq(ids(NULL), "3,6,7,14");
    set(DN_FILTER_IN, "NWFP");
    ck_assert_str_eq(ids(NULL), "1,2,4,5");
    set(DN_FILTER_IN, "Khyber Agency");
    ck_assert_str_eq(ids(NULL), "1,2,4");
    set(DN_FILTER_IN, "district:Quetaa");
    ck_assert_str_eq(ids(NULL), "11");
    /* a town is no region, even when the geocoder knows it */
    set(DN_FILTER_IN, "Torkham");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "unknown region 'Torkham'"));
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "Torkham is a place (PPL, AFG): use --near 'Torkham'"));
}
END_TEST

START_TEST(test_query__qualifiers_are_geocoder_hints)
{
    /* a qualifier names the province, district or country; a place outside it is refused */
    set(DN_FILTER_NEAR, "Mirpur, AFG");
    set(DN_FILTER_RADIUS, "10");
    ck_assert_str_eq(ids(NULL), "7");
    set(DN_FILTER_NEAR, "Mirpurr, Kurram"); /* misspelt and qualified */
    set(DN_FILTER_RADIUS, "65");
    ck_assert_str_eq(ids(NULL), "8");
    set(DN_FILTER_NEAR, "Mirpur, Quetta");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "--near: no place 'Mirpur' in Quetta"));
    set(DN_FILTER_NEAR, "Mirpur, Atlantis");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "'Atlantis' (in 'Mirpur, Atlantis') is not a country, province"));
    reset();
    set(DN_FILTER_IN, "district:Chaman, Kandahar"); /* what the ambiguity message offers */
    ck_assert_str_eq(ids(NULL), "");
    set(DN_FILTER_IN, "district:Chaman, Balochistan");
    ck_assert_str_eq(ids(NULL), "10");
    set(DN_FILTER_IN, "Chaman, Quetta");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "--in: no country, province or district 'Chaman' in Quetta"));
}
END_TEST

START_TEST(test_query__in_district_namesakes)
{
    /* Arghandab is a district of Kandahar (event 21) and of Zabul (22, 23;
     * 24 lies in Zabul, district unknown): the district's name names
     * neither, so the qualifier must pick the province's district (hand SQL:
     * district = 'Arghandab' AND province = 'Zabul' -> 22, 23), and the bare
     * name is ambiguous like any other */
    load_sql(ctx, "namesakes.sql");
    geocoder_only = _i == 1;
    set(DN_FILTER_IN, "Arghandab, Zabul");
    ck_assert_str_eq(ids(NULL), "22,23");
    set(DN_FILTER_IN, "district:Arghandab, Zabul");
    ck_assert_str_eq(ids(NULL), "22,23");
    set(DN_FILTER_IN, "Arghandab, Kandahar");
    ck_assert_str_eq(ids(NULL), "21");
    set(DN_FILTER_IN, "district:Arghandab, Kandahar");
    ck_assert_str_eq(ids(NULL), "21");
    set(DN_FILTER_IN, "Zabul");
    ck_assert_str_eq(ids(NULL), "22,23,24");
    set(DN_FILTER_IN, "Kandahar"); /* the province: its Arghandab too */
    ck_assert_str_eq(ids(NULL), "9,13,21");
    set(DN_FILTER_IN, "district:Arghandab"); /* the level asked for: every district of the name, as district:Chaman */
    ck_assert_str_eq(ids(NULL), "21,22,23");
    static const char *const ambiguous[] = {"Arghandab", "Arghandab, AFG", "arghandab"};
    for (size_t i = 0; i < sizeof ambiguous / sizeof ambiguous[0]; i++) {
        set(DN_FILTER_IN, ambiguous[i]);
        ck_assert_msg(dn_filter_resolve(ctx, f) == DN_ERR_USAGE, "--in '%s' resolved", ambiguous[i]);
        char want[256];
        snprintf(want, sizeof want,
                 "--in: '%s' is ambiguous: 'district:Arghandab, Kandahar', 'district:Arghandab, Zabul'", ambiguous[i]);
        ck_assert_str_eq(dn_ctx_errmsg(ctx), want);
    }
    /* what the message offers works as typed */
    set(DN_FILTER_IN, "district:Arghandab, Zabul");
    ck_assert_str_eq(ids(NULL), "22,23");
    /* a district qualifier outside the province is refused */
    set(DN_FILTER_IN, "Arghandab, Khost");
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "no country, province or district 'Arghandab' in Khost"));
}
END_TEST

START_TEST(test_query__exact_lookup_agrees_with_the_geocoder)
{
    /* the store's exact lookup answers only what the geocoder would answer */
    static const char *const near[] = {"Landi Kotal", "Landikotal", "Torkham", "Mirpur, Kurram", "Mirpur, Nangarhar",
                                       "Quetta", "Spin Boldak", "Khost", "Bagram", "Chaman, Balochistan", "Peshawar, PAK"};
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
        double lat[2], lon[2];
        for (int only = 0; only < 2; only++) {
            reset();
            geocoder_only = only;
            set(DN_FILTER_NEAR, near[i]);
            ck_assert_msg(dn_filter_resolve(ctx, f) == DN_OK, "%s: %s", near[i], dn_ctx_errmsg(ctx));
            lat[only] = f->near_lat;
            lon[only] = f->near_lon;
        }
        ck_assert_msg(lat[0] == lat[1] && lon[0] == lon[1], "--near '%s': %g,%g by exact lookup, %g,%g by the geocoder",
                      near[i], lat[0], lon[0], lat[1], lon[1]);
    }
    static const char *const in[] = {"Kandahar", "district:Kandahar", "Khost", "Mohmand Dara", "Pakistan", "af",
                                     "Chaman, PAK", "Quetta", "Balochistan", "Khyber", "Khyber Pakhtunkhwa"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char got[2][256];
        for (int only = 0; only < 2; only++) {
            reset();
            geocoder_only = only;
            set(DN_FILTER_IN, in[i]);
            snprintf(got[only], sizeof got[only], "%s", ids(NULL));
        }
        ck_assert_msg(strcmp(got[0], got[1]) == 0, "--in '%s': %s by exact lookup, %s by the geocoder", in[i], got[0],
                      got[1]);
    }
    geocoder_only = false;
}
END_TEST

START_TEST(test_query__bad_values_are_usage_errors)
{
    static const struct {
        int id;
        const char *value, *message;
    } bad[] = {
        {DN_FILTER_NEAR, "95,71", "latitude 95 is out of range"},
        {DN_FILTER_NEAR, "34,181", "longitude 181 is out of range"},
        {DN_FILTER_NEAR, "34,71,2", "neither LAT,LON nor a place name"},
        {DN_FILTER_NEAR, " ", "needs a place name"},
        {DN_FILTER_RADIUS, "-5", "must be more than zero"},
        {DN_FILTER_RADIUS, "0", "must be more than zero"},
        {DN_FILTER_RADIUS, "ten", "not a number of km"},
        {DN_FILTER_RADIUS, "nan", "not a number of km"},
        {DN_FILTER_RADIUS, "30mi", "not a number of km"},
        {DN_FILTER_RADIUS, "km", "not a number of km"},
        {DN_FILTER_RADIUS, "5 kms", "not a number of km"},
        {DN_FILTER_RADIUS, "-5km", "-5 km must be more than zero"},
        {DN_FILTER_RADIUS, "30000 km", "30000 km is more than half the Earth's circumference"},
        {DN_FILTER_BORDER_KM, "-1", "must be zero or more"},
        {DN_FILTER_BBOX, "72,33,70,35", "west 72 is not less than east 70"},
        {DN_FILTER_BBOX, "70,35,72,33", "south 35 is not less than north 33"},
        {DN_FILTER_BBOX, "70,33,72", "is not W,S,E,N"},
        {DN_FILTER_BBOX, "70,-91,72,33", "latitude -91 is out of range"},
        {DN_FILTER_FROM, "2023-13", "not a valid date"},
        {DN_FILTER_FROM, "2023-02-29", "not a valid date"},
        {DN_FILTER_TO, "23-01-01", "is not a date"},
        {DN_FILTER_TO, "2023/01/01", "is not a date"},
        {DN_FILTER_SIDE, "IRN", "unknown side 'IRN'"},
        {DN_FILTER_SIDE, ",", "needs a non-empty value"},
        {DN_FILTER_PRECISION, "exact", "unknown precision 'exact'"},
        {DN_FILTER_MIN_FATALITIES, "-1", "not a whole number of 0 or more"},
        {DN_FILTER_MIN_FATALITIES, "1.5", "not a whole number of 0 or more"},
        {DN_FILTER_ACTOR, "", "needs a non-empty value"},
        {DN_FILTER_SIDE_CERTAIN, "yes", "takes no value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dn_status s = dn_filter_set(ctx, f, bad[i].id, bad[i].value);
        ck_assert_msg(s == DN_ERR_USAGE, "'%s' accepted", bad[i].value);
        ck_assert_msg(strstr(dn_ctx_errmsg(ctx), bad[i].message), "'%s': message '%s'", bad[i].value,
                      dn_ctx_errmsg(ctx));
    }
    /* combinations */
    reset();
    set(DN_FILTER_RADIUS, "5");
    ck_assert_int_eq(dn_filter_check(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "--radius needs --near"));
    reset();
    set(DN_FILTER_FROM, "2023");
    set(DN_FILTER_TO, "2022-12");
    ck_assert_int_eq(dn_filter_check(ctx, f), DN_ERR_USAGE);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "--from 2023-01-01 is after --to 2022-12-31");
    reset();
    set(DN_FILTER_BORDER_KM, "5");
    set(DN_FILTER_BORDER_KM_MIN, "10");
    ck_assert_int_eq(dn_filter_check(ctx, f), DN_ERR_USAGE);
    /* sorting by distance without a centre */
    reset();
    ck_assert_int_eq(dn_filter_each(ctx, f, DN_FILTER_ORDER_DISTANCE, -1, collect_id, &out), DN_ERR_USAGE);
}
END_TEST

START_TEST(test_query__all_events_with_null_filter_and_limit)
{
    struct dn_strbuf b = {0};
    dn_strbuf_puts(&b, "");
    ck_assert_int_eq(dn_filter_each(ctx, NULL, "e.id DESC", 3, collect_id, &b), DN_OK);
    ck_assert_str_eq(b.data, "14,13,12");
    dn_strbuf_free(&b);
}
END_TEST

/* ---- summary ------------------------------------------------------------------------- */

static void summary(const char *by, enum dn_format fmt)
{
    enum dn_summary_key keys[DN_SUMMARY_MAX_KEYS];
    size_t n;
    ck_assert_int_eq(dn_summary_parse_by(ctx, by, keys, &n), DN_OK);
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_OK);
    dn_strbuf_reset(&out);
    dn_strbuf_puts(&out, "");
    ck_assert_msg(dn_summary_print(ctx, f, keys, n, fmt, NULL) == DN_OK, "%s", dn_ctx_errmsg(ctx));
}

START_TEST(test_query__summary_by_country)
{
    /* AFG: 3,6,7,8,9,12,13,14 = 8 events; fatalities 6+20+3+47+0+2 (+ unknown
     * for 3 and 12) = 78; injured 11+20+17+0+4 = 52 (3, 7, 12 unknown).
     * PAK: 1,2,4,5,10,11 = 6; fatalities 5+12+2+1+1+9 = 30; injured
     * 3+30+0+4+15+25 = 77. */
    summary("country", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data, "country,events,fatalities,injured,first_date,last_date\r\n"
                               "AFG,8,78,52,2021-08-15,2023-09-06\r\n"
                               "PAK,6,30,77,2022-11-02,2023-08-30\r\n");
}
END_TEST

START_TEST(test_query__summary_by_district_year_with_filter)
{
    /* within 30 km of Landi Kotal: 1,2,3,4,5,14 (see near_place test) */
    set(DN_FILTER_NEAR, "Landi Kotal");
    set(DN_FILTER_RADIUS, "30");
    summary("district,year", DN_FORMAT_JSONL);
    /* a district comes with its province, and groups sort by it first */
    ck_assert_str_eq(out.data,
                     "{\"province\":\"Khyber Pakhtunkhwa\",\"district\":\"Khyber\",\"year\":\"2022\",\"events\":1,"
                     "\"fatalities\":2,\"injured\":0,\"first_date\":\"2022-11-02\",\"last_date\":\"2022-11-02\"}\n"
                     "{\"province\":\"Khyber Pakhtunkhwa\",\"district\":\"Khyber\",\"year\":\"2023\",\"events\":2,"
                     "\"fatalities\":17,\"injured\":33,\"first_date\":\"2023-03-14\",\"last_date\":\"2023-03-20\"}\n"
                     "{\"province\":\"Khyber Pakhtunkhwa\",\"district\":\"Peshawar\",\"year\":\"2022\",\"events\":1,"
                     "\"fatalities\":1,\"injured\":4,\"first_date\":\"2022-12-25\",\"last_date\":\"2022-12-25\"}\n"
                     "{\"province\":\"Nangarhar\",\"district\":\"Mohmand Dara\",\"year\":\"2023\",\"events\":2,"
                     "\"fatalities\":2,\"injured\":4,\"first_date\":\"2023-04-01\",\"last_date\":\"2023-09-06\"}\n");
}
END_TEST

START_TEST(test_query__summary_month_and_unknowns)
{
    /* event 8 is dated to 2022 only: no month, sorted last; event 3 (2023-04)
     * has no known counts: null, not 0 */
    set(DN_FILTER_IN, "Afghanistan");
    summary("month", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data, "month,events,fatalities,injured,first_date,last_date\r\n"
                               "2021-08,2,23,11,2021-08-15,2021-08-18\r\n"
                               "2022-06,1,0,0,2022-06-10,2022-06-10\r\n"
                               "2023-01,1,6,17,2023-01-05,2023-01-05\r\n"
                               "2023-04,1,,,2023-04-01,2023-04-01\r\n"
                               "2023-06,1,,,2023-06-01,2023-06-01\r\n"
                               "2023-09,1,2,4,2023-09-06,2023-09-06\r\n"
                               ",1,47,20,2022-01-01,2022-01-01\r\n");
}
END_TEST

START_TEST(test_query__summary_by_side_band_markdown)
{
    set(DN_FILTER_BORDER_KM, "10");
    summary("side,zone", DN_FORMAT_MD);
    /* AFG within 10 km: 3 (-), 6 (20/11), 9 (6/17), 14 (2/4); PAK: 1 (5/3),
     * 2 (12/30), 10 (1/15) */
    ck_assert_str_eq(out.data, "| side | band    | events | fatalities | injured | first_date | last_date  |\n"
                               "| ---- | ------- | ------ | ---------- | ------- | ---------- | ---------- |\n"
                               "| AFG  | 0-10 km | 4      | 28         | 32      | 2021-08-15 | 2023-09-06 |\n"
                               "| PAK  | 0-10 km | 3      | 18         | 48      | 2023-01-05 | 2023-03-20 |\n");
}
END_TEST

START_TEST(test_query__summary_by_district_keeps_namesakes_apart)
{
    /* 2024: Arghandab, Kandahar = {21} (2/1); Arghandab, Zabul = {22, 23}
     * (3+4 = 7; injured 2, 22's unknown); 24 in Zabul without a district
     * (1/-). Hand SQL: GROUP BY country, province, district. */
    load_sql(ctx, "namesakes.sql");
    set(DN_FILTER_FROM, "2024");
    static const char rows[] = "Kandahar,Arghandab,1,2,1,2024-05-01,2024-05-01\r\n"
                               "Zabul,Arghandab,2,7,2,2024-05-02,2024-05-20\r\n"
                               "Zabul,,1,1,,2024-05-10,2024-05-10\r\n";
    summary("district", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data, "province,district,events,fatalities,injured,first_date,last_date\r\n"
                               "Kandahar,Arghandab,1,2,1,2024-05-01,2024-05-01\r\n"
                               "Zabul,Arghandab,2,7,2,2024-05-02,2024-05-20\r\n"
                               "Zabul,,1,1,,2024-05-10,2024-05-10\r\n");
    /* the province asked for too: the same rows, in the order asked */
    summary("province,district", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data + strlen("province,district,events,fatalities,injured,first_date,last_date\r\n"), rows);
    ck_assert_int_eq(strncmp(out.data, "province,district,", 18), 0);
    summary("district,province", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data, "district,province,events,fatalities,injured,first_date,last_date\r\n"
                               "Arghandab,Kandahar,1,2,1,2024-05-01,2024-05-01\r\n"
                               "Arghandab,Zabul,2,7,2,2024-05-02,2024-05-20\r\n"
                               ",Zabul,1,1,,2024-05-10,2024-05-10\r\n");
    summary("country,district", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data, "country,province,district,events,fatalities,injured,first_date,last_date\r\n"
                               "AFG,Kandahar,Arghandab,1,2,1,2024-05-01,2024-05-01\r\n"
                               "AFG,Zabul,Arghandab,2,7,2,2024-05-02,2024-05-20\r\n"
                               "AFG,Zabul,,1,1,,2024-05-10,2024-05-10\r\n");
    /* events with neither province nor district (12, AFG) are one null group */
    reset();
    set(DN_FILTER_TO, "2023");
    set(DN_FILTER_SIDE, "AFG,none");
    summary("district", DN_FORMAT_CSV);
    ck_assert_str_eq(out.data, "province,district,events,fatalities,injured,first_date,last_date\r\n"
                               "Kandahar,Kandahar,1,0,0,2022-06-10,2022-06-10\r\n"
                               "Kandahar,Spin Boldak,1,6,17,2023-01-05,2023-01-05\r\n"
                               "Khost,Khost,1,47,20,2022-01-01,2022-01-01\r\n"
                               "Nangarhar,Jalalabad,1,3,,2021-08-18,2021-08-18\r\n"
                               "Nangarhar,Mohmand Dara,3,22,15,2021-08-15,2023-09-06\r\n"
                               ",,1,,,2023-06-01,2023-06-01\r\n");
}
END_TEST

START_TEST(test_query__summary_keys_are_checked)
{
    enum dn_summary_key keys[DN_SUMMARY_MAX_KEYS];
    size_t n;
    ck_assert_int_eq(dn_summary_parse_by(ctx, "district, YEAR", keys, &n), DN_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(keys[0], DN_SUM_DISTRICT);
    ck_assert_int_eq(keys[1], DN_SUM_YEAR);
    ck_assert_int_eq(dn_summary_parse_by(ctx, "week", keys, &n), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "unknown key 'week'"));
    ck_assert_int_eq(dn_summary_parse_by(ctx, "year,", keys, &n), DN_ERR_USAGE);
    ck_assert_int_eq(dn_summary_parse_by(ctx, "band,zone", keys, &n), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "given twice"));
}
END_TEST

/* ---- the CLI ------------------------------------------------------------------------- */

static char *tmp;
static char dbpath[600];

static void cli_setup(void)
{
    tmp = make_temp_dir();
    snprintf(dbpath, sizeof dbpath, "%s/fixture.sqlite", tmp);
    dn_ctx *c = NULL;
    ck_assert_int_eq(dn_ctx_new(&c), DN_OK);
    make_fixture(c, dbpath);
    dn_ctx_free(c);
}

static void cli_teardown(void)
{
    remove_tree(tmp);
    free(tmp);
}

START_TEST(test_query__cli_json_has_every_event_field)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--db", dbpath, "query", "--near", "34,71", "--radius", "12", "--format", "json",
                             NULL),
                     0);
    ck_assert_str_eq(c.out.data,
                     "[{\"id\":1,\"uid\":\"fx-1\",\"date\":\"2023-03-14\",\"date_precision\":\"day\",\"type\":\"Battles\","
                     "\"sub_type\":\"Armed clash\",\"actor1\":\"Military Forces of Pakistan (2018-)\","
                     "\"actor2\":\"TTP: Tehrik-i-Taliban Pakistan\",\"place\":\"Landi Kotal\",\"country\":\"PAK\","
                     "\"province\":\"Khyber Pakhtunkhwa\",\"district\":\"Khyber\",\"lat\":34.100000,\"lon\":71.000000,"
                     "\"precision\":\"town\",\"radius_km\":2.000,\"fatalities\":5,\"injured\":3,\"side\":\"PAK\","
                     "\"side_certain\":true,\"border_km\":4.200,\"band\":\"0-10 km\",\"crossing\":\"Torkham\","
                     "\"crossing_km\":6.100,\"source\":\"fixture.csv\","
                     "\"excerpt\":\"Troops clashed with militants near Landi Kotal.\",\"cluster_id\":1}]\n");
    ck_assert_ptr_nonnull(strstr(c.err.data, "1 event"));
    captured_free(&c);
}
END_TEST

START_TEST(test_query__cli_geojson_through_ogr)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--db", dbpath, "query", "--side", "none,af", "--precision", "country,district",
                             "--format", "geojson", NULL),
                     0);
    const char *o = c.out.data;
    ck_assert_ptr_nonnull(strstr(o, "\"type\": \"FeatureCollection\""));
    /* event 3 at 71.00E 34.25N: lon first; event 12 has no coordinates */
    ck_assert_ptr_nonnull(strstr(o, "\"coordinates\": [ 71.0, 34.25 ]"));
    ck_assert_ptr_nonnull(strstr(o, "\"geometry\": null"));
    ck_assert_ptr_nonnull(strstr(o, "\"side_certain\": false"));
    ck_assert_ptr_nonnull(strstr(o, "\"fatalities\": null"));
    const char *p = o;
    int features = 0;
    while ((p = strstr(p, "\"type\": \"Feature\""))) features++, p++;
    ck_assert_int_eq(features, 2);
    captured_free(&c);
}
END_TEST

START_TEST(test_query__cli_usage_errors_exit_2)
{
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--db", dbpath, "query", "--bbox", "72,33,70,35", NULL), 2);
    ck_assert_str_eq(c.err.data, "durand: error: --bbox: west 72 is not less than east 70 (expected W,S,E,N)\n"
                                 "Try 'durand query --help' for more information.\n");
    ck_assert_str_eq(c.out.data, "");
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--db", dbpath, "query", "--sort", "distance", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "--sort distance needs --near"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--db", dbpath, "summary", "--by", "week", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "--by: unknown key 'week'"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--db", dbpath, "summary", "--in", "Atlantis", "--by", "year", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "unknown region 'Atlantis'"));
    captured_free(&c);
    /* a usage error is reported before a missing database */
    ck_assert_int_eq(run_cli(&c, "--db", "/nonexistent/x.sqlite", "query", "--radius", "3", NULL), 2);
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "query", "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(c.out.data, "--border-km-min MIN"));
    captured_free(&c);
}
END_TEST

START_TEST(test_query__allocation_failures_are_reported)
{
    /* fail each allocation in turn through parsing, resolving and
     * iterating: every run ends in DN_OK or DN_ERR_NOMEM, never a crash
     * (leaks show under ASan/valgrind) */
    bool saw_nomem = false, saw_ok = false;
    for (long n = 1; n < 200 && !saw_ok; n++) {
        struct dn_filter *g = NULL;
        struct dn_strbuf b = {0};
        dni_alloc_fail_after(n);
        dn_status s = dn_filter_new(ctx, &g);
        if (s == DN_OK) s = dn_filter_set(ctx, g, DN_FILTER_NEAR, "Landi Kotal");
        if (s == DN_OK) s = dn_filter_set(ctx, g, DN_FILTER_TYPE, "Battles,Attack");
        if (s == DN_OK) s = dn_filter_set(ctx, g, DN_FILTER_IN, "KP");
        if (s == DN_OK) s = dn_filter_set(ctx, g, DN_FILTER_ACTOR, "TTP");
        if (s == DN_OK) s = dn_filter_resolve(ctx, g);
        if (s == DN_OK) s = dn_filter_each(ctx, g, NULL, -1, collect_id, &b);
        dni_alloc_fail_after(0);
        ck_assert_msg(s == DN_OK || s == DN_ERR_NOMEM, "n=%ld: %s", n, dn_ctx_errmsg(ctx));
        if (s == DN_ERR_NOMEM) saw_nomem = true;
        if (s == DN_OK && !b.failed) {
            saw_ok = true;
            ck_assert_str_eq(b.data, "1");
        }
        dn_strbuf_free(&b);
        dn_filter_free(g);
    }
    ck_assert(saw_nomem && saw_ok);
}
END_TEST

Suite *make_query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("filters");
    /* inner_box_lies_inside_the_circle takes ~1 s alone (100,000 geodesics):
     * check's default 4 s ran out under ctest -j2 on the loaded 2-core box */
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_query__near_radius_is_geodesic);
    tcase_add_loop_test(tc, test_query__near_place_uses_gazetteer_point, 0, 2);
    tcase_add_loop_test(tc, test_query__ambiguous_and_unknown_places_are_usage_errors, 0, 2);
    tcase_add_test(tc, test_query__bbox_is_exact_on_coordinates);
    tcase_add_test(tc, test_query__plan_uses_the_spatial_index);
    tcase_add_test(tc, test_query__near_box_holds_the_whole_circle);
    tcase_add_test(tc, test_query__inner_box_lies_inside_the_circle);
    tcase_add_test(tc, test_query__attribute_filters_combine);
    tcase_add_test(tc, test_query__dates_are_whole_periods);
    tcase_add_loop_test(tc, test_query__in_region_by_level, 0, 2);
    tcase_add_test(tc, test_query__misspelt_and_alias_names_through_the_geocoder);
    tcase_add_test(tc, test_query__qualifiers_are_geocoder_hints);
    tcase_add_loop_test(tc, test_query__in_district_namesakes, 0, 2);
    tcase_add_test(tc, test_query__exact_lookup_agrees_with_the_geocoder);
    tcase_add_test(tc, test_query__bad_values_are_usage_errors);
    tcase_add_test(tc, test_query__all_events_with_null_filter_and_limit);
    tcase_add_test(tc, test_query__allocation_failures_are_reported);
    suite_add_tcase(s, tc);

    TCase *sum = tcase_create("summary");
    tcase_add_checked_fixture(sum, setup, teardown);
    tcase_add_test(sum, test_query__summary_by_country);
    tcase_add_test(sum, test_query__summary_by_district_year_with_filter);
    tcase_add_test(sum, test_query__summary_month_and_unknowns);
    tcase_add_test(sum, test_query__summary_by_side_band_markdown);
    tcase_add_test(sum, test_query__summary_by_district_keeps_namesakes_apart);
    tcase_add_test(sum, test_query__summary_keys_are_checked);
    suite_add_tcase(s, sum);

    TCase *cli = tcase_create("cli");
    tcase_add_checked_fixture(cli, cli_setup, cli_teardown);
    tcase_add_test(cli, test_query__cli_json_has_every_event_field);
    tcase_add_test(cli, test_query__cli_geojson_through_ogr);
    tcase_add_test(cli, test_query__cli_usage_errors_exit_2);
    suite_add_tcase(s, cli);
    return s;
}

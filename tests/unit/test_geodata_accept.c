/** @file test_geodata_accept.c
 * Acceptance of the shipped geodata, read back through the store after
 * dn_geodata_load: the Durand Line's geodesic length against the figure
 * geodata/SOURCES.md records, every gazetteer place in its own country's
 * polygon, the admin assignment of named places, the layer counts recorded
 * in geodata/SOURCES.md, the South Waziristan aliases, the crossings'
 * settlement-proxy label, and ST_IsValid of every shipped geometry.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <geodesic.h>

#include "border/admin.h"
#include "border/border.h"
#include "gazetteer/gazetteer.h"
#include "geodata/geodata.h"
#include "geodata_fixture.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

static dn_ctx *ctx;

static void build_db(void) { (void)geodata_db(true); }
static void setup(void) { ctx = geodata_ctx(true); }
static void teardown(void) { ctx = dn_ctx_free(ctx); }

static long long count_of(const char *sql, const char *bind)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, sql, &st), DN_OK);
    if (bind) sqlite3_bind_text(st, 1, bind, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

/* The number on the line "durand_line_length_km: N" of geodata/SOURCES.md. */
static double documented_length_km(void)
{
    char *path = dn_geodata_path(ctx, "SOURCES.md");
    ck_assert_ptr_nonnull(path);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[512];
    double km = NAN;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "durand_line_length_km:");
        if (p) km = strtod(p + strlen("durand_line_length_km:"), NULL);
    }
    fclose(f);
    ck_assert_msg(!isnan(km), "%s has no 'durand_line_length_km:' line", path);
    dn_free(path);
    return km;
}

/* The number on the line "feature_count.LAYER: N" of geodata/SOURCES.md
 * (the facts scripts/check-geodata.sh checks against the GeoPackage). */
static long long documented_count(const char *layer)
{
    char *path = dn_geodata_path(ctx, "SOURCES.md");
    ck_assert_ptr_nonnull(path);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char key[64], line[512];
    snprintf(key, sizeof key, "feature_count.%s:", layer);
    long long n = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0) n = strtoll(line + strlen(key), NULL, 10);
    fclose(f);
    ck_assert_msg(n >= 0, "%s has no '%s' line", path, key);
    dn_free(path);
    return n;
}

START_TEST(test_geodata_accept__durand_line_length_matches_sources)
{
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    long long n = count_of("SELECT NumPoints(geom) FROM border", NULL);
    ck_assert_int_gt(n, 1000);
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT X(PointN(geom, ?1)), Y(PointN(geom, ?1)) FROM border", &st), DN_OK);
    double total = 0, plon = 0, plat = 0;
    for (long long i = 1; i <= n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, i);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        double lon = sqlite3_column_double(st, 0), lat = sqlite3_column_double(st, 1);
        if (i > 1) {
            double s12;
            geod_inverse(&g, plat, plon, lat, lon, &s12, NULL, NULL);
            total += s12;
        }
        plon = lon;
        plat = lat;
    }
    sqlite3_reset(st);
    double km = total / 1000, want = documented_length_km();
    ck_assert_msg(fabs(km - want) <= 5, "Durand Line %.1f km, SOURCES.md says %.1f km", km, want);
    /* the border module measures the same line */
    double mod_km;
    ck_assert_int_eq(dn_border_line_info(ctx, NULL, &mod_km, NULL, NULL), DN_OK);
    ck_assert_double_eq_tol(mod_km, km, 0.001);
}
END_TEST

/* How many gazetteer points SOURCES.md says lie outside Afghanistan and
 * Pakistan (GeoNames coordinate errors): the number in the line
 * "... N gazetteer points lie outside Afghanistan and Pakistan". */
static long long documented_outside(void)
{
    char *path = dn_geodata_path(ctx, "SOURCES.md");
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char line[512];
    long long n = -1;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "gazetteer points lie outside Afghanistan and Pakistan");
        if (!p) continue;
        /* the number just before the phrase, after any markup */
        const char *q = p;
        while (q > line && (q[-1] == ' ' || q[-1] == '*')) q--;
        while (q > line && (q[-1] >= '0' && q[-1] <= '9')) q--;
        n = strtoll(q, NULL, 10);
    }
    fclose(f);
    ck_assert_msg(n >= 0, "%s does not say how many gazetteer points lie outside both countries", path);
    dn_free(path);
    return n;
}

/* A place's `country` is the OSM country polygon holding it, found by the
 * build's SQL; the border module's own point-in-polygon test (with its tie
 * rule for edges and the metre-wide gaps along the line) must agree on
 * every one of them. */
START_TEST(test_geodata_accept__places_lie_in_their_own_country)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT country, X(geom), Y(geom) FROM places WHERE kind IS NOT 'LEARNED'"
                                          /* the neighbouring countries themselves are places too */
                                          " AND coalesce(kind, '') NOT IN ('ADM0', 'PCLI')", &st),
                     DN_OK);
    long long total = 0, same = 0, outside = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *country = (const char *)sqlite3_column_text(st, 0);
        struct dn_admin_result a;
        ck_assert_int_eq(dn_admin_locate(ctx, sqlite3_column_double(st, 1), sqlite3_column_double(st, 2), &a), DN_OK);
        total++;
        if (country && strcmp(country, a.country) == 0) same++;
        if (!country || (strcmp(country, "AFG") != 0 && strcmp(country, "PAK") != 0)) outside++;
    }
    ck_assert_int_eq(rc, SQLITE_DONE);
    sqlite3_reset(st);
    fprintf(stderr, "geodata_accept: %lld places, %lld in the polygon of their own country, %lld outside AFG and PAK\n",
            total, same, outside);
    /* every place of the GeoPackage: the countries the loader adds as
     * places are the kinds left out above */
    ck_assert_int_eq(total, documented_count("places"));
    ck_assert_int_eq(total - same, 0);
    /* the documented exceptions: GeoNames points that fall in a neighbour */
    ck_assert_int_eq(outside, documented_outside());
}
END_TEST

struct named {
    const char *key;       /* name key in place_names, and up to two more spellings */
    const char *key2, *key3;
    const char *country;
    double lat, lon;       /* where it is (GeoNames), to pick the right namesake */
    const char *province_code, *district;
};

static const struct named named_places[] = {
    {"peshawar", NULL, NULL, "PAK", 34.008, 71.57849, "PK-KP", "Peshawar"},
    {"kabul", NULL, NULL, "AFG", 34.52813, 69.17233, "AF-KAB", NULL},
    {"miranshah", "miran shah", "miram shah", "PAK", 33.00059, 70.07117, "PK-KP", "North Waziristan"},
    {"wana", NULL, NULL, "PAK", 32.29889, 69.5725, "PK-KP", "South Waziristan"},
    {"quetta", NULL, NULL, "PAK", 30.18414, 67.00141, "PK-BA", "Quetta"},
    {"jalalabad", NULL, NULL, "AFG", 34.42647, 70.45153, "AF-NAN", NULL},
    {"khost", NULL, NULL, "AFG", 33.33951, 69.92041, "AF-KHO", NULL},
    {"chaman", NULL, NULL, "PAK", 30.91769, 66.45259, "PK-BA", "Chaman"},
    {"spin boldak", NULL, NULL, "AFG", 31.00575, 66.40001, "AF-KAN", NULL},
    {"torkham", NULL, NULL, "PAK", 34.11472, 71.08472, "PK-KP", "Khyber"},
};

START_TEST(test_geodata_accept__named_places_get_their_country_province_district)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx,
                                   "SELECT p.name, X(p.geom), Y(p.geom) FROM place_names n JOIN places p ON p.id = n.place_id"
                                   " WHERE n.key IN (?1, ?5, ?6) AND p.country = ?2"
                                   " ORDER BY (X(p.geom) - ?3) * (X(p.geom) - ?3) + (Y(p.geom) - ?4) * (Y(p.geom) - ?4)"
                                   " LIMIT 1",
                                   &st),
                     DN_OK);
    for (size_t i = 0; i < DN_ARRAY_LEN(named_places); i++) {
        const struct named *c = &named_places[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, c->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->country, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, c->lon);
        sqlite3_bind_double(st, 4, c->lat);
        sqlite3_bind_text(st, 5, c->key2 ? c->key2 : c->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c->key3 ? c->key3 : c->key, -1, SQLITE_STATIC);
        ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "the gazetteer lacks %s", c->key);
        double lon = sqlite3_column_double(st, 1), lat = sqlite3_column_double(st, 2);
        ck_assert_msg(fabs(lon - c->lon) < 0.1 && fabs(lat - c->lat) < 0.1, "%s is at %g,%g", c->key, lat, lon);
        struct dn_admin_result a;
        ck_assert_int_eq(dn_admin_locate(ctx, lon, lat, &a), DN_OK);
        ck_assert_msg(strcmp(a.country, c->country) == 0, "%s: country %s", c->key, a.country);
        ck_assert_msg(a.province_code && strcmp(a.province_code, c->province_code) == 0, "%s: province %s", c->key,
                      a.province_code ? a.province_code : "(none)");
        ck_assert_msg(a.district != NULL, "%s: no district", c->key);
        if (c->district) ck_assert_msg(strcmp(a.district, c->district) == 0, "%s: district %s", c->key, a.district);
    }
    sqlite3_reset(st);
}
END_TEST

START_TEST(test_geodata_accept__layer_counts)
{
    /* countries: Afghanistan, Pakistan and their six neighbours */
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE level = 0", NULL), 8);
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE level = 0 AND code IN"
                              " ('AFG', 'PAK', 'CHN', 'IND', 'IRN', 'TJK', 'TKM', 'UZB')",
                              NULL),
                     8);
    /* 34 Afghan provinces; 7 Pakistani units with KP including ex-FATA */
    const char *prov = "SELECT count(*) FROM admin_areas WHERE level = 1 AND historical = 0 AND country = ?1";
    ck_assert_int_eq(count_of(prov, "AFG"), 34);
    ck_assert_int_eq(count_of(prov, "PAK"), 7);
    /* 398 AIMS districts; 156 Pakistani census-2023 districts, AJK and GB */
    const char *dist = "SELECT count(*) FROM admin_areas WHERE level = 2 AND country = ?1";
    ck_assert_int_eq(count_of(dist, "AFG"), 398);
    ck_assert_int_eq(count_of(dist, "PAK"), 156);
    /* FATA as a historical region only */
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE historical = 1 AND code = 'PK-TA'", NULL), 1);
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE historical = 0 AND code = 'PK-TA'", NULL), 0);
    /* one line, AFG on its left */
    ck_assert_int_eq(count_of("SELECT count(*) FROM border WHERE left_iso = 'AFG' AND right_iso = 'PAK'", NULL), 1);
    /* the crossings' settlement proxies, one row per crossing and side:
     * among them Torkham, Chaman-Spin Boldak, Ghulam Khan, Angoor Adda,
     * Kharlachi, Badini, Arandu */
    ck_assert_int_eq(count_of("SELECT count(*) FROM crossings", NULL), documented_count("crossings"));
    ck_assert_int_ge(count_of("SELECT count(DISTINCT name) FROM crossings", NULL), 7);
    ck_assert_int_eq(count_of("SELECT count(*) FROM crossings WHERE name = 'Torkham'", NULL), 2);
    /* the layers as SOURCES.md counts them */
    ck_assert_int_eq(count_of("SELECT count(*) FROM border", NULL), documented_count("durand_line"));
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE level = 0", NULL), documented_count("countries"));
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE level = 1 AND historical = 0", NULL),
                     documented_count("admin1"));
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE level = 2", NULL), documented_count("admin2"));
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE historical = 1", NULL),
                     documented_count("historical_regions"));
    /* places: the GeoPackage's rows (each province, district and FATA has
     * its point there already), plus one point the loader adds per country */
    ck_assert_int_eq(count_of("SELECT count(*) FROM places WHERE source IS NOT 'admin_areas'", NULL),
                     documented_count("places"));
    ck_assert_int_eq(count_of("SELECT count(*) FROM places WHERE source = 'admin_areas'", NULL),
                     documented_count("countries"));
    ck_assert_int_gt(count_of("SELECT count(*) FROM place_names", NULL), 300000);
    /* every district names a province of its own country */
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas d WHERE d.level = 2 AND NOT EXISTS"
                              " (SELECT 1 FROM admin_areas p WHERE p.level = 1 AND p.historical = 0"
                              " AND p.code = d.parent_code AND p.country = d.country)",
                              NULL),
                     0);
}
END_TEST

/* Crossings are settlement proxies, and every row says so (SOURCES.md
 * "crossings", known defect 6). */
START_TEST(test_geodata_accept__crossings_are_labelled_settlement_proxies)
{
    ck_assert_int_gt(count_of("SELECT count(*) FROM crossings", NULL), 0);
    ck_assert_int_eq(count_of("SELECT count(*) FROM crossings"
                              " WHERE point_kind IS NOT 'settlement proxy, not the gate position'",
                              NULL),
                     0);
}
END_TEST

/* The place `name` resolves to: South Waziristan district, KP, PAK. */
static long long south_waziristan_id(const char *name)
{
    struct dn_geocode_result r;
    ck_assert_int_eq(dn_geocode(ctx, name, strlen(name), NULL, &r), DN_OK);
    ck_assert_msg(r.status == DN_GEOCODE_RESOLVED, "%s: %s", name, dn_geocode_status_name(r.status));
    ck_assert_msg(r.place.precision == DN_PREC_DISTRICT, "%s: precision %s", name,
                  dn_precision_name(r.place.precision));
    ck_assert_str_eq(r.place.country, "PAK");
    ck_assert_str_eq(r.place.province, "Khyber Pakhtunkhwa");
    ck_assert_ptr_nonnull(r.place.district);
    ck_assert_str_eq(r.place.district, "South Waziristan");
    long long id = r.place.id;
    dn_geocode_result_clear(&r);
    return id;
}

/* The 2022 Upper/Lower split of South Waziristan has no polygons in the
 * sources: both names are aliases of the one district (known defect 3). */
START_TEST(test_geodata_accept__south_waziristan_halves_resolve_to_the_one_district)
{
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE level = 2 AND name LIKE '%South Waziristan%'",
                              NULL),
                     1);
    long long whole = south_waziristan_id("South Waziristan");
    ck_assert_int_eq(south_waziristan_id("Upper South Waziristan"), whole);
    ck_assert_int_eq(south_waziristan_id("Lower South Waziristan"), whole);
    /* the names are the district's place names, from aliases.csv */
    ck_assert_int_eq(count_of("SELECT count(DISTINCT place_id) FROM place_names WHERE source = 'aliases.csv'"
                              " AND name IN ('Upper South Waziristan', 'Lower South Waziristan')",
                              NULL),
                     1);
}
END_TEST

START_TEST(test_geodata_accept__every_geometry_is_valid)
{
    static const char *const sql[] = {
        "SELECT count(*) FROM admin_areas WHERE geom IS NULL OR ST_IsValid(geom) IS NOT 1",
        "SELECT count(*) FROM border WHERE geom IS NULL OR ST_IsValid(geom) IS NOT 1",
        "SELECT count(*) FROM crossings WHERE geom IS NULL OR ST_IsValid(geom) IS NOT 1",
        "SELECT count(*) FROM places WHERE geom IS NULL OR ST_IsValid(geom) IS NOT 1",
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(sql); i++) ck_assert_msg(count_of(sql[i], NULL) == 0, "%s", sql[i]);
    /* and of the types the schema promises */
    ck_assert_int_eq(count_of("SELECT count(*) FROM admin_areas WHERE GeometryType(geom) <> 'MULTIPOLYGON'", NULL), 0);
    ck_assert_int_eq(count_of("SELECT count(*) FROM border WHERE GeometryType(geom) <> 'LINESTRING'", NULL), 0);
}
END_TEST

Suite *make_geodata_accept_suite(void)
{
    Suite *s = suite_create("geodata_accept");
    TCase *tc = tcase_create("shipped");
    tcase_add_unchecked_fixture(tc, build_db, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_set_tags(tc, "shipped_geodata"); /* the geodata_db fixture: tests/CMakeLists.txt */
    tcase_add_test(tc, test_geodata_accept__durand_line_length_matches_sources);
    tcase_add_test(tc, test_geodata_accept__places_lie_in_their_own_country);
    tcase_add_test(tc, test_geodata_accept__named_places_get_their_country_province_district);
    tcase_add_test(tc, test_geodata_accept__layer_counts);
    tcase_add_test(tc, test_geodata_accept__crossings_are_labelled_settlement_proxies);
    tcase_add_test(tc, test_geodata_accept__south_waziristan_halves_resolve_to_the_one_district);
    tcase_add_test(tc, test_geodata_accept__every_geometry_is_valid);
    suite_add_tcase(s, tc);
    return s;
}

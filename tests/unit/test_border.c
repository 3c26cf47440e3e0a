/** @file test_border.c
 * Border: the Durand Line check (side, geodesic distance and nearest point
 * against an independent brute-force reference, bands, crossings,
 * uncertainty, bad input, events) and admin assignment, on the shipped
 * geodata; and the same code paths on the small synthetic geodata
 * (tests/data/mini-geodata), cheap enough for every valgrind run.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <geodesic.h>

#include "border/admin.h"
#include "border/border.h"
#include "core/event.h"
#include "geodata/geodata.h"
#include "geodata_fixture.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

#define DEG (M_PI / 180.0)

static dn_ctx *ctx;
static struct geod_geodesic wgs84;

static void build_db(void) { (void)geodata_db(false); }

static void setup(void)
{
    ctx = geodata_ctx(false);
    geod_init(&wgs84, 6378137.0, 1 / 298.257223563);
}

static void teardown(void) { ctx = dn_ctx_free(ctx); }

static struct dn_border_result check_ok(double lat, double lon, double radius)
{
    struct dn_border_result r;
    dn_status s = dn_border_check(ctx, lon, lat, radius, &r);
    ck_assert_msg(s == DN_OK, "check %g,%g: %s", lat, lon, dn_ctx_errmsg(ctx));
    return r;
}

static double geodesic_km(double lat1, double lon1, double lat2, double lon2)
{
    double s;
    geod_inverse(&wgs84, lat1, lon1, lat2, lon2, &s, NULL, NULL);
    return s / 1000;
}

/* ---- the line as stored, and a brute-force reference ------------------- */

struct line {
    size_t n;
    double *lon, *lat;
};

static struct line read_line(void)
{
    struct line l = {0};
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT NumPoints(geom) FROM border", &st), DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    l.n = (size_t)sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    ck_assert_uint_gt(l.n, 1000);
    l.lon = malloc(l.n * sizeof *l.lon);
    l.lat = malloc(l.n * sizeof *l.lat);
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT X(PointN(geom, ?1)), Y(PointN(geom, ?1)) FROM border", &st), DN_OK);
    for (size_t i = 0; i < l.n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, (int)i + 1);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        l.lon[i] = sqlite3_column_double(st, 0);
        l.lat[i] = sqlite3_column_double(st, 1);
    }
    sqlite3_reset(st);
    return l;
}

static void free_line(struct line *l)
{
    free(l->lon);
    free(l->lat);
}

/* The line densified along its geodesics to points at most 100 m apart,
 * with unit-sphere vectors for pruning. */
struct dense {
    size_t n;
    double (*p)[2]; /* lon, lat */
    double (*u)[3];
};

static void unit(double lon, double lat, double u[3])
{
    u[0] = cos(lat * DEG) * cos(lon * DEG);
    u[1] = cos(lat * DEG) * sin(lon * DEG);
    u[2] = sin(lat * DEG);
}

static struct dense densify(const struct line *l)
{
    struct dense d = {0};
    size_t cap = 4 * l->n;
    d.p = malloc(cap * sizeof *d.p);
    for (size_t i = 0; i + 1 < l->n; i++) {
        struct geod_geodesicline gl;
        geod_inverseline(&gl, &wgs84, l->lat[i], l->lon[i], l->lat[i + 1], l->lon[i + 1],
                         GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
        size_t k = (size_t)ceil(gl.s13 / 100.0);
        if (k == 0) k = 1;
        for (size_t j = 0; j < k; j++) {
            if (d.n + 2 > cap) d.p = realloc(d.p, (cap *= 2) * sizeof *d.p);
            geod_position(&gl, gl.s13 * (double)j / (double)k, &d.p[d.n][1], &d.p[d.n][0], NULL);
            d.n++;
        }
    }
    d.p[d.n][0] = l->lon[l->n - 1];
    d.p[d.n][1] = l->lat[l->n - 1];
    d.n++;
    d.u = malloc(d.n * sizeof *d.u);
    for (size_t i = 0; i < d.n; i++) unit(d.p[i][0], d.p[i][1], d.u[i]);
    return d;
}

/* Minimum geodesic distance (km) from the point to the densified line.
 * Points are skipped only when the unit-sphere angle proves them farther:
 * the ellipsoid's radii of curvature lie between b²/a and a²/b, so
 * (b²/a)·σ ≤ geodesic ≤ (a²/b)·σ. */
static double reference_km(const struct dense *d, double lat, double lon)
{
    double a = wgs84.a, b = wgs84.a * (1 - wgs84.f), r_lo = b * b / a, r_hi = a * a / b;
    double u[3], best_chord = INFINITY;
    unit(lon, lat, u);
    for (size_t i = 0; i < d->n; i++) {
        double x = u[0] - d->u[i][0], y = u[1] - d->u[i][1], z = u[2] - d->u[i][2];
        best_chord = fmin(best_chord, x * x + y * y + z * z);
    }
    double sigma_min = 2 * asin(sqrt(best_chord) / 2), best = INFINITY;
    for (size_t i = 0; i < d->n; i++) {
        double x = u[0] - d->u[i][0], y = u[1] - d->u[i][1], z = u[2] - d->u[i][2];
        double sigma = 2 * asin(sqrt(x * x + y * y + z * z) / 2);
        if (r_lo * sigma > r_hi * sigma_min) continue;
        double s;
        geod_inverse(&wgs84, lat, lon, d->p[i][1], d->p[i][0], &s, NULL, NULL);
        best = fmin(best, s);
    }
    return best / 1000;
}

/* The crossings as stored, for a brute-force nearest crossing. */
struct crossings {
    size_t n;
    char name[32][128];
    double lon[32], lat[32];
};

static struct crossings read_crossings(void)
{
    struct crossings c = {0};
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT name, X(geom), Y(geom) FROM crossings", &st), DN_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        ck_assert_uint_lt(c.n, DN_ARRAY_LEN(c.lon));
        snprintf(c.name[c.n], sizeof c.name[c.n], "%s", (const char *)sqlite3_column_text(st, 0));
        c.lon[c.n] = sqlite3_column_double(st, 1);
        c.lat[c.n] = sqlite3_column_double(st, 2);
        c.n++;
    }
    sqlite3_reset(st);
    ck_assert_uint_ge(c.n, 5);
    return c;
}

static uint64_t rng_state;
static double rnd(double lo, double hi)
{
    /* xorshift64*: fixed seed, same points on every run */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t v = rng_state * 2685821657736338717ULL;
    return lo + (hi - lo) * (double)(v >> 11) / 9007199254740992.0;
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_border__distance_matches_brute_force_reference)
{
    struct line l = read_line();
    struct dense d = densify(&l);
    struct crossings cx = read_crossings();
    rng_state = 0x9e3779b97f4a7c15ULL;
    int ends = 0, far = 0;
    const int n = 1200;
    for (int i = 0; i < n; i++) {
        double lon, lat;
        switch (i % 6) {
        case 0: /* beyond the AF-IR-PK tripoint, in Iran */
            lon = rnd(58.5, 60.8);
            lat = rnd(27.5, 29.8);
            break;
        case 1: /* beyond the AF-CN-PK tripoint */
            lon = rnd(74.6, 77.5);
            lat = rnd(37.05, 38.4);
            break;
        case 2: /* near the line */
            lon = rnd(61, 74.5);
            lat = rnd(29.5, 37);
            break;
        default: /* anywhere in the region */
            lon = rnd(60, 78);
            lat = rnd(23, 38.5);
        }
        struct dn_border_result r = check_ok(lat, lon, 0);
        double ref = reference_km(&d, lat, lon);
        double tol = fmax(0.001 * ref, 0.05);
        ck_assert_msg(fabs(r.border_km - ref) <= tol, "point %.5f,%.5f: %.4f km, reference %.4f km", lat, lon,
                      r.border_km, ref);
        /* the nearest point is on the line and at the reported distance */
        ck_assert_double_eq_tol(geodesic_km(lat, lon, r.nearest_lat, r.nearest_lon), r.border_km, 0.002);
        /* the nearest crossing is the one a scan of them all finds, at its
         * geodesic distance (two crossings equally near, within 1 m, may
         * swap) */
        size_t best = 0;
        double best_km = INFINITY, named_km = INFINITY;
        for (size_t k = 0; k < cx.n; k++) {
            double km = geodesic_km(lat, lon, cx.lat[k], cx.lon[k]);
            if (km < best_km) best_km = km, best = k;
            if (r.crossing && strcmp(r.crossing, cx.name[k]) == 0) named_km = fmin(named_km, km);
        }
        ck_assert_ptr_nonnull(r.crossing);
        ck_assert_msg(strcmp(r.crossing, cx.name[best]) == 0 || named_km - best_km < 0.001,
                      "point %.5f,%.5f: crossing %s, a scan finds %s (%.4f km)", lat, lon, r.crossing, cx.name[best],
                      best_km);
        ck_assert_double_eq_tol(r.crossing_km, best_km, 0.001);
        ends += r.nearest_is_end;
        far += ref > 300;
    }
    /* the sample covered both ends of the line and far points */
    ck_assert_int_ge(ends, n / 10);
    ck_assert_int_ge(far, n / 20);
    free(d.p);
    free(d.u);
    free_line(&l);
}
END_TEST

START_TEST(test_border__frame_distance_equals_geod_inverse)
{
    /* the default distance comes from the cell's AEQD frame; the exact mode
     * measures the same nearest point with geod_inverse */
    rng_state = 12345;
    for (int i = 0; i < 300; i++) {
        double lon = rnd(60, 78), lat = rnd(23, 38.5);
        dn_border_set_exact(ctx, false);
        struct dn_border_result a = check_ok(lat, lon, 0);
        dn_border_set_exact(ctx, true);
        struct dn_border_result b = check_ok(lat, lon, 0);
        ck_assert_double_eq_tol(a.border_km, b.border_km, 0.0005);
        ck_assert_double_eq_tol(a.crossing_km, b.crossing_km, 0.0005);
        ck_assert_double_eq_tol(b.border_km, geodesic_km(lat, lon, b.nearest_lat, b.nearest_lon), 1e-9);
    }
}
END_TEST

struct town {
    const char *name;
    double lat, lon; /* GeoNames (cities500) */
    const char *side;
    double min_km, max_km; /* from maps: how far the town is from the line */
};

static const struct town towns[] = {
    {"Torkham", 34.11472, 71.08472, "PAK", 0, 1},
    {"Landi Kotal", 34.0988, 71.14108, "PAK", 2, 8},
    {"Chaman", 30.91769, 66.45259, "PAK", 1, 8},
    {"Spin Boldak", 31.00575, 66.40001, "AFG", 3, 10},
    {"Kabul", 34.52813, 69.17233, "AFG", 60, 120},
    {"Quetta", 30.18414, 67.00141, "PAK", 40, 90},
    {"Miranshah", 33.00059, 70.07117, "PAK", 8, 25},
    {"Khost", 33.33951, 69.92041, "AFG", 10, 30},
};

START_TEST(test_border__towns_lie_on_their_known_side)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(towns); i++) {
        const struct town *t = &towns[i];
        struct dn_border_result r = check_ok(t->lat, t->lon, 0);
        ck_assert_msg(strcmp(r.side, t->side) == 0, "%s: side %s, expected %s", t->name, r.side, t->side);
        ck_assert_msg(r.border_km >= t->min_km && r.border_km <= t->max_km, "%s: %.3f km", t->name, r.border_km);
        ck_assert(r.side_certain);
        ck_assert(!r.nearest_is_end);
        ck_assert_ptr_nonnull(r.crossing);
        ck_assert(r.crossing_km >= 0);
    }
    /* Torkham's nearest crossing is Torkham */
    struct dn_border_result r = check_ok(towns[0].lat, towns[0].lon, 0);
    ck_assert_ptr_nonnull(strstr(r.crossing, "Torkham"));
    ck_assert_double_lt(r.crossing_km, 1);
}
END_TEST

START_TEST(test_border__points_on_the_line_are_at_zero_and_uncertain)
{
    struct line l = read_line();
    for (size_t i = 1; i + 1 < l.n; i += l.n / 37) {
        /* a vertex, and the geodesic midpoint of the segment after it */
        double mid_lat, mid_lon, s12, azi1;
        geod_inverse(&wgs84, l.lat[i], l.lon[i], l.lat[i + 1], l.lon[i + 1], &s12, &azi1, NULL);
        geod_direct(&wgs84, l.lat[i], l.lon[i], azi1, s12 / 2, &mid_lat, &mid_lon, NULL);
        double pts[2][2] = {{l.lat[i], l.lon[i]}, {mid_lat, mid_lon}};
        for (int k = 0; k < 2; k++) {
            struct dn_border_result r = check_ok(pts[k][0], pts[k][1], 0);
            ck_assert_msg(r.border_km < 0.001, "on the line at %.6f,%.6f: %.6f km", pts[k][0], pts[k][1], r.border_km);
            ck_assert(!r.side_certain);
            ck_assert_str_eq(r.band, "0-10");
            ck_assert(strcmp(r.side, "AFG") == 0 || strcmp(r.side, "PAK") == 0);
        }
    }
    free_line(&l);
}
END_TEST

START_TEST(test_border__tripoints_are_the_ends_of_the_line)
{
    /* AF-IR-PK 60.8729 E 29.8584 N; AF-CN-PK 74.5647 E 37.0308 N */
    const double tri[2][2] = {{29.8584, 60.8729}, {37.0308, 74.5647}};
    for (int i = 0; i < 2; i++) {
        struct dn_border_result r = check_ok(tri[i][0], tri[i][1], 0);
        ck_assert_double_lt(r.border_km, 0.05);
        ck_assert(r.nearest_is_end);
        ck_assert(!r.side_certain);
    }
    size_t nv;
    double a[2], b[2], km;
    ck_assert_int_eq(dn_border_line_info(ctx, &nv, &km, a, b), DN_OK);
    ck_assert_double_lt(geodesic_km(a[1], a[0], tri[0][0], tri[0][1]), 0.05);
    ck_assert_double_lt(geodesic_km(b[1], b[0], tri[1][0], tri[1][1]), 0.05);
    /* beyond the ends: the nearest point is the end itself */
    struct dn_border_result r = check_ok(29.5, 60.3, 0);
    ck_assert(r.nearest_is_end);
    ck_assert_str_eq(r.side, "IRN");
    ck_assert_double_eq_tol(r.border_km, geodesic_km(29.5, 60.3, a[1], a[0]), 0.001);
    r = check_ok(37.6, 75.8, 0);
    ck_assert(r.nearest_is_end);
    ck_assert_str_eq(r.side, "CHN");
    ck_assert_double_eq_tol(r.border_km, geodesic_km(37.6, 75.8, b[1], b[0]), 0.001);
}
END_TEST

START_TEST(test_border__points_outside_both_countries)
{
    struct dn_border_result r = check_ok(28.6139, 77.2090, 0); /* New Delhi */
    ck_assert_str_eq(r.side, "IND");
    ck_assert_str_eq(r.band, ">100");
    r = check_ok(37.9601, 58.3261, 0); /* Ashgabat: beyond the neighbours' clip, in no polygon */
    ck_assert_str_eq(r.side, "");
    r = check_ok(22.0, 64.0, 0); /* Arabian Sea */
    ck_assert_str_eq(r.side, "");
    ck_assert(r.side_certain);
    r = check_ok(48.8566, 2.3522, 0); /* Paris: far outside the region, still measured */
    ck_assert_str_eq(r.side, "");
    ck_assert_double_gt(r.border_km, 4000);
    ck_assert_double_lt(r.border_km, 6000);
}
END_TEST

START_TEST(test_border__uncertainty_radius_reaching_the_line)
{
    struct dn_border_result r = check_ok(33.00059, 70.07117, 0); /* Miranshah */
    double d = r.border_km;
    struct dn_border_result small = check_ok(33.00059, 70.07117, d - 1);
    ck_assert(small.side_certain);
    struct dn_border_result big = check_ok(33.00059, 70.07117, d + 1);
    ck_assert(!big.side_certain);
    ck_assert_str_eq(big.side, "PAK"); /* the best guess stays */
    ck_assert_double_eq(big.border_km, d);
    ck_assert_int_eq(dn_border_check(ctx, 70.07117, 33.00059, -1, &r), DN_ERR_RANGE);
    ck_assert_int_eq(dn_border_check(ctx, 70.07117, 33.00059, INFINITY, &r), DN_ERR_RANGE);
}
END_TEST

START_TEST(test_border__bands_default_and_custom)
{
    ck_assert_uint_eq(dn_border_band_count(ctx), 5);
    const char *want[] = {"0-10", "10-25", "25-50", "50-100", ">100"};
    for (size_t i = 0; i < 5; i++) ck_assert_str_eq(dn_border_band_label(ctx, i), want[i]);
    struct dn_border_result r = check_ok(33.00059, 70.07117, 0); /* Miranshah, 10-25 km */
    ck_assert_str_eq(r.band, "10-25");
    ck_assert_int_eq(dn_border_parse_bands(ctx, "5, 15.5,40"), DN_OK);
    ck_assert_uint_eq(dn_border_band_count(ctx), 4);
    ck_assert_str_eq(dn_border_band_label(ctx, 0), "0-5");
    ck_assert_str_eq(dn_border_band_label(ctx, 1), "5-15.5");
    ck_assert_str_eq(dn_border_band_label(ctx, 3), ">40");
    r = check_ok(33.00059, 70.07117, 0);
    ck_assert_str_eq(r.band, r.border_km < 15.5 ? "5-15.5" : "15.5-40");
    /* an edge belongs to the band above it */
    double e[] = {r.border_km};
    ck_assert_int_eq(dn_border_set_bands(ctx, e, 1), DN_OK);
    r = check_ok(33.00059, 70.07117, 0);
    ck_assert_int_eq(r.band_index, 1);
    ck_assert_int_eq(dn_border_parse_bands(ctx, "10,5"), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "increase"));
    ck_assert_int_eq(dn_border_parse_bands(ctx, "10,abc"), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "'abc'"));
    ck_assert_int_eq(dn_border_parse_bands(ctx, "0,10"), DN_ERR_USAGE);
    ck_assert_int_eq(dn_border_parse_bands(ctx, ""), DN_ERR_USAGE);
    /* strtod would take 0x10 for 16 km */
    ck_assert_int_eq(dn_border_parse_bands(ctx, "5,0x10"), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "'0x10'"));
}
END_TEST

START_TEST(test_border__bad_coordinates_are_refused)
{
    struct dn_border_result r;
    ck_assert_int_eq(dn_border_validate(ctx, NAN, 70), DN_ERR_RANGE);
    ck_assert_int_eq(dn_border_validate(ctx, 33, INFINITY), DN_ERR_RANGE);
    ck_assert_int_eq(dn_border_validate(ctx, 95, 70), DN_ERR_RANGE);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "latitude 95 is out of range (-90 to 90)");
    ck_assert_int_eq(dn_border_validate(ctx, 33, -181), DN_ERR_RANGE);
    ck_assert_int_eq(dn_border_check(ctx, 70, NAN, 0, &r), DN_ERR_RANGE);
    /* "71.5,34.0" as lat,lon: the Arctic, while 34 N 71.5 E is in Pakistan */
    ck_assert_int_eq(dn_border_validate(ctx, 71.5, 34.0), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx),
                     "coordinates look swapped: latitude 71.5, longitude 34 lies far outside the region, but "
                     "latitude 34, longitude 71.5 lies in PAK; give latitude first");
    /* far away but not a swap of anything in the region */
    ck_assert_int_eq(dn_border_validate(ctx, 48.85, 2.35), DN_OK);
    ck_assert_int_eq(dn_border_validate(ctx, 34.0, 71.5), DN_OK);
}
END_TEST

START_TEST(test_border__event_fields_are_filled)
{
    struct dn_event ev;
    dn_event_init(&ev);
    ck_assert_int_eq(dn_border_check_event(ctx, &ev), DN_OK); /* no coordinates: untouched */
    ck_assert(isnan(ev.border_km));
    ck_assert_ptr_null(ev.band);
    ev.has_coords = true;
    ev.lat = 31.00575;
    ev.lon = 66.40001; /* Spin Boldak */
    ev.radius_km = 10;
    ck_assert_int_eq(dn_border_check_event(ctx, &ev), DN_OK);
    ck_assert_str_eq(ev.side, "AFG");
    ck_assert(!ev.side_certain); /* 10 km circle reaches the line */
    ck_assert_double_gt(ev.border_km, 0);
    ck_assert_str_eq(ev.band, "0-10");
    ck_assert_ptr_nonnull(ev.crossing);
    ck_assert_ptr_nonnull(strstr(ev.crossing, "Chaman"));
    ck_assert_int_eq(dn_admin_locate_event(ctx, &ev), DN_OK);
    ck_assert_str_eq(ev.country, "AFG");
    ck_assert_str_eq(ev.province_code, "AF-KAN");
    ck_assert_ptr_nonnull(ev.district);
    dn_event_clear(&ev);
}
END_TEST

struct admin_case {
    const char *name;
    double lat, lon;
    const char *country, *province_code, *district; /* district checked for Pakistan */
};

static const struct admin_case admin_cases[] = {
    {"Peshawar", 34.008, 71.57849, "PAK", "PK-KP", "Peshawar"},
    {"Miranshah", 33.00059, 70.07117, "PAK", "PK-KP", "North Waziristan"},
    {"Wana", 32.29889, 69.5725, "PAK", "PK-KP", "South Waziristan"},
    {"Quetta", 30.18414, 67.00141, "PAK", "PK-BA", "Quetta"},
    {"Chaman", 30.91769, 66.45259, "PAK", "PK-BA", "Chaman"},
    {"Torkham", 34.11472, 71.08472, "PAK", "PK-KP", "Khyber"},
    {"Kabul", 34.52813, 69.17233, "AFG", "AF-KAB", NULL},
    {"Jalalabad", 34.42647, 70.45153, "AFG", "AF-NAN", NULL},
    {"Khost", 33.33951, 69.92041, "AFG", "AF-KHO", NULL},
    {"Spin Boldak", 31.00575, 66.40001, "AFG", "AF-KAN", NULL},
};

START_TEST(test_border__admin_assignment_of_known_places)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(admin_cases); i++) {
        const struct admin_case *c = &admin_cases[i];
        struct dn_admin_result a;
        ck_assert_int_eq(dn_admin_locate(ctx, c->lon, c->lat, &a), DN_OK);
        ck_assert_msg(strcmp(a.country, c->country) == 0, "%s: country %s", c->name, a.country);
        ck_assert_msg(a.province_code && strcmp(a.province_code, c->province_code) == 0, "%s: province %s", c->name,
                      a.province_code ? a.province_code : "(none)");
        ck_assert_ptr_nonnull(a.province);
        ck_assert_ptr_nonnull(a.district);
        ck_assert_int_eq(a.district_method, DN_ADMIN_WITHIN);
        if (c->district)
            ck_assert_msg(strcmp(a.district, c->district) == 0, "%s: district %s", c->name, a.district);
    }
    /* FATA is history: Miranshah's province is KP, the region is reported apart */
    struct dn_admin_result a;
    ck_assert_int_eq(dn_admin_locate(ctx, 70.07117, 33.00059, &a), DN_OK);
    ck_assert_str_eq(a.historical_code, "PK-TA");
    ck_assert_int_eq(dn_admin_locate(ctx, 67.00141, 30.18414, &a), DN_OK); /* Quetta */
    ck_assert_ptr_null(a.historical);
}
END_TEST

START_TEST(test_border__admin_falls_back_to_the_nearest_district)
{
    /* points the OSM country polygon gives to a country but none of that
     * country's district polygons holds (checked here independently) */
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx,
                                   "SELECT count(*) FROM admin_areas WHERE level = 2 AND country = ?1"
                                   " AND ST_Intersects(geom, MakePoint(?2, ?3, 4326))",
                                   &st),
                     DN_OK);
    rng_state = 777;
    int tested = 0;
    for (int i = 0; i < 4000 && tested < 5; i++) {
        /* along the coast of Sindh and Makran, where the country polygon
         * includes the territorial sea */
        double lon = rnd(61.6, 68.5), lat = rnd(23.5, 25.5);
        struct dn_admin_result a;
        ck_assert_int_eq(dn_admin_locate(ctx, lon, lat, &a), DN_OK);
        if (strcmp(a.country, "PAK") != 0) continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, "PAK", -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, lon);
        sqlite3_bind_double(st, 3, lat);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        int within = sqlite3_column_int(st, 0);
        ck_assert_ptr_nonnull(a.district);
        ck_assert_int_eq(a.district_method, within ? DN_ADMIN_WITHIN : DN_ADMIN_NEAREST);
        if (!within) tested++;
    }
    sqlite3_reset(st);
    ck_assert_int_eq(tested, 5);
}
END_TEST

START_TEST(test_border__admin_agrees_with_spatialite_on_random_points)
{
    /* the raster + GEOS lookup against a plain SpatiaLite containment query */
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx,
                                   "SELECT name FROM admin_areas WHERE level = 2 AND country = ?1"
                                   " AND ST_Intersects(geom, MakePoint(?2, ?3, 4326)) ORDER BY id",
                                   &st),
                     DN_OK);
    rng_state = 4242;
    int checked = 0;
    for (int i = 0; i < 400; i++) {
        double lon = rnd(60.5, 75), lat = rnd(24, 38);
        struct dn_admin_result a;
        ck_assert_int_eq(dn_admin_locate(ctx, lon, lat, &a), DN_OK);
        if (!a.country[0] || !a.district || a.district_method != DN_ADMIN_WITHIN) continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, a.country, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 2, lon);
        sqlite3_bind_double(st, 3, lat);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), a.district);
        checked++;
    }
    sqlite3_reset(st);
    ck_assert_int_gt(checked, 200);
}
END_TEST

START_TEST(test_border__side_agrees_with_spatialite_on_random_points)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx,
                                   "SELECT group_concat(code) FROM admin_areas WHERE level = 0"
                                   " AND ST_Intersects(geom, MakePoint(?1, ?2, 4326))",
                                   &st),
                     DN_OK);
    rng_state = 99;
    for (int i = 0; i < 400; i++) {
        double lon = rnd(60, 78), lat = rnd(23, 38.5);
        struct dn_border_result r = check_ok(lat, lon, 0);
        sqlite3_reset(st);
        sqlite3_bind_double(st, 1, lon);
        sqlite3_bind_double(st, 2, lat);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        const char *codes = (const char *)sqlite3_column_text(st, 0);
        if (!codes) ck_assert_str_eq(r.side, "");
        else ck_assert_msg(strstr(codes, r.side) && r.side[0], "%g,%g: %s vs %s", lat, lon, r.side, codes);
    }
    sqlite3_reset(st);
}
END_TEST

START_TEST(test_border__store_without_geodata_is_an_error)
{
    dn_ctx *c = NULL;
    ck_assert_int_eq(dn_ctx_new(&c), DN_OK);
    ck_assert_int_eq(dn_store_open(c, ":memory:", DN_STORE_CREATE), DN_OK);
    struct dn_border_result r;
    ck_assert_int_eq(dn_border_check(c, 70, 33, 0, &r), DN_ERR_GEODATA);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(c), "durand init"));
    dn_ctx_free(c);
}
END_TEST

/* Fail the n-th allocation of loading the border and admin layers and of
 * one check and one admin lookup, for n spread over the whole run up to
 * `max_n`: every attempt ends in DN_OK or DN_ERR_NOMEM (ASan and valgrind
 * check for leaks). */
static void fail_allocations_in_turn(long max_n, double check_lon, double check_lat, double admin_lon,
                                     double admin_lat)
{
    for (long n = 1; n < max_n; n = n * 3 / 2 + 1) {
        dn_border_invalidate(ctx);
        dni_alloc_fail_after(n);
        struct dn_border_result r;
        struct dn_admin_result a;
        dn_status s = dn_border_check(ctx, check_lon, check_lat, 0, &r);
        if (s == DN_OK) s = dn_admin_locate(ctx, admin_lon, admin_lat, &a);
        dni_alloc_fail_after(0);
        ck_assert_msg(s == DN_OK || s == DN_ERR_NOMEM, "n=%ld: %s (%s)", n, dn_strerror(s), dn_ctx_errmsg(ctx));
    }
}

START_TEST(test_border__allocation_failures_are_reported_cleanly)
{
    /* a later attempt on the same context succeeds */
    fail_allocations_in_turn(400000, 70.07117, 33.00059, 71.57849, 34.008);
    struct dn_border_result r = check_ok(33.00059, 70.07117, 0);
    ck_assert_str_eq(r.side, "PAK");
}
END_TEST

/* ---- the same code on the mini geodata (unit.border: no shipped_geodata tag) ---- */

/* The mini geodata's line (tests/data/make_mini_geodata.py). */
static const double mini_line[][2] = {{69.0, 31.0}, {69.6, 32.2}, {70.3, 33.3}, {71.0, 34.2}, {71.2, 35.0}};
static char *mini_dir;

static void mini_setup(void)
{
    mini_dir = make_temp_dir();
    char db[700];
    snprintf(db, sizeof db, "%s/mini.sqlite", mini_dir);
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dni_set_geodata_dir(ctx, DN_TEST_MINI_GEODATA), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_msg(dn_geodata_load(ctx, false, NULL) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    geod_init(&wgs84, 6378137.0, 1 / 298.257223563);
}

static void mini_teardown(void)
{
    ctx = dn_ctx_free(ctx);
    remove_tree(mini_dir);
    free(mini_dir);
}

START_TEST(test_border__mini_line_info_is_the_stored_line)
{
    size_t nv = 0;
    double km = 0, a[2], b[2], want = 0;
    ck_assert_msg(dn_border_line_info(ctx, &nv, &km, a, b) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    ck_assert_uint_eq(nv, DN_ARRAY_LEN(mini_line));
    for (size_t i = 1; i < DN_ARRAY_LEN(mini_line); i++)
        want += geodesic_km(mini_line[i - 1][1], mini_line[i - 1][0], mini_line[i][1], mini_line[i][0]);
    ck_assert_double_eq_tol(km, want, 1e-6);
    ck_assert_double_eq_tol(a[0], 69.0, 1e-9);
    ck_assert_double_eq_tol(a[1], 31.0, 1e-9);
    ck_assert_double_eq_tol(b[0], 71.2, 1e-9);
    ck_assert_double_eq_tol(b[1], 35.0, 1e-9);
}
END_TEST

START_TEST(test_border__mini_sides_beside_a_vertex)
{
    /* 30 m from an inner vertex along the bisector of its two segments'
     * normals: on the outer side of the turn the vertex itself is the
     * nearest point; within 100 m the side comes from the line, not the
     * polygons. The two countries are first narrowed (_i = 0) or widened
     * (_i = 1) by some 200 m, leaving a gap or an overlap along the line
     * as the real ones do in places (by metres): there only the line can
     * tell the side. */
    static const char *const reshape[] = {
        "UPDATE admin_areas SET geom = CastToMultiPolygon(ST_Buffer(geom, -0.002)) WHERE level = 0",
        "UPDATE admin_areas SET geom = CastToMultiPolygon(ST_Buffer(geom, 0.002)) WHERE level = 0"};
    ck_assert_int_eq(dn_store_exec(ctx, reshape[_i]), DN_OK);
    dn_border_invalidate(ctx);
    for (size_t v = 1; v + 1 < DN_ARRAY_LEN(mini_line); v++) {
        double lon = mini_line[v][0], lat = mini_line[v][1], k = cos(lat * DEG), nx = 0, ny = 0;
        for (size_t s = v - 1; s <= v; s++) {
            double ex = (mini_line[s + 1][0] - mini_line[s][0]) * k, ey = mini_line[s + 1][1] - mini_line[s][1];
            nx += -ey / hypot(ex, ey);
            ny += ex / hypot(ex, ey);
        }
        double len = hypot(nx, ny), step = 30.0 / 111320.0; /* degrees of latitude in 30 m */
        /* the outer side of the turn: left (+1) when the line turns right */
        double turn = (mini_line[v][0] - mini_line[v - 1][0]) * (mini_line[v + 1][1] - mini_line[v][1]) -
                      (mini_line[v][1] - mini_line[v - 1][1]) * (mini_line[v + 1][0] - mini_line[v][0]);
        int outer = turn < 0 ? 1 : -1;
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            double plon = lon + sgn * nx / len * step / k, plat = lat + sgn * ny / len * step;
            for (int exact = 0; exact <= 1; exact++) {
                dn_border_set_exact(ctx, exact);
                struct dn_border_result r = check_ok(plat, plon, 0);
                /* left of a line drawn northwards is west */
                ck_assert_msg(strcmp(r.side, sgn > 0 ? "AFG" : "PAK") == 0, "%s: vertex %zu side %d exact %d: %s",
                              _i ? "overlap" : "gap", v, sgn, exact, r.side);
                ck_assert(r.side_certain); /* 30 m: beyond the line's own 10 m */
                double to_vertex = geodesic_km(plat, plon, lat, lon);
                ck_assert_msg(r.border_km > 0.015 && r.border_km <= to_vertex + 1e-6, "vertex %zu side %d: %.6f km",
                              v, sgn, r.border_km);
                if (sgn == outer) ck_assert_double_eq_tol(r.border_km, to_vertex, 0.0005);
            }
        }
    }
    dn_border_set_exact(ctx, false);
}
END_TEST

START_TEST(test_border__mini_admin_falls_back_to_the_nearest_district)
{
    /* a district missing from the admin layer: its points go to the nearest
     * district of the same country, and say so */
    ck_assert_int_eq(dn_store_exec(ctx, "DELETE FROM admin_areas WHERE level = 2 AND name = 'Urgun'"), DN_OK);
    dn_border_invalidate(ctx);
    struct dn_admin_result a;
    ck_assert_msg(dn_admin_locate(ctx, 68.0, 30.5, &a) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    ck_assert_str_eq(a.country, "AFG");
    ck_assert_str_eq(a.province, "Paktika");
    ck_assert_int_eq(a.province_method, DN_ADMIN_WITHIN);
    ck_assert_str_eq(a.district, "Barmal");
    ck_assert_int_eq(a.district_method, DN_ADMIN_NEAREST);
    ck_assert_msg(dn_admin_locate(ctx, 66.0, 30.5, &a) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    ck_assert_str_eq(a.district, "Barmal");
    ck_assert_int_eq(a.district_method, DN_ADMIN_WITHIN);
}
END_TEST

START_TEST(test_border__mini_allocation_failures_are_reported_cleanly)
{
    /* as on the shipped geodata, small enough to run under valgrind too */
    fail_allocations_in_turn(100000, 70.0, 33.0, 68.0, 30.5);
    struct dn_border_result r = check_ok(33.0, 70.0, 0); /* the line passes lat 33 at lon 70.11 */
    ck_assert_str_eq(r.side, "AFG");
}
END_TEST

Suite *make_border_suite(void)
{
    Suite *s = suite_create("border");
    TCase *tc = tcase_create("check");
    tcase_add_unchecked_fixture(tc, build_db, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_set_tags(tc, "shipped_geodata"); /* the geodata_db fixture: tests/CMakeLists.txt */
    tcase_add_test(tc, test_border__distance_matches_brute_force_reference);
    tcase_add_test(tc, test_border__frame_distance_equals_geod_inverse);
    tcase_add_test(tc, test_border__towns_lie_on_their_known_side);
    tcase_add_test(tc, test_border__points_on_the_line_are_at_zero_and_uncertain);
    tcase_add_test(tc, test_border__tripoints_are_the_ends_of_the_line);
    tcase_add_test(tc, test_border__points_outside_both_countries);
    tcase_add_test(tc, test_border__uncertainty_radius_reaching_the_line);
    tcase_add_test(tc, test_border__bands_default_and_custom);
    tcase_add_test(tc, test_border__bad_coordinates_are_refused);
    tcase_add_test(tc, test_border__event_fields_are_filled);
    tcase_add_test(tc, test_border__side_agrees_with_spatialite_on_random_points);
    tcase_add_test(tc, test_border__store_without_geodata_is_an_error);
    suite_add_tcase(s, tc);
    TCase *ta = tcase_create("admin");
    tcase_add_unchecked_fixture(ta, build_db, NULL);
    tcase_add_checked_fixture(ta, setup, teardown);
    tcase_set_timeout(ta, 300);
    tcase_set_tags(ta, "shipped_geodata"); /* the geodata_db fixture: tests/CMakeLists.txt */
    tcase_add_test(ta, test_border__admin_assignment_of_known_places);
    tcase_add_test(ta, test_border__admin_falls_back_to_the_nearest_district);
    tcase_add_test(ta, test_border__admin_agrees_with_spatialite_on_random_points);
    tcase_add_test(ta, test_border__allocation_failures_are_reported_cleanly);
    suite_add_tcase(s, ta);
    TCase *tm = tcase_create("mini");
    tcase_add_checked_fixture(tm, mini_setup, mini_teardown);
    tcase_set_timeout(tm, 120);
    tcase_add_test(tm, test_border__mini_line_info_is_the_stored_line);
    tcase_add_loop_test(tm, test_border__mini_sides_beside_a_vertex, 0, 2);
    tcase_add_test(tm, test_border__mini_admin_falls_back_to_the_nearest_district);
    tcase_add_test(tm, test_border__mini_allocation_failures_are_reported_cleanly);
    suite_add_tcase(s, tm);
    return s;
}

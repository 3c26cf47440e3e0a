/** @file coord_checks.c
 * Checks of a row's coordinates against the region and the named place.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "core/geo.h"
#include "gazetteer/gazetteer.h"
#include "ingest/coord_checks.h"
#include "store/store.h"

/* Beyond this a named place and a point are not the same place. */
#define CONFLICT_KM 50.0
/* A point this close to a country's label point or centroid stands for the country. */
#define PLACEHOLDER_KM 1.0

/* The region durand covers: a swapped lat/lon pair that lands in it, while
 * the pair as given does not, is a swap candidate. */
static bool in_region(double lon, double lat) { return lon >= 60.0 && lon <= 78.0 && lat >= 23.0 && lat <= 38.0; }

static struct dn_geocode_opts hints_of(const struct dn_event *ev)
{
    return (struct dn_geocode_opts){.country = ev->country_hint, .province = ev->province_hint,
                                    .district = ev->district_hint, .alternatives_given = true};
}

/* The named place as the row's hints resolve it; *found false when the
 * name is unknown or not a valid name. */
static dn_status named_place(dn_ctx *ctx, const struct dn_event *ev, struct dn_geocode_result *g, bool *found)
{
    *found = false;
    struct dn_geocode_opts o = hints_of(ev);
    dn_status s = dn_geocode(ctx, ev->place, strlen(ev->place), &o, g);
    if (s == DN_ERR_INPUT) {
        dni_clear_error(ctx);
        return DN_OK;
    }
    if (s == DN_OK) *found = g->status != DN_GEOCODE_UNRESOLVED;
    return s;
}

dn_status dni_check_swap(dn_ctx *ctx, struct dn_event *ev)
{
    if (!ev->has_coords || in_region(ev->lon, ev->lat) || !in_region(ev->lat, ev->lon)) return DN_OK;
    bool fixed = false;
    if (ev->place && *ev->place) {
        struct dn_geocode_result g;
        bool found;
        dn_status s = named_place(ctx, ev, &g, &found);
        if (s != DN_OK) return s;
        /* the swapped point is (lon = ev->lat, lat = ev->lon) */
        if (found && dn_geodesic_within_km(ev->lat, ev->lon, g.place.lon, g.place.lat, CONFLICT_KM)) {
            double lon = ev->lat;
            ev->lat = ev->lon;
            ev->lon = lon;
            fixed = true;
        }
        dn_geocode_result_clear(&g);
    }
    if (!dn_event_add_flag(ev, fixed ? "swapped_coords_fixed" : "swapped_coords_suspected"))
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

/* ---- country placeholders -------------------------------------------------------- */

static void add_placeholder(struct dni_placeholders *ph, const char *country, double lon, double lat)
{
    if (ph->n == DN_ARRAY_LEN(ph->items) || !country || !isfinite(lon) || !isfinite(lat)) return;
    struct dni_placeholder *p = &ph->items[ph->n++];
    memcpy(p->country, country, strnlen(country, 3));
    p->country[strnlen(country, 3)] = '\0';
    p->lon = lon;
    p->lat = lat;
}

static dn_status load_placeholders(dn_ctx *ctx, struct dni_placeholders *ph)
{
    ph->loaded = true;
    struct dn_place *list = NULL;
    size_t n = 0;
    dn_status s = dn_gazetteer_list(ctx, NULL, "country", 0, 0, &list, &n, NULL);
    if (s != DN_OK) return s;
    for (size_t i = 0; i < n; i++) add_placeholder(ph, list[i].country, list[i].lon, list[i].lat);
    dn_free(list);
    /* The shipped layers hold only the parts of the neighbours near the
     * line, so only the two whole countries have a meaningful centroid. */
    sqlite3_stmt *st;
    s = dn_store_stmt(ctx,
                      "SELECT country, X(c), Y(c) FROM (SELECT country, ST_Centroid(geom) AS c FROM admin_areas"
                      " WHERE level = 0 AND country IN ('AFG', 'PAK'))",
                      &st);
    if (s != DN_OK) return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        add_placeholder(ph, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1),
                        sqlite3_column_double(st, 2));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "reading country centroids");
}

dn_status dni_check_placeholder(dn_ctx *ctx, struct dni_placeholders *ph, struct dn_event *ev)
{
    if (!ev->has_coords) return DN_OK;
    if (!ph->loaded) {
        dn_status s = load_placeholders(ctx, ph);
        if (s != DN_OK) return s;
    }
    for (size_t i = 0; i < ph->n; i++) {
        const struct dni_placeholder *p = &ph->items[i];
        if (!dn_geodesic_within_km(ev->lon, ev->lat, p->lon, p->lat, PLACEHOLDER_KM)) continue;
        ev->has_coords = false;
        ev->lon = ev->lat = NAN;
        if (ev->precision == DN_PREC_POINT || ev->precision == DN_PREC_TOWN) ev->precision = DN_PREC_UNKNOWN;
        bool ok = dn_event_add_flag(ev, "country_centroid_coords") &&
                  (ev->country_hint || dn_event_set(&ev->country_hint, p->country));
        return ok ? DN_OK : dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    return DN_OK;
}

/* ---- named place far from the point ----------------------------------------------- */

/* Whether the admin hint `text` names the area `name` at `level`
 * (precision district or province). */
static dn_status hint_names(dn_ctx *ctx, const struct dn_event *ev, const char *text, enum dn_precision level,
                            const char *name, bool *yes)
{
    *yes = false;
    if (!text || !*text || !name) return DN_OK;
    struct dn_geocode_opts o = {.country = ev->country_hint,
                                .province = level == DN_PREC_DISTRICT ? ev->province_hint : NULL,
                                .alternatives_given = true};
    struct dn_geocode_result g;
    dn_status s = dn_geocode(ctx, text, strlen(text), &o, &g);
    if (s == DN_ERR_INPUT) {
        dni_clear_error(ctx);
        return DN_OK;
    }
    if (s != DN_OK) return s;
    if (g.status != DN_GEOCODE_UNRESOLVED && g.place.precision == level) {
        const char *own = level == DN_PREC_DISTRICT ? g.place.district : g.place.province;
        *yes = strcmp(g.place.name, name) == 0 || (own && strcmp(own, name) == 0);
    }
    dn_geocode_result_clear(&g);
    return DN_OK;
}

/* The point lies in the finest admin area the row names, and the named
 * place lies outside it: the name is another village's. */
static dn_status is_namesake(dn_ctx *ctx, const struct dn_event *ev, const struct dn_place *named, bool *yes)
{
    *yes = false;
    bool in;
    dn_status s;
    if (ev->district_hint && *ev->district_hint && ev->district) {
        if ((s = hint_names(ctx, ev, ev->district_hint, DN_PREC_DISTRICT, ev->district, &in)) != DN_OK) return s;
        if (in) {
            *yes = !named->district || strcmp(named->district, ev->district) != 0;
            return DN_OK;
        }
    }
    if (ev->province_hint && *ev->province_hint && ev->province) {
        if ((s = hint_names(ctx, ev, ev->province_hint, DN_PREC_PROVINCE, ev->province, &in)) != DN_OK) return s;
        if (in) *yes = !named->province || strcmp(named->province, ev->province) != 0;
    }
    return DN_OK;
}

dn_status dni_check_conflict(dn_ctx *ctx, struct dn_event *ev)
{
    if (!ev->has_coords || !ev->flags || !strstr(ev->flags, "place_far_from_coords") || !ev->place) return DN_OK;
    struct dn_geocode_result g;
    bool found;
    dn_status s = named_place(ctx, ev, &g, &found);
    if (s != DN_OK || !found) {
        if (s == DN_OK) dn_geocode_result_clear(&g);
        return s;
    }
    if (!dn_geodesic_within_km(ev->lon, ev->lat, g.place.lon, g.place.lat, CONFLICT_KM)) {
        bool namesake;
        s = is_namesake(ctx, ev, &g.place, &namesake);
        if (s == DN_OK && !dn_event_add_flag(ev, namesake ? "place_namesake_elsewhere" : "coord_conflict"))
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    dn_geocode_result_clear(&g);
    return s;
}

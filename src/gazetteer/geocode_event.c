/** @file geocode_event.c
 * Geocoding an ingested event: the place as written (with the admin names
 * the source gave as hints), else the finest admin hint as an admin-level
 * place, else the country — each with the precision and radius it really
 * has, and flags saying which fallback was taken. Never a silent country
 * centroid.
 */
#include <math.h>
#include <string.h>

#include "core/geo.h"
#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"

/* Whether dn_geocode refused the place itself (too long, a NUL byte,
 * invalid UTF-8, no letter or digit) rather than one of the admin names
 * given with it: asked only once dn_geocode has said DN_ERR_INPUT. */
static bool place_unreadable(const char *place)
{
    struct dn_strbuf key = {0};
    bool bad = dn_name_key(NULL, place, strlen(place), &key) == DN_ERR_INPUT || key.len == 0;
    dn_strbuf_free(&key);
    return bad;
}

static bool set_admin(const struct gz_index *ix, struct dn_event *ev, long long place_id)
{
    long idx = dni_gz_place_index(ix, place_id);
    if (idx < 0) return true;
    const struct gz_place *p = &ix->places[idx];
    const char *pcode = p->province_area >= 0 ? ix->areas[p->province_area].code : NULL;
    return dn_event_set(&ev->country, p->country[0] ? p->country : NULL) && dn_event_set(&ev->province, p->province) &&
           dn_event_set(&ev->province_code, pcode) && dn_event_set(&ev->district, p->district);
}

static dn_status apply(dn_ctx *ctx, const struct gz_index *ix, struct dn_event *ev, const struct dn_place *p)
{
    ev->lon = p->lon;
    ev->lat = p->lat;
    ev->has_coords = true;
    ev->precision = p->precision;
    ev->radius_km = p->radius_km;
    ev->place_id = p->id;
    if (!set_admin(ix, ev, p->id)) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

static void combine_confidence(struct dn_event *ev, double c)
{
    ev->confidence = isfinite(ev->confidence) ? ev->confidence * c : c;
}

/* The place standing for the first area of a resolved filter. */
static long filter_place(const struct gz_index *ix, const struct gz_filter *f)
{
    if (!f->resolved) return -1;
    for (size_t i = 0; i < f->n; i++)
        if (ix->areas[f->areas[i]].place >= 0) return ix->areas[f->areas[i]].place;
    return -1;
}

static long country_place(const struct gz_index *ix, const char *iso3)
{
    for (size_t i = 0; i < ix->nareas; i++)
        if (ix->areas[i].level == 0 && strcmp(ix->areas[i].country, iso3) == 0 && ix->areas[i].place >= 0)
            return ix->areas[i].place;
    return -1;
}

static dn_status with_coords(dn_ctx *ctx, struct dn_event *ev, struct dn_geocode_opts *o)
{
    if (ev->precision == DN_PREC_UNKNOWN) ev->precision = DN_PREC_POINT;
    struct dn_geocode_result r;
    dn_status s = DN_OK;
    if (ev->place && *ev->place) {
        o->has_near = true;
        o->near_lon = ev->lon;
        o->near_lat = ev->lat;
        o->best_only = true; /* only r.status and r.place are read below */
        s = dn_geocode(ctx, ev->place, strlen(ev->place), o, &r);
        if (s == DN_ERR_INPUT && place_unreadable(ev->place)) {
            /* a bad place name does not spoil good coordinates; an admin
             * name that cannot be read (DN_ERR_INPUT kept) is the row's
             * fault, the caller's to report */
            dni_clear_error(ctx);
            dn_event_add_flag(ev, "bad_place_name");
            s = DN_OK;
        } else if (s == DN_OK && r.status != DN_GEOCODE_UNRESOLVED) {
            struct gz_index *ix;
            if ((s = dni_gz_index(ctx, &ix)) == DN_OK) {
                if (dn_geodesic_within_km(ev->lon, ev->lat, r.place.lon, r.place.lat, r.place.radius_km + 10)) {
                    ev->place_id = r.place.id;
                    if (!ev->country && !set_admin(ix, ev, r.place.id))
                        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                    if (s == DN_OK && (ev->precision == DN_PREC_DISTRICT || ev->precision == DN_PREC_PROVINCE) &&
                        r.place.precision == ev->precision && !(ev->radius_km > 0))
                        ev->radius_km = r.place.radius_km;
                } else {
                    dn_event_add_flag(ev, "place_far_from_coords");
                }
            }
        }
        dn_geocode_result_clear(&r);
    }
    if (s == DN_OK && !(ev->radius_km > 0)) ev->radius_km = dn_precision_default_radius(ev->precision);
    return s;
}

dn_status dn_geocode_event(dn_ctx *ctx, struct dn_event *ev)
{
    struct dn_geocode_opts o = {.country = ev->country_hint, .province = ev->province_hint,
                                .district = ev->district_hint, .max_alternatives = 1};
    if (ev->has_coords && isfinite(ev->lon) && isfinite(ev->lat)) return with_coords(ctx, ev, &o);
    ev->has_coords = false;
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    if (s != DN_OK) return s;

    if (ev->place && *ev->place) {
        struct dn_geocode_result r;
        s = dn_geocode(ctx, ev->place, strlen(ev->place), &o, &r);
        if (s == DN_ERR_INPUT && place_unreadable(ev->place)) {
            dni_clear_error(ctx);
            dn_event_add_flag(ev, "bad_place_name");
            s = DN_OK;
        } else if (s == DN_OK && r.status != DN_GEOCODE_UNRESOLVED) {
            s = apply(ctx, ix, ev, &r.place);
            combine_confidence(ev, r.confidence);
            if (r.status == DN_GEOCODE_AMBIGUOUS) dn_event_add_flag(ev, "place_ambiguous");
            if (r.match == DN_MATCH_FUZZY) dn_event_add_flag(ev, "place_fuzzy");
            dn_geocode_result_clear(&r);
            return s;
        }
        dn_geocode_result_clear(&r);
        if (s != DN_OK) return s;
    }

    /* the place is unknown or missing: the finest admin level the source gave */
    struct gz_hints h;
    if ((s = dni_gz_resolve_hints(ctx, ix, &o, &h)) != DN_OK) return s;
    long idx = filter_place(ix, &h.district);
    if (idx < 0) idx = filter_place(ix, &h.province);
    if (idx >= 0) {
        struct dn_place p;
        dni_gz_fill_place(ix, (uint32_t)idx, &p);
        s = apply(ctx, ix, ev, &p);
        combine_confidence(ev, h.district.n > 1 || (h.district.n == 0 && h.province.n > 1) ? 0.3 : 0.6);
        dn_event_add_flag(ev, "admin_fallback");
        if (ev->place && *ev->place) dn_event_add_flag(ev, "place_unresolved");
        return s;
    }
    idx = h.country[0] ? country_place(ix, h.country) : -1;
    if (idx >= 0) {
        struct dn_place p;
        dni_gz_fill_place(ix, (uint32_t)idx, &p);
        s = apply(ctx, ix, ev, &p);
        combine_confidence(ev, 0.2);
        dn_event_add_flag(ev, "country_only");
        if (ev->place && *ev->place) dn_event_add_flag(ev, "place_unresolved");
        return s;
    }
    dn_event_add_flag(ev, "unresolved_place");
    if (ev->place && *ev->place) return dni_fail(ctx, DN_ERR_NOT_FOUND, "unknown place '%s'", ev->place);
    return dni_fail(ctx, DN_ERR_NOT_FOUND, "no place name and no known admin area given");
}

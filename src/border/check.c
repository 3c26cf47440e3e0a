/** @file check.c
 * The border check of one point or event: coordinates, side, distance,
 * band, crossing and certainty.
 */
#include <math.h>
#include <string.h>

#include "border/border_internal.h"

/* Where the country polygons leave the side open (gaps and overlaps of
 * metres along the line, or a point on an edge), a point this close to the
 * line takes the side of the line it lies on. */
#define TIE_M 100.0

/* The line itself is known to about this (OSM simplified to 10 m; the two
 * country polygons agree to about 10 m): a point nearer than this is never
 * certain of its side, whatever its own radius. */
#define LINE_TOLERANCE_KM 0.01

dn_status dni_check_range(dn_ctx *ctx, double lat, double lon)
{
    if (!isfinite(lat)) return dni_fail(ctx, DN_ERR_RANGE, "latitude is not a finite number");
    if (!isfinite(lon)) return dni_fail(ctx, DN_ERR_RANGE, "longitude is not a finite number");
    if (fabs(lat) > 90) return dni_fail(ctx, DN_ERR_RANGE, "latitude %.10g is out of range (-90 to 90)", lat);
    if (fabs(lon) > 180) return dni_fail(ctx, DN_ERR_RANGE, "longitude %.10g is out of range (-180 to 180)", lon);
    return DN_OK;
}

static bool in_region(const struct dni_border *b, double lon, double lat)
{
    const struct dni_label_grid *g = &b->country_grid;
    return lon >= g->x0 && lat >= g->y0 && lon <= g->x0 + g->nx * g->cell && lat <= g->y0 + g->ny * g->cell;
}

dn_status dn_border_validate(dn_ctx *ctx, double lat, double lon)
{
    dn_status s = dni_check_range(ctx, lat, lon);
    if (s != DN_OK) return s;
    struct dni_border *b = NULL;
    if ((s = dni_border_get(ctx, &b)) != DN_OK) return s;
    if (in_region(b, lon, lat) || fabs(lon) > 90) return DN_OK;
    /* outside the region as given: does the swapped order land in AFG or PAK? */
    uint32_t hits[4];
    int n = dni_label_grid_locate(ctx, &b->country_grid, &b->countries, lat, lon, hits, 4);
    if (n < 0) return dn_ctx_status(ctx);
    for (int i = 0; i < n; i++) {
        if ((int)hits[i] == b->left_country || (int)hits[i] == b->right_country)
            return dni_fail(ctx, DN_ERR_INPUT,
                            "coordinates look swapped: latitude %g, longitude %g lies far outside the region, but "
                            "latitude %g, longitude %g lies in %s; give latitude first",
                            lat, lon, lon, lat, b->countries.code[hits[i]]);
    }
    return DN_OK;
}

dn_status dni_border_side(dn_ctx *ctx, struct dni_border *b, double lon, double lat, const struct dni_hit *hit,
                          char side[4])
{
    side[0] = '\0';
    /* the distance cell may know its country already */
    if (hit && hit->country != DNI_CELL_BOUNDARY) {
        if (hit->country) memcpy(side, b->countries.code[hit->country - 1], 4);
        return DN_OK;
    }
    uint32_t hits[4];
    int n = dni_label_grid_locate(ctx, &b->country_grid, &b->countries, lon, lat, hits, 4);
    if (n < 0) return dn_ctx_status(ctx);
    /* Where the two countries overlap (by metres along the real line), a
     * cell may be crossed by one country's edge while the other holds it
     * whole, and the grid then answers with the first alone: ask the other
     * side's polygon too, in crossed cells only (the rest are settled). */
    int other = n != 1 ? -1 : (int)hits[0] == b->left_country ? b->right_country
                          : (int)hits[0] == b->right_country ? b->left_country : -1;
    if (other >= 0 && dni_label_grid_crossed(&b->country_grid, lon, lat)) {
        uint32_t only = (uint32_t)other;
        int m = dni_polyset_hits(ctx, &b->countries, lon, lat, &only, 1, hits + 1, 1);
        if (m < 0) return dn_ctx_status(ctx);
        n += m;
    }
    if (n == 1) {
        memcpy(side, b->countries.code[hits[0]], 4);
        return DN_OK;
    }
    /* no country, or several: the line settles it when the point is on it */
    struct dni_hit local;
    if (!hit) {
        dn_status s = dni_frame_nearest(ctx, b, lon, lat, &local);
        if (s != DN_OK) return s;
        hit = &local;
    }
    int orient = hit->dist_m <= TIE_M ? dni_line_orient(&b->line, hit->seg, hit->t, lon, lat) : 0;
    int by_line = orient > 0 ? b->left_country : orient < 0 ? b->right_country : -1;
    bool has_left = false, has_right = false;
    for (int i = 0; i < n; i++) {
        has_left |= (int)hits[i] == b->left_country;
        has_right |= (int)hits[i] == b->right_country;
    }
    int pick = -1;
    if (n == 0) pick = by_line;
    else if (has_left && has_right && by_line >= 0) pick = by_line;
    else pick = (int)hits[0];
    if (pick >= 0) memcpy(side, b->countries.code[pick], 4);
    return DN_OK;
}

dn_status dn_border_check(dn_ctx *ctx, double lon, double lat, double radius_km, struct dn_border_result *out)
{
    memset(out, 0, sizeof *out);
    dn_status s = dni_check_range(ctx, lat, lon);
    if (s != DN_OK) return s;
    if (isnan(radius_km)) radius_km = 0;
    if (!isfinite(radius_km) || radius_km < 0)
        return dni_fail(ctx, DN_ERR_RANGE, "radius %g km must be a finite number >= 0", radius_km);
    struct dni_border *b = NULL;
    if ((s = dni_border_get(ctx, &b)) != DN_OK) return s;
    struct dni_hit hit;
    if ((s = dni_frame_nearest(ctx, b, lon, lat, &hit)) != DN_OK) return s;

    const struct dni_line *L = &b->line;
    uint32_t k = hit.seg;
    dni_line_point(L, k, hit.t, &out->nearest_lon, &out->nearest_lat);
    if (k == 0 || k + 2 == L->nv) {
        /* at an end (a tripoint), to within the line's own accuracy */
        size_t end = k == 0 ? 0 : L->nv - 1;
        double s12;
        geod_inverse(&b->geod, out->nearest_lat, out->nearest_lon, L->lat[end], L->lon[end], &s12, NULL, NULL);
        out->nearest_is_end = s12 <= LINE_TOLERANCE_KM * 1000;
    }
    double dist_m = hit.dist_m, xing_m = hit.crossing_m;
    if (b->exact) {
        geod_inverse(&b->geod, lat, lon, out->nearest_lat, out->nearest_lon, &dist_m, NULL, NULL);
        if (hit.crossing >= 0)
            geod_inverse(&b->geod, lat, lon, b->crossing[hit.crossing].lat, b->crossing[hit.crossing].lon, &xing_m,
                         NULL, NULL);
    }
    if ((s = dni_border_side(ctx, b, lon, lat, &hit, out->side)) != DN_OK) return s;
    out->lon = lon;
    out->lat = lat;
    out->radius_km = radius_km;
    out->border_km = dist_m / 1000;
    /* the circle reaches the line when the line is no farther than the radius */
    out->side_certain = out->border_km > fmax(radius_km, LINE_TOLERANCE_KM);
    out->band_index = (int)dn_border_band_index(b->bands.edge_km, b->bands.n, out->border_km);
    out->band = b->bands.label[out->band_index];
    out->crossing = hit.crossing >= 0 ? b->crossing[hit.crossing].name : NULL;
    out->crossing_km = hit.crossing >= 0 ? xing_m / 1000 : NAN;
    return DN_OK;
}

dn_status dn_border_check_event(dn_ctx *ctx, struct dn_event *ev)
{
    if (!ev->has_coords) return DN_OK;
    struct dn_border_result r;
    dn_status s = dn_border_check(ctx, ev->lon, ev->lat, isnan(ev->radius_km) ? 0 : ev->radius_km, &r);
    if (s != DN_OK) return s;
    memcpy(ev->side, r.side, sizeof ev->side);
    ev->side_certain = r.side_certain;
    ev->border_km = r.border_km;
    ev->crossing_km = r.crossing_km;
    if (!dn_event_set(&ev->band, r.band) || !dn_event_set(&ev->crossing, r.crossing))
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

void dn_border_set_exact(dn_ctx *ctx, bool exact)
{
    struct dni_border *b = NULL;
    if (dni_border_state(ctx, &b) == DN_OK) b->exact = exact;
}

dn_status dn_border_line_info(dn_ctx *ctx, size_t *nvertices, double *length_km, double end_a[2], double end_b[2])
{
    struct dni_border *b = NULL;
    dn_status s = dni_border_get(ctx, &b);
    if (s != DN_OK) return s;
    const struct dni_line *L = &b->line;
    double total = 0;
    for (size_t i = 1; i < L->nv; i++) {
        double s12;
        geod_inverse(&b->geod, L->lat[i - 1], L->lon[i - 1], L->lat[i], L->lon[i], &s12, NULL, NULL);
        total += s12;
    }
    if (nvertices) *nvertices = L->nv_stored;
    if (length_km) *length_km = total / 1000;
    if (end_a) end_a[0] = L->lon[0], end_a[1] = L->lat[0];
    if (end_b) end_b[0] = L->lon[L->nv - 1], end_b[1] = L->lat[L->nv - 1];
    return DN_OK;
}

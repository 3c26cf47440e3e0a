/** @file border.h
 * The Durand Line check: for a point (and the radius of its uncertainty),
 * the side it lies on (AFG, PAK, another neighbour's ISO3, or none), the
 * geodesic distance on WGS 84 to the nearest point of the Durand Line and
 * that point, the distance band, the nearest border crossing and its
 * geodesic distance, and whether the uncertainty circle reaches the line.
 *
 * How: country polygons come from the store (admin_areas level 0) as GEOS
 * prepared geometries behind a raster that settles every cell lying wholly
 * in one country without GEOS. Distances use lazily built cells, each with
 * an ellipsoidal azimuthal equidistant frame centred on it (coordinates from
 * PROJ's geod_inverse) and the short list of line segments that can hold the
 * nearest point for any point of the cell, chosen with conservative distance
 * bounds. The distance in the frame matches geod_inverse to the same point
 * to centimetres near the line and decimetres 1,000 km away;
 * dn_border_set_exact() measures it with geod_inverse instead (slower). See
 * README "Performance" for the measured accuracy and speed.
 *
 * All functions need a context with an open store holding the geodata. The
 * index is built on first use and kept in the context (DNI_SLOT_BORDER);
 * a dn_ctx belongs to one thread at a time.
 */
#ifndef DN_BORDER_H
#define DN_BORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "durand.h"

/** Result of one check. The strings point into the context's border index
 * and stay valid until the context is freed or the bands are changed; never
 * free them. */
struct dn_border_result {
    double lon, lat;        /**< the point checked */
    double radius_km;       /**< its uncertainty radius (0 when exact) */
    char side[4];           /**< "AFG", "PAK", another ISO3, or "" (none) */
    bool side_certain;      /**< false when the uncertainty circle (at least 10 m: the line's own
                                 accuracy) reaches the Durand Line */
    double border_km;       /**< geodesic km to the nearest point of the Durand Line */
    double nearest_lon, nearest_lat; /**< that point */
    bool nearest_is_end;    /**< the nearest point is an end of the line (a tripoint), within 10 m */
    const char *band;       /**< band label, e.g. "10-25" */
    int band_index;         /**< 0 = nearest band */
    const char *crossing;   /**< nearest crossing's name, NULL if the store has none */
    double crossing_km;     /**< geodesic km to it (NaN when none) */
};

/** Check that (lat, lon) are usable coordinates for the region.
 * @return DN_OK; DN_ERR_RANGE for NaN, infinities, latitude beyond ±90,
 * longitude beyond ±180; DN_ERR_INPUT when the order looks swapped (the
 * point as given lies far outside the region, but swapping latitude and
 * longitude puts it inside Afghanistan or Pakistan). The message (in ctx)
 * names the problem, e.g. "coordinates look swapped: latitude 71.5,
 * longitude 34 lies far outside the region, but latitude 34, longitude
 * 71.5 lies in PAK; give latitude first". Needs the index (store). */
dn_status dn_border_validate(dn_ctx *ctx, double lat, double lon);

/** Check one point.
 * @param radius_km uncertainty radius (>= 0; NaN is taken as 0).
 * @param out filled on success.
 * @return DN_OK; DN_ERR_RANGE for invalid coordinates or radius (not the
 * swap test: see dn_border_validate); DN_ERR_GEODATA when the store lacks the
 * line or the countries; DN_ERR_DB, DN_ERR_GEOS, DN_ERR_PROJ, DN_ERR_NOMEM. */
dn_status dn_border_check(dn_ctx *ctx, double lon, double lat, double radius_km, struct dn_border_result *out);

/** Fill the derived border fields of an event (side, side_certain,
 * border_km, band, crossing, crossing_km) from ev->lon/lat/radius_km.
 * An event without coordinates (has_coords false) is left as it is and
 * DN_OK returned. Errors as dn_border_check. */
dn_status dn_border_check_event(dn_ctx *ctx, struct dn_event *ev);

/** Set the band edges (km, strictly increasing, positive, at most 16):
 * edges {10, 25, 50, 100} give the bands "0-10", "10-25", "25-50",
 * "50-100" and ">100" (the default). A distance equal to an edge belongs
 * to the band above it. DN_ERR_USAGE for bad edges (message in ctx). */
dn_status dn_border_set_bands(dn_ctx *ctx, const double *edges_km, size_t n);

/** Most band edges dn_border_set_bands takes. */
#define DN_BORDER_MAX_BANDS 16

/** Parse a band list such as "10,25,50,100" into edges_km (room for
 * DN_BORDER_MAX_BANDS) and *n, checked as dn_border_set_bands checks them,
 * without setting them: for callers that draw bands (export) rather than
 * label checks. DN_ERR_USAGE names the bad value (message in ctx). */
dn_status dn_border_bands_parse(dn_ctx *ctx, const char *spec, double *edges_km, size_t *n);

/** Parse a band list such as "10,25,50,100" and set it (dn_border_set_bands).
 * DN_ERR_USAGE naming the bad item. */
dn_status dn_border_parse_bands(dn_ctx *ctx, const char *spec);

/** The band of a distance under edges_km[0..n): 0 below the first edge,
 * n at or past the last (an edge belongs to the band above it). */
size_t dn_border_band_index(const double *edges_km, size_t n, double km);
/** The label of band i (0..n) under edges_km[0..n) into buf: "0-10",
 * "10-25", ">100"; "all" when n is 0. The words of every band column and
 * layer, so that one style colours them all. */
void dn_border_band_label_of(const double *edges_km, size_t n, size_t i, char *buf, size_t cap);

/** Number of bands and the label of band i (static within the index). */
size_t dn_border_band_count(dn_ctx *ctx);
const char *dn_border_band_label(dn_ctx *ctx, size_t i);

/** Measure the distances to the nearest point and crossing found with
 * geod_inverse (true) instead of in the cell's frame (false, the default). */
void dn_border_set_exact(dn_ctx *ctx, bool exact);

/** Load the border index now (otherwise the first check does); `ms` (may
 * be NULL) receives the load time in milliseconds. */
dn_status dn_border_load(dn_ctx *ctx, double *ms);

/** Drop the loaded index (after the geodata was reloaded); the bands and
 * the exact setting stay. The next check loads it again. */
void dn_border_invalidate(dn_ctx *ctx);

/** The Durand Line as stored: vertex count, geodesic length in km summed
 * over the vertices with geod_inverse, and its two ends (lon, lat). */
dn_status dn_border_line_info(dn_ctx *ctx, size_t *nvertices, double *length_km, double end_a[2], double end_b[2]);

#endif

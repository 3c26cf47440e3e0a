/** @file geo.h
 * Geodesic helpers on the WGS 84 ellipsoid, through PROJ's geodesic
 * routines (Karney's algorithms; no spherical shortcut). Arguments are
 * lon/lat in degrees, like everything inside durand.
 */
#ifndef DN_GEO_H
#define DN_GEO_H

#include <stdbool.h>

/** Geodesic distance in km between two lon/lat points. */
double dn_geodesic_km(double lon1, double lat1, double lon2, double lat2);

/** True when two points `dlat`, `dlon` degrees apart (the poleward one at
 * |latitude| `maxlat`) are provably more than `km` apart, from bounds on
 * the degree lengths of WGS 84; false means "maybe not". */
bool dn_geodesic_farther_than(double dlat, double dlon, double maxlat, double km);

/** dn_geodesic_farther_than for two lon/lat points. */
bool dn_geodesic_beyond_km(double lon1, double lat1, double lon2, double lat2, double km);

/** An upper bound of the geodesic between two points `dlat`, `dlon`
 * degrees apart: the path along the meridian, then the parallel. */
double dn_geodesic_at_most_km(double dlat, double dlon);

/** Bounds of the geodesic between two lon/lat points, without it:
 * *lo <= dn_geodesic_km(...) <= *hi, within 2 % of each other below
 * latitude 45 for points up to 60 km apart (test_core). */
void dn_geodesic_bounds_km(double lon1, double lat1, double lon2, double lat2, double *lo, double *hi);

/** Whether two lon/lat points are within `km` of each other: the same
 * answer as dn_geodesic_km(...) <= km, with the geodesic computed only
 * when cheap bounds on the degree lengths cannot decide (most pairs a
 * threshold test meets are far inside or far outside it). */
bool dn_geodesic_within_km(double lon1, double lat1, double lon2, double lat2, double km);

/** A lon/lat box that contains every point within `km` of (lon, lat)
 * (conservative; valid away from the poles, which durand never meets). */
void dn_geodesic_bbox(double lon, double lat, double km, double *west, double *south, double *east, double *north);

/** Whether lon/lat are finite and within ±180 / ±90. */
bool dn_lonlat_valid(double lon, double lat);

#endif

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

/** A lon/lat box that contains every point within `km` of (lon, lat)
 * (conservative; valid away from the poles, which durand never meets). */
void dn_geodesic_bbox(double lon, double lat, double km, double *west, double *south, double *east, double *north);

/** Whether lon/lat are finite and within ±180 / ±90. */
bool dn_lonlat_valid(double lon, double lat);

#endif

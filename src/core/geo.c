/** @file geo.c
 * WGS 84 geodesics through PROJ's geodesic.h.
 */
#include <stddef.h>

#include <geodesic.h>
#include <math.h>
#include <pthread.h>

#include "core/geo.h"

static struct geod_geodesic wgs84_geod;

static void wgs84_init(void) { geod_init(&wgs84_geod, 6378137.0, 1.0 / 298.257223563); }

static const struct geod_geodesic *wgs84(void)
{
    /* an ingest's pipeline (the geocoder) and writer (dedupe) threads both
     * measure: initialised once, with the memory ordering pthread_once gives */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, wgs84_init);
    return &wgs84_geod;
}

double dn_geodesic_km(double lon1, double lat1, double lon2, double lat2)
{
    double s12 = 0;
    geod_inverse(wgs84(), lat1, lon1, lat2, lon2, &s12, NULL, NULL);
    return s12 / 1000.0;
}

bool dn_geodesic_farther_than(double dlat, double dlon, double maxlat, double km)
{
    /* a degree of latitude is at least 110.57 km on WGS 84; a path of at
     * most km stays below latitude `top`, where a parallel's radius is at
     * least a·cos(top) (the prime vertical radius is at least a), so it
     * cannot cover more longitude than that allows */
    if (dlat * 110.57 > km) return true;
    double top = maxlat + km / 110.57;
    return top < 89 && dlon * (M_PI / 180 * 6378.137) * cos(top * (M_PI / 180)) > km;
}

double dn_geodesic_at_most_km(double dlat, double dlon)
{
    /* a degree of latitude is at most 111.70 km on WGS 84 and a degree of
     * longitude at most 111.33 km */
    return dlat * 111.70 + dlon * 111.33;
}

/* Two points' differences in degrees, the longitude's the short way round. */
static void degree_deltas(double lon1, double lat1, double lon2, double lat2, double *dlat, double *dlon)
{
    *dlat = fabs(lat1 - lat2);
    *dlon = fabs(lon1 - lon2);
    if (*dlon > 180) *dlon = 360 - *dlon;
}

/* Along any path, ds^2 = (M dphi)^2 + (p dlambda)^2 with M the meridian
 * radius and p the parallel's: M lies between a(1-e^2) and a/sqrt(1-e^2)
 * (110.57 to 111.70 km a degree), and p between a cos(phi) and
 * a/sqrt(1-e^2) cos(phi). Upper: the path straight in degrees, p at most
 * at its lowest |latitude|. Lower (Minkowski's inequality over the path):
 * the geodesic covers at least the two differences, and it cannot pass
 * poleward of the higher point by more than its length allows. */
void dn_geodesic_bounds_km(double lon1, double lat1, double lon2, double lat2, double *lo, double *hi)
{
    double dlat, dlon;
    degree_deltas(lon1, lat1, lon2, lat2, &dlat, &dlon);
    double minlat = lat1 * lat2 <= 0 ? 0 : fmin(fabs(lat1), fabs(lat2));
    double maxlat = fmax(fabs(lat1), fabs(lat2));
    double ux = dlon * 111.70 * cos(minlat * (M_PI / 180)), uy = dlat * 111.70;
    *hi = sqrt(ux * ux + uy * uy);
    double top = maxlat + *hi / 110.57;
    double lx = top < 90 ? dlon * 111.31 * cos(top * (M_PI / 180)) : 0, ly = dlat * 110.57;
    *lo = sqrt(lx * lx + ly * ly);
}

bool dn_geodesic_beyond_km(double lon1, double lat1, double lon2, double lat2, double km)
{
    double dlat, dlon;
    degree_deltas(lon1, lat1, lon2, lat2, &dlat, &dlon);
    return dn_geodesic_farther_than(dlat, dlon, fmax(fabs(lat1), fabs(lat2)), km);
}

bool dn_geodesic_within_km(double lon1, double lat1, double lon2, double lat2, double km)
{
    double dlat, dlon;
    degree_deltas(lon1, lat1, lon2, lat2, &dlat, &dlon);
    if (dn_geodesic_at_most_km(dlat, dlon) <= km) return true;
    if (dn_geodesic_farther_than(dlat, dlon, fmax(fabs(lat1), fabs(lat2)), km)) return false;
    return dn_geodesic_km(lon1, lat1, lon2, lat2) <= km;
}

void dn_geodesic_bbox(double lon, double lat, double km, double *west, double *south, double *east, double *north)
{
    /* one degree of latitude is at least 110.57 km; of longitude at least
     * 111.32·cos(lat) km on the ellipsoid — shrink by 1 % for safety */
    double dlat = km / (110.57 * 0.99);
    double maxlat = fabs(lat) + dlat;
    if (maxlat > 89.0) maxlat = 89.0;
    double dlon = km / (111.32 * cos(maxlat * M_PI / 180.0) * 0.99);
    *west = lon - dlon;
    *east = lon + dlon;
    *south = lat - dlat;
    *north = lat + dlat;
}

bool dn_lonlat_valid(double lon, double lat)
{
    return isfinite(lon) && isfinite(lat) && lon >= -180.0 && lon <= 180.0 && lat >= -90.0 && lat <= 90.0;
}

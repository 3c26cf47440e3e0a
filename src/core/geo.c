/** @file geo.c
 * WGS 84 geodesics through PROJ's geodesic.h.
 */
#include <stddef.h>

#include <geodesic.h>
#include <math.h>

#include "core/geo.h"

static const struct geod_geodesic *wgs84(void)
{
    /* geod_init only fills constants: initialising twice from two threads
     * writes the same values, so a plain flag is enough */
    static struct geod_geodesic g;
    static bool ready;
    if (!ready) {
        geod_init(&g, 6378137.0, 1.0 / 298.257223563);
        ready = true;
    }
    return &g;
}

double dn_geodesic_km(double lon1, double lat1, double lon2, double lat2)
{
    double s12 = 0;
    geod_inverse(wgs84(), lat1, lon1, lat2, lon2, &s12, NULL, NULL);
    return s12 / 1000.0;
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

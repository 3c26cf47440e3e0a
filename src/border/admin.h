/** @file admin.h
 * Admin assignment: the country, province and district of a point.
 *
 * The country always comes from the OSM country polygons (the same test as
 * the border check's side). The province comes from that country's current
 * level-1 areas (historical regions such as FATA are never a province; they
 * are reported separately), the district from that country's level-2 areas:
 * the polygon containing the point ('within'), else — the layers do not
 * follow the country border exactly — the nearest one of the same country
 * ('nearest'). Lookups go through a raster that settles cells lying wholly
 * in one polygon, then GEOS prepared polygons; the nearest fallback uses a
 * GEOS STRtree.
 *
 * Needs a context with an open store holding the geodata; the admin layers
 * are loaded into DNI_SLOT_BORDER on first use.
 */
#ifndef DN_ADMIN_H
#define DN_ADMIN_H

#include "core/event.h"
#include "durand.h"

/** How an admin unit was assigned. */
enum dn_admin_method {
    DN_ADMIN_NONE = 0, /**< not assigned (no country, or the country has no such layer) */
    DN_ADMIN_WITHIN,   /**< the polygon contains the point */
    DN_ADMIN_NEAREST   /**< no polygon of the country contains it: the nearest one */
};

/** "within", "nearest", or NULL for DN_ADMIN_NONE. */
const char *dn_admin_method_name(enum dn_admin_method m);

/** Result of a lookup. The strings point into the context's border index
 * and stay valid until the context is freed; never free them. NULL when
 * unknown. */
struct dn_admin_result {
    char country[4];            /**< ISO3, "" when the point is in no country */
    const char *country_name;
    const char *province;       /**< current province name */
    const char *province_code;  /**< ISO 3166-2, e.g. "PK-KP" */
    enum dn_admin_method province_method;
    const char *district;
    enum dn_admin_method district_method;
    const char *historical;      /**< historical region containing it (e.g. FATA), or NULL */
    const char *historical_code; /**< e.g. "PK-TA" */
};

/** Locate (lon, lat).
 * @return DN_OK (also for a point in no country: country ""); DN_ERR_RANGE
 * for invalid coordinates; DN_ERR_GEODATA, DN_ERR_DB, DN_ERR_GEOS,
 * DN_ERR_NOMEM. */
dn_status dn_admin_locate(dn_ctx *ctx, double lon, double lat, struct dn_admin_result *out);

/** Fill ev->country, province, province_code and district from ev->lon/lat
 * (cleared first where the lookup finds nothing). An event without
 * coordinates is left as it is and DN_OK returned. */
dn_status dn_admin_locate_event(dn_ctx *ctx, struct dn_event *ev);

/** Load the admin layers now (otherwise the first lookup does); `ms` (may
 * be NULL) receives the load time in milliseconds. */
dn_status dn_admin_load(dn_ctx *ctx, double *ms);

#endif

/** @file filter_internal.h
 * The inside of struct dn_filter, shared by the files of the query module
 * (filter.c parses options, resolve.c resolves places, filter_sql.c turns
 * the filter into SQL). Not for use outside src/query/.
 */
#ifndef DN_QUERY_FILTER_INTERNAL_H
#define DN_QUERY_FILTER_INTERNAL_H

#include "query/filter.h"

/** Bits of dn_filter.side_mask. */
enum { DNI_SIDE_AFG = 1, DNI_SIDE_PAK = 2, DNI_SIDE_OTHER = 4, DNI_SIDE_NONE = 8 };

/** A region --in resolved to: events whose stored columns hold it.
 * level 0: country only; 1: country + province; 2: country + province +
 * district (district names repeat across provinces: Arghandab lies in
 * Kandahar and in Zabul, so the district alone names no one area). */
struct dni_region {
    int level;
    char country[4]; /**< ISO3 */
    char *name;      /**< province or district name as stored; owned */
    char *province;  /**< level 2: the district's province as stored; owned;
                          NULL when the gazetteer does not know it (any) */
};

enum { DNI_INNER_BOXES = 3 };

struct dn_filter {
    /* --near: a place name until resolved, then a centre */
    char *near_place;         /**< owned; NULL when given as LAT,LON or resolved */
    bool has_near;            /**< centre known (set on LAT,LON or after resolve) */
    bool near_given;          /**< --near seen at all */
    double near_lat, near_lon;
    bool radius_given;
    double radius_km;
    /* prefilter box of the near circle, lon/lat degrees (filled by resolve) */
    double near_box[4];       /**< W, S, E, N */
    /* boxes inside the circle (filled by resolve, those proven): points in
     * any of them match without the geodesic test. A square, a wide and a
     * tall box: together about 84 % of the circle, the square alone 64 %. */
    int ninner;
    double inner_box[DNI_INNER_BOXES][4]; /**< W, S, E, N each */

    bool has_border_max, has_border_min;
    double border_max, border_min;

    unsigned side_mask;       /**< DNI_SIDE_* bits; 0 = any */

    char *in_text;            /**< owned; --in as given */
    struct dni_region *regions; /**< owned array, after resolve */
    size_t nregions;

    bool has_bbox;
    double bbox[4];           /**< W, S, E, N */

    char from[11], to[11];    /**< YYYY-MM-DD inclusive bounds, "" = open */

    char **types;             /**< owned strings, owned array */
    size_t ntypes;

    char *actor_like;         /**< owned LIKE pattern "%text%" with \ escapes */

    bool has_min_fatalities;
    long long min_fatalities;

    unsigned precision_mask;  /**< bit (1 << enum dn_precision); 0 = any */
    bool side_certain;

    bool resolved;
    bool geocoder_only;       /**< resolve names through the geocoder even when the exact
                                   lookup in the store would do (tests compare the two) */
};

/** Compute f->near_box from the centre and radius (geod_direct around the
 * circle, padded so the box always contains it), and f->inner_box, boxes
 * inside the circle (f->ninner of them; 0 when none is proven). */
void dni_filter_near_box(struct dn_filter *f);

/** Resolve a place name ("NAME" or "NAME, QUALIFIER") to a centre
 * (lat/lon) for --near, through the geocoder; with `quick`, a name that
 * exactly names one place is answered from the store without it.
 * @return DN_OK; DN_ERR_USAGE (unknown/ambiguous, message lists candidates);
 * DN_ERR_DB; DN_ERR_NOMEM; the geocoder's DN_ERR_GEODATA. */
dn_status dni_filter_resolve_place(dn_ctx *ctx, const char *name, bool quick, double *lat, double *lon);

/** Resolve --in REGION into regions (array owned by the caller, each name
 * freed with dn_free, then the array), through the geocoder among admin
 * areas; `quick` as for dni_filter_resolve_place.
 * @return DN_OK; DN_ERR_USAGE (unknown/ambiguous); DN_ERR_DB; DN_ERR_NOMEM. */
dn_status dni_filter_resolve_region(dn_ctx *ctx, const char *text, bool quick, struct dni_region **out, size_t *n);

#endif

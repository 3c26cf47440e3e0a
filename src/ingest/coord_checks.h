/** @file coord_checks.h
 * The ingest run's checks of the coordinates a source row gives, against
 * the region and against the place the row names: swapped lat/lon,
 * country-centroid placeholders, and a named place far from the point —
 * either a conflict or a namesake village the gazetteer lacks.
 * Each check flags what it finds and never moves a point silently.
 */
#ifndef DN_INGEST_COORD_CHECKS_H
#define DN_INGEST_COORD_CHECKS_H

#include <stddef.h>

#include "core/event.h"
#include "durand.h"

/** A point that stands for a whole country in sloppy sources. */
struct dni_placeholder {
    char country[4]; /**< ISO3 */
    double lon, lat;
};

/** The country placeholders of a run, read once. Zero-initialise. */
struct dni_placeholders {
    struct dni_placeholder items[48];
    size_t n;
    bool loaded;
};

/** Coordinates valid only with lat and lon swapped (the pair lies outside
 * the region, the swapped pair inside): swap them when the named place
 * lies within 50 km of the swapped point ("swapped_coords_fixed"), else
 * leave them and flag "swapped_coords_suspected". */
dn_status dni_check_swap(dn_ctx *ctx, struct dn_event *ev);

/** Coordinates within 1 km of a country's label point (the gazetteer's
 * country place) or of the centroid of Afghanistan's or Pakistan's
 * polygon are a placeholder for "somewhere in the country": the point is
 * dropped (flag "country_centroid_coords"), the country becomes the
 * country hint when the row gave none, and the geocoder places the event
 * by its name and admin hints — at worst at country precision. The list
 * is read on first use into `ph`. */
dn_status dni_check_placeholder(dn_ctx *ctx, struct dni_placeholders *ph, struct dn_event *ev);

/** After the geocoder flagged "place_far_from_coords" and the admin
 * lookup filled ev->province/district from the coordinates: when the
 * named place (resolved with the row's hints) lies over 50 km from the
 * point, flag "coord_conflict" — unless the point lies in the district
 * (else province) the row names and the named place does not, which
 * means a namesake village the gazetteer does not know: flag
 * "place_namesake_elsewhere" (the point is trusted and may be learned).
 * Never moves the point. */
dn_status dni_check_conflict(dn_ctx *ctx, struct dn_event *ev);

#endif

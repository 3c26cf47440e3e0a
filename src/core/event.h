/** @file event.h
 * dn_event: one incident record as it flows reader → geocoder → border check
 * → store. Readers fill the "as reported" part; the geocoder and the border
 * check fill the "derived" part; the store persists all of it.
 *
 * Ownership: every `char *` member is owned by the event (allocated with
 * dn_malloc/dn_strdup) and released by dn_event_clear(). Use dn_event_set()
 * to replace one.
 */
#ifndef DN_EVENT_H
#define DN_EVENT_H

#include <stdbool.h>

#include "durand.h"

/** How exactly the event's date is known. */
enum dn_date_precision { DN_DATE_UNKNOWN = 0, DN_DATE_DAY, DN_DATE_MONTH, DN_DATE_YEAR };

/** How exactly the event's position is known (ordered fine → coarse). */
enum dn_precision {
    DN_PREC_UNKNOWN = 0,
    DN_PREC_POINT,    /**< exact coordinates */
    DN_PREC_TOWN,     /**< a town or village */
    DN_PREC_DISTRICT, /**< somewhere in a district */
    DN_PREC_PROVINCE, /**< somewhere in a province */
    DN_PREC_COUNTRY   /**< somewhere in a country */
};

/** Side of the Durand Line. */
enum dn_side_certainty { DN_SIDE_UNCERTAIN = 0, DN_SIDE_CERTAIN = 1 };

#define DN_COUNT_UNKNOWN (-1)

struct dn_event {
    /* -- as reported ---------------------------------------------------- */
    char *uid;          /**< stable dedupe key (source kind + source id or content) */
    char *source_kind;  /**< "acled", "ucdp", "csv", "ogr", "text" */
    char *source;       /**< URL when known, else the file path */
    char *source_ref;   /**< where in the source: "line 12", "bytes 120-340", feature id */
    char *source_id;    /**< the source dataset's own event id, if any */
    char *row_hash;     /**< hash of the source row/sentence: detects a changed row */
    char *date;         /**< ISO date "YYYY-MM-DD" (first day of month/year when coarser) */
    enum dn_date_precision date_precision;
    char *type, *sub_type, *actor1, *actor2;
    char *place;        /**< the place as written */
    char *country_hint, *province_hint, *district_hint; /**< admin names as written */
    bool has_coords;
    double lon, lat;    /**< WGS 84, lon/lat order everywhere */
    enum dn_precision precision;
    double radius_km;   /**< uncertainty radius, from precision */
    int fatalities;     /**< best estimate or DN_COUNT_UNKNOWN */
    int fatalities_low, fatalities_high;
    int injured;
    char *excerpt;      /**< the sentence an article's event was read from, or the
                         *   notes cut short; NULL where the notes are whole
                         *   (readers show the notes: DN_EVENT_SELECT_COLUMNS) */
    char *notes;
    long long span_start, span_end; /**< byte span in the source text, -1 if none */
    double confidence;  /**< 0..1: extraction/geocoding confidence */
    char *flags;        /**< comma-separated quality flags: "swapped_coords,coord_conflict" */

    /* -- derived -------------------------------------------------------- */
    long long place_id; /**< gazetteer place, 0 if none */
    char *country;      /**< ISO 3166-1 alpha-3 */
    char *province, *province_code, *district;
    char side[4];       /**< "AFG", "PAK", other ISO3, or "" (none) */
    bool side_certain;
    double border_km;   /**< geodesic km to the Durand Line, NaN if unknown */
    char *band;         /**< border-zone band label */
    char *crossing;     /**< nearest crossing name */
    double crossing_km;
    long long cluster_id; /**< dedupe cluster across sources, 0 if none */
};

/** Initialise to "nothing known" (counts unknown, distances NaN). */
void dn_event_init(struct dn_event *ev);
/** Free owned strings and re-initialise. */
void dn_event_clear(struct dn_event *ev);
/** Replace a string member with a copy of `value` (NULL clears it).
 * Returns false on allocation failure (the member is then unchanged). */
bool dn_event_set(char **member, const char *value);
/** Append a flag to ev->flags (comma-separated, no duplicates). */
bool dn_event_add_flag(struct dn_event *ev, const char *flag);

const char *dn_precision_name(enum dn_precision p);       /**< "point", "town", ... or NULL */
enum dn_precision dn_precision_parse(const char *name);   /**< DN_PREC_UNKNOWN if unknown */
const char *dn_date_precision_name(enum dn_date_precision p); /**< "day", "month", "year" or NULL */
enum dn_date_precision dn_date_precision_parse(const char *name);

#endif /* DN_EVENT_H */

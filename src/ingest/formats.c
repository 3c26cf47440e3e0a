/** @file formats.c
 * Which column holds which durand field in each input format, and format
 * detection from a header. Column names are the normalised ones (see
 * dni_normalize_column), so "EVENT_DATE", "Event Date" and "event_date"
 * all match "event_date".
 */
#include <string.h>

#include "ingest/reader_impl.h"

/* ACLED: the 2023+ 31-column layout and the older one (data_id ... iso3)
 * share these names. */
static const struct dni_format_desc acled = {
    DN_INGEST_ACLED,
    "acled",
    {
        [DNF_DATE] = "event_date",
        [DNF_PLACE] = "location",
        [DNF_LAT] = "latitude",
        [DNF_LON] = "longitude",
        [DNF_COUNTRY] = "country",
        [DNF_PROVINCE] = "admin1",
        [DNF_DISTRICT] = "admin2",
        [DNF_TYPE] = "event_type",
        [DNF_SUB_TYPE] = "sub_event_type",
        [DNF_ACTOR1] = "actor1",
        [DNF_ACTOR2] = "actor2",
        [DNF_KILLED] = "fatalities",
        [DNF_NOTES] = "notes",
        [DNF_ID] = "event_id_cnty",
        [DNF_GEO_PREC] = "geo_precision",
        [DNF_TIME_PREC] = "time_precision",
        [DNF_CIVILIAN] = "civilian_targeting",
    },
};

/* UCDP GED: where_coordinates names the place the coordinates belong to;
 * source_headline is the nearest thing to a description. */
static const struct dni_format_desc ucdp = {
    DN_INGEST_UCDP,
    "ucdp",
    {
        [DNF_DATE] = "date_start",
        [DNF_PLACE] = "where_coordinates",
        [DNF_LAT] = "latitude",
        [DNF_LON] = "longitude",
        [DNF_COUNTRY] = "country",
        [DNF_PROVINCE] = "adm_1",
        [DNF_DISTRICT] = "adm_2",
        [DNF_TYPE] = "type_of_violence",
        [DNF_SUB_TYPE] = "conflict_name",
        [DNF_ACTOR1] = "side_a",
        [DNF_ACTOR2] = "side_b",
        [DNF_KILLED] = "best",
        [DNF_KILLED_LOW] = "low",
        [DNF_KILLED_HIGH] = "high",
        [DNF_NOTES] = "source_headline",
        [DNF_ID] = "id",
        [DNF_GEO_PREC] = "where_prec",
        [DNF_TIME_PREC] = "date_prec",
    },
};

/* Any other table: common spellings, most specific first. */
#define GENERIC_COLUMNS                                                                                                 \
    {                                                                                                                   \
        [DNF_DATE] = "date|event_date|date_start|incident_date|datetime|day",                                      \
        [DNF_PLACE] = "place|location|where_coordinates|place_name|town|village|city|locality|site|where",             \
        [DNF_LAT] = "latitude|lat|y|lat_dd|latitude_dd",                                                               \
        [DNF_LON] = "longitude|lon|lng|long|x|lon_dd|longitude_dd",                                                    \
        [DNF_COUNTRY] = "country|country_name|iso3|country_code",                                                      \
        [DNF_PROVINCE] = "province|admin1|adm_1|adm1|state",                                                           \
        [DNF_DISTRICT] = "district|admin2|adm_2|adm2|agency",                                                          \
        [DNF_TYPE] = "type|event_type|category|incident_type",                                                         \
        [DNF_SUB_TYPE] = "sub_type|sub_event_type|subtype|subcategory",                                                \
        [DNF_ACTOR1] = "actor1|actor_1|side_a|perpetrator|attacker",                                                   \
        [DNF_ACTOR2] = "actor2|actor_2|side_b|target|victim",                                                          \
        [DNF_KILLED] = "killed|fatalities|deaths|dead|killed_total|best",                                              \
        [DNF_INJURED] = "injured|wounded|injuries",                                                                    \
        [DNF_NOTES] = "notes|description|summary|details|comment|comments",                                           \
        [DNF_ID] = "id|event_id|event_id_cnty|uid|incident_id",                                                        \
    }

static const struct dni_format_desc generic_csv = {DN_INGEST_CSV, "csv", GENERIC_COLUMNS};
static const struct dni_format_desc generic_ogr = {DN_INGEST_OGR, "ogr", GENERIC_COLUMNS};

const struct dni_format_desc *dni_format_desc(enum dn_ingest_format f)
{
    switch (f) {
    case DN_INGEST_ACLED: return &acled;
    case DN_INGEST_UCDP: return &ucdp;
    case DN_INGEST_OGR: return &generic_ogr;
    default: return &generic_csv;
    }
}

static bool has(char *const *names, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && !strcmp(names[i], want)) return true;
    return false;
}

enum dn_ingest_format dni_detect_format(char *const *names, size_t n)
{
    if (has(names, n, "event_id_cnty") && has(names, n, "event_date") &&
        (has(names, n, "fatalities") || has(names, n, "geo_precision")))
        return DN_INGEST_ACLED;
    if (has(names, n, "id") && has(names, n, "date_start") && has(names, n, "where_prec") &&
        has(names, n, "type_of_violence") && has(names, n, "best"))
        return DN_INGEST_UCDP;
    return DN_INGEST_CSV;
}

static const char *const format_names[] = {"auto", "acled", "ucdp", "csv", "ogr"};

const char *dn_ingest_format_name(enum dn_ingest_format f)
{
    return (unsigned)f < DN_ARRAY_LEN(format_names) ? format_names[f] : "auto";
}

dn_status dn_ingest_format_parse(dn_ctx *ctx, const char *name, enum dn_ingest_format *out)
{
    for (size_t i = 0; name && i < DN_ARRAY_LEN(format_names); i++)
        if (!strcmp(name, format_names[i])) {
            *out = (enum dn_ingest_format)i;
            return DN_OK;
        }
    return dni_fail(ctx, DN_ERR_USAGE, "unknown input format '%s' (expected auto, acled, ucdp, csv or ogr)",
                    name ? name : "");
}

static const char *const field_names[] = {"date",     "place",  "latitude", "longitude", "country", "province",
                                          "district", "type",   "sub_type", "actor1",    "actor2",  "killed",
                                          "injured",  "notes",  "id",       NULL};

_Static_assert(DN_ARRAY_LEN(field_names) == DNF_MAPPABLE + 1, "one --map name per mappable field");

const char *const *dn_ingest_field_names(void) { return field_names; }

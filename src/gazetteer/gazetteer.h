/** @file gazetteer.h
 * The gazetteer: turning place names into places. Exact, alias and fuzzy
 * lookup through an in-memory index built once per run from the store's
 * `places` and `place_names` (load time ≈ 0.5 s for the shipped gazetteer),
 * disambiguation by hints, by the other places of the same report, by kind
 * and by prominence, and honest output: a precision level, an uncertainty
 * radius, a confidence and the alternatives. Also: finding place mentions
 * in free text, geocoding an ingested event, and learning names from rows
 * that carry trustworthy coordinates.
 *
 * All functions need a context with an open store holding the geodata
 * (dn_store_open + dn_geodata_load). The index lives in the context
 * (DNI_SLOT_GAZETTEER); a dn_ctx belongs to one thread at a time.
 *
 * Ownership: `const char *` members of struct dn_place point into the
 * index and stay valid until the context is freed or the geodata is
 * reloaded; never free them. Arrays inside results are owned by the result
 * and released by its _clear function.
 */
#ifndef DN_GAZETTEER_H
#define DN_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "durand.h"

/** A place of the gazetteer, as returned by lookups. */
struct dn_place {
    long long id;           /**< places.id */
    const char *name;       /**< main name */
    const char *kind;       /**< GeoNames feature code, ADM0/ADM1/ADM1H/ADM2, CROSSING, LEARNED, else the
                                 Who's On First place type (locality, neighbourhood); may be NULL */
    const char *country;    /**< ISO 3166-1 alpha-3, or NULL */
    const char *province;   /**< province name, or NULL (also for a province itself: its own name) */
    const char *district;   /**< district name, or NULL */
    double lon, lat;        /**< WGS 84 */
    enum dn_precision precision; /**< town for settlements, district/province/country for admin areas */
    double radius_km;       /**< uncertainty radius: from the admin area's size (sqrt(area/π)) or the town's */
    long long population;   /**< -1 when unknown */
};

/** How a name matched. */
enum dn_match {
    DN_MATCH_NONE = 0,
    DN_MATCH_EXACT,   /**< the key of one of the place's names */
    DN_MATCH_VARIANT, /**< a variant: generic words dropped, word order, spacing, initials */
    DN_MATCH_FUZZY    /**< a misspelling within a small edit distance */
};
const char *dn_match_name(enum dn_match m); /**< "exact", "variant", "fuzzy", "none" */

/** Optional hints and context for a lookup. Zero-initialise; every member
 * may stay 0/NULL. The caller keeps ownership of everything pointed to. */
struct dn_geocode_opts {
    const char *country;  /**< ISO3/ISO2 code or name ("PAK", "af", "Afghanistan") */
    const char *province; /**< province or historical region as written ("KP", "NWFP", "FATA") */
    const char *district; /**< district as written ("N. Waziristan", "Khyber Agency") */
    const long long *context_ids; /**< places named elsewhere in the same report */
    size_t ncontext;
    bool has_near;        /**< a point the place should be near (e.g. given coordinates) */
    double near_lon, near_lat;
    size_t max_alternatives; /**< alternatives wanted: 5 when 0, unless alternatives_given */
    bool alternatives_given; /**< take max_alternatives as given, even 0 */
    bool best_only;       /**< with has_near: the caller reads the place, status and confidence, not the
                               alternatives' scores, which may then be off by a little (resolve.c, REACH) */
    unsigned admin_only;  /**< 0: any place; else only the places standing for admin areas of the
                               DN_GEOCODE_ADMIN_* levels set (name filters such as `query --in`):
                               other places neither answer nor keep misspellings from the fuzzy step */
};

/** Bits of dn_geocode_opts.admin_only. */
enum {
    DN_GEOCODE_ADMIN_COUNTRY = 1,
    DN_GEOCODE_ADMIN_PROVINCE = 2, /**< current level-1 areas */
    DN_GEOCODE_ADMIN_REGION = 4,   /**< historical regions (FATA) */
    DN_GEOCODE_ADMIN_DISTRICT = 8
};

enum dn_geocode_status {
    DN_GEOCODE_RESOLVED = 0, /**< one place clearly best */
    DN_GEOCODE_AMBIGUOUS,    /**< a best guess, but others score nearly as well */
    DN_GEOCODE_UNRESOLVED    /**< no place by that name: alternatives are spelling suggestions */
};
const char *dn_geocode_status_name(enum dn_geocode_status s); /**< "resolved", ... */

struct dn_geocode_alt {
    struct dn_place place;
    double score;          /**< 0..1, same scale as the best's confidence */
    enum dn_match match;
};

struct dn_geocode_result {
    enum dn_geocode_status status;
    struct dn_place place;   /**< the best place (zeroed when unresolved) */
    enum dn_match match;
    double confidence;       /**< 0..1 */
    unsigned ncandidates;    /**< places the name could refer to */
    bool outside_hints;      /**< the best place lies outside the country, province or district hinted */
    struct dn_geocode_alt *alternatives; /**< owned; other candidates, best first */
    size_t nalternatives;
};

/** Release a result's arrays and zero it. NULL is a no-op. */
void dn_geocode_result_clear(struct dn_geocode_result *r);

/** Figures about the in-memory index (for `durand places --stats` and the benchmark). */
struct dn_gazetteer_stats {
    double load_ms;       /**< building the index from the store, or reading its image (wall clock) */
    double load_cpu_ms;   /**< ...in CPU time of the thread that built it */
    bool from_image;      /**< read from the store's image of the index (gazetteer/image.c) */
    double fuzzy_ms;      /**< building the fuzzy word index (0 until first used) */
    size_t places, names; /**< places indexed, place_names rows read */
    size_t names_skipped; /**< aliases of admin areas left out as implausible (a district's neighbours' names) */
    size_t keys;          /**< distinct keys and variants in the hash table */
    size_t postings;      /**< key → place links */
    size_t fuzzy_words;   /**< distinct words in the fuzzy index */
};

/** Build the in-memory index now (otherwise the first lookup does) and
 * report its figures (`stats` may be NULL). */
dn_status dn_gazetteer_load(dn_ctx *ctx, struct dn_gazetteer_stats *stats);

/** The store's image of the index (gazetteer/image.c): its size in bytes
 * (0: none) and whether this build may read it (written by this build,
 * and no change to the places and names since, which would have dropped
 * it). */
dn_status dn_gazetteer_image_info(dn_ctx *ctx, long long *bytes, bool *current);

/** Drop the in-memory index (after the geodata was reloaded). */
void dn_gazetteer_invalidate(dn_ctx *ctx);

/** Look up a place name.
 * @param name UTF-8 text of `len` bytes.
 * @param opts hints and context; may be NULL.
 * @param out  filled (cleared first); free its arrays with dn_geocode_result_clear().
 * @return DN_OK (also for an unresolved name: see out->status);
 * DN_ERR_INPUT for a name that is empty, blank, longer than DN_NAME_MAX
 * bytes, not UTF-8, or contains NUL (message in ctx); DN_ERR_NOMEM;
 * DN_ERR_DB/DN_ERR_GEODATA when the index cannot be built. */
dn_status dn_geocode(dn_ctx *ctx, const char *name, size_t len, const struct dn_geocode_opts *opts,
                     struct dn_geocode_result *out);

/** A place by id. DN_ERR_NOT_FOUND when unknown. */
dn_status dn_gazetteer_place(dn_ctx *ctx, long long id, struct dn_place *out);

/** Resolve an admin hint on its own (for validating command-line filters):
 * level 0 country, 1 province/region, 2 district. DN_ERR_NOT_FOUND with a
 * message naming it when unknown. */
dn_status dn_gazetteer_check_hint(dn_ctx *ctx, int level, const char *text);

/** Places of the gazetteer matching filters, for browsing: in `opts` the
 * country, province and district (hints used as filters: a place must lie
 * in them); `kind` (may be NULL) a kind code (PPL, ADM2...) or word
 * (country, province, region, district, town, village, learned). Sorted by
 * country, province, district, prominence and name; `offset`/`limit`
 * page through them (`limit` 0: all). *out is an array the caller frees
 * with dn_free() (its strings belong to the index); *n its length;
 * *total the number matching before paging (may be NULL).
 * DN_ERR_NOT_FOUND (message) for a filter that names no known area. */
dn_status dn_gazetteer_list(dn_ctx *ctx, const struct dn_geocode_opts *opts, const char *kind, size_t offset,
                            size_t limit, struct dn_place **out, size_t *n, size_t *total);

/** The names of a place joined with "|" (main name first), as a string the
 * caller frees with dn_free(). */
dn_status dn_gazetteer_names(dn_ctx *ctx, long long id, char **out);

/** A learned place and where it was learned from. */
struct dn_learned {
    struct dn_place place;
    char *names;   /**< its learned names, "|"-joined (owned by the list) */
    char *sources; /**< the sources, "|"-joined, without the "learned:" prefix (owned by the list) */
};

/** Every place that has learned names, in id order. *out is freed with
 * dn_learned_free(). */
dn_status dn_gazetteer_learned(dn_ctx *ctx, struct dn_learned **out, size_t *n);
void dn_learned_free(struct dn_learned *list, size_t n);

/** Remember that `name` is the place at (lon, lat), as reported by
 * `source` (e.g. a file name), so later lookups find it: a place of kind
 * LEARNED plus a name with source "learned:<source>" — or, when a place
 * with that name already lies within 5 km, that place is reused (and gets
 * the source's name row if new). The in-memory index sees it at once.
 * Writes in the caller's transaction when one is open, else in its own.
 * @return DN_OK; DN_ERR_INPUT (bad name, coordinates out of range);
 * DN_ERR_DB; DN_ERR_NOMEM. */
dn_status dn_gazetteer_learn(dn_ctx *ctx, const char *name, double lon, double lat, const char *source);

/** A place mention found in text. */
struct dn_mention {
    size_t start, end;     /**< byte span [start, end) in the text */
    char *surface;         /**< the text of the span (owned by the list) */
    struct dn_place place; /**< the best place */
    double confidence;     /**< 0..1 */
    unsigned ncandidates;  /**< places the words could refer to (1 = unambiguous) */
};

struct dn_mentions {
    struct dn_mention *items; /**< owned; free with dn_mentions_clear() */
    size_t count, cap;
};

/** Find place mentions in `text` (UTF-8, `len` bytes): the longest run of
 * words that is a known name wins ("Dir Colony" over "Dir", "North
 * Waziristan" over "Waziristan"); Latin-script mentions must start with a
 * capital letter; names on the stop list (common words) are skipped. Each
 * mention is resolved with the other, unambiguous mentions of the same
 * text as context, plus `opts` hints (may be NULL).
 * Invalid UTF-8 bytes are treated as word breaks.
 * @param out cleared first; free with dn_mentions_clear(). */
dn_status dn_gazetteer_find_mentions(dn_ctx *ctx, const char *text, size_t len, const struct dn_geocode_opts *opts,
                                     struct dn_mentions *out);
void dn_mentions_clear(struct dn_mentions *m);

/** Geocode an event for ingest.
 * Without coordinates: resolve ev->place with ev->country_hint,
 * province_hint and district_hint and fill lon/lat, has_coords, precision,
 * radius_km, place_id, confidence and the admin names; when the place is
 * unknown (or not given), fall back to the district hint, then the
 * province hint, as an admin-level place (district/province precision,
 * flag "admin_fallback"); with only a country known, the country at
 * country precision, flagged "country_only". Nothing known: flag
 * "unresolved_place" and DN_ERR_NOT_FOUND.
 * With coordinates: keep them, fill precision (point unless the reader
 * set one) and radius_km, and link the named place when it lies near.
 * Ambiguous and fuzzy matches add the flags "place_ambiguous" and
 * "place_fuzzy". An unreadable place name (too long, invalid UTF-8) only
 * flags "bad_place_name"; an unreadable province or district name is
 * DN_ERR_INPUT with the context's message, for the caller to reject the
 * row. */
dn_status dn_geocode_event(dn_ctx *ctx, struct dn_event *ev);

/** Default uncertainty radius (km) for a precision level when no area is known. */
double dn_precision_default_radius(enum dn_precision p);

/** Building the index on a thread of its own. The caller starts it, does
 * other work on its own thread (e.g. dn_admin_load), and finishes it before
 * its next gazetteer call; the index is then ctx's, as if built by that
 * call. Nothing of it is required: where no thread can run (an in-memory
 * or read-only store, no memory), or the build fails, *out is NULL or the
 * index is left out, and the first use builds it and reports what fails.
 * The thread has its own context and a read-only connection and reads
 * what was committed when it began: the caller must not write places or
 * names meanwhile. ctx must stay open until finish, which frees the
 * handle (NULL is a no-op). */
struct dn_gazetteer_preload;
void dn_gazetteer_preload_start(dn_ctx *ctx, struct dn_gazetteer_preload **out);
void dn_gazetteer_preload_finish(dn_ctx *ctx, struct dn_gazetteer_preload *p);

#endif

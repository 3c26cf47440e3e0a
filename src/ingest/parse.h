/** @file parse.h
 * Value parsers for event tables: dates, casualty counts, coordinates.
 *
 * Every function here is pure: no context, no allocation, no global state,
 * no locale dependence. Inputs are NUL-terminated UTF-8 (any bytes are
 * accepted and rejected cleanly), so each is fuzzed on its own (see
 * tests/fuzz/ and the README's "Fuzzing" table). Thread-safe.
 */
#ifndef DN_INGEST_PARSE_H
#define DN_INGEST_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "durand.h"

/** Order of day and month in all-numeric dates such as 03/04/2022. */
enum dn_date_order {
    DN_DATE_ORDER_AUTO = 0, /**< no preference: ambiguous dates are read day-first */
    DN_DATE_ORDER_DMY,      /**< 03/04/2022 is 3 April */
    DN_DATE_ORDER_MDY       /**< 03/04/2022 is 4 March */
};

/** Parse "dmy", "mdy" or "auto" (as given to --date-order).
 * @return DN_OK, or DN_ERR_USAGE for anything else (*out unchanged). */
dn_status dn_date_order_parse(const char *name, enum dn_date_order *out);

/** Parse a date as written in event tables.
 *
 * Accepted: ISO "2022-11-19" (also with '/' or '.', a trailing time such as
 * "T10:00:00Z" or " 00:00:00.000", or compact "20221119"); numeric
 * day/month/year in either order with '/', '.' or '-' (2-digit years pivot
 * like POSIX %y: 69-99 → 19xx, 00-68 → 20xx); spelled-out months in English
 * (full or 3-letter, any case, with optional weekday, ordinal suffix and
 * punctuation): "19 November 2022", "Nov 19, 2022", "Sunday-November
 * 19-1995", "19-Nov-2022"; month only ("November 2022", "2022-11",
 * "11/2022") and year only ("2022").
 *
 * `hint` only settles all-numeric dates where both the first two numbers are
 * ≤ 12; a date valid in one order only (13/04/2022) is read in that order
 * whatever the hint, because it cannot mean anything else.
 *
 * @param s       the text (NULL or blank → DN_ERR_NOT_FOUND)
 * @param out_iso receives "YYYY-MM-DD" (day 01 / month 01 when coarser) on DN_OK
 * @param prec    receives the precision on DN_OK
 * @return DN_OK; DN_ERR_NOT_FOUND (blank / "NA" / "-"); DN_ERR_INPUT (not a
 *         date); DN_ERR_RANGE (looks like a date but impossible: month 13,
 *         30 February, year outside DN_DATE_YEAR_MIN..DN_DATE_YEAR_MAX).
 *         Outputs untouched on error.
 */
#define DN_DATE_YEAR_MIN 1800
#define DN_DATE_YEAR_MAX 2199
dn_status dn_parse_date(const char *s, enum dn_date_order hint, char out_iso[11], enum dn_date_precision *prec);

/** What an all-numeric date says about day/month order: +1 only day-first
 * fits (first number > 12), -1 only month-first fits, 0 either or not an
 * all-numeric day/month date. Used to detect a file's order. Pure. */
int dn_date_order_evidence(const char *s);

/** Largest casualty count accepted; larger numbers are rejected as errors
 * (no single incident in these datasets comes near it). */
#define DN_COUNT_MAX 10000000

/** Flags describing how a count was read (bit set in *flags). */
enum {
    DN_COUNT_F_ROUNDED = 1u << 0,  /**< fractional value rounded half-up */
    DN_COUNT_F_RANGE = 1u << 1,    /**< "5-7": low/high set, best = low */
    DN_COUNT_F_AT_LEAST = 1u << 2, /**< "at least 3", "3+", "more than 3" */
    DN_COUNT_F_APPROX = 1u << 3    /**< "about 5", "~5" */
};

/** Parse a casualty count.
 *
 * Unknown ("" / blanks, "NA", "N/A", "n.a.", "Unreported", "unknown", "-",
 * "?", "null") → DN_OK with all three set to DN_COUNT_UNKNOWN. A plain number
 * sets best = low = high. "5-7" / "5–7" / "5 to 7" → low 5, high 7, best 5
 * (the lower figure, following ACLED's conservative rule). "at least 3",
 * "3+", "over 3", "more than 3" → best = low = 3 (4 for "more than"), high
 * unknown. "about 5" / "approx. 5" / "~5" → 5 with DN_COUNT_F_APPROX.
 * Thousands separators ("1,200") are accepted; fractions are rounded
 * half-up with DN_COUNT_F_ROUNDED.
 *
 * @param flags may be NULL; receives DN_COUNT_F_* bits on DN_OK.
 * @return DN_OK; DN_ERR_INPUT (not a count); DN_ERR_RANGE (negative, above
 *         DN_COUNT_MAX, or a range with low > high). Outputs untouched on error.
 */
dn_status dn_parse_count(const char *s, int *best, int *low, int *high, unsigned *flags);

/** Parse one coordinate in degrees: decimal ("34.0151", "-70.5", "34,0151"),
 * with an optional hemisphere letter before or after ("34.5N", "W 70.1")
 * and an optional degree sign, or degrees-minutes-seconds ("34°30'15\"N",
 * "34 30 15 N", "34:30:15"). Locale-independent.
 * @param is_lat true for latitude (N/S allowed, |v| ≤ 90), false for
 *        longitude (E/W allowed, |v| ≤ 180)
 * @return DN_OK; DN_ERR_NOT_FOUND (blank / "NA"); DN_ERR_INPUT (not a number,
 *         NaN, infinity, wrong hemisphere letter); DN_ERR_RANGE (beyond ±90 /
 *         ±180). *out untouched on error. */
dn_status dn_parse_coord(const char *s, bool is_lat, double *out);

/** True for the "no value" spellings of event tables, ignoring case and
 * surrounding blanks: NULL, "", "NA", "N/A", "n.a.", "null", "Unreported",
 * "unknown", "-", "--", "—" (em dash), "?". */
bool dn_is_missing(const char *s);

#endif /* DN_INGEST_PARSE_H */

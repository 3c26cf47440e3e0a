/** @file ingest.h
 * Event-table readers: ACLED exports (2023+ and older layouts), UCDP GED
 * CSV, any CSV with a column mapping, and any OGR vector layer (GeoJSON,
 * GeoPackage, Shapefile, FlatGeobuf...). Each yields dn_event records with
 * the "as reported" part filled, plus per-row rejects with file, line,
 * field and reason; a rejected row never stops the batch.
 *
 * Typical use:
 * @code
 *   struct dn_reader *r;
 *   struct dn_event ev;
 *   dn_event_init(&ev);
 *   dn_status s = dn_reader_open(ctx, path, &opts, &r);
 *   for (bool done = false; s == DN_OK || s == DN_ERR_INPUT;) {
 *       s = dn_reader_next(r, &ev, &done);
 *       if (s == DN_ERR_INPUT) { report(dn_reader_reject(r)); continue; }
 *       if (s != DN_OK || done) break;
 *       use(&ev);
 *   }
 *   dn_event_clear(&ev);
 *   dn_reader_close(r);
 * @endcode
 *
 * What the readers decide (documented choices):
 * - uid: "acled:<event_id_cnty>" and "ucdp:<id>" (those ids are unique in
 *   their datasets, so re-downloads and overlapping exports dedupe);
 *   "csv:<scope>:<id>" / "ogr:<scope>:<id>" when a mapped id column has a
 *   value (such ids are only unique within one file; the scope,
 *   dn_file_scope(), is "<basename>@<16 hex digits of its directory>", so
 *   that two files of one name in two directories keep their rows apart
 *   and one file named two ways is one file; an OGR layer's adds
 *   "/<layer name>"); otherwise
 *   "<kind>:<basename>:<FNV-1a 64 of basename + row content>". Row content
 *   is the fields after decoding to UTF-8, each trimmed, line breaks inside
 *   fields as "\n", joined by 0x1F: so the uid survives re-ingest, CRLF ↔ LF
 *   conversion and Windows-1252 ↔ UTF-8 re-encoding. Two identical id-less
 *   rows in one file get the same uid (they are the same report).
 * - row_hash (the store's change check): FNV-1a 64 (16 hex digits) of the
 *   row content and of the reading: the format, the column each field is
 *   bound to (guessed or --map), and the day/month order used (given or
 *   detected for the file) when the row's date reads as another date the
 *   other way round. A re-run with a corrected --map or --date-order thus
 *   updates the events it changes; the same reading stores nothing new. The
 *   uid of a row without an id stays the hash of its content alone.
 * - date precision: ACLED time_precision 1 → day, 2 → day + flag
 *   "date_approx_week", 3 → month. UCDP date_prec 1 → day, 2 and 3 → day +
 *   "date_approx_week", 4 → month, 5 → year. Coarser dates are stored as the
 *   first day of the month/year.
 * - place precision: ACLED geo_precision 1 → town (ACLED's coordinates are
 *   the town's), 2 → district ("near" a town or part of a district), 3 →
 *   province (only a larger region is named). UCDP where_prec 1 → point,
 *   2 → town with radius_km 25 (within ~25 km of a known point), 3 →
 *   district (ADM2), 4 → province (ADM1), 5 → province + flag "wide_area" (a
 *   linear feature or an area larger than ADM1 inside one country), 6 →
 *   country, 7 → country + flag "international_area" (international waters
 *   or airspace, or not known: no level is coarser). A code the format does
 *   not define is the format's coarsest level (ACLED province, UCDP
 *   country) + flag "bad_geo_precision"; an empty code (or no column) the
 *   same + flag "no_geo_precision": an unknown precision is never taken for
 *   the finest. Generic CSV/OGR: point when coordinates are given, else
 *   unknown. radius_km is otherwise left NaN for the geocoder, which gives
 *   the level's default.
 * - coordinates: NaN/inf text, |lat| > 90, |lon| > 180 reject the row naming
 *   the column; (0, 0) → has_coords false + flag "zero_coords"; only one of
 *   the pair → has_coords false + flag "partial_coords".
 * - rows that are not data are skipped (counted, one warning each), not
 *   rejected: blank rows, a repeated header row, totals/footer rows. A
 *   totals row has, among its first three non-blank values, one that is
 *   exactly "total", "totals", "grand total", "subtotal", "sub total" or
 *   "sum" (any case, an optional ':'), and no valid date; a footnote is a
 *   lone value on a row shorter than the header. A value that only starts
 *   with such a word ("Total of 12 killed", "Sum Kalay") is data.
 * - header: blank names after the last named column (a spreadsheet's
 *   trailing ",,") are columns no row has to fill: a row may stop at the
 *   last named column or fill them; blank fields past the header are
 *   padding; a value past the header rejects the row.
 *
 * Thread-safety: a reader belongs to one thread at a time, like its dn_ctx.
 */
#ifndef DN_INGEST_H
#define DN_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/event.h"
#include "durand.h"
#include "ingest/parse.h"

/** Input formats. */
enum dn_ingest_format {
    DN_INGEST_AUTO = 0, /**< from the header (CSV) or the extension (OGR) */
    DN_INGEST_ACLED,
    DN_INGEST_UCDP,
    DN_INGEST_CSV,      /**< any CSV: columns guessed, or named with --map */
    DN_INGEST_OGR       /**< any OGR vector layer */
};

/** "auto", "acled", "ucdp", "csv", "ogr" → format.
 * @return DN_OK or DN_ERR_USAGE (message in ctx naming the value). */
dn_status dn_ingest_format_parse(dn_ctx *ctx, const char *name, enum dn_ingest_format *out);
/** Static name of a format ("acled", ...). */
const char *dn_ingest_format_name(enum dn_ingest_format f);

/** The durand fields a --map can name, NULL-terminated, static:
 * date, place, latitude, longitude, country, province, district, type,
 * sub_type, actor1, actor2, killed, injured, notes, id. */
const char *const *dn_ingest_field_names(void);

/** Reader options. Zero-initialise for the defaults. */
struct dn_reader_opts {
    enum dn_ingest_format format;
    /** "FIELD=COLUMN" pairs (as given to --map); borrowed, only read during
     * dn_reader_open. A mapping overrides the format's own column for that
     * field (also for ACLED/UCDP). COLUMN matches header names ignoring case,
     * surrounding blanks and space/underscore differences. */
    const char *const *map;
    size_t nmap;
    enum dn_date_order date_order; /**< AUTO: detected per file */
    size_t max_record_bytes;       /**< 0: DN_CSV_MAX_RECORD_DEFAULT (1 MiB) */
    const char *layer;             /**< OGR layer name; NULL: the first layer. Borrowed during open. */
};

/** A rejected row. Owned by the reader; valid until the next
 * dn_reader_next or dn_reader_close. */
struct dn_reject {
    const char *file;   /**< the path as given to dn_reader_open */
    long line;          /**< CSV: physical line where the row starts; OGR: feature number (1-based) */
    const char *field;  /**< the source column named, or "row" for the whole row */
    const char *reason; /**< e.g. "not a date: '32/13/2022'" */
};

/** Counts so far. */
struct dn_reader_stats {
    long rows;     /**< records/features read after the header (all kinds) */
    long events;   /**< returned as events */
    long rejected; /**< returned as DN_ERR_INPUT */
    long skipped;  /**< blank, repeated-header, totals/footer rows */
};

struct dn_reader;

/** Check a --map list without opening anything: every entry FIELD=COLUMN
 * with a known FIELD and a non-empty COLUMN.
 * @return DN_OK or DN_ERR_USAGE (message names the bad entry). */
dn_status dn_reader_check_map(dn_ctx *ctx, const char *const *map, size_t nmap);

/** Open a file for reading events. "-" reads CSV from stdin.
 * Reads the header (CSV) or layer schema (OGR), detects the format when
 * opts->format is AUTO, binds columns, and for all-numeric dates with no
 * --date-order looks ahead for a date that settles day/month order (only
 * for seekable files).
 * @param ctx  receives errors and warnings; must outlive the reader
 * @param path borrowed (copied)
 * @param opts NULL for defaults; borrowed during the call only
 * @param out  receives the reader; caller frees with dn_reader_close()
 * @return DN_OK; DN_ERR_USAGE (bad --map entry, or a mapped column missing
 *   from the file: the message names it); DN_ERR_NOT_FOUND / DN_ERR_IO
 *   (cannot open or read); DN_ERR_INPUT (empty file, no header, a forced
 *   format whose columns are missing, UTF-16); DN_ERR_GDAL (OGR cannot open
 *   the layer); DN_ERR_NOMEM. */
dn_status dn_reader_open(dn_ctx *ctx, const char *path, const struct dn_reader_opts *opts, struct dn_reader **out);

/** Like dn_reader_open for CSV formats, reading an already open stream
 * (stdin, a pipe, fmemopen). `fp` is borrowed: the caller closes it after
 * dn_reader_close. `name` (copied) is used in messages, uids and `source`.
 * format OGR gives DN_ERR_USAGE. The date-order look-ahead needs a seekable
 * stream and is skipped otherwise. */
dn_status dn_reader_open_stream(dn_ctx *ctx, FILE *fp, const char *name, const struct dn_reader_opts *opts,
                                struct dn_reader **out);

/** Read the next event into `ev`, which is cleared first (dn_event_clear);
 * its strings are then owned by `ev` (release with dn_event_clear).
 * @param done set true with DN_OK at the end of input (ev is then empty)
 * @return DN_OK (an event, or done); DN_ERR_INPUT: this row was rejected,
 *   see dn_reader_reject() (also in the context message as
 *   "FILE:LINE: FIELD: REASON"); call again for the next row. Any other
 *   status is fatal for this file (DN_ERR_IO, DN_ERR_NOMEM, DN_ERR_GDAL). */
dn_status dn_reader_next(struct dn_reader *r, struct dn_event *ev, bool *done);

/** The last rejected row (see struct dn_reject for ownership). */
const struct dn_reject *dn_reader_reject(const struct dn_reader *r);

/** The format in use (never AUTO after a successful open). */
enum dn_ingest_format dn_reader_format(const struct dn_reader *r);

/** Counts so far. */
struct dn_reader_stats dn_reader_stats(const struct dn_reader *r);

/** Close the reader and the file it opened. NULL is a no-op. */
void dn_reader_close(struct dn_reader *r);

#endif /* DN_INGEST_H */

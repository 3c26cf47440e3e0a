/** @file reader_impl.h
 * Internals shared by the ingest readers (reader.c dispatches to the table
 * reader for CSV formats and the OGR reader for vector layers; both hand
 * rows to row_event.c). Not part of the module API: see ingest.h.
 */
#ifndef DN_INGEST_READER_IMPL_H
#define DN_INGEST_READER_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include <gdal.h>
#include <ogr_srs_api.h>

#include "core/core.h"
#include "ingest/csv_reader.h"
#include "ingest/ingest.h"

/** The durand fields a row can supply. The first DNF_MAPPABLE can be named
 * by --map (in the order of dn_ingest_field_names); the rest are
 * format-specific columns (ACLED/UCDP precision codes, UCDP low/high). */
enum dni_field {
    DNF_DATE,
    DNF_PLACE,
    DNF_LAT,
    DNF_LON,
    DNF_COUNTRY,
    DNF_PROVINCE,
    DNF_DISTRICT,
    DNF_TYPE,
    DNF_SUB_TYPE,
    DNF_ACTOR1,
    DNF_ACTOR2,
    DNF_KILLED,
    DNF_INJURED,
    DNF_NOTES,
    DNF_ID,
    DNF_MAPPABLE,
    DNF_KILLED_LOW = DNF_MAPPABLE,
    DNF_KILLED_HIGH,
    DNF_GEO_PREC,
    DNF_TIME_PREC,
    DNF_CIVILIAN,
    DNF_COUNT
};

/** Column candidates of one format: for each field a '|'-separated list of
 * normalised column names, first match wins (NULL: the format has none). */
struct dni_format_desc {
    enum dn_ingest_format format;
    const char *kind; /**< source_kind of its events */
    const char *columns[DNF_COUNT];
};

/** The descriptor of a format (AUTO and OGR use the generic guesses). */
const struct dni_format_desc *dni_format_desc(enum dn_ingest_format f);

/** Detect ACLED / UCDP / generic CSV from normalised header names. */
enum dn_ingest_format dni_detect_format(char *const *names, size_t n);

/** Column name normalisation: BOM and surrounding blanks dropped, ASCII
 * lowercased, runs of blanks, '-', '.' and '_' become one '_'. Returns a new
 * string (dn_free) or NULL on allocation failure. */
char *dni_normalize_column(const char *name);
/** The same into a caller buffer; returns the length, or SIZE_MAX when it
 * does not fit in `cap` bytes. */
size_t dni_normalize_column_into(const char *name, char *out, size_t cap);

/** Bind fields to column indexes: the format's candidates, then the --map
 * overrides. `names` are normalised. On a mapped column that does not exist
 * returns DN_ERR_USAGE naming it. col[f] = -1 when unbound. */
dn_status dni_bind_columns(dn_ctx *ctx, const char *file, const struct dni_format_desc *desc, char *const *names,
                           size_t n, const char *const *map, size_t nmap, int col[DNF_COUNT]);

/** One row as raw text values per field, ready for conversion. */
struct dni_row {
    const char *val[DNF_COUNT]; /**< NULL when the field has no column (or the value is null) */
    const char *col[DNF_COUNT]; /**< the source column's name, for messages */
    long line;                  /**< line (CSV) or feature number (OGR) */
    const char *ref;            /**< source_ref text, e.g. "line 12" */
    uint64_t content_hash;      /**< FNV-1a of the normalised row content */
    bool has_geom;              /**< OGR: coordinates from the geometry */
    bool geom_centroid;         /**< the geometry was not a point */
    double gx, gy;              /**< lon/lat of the geometry (WGS 84) */
};

struct dn_reader {
    dn_ctx *ctx;
    enum dn_ingest_format format;
    const struct dni_format_desc *desc;
    char *path, *basename;
    char *scope; /**< dn_file_scope(path): what a mapped id is unique within */
    enum dn_date_order order; /**< given, or detected for this file */
    int col[DNF_COUNT];
    uint64_t reading_hash; /**< dni_reading_hash(): the format and bindings, part of every row hash */
    struct dn_reader_stats stats;

    struct dn_reject rej;
    char rej_field[96];
    char rej_reason[256];
    char ref[48];

    /* CSV formats */
    FILE *fp;
    bool own_fp;
    struct dn_csv *csv;
    struct dn_csv_opts csv_opts;
    char **header; /**< normalised names */
    char **header_raw;
    size_t nheader;
    size_t nnamed; /**< the header's columns up to its last named one: a spreadsheet's trailing
                        ",," adds columns no row has to fill */

    /* OGR */
    GDALDatasetH ds;
    OGRLayerH layer;
    OGRCoordinateTransformationH ct;
    long feature_no;
    bool warned_not_utf8; /**< a value was read as Windows-1252 (warned once a file) */
    bool warned_order;    /**< a date contradicted the file's day/month order, or none settled it (once a file) */
};

/** Record a rejected row in r->rej and the context message. Returns DN_ERR_INPUT. */
dn_status dni_reader_reject(struct dn_reader *r, long line, const char *field, const char *fmt, ...) DN_PRINTF(4, 5);

/** Quote a value for a reason text: at most ~40 bytes on a UTF-8 boundary,
 * control characters shown as '?'. */
void dni_quote_value(char *dst, size_t cap, const char *v);

/** The reading choices that turn a row of this file into values: the
 * format and which column each field is bound to. Call once the columns are
 * bound; the result goes into r->reading_hash. */
uint64_t dni_reading_hash(const struct dn_reader *r);

/** Fill `ev` (already cleared) from a row. DN_ERR_INPUT for a rejected row. */
dn_status dni_row_to_event(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev);

/* table_reader.c */
dn_status dni_table_open(struct dn_reader *r, const struct dn_reader_opts *opts, bool seekable);
dn_status dni_table_next(struct dn_reader *r, struct dn_event *ev, bool *done);
void dni_table_close(struct dn_reader *r);

/* ogr_reader.c */
dn_status dni_ogr_open(struct dn_reader *r, const struct dn_reader_opts *opts);
dn_status dni_ogr_next(struct dn_reader *r, struct dn_event *ev, bool *done);
void dni_ogr_close(struct dn_reader *r);

#endif /* DN_INGEST_READER_IMPL_H */

/** @file table_reader.c
 * CSV-backed formats (ACLED, UCDP, generic CSV): the header row, format
 * detection and column binding, the day/month look-ahead, and the rows that
 * are not data (blank, repeated header, totals/footer) or are malformed
 * (wrong number of fields), before row_event.c turns a row into an event.
 */
#include <stdint.h>
#include <string.h>

#include "core/hash.h"
#include "ingest/reader_impl.h"

/* Give up looking for day/month evidence after this many dates that are
 * not all-numeric: the file writes its dates some other way. */
#define PRESCAN_NON_NUMERIC_LIMIT 1000

static bool blank_field(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return false;
    return true;
}

static bool blank_record(const struct dn_csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        if (!blank_field(rec->field[i], rec->len[i])) return false;
    return true;
}

/* Next record that is not blank; DN_ERR_INPUT passes through a CSV reject. */
static dn_status next_nonblank(struct dn_reader *r, struct dn_csv_record *rec, bool *done)
{
    dn_status s;
    do {
        if ((s = dn_csv_next(r->csv, rec, done)) != DN_OK || *done) return s;
    } while (blank_record(rec));
    return DN_OK;
}

static dn_status read_header(struct dn_reader *r)
{
    struct dn_csv_record rec;
    bool done;
    dn_status s = next_nonblank(r, &rec, &done);
    if (s == DN_ERR_INPUT) {
        const struct dn_csv_reject *rj = dn_csv_reject(r->csv);
        return dni_fail(r->ctx, DN_ERR_INPUT, "%s:%ld: header row: %s", r->path, rj->line, rj->reason);
    }
    if (s != DN_OK) return s;
    if (done) return dni_fail(r->ctx, DN_ERR_INPUT, "%s: empty file (no header row)", r->path);
    r->header = dn_calloc(rec.nfields, sizeof *r->header);
    r->header_raw = dn_calloc(rec.nfields, sizeof *r->header_raw);
    if (!r->header || !r->header_raw) return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    r->nheader = rec.nfields;
    for (size_t i = 0; i < rec.nfields; i++) {
        const char *raw = rec.field[i];
        while (*raw == ' ' || *raw == '\t') raw++;
        size_t n = strlen(raw);
        while (n && (raw[n - 1] == ' ' || raw[n - 1] == '\t')) n--;
        if (!(r->header_raw[i] = dn_strndup(raw, n)) || !(r->header[i] = dni_normalize_column(raw)))
            return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    }
    r->nnamed = r->nheader;
    while (r->nnamed > 0 && blank_field(rec.field[r->nnamed - 1], rec.len[r->nnamed - 1])) r->nnamed--;
    for (size_t i = 0; i < r->nheader; i++)
        for (size_t j = 0; j < i; j++)
            if (r->header[i][0] && !strcmp(r->header[i], r->header[j])) {
                dni_warn(r->ctx, "%s:%ld: duplicate column '%s' (columns %zu and %zu); using column %zu", r->path,
                         rec.line, r->header_raw[i], j + 1, i + 1, j + 1);
                break;
            }
    return DN_OK;
}

static bool numeric_date_shape(const char *v)
{
    while (*v == ' ') v++;
    if (!(v[0] >= '0' && v[0] <= '9')) return false;
    size_t d = 0;
    while (v[d] >= '0' && v[d] <= '9') d++;
    return d <= 2 && (v[d] == '/' || v[d] == '.' || v[d] == '-');
}

/* Look through the date column for one date that only fits one day/month
 * order, so 03/04/2022 in the same file is read consistently. */
static dn_status prescan_date_order(struct dn_reader *r, long start)
{
    /* the look-ahead continues after the header quietly; a fresh reader
     * then starts over and skips the header, also quietly, so every
     * warning is given once */
    dn_csv_set_quiet(r->csv, true);
    int col = r->col[DNF_DATE];
    long numeric = 0, other = 0;
    int evidence = 0;
    const char *sample = NULL;
    char sample_buf[64] = "";
    for (;;) {
        struct dn_csv_record rec;
        bool done;
        dn_status s = dn_csv_next(r->csv, &rec, &done);
        if (s == DN_ERR_INPUT) continue;
        if (s != DN_OK) return s;
        if (done || (size_t)col >= rec.nfields) {
            if (done) break;
            continue;
        }
        const char *v = rec.field[col];
        if (!numeric_date_shape(v)) {
            if (++other >= PRESCAN_NON_NUMERIC_LIMIT && numeric == 0) break;
            continue;
        }
        numeric++;
        if ((evidence = dn_date_order_evidence(v)) != 0) break;
        char iso[11];
        enum dn_date_precision prec;
        /* the example must be a date that reads both ways, not an impossible one */
        if (!sample && dn_parse_date(v, DN_DATE_ORDER_DMY, iso, &prec) == DN_OK) {
            dni_quote_value(sample_buf, sizeof sample_buf, v);
            sample = sample_buf;
        }
    }
    r->order = evidence < 0 ? DN_DATE_ORDER_MDY : DN_DATE_ORDER_DMY;
    if (evidence == 0 && sample)
        dni_warn(r->ctx,
                 "%s: no date settles the day/month order (e.g. %s); reading dates day-first "
                 "(use --date-order mdy if they are month-first)",
                 r->path, sample);

    /* start again after the header */
    dn_csv_close(r->csv);
    r->csv = NULL;
    if (fseek(r->fp, start, SEEK_SET) != 0)
        return dni_fail(r->ctx, DN_ERR_IO, "%s: cannot seek back to the start", r->path);
    clearerr(r->fp);
    dn_status s = dn_csv_open(r->ctx, r->fp, r->path, &r->csv_opts, &r->csv);
    struct dn_csv_record rec;
    bool done;
    if (s != DN_OK) return s;
    dn_csv_set_quiet(r->csv, true);
    s = next_nonblank(r, &rec, &done);
    dn_csv_set_quiet(r->csv, false);
    return s;
}

dn_status dni_table_open(struct dn_reader *r, const struct dn_reader_opts *opts, bool seekable)
{
    long start = seekable ? ftell(r->fp) : -1;
    r->csv_opts.max_record_bytes = opts ? opts->max_record_bytes : 0;
    dn_status s = dn_csv_open(r->ctx, r->fp, r->path, &r->csv_opts, &r->csv);
    if (s != DN_OK || (s = read_header(r)) != DN_OK) return s;
    /* the look-ahead reopens the stream: keep the sniffed delimiter */
    r->csv_opts.delimiter = dn_csv_delimiter(r->csv);

    enum dn_ingest_format want = opts ? opts->format : DN_INGEST_AUTO;
    enum dn_ingest_format found = dni_detect_format(r->header, r->nheader);
    if (want == DN_INGEST_AUTO) {
        r->format = found;
    } else if ((want == DN_INGEST_ACLED || want == DN_INGEST_UCDP) && found != want) {
        return dni_fail(r->ctx, DN_ERR_INPUT,
                        want == DN_INGEST_ACLED
                            ? "%s: not an ACLED export (needs columns event_id_cnty, event_date and fatalities)"
                            : "%s: not a UCDP GED file (needs columns id, date_start, where_prec, type_of_violence "
                              "and best)",
                        r->path);
    } else {
        r->format = want;
    }
    r->desc = dni_format_desc(r->format);
    s = dni_bind_columns(r->ctx, r->path, r->desc, r->header, r->nheader, opts ? opts->map : NULL,
                         opts ? opts->nmap : 0, r->col);
    if (s != DN_OK) return s;
    r->reading_hash = dni_reading_hash(r);
    /* Without a column for when or where, every row would become an empty
     * event: most often the header row is missing and the first data row
     * was taken for it. */
    static const int where_or_when[] = {DNF_DATE, DNF_PLACE, DNF_LAT, DNF_LON, DNF_COUNTRY, DNF_PROVINCE, DNF_DISTRICT};
    bool any = false;
    for (size_t i = 0; i < DN_ARRAY_LEN(where_or_when); i++) any |= r->col[where_or_when[i]] >= 0;
    if (!any)
        return dni_fail(r->ctx, DN_ERR_INPUT,
                        "%s:1: no column names a date, place, coordinates or admin area (is the header row "
                        "missing?); name the columns with --map FIELD=COLUMN",
                        r->path);
    if (r->order == DN_DATE_ORDER_AUTO && r->col[DNF_DATE] >= 0 && start >= 0) return prescan_date_order(r, start);
    return DN_OK;
}

/* "line N" without snprintf: this runs once per row. */
static void line_ref(char out[48], long line)
{
    char digits[24];
    int n = 0;
    unsigned long v = line > 0 ? (unsigned long)line : 0;
    do digits[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < (int)sizeof digits);
    memcpy(out, "line ", 5);
    for (int i = 0; i < n; i++) out[5 + i] = digits[n - 1 - i];
    out[5 + n] = '\0';
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* A data row that repeats the header (concatenated exports). */
static bool repeated_header(const struct dn_reader *r, const struct dn_csv_record *rec)
{
    size_t n = rec->nfields < r->nheader ? rec->nfields : r->nheader, same = 0;
    char norm[128];
    for (size_t i = 0; i < n; i++) {
        if (i == 4 && same == 0) return false; /* the common case: a data row */
        const char *f = rec->field[i];
        while (*f == ' ' || *f == '\t') f++;
        if (lower(*f) != r->header[i][0] && *f != '\xEF') continue; /* cheap mismatch before normalising */
        if (rec->len[i] >= sizeof norm / 2 || dni_normalize_column_into(rec->field[i], norm, sizeof norm) == SIZE_MAX)
            continue;
        if (r->header[i][0] && !strcmp(norm, r->header[i])) same++;
    }
    return same >= 2 && same * 2 >= r->nnamed;
}

/* Exactly the label a totals row puts in a cell: "Total", "Totals:",
 * "Grand total", "Subtotal", "Sum", any case. A value that only starts with
 * such a word is data: notes "Total of 12 militants killed...", the village
 * "Sum Kalay". */
static bool totals_label(const char *s, size_t n)
{
    static const char *const labels[] = {"total", "totals", "grand total", "subtotal", "sub total", "sum"};
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    if (n && s[n - 1] == ':') n--;
    for (size_t k = 0; k < DN_ARRAY_LEN(labels); k++) {
        if (strlen(labels[k]) != n) continue;
        size_t i = 0;
        while (i < n && lower(s[i]) == labels[k][i]) i++;
        if (i == n) return true;
    }
    return false;
}

/* Whether the row's date column holds a date: a totals row has none. */
static bool has_date(const struct dn_reader *r, const struct dn_csv_record *rec)
{
    int c = r->col[DNF_DATE];
    if (c < 0 || (size_t)c >= rec->nfields) return false;
    char iso[11];
    enum dn_date_precision prec;
    return dn_parse_date(rec->field[c], r->order, iso, &prec) == DN_OK;
}

/* Totals and footnotes that spreadsheets append: "Total,,,,12" or a lone
 * "Source: ..." line. A totals row is a label among its first three values
 * and no date; a real event that mentions a total keeps its date. */
static bool footer_row(const struct dn_reader *r, const struct dn_csv_record *rec)
{
    size_t nonblank = 0;
    bool label = false;
    for (size_t i = 0; i < rec->nfields && !label; i++) {
        if (blank_field(rec->field[i], rec->len[i])) continue;
        if (++nonblank > 3) break; /* only the first three values can say "Total" */
        label = totals_label(rec->field[i], rec->len[i]);
    }
    if (label) return !has_date(r, rec);
    return nonblank == 1 && rec->nfields < r->nnamed && r->nnamed > 2;
}

/* The row's first n fields; a short row counts as padded with empty ones,
 * so that leaving off a spreadsheet's unnamed trailing columns does not
 * make another row of it. */
static uint64_t content_hash(const struct dn_csv_record *rec, size_t n)
{
    uint64_t h = DN_HASH_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *f = i < rec->nfields ? rec->field[i] : "";
        size_t len = i < rec->nfields ? rec->len[i] : 0;
        while (len && (*f == ' ' || *f == '\t')) f++, len--;
        while (len && (f[len - 1] == ' ' || f[len - 1] == '\t' || f[len - 1] == '\n')) len--;
        h = dn_hash_bytes(h, f, len);
        h = dn_hash_bytes(h, "\x1f", 1);
    }
    return h;
}

dn_status dni_table_next(struct dn_reader *r, struct dn_event *ev, bool *done)
{
    for (;;) {
        struct dn_csv_record rec;
        dn_status s = dn_csv_next(r->csv, &rec, done);
        if (s == DN_ERR_INPUT) {
            const struct dn_csv_reject *rj = dn_csv_reject(r->csv);
            char col[32];
            const char *field = "row";
            if (rj->field >= 0 && (size_t)rj->field < r->nheader && r->header_raw[rj->field][0]) {
                field = r->header_raw[rj->field];
            } else if (rj->field >= 0) {
                snprintf(col, sizeof col, "column %ld", rj->field + 1);
                field = col;
            }
            r->stats.rows++;
            return dni_reader_reject(r, rj->line, field, "%s", rj->reason);
        }
        if (s != DN_OK || *done) return s;
        r->stats.rows++;
        if (blank_record(&rec)) {
            r->stats.skipped++;
            continue;
        }
        if (repeated_header(r, &rec)) {
            r->stats.skipped++;
            dni_warn(r->ctx, "%s:%ld: skipped a repeated header row", r->path, rec.line);
            continue;
        }
        if (footer_row(r, &rec)) {
            r->stats.skipped++;
            dni_warn(r->ctx, "%s:%ld: skipped a totals/footer row", r->path, rec.line);
            continue;
        }
        /* blank fields past the named columns are padding, whichever row (the
         * header or this one) has them */
        size_t used = rec.nfields;
        while (used > r->nnamed && blank_field(rec.field[used - 1], rec.len[used - 1])) used--;
        if (used > r->nheader)
            return dni_reader_reject(r, rec.line, "row", "%zu fields where the header has %zu", rec.nfields,
                                     r->nheader);
        if (used < r->nnamed)
            return dni_reader_reject(r, rec.line, "row",
                                     r->nnamed == r->nheader ? "%zu fields where the header has %zu"
                                                             : "%zu fields where the header names %zu columns",
                                     rec.nfields, r->nnamed);

        struct dni_row row = {.line = rec.line, .ref = r->ref, .content_hash = content_hash(&rec, r->nheader)};
        line_ref(r->ref, rec.line);
        for (int f = 0; f < DNF_COUNT; f++) {
            int c = r->col[f];
            if (c < 0) continue;
            row.val[f] = (size_t)c < rec.nfields ? rec.field[c] : "";
            row.col[f] = r->header_raw[c];
        }
        if ((s = dni_row_to_event(r, &row, ev)) == DN_OK) r->stats.events++;
        return s;
    }
}

void dni_table_close(struct dn_reader *r)
{
    dn_csv_close(r->csv);
    r->csv = NULL;
    for (size_t i = 0; i < r->nheader; i++) {
        if (r->header) dn_free(r->header[i]);
        if (r->header_raw) dn_free(r->header_raw[i]);
    }
    dn_free(r->header);
    dn_free(r->header_raw);
    r->header = r->header_raw = NULL;
    r->nheader = r->nnamed = 0;
}

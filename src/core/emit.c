/** @file emit.c
 * Record output in table, CSV, JSON, JSON Lines and Markdown forms.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "core/core.h"
#include "core/emit.h"

static const char *const format_names[DN_FORMAT_COUNT] = {"table", "csv", "json", "jsonl", "md", "geojson"};

enum { FLUSH_AT = 1 << 16 };

struct cell {
    char *text;  /* text form (table/csv/md), NULL = empty */
    char *json;  /* JSON form, never NULL once set */
};

struct dn_emit {
    dn_ctx *ctx;
    enum dn_format fmt;
    const char *const *columns;
    size_t ncols;
    unsigned flags;
    size_t col;       /* next cell index in the current row */
    size_t rows;
    struct cell *row; /* current row, ncols cells */
    struct cell *held; /* table/md: every row, kept to compute widths */
    size_t held_rows, held_cap;
    struct dn_strbuf out;
    bool failed;
};

const char *dn_format_name(enum dn_format f) { return f < DN_FORMAT_COUNT ? format_names[f] : "?"; }

dn_status dn_format_parse(dn_ctx *ctx, const char *text, unsigned allowed, enum dn_format *out)
{
    for (int f = 0; f < DN_FORMAT_COUNT; f++) {
        if ((allowed & DN_FORMAT_BIT(f)) && text && strcmp(text, format_names[f]) == 0) {
            *out = (enum dn_format)f;
            return DN_OK;
        }
    }
    char list[128] = "";
    for (int f = 0; f < DN_FORMAT_COUNT; f++) {
        if (!(allowed & DN_FORMAT_BIT(f))) continue;
        if (list[0]) strncat(list, "|", sizeof list - strlen(list) - 1);
        strncat(list, format_names[f], sizeof list - strlen(list) - 1);
    }
    return dni_fail(ctx, DN_ERR_USAGE, "unknown --format '%s' (expected %s)", text ? text : "", list);
}

static void flush(struct dn_emit *e, bool force)
{
    if (e->out.len == 0 || (!force && e->out.len < FLUSH_AT)) return;
    dni_out(e->ctx, DN_OUT_DATA, e->out.data, e->out.len);
    dn_strbuf_reset(&e->out);
}

dn_status dn_emit_new(dn_ctx *ctx, enum dn_format fmt, const char *const *columns, size_t ncols,
                      unsigned flags, struct dn_emit **out)
{
    *out = NULL;
    struct dn_emit *e = dn_calloc(1, sizeof *e);
    if (!e) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    e->row = dn_calloc(ncols, sizeof *e->row);
    if (!e->row) {
        dn_free(e);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    e->ctx = ctx;
    e->fmt = fmt;
    e->columns = columns;
    e->ncols = ncols;
    e->flags = flags;
    if (fmt == DN_FORMAT_CSV) {
        for (size_t i = 0; i < ncols; i++) {
            if (i) dn_strbuf_putc(&e->out, ',');
            dn_strbuf_csv_field(&e->out, columns[i]);
        }
        dn_strbuf_puts(&e->out, "\r\n");
    } else if (fmt == DN_FORMAT_JSON && !(flags & DN_EMIT_OBJECT)) {
        dn_strbuf_putc(&e->out, '[');
    }
    *out = e;
    return DN_OK;
}

static void set_cell(struct dn_emit *e, char *text, char *json)
{
    if (e->col >= e->ncols || !json) {
        if (json || text) e->failed = true;
        dn_free(text);
        dn_free(json);
        return;
    }
    e->row[e->col].text = text;
    e->row[e->col].json = json;
    e->col++;
}

/* A value as a table cell: a line break would break the row, and in
 * Markdown a '|' would end the cell ("Battles | clash" made two columns). */
static char *table_text(const struct dn_emit *e, const char *s)
{
    bool md = e->fmt == DN_FORMAT_MD;
    if (!s || (e->fmt != DN_FORMAT_TABLE && !md) || !strpbrk(s, md ? "|\n\r\t" : "\n\r\t")) return s ? dn_strdup(s) : NULL;
    struct dn_strbuf b = {0};
    for (const char *p = s; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t') dn_strbuf_putc(&b, ' ');
        else if (*p == '|' && md) dn_strbuf_puts(&b, "\\|");
        else dn_strbuf_putc(&b, *p);
    }
    if (b.failed) {
        dn_strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

void dn_emit_str(struct dn_emit *e, const char *s)
{
    struct dn_strbuf j = {0};
    dn_strbuf_json_string(&j, s);
    if (j.failed) e->failed = true;
    char *text = table_text(e, s);
    if (s && !text) e->failed = true;
    set_cell(e, text, j.data);
}

void dn_emit_null(struct dn_emit *e) { set_cell(e, NULL, dn_strdup("null")); }

void dn_emit_int(struct dn_emit *e, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    set_cell(e, dn_strdup(buf), dn_strdup(buf));
}

void dn_emit_real(struct dn_emit *e, double v, int decimals)
{
    if (!isfinite(v)) {
        dn_emit_null(e);
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    /* "-0.000" reads badly and compares unequal as text */
    if (strspn(buf, "-0.") == strlen(buf) && buf[0] == '-') memmove(buf, buf + 1, strlen(buf));
    set_cell(e, dn_strdup(buf), dn_strdup(buf));
}

void dn_emit_bool(struct dn_emit *e, int v)
{
    if (v < 0) {
        dn_emit_null(e);
        return;
    }
    set_cell(e, dn_strdup(v ? "true" : "false"), dn_strdup(v ? "true" : "false"));
}

void dn_emit_raw(struct dn_emit *e, const char *json, const char *text)
{
    set_cell(e, text ? dn_strdup(text) : NULL, dn_strdup(json ? json : "null"));
}

static void clear_row(struct dn_emit *e)
{
    for (size_t i = 0; i < e->ncols; i++) {
        dn_free(e->row[i].text);
        dn_free(e->row[i].json);
        e->row[i].text = e->row[i].json = NULL;
    }
    e->col = 0;
}

static void write_json_object(struct dn_emit *e)
{
    dn_strbuf_putc(&e->out, '{');
    for (size_t i = 0; i < e->ncols; i++) {
        if (i) dn_strbuf_putc(&e->out, ',');
        dn_strbuf_json_string(&e->out, e->columns[i]);
        dn_strbuf_putc(&e->out, ':');
        dn_strbuf_puts(&e->out, e->row[i].json);
    }
    dn_strbuf_putc(&e->out, '}');
}

dn_status dn_emit_row_end(struct dn_emit *e)
{
    if (e->col != e->ncols || e->failed) {
        clear_row(e);
        return dni_fail(e->ctx, e->failed ? DN_ERR_NOMEM : DN_ERR_INTERNAL,
                        e->failed ? "out of memory" : "output row has the wrong number of cells");
    }
    switch (e->fmt) {
    case DN_FORMAT_CSV:
        for (size_t i = 0; i < e->ncols; i++) {
            if (i) dn_strbuf_putc(&e->out, ',');
            dn_strbuf_csv_field(&e->out, e->row[i].text);
        }
        dn_strbuf_puts(&e->out, "\r\n");
        break;
    case DN_FORMAT_JSON:
        if (e->rows && !(e->flags & DN_EMIT_OBJECT)) dn_strbuf_putc(&e->out, ',');
        write_json_object(e);
        break;
    case DN_FORMAT_JSONL:
        write_json_object(e);
        dn_strbuf_putc(&e->out, '\n');
        break;
    default: { /* table and md: keep the row */
        if (e->held_rows == e->held_cap) {
            size_t cap = e->held_cap ? e->held_cap * 2 : 64;
            struct cell *p = dn_realloc(e->held, cap * e->ncols * sizeof *p);
            if (!p) {
                clear_row(e);
                return dni_fail(e->ctx, DN_ERR_NOMEM, "out of memory");
            }
            e->held = p;
            e->held_cap = cap;
        }
        for (size_t i = 0; i < e->ncols; i++) {
            e->held[e->held_rows * e->ncols + i] = e->row[i];
            dn_free(e->row[i].json);
            e->row[i].text = e->row[i].json = NULL;
        }
        e->held_rows++;
        e->col = 0;
        e->rows++;
        return DN_OK;
    }
    }
    clear_row(e);
    e->rows++;
    flush(e, false);
    return e->out.failed ? dni_fail(e->ctx, DN_ERR_NOMEM, "out of memory") : DN_OK;
}

/* Display width in terminal columns (CJK/Arabic aware through utf8proc). */
static size_t display_width(const char *s)
{
    if (!s) return 0;
    size_t w = 0, len = strlen(s), i = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            w++;
            i++;
            continue;
        }
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
        i += (size_t)n;
    }
    return w;
}

static void pad(struct dn_strbuf *b, size_t n)
{
    for (size_t i = 0; i < n; i++) dn_strbuf_putc(b, ' ');
}

static void write_table(struct dn_emit *e)
{
    bool md = e->fmt == DN_FORMAT_MD;
    size_t *width = dn_calloc(e->ncols, sizeof *width);
    if (!width) {
        e->failed = true;
        return;
    }
    for (size_t c = 0; c < e->ncols; c++) {
        width[c] = display_width(e->columns[c]);
        for (size_t r = 0; r < e->held_rows; r++) {
            size_t w = display_width(e->held[r * e->ncols + c].text);
            if (w > width[c]) width[c] = w;
        }
    }
    const char *sep = md ? " | " : "  ";
    for (size_t r = 0; r < e->held_rows + 2; r++) {
        if (r == 1 && !md) {
            /* plain table: a rule of dashes under the header */
            for (size_t c = 0; c < e->ncols; c++) {
                if (c) dn_strbuf_puts(&e->out, sep);
                for (size_t i = 0; i < width[c]; i++) dn_strbuf_putc(&e->out, '-');
            }
            dn_strbuf_putc(&e->out, '\n');
            continue;
        }
        if (md) dn_strbuf_puts(&e->out, "| ");
        for (size_t c = 0; c < e->ncols; c++) {
            if (c) dn_strbuf_puts(&e->out, sep);
            const char *text;
            if (r == 0) text = e->columns[c];
            else if (r == 1) text = NULL;
            else text = e->held[(r - 2) * e->ncols + c].text;
            if (r == 1) {
                for (size_t i = 0; i < width[c]; i++) dn_strbuf_putc(&e->out, '-');
                continue;
            }
            if (!text) text = md ? "" : "-";
            dn_strbuf_puts(&e->out, text);
            if (md || c + 1 < e->ncols) pad(&e->out, width[c] - display_width(text));
        }
        dn_strbuf_puts(&e->out, md ? " |\n" : "\n");
        flush(e, false);
    }
    dn_free(width);
}

void dn_emit_flush(struct dn_emit *e)
{
    flush(e, true);
    dni_out(e->ctx, DN_OUT_DATA, "", 0);
}

dn_status dn_emit_finish(struct dn_emit *e)
{
    if (e->fmt == DN_FORMAT_TABLE || e->fmt == DN_FORMAT_MD) write_table(e);
    else if (e->fmt == DN_FORMAT_JSON && !(e->flags & DN_EMIT_OBJECT)) dn_strbuf_puts(&e->out, "]\n");
    else if (e->fmt == DN_FORMAT_JSON) dn_strbuf_putc(&e->out, '\n');
    if (e->out.failed || e->failed) return dni_fail(e->ctx, DN_ERR_NOMEM, "out of memory");
    flush(e, true);
    return DN_OK;
}

size_t dn_emit_rows(const struct dn_emit *e) { return e->rows; }

void dn_emit_free(struct dn_emit *e)
{
    if (!e) return;
    clear_row(e);
    for (size_t i = 0; i < e->held_rows * e->ncols; i++) dn_free(e->held[i].text);
    dn_free(e->held);
    dn_free(e->row);
    dn_strbuf_free(&e->out);
    dn_free(e);
}

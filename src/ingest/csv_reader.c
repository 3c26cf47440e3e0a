/** @file csv_reader.c
 * The streaming CSV tokenizer. Input comes in CHUNK-sized reads; one record
 * at a time is assembled into a buffer capped at max_record_bytes, so a
 * 10 MB line or an unterminated quote costs a reject, not memory.
 *
 * Fields are stored back to back, each followed by a NUL. After a record is
 * complete one pass over its bytes counts NULs and ORs the bytes together:
 * more NULs than fields means an embedded NUL byte; a high bit means the
 * encoding must be looked at (most rows of most files are pure ASCII).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ingest/csv_reader.h"
#include "ingest/encoding.h"

#define CHUNK ((size_t)128 * 1024)

enum overflow { OVER_NONE = 0, OVER_BYTES, OVER_FIELDS };

struct dn_csv {
    dn_ctx *ctx;
    FILE *fp;
    char *name;
    char delim;
    bool quiet;
    size_t max_record, max_fields;
    unsigned char stop[256]; /* bytes that end an unquoted run */

    char *in; /* current chunk */
    size_t ipos, ilen;
    bool eof;
    bool pending_cr; /* a CR just ended a line: a following LF belongs to it */
    long line;       /* physical line of the next unread byte */

    char *buf; /* the record: fields back to back, NUL-terminated */
    size_t len, cap;
    size_t fstart; /* where the field being read starts in buf */
    size_t *off, *lens;
    const char **fields;
    size_t nfields, fcap;
    enum overflow overflow;

    struct dn_strbuf conv; /* the record converted from Windows-1252 */
    enum dn_csv_encoding enc;
    bool bom;

    struct dn_csv_reject rej;
    char reason[192];
};

static dn_status fill(struct dn_csv *c)
{
    size_t n = fread(c->in, 1, CHUNK, c->fp);
    if (n == 0) {
        if (ferror(c->fp)) return dni_fail(c->ctx, DN_ERR_IO, "%s: read error: %s", c->name, strerror(errno));
        c->eof = true;
    }
    c->ipos = 0;
    c->ilen = n;
    return DN_OK;
}

/* Make room for `extra` more bytes in the record buffer. Growth stops at the
 * cap (the caller checks it first), so memory stays bounded. */
static bool reserve(struct dn_csv *c, size_t extra)
{
    size_t need = c->len + extra;
    if (need <= c->cap) return true;
    size_t cap = c->cap ? c->cap : 1024;
    while (cap < need) cap *= 2;
    char *p = dn_realloc(c->buf, cap);
    if (!p) return false;
    c->buf = p;
    c->cap = cap;
    return true;
}

static bool rec_append(struct dn_csv *c, const char *s, size_t n)
{
    if (c->overflow || n == 0) return true;
    if (c->len + n + 1 > c->max_record) { /* +1: the field's terminator */
        c->overflow = OVER_BYTES;
        return true;
    }
    if (!reserve(c, n)) return false;
    memcpy(c->buf + c->len, s, n);
    c->len += n;
    return true;
}

static bool field_end(struct dn_csv *c)
{
    if (c->overflow) return true;
    if (c->nfields == c->max_fields) {
        c->overflow = OVER_FIELDS;
        return true;
    }
    if (c->len + 1 > c->max_record) {
        c->overflow = OVER_BYTES;
        return true;
    }
    if (!reserve(c, 1)) return false;
    if (c->nfields == c->fcap) {
        size_t cap = c->fcap ? c->fcap * 2 : 64;
        size_t *off = dn_realloc(c->off, cap * sizeof *off);
        if (!off) return false;
        c->off = off;
        size_t *lens = dn_realloc(c->lens, cap * sizeof *lens);
        if (!lens) return false;
        c->lens = lens;
        const char **fields = dn_realloc(c->fields, cap * sizeof *fields);
        if (!fields) return false;
        c->fields = fields;
        c->fcap = cap;
    }
    c->off[c->nfields] = c->fstart;
    c->lens[c->nfields] = c->len - c->fstart;
    c->nfields++;
    c->buf[c->len++] = '\0';
    c->fstart = c->len;
    return true;
}

/* Append a span of a quoted field: line breaks become "\n" and are counted. */
static bool append_quoted(struct dn_csv *c, const char *p, const char *e)
{
    if (!c->pending_cr && !memchr(p, '\r', (size_t)(e - p))) {
        for (const char *q = p; (q = memchr(q, '\n', (size_t)(e - q))); q++) c->line++;
        return rec_append(c, p, (size_t)(e - p));
    }
    const char *run = p;
    for (const char *q = p; q < e; q++) {
        if (*q == '\n' && c->pending_cr) { /* second half of CRLF: already counted */
            if (!rec_append(c, run, (size_t)(q - run))) return false;
            run = q + 1;
            c->pending_cr = false;
        } else if (*q == '\r') {
            if (!rec_append(c, run, (size_t)(q - run)) || !rec_append(c, "\n", 1)) return false;
            run = q + 1;
            c->line++;
            c->pending_cr = true;
        } else {
            if (*q == '\n') c->line++;
            c->pending_cr = false;
        }
    }
    return rec_append(c, run, (size_t)(e - run));
}

static dn_status reject(struct dn_csv *c, long line, long field, const char *fmt, ...) DN_PRINTF(4, 5);
static dn_status reject(struct dn_csv *c, long line, long field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    c->rej = (struct dn_csv_reject){line, field, c->reason};
    return DN_ERR_INPUT;
}

static long field_at(const struct dn_csv *c, size_t offset)
{
    for (size_t i = 0; i < c->nfields; i++)
        if (offset <= c->off[i] + c->lens[i]) return (long)i;
    return -1;
}

/* Point fields at `base` (fields back to back, NUL-separated, no embedded NUL). */
static void set_fields(struct dn_csv *c, const char *base)
{
    const char *p = base;
    for (size_t i = 0; i < c->nfields; i++) {
        c->fields[i] = p;
        if (base != c->buf) c->lens[i] = strlen(p);
        p += c->lens[i] + 1;
    }
}

/* Count NUL bytes and OR all bytes together, eight at a time: this pass
 * runs over every byte of the file. */
static void scan_bytes(const char *p, size_t n, size_t *zeros, unsigned char *any)
{
    const uint64_t lo7 = UINT64_C(0x7F7F7F7F7F7F7F7F), even = UINT64_C(0x00FF00FF00FF00FF);
    uint64_t or_all = 0, lanes = 0; /* lanes: a zero-byte counter per byte lane */
    size_t z = 0, i = 0;
    int pending = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        or_all |= w;
        /* 0x80 in exactly the bytes of w that are zero, shifted down to 1 */
        lanes += ~(((w & lo7) + lo7) | w | lo7) >> 7;
        if (++pending == 255 || i + 16 > n) { /* fold before a lane can overflow */
            uint64_t pairs = (lanes & even) + ((lanes >> 8) & even);
            z += (size_t)((pairs * UINT64_C(0x0001000100010001)) >> 48);
            lanes = 0;
            pending = 0;
        }
    }
    unsigned char a = 0;
    for (int k = 0; k < 8; k++) a |= (unsigned char)(or_all >> (8 * k));
    for (; i < n; i++) {
        z += p[i] == 0;
        a |= (unsigned char)p[i];
    }
    *zeros = z;
    *any = a;
}

static dn_status finish_record(struct dn_csv *c, long line, struct dn_csv_record *rec)
{
    if (c->overflow == OVER_BYTES)
        return reject(c, line, -1, "record longer than %zu bytes (the limit for one row)", c->max_record);
    if (c->overflow == OVER_FIELDS) return reject(c, line, -1, "record has more than %zu fields", c->max_fields);

    size_t zeros = 0;
    unsigned char any = 0;
    scan_bytes(c->buf, c->len, &zeros, &any);
    if (zeros != c->nfields)
        for (size_t i = 0; i < c->nfields; i++)
            if (memchr(c->buf + c->off[i], '\0', c->lens[i]))
                return reject(c, line, (long)i, "NUL byte in the field (binary data?)");

    const char *base = c->buf;
    if (any & 0x80) {
        if (c->enc != DN_CSV_ENC_CP1252) {
            size_t bad;
            if (dni_utf8_valid(c->buf, c->len, &bad)) {
                c->enc = DN_CSV_ENC_UTF8;
            } else if (c->enc == DN_CSV_ENC_ASCII) {
                c->enc = DN_CSV_ENC_CP1252;
                if (!c->quiet)
                    dni_warn(c->ctx, "%s:%ld: the file is not UTF-8; reading it as Windows-1252 and converting to UTF-8",
                         c->name, line);
            } else {
                return reject(c, line, field_at(c, bad), "invalid UTF-8 (byte 0x%02X) in a UTF-8 file",
                              (unsigned char)c->buf[bad]);
            }
        }
        if (c->enc == DN_CSV_ENC_CP1252) {
            dn_strbuf_reset(&c->conv);
            if (!dni_cp1252_to_utf8(c->buf, c->len, &c->conv)) return dni_fail(c->ctx, DN_ERR_NOMEM, "out of memory");
            base = c->conv.data;
        }
    }
    set_fields(c, base);
    rec->field = c->fields;
    rec->len = c->lens;
    rec->nfields = c->nfields;
    rec->line = line;
    rec->raw = base;
    rec->raw_len = base == c->buf ? c->len : c->conv.len;
    return DN_OK;
}

/* First byte in [p, e) that ends an unquoted run (delimiter, LF, CR). Eight
 * bytes at a time on little-endian machines: the lowest flagged byte of the
 * classic has-zero-byte test is exact, so the first match is found. */
static const char *scan_unquoted(const struct dn_csv *c, const char *p, const char *e)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    const uint64_t dl = ones * (unsigned char)c->delim, lf = ones * '\n', cr = ones * '\r';
    for (; p + 8 <= e; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t a = w ^ dl, b = w ^ lf, d = w ^ cr;
        uint64_t hit = ((a - ones) & ~a) | ((b - ones) & ~b) | ((d - ones) & ~d);
        hit &= highs;
        if (hit) return p + (__builtin_ctzll(hit) >> 3);
    }
#endif
    while (p < e && !c->stop[(unsigned char)*p]) p++;
    return p;
}

dn_status dn_csv_next(struct dn_csv *c, struct dn_csv_record *rec, bool *done)
{
    enum { S_FIELD, S_UNQ, S_Q, S_QQ } st = S_FIELD;
    *done = false;
    c->len = c->fstart = c->nfields = 0;
    c->overflow = OVER_NONE;
    long line = c->line, quote_line = 0;
    bool started = false;
    dn_status s;
    for (;;) {
        if (c->ipos == c->ilen) {
            if (!c->eof) {
                if ((s = fill(c)) != DN_OK) return s;
                continue;
            }
            if (!started) {
                *done = true;
                return DN_OK;
            }
            if (st == S_Q) {
                c->overflow = OVER_NONE;
                return reject(c, line, (long)c->nfields, "quoted field opened at line %ld is never closed",
                              quote_line);
            }
            if (!field_end(c)) goto nomem;
            return finish_record(c, line, rec);
        }
        if (c->pending_cr) {
            c->pending_cr = false;
            if (c->in[c->ipos] == '\n') {
                c->ipos++;
                continue;
            }
        }
        const char *p = c->in + c->ipos, *e = c->in + c->ilen;
        switch (st) {
        case S_FIELD:
            if (!started) line = c->line;
            started = true;
            if (*p == '"') {
                st = S_Q;
                quote_line = c->line;
                c->ipos++;
                break;
            }
            st = S_UNQ;
            /* fall through */
        case S_UNQ: {
            const char *q = scan_unquoted(c, p, e);
            if (!rec_append(c, p, (size_t)(q - p))) goto nomem;
            c->ipos = (size_t)(q - c->in);
            if (q == e) break;
            c->ipos++;
            if (!field_end(c)) goto nomem;
            if (*q == c->delim) {
                st = S_FIELD;
                break;
            }
            c->line++;
            c->pending_cr = *q == '\r';
            return finish_record(c, line, rec);
        }
        case S_Q: {
            const char *q = memchr(p, '"', (size_t)(e - p));
            if (!append_quoted(c, p, q ? q : e)) goto nomem;
            c->ipos = (size_t)((q ? q + 1 : e) - c->in);
            if (q) {
                c->pending_cr = false;
                st = S_QQ;
            }
            break;
        }
        case S_QQ:
            if (*p == '"') { /* "" inside quotes */
                if (!rec_append(c, "\"", 1)) goto nomem;
                c->ipos++;
                st = S_Q;
            } else {
                st = S_UNQ; /* lenient: text after the closing quote is kept */
            }
            break;
        }
    }
nomem:
    return dni_fail(c->ctx, DN_ERR_NOMEM, "out of memory reading %s", c->name);
}

/* The candidate delimiter seen most often outside quotes on the first line. */
static char sniff_delimiter(const char *p, size_t n)
{
    static const char cands[] = {',', ';', '\t', '|'};
    size_t count[4] = {0};
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') quoted = !quoted;
        if (quoted) continue;
        if (p[i] == '\n' || p[i] == '\r') break;
        for (int k = 0; k < 4; k++) count[k] += p[i] == cands[k];
    }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (count[k] > count[best]) best = k;
    return cands[best];
}

dn_status dn_csv_open(dn_ctx *ctx, FILE *fp, const char *name, const struct dn_csv_opts *opts, struct dn_csv **out)
{
    *out = NULL;
    struct dn_csv *c = dn_calloc(1, sizeof *c);
    if (!c || !(c->in = dn_malloc(CHUNK)) || !(c->name = dn_strdup(name ? name : "-"))) {
        dn_csv_close(c);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    c->ctx = ctx;
    c->fp = fp;
    c->line = 1;
    c->max_record = opts && opts->max_record_bytes ? opts->max_record_bytes : DN_CSV_MAX_RECORD_DEFAULT;
    c->max_fields = opts && opts->max_fields ? opts->max_fields : DN_CSV_MAX_FIELDS_DEFAULT;
    c->quiet = opts && opts->quiet;
    dn_status s = fill(c);
    if (s != DN_OK) {
        dn_csv_close(c);
        return s;
    }
    const unsigned char *b = (const unsigned char *)c->in;
    if (c->ilen >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        dn_csv_close(c);
        return dni_fail(ctx, DN_ERR_INPUT, "%s: UTF-16 text is not supported; save the file as UTF-8", name);
    }
    if (c->ilen >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
        c->ipos = 3;
        c->bom = true;
        c->enc = DN_CSV_ENC_UTF8;
    }
    c->delim = opts && opts->delimiter ? opts->delimiter : sniff_delimiter(c->in + c->ipos, c->ilen - c->ipos);
    c->stop[(unsigned char)c->delim] = c->stop['\n'] = c->stop['\r'] = 1;
    *out = c;
    return DN_OK;
}

const struct dn_csv_reject *dn_csv_reject(const struct dn_csv *c) { return &c->rej; }
enum dn_csv_encoding dn_csv_encoding(const struct dn_csv *c) { return c->enc; }
char dn_csv_delimiter(const struct dn_csv *c) { return c->delim; }
bool dn_csv_had_bom(const struct dn_csv *c) { return c->bom; }
void dn_csv_set_quiet(struct dn_csv *c, bool quiet) { c->quiet = quiet; }

void dn_csv_close(struct dn_csv *c)
{
    if (!c) return;
    dn_free(c->in);
    dn_free(c->name);
    dn_free(c->buf);
    dn_free(c->off);
    dn_free(c->lens);
    dn_free(c->fields);
    dn_strbuf_free(&c->conv);
    dn_free(c);
}

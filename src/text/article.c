/** @file article.c
 * Reading articles: a whole file (plain text or HTML) or JSON Lines records
 * ({"text": ..., "date": ..., "url": ...}, parsed with json-c). Refuses
 * empty, binary, UTF-16 and oversized input with a message naming the file
 * (and line); detects the encoding; sets the article date from --date, the
 * record, an HTML <meta> or a dateline — never from the file's time, which
 * says when the copy was made, not when the article was published (a file
 * saved today would date its events today); then extracts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "text/text_int.h"

const char *dn_text_date_source_name(enum dn_text_date_source s)
{
    static const char *const names[] = {"none", "flag", "field", "meta", "dateline"};
    return (unsigned)s < DN_ARRAY_LEN(names) ? names[s] : "none";
}

struct dn_text_article *dn_text_article_free(struct dn_text_article *a)
{
    if (!a) return NULL;
    for (size_t i = 0; i < a->n_events; i++) {
        dn_free(a->events[i].excerpt);
        dn_free(a->events[i].venue);
    }
    for (size_t i = 0; i < a->n_mentions; i++) dn_free(a->mentions[i].surface);
    dn_free(a->events);
    dn_free(a->mentions);
    dn_free(a->text);
    dn_free(a->name);
    dn_free(a->url);
    dn_free(a->scope);
    dni_text_map_free(a->map);
    dn_free(a);
    return NULL;
}

/* Where the input is (for messages): "FILE" or "FILE:LINE". */
static void where(char *buf, size_t cap, const char *name, long line)
{
    if (line > 0) snprintf(buf, cap, "%s:%ld", name, line);
    else snprintf(buf, cap, "%s", name);
}

/* Refuse what is not text. */
static dn_status check_bytes(dn_ctx *ctx, const char *at, const unsigned char *d, size_t len)
{
    size_t ws = 0;
    while (ws < len && (d[ws] == ' ' || d[ws] == '\t' || d[ws] == '\n' || d[ws] == '\r')) ws++;
    if (len == 0 || ws == len) return dni_fail(ctx, DN_ERR_INPUT, "%s: empty input (no text)", at);
    if (len > DN_TEXT_MAX_ARTICLE)
        return dni_fail(ctx, DN_ERR_INPUT, "%s: too large for an article (%zu bytes; the limit is %u)", at, len,
                        DN_TEXT_MAX_ARTICLE);
    if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
        return dni_fail(ctx, DN_ERR_INPUT, "%s: UTF-16 text is not supported (convert it to UTF-8)", at);
    const unsigned char *nul = memchr(d, 0, len);
    if (nul) return dni_fail(ctx, DN_ERR_INPUT, "%s: binary data (NUL byte at offset %zu)", at, (size_t)(nul - d));
    /* control characters other than layout ones mean a binary file */
    size_t sample = len < 65536 ? len : 65536, ctl = 0;
    for (size_t i = 0; i < sample; i++) {
        unsigned char c = d[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) ctl++;
    }
    if (ctl * 100 > sample) return dni_fail(ctx, DN_ERR_INPUT, "%s: binary data (%zu control bytes in the first %zu)", at, ctl, sample);
    return DN_OK;
}

/* Parse a record's date: "YYYY-MM-DD" optionally followed by a time. */
static bool parse_record_date(const char *s, struct dn_text_date *out)
{
    if (!s || strlen(s) < 10) return false;
    char iso[11];
    memcpy(iso, s, 10);
    iso[10] = '\0';
    if (s[10] != '\0' && s[10] != 'T' && s[10] != ' ') return false;
    return dn_text_date_parse_iso(iso, out);
}

struct record {
    const char *name;
    const char *url;
    long line;
    const char *date; /* the record's date string or NULL */
};

static dn_status extract_one(dn_ctx *ctx, const struct record *r, const unsigned char *d, size_t len,
                             const struct dn_text_options *opts, struct dn_text_article **out)
{
    *out = NULL;
    char at[4200];
    where(at, sizeof at, r->name, r->line);
    dn_status st = check_bytes(ctx, at, d, len);
    if (st != DN_OK) return st;

    struct dn_text_date flag_date = {0};
    if (opts && opts->date && !dn_text_date_parse_iso(opts->date, &flag_date))
        return dni_fail(ctx, DN_ERR_USAGE, "invalid --date '%s' (expected YYYY-MM-DD)", opts->date);

    struct dn_text_article *a = dn_calloc(1, sizeof *a);
    if (!a) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    a->line = r->line;
    a->name = dn_strdup(r->name);
    const char *url = r->url ? r->url : (opts ? opts->url : NULL);
    /* the file's scope once an article, not once an event (a realpath each) */
    if (!a->name || (url && !(a->url = dn_strdup(url))) || (!url && !(a->scope = dn_file_scope(a->name)))) {
        dn_text_article_free(a);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    size_t skip = 0;
    enum dni_text_encoding enc = DNI_ENC_UTF8;
    a->encoding = "utf-8";
    if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        skip = 3;
        a->encoding = "utf-8-bom";
    }
    size_t bad = 0;
    if (!dni_text_utf8_valid(d + skip, len - skip, &bad)) {
        enc = DNI_ENC_CP1252;
        a->encoding = "windows-1252";
        dni_warn(ctx, "%s: not valid UTF-8 (first bad byte at offset %zu); read as Windows-1252", at, bad + skip);
    }
    struct dni_text_cleaned c;
    st = dni_text_clean(ctx, d, len, skip, enc, &c);
    if (st != DN_OK) {
        dn_text_article_free(a);
        return st;
    }
    a->text = c.text;
    a->text_len = c.len;
    a->map = c.map;
    a->html = c.html;
    if (a->text_len == 0) {
        dn_text_article_free(a);
        return dni_fail(ctx, DN_ERR_INPUT, "%s: no article text left after removing markup and boilerplate", at);
    }

    /* the article date, in order of trust */
    struct dn_text_date rd;
    if (flag_date.precision) {
        a->date = flag_date;
        a->date_source = DN_TEXT_DATE_FLAG;
    } else if (r->date && parse_record_date(r->date, &rd)) {
        a->date = rd;
        a->date_source = DN_TEXT_DATE_FIELD;
    } else if (c.meta_date[0] && dn_text_date_parse_iso(c.meta_date, &rd)) {
        a->date = rd;
        a->date_source = DN_TEXT_DATE_META;
    } else if (dni_find_dateline(a->text, a->text_len, NULL, &rd)) { /* "Nov 3" without a year: none */
        a->date = rd;
        a->date_source = DN_TEXT_DATE_DATELINE;
    }
    if (r->date && a->date_source != DN_TEXT_DATE_FIELD && a->date_source != DN_TEXT_DATE_FLAG)
        dni_warn(ctx, "%s: ignoring unreadable date '%.40s' (expected YYYY-MM-DD)", at, r->date);

    st = dni_text_extract_events(ctx, a, opts);
    if (st != DN_OK) {
        dn_text_article_free(a);
        return st;
    }
    *out = a;
    return DN_OK;
}

dn_status dn_text_extract(dn_ctx *ctx, const char *name, const char *data, size_t len,
                          const struct dn_text_options *opts, struct dn_text_article **out)
{
    struct record r = {name ? name : "-", NULL, 0, NULL};
    return extract_one(ctx, &r, (const unsigned char *)data, len, opts, out);
}

/* ---- files --------------------------------------------------------------------------- */

static dn_status open_file(dn_ctx *ctx, const char *path, FILE **fp, struct stat *sb)
{
    *fp = fopen(path, "rb");
    if (!*fp) {
        int e = errno;
        return dni_fail(ctx, e == ENOENT ? DN_ERR_NOT_FOUND : DN_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    if (fstat(fileno(*fp), sb) != 0 || !S_ISREG(sb->st_mode)) {
        bool dir = S_ISDIR(sb->st_mode);
        fclose(*fp);
        *fp = NULL;
        return dni_fail(ctx, DN_ERR_INPUT, "%s: %s", path, dir ? "is a directory" : "not a regular file");
    }
    return DN_OK;
}

/* Read a whole article file (size already checked). */
static dn_status read_all(dn_ctx *ctx, const char *path, FILE *fp, size_t size, unsigned char **out, size_t *len)
{
    unsigned char *buf = dn_malloc(size + 1);
    if (!buf) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory reading %s", path);
    size_t got = fread(buf, 1, size + 1, fp);
    if (ferror(fp)) {
        dn_free(buf);
        return dni_fail(ctx, DN_ERR_IO, "%s: read error: %s", path, strerror(errno));
    }
    if (got > size) { /* grew while we read: refuse rather than guess */
        dn_free(buf);
        return dni_fail(ctx, DN_ERR_IO, "%s: file changed while being read", path);
    }
    *out = buf;
    *len = got;
    return DN_OK;
}

static void skip_record(dn_ctx *ctx, const struct dn_text_options *opts, const char *path, long line,
                        const char *reason)
{
    if (opts && opts->on_reject) opts->on_reject(opts->reject_ud, path, line, reason);
    else dni_warn(ctx, "%s:%ld: skipped: %s", path, line, reason);
}

/* One JSON Lines record; returns DN_OK, DN_ERR_INPUT (record rejected, warned),
 * or a fatal status. */
static dn_status jsonl_record(dn_ctx *ctx, const char *path, long line, const char *s, size_t n,
                              const struct dn_text_options *opts, dn_text_article_cb cb, void *ud)
{
    struct json_tokener *tok = json_tokener_new();
    if (!tok) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    struct json_object *obj = json_tokener_parse_ex(tok, s, (int)n);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    const char *why = NULL;
    char whybuf[160];
    if (!obj || jerr != json_tokener_success) {
        snprintf(whybuf, sizeof whybuf, "malformed JSON (%s)",
                 jerr == json_tokener_continue ? "unexpected end of line" : json_tokener_error_desc(jerr));
        why = whybuf;
    } else {
        while (end < n && (s[end] == ' ' || s[end] == '\t' || s[end] == '\r')) end++;
        if (end < n) why = "trailing characters after the JSON value";
        else if (!json_object_is_type(obj, json_type_object)) why = "not a JSON object";
    }
    struct json_object *jtext = NULL, *jdate = NULL, *jurl = NULL;
    if (!why) {
        if (!json_object_object_get_ex(obj, "text", &jtext) || !json_object_is_type(jtext, json_type_string))
            why = "missing string member \"text\"";
        else if (json_object_object_get_ex(obj, "date", &jdate) && !json_object_is_type(jdate, json_type_string) &&
                 !json_object_is_type(jdate, json_type_null))
            why = "member \"date\" is not a string";
        else if (json_object_object_get_ex(obj, "url", &jurl) && !json_object_is_type(jurl, json_type_string) &&
                 !json_object_is_type(jurl, json_type_null))
            why = "member \"url\" is not a string";
    }
    if (why) {
        skip_record(ctx, opts, path, line, why);
        json_object_put(obj);
        return DN_ERR_INPUT;
    }
    struct record r = {path, jurl && json_object_is_type(jurl, json_type_string) ? json_object_get_string(jurl) : NULL,
                       line, jdate && json_object_is_type(jdate, json_type_string) ? json_object_get_string(jdate) : NULL};
    if (r.url && !*r.url) r.url = NULL;
    struct dn_text_article *a = NULL;
    dn_status st = extract_one(ctx, &r, (const unsigned char *)json_object_get_string(jtext),
                               (size_t)json_object_get_string_len(jtext), opts, &a);
    json_object_put(obj);
    if (st == DN_ERR_INPUT) {
        /* the message starts "FILE:LINE: ": the reason is the rest */
        char at[4200];
        where(at, sizeof at, path, line);
        const char *msg = dn_ctx_errmsg(ctx);
        size_t atlen = strlen(at);
        if (!strncmp(msg, at, atlen) && !strncmp(msg + atlen, ": ", 2)) msg += atlen + 2;
        skip_record(ctx, opts, path, line, msg);
        dni_clear_error(ctx);
        return DN_ERR_INPUT;
    }
    if (st != DN_OK) return st;
    st = cb ? cb(ud, a) : DN_OK;
    dn_text_article_free(a);
    return st;
}

static dn_status read_jsonl(dn_ctx *ctx, const char *path, FILE *fp, const struct dn_text_options *opts,
                            dn_text_article_cb cb, void *ud)
{
    struct dn_strbuf line = {0};
    long lineno = 0, good = 0, rejected = 0;
    dn_status st = DN_OK;
    size_t limit = (size_t)DN_TEXT_MAX_ARTICLE * 2; /* escaped JSON is longer than its text */
    char chunk[8192];
    bool too_long = false, eof = false;
    while (st == DN_OK && !eof) {
        dn_strbuf_reset(&line);
        too_long = false;
        bool got_any = false;
        for (;;) {
            if (!fgets(chunk, sizeof chunk, fp)) {
                eof = true;
                break;
            }
            got_any = true;
            size_t cl = strlen(chunk);
            bool nl = cl && chunk[cl - 1] == '\n';
            if (!too_long && line.len + cl <= limit) {
                if (!dn_strbuf_append(&line, chunk, cl)) {
                    st = dni_fail(ctx, DN_ERR_NOMEM, "out of memory reading %s", path);
                    break;
                }
            } else {
                too_long = true;
            }
            if (nl) break;
        }
        if (st != DN_OK) break;
        if (ferror(fp)) {
            st = dni_fail(ctx, DN_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (!got_any) break;
        lineno++;
        if (too_long) {
            char why[80];
            snprintf(why, sizeof why, "record longer than %zu bytes", limit);
            skip_record(ctx, opts, path, lineno, why);
            rejected++;
            continue;
        }
        const char *s = line.data ? line.data : "";
        size_t n = line.len;
        while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
        size_t b = 0;
        while (b < n && (s[b] == ' ' || s[b] == '\t')) b++;
        if (b == n) continue; /* blank line */
        if (memchr(s, 0, n) || strlen(s) < n) {
            skip_record(ctx, opts, path, lineno, "NUL byte in the line");
            rejected++;
            continue;
        }
        dn_status r = jsonl_record(ctx, path, lineno, s, n, opts, cb, ud);
        if (r == DN_ERR_INPUT) rejected++;
        else if (r == DN_OK) good++;
        else st = r;
    }
    dn_strbuf_free(&line);
    if (st != DN_OK) return st;
    if (good == 0 && rejected == 0) return dni_fail(ctx, DN_ERR_INPUT, "%s: empty input (no records)", path);
    if (rejected)
        return dni_fail(ctx, DN_ERR_PARTIAL, "%s: %ld of %ld records skipped", path, rejected, rejected + good);
    return DN_OK;
}

dn_status dn_text_read_file(dn_ctx *ctx, const char *path, const struct dn_text_options *opts, dn_text_article_cb cb,
                            void *ud)
{
    FILE *fp = NULL;
    struct stat sb;
    dn_status st = open_file(ctx, path, &fp, &sb);
    if (st != DN_OK) return st;
    enum dn_text_format fmt = opts ? opts->format : DN_TEXT_FORMAT_AUTO;
    if (fmt == DN_TEXT_FORMAT_AUTO && (dn_path_has_extension(path, ".jsonl") || dn_path_has_extension(path, ".ndjson")))
        fmt = DN_TEXT_FORMAT_JSONL;
    if (fmt == DN_TEXT_FORMAT_AUTO) {
        /* a file whose first non-blank byte is '{' holds JSON records */
        int c;
        while ((c = fgetc(fp)) == ' ' || c == '\n' || c == '\r' || c == '\t') {}
        fmt = c == '{' ? DN_TEXT_FORMAT_JSONL : DN_TEXT_FORMAT_ARTICLE;
        rewind(fp);
    }
    if (fmt == DN_TEXT_FORMAT_JSONL) {
        st = read_jsonl(ctx, path, fp, opts, cb, ud);
        fclose(fp);
        return st;
    }
    if ((unsigned long long)sb.st_size > DN_TEXT_MAX_ARTICLE) {
        fclose(fp);
        return dni_fail(ctx, DN_ERR_INPUT, "%s: too large for an article (%lld bytes; the limit is %u)", path,
                        (long long)sb.st_size, DN_TEXT_MAX_ARTICLE);
    }
    unsigned char *buf = NULL;
    size_t len = 0;
    st = read_all(ctx, path, fp, (size_t)sb.st_size, &buf, &len);
    fclose(fp);
    if (st != DN_OK) return st;
    struct record r = {path, NULL, 0, NULL};
    struct dn_text_article *a = NULL;
    st = extract_one(ctx, &r, buf, len, opts, &a);
    dn_free(buf);
    if (st != DN_OK) return st;
    st = cb ? cb(ud, a) : DN_OK;
    dn_text_article_free(a);
    return st;
}

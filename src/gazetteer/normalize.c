/** @file normalize.c
 * Place-name keys through utf8proc (maintained Unicode tables, not
 * hand-made ones), plus the few Arabic-script unifications that Unicode
 * normalisation deliberately leaves alone.
 */
#include <string.h>

#include <utf8proc.h>

#include "gazetteer/normalize.h"

/* Letters that Pashto, Urdu and Dari spell differently from Arabic for the
 * same sound; gazetteers and news mix them freely. */
static utf8proc_int32_t unify_arabic(utf8proc_int32_t c)
{
    switch (c) {
    case 0x064A: /* ي arabic yeh */
    case 0x0649: /* ى alef maksura */
    case 0x06D0: /* ې pashto e */
    case 0x06CD: /* ۍ yeh with tail */
    case 0x06D2: /* ے urdu yeh barree */
        return 0x06CC; /* ی farsi yeh */
    case 0x0643: return 0x06A9; /* ك → ک */
    case 0x0629: /* ة */
    case 0x06C1: /* ہ */
    case 0x06BE: /* ھ */
    case 0x06D5: /* ە */
        return 0x0647; /* ه */
    case 0x0671: /* ٱ */
        return 0x0627; /* ا */
    default: return c;
    }
}

static bool is_apostrophe(utf8proc_int32_t c)
{
    return c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x02BB || c == 0x02BF ||
           c == 0x02BE || c == 0x00B4 || c == 0x0640 /* tatweel: a stretch, not a letter */;
}

static bool is_word_char(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
    }
}

static void put_cp(struct dn_strbuf *out, utf8proc_int32_t c)
{
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(c, buf);
    dn_strbuf_append(out, (const char *)buf, (size_t)n);
}

/* "d i khan" → "di khan": initials written with dots or spaces are one word. */
static bool is_initial_at(const char *s, size_t len, size_t i)
{
    return i < len && s[i] >= 'a' && s[i] <= 'z' && (i == 0 || s[i - 1] == ' ') && (i + 1 == len || s[i + 1] == ' ');
}

static dn_status join_initials(struct dn_strbuf *key)
{
    char *src = dn_strndup(key->data, key->len);
    if (!src) return DN_ERR_NOMEM;
    size_t len = key->len, w = 0;
    for (size_t r = 0; r < len; r++) {
        if (src[r] == ' ' && r > 0 && is_initial_at(src, len, r - 1) && is_initial_at(src, len, r + 1)) continue;
        key->data[w++] = src[r];
    }
    key->len = w;
    key->data[w] = '\0';
    dn_free(src);
    return DN_OK;
}

dn_status dn_name_key(dn_ctx *ctx, const char *in, size_t len, struct dn_strbuf *out)
{
    dn_strbuf_reset(out);
    dn_strbuf_append(out, "", 0);
    if (len > DN_NAME_MAX)
        return ctx ? dni_fail(ctx, DN_ERR_INPUT, "name is %zu bytes long (at most %d)", len, DN_NAME_MAX) : DN_ERR_INPUT;
    if (memchr(in, '\0', len))
        return ctx ? dni_fail(ctx, DN_ERR_INPUT, "name contains a NUL byte") : DN_ERR_INPUT;
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &mapped,
                                      UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
                                          UTF8PROC_IGNORE | UTF8PROC_STRIPCC | UTF8PROC_LUMP);
    if (n < 0) {
        if (n == UTF8PROC_ERROR_NOMEM) return ctx ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : DN_ERR_NOMEM;
        return ctx ? dni_fail(ctx, DN_ERR_INPUT, "name is not valid UTF-8") : DN_ERR_INPUT;
    }
    bool pending_space = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t step = utf8proc_iterate(mapped + i, n - i, &c);
        if (step <= 0) break; /* cannot happen: utf8proc_map output is valid */
        i += step;
        if (is_apostrophe(c)) continue;
        if (c >= 0x0660 && c <= 0x0669) c = '0' + (c - 0x0660);
        else if (c >= 0x06F0 && c <= 0x06F9) c = '0' + (c - 0x06F0);
        if (!is_word_char(c)) {
            pending_space = out->len > 0;
            continue;
        }
        if (pending_space) dn_strbuf_putc(out, ' ');
        pending_space = false;
        put_cp(out, unify_arabic(c));
    }
    free(mapped); /* allocated by utf8proc with malloc */
    if (out->failed) return ctx ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : DN_ERR_NOMEM;
    if (join_initials(out) != DN_OK) return ctx ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : DN_ERR_NOMEM;
    return DN_OK;
}

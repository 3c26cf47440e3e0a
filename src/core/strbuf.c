/** @file strbuf.c
 * Growable string buffer, with JSON-string and CSV-field escaping, and
 * where to cut UTF-8 text between characters.
 */
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "core/core.h"

size_t dn_utf8_floor(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* a continuation byte */
    return n;
}

static bool reserve(struct dn_strbuf *b, size_t extra)
{
    if (b->failed) return false;
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    char *p = dn_realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool dn_strbuf_append(struct dn_strbuf *b, const char *s, size_t n)
{
    if (!reserve(b, n)) return false;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool dn_strbuf_puts(struct dn_strbuf *b, const char *s) { return dn_strbuf_append(b, s, strlen(s)); }

bool dn_strbuf_putc(struct dn_strbuf *b, char c) { return dn_strbuf_append(b, &c, 1); }

bool dn_strbuf_printf(struct dn_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return false;
    if ((size_t)n < sizeof small) return dn_strbuf_append(b, small, (size_t)n);
    if (!reserve(b, (size_t)n)) return false;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

void dn_strbuf_reset(struct dn_strbuf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data) b->data[0] = '\0';
}

void dn_strbuf_free(struct dn_strbuf *b)
{
    dn_free(b->data);
    memset(b, 0, sizeof *b);
}

bool dn_strbuf_json_string(struct dn_strbuf *b, const char *s)
{
    if (!s) return dn_strbuf_append(b, "null", 4);
    dn_strbuf_putc(b, '"');
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t len = strlen(s);
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
            case '"': dn_strbuf_append(b, "\\\"", 2); break;
            case '\\': dn_strbuf_append(b, "\\\\", 2); break;
            case '\n': dn_strbuf_append(b, "\\n", 2); break;
            case '\r': dn_strbuf_append(b, "\\r", 2); break;
            case '\t': dn_strbuf_append(b, "\\t", 2); break;
            default:
                if (c < 0x20) dn_strbuf_printf(b, "\\u%04x", c);
                else dn_strbuf_putc(b, (char)c);
            }
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0) {
            dn_strbuf_append(b, "\xEF\xBF\xBD", 3); /* U+FFFD for an invalid byte */
            i++;
        } else {
            dn_strbuf_append(b, s + i, (size_t)n);
            i += (size_t)n;
        }
    }
    return dn_strbuf_putc(b, '"');
}

bool dn_strbuf_csv_field(struct dn_strbuf *b, const char *s)
{
    if (!s) return true;
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' '))
        return dn_strbuf_puts(b, s);
    dn_strbuf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') dn_strbuf_putc(b, '"');
        dn_strbuf_putc(b, *p);
    }
    return dn_strbuf_putc(b, '"');
}

/** @file parse_number.c
 * Casualty counts and coordinates as event tables write them. Hand-written
 * scanners rather than strtod/strtol: those accept "nan", "inf", hex floats
 * and locale decimal commas, all of which must be rejected or handled here.
 */
#include <math.h>
#include <string.h>

#include "ingest/parse.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* Blanks include the UTF-8 no-break space that spreadsheets leave behind. */
static size_t blank_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') return 1;
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) return 2;
    return 0;
}

static const char *skip_blank(const char *p)
{
    size_t n;
    while ((n = blank_len(p))) p += n;
    return p;
}

/* Length of `s` without trailing blanks. */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
        else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0) n -= 2;
        else return n;
    }
}

/* Case-insensitive match of `word` at *p, not followed by a letter; advances. */
static bool eat_word(const char **p, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++)
        if (lower((*p)[i]) != word[i]) return false;
    if (is_alpha(word[n - 1]) && is_alpha((*p)[n])) return false;
    *p += n;
    return true;
}

bool dn_is_missing(const char *s)
{
    static const char *const words[] = {"na", "n/a", "n.a.", "null", "unreported", "unknown", "-", "--", "\xE2\x80\x94", "?"};
    if (!s) return true;
    s = skip_blank(s);
    /* fast exit for the common case: a value that cannot start a marker */
    switch (*s) {
    case '\0': return true;
    case 'n': case 'N': case 'u': case 'U': case '-': case '?': case '\xE2': break;
    default: return false;
    }
    size_t n = trimmed_len(s);
    if (n == 0) return true;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        if (strlen(words[w]) != n) continue;
        size_t i = 0;
        while (i < n && lower(s[i]) == words[w][i]) i++;
        if (i == n) return true;
    }
    return false;
}

/* A non-negative decimal count: digits with optional ',' thousands groups and
 * an optional fraction. Rounds half-up. *huge when above DN_COUNT_MAX. */
static bool scan_count(const char **pp, long long *out, bool *rounded, bool *huge)
{
    const char *p = *pp;
    if (!is_digit(*p)) return false;
    long long v = 0;
    int lead = 0;
    while (is_digit(*p)) {
        if (v <= DN_COUNT_MAX) v = v * 10 + (*p - '0');
        p++;
        lead++;
    }
    /* "1,200": groups of exactly three digits after a 1-3 digit lead */
    while (lead <= 3 && *p == ',' && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) && !is_digit(p[4])) {
        for (int i = 1; i <= 3; i++)
            if (v <= DN_COUNT_MAX) v = v * 10 + (p[i] - '0');
        p += 4;
    }
    if (*p == '.' && is_digit(p[1])) {
        p++;
        bool up = *p >= '5';
        bool frac = false;
        while (is_digit(*p)) frac |= *p++ != '0';
        if (frac) {
            *rounded = true;
            if (up) v++;
        }
    }
    *huge = v > DN_COUNT_MAX;
    *out = v;
    *pp = p;
    return true;
}

/* A range separator: '-', en dash, em dash, or the word "to". */
static bool eat_range_sep(const char **pp)
{
    const char *p = skip_blank(*pp);
    if (*p == '-') p++;
    else if (!strncmp(p, "\xE2\x80\x93", 3) || !strncmp(p, "\xE2\x80\x94", 3)) p += 3;
    else if (!eat_word(&p, "to")) return false;
    *pp = skip_blank(p);
    return true;
}

dn_status dn_parse_count(const char *s, int *best, int *low, int *high, unsigned *flags)
{
    if (dn_is_missing(s)) {
        *best = *low = *high = DN_COUNT_UNKNOWN;
        if (flags) *flags = 0;
        return DN_OK;
    }
    const char *p = skip_blank(s);
    const char *end = p + trimmed_len(p);
    unsigned f = 0;
    int extra = 0; /* "more than 3" means at least 4 */
    if (is_digit(*p)) {
        /* the common case: a plain number */
    } else if (eat_word(&p, "at least") || eat_word(&p, "atleast") || eat_word(&p, "minimum") || eat_word(&p, "min."))
        f |= DN_COUNT_F_AT_LEAST;
    else if (eat_word(&p, "more than") || eat_word(&p, "over")) {
        f |= DN_COUNT_F_AT_LEAST;
        extra = 1;
    } else if (eat_word(&p, "about") || eat_word(&p, "approximately") || eat_word(&p, "approx.") ||
               eat_word(&p, "approx") || eat_word(&p, "around") || eat_word(&p, "some") || eat_word(&p, "~") ||
               eat_word(&p, "circa") || eat_word(&p, "ca."))
        f |= DN_COUNT_F_APPROX;
    p = skip_blank(p);
    if ((*p == '-' && is_digit(p[1])) || !strncmp(p, "\xE2\x88\x92", 3)) return DN_ERR_RANGE; /* minus sign */
    if (*p == '+' && is_digit(p[1])) p++;

    long long a = 0, b = -1;
    bool rounded = false, huge = false, huge_b = false;
    if (!scan_count(&p, &a, &rounded, &huge)) return DN_ERR_INPUT;
    if (*p == '+' && !(f & DN_COUNT_F_AT_LEAST)) {
        f |= DN_COUNT_F_AT_LEAST;
        p++;
    } else if (!(f & DN_COUNT_F_AT_LEAST) && p < end) {
        const char *q = p;
        if (eat_range_sep(&q)) {
            if (!scan_count(&q, &b, &rounded, &huge_b)) return DN_ERR_INPUT;
            f |= DN_COUNT_F_RANGE;
            p = q;
        }
    }
    if (*skip_blank(p)) return DN_ERR_INPUT;
    if (huge || huge_b) return DN_ERR_RANGE;
    a += extra;
    if (a > DN_COUNT_MAX) return DN_ERR_RANGE;
    if (f & DN_COUNT_F_RANGE && b < a) return DN_ERR_RANGE;
    if (rounded) f |= DN_COUNT_F_ROUNDED;
    *best = *low = (int)a;
    *high = (f & DN_COUNT_F_RANGE) ? (int)b : (f & DN_COUNT_F_AT_LEAST) ? DN_COUNT_UNKNOWN : (int)a;
    if (flags) *flags = f;
    return DN_OK;
}

/* Unsigned decimal with '.' or a single ',' as the decimal mark. Up to 18
 * significant digits are kept, which is far below a coordinate's noise. */
static bool scan_decimal(const char **pp, double *out)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = *pp;
    unsigned long long m = 0;
    int sig = 0, scale = 0;
    bool any = false;
    for (; is_digit(*p); p++, any = true) {
        if (sig < 18) {
            m = m * 10 + (unsigned)(*p - '0');
            if (m) sig++;
        } else if (scale < 22) {
            scale++;
        } else {
            return false; /* absurdly long: no coordinate has 40 integer digits */
        }
    }
    if ((*p == '.' || *p == ',') && is_digit(p[1])) {
        for (p++; is_digit(*p); p++, any = true)
            if (sig < 18) {
                m = m * 10 + (unsigned)(*p - '0');
                if (m) sig++;
                scale--;
            }
    }
    if (!any) return false;
    double v = (double)m;
    for (; scale < -22; scale += 22) v /= pow10[22]; /* "0.000…0001": zeros do not count as significant */
    v = scale >= 0 ? v * pow10[scale] : v / pow10[-scale];
    *out = v;
    *pp = p;
    return true;
}

static char hemisphere(const char **pp)
{
    char c = lower(**pp);
    if ((c == 'n' || c == 's' || c == 'e' || c == 'w') && !is_alpha((*pp)[1])) {
        (*pp)++;
        return c;
    }
    return 0;
}

/* Skip a degree/minute/second mark; returns which (1 degree, 2 minute,
 * 3 second) or 0. */
static int eat_mark(const char **pp)
{
    const char *p = *pp;
    int kind = 0;
    if (!strncmp(p, "\xC2\xB0", 2) || !strncmp(p, "\xC2\xBA", 2)) kind = 1, p += 2; /* ° º */
    else if (*p == 'd' && !is_alpha(p[1])) kind = 1, p++;
    else if (!strncmp(p, "\xE2\x80\xB2", 3)) kind = 2, p += 3;  /* ′ */
    else if (!strncmp(p, "\xE2\x80\xB3", 3)) kind = 3, p += 3;  /* ″ */
    else if (p[0] == '\'' && p[1] == '\'') kind = 3, p += 2;
    else if (*p == '\'') kind = 2, p++;
    else if (*p == '"') kind = 3, p++;
    *pp = p;
    return kind;
}

dn_status dn_parse_coord(const char *s, bool is_lat, double *out)
{
    if (dn_is_missing(s)) return DN_ERR_NOT_FOUND;
    const char *p = skip_blank(s);
    const char *end = p + trimmed_len(p);
    char hemi = hemisphere(&p);
    p = skip_blank(p);
    bool neg = false;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    else if (!strncmp(p, "\xE2\x88\x92", 3)) neg = true, p += 3;

    double part[3] = {0, 0, 0};
    int nparts = 0;
    while (nparts < 3) {
        if (!scan_decimal(&p, &part[nparts])) break;
        nparts++;
        eat_mark(&p);
        if (*p == ':') p++;
        p = skip_blank(p);
        if (p >= end || !is_digit(*p)) break;
    }
    if (nparts == 0) return DN_ERR_INPUT;
    p = skip_blank(p);
    if (!hemi) hemi = hemisphere(&p);
    if (*skip_blank(p)) return DN_ERR_INPUT;
    if (nparts > 1 && (part[1] >= 60 || part[2] >= 60)) return DN_ERR_RANGE;

    double v = part[0] + part[1] / 60.0 + part[2] / 3600.0;
    if (hemi) {
        bool ok = is_lat ? (hemi == 'n' || hemi == 's') : (hemi == 'e' || hemi == 'w');
        if (!ok || neg) return DN_ERR_INPUT;
        neg = hemi == 's' || hemi == 'w';
    }
    if (!isfinite(v)) return DN_ERR_RANGE;
    if (v > (is_lat ? 90.0 : 180.0)) return DN_ERR_RANGE;
    *out = neg ? -v : v;
    return DN_OK;
}

/** @file parse_date.c
 * Dates as event tables write them: ISO, numeric day-first or month-first,
 * English month names with weekdays and ordinals, month-only and year-only.
 *
 * The text is cut into at most eight tokens (numbers and words; spaces and
 * , - / . are separators), a trailing time of day is dropped, then the
 * tokens are matched against a handful of shapes. Anything left over makes
 * the date unrecognised rather than guessed.
 */
#include <string.h>

#include "ingest/parse.h"

#define MAX_TOKENS 8
#define YEAR_MIN DN_DATE_YEAR_MIN
#define YEAR_MAX DN_DATE_YEAR_MAX

enum tok_kind { T_NUM, T_MONTH };

struct tok {
    enum tok_kind kind;
    int value;  /* number, or month 1-12 */
    int digits; /* digits in a number (leading zeros count) */
    bool ordinal;
};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

static bool is_sep(const char *p, size_t *len)
{
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ',' || *p == '-' || *p == '/' || *p == '.') {
        *len = 1;
        return true;
    }
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) { /* no-break space */
        *len = 2;
        return true;
    }
    return false;
}

static const char *const month_names[] = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
static const char *const weekday_names[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

/* Full name, or a prefix of at least three letters ("Sept", "Wed"). */
static bool word_is(const char *w, size_t n, const char *name)
{
    size_t full = strlen(name);
    if (n < 3 || n > full) return false;
    for (size_t i = 0; i < n; i++)
        if (lower(w[i]) != name[i]) return false;
    return true;
}

/* Month 1-12, 0 for a weekday (ignored), -1 for any other word. */
static int classify_word(const char *w, size_t n)
{
    for (int m = 0; m < 12; m++)
        if (word_is(w, n, month_names[m])) return m + 1;
    for (int d = 0; d < 7; d++)
        if (word_is(w, n, weekday_names[d])) return 0;
    return -1;
}

/* Length of the date part: stops before a time of day ("T10:00", " 00:00:00.000"). */
static size_t date_part_len(const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon) return n;
    size_t i = (size_t)(colon - s);
    while (i > 0 && is_digit(s[i - 1])) i--;
    if (i > 0 && (s[i - 1] == 'T' || s[i - 1] == 't') && i > 1 && is_digit(s[i - 2])) i--;
    return i;
}

/* Returns the token count, or -1 when the text holds something that is not
 * part of a date. */
static int tokenize(const char *s, struct tok *toks)
{
    size_t n = strlen(s);
    n = date_part_len(s, n);
    int nt = 0;
    size_t i = 0, sl;
    while (i < n) {
        if (is_sep(s + i, &sl)) {
            i += sl;
            continue;
        }
        if (nt == MAX_TOKENS) return -1;
        size_t start = i;
        if (is_digit(s[i])) {
            int v = 0, digits = 0;
            while (i < n && is_digit(s[i])) {
                if (++digits > 8) return -1;
                v = v * 10 + (s[i++] - '0');
            }
            bool ordinal = false;
            if (i < n && is_alpha(s[i])) {
                size_t w = i;
                while (w < n && is_alpha(s[w])) w++;
                static const char *const suffixes[] = {"st", "nd", "rd", "th"};
                bool ok = false;
                for (int k = 0; k < 4 && w - i == 2; k++)
                    ok |= lower(s[i]) == suffixes[k][0] && lower(s[i + 1]) == suffixes[k][1];
                if (!ok) return -1;
                ordinal = true;
                i = w;
            }
            toks[nt++] = (struct tok){T_NUM, v, digits, ordinal};
        } else if (is_alpha(s[i])) {
            while (i < n && is_alpha(s[i])) i++;
            int c = classify_word(s + start, i - start);
            if (c < 0) return -1;
            if (c > 0) toks[nt++] = (struct tok){T_MONTH, c, 0, false};
        } else {
            return -1;
        }
    }
    return nt;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* A 2-digit year pivots as POSIX %y does. */
static int full_year(const struct tok *t)
{
    if (t->digits <= 2) return t->value + (t->value < 69 ? 2000 : 1900);
    return t->value;
}

static bool year_like(const struct tok *t) { return t->kind == T_NUM && !t->ordinal && (t->digits == 4 || t->digits == 2); }
static bool day_like(const struct tok *t) { return t->kind == T_NUM && t->digits <= 2 && t->value >= 1; }

static dn_status finish(int y, int m, int d, enum dn_date_precision p, char out[11], enum dn_date_precision *prec)
{
    if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return DN_ERR_RANGE;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
    *prec = p;
    return DN_OK;
}

/* Three numbers a/b/y where a and b are day and month in some order. */
static int order_evidence(const struct tok *t)
{
    if (t[0].value > 12 && t[1].value <= 12) return +1;
    if (t[1].value > 12 && t[0].value <= 12) return -1;
    return 0;
}

static bool numeric_dmy_shape(const struct tok *t, int nt)
{
    return nt == 3 && t[0].kind == T_NUM && t[1].kind == T_NUM && year_like(&t[2]) && t[0].digits <= 2 &&
           t[1].digits <= 2;
}

int dn_date_order_evidence(const char *s)
{
    struct tok t[MAX_TOKENS];
    if (!s) return 0;
    int nt = tokenize(s, t);
    return numeric_dmy_shape(t, nt) ? order_evidence(t) : 0;
}

dn_status dn_date_order_parse(const char *name, enum dn_date_order *out)
{
    if (!name) return DN_ERR_USAGE;
    if (!strcmp(name, "auto")) *out = DN_DATE_ORDER_AUTO;
    else if (!strcmp(name, "dmy")) *out = DN_DATE_ORDER_DMY;
    else if (!strcmp(name, "mdy")) *out = DN_DATE_ORDER_MDY;
    else return DN_ERR_USAGE;
    return DN_OK;
}

static dn_status parse_named_month(const struct tok *t, int nt, char out[11], enum dn_date_precision *prec)
{
    int mi = -1, nums[2], nn = 0;
    for (int i = 0; i < nt; i++) {
        if (t[i].kind == T_MONTH) {
            if (mi >= 0) return DN_ERR_INPUT;
            mi = i;
        } else if (nn < 2) {
            nums[nn++] = i;
        } else {
            return DN_ERR_INPUT;
        }
    }
    int month = t[mi].value;
    if (nn == 1) { /* "November 2022" */
        const struct tok *y = &t[nums[0]];
        if (y->digits != 4 || y->ordinal || nums[0] < mi) return DN_ERR_INPUT;
        return finish(y->value, month, 1, DN_DATE_MONTH, out, prec);
    }
    if (nn != 2) return DN_ERR_INPUT;
    const struct tok *a = &t[nums[0]], *b = &t[nums[1]];
    /* the year is the 4-digit number, else the last one ("Nov 19, 22") */
    const struct tok *day, *year;
    if (a->digits >= 3 && !a->ordinal) day = b, year = a;
    else day = a, year = b;
    if (!year_like(year) || !day_like(day)) return DN_ERR_INPUT;
    return finish(full_year(year), month, day->value, DN_DATE_DAY, out, prec);
}

dn_status dn_parse_date(const char *s, enum dn_date_order hint, char out_iso[11], enum dn_date_precision *prec)
{
    if (dn_is_missing(s)) return DN_ERR_NOT_FOUND;
    struct tok t[MAX_TOKENS];
    int nt = tokenize(s, t);
    if (nt <= 0) return DN_ERR_INPUT;
    for (int i = 0; i < nt; i++)
        if (t[i].kind == T_MONTH) return parse_named_month(t, nt, out_iso, prec);
    for (int i = 0; i < nt; i++)
        if (t[i].ordinal) return DN_ERR_INPUT;

    if (nt == 1) {
        if (t[0].digits == 4) return finish(t[0].value, 1, 1, DN_DATE_YEAR, out_iso, prec);
        if (t[0].digits == 8) /* 20221119 */
            return finish(t[0].value / 10000, t[0].value / 100 % 100, t[0].value % 100, DN_DATE_DAY, out_iso, prec);
        return DN_ERR_INPUT;
    }
    if (nt == 2) { /* 2022-11 or 11/2022 */
        if (t[0].digits == 4 && t[1].digits <= 2) return finish(t[0].value, t[1].value, 1, DN_DATE_MONTH, out_iso, prec);
        if (t[1].digits == 4 && t[0].digits <= 2) return finish(t[1].value, t[0].value, 1, DN_DATE_MONTH, out_iso, prec);
        return DN_ERR_INPUT;
    }
    if (nt != 3) return DN_ERR_INPUT;
    if (t[0].digits == 4 && t[1].digits <= 2 && t[2].digits <= 2) /* 2022-11-19, 2022/11/19 */
        return finish(t[0].value, t[1].value, t[2].value, DN_DATE_DAY, out_iso, prec);
    if (!numeric_dmy_shape(t, nt)) return DN_ERR_INPUT;
    int ev = order_evidence(t);
    bool dmy = ev > 0 || (ev == 0 && hint != DN_DATE_ORDER_MDY);
    int day = dmy ? t[0].value : t[1].value, month = dmy ? t[1].value : t[0].value;
    return finish(full_year(&t[2]), month, day, DN_DATE_DAY, out_iso, prec);
}

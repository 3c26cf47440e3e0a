/** @file date.c
 * Dates in a sentence — absolute ("May 14", "on May 13 and 14", "October
 * 2020", "in 2014", "14 May 2022", "2022-05-14") and relative ("yesterday",
 * "on Sunday", "last week", "last month", "last August", "since January",
 * "earlier this year", "three days ago") — resolved against the article
 * date, and the article's own dateline.
 *
 * A month (or month and day) without a year is the most recent one not after
 * the article date; "last <Month>" is the most recent one before the
 * article's month; after "until"/"till"/"before" the next one on or after it.
 *
 * Phrases that count from the story's own time rather than the article's
 * ("the day before", "the next day", "two days later", "on the same day",
 * "the following Friday") resolve against the anchor: the day the preceding
 * sentences last dated (the caller keeps it). A week is no day: "last week",
 * "earlier this week", "two weeks ago" give the month (or year) holding
 * every day they could mean.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "text/text_int.h"

/* Internal flag: the year was not written (resolved from the article date). */
#define DATE_YEARLESS (1u << 8)

/* ---- calendar arithmetic (proleptic Gregorian, days since 1970-01-01) --------- */

long dni_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void dni_civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int dni_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

int dni_date_cmp(const struct dn_text_date *a, const struct dn_text_date *b)
{
    if (a->year != b->year) return a->year < b->year ? -1 : 1;
    if (a->month != b->month) return a->month < b->month ? -1 : 1;
    if (a->day != b->day) return a->day < b->day ? -1 : 1;
    return 0;
}

bool dn_text_date_parse_iso(const char *s, struct dn_text_date *out)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > dni_days_in_month(y, m)) return false;
    *out = (struct dn_text_date){y, m, d, DN_DATE_DAY, false};
    return true;
}

char *dn_text_date_format(const struct dn_text_date *d, char *buf, size_t cap)
{
    if (cap == 0) return buf;
    buf[0] = '\0';
    if (!d || d->precision == DN_DATE_UNKNOWN) return buf;
    int m = d->precision == DN_DATE_YEAR ? 1 : d->month;
    int day = d->precision == DN_DATE_DAY ? d->day : 1;
    snprintf(buf, cap, "%04d-%02d-%02d", d->year, m, day);
    return buf;
}

static struct dn_text_date day_date(long days)
{
    struct dn_text_date r = {0, 0, 0, DN_DATE_DAY, false};
    dni_civil_from_days(days, &r.year, &r.month, &r.day);
    return r;
}

static long ref_days(const struct dn_text_date *ref) { return dni_days_from_civil(ref->year, ref->month, ref->day); }

/* The finest date holding every day of [from, to]: its month, else its year,
 * else none. A fuzzy phrase gets this, never a day picked from the span. */
static struct dn_text_date span_date(long from, long to)
{
    struct dn_text_date a = day_date(from), b = day_date(to);
    if (a.year != b.year) return (struct dn_text_date){0, 0, 0, DN_DATE_UNKNOWN, true};
    if (a.month != b.month) return (struct dn_text_date){a.year, 0, 0, DN_DATE_YEAR, true};
    return (struct dn_text_date){a.year, a.month, 0, DN_DATE_MONTH, true};
}

/* Day of the week of a day count: 0 Sunday .. 6 Saturday (1970-01-01 was a Thursday). */
static long weekday_of(long days) { return ((days % 7) + 7 + 4) % 7; }

/* ---- words ------------------------------------------------------------------------- */

static const char *const month_names[] = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
static const char *const month_abbr[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const weekdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

/* Month named by token i (capitalised, as news text writes it): 1..12, 0 if
 * none. *abbr says it was abbreviated; *ntok counts a following '.'. */
static int month_token(const struct dni_toks *t, size_t i, bool *abbr, size_t *ntok)
{
    if (i >= t->n || !(t->v[i].flags & DNI_TOK_CAP) || (t->v[i].flags & DNI_TOK_HYPH)) return 0;
    size_t n;
    const char *w = dni_tok_lower(t, i, &n);
    *ntok = 1;
    for (int k = 0; k < 12; k++) {
        if (strlen(month_names[k]) == n && memcmp(month_names[k], w, n) == 0) {
            *abbr = false;
            return k + 1;
        }
    }
    for (int k = 0; k < 12; k++) {
        bool sept = k == 8 && n == 4 && memcmp(w, "sept", 4) == 0;
        if ((n == 3 && memcmp(month_abbr[k], w, 3) == 0) || sept) {
            *abbr = true;
            if (i + 1 < t->n && t->text[t->v[i + 1].start] == '.' && t->v[i + 1].start == t->v[i].end) *ntok = 2;
            return k + 1;
        }
    }
    return 0;
}

/* A day of the month at token i ("14", "14th"): 1..31, else 0. */
static int day_token(const struct dni_toks *t, size_t i)
{
    if (i >= t->n) return 0;
    size_t n;
    const char *w = dni_tok_lower(t, i, &n);
    if (n == 0 || n > 4 || !isdigit((unsigned char)w[0])) return 0;
    int v = 0;
    size_t k = 0;
    for (; k < n && isdigit((unsigned char)w[k]); k++) v = v * 10 + (w[k] - '0');
    if (k > 2) return 0;
    if (k < n) {
        const char *suf = w + k;
        size_t sl = n - k;
        if (sl != 2 || !(memcmp(suf, "st", 2) == 0 || memcmp(suf, "nd", 2) == 0 || memcmp(suf, "rd", 2) == 0 ||
                         memcmp(suf, "th", 2) == 0))
            return 0;
    }
    return v >= 1 && v <= 31 ? v : 0;
}

/* A year at token i: four digits 1900..2100. */
static int year_token(const struct dni_toks *t, size_t i)
{
    if (i >= t->n) return 0;
    const struct dni_tok *k = &t->v[i];
    if (!(k->flags & DNI_TOK_NUM) || (k->flags & (DNI_TOK_DEC | DNI_TOK_PCT)) || k->end - k->start != 4) return 0;
    return k->value >= 1900 && k->value <= 2100 ? (int)k->value : 0;
}

static bool is_punct(const struct dni_toks *t, size_t i, char c)
{
    return i < t->n && (t->v[i].flags & DNI_TOK_PUNCT) && t->text[t->v[i].start] == c;
}

/* Words after which a bare month or year is a date ("in May", "since 2007"). */
static const char *const date_preps[] = {"in",    "since", "of",     "last",  "this",   "next",  "early", "late",
                                         "mid",   "until", "till",   "by",    "from",   "during", "between",
                                         "before", "after", "through", "throughout", "on", "and", "to",
                                         "around", "beginning", "start", "end", "summer", "winter", "spring",
                                         "autumn", "year", "month", NULL};

/* ---- one sentence ------------------------------------------------------------------ */

struct finder {
    const struct dni_toks *t;
    const struct dn_text_date *ref;    /* NULL when unknown */
    const struct dn_text_date *anchor; /* the story's latest day; NULL when unknown */
    bool blind; /* resolving against no article date: relative dates are found, as unknown */
    long today, anchor_day; /* ref and anchor as day counts (each phrase needs them) */
    struct dni_date_expr *out;
    size_t cap, n;
};

/* Flags from the words before token s: a period start or a limit. */
static unsigned context_flags(const struct dni_toks *t, size_t s)
{
    static const char *const skip[] = {"the", "beginning", "start", "end", "of", "early", "late", "mid",
                                       "middle", "on", "in", "last", NULL};
    size_t k = s;
    for (int guard = 0; k > 0 && guard < 5 && dni_tok_in(t, k - 1, skip); guard++) k--;
    if (k == 0) return 0;
    if (dni_tok_is(t, k - 1, "since")) return DNI_DATE_SINCE;
    if (dni_tok_is(t, k - 1, "until") || dni_tok_is(t, k - 1, "till") || dni_tok_is(t, k - 1, "untill") ||
        dni_tok_is(t, k - 1, "before") || dni_tok_is(t, k - 1, "through") || dni_tok_is(t, k - 1, "by") ||
        dni_tok_is(t, k - 1, "next") || dni_tok_is(t, k - 1, "expires") || dni_tok_is(t, k - 1, "deadline"))
        return DNI_DATE_UNTIL;
    return 0;
}

static void add(struct finder *f, struct dn_text_date d, unsigned flags, size_t a, size_t b)
{
    if (f->blind) d = (struct dn_text_date){0, 0, 0, DN_DATE_UNKNOWN, d.approx};
    if (f->n < f->cap) f->out[f->n] = (struct dni_date_expr){d, flags | context_flags(f->t, a), a, b};
    f->n++;
}

/* Year of a month (and day) written without one. */
static int infer_year(const struct dn_text_date *ref, int m, int d, bool until, bool strictly_before_month)
{
    int y = ref->year;
    if (strictly_before_month) return m < ref->month ? y : y - 1;
    bool after = m > ref->month || (m == ref->month && d > ref->day);
    bool before = m < ref->month || (m == ref->month && d && d < ref->day);
    if (until) return before ? y + 1 : y;
    return after ? y - 1 : y;
}

static bool valid_day(int y, int m, int d) { return d >= 1 && d <= dni_days_in_month(y, m); }

/* Absolute expressions at i; returns tokens consumed (0 = none). */
static size_t absolute_at(struct finder *f, size_t i)
{
    const struct dni_toks *t = f->t;
    const struct dn_text_date *ref = f->ref;
    bool abbr = false;
    size_t mt = 0;
    /* a date starts with a digit or a capital: skip other words fast */
    unsigned char c0 = (unsigned char)t->text[t->v[i].start];
    if (!(c0 >= '0' && c0 <= '9') && !(t->v[i].flags & DNI_TOK_CAP) &&
        strncmp(t->lower + t->v[i].start, "mid-", 4) != 0)
        return 0;
    bool until = (context_flags(t, i) & DNI_DATE_UNTIL) != 0;
    bool last = i > 0 && dni_tok_is(t, i - 1, "last");

    /* ISO 2022-05-14 */
    if (t->v[i].flags & DNI_TOK_HYPH) {
        size_t n;
        const char *w = dni_tok_lower(t, i, &n);
        if (n == 10) {
            char iso[11];
            memcpy(iso, w, 10);
            iso[10] = '\0';
            struct dn_text_date d;
            if (dn_text_date_parse_iso(iso, &d)) {
                add(f, d, 0, i, i + 1);
                return 1;
            }
        }
        /* "mid-2021" */
        if (n == 8 && memcmp(w, "mid-", 4) == 0) {
            int y = 0;
            for (size_t k = 4; k < 8 && isdigit((unsigned char)w[k]); k++) y = y * 10 + (w[k] - '0');
            if (y >= 1900 && y <= 2100 && isdigit((unsigned char)w[7])) {
                add(f, (struct dn_text_date){y, 0, 0, DN_DATE_YEAR, false}, 0, i, i + 1);
                return 1;
            }
        }
    }
    int m = month_token(t, i, &abbr, &mt);
    if (m) {
        size_t j = i + mt;
        int d = day_token(t, j);
        if (d) {
            size_t e = j + 1;
            size_t ye = e + (is_punct(t, e, ',') ? 1 : 0);
            int y = year_token(t, ye);
            if (y && valid_day(y, m, d)) {
                add(f, (struct dn_text_date){y, m, d, DN_DATE_DAY, false}, 0, i, ye + 1);
                return ye + 1 - i;
            }
            /* "May 13 and 14", "May 13-14" take the first day */
            if ((dni_tok_is(t, e, "and") || dni_tok_is(t, e, "to") || is_punct(t, e, '&') || is_punct(t, e, '-')) &&
                day_token(t, e + 1))
                e += 2;
            if (!ref) {
                add(f, (struct dn_text_date){0, 0, 0, DN_DATE_UNKNOWN, false}, DATE_YEARLESS, i, e);
                return e - i;
            }
            y = infer_year(ref, m, d, until, false);
            if (!valid_day(y, m, d)) return e - i;
            add(f, (struct dn_text_date){y, m, d, DN_DATE_DAY, false}, DATE_YEARLESS, i, e);
            return e - i;
        }
        size_t ye = j + (dni_tok_is(t, j, "of") || is_punct(t, j, ',') ? 1 : 0);
        int y = year_token(t, ye);
        if (y) {
            add(f, (struct dn_text_date){y, m, 0, DN_DATE_MONTH, false}, 0, i, ye + 1);
            return ye + 1 - i;
        }
        /* a bare month only after a preposition, and never abbreviated */
        if (!abbr && i > 0 && dni_tok_in(t, i - 1, date_preps) && ref) {
            int yy = infer_year(ref, m, 0, until, last);
            unsigned fl = DATE_YEARLESS | (last ? DNI_DATE_RELATIVE : 0);
            add(f, (struct dn_text_date){yy, m, 0, DN_DATE_MONTH, false}, fl, i, i + mt);
            return mt;
        }
        return 0;
    }
    /* 14 May 2022 / 14 May */
    int d = day_token(t, i);
    if (d && (m = month_token(t, i + 1, &abbr, &mt))) {
        size_t e = i + 1 + mt;
        size_t ye = e + (is_punct(t, e, ',') ? 1 : 0);
        int y = year_token(t, ye);
        if (y && valid_day(y, m, d)) {
            add(f, (struct dn_text_date){y, m, d, DN_DATE_DAY, false}, 0, i, ye + 1);
            return ye + 1 - i;
        }
        if (!ref) { /* a day of no known year: the event's date is unknown, not another's */
            add(f, (struct dn_text_date){0, 0, 0, DN_DATE_UNKNOWN, false}, DATE_YEARLESS, i, e);
            return e - i;
        }
        y = infer_year(ref, m, d, until, false);
        if (valid_day(y, m, d)) add(f, (struct dn_text_date){y, m, d, DN_DATE_DAY, false}, DATE_YEARLESS, i, e);
        return e - i;
    }
    /* a year: after a preposition ("in 2014", "since 2007", "beginning of 2021"),
     * or opening the sentence ("2014 was ...") */
    int y = year_token(t, i);
    if (y && (i == 0 || dni_tok_in(t, i - 1, date_preps))) {
        add(f, (struct dn_text_date){y, 0, 0, DN_DATE_YEAR, false}, 0, i, i + 1);
        return 1;
    }
    return 0;
}

static int weekday_token(const struct dni_toks *t, size_t i)
{
    if (i >= t->n || !(t->v[i].flags & DNI_TOK_CAP)) return -1;
    for (int k = 0; k < 7; k++)
        if (dni_tok_is(t, i, weekdays[k])) return k;
    return -1;
}

/* An absolute day ("14 November", "Nov 14") at token j, after an optional
 * ',' or '(': the weekday before it only names its day of the week. */
static bool day_date_at(const struct dni_toks *t, size_t j)
{
    if (is_punct(t, j, ',') || is_punct(t, j, '(')) j++;
    bool abbr;
    size_t mt;
    if (day_token(t, j) && month_token(t, j + 1, &abbr, &mt)) return true;
    return month_token(t, j, &abbr, &mt) && day_token(t, j + mt);
}

/* Did the expression found last end at token `at`, or one ',' / '(' before
 * it, as an absolute day ("14 November, Tuesday", "Nov 14 (Tuesday)")? */
static bool day_date_before(const struct finder *f, size_t at)
{
    if (f->n == 0 || f->n > f->cap) return false;
    const struct dni_date_expr *e = &f->out[f->n - 1];
    if ((e->flags & DNI_DATE_RELATIVE) || !(e->date.precision == DN_DATE_DAY || (e->flags & DATE_YEARLESS)))
        return false;
    return e->tok_end == at || (e->tok_end + 1 == at && (is_punct(f->t, at - 1, ',') || is_punct(f->t, at - 1, '(')));
}

static const char *const day_parts[] = {"day", "night", "morning", "afternoon", "evening", NULL};

/* day(s), night(s), week(s), morning, afternoon, evening: every phrase
 * counted from the story's day but "the following Friday" has one as its
 * second or third word, so this rejects the other words cheaply. */
static bool unit_word(const struct dni_toks *t, size_t i)
{
    if (i >= t->n) return false;
    size_t n;
    const char *w = dni_tok_lower(t, i, &n);
    switch (w[0]) {
    case 'd': return (n == 3 || (n == 4 && w[3] == 's')) && w[1] == 'a' && w[2] == 'y';
    case 'n': return (n == 5 || (n == 6 && w[5] == 's')) && memcmp(w, "night", 5) == 0;
    case 'w': return (n == 4 || (n == 5 && w[4] == 's')) && memcmp(w, "week", 4) == 0;
    case 'm': return n == 7 && memcmp(w, "morning", 7) == 0;
    case 'a': return n == 9 && memcmp(w, "afternoon", 9) == 0;
    case 'e': return n == 7 && memcmp(w, "evening", 7) == 0;
    default: return false;
    }
}

/* What may follow "the day before" / "a day after" for it to count from
 * the story's day: nothing (",", end) or the incident itself ("the day
 * after the attack") — not "the day before the election". */
static bool anchor_object_ok(const struct dni_toks *t, size_t k)
{
    static const char *const incident[] = {"attack", "attacks", "blast", "explosion", "bombing", "strike",
                                           "ambush", "raid", "incident", "killing", "killings", "clash",
                                           "clashes", "shelling", "firing", "assault", "abduction", NULL};
    if (k >= t->n || (t->v[k].flags & DNI_TOK_PUNCT)) return true;
    if (dni_tok_is(t, k, "that")) return true; /* "a day after that" */
    return dni_tok_in(t, k, (const char *const[]){"the", "this", NULL}) && dni_tok_in(t, k + 1, incident);
}

static void add_anchored(struct finder *f, long from, long to, size_t a, size_t b)
{
    struct dn_text_date d = {0, 0, 0, DN_DATE_UNKNOWN, from != to};
    if (f->anchor) {
        long z = f->anchor_day;
        d = from == to ? day_date(z + from) : span_date(z + from, z + to);
    }
    add(f, d, DNI_DATE_RELATIVE, a, b);
}

/* Phrases counted from the story's day (f->anchor) at i; tokens consumed.
 * Without an anchor they still are found — as an unknown date, so that the
 * event is not given the article's. */
static size_t anchored_at(struct finder *f, size_t i)
{
    const struct dni_toks *t = f->t;
    if (!unit_word(t, i + 1) && !unit_word(t, i + 2) && !(dni_tok_is(t, i, "the") && weekday_token(t, i + 2) >= 0))
        return 0;
    bool the = dni_tok_is(t, i, "the");
    size_t k = i + (the ? 1 : 0);
    /* "the previous day", "the next morning", "the following week", "the following Friday" */
    int dir = dni_tok_in(t, k, (const char *const[]){"previous", "preceding", NULL})   ? -1
              : dni_tok_in(t, k, (const char *const[]){"next", "following", NULL}) ? 1
                                                                                      : 0;
    if (dir && dni_tok_in(t, k + 1, day_parts)) {
        add_anchored(f, dir, dir, i, k + 2);
        return k + 2 - i;
    }
    if (dir && dni_tok_is(t, k + 1, "week")) {
        add_anchored(f, dir < 0 ? -13 : 1, dir < 0 ? -1 : 13, i, k + 2);
        return k + 2 - i;
    }
    int wd = the && dir ? weekday_token(t, k + 1) : -1;
    if (wd >= 0) {
        struct dn_text_date d = {0, 0, 0, DN_DATE_UNKNOWN, false};
        if (f->anchor) {
            long z = f->anchor_day, w = weekday_of(z);
            long step = dir > 0 ? (wd - w + 7) % 7 : (w - wd + 7) % 7;
            d = day_date(z + dir * (step ? step : 7));
        }
        add(f, d, DNI_DATE_RELATIVE, i, k + 2);
        return k + 2 - i;
    }
    /* "the same day", "that same night", "later that day", "That evening, ..." */
    bool that = dni_tok_is(t, i, "that");
    if ((the || that) && dni_tok_is(t, k + (that ? 1 : 0), "same") && dni_tok_in(t, k + (that ? 2 : 1), day_parts)) {
        size_t e = k + (that ? 3 : 2);
        add_anchored(f, 0, 0, i, e);
        return e - i;
    }
    if (that && dni_tok_in(t, i + 1, day_parts) &&
        (i == 0 || is_punct(t, i + 2, ',') ||
         dni_tok_in(t, i - 1, (const char *const[]){"on", "later", "earlier", "by", "late", "early", NULL}))) {
        add_anchored(f, 0, 0, i, i + 2);
        return 2;
    }
    /* "the day before", "the night before the attack", "a day earlier", "two days later", "a week later" */
    long count = 0;
    size_t u = i;
    if (the && dni_tok_in(t, i + 1, day_parts)) {
        count = 1, u = i + 1;
    } else if (dni_tok_is(t, i, "a") || dni_tok_is(t, i, "an")) {
        count = 1, u = i + 1;
    } else {
        struct dni_number num = dni_number_at(t, i);
        if (num.ntok && !num.vague && num.value > 0 && num.value < 100) count = num.value, u = i + num.ntok;
    }
    if (!count) return 0;
    bool before = dni_tok_in(t, u + 1, (const char *const[]){"before", "earlier", NULL});
    bool after = dni_tok_in(t, u + 1, (const char *const[]){"after", "later", NULL});
    if (!before && !after) return 0;
    bool prep = dni_tok_is(t, u + 1, "before") || dni_tok_is(t, u + 1, "after");
    if (prep && !anchor_object_ok(t, u + 2)) return 0; /* also leaves "the day before yesterday" alone */
    long sign = before ? -1 : 1;
    size_t un;
    const char *unit = dni_tok_lower(t, u, &un);
    bool days = (un == 3 && memcmp(unit, "day", 3) == 0) || (un == 4 && memcmp(unit, "days", 4) == 0) ||
                (un == 5 && memcmp(unit, "night", 5) == 0) || (un == 6 && memcmp(unit, "nights", 6) == 0) ||
                (the && dni_tok_in(t, u, day_parts));
    bool weeks = !the && ((un == 4 && memcmp(unit, "week", 4) == 0) || (un == 5 && memcmp(unit, "weeks", 5) == 0));
    if (the && !days) return 0;
    if (days) {
        add_anchored(f, sign * count, sign * count, i, u + 2);
    } else if (weeks) {
        long mid = sign * 7 * count;
        add_anchored(f, mid - 3, mid + 3, i, u + 2);
    } else {
        return 0;
    }
    return u + 2 - i;
}

static size_t relative_from_article(struct finder *f, size_t i, const struct dn_text_date *ref);

/* Relative expressions at i; tokens consumed. Without an article date
 * those counted from it ("on Friday", "yesterday") are still found, as an
 * unknown date: the event is then undated, not dated by another sentence. */
static size_t relative_at(struct finder *f, size_t i)
{
    size_t used = anchored_at(f, i);
    if (used) return used;
    static const struct dn_text_date no_ref = {1970, 1, 1, DN_DATE_DAY, false}; /* day 0 */
    f->blind = !f->ref;
    used = relative_from_article(f, i, f->ref ? f->ref : &no_ref);
    f->blind = false;
    return used;
}

static size_t relative_from_article(struct finder *f, size_t i, const struct dn_text_date *ref)
{
    const struct dni_toks *t = f->t;
    long today = f->today;
    const unsigned R = DNI_DATE_RELATIVE;
    if (dni_tok_is(t, i, "today") || dni_tok_is(t, i, "tonight") ||
        (dni_tok_is(t, i, "this") && (dni_tok_is(t, i + 1, "morning") || dni_tok_is(t, i + 1, "afternoon") ||
                                      dni_tok_is(t, i + 1, "evening")))) {
        size_t n = dni_tok_is(t, i, "this") ? 2 : 1;
        add(f, day_date(today), R, i, i + n);
        return n;
    }
    if (dni_tok_is(t, i, "the") && dni_tok_is(t, i + 1, "day") && dni_tok_is(t, i + 2, "before") &&
        dni_tok_is(t, i + 3, "yesterday")) {
        add(f, day_date(today - 2), R, i, i + 4);
        return 4;
    }
    if (dni_tok_is(t, i, "yesterday")) {
        add(f, day_date(today - 1), R, i, i + 1);
        return 1;
    }
    /* "over the weekend": the latest one, today's if it is one (as "last
     * weekend", whatever days the week ends on) */
    if (dni_tok_in(t, i, (const char *const[]){"over", "during", "at", NULL}) && dni_tok_is(t, i + 1, "the") &&
        dni_tok_is(t, i + 2, "weekend")) {
        add(f, span_date(today - 9, today), R, i, i + 3);
        return 3;
    }
    bool last = dni_tok_is(t, i, "last");
    bool earlier = dni_tok_is(t, i, "earlier") && dni_tok_is(t, i + 1, "this");
    bool thisw = dni_tok_is(t, i, "this") || earlier;
    size_t k = i + (last ? 1 : 0) + (earlier ? 2 : (thisw ? 1 : 0));
    if (last && dni_tok_is(t, k, "night")) {
        add(f, day_date(today - 1), R, i, k + 1);
        return k + 1 - i;
    }
    int wd = weekday_token(t, last ? k : i);
    if (wd >= 0) {
        size_t at = last ? k : i;
        /* "Tuesday, 14 November": the day is the absolute date's, found next */
        if (!last && (day_date_at(t, at + 1) || day_date_before(f, at))) return at + 1 - i;
        long back = (weekday_of(today) - wd + 7) % 7;
        if (last && back == 0) back = 7;
        add(f, day_date(today - back), R, i, at + 1);
        return at + 1 - i;
    }
    /* the span each phrase may mean, whatever day the week starts on */
    if ((last || thisw) && (dni_tok_is(t, k, "week") || dni_tok_is(t, k, "weekend"))) {
        struct dn_text_date d = last ? (dni_tok_is(t, k, "week") ? span_date(today - 13, today - 1)
                                                                  : span_date(today - 9, today - 1))
                                     : span_date(today - 6, earlier ? today - 1 : today);
        add(f, d, R, i, k + 1);
        return k + 1 - i;
    }
    if ((last || thisw) && dni_tok_is(t, k, "month")) {
        int y = ref->year, m = ref->month;
        if (last && --m == 0) m = 12, y--;
        add(f, (struct dn_text_date){y, m, 0, DN_DATE_MONTH, false}, R, i, k + 1);
        return k + 1 - i;
    }
    if ((last || thisw) && dni_tok_is(t, k, "year")) {
        add(f, (struct dn_text_date){ref->year - (last ? 1 : 0), 0, 0, DN_DATE_YEAR, false}, R, i, k + 1);
        return k + 1 - i;
    }
    /* "three days ago", "a week ago" */
    struct dni_number num = dni_number_at(t, i);
    long count = num.ntok && !num.vague ? num.value : -1;
    size_t u = i + num.ntok;
    if (count < 0 && (dni_tok_is(t, i, "a") || dni_tok_is(t, i, "an"))) count = 1, u = i + 1;
    if (count > 0 && count < 400 && dni_tok_is(t, u + 1, "ago")) {
        size_t un;
        const char *unit = dni_tok_lower(t, u, &un);
        struct dn_text_date d = {0};
        if (un >= 3 && memcmp(unit, "day", 3) == 0) {
            d = day_date(today - count);
        } else if (un >= 4 && memcmp(unit, "week", 4) == 0) {
            d = span_date(today - 7 * count - 3, today - 7 * count + 3);
        } else if (un >= 5 && memcmp(unit, "month", 5) == 0) {
            long mi = ref->year * 12L + (ref->month - 1) - count;
            d = (struct dn_text_date){(int)(mi / 12), (int)(mi % 12) + 1, 0, DN_DATE_MONTH, false};
        } else if (un >= 4 && memcmp(unit, "year", 4) == 0) {
            d = (struct dn_text_date){ref->year - (int)count, 0, 0, DN_DATE_YEAR, false};
        } else {
            return 0;
        }
        add(f, d, R, i, u + 2);
        return u + 2 - i;
    }
    return 0;
}

size_t dni_find_dates(const struct dni_toks *t, const struct dn_text_date *ref, const struct dn_text_date *anchor,
                      struct dni_date_expr *out, size_t cap)
{
    struct finder f = {t, ref && ref->precision == DN_DATE_DAY ? ref : NULL,
                       anchor && anchor->precision == DN_DATE_DAY && !anchor->approx ? anchor : NULL, false, 0, 0,
                       out, cap, 0};
    if (f.ref) f.today = ref_days(f.ref);
    if (f.anchor) f.anchor_day = ref_days(f.anchor);
    for (size_t i = 0; i < t->n;) {
        size_t used = absolute_at(&f, i);
        if (!used) used = relative_at(&f, i);
        i += used ? used : 1;
    }
    return f.n < cap ? f.n : cap;
}

/* ---- the article's dateline ----------------------------------------------------------- */

/* "PESHAWAR, Nov 3 (Reuters) -": capitalised words, a comma, the date, an
 * optional (Agency), then a dash — or a colon, as Pakistani papers write it
 * ("MIRAMSHAH, Nov 18, 2023: ...", "ISLAMABAD, Nov 18 (APP): ..."). The
 * date may follow a dash instead of the comma ("KHAR, Pakistan - Nov 3,
 * 2025 - ..."), as long as the words before it hold a comma or are one
 * place ("PESHAWAR - Nov 3 - ...") */
bool dni_date_is_dateline(const struct dni_toks *t, const struct dni_date_expr *e)
{
    size_t s = e->tok_start;
    if (s < 2 || !(is_punct(t, s - 1, ',') || is_punct(t, s - 1, '-'))) return false;
    bool comma = false;
    for (size_t k = 0; k + 1 < s; k++) {
        if (!((t->v[k].flags & DNI_TOK_CAP) || is_punct(t, k, '.') || is_punct(t, k, '-') || is_punct(t, k, ',')))
            return false;
        comma = comma || is_punct(t, k, ',');
    }
    if (is_punct(t, s - 1, '-') && s > 2 && !comma) return false;
    size_t k = e->tok_end;
    if (is_punct(t, k, '(')) {
        size_t guard = k + 6;
        while (k < t->n && k < guard && !is_punct(t, k, ')')) k++;
        k++;
    }
    return is_punct(t, k, '-') || is_punct(t, k, ':');
}

/* Does the line end as a sentence does ('.', '!', '?', a closing quote after one)? */
static bool sentence_line(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t' || s[n - 1] == '"')) n--;
    return n && (s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?');
}

bool dni_find_dateline(const char *text, size_t len, const struct dn_text_date *ref, struct dn_text_date *out)
{
    struct dni_toks t = {0};
    bool found = false;
    size_t limit = len < 3000 ? len : 3000;
    int lines = 0;
    for (size_t i = 0; i < limit && lines < 25 && !found; lines++) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t ll = e - i;
        /* only the line's head matters for a dateline */
        size_t scan = ll < 160 ? ll : 160;
        if (scan && dni_tokenize(&t, text + i, scan)) {
            struct dni_date_expr ex[4];
            size_t n = dni_find_dates(&t, ref, ref, ex, DN_ARRAY_LEN(ex));
            for (size_t k = 0; k < n && !found; k++) {
                if (ex[k].date.precision != DN_DATE_DAY || (ex[k].flags & (DNI_DATE_RELATIVE | DNI_DATE_UNTIL)))
                    continue;
                bool yearless = (ex[k].flags & DATE_YEARLESS) != 0;
                /* a short line with a date ("May 19, 2022", "Published 19 May 2022
                 * 10:41 PKT") — but not a short sentence ("On 14 November 2023,
                 * gunmen killed two policemen in Bannu."), whose date is its event's */
                bool short_line = ll <= 100 && !yearless && !sentence_line(text + i, ll);
                if (short_line || dni_date_is_dateline(&t, &ex[k])) {
                    *out = ex[k].date;
                    found = true;
                }
            }
        }
        i = e + 1;
    }
    dni_toks_free(&t);
    return found;
}

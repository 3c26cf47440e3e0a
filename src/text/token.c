/** @file token.c
 * Tokens of one sentence (words, numbers, punctuation) over a lowercased
 * copy, and numbers written in digits or words ("six", "twenty-one",
 * "one hundred and twenty", "a dozen", "scores of").
 */
#include <ctype.h>
#include <string.h>

#include "text/text_int.h"

void dni_toks_free(struct dni_toks *t)
{
    dn_free(t->v);
    dn_free(t->lower);
    dn_free(t->nums);
    memset(t, 0, sizeof *t);
}

static bool wordc(unsigned char c) { return isalnum(c) || c >= 0x80; }

/* dni_number_at has not looked at this token yet */
#define NUM_UNKNOWN SIZE_MAX

static bool push(struct dni_toks *t, size_t a, size_t b, unsigned flags, long value)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct dni_tok *v = dn_realloc(t->v, cap * sizeof *v);
        if (!v) return false;
        t->v = v;
        struct dni_number *nums = dn_realloc(t->nums, cap * sizeof *nums);
        if (!nums) return false;
        t->nums = nums;
        t->cap = cap;
    }
    t->nums[t->n].ntok = NUM_UNKNOWN;
    t->v[t->n++] = (struct dni_tok){(uint32_t)a, (uint32_t)b, flags, value};
    return true;
}

bool dni_tokenize(struct dni_toks *t, const char *text, size_t len)
{
    t->n = 0;
    t->text = text;
    if (len + 1 > t->lower_cap) {
        char *l = dn_realloc(t->lower, len + 1);
        if (!l) return false;
        t->lower = l;
        t->lower_cap = len + 1;
    }
    for (size_t i = 0; i < len; i++) t->lower[i] = (char)tolower((unsigned char)text[i]);
    t->lower[len] = '\0';
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == ' ' || c == '\n') {
            i++;
            continue;
        }
        if (!wordc(c)) {
            if (!push(t, i, i + 1, DNI_TOK_PUNCT, -1)) return false;
            i++;
            continue;
        }
        size_t a = i;
        bool digits = true;
        unsigned flags = DNI_TOK_WORD;
        while (i < len) {
            if (wordc(s[i])) {
                if (!isdigit(s[i])) digits = false;
                i++;
            } else if (s[i] == '-' && i + 1 < len && wordc(s[i + 1])) {
                flags |= DNI_TOK_HYPH;
                digits = false;
                i++;
            } else if (digits && s[i] == ',' && i + 3 < len + 0 && isdigit(s[i + 1]) && isdigit(s[i + 2]) &&
                       isdigit(s[i + 3]) && (i + 4 >= len || !isalnum(s[i + 4]))) {
                i += 4; /* thousands separator: "1,200" */
            } else if (digits && s[i] == '.' && i + 1 < len && isdigit(s[i + 1])) {
                flags |= DNI_TOK_DEC;
                i++;
            } else {
                break;
            }
        }
        long value = -1;
        if (digits) {
            flags |= DNI_TOK_NUM;
            value = 0;
            for (size_t k = a; k < i && s[k] != '.'; k++)
                if (isdigit(s[k]) && value < 1000000000L) value = value * 10 + (s[k] - '0');
            if (i < len && s[i] == '%') {
                flags |= DNI_TOK_PCT;
                i++;
            }
        }
        if (c >= 'A' && c <= 'Z') flags |= DNI_TOK_CAP;
        if (!push(t, a, i, flags, value)) return false;
    }
    return true;
}

/* ---- numbers in words ----------------------------------------------------------- */

static const char *const units[] = {"zero",    "one",     "two",       "three",    "four",
                                    "five",    "six",     "seven",     "eight",    "nine",
                                    "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
static const char *const tens[] = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

/* Value of a single number word (or a hyphenated "twenty-one"), -1 if none. */
static long word_value(const char *w, size_t n)
{
    /* lengths of units[] and tens[]: asked for nearly every word of every sentence */
    static const unsigned char unit_len[] = {4, 3, 3, 5, 4, 4, 3, 5, 5, 4, 3, 6, 6, 8, 8, 7, 7, 9, 8, 8};
    static const unsigned char tens_len[] = {6, 6, 5, 5, 5, 7, 6, 6};
    _Static_assert(DN_ARRAY_LEN(unit_len) == DN_ARRAY_LEN(units) && DN_ARRAY_LEN(tens_len) == DN_ARRAY_LEN(tens),
                   "one length per number word");
    if (n < 3 || !strchr("zotfsen", w[0])) return -1; /* no number word starts otherwise */
    for (size_t k = 0; k < DN_ARRAY_LEN(units); k++)
        if (unit_len[k] == n && units[k][0] == w[0] && memcmp(units[k], w, n) == 0) return (long)k;
    for (size_t k = 0; k < DN_ARRAY_LEN(tens); k++) {
        size_t tl = tens_len[k];
        if (n < tl || tens[k][0] != w[0] || memcmp(tens[k], w, tl) != 0) continue;
        if (n == tl) return 20 + 10 * (long)k;
        if (w[tl] == '-' && n > tl + 1) {
            for (size_t u = 1; u < 10; u++)
                if (unit_len[u] == n - tl - 1 && memcmp(units[u], w + tl + 1, n - tl - 1) == 0)
                    return 20 + 10 * (long)k + (long)u;
        }
    }
    return -1;
}

static const char *const vague_words[] = {"dozens", "scores", "hundreds", "thousands", "tens", "several",
                                          "many", "numerous", "multiple", NULL};

static struct dni_number number_at(const struct dni_toks *t, size_t i);

struct dni_number dni_number_at(const struct dni_toks *t, size_t i)
{
    if (i >= t->n) return (struct dni_number){-1, false, 0};
    /* the casualty, date and event rules ask about the same tokens again
     * and again: the answer depends on the tokens only */
    if (t->nums[i].ntok == NUM_UNKNOWN) t->nums[i] = number_at(t, i);
    return t->nums[i];
}

static struct dni_number number_at(const struct dni_toks *t, size_t i)
{
    struct dni_number r = {-1, false, 0};
    const struct dni_tok *tk = &t->v[i];
    if (tk->flags & (DNI_TOK_DEC | DNI_TOK_PCT)) return r;
    if (tk->flags & DNI_TOK_NUM) {
        r.value = tk->value;
        r.ntok = 1;
        return r;
    }
    /* every number word and vague quantity starts with one of these */
    if (!strchr("zotfsenhadm", t->lower[tk->start])) return r;
    if (dni_tok_in(t, i, vague_words)) {
        r.vague = true;
        r.ntok = 1 + (dni_tok_is(t, i + 1, "of") ? 1 : 0);
        return r;
    }
    if ((dni_tok_is(t, i, "a") && dni_tok_is(t, i + 1, "few")) ||
        (dni_tok_is(t, i, "a") && dni_tok_is(t, i + 1, "number") && dni_tok_is(t, i + 2, "of"))) {
        r.vague = true;
        r.ntok = dni_tok_is(t, i + 1, "few") ? 2 : 3;
        return r;
    }
    if (dni_tok_is(t, i, "half") && dni_tok_is(t, i + 1, "a") && dni_tok_is(t, i + 2, "dozen")) {
        r.value = 6;
        r.ntok = 3;
        return r;
    }
    long total = 0, current = 0;
    bool any = false;
    size_t j = i;
    for (; j < t->n; j++) {
        size_t n;
        const char *w = dni_tok_lower(t, j, &n);
        long v = word_value(w, n);
        if (v >= 0) {
            /* "twenty one" is 21, "six seven" is not a number */
            bool tens_then_unit = current % 100 >= 20 && current % 10 == 0 && v < 10;
            if (any && current % 100 != 0 && !tens_then_unit) break;
            current += v;
            any = true;
        } else if ((dni_tok_is(t, j, "a") || dni_tok_is(t, j, "an")) && !any &&
                   (dni_tok_is(t, j + 1, "hundred") || dni_tok_is(t, j + 1, "thousand") ||
                    dni_tok_is(t, j + 1, "dozen"))) {
            current = 1;
            any = true;
        } else if (dni_tok_is(t, j, "hundred") && any) {
            current = (current ? current : 1) * 100;
        } else if (dni_tok_is(t, j, "thousand") && any) {
            total += (current ? current : 1) * 1000;
            current = 0;
        } else if (dni_tok_is(t, j, "dozen") && any) {
            current = (current ? current : 1) * 12;
        } else if (dni_tok_is(t, j, "and") && any && j + 1 < t->n) {
            size_t n2;
            const char *w2 = dni_tok_lower(t, j + 1, &n2);
            if (word_value(w2, n2) < 0 || (total + current) < 100) break;
        } else {
            break;
        }
    }
    if (!any) return r;
    while (j > i && dni_tok_is(t, j - 1, "and")) j--;
    r.value = total + current;
    r.ntok = j - i;
    return r;
}

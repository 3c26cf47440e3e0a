/** @file sentence.c
 * Sentence splitting of cleaned text. A line break always ends a sentence
 * (the cleaner has already joined hard-wrapped lines); inside a line a
 * sentence ends at . ! ? (plus closing quotes or brackets) followed by a
 * space and a word that does not start in lower case — unless the period
 * closes an abbreviation ("Gen.", "Dr.", "No. 5", "Nov. 3"), an initial
 * ("Abdul G. Khan") or a dotted abbreviation ("D.I. Khan"). Decimals never
 * split (no space after the point). Overlong sentences are cut at a space.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "text/text_int.h"

/* Titles and abbreviations that take a period inside a sentence. */
static const char *const abbrevs[] = {
    "mr",   "mrs",   "ms",   "messrs", "dr",  "prof", "gen",  "lt",   "col",  "maj",  "capt", "brig",
    "sgt",  "cpl",   "pvt",  "gov",    "sen", "rep",  "jr",   "sr",   "st",   "mt",   "ft",   "rev",
    "hon",  "insp",  "supt", "cdr",    "adm", "cmdr", "inc",  "ltd",  "co",   "corp", "dept", "govt",
    "univ", "approx", "est", "fig",    "vol", "pp",   "cf",   "al",   "rs",   "lt.-gen", "maj.-gen",
    "lt-gen", "maj-gen", "brig-gen", "sept", "dist", "tehs", "mohd", "syed", "sh", NULL};

/* Abbreviations that only stay inside a sentence before a number. */
static const char *const before_number[] = {"no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                                            "sep", "oct", "nov", "dec", NULL};

static bool word_in(const char *w, size_t n, const char *const *list)
{
    for (; *list; list++)
        if (strlen(*list) == n && strncasecmp(*list, w, n) == 0) return true;
    return false;
}

/* Does the period at text[dot] close an abbreviation, given the next
 * word's first byte `next` (0 at the end)? */
static bool abbreviation(const char *text, size_t start, size_t dot, char next)
{
    size_t a = dot;
    while (a > start && !isspace((unsigned char)text[a - 1]) && text[a - 1] != '(' && text[a - 1] != '"')
        a--;
    size_t n = dot - a;
    if (n == 0) return false;
    const char *w = text + a;
    if (n == 1 && isupper((unsigned char)w[0])) return true; /* an initial */
    if (memchr(w, '.', n)) {
        /* dotted: "D.I", "U.N" stay before a capitalised word; "a.m"/"p.m" do not */
        bool lower = false;
        for (size_t k = 0; k < n; k++) lower |= islower((unsigned char)w[k]) != 0;
        if (!lower) return true;
        return word_in(w, n, (const char *const[]){"e.g", "i.e", NULL});
    }
    if (word_in(w, n, abbrevs)) return true;
    if (word_in(w, n, before_number)) return isdigit((unsigned char)next) != 0;
    return false;
}

struct splitter {
    const char *text;
    bool (*fn)(void *, size_t, size_t);
    void *ud;
};

/* Emit [a, b) trimmed, cut into pieces of at most DN_TEXT_MAX_SENTENCE bytes. */
static bool emit(struct splitter *s, size_t a, size_t b)
{
    const char *t = s->text;
    while (a < b && isspace((unsigned char)t[a])) a++;
    while (b > a && isspace((unsigned char)t[b - 1])) b--;
    while (b - a > DN_TEXT_MAX_SENTENCE) {
        size_t cut = a + DN_TEXT_MAX_SENTENCE;
        size_t sp = cut;
        while (sp > a && t[sp] != ' ') sp--;
        if (sp > a + DN_TEXT_MAX_SENTENCE / 2) cut = sp;
        else
            cut = a + dn_utf8_floor(t + a, cut - a);
        if (!s->fn(s->ud, a, cut)) return false;
        a = cut;
        while (a < b && isspace((unsigned char)t[a])) a++;
    }
    if (b > a) return s->fn(s->ud, a, b);
    return true;
}

bool dni_sentences(const char *text, size_t len, bool (*fn)(void *ud, size_t start, size_t end), void *ud)
{
    struct splitter s = {text, fn, ud};
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n') {
            if (!emit(&s, start, i)) return false;
            start = i + 1;
            continue;
        }
        /* a semicolon joins independent clauses, in wire copy often two
         * incidents ("... killed in Jalalabad on Monday; the day before, two
         * died in Khost"): each is read on its own, and a clause that only
         * adds to the first (no place or date of its own) merges back */
        if (c == ';' && i + 1 < len && text[i + 1] == ' ') {
            if (!emit(&s, start, i + 1)) return false;
            start = i + 1;
            continue;
        }
        if (c != '.' && c != '!' && c != '?') continue;
        size_t j = i + 1;
        while (j < len && (text[j] == '.' || text[j] == '!' || text[j] == '?')) j++;
        while (j < len && (text[j] == '"' || text[j] == '\'' || text[j] == ')' || text[j] == ']')) j++;
        if (j < len && text[j] != ' ' && text[j] != '\n') {
            i = j - 1;
            continue;
        }
        size_t k = j;
        while (k < len && text[k] == ' ') k++;
        char next = k < len ? text[k] : 0;
        if (next && next != '\n' && islower((unsigned char)next)) {
            i = j - 1;
            continue;
        }
        if (c == '.' && j == i + 1 && abbreviation(text, start, i, next == '\n' ? 0 : next)) continue;
        if (!emit(&s, start, j)) return false;
        start = j;
        i = j - 1;
    }
    return emit(&s, start, len);
}

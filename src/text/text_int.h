/** @file text_int.h
 * Library-internal interfaces between the files of the text module (and its
 * unit tests). Not for other modules: they use text.h.
 */
#ifndef DN_TEXT_INT_H
#define DN_TEXT_INT_H

#include <stdint.h>

#include "core/core.h"
#include "text/text.h"

/* ---- clean.c: decoding, markup and boilerplate removal --------------------- */

/** A run of cleaned text and the original bytes it came from. When
 * clean_len == orig_len the run maps byte for byte; otherwise (an entity, a
 * converted character, a tag turned into a line break) every byte of it maps
 * to the whole original run. */
struct dni_text_seg {
    size_t clean, clean_len, orig, orig_len;
};

/** Cleaned text → original byte offsets. Owned by an article. */
struct dni_text_map {
    struct dni_text_seg *segs;
    size_t n, cap;
};

/** Input encodings the cleaner decodes. */
enum dni_text_encoding { DNI_ENC_UTF8 = 0, DNI_ENC_CP1252 };

/** Result of cleaning: `text` (NUL-terminated, owned) and its map (owned). */
struct dni_text_cleaned {
    char *text;
    size_t len;
    struct dni_text_map *map;
    bool html;            /**< tags were found */
    char meta_date[11];   /**< "YYYY-MM-DD" from <meta ... published_time ...>, or "" */
};

/** Clean `data[0..len)` decoded as `enc`, starting at `skip` (a BOM).
 * Returns DN_OK or DN_ERR_NOMEM (message set). On error `out` is cleared. */
dn_status dni_text_clean(dn_ctx *ctx, const unsigned char *data, size_t len, size_t skip,
                         enum dni_text_encoding enc, struct dni_text_cleaned *out);
void dni_text_cleaned_free(struct dni_text_cleaned *c);
void dni_text_map_free(struct dni_text_map *m);
/** Original byte span of the cleaned span [cs, ce) (ce > cs). */
void dni_text_map_span(const struct dni_text_map *m, size_t cs, size_t ce, long long *os, long long *oe);
/** Is `data` valid UTF-8? On false, *bad receives the offset of the first bad byte. */
bool dni_text_utf8_valid(const unsigned char *data, size_t len, size_t *bad);

/* ---- token.c: tokens and number words ----------------------------------- */

enum {
    DNI_TOK_WORD = 1u << 0,  /**< letters/digits (may contain inner '-') */
    DNI_TOK_NUM = 1u << 1,   /**< digits with optional thousands commas: `value` is set */
    DNI_TOK_PUNCT = 1u << 2, /**< one punctuation byte */
    DNI_TOK_CAP = 1u << 3,   /**< starts with an ASCII capital */
    DNI_TOK_DEC = 1u << 4,   /**< a decimal number ("3.5"): never a count */
    DNI_TOK_PCT = 1u << 5,   /**< a percentage ("93%") */
    DNI_TOK_HYPH = 1u << 6   /**< contains '-' */
};

struct dni_tok {
    uint32_t start, end; /**< byte span in the tokenised text */
    unsigned flags;
    long value;          /**< DNI_TOK_NUM: the integer; else -1 */
};

/** Tokens of one sentence plus its ASCII-lowercased copy. Zero-initialise;
 * reuse across sentences; free with dni_toks_free. */
struct dni_number;

struct dni_toks {
    struct dni_tok *v;
    size_t n, cap;
    char *lower;      /**< lowercased text, same offsets as the original */
    size_t lower_cap;
    const char *text; /**< the tokenised text (borrowed) */
    struct dni_number *nums; /**< dni_number_at's answer per token, filled on first ask
                                  (every rule asks at most tokens); cap entries, owned */
};

bool dni_tokenize(struct dni_toks *t, const char *text, size_t len);
void dni_toks_free(struct dni_toks *t);

/* The three word tests below run for nearly every token of every rule:
 * inline, and rejecting on the first byte before comparing the rest. */

/** Token i's lowercase text (not NUL-terminated) and length. */
static inline const char *dni_tok_lower(const struct dni_toks *t, size_t i, size_t *len)
{
    *len = t->v[i].end - t->v[i].start;
    return t->lower + t->v[i].start;
}

/** Does token i equal the lowercase word `w`? (false if i is out of range) */
static inline bool dni_tok_is(const struct dni_toks *t, size_t i, const char *w)
{
    if (i >= t->n) return false;
    const char *s = t->lower + t->v[i].start;
    size_t n = t->v[i].end - t->v[i].start;
    if (s[0] != w[0]) return false;
    for (size_t k = 1; k < n; k++)
        if (s[k] != w[k]) return false; /* also stops at w's NUL */
    return w[n] == '\0';
}

/** Is token i one of the NULL-terminated lowercase words? */
static inline bool dni_tok_in(const struct dni_toks *t, size_t i, const char *const *words)
{
    if (i >= t->n) return false;
    for (; *words; words++)
        if (dni_tok_is(t, i, *words)) return true;
    return false;
}

/** A number as written: "six", "twenty-one", "one hundred and twenty", "1,200",
 * "a dozen", or a vague quantity ("scores", "dozens", "many"). */
struct dni_number {
    long value;   /**< -1 when vague */
    bool vague;
    size_t ntok;  /**< tokens consumed (0: no number at i) */
};
/** Parse a number at token i. Digits tokens that are years of a date or
 * decimals/percentages are the caller's business (DEC/PCT are refused). */
struct dni_number dni_number_at(const struct dni_toks *t, size_t i);

/* ---- sentence.c ------------------------------------------------------------ */

struct dni_span {
    size_t start, end;
};
/** Split cleaned text into sentences (trimmed, non-empty), calling `fn` for
 * each; stops and returns false if `fn` does. Linear in len. */
bool dni_sentences(const char *text, size_t len, bool (*fn)(void *ud, size_t start, size_t end), void *ud);

/* ---- date.c ---------------------------------------------------------------- */

/** Days since 1970-01-01 of a civil date, and back. */
long dni_days_from_civil(int y, int m, int d);
void dni_civil_from_days(long z, int *y, int *m, int *d);
int dni_days_in_month(int y, int m);

enum {
    DNI_DATE_SINCE = 1u << 0,    /**< "since X", "from the beginning of X": a period start */
    DNI_DATE_UNTIL = 1u << 1,    /**< "until X", "by X", "till X": a limit, not the event */
    DNI_DATE_RELATIVE = 1u << 2  /**< resolved against the article date */
};

/** A date expression in a sentence. */
struct dni_date_expr {
    struct dn_text_date date;
    unsigned flags;
    size_t tok_start, tok_end; /**< token range */
};

/** Find the date expressions of a tokenised sentence, resolved against the
 * article date `ref` (day precision) and, for "the day before", "the next
 * day", "two days later", "on the same day", against `anchor`: the day the
 * story reached in the sentences before. An expression that needs a date it
 * does not have ("yesterday" or "May 14" with `ref` unknown, "the next day"
 * with `anchor` NULL or not a day) is returned with precision DN_DATE_UNKNOWN.
 * Writes up to cap, returns how many were found. */
size_t dni_find_dates(const struct dni_toks *t, const struct dn_text_date *ref, const struct dn_text_date *anchor,
                      struct dni_date_expr *out, size_t cap);

/** Look for a dateline in the first lines of cleaned text. `ref` (may be
 * unknown) resolves a dateline without a year ("PESHAWAR, Nov 3 (Reuters) -").
 * Returns true and fills *out (day precision) when found. */
bool dni_find_dateline(const char *text, size_t len, const struct dn_text_date *ref, struct dn_text_date *out);

/** Whether the date expression `e` of sentence `t` is a wire dateline at
 * the sentence's head ("PESHAWAR, Pakistan, Nov 16, 2023 (Reuters) -",
 * "MIRAMSHAH, Nov 18, 2023:"): the
 * date the report was filed, not the date of what it reports. */
bool dni_date_is_dateline(const struct dni_toks *t, const struct dni_date_expr *e);

/** Compare two dates by (year, month, day) as stored. */
int dni_date_cmp(const struct dn_text_date *a, const struct dn_text_date *b);

/* ---- casualty.c ------------------------------------------------------------ */

/** Casualties found in one sentence. */
struct dni_casualties {
    struct dn_text_count killed, injured;
    bool killed_vague, injured_vague, approx;
    const char *victim; /**< victim class of the first counted noun: "civilians",
                             "security forces", "police", "militants" or NULL */
    size_t first_tok;   /**< token of the first count, or SIZE_MAX */
    bool toll;          /**< the killed count is a death toll ("the toll rose to five") */
};
/** Count casualties in a tokenised sentence. `skip` (may be NULL) marks
 * tokens to ignore (those of date expressions). */
void dni_find_casualties(const struct dni_toks *t, const bool *skip, struct dni_casualties *out);

/* ---- lexicon.c ------------------------------------------------------------- */

/** Grammatical form of a trigger phrase. */
enum dni_trig_form { DNI_FORM_SG = 0, DNI_FORM_PL, DNI_FORM_VERB, DNI_FORM_VERB_PERSON };

struct dni_lex_type {
    char *name;      /**< "attack", ... (owned by the lexicon) */
    bool violent;
    int priority;    /**< the larger wins when a sentence has several */
    char *group;     /**< merge group: mentions of one group in an article may be one event */
};

/** One phrase of a lexicon, as lowercase tokens. */
struct dni_lex_phrase {
    char **words;
    size_t nwords;
    int target;      /**< index of the type or actor */
    int form;        /**< dni_trig_form for types; unused for actors */
};

struct dni_lex_actor {
    char *name;      /**< canonical ("TTP", "security forces", ...) */
    char *kind;      /**< armed_group, state, police, government, civilians, militants */
    char country[4]; /**< ISO3, "*" = from the event's context, "" = none */
};

struct dni_lex_index; /* hash of first words → phrases (lexicon.c) */

struct dni_lexicon {
    struct dni_lex_type *types;
    size_t n_types;
    struct dni_lex_actor *actors;
    size_t n_actors;
    struct dni_lex_phrase *type_phrases, *actor_phrases;
    size_t n_type_phrases, n_actor_phrases;
    struct dni_lex_index *type_index, *actor_index;
};

/** The context's lexicons, loaded from dni_geodata_dir(ctx)/lexicons on first
 * use. Owned by the context. DN_ERR_GEODATA names the file and line. */
dn_status dni_text_lexicon(dn_ctx *ctx, const struct dni_lexicon **out);
/** Load lexicons from a directory (tests). Caller frees with dni_lexicon_free. */
dn_status dni_lexicon_load(dn_ctx *ctx, const char *dir, struct dni_lexicon **out);
void dni_lexicon_free(struct dni_lexicon *lex);

/** The index of the event type `name` ("attack") in lex->types, or -1. */
int dni_lex_type_index(const struct dni_lexicon *lex, const char *name);

/** A lexicon match: phrase p covering tokens [start, end). */
struct dni_lex_match {
    const struct dni_lex_phrase *p;
    size_t start, end;
};
/** Longest phrase of `which` (0 types, 1 actors) starting at token i, or false. */
bool dni_lex_match_at(const struct dni_lexicon *lex, int which, const struct dni_toks *t, size_t i,
                      struct dni_lex_match *m);

/* ---- place.c --------------------------------------------------------------- */

/** How a place mention stands in its sentence. */
enum dni_place_role {
    DNI_ROLE_BLOCKED = -1, /**< "from Kabul", "to Afghanistan", "which border Afghanistan": not where it happened */
    DNI_ROLE_NEUTRAL = 0,  /**< named without a locative word ("a blast rocked Peshawar") */
    DNI_ROLE_LOCUS = 1     /**< "in North Waziristan", "at ...", "near ...", "city of ...", "Peshawar attack" */
};
/** The role of the mention covering tokens [ts, te). */
enum dni_place_role dni_place_role(const struct dni_toks *t, size_t ts, size_t te);
/** Choose the incident place among mentions[0..n) with their roles: the most
 * specific locus; failing that the most specific neutral mention; a country
 * or a border line only when it is itself the locus and nothing finer is
 * named. Returns the index or -1;
 * *coarse says a country/border was chosen. */
int dni_place_choose(const struct dn_text_mention *m, const enum dni_place_role *role, size_t n, bool *coarse);

/* ---- extract.c ------------------------------------------------------------- */

/** Split a cleaned article (a->text, a->map, a->date set) into sentences and
 * fill a->mentions, a->events. Errors: DN_ERR_NOMEM, DN_ERR_GEODATA
 * (lexicons), or the finder's status. */
dn_status dni_text_extract_events(dn_ctx *ctx, struct dn_text_article *a, const struct dn_text_options *opts);

#endif /* DN_TEXT_INT_H */

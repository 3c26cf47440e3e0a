/** @file text.h
 * News-article extraction: turns one article (plain text, HTML, or a JSON
 * Lines record with `text`, `date`, `url`) into a list of events, each with
 * a date resolved against the article date, an event type from a lexicon,
 * actors, casualty counts, the place where its action happened, and the byte
 * span of its sentence in the original file.
 *
 * Pipeline (one job per file):
 *   article.c   read a file or buffer, refuse binary/huge/malformed input,
 *               JSON Lines records (json-c)
 *   clean.c     decode (UTF-8 with/without BOM, Windows-1252), strip HTML,
 *               entities and boilerplate; keep a map cleaned → original bytes
 *   sentence.c  sentence splitting (abbreviations, initials, decimals)
 *   token.c     word/number tokens and number words
 *   date.c      dates in a sentence and the article date (dateline)
 *   casualty.c  killed / injured counts with their modifiers
 *   lexicon.c   event-type and actor lexicons (geodata/lexicons, TSV)
 *   place.c     which place mention is the locus of the event
 *   extract.c   sentences → events, merging mentions of one development
 *   convert.c   text event → struct dn_event
 *
 * The place finder (the gazetteer) is not part of this module: callers pass
 * one as a callback (dn_text_place_finder). Without one, events have no place.
 *
 * Thread-safety: as dn_ctx — one thread at a time per context. The lexicons
 * are loaded once per context (slot DNI_SLOT_TEXT) on first use.
 */
#ifndef DN_TEXT_H
#define DN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/event.h"
#include "durand.h"

/* ---- limits ---------------------------------------------------------------- */

/** Largest article file or JSON Lines record accepted, in bytes. Larger input
 * is refused with DN_ERR_INPUT naming the file (articles are kilobytes). */
#define DN_TEXT_MAX_ARTICLE (16u * 1024u * 1024u)
/** Sentences longer than this (bytes of cleaned text) are cut at a space:
 * keeps every per-sentence rule bounded. */
#define DN_TEXT_MAX_SENTENCE 1200u
/** Excerpts are cut to at most this many bytes (at a UTF-8 boundary). */
#define DN_TEXT_MAX_EXCERPT 300u
/** At most this many place mentions are asked of the finder per sentence. */
#define DN_TEXT_MAX_MENTIONS 32u

/* ---- place finder (implemented by the gazetteer, not here) ---------------- */

/** Kinds of place a finder reports, coarse → fine, plus line features. */
enum dn_text_place_kind {
    DN_TEXT_PLACE_COUNTRY = 0,
    DN_TEXT_PLACE_PROVINCE,
    DN_TEXT_PLACE_DISTRICT,
    DN_TEXT_PLACE_TOWN,
    DN_TEXT_PLACE_NEIGHBOURHOOD,
    DN_TEXT_PLACE_FEATURE, /**< a building, base, crossing, valley, ... */
    DN_TEXT_PLACE_BORDER   /**< a boundary line (the Durand Line): never an incident place
                                when anything finer is in the sentence */
};

/** One place mention in a sentence. The finder fills `start`, `end`,
 * `place_id`, `kind`, `specificity`, `country` and optionally `name`. */
struct dn_text_mention {
    size_t start, end;  /**< byte span; from the finder: within the sentence it was given;
                             in an article's `mentions`: within the cleaned text */
    long long place_id; /**< opaque to this module (the gazetteer's id); copied to dn_event.place_id */
    enum dn_text_place_kind kind;
    int specificity;    /**< larger = finer (e.g. country 1 … feature 6); compared only */
    char country[4];    /**< ISO 3166-1 alpha-3 of the place, "" if unknown */
    const char *name;   /**< canonical name or NULL; owned by the finder and must outlive
                             the article (the module never frees it) */
    const char *province, *district; /**< the place's province and district names (a province's or
                             district's own), or NULL; owned like `name` */
    /* filled by this module in an article's `mentions` list: */
    char *surface;      /**< the words as written; owned by the article */
    long long orig_start, orig_end; /**< byte span in the original file */
    bool locus;         /**< introduced as where something happened ("in", "at", "near" ...) */
    int event;          /**< index of the event whose place this is, or -1 (mention only) */
};

/** Find place mentions in one sentence.
 * @param ud the finder's own state (dn_text_options.finder_ud).
 * @param sentence cleaned UTF-8 text, NUL-terminated at `len`; borrowed for the call.
 * @param out caller-owned array of `cap` mentions to fill (zeroed by the caller).
 * @param n receives how many were filled (at most cap).
 * @return DN_OK, or an error status (extraction of the article stops with it; the
 *         finder should have set the context's message). */
typedef dn_status (*dn_text_place_finder)(void *ud, const char *sentence, size_t len,
                                          struct dn_text_mention *out, size_t cap, size_t *n);

/* ---- dates ----------------------------------------------------------------- */

/** A calendar date with its precision. month/day are 0 when coarser. */
struct dn_text_date {
    int year, month, day;
    enum dn_date_precision precision; /**< DN_DATE_UNKNOWN: no date */
    bool approx; /**< a fuzzy span ("last week", "three weeks ago"): the date is the month (or
                      year) holding all of it, unknown when it straddles a new year */
};

/** Where an article's date came from. */
enum dn_text_date_source {
    DN_TEXT_DATE_NONE = 0,  /**< not known (buffer without a fallback) */
    DN_TEXT_DATE_FLAG,      /**< --date */
    DN_TEXT_DATE_FIELD,     /**< the `date` member of a JSON Lines record */
    DN_TEXT_DATE_META,      /**< HTML <meta> article:published_time / datePublished */
    DN_TEXT_DATE_DATELINE   /**< a dateline near the top of the text (with its year) */
};
/** "flag", "field", "meta", "dateline", or "none". Static. A file's time is
 * never an article date: it tells when the copy was made. */
const char *dn_text_date_source_name(enum dn_text_date_source s);

/** How an event's date was found. */
enum dn_text_date_basis {
    DN_TEXT_BASIS_EXPLICIT = 0, /**< an absolute date in the sentence ("May 14", "in 2014") */
    DN_TEXT_BASIS_RELATIVE,     /**< relative to the article date ("yesterday", "last month") */
    DN_TEXT_BASIS_ASSUMED       /**< none in the sentence: the article date is used */
};

/* ---- events ---------------------------------------------------------------- */

/** Quality flags of a text event (bit set). */
enum {
    DN_TEXT_F_DATE_ASSUMED = 1u << 0,   /**< "date_assumed": no date in the sentence */
    DN_TEXT_F_DATE_APPROX = 1u << 1,    /**< "date_approx": "last week", "N weeks ago" */
    DN_TEXT_F_ACTOR_INFERRED = 1u << 2, /**< "actor_inferred": actor1 from the article, not the sentence */
    DN_TEXT_F_COUNT_VAGUE = 1u << 3,    /**< "count_vague": "scores", "dozens", "many" killed */
    DN_TEXT_F_COUNT_APPROX = 1u << 4,   /**< "count_approx": "about", "nearly", "some" */
    DN_TEXT_F_MERGED = 1u << 5,         /**< "merged": several sentences report this event */
    DN_TEXT_F_NO_PLACE = 1u << 6,       /**< "no_place": no place in its sentence */
    DN_TEXT_F_PLACE_COARSE = 1u << 7    /**< "place_coarse": only a country/border was named */
};

/** One count as reported: best estimate and bounds, each DN_COUNT_UNKNOWN
 * when not stated. */
struct dn_text_count {
    int best, low, high;
};

/** One extracted event. Strings are owned by the article. */
struct dn_text_event {
    struct dn_text_date date;
    enum dn_text_date_basis date_basis;
    const char *type;      /**< lexicon type name ("attack", "ied", "ceasefire", ...);
                                points into the context's lexicon (valid while the ctx lives) */
    bool violent;
    char actor1[64];       /**< perpetrator / first party, "" if none */
    char actor2[64];       /**< target / second party, "" if none */
    struct dn_text_count killed, injured;
    int place;             /**< index into the article's `mentions`, -1 when none */
    char *venue;           /**< "mosque", "Army Public School" or NULL; owned by the article */
    size_t clean_start, clean_end;  /**< sentence span in the cleaned text */
    long long span_start, span_end; /**< sentence span in the ORIGINAL bytes (file or record text) */
    char *excerpt;         /**< the cleaned sentence, ≤ DN_TEXT_MAX_EXCERPT bytes; owned by the article */
    double confidence;     /**< 0..1 */
    unsigned flags;        /**< DN_TEXT_F_* */
    int sentences;         /**< how many sentences were merged into it (≥ 1) */
};

/** One article and what was extracted from it. Free with dn_text_article_free(). */
struct dn_text_article {
    char *name;            /**< file path (or the caller's name for a buffer); owned */
    char *url;             /**< URL if known (JSON `url`, or options.url), else NULL; owned */
    char *scope;           /**< dn_file_scope(name) when there is no URL: what the uids of its
                                events are keyed by; else NULL; owned */
    long line;             /**< JSON Lines record line number, 0 for a whole file */
    const char *encoding;  /**< "utf-8", "utf-8-bom" or "windows-1252" (static) */
    bool html;             /**< markup was found and stripped */
    struct dn_text_date date;            /**< the article date (precision day), or unknown */
    enum dn_text_date_source date_source;
    char *text;            /**< the cleaned text, NUL-terminated; owned */
    size_t text_len;
    size_t n_sentences;
    struct dn_text_mention *mentions;    /**< every place mention, in text order; owned */
    size_t n_mentions;
    struct dn_text_event *events;        /**< extracted events, in text order; owned */
    size_t n_events;
    size_t n_skipped_aggregate; /**< sentences skipped as period totals ("since January ...") */
    struct dni_text_map *map;   /**< cleaned → original offsets; internal, owned */
};

/** Free an article and everything it owns. NULL is a no-op. Returns NULL. */
struct dn_text_article *dn_text_article_free(struct dn_text_article *a);

/* ---- reading and extracting ----------------------------------------------- */

/** Input formats. */
enum dn_text_format {
    DN_TEXT_FORMAT_AUTO = 0, /**< JSON Lines if the name ends .jsonl/.ndjson or the first
                                  non-blank byte is '{', else an article */
    DN_TEXT_FORMAT_ARTICLE,  /**< one plain-text or HTML article per file */
    DN_TEXT_FORMAT_JSONL     /**< one JSON object per line: {"text": ..., "date": ..., "url": ...} */
};

/** Told about one skipped JSON Lines record: its line and why (the reason
 * is borrowed for the call; it does not repeat the file name). */
typedef void (*dn_text_reject_cb)(void *ud, const char *path, long line, const char *reason);

/** Options; zero-initialise, then set what you need. Borrowed for the call. */
struct dn_text_options {
    enum dn_text_format format;
    const char *date;             /**< "YYYY-MM-DD" (--date): the article date for every article */
    const char *url;              /**< source URL for a plain article file, or NULL */
    dn_text_place_finder finder;  /**< NULL: no place mentions */
    void *finder_ud;
    dn_text_reject_cb on_reject;  /**< NULL: skipped records are warned about ("FILE:LINE: skipped: reason") */
    void *reject_ud;
};

/** Called once per article read. The article is borrowed: it is freed when
 * the callback returns (copy what you keep, or convert with
 * dn_text_event_to_event). Return DN_OK to go on; any other status stops the
 * read and is returned. */
typedef dn_status (*dn_text_article_cb)(void *ud, const struct dn_text_article *article);

/** Read a file (article or JSON Lines) and extract its events.
 * Errors (dni_fail message names the file, and the line for JSON Lines):
 * DN_ERR_NOT_FOUND / DN_ERR_IO (cannot open/read), DN_ERR_INPUT (empty, binary,
 * larger than DN_TEXT_MAX_ARTICLE, UTF-16, bad --date), DN_ERR_GEODATA (lexicons),
 * DN_ERR_NOMEM. For JSON Lines, malformed records are skipped and reported
 * (to opts->on_reject, else as warnings "FILE:LINE: skipped: reason"), and the
 * call returns DN_ERR_PARTIAL after the good ones were delivered. A Windows-1252 file is converted with a warning. */
dn_status dn_text_read_file(dn_ctx *ctx, const char *path, const struct dn_text_options *opts,
                            dn_text_article_cb cb, void *ud);

/** Extract events from one article held in memory.
 * @param name used in messages and as the source when there is no URL; copied.
 * @param data, len the article's bytes (borrowed; need not be NUL-terminated).
 * @param out receives the article; caller frees it with dn_text_article_free().
 * @return as dn_text_read_file for one article; *out is NULL on error. */
dn_status dn_text_extract(dn_ctx *ctx, const char *name, const char *data, size_t len,
                          const struct dn_text_options *opts, struct dn_text_article **out);

/** The start every uid of `a`'s events shares, "text:<16 hex digits>:", a
 * hash of the URL, else of the file's dn_file_scope() (and, for a JSON
 * Lines record, its line), into buf[cap] (cap >= 23). DN_ERR_INTERNAL when
 * `a` has neither. */
dn_status dn_text_article_uid_prefix(dn_ctx *ctx, const struct dn_text_article *a, char *buf, size_t cap);

/** Fill the "as reported" fields of `ev` from event `i` of `a`:
 * source_kind "text", source (URL, else the file name), source_ref
 * ("bytes A-B", or "line N text bytes A-B" for JSON Lines), uid (the
 * article's dn_text_article_uid_prefix, then a hash of the type, the place
 * as written and how many events of both came before in the article),
 * row_hash (a hash of the sentence and of everything read from it, so that
 * another reading updates the event), date + precision,
 * type, actors, place as written (+ place_id and country_hint from the
 * finder), counts, excerpt, span, confidence, flags, and notes (venue, date
 * basis). `ev` must be initialised (dn_event_init); its previous strings are
 * replaced. Returns DN_OK, DN_ERR_RANGE (bad index) or DN_ERR_NOMEM. */
dn_status dn_text_event_to_event(dn_ctx *ctx, const struct dn_text_article *a, size_t i,
                                 struct dn_event *ev);

/** The comma-separated names of DN_TEXT_F_* flags into `buf` (≤ cap bytes,
 * always NUL-terminated). Returns buf. */
char *dn_text_flags_format(unsigned flags, char *buf, size_t cap);

/** Parse "YYYY-MM-DD" into a day-precision date. Returns false if malformed
 * or not a real calendar date. */
bool dn_text_date_parse_iso(const char *s, struct dn_text_date *out);

/** Format a date as ISO "YYYY-MM-DD" (first day of the month/year when
 * coarser) into buf (≥ 11 bytes). "" for an unknown date. Returns buf. */
char *dn_text_date_format(const struct dn_text_date *d, char *buf, size_t cap);

#endif /* DN_TEXT_H */

/** @file test_text.c
 * Text module: cleaning and the byte map, sentences, dates, casualty counts,
 * place choice, lexicons, whole-article extraction on the seed corpus article
 * (acceptance) and on durand's own fixtures (tests/data/text), robustness,
 * conversion to dn_event, allocation failures.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "../support/fake_place_finder.h"
#include "core/core.h"
#include "core/event.h"
#include "tests.h"
#include "testutil.h"
#include "store/events.h"
#include "text/text.h"
#include "text/text_int.h"

static dn_ctx *ctx;
static struct captured diag;

static void setup(void)
{
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dni_set_geodata_dir(ctx, DN_SOURCE_DIR "/geodata"), DN_OK);
    memset(&diag, 0, sizeof diag);
    dn_ctx_set_output(ctx, capture_output, &diag);
}

static void teardown(void)
{
    ctx = dn_ctx_free(ctx);
    captured_free(&diag);
}

/* ---- helpers ---------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

/* Extract a fixture from tests/data/text with the fake finder. */
static struct dn_text_article *fixture(const char *name, const char *date)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/text/%s", DN_TEST_DATA_DIR, name);
    size_t len;
    char *buf = slurp(path, &len);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    struct dn_text_options o = {.finder = fake_place_finder, .date = date};
    struct dn_text_article *a = NULL;
    dn_status s = dn_text_extract(ctx, path, buf, len, &o, &a);
    ck_assert_msg(s == DN_OK, "%s: %s", name, dn_ctx_errmsg(ctx));
    free(buf);
    return a;
}

static const char *date_of(const struct dn_text_event *e, char *buf)
{
    return dn_text_date_format(&e->date, buf, 16);
}

static const char *place_of(const struct dn_text_article *a, const struct dn_text_event *e)
{
    return e->place >= 0 ? a->mentions[e->place].surface : "";
}

/* Assert the fields of one event in a line. */
#define CHECK_EVENT(a, i, TYPE, DATE, PREC, KILLED, INJURED, PLACE)                                   \
    do {                                                                                                \
        char d_[16];                                                                                    \
        const struct dn_text_event *e_ = &(a)->events[i];                                               \
        ck_assert_str_eq(e_->type, TYPE);                                                               \
        ck_assert_str_eq(date_of(e_, d_), DATE);                                                        \
        ck_assert_int_eq(e_->date.precision, PREC);                                                     \
        ck_assert_int_eq(e_->killed.best, KILLED);                                                      \
        ck_assert_int_eq(e_->injured.best, INJURED);                                                    \
        ck_assert_str_eq(place_of(a, e_), PLACE);                                                       \
    } while (0)

/* The original bytes of an event's sentence. */
static char *orig_span(const char *path, const struct dn_text_event *e)
{
    size_t len;
    char *buf = slurp(path, &len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_ge(e->span_start, 0);
    ck_assert_int_le(e->span_end, (long long)len);
    size_t n = (size_t)(e->span_end - e->span_start);
    char *s = malloc(n + 1);
    memcpy(s, buf + e->span_start, n);
    s[n] = '\0';
    free(buf);
    return s;
}

/* ---- acceptance: the seed corpus article ------------------------------------------- */

START_TEST(test_text__seed_article_acceptance)
{
    const char *path = DN_SHARED_DIR "/corpus/000_7d4307d6fb6d98f1.txt";
    if (access(path, R_OK) != 0) {
        printf("test_text__seed_article_acceptance: skipped (%s not present)\n", path);
        return;
    }
    size_t len;
    char *buf = slurp(path, &len);
    struct dn_text_options o = {.finder = fake_place_finder};
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, path, buf, len, &o, &a), DN_OK);
    char d[16];
    ck_assert_str_eq(dn_text_date_format(&a->date, d, sizeof d), "2022-05-19");
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_DATELINE);

    /* exactly three violent events, each right */
    const struct dn_text_event *v[3];
    size_t nv = 0;
    for (size_t i = 0; i < a->n_events; i++)
        if (a->events[i].violent) {
            ck_assert_int_lt(nv, 3);
            v[nv++] = &a->events[i];
        }
    ck_assert_int_eq(nv, 3);
    /* North Waziristan, 2022-05-14, attack on a military vehicle, 6 killed */
    ck_assert_str_eq(v[0]->type, "attack");
    ck_assert_str_eq(date_of(v[0], d), "2022-05-14");
    ck_assert_int_eq(v[0]->date.precision, DN_DATE_DAY);
    ck_assert_int_eq(v[0]->killed.best, 6);
    ck_assert_str_eq(place_of(a, v[0]), "North Waziristan");
    ck_assert_str_eq(v[0]->venue, "military vehicle");
    ck_assert_str_eq(v[0]->actor2, "Pakistani security forces");
    /* Peshawar (Army Public School), 2014 with year precision, 148 killed */
    ck_assert_str_eq(place_of(a, v[1]), "Peshawar");
    ck_assert_str_eq(v[1]->venue, "Army Public School");
    ck_assert_str_eq(date_of(v[1], d), "2014-01-01");
    ck_assert_int_eq(v[1]->date.precision, DN_DATE_YEAR);
    ck_assert_int_eq(v[1]->killed.best, 148);
    ck_assert_str_eq(v[1]->actor2, "Civilians");
    /* Dir Colony (the neighbourhood, not Dir district), October 2020, 8 killed, 120 injured */
    ck_assert_str_eq(place_of(a, v[2]), "Dir Colony");
    ck_assert_int_eq(a->mentions[v[2]->place].kind, DN_TEXT_PLACE_NEIGHBOURHOOD);
    ck_assert_str_eq(date_of(v[2], d), "2020-10-01");
    ck_assert_int_eq(v[2]->date.precision, DN_DATE_MONTH);
    ck_assert_int_eq(v[2]->killed.best, 8);
    ck_assert_int_eq(v[2]->injured.best, 120);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_str_eq(v[i]->actor1, "TTP"); /* "it", "the TPP": the group named just before */
        ck_assert(v[i]->flags & DN_TEXT_F_ACTOR_INFERRED);
    }

    /* the ceasefire talks in Kabul and the release of militants: non-violent */
    const struct dn_text_event *cease = NULL, *rel = NULL;
    for (size_t i = 0; i < a->n_events; i++) {
        const struct dn_text_event *e = &a->events[i];
        if (!cease && (!strcmp(e->type, "ceasefire") || !strcmp(e->type, "talks")) && !strcmp(place_of(a, e), "Kabul"))
            cease = e;
        if (!rel && !strcmp(e->type, "release")) rel = e;
    }
    ck_assert_ptr_nonnull(cease);
    ck_assert(!cease->violent);
    ck_assert_str_eq(cease->actor1, "TTP");
    ck_assert_str_eq(cease->actor2, "Government of Pakistan");
    ck_assert_ptr_nonnull(rel);
    ck_assert(!rel->violent);
    ck_assert_int_eq(rel->killed.best, DN_COUNT_UNKNOWN); /* "30 militants released" is no casualty */
    ck_assert_str_eq(rel->actor2, "TTP");
    /* no casualty count anywhere from the non-casualty numbers of the article */
    for (size_t i = 0; i < a->n_events; i++)
        if (!a->events[i].violent) ck_assert_int_eq(a->events[i].killed.best, DN_COUNT_UNKNOWN);
    /* the period totals ("since January", "during this same period") are skipped */
    ck_assert_int_ge(a->n_skipped_aggregate, 2);
    /* "which border Afghanistan" is a mention, not an incident place */
    bool afg_mention = false;
    for (size_t i = 0; i < a->n_mentions; i++)
        if (!strcmp(a->mentions[i].surface, "Afghanistan")) {
            afg_mention = true;
            ck_assert_int_eq(a->mentions[i].event, -1);
        }
    ck_assert(afg_mention);

    /* spans point at the sentence in the original file */
    char *s = orig_span(path, v[0]);
    ck_assert_str_eq(s, "In fact, on May 14, the TPP conducted an attack on a military vehicle in North Waziristan that "
                        "killed six people.");
    free(s);
    s = orig_span(path, v[2]);
    ck_assert_str_eq(s, v[2]->excerpt);
    free(s);
    dn_text_article_free(a);
    free(buf);
}
END_TEST

/* ---- fixtures -------------------------------------------------------------------------- */

START_TEST(test_text__fixture_reuters_dateline_without_year)
{
    /* "Nov 3" without a year, and the file's time (Thursday 2020-11-05) is no
     * article date: nothing dates the article, so "on Tuesday" stays unknown */
    struct dn_text_article *a = fixture("reuters_bajaur.txt", NULL);
    ck_assert_int_eq(a->date.precision, DN_DATE_UNKNOWN);
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_NONE);
    ck_assert_int_eq(a->n_events, 2);
    for (size_t i = 0; i < a->n_events; i++) ck_assert_int_eq(a->events[i].date.precision, DN_DATE_UNKNOWN);
    a = dn_text_article_free(a);
    /* given --date 2020-11-05: "on Tuesday" is 2020-11-03, "on Sunday" 2020-11-01 */
    a = fixture("reuters_bajaur.txt", "2020-11-05");
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_FLAG);
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "ied", "2020-11-03", DN_DATE_DAY, 5, 3, "Bajaur");
    /* "at least four" then "the death toll rose to five" */
    ck_assert_int_eq(a->events[0].killed.low, 5);
    ck_assert_str_eq(a->events[0].actor1, ""); /* "No group immediately claimed" */
    ck_assert_str_eq(a->events[0].actor2, "Pakistani security forces");
    ck_assert_int_eq(a->events[0].sentences, 4);
    CHECK_EVENT(a, 1, "attack", "2020-11-01", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Khyber");
    ck_assert_str_eq(a->events[1].actor1, "Unidentified armed group");
    ck_assert_str_eq(a->events[1].actor2, "Pakistani police");
    /* the share bar is gone */
    ck_assert_ptr_null(strstr(a->text, "Share on Facebook"));
    ck_assert_ptr_null(strstr(a->text, "Reporting by"));
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__fixture_html_drone_strike)
{
    struct dn_text_article *a = fixture("drone_khost.html", NULL);
    ck_assert(a->html);
    char d[16];
    ck_assert_str_eq(dn_text_date_format(&a->date, d, 16), "2023-03-09");
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_META);
    /* markup, scripts, styles, navigation, share bar, credits, footer removed */
    const char *gone[] = {"gtag", "dataLayer", "text-decoration", "Home", "WhatsApp", "IMAGE SOURCE", "rights reserved",
                          "console", "<", "&#8217;", "&amp;"};
    for (size_t i = 0; i < DN_ARRAY_LEN(gone); i++) ck_assert_msg(!strstr(a->text, gone[i]), "left: %s", gone[i]);
    ck_assert_ptr_nonnull(strstr(a->text, "Khost province's Sperah district yesterday"));
    ck_assert_ptr_nonnull(strstr(a->text, "\"foreign forces\" for the strike & said"));
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "drone_strike", "2023-03-08", DN_DATE_DAY, 5, DN_COUNT_UNKNOWN, "Khost");
    ck_assert_int_eq(a->events[0].killed.low, 5);
    ck_assert_int_eq(a->events[0].killed.high, 7);              /* "five to seven" */
    ck_assert(a->events[0].flags & DN_TEXT_F_COUNT_VAGUE);     /* "scores of villagers were injured" */
    ck_assert_int_eq(a->events[0].date_basis, DN_TEXT_BASIS_RELATIVE);
    CHECK_EVENT(a, 1, "talks", "2023-03-09", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Kabul");
    ck_assert(!a->events[1].violent);
    ck_assert(a->events[1].flags & DN_TEXT_F_DATE_ASSUMED);
    /* the span maps back through entities to the <p> text of the file */
    char *s = orig_span(DN_TEST_DATA_DIR "/text/drone_khost.html", &a->events[0]);
    ck_assert_str_eq(s, "A drone strike hit a house in Khost province&#8217;s Sperah district yesterday, killing five to "
                        "seven people, local officials said.");
    free(s);
    /* the Durand Line is a mention, never the place of an event */
    for (size_t i = 0; i < a->n_mentions; i++)
        if (a->mentions[i].kind == DN_TEXT_PLACE_BORDER) ck_assert_int_eq(a->mentions[i].event, -1);
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__fixture_windows_1252_is_converted_with_a_warning)
{
    struct dn_text_article *a = fixture("chaman_cp1252.txt", NULL);
    ck_assert_str_eq(a->encoding, "windows-1252");
    ck_assert_ptr_nonnull(strstr(diag.err.data, "not valid UTF-8"));
    ck_assert_ptr_nonnull(strstr(diag.err.data, "Windows-1252"));
    ck_assert_ptr_nonnull(strstr(a->text, "\"We lose money every day it stays closed,\" said one trader"));
    ck_assert_int_eq(a->n_events, 2); /* "talks would resume" is no event yet */
    CHECK_EVENT(a, 0, "protest", "2023-03-04", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Chaman");
    /* "last week" of Saturday 2023-03-04 is some day of Feb 19 .. Mar 3, whatever
     * day the week starts on: only its year is known, never a made-up day */
    CHECK_EVENT(a, 1, "armed_clash", "2023-01-01", DN_DATE_YEAR, DN_COUNT_UNKNOWN, 21, "Chaman");
    ck_assert(a->events[1].flags & DN_TEXT_F_DATE_APPROX);
    /* spans are in the original (single-byte) file */
    char *s = orig_span(DN_TEST_DATA_DIR "/text/chaman_cp1252.txt", &a->events[1]);
    ck_assert_str_eq(s, a->events[1].excerpt); /* ASCII sentence: identical bytes */
    free(s);
    s = orig_span(DN_TEST_DATA_DIR "/text/chaman_cp1252.txt", &a->events[0]);
    ck_assert_int_eq(strncmp(s, "CHAMAN, March 4, 2023 \x96 Hundreds", 32), 0); /* the en dash byte 0x96 */
    free(s);
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__fixture_bom_clash_and_non_casualty_numbers)
{
    struct dn_text_article *a = fixture("torkham_bom.txt", NULL);
    ck_assert_str_eq(a->encoding, "utf-8-bom");
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_DATELINE); /* "19 May 2022" */
    ck_assert_int_eq(a->n_events, 3);
    CHECK_EVENT(a, 0, "armed_clash", "2022-05-17", DN_DATE_DAY, 2, 12, "Torkham");
    ck_assert_str_eq(a->events[0].actor1, "Taliban");
    ck_assert_str_eq(a->events[0].actor2, "Pakistani security forces");
    ck_assert(a->events[0].violent);
    /* "a 25-year-old", "2,640-kilometre", "93%", "40-member", "30 hours", "12 ... drivers were released" */
    CHECK_EVENT(a, 1, "talks", "2022-05-19", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "");
    CHECK_EVENT(a, 2, "release", "2022-05-19", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "");
    ck_assert_int_eq(a->events[0].span_start, 62); /* BOM (3 bytes) counted: the file's own offsets */
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__fixture_wrapped_suicide_attack)
{
    struct dn_text_article *a = fixture("kurram_wrapped.txt", NULL);
    ck_assert_int_eq(a->n_sentences, 6); /* wrapped lines joined; "Insp." and "Dr." do not split */
    ck_assert_int_eq(a->n_events, 1);
    CHECK_EVENT(a, 0, "suicide_attack", "2023-07-07", DN_DATE_DAY, 8, 30, "Parachinar");
    ck_assert_str_eq(a->events[0].actor1, "Unidentified armed group");
    ck_assert_str_eq(a->events[0].venue, "crowded market");
    ck_assert_int_eq(a->events[0].flags & DN_TEXT_F_ACTOR_INFERRED, 0); /* "Nobody has claimed": no guess */
    char *s = orig_span(DN_TEST_DATA_DIR "/text/kurram_wrapped.txt", &a->events[0]);
    ck_assert_str_eq(s, "A suicide bomber blew himself up outside a crowded market in Parachinar\non Friday, leaving eight "
                        "dead and 30 wounded, police and hospital\nofficials said.");
    free(s);
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__fixture_abbreviations_and_claims)
{
    struct dn_text_article *a = fixture("dikhan_abbrev.txt", NULL);
    ck_assert_int_eq(a->n_sentences, 7);
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_DATELINE);
    ck_assert_int_eq(a->n_events, 1);
    CHECK_EVENT(a, 0, "attack", "2023-02-13", DN_DATE_DAY, 4, DN_COUNT_UNKNOWN, "D.I. Khan");
    ck_assert_str_eq(a->events[0].actor1, "TTP"); /* "The Tehreek-e-Taliban Pakistan claimed the attack" */
    ck_assert_str_eq(a->events[0].actor2, "Pakistani police");
    ck_assert_int_eq(a->events[0].sentences, 5);
    ck_assert_str_eq(a->events[0].excerpt, "Gunmen attacked a police station in D.I. Khan on Monday night, killing four "
                                           "policemen, according to Lt. Gen. (retd) A. K. Durrani, a security analyst.");
    dn_text_article_free(a);
}
END_TEST

struct collected {
    int n;
    char lines[8][200];
};

static dn_status collect(void *ud, const struct dn_text_article *a)
{
    struct collected *c = ud;
    char d[16];
    const struct dn_text_event *e = a->n_events ? &a->events[0] : NULL;
    if (c->n < 8)
        snprintf(c->lines[c->n], sizeof c->lines[0], "%ld %s %s %s %s %d %s", a->line, a->url ? a->url : "-",
                 dn_text_date_source_name(a->date_source), e ? e->type : "-", e ? date_of(e, d) : "-",
                 e ? e->killed.best : -9, e ? place_of(a, e) : "-");
    c->n++;
    return DN_OK;
}

START_TEST(test_text__jsonl_records_and_rejects)
{
    struct collected c = {0};
    struct dn_text_options o = {.finder = fake_place_finder};
    dn_status s = dn_text_read_file(ctx, DN_TEST_DATA_DIR "/text/records.jsonl", &o, collect, &c);
    ck_assert_int_eq(s, DN_ERR_PARTIAL);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "2 of 4 records skipped"));
    ck_assert_ptr_nonnull(strstr(diag.err.data, "records.jsonl:2: skipped: malformed JSON"));
    ck_assert_ptr_nonnull(strstr(diag.err.data, "records.jsonl:3: skipped: missing string member \"text\""));
    ck_assert_int_eq(c.n, 2);
    ck_assert_str_eq(c.lines[0], "1 https://example.org/peshawar-mosque field suicide_attack 2023-01-30 81 Peshawar");
    ck_assert_str_eq(c.lines[1], "4 - field protest 2023-03-12 -1 Bannu");
}
END_TEST

struct rejects {
    long line[8];
    char reason[8][96];
    size_t n;
};

static void on_reject(void *ud, const char *path, long line, const char *reason)
{
    struct rejects *r = ud;
    ck_assert_ptr_nonnull(strstr(path, "records.jsonl"));
    if (r->n < 8) {
        r->line[r->n] = line;
        snprintf(r->reason[r->n], sizeof r->reason[0], "%s", reason);
    }
    r->n++;
}

START_TEST(test_text__jsonl_rejects_go_to_the_callback)
{
    struct collected c = {0};
    struct rejects rj = {0};
    struct dn_text_options o = {.finder = fake_place_finder, .on_reject = on_reject, .reject_ud = &rj};
    ck_assert_int_eq(dn_text_read_file(ctx, DN_TEST_DATA_DIR "/text/records.jsonl", &o, collect, &c), DN_ERR_PARTIAL);
    ck_assert_int_eq(c.n, 2);
    ck_assert_int_eq(rj.n, 2);
    ck_assert_int_eq(rj.line[0], 2);
    ck_assert_ptr_nonnull(strstr(rj.reason[0], "malformed JSON"));
    ck_assert_int_eq(rj.line[1], 3);
    ck_assert_str_eq(rj.reason[1], "missing string member \"text\"");
    /* told to the callback, not warned about as well */
    ck_assert_ptr_null(strstr(diag.err.data ? diag.err.data : "", "skipped"));
}
END_TEST

/* ---- cleaning and the map ------------------------------------------------------------ */

START_TEST(test_text__clean_map_points_into_original)
{
    const char *html = "<p>Tom &amp; Jerry&#8217;s  caf\xc3\xa9</p><script>x<y</script><p>Next &mdash; line</p>";
    struct dni_text_cleaned c;
    ck_assert_int_eq(dni_text_clean(ctx, (const unsigned char *)html, strlen(html), 0, DNI_ENC_UTF8, &c), DN_OK);
    ck_assert_str_eq(c.text, "Tom & Jerry's caf\xc3\xa9\n\nNext - line"); /* two block ends: a paragraph */
    long long os, oe;
    /* "Jerry's" ← "Jerry&#8217;s" */
    const char *j = strstr(c.text, "Jerry");
    dni_text_map_span(c.map, (size_t)(j - c.text), (size_t)(j - c.text) + 7, &os, &oe);
    ck_assert_int_eq(os, strstr(html, "Jerry") - html);
    ck_assert_int_eq(oe, strstr(html, "s  caf") - html + 1);
    /* "&" ← "&amp;" */
    dni_text_map_span(c.map, 4, 5, &os, &oe);
    ck_assert_int_eq(os, 7);
    ck_assert_int_eq(oe, 12);
    /* "Next" after the script */
    const char *nx = strstr(c.text, "Next");
    dni_text_map_span(c.map, (size_t)(nx - c.text), (size_t)(nx - c.text) + 4, &os, &oe);
    ck_assert_int_eq(os, strstr(html, "Next") - html);
    ck_assert_int_eq(oe - os, 4);
    dni_text_cleaned_free(&c);
}
END_TEST

START_TEST(test_text__clean_drops_tracking_and_boilerplate_lines)
{
    const char *t = "!-- Google tag (gtag.js) -->\nHeadline here\nIMAGE SOURCE: CGTN\nPhoto: AFP\nShare Tweet Email\n"
                    "Advertisement\nBody text stays.\n";
    struct dni_text_cleaned c;
    ck_assert_int_eq(dni_text_clean(ctx, (const unsigned char *)t, strlen(t), 0, DNI_ENC_UTF8, &c), DN_OK);
    ck_assert_str_eq(c.text, "Headline here\n\nBody text stays.");
    dni_text_cleaned_free(&c);
}
END_TEST

/* A closing tag cut off by the end of the input is still found, and the byte
 * after the input is never read: the sentinel after `len` is a letter, so
 * reading it would make "</nav" look like "</navx" and keep the menu. */
START_TEST(test_text__clean_closing_tag_at_end_of_input)
{
    const char *t = "<p>Before</p><nav>menu</nav";
    size_t n = strlen(t);
    unsigned char *buf = malloc(n + 1);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, t, n);
    buf[n] = 'x';
    struct dni_text_cleaned c;
    ck_assert_int_eq(dni_text_clean(ctx, buf, n, 0, DNI_ENC_UTF8, &c), DN_OK);
    ck_assert_str_eq(c.text, "Before");
    dni_text_cleaned_free(&c);
    free(buf);
}
END_TEST

/* ---- sentences -------------------------------------------------------------------------- */

struct sents {
    const char *text;
    char out[16][200];
    int n;
};

static bool add_sentence(void *ud, size_t s, size_t e)
{
    struct sents *ss = ud;
    if (ss->n < 16) snprintf(ss->out[ss->n], sizeof ss->out[0], "%.*s", (int)(e - s), ss->text + s);
    ss->n++;
    return true;
}

START_TEST(test_text__sentences_respect_abbreviations)
{
    struct sents ss = {.text = "Lt. Gen. Ahmed met Dr. Khan in D.I. Khan. The No. 7 ward is 3.5 km away. Abdul G. Mehsud "
                               "said \"enough.\" Then he left! Did it work? Yes. U.N. officials came on Nov. 3 as well."};
    dni_sentences(ss.text, strlen(ss.text), add_sentence, &ss);
    ck_assert_int_eq(ss.n, 7);
    ck_assert_str_eq(ss.out[0], "Lt. Gen. Ahmed met Dr. Khan in D.I. Khan.");
    ck_assert_str_eq(ss.out[1], "The No. 7 ward is 3.5 km away.");
    ck_assert_str_eq(ss.out[2], "Abdul G. Mehsud said \"enough.\"");
    ck_assert_str_eq(ss.out[3], "Then he left!");
    ck_assert_str_eq(ss.out[4], "Did it work?");
    ck_assert_str_eq(ss.out[5], "Yes.");
    ck_assert_str_eq(ss.out[6], "U.N. officials came on Nov. 3 as well.");
}
END_TEST

START_TEST(test_text__sentences_are_capped)
{
    size_t n = 5000;
    char *t = malloc(n + 1);
    for (size_t i = 0; i < n; i++) t[i] = (i % 10 == 9) ? ' ' : 'a';
    t[n] = '\0';
    struct sents ss = {.text = t};
    dni_sentences(t, n, add_sentence, &ss);
    ck_assert_int_ge(ss.n, 5);
    free(t);
}
END_TEST

/* ---- dates -------------------------------------------------------------------------------- */

struct date_case {
    const char *sentence;
    const char *want; /* ISO date of the first expression, or "" for none */
    enum dn_date_precision prec;
    unsigned flags;   /* expected among DNI_DATE_SINCE / UNTIL / RELATIVE */
};

START_TEST(test_text__dates_resolve_against_article_date)
{
    /* the article date: Thursday 2022-05-19 */
    const struct dn_text_date ref = {2022, 5, 19, DN_DATE_DAY, false};
    const struct date_case cases[] = {
        {"on May 14, militants attacked", "2022-05-14", DN_DATE_DAY, 0},
        {"on May 13 and 14, a group met", "2022-05-13", DN_DATE_DAY, 0},
        {"in October 2020, a bomb exploded", "2020-10-01", DN_DATE_MONTH, 0},
        {"in 2014, it orchestrated an attack", "2014-01-01", DN_DATE_YEAR, 0},
        {"on 14 May 2022 the truce began", "2022-05-14", DN_DATE_DAY, 0},
        {"On May 19, 2022 talks ended", "2022-05-19", DN_DATE_DAY, 0},
        {"It happened on 2021-08-15.", "2021-08-15", DN_DATE_DAY, 0},
        {"the deal, announced yesterday", "2022-05-18", DN_DATE_DAY, DNI_DATE_RELATIVE},
        {"the release last month", "2022-04-01", DN_DATE_MONTH, DNI_DATE_RELATIVE},
        {"since the takeover last August", "2021-08-01", DN_DATE_MONTH, DNI_DATE_RELATIVE},
        {"died in regions since January", "2022-01-01", DN_DATE_MONTH, DNI_DATE_SINCE},
        {"gunmen struck on Sunday", "2022-05-15", DN_DATE_DAY, DNI_DATE_RELATIVE},
        {"on Thursday the army said", "2022-05-19", DN_DATE_DAY, DNI_DATE_RELATIVE},
        {"a raid last week", "2022-05-01", DN_DATE_MONTH, DNI_DATE_RELATIVE}, /* May 6..18: May */
        {"earlier this year the TTP", "2022-01-01", DN_DATE_YEAR, DNI_DATE_RELATIVE},
        {"three days ago a blast", "2022-05-16", DN_DATE_DAY, DNI_DATE_RELATIVE},
        {"a ceasefire until May 30", "2022-05-30", DN_DATE_DAY, DNI_DATE_UNTIL},
        {"in December a drone struck", "2021-12-01", DN_DATE_MONTH, 0},
        {"Since 2007, it has attacked", "2007-01-01", DN_DATE_YEAR, DNI_DATE_SINCE},
        {"Since the beginning of 2021, violence", "2021-01-01", DN_DATE_YEAR, DNI_DATE_SINCE},
        {"killed 2014 people", "", DN_DATE_UNKNOWN, 0},
        {"Pakistan may agree to talks", "", DN_DATE_UNKNOWN, 0},
        {"a 2700-kilometre border", "", DN_DATE_UNKNOWN, 0},
    };
    struct dni_toks t = {0};
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        ck_assert(dni_tokenize(&t, cases[i].sentence, strlen(cases[i].sentence)));
        struct dni_date_expr ex[4];
        size_t n = dni_find_dates(&t, &ref, &ref, ex, 4);
        char got[16] = "";
        if (n) dn_text_date_format(&ex[0].date, got, sizeof got);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "'%s': got '%s', want '%s'", cases[i].sentence, got,
                      cases[i].want);
        if (n) {
            ck_assert_msg(ex[0].date.precision == cases[i].prec, "'%s': precision %d", cases[i].sentence,
                          ex[0].date.precision);
            ck_assert_msg((ex[0].flags & 7u) == cases[i].flags, "'%s': flags %u", cases[i].sentence, ex[0].flags);
        }
    }
    dni_toks_free(&t);
}
END_TEST

START_TEST(test_text__datelines)
{
    const struct dn_text_date mtime = {2020, 11, 5, DN_DATE_DAY, false};
    struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"Headline\nMay 19, 2022\nBody text.", "2022-05-19"},
        {"Headline\n\nPESHAWAR, Nov 3 (Reuters) - Gunmen attacked a post.", "2020-11-03"},
        {"Headline\nPublished 19 May 2022 10:41 PKT\nBody.", "2022-05-19"},
        {"Headline\nThe war began in 2001 and continues.", ""},
        {"Headline\nOn 14 November 2023, gunmen killed two policemen in Bannu.\nMore text.", ""}, /* a sentence */
        {"Headline\n\nMIRAMSHAH, Nov 18, 2023: Four soldiers were killed when militants stormed a security "
         "checkpost in Mir Ali on Friday, officials said.",
         "2023-11-18"},
        {"Headline\n\nISLAMABAD, Nov 3 (APP): The interior minister said on Friday that talks with the "
         "banned group would not resume.",
         "2020-11-03"},
        /* the date after a dash: "PLACE, Country - date -", "PLACE - date -" */
        {"Headline\n\nKHAR, Pakistan - November 3, 2025 - Gunmen fired on a police van in Bajaur.", "2025-11-03"},
        {"Headline\n\nPESHAWAR - Nov 3 - Gunmen fired on a police van in Hayatabad.", "2020-11-03"},
        {"Headline\n\nTalks in Kabul - November 3, 2025 - ended without a deal, both sides said in "
         "statements that ran well past a hundred bytes.",
         ""},
        {"A long first paragraph that mentions May 19, 2022 deep inside a sentence that goes on and on and on "
         "well past a hundred bytes of text.",
         ""},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        struct dn_text_date d = {0};
        char got[16] = "";
        if (dni_find_dateline(cases[i].text, strlen(cases[i].text), &mtime, &d)) dn_text_date_format(&d, got, 16);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: got '%s'", i, got);
    }
}
END_TEST

START_TEST(test_text__article_date_sources)
{
    const char *t = "Blast in Bajaur\nNo dateline here. A blast killed two people in Bajaur on Monday.";
    struct dn_text_options o = {.finder = fake_place_finder};
    struct dn_text_article *a = NULL;
    /* no dateline, no --date: no article date (a file's time is none: see article.c) */
    ck_assert_int_eq(dn_text_extract(ctx, "x.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_NONE);
    ck_assert_int_eq(a->date.precision, DN_DATE_UNKNOWN);
    char d[16];
    ck_assert_int_eq(a->events[0].date.precision, DN_DATE_UNKNOWN);
    a = dn_text_article_free(a);
    o.date = "2023-06-14";
    ck_assert_int_eq(dn_text_extract(ctx, "x.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_FLAG);
    ck_assert_str_eq(date_of(&a->events[0], d), "2023-06-12");
    a = dn_text_article_free(a);
    o.date = "2023-02-30";
    ck_assert_int_eq(dn_text_extract(ctx, "x.txt", t, strlen(t), &o, &a), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "invalid --date '2023-02-30'"));
    ck_assert_ptr_null(a);
    o.date = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "x.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_NONE);
    ck_assert_int_eq(a->events[0].date.precision, DN_DATE_UNKNOWN); /* "on Monday" needs an article date */
    dn_text_article_free(a);
}
END_TEST

/* ---- the story's own days ----------------------------------------------------------------- */

/* One date expression per sentence: its ISO date ("" when the expression is
 * found but its date is unknown, NULL when none is found), precision, flags. */
struct story_case {
    const char *sentence;
    const char *want;
    enum dn_date_precision prec;
    unsigned flags;
};

static void check_story_cases(const struct story_case *cases, size_t n, const struct dn_text_date *ref,
                              const struct dn_text_date *anchor)
{
    struct dni_toks t = {0};
    for (size_t i = 0; i < n; i++) {
        ck_assert(dni_tokenize(&t, cases[i].sentence, strlen(cases[i].sentence)));
        struct dni_date_expr ex[4];
        size_t nd = dni_find_dates(&t, ref, anchor, ex, 4);
        if (!cases[i].want) {
            ck_assert_msg(nd == 0, "'%s': found a date", cases[i].sentence);
            continue;
        }
        ck_assert_msg(nd >= 1, "'%s': no date found", cases[i].sentence);
        char got[16];
        dn_text_date_format(&ex[0].date, got, sizeof got);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "'%s': got '%s', want '%s'", cases[i].sentence, got,
                      cases[i].want);
        ck_assert_msg(ex[0].date.precision == cases[i].prec, "'%s': precision %d", cases[i].sentence,
                      ex[0].date.precision);
        ck_assert_msg((ex[0].flags & 7u) == cases[i].flags, "'%s': flags %u", cases[i].sentence, ex[0].flags);
    }
    dni_toks_free(&t);
}

/* "The day before" counts from the day the story reached (the anchor), not
 * from the article date, and is never left to the article date. */
START_TEST(test_text__dates_count_from_the_story_day)
{
    const unsigned R = DNI_DATE_RELATIVE;
    const struct dn_text_date ref = {2023, 11, 18, DN_DATE_DAY, false};    /* Saturday: the article */
    const struct dn_text_date anchor = {2023, 11, 14, DN_DATE_DAY, false}; /* Tuesday: the story */
    const struct story_case cases[] = {
        {"The day before, two policemen were shot dead", "2023-11-13", DN_DATE_DAY, R},
        {"The previous day, a bomb went off", "2023-11-13", DN_DATE_DAY, R},
        {"the night before the attack, gunmen", "2023-11-13", DN_DATE_DAY, R},
        {"A day earlier, militants attacked", "2023-11-13", DN_DATE_DAY, R},
        {"The next day, a roadside bomb killed three", "2023-11-15", DN_DATE_DAY, R},
        {"the following morning the army", "2023-11-15", DN_DATE_DAY, R},
        {"Two days later, gunmen struck", "2023-11-16", DN_DATE_DAY, R},
        {"he died a day after the blast", "2023-11-15", DN_DATE_DAY, R},
        {"On the same day, gunmen shot dead", "2023-11-14", DN_DATE_DAY, R},
        {"Later that day, the army said", "2023-11-14", DN_DATE_DAY, R},
        {"That night, militants fired rockets", "2023-11-14", DN_DATE_DAY, R},
        {"The following Friday, a drone struck", "2023-11-17", DN_DATE_DAY, R},
        {"the previous Friday, talks", "2023-11-10", DN_DATE_DAY, R},
        {"a week later, the toll rose", "2023-11-01", DN_DATE_MONTH, R}, /* Nov 18..24 */
        /* counted from the article, as before */
        {"the day before yesterday, gunmen", "2023-11-16", DN_DATE_DAY, R},
        {"yesterday a blast", "2023-11-17", DN_DATE_DAY, R},
        {"two policemen were shot dead today", "2023-11-18", DN_DATE_DAY, R},
        {"on Friday a blast", "2023-11-17", DN_DATE_DAY, R},
        {"on Thursday night, gunmen", "2023-11-16", DN_DATE_DAY, R},
        {"Late on Friday, gunmen", "2023-11-17", DN_DATE_DAY, R},
        /* the day before something else is no date of the story's */
        {"a day before the elections, police", NULL, 0, 0},
        {"two days before the polls, police", NULL, 0, 0},
        {"the following people were killed", NULL, 0, 0},
        {"they said that day labourers fled", NULL, 0, 0},
    };
    check_story_cases(cases, DN_ARRAY_LEN(cases), &ref, &anchor);
    /* no day reached yet (or only "last week", a month): found, but unknown */
    const struct story_case unanchored[] = {
        {"The day before, two policemen were shot dead", "", DN_DATE_UNKNOWN, R},
        {"On the same day, gunmen shot dead", "", DN_DATE_UNKNOWN, R},
        {"Two days later, gunmen struck", "", DN_DATE_UNKNOWN, R},
    };
    check_story_cases(unanchored, DN_ARRAY_LEN(unanchored), &ref, NULL);
    const struct dn_text_date month = {2023, 11, 0, DN_DATE_MONTH, true};
    check_story_cases(unanchored, DN_ARRAY_LEN(unanchored), &ref, &month);
}
END_TEST

/* "last week" and its kin name a span of days: the date is the month (or
 * year) holding every day of it, flagged approximate, never a made-up day. */
START_TEST(test_text__weeks_give_the_month_not_a_made_up_day)
{
    const unsigned R = DNI_DATE_RELATIVE;
    const struct dn_text_date sat = {2023, 11, 18, DN_DATE_DAY, false};
    const struct story_case mid_month[] = {
        {"Last week, two policemen were shot dead", "2023-11-01", DN_DATE_MONTH, R},   /* Nov 5..17 */
        {"Earlier this week, a drone strike", "2023-11-01", DN_DATE_MONTH, R},        /* Nov 12..17 */
        {"Two weeks ago, a drone strike", "2023-11-01", DN_DATE_MONTH, R},            /* Nov 1..7 */
        {"a raid last weekend", "2023-11-01", DN_DATE_MONTH, R},                      /* Nov 9..17 */
        {"a raid over the weekend", "2023-11-01", DN_DATE_MONTH, R},                  /* Nov 9..18 */
        {"At the weekend, a raid", "2023-11-01", DN_DATE_MONTH, R},                   /* Nov 9..18 */
    };
    check_story_cases(mid_month, DN_ARRAY_LEN(mid_month), &sat, &sat);
    const struct dn_text_date sun = {2023, 11, 5, DN_DATE_DAY, false};
    const struct story_case across_months[] = {
        {"Last week, two policemen were shot dead", "2023-01-01", DN_DATE_YEAR, R}, /* Oct 23 .. Nov 4 */
        {"Earlier this week, a drone strike", "2023-01-01", DN_DATE_YEAR, R},      /* Oct 30 .. Nov 4 */
        {"a raid over the weekend", "2023-01-01", DN_DATE_YEAR, R},                /* Oct 27 .. Nov 5 */
    };
    check_story_cases(across_months, DN_ARRAY_LEN(across_months), &sun, &sun);
    const struct dn_text_date jan = {2024, 1, 3, DN_DATE_DAY, false};
    const struct story_case across_years[] = {
        {"Last week, two policemen were shot dead", "", DN_DATE_UNKNOWN, R}, /* Dec 21 .. Jan 2 */
    };
    check_story_cases(across_years, DN_ARRAY_LEN(across_years), &jan, &jan);
    /* the event carries the approximation as a flag */
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2023-11-18"};
    const char *t = "Last week, gunmen shot dead two policemen in Bannu, police said.";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    CHECK_EVENT(a, 0, "attack", "2023-11-01", DN_DATE_MONTH, 2, DN_COUNT_UNKNOWN, "Bannu");
    ck_assert(a->events[0].flags & DN_TEXT_F_DATE_APPROX);
    dn_text_article_free(a);
}
END_TEST

/* A weekday after a sentence that named an earlier date is still the latest
 * such day up to the article date: news style names weekdays only for the
 * week of publication, and writes older days as dates. */
START_TEST(test_text__weekday_after_a_dated_sentence_counts_from_the_article)
{
    struct dn_text_options o = {.finder = fake_place_finder};
    const char *t = "PESHAWAR, Nov 30, 2023: Security was tightened across the province, officials said.\n\n"
                    "On 14 November, militants killed three soldiers in Wana.\n\n"
                    "On Friday, gunmen killed two policemen in Bannu.\n\n"
                    "The next day, a bomb killed one person in Peshawar.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 3);
    CHECK_EVENT(a, 0, "attack", "2023-11-14", DN_DATE_DAY, 3, DN_COUNT_UNKNOWN, "Wana");
    CHECK_EVENT(a, 1, "attack", "2023-11-24", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Bannu"); /* Thursday the 30th */
    CHECK_EVENT(a, 2, "bombing", "2023-11-25", DN_DATE_DAY, 1, DN_COUNT_UNKNOWN, "Peshawar");
    dn_text_article_free(a);
}
END_TEST

/* "On Tuesday, 14 November": the weekday names the written date's day; it
 * is not "the latest Tuesday" counted from the article date. */
START_TEST(test_text__weekday_beside_a_date_is_that_date)
{
    const struct dn_text_date thu = {2023, 11, 30, DN_DATE_DAY, false};
    const struct story_case cases[] = {
        {"On Tuesday, 14 November, gunmen shot dead two policemen", "2023-11-14", DN_DATE_DAY, 0},
        {"on Tuesday Nov 14 gunmen struck", "2023-11-14", DN_DATE_DAY, 0},
        {"On 14 November (Tuesday), gunmen shot dead two policemen", "2023-11-14", DN_DATE_DAY, 0},
        {"On Tuesday, gunmen shot dead two policemen", "2023-11-28", DN_DATE_DAY, DNI_DATE_RELATIVE},
    };
    check_story_cases(cases, DN_ARRAY_LEN(cases), &thu, &thu);
    struct dni_toks t = {0};
    const char *s = "On 14 November (Tuesday), gunmen shot dead two policemen";
    ck_assert(dni_tokenize(&t, s, strlen(s)));
    struct dni_date_expr ex[4];
    ck_assert_int_eq(dni_find_dates(&t, &thu, &thu, ex, 4), 1); /* one date, not two */
    dni_toks_free(&t);
}
END_TEST

/* The regression reported: a colon dateline ("MIRAMSHAH, Nov 18, 2023:") was
 * no dateline, so the lead took Nov 18 for the event and the article the
 * file's time; "The day before" got the file's time too. */
START_TEST(test_text__fixture_colon_dateline_and_story_days)
{
    struct dn_text_article *a = fixture("miramshah_story_days.txt", NULL);
    char d[16];
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_DATELINE);
    ck_assert_str_eq(dn_text_date_format(&a->date, d, 16), "2023-11-18");
    ck_assert_int_eq(a->n_events, 6);
    /* headline and lead: "on Friday" of Saturday the 18th */
    CHECK_EVENT(a, 0, "attack", "2023-11-17", DN_DATE_DAY, 4, DN_COUNT_UNKNOWN, "Mir Ali");
    ck_assert_int_eq(a->events[0].date_basis, DN_TEXT_BASIS_RELATIVE);
    /* "The day before": the day before that Friday */
    CHECK_EVENT(a, 1, "attack", "2023-11-16", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Bannu");
    /* "The next day": the story is on the 16th now */
    CHECK_EVENT(a, 2, "ied", "2023-11-17", DN_DATE_DAY, 3, DN_COUNT_UNKNOWN, "Wana");
    CHECK_EVENT(a, 3, "attack", "2023-11-17", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Miranshah");
    /* "Earlier this week": Nov 12..17 */
    CHECK_EVENT(a, 4, "drone_strike", "2023-11-01", DN_DATE_MONTH, 5, DN_COUNT_UNKNOWN, "Kurram");
    ck_assert(a->events[4].flags & DN_TEXT_F_DATE_APPROX);
    /* "yesterday" counts from the dateline */
    CHECK_EVENT(a, 5, "attack", "2023-11-17", DN_DATE_DAY, DN_COUNT_UNKNOWN, 2, "Bannu");
    for (size_t i = 0; i < a->n_events; i++) ck_assert(!(a->events[i].flags & DN_TEXT_F_DATE_ASSUMED));
    dn_text_article_free(a);
}
END_TEST

/* No dateline, no date: the article and its events are undated, whatever
 * the file's time; a phrase that needs the article date says "relative". */
START_TEST(test_text__fixture_article_without_a_date_is_undated)
{
    struct dn_text_article *a = fixture("bannu_no_date.txt", NULL);
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_NONE);
    ck_assert_int_eq(a->date.precision, DN_DATE_UNKNOWN);
    ck_assert_int_eq(a->n_events, 3);
    CHECK_EVENT(a, 0, "attack", "", DN_DATE_UNKNOWN, 2, DN_COUNT_UNKNOWN, "Bannu");
    ck_assert_int_eq(a->events[0].date_basis, DN_TEXT_BASIS_RELATIVE); /* "on Friday night" */
    CHECK_EVENT(a, 1, "bombing", "", DN_DATE_UNKNOWN, DN_COUNT_UNKNOWN, 4, "Peshawar");
    ck_assert_int_eq(a->events[1].date_basis, DN_TEXT_BASIS_RELATIVE); /* "The previous day" */
    ck_assert_int_eq(a->events[2].date.precision, DN_DATE_UNKNOWN);
    ck_assert_int_eq(a->events[2].date_basis, DN_TEXT_BASIS_ASSUMED);
    struct dn_event ev;
    dn_event_init(&ev);
    ck_assert_int_eq(dn_text_event_to_event(ctx, a, 0, &ev), DN_OK);
    ck_assert_ptr_null(ev.date);
    ck_assert_int_eq(ev.date_precision, DN_DATE_UNKNOWN);
    ck_assert_ptr_nonnull(strstr(ev.notes, "article date unknown from none"));
    dn_event_clear(&ev);
    a = dn_text_article_free(a);

    /* a day without a year moves the story to an unknown day: "the next day"
     * is not the day after the last date that had a year */
    struct dn_text_options o = {.finder = fake_place_finder};
    const char *t = "On 14 November 2023, gunmen killed two policemen in Bannu.\n\n"
                    "On 20 November, militants killed three soldiers in Wana.\n\n"
                    "The next day, a bomb killed one person in Peshawar.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 3);
    CHECK_EVENT(a, 0, "attack", "2023-11-14", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Bannu");
    ck_assert_int_eq(a->events[1].date.precision, DN_DATE_UNKNOWN);
    ck_assert_int_eq(a->events[2].date.precision, DN_DATE_UNKNOWN);
    dn_text_article_free(a);
}
END_TEST

/* A web page with a <meta> publication date and no dateline: the meta date
 * is the article date; a sentence without a date of its own takes it as an
 * assumed day (flag date_assumed), the others count from it. */
START_TEST(test_text__fixture_meta_date_without_dateline)
{
    struct dn_text_article *a = fixture("wana_meta_only.html", NULL);
    char d[16];
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_META);
    ck_assert_str_eq(dn_text_date_format(&a->date, d, 16), "2023-11-18");
    ck_assert_int_eq(a->n_events, 3);
    CHECK_EVENT(a, 0, "bombing", "2023-11-17", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Wana");
    CHECK_EVENT(a, 1, "attack", "2023-11-16", DN_DATE_DAY, DN_COUNT_UNKNOWN, 3, "Mir Ali"); /* "A day earlier" */
    CHECK_EVENT(a, 2, "attack", "2023-11-18", DN_DATE_DAY, 1, DN_COUNT_UNKNOWN, "Bannu");
    ck_assert(a->events[2].flags & DN_TEXT_F_DATE_ASSUMED);
    ck_assert_int_eq(a->events[2].date_basis, DN_TEXT_BASIS_ASSUMED);
    dn_text_article_free(a);
}
END_TEST

/* ---- casualties ------------------------------------------------------------------------------ */

struct cas_case {
    const char *sentence;
    int killed, klow, khigh, injured;
    bool vague;
};

static void check_casualty_cases(const struct cas_case *cases, size_t n)
{
    struct dni_toks t = {0};
    for (size_t i = 0; i < n; i++) {
        const struct cas_case *c = &cases[i];
        ck_assert(dni_tokenize(&t, c->sentence, strlen(c->sentence)));
        struct dni_casualties r;
        dni_find_casualties(&t, NULL, &r);
        ck_assert_msg(r.killed.best == c->killed && r.killed.low == c->klow && r.killed.high == c->khigh &&
                          r.injured.best == c->injured && (r.killed_vague || r.injured_vague) == c->vague,
                      "'%s': killed %d (%d-%d) injured %d vague %d", c->sentence, r.killed.best, r.killed.low,
                      r.killed.high, r.injured.best, r.killed_vague || r.injured_vague);
    }
    dni_toks_free(&t);
}

/* The victim class of a sentence's first count. */
static const char *casualty_victim(const char *sentence)
{
    struct dni_toks t = {0};
    ck_assert(dni_tokenize(&t, sentence, strlen(sentence)));
    struct dni_casualties r;
    dni_find_casualties(&t, NULL, &r);
    dni_toks_free(&t);
    return r.victim ? r.victim : "";
}

START_TEST(test_text__casualty_counts)
{
    const int U = DN_COUNT_UNKNOWN;
    const struct cas_case cases[] = {
        {"an attack that killed six people", 6, 6, 6, U, false},
        {"nine gunmen killed 148 civilians, including several children", 148, 148, 148, U, false},
        {"another attack killed eight students and injured 120 others", 8, 8, 8, 120, false},
        {"eight students were killed and 120 others injured", 8, 8, 8, 120, false},
        {"the blast left eight dead and 30 wounded", 8, 8, 8, 30, false},
        {"at least 12 soldiers were martyred", 12, 12, U, U, false},
        {"more than 80 people lost their lives", 81, 81, U, U, false},
        {"up to 7 people died", 7, U, 7, U, false},
        {"five to seven people were killed", 5, 5, 7, U, false},
        {"Twenty-one people were hurt", U, U, U, 21, false},
        {"a dozen people were wounded", U, U, U, 12, false},
        {"six soldiers and three militants were killed", 9, 9, 9, U, false},
        {"gunmen shot dead two policemen", 2, 2, 2, U, false},
        {"a soldier was killed and two were injured", 1, 1, 1, 2, false},
        {"the death toll rose to 15", 15, 15, 15, U, false},
        {"scores of people were killed", U, U, U, U, true},
        {"No one was hurt in the blast", U, U, U, 0, false},
        {"one hundred and twenty people were injured", U, U, U, 120, false},
        /* not casualties */
        {"100 members were released", U, U, U, U, false},
        {"Pakistan released 30 militants", U, U, U, U, false},
        {"a 2700-kilometre border that is 93% complete", U, U, U, U, false},
        {"a 32-member group of elders met", U, U, U, U, false},
        {"a 25-year-old man was arrested in 2014", U, U, U, U, false},
        {"the convoy was hit 2 km from the border", U, U, U, U, false},
        {"two of the injured were in a stable condition", U, U, U, U, false},
    };
    check_casualty_cases(cases, DN_ARRAY_LEN(cases));
}
END_TEST

/* Regressions (QA): shapes that gave no count or a wrong one. */
START_TEST(test_text__casualty_counts_parts_ranges_titles_and_tolls)
{
    const int U = DN_COUNT_UNKNOWN;
    const struct cas_case cases[] = {
        /* "including …" between the victims and their verb is part of the count, not added to it */
        {"At least 12 people, including three soldiers, were killed in Wana on Monday.", 12, 12, U, U, false},
        {"12 people including 3 soldiers were killed in Wana on Monday.", 12, 12, 12, U, false},
        {"Twelve people, including three soldiers, died in an attack in Wana on Monday.", 12, 12, 12, U, false},
        {"12 people including three soldiers and a child were killed", 12, 12, 12, U, false},
        {"12 people, among them two children and a woman, were killed", 12, 12, 12, U, false},
        {"12 people (including three soldiers) were killed", 12, 12, 12, U, false},
        {"the blast, killing at least 12 people, including three soldiers", 12, 12, U, U, false},
        /* "between N and M" is a range, not a sum */
        {"Between 10 and 15 people were killed in Quetta on Monday.", 10, 10, 15, U, false},
        {"between five and six people died", 5, 5, 6, U, false},
        /* people named by their standing or trade */
        {"Gunmen killed an elder in Wana on Monday.", 1, 1, 1, U, false},
        {"Gunmen killed a tribal elder in Wana on Monday.", 1, 1, 1, U, false},
        {"Unknown gunmen killed a prominent cleric in Wana on Monday.", 1, 1, 1, U, false},
        {"A tribal elder was shot dead in Wana on Monday.", 1, 1, 1, U, false},
        {"gunmen shot dead a prayer leader and two shopkeepers", 3, 3, 3, U, false},
        /* a toll with its event named before the verb, and a toll beside the injured */
        {"The death toll from Monday's bombing in Quetta has risen to 15.", 15, 15, 15, U, false},
        {"The death toll in the twin blasts climbed to 22 on Tuesday.", 22, 22, 22, U, false},
        {"The death toll rose to 15.", 15, 15, 15, U, false},
        {"the toll rose to 12 and 20 others were injured", 12, 12, 12, 20, false},
        /* numbers that are no casualties stay out */
        {"In 2021, 500 people were killed", 500, 500, 500, U, false},
        {"two sources said 5 people were killed", 5, 5, 5, U, false},
        {"12 people, including three soldiers, were arrested in Wana on Monday.", U, U, U, U, false},
        {"Police arrested 12 people, including three soldiers, in Wana.", U, U, U, U, false},
        {"between 2019 and 2021 the attacks doubled", U, U, U, U, false},
        {"Between 50 and 60 militants surrendered", U, U, U, U, false},
        {"Two leaders were arrested in Wana", U, U, U, U, false},
        {"An elder said 40 houses were destroyed", U, U, U, U, false},
        {"A 65-year-old elder was arrested", U, U, U, U, false},
        {"The toll of the injured has risen to 30", U, U, U, U, false},
        {"the toll plaza in Kohat has 15 booths", U, U, U, U, false},
        {"The death toll was not known but the number reached 15", U, U, U, U, false},
        /* the speaker after the victims is none of them */
        {"Shells landed near Chaman, injuring three children, a district official said.", U, U, U, 3, false},
        {"Gunmen killed two policemen, a senior officer told reporters.", 2, 2, 2, U, false},
        {"Gunmen killed two policemen, a senior officer and a driver.", 4, 4, 4, U, false},
        /* "no one else": none besides */
        {"Gunmen killed two men in Wana. No one else was hurt.", 2, 2, 2, 0, false},
    };
    check_casualty_cases(cases, DN_ARRAY_LEN(cases));
    ck_assert_str_eq(casualty_victim("Gunmen killed a tribal elder"), "civilians");
    /* "commander" and "official" take the class of the noun before them */
    ck_assert_str_eq(casualty_victim("a militant commander was killed"), "militants");
    ck_assert_str_eq(casualty_victim("a senior police official was martyred"), "police");
    ck_assert_str_eq(casualty_victim("gunmen killed a prayer leader"), "");
}
END_TEST

/* Regression (fuzz_text_extract): a sentence ending in "and" or "," after
 * the victims made the conjoined-subject scan read the skip mask one past
 * its end. The mask is sized exactly, on the heap, so ASan sees any overrun. */
START_TEST(test_text__casualty_scan_stays_inside_the_skip_mask)
{
    const char *const sentences[] = {"gunmen killed six soldiers and", "gunmen killed six soldiers ,",
                                     "six soldiers and", "killed 3"};
    struct dni_toks t = {0};
    for (size_t i = 0; i < DN_ARRAY_LEN(sentences); i++) {
        ck_assert(dni_tokenize(&t, sentences[i], strlen(sentences[i])));
        bool *skip = calloc(t.n, sizeof *skip);
        ck_assert_ptr_nonnull(skip);
        struct dni_casualties r;
        dni_find_casualties(&t, skip, &r);
        if (i < 2) ck_assert_int_eq(r.killed.best, 6);
        free(skip);
    }
    dni_toks_free(&t);
}
END_TEST

START_TEST(test_text__number_words)
{
    struct {
        const char *text;
        long value;
        bool vague;
    } cases[] = {{"six", 6, false},         {"twenty-one", 21, false}, {"twenty one", 21, false},
                 {"a dozen", 12, false},    {"half a dozen", 6, false}, {"one hundred and twenty", 120, false},
                 {"two thousand", 2000, false}, {"1,200", 1200, false}, {"scores of", -1, true},
                 {"dozens", -1, true}};
    struct dni_toks t = {0};
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        ck_assert(dni_tokenize(&t, cases[i].text, strlen(cases[i].text)));
        struct dni_number n = dni_number_at(&t, 0);
        ck_assert_msg(n.value == cases[i].value && n.vague == cases[i].vague && n.ntok == t.n, "'%s': %ld",
                      cases[i].text, n.value);
    }
    dni_toks_free(&t);
}
END_TEST

/* ---- places ---------------------------------------------------------------------------------- */

static const struct dn_text_event *one_event(struct dn_text_article **a, const char *text)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2023-01-10"};
    *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", text, strlen(text), &o, a), DN_OK);
    ck_assert_int_eq((*a)->n_events, 1);
    return &(*a)->events[0];
}

/* A headline naming the district and a lead naming the town in it report
 * one incident, whose place is the town; a town outside the headline's
 * district is another incident. */
START_TEST(test_text__headline_and_its_lead_in_the_district_are_one_event)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-03-06"};
    const char *one = "Blast kills five in North Waziristan\n\n"
                      "A bomb blast killed five people at a market in Mir Ali on Tuesday, police said.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "one.txt", one, strlen(one), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    ck_assert_str_eq(place_of(a, &a->events[0]), "Mir Ali");
    ck_assert_int_eq(a->events[0].killed.best, 5);
    char date[16];
    ck_assert_str_eq(dn_text_date_format(&a->events[0].date, date, sizeof date), "2024-03-05");
    ck_assert(a->events[0].flags & DN_TEXT_F_MERGED);
    a = dn_text_article_free(a);
    const char *two = "Blast kills five in South Waziristan\n\n"
                      "A bomb blast killed five people at a market in Mir Ali on Tuesday, police said.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "two.txt", two, strlen(two), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    dn_text_article_free(a);
}
END_TEST

/* Two incidents joined by a semicolon are two events with their own
 * counts (their sum went to the first, and the second place was lost); a
 * clause that only adds counts still merges into the incident before it. */
START_TEST(test_text__a_semicolon_parts_two_incidents)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-03-06"};
    const char *two = "Three people were killed and seven wounded in Jalalabad on Monday; two people died in a blast"
                      " in Quetta on Sunday.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "two.txt", two, strlen(two), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    ck_assert_str_eq(place_of(a, &a->events[0]), "Jalalabad");
    ck_assert_int_eq(a->events[0].killed.best, 3);
    ck_assert_int_eq(a->events[0].injured.best, 7);
    ck_assert_str_eq(place_of(a, &a->events[1]), "Quetta");
    ck_assert_int_eq(a->events[1].killed.best, 2);
    a = dn_text_article_free(a);
    const char *one = "Militants attacked a checkpost in Bajaur on Monday; four soldiers were killed.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "one.txt", one, strlen(one), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    ck_assert_int_eq(a->events[0].killed.best, 4);
    dn_text_article_free(a);
}
END_TEST

/* A later sentence that points back at the incident ("wounded in the
 * attack") adds its counts to it, not to a new event or the next one. */
START_TEST(test_text__a_sentence_pointing_back_adds_to_the_incident)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-03-20"};
    const char *t = "Four militants were killed on Tuesday when a drone struck a house in Mir Ali.\n\n"
                    "Residents said two women were also wounded in the attack.\n\n"
                    "Meanwhile, troops killed three militants in Wana on Monday night.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "back.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    ck_assert_str_eq(place_of(a, &a->events[0]), "Mir Ali");
    ck_assert_int_eq(a->events[0].killed.best, 4);
    ck_assert_int_eq(a->events[0].injured.best, 2);
    ck_assert_str_eq(place_of(a, &a->events[1]), "Wana");
    ck_assert_int_eq(a->events[1].injured.best, DN_COUNT_UNKNOWN);
    dn_text_article_free(a);
}
END_TEST

/* "..., three days after a bomb attack in Bajaur killed five policemen":
 * the clause tells an earlier incident, three days before the sentence's
 * own day, which later sentences add to; the sentence's own event is the
 * helicopters' strike (its aircraft name it, and "Pakistani" its side).
 * The dateline's place, the sayers' place ("Officials in Quetta said") and
 * the sayers ("Afghan Taliban authorities said") are none of the events'. */
START_TEST(test_text__fixture_days_after_clause_and_strikes_told_by_sayers)
{
    struct dn_text_article *a = fixture("bajaur_days_after.txt", NULL);
    ck_assert_int_eq(a->n_events, 2);
    /* Tuesday of Wednesday the 15th; "the strikes on Tuesday hit a house in
     * Kunar" narrows "inside Afghanistan" and gives the dead */
    CHECK_EVENT(a, 0, "drone_strike", "2024-05-14", DN_DATE_DAY, 3, DN_COUNT_UNKNOWN, "Kunar");
    ck_assert_str_eq(a->events[0].actor1, "Pakistani security forces");
    /* three days before that Tuesday: the Saturday bombing of the next
     * paragraph; its two attackers add to the five policemen (ACLED counts
     * every death of an incident) */
    CHECK_EVENT(a, 1, "bombing", "2024-05-11", DN_DATE_DAY, 7, DN_COUNT_UNKNOWN, "Bajaur");
    ck_assert_int_eq(a->events[1].sentences, 3);
    for (size_t i = 0; i < a->n_events; i++) {
        ck_assert_msg(!strstr(a->events[i].actor1, "Taliban"), "event %zu: actor1 %s", i, a->events[i].actor1);
        ck_assert_msg(strcmp(place_of(a, &a->events[i]), "Quetta") != 0, "event %zu in Quetta", i);
    }
    dn_text_article_free(a);
}
END_TEST

/* The clause may open the sentence: "Three days after X, Y." */
START_TEST(test_text__days_after_clause_first)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-05-16"};
    const char *t = "Three days after a bomb attack in Bajaur killed four policemen, security forces raided a "
                    "hideout near Quetta on Wednesday.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "after.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "attack", "2024-05-15", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Quetta");
    CHECK_EVENT(a, 1, "bombing", "2024-05-12", DN_DATE_DAY, 4, DN_COUNT_UNKNOWN, "Bajaur");
    ck_assert_int_eq(a->events[1].date_basis, DN_TEXT_BASIS_RELATIVE);
    a = dn_text_article_free(a);
    /* "two days after the attack" points back: it dates the raid two days
     * after the story's day, and tells no incident of its own */
    t = "Gunmen attacked a checkpost in Wana on Monday, killing two soldiers.\n\n"
        "Two days after the attack, troops raided a hideout near Wana.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "after2.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "attack", "2024-05-13", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Wana");
    CHECK_EVENT(a, 1, "attack", "2024-05-15", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Wana");
    dn_text_article_free(a);
}
END_TEST

/* Where the sayers are is not where it happened: a raid near Chaman, then
 * "Officials in Quetta said the raid ..." is no second event in Quetta. */
START_TEST(test_text__the_sayers_place_is_not_the_events)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-05-16"};
    const char *t = "Security forces raided a hideout near Chaman on Monday, killing three militants.\n\n"
                    "Officials in Quetta said the raid targeted TTP commanders.\n\n"
                    "Trade through Torkham was suspended on Monday, traders in Peshawar said.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "sayers.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    CHECK_EVENT(a, 0, "attack", "2024-05-13", DN_DATE_DAY, 3, DN_COUNT_UNKNOWN, "Chaman");
    for (size_t i = 0; i < a->n_mentions; i++)
        if (strcmp(a->mentions[i].surface, "Quetta") == 0 || strcmp(a->mentions[i].surface, "Peshawar") == 0)
            ck_assert_msg(!a->mentions[i].locus, "%s taken for a locus", a->mentions[i].surface);
    a = dn_text_article_free(a);
    /* nor where the report was filed: a dateline opening the lead */
    const struct dn_text_event *e = one_event(&a, "Peshawar - Pakistani jets struck militant hideouts inside Afghanistan on Monday.");
    ck_assert_str_eq(place_of(a, e), "Afghanistan");
    ck_assert(e->flags & DN_TEXT_F_PLACE_COARSE);
    dn_text_article_free(a);
}
END_TEST

/* A sentence that goes on from the incident told last: "Its fighters then
 * shelled ..." is the fighters of whoever the sentence before named first,
 * even as its speaker, on that incident's day; a post of the other side is
 * the target. "By then" and a sentence with no one named before take
 * neither. */
START_TEST(test_text__its_forces_then_go_on_from_the_last_incident)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-05-16"};
    const char *t = "Pakistani helicopters struck hideouts in Khost on Monday, killing four people.\n\n"
                    "The TTP said the strikes hit a seminary. Its fighters then fired heavy weapons at "
                    "border posts near Wana, and the firing lasted two hours.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "then.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "drone_strike", "2024-05-13", DN_DATE_DAY, 4, DN_COUNT_UNKNOWN, "Khost");
    CHECK_EVENT(a, 1, "shelling", "2024-05-13", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Wana");
    ck_assert_int_eq(a->events[1].date_basis, DN_TEXT_BASIS_RELATIVE);
    ck_assert_str_eq(a->events[1].actor1, "TTP");
    ck_assert_str_eq(a->events[1].actor2, "Pakistani security forces");
    ck_assert_msg(!strstr(a->events[0].actor1, "TTP"), "the speaker became a party: %s", a->events[0].actor1);
    a = dn_text_article_free(a);
    /* no sequels: the article's day, as any undated sentence */
    static const char *const not_sequels[] = {"By then, gunmen had attacked a checkpost in Wana.",
                                              "Gunmen attacked the house of the then governor in Wana."};
    for (size_t i = 0; i < DN_ARRAY_LEN(not_sequels); i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "Pakistani helicopters struck hideouts in Khost on Monday, killing four people.\n\n%s\n",
                 not_sequels[i]);
        ck_assert_int_eq(dn_text_extract(ctx, "notthen.txt", text, strlen(text), &o, &a), DN_OK);
        ck_assert_int_eq(a->n_events, 2);
        CHECK_EVENT(a, 1, "attack", "2024-05-16", DN_DATE_DAY, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, "Wana");
        ck_assert_int_eq(a->events[1].date_basis, DN_TEXT_BASIS_ASSUMED);
        a = dn_text_article_free(a);
    }
    /* nobody named before: "their" names no one */
    const struct dn_text_event *e =
        one_event(&a, "Their fighters fired heavy weapons at a checkpost in Wana on Monday.");
    ck_assert_msg(!strstr(e->actor1, "TTP") && !strstr(e->actor1, "Taliban"), "actor1 %s", e->actor1);
    dn_text_article_free(a);
}
END_TEST

/* "Hours later" and "Shortly afterwards" go on from the incident told
 * last, as "then" does; the two sides of an exchange of fire are both
 * named ("Afghan forces and Pakistani troops"). */
START_TEST(test_text__hours_later_is_that_day)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2025-03-22"};
    const char *t = "Pakistani jets bombed hideouts in Paktika late on Thursday, killing 11 people.\n\n"
                    "Hours later, Afghan forces and Pakistani troops traded fire near Torkham, wounding two "
                    "soldiers.\n\n"
                    "Gunmen attacked a police post in Bannu on Friday, killing one policeman. Shortly afterwards, "
                    "a bomb went off near a mosque in Wana, wounding six people.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "hours.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 4);
    CHECK_EVENT(a, 0, "drone_strike", "2025-03-20", DN_DATE_DAY, 11, DN_COUNT_UNKNOWN, "Paktika");
    CHECK_EVENT(a, 1, "armed_clash", "2025-03-20", DN_DATE_DAY, DN_COUNT_UNKNOWN, 2, "Torkham");
    ck_assert_int_eq(a->events[1].date_basis, DN_TEXT_BASIS_RELATIVE);
    ck_assert_str_eq(a->events[1].actor1, "Afghan security forces");
    ck_assert_str_eq(a->events[1].actor2, "Pakistani security forces");
    CHECK_EVENT(a, 2, "attack", "2025-03-21", DN_DATE_DAY, 1, DN_COUNT_UNKNOWN, "Bannu");
    CHECK_EVENT(a, 3, "bombing", "2025-03-21", DN_DATE_DAY, DN_COUNT_UNKNOWN, 6, "Wana");
    a = dn_text_article_free(a);
}
END_TEST

/* "killed four terrorists in the exchange of fire" tells more of the attack
 * just told (its dead added: ACLED counts the attackers too), not of an
 * exchange of fire of its own; "No casualties were reported." gives the
 * clash before it zero dead and zero hurt. */
START_TEST(test_text__the_exchange_of_fire_and_no_casualties)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2025-08-14"};
    const char *t = "Militants stormed a checkpost near Miranshah late on Wednesday, killing three soldiers.\n\n"
                    "Troops responded and killed four attackers in the exchange of fire, officials said.\n\n"
                    "Separately, Afghan forces and Pakistani troops exchanged fire near Parachinar on Wednesday. "
                    "No casualties were reported.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "exchange.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "attack", "2025-08-13", DN_DATE_DAY, 7, DN_COUNT_UNKNOWN, "Miranshah");
    CHECK_EVENT(a, 1, "armed_clash", "2025-08-13", DN_DATE_DAY, 0, 0, "Parachinar");
    a = dn_text_article_free(a);
    /* the dead named through a possessive are counted, and when they are
     * actor1's own the other side named is actor2 */
    const struct dn_text_event *e =
        one_event(&a, "Two members of the Islamic Emirate's security forces were killed and three others wounded "
                      "in a clash with unidentified gunmen near Jalalabad on Monday.");
    ck_assert_int_eq(e->killed.best, 2);
    ck_assert_int_eq(e->injured.best, 3);
    ck_assert_str_eq(e->actor1, "Afghan security forces");
    ck_assert_str_eq(e->actor2, "Unidentified armed group");
    a = dn_text_article_free(a);
    /* the part of a count names the victims; victims are no perpetrators */
    e = one_event(&a, "At least nine people, including women and children, were killed when jets bombed houses "
                      "near Jalalabad on Monday.");
    ck_assert_str_eq(e->actor2, "Civilians");
    a = dn_text_article_free(a);
    e = one_event(&a, "At least nine people, including three soldiers, were killed in a blast near Jalalabad on Monday.");
    ck_assert_str_eq(e->actor1, "");
    ck_assert_str_eq(e->actor2, "Afghan security forces");
    a = dn_text_article_free(a);
    /* a sentence of zeros after a non-violent event, or two sentences on, says nothing of it */
    const char *u = "Talks were held in Kabul on Wednesday.\n\nNo casualties were reported.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "zeros.txt", u, strlen(u), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    ck_assert_int_eq(a->events[0].killed.best, DN_COUNT_UNKNOWN);
    a = dn_text_article_free(a);
    const char *v = "Troops exchanged fire near Parachinar on Wednesday.\n\nThe border stayed shut.\n\n"
                    "No casualties were reported.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "far.txt", v, strlen(v), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    ck_assert_int_eq(a->events[0].killed.best, DN_COUNT_UNKNOWN);
    a = dn_text_article_free(a);
}
END_TEST

/* Kidnappings are incidents of their own type, violent (so that dedupe
 * links them with ACLED's "Violence against civilians"); a kidnapped man
 * recovered is not one. */
START_TEST(test_text__abductions)
{
    struct dn_text_article *a = NULL;
    const struct dn_text_event *e =
        one_event(&a, "Gunmen kidnapped four Frontier Corps personnel near Wana on Monday, officials said.");
    ck_assert_str_eq(e->type, "abduction");
    ck_assert(e->violent);
    ck_assert_str_eq(e->actor2, "Pakistani security forces");
    a = dn_text_article_free(a);
    e = one_event(&a, "Two engineers were abducted in Bannu on Monday.");
    ck_assert_str_eq(e->type, "abduction");
    a = dn_text_article_free(a);
    const char *t = "Police recovered the kidnapped engineer in Bannu on Monday.";
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2023-01-10"};
    ck_assert_int_eq(dn_text_extract(ctx, "r.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 0);
    a = dn_text_article_free(a);
    ck_assert(dn_event_types_compatible("abduction", "Violence against civilians"));
    /* militants' quadcopters drop bombs as drones do (ACLED: Air/drone strike) */
    e = one_event(&a, "A quadcopter attack on a police station in Bannu wounded three policemen.");
    ck_assert_str_eq(e->type, "drone_strike");
    a = dn_text_article_free(a);
}
END_TEST

/* The fake finder, except that the first sentence's places are read as
 * the gazetteer's other records of the same names: another id, and for
 * Torkham the namesake across the border (as a headline, read without its
 * lead's context, may be). */
static dn_status headline_apart_finder(void *ud, const char *s, size_t len, struct dn_text_mention *out, size_t cap,
                                       size_t *n)
{
    int *calls = ud;
    dn_status st = fake_place_finder(NULL, s, len, out, cap, n);
    if ((*calls)++ > 0) return st;
    for (size_t i = 0; i < *n; i++) {
        out[i].place_id += 1000;
        if (strcmp(out[i].name, "Torkham") == 0) {
            memcpy(out[i].country, "AFG", 4);
            out[i].name = "Towr Kham";
        }
    }
    return st;
}

/* A headline and its lead name one place through two records of the
 * gazetteer: still one incident, at the lead's reading. */
START_TEST(test_text__headline_and_lead_on_two_records_of_one_place)
{
    static const char *const texts[] = {
        "Clash in Parachinar\n\nTribesmen clashed in Parachinar on Sunday, wounding two people.\n",
        "Clash at Torkham\n\nAfghan and Pakistani border forces exchanged fire at Torkham on Sunday, wounding two "
        "guards.\n"};
    for (size_t k = 0; k < DN_ARRAY_LEN(texts); k++) {
        int calls = 0;
        struct dn_text_options o = {.finder = headline_apart_finder, .finder_ud = &calls, .date = "2024-04-10"};
        struct dn_text_article *a = NULL;
        ck_assert_int_eq(dn_text_extract(ctx, "two.txt", texts[k], strlen(texts[k]), &o, &a), DN_OK);
        ck_assert_msg(a->n_events == 1, "%s: %zu events", texts[k], a->n_events);
        CHECK_EVENT(a, 0, "armed_clash", "2024-04-07", DN_DATE_DAY, DN_COUNT_UNKNOWN, 2, k ? "Torkham" : "Parachinar");
        const struct dn_text_mention *m = &a->mentions[a->events[0].place];
        ck_assert_int_lt(m->place_id, 1000); /* the lead's record */
        ck_assert_str_eq(m->country, "PAK");
        a = dn_text_article_free(a);
    }
}
END_TEST

/* An unclaimed attack is the group named before it only when the sentence
 * points back at that group ("the group", "it", a list going on with
 * "Similarly", the group's acronym one letter off); a group the police merely
 * suspect does not become the author of the next unrelated incidents. And a
 * trend ("attacks ... this year") is no incident. */
START_TEST(test_text__only_a_pointer_makes_the_named_group_the_actor)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-09-10"};
    const char *t = "Gunmen shot dead two polio workers in Bannu on Sunday.\n\n"
                    "Nobody claimed the killing, but officials blamed the TTP, which has stepped up attacks "
                    "in Khyber Pakhtunkhwa this year.\n\n"
                    "On Monday, rockets fired from across the border struck a market near Chaman, wounding five people.\n\n"
                    "A roadside bomb hit a pickup in Kunar on Monday, killing three men.\n\n"
                    "The group later raided a checkpost near Wana, killing two soldiers. Similarly, a bomb "
                    "tore through a police van in Miranshah on Tuesday, killing one policeman. The TPP "
                    "ambushed a convoy near Mir Ali on Tuesday, wounding four soldiers.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "pointer.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 6);
    CHECK_EVENT(a, 0, "attack", "2024-09-08", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Bannu");
    CHECK_EVENT(a, 1, "shelling", "2024-09-09", DN_DATE_DAY, DN_COUNT_UNKNOWN, 5, "Chaman");
    CHECK_EVENT(a, 2, "ied", "2024-09-09", DN_DATE_DAY, 3, DN_COUNT_UNKNOWN, "Kunar");
    CHECK_EVENT(a, 3, "attack", "2024-09-10", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Wana");
    CHECK_EVENT(a, 4, "bombing", "2024-09-10", DN_DATE_DAY, 1, DN_COUNT_UNKNOWN, "Miranshah");
    CHECK_EVENT(a, 5, "attack", "2024-09-10", DN_DATE_DAY, DN_COUNT_UNKNOWN, 4, "Mir Ali");
    /* nothing points at the TTP: not its deeds */
    for (size_t i = 0; i < 3; i++) {
        ck_assert_msg(!strstr(a->events[i].actor1, "TTP"), "event %zu: actor1 %s", i, a->events[i].actor1);
        ck_assert_int_eq(a->events[i].flags & DN_TEXT_F_ACTOR_INFERRED, 0);
    }
    /* "The group", "Similarly", "The TPP": the TTP, flagged as inferred */
    for (size_t i = 3; i < 6; i++) {
        ck_assert_msg(!strcmp(a->events[i].actor1, "TTP"), "event %zu: actor1 %s", i, a->events[i].actor1);
        ck_assert(a->events[i].flags & DN_TEXT_F_ACTOR_INFERRED);
    }
    a = dn_text_article_free(a);
    /* "it" only as an agent: "It's not clear who ..." points at no one */
    const char *unclear = "Police suspect the TTP.\n\n"
                          "It's not clear who planted the bomb that killed two men in Bannu on Monday.\n";
    ck_assert_int_eq(dn_text_extract(ctx, "unclear.txt", unclear, strlen(unclear), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 1);
    ck_assert_msg(!strstr(a->events[0].actor1, "TTP"), "actor1 %s", a->events[0].actor1);
    a = dn_text_article_free(a);
    /* other groups whose acronyms are one letter off the TTP's or the BLA's are themselves */
    static const char *const others[][2] = {{"TLP", "Tehreek-e-Labbaik Pakistan"},
                                            {"BLF", "Balochistan Liberation Front"},
                                            {"BRA", "Baloch Republican Army"}};
    for (size_t i = 0; i < DN_ARRAY_LEN(others); i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "Officials blamed the TTP and the BLA for the unrest.\n\n"
                 "The %s attacked a police post in Quetta on Monday, wounding two policemen.\n",
                 others[i][0]);
        ck_assert_int_eq(dn_text_extract(ctx, "others.txt", text, strlen(text), &o, &a), DN_OK);
        ck_assert_int_eq(a->n_events, 1);
        ck_assert_str_eq(a->events[0].actor1, others[i][1]);
        ck_assert_int_eq(a->events[0].flags & DN_TEXT_F_ACTOR_INFERRED, 0);
        a = dn_text_article_free(a);
    }
}
END_TEST

/* "Officials said the strikes targeted the TTP" points back at the strikes,
 * not at the incident told last (the checkpost attack after them), and
 * names the armed group the strikes' "militants" were. */
START_TEST(test_text__the_strikes_point_back_at_the_strikes)
{
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2024-05-16"};
    const char *t = "Pakistani jets struck militant hideouts in Khost on Monday, killing five militants.\n\n"
                    "Gunmen attacked a checkpost in Wana on Monday, killing two soldiers.\n\n"
                    "Officials in Quetta said the strikes targeted the TTP.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "strikes.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_events, 2);
    CHECK_EVENT(a, 0, "drone_strike", "2024-05-13", DN_DATE_DAY, 5, DN_COUNT_UNKNOWN, "Khost");
    CHECK_EVENT(a, 1, "attack", "2024-05-13", DN_DATE_DAY, 2, DN_COUNT_UNKNOWN, "Wana");
    ck_assert_str_eq(a->events[0].actor2, "TTP");
    ck_assert_int_eq(a->events[0].sentences, 2);
    ck_assert_int_eq(a->events[1].sentences, 1);
    dn_text_article_free(a);
}
END_TEST

/* Who reports is no party: "police said" made the police actor2 of a
 * rally bombing; policemen killed are still the victims. */
START_TEST(test_text__attribution_is_not_an_actor)
{
    struct dn_text_article *a;
    const struct dn_text_event *e = one_event(&a, "A bomb exploded at a rally in Bajaur on Sunday, killing 12 people, police said.");
    ck_assert_msg(!e->actor1 || !strstr(e->actor1, "police"), "actor1 %s", e->actor1);
    ck_assert_msg(!e->actor2 || !strstr(e->actor2, "police"), "actor2 %s", e->actor2);
    a = dn_text_article_free(a);
    e = one_event(&a, "According to the police, militants attacked a checkpost in Bajaur on Sunday, killing two soldiers.");
    ck_assert_msg(!e->actor1 || !strstr(e->actor1, "police"), "actor1 %s", e->actor1);
    a = dn_text_article_free(a);
    /* the actor's own office speaks: "The Afghan Taliban government said" */
    e = one_event(&a, "The Afghan Taliban government said a strike on Monday hit homes in Khost and killed eight people.");
    ck_assert_msg(!strstr(e->actor1, "Taliban"), "actor1 %s", e->actor1);
    a = dn_text_article_free(a);
    e = one_event(&a, "Gunmen killed two policemen in Bannu on Sunday, officials said.");
    ck_assert_ptr_nonnull(e->actor2);
    ck_assert_ptr_nonnull(strstr(e->actor2, "police"));
    dn_text_article_free(a);
}
END_TEST

/* A wire lead that begins with its dateline: the dateline dates the filing
 * (the article date), "on Tuesday" the event. */
START_TEST(test_text__dateline_in_the_lead_dates_the_filing_not_the_event)
{
    struct dn_text_options o = {.finder = fake_place_finder};
    const char *t = "PESHAWAR, Pakistan, Nov 16, 2023 (Reuters) - Gunmen attacked a police station in Bannu on Tuesday,"
                    " killing four policemen, officials said.\n";
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "wire.txt", t, strlen(t), &o, &a), DN_OK);
    char date[16];
    ck_assert_int_eq(a->date_source, DN_TEXT_DATE_DATELINE);
    ck_assert_str_eq(dn_text_date_format(&a->date, date, sizeof date), "2023-11-16");
    ck_assert_int_eq(a->n_events, 1);
    ck_assert_str_eq(dn_text_date_format(&a->events[0].date, date, sizeof date), "2023-11-14");
    ck_assert_int_eq(a->events[0].date_basis, DN_TEXT_BASIS_RELATIVE);
    ck_assert_int_eq(a->events[0].killed.best, 4);
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__place_is_the_locus_of_the_action)
{
    struct dn_text_article *a;
    const struct dn_text_event *e;
    e = one_event(&a, "A blast at a mosque in Dir Colony killed three people.");
    ck_assert_str_eq(place_of(a, e), "Dir Colony");
    ck_assert_int_eq(a->n_mentions, 1); /* longest match: not "Dir" */
    a = dn_text_article_free(a);
    e = one_event(&a, "Militants from Afghanistan attacked a checkpost in Bajaur, killing two soldiers.");
    ck_assert_str_eq(place_of(a, e), "Bajaur"); /* "from Afghanistan" is where they came from */
    a = dn_text_article_free(a);
    e = one_event(&a, "Troops clashed along the Durand Line near Torkham in Pakistan on Monday, killing one soldier.");
    ck_assert_str_eq(place_of(a, e), "Torkham"); /* never the border or the country when finer is named */
    a = dn_text_article_free(a);
    e = one_event(&a, "A drone strike in Pakistan killed four people on Monday.");
    ck_assert_str_eq(place_of(a, e), "Pakistan");
    ck_assert(e->flags & DN_TEXT_F_PLACE_COARSE);
    a = dn_text_article_free(a);
    e = one_event(&a, "Islamabad has released 20 prisoners, officials said.");
    ck_assert_str_eq(place_of(a, e), ""); /* the capital as the government is no place */
    ck_assert(e->flags & DN_TEXT_F_NO_PLACE);
    a = dn_text_article_free(a);
    /* "X district of Y": Y holds the place, X is it; "the City of Y" is Y */
    static const struct {
        const char *sentence, *name;
        enum dni_place_role want;
    } roles[] = {{"Taliban fighters attacked a post in Shah Wali Kot district of Kandahar.", "Kandahar",
                  DNI_ROLE_NEUTRAL},
                 {"Taliban fighters attacked a post in Shah Wali Kot district of Kandahar.", "Shah Wali Kot",
                  DNI_ROLE_LOCUS},
                 {"A blast hit the city of Peshawar.", "Peshawar", DNI_ROLE_LOCUS},
                 {"The City of Peshawar was shaken by a blast.", "Peshawar", DNI_ROLE_LOCUS},
                 {"A blast hit the outskirts of Peshawar.", "Peshawar", DNI_ROLE_LOCUS},
                 {"Elders of Peshawar met.", "Peshawar", DNI_ROLE_BLOCKED}};
    struct dni_toks tk = {0};
    for (size_t i = 0; i < DN_ARRAY_LEN(roles); i++) {
        ck_assert(dni_tokenize(&tk, roles[i].sentence, strlen(roles[i].sentence)));
        const char *at = strstr(roles[i].sentence, roles[i].name);
        size_t ts = SIZE_MAX, te = 0;
        for (size_t k = 0; k < tk.n; k++) {
            if (tk.v[k].start == (uint32_t)(at - roles[i].sentence)) ts = k;
            if (tk.v[k].end == (uint32_t)(at - roles[i].sentence + strlen(roles[i].name))) te = k + 1;
        }
        ck_assert_uint_lt(ts, te);
        ck_assert_msg(dni_place_role(&tk, ts, te) == roles[i].want, "%s: %s", roles[i].sentence, roles[i].name);
    }
    dni_toks_free(&tk);
    e = one_event(&a, "Talks between the TTP and the Pakistani government resumed in Kabul on Sunday.");
    ck_assert_str_eq(e->type, "talks");
    ck_assert_str_eq(place_of(a, e), "Kabul");
    ck_assert_str_eq(e->actor1, "TTP");
    ck_assert_str_eq(e->actor2, "Government of Pakistan");
    dn_text_article_free(a);
}
END_TEST

START_TEST(test_text__no_finder_means_no_place)
{
    const char *t = "A blast in Peshawar killed two people on Monday.";
    struct dn_text_options o = {.date = "2023-01-10"};
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", t, strlen(t), &o, &a), DN_OK);
    ck_assert_int_eq(a->n_mentions, 0);
    ck_assert_int_eq(a->events[0].place, -1);
    ck_assert_int_eq(a->events[0].killed.best, 2);
    dn_text_article_free(a);
}
END_TEST

/* Regressions (QA): one-sentence reports whose count the casualty counter
 * missed became no event, or one without fatalities. */
START_TEST(test_text__casualty_sentences_become_counted_events)
{
    const int U = DN_COUNT_UNKNOWN;
    const struct {
        const char *text;
        int killed, low, high;
    } cases[] = {
        {"At least 12 people, including three soldiers, were killed in Wana on Monday.", 12, 12, U},
        {"12 people including 3 soldiers were killed in Wana on Monday.", 12, 12, 12},
        {"Twelve people, including three soldiers, died in an attack in Wana on Monday.", 12, 12, 12},
        {"Between 10 and 15 people were killed in Quetta on Monday.", 10, 10, 15},
        {"Gunmen killed an elder in Wana on Monday.", 1, 1, 1},
        {"Gunmen killed a tribal elder in Wana on Monday.", 1, 1, 1},
        {"Unknown gunmen killed a prominent cleric in Wana on Monday.", 1, 1, 1},
        {"A tribal elder was shot dead in Wana on Monday.", 1, 1, 1},
        {"The death toll from Monday's bombing in Quetta has risen to 15.", 15, 15, 15},
        {"The death toll rose to 15.", 15, 15, 15},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        struct dn_text_article *a;
        const struct dn_text_event *e = one_event(&a, cases[i].text);
        ck_assert_msg(e->killed.best == cases[i].killed && e->killed.low == cases[i].low &&
                          e->killed.high == cases[i].high,
                      "'%s': killed %d (%d-%d)", cases[i].text, e->killed.best, e->killed.low, e->killed.high);
        dn_text_article_free(a);
    }
    const char *arrest = "12 people, including three soldiers, were arrested in Wana on Monday.";
    struct dn_text_options o = {.finder = fake_place_finder, .date = "2023-01-10"};
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", arrest, strlen(arrest), &o, &a), DN_OK);
    for (size_t i = 0; i < a->n_events; i++) ck_assert_int_eq(a->events[i].killed.best, U);
    dn_text_article_free(a);
}
END_TEST

/* ---- conversion ------------------------------------------------------------------------------ */

START_TEST(test_text__event_conversion)
{
    struct dn_text_article *a = fixture("reuters_bajaur.txt", "2020-11-05");
    struct dn_event ev, ev2;
    dn_event_init(&ev);
    dn_event_init(&ev2);
    ck_assert_int_eq(dn_text_event_to_event(ctx, a, 0, &ev), DN_OK);
    ck_assert_str_eq(ev.source_kind, "text");
    ck_assert_str_eq(ev.source, a->name);
    char ref[64];
    snprintf(ref, sizeof ref, "bytes %lld-%lld", a->events[0].span_start, a->events[0].span_end);
    ck_assert_str_eq(ev.source_ref, ref);
    ck_assert_str_eq(ev.date, "2020-11-03");
    ck_assert_int_eq(ev.date_precision, DN_DATE_DAY);
    ck_assert_str_eq(ev.type, "ied");
    ck_assert_str_eq(ev.place, "Bajaur");
    ck_assert_int_eq(ev.place_id, 22);
    ck_assert_str_eq(ev.country_hint, "PAK");
    ck_assert_int_eq(ev.fatalities, 5);
    ck_assert_int_eq(ev.injured, 3);
    ck_assert_ptr_null(ev.actor1);
    ck_assert_str_eq(ev.actor2, "Pakistani security forces");
    ck_assert_str_eq(ev.flags, "merged");
    /* "text:" + the article's hash + ":" + the event's */
    char prefix[48];
    ck_assert_int_eq(dn_text_article_uid_prefix(ctx, a, prefix, sizeof prefix), DN_OK);
    ck_assert_int_eq(strlen(prefix), 22);
    ck_assert_int_eq(strncmp(ev.uid, prefix, strlen(prefix)), 0);
    ck_assert_int_eq(strlen(ev.uid), 38);
    ck_assert_int_eq(strlen(ev.row_hash), 16);
    ck_assert_double_eq_tol(ev.confidence, a->events[0].confidence, 1e-12);
    /* "on Tuesday" dates the event, counted from the article date given */
    ck_assert_ptr_nonnull(strstr(ev.notes, "date: relative (article date 2020-11-05 from flag)"));
    /* the uid is stable across runs and differs between events */
    struct dn_text_article *b = fixture("reuters_bajaur.txt", "2020-11-05");
    ck_assert_int_eq(dn_text_event_to_event(ctx, b, 0, &ev2), DN_OK);
    ck_assert_str_eq(ev.uid, ev2.uid);
    ck_assert_str_eq(ev.row_hash, ev2.row_hash);
    ck_assert_int_eq(dn_text_event_to_event(ctx, b, 1, &ev2), DN_OK);
    ck_assert_str_ne(ev.uid, ev2.uid);
    ck_assert_int_eq(strncmp(ev2.uid, prefix, strlen(prefix)), 0); /* one article, one prefix */
    ck_assert_int_eq(dn_text_event_to_event(ctx, b, 2, &ev2), DN_ERR_RANGE);
    /* read with another article date, the same event has another reading */
    dn_text_article_free(b);
    b = fixture("reuters_bajaur.txt", "2020-11-12");
    ck_assert_int_eq(dn_text_event_to_event(ctx, b, 0, &ev2), DN_OK);
    ck_assert_str_eq(ev.uid, ev2.uid);
    ck_assert_str_eq(ev2.date, "2020-11-10");
    ck_assert_str_ne(ev.row_hash, ev2.row_hash);
    dn_event_clear(&ev);
    dn_event_clear(&ev2);
    dn_text_article_free(a);
    dn_text_article_free(b);
}
END_TEST

static dn_status convert_first(void *ud, const struct dn_text_article *a)
{
    struct dn_event *ev = ud;
    if (ev->uid || a->n_events == 0) return DN_OK;
    return dn_text_event_to_event(ctx, a, 0, ev);
}

START_TEST(test_text__jsonl_event_reference)
{
    struct dn_event ev;
    dn_event_init(&ev);
    struct dn_text_options o = {.finder = fake_place_finder};
    ck_assert_int_eq(dn_text_read_file(ctx, DN_TEST_DATA_DIR "/text/records.jsonl", &o, convert_first, &ev),
                     DN_ERR_PARTIAL);
    ck_assert_str_eq(ev.source, "https://example.org/peshawar-mosque");
    ck_assert_str_eq(ev.source_ref, "line 1 text bytes 0-174");
    ck_assert_int_eq(ev.fatalities, 81);
    ck_assert_int_eq(ev.fatalities_low, 81);
    ck_assert_int_eq(ev.fatalities_high, DN_COUNT_UNKNOWN);
    dn_event_clear(&ev);
}
END_TEST

/* ---- robustness ---------------------------------------------------------------------------- */

static dn_status count_articles(void *ud, const struct dn_text_article *a)
{
    (void)a;
    (*(int *)ud)++;
    return DN_OK;
}

START_TEST(test_text__bad_files_fail_clearly)
{
    char *dir = make_temp_dir();
    char path[1024];
    int n = 0;
    struct dn_text_options o = {0};

    snprintf(path, sizeof path, "%s/missing.txt", dir);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "missing.txt: cannot open"));

    ck_assert_int_eq(dn_text_read_file(ctx, dir, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "is a directory"));

    snprintf(path, sizeof path, "%s/empty.txt", dir);
    write_file(path, "  \n\n", 4);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "empty.txt: empty input"));

    snprintf(path, sizeof path, "%s/image.png", dir);
    write_file(path, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "image.png: binary data (NUL byte at offset 8)"));

    snprintf(path, sizeof path, "%s/controls.txt", dir);
    char ctl[400];
    for (size_t i = 0; i < sizeof ctl; i++) ctl[i] = (char)(i % 3 ? 'a' : 0x01);
    write_file(path, ctl, sizeof ctl);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "controls.txt: binary data (134 control bytes"));

    snprintf(path, sizeof path, "%s/utf16.txt", dir);
    write_file(path, "\xff\xfeH\0i\0", 6);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "utf16.txt: UTF-16 text is not supported"));

    snprintf(path, sizeof path, "%s/huge.txt", dir);
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 100LL * 1024 * 1024), 0); /* 100 MB, sparse */
    close(fd);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "huge.txt: too large for an article (104857600 bytes"));

    snprintf(path, sizeof path, "%s/markup.html", dir);
    write_file(path, "<html><script>var a = 1;</script></html>", 40);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "markup.html: no article text left"));

    snprintf(path, sizeof path, "%s/bad.jsonl", dir);
    write_file(path, "{\"text\": 5}\n[1,2]\n{\"text\": \"ok\"} x\n\n", 36);
    ck_assert_int_eq(dn_text_read_file(ctx, path, &o, count_articles, &n), DN_ERR_PARTIAL);
    ck_assert_ptr_nonnull(strstr(diag.err.data, "bad.jsonl:1: skipped: missing string member \"text\""));
    ck_assert_ptr_nonnull(strstr(diag.err.data, "bad.jsonl:2: skipped: not a JSON object"));
    ck_assert_ptr_nonnull(strstr(diag.err.data, "bad.jsonl:3: skipped: trailing characters"));
    ck_assert_int_eq(n, 0);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_text__lexicon_errors_name_file_and_line)
{
    char *dir = make_temp_dir();
    char path[1024];
    snprintf(path, sizeof path, "%s/event_types.tsv", dir);
    const char *types = "# test\ntype\tviolent\tpriority\tgroup\tform\tpattern\nattack\t1\t40\tattack\tsg\tattack\n"
                        "blast\t2\t40\tblast\tsg\tblast\n";
    write_file(path, types, strlen(types));
    struct dni_lexicon *lex = NULL;
    ck_assert_int_eq(dni_lexicon_load(ctx, dir, &lex), DN_ERR_GEODATA);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "event_types.tsv:4: violent must be 0 or 1, not '2'"));
    types = "type\tviolent\tpriority\tgroup\tform\tpattern\nattack\t1\t40\tattack\tsg\tattack\n";
    write_file(path, types, strlen(types));
    ck_assert_int_eq(dni_lexicon_load(ctx, dir, &lex), DN_ERR_GEODATA);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "actors.tsv: cannot open lexicon"));
    snprintf(path, sizeof path, "%s/actors.tsv", dir);
    write_file(path, "actor\tkind\tcountry\tpattern\nTTP\tarmed_group\tPAK\tttp\n", 48);
    ck_assert_int_eq(dni_lexicon_load(ctx, dir, &lex), DN_OK);
    ck_assert_int_eq(lex->n_types, 1);
    ck_assert_int_eq(lex->n_actors, 1);
    dni_lexicon_free(lex);
    /* through the context: a geodata dir without lexicons */
    ck_assert_int_eq(dni_set_geodata_dir(ctx, dir), DN_OK);
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, "t.txt", "A blast.", 8, NULL, &a), DN_ERR_GEODATA);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "/lexicons/event_types.tsv: cannot open lexicon"));
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_text__pathological_input_is_linear)
{
    /* unclosed tags, comments, entities, dots and long words: each pattern
     * would be quadratic with a naive scanner */
    const char *pieces[] = {"<a", "<!--", "&#", "a.a. ", "<script", "x", "\xe2\x80\x99", "May 1 "};
    size_t n = 2u * 1024u * 1024u;
    /* Check's own knob for slow runs (valgrind sets it: tests/CMakeLists.txt) */
    const char *mult = getenv("CK_TIMEOUT_MULTIPLIER");
    double limit = 20.0 * (mult && atof(mult) >= 1.0 ? atof(mult) : 1.0);
    for (size_t p = 0; p < DN_ARRAY_LEN(pieces); p++) {
        char *buf = malloc(n + 1);
        size_t pl = strlen(pieces[p]);
        for (size_t i = 0; i < n; i++) buf[i] = pieces[p][i % pl];
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        struct dn_text_article *a = NULL;
        dn_status s = dn_text_extract(ctx, "big.txt", buf, n, NULL, &a);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ck_assert_msg(secs < limit, "piece '%s' took %.1f s", pieces[p], secs);
        ck_assert(s == DN_OK || s == DN_ERR_INPUT);
        dn_text_article_free(a);
        free(buf);
    }
}
END_TEST

START_TEST(test_text__allocation_failures_are_reported)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/text/drone_khost.html", DN_TEST_DATA_DIR);
    size_t len;
    char *buf = slurp(path, &len);
    struct dn_text_options o = {.finder = fake_place_finder};
    /* load the lexicons first so every later allocation belongs to the extraction */
    struct dn_text_article *a = NULL;
    ck_assert_int_eq(dn_text_extract(ctx, path, buf, len, &o, &a), DN_OK);
    size_t want = a->n_events;
    a = dn_text_article_free(a);
    bool succeeded = false;
    for (long k = 1; k < 5000 && !succeeded; k++) {
        dni_alloc_fail_after(k);
        dn_status s = dn_text_extract(ctx, path, buf, len, &o, &a);
        dni_alloc_fail_after(0);
        if (s == DN_OK) {
            succeeded = true;
            ck_assert_int_eq(a->n_events, want);
            a = dn_text_article_free(a);
        } else {
            ck_assert_int_eq(s, DN_ERR_NOMEM);
            ck_assert_ptr_null(a);
        }
    }
    ck_assert(succeeded);
    free(buf);
}
END_TEST

START_TEST(test_text__flags_and_names)
{
    char buf[160];
    ck_assert_str_eq(dn_text_flags_format(DN_TEXT_F_DATE_ASSUMED | DN_TEXT_F_MERGED, buf, sizeof buf),
                     "date_assumed,merged");
    ck_assert_str_eq(dn_text_flags_format(0, buf, sizeof buf), "");
    ck_assert_str_eq(dn_text_date_source_name(DN_TEXT_DATE_NONE), "none");
    ck_assert_str_eq(dn_text_date_source_name(DN_TEXT_DATE_DATELINE), "dateline");
    struct dn_text_date d;
    ck_assert(dn_text_date_parse_iso("2024-02-29", &d));
    ck_assert(!dn_text_date_parse_iso("2023-02-29", &d));
    ck_assert(!dn_text_date_parse_iso("2023-1-01", &d));
}
END_TEST

Suite *make_text_suite(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("text");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_text__seed_article_acceptance);
    tcase_add_test(tc, test_text__fixture_reuters_dateline_without_year);
    tcase_add_test(tc, test_text__fixture_html_drone_strike);
    tcase_add_test(tc, test_text__fixture_windows_1252_is_converted_with_a_warning);
    tcase_add_test(tc, test_text__fixture_bom_clash_and_non_casualty_numbers);
    tcase_add_test(tc, test_text__fixture_wrapped_suicide_attack);
    tcase_add_test(tc, test_text__fixture_abbreviations_and_claims);
    tcase_add_test(tc, test_text__jsonl_records_and_rejects);
    tcase_add_test(tc, test_text__jsonl_rejects_go_to_the_callback);
    tcase_add_test(tc, test_text__clean_map_points_into_original);
    tcase_add_test(tc, test_text__clean_drops_tracking_and_boilerplate_lines);
    tcase_add_test(tc, test_text__clean_closing_tag_at_end_of_input);
    tcase_add_test(tc, test_text__sentences_respect_abbreviations);
    tcase_add_test(tc, test_text__sentences_are_capped);
    tcase_add_test(tc, test_text__dates_resolve_against_article_date);
    tcase_add_test(tc, test_text__datelines);
    tcase_add_test(tc, test_text__dateline_in_the_lead_dates_the_filing_not_the_event);
    tcase_add_test(tc, test_text__headline_and_its_lead_in_the_district_are_one_event);
    tcase_add_test(tc, test_text__a_semicolon_parts_two_incidents);
    tcase_add_test(tc, test_text__attribution_is_not_an_actor);
    tcase_add_test(tc, test_text__a_sentence_pointing_back_adds_to_the_incident);
    tcase_add_test(tc, test_text__fixture_days_after_clause_and_strikes_told_by_sayers);
    tcase_add_test(tc, test_text__its_forces_then_go_on_from_the_last_incident);
    tcase_add_test(tc, test_text__only_a_pointer_makes_the_named_group_the_actor);
    tcase_add_test(tc, test_text__headline_and_lead_on_two_records_of_one_place);
    tcase_add_test(tc, test_text__hours_later_is_that_day);
    tcase_add_test(tc, test_text__the_exchange_of_fire_and_no_casualties);
    tcase_add_test(tc, test_text__abductions);
    tcase_add_test(tc, test_text__the_strikes_point_back_at_the_strikes);
    tcase_add_test(tc, test_text__days_after_clause_first);
    tcase_add_test(tc, test_text__the_sayers_place_is_not_the_events);
    tcase_add_test(tc, test_text__article_date_sources);
    tcase_add_test(tc, test_text__dates_count_from_the_story_day);
    tcase_add_test(tc, test_text__weeks_give_the_month_not_a_made_up_day);
    tcase_add_test(tc, test_text__weekday_beside_a_date_is_that_date);
    tcase_add_test(tc, test_text__weekday_after_a_dated_sentence_counts_from_the_article);
    tcase_add_test(tc, test_text__fixture_colon_dateline_and_story_days);
    tcase_add_test(tc, test_text__fixture_article_without_a_date_is_undated);
    tcase_add_test(tc, test_text__fixture_meta_date_without_dateline);
    tcase_add_test(tc, test_text__casualty_counts);
    tcase_add_test(tc, test_text__casualty_counts_parts_ranges_titles_and_tolls);
    tcase_add_test(tc, test_text__casualty_scan_stays_inside_the_skip_mask);
    tcase_add_test(tc, test_text__number_words);
    tcase_add_test(tc, test_text__place_is_the_locus_of_the_action);
    tcase_add_test(tc, test_text__no_finder_means_no_place);
    tcase_add_test(tc, test_text__casualty_sentences_become_counted_events);
    tcase_add_test(tc, test_text__event_conversion);
    tcase_add_test(tc, test_text__jsonl_event_reference);
    tcase_add_test(tc, test_text__bad_files_fail_clearly);
    tcase_add_test(tc, test_text__lexicon_errors_name_file_and_line);
    tcase_add_test(tc, test_text__pathological_input_is_linear);
    tcase_add_test(tc, test_text__allocation_failures_are_reported);
    tcase_add_test(tc, test_text__flags_and_names);
    suite_add_tcase(s, tc);
    return s;
}

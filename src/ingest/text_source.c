/** @file text_source.c
 * Glue between the text extractor and the gazetteer and store.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "ingest/text_source.h"
#include "store/store.h"

static enum dn_text_place_kind kind_of(const struct dn_place *p)
{
    const char *k = p->kind ? p->kind : "";
    if (strcmp(k, "CROSSING") == 0) return DN_TEXT_PLACE_FEATURE;
    switch (p->precision) {
    case DN_PREC_COUNTRY: return DN_TEXT_PLACE_COUNTRY;
    case DN_PREC_PROVINCE: return DN_TEXT_PLACE_PROVINCE;
    case DN_PREC_DISTRICT: return DN_TEXT_PLACE_DISTRICT;
    default: break;
    }
    /* GeoNames: PPLX is a section of a populated place, i.e. a neighbourhood */
    if (strcmp(k, "PPLX") == 0) return DN_TEXT_PLACE_NEIGHBOURHOOD;
    return DN_TEXT_PLACE_TOWN;
}

static int specificity_of(enum dn_text_place_kind k)
{
    switch (k) {
    case DN_TEXT_PLACE_BORDER: return 0;
    case DN_TEXT_PLACE_COUNTRY: return 1;
    case DN_TEXT_PLACE_PROVINCE: return 2;
    case DN_TEXT_PLACE_DISTRICT: return 3;
    case DN_TEXT_PLACE_TOWN: return 4;
    case DN_TEXT_PLACE_NEIGHBOURHOOD: return 5;
    default: return 6;
    }
}

static bool is_upper_ascii(char c) { return c >= 'A' && c <= 'Z'; }

/* Capitalised words that may follow a place name and still leave it a place. */
static bool place_suffix(const char *w, size_t n)
{
    static const char *const words[] = {"Agency", "Airport", "Bazaar", "Border", "Camp", "Cantonment", "City",
                                        "Colony", "Crossing", "District", "Division", "Fort", "Market", "Pass",
                                        "Province", "Road", "Town", "Valley", "Village", "Tehsil", "Region"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncmp(words[i], w, n) == 0) return true;
    return false;
}

/* A Latin-script mention inside a longer run of capitalised words that the
 * gazetteer does not know as a whole is most likely part of another name:
 * "Muslim Khan", "Bilal Karimi", "General Faiz Hameed". */
static bool inside_proper_noun(const char *s, size_t len, size_t start, size_t end)
{
    if (!is_upper_ascii(s[start])) return false; /* Arabic script: no case to go by */
    size_t j = end;
    if (j < len && s[j] == ' ' && j + 1 < len && is_upper_ascii(s[j + 1])) {
        size_t k = j + 1;
        while (k < len && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z'))) k++;
        if (!place_suffix(s + j + 1, k - j - 1)) return true;
    }
    if (start >= 2 && s[start - 1] == ' ') {
        size_t k = start - 1;
        while (k > 0 && ((s[k - 1] >= 'a' && s[k - 1] <= 'z') || (s[k - 1] >= 'A' && s[k - 1] <= 'Z'))) k--;
        /* the first word of the sentence is capitalised anyway */
        if (k > 0 && is_upper_ascii(s[k])) {
            static const char *const function_words[] = {"In", "At", "Near", "From", "To", "On", "The", "And", "Of"};
            bool function_word = false;
            for (size_t i = 0; i < sizeof function_words / sizeof function_words[0]; i++)
                if (strlen(function_words[i]) == start - 1 - k && strncmp(function_words[i], s + k, start - 1 - k) == 0)
                    function_word = true;
            if (!function_word) return true;
        }
    }
    return false;
}

static dn_status find_places(void *ud, const char *sentence, size_t len, struct dn_text_mention *out, size_t cap,
                             size_t *n)
{
    struct dni_text_finder *f = ud;
    struct dn_mentions m = {0};
    struct dn_geocode_opts o = {.context_ids = f->context, .ncontext = f->ncontext};
    *n = 0;
    dn_status s = dn_gazetteer_find_mentions(f->ctx, sentence, len, &o, &m);
    for (size_t i = 0; s == DN_OK && i < m.count && *n < cap; i++) {
        const struct dn_mention *src = &m.items[i];
        if (inside_proper_noun(sentence, len, src->start, src->end)) continue;
        struct dn_text_mention *dst = &out[(*n)++];
        dst->start = src->start;
        dst->end = src->end;
        dst->place_id = src->place.id;
        dst->kind = kind_of(&src->place);
        dst->specificity = specificity_of(dst->kind);
        snprintf(dst->country, sizeof dst->country, "%s", src->place.country ? src->place.country : "");
        dst->name = src->place.name; /* owned by the context's gazetteer: outlives the article */
        dst->province = src->place.province;
        dst->district = src->place.district;
        /* a clear mention helps resolve the article's later ones */
        if ((src->ncandidates == 1 || src->confidence >= 0.7 || src->place.precision >= DN_PREC_DISTRICT) &&
            f->ncontext < sizeof f->context / sizeof f->context[0])
            f->context[f->ncontext++] = src->place.id;
    }
    dn_mentions_clear(&m);
    return s;
}

void dni_text_finder_setup(struct dni_text_finder *f, dn_ctx *ctx, struct dn_text_options *opts)
{
    f->ctx = ctx;
    f->ncontext = 0;
    opts->finder = find_places;
    opts->finder_ud = f;
}

void dni_text_finder_reset(struct dni_text_finder *f) { f->ncontext = 0; }

dn_status dni_text_store_article(dn_ctx *ctx, const struct dn_text_article *a, long long *id)
{
    char date[16];
    dn_text_date_format(&a->date, date, sizeof date);
    const char *source = a->url ? a->url : a->name;
    char *title = NULL;
    if (a->text) {
        /* the first line of the cleaned text is the headline in news pages */
        size_t n = strcspn(a->text, "\n");
        title = dn_strndup(a->text, n > 200 ? dn_utf8_floor(a->text, 200) : n); /* whole characters */
    }
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "INSERT INTO articles(source, url, title, date, date_source, ingested_at)"
                                " VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
                                " ON CONFLICT(source) DO UPDATE SET url = excluded.url, title = excluded.title,"
                                " date = excluded.date, date_source = excluded.date_source,"
                                " ingested_at = excluded.ingested_at RETURNING id",
                                &st);
    if (s == DN_OK) {
        sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
        if (a->url) sqlite3_bind_text(st, 2, a->url, -1, SQLITE_STATIC);
        if (title) sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
        if (date[0]) sqlite3_bind_text(st, 4, date, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, dn_text_date_source_name(a->date_source), -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
        else s = dni_fail_sqlite(ctx, "storing an article");
        sqlite3_reset(st);
    }
    dn_free(title);
    if (s == DN_OK) s = dn_store_stmt(ctx, "DELETE FROM mentions WHERE article_id = ?", &st);
    if (s == DN_OK) {
        sqlite3_bind_int64(st, 1, *id);
        if (sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "replacing article mentions");
        sqlite3_reset(st);
    }
    for (size_t i = 0; s == DN_OK && i < a->n_mentions; i++) {
        const struct dn_text_mention *m = &a->mentions[i];
        s = dn_store_stmt(ctx,
                          "INSERT INTO mentions(article_id, place_id, name, span_start, span_end) VALUES (?, ?, ?, ?, ?)",
                          &st);
        if (s != DN_OK) break;
        sqlite3_bind_int64(st, 1, *id);
        if (m->place_id) sqlite3_bind_int64(st, 2, m->place_id);
        sqlite3_bind_text(st, 3, m->surface ? m->surface : (m->name ? m->name : ""), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, m->orig_start);
        sqlite3_bind_int64(st, 5, m->orig_end);
        if (sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "storing a place mention");
        sqlite3_reset(st);
    }
    return s;
}

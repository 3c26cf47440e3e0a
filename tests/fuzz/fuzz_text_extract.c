/** @file fuzz_text_extract.c
 * libFuzzer target for the text module: the cleaner (markup, entities,
 * encodings, the byte map) and the whole extractor (sentences, dates,
 * casualties, lexicons, places through the fixture place finder).
 * The first input byte picks what runs; the rest is the article.
 * Checks beyond "no crash": every event's span lies inside the input and
 * every mapped span is ordered.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "fake_place_finder.h"
#include "text/text.h"
#include "text/text_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dn_ctx *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (!ctx) {
        if (dn_ctx_new(&ctx) != DN_OK) abort();
        dni_set_geodata_dir(ctx, DN_FUZZ_GEODATA);
    }
    uint8_t mode = data[0];
    const uint8_t *text = data + 1;
    size_t len = size - 1;
    if (mode & 1) {
        struct dni_text_cleaned c;
        enum dni_text_encoding enc = (mode & 2) ? DNI_ENC_CP1252 : DNI_ENC_UTF8;
        if (dni_text_clean(ctx, text, len, 0, enc, &c) == DN_OK) {
            for (size_t i = 0; i + 1 <= c.len; i += 7) {
                long long os, oe;
                dni_text_map_span(c.map, i, i + 1, &os, &oe);
                if (os < 0 || oe < os || (size_t)oe > len) abort();
            }
            dni_text_cleaned_free(&c);
        }
        return 0;
    }
    struct dn_text_options o = {.finder = (mode & 2) ? fake_place_finder : NULL,
                                .date = (mode & 4) ? "2022-05-19" : NULL};
    struct dn_text_article *a = NULL;
    if (dn_text_extract(ctx, "fuzz", (const char *)text, len, &o, &a) == DN_OK) {
        for (size_t i = 0; i < a->n_events; i++) {
            const struct dn_text_event *e = &a->events[i];
            if (e->span_start < 0 || e->span_end < e->span_start || (size_t)e->span_end > len) abort();
            if (strlen(e->excerpt) > DN_TEXT_MAX_EXCERPT) abort();
            struct dn_event ev;
            dn_event_init(&ev);
            if (dn_text_event_to_event(ctx, a, i, &ev) != DN_OK) abort();
            dn_event_clear(&ev);
        }
        dn_text_article_free(a);
    }
    return 0;
}

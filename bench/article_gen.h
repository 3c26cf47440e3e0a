/** @file article_gen.h
 * Deterministic generator of ~6 KB news-style articles about incidents along
 * the Afghanistan–Pakistan border, for bench_articles. The sentences are
 * templates written for the benchmark; the place names in them (towns,
 * districts, provinces, border crossings) are drawn from the gazetteer of
 * an initialised durand store, so the real place finder meets real names
 * (and namesakes). Article i is the same for the same store and index.
 */
#ifndef DN_BENCH_ARTICLE_GEN_H
#define DN_BENCH_ARTICLE_GEN_H

#include <stddef.h>

#include "core/core.h"
#include "durand.h"

/** One town with the district and province it lies in. Strings owned by the pool. */
struct ag_town {
    char *name, *district, *province, *country;
};

/** Names drawn from the store. Zero-initialise; free with ag_pool_free. */
struct ag_pool {
    struct ag_town *towns;
    size_t ntowns;
    struct ag_town *districts; /**< name = district, province and country set */
    size_t ndistricts;
    char **crossings;
    size_t ncrossings;
};

/** How an article is written. */
enum ag_kind {
    AG_PLAIN = 0, /**< plain text with a dateline */
    AG_HTML       /**< a web page: head, <meta> date, scripts, navigation, paragraphs, entities */
};

/** One generated article. Strings owned by the caller (ag_article_free). */
struct ag_article {
    enum ag_kind kind;
    char date[11];        /**< the article date, YYYY-MM-DD */
    char url[96];         /**< https://example.org/news/<index> */
    struct dn_strbuf body; /**< the article's bytes */
};

/** Read the name pool from the open store of `ctx` (towns and villages of
 * Afghanistan and Pakistan, their districts, provinces and the border
 * crossings). Returns DN_OK or the store's error. */
dn_status ag_pool_load(dn_ctx *ctx, struct ag_pool *pool);
void ag_pool_free(struct ag_pool *pool);

/** Write article `index` (about `size` bytes) into `out` (initialised by the
 * caller, body reset here). Returns false when out of memory. */
bool ag_article_make(const struct ag_pool *pool, unsigned long index, size_t size, struct ag_article *out);
void ag_article_free(struct ag_article *a);

#endif

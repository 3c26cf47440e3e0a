/** @file text_source.h
 * News articles in the ingest run: the gazetteer as the text module's place
 * finder, and the article with its place mentions in the store.
 */
#ifndef DN_INGEST_TEXT_SOURCE_H
#define DN_INGEST_TEXT_SOURCE_H

#include "durand.h"
#include "text/text.h"

/** The gazetteer as a place finder, remembering the places already named in
 * the article so that later mentions resolve near them ("Mir Ali" after
 * "North Waziristan" is the North Waziristan one). Zero-initialise. */
struct dni_text_finder {
    dn_ctx *ctx;
    long long context[64]; /**< place ids named clearly so far in this article */
    size_t ncontext;
};

/** Point `opts` at the finder `f` (which must outlive the read). */
void dni_text_finder_setup(struct dni_text_finder *f, dn_ctx *ctx, struct dn_text_options *opts);
/** Forget the article's places (call between articles). */
void dni_text_finder_reset(struct dni_text_finder *f);

/** Store an article row (replacing an earlier ingest of the same source)
 * and its place mentions; runs in the caller's transaction.
 * @param id receives the article's row id. */
dn_status dni_text_store_article(dn_ctx *ctx, const struct dn_text_article *a, long long *id);

#endif

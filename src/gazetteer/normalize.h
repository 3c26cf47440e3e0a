/** @file normalize.h
 * Place-name normalisation: the lookup key of a name. The same function
 * builds the keys stored with the gazetteer and the keys of queries, so a
 * change here changes DN_NAME_KEY_VERSION and makes `durand init` reload.
 *
 * The key is built in two steps that the mention finder also runs
 * separately (it folds a whole article once, then keys runs of its words):
 * dni_fold_cp() maps one code point to its key characters, and
 * dni_key_finish() applies the word-level rules to a run of folded words.
 */
#ifndef DN_GAZETTEER_NORMALIZE_H
#define DN_GAZETTEER_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/** Bump whenever dn_name_key's output changes for any input. */
#define DN_NAME_KEY_VERSION "2"

/** Longest name accepted (bytes); longer input is DN_ERR_INPUT. */
#define DN_NAME_MAX 512

/** The lookup key of a name: Unicode compatibility-decomposed, case-folded,
 * diacritics and Arabic harakat stripped, Arabic-script letter variants
 * unified (ي/ى/ې/ۍ → ی, ك → ک, ة/ہ/ھ → ه, Pashto ټ ډ ړ ګ ڼ ږ → Urdu/Persian
 * forms), Arabic-Indic digits → ASCII, apostrophes and tatweel dropped,
 * other punctuation → one space, runs of single Latin letters joined
 * ("D.I. Khan" → "di khan"), and a leading one-letter compass point
 * expanded ("N. Waziristan" → "north waziristan").
 * @param in  UTF-8 text of `len` bytes (need not be NUL-terminated).
 * @param out receives the key (reset first); caller owns the buffer.
 * @return DN_OK; DN_ERR_INPUT for invalid UTF-8, NUL bytes or over-long
 * input (message in ctx when ctx is not NULL); DN_ERR_NOMEM. An input with no
 * letters or digits gives an empty key and DN_OK. */
dn_status dn_name_key(dn_ctx *ctx, const char *in, size_t len, struct dn_strbuf *out);

/** What one code point contributes to a key. */
enum dni_fold_kind {
    DNI_FOLD_WORD,  /**< letters/digits: `out` holds 1..n code points */
    DNI_FOLD_SKIP,  /**< nothing (apostrophes, marks, ignorables) */
    DNI_FOLD_BREAK  /**< a word boundary (space, punctuation, symbols) */
};

/** Fold one code point. `out` must hold DNI_FOLD_MAX code points; `*n`
 * receives how many were written (0 unless DNI_FOLD_WORD). */
#define DNI_FOLD_MAX 18
enum dni_fold_kind dni_fold_cp(int32_t c, int32_t *out, size_t *n);

/** Word-level rules on a key made of folded words separated by single
 * spaces (no leading/trailing space): joins runs of one-letter Latin words
 * and expands a leading compass letter. Rewrites `key` in place (it may
 * grow by a few bytes). Returns false on allocation failure. */
bool dni_key_finish(struct dn_strbuf *key);

#endif

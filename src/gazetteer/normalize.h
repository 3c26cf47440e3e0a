/** @file normalize.h
 * Place-name normalisation: the lookup key of a name. The same function
 * builds the keys stored with the gazetteer and the keys of queries, so a
 * change here changes DN_NAME_KEY_VERSION and makes `durand init` reload.
 */
#ifndef DN_GAZETTEER_NORMALIZE_H
#define DN_GAZETTEER_NORMALIZE_H

#include <stddef.h>

#include "core/core.h"

/** Bump whenever dn_name_key's output changes for any input. */
#define DN_NAME_KEY_VERSION "1"

/** Longest name accepted (bytes); longer input is DN_ERR_INPUT. */
#define DN_NAME_MAX 512

/** The lookup key of a name: Unicode compatibility-composed, case-folded,
 * diacritics and Arabic harakat stripped, Arabic-script letter variants
 * unified (ي/ى/ې/ۍ → ی, ك → ک, ة/ہ/ھ → ه), Arabic-Indic digits → ASCII,
 * apostrophes and tatweel dropped, other punctuation → one space, runs of
 * single Latin letters joined ("D.I. Khan" → "di khan").
 * @param in  UTF-8 text of `len` bytes (need not be NUL-terminated).
 * @param out receives the key (reset first); caller owns the buffer.
 * @return DN_OK; DN_ERR_INPUT for invalid UTF-8, NUL bytes or over-long
 * input (message in ctx when ctx is not NULL); DN_ERR_NOMEM. An input with no
 * letters or digits gives an empty key and DN_OK. */
dn_status dn_name_key(dn_ctx *ctx, const char *in, size_t len, struct dn_strbuf *out);

#endif

/** @file encoding.h
 * Text encoding helpers for ingest: strict UTF-8 validation and
 * Windows-1252 → UTF-8 conversion. Pure functions; no allocation except
 * through the caller's dn_strbuf.
 */
#ifndef DN_INGEST_ENCODING_H
#define DN_INGEST_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

/** True when `s[0..n)` is well-formed UTF-8 (no overlongs, surrogates or
 * code points above U+10FFFF). On false, *bad_at (if not NULL) receives the
 * offset of the first offending byte. NUL bytes count as valid. */
bool dni_utf8_valid(const char *s, size_t n, size_t *bad_at);

/** Append `s[0..n)` read as Windows-1252 to `out` as UTF-8. The five bytes
 * Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) become U+FFFD.
 * Returns false on allocation failure (out->failed is then set). */
bool dni_cp1252_to_utf8(const char *s, size_t n, struct dn_strbuf *out);

#endif /* DN_INGEST_ENCODING_H */

/** @file hash.h
 * FNV-1a 64-bit hashing: stable across runs and platforms, for content
 * fingerprints (geodata version, row hashes, event uids). Not cryptographic.
 */
#ifndef DN_HASH_H
#define DN_HASH_H

#include <stddef.h>
#include <stdint.h>

#define DN_HASH_INIT UINT64_C(0xcbf29ce484222325)

/** Continue hashing `len` bytes onto `h` (start with DN_HASH_INIT). */
uint64_t dn_hash_bytes(uint64_t h, const void *data, size_t len);
/** Hash a NUL-terminated string onto `h`; NULL hashes like "". */
uint64_t dn_hash_str(uint64_t h, const char *s);
/** Format as 16 lowercase hex digits into out[17]. */
void dn_hash_hex(uint64_t h, char out[17]);

#endif

/** @file hash.c
 * FNV-1a 64: the row hash and content uid of ingested events. Chosen because
 * it is tiny, public-domain, stable across platforms and versions (uids
 * are stored and compared across runs), and fast enough for 1M rows/s; it is
 * not meant to resist deliberate collisions.
 */
#include "ingest/parse.h"

uint64_t dn_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

void dn_hash_hex(uint64_t h, char out[17])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4) out[i] = digits[h & 15];
    out[16] = '\0';
}

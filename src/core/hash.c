/** @file hash.c
 * FNV-1a 64.
 */
#include "core/hash.h"

uint64_t dn_hash_bytes(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t dn_hash_str(uint64_t h, const char *s)
{
    if (!s) return h;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

void dn_hash_hex(uint64_t h, char out[17])
{
    /* "%016llx" without printf's machinery: one call a row of every file */
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4) out[i] = digits[h & 0xF];
    out[16] = '\0';
}

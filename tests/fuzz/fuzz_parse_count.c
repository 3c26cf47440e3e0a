/** @file fuzz_parse_count.c
 * libFuzzer target for the number parsers: dn_parse_count, dn_parse_coord
 * and dn_is_missing. Checks the documented invariants of every accepted
 * value (ordering of low/best/high, the count cap, coordinate ranges).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    int best, low, high;
    unsigned flags;
    if (dn_parse_count(s, &best, &low, &high, &flags) == DN_OK) {
        if (best == DN_COUNT_UNKNOWN) {
            if (low != DN_COUNT_UNKNOWN || high != DN_COUNT_UNKNOWN || !dn_is_missing(s)) abort();
        } else {
            if (low < 0 || best < low || best > DN_COUNT_MAX) abort();
            if (high != DN_COUNT_UNKNOWN && (high < best || high > DN_COUNT_MAX)) abort();
        }
    }
    for (int lat = 0; lat <= 1; lat++) {
        double v;
        if (dn_parse_coord(s, lat, &v) == DN_OK && (!isfinite(v) || fabs(v) > (lat ? 90.0 : 180.0))) abort();
    }
    free(s);
    return 0;
}

/** @file fuzz_parse_date.c
 * libFuzzer target for dn_parse_date and dn_date_order_evidence. Besides
 * memory errors it checks a property: every accepted date comes out as a
 * valid "YYYY-MM-DD" that parses back to itself.
 */
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
    static const enum dn_date_order orders[] = {DN_DATE_ORDER_AUTO, DN_DATE_ORDER_DMY, DN_DATE_ORDER_MDY};
    for (size_t i = 0; i < 3; i++) {
        char iso[11];
        enum dn_date_precision prec;
        if (dn_parse_date(s, orders[i], iso, &prec) != DN_OK) continue;
        if (strlen(iso) != 10 || prec < DN_DATE_DAY || prec > DN_DATE_YEAR) abort();
        char again[11];
        enum dn_date_precision p2;
        if (dn_parse_date(iso, orders[i], again, &p2) != DN_OK || strcmp(iso, again) != 0 || p2 != DN_DATE_DAY)
            abort();
    }
    int ev = dn_date_order_evidence(s);
    if (ev < -1 || ev > 1) abort();
    free(s);
    return 0;
}

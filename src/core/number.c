/** @file number.c
 * Numbers given on a command line (see core.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"

bool dn_parse_number(const char *text, const char *unit, double *out)
{
    char *end;
    errno = 0;
    while (isspace((unsigned char)*text)) text++;
    /* decimal only: strtod would read "0x22" as 34 and "inf"/"nan" as numbers */
    const char *digits = text + (*text == '+' || *text == '-');
    if (!isdigit((unsigned char)digits[0]) && !(digits[0] == '.' && isdigit((unsigned char)digits[1]))) return false;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) return false;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || !isfinite(v)) return false;
    while (isspace((unsigned char)*end)) end++;
    size_t n = unit ? strlen(unit) : 0;
    if (n && strncasecmp(end, unit, n) == 0) {
        end += n;
        while (isspace((unsigned char)*end)) end++;
    }
    if (*end) return false;
    *out = v;
    return true;
}

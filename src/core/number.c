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

double dn_strtod_decimal(const char *s, char **end)
{
    const char *p = s;
    while (isspace((unsigned char)*p)) p++;
    p += (*p == '+' || *p == '-');
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        *end = (char *)s;
        return 0.0;
    }
    return strtod(s, end);
}

bool dn_parse_number(const char *text, const char *unit, double *out)
{
    char *end;
    errno = 0;
    while (isspace((unsigned char)*text)) text++;
    /* digits first: "inf" and "nan" are no numbers here */
    const char *digits = text + (*text == '+' || *text == '-');
    if (!isdigit((unsigned char)digits[0]) && !(digits[0] == '.' && isdigit((unsigned char)digits[1]))) return false;
    double v = dn_strtod_decimal(text, &end);
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

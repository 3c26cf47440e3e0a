/** @file bands.c
 * Border-zone bands: distance edges in km and their labels.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "border/border_internal.h"

size_t dn_border_band_index(const double *edges_km, size_t n, double km)
{
    size_t i = 0;
    while (i < n && km >= edges_km[i]) i++;
    return i;
}

void dn_border_band_label_of(const double *edges_km, size_t n, size_t i, char *buf, size_t cap)
{
    if (n == 0) snprintf(buf, cap, "all");
    else if (i == 0) snprintf(buf, cap, "0-%g", edges_km[0]);
    else if (i >= n) snprintf(buf, cap, ">%g", edges_km[n - 1]);
    else snprintf(buf, cap, "%g-%g", edges_km[i - 1], edges_km[i]);
}

static void make_labels(struct dni_bands *bands)
{
    for (size_t i = 0; i <= bands->n; i++)
        dn_border_band_label_of(bands->edge_km, bands->n, i, bands->label[i], sizeof bands->label[i]);
}

void dni_bands_default(struct dni_bands *bands)
{
    static const double edges[] = {10, 25, 50, 100};
    bands->n = DN_ARRAY_LEN(edges);
    memcpy(bands->edge_km, edges, sizeof edges);
    make_labels(bands);
}

/* The checks dn_border_set_bands and dn_border_bands_parse share. */
static dn_status check_edges(dn_ctx *ctx, const double *edges_km, size_t n)
{
    if (n == 0 || n > DNI_MAX_BANDS)
        return dni_fail(ctx, DN_ERR_USAGE, "--bands: give 1 to %d distances in km, e.g. 10,25,50,100", DNI_MAX_BANDS);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(edges_km[i]) || edges_km[i] <= 0 || edges_km[i] > 1e5)
            return dni_fail(ctx, DN_ERR_USAGE, "--bands: %g is not a distance in km above 0", edges_km[i]);
        if (i && edges_km[i] <= edges_km[i - 1])
            return dni_fail(ctx, DN_ERR_USAGE, "--bands: distances must increase (%g after %g)", edges_km[i],
                            edges_km[i - 1]);
    }
    return DN_OK;
}

dn_status dn_border_set_bands(dn_ctx *ctx, const double *edges_km, size_t n)
{
    dn_status s = check_edges(ctx, edges_km, n);
    if (s != DN_OK) return s;
    struct dni_border *b = NULL;
    if ((s = dni_border_state(ctx, &b)) != DN_OK) return s;
    b->bands.n = n;
    memcpy(b->bands.edge_km, edges_km, n * sizeof *edges_km);
    make_labels(&b->bands);
    return DN_OK;
}

dn_status dn_border_bands_parse(dn_ctx *ctx, const char *spec, double *edges_km, size_t *n)
{
    *n = 0;
    const char *p = spec;
    for (;;) {
        while (*p == ' ') p++;
        char *end;
        errno = 0;
        double v = dn_strtod_decimal(p, &end);
        const char *stop = end;
        while (*stop == ' ') stop++;
        if (end == p || errno == ERANGE || (*stop != ',' && *stop != '\0')) {
            size_t len = strcspn(p, ",");
            return dni_fail(ctx, DN_ERR_USAGE, "--bands: '%.*s' is not a number (expected e.g. 10,25,50,100)", (int)len,
                            p);
        }
        if (*n == DNI_MAX_BANDS)
            return dni_fail(ctx, DN_ERR_USAGE, "--bands: at most %d distances", DNI_MAX_BANDS);
        edges_km[(*n)++] = v;
        if (*stop == '\0') break;
        p = stop + 1;
    }
    return check_edges(ctx, edges_km, *n);
}

dn_status dn_border_parse_bands(dn_ctx *ctx, const char *spec)
{
    double edges[DNI_MAX_BANDS];
    size_t n = 0;
    dn_status s = dn_border_bands_parse(ctx, spec, edges, &n);
    return s == DN_OK ? dn_border_set_bands(ctx, edges, n) : s;
}

size_t dn_border_band_count(dn_ctx *ctx)
{
    struct dni_border *b = NULL;
    return dni_border_state(ctx, &b) == DN_OK ? b->bands.n + 1 : 0;
}

const char *dn_border_band_label(dn_ctx *ctx, size_t i)
{
    struct dni_border *b = NULL;
    if (dni_border_state(ctx, &b) != DN_OK || i > b->bands.n) return NULL;
    return b->bands.label[i];
}

/** @file fuzz_geocode.c
 * libFuzzer target for the geocoder's lookup path on a small gazetteer:
 * the test GeoPackage (tests/data/mini-geodata) loaded once into an
 * in-memory store. The input is "NAME\0COUNTRY\0PROVINCE\0DISTRICT" (later
 * parts optional; the first byte picks the options); the name goes through
 * dn_geocode (exact, variant and fuzzy lookup, hints, scoring) and the
 * whole input through dn_gazetteer_find_mentions. Checks beyond "no crash":
 * statuses and confidences are in range, a resolved result names a place,
 * and every mention's span lies inside the text.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "geodata/geodata.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dn_ctx *ctx; /* one per process: loading the gazetteer per input would dominate */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (dn_ctx_new(&ctx) != DN_OK || dni_set_geodata_dir(ctx, DN_FUZZ_MINI_GEODATA) != DN_OK ||
        dn_store_open(ctx, ":memory:", DN_STORE_CREATE) != DN_OK || dn_geodata_load(ctx, false, NULL) != DN_OK ||
        dn_gazetteer_load(ctx, NULL) != DN_OK)
        abort();
    return 0;
}

static bool unit_interval(double v) { return v >= 0.0 && v <= 1.0; }

static void check_place(const struct dn_place *p)
{
    if (!p->name || !isfinite(p->lon) || !isfinite(p->lat) || fabs(p->lon) > 180 || fabs(p->lat) > 90) abort();
    if (!(p->radius_km >= 0)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t mode = data[0];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;

    /* NAME, then up to three NUL-separated hints */
    const char *part[4] = {NULL, NULL, NULL, NULL};
    size_t plen[4] = {0, 0, 0, 0};
    char *copy = malloc(len + 1);
    if (!copy) return 0;
    memcpy(copy, text, len);
    copy[len] = '\0';
    size_t np = 0;
    for (size_t at = 0; np < 4 && at <= len; np++) {
        part[np] = copy + at;
        plen[np] = strnlen(copy + at, len - at);
        at += plen[np] + 1;
    }
    struct dn_geocode_opts o = {
        .country = (mode & 1) && np > 1 ? part[1] : NULL,
        .province = (mode & 2) && np > 2 ? part[2] : NULL,
        .district = (mode & 4) && np > 3 ? part[3] : NULL,
        .has_near = (mode & 8) != 0,
        .near_lon = 69.0 + (mode >> 4) * 0.3,
        .near_lat = 33.0 + (mode >> 4) * 0.2,
        .max_alternatives = (mode >> 5) & 3,
        .alternatives_given = (mode & 0x80) != 0,
    };

    struct dn_geocode_result r = {0};
    dn_status s = dn_geocode(ctx, part[0], plen[0], &o, &r);
    if (s == DN_OK) {
        if (r.status > DN_GEOCODE_UNRESOLVED || !unit_interval(r.confidence)) abort();
        if (r.status != DN_GEOCODE_UNRESOLVED) check_place(&r.place);
        if (r.nalternatives && !r.alternatives) abort();
        for (size_t i = 0; i < r.nalternatives; i++) {
            check_place(&r.alternatives[i].place);
            if (!unit_interval(r.alternatives[i].score)) abort();
        }
    } else if (s != DN_ERR_INPUT) {
        abort(); /* the store is fine: only the name can be wrong */
    }
    dn_geocode_result_clear(&r);
    dni_clear_error(ctx);

    struct dn_mentions m = {0};
    if (dn_gazetteer_find_mentions(ctx, text, len, (mode & 1) ? &o : NULL, &m) == DN_OK) {
        for (size_t i = 0; i < m.count; i++) {
            const struct dn_mention *x = &m.items[i];
            if (x->start >= x->end || x->end > len || !x->surface || !unit_interval(x->confidence)) abort();
            if (i && x->start < m.items[i - 1].end) abort(); /* mentions do not overlap */
            check_place(&x->place);
        }
    }
    dn_mentions_clear(&m);
    dni_clear_error(ctx);
    free(copy);
    return 0;
}

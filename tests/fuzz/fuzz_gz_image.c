/** @file fuzz_gz_image.c
 * libFuzzer target for the reader of the gazetteer index's image
 * (src/gazetteer/image.c), which reads bytes from the store file. The
 * image of the small test gazetteer (tests/data/mini-geodata) is made once;
 * each input edits it: every 5 bytes are a position (4 bytes, taken modulo
 * the image's length) and a byte to XOR there, and a last odd byte cuts
 * that many bytes off the end. Whatever decodes must then be usable: it
 * is installed and looked up (names, fuzzy names, mentions), and each
 * result checked to be in range. Otherwise decoding must fail with
 * DN_ERR_INPUT, never crash or loop.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/gz_internal.h"
#include "geodata/geodata.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dn_ctx *ctx;
static unsigned char *image;
static size_t image_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct gz_index *ix;
    if (dn_ctx_new(&ctx) != DN_OK || dni_set_geodata_dir(ctx, DN_FUZZ_MINI_GEODATA) != DN_OK ||
        dn_store_open(ctx, ":memory:", DN_STORE_CREATE) != DN_OK || dn_geodata_load(ctx, false, NULL) != DN_OK ||
        dni_gz_index_build(ctx, &ix) != DN_OK || dni_gz_image_encode(ctx, ix, &image, &image_len) != DN_OK)
        abort();
    dni_gz_index_free(ix);
    return 0;
}

static void check_result(const struct dn_geocode_result *r)
{
    if (r->confidence < 0 || r->confidence > 1 || isnan(r->confidence)) abort();
    if (r->status != DN_GEOCODE_UNRESOLVED && (!r->place.name || !isfinite(r->place.lon) || !isfinite(r->place.lat)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *edited = malloc(image_len);
    if (!edited) return 0;
    memcpy(edited, image, image_len);
    size_t len = image_len;
    for (size_t i = 0; i + 5 <= size; i += 5) {
        uint32_t at;
        memcpy(&at, data + i, 4);
        edited[at % image_len] ^= data[i + 4];
    }
    if (size % 5) len -= data[size - 1] < len ? data[size - 1] : len;

    struct gz_index *ix = dn_calloc(1, sizeof *ix);
    if (!ix) abort();
    ix->image_epoch = -1;
    dn_status s = dni_gz_image_decode(ctx, edited, len, ix);
    free(edited);
    if (s != DN_OK) {
        if (s != DN_ERR_INPUT && s != DN_ERR_NOMEM) abort();
        dni_gz_index_free(ix);
        return 0;
    }
    if (dni_gz_index_install(ctx, ix) != DN_OK) abort(); /* the index is ctx's now */
    static const char *const names[] = {"Zhob", "Urgun", "Asadabad", "Torkham", "Ghulam Khan", "Zhobb", "Kunar", "X"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        struct dn_geocode_result r = {0};
        if (dn_geocode(ctx, names[i], strlen(names[i]), NULL, &r) == DN_OK) check_result(&r);
        dn_geocode_result_clear(&r);
        dni_clear_error(ctx);
    }
    static const char text[] = "Clashes near Urgun and Zhob in Balochistan, then at Torkham and in Asadabad.";
    struct dn_mentions m = {0};
    if (dn_gazetteer_find_mentions(ctx, text, sizeof text - 1, NULL, &m) == DN_OK) {
        for (size_t i = 0; i < m.count; i++) {
            const struct dn_mention *x = &m.items[i];
            if (x->start >= x->end || x->end > sizeof text - 1 || !x->surface || x->confidence < 0 || x->confidence > 1)
                abort();
        }
    }
    dn_mentions_clear(&m);
    dni_clear_error(ctx);
    dn_gazetteer_invalidate(ctx);
    return 0;
}

/** @file geodata_fixture.c
 * The shared geodata database of the unit tests: the store CTest's
 * geodata_db fixture built (DN_TEST_GEODATA_DB), or one built here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <gdal.h>

#include "geodata/geodata.h"
#include "geodata_fixture.h"
#include "store/store.h"
#include "testutil.h"

struct built {
    char *dir;
    char db[600];
    pid_t owner;
};

static struct built with_places, without_places;

static void cleanup(void)
{
    struct built *b[] = {&with_places, &without_places};
    for (size_t i = 0; i < 2; i++) {
        if (b[i]->dir && b[i]->owner == getpid()) remove_tree(b[i]->dir);
        free(b[i]->dir);
        b[i]->dir = NULL;
    }
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    ck_assert_msg(in != NULL, "cannot open %s (the shipped geodata)", from);
    FILE *out = fopen(to, "wb");
    ck_assert_ptr_nonnull(out);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
    fclose(in);
    ck_assert_int_eq(fclose(out), 0);
}

static void build(struct built *b, bool places)
{
    b->dir = make_temp_dir();
    b->owner = getpid();
    snprintf(b->db, sizeof b->db, "%s/geodata.sqlite", b->dir);
    dn_ctx *ctx = NULL;
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    if (!places) {
        /* a copy of the GeoPackage with an empty gazetteer */
        char *src = dn_geodata_path(ctx, DN_GEODATA_FILE);
        char dst[700];
        snprintf(dst, sizeof dst, "%s/%s", b->dir, DN_GEODATA_FILE);
        copy_file(src, dst);
        dn_free(src);
        GDALAllRegister();
        GDALDatasetH ds = GDALOpenEx(dst, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
        ck_assert_ptr_nonnull(ds);
        OGRLayerH res = GDALDatasetExecuteSQL(ds, "DELETE FROM places", NULL, NULL);
        if (res) GDALDatasetReleaseResultSet(ds, res);
        GDALClose(ds);
        ck_assert_int_eq(dni_set_geodata_dir(ctx, b->dir), DN_OK);
    }
    ck_assert_int_eq(dn_store_open(ctx, b->db, DN_STORE_CREATE), DN_OK);
    dn_status s = dn_geodata_load(ctx, false, NULL);
    ck_assert_msg(s == DN_OK, "loading the geodata: %s", dn_ctx_errmsg(ctx));
    dn_ctx_free(ctx);
    static bool registered;
    if (!registered) atexit(cleanup);
    registered = true;
}

const char *geodata_db(bool places)
{
    /* `durand init` of the shipped geodata, run once per ctest run outside
     * any wrapper: loading it in-process takes minutes under valgrind */
    const char *shared = getenv("DN_TEST_GEODATA_DB");
    if (shared && *shared) return shared;
    struct built *b = places ? &with_places : &without_places;
    if (!b->dir) build(b, places);
    return b->db;
}

dn_ctx *geodata_ctx(bool places)
{
    const char *db = geodata_db(places);
    dn_ctx *ctx = NULL;
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    dn_status s = dn_store_open(ctx, db, DN_STORE_READONLY);
    ck_assert_msg(s == DN_OK, "opening %s: %s", db, dn_ctx_errmsg(ctx));
    return ctx;
}

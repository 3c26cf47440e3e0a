/** @file test_gz_image.c
 * The gazetteer index's image in the store (src/gazetteer/image.c): it is
 * the index built from the tables, field for field; a command reads it
 * instead of building; any change to the tables drops it; an image of
 * other code, of an older epoch or damaged is never used; a reader opens a
 * store made before it. Part of the gazetteer suite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "gazetteer/gazetteer.h"
#include "gazetteer/gz_internal.h"
#include "geodata/geodata.h"
#include "geodata_fixture.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

static dn_ctx *ctx;
static char *dir;
static char db[600];

/* A store of the mini geodata, loaded without an image (`durand init`
 * would save one: the cases here make their own). */
static void setup(void)
{
    dir = make_temp_dir();
    snprintf(db, sizeof db, "%s/image.sqlite", dir);
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dni_set_geodata_dir(ctx, DN_TEST_MINI_GEODATA), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_geodata_load(ctx, false, NULL), DN_OK);
}

static void teardown(void)
{
    ctx = dn_ctx_free(ctx);
    remove_tree(dir);
    free(dir);
    unsetenv("DURAND_NO_GAZETTEER_IMAGE");
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* Two indexes hold the same areas, places, keys and postings. */
static void assert_same_index(const struct gz_index *a, const struct gz_index *b)
{
    ck_assert_uint_eq(a->nareas, b->nareas);
    for (size_t i = 0; i < a->nareas; i++) {
        const struct gz_area *x = &a->areas[i], *y = &b->areas[i];
        ck_assert(x->id == y->id && x->level == y->level && x->historical == y->historical);
        ck_assert_str_eq(x->country, y->country);
        ck_assert(same_str(x->name, y->name) && same_str(x->code, y->code) && same_str(x->parent_name, y->parent_name));
        ck_assert(x->place == y->place && x->parent == y->parent);
        ck_assert(memcmp(&x->area_km2, &y->area_km2, sizeof x->area_km2) == 0); /* NaN too */
    }
    ck_assert_uint_eq(a->nplaces, b->nplaces);
    for (size_t i = 0; i < a->nplaces; i++) {
        const struct gz_place *x = &a->places[i], *y = &b->places[i];
        ck_assert_msg(x->id == y->id && same_str(x->name, y->name) && same_str(x->kind, y->kind) &&
                          same_str(x->province, y->province) && same_str(x->district, y->district),
                      "place %zu: %s", i, x->name);
        ck_assert_str_eq(x->country, y->country);
        ck_assert(x->lon == y->lon && x->lat == y->lat && x->population == y->population);
        ck_assert(x->area == y->area && x->district_area == y->district_area && x->province_area == y->province_area);
        ck_assert(x->cls == y->cls && x->crossing == y->crossing && x->prominence == y->prominence);
        ck_assert_int_eq(dni_gz_place_index(b, x->id), dni_gz_place_index(a, x->id));
    }
    ck_assert_uint_eq(a->nposts, b->nposts);
    for (size_t i = 0; i < a->nposts; i++) {
        const struct gz_post *x = &a->posts[i], *y = &b->posts[i];
        ck_assert(x->place == y->place && x->next == y->next && x->quality == y->quality && x->rank == y->rank);
    }
    ck_assert_uint_eq(a->nslots_used, b->nslots_used);
    for (size_t i = 0; i <= a->slotmask; i++) {
        const struct gz_slot *x = &a->slots[i];
        if (!x->key) continue;
        const struct gz_slot *y = dni_gz_find(b, x->key, x->len, x->hash);
        ck_assert_msg(y != NULL, "key '%.*s' missing", (int)x->len, x->key);
        ck_assert(y->head == x->head && y->last_place == x->last_place && y->flags == x->flags &&
                  y->ntokens == x->ntokens);
    }
    ck_assert(a->nnames == b->nnames && a->nskipped == b->nskipped && a->maxtokens == b->maxtokens);
}

/* The index of ctx's store built from its tables, whatever image it holds. */
static struct gz_index *built_from_tables(dn_ctx *c)
{
    setenv("DURAND_NO_GAZETTEER_IMAGE", "1", 1);
    struct gz_index *ix;
    ck_assert_int_eq(dni_gz_index_build(c, &ix), DN_OK);
    unsetenv("DURAND_NO_GAZETTEER_IMAGE");
    ck_assert(!ix->from_image);
    return ix;
}

static void assert_round_trip(dn_ctx *c)
{
    struct gz_index *built = built_from_tables(c);
    unsigned char *data;
    size_t len;
    ck_assert_int_eq(dni_gz_image_encode(c, built, &data, &len), DN_OK);
    struct gz_index *read = dn_calloc(1, sizeof *read);
    ck_assert_int_eq(dni_gz_image_decode(c, data, len, read), DN_OK);
    assert_same_index(built, read);
    dn_free(data);
    dni_gz_index_free(built);
    dni_gz_index_free(read);
}

START_TEST(test_gz_image__is_the_index_built_from_the_tables)
{
    assert_round_trip(ctx);
}
END_TEST

/* The shipped geodata's index, and the image `durand init` saved of it
 * (the geodata_db fixture; unit.gazetteer.shipped). */
START_TEST(test_gz_image__shipped_geodata_round_trip_and_saved_image)
{
    dn_ctx *c = geodata_ctx(true);
    assert_round_trip(c);
    struct gz_index *built = built_from_tables(c), *saved;
    ck_assert_int_eq(dni_gz_index_build(c, &saved), DN_OK);
    ck_assert_msg(saved->from_image, "the fixture's `durand init` saved no image");
    assert_same_index(built, saved);
    dni_gz_index_free(built);
    dni_gz_index_free(saved);
    dn_ctx_free(c);
}
END_TEST

static void assert_image_saved(bool saved)
{
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT image IS NOT NULL FROM gazetteer_image"), saved);
    if (!saved) return;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dni_db(ctx), "SELECT build FROM gazetteer_image", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), dni_gz_image_build_id());
    sqlite3_finalize(st);
}

/* The index the context's next lookup uses, read afresh. */
static struct gz_index *index_now(void)
{
    dn_gazetteer_invalidate(ctx);
    struct gz_index *ix;
    ck_assert_int_eq(dni_gz_index(ctx, &ix), DN_OK);
    return ix;
}

static long long geocoded_id(const char *name)
{
    struct dn_geocode_result r = {0};
    ck_assert_int_eq(dn_geocode(ctx, name, strlen(name), NULL, &r), DN_OK);
    long long id = r.status == DN_GEOCODE_UNRESOLVED ? 0 : r.place.id;
    dn_geocode_result_clear(&r);
    return id;
}

START_TEST(test_gz_image__the_first_build_saves_it_and_the_next_reads_it)
{
    assert_image_saved(false);
    ck_assert(!index_now()->from_image);
    assert_image_saved(true);
    long long zhob = geocoded_id("Zhob");
    ck_assert(zhob != 0);
    /* another process: a new context on the same file */
    dn_ctx_free(ctx);
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_READONLY), DN_OK);
    ck_assert(index_now()->from_image);
    ck_assert_int_eq(geocoded_id("Zhob"), zhob);
}
END_TEST

/* Every change to a table the index reads — by durand or by hand in SQL —
 * bumps the epoch and drops the image, and the next index sees it. */
START_TEST(test_gz_image__any_change_to_the_tables_drops_it)
{
    static const char *const changes[] = {
        "INSERT INTO place_names(place_id, name, key, rank, source) SELECT id, 'Zarkanai', 'zarkanai', 1, 'by hand'"
        " FROM places WHERE name = 'Zhob'",
        "UPDATE place_names SET rank = rank WHERE key = 'zarkanai'",
        "DELETE FROM place_names WHERE key = 'zarkanai'",
        "INSERT INTO places(id, name, kind, country, geom) VALUES (77, 'Test', 'PPL', 'PAK', MakePoint(70, 32, 4326))",
        "UPDATE places SET population = 5 WHERE id = 77",
        "DELETE FROM places WHERE id = 77",
        "UPDATE admin_areas SET area_km2 = area_km2 WHERE id = (SELECT min(id) FROM admin_areas)",
        "UPDATE crossings SET note = 'by hand' WHERE id = (SELECT min(id) FROM crossings)",
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(changes); i++) {
        index_now();
        assert_image_saved(true);
        long long epoch = sql_int(dni_db(ctx), "SELECT epoch FROM gazetteer_image");
        sql_exec(dni_db(ctx), changes[i]);
        ck_assert_msg(sql_int(dni_db(ctx), "SELECT epoch FROM gazetteer_image") > epoch, "%s", changes[i]);
        assert_image_saved(false);
        if (i == 0) {
            ck_assert(!index_now()->from_image);
            ck_assert_int_eq(geocoded_id("Zarkanai"), sql_int(dni_db(ctx), "SELECT id FROM places WHERE name = 'Zhob'"));
        }
    }
    /* a geodata reload: one bump for the whole load, the triggers back after it */
    index_now();
    long long epoch = sql_int(dni_db(ctx), "SELECT epoch FROM gazetteer_image");
    ck_assert_int_eq(dn_geodata_load(ctx, true, NULL), DN_OK);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT epoch FROM gazetteer_image"), epoch + 1);
    assert_image_saved(false);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'gazetteer_%'"),
                     12);
}
END_TEST

START_TEST(test_gz_image__an_image_of_other_code_or_an_older_epoch_is_not_used)
{
    index_now();
    sql_exec(dni_db(ctx), "UPDATE gazetteer_image SET build = 'another build'");
    ck_assert(!index_now()->from_image);
    assert_image_saved(true); /* replaced by this build's */
    ck_assert(index_now()->from_image);

    /* an index read at epoch e, saved after a change: not written */
    sql_exec(dni_db(ctx), "UPDATE gazetteer_image SET image = NULL");
    struct gz_index *ix;
    ck_assert_int_eq(dni_gz_index_build(ctx, &ix), DN_OK);
    ck_assert(!ix->from_image && ix->image_epoch >= 0);
    sql_exec(dni_db(ctx), "UPDATE places SET population = population WHERE id = (SELECT min(id) FROM places)");
    dni_gz_image_save(ctx, ix, ix->image_epoch);
    assert_image_saved(false);
    dni_gz_image_save(ctx, ix, sql_int(dni_db(ctx), "SELECT epoch FROM gazetteer_image")); /* the epoch now: written */
    assert_image_saved(true);
    dni_gz_index_free(ix);

    /* an index built inside the caller's transaction is not saved: its
     * epoch may yet be rolled back */
    sql_exec(dni_db(ctx), "UPDATE gazetteer_image SET image = NULL");
    sql_exec(dni_db(ctx), "BEGIN");
    ck_assert(!index_now()->from_image);
    sql_exec(dni_db(ctx), "COMMIT");
    assert_image_saved(false);
}
END_TEST

/* Offsets into an image by its layout (image.c): header, strings, areas,
 * places, postings, keys. */
enum { HEADER = 8 + 4 + 4 + 8 * 8, AREA = 45, PLACE = 70, POST = 10 };

static uint64_t header_count(const unsigned char *data, int i)
{
    uint64_t v;
    memcpy(&v, data + 16 + 8 * i, 8);
    return v;
}

static void assert_refused(const unsigned char *data, size_t len, const char *what)
{
    struct gz_index *ix = dn_calloc(1, sizeof *ix);
    dn_status s = dni_gz_image_decode(ctx, data, len, ix);
    ck_assert_msg(s == DN_ERR_INPUT, "%s: decoded (%d)", what, s);
    ck_assert_msg(strstr(dn_ctx_errmsg(ctx), "damaged") != NULL, "%s: %s", what, dn_ctx_errmsg(ctx));
    dni_gz_index_free(ix);
}

START_TEST(test_gz_image__a_damaged_image_is_refused_and_replaced)
{
    struct gz_index *built = built_from_tables(ctx);
    unsigned char *data, *bad;
    size_t len;
    ck_assert_int_eq(dni_gz_image_encode(ctx, built, &data, &len), DN_OK);
    bad = dn_malloc(len);
    uint64_t nareas = header_count(data, 0), nplaces = header_count(data, 1), nposts = header_count(data, 2),
             strings = header_count(data, 4);
    size_t posts_at = HEADER + strings + nareas * AREA + nplaces * PLACE, keys_at = posts_at + nposts * POST;
    ck_assert_uint_eq(keys_at + header_count(data, 3) * 11, len); /* the layout the offsets assume */

    /* every shorter length, at a few points of each section */
    size_t cuts[] = {0, 7, HEADER - 1, HEADER + 1, posts_at - 1, keys_at + 3, len - 1};
    for (size_t i = 0; i < DN_ARRAY_LEN(cuts); i++) assert_refused(data, cuts[i], "truncated");

    struct {
        size_t at;
        uint32_t value;
        const char *what;
    } edits[] = {
        {0, 0x41414141u, "magic"},
        {8, 0x04030201u, "byte order"},
        {12, 2, "format"},
        {16 + 8 * 4, (uint32_t)strings + 1, "string count"},
        {posts_at + 4, (uint32_t)nposts, "a posting's next pointing forward (a loop)"},
        {posts_at, (uint32_t)nplaces, "a posting's place"},
        {keys_at, (uint32_t)strings + 1, "a key beyond the strings"},
        {keys_at + 4, (uint32_t)nposts + 1, "a key's head"},
        {HEADER + strings + 8 + 4 + 1 + 4, (uint32_t)strings + 5, "an area's name"},
        {HEADER + strings + nareas * AREA + 8, (uint32_t)strings + 5, "a place's name"},
        {HEADER + strings + nareas * AREA + 8 + 16 + 4 + 24 + 4, 0x7fffffffu, "a place's district area"},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(edits); i++) {
        memcpy(bad, data, len);
        memcpy(bad + edits[i].at, &edits[i].value, 4);
        assert_refused(bad, len, edits[i].what);
    }
    memcpy(bad, data, len);
    bad[HEADER + strings - 1] = 'x'; /* the strings' last NUL */
    assert_refused(bad, len, "unterminated strings");

    /* in the store: a warning, the index from the tables, a sound image again */
    index_now();
    sql_exec(dni_db(ctx), "UPDATE gazetteer_image SET image = substr(image, 1, 1000)");
    struct captured cap = {0};
    dn_ctx_set_output(ctx, capture_output, &cap);
    ck_assert(!index_now()->from_image);
    ck_assert_ptr_nonnull(strstr(cap.err.data ? cap.err.data : "", "gazetteer image in the store is damaged"));
    dn_ctx_set_output(ctx, NULL, NULL);
    captured_free(&cap);
    ck_assert(index_now()->from_image);
    ck_assert(geocoded_id("Zhob") != 0);
    dn_free(bad);
    dn_free(data);
    dni_gz_index_free(built);
}
END_TEST

/* A store of schema version 1 (before the image): readers open it as it
 * is and build the index; a writer migrates it. */
START_TEST(test_gz_image__readers_open_a_store_made_before_it)
{
    long long zhob = geocoded_id("Zhob");
    sql_exec(dni_db(ctx), "BEGIN");
    ck_assert_int_eq(dn_store_gazetteer_triggers(ctx, false), DN_OK);
    sql_exec(dni_db(ctx), "DROP TABLE gazetteer_image");
    sql_exec(dni_db(ctx), "DELETE FROM schema_version WHERE version = 2");
    sql_exec(dni_db(ctx), "COMMIT");
    dn_ctx_free(ctx);
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_READONLY), DN_OK);
    int version;
    ck_assert_int_eq(dn_store_schema_version(ctx, &version), DN_OK);
    ck_assert_int_eq(version, 1);
    ck_assert(!index_now()->from_image);
    ck_assert_int_eq(geocoded_id("Zhob"), zhob);
    dn_ctx_free(ctx);
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_int_eq(dn_store_schema_version(ctx, &version), DN_OK);
    ck_assert_int_eq(version, DN_SCHEMA_VERSION);
    ck_assert(!index_now()->from_image);
    assert_image_saved(true);
}
END_TEST

TCase *make_gazetteer_image_tcase(void)
{
    TCase *tc = tcase_create("image");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_gz_image__is_the_index_built_from_the_tables);
    tcase_add_test(tc, test_gz_image__the_first_build_saves_it_and_the_next_reads_it);
    tcase_add_test(tc, test_gz_image__any_change_to_the_tables_drops_it);
    tcase_add_test(tc, test_gz_image__an_image_of_other_code_or_an_older_epoch_is_not_used);
    tcase_add_test(tc, test_gz_image__a_damaged_image_is_refused_and_replaced);
    tcase_add_test(tc, test_gz_image__readers_open_a_store_made_before_it);
    return tc;
}

TCase *make_gazetteer_image_shipped_tcase(void)
{
    TCase *tc = tcase_create("image_shipped");
    tcase_set_tags(tc, "shipped_geodata"); /* the geodata_db fixture: tests/CMakeLists.txt */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_gz_image__shipped_geodata_round_trip_and_saved_image);
    return tc;
}

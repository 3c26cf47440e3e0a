/** @file load_places.c
 * Loading the gazetteer: places (towns, villages, admin units) and every
 * name they go by, each with its normalised lookup key, language and script.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "gazetteer/normalize.h"
#include "geodata/load_internal.h"
#include "store/store.h"

/* Name columns of the places layer: the main name, Latin variants, and the
 * Arabic-script forms by language. Rank orders them for display and ties. */
struct name_column {
    const char *field;
    const char *lang;
    int rank;
};

static const struct name_column name_columns[] = {
    {"name", NULL, 0},  {"alt_names", NULL, 1}, {"name_ps", "ps", 1},
    {"name_ur", "ur", 1}, {"name_fa", "fa", 1},  {"name_ar_other", NULL, 2},
};

static bool has_arabic_script(const char *s)
{
    /* Arabic blocks U+0600–U+06FF, U+0750–U+077F: lead bytes 0xD8–0xDD */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDD) return true;
    return false;
}

struct name_loader {
    dn_ctx *ctx;
    sqlite3_stmt *insert;
    struct dn_strbuf key;
    /* keys already stored for the current place: a place lists the same
     * spelling in several columns, one row per key is enough */
    char **seen;
    size_t nseen, capseen;
    long long count;
};

static void forget_seen(struct name_loader *nl)
{
    for (size_t i = 0; i < nl->nseen; i++) dn_free(nl->seen[i]);
    nl->nseen = 0;
}

static bool remember(struct name_loader *nl, const char *key)
{
    for (size_t i = 0; i < nl->nseen; i++)
        if (strcmp(nl->seen[i], key) == 0) return false;
    if (nl->nseen == nl->capseen) {
        size_t cap = nl->capseen ? nl->capseen * 2 : 16;
        char **p = dn_realloc(nl->seen, cap * sizeof *p);
        if (!p) return false;
        nl->seen = p;
        nl->capseen = cap;
    }
    char *copy = dn_strdup(key);
    if (!copy) return false;
    nl->seen[nl->nseen++] = copy;
    return true;
}

static dn_status add_name(struct name_loader *nl, long long place_id, const char *name, size_t len, const char *lang,
                          int rank, const char *source)
{
    while (len && (name[0] == ' ')) name++, len--;
    while (len && name[len - 1] == ' ') len--;
    if (!len) return DN_OK;
    dn_status s = dn_name_key(NULL, name, len, &nl->key);
    if (s == DN_ERR_NOMEM) return dni_fail(nl->ctx, s, "out of memory");
    if (s != DN_OK || nl->key.len == 0) return DN_OK; /* unusable spelling in the source: skip it */
    if (!remember(nl, nl->key.data)) return DN_OK;
    sqlite3_stmt *st = nl->insert;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_text(st, 2, name, (int)len, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, nl->key.data, (int)nl->key.len, SQLITE_TRANSIENT);
    if (lang) sqlite3_bind_text(st, 4, lang, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 4);
    char *tmp = dn_strndup(name, len);
    if (!tmp) return dni_fail(nl->ctx, DN_ERR_NOMEM, "out of memory");
    sqlite3_bind_text(st, 5, has_arabic_script(tmp) ? "Arab" : "Latn", -1, SQLITE_STATIC);
    dn_free(tmp);
    sqlite3_bind_int(st, 6, rank);
    sqlite3_bind_text(st, 7, source, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return dni_fail_sqlite(nl->ctx, "loading place names");
    nl->count++;
    return DN_OK;
}

/* A '|'-separated list of names. */
static dn_status add_names(struct name_loader *nl, long long place_id, const char *list, const char *lang, int rank,
                           const char *source)
{
    dn_status s = DN_OK;
    for (const char *p = list; s == DN_OK && p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        s = add_name(nl, place_id, p, len, lang, rank, source);
        p = bar ? bar + 1 : NULL;
    }
    return s;
}

static void bind_opt_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s) sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, idx);
}

/* SpatiaLite's admin functions answer 1 for success and 0 for failure
 * instead of raising an SQL error. */
static dn_status spatialite_call(dn_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dni_db(ctx), sql, -1, &st, NULL) != SQLITE_OK) return dni_fail_sqlite(ctx, sql);
    int rc = sqlite3_step(st);
    bool ok = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return ok ? DN_OK : dni_fail(ctx, DN_ERR_DB, "loading places: SpatiaLite refused: %s", sql);
}

static const char insert_place_sql[] =
    "INSERT INTO places(id, geonameid, name, kind, placetype, country, province_code, province, district,"
    " adm_method, population, is_current, source, geom)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CastToPoint(GeomFromWKB(?, 4326)))";

static const char insert_name_sql[] =
    "INSERT INTO place_names(place_id, name, key, lang, script, rank, source) VALUES (?, ?, ?, ?, ?, ?, ?)";

dn_status dni_load_places(dn_ctx *ctx, GDALDatasetH ds, struct dn_geodata_report *rep)
{
    OGRLayerH layer;
    dn_status s = dni_geodata_layer(ctx, ds, "places", &layer);
    sqlite3_stmt *place_st = NULL;
    struct name_loader nl = {.ctx = ctx};
    if (s == DN_OK) s = dn_store_stmt(ctx, insert_place_sql, &place_st);
    if (s == DN_OK) s = dn_store_stmt(ctx, insert_name_sql, &nl.insert);
    /* Indexes built once at the end cost a sort instead of an insert per
     * row; SpatiaLite's R*Tree triggers even prepare SQL for every row
     * (they were 40% of the load). Both are rebuilt below, over the learned
     * places that stayed too. */
    if (s == DN_OK) s = dn_store_exec(ctx, "DROP INDEX IF EXISTS place_names_key");
    if (s == DN_OK) s = dn_store_exec(ctx, "DROP INDEX IF EXISTS place_names_place");
    if (s == DN_OK) s = spatialite_call(ctx, "SELECT DisableSpatialIndex('places', 'geom')");
    if (s == DN_OK) s = dn_store_exec(ctx, "DROP TABLE IF EXISTS idx_places_geom");
    OGRFeatureH f;
    while (s == DN_OK && (f = OGR_L_GetNextFeature(layer))) {
        long long id = dni_field_int(f, "place_id", 0);
        const char *name = dni_field_str(f, "name");
        if (!id || !name) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "layer 'places', feature %lld: missing place_id or name",
                         (long long)OGR_F_GetFID(f));
            OGR_F_Destroy(f);
            break;
        }
        sqlite3_stmt *st = place_st;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        sqlite3_bind_int64(st, 1, id);
        long long gid = dni_field_int(f, "geonameid", 0);
        if (gid) sqlite3_bind_int64(st, 2, gid);
        sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
        bind_opt_text(st, 4, dni_field_str(f, "feature_code"));
        bind_opt_text(st, 5, dni_field_str(f, "placetype"));
        bind_opt_text(st, 6, dni_field_str(f, "country"));
        bind_opt_text(st, 7, dni_field_str(f, "province_code"));
        bind_opt_text(st, 8, dni_field_str(f, "province"));
        bind_opt_text(st, 9, dni_field_str(f, "district"));
        bind_opt_text(st, 10, dni_field_str(f, "adm_method"));
        long long pop = dni_field_int(f, "population", -1);
        if (pop >= 0) sqlite3_bind_int64(st, 11, pop);
        long long cur = dni_field_int(f, "is_current", -2);
        if (cur != -2) sqlite3_bind_int64(st, 12, cur);
        bind_opt_text(st, 13, dni_field_str(f, "source"));
        s = dni_bind_geometry(ctx, st, 14, f, "places");
        if (s == DN_OK && sqlite3_step(st) != SQLITE_DONE) s = dni_fail_sqlite(ctx, "loading places");
        if (s == DN_OK) rep->places++;
        forget_seen(&nl);
        for (size_t i = 0; s == DN_OK && i < DN_ARRAY_LEN(name_columns); i++) {
            const char *v = dni_field_str(f, name_columns[i].field);
            if (v) s = add_names(&nl, id, v, name_columns[i].lang, name_columns[i].rank, "geodata");
        }
        OGR_F_Destroy(f);
    }
    if (place_st) sqlite3_reset(place_st);
    if (nl.insert) sqlite3_reset(nl.insert);
    forget_seen(&nl);
    dn_free(nl.seen);
    dn_strbuf_free(&nl.key);
    rep->names += nl.count;
    if (s == DN_OK) s = spatialite_call(ctx, "SELECT CreateSpatialIndex('places', 'geom')");
    if (s == DN_OK) s = dn_store_exec(ctx, "CREATE INDEX place_names_key ON place_names(key)");
    if (s == DN_OK) s = dn_store_exec(ctx, "CREATE INDEX place_names_place ON place_names(place_id)");
    if (s == DN_OK) s = dni_load_admin_places(ctx, rep);
    if (s == DN_OK) s = dni_load_aliases(ctx, rep);
    if (s == DN_OK) s = dn_store_meta_set(ctx, "name_key_version", DN_NAME_KEY_VERSION);
    return s;
}

/** @file load_admin_places.c
 * Every admin area (country, province, district, historical region) as a
 * place of the gazetteer, so a name like "Khyber" or "FATA" resolves to it
 * with its area for the uncertainty radius. An area is linked (places.
 * admin_id) to the gazetteer's own label point of the same kind and name
 * when there is one; otherwise a place is added at a point on its surface.
 * The area's names (name, alt_names, Pashto/Dari/Urdu forms) become names
 * of that place.
 */
#include <string.h>

#include "core/core.h"
#include "gazetteer/normalize.h"
#include "geodata/load_internal.h"
#include "store/store.h"

/* Ids of places made from areas: above any GeoNames/WOF id, below learned ones. */
#define ADMIN_PLACE_ID_BASE 1099511627776LL /* 2^40 */

struct area_row {
    long long id;
    int level;
    bool historical;
    const char *country, *name, *code, *parent_code, *parent_name, *alt_names, *name_ps, *name_fa, *name_ur;
};

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static const char *kind_of(const struct area_row *a)
{
    if (a->historical) return "HIST";
    return a->level == 0 ? "ADM0" : a->level == 1 ? "ADM1" : "ADM2";
}

/* Kinds of existing places that may stand for the area (the geodata build
 * writes historical regions as ADM1H, GeoNames countries are PCLI). */
static const char *const *kinds_of(const struct area_row *a)
{
    static const char *const hist[] = {"HIST", "ADM1H", NULL}, *const adm0[] = {"ADM0", "PCLI", NULL},
                             *const adm1[] = {"ADM1", NULL}, *const adm2[] = {"ADM2", NULL};
    if (a->historical) return hist;
    return a->level == 0 ? adm0 : a->level == 1 ? adm1 : adm2;
}

static bool same_key(struct dn_strbuf *tmp, const char *a, const char *key)
{
    if (!a || !key) return false;
    if (dn_name_key(NULL, a, strlen(a), tmp) != DN_OK) return false;
    return strcmp(tmp->data, key) == 0;
}

/* Label points of the same kind and name not yet linked: the ids to link.
 * Among several, those whose own admin names agree with the area win. */
static dn_status find_label_points(dn_ctx *ctx, const struct area_row *a, const char *key, long long *ids, size_t cap,
                                   size_t *n)
{
    *n = 0;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "SELECT DISTINCT p.id, p.province_code, p.province, p.district FROM place_names n"
                                " JOIN places p ON p.id = n.place_id"
                                " WHERE n.key = ? AND p.kind IN (?, ?) AND p.admin_id IS NULL AND (p.country = ? OR p.country IS NULL)"
                                " ORDER BY n.rank, p.id",
                                &st);
    if (s != DN_OK) return s;
    const char *const *kinds = kinds_of(a);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, kinds[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kinds[1] ? kinds[1] : kinds[0], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->country, -1, SQLITE_TRANSIENT);
    struct dn_strbuf tmp = {0}, own = {0};
    long long any[8];
    size_t nany = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        bool agrees;
        if (a->level == 2) {
            /* the label point lies in this district, in this district's province */
            dn_name_key(NULL, a->name, strlen(a->name), &own);
            agrees = same_key(&tmp, col(st, 3), own.data) &&
                     (!a->parent_code || !col(st, 1) || strcmp(a->parent_code, col(st, 1)) == 0);
        } else if (a->level == 1 && !a->historical) {
            agrees = a->code && col(st, 1) && strcmp(a->code, col(st, 1)) == 0;
        } else {
            agrees = true;
        }
        if (agrees && *n < cap) ids[(*n)++] = id;
        else if (nany < DN_ARRAY_LEN(any)) any[nany++] = id;
    }
    sqlite3_reset(st);
    dn_strbuf_free(&tmp);
    dn_strbuf_free(&own);
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "matching admin areas to places");
    /* no point of that name inside the area: one elsewhere is still its label */
    if (*n == 0 && nany && a->level < 2) ids[(*n)++] = any[0];
    return DN_OK;
}

static dn_status link_place(dn_ctx *ctx, long long place_id, long long area_id)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "UPDATE places SET admin_id = ? WHERE id = ?", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, area_id);
    sqlite3_bind_int64(st, 2, place_id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "linking admin areas to places");
}

static dn_status add_area_place(dn_ctx *ctx, const struct area_row *a, long long *place_id)
{
    *place_id = ADMIN_PLACE_ID_BASE + a->id;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(
        ctx,
        "INSERT INTO places(id, name, kind, placetype, country, province_code, province, district, is_current, source,"
        " admin_id, geom)"
        " SELECT ?, name, ?, ?, country, CASE level WHEN 1 THEN code WHEN 2 THEN parent_code END,"
        " CASE level WHEN 1 THEN name WHEN 2 THEN parent_name END, CASE level WHEN 2 THEN name END, 1,"
        " 'admin_areas', id, CastToPoint(PointOnSurface(geom)) FROM admin_areas WHERE id = ?",
        &st);
    if (s != DN_OK) return s;
    static const char *const placetypes[] = {"country", "region", "county"};
    sqlite3_bind_int64(st, 1, *place_id);
    sqlite3_bind_text(st, 2, kind_of(a), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, placetypes[a->level < 0 || a->level > 2 ? 1 : a->level], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, a->id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "adding admin areas as places");
    return DN_OK;
}

static bool has_arabic_script(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDD) return true;
    return false;
}

/* One name of the area for its place, unless the place has that key already. */
static dn_status add_name(dn_ctx *ctx, long long place_id, const char *name, size_t len, const char *lang, int rank,
                          struct dn_strbuf *key)
{
    while (len && *name == ' ') name++, len--;
    while (len && name[len - 1] == ' ') len--;
    if (!len || dn_name_key(NULL, name, len, key) != DN_OK || key->len == 0) return DN_OK;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT 1 FROM place_names WHERE place_id = ? AND key = ?", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_text(st, 2, key->data, (int)key->len, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return DN_OK;
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "reading place names");
    s = dn_store_stmt(ctx,
                      "INSERT INTO place_names(place_id, name, key, lang, script, rank, source)"
                      " VALUES (?, ?, ?, ?, ?, ?, 'admin_areas')",
                      &st);
    if (s != DN_OK) return s;
    char *text = dn_strndup(name, len);
    if (!text) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, key->data, (int)key->len, SQLITE_TRANSIENT);
    if (lang) sqlite3_bind_text(st, 4, lang, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, has_arabic_script(text) ? "Arab" : "Latn", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, rank);
    dn_free(text);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "adding admin area names");
}

static dn_status add_names(dn_ctx *ctx, long long place_id, const char *list, const char *lang, int rank,
                           struct dn_strbuf *key, long long *count)
{
    dn_status s = DN_OK;
    for (const char *p = list; s == DN_OK && p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        s = add_name(ctx, place_id, p, len, lang, rank, key);
        (*count)++;
        p = bar ? bar + 1 : NULL;
    }
    return s;
}

/* Names of the countries on the map that their layer does not carry:
 * Pashto/Dari/Urdu script names and official forms used in reports. */
static const struct {
    const char *iso3, *names;
} country_names[] = {
    {"AFG", "افغانستان|Islamic Emirate of Afghanistan|Islamic Republic of Afghanistan"},
    {"PAK", "پاکستان|Islamic Republic of Pakistan"},
    {"IRN", "ایران|Islamic Republic of Iran"},
    {"IND", "بھارت|هند|Republic of India"},
    {"CHN", "چین|People's Republic of China"},
    {"TJK", "تاجیکستان|Republic of Tajikistan"},
    {"TKM", "ترکمنستان"},
    {"UZB", "ازبکستان|Republic of Uzbekistan"},
};

static dn_status add_country_names(dn_ctx *ctx, const struct area_row *a, long long place_id, struct dn_strbuf *key)
{
    long long n = 0;
    for (size_t i = 0; i < DN_ARRAY_LEN(country_names); i++)
        if (strcmp(country_names[i].iso3, a->country) == 0)
            return add_names(ctx, place_id, country_names[i].names, NULL, 1, key, &n);
    return DN_OK;
}

static dn_status link_area(dn_ctx *ctx, const struct area_row *a, struct dn_strbuf *key, struct dn_geodata_report *rep)
{
    if (dn_name_key(NULL, a->name, strlen(a->name), key) != DN_OK || key->len == 0) return DN_OK;
    char *k = dn_strdup(key->data);
    if (!k) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    long long ids[8];
    size_t n = 0;
    dn_status s = find_label_points(ctx, a, k, ids, DN_ARRAY_LEN(ids), &n);
    dn_free(k);
    for (size_t i = 0; s == DN_OK && i < n; i++) s = link_place(ctx, ids[i], a->id);
    long long primary = n ? ids[0] : 0;
    if (s == DN_OK && n == 0) {
        s = add_area_place(ctx, a, &primary);
        if (s == DN_OK) rep->places++;
    }
    long long names = 0;
    if (s == DN_OK) s = add_name(ctx, primary, a->name, strlen(a->name), NULL, n ? 1 : 0, key);
    if (s == DN_OK) s = add_names(ctx, primary, a->alt_names, NULL, 1, key, &names);
    if (s == DN_OK) s = add_names(ctx, primary, a->name_ps, "ps", 1, key, &names);
    if (s == DN_OK) s = add_names(ctx, primary, a->name_fa, "fa", 1, key, &names);
    if (s == DN_OK) s = add_names(ctx, primary, a->name_ur, "ur", 1, key, &names);
    if (s == DN_OK && a->level == 0) s = add_country_names(ctx, a, primary, key);
    return s;
}

dn_status dni_load_admin_places(dn_ctx *ctx, struct dn_geodata_report *rep)
{
    /* areas the layers give no size: the geodesic area of their polygon
     * (the radius of a district, province or country comes from it) */
    dn_status s0 = dn_store_exec(ctx, "UPDATE admin_areas SET area_km2 = ST_Area(geom, 1) / 1e6 WHERE area_km2 IS NULL");
    if (s0 != DN_OK) return s0;
    sqlite3_stmt *st = NULL;
    /* areas are read in full first: linking writes to the tables being read */
    if (sqlite3_prepare_v2(dni_db(ctx),
                           "SELECT id, level, historical, country, name, code, parent_code, parent_name, alt_names,"
                           " name_ps, name_fa, name_ur FROM admin_areas ORDER BY level, id",
                           -1, &st, NULL) != SQLITE_OK)
        return dni_fail_sqlite(ctx, "reading admin areas");
    struct area_row *rows = NULL;
    size_t n = 0, cap = 0;
    dn_status s = DN_OK;
    int rc;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            struct area_row *r = dn_realloc(rows, cap * sizeof *r);
            if (!r) {
                s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                break;
            }
            rows = r;
        }
        struct area_row *a = &rows[n++];
        memset(a, 0, sizeof *a);
        a->id = sqlite3_column_int64(st, 0);
        a->level = sqlite3_column_int(st, 1);
        a->historical = sqlite3_column_int(st, 2) != 0;
        const char **fields[] = {&a->country, &a->name, &a->code, &a->parent_code, &a->parent_name,
                                 &a->alt_names, &a->name_ps, &a->name_fa, &a->name_ur};
        for (size_t i = 0; i < DN_ARRAY_LEN(fields); i++) {
            const char *v = col(st, 3 + (int)i);
            *fields[i] = v && *v ? dn_strdup(v) : NULL;
            if (v && *v && !*fields[i]) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        }
        if (s == DN_OK && (!a->name || !a->country))
            s = dni_fail(ctx, DN_ERR_GEODATA, "admin area %lld has no name or country", a->id);
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading admin areas");
    sqlite3_finalize(st);
    struct dn_strbuf key = {0};
    for (size_t i = 0; s == DN_OK && i < n; i++) s = link_area(ctx, &rows[i], &key, rep);
    dn_strbuf_free(&key);
    for (size_t i = 0; i < n; i++) {
        const char *fields[] = {rows[i].country, rows[i].name, rows[i].code, rows[i].parent_code,
                                rows[i].parent_name, rows[i].alt_names, rows[i].name_ps, rows[i].name_fa,
                                rows[i].name_ur};
        for (size_t k = 0; k < DN_ARRAY_LEN(fields); k++) dn_free((char *)fields[k]);
    }
    dn_free(rows);
    return s;
}

/** @file learn.c
 * Learned names: when an ingested row names a place and gives trustworthy
 * coordinates, the name is remembered at that point (a LEARNED place and a
 * name tagged "learned:<source>"), so later reports that give only the
 * name resolve to it. A known place of the same name within a few km is
 * reused instead of adding a duplicate. The store keeps learned rows when
 * the geodata is reloaded; the in-memory index sees them at once.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/geo.h"
#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"
#include "store/store.h"

/* Within this distance a place of the same name is the same place. */
#define SAME_PLACE_KM 5.0

/* Learned places get ids far above any GeoNames/WOF id, so a later
 * geodata version cannot collide with them. */
#define LEARNED_ID_BASE 2199023255552LL /* 2^41 */

/* The admin area (district, else province, else country) containing a point. */
static dn_status containing_area(dn_ctx *ctx, double lon, double lat, long long *area_id)
{
    *area_id = 0;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "SELECT a.id FROM admin_areas a WHERE a.historical = 0"
                                " AND a.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'admin_areas'"
                                " AND search_frame = MakePoint(?1, ?2, 4326))"
                                " AND Within(MakePoint(?1, ?2, 4326), a.geom) = 1 ORDER BY a.level DESC LIMIT 1",
                                &st);
    if (s != DN_OK) return s;
    sqlite3_bind_double(st, 1, lon);
    sqlite3_bind_double(st, 2, lat);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *area_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "finding the area of a learned place");
    return DN_OK;
}

static bool has_arabic_script(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDD) return true;
    return false;
}

static dn_status add_name_row(dn_ctx *ctx, long long place_id, const char *name, const char *key, const char *source)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT 1 FROM place_names WHERE place_id = ? AND key = ? AND source = ?", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, source, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return DN_OK;
    if (rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "reading learned names");
    s = dn_store_stmt(ctx,
                      "INSERT INTO place_names(place_id, name, key, lang, script, rank, source)"
                      " VALUES (?, ?, ?, NULL, ?, 3, ?)",
                      &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, has_arabic_script(name) ? "Arab" : "Latn", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, source, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "storing a learned name");
}

static dn_status next_id(dn_ctx *ctx, long long *id)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "SELECT max(id) FROM places", &st);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    long long max = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW) return dni_fail_sqlite(ctx, "numbering a learned place");
    *id = (max < LEARNED_ID_BASE ? LEARNED_ID_BASE : max) + 1;
    return DN_OK;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

static dn_status insert_place(dn_ctx *ctx, struct gz_index *ix, const struct gz_place *p, const char *source)
{
    const char *pcode = p->province_area >= 0 ? ix->areas[p->province_area].code : NULL;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "INSERT INTO places(id, name, kind, placetype, country, province_code, province, district,"
                                " is_current, source, geom) VALUES (?, ?, 'LEARNED', 'locality', ?, ?, ?, ?, 1, ?,"
                                " MakePoint(?, ?, 4326))",
                                &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, p->name, -1, SQLITE_TRANSIENT);
    bind_opt(st, 3, p->country[0] ? p->country : NULL);
    bind_opt(st, 4, pcode);
    bind_opt(st, 5, p->province);
    bind_opt(st, 6, p->district);
    sqlite3_bind_text(st, 7, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 8, p->lon);
    sqlite3_bind_double(st, 9, p->lat);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "storing a learned place");
}

/* A place of that name within SAME_PLACE_KM, nearest first; -1 if none. */
static long nearby_namesake(struct gz_index *ix, const char *key, size_t len, double lon, double lat)
{
    struct gz_variants var;
    dni_gz_variants(key, len, 0, &var);
    long best = -1;
    double best_km = SAME_PLACE_KM;
    /* the key and its next variant: its core ("Spinwam" of "Spinwam Bazaar"),
     * or for a name that is its own core, its sound key ("Spinwaam") */
    for (size_t v = 0; v < var.n && v < 2; v++) {
        const struct gz_slot *sl = dni_gz_find(ix, var.v[v].s, var.v[v].len, dni_gz_hash(var.v[v].s, var.v[v].len));
        for (uint32_t p = sl && (sl->flags & GZ_SLOT_KEY) ? sl->head : 0; p; p = ix->posts[p - 1].next) {
            const struct gz_place *pl = &ix->places[ix->posts[p - 1].place];
            if (gz_class_is_admin(pl->cls)) continue;
            /* the bounds skip the far ones; the rest need the distance itself */
            if (dn_geodesic_beyond_km(lon, lat, pl->lon, pl->lat, best_km)) continue;
            double d = dn_geodesic_km(lon, lat, pl->lon, pl->lat);
            if (d <= best_km) {
                best_km = d;
                best = (long)ix->posts[p - 1].place;
            }
        }
    }
    return best;
}

static dn_status learn(dn_ctx *ctx, struct gz_index *ix, const char *name, const char *key, size_t keylen, double lon,
                       double lat, const char *source, long *new_place)
{
    *new_place = -1;
    long near = nearby_namesake(ix, key, keylen, lon, lat);
    if (near >= 0) {
        const struct gz_place *p = &ix->places[near];
        /* the gazetteer knew it already: nothing to learn; a learned place
         * gains this source */
        return p->cls == GZ_C_LEARNED ? add_name_row(ctx, p->id, name, key, source) : DN_OK;
    }
    struct gz_place p = {.population = -1, .area = -1, .district_area = -1, .province_area = -1};
    dn_status s = next_id(ctx, &p.id);
    long long area_id = 0;
    if (s == DN_OK) s = containing_area(ctx, lon, lat, &area_id);
    if (s != DN_OK) return s;
    long a = area_id ? dni_gz_area_index(ix, area_id) : -1;
    if (a >= 0) {
        const struct gz_area *ar = &ix->areas[a];
        snprintf(p.country, sizeof p.country, "%s", ar->country);
        if (ar->level == 2) {
            p.district_area = (int32_t)a;
            p.district = ar->name;
            p.province_area = ar->parent;
        } else if (ar->level == 1) {
            p.province_area = (int32_t)a;
        }
        if (p.province_area >= 0) p.province = ix->areas[p.province_area].name;
        else if (ar->level == 2) p.province = ar->parent_name;
    }
    p.name = dni_gz_strdup(&ix->arena, name, strlen(name));
    p.kind = dni_gz_strdup(&ix->arena, "LEARNED", 7);
    p.lon = lon;
    p.lat = lat;
    if (!p.name || !p.kind) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    dni_gz_classify(&p, "locality", 1);
    if ((s = insert_place(ctx, ix, &p, source)) != DN_OK || (s = add_name_row(ctx, p.id, name, key, source)) != DN_OK)
        return s;
    long idx = dni_gz_append_place(ix, &p);
    if (idx < 0) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    *new_place = idx;
    return DN_OK;
}

dn_status dn_gazetteer_learn(dn_ctx *ctx, const char *name, double lon, double lat, const char *source)
{
    if (!name) return dni_fail(ctx, DN_ERR_INPUT, "learning a place: no name");
    if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
        return dni_fail(ctx, DN_ERR_INPUT, "learning '%s': coordinates out of range (lon %g, lat %g)", name, lon, lat);
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    if (s != DN_OK) return s;
    size_t len = strlen(name);
    while (len && (name[0] == ' ' || name[0] == '\t')) name++, len--;
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t')) len--;
    if ((s = dn_name_key(ctx, name, len, &ix->scratch)) != DN_OK) return s;
    if (ix->scratch.len == 0) return dni_fail(ctx, DN_ERR_INPUT, "learning a place: the name has no letters");
    char *key = dn_strndup(ix->scratch.data, ix->scratch.len);
    char *text = dn_strndup(name, len);
    struct dn_strbuf src = {0};
    dn_strbuf_printf(&src, "learned:%s", source && *source ? source : "unknown");
    if (!key || !text || src.failed) {
        dn_free(key);
        dn_free(text);
        dn_strbuf_free(&src);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    bool own_tx = sqlite3_get_autocommit(dni_db(ctx)) != 0;
    s = own_tx ? dn_store_begin(ctx) : DN_OK;
    long idx = -1;
    if (s == DN_OK) s = learn(ctx, ix, text, key, strlen(key), lon, lat, src.data, &idx);
    if (own_tx) {
        if (s == DN_OK) s = dn_store_commit(ctx);
        if (s != DN_OK) dn_store_rollback(ctx);
    }
    if (s == DN_OK && idx >= 0) {
        /* the index learns it too, so the rest of this run resolves the name */
        struct gz_variants *var = dn_malloc(sizeof *var);
        s = var ? dni_gz_index_name(ix, (uint32_t)idx, key, strlen(key), 3, var) : DN_ERR_NOMEM;
        if (s == DN_OK) s = dni_gz_fuzzy_add_key(ix, key, strlen(key));
        dn_free(var);
        if (s != DN_OK) s = dni_fail(ctx, s, "out of memory");
    }
    dn_free(key);
    dn_free(text);
    dn_strbuf_free(&src);
    return s;
}

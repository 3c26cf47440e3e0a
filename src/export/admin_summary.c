/** @file admin_summary.c
 * The admin_summary layer: province and district polygons with the number
 * of events, fatalities and injured recorded in each, for choropleths.
 *
 * Events are matched to areas by their admin names (country, province,
 * district), not by point-in-polygon: an event known only to its province
 * sits at the province's centroid and must count for the province, not for
 * whichever district the centroid happens to fall in.
 */
#include <string.h>

#include "core/hash.h"
#include "export/export_internal.h"
#include "store/store.h"

struct tally {
    char *key; /* "country\x1fprovince\x1fdistrict", NULL = empty slot */
    long long events, fatalities, injured;
    bool has_fatalities, has_injured; /* some event of the area has the count known */
    char first[11], last[11];
};

struct tallies {
    dn_ctx *ctx;
    struct tally *slots;
    size_t cap, used;
    struct dn_strbuf key;
    int col_country, col_province, col_district, col_fat, col_inj, col_date;
    bool mapped;
};

static void make_key(struct dn_strbuf *b, const char *country, const char *province, const char *district)
{
    dn_strbuf_reset(b);
    dn_strbuf_puts(b, country ? country : "");
    dn_strbuf_putc(b, '\x1f');
    dn_strbuf_puts(b, province ? province : "");
    dn_strbuf_putc(b, '\x1f');
    dn_strbuf_puts(b, district ? district : "");
}

static struct tally *find(struct tallies *t, const char *key, bool insert)
{
    if (insert && (t->used + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        struct tally *slots = dn_calloc(cap, sizeof *slots);
        if (!slots) return NULL;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slots[i].key) continue;
            size_t j = dn_hash_str(DN_HASH_INIT, t->slots[i].key) & (cap - 1);
            while (slots[j].key) j = (j + 1) & (cap - 1);
            slots[j] = t->slots[i];
        }
        dn_free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    if (!t->cap) return NULL;
    size_t j = dn_hash_str(DN_HASH_INIT, key) & (t->cap - 1);
    while (t->slots[j].key) {
        if (strcmp(t->slots[j].key, key) == 0) return &t->slots[j];
        j = (j + 1) & (t->cap - 1);
    }
    if (!insert) return NULL;
    if (!(t->slots[j].key = dn_strdup(key))) return NULL;
    t->used++;
    return &t->slots[j];
}

static const char *text(sqlite3_stmt *st, int col) { return col < 0 ? NULL : (const char *)sqlite3_column_text(st, col); }

static int column(sqlite3_stmt *st, const char *name)
{
    for (int c = 0; c < sqlite3_column_count(st); c++)
        if (strcmp(sqlite3_column_name(st, c), name) == 0) return c;
    return -1;
}

static dn_status add(struct tallies *t, const char *key, sqlite3_stmt *st)
{
    struct tally *ty = find(t, key, true);
    if (!ty) return dni_fail(t->ctx, DN_ERR_NOMEM, "out of memory");
    ty->events++;
    /* as `durand summary` (src/query/groups.c): NULL or below zero is unknown */
    if (t->col_fat >= 0 && sqlite3_column_type(st, t->col_fat) != SQLITE_NULL &&
        sqlite3_column_int64(st, t->col_fat) >= 0) {
        ty->fatalities += sqlite3_column_int64(st, t->col_fat);
        ty->has_fatalities = true;
    }
    if (t->col_inj >= 0 && sqlite3_column_type(st, t->col_inj) != SQLITE_NULL &&
        sqlite3_column_int64(st, t->col_inj) >= 0) {
        ty->injured += sqlite3_column_int64(st, t->col_inj);
        ty->has_injured = true;
    }
    const char *date = text(st, t->col_date);
    if (date && strlen(date) >= 10) {
        /* ISO dates order as text */
        if (!ty->first[0] || strncmp(date, ty->first, 10) < 0) memcpy(ty->first, date, 10);
        if (!ty->last[0] || strncmp(date, ty->last, 10) > 0) memcpy(ty->last, date, 10);
    }
    return DN_OK;
}

static dn_status tally_row(void *ud, sqlite3_stmt *st)
{
    struct tallies *t = ud;
    if (!t->mapped) {
        t->col_country = column(st, "country");
        t->col_province = column(st, "province");
        t->col_district = column(st, "district");
        t->col_fat = column(st, "fatalities");
        t->col_inj = column(st, "injured");
        t->col_date = column(st, "date");
        t->mapped = true;
    }
    const char *country = text(st, t->col_country), *province = text(st, t->col_province);
    const char *district = text(st, t->col_district);
    if (!province) return DN_OK;
    make_key(&t->key, country, province, NULL);
    if (t->key.failed) return dni_fail(t->ctx, DN_ERR_NOMEM, "out of memory");
    dn_status s = add(t, t->key.data, st);
    if (s != DN_OK || !district) return s;
    make_key(&t->key, country, province, district);
    if (t->key.failed) return dni_fail(t->ctx, DN_ERR_NOMEM, "out of memory");
    return add(t, t->key.data, st);
}

static void tallies_free(struct tallies *t)
{
    for (size_t i = 0; i < t->cap; i++) dn_free(t->slots[i].key);
    dn_free(t->slots);
    dn_strbuf_free(&t->key);
}

/* columns: 0 level, 1 code, 2 name, 3 country, 4 province, 5 area_km2, 6 geometry */
static const char areas_sql[] =
    "SELECT level, code, name, country, CASE WHEN level = 1 THEN name ELSE parent_name END, area_km2, AsBinary(geom)"
    " FROM admin_areas WHERE level IN (1, 2) AND historical = 0 ORDER BY level, country, name";

dn_status dni_export_admin_summary(dn_ctx *ctx, struct dni_xwriter *w, const struct dn_filter *filter)
{
    struct tallies t = {.ctx = ctx};
    dn_status s = dni_export_each_event(ctx, filter, tally_row, &t);
    sqlite3_stmt *st = NULL;
    if (s == DN_OK) s = dn_store_stmt(ctx, areas_sql, &st);
    const struct dni_xlayer *def = w->def;
    int f_events = dni_xlayer_field(def, "events"), f_fat = dni_xlayer_field(def, "fatalities");
    int f_inj = dni_xlayer_field(def, "injured"), f_first = dni_xlayer_field(def, "first_date");
    int f_last = dni_xlayer_field(def, "last_date"), f_area = dni_xlayer_field(def, "area_km2");
    int rc = SQLITE_DONE;
    while (s == DN_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < 5; i++) dni_xset_column(w, i, st, i);
        dni_xset_column(w, f_area, st, 5);
        int level = sqlite3_column_int(st, 0);
        const char *name = text(st, 2), *country = text(st, 3), *province = text(st, 4);
        make_key(&t.key, country, province, level == 2 ? name : NULL);
        if (t.key.failed) {
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
            break;
        }
        const struct tally *ty = find(&t, t.key.data, false);
        dni_xset_int(w, f_events, ty ? ty->events : 0);
        /* no event: 0; events whose counts are all unknown: null, as `summary` */
        if (ty && !ty->has_fatalities) dni_xset_null(w, f_fat);
        else dni_xset_int(w, f_fat, ty ? ty->fatalities : 0);
        if (ty && !ty->has_injured) dni_xset_null(w, f_inj);
        else dni_xset_int(w, f_inj, ty ? ty->injured : 0);
        dni_xset_date(w, f_first, ty && ty->first[0] ? ty->first : NULL);
        dni_xset_date(w, f_last, ty && ty->last[0] ? ty->last : NULL);
        s = dni_xset_wkb(w, sqlite3_column_blob(st, 6), sqlite3_column_bytes(st, 6));
        if (s == DN_OK) s = dni_xwriter_put(w);
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading admin areas");
    if (st) sqlite3_reset(st);
    tallies_free(&t);
    return s;
}

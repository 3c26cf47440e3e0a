/** @file hints.c
 * Hints: the country, province and district a caller says a place is in,
 * resolved to admin areas of the index ("KP", "NWFP" and "Khyber
 * Pakhtunkhwa" are one province; "N. Waziristan" and "North Waziristan
 * Agency" one district), and the test of a place against them. A
 * historical region (FATA) holds the districts whose label point lies in
 * its polygon, found once per run with a spatial query.
 */
#include <stdio.h>
#include <string.h>

#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"
#include "store/store.h"

static const struct {
    const char *key;
    const char *iso3;
} country_names[] = {
    {"afg", "AFG"}, {"af", "AFG"},   {"afghanistan", "AFG"}, {"افغانستان", "AFG"}, {"pak", "PAK"},
    {"pk", "PAK"},  {"pakistan", "PAK"}, {"پاکستان", "PAK"}, {"irn", "IRN"},       {"iran", "IRN"},
    {"ind", "IND"}, {"india", "IND"}, {"tjk", "TJK"},        {"tajikistan", "TJK"}, {"chn", "CHN"},
    {"china", "CHN"},
};

const char *dni_gz_country_code(struct gz_index *ix, const char *text)
{
    dn_status s = dn_name_key(NULL, text, strlen(text), &ix->scratch);
    if (s != DN_OK || ix->scratch.len == 0) return NULL;
    for (size_t i = 0; i < DN_ARRAY_LEN(country_names); i++)
        if (strcmp(ix->scratch.data, country_names[i].key) == 0) return country_names[i].iso3;
    /* a country place of the gazetteer, by any of its names */
    const struct gz_slot *sl =
        dni_gz_find(ix, ix->scratch.data, ix->scratch.len, dni_gz_hash(ix->scratch.data, ix->scratch.len));
    for (uint32_t p = sl ? sl->head : 0; p; p = ix->posts[p - 1].next) {
        const struct gz_place *pl = &ix->places[ix->posts[p - 1].place];
        if (pl->cls == GZ_C_ADM0 && pl->country[0]) return pl->country;
    }
    return NULL;
}

static const struct gz_region *region_find(const struct gz_index *ix, int32_t region)
{
    for (size_t i = 0; i < ix->nregions; i++)
        if (ix->regions[i].region == region) return &ix->regions[i];
    return NULL;
}

/* The districts of a historical region: those lying mostly in it. Its
 * outline and today's districts were drawn apart, and the old frontier
 * regions went to the settled districts beside them: Peshawar's label point
 * may fall inside FATA's outline while five sixths of the district, the
 * city and its events lie outside, so a label point or any overlap would
 * take Peshawar, Kohat, Bannu and D.I. Khan for FATA. */
static dn_status region_load(dn_ctx *ctx, struct gz_index *ix, int32_t region)
{
    if (region_find(ix, region)) return DN_OK;
    struct gz_region *v = dn_realloc(ix->regions, (ix->nregions + 1) * sizeof *v);
    if (!v) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    ix->regions = v;
    struct gz_region *r = &v[ix->nregions];
    memset(r, 0, sizeof *r);
    r->region = region;
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "SELECT a.id FROM admin_areas a, (SELECT geom FROM admin_areas WHERE id = ?) r"
                                " WHERE a.level = 2 AND a.historical = 0 AND MbrIntersects(a.geom, r.geom) = 1"
                                " AND Area(Intersection(a.geom, r.geom)) > 0.5 * Area(a.geom)",
                                &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, ix->areas[region].id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        for (size_t i = 0; i < ix->nareas; i++) {
            if (ix->areas[i].id != id) continue;
            if (r->n == cap) {
                cap = cap ? cap * 2 : 16;
                int32_t *m = dn_realloc(r->members, cap * sizeof *m);
                if (!m) {
                    sqlite3_reset(st);
                    dn_free(r->members);
                    return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                }
                r->members = m;
            }
            r->members[r->n++] = (int32_t)i;
            break;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        dn_free(r->members);
        return dni_fail_sqlite(ctx, "finding the districts of a historical region");
    }
    ix->nregions++;
    return DN_OK;
}

static bool in_region(const struct gz_index *ix, int32_t region, int32_t district)
{
    const struct gz_region *r = region_find(ix, region);
    for (size_t i = 0; r && district >= 0 && i < r->n; i++)
        if (r->members[i] == district) return true;
    return false;
}

/* Add the areas of `level` that `key` names (within the country and
 * provinces already known) to `out`. */
static void filter_add_key(const struct gz_index *ix, const char *key, size_t len, int level, const char *country,
                           const struct gz_filter *within, struct gz_filter *out)
{
    const struct gz_slot *sl = dni_gz_find(ix, key, len, dni_gz_hash(key, len));
    for (uint32_t p = sl ? sl->head : 0; p && out->n < GZ_HINT_AREAS; p = ix->posts[p - 1].next) {
        int32_t a = ix->places[ix->posts[p - 1].place].area;
        if (a < 0) continue;
        const struct gz_area *ar = &ix->areas[a];
        if (ar->level != level) continue;
        if (country && country[0] && strcmp(ar->country, country) != 0) continue;
        if (within && within->resolved) {
            bool in = false;
            for (size_t i = 0; i < within->n && !in; i++) {
                int32_t w = within->areas[i];
                in = ar->parent == w || (ix->areas[w].historical && in_region(ix, w, a));
            }
            if (!in) continue;
        }
        bool dup = false;
        for (size_t i = 0; i < out->n; i++) dup |= out->areas[i] == a;
        if (!dup) out->areas[out->n++] = a;
    }
}

/* The areas that `text` names at `level` (1: provinces and historical
 * regions, 2: districts), within the country and provinces already known:
 * by its key and variants, else (as a name would) its other word orders
 * ("Waziristan North"). */
static dn_status resolve_filter(dn_ctx *ctx, struct gz_index *ix, const char *text, int level, const char *country,
                                const struct gz_filter *within, struct gz_filter *out)
{
    memset(out, 0, sizeof *out);
    if (!text) return DN_OK;
    out->given = true;
    dn_status s = dn_name_key(ctx, text, strlen(text), &ix->scratch);
    if (s != DN_OK) return s;
    struct gz_variants *var = dn_malloc(sizeof *var);
    struct gz_expansions *ex = dn_malloc(sizeof *ex);
    if (!var || !ex) {
        dn_free(var);
        dn_free(ex);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    dni_gz_variants(ix->scratch.data, ix->scratch.len, GZ_VAR_QUERY, var);
    for (size_t v = 0; v < var->n && out->n == 0; v++)
        filter_add_key(ix, var->v[v].s, var->v[v].len, level, country, within, out);
    if (out->n == 0 && var->n > 0) {
        size_t core = var->n > 1 && var->v[1].family == GZ_V_CORE ? 1 : 0;
        dni_gz_expansions(var->v[core].s, var->v[core].len, ex);
        for (size_t e = 0; e < ex->n && out->n == 0; e++)
            filter_add_key(ix, ex->v[e].s, ex->v[e].len, level, country, within, out);
    }
    dn_free(var);
    dn_free(ex);
    for (size_t i = 0; i < out->n; i++)
        if (ix->areas[out->areas[i]].historical && (s = region_load(ctx, ix, out->areas[i])) != DN_OK) return s;
    out->resolved = out->n > 0;
    return DN_OK;
}

dn_status dni_gz_resolve_hints(dn_ctx *ctx, struct gz_index *ix, const struct dn_geocode_opts *opts,
                               struct gz_hints *out)
{
    memset(out, 0, sizeof *out);
    if (!opts) return DN_OK;
    if (opts->country && *opts->country) {
        out->country_given = true;
        const char *iso = dni_gz_country_code(ix, opts->country);
        if (iso) snprintf(out->country, sizeof out->country, "%s", iso);
    }
    const char *country = out->country[0] ? out->country : NULL;
    dn_status s = DN_OK;
    if (opts->province && *opts->province) s = resolve_filter(ctx, ix, opts->province, 1, country, NULL, &out->province);
    if (s == DN_OK && opts->district && *opts->district)
        s = resolve_filter(ctx, ix, opts->district, 2, country, &out->province, &out->district);
    if (s == DN_OK && out->district.given && !out->district.resolved && out->province.resolved)
        /* a district outside the province given: trust the district alone */
        s = resolve_filter(ctx, ix, opts->district, 2, country, NULL, &out->district);
    dni_gz_hints_per_lookup(out, opts);
    return s;
}

void dni_gz_hints_per_lookup(struct gz_hints *h, const struct dn_geocode_opts *opts)
{
    h->context = opts->context_ids;
    h->ncontext = opts->ncontext;
    h->has_near = opts->has_near;
    h->near_lon = opts->near_lon;
    h->near_lat = opts->near_lat;
    h->best_only = opts->best_only;
}

int dni_gz_filter_match(const struct gz_index *ix, const struct gz_filter *f, const struct gz_place *p)
{
    if (!f->given || !f->resolved) return 0;
    bool known = false;
    for (size_t i = 0; i < f->n; i++) {
        int32_t a = f->areas[i];
        const struct gz_area *ar = &ix->areas[a];
        if (p->area == a) return 1;
        if (ar->level == 2) {
            if (p->district_area == a) return 1;
            known |= p->district_area >= 0 || (p->area >= 0 && ix->areas[p->area].level == 2);
        } else if (ar->historical) {
            if (in_region(ix, a, p->district_area) || in_region(ix, a, p->area)) return 1;
            known |= p->district_area >= 0;
        } else {
            if (p->province_area == a) return 1;
            if (p->district_area >= 0 && ix->areas[p->district_area].parent == a) return 1;
            known |= p->province_area >= 0 || p->district_area >= 0;
        }
    }
    return known ? -1 : 0;
}

dn_status dn_gazetteer_check_hint(dn_ctx *ctx, int level, const char *text)
{
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    if (s != DN_OK) return s;
    if (level == 0) {
        if (!dni_gz_country_code(ix, text)) return dni_fail(ctx, DN_ERR_NOT_FOUND, "unknown country '%s'", text);
        return DN_OK;
    }
    struct gz_filter f;
    if ((s = resolve_filter(ctx, ix, text, level, NULL, NULL, &f)) != DN_OK) return s;
    if (!f.resolved)
        return dni_fail(ctx, DN_ERR_NOT_FOUND, "unknown %s '%s'", level == 1 ? "province or region" : "district", text);
    return DN_OK;
}

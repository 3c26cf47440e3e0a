/** @file resolve.c
 * Place names in filters, through the geocoder: --near PLACE (the place
 * dn_geocode picks → its point) and --in REGION (the country, province or
 * district it picks among admin areas only → the values events store).
 * Aliases, old names, spelling variants and misspellings ("Peshawer",
 * "Miramshah", "NWFP") therefore work as in `durand geocode`, and namesakes
 * are settled the same way (hints, kind, prominence).
 *
 * A name may carry a qualifier after a comma ("Bagram, Parwan", "Khyber,
 * PAK"): it becomes the geocoder's country, province or district hint, and
 * a place outside it is refused. --in also takes a level prefix
 * ("district:Kandahar"). Ambiguity is a usage error listing the candidates
 * in that syntax, so the message says what to type instead.
 *
 * Building the geocoder's index costs about 0.7 s of CPU, a hundred times
 * a typical query. So a name whose key (dn_name_key) is the exact main or
 * other name of exactly one place (for --in: the main name of exactly one
 * admin area, or of a province and its namesake district), after the
 * qualifier, is answered from the store's tables with one SQL lookup; every
 * other name (aliases of admin areas, misspellings, namesakes, unknown
 * names) goes to the geocoder, which also words the errors.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gazetteer/gazetteer.h"
#include "gazetteer/normalize.h"
#include "query/filter_internal.h"
#include "store/store.h"

/* ---- shared helpers ------------------------------------------------------------ */

/* Split "NAME, QUALIFIER" at the last comma; both trimmed, copied into the
 * caller's buffers. */
static void split_qualifier(const char *text, char *name, size_t ncap, char *qual, size_t qcap)
{
    const char *comma = strrchr(text, ',');
    size_t nlen = comma ? (size_t)(comma - text) : strlen(text);
    while (nlen && isspace((unsigned char)*text)) text++, nlen--;
    while (nlen && isspace((unsigned char)text[nlen - 1])) nlen--;
    snprintf(name, ncap, "%.*s", (int)nlen, text);
    qual[0] = '\0';
    if (comma) {
        const char *q = comma + 1;
        while (isspace((unsigned char)*q)) q++;
        size_t qlen = strlen(q);
        while (qlen && isspace((unsigned char)q[qlen - 1])) qlen--;
        snprintf(qual, qcap, "%.*s", (int)qlen, q);
    }
}

/* Name keys, remembering an allocation failure so that it is reported as
 * one instead of passing for "no such name". */
struct keyer {
    struct dn_strbuf buf;
    bool nomem;
};

/* Key of `s` into k->buf; false when it has none. */
static bool key_of(const char *s, struct keyer *k)
{
    dn_strbuf_reset(&k->buf);
    if (!s) return false;
    dn_status st = dn_name_key(NULL, s, strlen(s), &k->buf);
    if (st == DN_ERR_NOMEM) k->nomem = true;
    return st == DN_OK && k->buf.len > 0;
}

static bool same_key(const char *s, const char *key, struct keyer *tmp)
{
    return key_of(s, tmp) && strcmp(tmp->buf.data, key) == 0;
}

/* Whether any '|'/';'-separated item of a list has the key. */
static bool list_has_key(const char *list, const char *key, struct keyer *tmp)
{
    char item[DN_NAME_MAX + 1];
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, "|;");
        if (len <= DN_NAME_MAX) {
            memcpy(item, p, len);
            item[len] = '\0';
            if (same_key(item, key, tmp)) return true;
        }
        p += len;
        if (*p) p++;
    }
    return false;
}

/* Countries events may lie in: ISO3, alpha-2 and English name. The shipped
 * admin_areas add their own names and aliases on top. */
static const struct {
    const char *iso3, *iso2, *name;
} countries[] = {
    {"AFG", "AF", "Afghanistan"}, {"PAK", "PK", "Pakistan"},     {"IRN", "IR", "Iran"},
    {"IND", "IN", "India"},       {"CHN", "CN", "China"},        {"TJK", "TJ", "Tajikistan"},
    {"TKM", "TM", "Turkmenistan"}, {"UZB", "UZ", "Uzbekistan"},
};

/* ISO3 of a country given by code or name ("" if not one). */
static void country_code(dn_ctx *ctx, const char *text, const char *key, char out[4], struct keyer *tmp)
{
    out[0] = '\0';
    for (size_t i = 0; i < DN_ARRAY_LEN(countries); i++) {
        if (strcasecmp(text, countries[i].iso3) == 0 || strcasecmp(text, countries[i].iso2) == 0 ||
            same_key(countries[i].name, key, tmp)) {
            memcpy(out, countries[i].iso3, 4);
            return;
        }
    }
    sqlite3_stmt *st;
    if (dn_store_stmt(ctx, "SELECT code, name, alt_names FROM admin_areas WHERE level = 0", &st) != DN_OK) return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (!code || strlen(code) != 3) continue;
        if (strcasecmp(text, code) == 0 || same_key((const char *)sqlite3_column_text(st, 1), key, tmp) ||
            list_has_key((const char *)sqlite3_column_text(st, 2), key, tmp)) {
            memcpy(out, code, 4);
            break;
        }
    }
    sqlite3_reset(st);
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", s ? s : "");
}

/* ---- the geocoder ------------------------------------------------------------------- */

/* Turn the qualifier of "NAME, QUALIFIER" into the geocoder's hint: a
 * country, else a province, else a district. *district_too: it also names
 * a district (tried when the province leaves the name ambiguous). */
static dn_status qualifier_hint(dn_ctx *ctx, const char *opt, const char *text, const char *qual,
                                struct dn_geocode_opts *o, bool *district_too)
{
    *district_too = false;
    if (!qual[0]) return DN_OK;
    bool named[3];
    for (int level = 0; level < 3; level++) {
        dn_status s = dn_gazetteer_check_hint(ctx, level, qual);
        if (s != DN_OK && s != DN_ERR_NOT_FOUND && s != DN_ERR_INPUT) return s;
        named[level] = s == DN_OK;
        if (named[0]) break;
    }
    if (named[0]) o->country = qual;
    else if (named[1]) o->province = qual, *district_too = named[2];
    else if (named[2]) o->district = qual;
    else
        return dni_fail(ctx, DN_ERR_USAGE, "%s: '%s' (in '%s') is not a country, province or district of the gazetteer",
                        opt, qual, text);
    return DN_OK;
}

/* Geocode `name` with the qualifier's hint; with a province hint that
 * leaves it ambiguous, once more with the qualifier as a district. */
static dn_status geocode(dn_ctx *ctx, const char *opt, const char *text, const char *name, const char *qual,
                         unsigned admin_only, struct dn_geocode_result *res)
{
    struct dn_geocode_opts o = {.max_alternatives = 12, .alternatives_given = true, .admin_only = admin_only};
    bool district_too;
    memset(res, 0, sizeof *res); /* cleared by the caller on every path */
    dn_status s = qualifier_hint(ctx, opt, text, qual, &o, &district_too);
    if (s == DN_OK) s = dn_geocode(ctx, name, strlen(name), &o, res);
    if (s == DN_OK && district_too && (res->status == DN_GEOCODE_AMBIGUOUS || res->outside_hints)) {
        dn_geocode_result_clear(res);
        o.province = NULL;
        o.district = qual;
        s = dn_geocode(ctx, name, strlen(name), &o, res);
    }
    if (s == DN_ERR_INPUT) s = dni_fail(ctx, DN_ERR_USAGE, "%s: '%s' is not a usable name (%s)", opt, text,
                                        dn_ctx_errmsg(ctx));
    return s;
}

enum { MAX_CANDS = 64, MAX_SHOWN = 8 };

/* The best place and the alternatives that score nearly as well: the
 * places an ambiguous name may mean. */
static size_t near_ties(const struct dn_geocode_result *res, const struct dn_place **out, size_t cap)
{
    size_t n = 0;
    out[n++] = &res->place;
    for (size_t i = 0; i < res->nalternatives && n < cap; i++)
        if (res->alternatives[i].score >= 0.45 * res->confidence) out[n++] = &res->alternatives[i].place;
    return n;
}

static const char *str_or(const char *s, const char *dflt) { return s && *s ? s : dflt; }

/* ---- --near PLACE ----------------------------------------------------------------- */

/* "'NAME, QUALIFIER' (kind, province/district, country, lat,lon)": the
 * qualifier is the province unless another candidate shares it, then the
 * district — what to type to pick this one. */
static void describe_place(struct dn_strbuf *b, const struct dn_place *c, const struct dn_place *const *all, size_t n)
{
    const char *qual = str_or(c->province, str_or(c->district, str_or(c->country, "")));
    /* a town's district often bears its name: "Chaman, Chaman" would say nothing */
    for (size_t i = 0; i < n; i++)
        if (all[i] != c && c->district && c->province && all[i]->province &&
            strcmp(all[i]->province, c->province) == 0 && strcmp(c->district, c->name) != 0)
            qual = c->district;
    dn_strbuf_printf(b, "'%s%s%s' (%s, %s%s%s, %s, %.4f,%.4f)", c->name, qual[0] ? ", " : "", qual,
                     str_or(c->kind, "place"), str_or(c->province, ""), c->province && c->district ? "/" : "",
                     str_or(c->district, ""), str_or(c->country, "?"), c->lat, c->lon);
}

/* Exact-name lookup in the store: *hit when the key names exactly one place
 * (that agrees with the qualifier). */
static dn_status quick_place(dn_ctx *ctx, const char *key, const char *qual, bool *hit, double *lat, double *lon)
{
    *hit = false;
    struct keyer qkey = {0}, tmp = {0};
    bool has_qual = qual[0] && key_of(qual, &qkey);
    char qual_iso[4] = "";
    if (has_qual) country_code(ctx, qual, qkey.buf.data, qual_iso, &tmp);
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "SELECT p.country, p.province, p.district, Y(p.geom), X(p.geom)"
                                " FROM place_names n JOIN places p ON p.id = n.place_id"
                                " WHERE n.key = ? AND p.geom IS NOT NULL GROUP BY p.id",
                                &st);
    if (s != DN_OK) goto done;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (has_qual && !(same_key((const char *)sqlite3_column_text(st, 1), qkey.buf.data, &tmp) ||
                          same_key((const char *)sqlite3_column_text(st, 2), qkey.buf.data, &tmp) ||
                          (qual_iso[0] && strcmp((const char *)sqlite3_column_text(st, 0), qual_iso) == 0)))
            continue;
        if (++n > 1) break;
        *lat = sqlite3_column_double(st, 3);
        *lon = sqlite3_column_double(st, 4);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) s = dni_fail_sqlite(ctx, "looking up a place");
    else if (qkey.nomem || tmp.nomem) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    else *hit = n == 1;
done:
    dn_strbuf_free(&qkey.buf);
    dn_strbuf_free(&tmp.buf);
    return s;
}

/* The error for a name the geocoder could not settle. */
static dn_status place_error(dn_ctx *ctx, const char *text, const char *name, const char *qual,
                             const struct dn_geocode_result *res)
{
    const struct dn_place *c[MAX_SHOWN];
    struct dn_strbuf m = {0};
    size_t n;
    if (res->status == DN_GEOCODE_UNRESOLVED || res->outside_hints) {
        n = 0;
        if (res->outside_hints) c[n++] = &res->place;
        for (size_t i = 0; i < res->nalternatives && n < 3; i++) c[n++] = &res->alternatives[i].place;
        if (res->outside_hints)
            dn_strbuf_printf(&m, "--near: no place '%s' in %s", name, qual);
        else
            dn_strbuf_printf(&m, "--near: unknown place '%s' (not in the gazetteer", text);
        for (size_t i = 0; i < n; i++) {
            dn_strbuf_puts(&m, i ? ", " : res->outside_hints ? " (places of that name: " : "; did you mean ");
            describe_place(&m, c[i], c, n);
        }
        dn_strbuf_puts(&m, res->outside_hints ? (n ? ")" : "") : n ? "?)" : ")");
        dn_strbuf_puts(&m, "; give LAT,LON instead");
    } else {
        n = near_ties(res, c, MAX_SHOWN);
        dn_strbuf_printf(&m, "--near: '%s' is ambiguous (%zu places): ", text, n);
        for (size_t i = 0; i < n; i++) {
            if (i) dn_strbuf_puts(&m, ", ");
            describe_place(&m, c[i], c, n);
        }
        dn_strbuf_puts(&m, "; qualify it as 'NAME, PROVINCE' or 'NAME, DISTRICT', or give LAT,LON");
    }
    dn_status s = m.failed ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : dni_fail(ctx, DN_ERR_USAGE, "%s", m.data);
    dn_strbuf_free(&m);
    return s;
}

dn_status dni_filter_resolve_place(dn_ctx *ctx, const char *text, bool quick, double *lat, double *lon)
{
    char name[DN_NAME_MAX + 1], qual[DN_NAME_MAX + 1];
    split_qualifier(text, name, sizeof name, qual, sizeof qual);
    struct keyer key = {0};
    bool usable = key_of(name, &key);
    dn_status s = DN_OK;
    if (key.nomem) {
        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!usable) {
        s = dni_fail(ctx, DN_ERR_USAGE, "--near: '%s' is not a usable place name", text);
        goto done;
    }
    bool hit = false;
    if (quick && (s = quick_place(ctx, key.buf.data, qual, &hit, lat, lon)) != DN_OK) goto done;
    if (hit) goto done;
    struct dn_geocode_result res;
    if ((s = geocode(ctx, "--near", text, name, qual, 0, &res)) != DN_OK) goto done;
    if (res.status != DN_GEOCODE_RESOLVED || res.outside_hints) {
        s = place_error(ctx, text, name, qual, &res);
    } else {
        *lat = res.place.lat;
        *lon = res.place.lon;
        if (res.match != DN_MATCH_EXACT || res.ncandidates > 1) {
            struct dn_strbuf m = {0};
            const struct dn_place *c = &res.place;
            describe_place(&m, c, &c, 1);
            if (!m.failed)
                dni_info(ctx, "--near '%s': taking %s (%s match%s)", text, m.data, dn_match_name(res.match),
                         res.ncandidates > 1 ? ", the best of several places" : "");
            dn_strbuf_free(&m);
        }
    }
    dn_geocode_result_clear(&res);
done:
    dn_strbuf_free(&key.buf);
    return s;
}

/* ---- --in REGION -------------------------------------------------------------------- */

struct region_cand {
    int level;
    char country[4];
    char name[128], parent[128];
    char province[128]; /* level 2: the district's province, "" if unknown */
};

/* Add r unless it is there already. Districts are told apart by their
 * province too: seven Afghan district names (Arghandab, Qarabagh, ...)
 * belong to two provinces each. */
static bool add_region(struct region_cand *c, size_t *n, size_t cap, const struct region_cand *r)
{
    for (size_t i = 0; i < *n; i++)
        if (c[i].level == r->level && strcmp(c[i].country, r->country) == 0 && strcmp(c[i].name, r->name) == 0 &&
            strcmp(c[i].province, r->province) == 0)
            return true;
    if (*n == cap) return false;
    c[(*n)++] = *r;
    return true;
}

static const char *const level_names[] = {"country", "province", "district"};

static dn_status to_regions(dn_ctx *ctx, const struct region_cand *c, size_t n, struct dni_region **out, size_t *nout)
{
    struct dni_region *r = dn_calloc(n, sizeof *r);
    if (!r) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        r[i].level = c[i].level;
        memcpy(r[i].country, c[i].country, 4);
        if ((c[i].level > 0 && !(r[i].name = dn_strdup(c[i].name))) ||
            (c[i].level == 2 && c[i].province[0] && !(r[i].province = dn_strdup(c[i].province)))) {
            for (size_t j = 0; j <= i; j++) {
                dn_free(r[j].name);
                dn_free(r[j].province);
            }
            dn_free(r);
            return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        }
    }
    *out = r;
    *nout = n;
    return DN_OK;
}

/* "Kandahar": the province and its district of the same name — the
 * province holds the district, so the name means the province. */
static void drop_nested(struct region_cand *c, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        bool inside = false;
        for (size_t j = 0; j < *n && c[i].level == 2; j++)
            inside |= c[j].level == 1 && strcmp(c[j].country, c[i].country) == 0 &&
                      strcmp(c[j].name, c[i].parent) == 0 && strcmp(c[j].name, c[i].name) == 0;
        if (!inside) c[k++] = c[i];
    }
    *n = k;
}

/* Exact lookup in the store: codes and names of countries (the geocoder
 * does not answer "af" or "PK" with a country), and unless countries_only
 * the main names of current provinces and districts; *n 0 on a miss.
 * Aliases are left to the geocoder, which drops the implausible ones the
 * source lists. */
static dn_status quick_region(dn_ctx *ctx, const char *name, const char *key, const char *qual, int want_level,
                              bool countries_only, struct region_cand *cands, size_t *n)
{
    *n = 0;
    struct keyer qkey = {0}, tmp = {0};
    dn_status s = DN_OK;
    bool has_qual = qual[0] && key_of(qual, &qkey);
    char qual_iso[4] = "";
    if (has_qual) country_code(ctx, qual, qkey.buf.data, qual_iso, &tmp);
    if (want_level <= 0 && !qual[0]) {
        struct region_cand c = {.level = 0};
        country_code(ctx, name, key, c.country, &tmp);
        if (c.country[0]) {
            snprintf(c.name, sizeof c.name, "%s", c.country);
            add_region(cands, n, MAX_CANDS, &c);
        }
    }
    if (want_level != 0 && *n == 0 && !countries_only) {
        sqlite3_stmt *st;
        if ((s = dn_store_stmt(ctx,
                               "SELECT level, country, name, coalesce(parent_name, '') FROM admin_areas"
                               " WHERE level IN (1, 2) AND historical = 0 ORDER BY level, country, name",
                               &st)) != DN_OK)
            goto done;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            struct region_cand c = {.level = sqlite3_column_int(st, 0)};
            if (want_level > 0 && c.level != want_level) continue;
            copy_col(c.country, sizeof c.country, st, 1);
            copy_col(c.name, sizeof c.name, st, 2);
            copy_col(c.parent, sizeof c.parent, st, 3);
            if (c.level == 2) memcpy(c.province, c.parent, sizeof c.province);
            if (!same_key(c.name, key, &tmp)) continue;
            if (has_qual && !(same_key(c.parent, qkey.buf.data, &tmp) || (qual_iso[0] && strcmp(c.country, qual_iso) == 0)))
                continue;
            if (!add_region(cands, n, MAX_CANDS, &c)) break;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            s = dni_fail_sqlite(ctx, "looking up a region");
            goto done;
        }
    }
    if (qkey.nomem || tmp.nomem) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    drop_nested(cands, n);
    if (*n != 1) *n = 0;
done:
    dn_strbuf_free(&qkey.buf);
    dn_strbuf_free(&tmp.buf);
    return s;
}

/* A region candidate from an admin place of the geocoder (admin_only). */
static void region_of(const struct dn_place *p, struct region_cand *c)
{
    memset(c, 0, sizeof *c);
    c->level = p->precision == DN_PREC_COUNTRY ? 0 : p->precision == DN_PREC_DISTRICT ? 2 : 1;
    snprintf(c->country, sizeof c->country, "%s", str_or(p->country, ""));
    const char *name = c->level == 0 ? c->country : c->level == 1 ? str_or(p->province, p->name) : str_or(p->district, p->name);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->parent, sizeof c->parent, "%s", c->level == 2 ? str_or(p->province, c->country) : c->country);
    if (c->level == 2) snprintf(c->province, sizeof c->province, "%s", str_or(p->province, ""));
}

static bool is_historical(const struct dn_place *p) { return p->kind && strcmp(p->kind, "ADM1H") == 0; }

/* A historical region (FATA) is no value events store: it stands for the
 * current districts that lie in it. */
static dn_status region_districts(dn_ctx *ctx, const struct dn_place *p, struct region_cand *cands, size_t *n)
{
    struct dn_geocode_opts o = {.country = p->country, .province = p->name};
    struct dn_place *list = NULL;
    size_t count = 0;
    dn_status s = dn_gazetteer_list(ctx, &o, "district", 0, 0, &list, &count, NULL);
    for (size_t i = 0; s == DN_OK && i < count; i++) {
        struct region_cand c;
        region_of(&list[i], &c);
        if (c.level == 2 && c.name[0] && !add_region(cands, n, MAX_CANDS, &c))
            s = dni_fail(ctx, DN_ERR_USAGE, "--in: '%s' holds more than %d districts", p->name, MAX_CANDS);
    }
    dn_free(list);
    return s;
}

static void describe_region(struct dn_strbuf *m, const struct region_cand *c)
{
    if (c->level == 0) dn_strbuf_printf(m, "'country:%s'", c->country);
    else dn_strbuf_printf(m, "'%s:%s, %s'", level_names[c->level], c->name, c->parent);
}

/* The geocoder's answer among admin areas → candidates (or an error). */
static dn_status geocode_region(dn_ctx *ctx, const char *text, const char *name, const char *qual, int want_level,
                                struct region_cand *cands, size_t *n)
{
    static const unsigned level_bits[] = {DN_GEOCODE_ADMIN_COUNTRY, DN_GEOCODE_ADMIN_PROVINCE | DN_GEOCODE_ADMIN_REGION,
                                          DN_GEOCODE_ADMIN_DISTRICT};
    unsigned levels = want_level >= 0 ? level_bits[want_level]
                                      : DN_GEOCODE_ADMIN_COUNTRY | DN_GEOCODE_ADMIN_PROVINCE |
                                            DN_GEOCODE_ADMIN_REGION | DN_GEOCODE_ADMIN_DISTRICT;
    struct dn_geocode_result res;
    dn_status s = geocode(ctx, "--in", text, name, qual, levels, &res);
    if (s != DN_OK) return s;
    struct dn_strbuf m = {0};
    const char *what = want_level >= 0 ? level_names[want_level] : "country, province or district";
    if (res.status == DN_GEOCODE_UNRESOLVED || res.outside_hints) {
        if (res.outside_hints) dn_strbuf_printf(&m, "--in: no %s '%s' in %s", what, name, qual);
        else dn_strbuf_printf(&m, "--in: unknown region '%s' (not a %s in the loaded geodata)", text, what);
        size_t shown = 0;
        for (size_t i = 0; i < res.nalternatives + res.outside_hints && shown < 3; i++) {
            const struct dn_place *p = res.outside_hints && i == 0 ? &res.place
                                                                   : &res.alternatives[i - res.outside_hints].place;
            struct region_cand c;
            region_of(p, &c);
            dn_strbuf_puts(&m, shown++ ? ", " : "; did you mean ");
            describe_region(&m, &c);
        }
        if (shown) dn_strbuf_putc(&m, '?');
        /* a town's name: say so, and what to type instead */
        struct dn_geocode_result any = {0};
        if (!res.outside_hints && dn_geocode(ctx, name, strlen(name), NULL, &any) == DN_OK &&
            any.status != DN_GEOCODE_UNRESOLVED && any.match != DN_MATCH_FUZZY)
            dn_strbuf_printf(&m, "; %s is a place (%s, %s): use --near '%s'", any.place.name,
                             str_or(any.place.kind, "place"), str_or(any.place.country, "?"), any.place.name);
        dn_geocode_result_clear(&any);
        s = m.failed ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : dni_fail(ctx, DN_ERR_USAGE, "%s", m.data);
        goto done;
    }
    const struct dn_place *tied[MAX_SHOWN];
    size_t ntied = res.status == DN_GEOCODE_AMBIGUOUS ? near_ties(&res, tied, MAX_SHOWN) : 1;
    if (ntied == 1) tied[0] = &res.place;
    for (size_t i = 0; i < ntied && s == DN_OK; i++) {
        struct region_cand c;
        region_of(tied[i], &c);
        if (is_historical(tied[i]) && ntied == 1) s = region_districts(ctx, tied[i], cands, n);
        else add_region(cands, n, MAX_CANDS, &c);
    }
    if (s != DN_OK) goto done;
    if (*n == 0) {
        s = dni_fail(ctx, DN_ERR_USAGE, "--in: '%s' (%s) holds no current district", text, res.place.name);
        goto done;
    }
    if (ntied > 1) {
        drop_nested(cands, n);
        /* several of one level with the level asked for: the name means them all */
        bool one_level = true;
        for (size_t i = 1; i < *n; i++) one_level &= cands[i].level == cands[0].level;
        if (*n > 1 && !(want_level >= 0 && one_level)) {
            dn_strbuf_printf(&m, "--in: '%s' is ambiguous: ", text);
            for (size_t i = 0; i < *n; i++) {
                if (i) dn_strbuf_puts(&m, ", ");
                describe_region(&m, &cands[i]);
            }
            s = m.failed ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : dni_fail(ctx, DN_ERR_USAGE, "%s", m.data);
            goto done;
        }
    }
    if (is_historical(&res.place) || (res.match != DN_MATCH_EXACT && *n == 1)) {
        describe_region(&m, &cands[0]);
        if (!m.failed)
            dni_info(ctx, "--in '%s': taking %s%s (%s match)", text, m.data,
                     *n > 1 ? " and the other districts it holds" : "", dn_match_name(res.match));
    } else if (*n > 1) {
        /* "district:Arghandab": the level asked for, every area of it that bears the name */
        for (size_t i = 0; i < *n; i++) {
            if (i) dn_strbuf_puts(&m, ", ");
            describe_region(&m, &cands[i]);
        }
        if (!m.failed)
            dni_info(ctx, "--in '%s': taking every %s of that name: %s (%s match)", text, level_names[cands[0].level],
                     m.data, dn_match_name(res.match));
    }
done:
    dn_strbuf_free(&m);
    dn_geocode_result_clear(&res);
    return s;
}

dn_status dni_filter_resolve_region(dn_ctx *ctx, const char *text, bool quick, struct dni_region **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    /* level prefix */
    int want_level = -1;
    const char *rest = text;
    while (isspace((unsigned char)*rest)) rest++;
    for (int l = 0; l < 3; l++) {
        size_t len = strlen(level_names[l]);
        if (strncasecmp(rest, level_names[l], len) == 0 && rest[len] == ':') {
            want_level = l;
            rest += len + 1;
            break;
        }
    }
    char name[DN_NAME_MAX + 1], qual[DN_NAME_MAX + 1];
    split_qualifier(rest, name, sizeof name, qual, sizeof qual);
    struct keyer key = {0};
    dn_status s = DN_OK;
    struct region_cand cands[MAX_CANDS];
    size_t n = 0;
    bool usable = key_of(name, &key);
    if (key.nomem) {
        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!usable) {
        s = dni_fail(ctx, DN_ERR_USAGE, "--in: '%s' is not a usable region name", text);
        goto done;
    }
    if ((s = quick_region(ctx, name, key.buf.data, qual, want_level, !quick, cands, &n)) != DN_OK) goto done;
    if (n == 0 && (s = geocode_region(ctx, text, name, qual, want_level, cands, &n)) != DN_OK) goto done;
    s = to_regions(ctx, cands, n, out, nout);
done:
    dn_strbuf_free(&key.buf);
    return s;
}

/** @file resolve.c
 * Place names in filters: --near PLACE (a gazetteer place → its point) and
 * --in REGION (a country, province or district → the values events store).
 *
 * Both read the store's gazetteer tables directly (places/place_names with
 * keys from dn_name_key, admin_areas) with bound parameters. A name may
 * carry a qualifier after a comma ("Bagram, Parwan", "Khyber, PAK") naming
 * its province, district or country; --in also takes a level prefix
 * ("district:Kandahar"). Ambiguity is a usage error listing the candidates
 * in that syntax, so the message says what to type instead.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* ---- --near PLACE ----------------------------------------------------------------- */

struct place_cand {
    long long id;
    char name[96], kind[16], country[8], province[96], district[96];
    double lat, lon;
    int rank; /* how prominent the kind is: capitals > seats > admin units > the rest */
};

static int kind_rank(const char *kind)
{
    static const char *const order[] = {"PPLC", "PPLA", "ADM1", "PPLA2", "ADM2", "PPLA3", "PPLA4"};
    for (size_t i = 0; i < DN_ARRAY_LEN(order); i++)
        if (strcmp(kind, order[i]) == 0) return (int)(DN_ARRAY_LEN(order) - i) + 1;
    return 1;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", s ? s : "");
}

/* "'NAME, QUALIFIER' (kind, province/district, country, lat,lon)": the
 * qualifier is the province unless another candidate shares it, then the
 * district — what to type to pick this one. */
static void describe_place(struct dn_strbuf *b, const struct place_cand *c, const struct place_cand *all, size_t n)
{
    const char *qual = c->province[0] ? c->province : c->district[0] ? c->district : c->country;
    for (size_t i = 0; i < n; i++)
        if (&all[i] != c && c->district[0] && strcmp(all[i].province, c->province) == 0) qual = c->district;
    dn_strbuf_printf(b, "'%s, %s' (%s, %s%s%s, %s, %.4f,%.4f)", c->name, qual, c->kind[0] ? c->kind : "place",
                     c->province, c->province[0] && c->district[0] ? "/" : "", c->district, c->country, c->lat,
                     c->lon);
}

enum { MAX_CANDS = 64 };

dn_status dni_filter_resolve_place(dn_ctx *ctx, const char *text, double *lat, double *lon)
{
    char name[DN_NAME_MAX + 1], qual[DN_NAME_MAX + 1];
    split_qualifier(text, name, sizeof name, qual, sizeof qual);
    struct keyer key = {0}, qkey = {0}, tmp = {0};
    dn_status s = DN_OK;
    bool usable = key_of(name, &key);
    if (key.nomem) {
        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!usable) {
        s = dni_fail(ctx, DN_ERR_USAGE, "--near: '%s' is not a usable place name", text);
        goto done;
    }
    bool has_qual = qual[0] && key_of(qual, &qkey);
    char qual_iso[4] = "";
    if (has_qual) country_code(ctx, qual, qkey.buf.data, qual_iso, &tmp);

    sqlite3_stmt *st;
    if ((s = dn_store_stmt(ctx,
                           "SELECT p.id, p.name, coalesce(p.kind, ''), p.country, p.province, p.district,"
                           " Y(p.geom), X(p.geom)"
                           " FROM place_names n JOIN places p ON p.id = n.place_id"
                           " WHERE n.key = ? AND p.geom IS NOT NULL GROUP BY p.id ORDER BY p.id",
                           &st)) != DN_OK)
        goto done;
    sqlite3_bind_text(st, 1, key.buf.data, -1, SQLITE_TRANSIENT);
    struct place_cand cands[MAX_CANDS];
    size_t n = 0, total = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct place_cand c = {.id = sqlite3_column_int64(st, 0)};
        copy_col(c.name, sizeof c.name, st, 1);
        copy_col(c.kind, sizeof c.kind, st, 2);
        copy_col(c.country, sizeof c.country, st, 3);
        copy_col(c.province, sizeof c.province, st, 4);
        copy_col(c.district, sizeof c.district, st, 5);
        c.lat = sqlite3_column_double(st, 6);
        c.lon = sqlite3_column_double(st, 7);
        c.rank = kind_rank(c.kind);
        if (has_qual && !(same_key(c.province, qkey.buf.data, &tmp) || same_key(c.district, qkey.buf.data, &tmp) ||
                          (qual_iso[0] && strcmp(c.country, qual_iso) == 0)))
            continue;
        total++;
        if (n < MAX_CANDS) cands[n++] = c;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        s = dni_fail_sqlite(ctx, "looking up a place");
        goto done;
    }
    if (qkey.nomem || tmp.nomem) {
        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (n == 0) {
        s = dni_fail(ctx, DN_ERR_USAGE, "--near: unknown place '%s' (not in the gazetteer%s); give LAT,LON instead",
                     text, has_qual ? " with that province, district or country" : "");
        goto done;
    }
    /* the most prominent candidate wins when it is the only one of its rank */
    size_t best = 0, ties = 0;
    for (size_t i = 1; i < n; i++)
        if (cands[i].rank > cands[best].rank) best = i;
    for (size_t i = 0; i < n; i++)
        if (cands[i].rank == cands[best].rank) ties++;
    if (ties > 1) {
        struct dn_strbuf m = {0};
        dn_strbuf_printf(&m, "--near: '%s' is ambiguous (%zu places): ", text, total);
        for (size_t i = 0, shown = 0; i < n && shown < 8; i++) {
            if (cands[i].rank != cands[best].rank) continue;
            if (shown++) dn_strbuf_puts(&m, ", ");
            describe_place(&m, &cands[i], cands, n);
        }
        if (ties > 8) dn_strbuf_printf(&m, ", ...");
        dn_strbuf_puts(&m, "; qualify it as 'NAME, PROVINCE' or 'NAME, DISTRICT', or give LAT,LON");
        s = m.failed ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : dni_fail(ctx, DN_ERR_USAGE, "%s", m.data);
        dn_strbuf_free(&m);
        goto done;
    }
    if (n > 1) {
        struct dn_strbuf m = {0};
        describe_place(&m, &cands[best], cands, n);
        dni_info(ctx, "--near '%s': taking %s, the most prominent of %zu places of that name", text,
                 m.failed ? cands[best].name : m.data, total);
        dn_strbuf_free(&m);
    }
    *lat = cands[best].lat;
    *lon = cands[best].lon;
done:
    dn_strbuf_free(&key.buf);
    dn_strbuf_free(&qkey.buf);
    dn_strbuf_free(&tmp.buf);
    return s;
}

/* ---- --in REGION -------------------------------------------------------------------- */

struct region_cand {
    int level;
    char country[4];
    char name[128], parent[128];
};

static bool add_region(struct region_cand *c, size_t *n, size_t cap, const struct region_cand *r)
{
    for (size_t i = 0; i < *n; i++)
        if (c[i].level == r->level && strcmp(c[i].country, r->country) == 0 && strcmp(c[i].name, r->name) == 0)
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
        if (c[i].level > 0 && !(r[i].name = dn_strdup(c[i].name))) {
            for (size_t j = 0; j < i; j++) dn_free(r[j].name);
            dn_free(r);
            return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        }
    }
    *out = r;
    *nout = n;
    return DN_OK;
}

dn_status dni_filter_resolve_region(dn_ctx *ctx, const char *text, struct dni_region **out, size_t *nout)
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
    struct keyer key = {0}, qkey = {0}, tmp = {0};
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
    bool has_qual = qual[0] && key_of(qual, &qkey);
    char qual_iso[4] = "";
    if (has_qual) country_code(ctx, qual, qkey.buf.data, qual_iso, &tmp);

    if (want_level <= 0 && !has_qual) {
        struct region_cand c = {.level = 0};
        country_code(ctx, name, key.buf.data, c.country, &tmp);
        if (c.country[0]) {
            snprintf(c.name, sizeof c.name, "%s", c.country);
            add_region(cands, &n, MAX_CANDS, &c);
        }
    }
    if (want_level != 0 && n == 0) {
        sqlite3_stmt *st;
        if ((s = dn_store_stmt(ctx,
                               "SELECT level, country, name, coalesce(parent_name, ''), alt_names FROM admin_areas"
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
            if (!same_key(c.name, key.buf.data, &tmp) && !list_has_key((const char *)sqlite3_column_text(st, 4), key.buf.data, &tmp))
                continue;
            if (has_qual && !(same_key(c.parent, qkey.buf.data, &tmp) || (qual_iso[0] && strcmp(c.country, qual_iso) == 0)))
                continue;
            if (!add_region(cands, &n, MAX_CANDS, &c)) break;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
            s = dni_fail_sqlite(ctx, "looking up a region");
            goto done;
        }
    }
    if (qkey.nomem || tmp.nomem) {
        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (n == 0) {
        s = dni_fail(ctx, DN_ERR_USAGE, "--in: unknown region '%s' (not a %s in the loaded geodata)", text,
                     want_level >= 0 ? level_names[want_level] : "country, province or district");
        goto done;
    }
    /* "Kandahar": the province and its district of the same name — the
     * province holds the district, so the name means the province */
    bool nested = true;
    size_t provinces = 0;
    for (size_t i = 0; i < n; i++) {
        if (cands[i].level == 1) provinces++;
        if (cands[i].level != 2) continue;
        bool inside = false;
        for (size_t j = 0; j < n; j++)
            if (cands[j].level == 1 && strcmp(cands[j].country, cands[i].country) == 0 &&
                same_key(cands[i].parent, key.buf.data, &tmp) && same_key(cands[j].name, key.buf.data, &tmp))
                inside = true;
        if (!inside) nested = false;
    }
    if (n > 1 && provinces > 0 && nested) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (cands[i].level == 1) cands[k++] = cands[i];
        n = k;
    }
    /* several of one level with the level asked for: the name means them all */
    bool one_level = true;
    for (size_t i = 1; i < n; i++)
        if (cands[i].level != cands[0].level) one_level = false;
    if (n > 1 && !(want_level >= 0 && one_level)) {
        struct dn_strbuf m = {0};
        dn_strbuf_printf(&m, "--in: '%s' is ambiguous: ", text);
        for (size_t i = 0; i < n && i < 8; i++) {
            if (i) dn_strbuf_puts(&m, ", ");
            dn_strbuf_printf(&m, "'%s:%s, %s'", level_names[cands[i].level], cands[i].name,
                             cands[i].level == 2 && cands[i].parent[0] ? cands[i].parent : cands[i].country);
        }
        if (n > 8) dn_strbuf_puts(&m, ", ...");
        s = m.failed ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : dni_fail(ctx, DN_ERR_USAGE, "%s", m.data);
        dn_strbuf_free(&m);
        goto done;
    }
    if (tmp.nomem) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    else s = to_regions(ctx, cands, n, out, nout);
done:
    dn_strbuf_free(&key.buf);
    dn_strbuf_free(&qkey.buf);
    dn_strbuf_free(&tmp.buf);
    return s;
}

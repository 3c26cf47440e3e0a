/** @file summary.c
 * Aggregates of the filtered events per group of keys: the filter's WHERE
 * selects the rows, query/groups.c adds them up, core/emit prints them.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "query/groups.h"
#include "query/query.h"

static const struct {
    const char *name;
    const char *sql; /* over alias e */
} key_defs[DN_SUM_KEY_COUNT] = {
    [DN_SUM_COUNTRY] = {"country", "e.country"},
    [DN_SUM_PROVINCE] = {"province", "e.province"},
    [DN_SUM_DISTRICT] = {"district", "e.district"},
    [DN_SUM_BAND] = {"band", "e.band"},
    [DN_SUM_SIDE] = {"side", "NULLIF(e.side, '')"},
    /* an event known only to its year has no month */
    [DN_SUM_MONTH] = {"month", "CASE WHEN e.date_precision = 'year' THEN NULL ELSE substr(e.date, 1, 7) END"},
    [DN_SUM_YEAR] = {"year", "substr(e.date, 1, 4)"},
    [DN_SUM_TYPE] = {"type", "e.type"},
};

dn_status dn_summary_parse_by(dn_ctx *ctx, const char *text, enum dn_summary_key keys[DN_SUMMARY_MAX_KEYS],
                              size_t *nkeys)
{
    *nkeys = 0;
    const char *p = text;
    for (;;) {
        size_t len = strcspn(p, ",");
        const char *item = p;
        while (len && isspace((unsigned char)*item)) item++, len--;
        while (len && isspace((unsigned char)item[len - 1])) len--;
        int found = -1;
        for (int k = 0; k < DN_SUM_KEY_COUNT; k++)
            if (strlen(key_defs[k].name) == len && strncasecmp(item, key_defs[k].name, len) == 0) found = k;
        if (len == 4 && strncasecmp(item, "zone", 4) == 0) found = DN_SUM_BAND;
        if (found < 0)
            return dni_fail(ctx, DN_ERR_USAGE, "--by: unknown key '%.*s' (expected %s, comma-separated)", (int)len,
                            item, DN_SUMMARY_BY_KEYS);
        for (size_t i = 0; i < *nkeys; i++)
            if (keys[i] == (enum dn_summary_key)found)
                return dni_fail(ctx, DN_ERR_USAGE, "--by: key '%s' given twice", key_defs[found].name);
        keys[(*nkeys)++] = (enum dn_summary_key)found;
        p += strcspn(p, ",");
        if (!*p) break;
        p++;
    }
    return DN_OK;
}

/* A district is the district of a province: seven Afghan district names
 * belong to two provinces each (Arghandab: Kandahar and Zabul). So `district`
 * groups by country, province and district, as the export's admin_summary
 * layer does, and the province is printed before it when it is no key of
 * its own. The country is a hidden key (a province's name tells its country
 * in the geodata, but the store does not promise it); events without a
 * district keep one null group. */
static const char district_country_sql[] = "CASE WHEN e.district IS NULL THEN NULL ELSE e.country END";

/* The printed keys: `keys` with the province put before a district that
 * comes without it. *hidden_country: group by the country too. */
static size_t shown_keys(const enum dn_summary_key *keys, size_t nkeys, enum dn_summary_key *out, bool *hidden_country)
{
    bool has[DN_SUM_KEY_COUNT] = {false};
    for (size_t i = 0; i < nkeys; i++) has[keys[i]] = true;
    size_t n = 0;
    for (size_t i = 0; i < nkeys; i++) {
        if (keys[i] == DN_SUM_DISTRICT && !has[DN_SUM_PROVINCE]) out[n++] = DN_SUM_PROVINCE;
        out[n++] = keys[i];
    }
    *hidden_country = has[DN_SUM_DISTRICT] && !has[DN_SUM_COUNTRY];
    return n;
}

static const char *const value_cols[] = {"events", "fatalities", "injured", "first_date", "last_date"};

dn_status dn_summary_print(dn_ctx *ctx, const struct dn_filter *f, const enum dn_summary_key *keys, size_t nkeys,
                           enum dn_format fmt, struct dn_summary_totals *totals)
{
    if (nkeys == 0 || nkeys > DN_SUMMARY_MAX_KEYS)
        return dni_fail(ctx, DN_ERR_USAGE, "summary needs 1 to %d keys", DN_SUMMARY_MAX_KEYS);
    for (size_t i = 0; i < nkeys; i++)
        if (NEVER((unsigned)keys[i] >= DN_SUM_KEY_COUNT)) return dni_fail(ctx, DN_ERR_INTERNAL, "bad summary key");
    bool hidden_country;
    enum dn_summary_key shown[2 * DN_SUMMARY_MAX_KEYS]; /* room for a province before each key */
    size_t nshown = shown_keys(keys, nkeys, shown, &hidden_country);
    if (NEVER(nshown > DN_SUMMARY_MAX_KEYS)) return dni_fail(ctx, DN_ERR_INTERNAL, "too many summary keys");
    /* one pass over the matching rows into a hash table (groups.h says why
     * not GROUP BY); NULL or a count below zero means "unknown" */
    struct dn_strbuf sql = {0};
    dn_strbuf_puts(&sql, "SELECT ");
    for (size_t i = 0; i < nshown; i++) dn_strbuf_printf(&sql, "%s, ", key_defs[shown[i]].sql);
    if (hidden_country) dn_strbuf_printf(&sql, "%s, ", district_country_sql);
    dn_strbuf_puts(&sql, "e.fatalities, e.injured, e.date FROM events e WHERE ");
    dn_status s = dn_filter_where(ctx, f, &sql);
    if (s == DN_OK && sql.failed) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    sqlite3_stmt *st = NULL;
    if (s == DN_OK && sqlite3_prepare_v2(dni_db(ctx), sql.data, -1, &st, NULL) != SQLITE_OK)
        s = dni_fail_sqlite(ctx, "preparing the summary");
    dn_strbuf_free(&sql);
    if (s == DN_OK) s = dn_filter_bind(ctx, f, st);
    struct dni_groups *groups = NULL;
    if (s == DN_OK) s = dni_groups_new(ctx, nshown + hidden_country, &groups);
    while (s == DN_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) s = dni_fail_sqlite(ctx, "computing the summary");
        else s = dni_groups_add(groups, st);
    }
    sqlite3_finalize(st);

    const char *cols[DN_SUMMARY_MAX_KEYS + DN_ARRAY_LEN(value_cols)];
    for (size_t i = 0; i < nshown; i++) cols[i] = key_defs[shown[i]].name;
    for (size_t i = 0; i < DN_ARRAY_LEN(value_cols); i++) cols[nshown + i] = value_cols[i];
    struct dn_emit *e = NULL;
    if (s == DN_OK) s = dn_emit_new(ctx, fmt, cols, nshown + DN_ARRAY_LEN(value_cols), 0, &e);
    size_t n = 0;
    const struct dni_group *const *list = s == DN_OK ? dni_groups_sorted(groups, &n) : NULL;
    struct dn_summary_totals counted = {.groups = n};
    for (size_t i = 0; s == DN_OK && i < n; i++) {
        const struct dni_group *gr = list[i];
        counted.events += gr->events;
        for (size_t k = 0; k < nshown; k++) dn_emit_str(e, gr->keys[k]);
        dn_emit_int(e, gr->events);
        if (gr->has_fatalities) dn_emit_int(e, gr->fatalities);
        else dn_emit_null(e);
        if (gr->has_injured) dn_emit_int(e, gr->injured);
        else dn_emit_null(e);
        dn_emit_str(e, gr->first_date);
        dn_emit_str(e, gr->last_date);
        s = dn_emit_row_end(e);
    }
    if (s == DN_OK) s = dn_emit_finish(e);
    dn_emit_free(e);
    dni_groups_free(groups);
    if (s == DN_OK && totals) *totals = counted;
    return s;
}

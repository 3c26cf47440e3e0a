/** @file load_aliases.c
 * The curated aliases file (geodata/aliases.csv: alias,target,target_kind,
 * country,note): historical and short names — NWFP, KPK, FATA, Bajour,
 * Baluchistan — stored as names of rank 1 with source 'aliases.csv' on the
 * place they stand for. A target that names no place of that kind is an
 * error naming the file and line: a silently dropped alias would make the
 * geocoder quietly worse. A geodata folder without the file (a test
 * fixture) simply has no aliases.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "gazetteer/normalize.h"
#include "geodata/load_internal.h"
#include "store/store.h"

#define ALIASES_FILE "aliases.csv"

/* Split one CSV record (RFC 4180 quoting, no embedded newlines) in place. */
static size_t split_csv(char *line, char **fields, size_t cap)
{
    size_t n = 0;
    char *p = line;
    while (n < cap) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (*p == '\0') {
                    break;
                } else {
                    *out++ = *p++;
                }
            }
            while (*p && *p != ',') p++;
        } else {
            while (*p && *p != ',') p++;
            out = p;
        }
        char sep = *p;
        *out = '\0';
        fields[n++] = start;
        if (sep != ',') break;
        p++;
    }
    return n;
}

/* Kinds of places an alias may point at: the geodata build's words
 * (admin1, admin2, historical_region, place), codes of the places table,
 * or plain words. */
static const char *kind_sql(const char *kind)
{
    static const char admin[] = "p.kind IN ('ADM0', 'PCLI', 'ADM1', 'ADM1H', 'HIST', 'ADM2')";
    static const struct {
        const char *word, *where;
    } kinds[] = {
        {"country", "p.kind IN ('ADM0', 'PCLI')"}, {"adm0", "p.kind IN ('ADM0', 'PCLI')"},
        {"admin1", "p.kind = 'ADM1'"},   {"province", "p.kind = 'ADM1'"},   {"adm1", "p.kind = 'ADM1'"},
        {"admin2", "p.kind = 'ADM2'"},   {"district", "p.kind = 'ADM2'"},   {"adm2", "p.kind = 'ADM2'"},
        {"agency", "p.kind = 'ADM2'"},
        {"historical_region", "p.kind IN ('HIST', 'ADM1H')"}, {"historical", "p.kind IN ('HIST', 'ADM1H')"},
        {"region", "p.kind IN ('HIST', 'ADM1H', 'ADM1')"},
        {"crossing", "p.kind = 'CROSSING'"},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(kinds); i++)
        if (strcasecmp(kind, kinds[i].word) == 0) return kinds[i].where;
    if (strcasecmp(kind, "place") == 0 || strcasecmp(kind, "town") == 0 || strcasecmp(kind, "city") == 0 ||
        strcasecmp(kind, "village") == 0)
        return admin; /* negated by the caller: any settlement */
    return NULL;
}

static bool settlement_kind(const char *kind)
{
    return strcasecmp(kind, "place") == 0 || strcasecmp(kind, "town") == 0 || strcasecmp(kind, "city") == 0 ||
           strcasecmp(kind, "village") == 0;
}

/* The place an alias points at: the target name's best place of that
 * kind, or the place the note pins ("place_id=N"), which must carry the
 * target name. */
static dn_status find_target(dn_ctx *ctx, const char *kind, const char *key, const char *country, long long pin,
                             long long *id)
{
    *id = 0;
    const char *where = kind_sql(kind);
    struct dn_strbuf sql = {0};
    dn_strbuf_puts(&sql,
                   "SELECT p.id FROM place_names n JOIN places p ON p.id = n.place_id WHERE n.key = ?1"
                   " AND (?3 IS NULL OR p.country = ?3) AND (?4 IS NULL OR p.id = ?4) AND ");
    if (!where) dn_strbuf_puts(&sql, "p.kind = ?2");
    else if (settlement_kind(kind)) dn_strbuf_printf(&sql, "(p.kind IS NULL OR NOT %s)", where);
    else dn_strbuf_puts(&sql, where);
    dn_strbuf_puts(&sql, " ORDER BY p.admin_id IS NULL, n.rank, coalesce(p.population, 0) DESC, p.id LIMIT 1");
    if (sql.failed) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    sqlite3_stmt *st = NULL;
    dn_status s = DN_OK;
    if (sqlite3_prepare_v2(dni_db(ctx), sql.data, -1, &st, NULL) != SQLITE_OK) {
        s = dni_fail_sqlite(ctx, "resolving aliases");
    } else {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
        if (!where) sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
        if (country && *country) sqlite3_bind_text(st, 3, country, -1, SQLITE_TRANSIENT);
        if (pin) sqlite3_bind_int64(st, 4, pin);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) *id = sqlite3_column_int64(st, 0);
        else if (rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "resolving aliases");
    }
    sqlite3_finalize(st);
    dn_strbuf_free(&sql);
    return s;
}

/* "place_id=421175491" in the note pins the target among namesakes. */
static long long pinned_id(const char *note)
{
    const char *p = note ? strstr(note, "place_id=") : NULL;
    return p ? strtoll(p + 9, NULL, 10) : 0;
}

static bool has_arabic_script(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0xD8 && *p <= 0xDD) return true;
    return false;
}

static dn_status insert_alias(dn_ctx *ctx, long long place_id, const char *alias, const char *key)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx,
                                "INSERT INTO place_names(place_id, name, key, lang, script, rank, source)"
                                " VALUES (?, ?, ?, NULL, ?, 1, 'aliases.csv')",
                                &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int64(st, 1, place_id);
    sqlite3_bind_text(st, 2, alias, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, has_arabic_script(alias) ? "Arab" : "Latn", -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "storing aliases");
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
    size_t lead = strspn(s, " \t");
    if (lead) memmove(s, s + lead, n - lead + 1);
}

dn_status dni_load_aliases(dn_ctx *ctx, struct dn_geodata_report *rep)
{
    char *path = dn_geodata_path(ctx, ALIASES_FILE);
    if (!path) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    FILE *f = fopen(path, "r");
    if (!f && errno == ENOENT) {
        /* a geodata folder without aliases (test fixtures): nothing to add */
        dn_free(path);
        return DN_OK;
    }
    if (!f) {
        dn_status s = dni_fail(ctx, DN_ERR_GEODATA, "%s: cannot open shipped aliases: %s", path, strerror(errno));
        dn_free(path);
        return s;
    }
    struct dn_strbuf key = {0}, tkey = {0};
    char line[2048];
    unsigned lineno = 0;
    dn_status s = DN_OK;
    while (s == DN_OK && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            s = dni_fail(ctx, DN_ERR_GEODATA, "%s:%u: line too long", path, lineno);
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0) memmove(line, line + 3, strlen(line + 3) + 1);
        if (!line[0] || line[0] == '#') continue;
        char *fields[6] = {0};
        size_t n = split_csv(line, fields, DN_ARRAY_LEN(fields));
        for (size_t i = 0; i < n; i++) trim(fields[i]);
        if (lineno == 1) {
            if (n < 4 || strcmp(fields[0], "alias") != 0 || strcmp(fields[1], "target") != 0 ||
                strcmp(fields[2], "target_kind") != 0 || strcmp(fields[3], "country") != 0)
                s = dni_fail(ctx, DN_ERR_GEODATA, "%s:1: expected the header alias,target,target_kind,country,note",
                             path);
            continue;
        }
        if (n < 4 || !*fields[0] || !*fields[1] || !*fields[2]) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "%s:%u: need alias, target and target_kind", path, lineno);
            break;
        }
        if (dn_name_key(NULL, fields[0], strlen(fields[0]), &key) != DN_OK || key.len == 0 ||
            dn_name_key(NULL, fields[1], strlen(fields[1]), &tkey) != DN_OK || tkey.len == 0) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "%s:%u: field 'alias' or 'target' is not a usable name", path, lineno);
            break;
        }
        long long id = 0, pin = n > 4 ? pinned_id(fields[4]) : 0;
        s = find_target(ctx, fields[2], tkey.data, fields[3], pin, &id);
        if (s == DN_OK && !id && pin)
            s = dni_fail(ctx, DN_ERR_GEODATA, "%s:%u: alias '%s': place_id=%lld is not a place named '%s' (%s)", path,
                         lineno, fields[0], pin, fields[1], fields[2]);
        else if (s == DN_OK && !id)
            s = dni_fail(ctx, DN_ERR_GEODATA, "%s:%u: alias '%s': no place '%s' of kind %s%s%s in the gazetteer", path,
                         lineno, fields[0], fields[1], fields[2], *fields[3] ? " in " : "", fields[3]);
        if (s == DN_OK) s = insert_alias(ctx, id, fields[0], key.data);
        if (s == DN_OK) rep->names++;
    }
    if (s == DN_OK && ferror(f)) s = dni_fail(ctx, DN_ERR_GEODATA, "%s: read error", path);
    if (s == DN_OK && lineno == 0) s = dni_fail(ctx, DN_ERR_GEODATA, "%s: empty file (expected a header)", path);
    fclose(f);
    dn_strbuf_free(&key);
    dn_strbuf_free(&tkey);
    dn_free(path);
    return s;
}

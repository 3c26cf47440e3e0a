/** @file cmd_places.c
 * `durand places [NAME]`: browse the gazetteer — the places a name may
 * mean, ranked, or the places of an area and kind — and the names learned
 * from ingested files. Field names are those of `durand geocode`.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "gazetteer/gazetteer.h"

static const char help[] =
    "Usage: durand places NAME [--country C] [--province P] [--district D] [--limit N] [--format F]\n"
    "       durand places [--country C] [--province P] [--district D] [--kind K] [--limit N] [--offset N] [--format F]\n"
    "       durand places --learned [--format F]\n"
    "\n"
    "Browse the gazetteer with each place's admin chain (place > district >\n"
    "province > country).\n"
    "\n"
    "With NAME: every place the name may mean, best first (the hints rank them,\n"
    "as in 'durand geocode'), with how it matched and its score.\n"
    "Without NAME: the places in an area, by country, province, district,\n"
    "prominence and name; --kind narrows them to a kind code (PPL, PPLA2, ADM2...)\n"
    "or word (country, province, region, district, town, village, learned,\n"
    "neighbourhood, crossing: the settlements the border crossings stand on).\n"
    "With --learned: the names learned from ingested rows that gave both a place\n"
    "name and coordinates, with the files they came from.\n"
    "\n"
    "  --country C    country (AFG, PAK, af, Pakistan...)\n"
    "  --province P   province or historical region (KP, NWFP, FATA, Kunar...)\n"
    "  --district D   district\n"
    "  --kind K       kind of place (without NAME)\n"
    "  --limit N      at most N rows (default 50; 0 = all)\n"
    "  --offset N     skip the first N rows (without NAME)\n"
    "  --learned      list learned names\n"
    "  --format F     table (default), json, jsonl or csv\n"
    "\n"
    "Fields: place_id, name, kind, lat, lon, country, province, district,\n"
    "precision, radius_km, population, chain, names; with NAME also match and\n"
    "score; with --learned: place_id, name, lat, lon, country, province,\n"
    "district, names, sources.\n";

static char *chain_of(const struct dn_place *p)
{
    struct dn_strbuf b = {0};
    dn_strbuf_puts(&b, p->name);
    const char *parts[] = {p->district, p->province, p->country};
    const char *last = p->name;
    for (size_t i = 0; i < DN_ARRAY_LEN(parts); i++) {
        if (!parts[i] || strcmp(parts[i], last) == 0) continue;
        dn_strbuf_puts(&b, " > ");
        dn_strbuf_puts(&b, parts[i]);
        last = parts[i];
    }
    if (b.failed) {
        dn_strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

static dn_status emit_place(struct dn_cli *cli, struct dn_emit *e, const struct dn_place *p, bool with_score,
                            const char *match, double score)
{
    char *chain = chain_of(p), *names = NULL;
    dn_status s = chain ? dn_gazetteer_names(cli->ctx, p->id, &names) : dni_fail(cli->ctx, DN_ERR_NOMEM, "out of memory");
    if (s == DN_OK) {
        dn_emit_int(e, p->id);
        dn_emit_str(e, p->name);
        dn_emit_str(e, p->kind);
        dn_emit_real(e, p->lat, 5);
        dn_emit_real(e, p->lon, 5);
        dn_emit_str(e, p->country);
        dn_emit_str(e, p->province);
        dn_emit_str(e, p->district);
        dn_emit_str(e, dn_precision_name(p->precision));
        dn_emit_real(e, p->radius_km, 1);
        if (p->population >= 0) dn_emit_int(e, p->population);
        else dn_emit_null(e);
        dn_emit_str(e, chain);
        dn_emit_str(e, names);
        if (with_score) {
            dn_emit_str(e, match);
            dn_emit_real(e, score, 2);
        }
        s = dn_emit_row_end(e);
    }
    dn_free(chain);
    dn_free(names);
    return s;
}

static const char *const place_columns[] = {"place_id", "name",      "kind",       "lat",        "lon",
                                            "country",  "province",  "district",   "precision",  "radius_km",
                                            "population", "chain",   "names",      "match",      "score"};

static dn_status by_name(struct dn_cli *cli, enum dn_format fmt, const char *name, struct dn_geocode_opts *opts)
{
    struct dn_geocode_result r;
    dn_status s = dn_geocode(cli->ctx, name, strlen(name), opts, &r);
    if (s != DN_OK) return s;
    struct dn_emit *e = NULL;
    s = dn_emit_new(cli->ctx, fmt, place_columns, DN_ARRAY_LEN(place_columns), 0, &e);
    if (s == DN_OK && r.status != DN_GEOCODE_UNRESOLVED)
        s = emit_place(cli, e, &r.place, true, dn_match_name(r.match), r.confidence);
    for (size_t i = 0; s == DN_OK && i < r.nalternatives; i++)
        s = emit_place(cli, e, &r.alternatives[i].place, true, dn_match_name(r.alternatives[i].match),
                       r.alternatives[i].score);
    if (s == DN_OK) s = dn_emit_finish(e);
    if (s == DN_OK && r.status == DN_GEOCODE_UNRESOLVED)
        dni_info(cli->ctx, "no place is called '%s'%s", name, r.nalternatives ? "; the rows are spelling suggestions" : "");
    dn_emit_free(e);
    dn_geocode_result_clear(&r);
    return s;
}

static dn_status listing(struct dn_cli *cli, enum dn_format fmt, const struct dn_geocode_opts *opts, const char *kind,
                         size_t offset, size_t limit)
{
    struct dn_place *list = NULL;
    size_t n = 0, total = 0;
    dn_status s = dn_gazetteer_list(cli->ctx, opts, kind, offset, limit, &list, &n, &total);
    if (s != DN_OK) return s;
    struct dn_emit *e = NULL;
    s = dn_emit_new(cli->ctx, fmt, place_columns, DN_ARRAY_LEN(place_columns) - 2, 0, &e);
    for (size_t i = 0; s == DN_OK && i < n; i++) s = emit_place(cli, e, &list[i], false, NULL, NAN);
    if (s == DN_OK) s = dn_emit_finish(e);
    if (s == DN_OK && offset + n < total)
        dni_info(cli->ctx, "%zu of %zu places shown (use --limit and --offset for more)", n, total);
    dn_emit_free(e);
    dn_free(list);
    return s;
}

static dn_status learned(struct dn_cli *cli, enum dn_format fmt)
{
    static const char *const columns[] = {"place_id", "name",     "lat",   "lon",    "country",
                                          "province", "district", "names", "sources"};
    struct dn_learned *list = NULL;
    size_t n = 0;
    dn_status s = dn_gazetteer_learned(cli->ctx, &list, &n);
    if (s != DN_OK) return s;
    struct dn_emit *e = NULL;
    s = dn_emit_new(cli->ctx, fmt, columns, DN_ARRAY_LEN(columns), 0, &e);
    for (size_t i = 0; s == DN_OK && i < n; i++) {
        const struct dn_place *p = &list[i].place;
        dn_emit_int(e, p->id);
        dn_emit_str(e, p->name);
        dn_emit_real(e, p->lat, 5);
        dn_emit_real(e, p->lon, 5);
        dn_emit_str(e, p->country);
        dn_emit_str(e, p->province);
        dn_emit_str(e, p->district);
        dn_emit_str(e, list[i].names);
        dn_emit_str(e, list[i].sources);
        s = dn_emit_row_end(e);
    }
    if (s == DN_OK) s = dn_emit_finish(e);
    dn_emit_free(e);
    dn_learned_free(list, n);
    if (s == DN_OK && n == 0)
        dni_info(cli->ctx, "no learned names yet (durand learns them from ingested rows that give both a place "
                           "name and trustworthy coordinates)");
    return s;
}

int dn_cmd_places(struct dn_cli *cli, int argc, char **argv)
{
    enum { O_COUNTRY = 1, O_PROVINCE, O_DISTRICT, O_KIND, O_LIMIT, O_OFFSET, O_LEARNED, O_FORMAT };
    static const struct dn_cli_opt spec[] = {
        {"country", true, O_COUNTRY}, {"province", true, O_PROVINCE}, {"district", true, O_DISTRICT},
        {"kind", true, O_KIND},       {"limit", true, O_LIMIT},       {"offset", true, O_OFFSET},
        {"learned", false, O_LEARNED}, {"format", true, O_FORMAT},    {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    struct dn_geocode_opts opts = {0};
    enum dn_format fmt = DN_FORMAT_TABLE;
    const char *name = NULL, *kind = NULL, *value;
    long long limit = 50, offset = 0;
    bool want_learned = false;
    int id;
    while ((id = dn_cli_next_opt(cli, &p, spec, &value)) != DN_OPT_END) {
        switch (id) {
        case DN_OPT_HELP: return dn_cli_help(cli, help);
        case DN_OPT_ERROR: return DN_EXIT_USAGE;
        case O_COUNTRY: opts.country = value; break;
        case O_PROVINCE: opts.province = value; break;
        case O_DISTRICT: opts.district = value; break;
        case O_KIND: kind = value; break;
        case O_LIMIT:
            if (!dn_cli_parse_long(cli, "--limit", value, 0, 1000000, &limit)) return DN_EXIT_USAGE;
            break;
        case O_OFFSET:
            if (!dn_cli_parse_long(cli, "--offset", value, 0, 100000000, &offset)) return DN_EXIT_USAGE;
            break;
        case O_LEARNED: want_learned = true; break;
        case O_FORMAT: {
            unsigned allowed = DN_FORMAT_BIT(DN_FORMAT_TABLE) | DN_FORMAT_BIT(DN_FORMAT_JSON) |
                               DN_FORMAT_BIT(DN_FORMAT_JSONL) | DN_FORMAT_BIT(DN_FORMAT_CSV);
            if (dn_format_parse(cli->ctx, value, allowed, &fmt) != DN_OK) return dn_cli_fail(cli, DN_ERR_USAGE);
            break;
        }
        default:
            if (name) return dn_cli_usage_error(cli, "unexpected argument '%s' (one NAME at most)", value);
            name = value;
        }
    }
    if (want_learned && (name || kind || opts.country || opts.province || opts.district))
        return dn_cli_usage_error(cli, "--learned takes no NAME or filters");
    if (name && (kind || offset)) return dn_cli_usage_error(cli, "--kind and --offset list an area; they take no NAME");
    dn_status s = dn_cli_open_store_geodata(cli);
    const char *hint_opts[] = {"--country", "--province", "--district"};
    const char *hint_vals[] = {opts.country, opts.province, opts.district};
    for (int level = 0; s == DN_OK && level < 3; level++) {
        if (!hint_vals[level]) continue;
        s = dn_gazetteer_check_hint(cli->ctx, level, hint_vals[level]);
        if (s == DN_ERR_NOT_FOUND || s == DN_ERR_INPUT)
            return dn_cli_usage_error(cli, "%s: %s", hint_opts[level], dn_ctx_errmsg(cli->ctx));
    }
    if (s == DN_OK) {
        if (want_learned) s = learned(cli, fmt);
        else if (name) {
            opts.max_alternatives = limit > 0 ? (size_t)limit - 1 : 1000;
            opts.alternatives_given = true;
            s = by_name(cli, fmt, name, &opts);
            if (s == DN_ERR_INPUT) return dn_cli_usage_error(cli, "NAME: %s", dn_ctx_errmsg(cli->ctx));
        } else {
            s = listing(cli, fmt, &opts, kind, (size_t)offset, (size_t)limit);
        }
    }
    return s == DN_OK ? DN_EXIT_OK : dn_cli_fail(cli, s);
}

/** @file cmd_geocode.c
 * `durand geocode NAME... | -`: place names to places, with hints, as
 * table, CSV, JSON or JSON Lines. Bad input lines are reported one by one
 * (with their stdin line number) and the batch goes on.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/normalize.h"

static const char help[] =
    "Usage: durand geocode [OPTIONS] NAME...\n"
    "       durand geocode [OPTIONS] -        (one name a line on stdin)\n"
    "\n"
    "Resolve place names to places of the gazetteer: exact names, aliases and\n"
    "old names (NWFP, FATA, Bajour), spelling variants (\"D.I. Khan\", \"N. Waziristan\",\n"
    "\"Waziristan North\"), names in Urdu, Pashto and Dari script, and misspellings\n"
    "(\"Peshawer\"). Duplicate names are settled by the hints, the context places,\n"
    "the kind of place and its prominence, and reported with their alternatives.\n"
    "\n"
    "  --country C       the country the place is in (AFG, PAK, af, Pakistan...)\n"
    "  --province P      its province or historical region (KP, NWFP, FATA, Kunar...)\n"
    "  --district D      its district (\"North Waziristan\", \"Khyber Agency\"...)\n"
    "  --context NAME    another place named in the same report (repeatable)\n"
    "  --alternatives N  alternatives to list per name (default 5, 0-50)\n"
    "  --format F        table (default), json, jsonl or csv\n"
    "\n"
    "Fields: query, status (resolved|ambiguous|unresolved), name, kind, lat, lon,\n"
    "country, province, district, precision (point|town|district|province|country),\n"
    "radius_km (uncertainty: the town's extent, or sqrt(area/pi) of the admin area),\n"
    "confidence (0-1), alternatives (other candidates; for an unresolved name,\n"
    "spelling suggestions), place_id, match (exact|variant|fuzzy), outside_hints\n"
    "(true when the best place lies outside the --country, --province or\n"
    "--district given: no place of that name is known there; its confidence is\n"
    "then halved).\n"
    "An unknown name is 'unresolved' — never a silent country centroid.\n"
    "\n"
    "A bad name (empty, blank, over 512 bytes, invalid UTF-8, NUL bytes) is\n"
    "reported on stderr as 'stdin line N: ...' (or 'argument N: ...'), the\n"
    "other names are still geocoded, and the exit code is then 3.\n";

static const char *const columns[] = {"query",    "status",     "name",       "kind",         "lat",
                                      "lon",      "country",    "province",   "district",     "precision",
                                      "radius_km", "confidence", "alternatives", "place_id",  "match",
                                      "outside_hints"};

struct run {
    struct dn_cli *cli;
    struct dn_emit *emit;
    struct dn_geocode_opts opts;
    unsigned bad;                  /* names refused (reported as errors) */
    unsigned long by_status[DN_GEOCODE_UNRESOLVED + 1]; /* names geocoded, by enum dn_geocode_status */
    struct dn_strbuf json, text;
};

static void place_json(struct dn_strbuf *b, const struct dn_place *p, double score)
{
    dn_strbuf_puts(b, "{\"name\":");
    dn_strbuf_json_string(b, p->name);
    dn_strbuf_puts(b, ",\"kind\":");
    dn_strbuf_json_string(b, p->kind);
    dn_strbuf_printf(b, ",\"lat\":%.5f,\"lon\":%.5f,\"country\":", p->lat, p->lon);
    dn_strbuf_json_string(b, p->country);
    dn_strbuf_puts(b, ",\"province\":");
    dn_strbuf_json_string(b, p->province);
    dn_strbuf_puts(b, ",\"district\":");
    dn_strbuf_json_string(b, p->district);
    dn_strbuf_puts(b, ",\"precision\":");
    dn_strbuf_json_string(b, dn_precision_name(p->precision));
    dn_strbuf_printf(b, ",\"radius_km\":%.1f,\"score\":%.2f,\"place_id\":%lld}", p->radius_km, score, p->id);
}

static void alternatives(struct run *r, const struct dn_geocode_result *res)
{
    dn_strbuf_reset(&r->json);
    dn_strbuf_reset(&r->text);
    dn_strbuf_putc(&r->json, '[');
    dn_strbuf_append(&r->text, "", 0);
    for (size_t i = 0; i < res->nalternatives; i++) {
        const struct dn_geocode_alt *a = &res->alternatives[i];
        if (i) {
            dn_strbuf_putc(&r->json, ',');
            dn_strbuf_puts(&r->text, "; ");
        }
        place_json(&r->json, &a->place, a->score);
        dn_strbuf_puts(&r->text, a->place.name);
        dn_strbuf_printf(&r->text, " (%s%s%s%s%s)", a->place.kind ? a->place.kind : "?",
                         a->place.district ? ", " : "", a->place.district ? a->place.district : "",
                         a->place.country ? ", " : "", a->place.country ? a->place.country : "");
    }
    dn_strbuf_putc(&r->json, ']');
}

static dn_status emit_result(struct run *r, const char *query, const struct dn_geocode_result *res)
{
    struct dn_emit *e = r->emit;
    const struct dn_place *p = &res->place;
    bool found = res->status != DN_GEOCODE_UNRESOLVED;
    dn_emit_str(e, query);
    dn_emit_str(e, dn_geocode_status_name(res->status));
    dn_emit_str(e, found ? p->name : NULL);
    dn_emit_str(e, found ? p->kind : NULL);
    dn_emit_real(e, found ? p->lat : NAN, 5);
    dn_emit_real(e, found ? p->lon : NAN, 5);
    dn_emit_str(e, found ? p->country : NULL);
    dn_emit_str(e, found ? p->province : NULL);
    dn_emit_str(e, found ? p->district : NULL);
    dn_emit_str(e, found ? dn_precision_name(p->precision) : NULL);
    dn_emit_real(e, found ? p->radius_km : NAN, 1);
    dn_emit_real(e, res->confidence, 2);
    alternatives(r, res);
    if (r->json.failed || r->text.failed) return dni_fail(r->cli->ctx, DN_ERR_NOMEM, "out of memory");
    dn_emit_raw(e, r->json.data, r->text.data);
    if (found) dn_emit_int(e, p->id);
    else dn_emit_null(e);
    dn_emit_str(e, found ? dn_match_name(res->match) : NULL);
    dn_emit_bool(e, found && res->outside_hints);
    return dn_emit_row_end(e);
}

/* One name; a bad one is reported (with `where`) and counted, not fatal. */
static dn_status geocode_one(struct run *r, const char *name, size_t len, const char *where)
{
    struct dn_geocode_result res;
    dn_status s = dn_geocode(r->cli->ctx, name, len, &r->opts, &res);
    if (s == DN_ERR_INPUT) {
        struct dn_strbuf b = {0};
        dn_strbuf_printf(&b, "durand: error: %s: %s\n", where, dn_ctx_errmsg(r->cli->ctx));
        if (!b.failed) dni_out(r->cli->ctx, DN_OUT_ERROR, b.data, b.len);
        dn_strbuf_free(&b);
        r->bad++;
        return DN_OK;
    }
    if (s == DN_OK) {
        /* the query as text for output: invalid bytes were rejected above */
        char *q = dn_strndup(name, len);
        s = q ? emit_result(r, q, &res) : dni_fail(r->cli->ctx, DN_ERR_NOMEM, "out of memory");
        dn_free(q);
        if (s == DN_OK) r->by_status[res.status]++;
    }
    dn_geocode_result_clear(&res);
    return s;
}

static dn_status from_stdin(struct run *r)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    dn_status s = DN_OK;
    while (s == DN_OK && (n = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        if (len && line[len - 1] == '\n') len--;
        if (len && line[len - 1] == '\r') len--;
        char where[48];
        snprintf(where, sizeof where, "stdin line %lu", lineno);
        s = geocode_one(r, line, len, where);
    }
    bool err = ferror(stdin);
    free(line); /* allocated by getline */
    if (s == DN_OK && err) s = dni_fail(r->cli->ctx, DN_ERR_IO, "stdin: read error: %s", strerror(errno));
    return s;
}

int dn_cmd_geocode(struct dn_cli *cli, int argc, char **argv)
{
    enum { O_COUNTRY = 1, O_PROVINCE, O_DISTRICT, O_CONTEXT, O_ALT, O_FORMAT };
    static const struct dn_cli_opt spec[] = {{"country", true, O_COUNTRY},   {"province", true, O_PROVINCE},
                                             {"district", true, O_DISTRICT}, {"context", true, O_CONTEXT},
                                             {"alternatives", true, O_ALT},  {"format", true, O_FORMAT},
                                             {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    struct run r = {.cli = cli};
    enum dn_format fmt = DN_FORMAT_TABLE;
    const char **names = dn_calloc((size_t)argc + 1, sizeof *names);
    const char **context = dn_calloc((size_t)argc + 1, sizeof *context);
    long long *context_ids = dn_calloc((size_t)argc + 1, sizeof *context_ids);
    size_t nnames = 0, ncontext = 0;
    bool from_in = false;
    int code = DN_EXIT_OK;
    const char *value;
    int id;
    if (!names || !context || !context_ids) {
        code = dn_cli_fail(cli, dni_fail(cli->ctx, DN_ERR_NOMEM, "out of memory"));
        goto done;
    }
    r.opts.max_alternatives = 5;
    while ((id = dn_cli_next_opt(cli, &p, spec, &value)) != DN_OPT_END) {
        long long n;
        switch (id) {
        case DN_OPT_HELP: code = dn_cli_help(cli, help); goto done;
        case DN_OPT_ERROR: code = DN_EXIT_USAGE; goto done;
        case O_COUNTRY: r.opts.country = value; break;
        case O_PROVINCE: r.opts.province = value; break;
        case O_DISTRICT: r.opts.district = value; break;
        case O_CONTEXT: context[ncontext++] = value; break;
        case O_ALT:
            if (!dn_cli_parse_long(cli, "--alternatives", value, 0, 50, &n)) {
                code = DN_EXIT_USAGE;
                goto done;
            }
            r.opts.max_alternatives = (size_t)n;
            r.opts.alternatives_given = true;
            break;
        case O_FORMAT: {
            unsigned allowed = DN_FORMAT_BIT(DN_FORMAT_TABLE) | DN_FORMAT_BIT(DN_FORMAT_JSON) |
                               DN_FORMAT_BIT(DN_FORMAT_JSONL) | DN_FORMAT_BIT(DN_FORMAT_CSV);
            if (dn_format_parse(cli->ctx, value, allowed, &fmt) != DN_OK) {
                code = dn_cli_fail(cli, DN_ERR_USAGE);
                goto done;
            }
            break;
        }
        default:
            if (strcmp(value, "-") == 0) from_in = true;
            else names[nnames++] = value;
        }
    }
    if (!nnames && !from_in) {
        code = dn_cli_usage_error(cli, "no place name given (NAME... or - for stdin)");
        goto done;
    }
    dn_status s = dn_cli_open_store_geodata(cli);
    /* hints must name something: a typo in --district would silently do nothing */
    const char *hint_opts[] = {"--country", "--province", "--district"};
    const char *hint_vals[] = {r.opts.country, r.opts.province, r.opts.district};
    for (int level = 0; s == DN_OK && level < 3; level++) {
        if (!hint_vals[level]) continue;
        s = dn_gazetteer_check_hint(cli->ctx, level, hint_vals[level]);
        if (s == DN_ERR_NOT_FOUND || s == DN_ERR_INPUT) {
            code = dn_cli_usage_error(cli, "%s: %s", hint_opts[level], dn_ctx_errmsg(cli->ctx));
            goto done;
        }
    }
    for (size_t i = 0; s == DN_OK && i < ncontext; i++) {
        struct dn_geocode_result cr;
        s = dn_geocode(cli->ctx, context[i], strlen(context[i]), NULL, &cr);
        if (s == DN_ERR_INPUT || (s == DN_OK && cr.status == DN_GEOCODE_UNRESOLVED)) {
            dn_geocode_result_clear(&cr);
            code = dn_cli_usage_error(cli, "--context: unknown place '%s'", context[i]);
            goto done;
        }
        if (s == DN_OK) context_ids[i] = cr.place.id;
        dn_geocode_result_clear(&cr);
    }
    r.opts.context_ids = context_ids;
    r.opts.ncontext = ncontext;
    if (s == DN_OK) s = dn_emit_new(cli->ctx, fmt, columns, DN_ARRAY_LEN(columns), 0, &r.emit);
    for (size_t i = 0; s == DN_OK && i < nnames; i++) {
        char where[40];
        snprintf(where, sizeof where, "argument %zu", i + 1);
        s = geocode_one(&r, names[i], strlen(names[i]), where);
    }
    if (s == DN_OK && from_in) s = from_stdin(&r);
    if (s == DN_OK) s = dn_emit_finish(r.emit);
    if (s == DN_OK) {
        const unsigned long *n = r.by_status;
        unsigned long all = n[DN_GEOCODE_RESOLVED] + n[DN_GEOCODE_AMBIGUOUS] + n[DN_GEOCODE_UNRESOLVED];
        char refused[48] = "";
        if (r.bad) snprintf(refused, sizeof refused, "; %u refused (the errors above)", r.bad);
        dni_info(cli->ctx, "%lu name%s geocoded: %lu resolved, %lu ambiguous, %lu unresolved%s", all,
                 all == 1 ? "" : "s", n[DN_GEOCODE_RESOLVED], n[DN_GEOCODE_AMBIGUOUS], n[DN_GEOCODE_UNRESOLVED],
                 refused);
    }
    if (s != DN_OK) code = dn_cli_fail(cli, s);
    else if (r.bad) code = DN_EXIT_INPUT;
done:
    dn_emit_free(r.emit);
    dn_strbuf_free(&r.json);
    dn_strbuf_free(&r.text);
    dn_free(names);
    dn_free(context);
    dn_free(context_ids);
    return code;
}

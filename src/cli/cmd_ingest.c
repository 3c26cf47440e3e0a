/** @file cmd_ingest.c
 * `durand ingest`: read event tables and news articles into the store.
 */
#include <string.h>
#include <strings.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli/cli.h"
#include "ingest/pipeline.h"
#include "store/store.h"
#include "text/text.h"

static const char help[] =
    "Usage: durand ingest FILE|DIR... [options]\n"
    "\n"
    "Read incident reports, geocode every event, place it in its country, province\n"
    "and district, check it against the Durand Line, and store it. Re-reading a file\n"
    "stores nothing new; a changed row updates its event. Directories are read\n"
    "recursively, in name order, taking only data files (.csv .tsv .txt .html .jsonl\n"
    ".geojson .json .gpkg .shp .fgb ...; README.md or a shapefile's .dbf are passed\n"
    "over); '-' reads a CSV table from standard input.\n"
    "\n"
    "Formats (--format, default auto):\n"
    "  auto    .txt/.html/.htm/.jsonl are news articles; .geojson/.gpkg/.shp/.fgb are\n"
    "          OGR layers; CSV files are recognised from their header (ACLED, UCDP GED)\n"
    "  text    news articles: plain text, HTML, or JSON Lines with text/date/url\n"
    "  acled   ACLED export (2023+ 31-column layout and the older one)\n"
    "  ucdp    UCDP GED CSV\n"
    "  csv     any CSV; name its columns with --map FIELD=COLUMN\n"
    "  ogr     any OGR vector layer\n"
    "\n"
    "Options:\n"
    "  --map FIELD=COLUMN   source column of a durand field (repeatable); fields: date, place,\n"
    "                       latitude, longitude, country, province, district, type, sub_type,\n"
    "                       actor1, actor2, killed, injured, notes, id\n"
    "  --date-order dmy|mdy order of all-numeric dates (default: detected per file)\n"
    "  --layer NAME         OGR layer to read (default: the first)\n"
    "  --date YYYY-MM-DD    article date for news text (default: <meta> date or dateline, else none)\n"
    "  --url URL            source URL of a news article\n"
    "  --no-dedupe          do not link reports of one incident across sources\n"
    "  --dedupe-days N      dedupe window in days (default 1)\n"
    "  --dedupe-km KM       dedupe window in km (default 5; '5', '5km' or '5 km')\n"
    "  --no-learn           do not remember place names that came with coordinates\n"
    "  --batch N            events per transaction (default 10000)\n"
    "  --rejects PATH       CSV of rejected rows (default: rejects.csv beside the database)\n"
    "  --report json|table  print the counts to stdout (default: a summary line on stderr)\n";

enum {
    OPT_FORMAT = 1, OPT_MAP, OPT_DATE_ORDER, OPT_LAYER, OPT_DATE, OPT_URL, OPT_NO_DEDUPE, OPT_DEDUPE_DAYS,
    OPT_DEDUPE_KM, OPT_NO_LEARN, OPT_BATCH, OPT_REJECTS, OPT_REPORT
};

static const struct dn_cli_opt spec[] = {
    {"format", true, OPT_FORMAT},         {"map", true, OPT_MAP},         {"date-order", true, OPT_DATE_ORDER},
    {"layer", true, OPT_LAYER},           {"date", true, OPT_DATE},       {"url", true, OPT_URL},
    {"no-dedupe", false, OPT_NO_DEDUPE},  {"dedupe-days", true, OPT_DEDUPE_DAYS},
    {"dedupe-km", true, OPT_DEDUPE_KM},   {"no-learn", false, OPT_NO_LEARN}, {"batch", true, OPT_BATCH},
    {"rejects", true, OPT_REJECTS},       {"report", true, OPT_REPORT},   {NULL, false, 0}};

static dn_status print_report(struct dn_cli *cli, enum dn_format fmt, const struct dn_ingest_report *rep)
{
    static const char *const cols[] = {"files", "read", "stored", "updated", "duplicates", "rejected",
                                       "unresolved", "skipped", "failed_files", "learned", "retracted"};
    const long values[] = {rep->files,    rep->read,       rep->stored,  rep->updated,      rep->duplicates, rep->rejected,
                           rep->unresolved, rep->skipped, rep->failed_files, rep->learned, rep->retracted};
    struct dn_emit *e;
    dn_status s = dn_emit_new(cli->ctx, fmt, cols, DN_ARRAY_LEN(cols), DN_EMIT_OBJECT, &e);
    if (s != DN_OK) return s;
    for (size_t i = 0; i < DN_ARRAY_LEN(cols); i++) dn_emit_int(e, values[i]);
    s = dn_emit_row_end(e);
    if (s == DN_OK) s = dn_emit_finish(e);
    dn_emit_free(e);
    return s;
}

/* The FIELD of a --map FIELD=COLUMN already checked by
 * dn_reader_check_map: its start and length, blanks around it dropped. */
static const char *map_field(const char *entry, size_t *len)
{
    const char *eq = strchr(entry, '=');
    while (*entry == ' ') entry++;
    size_t n = (size_t)(eq - entry);
    while (n && entry[n - 1] == ' ') n--;
    *len = n;
    return entry;
}

/* A field mapped twice: which column was meant is the user's to say. */
static int check_map_twice(struct dn_cli *cli, const char *const *maps, size_t nmaps)
{
    for (size_t i = 1; i < nmaps; i++) {
        size_t li;
        const char *fi = map_field(maps[i], &li);
        for (size_t j = 0; j < i; j++) {
            size_t lj;
            const char *fj = map_field(maps[j], &lj);
            if (li == lj && strncasecmp(fi, fj, li) == 0)
                return dn_cli_usage_error(cli, "--map: field '%.*s' mapped twice ('%s' and '%s')", (int)li, fi,
                                          maps[j], maps[i]);
        }
    }
    return DN_EXIT_OK;
}

int dn_cmd_ingest(struct dn_cli *cli, int argc, char **argv)
{
#ifdef M_MXFAST
    /* glibc's fast bins, off for an ingest (a process-wide setting, so the
     * command makes it, not the library): it frees events by the thousand,
     * a batch at a time, and every larger request (GEOS's nearest-polygon
     * search) then had malloc_consolidate sweep them all into the free
     * lists (perf: 5 % of the reading thread; bench_ingest: 3 % less wall
     * time on 1M rows). Other commands keep them: a query printing 188,000
     * rows took 3.7 % longer without (GLIBC_TUNABLES, timed by hand: bench/INGEST_LOG.md).
     * For a binary built with DN_MIMALLOC=OFF: with mimalloc, glibc's
     * allocator serves nothing and this changes nothing. */
    mallopt(M_MXFAST, 0);
#endif
    struct dn_ingest_opts o = {.dedupe = DN_DEDUPE_DEFAULTS};
    const char *paths[256];
    const char *maps[64];
    size_t npaths = 0, nmaps = 0;
    bool report_set = false;
    enum dn_format report_fmt = DN_FORMAT_JSON;
    const char *rejects = NULL;
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    const char *v;
    long long n;
    double km;
    int id;
    while ((id = dn_cli_next_opt(cli, &p, spec, &v)) != DN_OPT_END) {
        switch (id) {
        case DN_OPT_HELP: return dn_cli_help(cli, help);
        case DN_OPT_ERROR: return DN_EXIT_USAGE;
        case DN_OPT_POSITIONAL:
            if (npaths == DN_ARRAY_LEN(paths)) return dn_cli_usage_error(cli, "too many files (at most 256; name a directory)");
            paths[npaths++] = v;
            break;
        case OPT_FORMAT:
            if (strcmp(v, "text") == 0) {
                o.text = true;
                break;
            }
            if (dn_ingest_format_parse(cli->ctx, v, &o.reader.format) != DN_OK) {
                dni_clear_error(cli->ctx); /* its list leaves out text, which only the command knows */
                return dn_cli_usage_error(cli, "--format: unknown input format '%s' (expected auto, text, acled, "
                                               "ucdp, csv or ogr)", v);
            }
            break;
        case OPT_MAP:
            if (nmaps == DN_ARRAY_LEN(maps)) return dn_cli_usage_error(cli, "too many --map options");
            maps[nmaps++] = v;
            break;
        case OPT_DATE_ORDER:
            if (dn_date_order_parse(v, &o.reader.date_order) != DN_OK)
                return dn_cli_usage_error(cli, "--date-order: '%s' is not dmy or mdy", v);
            break;
        case OPT_LAYER: o.reader.layer = v; break;
        case OPT_DATE: {
            /* checked here: a bad value is the command line's fault, not every file's */
            struct dn_text_date d;
            if (!dn_text_date_parse_iso(v, &d))
                return dn_cli_usage_error(cli, "--date: '%s' is not a date (expected YYYY-MM-DD)", v);
            o.article_date = v;
            break;
        }
        case OPT_URL: o.url = v; break;
        case OPT_NO_DEDUPE: o.dedupe.enabled = false; break;
        case OPT_DEDUPE_DAYS:
            if (!dn_cli_parse_long(cli, "--dedupe-days", v, 0, 365, &n)) return DN_EXIT_USAGE;
            o.dedupe.window_days = (int)n;
            break;
        case OPT_DEDUPE_KM:
            if (!dn_cli_parse_km(cli, "--dedupe-km", v, &km)) return DN_EXIT_USAGE;
            if (km < 0 || km > 500) return dn_cli_usage_error(cli, "--dedupe-km: %g km is not between 0 and 500", km);
            o.dedupe.window_km = km;
            break;
        case OPT_NO_LEARN: o.no_learn = true; break;
        case OPT_BATCH:
            if (!dn_cli_parse_long(cli, "--batch", v, 1, 1000000, &n)) return DN_EXIT_USAGE;
            o.batch = (size_t)n;
            break;
        case OPT_REJECTS:
            if (!*v) return dn_cli_usage_error(cli, "--rejects needs a non-empty path");
            rejects = v;
            break;
        case OPT_REPORT:
            report_set = true;
            if (dn_format_parse(cli->ctx, v, DN_FORMAT_BIT(DN_FORMAT_JSON) | DN_FORMAT_BIT(DN_FORMAT_TABLE), &report_fmt) !=
                DN_OK) {
                dni_clear_error(cli->ctx); /* its message names --format */
                return dn_cli_usage_error(cli, "--report: unknown report format '%s' (expected json or table)", v);
            }
            break;
        default: return dn_cli_usage_error(cli, "unexpected option");
        }
    }
    if (npaths == 0) return dn_cli_usage_error(cli, "no input files");
    if (o.text && o.reader.format != DN_INGEST_AUTO) return dn_cli_usage_error(cli, "--format given twice");
    if (o.url && npaths != 1) return dn_cli_usage_error(cli, "--url names the source of a single article");
    o.reader.map = maps;
    o.reader.nmap = nmaps;
    if (nmaps && dn_reader_check_map(cli->ctx, maps, nmaps) != DN_OK) return dn_cli_fail(cli, DN_ERR_USAGE);
    int twice = check_map_twice(cli, maps, nmaps);
    if (twice != DN_EXIT_OK) return twice;

    /* the rejects report sits beside the database unless named */
    struct dn_strbuf rejects_default = {0};
    if (!rejects) {
        const char *slash = strrchr(cli->db_path, '/');
        if (slash) dn_strbuf_append(&rejects_default, cli->db_path, (size_t)(slash - cli->db_path + 1));
        dn_strbuf_puts(&rejects_default, "rejects.csv");
        if (rejects_default.failed) return dn_cli_fail(cli, dni_fail(cli->ctx, DN_ERR_NOMEM, "out of memory"));
        rejects = rejects_default.data;
    }
    o.rejects_path = rejects;

    dn_status s = dn_cli_open_store_geodata(cli);
    if (s == DN_OK && dn_store_readonly(cli->ctx)) /* before the rejects file is written */
        s = dni_fail(cli->ctx, DN_ERR_DB, "%s: the database is read-only (no permission to write it)", cli->db_path);
    struct dn_ingest_report rep;
    memset(&rep, 0, sizeof rep);
    if (s == DN_OK) s = dn_ingest_paths(cli->ctx, paths, npaths, &o, &rep);
    int code = DN_EXIT_OK;
    if (s == DN_ERR_PARTIAL && rep.files > 0 && rep.failed_files == rep.files)
        /* not one file could be read: no partial success. The context says
         * why: an I/O error of each (exit 4, "a file could not be read"),
         * else bad or missing input (exit 3) */
        s = dn_ctx_status(cli->ctx);
    if (s != DN_OK && s != DN_ERR_PARTIAL) {
        code = dn_cli_fail(cli, s);
    } else {
        char retracted[96] = "";
        if (rep.retracted)
            snprintf(retracted, sizeof retracted, ", %ld removed (no longer read from %s articles)", rep.retracted,
                     rep.retracted == 1 ? "its" : "their");
        dni_info(cli->ctx,
                 "%ld %s, %ld %s read: %ld stored, %ld updated, %ld already stored%s, %ld rejected, %ld without a "
                 "place%s%s",
                 rep.files, rep.files == 1 ? "file" : "files", rep.read, rep.read == 1 ? "row" : "rows", rep.stored,
                 rep.updated, rep.duplicates, retracted, rep.rejected, rep.unresolved,
                 rep.rejected || rep.failed_files ? "; rejects in " : "", rep.rejected || rep.failed_files ? rejects : "");
        if (s == DN_ERR_PARTIAL) code = DN_EXIT_PARTIAL;
    }
    if (report_set && (s == DN_OK || s == DN_ERR_PARTIAL)) {
        dn_status r = print_report(cli, report_fmt, &rep);
        if (r != DN_OK) code = dn_cli_fail(cli, r);
    }
    dn_strbuf_free(&rejects_default);
    return code;
}

/** @file cli.c
 * dn_cli_run: global options, subcommand dispatch, option parsing and the
 * shared error/usage conventions of the durand command.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "geodata/geodata.h"
#include "query/filter.h"
#include "store/store.h"

struct command {
    const char *name;
    dn_cli_cmd_fn fn;
    const char *summary;
};

/* The subcommands, in the order --help lists them. */
static const struct command commands[] = {
    {"init", dn_cmd_init, "create the database and load the shipped geodata"},
    {"ingest", dn_cmd_ingest, "read event tables and news articles into the database"},
    {"info", dn_cmd_info, "show the database's schema version, row counts and gazetteer image"},
    {"geocode", dn_cmd_geocode, "resolve place names to places (with precision, radius, alternatives)"},
    {"places", dn_cmd_places, "browse the gazetteer and the learned names"},
    {"query", dn_cmd_query, "list the stored events that match filters (place, radius, border, dates...)"},
    {"summary", dn_cmd_summary, "events, fatalities and dates per country, province, district, band, month..."},
    {"export", dn_cmd_export, "write QGIS-ready map layers (GeoJSON, Shapefile, GeoPackage, KML, CSV, FlatGeobuf, PostGIS)"},
    {"check", dn_cmd_check, "check points against the Durand Line (side, km, band, crossing)"},
};

static const char exit_codes_help[] =
    "Exit codes:\n"
    "  0   success\n"
    "  1   finished, but some input records were rejected (see the rejects report)\n"
    "  2   bad command line (unknown option, bad value, unknown place in a filter)\n"
    "  3   bad or missing input data\n"
    "  4   a file could not be read or written, or output exists (use --overwrite)\n"
    "  5   database error (corrupt, read-only, not a durand database, newer schema)\n"
    "  6   shipped geodata missing or corrupt\n"
    "  70  internal error or out of memory\n";

static void print_main_help(struct dn_cli *cli)
{
    struct dn_strbuf b = {0};
    dn_strbuf_printf(&b,
                     "Usage: %s [--db PATH] [--geodata DIR] [--quiet] COMMAND [ARGS...]\n"
                     "\n"
                     "Geocode conflict incidents, check them against the Durand Line, store them\n"
                     "in SpatiaLite, and export, query and summarise them.\n"
                     "\n"
                     "Commands:\n",
                     cli->prog);
    for (size_t i = 0; i < DN_ARRAY_LEN(commands); i++)
        dn_strbuf_printf(&b, "  %-9s %s\n", commands[i].name, commands[i].summary);
    dn_strbuf_printf(&b,
                     "\n"
                     "Global options:\n"
                     "  --db PATH       database file (default $DURAND_DB, else %s)\n"
                     "  --geodata DIR   shipped geodata directory (default $DURAND_GEODATA, else the built-in one)\n"
                     "  --quiet         print errors only on stderr\n"
                     "  --help          this help; 'durand COMMAND --help' for a command\n"
                     "  --version       print the version\n"
                     "\n"
                     "Data goes to stdout; progress, warnings and errors to stderr.\n"
                     "\n%s",
                     DN_DEFAULT_DB, exit_codes_help);
    if (!b.failed) dn_cli_print(cli, b.data);
    dn_strbuf_free(&b);
}

void dn_cli_print(struct dn_cli *cli, const char *text) { dni_out(cli->ctx, DN_OUT_DATA, text, strlen(text)); }

int dn_cli_help(struct dn_cli *cli, const char *text)
{
    dn_cli_print(cli, text);
    dn_cli_print(cli, "\n");
    dn_cli_print(cli, exit_codes_help);
    return DN_EXIT_OK;
}

int dn_cli_help_parts(struct dn_cli *cli, const char *text, const char *more)
{
    dn_cli_print(cli, text);
    return dn_cli_help(cli, more);
}

static void error_line(struct dn_cli *cli, const char *msg)
{
    struct dn_strbuf b = {0};
    dn_strbuf_printf(&b, "%s: error: %s\n", cli->prog, msg);
    if (!b.failed) dni_out(cli->ctx, DN_OUT_ERROR, b.data, b.len);
    dn_strbuf_free(&b);
}

int dn_cli_usage_error(struct dn_cli *cli, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_line(cli, msg);
    struct dn_strbuf b = {0};
    if (cli->command) dn_strbuf_printf(&b, "Try '%s %s --help' for more information.\n", cli->prog, cli->command);
    else dn_strbuf_printf(&b, "Try '%s --help' for more information.\n", cli->prog);
    if (!b.failed) dni_out(cli->ctx, DN_OUT_ERROR, b.data, b.len);
    dn_strbuf_free(&b);
    return DN_EXIT_USAGE;
}

int dn_cli_fail(struct dn_cli *cli, dn_status status)
{
    if (status == DN_ERR_USAGE) return dn_cli_usage_error(cli, "%s", dn_ctx_errmsg(cli->ctx));
    const char *msg = dn_ctx_errmsg(cli->ctx);
    error_line(cli, msg && *msg ? msg : dn_strerror(status));
    return dn_exit_code(status);
}

/* Options every subcommand accepts, wherever they stand. */
enum { GLOBAL_DB = 1000, GLOBAL_GEODATA, GLOBAL_QUIET };
static const struct dn_cli_opt global_opts[] = {
    {"db", true, GLOBAL_DB}, {"geodata", true, GLOBAL_GEODATA}, {"quiet", false, GLOBAL_QUIET}, {NULL, false, 0}};

static const struct dn_cli_opt *find_opt(const struct dn_cli_opt *spec, const char *name, size_t len)
{
    for (; spec && spec->name; spec++)
        if (strlen(spec->name) == len && strncmp(spec->name, name, len) == 0) return spec;
    return NULL;
}

int dn_cli_next_opt(struct dn_cli *cli, struct dn_cli_optparse *p, const struct dn_cli_opt *spec, const char **value)
{
    return dn_cli_next_opt2(cli, p, spec, NULL, value);
}

int dn_cli_next_opt2(struct dn_cli *cli, struct dn_cli_optparse *p, const struct dn_cli_opt *spec,
                     const struct dn_cli_opt *extra, const char **value)
{
    if (p->index == 0) p->index = 1;
    for (;;) {
        *value = NULL;
        if (p->index >= p->argc) return DN_OPT_END;
        char *arg = p->argv[p->index++];
        if (p->positional_only || arg[0] != '-' || strcmp(arg, "-") == 0) {
            *value = arg;
            return DN_OPT_POSITIONAL;
        }
        if (strcmp(arg, "--") == 0) {
            p->positional_only = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) return DN_OPT_HELP;
        if (strcmp(arg, "-q") == 0) {
            cli->quiet = true;
            dni_set_quiet(cli->ctx, true);
            continue;
        }
        if (arg[1] != '-') {
            /* a negative number is a value, not an option: "check -33.5 70" */
            char *end;
            errno = 0;
            (void)dn_strtod_decimal(arg, &end);
            if (end != arg && *end == '\0') {
                *value = arg;
                return DN_OPT_POSITIONAL;
            }
            dn_cli_usage_error(cli, "unknown option '%s'", arg);
            return DN_OPT_ERROR;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct dn_cli_opt *o = find_opt(spec, name, len);
        if (!o) o = find_opt(extra, name, len);
        if (!o) o = find_opt(global_opts, name, len);
        if (!o) {
            dn_cli_usage_error(cli, "unknown option '--%.*s'", (int)len, name);
            return DN_OPT_ERROR;
        }
        if (o->has_arg) {
            if (eq) *value = eq + 1;
            else if (p->index < p->argc) *value = p->argv[p->index++];
            else {
                dn_cli_usage_error(cli, "option '--%s' needs a value", o->name);
                return DN_OPT_ERROR;
            }
        } else if (eq) {
            dn_cli_usage_error(cli, "option '--%s' takes no value", o->name);
            return DN_OPT_ERROR;
        }
        switch (o->id) {
        case GLOBAL_DB:
            if (!**value) {
                dn_cli_usage_error(cli, "option '--db' needs a non-empty path");
                return DN_OPT_ERROR;
            }
            cli->db_path = *value;
            continue;
        case GLOBAL_GEODATA:
            if (dni_set_geodata_dir(cli->ctx, *value) != DN_OK) {
                dn_cli_fail(cli, DN_ERR_NOMEM);
                return DN_OPT_ERROR;
            }
            continue;
        case GLOBAL_QUIET:
            cli->quiet = true;
            dni_set_quiet(cli->ctx, true);
            continue;
        default: return o->id;
        }
    }
}

bool dn_cli_parse_km(struct dn_cli *cli, const char *opt, const char *text, double *out)
{
    if (dn_parse_number(text, "km", out)) return true;
    dn_cli_usage_error(cli, "%s: '%s' is not a number of km", opt, text);
    return false;
}

bool dn_cli_parse_long(struct dn_cli *cli, const char *opt, const char *text, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || v < min || v > max) {
        dn_cli_usage_error(cli, "%s: '%s' is not a whole number from %lld to %lld", opt, text, min, max);
        return false;
    }
    *out = v;
    return true;
}

dn_status dn_cli_open_store(struct dn_cli *cli, unsigned flags)
{
    if ((flags & DN_STORE_CREATE) && strcmp(cli->db_path, ":memory:") != 0) {
        /* create the database's directory (one level, like the default output/) */
        char *dir = dn_strdup(cli->db_path);
        if (!dir) return dni_fail(cli->ctx, DN_ERR_NOMEM, "out of memory");
        char *slash = strrchr(dir, '/');
        struct stat sb;
        if (slash && slash != dir) {
            *slash = '\0';
            if (stat(dir, &sb) != 0 && mkdir(dir, 0777) != 0) {
                dn_status s = dni_fail(cli->ctx, DN_ERR_IO, "%s: cannot create directory: %s", dir, strerror(errno));
                dn_free(dir);
                return s;
            }
        }
        dn_free(dir);
    }
    return dn_store_open(cli->ctx, cli->db_path, flags);
}

dn_status dn_cli_open_store_geodata(struct dn_cli *cli)
{
    dn_status s = dn_cli_open_store(cli, DN_STORE_CREATE);
    if (s != DN_OK) return s;
    bool loaded = false;
    if ((s = dn_geodata_loaded(cli->ctx, &loaded, NULL, 0)) != DN_OK) return s;
    if (!loaded) dni_info(cli->ctx, "loading the shipped geodata into %s (first use)", cli->db_path);
    return dn_geodata_load(cli->ctx, false, NULL);
}

dn_status dn_cli_open_filtered(struct dn_cli *cli, struct dn_filter *f, bool with_geodata)
{
    dn_status s = dn_filter_check(cli->ctx, f);
    if (s == DN_OK) s = with_geodata ? dn_cli_open_store_geodata(cli) : dn_cli_open_store(cli, DN_STORE_READONLY);
    return s == DN_OK ? dn_filter_resolve(cli->ctx, f) : s;
}

int dn_cli_run(dn_ctx *ctx, int argc, char **argv, dn_out_cb cb, void *ud)
{
    if (!ctx) return DN_EXIT_INTERNAL;
    dn_ctx_set_output(ctx, cb, ud);
    struct dn_cli cli = {.ctx = ctx, .prog = "durand"};
    const char *env_db = getenv("DURAND_DB");
    cli.db_path = env_db && *env_db ? env_db : DN_DEFAULT_DB;

    /* global options before the subcommand */
    int i;
    static const struct dn_cli_opt top_opts[] = {{"version", false, 1}, {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv, .index = 1};
    const char *value;
    for (;;) {
        int id = dn_cli_next_opt(&cli, &p, top_opts, &value);
        if (id == DN_OPT_ERROR) return DN_EXIT_USAGE;
        if (id == DN_OPT_HELP) {
            print_main_help(&cli);
            return DN_EXIT_OK;
        }
        if (id == 1) {
            struct dn_strbuf b = {0};
            dn_strbuf_printf(&b, "durand %s\n", dn_version());
            if (!b.failed) dn_cli_print(&cli, b.data);
            dn_strbuf_free(&b);
            return DN_EXIT_OK;
        }
        if (id == DN_OPT_END) return dn_cli_usage_error(&cli, "no command given");
        /* first positional: the subcommand */
        i = p.index - 1;
        break;
    }
    const char *name = argv[i];
    for (size_t c = 0; c < DN_ARRAY_LEN(commands); c++) {
        if (strcmp(commands[c].name, name) == 0) {
            cli.command = name;
            return commands[c].fn(&cli, argc - i, argv + i);
        }
    }
    return dn_cli_usage_error(&cli, "unknown command '%s'", name);
}

/** @file cli.h
 * Internals shared by the subcommands of `durand`: the run state, option
 * parsing, usage errors and database opening. Each subcommand lives in its
 * own cmd_<name>.c and is listed in the command table in cli.c.
 */
#ifndef DN_CLI_H
#define DN_CLI_H

#include <stdbool.h>

#include "core/core.h"
#include "core/emit.h"

#define DN_DEFAULT_DB "output/durand.sqlite"

/** State of one dn_cli_run call. Borrowed pointers only. */
struct dn_cli {
    dn_ctx *ctx;
    const char *prog;       /**< "durand" */
    const char *command;    /**< the subcommand being run */
    const char *db_path;    /**< --db, $DURAND_DB, or DN_DEFAULT_DB */
    bool quiet;
};

/** Signature of a subcommand: argv[0] is the subcommand's name. Returns a
 * process exit code. */
typedef int (*dn_cli_cmd_fn)(struct dn_cli *cli, int argc, char **argv);

/** One option a subcommand accepts. `id` > 0 is returned by
 * dn_cli_next_opt; `has_arg` says whether it takes a value. */
struct dn_cli_opt {
    const char *name; /**< long name without dashes, e.g. "format" */
    bool has_arg;
    int id;
};

/** Option iterator over argv[1..]. Zero-initialise, set argc/argv. */
struct dn_cli_optparse {
    int argc;
    char **argv;
    int index;           /**< next argv index (starts at 1) */
    bool positional_only; /**< after "--" */
};

enum {
    DN_OPT_END = -1,        /**< no more arguments */
    DN_OPT_ERROR = -2,      /**< usage error already reported; return DN_EXIT_USAGE */
    DN_OPT_POSITIONAL = 0,  /**< *value is a positional argument */
    DN_OPT_HELP = -3        /**< --help/-h: print the command's help, exit 0 */
};

/** Next option of `spec` (terminated by a {NULL} entry). Global options
 * (--db, --geodata, --quiet) are accepted anywhere and handled here. "-" is
 * positional. Returns an id from spec, or one of the DN_OPT_ values. */
int dn_cli_next_opt(struct dn_cli *cli, struct dn_cli_optparse *p, const struct dn_cli_opt *spec, const char **value);

/** dn_cli_next_opt over two specs: a command's own and a shared one (e.g.
 * dn_filter_cli_opts); `extra` may be NULL. Ids must not clash. */
int dn_cli_next_opt2(struct dn_cli *cli, struct dn_cli_optparse *p, const struct dn_cli_opt *spec,
                     const struct dn_cli_opt *extra, const char **value);

/** Report a usage error ("durand: error: ..." plus the "Try" line) and
 * return DN_EXIT_USAGE. */
int dn_cli_usage_error(struct dn_cli *cli, const char *fmt, ...) DN_PRINTF(2, 3);

/** Report the context's last error for `status` and return its exit code. */
int dn_cli_fail(struct dn_cli *cli, dn_status status);

/** Print a command's help text (stdout) and return DN_EXIT_OK. */
int dn_cli_help(struct dn_cli *cli, const char *text);

/** The same for a help text in two parts, e.g. a command's own options then
 * the filter options it shares with others (`text` then `more`). */
int dn_cli_help_parts(struct dn_cli *cli, const char *text, const char *more);

/** Data output to stdout. */
void dn_cli_print(struct dn_cli *cli, const char *text);

/** Open the store at cli->db_path. With DN_STORE_CREATE the parent directory
 * is created when missing. */
dn_status dn_cli_open_store(struct dn_cli *cli, unsigned flags);

/** Open (creating if needed) the store and make sure the shipped geodata
 * is loaded into it, loading it on first use or after a geodata update. */
dn_status dn_cli_open_store_geodata(struct dn_cli *cli);

struct dn_filter;
/** What a command that reads events through a filter does once its options
 * are parsed: the filter checked (before the store is touched, so that a
 * usage mistake costs nothing), the store opened — read-only, or with the
 * geodata (`with_geodata`: the layers export writes beside the events) —
 * and the filter's place names resolved, which needs the store. */
dn_status dn_cli_open_filtered(struct dn_cli *cli, struct dn_filter *f, bool with_geodata);

/** Parse helpers for option values; on failure they report a usage error
 * naming the option and return false. A distance in km may carry its
 * unit ("30", "30km", "30 km": dn_parse_number). */
bool dn_cli_parse_km(struct dn_cli *cli, const char *opt, const char *text, double *out);
bool dn_cli_parse_long(struct dn_cli *cli, const char *opt, const char *text, long long min, long long max, long long *out);

/* Subcommands. */
int dn_cmd_init(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_info(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_ingest(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_query(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_summary(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_export(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_geocode(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_places(struct dn_cli *cli, int argc, char **argv);
int dn_cmd_check(struct dn_cli *cli, int argc, char **argv);

#endif /* DN_CLI_H */

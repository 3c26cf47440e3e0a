/** @file cmd_init.c
 * `durand init`: create the database with its schema.
 */
#include "cli/cli.h"
#include "store/store.h"

static const char help[] =
    "Usage: durand init [--db PATH]\n"
    "\n"
    "Create the SpatiaLite database (default output/durand.sqlite) with its schema,\n"
    "or bring an existing one up to this version's schema. Safe to run again.\n";

int dn_cmd_init(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {{NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    const char *value;
    int id;
    while ((id = dn_cli_next_opt(cli, &p, spec, &value)) != DN_OPT_END) {
        if (id == DN_OPT_HELP) return dn_cli_help(cli, help);
        if (id == DN_OPT_ERROR) return DN_EXIT_USAGE;
        return dn_cli_usage_error(cli, "unexpected argument '%s'", value);
    }
    dn_status s = dn_cli_open_store(cli, DN_STORE_CREATE);
    if (s != DN_OK) return dn_cli_fail(cli, s);
    int version = 0;
    if ((s = dn_store_schema_version(cli->ctx, &version)) != DN_OK) return dn_cli_fail(cli, s);
    dni_info(cli->ctx, "database %s ready (schema version %d)", cli->db_path, version);
    return DN_EXIT_OK;
}

/** @file cmd_init.c
 * `durand init`: create the database and load the shipped geodata.
 */
#include "cli/cli.h"
#include "gazetteer/gazetteer.h"
#include "geodata/geodata.h"
#include "store/store.h"

static const char help[] =
    "Usage: durand init [--db PATH] [--geodata DIR] [--force]\n"
    "\n"
    "Create the SpatiaLite database (default output/durand.sqlite) with its schema,\n"
    "or bring an existing one up to this version's schema, and load the shipped\n"
    "geodata (Durand Line, countries, provinces, districts, gazetteer, crossings)\n"
    "into it. Safe to run again: the geodata is reloaded only when it changed\n"
    "(or with --force). Stored events and learned place names are kept.\n"
    "\n"
    "  --force   reload the geodata even if this version is already loaded\n";

int dn_cmd_init(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {{"force", false, 1}, {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    const char *value;
    bool force = false;
    int id;
    while ((id = dn_cli_next_opt(cli, &p, spec, &value)) != DN_OPT_END) {
        if (id == DN_OPT_HELP) return dn_cli_help(cli, help);
        if (id == DN_OPT_ERROR) return DN_EXIT_USAGE;
        if (id == 1) {
            force = true;
            continue;
        }
        return dn_cli_usage_error(cli, "unexpected argument '%s'", value);
    }
    dn_status s = dn_cli_open_store(cli, DN_STORE_CREATE);
    if (s != DN_OK) return dn_cli_fail(cli, s);
    struct dn_geodata_report rep;
    if ((s = dn_geodata_load(cli->ctx, force, &rep)) != DN_OK) return dn_cli_fail(cli, s);
    /* the gazetteer index, built now and kept in the store (its image), so
     * that the first command that geocodes need not build it */
    if ((s = dn_gazetteer_load(cli->ctx, NULL)) != DN_OK) return dn_cli_fail(cli, s);
    int version = 0;
    if ((s = dn_store_schema_version(cli->ctx, &version)) != DN_OK) return dn_cli_fail(cli, s);
    if (rep.loaded)
        dni_info(cli->ctx,
                 "database %s ready (schema %d); geodata %s loaded: %lld countries, %lld provinces/regions, "
                 "%lld districts, %lld border line, %lld crossings, %lld places, %lld names",
                 cli->db_path, version, rep.version, rep.countries, rep.admin1, rep.admin2, rep.border_lines,
                 rep.crossings, rep.places, rep.names);
    else
        dni_info(cli->ctx, "database %s ready (schema %d); geodata %s already loaded", cli->db_path, version,
                 rep.version);
    return DN_EXIT_OK;
}

/** @file cmd_places.c
 * `durand places`: browse the gazetteer (placeholder until written).
 */
#include "cli/cli.h"

int dn_cmd_places(struct dn_cli *cli, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return dn_cli_usage_error(cli, "not yet");
}

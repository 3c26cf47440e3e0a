/** @file cmd_summary.c
 * `durand summary`: events, casualties and date range per group.
 */
#include <string.h>

#include "cli/cli.h"
#include "query/query.h"
#include "store/store.h"

static const char help_head[] =
    "Usage: durand summary --by KEY[,KEY...] [FILTERS] [--format table|csv|json|jsonl|md]\n"
    "\n"
    "One row per group of the events that match the filters: the keys, then\n"
    "events, fatalities, injured (sums of the known counts; null when none of\n"
    "the group's events has one), first_date and last_date. Groups are sorted\n"
    "by their keys; unknown values (null) come last.\n"
    "\n"
    "  --by KEYS      " DN_SUMMARY_BY_KEYS "\n"
    "                 (comma-separated, e.g. --by district,year; zone = band;\n"
    "                 month is null for events dated only to a year;\n"
    "                 district is a district of its province: its province\n"
    "                 is printed before it, so namesakes such as Arghandab,\n"
    "                 Kandahar and Arghandab, Zabul are two rows)\n"
    "  --format F     output format (default table)\n"
    "\n";

static int help(struct dn_cli *cli)
{
    return dn_cli_help_parts(cli, help_head, dn_filter_help);
}

enum { OPT_FORMAT = 1, OPT_BY };

int dn_cmd_summary(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {{"format", true, OPT_FORMAT}, {"by", true, OPT_BY}, {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    enum dn_format fmt = DN_FORMAT_TABLE;
    enum dn_summary_key keys[DN_SUMMARY_MAX_KEYS];
    size_t nkeys = 0;
    struct dn_filter *f = NULL;
    dn_status s = dn_filter_new(cli->ctx, &f);
    if (s != DN_OK) return dn_cli_fail(cli, s);
    int rc = -1;
    const char *value;
    int id;
    while (rc < 0 && (id = dn_cli_next_opt2(cli, &p, spec, dn_filter_cli_opts, &value)) != DN_OPT_END) {
        if (id == DN_OPT_HELP) rc = help(cli);
        else if (id == DN_OPT_ERROR) rc = DN_EXIT_USAGE;
        else if (DN_FILTER_IS_OPT(id)) {
            if ((s = dn_filter_set(cli->ctx, f, id, value)) != DN_OK) rc = dn_cli_fail(cli, s);
        } else if (id == OPT_FORMAT) {
            unsigned allowed = DN_FORMAT_BIT(DN_FORMAT_TABLE) | DN_FORMAT_BIT(DN_FORMAT_CSV) |
                               DN_FORMAT_BIT(DN_FORMAT_JSON) | DN_FORMAT_BIT(DN_FORMAT_JSONL) |
                               DN_FORMAT_BIT(DN_FORMAT_MD);
            if ((s = dn_format_parse(cli->ctx, value, allowed, &fmt)) != DN_OK) rc = dn_cli_fail(cli, s);
        } else if (id == OPT_BY) {
            if ((s = dn_summary_parse_by(cli->ctx, value, keys, &nkeys)) != DN_OK) rc = dn_cli_fail(cli, s);
        } else {
            rc = dn_cli_usage_error(cli, "unexpected argument '%s'", value);
        }
    }
    if (rc < 0 && nkeys == 0) rc = dn_cli_usage_error(cli, "--by KEY[,KEY...] is required (%s)", DN_SUMMARY_BY_KEYS);
    if (rc < 0 && (s = dn_cli_open_filtered(cli, f, false)) != DN_OK) rc = dn_cli_fail(cli, s);
    if (rc < 0) {
        struct dn_summary_totals t;
        s = dn_summary_print(cli->ctx, f, keys, nkeys, fmt, &t);
        if (s == DN_OK)
            dni_info(cli->ctx, "%zu group%s, %lld event%s", t.groups, t.groups == 1 ? "" : "s", t.events,
                     t.events == 1 ? "" : "s");
        rc = s == DN_OK ? DN_EXIT_OK : dn_cli_fail(cli, s);
    }
    dn_filter_free(f);
    return rc;
}

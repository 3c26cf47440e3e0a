/** @file cmd_query.c
 * `durand query`: the stored events that match the filters.
 */
#include <string.h>

#include "cli/cli.h"
#include "query/query.h"
#include "store/store.h"

static const char help_head[] =
    "Usage: durand query [FILTERS] [--sort KEY] [--limit N] [--format table|csv|json|jsonl|geojson]\n"
    "\n"
    "Print the stored events that match every filter given. json, jsonl, csv and\n"
    "geojson carry every event field (id, uid, date, date_precision, type, sub_type,\n"
    "actor1, actor2, place, country, province, district, lat, lon, precision,\n"
    "radius_km, fatalities, injured, side, side_certain, border_km, band, crossing,\n"
    "crossing_km, source, excerpt, cluster_id); table shows a subset for people.\n"
    "geojson is an RFC 7946 FeatureCollection.\n"
    "\n"
    "  --sort KEY     " DN_QUERY_SORT_KEYS "\n"
    "                 (default date; '-' = descending; distance needs --near)\n"
    "  --limit N      print at most N events\n"
    "  --format F     output format (default table)\n"
    "\n";

static int help(struct dn_cli *cli)
{
    return dn_cli_help_parts(cli, help_head, dn_filter_help);
}

enum { OPT_FORMAT = 1, OPT_SORT, OPT_LIMIT };

int dn_cmd_query(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {
        {"format", true, OPT_FORMAT}, {"sort", true, OPT_SORT}, {"limit", true, OPT_LIMIT}, {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    enum dn_format fmt = DN_FORMAT_TABLE;
    const char *order_sql = NULL;
    long long limit = -1;
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
                               DN_FORMAT_BIT(DN_FORMAT_GEOJSON);
            if ((s = dn_format_parse(cli->ctx, value, allowed, &fmt)) != DN_OK) rc = dn_cli_fail(cli, s);
        } else if (id == OPT_SORT) {
            if ((s = dn_query_sort_sql(cli->ctx, value, &order_sql)) != DN_OK) rc = dn_cli_fail(cli, s);
        } else if (id == OPT_LIMIT) {
            if (!dn_cli_parse_long(cli, "--limit", value, 0, 1000000000000LL, &limit)) rc = DN_EXIT_USAGE;
        } else {
            rc = dn_cli_usage_error(cli, "unexpected argument '%s'", value);
        }
    }
    if (rc < 0 && order_sql && strstr(order_sql, ":near_") && !dn_filter_has_near(f))
        rc = dn_cli_usage_error(cli, "--sort distance needs --near PLACE|LAT,LON");
    if (rc < 0 && (s = dn_cli_open_filtered(cli, f, false)) != DN_OK) rc = dn_cli_fail(cli, s);
    if (rc < 0) {
        long long n = 0;
        s = dn_query_print(cli->ctx, f, fmt, order_sql, limit, &n);
        rc = s == DN_OK ? DN_EXIT_OK : dn_cli_fail(cli, s);
        if (s == DN_OK) dni_info(cli->ctx, "%lld event%s", n, n == 1 ? "" : "s");
    }
    dn_filter_free(f);
    return rc;
}

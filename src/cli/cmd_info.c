/** @file cmd_info.c
 * `durand info`: schema version, geodata version and row counts.
 */
#include <string.h>

#include "cli/cli.h"
#include "gazetteer/gazetteer.h"
#include "store/store.h"

static const char help[] =
    "Usage: durand info [--db PATH] [--format table|json|csv]\n"
    "\n"
    "Print the database path, its schema version, the version of the geodata\n"
    "loaded into it, the number of rows in each table, and the gazetteer\n"
    "index's image kept in it: current (this durand reads it instead of\n"
    "building the index), another build's, or none; and its size in bytes.\n";

int dn_cmd_info(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {{"format", true, 1}, {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    enum dn_format fmt = DN_FORMAT_TABLE;
    const char *value;
    int id;
    while ((id = dn_cli_next_opt(cli, &p, spec, &value)) != DN_OPT_END) {
        if (id == DN_OPT_HELP) return dn_cli_help(cli, help);
        if (id == DN_OPT_ERROR) return DN_EXIT_USAGE;
        if (id == 1) {
            unsigned allowed = DN_FORMAT_BIT(DN_FORMAT_TABLE) | DN_FORMAT_BIT(DN_FORMAT_JSON) | DN_FORMAT_BIT(DN_FORMAT_CSV);
            if (dn_format_parse(cli->ctx, value, allowed, &fmt) != DN_OK) return dn_cli_fail(cli, DN_ERR_USAGE);
            continue;
        }
        return dn_cli_usage_error(cli, "unexpected argument '%s'", value);
    }
    dn_status s = dn_cli_open_store(cli, DN_STORE_READONLY);
    if (s != DN_OK) return dn_cli_fail(cli, s);

    int version = 0;
    char *geodata = NULL;
    long long image_bytes = 0;
    bool image_current = false;
    if ((s = dn_store_schema_version(cli->ctx, &version)) != DN_OK ||
        (s = dn_gazetteer_image_info(cli->ctx, &image_bytes, &image_current)) != DN_OK ||
        (s = dn_store_meta_get(cli->ctx, "geodata_version", &geodata)) != DN_OK)
        return dn_cli_fail(cli, s);
    const char *image = image_bytes == 0 ? "none" : image_current ? "current" : "another build";

    /* JSON/CSV: one record with a column per item; table: item/value rows for people */
    const char *const *tables = dn_store_tables();
    const char *columns[32] = {"database", "schema_version", "geodata_version"};
    size_t ncols = 3;
    for (size_t i = 0; tables[i] && ncols + 2 < DN_ARRAY_LEN(columns); i++) columns[ncols++] = tables[i];
    size_t ntables_end = ncols;
    columns[ncols++] = "gazetteer_image";
    columns[ncols++] = "gazetteer_image_bytes";
    long long counts[32] = {0};
    for (size_t i = 3; i < ntables_end; i++)
        if ((s = dn_store_count(cli->ctx, columns[i], &counts[i])) != DN_OK) {
            dn_free(geodata);
            return dn_cli_fail(cli, s);
        }

    struct dn_emit *e = NULL;
    if (fmt == DN_FORMAT_TABLE) {
        static const char *const kv[] = {"item", "value"};
        s = dn_emit_new(cli->ctx, fmt, kv, 2, 0, &e);
        for (size_t i = 0; s == DN_OK && i < ncols; i++) {
            dn_emit_str(e, columns[i]);
            if (i == 0) dn_emit_str(e, cli->db_path);
            else if (i == 1) dn_emit_int(e, version);
            else if (i == 2) dn_emit_str(e, geodata ? geodata : "(not loaded)");
            else if (i == ntables_end) dn_emit_str(e, image);
            else if (i == ntables_end + 1) dn_emit_int(e, image_bytes);
            else dn_emit_int(e, counts[i]);
            s = dn_emit_row_end(e);
        }
    } else {
        s = dn_emit_new(cli->ctx, fmt, columns, ncols, DN_EMIT_OBJECT, &e);
        if (s == DN_OK) {
            dn_emit_str(e, cli->db_path);
            dn_emit_int(e, version);
            dn_emit_str(e, geodata);
            for (size_t i = 3; i < ntables_end; i++) dn_emit_int(e, counts[i]);
            dn_emit_str(e, image);
            dn_emit_int(e, image_bytes);
            s = dn_emit_row_end(e);
        }
    }
    if (s == DN_OK) s = dn_emit_finish(e);
    dn_emit_free(e);
    dn_free(geodata);
    return s == DN_OK ? DN_EXIT_OK : dn_cli_fail(cli, s);
}

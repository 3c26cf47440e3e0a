/** @file cmd_export.c
 * `durand export`: write the map layers through OGR.
 */
#include <stdlib.h>
#include <string.h>

#include "border/border.h"
#include "cli/cli.h"
#include "export/export.h"
#include "query/filter.h"
#include "store/store.h"

static const char help_head[] =
    "Usage: durand export --format geojson|shp|gpkg|kml|csv|fgb|pg [--out PATH] [--layers LIST]\n"
    "                     [--bands KM,KM,...] [--overwrite] [--report table|json|csv] [filters]\n"
    "\n"
    "Write QGIS-ready map layers of the database through GDAL/OGR:\n"
    "  incidents      one point per event, every event field (date usable by QGIS's\n"
    "                 Temporal Controller)\n"
    "  durand_line    the Durand Line\n"
    "  border_bands   geodesic distance bands either side of the line, clipped to\n"
    "                 Afghanistan and Pakistan, one feature per band and side\n"
    "  admin_summary  provinces and districts with events, fatalities and injured\n"
    "  crossings      border crossings\n"
    "  places         the gazetteer (only when asked for)\n"
    "\n"
    "  --format F      geojson (RFC 7946), shp (ESRI Shapefile), gpkg (GeoPackage),\n"
    "                  kml (LIBKML), csv (WKT geometry), fgb (FlatGeobuf),\n"
    "                  pg (PostgreSQL/PostGIS)\n"
    "  --out PATH      a directory (default output/): one file per layer, or\n"
    "                  durand.gpkg / durand.kml in it; a file with the format's\n"
    "                  extension (GeoJSON, Shapefile, CSV, FlatGeobuf: one layer\n"
    "                  only); for pg a connection string\n"
    "                  \"PG:host=... dbname=... user=... password=...\"\n"
    "  --layers LIST   comma-separated layer names, 'default' (all but places) or 'all'\n"
    "  --bands LIST    outer edges of the border bands in km (default 10,25,50,100, as the border check)\n"
    "  --overwrite     replace the selected layers where they exist: their files,\n"
    "                  or their layers in an existing GeoPackage, KML file or\n"
    "                  PostGIS database; nothing else is removed\n"
    "  --report F      print what was written (layer, features, path) on stdout\n"
    "\n"
    "Styles: GeoPackage and PostGIS get QGIS's layer_styles table (applied on open;\n"
    "PostGIS: public.layer_styles, whatever the schema), the other formats a\n"
    "<layer>.qml beside each file, applied on open except for KML, whose .qml files\n"
    "QGIS ignores: load them with Layer Properties > Style > Load Style. Shapefile\n"
    "field names longer than 10 characters are shortened as listed in fields.csv\n"
    "written beside them. CSV and KML carry dates as ISO text (2024-03-18).\n"
    "FlatGeobuf cannot store incidents without a location: they are left out, with\n"
    "a warning giving the count; the other formats keep them without geometry.\n"
    "\n"
    "Existing output is never replaced without --overwrite (exit 4 names the file,\n"
    "layer or table); layers not there yet are added to an existing GeoPackage or\n"
    "KML file without it. --overwrite replaces only the selected layers (and their\n"
    "rows of layer_styles): other files in the directory, and the other layers and\n"
    "tables of a GeoPackage (QGIS projects, your own layers and their styles), KML\n"
    "file or PostGIS database are kept. Nothing is replaced until every layer is\n"
    "written, so a failed export (full disk, killed) leaves the old output as it\n"
    "was. A GeoPackage is updated in a copy beside it, written back in one SQLite\n"
    "transaction: it needs free space for about twice its size.\n"
    "\n"
    "Filters select the events of the incidents layer and of the admin_summary\n"
    "counts; the other layers are geodata and always complete.\n"
    "\n";

static int help(struct dn_cli *cli)
{
    return dn_cli_help_parts(cli, help_head, dn_filter_help);
}

enum { OPT_FORMAT = 1, OPT_OUT, OPT_LAYERS, OPT_BANDS, OPT_OVERWRITE, OPT_REPORT };

static int print_report(struct dn_cli *cli, enum dn_format fmt, const struct dn_export_report *rep,
                        enum dn_export_format xf)
{
    static const char *const cols[] = {"layer", "format", "features", "path"};
    struct dn_emit *e = NULL;
    dn_status s = dn_emit_new(cli->ctx, fmt, cols, 4, 0, &e);
    for (size_t i = 0; s == DN_OK && i < rep->nlayers; i++) {
        dn_emit_str(e, dn_export_layer_name(rep->layers[i].layer));
        dn_emit_str(e, dn_export_format_name(xf));
        dn_emit_int(e, rep->layers[i].features);
        dn_emit_str(e, rep->layers[i].path);
        s = dn_emit_row_end(e);
    }
    if (s == DN_OK) s = dn_emit_finish(e);
    dn_emit_free(e);
    return s == DN_OK ? DN_EXIT_OK : dn_cli_fail(cli, s);
}

static int run(struct dn_cli *cli, struct dn_export_opts *o, struct dn_filter *f, bool report, enum dn_format report_fmt)
{
    dn_status s = dn_cli_open_filtered(cli, f, true);
    struct dn_export_report rep;
    if (s == DN_OK) s = dn_export_run(cli->ctx, o, &rep);
    if (s != DN_OK) return dn_cli_fail(cli, s);
    for (size_t i = 0; i < rep.nlayers; i++)
        dni_info(cli->ctx, "%s: %lld %s -> %s", dn_export_layer_name(rep.layers[i].layer), rep.layers[i].features,
                 rep.layers[i].features == 1 ? "feature" : "features", rep.layers[i].path);
    return report ? print_report(cli, report_fmt, &rep, o->format) : DN_EXIT_OK;
}

int dn_cmd_export(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {{"format", true, OPT_FORMAT},   {"out", true, OPT_OUT},
                                             {"layers", true, OPT_LAYERS},   {"bands", true, OPT_BANDS},
                                             {"overwrite", false, OPT_OVERWRITE}, {"report", true, OPT_REPORT},
                                             {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    struct dn_export_opts o = {0};
    double bands[DN_BORDER_MAX_BANDS];
    bool have_format = false, report = false, filtered = false;
    enum dn_format report_fmt = DN_FORMAT_TABLE;
    struct dn_filter *f = NULL;
    dn_status s = dn_filter_new(cli->ctx, &f);
    if (s != DN_OK) return dn_cli_fail(cli, s);
    const char *value;
    int id, rc = -1;
    while (rc < 0 && (id = dn_cli_next_opt2(cli, &p, spec, dn_filter_cli_opts, &value)) != DN_OPT_END) {
        if (DN_FILTER_IS_OPT(id)) {
            if ((s = dn_filter_set(cli->ctx, f, id, value)) != DN_OK) rc = dn_cli_fail(cli, s);
            filtered = true;
            continue;
        }
        switch (id) {
        case DN_OPT_HELP: rc = help(cli); break;
        case DN_OPT_ERROR: rc = DN_EXIT_USAGE; break;
        case OPT_FORMAT:
            if (dn_export_format_parse(cli->ctx, value, &o.format) != DN_OK) rc = dn_cli_fail(cli, DN_ERR_USAGE);
            have_format = true;
            break;
        case OPT_OUT:
            if (!*value) rc = dn_cli_usage_error(cli, "--out needs a non-empty path");
            o.out = value;
            break;
        case OPT_LAYERS:
            if (dn_export_layers_parse(cli->ctx, value, &o.layers) != DN_OK) rc = dn_cli_fail(cli, DN_ERR_USAGE);
            break;
        case OPT_BANDS:
            if (dn_border_bands_parse(cli->ctx, value, bands, &o.nbands) != DN_OK) rc = dn_cli_fail(cli, DN_ERR_USAGE);
            o.bands = bands;
            break;
        case OPT_OVERWRITE: o.overwrite = true; break;
        case OPT_REPORT: {
            unsigned allowed = DN_FORMAT_BIT(DN_FORMAT_TABLE) | DN_FORMAT_BIT(DN_FORMAT_JSON) |
                               DN_FORMAT_BIT(DN_FORMAT_CSV) | DN_FORMAT_BIT(DN_FORMAT_JSONL);
            if (dn_format_parse(cli->ctx, value, allowed, &report_fmt) != DN_OK) rc = dn_cli_fail(cli, DN_ERR_USAGE);
            report = true;
            break;
        }
        default: rc = dn_cli_usage_error(cli, "unexpected argument '%s'", value);
        }
    }
    if (rc < 0 && !have_format)
        rc = dn_cli_usage_error(cli, "--format is required (geojson, shp, gpkg, kml, csv, fgb, pg)");
    if (rc < 0) {
        o.filter = filtered ? f : NULL;
        rc = run(cli, &o, f, report, report_fmt);
    }
    dn_filter_free(f);
    return rc;
}

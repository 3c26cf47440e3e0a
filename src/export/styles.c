/** @file styles.c
 * QGIS styles (QML documents) for the exported layers: incidents sized by
 * fatalities (graduated) and coloured by event type, with the date set up
 * for the Temporal Controller; the Durand Line bold; the border bands
 * translucent; districts as a choropleth of event counts under province
 * outlines; crossings and places as plain markers.
 *
 * Every field a style names is at most 10 bytes long, so the same style
 * works on the Shapefile output (see layers.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "border/border.h"
#include "export/export_internal.h"

static const char *const type_palette[DNI_XMAX_TYPES] = {"228,26,28",  "55,126,184", "77,175,74",  "152,78,163",
                                                         "255,127,0",  "166,86,40",  "247,129,191", "23,190,207",
                                                         "188,189,34", "31,120,180", "106,61,154", "177,89,40"};
static const char other_colour[] = "158,158,158";

/* ---- style data ------------------------------------------------------------------- */

void dni_xstyle_data_clear(struct dni_xstyle_data *sd)
{
    for (size_t i = 0; i < sd->ntypes; i++) dn_free(sd->types[i]);
    dn_free(sd->types);
    dn_free(sd->type_count);
    sd->types = NULL;
    sd->type_count = NULL;
    sd->ntypes = sd->captypes = 0;
}

void dni_xstyle_data_type(struct dni_xstyle_data *sd, const char *type)
{
    if (!type || !*type) return;
    for (size_t i = 0; i < sd->ntypes; i++)
        if (strcmp(sd->types[i], type) == 0) {
            sd->type_count[i]++;
            return;
        }
    if (sd->ntypes == DNI_XMAX_DISTINCT_TYPES) return;
    if (sd->ntypes == sd->captypes) {
        size_t cap = sd->captypes ? sd->captypes * 2 : 16;
        char **t = dn_realloc(sd->types, cap * sizeof *t);
        if (!t) return;
        sd->types = t;
        long long *c = dn_realloc(sd->type_count, cap * sizeof *c);
        if (!c) return;
        sd->type_count = c;
        sd->captypes = cap;
    }
    char *copy = dn_strdup(type);
    if (!copy) return; /* the style then lacks a colour for it: grey */
    sd->types[sd->ntypes] = copy;
    sd->type_count[sd->ntypes++] = 1;
}

/* ---- XML helpers ---------------------------------------------------------------- */

static void xml_text(struct dn_strbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': dn_strbuf_puts(b, "&amp;"); break;
        case '<': dn_strbuf_puts(b, "&lt;"); break;
        case '>': dn_strbuf_puts(b, "&gt;"); break;
        case '"': dn_strbuf_puts(b, "&quot;"); break;
        case '\'': dn_strbuf_puts(b, "&apos;"); break;
        default: dn_strbuf_putc(b, *s);
        }
    }
}

static void prop(struct dn_strbuf *b, const char *k, const char *v)
{
    dn_strbuf_printf(b, "        <prop k=\"%s\" v=\"", k);
    xml_text(b, v);
    dn_strbuf_puts(b, "\"/>\n");
}

/* A data-defined property (`key`, e.g. "fillColor") set by an expression. */
static void dd_expression(struct dn_strbuf *b, const char *key, const char *expr)
{
    dn_strbuf_puts(b, "        <data_defined_properties><Option type=\"Map\">"
                      "<Option type=\"QString\" name=\"name\" value=\"\"/>");
    if (key) {
        dn_strbuf_printf(b, "<Option type=\"Map\" name=\"properties\"><Option type=\"Map\" name=\"%s\">"
                            "<Option type=\"bool\" name=\"active\" value=\"true\"/>"
                            "<Option type=\"QString\" name=\"expression\" value=\"",
                         key);
        xml_text(b, expr);
        dn_strbuf_puts(b, "\"/><Option type=\"int\" name=\"type\" value=\"3\"/></Option></Option>");
    } else {
        dn_strbuf_puts(b, "<Option name=\"properties\"/>");
    }
    dn_strbuf_puts(b, "<Option type=\"QString\" name=\"type\" value=\"collection\"/></Option></data_defined_properties>\n");
}

static void marker(struct dn_strbuf *b, int name, const char *shape, const char *colour, double size,
                   const char *colour_expr)
{
    dn_strbuf_printf(b, "      <symbol type=\"marker\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n",
                     name);
    dn_strbuf_puts(b, "       <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
    char sz[32], col[32];
    snprintf(sz, sizeof sz, "%g", size);
    snprintf(col, sizeof col, "%s,230", colour);
    prop(b, "name", shape);
    prop(b, "color", col);
    prop(b, "outline_color", "35,35,35,255");
    prop(b, "outline_style", "solid");
    prop(b, "outline_width", "0.2");
    prop(b, "outline_width_unit", "MM");
    prop(b, "size", sz);
    prop(b, "size_unit", "MM");
    prop(b, "scale_method", "diameter");
    dd_expression(b, colour_expr ? "fillColor" : NULL, colour_expr);
    dn_strbuf_puts(b, "       </layer>\n      </symbol>\n");
}

static void line_symbol(struct dn_strbuf *b, int name, const char *colour, double width)
{
    dn_strbuf_printf(b, "      <symbol type=\"line\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name);
    dn_strbuf_puts(b, "       <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
    char w[32];
    snprintf(w, sizeof w, "%g", width);
    prop(b, "line_color", colour);
    prop(b, "line_width", w);
    prop(b, "line_width_unit", "MM");
    prop(b, "line_style", "solid");
    prop(b, "capstyle", "round");
    prop(b, "joinstyle", "round");
    dd_expression(b, NULL, NULL);
    dn_strbuf_puts(b, "       </layer>\n      </symbol>\n");
}

/* `fill` NULL: outline only. */
static void fill_symbol(struct dn_strbuf *b, int name, const char *fill, const char *outline, double outline_width)
{
    dn_strbuf_printf(b, "      <symbol type=\"fill\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name);
    dn_strbuf_puts(b, "       <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
    char w[32];
    snprintf(w, sizeof w, "%g", outline_width);
    prop(b, "color", fill ? fill : "0,0,0,0");
    prop(b, "style", fill ? "solid" : "no");
    prop(b, "outline_color", outline);
    prop(b, "outline_style", "solid");
    prop(b, "outline_width", w);
    prop(b, "outline_width_unit", "MM");
    prop(b, "joinstyle", "bevel");
    dd_expression(b, NULL, NULL);
    dn_strbuf_puts(b, "       </layer>\n      </symbol>\n");
}

static void head(struct dn_strbuf *b, const char *temporal_field)
{
    dn_strbuf_puts(b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                      "<qgis version=\"3.22.0\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\""
                      " minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\" labelsEnabled=\"0\">\n");
    if (temporal_field) {
        /* mode 1: each feature is an instant taken from a date field */
        dn_strbuf_puts(b, "  <temporal enabled=\"1\" mode=\"1\" startField=\"");
        xml_text(b, temporal_field);
        dn_strbuf_puts(b, "\" endField=\"\" durationField=\"\" durationUnit=\"d\" fixedDuration=\"1\""
                          " accumulate=\"0\" limitMode=\"0\" startExpression=\"\" endExpression=\"\">\n"
                          "    <fixedRange><start></start><end></end></fixedRange>\n  </temporal>\n");
    }
}

static void tail(struct dn_strbuf *b, double opacity, int geometry_type)
{
    dn_strbuf_printf(b,
                     "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n"
                     "  <layerOpacity>%g</layerOpacity>\n  <layerGeometryType>%d</layerGeometryType>\n</qgis>\n",
                     opacity, geometry_type);
}

/* ---- the styles -------------------------------------------------------------------- */

static int by_count_desc(const void *a, const void *b)
{
    const long long *x = *(const long long *const *)a, *y = *(const long long *const *)b;
    return *x < *y ? 1 : *x > *y ? -1 : 0;
}

/* CASE "type" WHEN ... THEN 'r,g,b,a' ... END over the most frequent types. */
static void type_colour_expression(struct dn_strbuf *e, const struct dni_xstyle_data *sd)
{
    const long long *order[DNI_XMAX_DISTINCT_TYPES];
    for (size_t i = 0; i < sd->ntypes; i++) order[i] = &sd->type_count[i];
    qsort(order, sd->ntypes, sizeof order[0], by_count_desc);
    size_t n = sd->ntypes < DNI_XMAX_TYPES ? sd->ntypes : DNI_XMAX_TYPES;
    dn_strbuf_puts(e, "CASE");
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)(order[k] - sd->type_count);
        dn_strbuf_puts(e, " WHEN \"type\" = '");
        for (const char *c = sd->types[i]; *c; c++) {
            if (*c == '\'') dn_strbuf_putc(e, '\'');
            dn_strbuf_putc(e, *c);
        }
        dn_strbuf_printf(e, "' THEN '%s,230'", type_palette[k]);
    }
    dn_strbuf_printf(e, " ELSE '%s,230' END", other_colour);
}

static void incidents_style(struct dn_strbuf *b, const struct dni_xstyle_data *sd)
{
    static const struct {
        double lo, hi, size;
        const char *label;
    } ranges[] = {{0, 0, 2.0, "0 or unknown"}, {1, 4, 3.2, "1 - 4"},     {5, 19, 4.6, "5 - 19"},
                  {20, 49, 6.4, "20 - 49"},   {50, 1e9, 8.6, "50 or more"}};
    struct dn_strbuf expr = {0};
    type_colour_expression(&expr, sd);
    head(b, "date");
    /* unknown fatalities (null) still show, in the smallest class */
    dn_strbuf_puts(b, "  <renderer-v2 type=\"graduatedSymbol\" attr=\"coalesce(&quot;fatalities&quot;, 0)\""
                      " graduatedMethod=\"GraduatedSize\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"1\">\n"
                      "    <ranges>\n");
    for (size_t i = 0; i < DN_ARRAY_LEN(ranges); i++)
        dn_strbuf_printf(b, "      <range lower=\"%g\" upper=\"%g\" symbol=\"%zu\" label=\"%s\" render=\"true\"/>\n",
                         ranges[i].lo, ranges[i].hi, i, ranges[i].label);
    dn_strbuf_puts(b, "    </ranges>\n    <symbols>\n");
    for (size_t i = 0; i < DN_ARRAY_LEN(ranges); i++)
        marker(b, (int)i, "circle", other_colour, ranges[i].size, expr.failed ? NULL : expr.data);
    /* big circles first, so small ones stay visible on top */
    dn_strbuf_puts(b, "    </symbols>\n"
                      "    <orderby><orderByClause asc=\"0\" nullsFirst=\"0\">coalesce(\"fatalities\", 0)</orderByClause></orderby>\n"
                      "    <sizescale/>\n  </renderer-v2>\n");
    tail(b, 1.0, 0);
    dn_strbuf_free(&expr);
}

static void single_style(struct dn_strbuf *b, void (*symbol)(struct dn_strbuf *), double opacity, int geometry_type)
{
    head(b, NULL);
    dn_strbuf_puts(b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
                      "    <symbols>\n");
    symbol(b);
    dn_strbuf_puts(b, "    </symbols>\n  </renderer-v2>\n");
    tail(b, opacity, geometry_type);
}

static void line_sym(struct dn_strbuf *b) { line_symbol(b, 0, "20,20,20,255", 1.4); }
static void crossing_sym(struct dn_strbuf *b) { marker(b, 0, "diamond", "33,102,172", 3.4, NULL); }
static void place_sym(struct dn_strbuf *b) { marker(b, 0, "circle", "120,120,120", 1.2, NULL); }

/* Red next to the line, fading to pale yellow at the outer band. */
static void band_colour(size_t i, size_t n, char *buf, size_t cap)
{
    static const int near[3] = {215, 48, 31}, far[3] = {254, 232, 200};
    double t = n > 1 ? (double)i / (double)(n - 1) : 0.0;
    snprintf(buf, cap, "%d,%d,%d,150", (int)(near[0] + t * (far[0] - near[0])), (int)(near[1] + t * (far[1] - near[1])),
             (int)(near[2] + t * (far[2] - near[2])));
}

static void bands_style(struct dn_strbuf *b, const struct dni_xstyle_data *sd)
{
    head(b, NULL);
    dn_strbuf_puts(b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"band\" symbollevels=\"0\" forceraster=\"0\""
                      " enableorderby=\"0\">\n    <categories>\n");
    char label[64];
    for (size_t i = 0; i < sd->nbands; i++) {
        dn_border_band_label_of(sd->bands, sd->nbands, i, label, sizeof label);
        dn_strbuf_printf(b, "      <category value=\"%s\" label=\"%s\" symbol=\"%zu\" render=\"true\"/>\n", label, label, i);
    }
    dn_strbuf_puts(b, "    </categories>\n    <symbols>\n");
    char colour[32];
    for (size_t i = 0; i < sd->nbands; i++) {
        band_colour(i, sd->nbands, colour, sizeof colour);
        fill_symbol(b, (int)i, colour, "150,60,40,120", 0.1);
    }
    dn_strbuf_puts(b, "    </symbols>\n  </renderer-v2>\n");
    tail(b, 0.6, 2);
}

static void admin_style(struct dn_strbuf *b)
{
    static const struct {
        const char *filter, *label, *fill;
    } rules[] = {
        {"\"level\" = 2 AND coalesce(\"events\", 0) = 0", "district: no events", "255,255,204,60"},
        {"\"level\" = 2 AND \"events\" BETWEEN 1 AND 4", "district: 1 - 4 events", "254,217,118,200"},
        {"\"level\" = 2 AND \"events\" BETWEEN 5 AND 19", "district: 5 - 19 events", "253,141,60,200"},
        {"\"level\" = 2 AND \"events\" BETWEEN 20 AND 99", "district: 20 - 99 events", "227,26,28,200"},
        {"\"level\" = 2 AND \"events\" >= 100", "district: 100 events or more", "128,0,38,200"},
        {"\"level\" = 1", "province", NULL},
    };
    head(b, NULL);
    /* districts first, province outlines drawn over them */
    dn_strbuf_puts(b, "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"1\">\n"
                      "    <rules key=\"{00000000-0000-0000-0000-000000000000}\">\n");
    for (size_t i = 0; i < DN_ARRAY_LEN(rules); i++) {
        dn_strbuf_printf(b, "      <rule key=\"{00000000-0000-0000-0000-0000000000%02zu}\" symbol=\"%zu\" label=\"%s\" filter=\"",
                         i + 1, i, rules[i].label);
        xml_text(b, rules[i].filter);
        dn_strbuf_puts(b, "\"/>\n");
    }
    dn_strbuf_puts(b, "    </rules>\n    <symbols>\n");
    for (size_t i = 0; i < DN_ARRAY_LEN(rules); i++)
        fill_symbol(b, (int)i, rules[i].fill, rules[i].fill ? "110,110,110,160" : "40,40,40,255",
                    rules[i].fill ? 0.1 : 0.6);
    dn_strbuf_puts(b, "    </symbols>\n"
                      "    <orderby><orderByClause asc=\"0\" nullsFirst=\"0\">\"level\"</orderByClause></orderby>\n"
                      "  </renderer-v2>\n");
    tail(b, 0.85, 2);
}

dn_status dni_style_qml(dn_ctx *ctx, enum dn_export_layer layer, const struct dni_xstyle_data *sd,
                        struct dn_strbuf *out)
{
    switch (layer) {
    case DN_LAYER_INCIDENTS: incidents_style(out, sd); break;
    case DN_LAYER_DURAND_LINE: single_style(out, line_sym, 1.0, 1); break;
    case DN_LAYER_BORDER_BANDS: bands_style(out, sd); break;
    case DN_LAYER_ADMIN_SUMMARY: admin_style(out); break;
    case DN_LAYER_CROSSINGS: single_style(out, crossing_sym, 1.0, 0); break;
    case DN_LAYER_PLACES: single_style(out, place_sym, 1.0, 0); break;
    default: return dni_fail(ctx, DN_ERR_INTERNAL, "no style for layer %d", (int)layer);
    }
    if (out->failed) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

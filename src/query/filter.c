/** @file filter.c
 * The filter options: their table and help, parsing and checking each value,
 * and the checks of their combinations once all are known.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/event.h"
#include "query/filter_internal.h"

const struct dn_cli_opt dn_filter_cli_opts[] = {
    {"near", true, DN_FILTER_NEAR},
    {"radius", true, DN_FILTER_RADIUS},
    {"border-km", true, DN_FILTER_BORDER_KM},
    {"border-km-min", true, DN_FILTER_BORDER_KM_MIN},
    {"side", true, DN_FILTER_SIDE},
    {"in", true, DN_FILTER_IN},
    {"bbox", true, DN_FILTER_BBOX},
    {"from", true, DN_FILTER_FROM},
    {"to", true, DN_FILTER_TO},
    {"type", true, DN_FILTER_TYPE},
    {"actor", true, DN_FILTER_ACTOR},
    {"min-fatalities", true, DN_FILTER_MIN_FATALITIES},
    {"precision", true, DN_FILTER_PRECISION},
    {"side-certain", false, DN_FILTER_SIDE_CERTAIN},
    {NULL, false, 0},
};

const char dn_filter_help[] =
    "Filters (all given must hold; a comma list matches any item):\n"
    "  --near PLACE|LAT,LON   within --radius of a place or point (geodesic, WGS 84)\n"
    "  --radius KM            radius for --near (default 25)\n"
    "  --border-km MAX        at most MAX km from the Durand Line\n"
    "  --border-km-min MIN    at least MIN km from the Durand Line\n"
    "                         (distances in km: '30', '30km' or '30 km')\n"
    "  --side S[,S...]        AFG|PAK (or AF, PK, country names), other, none\n"
    "  --in REGION            in a country (ISO3, alpha-2 or name), province or district;\n"
    "                         prefix country:, province: or district: to choose the level\n"
    "                         (PLACE and REGION names go through the geocoder: aliases, old\n"
    "                         names and misspellings work; 'NAME, QUALIFIER' names the\n"
    "                         province, district or country it lies in)\n"
    "  --bbox W,S,E,N         inside a lon/lat box (degrees, W < E, S < N)\n"
    "  --from DATE, --to DATE on or after / on or before (YYYY, YYYY-MM or YYYY-MM-DD;\n"
    "                         a month or year means its whole period)\n"
    "  --type T[,T...]        event type or sub-type (case-insensitive)\n"
    "  --actor TEXT           actor1 or actor2 contains TEXT (case-insensitive)\n"
    "  --min-fatalities N     at least N fatalities\n"
    "  --precision P[,P...]   location precision: point, town, district, province, country\n"
    "  --side-certain         only events whose side of the line is certain\n";

static const char *opt_name(int id)
{
    for (const struct dn_cli_opt *o = dn_filter_cli_opts; o->name; o++)
        if (o->id == id) return o->name;
    return "?";
}

dn_status dn_filter_new(dn_ctx *ctx, struct dn_filter **out)
{
    *out = dn_calloc(1, sizeof **out);
    if (!*out) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

static void free_regions(struct dn_filter *f)
{
    for (size_t i = 0; i < f->nregions; i++) {
        dn_free(f->regions[i].name);
        dn_free(f->regions[i].province);
    }
    dn_free(f->regions);
    f->regions = NULL;
    f->nregions = 0;
}

void dn_filter_free(struct dn_filter *f)
{
    if (!f) return;
    dn_free(f->near_place);
    dn_free(f->in_text);
    free_regions(f);
    for (size_t i = 0; i < f->ntypes; i++) dn_free(f->types[i]);
    dn_free(f->types);
    dn_free(f->actor_like);
    dn_free(f);
}

bool dn_filter_has_near(const struct dn_filter *f) { return f && f->near_given; }

/* ---- value parsers (messages name the option) ------------------------------ */

/* "a,b,c,..." → exactly n numbers. */
static bool parse_numbers(const char *text, double *out, size_t n)
{
    char buf[256];
    if (strlen(text) >= sizeof buf) return false;
    strcpy(buf, text);
    char *p = buf;
    for (size_t i = 0; i < n; i++) {
        char *comma = strchr(p, ',');
        if ((i + 1 < n) != (comma != NULL)) return false;
        if (comma) *comma = '\0';
        if (!dn_parse_number(p, NULL, &out[i])) return false;
        p = comma ? comma + 1 : NULL;
    }
    return true;
}

static dn_status check_lat_lon(dn_ctx *ctx, const char *opt, double lat, double lon)
{
    if (lat < -90 || lat > 90)
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: latitude %g is out of range (-90 to 90)", opt, lat);
    if (lon < -180 || lon > 180)
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: longitude %g is out of range (-180 to 180)", opt, lon);
    return DN_OK;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD → the first (start) or last (!start) day of
 * that period as YYYY-MM-DD. */
static dn_status parse_date(dn_ctx *ctx, const char *opt, const char *text, bool start, char out[11])
{
    size_t len = strlen(text);
    int y = 0, m = 0, d = 0;
    bool shape = (len == 4 || len == 7 || len == 10) && all_digits(text, 4) &&
                 (len < 7 || (text[4] == '-' && all_digits(text + 5, 2))) &&
                 (len < 10 || (text[7] == '-' && all_digits(text + 8, 2)));
    if (!shape)
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: '%s' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)", opt,
                        text);
    y = atoi(text);
    if (len >= 7) m = atoi(text + 5);
    if (len == 10) d = atoi(text + 8);
    if (y < 1 || (len >= 7 && (m < 1 || m > 12)) || (len == 10 && (d < 1 || d > days_in_month(y, m))))
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: '%s' is not a valid date", opt, text);
    if (len < 7) m = start ? 1 : 12;
    if (len < 10) d = start ? 1 : days_in_month(y, m);
    char buf[32]; /* four-digit year by the shape check, so 10 characters */
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    memcpy(out, buf, 11);
    return DN_OK;
}

/* Calls `item` for each comma-separated, trimmed, non-empty item. */
typedef dn_status (*item_fn)(dn_ctx *ctx, struct dn_filter *f, int id, const char *item);

static dn_status each_item(dn_ctx *ctx, struct dn_filter *f, int id, const char *value, item_fn fn)
{
    char *copy = dn_strdup(value);
    if (!copy) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    dn_status s = DN_OK;
    size_t n = 0;
    for (char *p = copy; s == DN_OK && p;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        while (isspace((unsigned char)*p)) p++;
        size_t len = strlen(p);
        while (len && isspace((unsigned char)p[len - 1])) p[--len] = '\0';
        if (*p) {
            s = fn(ctx, f, id, p);
            n++;
        }
        p = comma ? comma + 1 : NULL;
    }
    dn_free(copy);
    if (s == DN_OK && n == 0) s = dni_fail(ctx, DN_ERR_USAGE, "--%s needs a non-empty value", opt_name(id));
    return s;
}

static dn_status side_item(dn_ctx *ctx, struct dn_filter *f, int id, const char *item)
{
    static const struct {
        const char *name;
        unsigned bit;
    } sides[] = {{"AFG", DNI_SIDE_AFG}, {"AF", DNI_SIDE_AFG},       {"Afghanistan", DNI_SIDE_AFG},
                 {"PAK", DNI_SIDE_PAK}, {"PK", DNI_SIDE_PAK},       {"Pakistan", DNI_SIDE_PAK},
                 {"other", DNI_SIDE_OTHER}, {"none", DNI_SIDE_NONE}};
    for (size_t i = 0; i < DN_ARRAY_LEN(sides); i++) {
        if (strcasecmp(item, sides[i].name) == 0) {
            f->side_mask |= sides[i].bit;
            return DN_OK;
        }
    }
    return dni_fail(ctx, DN_ERR_USAGE, "--%s: unknown side '%s' (expected AFG, PAK, other or none)", opt_name(id),
                    item);
}

static dn_status precision_item(dn_ctx *ctx, struct dn_filter *f, int id, const char *item)
{
    char lower[16];
    size_t i = 0;
    for (; item[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)item[i]);
    lower[i] = '\0';
    enum dn_precision p = item[i] ? DN_PREC_UNKNOWN : dn_precision_parse(lower);
    if (p == DN_PREC_UNKNOWN)
        return dni_fail(ctx, DN_ERR_USAGE,
                        "--%s: unknown precision '%s' (expected point, town, district, province or country)",
                        opt_name(id), item);
    f->precision_mask |= 1u << p;
    return DN_OK;
}

static dn_status type_item(dn_ctx *ctx, struct dn_filter *f, int id, const char *item)
{
    for (size_t i = 0; i < f->ntypes; i++)
        if (strcasecmp(f->types[i], item) == 0) return DN_OK; /* matched without regard to case */
    if (f->ntypes == DN_FILTER_MAX_TYPES)
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: more than %d different types", opt_name(id), DN_FILTER_MAX_TYPES);
    char **p = dn_realloc(f->types, (f->ntypes + 1) * sizeof *p);
    if (!p) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    f->types = p;
    if (!(p[f->ntypes] = dn_strdup(item))) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    f->ntypes++;
    return DN_OK;
}

static dn_status set_actor(dn_ctx *ctx, struct dn_filter *f, const char *value)
{
    if (!*value) return dni_fail(ctx, DN_ERR_USAGE, "--actor needs a non-empty value");
    /* LIKE pattern: the text literally, so % _ and \ are escaped */
    struct dn_strbuf b = {0};
    dn_strbuf_putc(&b, '%');
    for (const char *p = value; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') dn_strbuf_putc(&b, '\\');
        dn_strbuf_putc(&b, *p);
    }
    dn_strbuf_putc(&b, '%');
    if (b.failed) {
        dn_strbuf_free(&b);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    dn_free(f->actor_like);
    f->actor_like = b.data;
    return DN_OK;
}

static dn_status set_near(dn_ctx *ctx, struct dn_filter *f, const char *value)
{
    double ll[2];
    dn_free(f->near_place);
    f->near_place = NULL;
    f->near_given = true;
    f->has_near = false;
    if (parse_numbers(value, ll, 2)) {
        dn_status s = check_lat_lon(ctx, "near", ll[0], ll[1]);
        if (s != DN_OK) return s;
        f->near_lat = ll[0];
        f->near_lon = ll[1];
        f->has_near = true;
        return DN_OK;
    }
    const char *p = value;
    while (isspace((unsigned char)*p)) p++;
    if (!*p) return dni_fail(ctx, DN_ERR_USAGE, "--near needs a place name or LAT,LON");
    /* digits, signs and commas only: meant as coordinates, but malformed */
    if (strspn(p, "0123456789+-., eE") == strlen(p))
        return dni_fail(ctx, DN_ERR_USAGE, "--near: '%s' is neither LAT,LON nor a place name", value);
    if (!(f->near_place = dn_strdup(value))) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

static dn_status set_bbox(dn_ctx *ctx, struct dn_filter *f, const char *value)
{
    double b[4];
    if (!parse_numbers(value, b, 4))
        return dni_fail(ctx, DN_ERR_USAGE, "--bbox: '%s' is not W,S,E,N (four numbers, degrees)", value);
    dn_status s;
    if ((s = check_lat_lon(ctx, "bbox", b[1], b[0])) != DN_OK || (s = check_lat_lon(ctx, "bbox", b[3], b[2])) != DN_OK)
        return s;
    if (b[0] >= b[2])
        return dni_fail(ctx, DN_ERR_USAGE, "--bbox: west %g is not less than east %g (expected W,S,E,N)", b[0], b[2]);
    if (b[1] >= b[3])
        return dni_fail(ctx, DN_ERR_USAGE, "--bbox: south %g is not less than north %g (expected W,S,E,N)", b[1],
                        b[3]);
    memcpy(f->bbox, b, sizeof b);
    f->has_bbox = true;
    return DN_OK;
}

static dn_status set_km(dn_ctx *ctx, int id, const char *value, bool allow_zero, double *out)
{
    double v;
    if (!dn_parse_number(value, "km", &v))
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: '%s' is not a number of km", opt_name(id), value);
    if (v < 0 || (!allow_zero && v == 0))
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: %g km must be %s", opt_name(id), v,
                        allow_zero ? "zero or more" : "more than zero");
    if (v > 20040) /* half the equator: no two points are farther apart */
        return dni_fail(ctx, DN_ERR_USAGE, "--%s: %g km is more than half the Earth's circumference", opt_name(id),
                        v);
    *out = v;
    return DN_OK;
}

dn_status dn_filter_set(dn_ctx *ctx, struct dn_filter *f, int id, const char *value)
{
    if (NEVER(!f)) return dni_fail(ctx, DN_ERR_INTERNAL, "no filter");
    if (id != DN_FILTER_SIDE_CERTAIN && !value)
        return dni_fail(ctx, DN_ERR_USAGE, "--%s needs a value", opt_name(id));
    f->resolved = false;
    switch (id) {
    case DN_FILTER_NEAR: return set_near(ctx, f, value);
    case DN_FILTER_RADIUS:
        f->radius_given = true;
        return set_km(ctx, id, value, false, &f->radius_km);
    case DN_FILTER_BORDER_KM: f->has_border_max = true; return set_km(ctx, id, value, true, &f->border_max);
    case DN_FILTER_BORDER_KM_MIN: f->has_border_min = true; return set_km(ctx, id, value, true, &f->border_min);
    case DN_FILTER_SIDE: return each_item(ctx, f, id, value, side_item);
    case DN_FILTER_IN: {
        const char *p = value;
        while (isspace((unsigned char)*p)) p++;
        if (!*p) return dni_fail(ctx, DN_ERR_USAGE, "--in needs a country, province or district name");
        char *copy = dn_strdup(value);
        if (!copy) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        dn_free(f->in_text);
        f->in_text = copy;
        free_regions(f);
        return DN_OK;
    }
    case DN_FILTER_BBOX: return set_bbox(ctx, f, value);
    case DN_FILTER_FROM: return parse_date(ctx, "from", value, true, f->from);
    case DN_FILTER_TO: return parse_date(ctx, "to", value, false, f->to);
    case DN_FILTER_TYPE: return each_item(ctx, f, id, value, type_item);
    case DN_FILTER_ACTOR: return set_actor(ctx, f, value);
    case DN_FILTER_MIN_FATALITIES: {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (end == value || *end || errno == ERANGE || v < 0)
            return dni_fail(ctx, DN_ERR_USAGE, "--min-fatalities: '%s' is not a whole number of 0 or more", value);
        f->has_min_fatalities = true;
        f->min_fatalities = v;
        return DN_OK;
    }
    case DN_FILTER_PRECISION: return each_item(ctx, f, id, value, precision_item);
    case DN_FILTER_SIDE_CERTAIN:
        if (value) return dni_fail(ctx, DN_ERR_USAGE, "--side-certain takes no value");
        f->side_certain = true;
        return DN_OK;
    default: return dni_fail(ctx, DN_ERR_INTERNAL, "option id %d is not a filter", id);
    }
}

dn_status dn_filter_check(dn_ctx *ctx, const struct dn_filter *f)
{
    if (!f) return DN_OK;
    if (f->radius_given && !f->near_given)
        return dni_fail(ctx, DN_ERR_USAGE, "--radius needs --near PLACE|LAT,LON (the centre of the circle)");
    if (f->has_border_min && f->has_border_max && f->border_min > f->border_max)
        return dni_fail(ctx, DN_ERR_USAGE, "--border-km-min %g is more than --border-km %g", f->border_min,
                        f->border_max);
    if (f->from[0] && f->to[0] && strcmp(f->from, f->to) > 0)
        return dni_fail(ctx, DN_ERR_USAGE, "--from %s is after --to %s", f->from, f->to);
    return DN_OK;
}

dn_status dn_filter_resolve(dn_ctx *ctx, struct dn_filter *f)
{
    if (!f) return DN_OK;
    dn_status s = dn_filter_check(ctx, f);
    if (s != DN_OK) return s;
    if (f->near_place) {
        if ((s = dni_filter_resolve_place(ctx, f->near_place, !f->geocoder_only, &f->near_lat, &f->near_lon)) != DN_OK) return s;
        f->has_near = true;
    }
    if (f->has_near) {
        if (!f->radius_given) f->radius_km = DN_FILTER_DEFAULT_RADIUS_KM;
        dni_filter_near_box(f);
    }
    if (f->in_text && !f->regions) {
        if ((s = dni_filter_resolve_region(ctx, f->in_text, !f->geocoder_only, &f->regions, &f->nregions)) != DN_OK) return s;
    }
    f->resolved = true;
    return DN_OK;
}

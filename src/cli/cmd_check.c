/** @file cmd_check.c
 * `durand check`: the Durand Line check of a point (LAT LON), of a named
 * place (--place NAME), or of every line of standard input (-), streamed.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "border/admin.h"
#include "border/border.h"
#include "cli/cli.h"
#include "gazetteer/gazetteer.h"

static const char help[] =
    "Usage: durand check LAT LON [options]\n"
    "       durand check --place NAME [options]\n"
    "       durand check - [options]        (lines 'lat,lon' or 'lat,lon,radius_km' on stdin)\n"
    "\n"
    "Check points against the Durand Line: the side they lie on (AFG, PAK,\n"
    "another neighbour's ISO3, or none), the geodesic distance on WGS 84 to the\n"
    "nearest point of the line and that point, the distance band, the nearest\n"
    "border crossing (settlement proxies) and its distance, and whether the\n"
    "point's uncertainty circle reaches the line (side_certain false).\n"
    "Coordinates are decimal degrees, latitude first.\n"
    "\n"
    "Options:\n"
    "  --place NAME     check a place, found by the geocoder (its radius is the place's precision)\n"
    "  --radius KM      uncertainty radius of LAT LON or --place (default 0, or the place's;\n"
    "                   '2', '2km' or '2 km')\n"
    "  --bands LIST     band edges in km (default 10,25,50,100: bands 0-10 ... >100)\n"
    "  --admin          add country, province, province_code, district, district_method\n"
    "  --format FMT     table (default), csv, json or jsonl; csv and jsonl stream line by line\n"
    "\n"
    "Output fields: lat, lon, side, side_certain, border_km, nearest_lat,\n"
    "nearest_lon, band, crossing, crossing_km (--place adds 'place' first).\n"
    "\n"
    "With '-', a bad line (not two or three numbers, NaN or infinity, latitude\n"
    "beyond ±90, longitude beyond ±180, a negative radius, or coordinates that\n"
    "look swapped) is reported on stderr with its line number and skipped; the\n"
    "stream goes on, and the exit code is 3 when any line failed. Blank lines\n"
    "and lines starting with '#' are ignored.\n";

enum { OPT_PLACE = 1, OPT_RADIUS, OPT_BANDS, OPT_ADMIN, OPT_FORMAT };

static const char *const base_columns[] = {"lat",  "lon",         "side", "side_certain", "border_km", "nearest_lat",
                                           "nearest_lon", "band", "crossing", "crossing_km"};
static const char *const admin_columns[] = {"country", "province", "province_code", "district", "district_method"};

struct check_run {
    struct dn_cli *cli;
    struct dn_emit *emit;
    bool admin;
    bool with_place;
    const char *columns[20];
    size_t ncols;
};

static void set_columns(struct check_run *run)
{
    run->ncols = 0;
    if (run->with_place) run->columns[run->ncols++] = "place";
    for (size_t i = 0; i < DN_ARRAY_LEN(base_columns); i++) run->columns[run->ncols++] = base_columns[i];
    if (run->admin)
        for (size_t i = 0; i < DN_ARRAY_LEN(admin_columns); i++) run->columns[run->ncols++] = admin_columns[i];
}

/* Check one point and emit its row. */
static dn_status check_point(struct check_run *run, double lat, double lon, double radius_km, const char *place)
{
    dn_ctx *ctx = run->cli->ctx;
    dn_status s = dn_border_validate(ctx, lat, lon);
    struct dn_border_result r;
    if (s == DN_OK) s = dn_border_check(ctx, lon, lat, radius_km, &r);
    struct dn_admin_result a;
    if (s == DN_OK && run->admin) s = dn_admin_locate(ctx, lon, lat, &a);
    if (s != DN_OK) return s;
    struct dn_emit *e = run->emit;
    if (run->with_place) dn_emit_str(e, place);
    dn_emit_real(e, lat, 6);
    dn_emit_real(e, lon, 6);
    dn_emit_str(e, r.side[0] ? r.side : "none");
    dn_emit_bool(e, r.side_certain);
    dn_emit_real(e, r.border_km, 3);
    dn_emit_real(e, r.nearest_lat, 6);
    dn_emit_real(e, r.nearest_lon, 6);
    dn_emit_str(e, r.band);
    dn_emit_str(e, r.crossing);
    dn_emit_real(e, r.crossing_km, 3);
    if (run->admin) {
        dn_emit_str(e, a.country[0] ? a.country : NULL);
        dn_emit_str(e, a.province);
        dn_emit_str(e, a.province_code);
        dn_emit_str(e, a.district);
        dn_emit_str(e, dn_admin_method_name(a.district_method));
    }
    return dn_emit_row_end(e);
}

/* ---- a number from text -------------------------------------------------- */

/* Parses a whole field (surrounding blanks allowed) as a double; NaN and
 * infinities parse, so that the range check can name them. */
static bool parse_number(const char *text, size_t len, double *out)
{
    char buf[64];
    while (len && (*text == ' ' || *text == '\t')) text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    if (!len || len >= sizeof buf) return false;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    *out = dn_strtod_decimal(buf, &end);
    return end != buf && *end == '\0' && errno != ERANGE;
}

/* ---- place lookup --------------------------------------------------------- */

/* "Name (District, ISO3)" for messages. */
static void describe(struct dn_strbuf *b, const struct dn_place *p)
{
    dn_strbuf_puts(b, p->name ? p->name : "?");
    if (p->district && p->country) dn_strbuf_printf(b, " (%s, %s)", p->district, p->country);
    else if (p->district || p->country) dn_strbuf_printf(b, " (%s)", p->district ? p->district : p->country);
}

/* The geocoder's best place for the name, with its uncertainty radius. An
 * ambiguous name is checked at the best guess, with a warning naming the
 * others; an unknown one is an error suggesting the nearest spellings. */
static dn_status find_place(dn_ctx *ctx, const char *name, char **label, double *lat, double *lon, double *radius)
{
    struct dn_geocode_result res;
    dn_status s = dn_geocode(ctx, name, strlen(name), NULL, &res);
    if (s != DN_OK) return s;
    struct dn_strbuf others = {0}, best = {0};
    for (size_t i = 0; i < res.nalternatives && i < 3; i++) {
        if (i) dn_strbuf_puts(&others, ", ");
        describe(&others, &res.alternatives[i].place);
    }
    if (res.status == DN_GEOCODE_UNRESOLVED) {
        s = others.len ? dni_fail(ctx, DN_ERR_NOT_FOUND, "no place named '%s' in the gazetteer (did you mean %s?)", name,
                                  others.data)
                       : dni_fail(ctx, DN_ERR_NOT_FOUND, "no place named '%s' in the gazetteer", name);
    } else {
        *label = dn_strdup(res.place.name);
        *lat = res.place.lat;
        *lon = res.place.lon;
        *radius = isfinite(res.place.radius_km) && res.place.radius_km > 0 ? res.place.radius_km : 0;
        if (!*label) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        else if (res.status == DN_GEOCODE_AMBIGUOUS && others.len) {
            describe(&best, &res.place);
            if (!best.failed) dni_warn(ctx, "'%s' is ambiguous: checking %s; others: %s", name, best.data, others.data);
        }
    }
    dn_strbuf_free(&others);
    dn_strbuf_free(&best);
    dn_geocode_result_clear(&res);
    return s;
}

/* ---- standard input ------------------------------------------------------- */

struct reader {
    char buf[1 << 16];
    size_t start, end;
    bool eof, error;
};

/* The next line (without its newline) into `line`; false at the end.
 * Before a read that may block, the rows so far are flushed, so that
 * output follows input line by line when it arrives slowly. */
static bool next_line(struct reader *rd, struct check_run *run, struct dn_strbuf *line)
{
    dn_strbuf_reset(line);
    dn_strbuf_puts(line, "");
    for (;;) {
        char *nl = memchr(rd->buf + rd->start, '\n', rd->end - rd->start);
        size_t n = nl ? (size_t)(nl - (rd->buf + rd->start)) : rd->end - rd->start;
        dn_strbuf_append(line, rd->buf + rd->start, n);
        rd->start += n;
        if (nl) {
            rd->start++;
            return true;
        }
        if (rd->eof) return line->len > 0;
        dn_emit_flush(run->emit);
        ssize_t got;
        do got = read(STDIN_FILENO, rd->buf, sizeof rd->buf);
        while (got < 0 && errno == EINTR);
        rd->start = 0;
        rd->end = got > 0 ? (size_t)got : 0;
        if (got <= 0) {
            rd->eof = true;
            rd->error = got < 0;
        }
    }
}

static void line_error(struct check_run *run, long lineno, const char *fmt, const char *detail)
{
    struct dn_strbuf b = {0};
    dn_strbuf_printf(&b, "%s: error: line %ld: ", run->cli->prog, lineno);
    dn_strbuf_printf(&b, fmt, detail);
    dn_strbuf_puts(&b, "\n");
    if (!b.failed) dni_out(run->cli->ctx, DN_OUT_ERROR, b.data, b.len);
    dn_strbuf_free(&b);
}

/* One stdin line: DN_OK (checked or skipped), DN_ERR_INPUT (reported), or
 * a failure that stops the run. */
static dn_status check_line(struct check_run *run, long lineno, char *text, size_t len)
{
    while (len && (text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    text[len] = '\0';
    text += strspn(text, " \t");
    if (!*text || *text == '#') return DN_OK;
    /* up to three comma-separated fields */
    const char *field[4];
    size_t flen[4], n = 0;
    for (const char *p = text; p && n < 4; n++) {
        const char *comma = strchr(p, ',');
        field[n] = p;
        flen[n] = comma ? (size_t)(comma - p) : strlen(p);
        p = comma ? comma + 1 : NULL;
    }
    if (n < 2 || n > 3) {
        char shown[80];
        snprintf(shown, sizeof shown, "%.60s%s", text, strlen(text) > 60 ? "..." : "");
        line_error(run, lineno, "expected 'lat,lon' or 'lat,lon,radius_km', got '%s'", shown);
        return DN_ERR_INPUT;
    }
    double v[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (parse_number(field[i], flen[i], &v[i])) continue;
        char shown[64];
        snprintf(shown, sizeof shown, "%.*s", (int)(flen[i] < 40 ? flen[i] : 40), field[i]);
        line_error(run, lineno, "'%s' is not a number (expected 'lat,lon' or 'lat,lon,radius_km')", shown);
        return DN_ERR_INPUT;
    }
    /* the library reads a NaN radius as 0 (exact): an unknown radius
     * written on a line must not come out as a certain side */
    if (n == 3 && !isfinite(v[2])) {
        char shown[48];
        snprintf(shown, sizeof shown, "%.*s", (int)(flen[2] < 40 ? flen[2] : 40), field[2]);
        line_error(run, lineno, "radius_km '%s' is not a finite number", shown);
        return DN_ERR_INPUT;
    }
    dn_status s = check_point(run, v[0], v[1], v[2], NULL);
    if (s == DN_ERR_RANGE || s == DN_ERR_INPUT) {
        line_error(run, lineno, "%s", dn_ctx_errmsg(run->cli->ctx));
        return DN_ERR_INPUT;
    }
    return s;
}

static int check_stdin(struct check_run *run)
{
    struct reader *rd = dn_calloc(1, sizeof *rd);
    if (!rd) return dn_cli_fail(run->cli, dni_fail(run->cli->ctx, DN_ERR_NOMEM, "out of memory"));
    struct dn_strbuf line = {0};
    long lineno = 0, failed = 0;
    dn_status s = DN_OK;
    while (s == DN_OK && next_line(rd, run, &line)) {
        lineno++;
        if (line.failed) {
            s = dni_fail(run->cli->ctx, DN_ERR_NOMEM, "out of memory");
            break;
        }
        dn_status ls = check_line(run, lineno, line.data, line.len);
        if (ls == DN_ERR_INPUT) failed++;
        else s = ls;
    }
    bool read_error = rd->error;
    dn_strbuf_free(&line);
    dn_free(rd);
    if (s == DN_OK && read_error) s = dni_fail(run->cli->ctx, DN_ERR_IO, "reading standard input: %s", strerror(errno));
    if (s == DN_OK) s = dn_emit_finish(run->emit);
    if (s != DN_OK) return dn_cli_fail(run->cli, s);
    if (failed) {
        struct dn_strbuf b = {0};
        dn_strbuf_printf(&b, "%s: error: %ld of %ld input lines could not be checked\n", run->cli->prog, failed, lineno);
        if (!b.failed) dni_out(run->cli->ctx, DN_OUT_ERROR, b.data, b.len);
        dn_strbuf_free(&b);
        return DN_EXIT_INPUT;
    }
    return DN_EXIT_OK;
}

int dn_cmd_check(struct dn_cli *cli, int argc, char **argv)
{
    static const struct dn_cli_opt spec[] = {{"place", true, OPT_PLACE}, {"radius", true, OPT_RADIUS},
                                             {"bands", true, OPT_BANDS}, {"admin", false, OPT_ADMIN},
                                             {"format", true, OPT_FORMAT}, {NULL, false, 0}};
    struct dn_cli_optparse p = {.argc = argc, .argv = argv};
    struct check_run run = {.cli = cli};
    enum dn_format fmt = DN_FORMAT_TABLE;
    const char *place = NULL, *bands = NULL, *pos[3] = {NULL, NULL, NULL};
    size_t npos = 0;
    double radius = NAN;
    const char *value;
    int id;
    while ((id = dn_cli_next_opt(cli, &p, spec, &value)) != DN_OPT_END) {
        switch (id) {
        case DN_OPT_HELP: return dn_cli_help(cli, help);
        case DN_OPT_ERROR: return DN_EXIT_USAGE;
        case OPT_PLACE: place = value; break;
        case OPT_RADIUS:
            if (!dn_cli_parse_km(cli, "--radius", value, &radius)) return DN_EXIT_USAGE;
            if (radius < 0) return dn_cli_usage_error(cli, "--radius: %g km is below 0", radius);
            break;
        case OPT_BANDS: bands = value; break;
        case OPT_ADMIN: run.admin = true; break;
        case OPT_FORMAT: {
            unsigned allowed = DN_FORMAT_BIT(DN_FORMAT_TABLE) | DN_FORMAT_BIT(DN_FORMAT_CSV) |
                               DN_FORMAT_BIT(DN_FORMAT_JSON) | DN_FORMAT_BIT(DN_FORMAT_JSONL);
            if (dn_format_parse(cli->ctx, value, allowed, &fmt) != DN_OK) return dn_cli_fail(cli, DN_ERR_USAGE);
            break;
        }
        default:
            if (npos == DN_ARRAY_LEN(pos)) return dn_cli_usage_error(cli, "unexpected argument '%s'", value);
            pos[npos++] = value;
        }
    }
    bool from_stdin = npos == 1 && strcmp(pos[0], "-") == 0;
    if (place && npos) return dn_cli_usage_error(cli, "give either LAT LON, --place NAME or -, not several");
    if (!place && !from_stdin && npos != 2) return dn_cli_usage_error(cli, "give LAT LON, --place NAME, or - for stdin");
    if (from_stdin && !isnan(radius)) return dn_cli_usage_error(cli, "--radius: with '-', give the radius on each line");
    double lat = NAN, lon = NAN;
    if (npos == 2) {
        if (!parse_number(pos[0], strlen(pos[0]), &lat))
            return dn_cli_usage_error(cli, "LAT: '%s' is not a number", pos[0]);
        if (!parse_number(pos[1], strlen(pos[1]), &lon))
            return dn_cli_usage_error(cli, "LON: '%s' is not a number", pos[1]);
    }
    if (bands && dn_border_parse_bands(cli->ctx, bands) != DN_OK) return dn_cli_fail(cli, DN_ERR_USAGE);

    dn_status s = dn_cli_open_store_geodata(cli);
    if (s != DN_OK) return dn_cli_fail(cli, s);
    char *label = NULL;
    double place_radius = 0;
    if (place && (s = find_place(cli->ctx, place, &label, &lat, &lon, &place_radius)) != DN_OK)
        return dn_cli_fail(cli, s);
    run.with_place = place != NULL;
    set_columns(&run);
    if ((s = dn_emit_new(cli->ctx, fmt, run.columns, run.ncols, 0, &run.emit)) != DN_OK) {
        dn_free(label);
        return dn_cli_fail(cli, s);
    }
    int code;
    if (from_stdin) {
        code = check_stdin(&run);
    } else {
        s = check_point(&run, lat, lon, !isnan(radius) ? radius : place_radius, label);
        if (s == DN_OK) s = dn_emit_finish(run.emit);
        code = s == DN_OK ? DN_EXIT_OK : dn_cli_fail(cli, s);
    }
    dn_emit_free(run.emit);
    dn_free(label);
    return code;
}

/** @file row_event.c
 * One row's text values → the "as reported" part of a dn_event: ids and
 * hashes, date and its precision, place and admin hints, coordinates and
 * their precision, casualty counts, notes and quality flags. The format's
 * precision codes are mapped here (choices documented in ingest.h).
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "core/hash.h"
#include "ingest/reader_impl.h"

#define EXCERPT_MAX 300

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void dni_quote_value(char *dst, size_t cap, const char *v)
{
    size_t o = 0, i = 0, max = cap > 48 ? 40 : cap - 8;
    dst[o++] = '\'';
    for (; v[i] && o < max; i++) {
        unsigned char c = (unsigned char)v[i];
        dst[o++] = c < 0x20 || c == 0x7F ? '?' : (char)c;
    }
    if (v[i]) { /* truncated: cut on a UTF-8 boundary */
        size_t keep = o;
        while (keep > 1 && ((unsigned char)dst[keep - 1] & 0xC0) == 0x80) keep--;
        if (keep > 1 && (unsigned char)dst[keep - 1] >= 0xC0) {
            unsigned char lead = (unsigned char)dst[keep - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            if (o - (keep - 1) < need) o = keep - 1;
        }
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o++] = '\'';
    dst[o] = '\0';
}

dn_status dni_reader_reject(struct dn_reader *r, long line, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->rej_reason, sizeof r->rej_reason, fmt, ap);
    va_end(ap);
    snprintf(r->rej_field, sizeof r->rej_field, "%s", field ? field : "row");
    r->rej = (struct dn_reject){r->path, line, r->rej_field, r->rej_reason};
    r->stats.rejected++;
    return dni_fail(r->ctx, DN_ERR_INPUT, "%s:%ld: %s: %s", r->path, line, r->rej_field, r->rej_reason);
}

/* A trimmed copy of a value, or NULL for a missing one. */
static bool set_text(char **member, const char *v)
{
    if (dn_is_missing(v)) return true;
    while (is_blank(*v)) v++;
    size_t n = strlen(v);
    while (n && is_blank(v[n - 1])) n--;
    char *copy = dn_strndup(v, n);
    if (!copy) return false;
    dn_free(*member);
    *member = copy;
    return true;
}

/* Small integer code ("1", " 2 ", "3.0") or -1. */
static int code_of(const char *v)
{
    int best, low, high;
    unsigned flags;
    if (!v || dn_parse_count(v, &best, &low, &high, &flags) != DN_OK || flags || best < 0 || best > 99) return -1;
    return best;
}

static const char *field_name(const struct dni_row *row, enum dni_field f)
{
    return row->col[f] ? row->col[f] : dn_ingest_field_names()[f < DNF_MAPPABLE ? f : 0];
}

#define OOM(ok)                                                                       \
    do {                                                                              \
        if (!(ok)) return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");            \
    } while (0)

static dn_status ids(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev)
{
    char hex[17];
    dn_hash_hex(row->content_hash, hex);
    OOM(dn_event_set(&ev->source_kind, r->desc->kind));
    OOM(dn_event_set(&ev->source, r->path));
    OOM(dn_event_set(&ev->source_ref, row->ref));
    OOM(set_text(&ev->source_id, row->val[DNF_ID]));
    struct dn_strbuf uid = {0};
    dn_strbuf_puts(&uid, r->desc->kind);
    dn_strbuf_putc(&uid, ':');
    if (ev->source_id && (r->format == DN_INGEST_ACLED || r->format == DN_INGEST_UCDP)) {
        dn_strbuf_puts(&uid, ev->source_id);
    } else if (ev->source_id) {
        /* a file's own ids repeat in other files of the same name (monthly
         * exports, each numbered from 1): the directory tells them apart */
        dn_strbuf_puts(&uid, r->scope);
        dn_strbuf_putc(&uid, ':');
        dn_strbuf_puts(&uid, ev->source_id);
    } else {
        /* the content is the key: the same row in a file of the same name
         * anywhere is the same report */
        dn_strbuf_puts(&uid, r->basename);
        dn_strbuf_putc(&uid, ':');
        {
            uint64_t h = dn_hash_bytes(DN_HASH_INIT, r->basename, strlen(r->basename));
            h = dn_hash_bytes(h, "\x1e", 1);
            h = dn_hash_bytes(h, hex, 16);
            dn_hash_hex(h, hex);
            dn_strbuf_puts(&uid, hex);
        }
    }
    if (uid.failed) {
        dn_strbuf_free(&uid);
        return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    }
    ev->uid = uid.data;
    return DN_OK;
}

uint64_t dni_reading_hash(const struct dn_reader *r)
{
    const char *format = dn_ingest_format_name(r->format);
    uint64_t h = dn_hash_bytes(DN_HASH_INIT, format, strlen(format));
    for (int f = 0; f < DNF_COUNT; f++) {
        /* byte by byte, so that a database moved to another machine keeps its hashes */
        unsigned char b[4];
        uint32_t c = (uint32_t)r->col[f];
        for (int i = 0; i < 4; i++) b[i] = (unsigned char)(c >> (8 * i));
        h = dn_hash_bytes(h, b, sizeof b);
    }
    return h;
}

/* The row hash is the store's change check. The row's content alone would
 * call a row read again with a corrected --map or --date-order "already
 * stored" and keep the wrong values, so it also covers the reading: the
 * format and bindings, and the day/month order where that order decided
 * this row's date (only there, so that giving --date-order to a file of ISO
 * dates does not rewrite every event with the same values). */
static dn_status row_hash(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev, bool order_decided)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(r->reading_hash >> (8 * i));
    uint64_t h = dn_hash_bytes(row->content_hash, b, sizeof b);
    if (order_decided) h = dn_hash_bytes(h, r->order == DN_DATE_ORDER_MDY ? "mdy" : "dmy", 3);
    char hex[17];
    dn_hash_hex(h, hex);
    OOM(dn_event_set(&ev->row_hash, hex));
    return DN_OK;
}

/* Whether the day/month order decided a date read as `iso`: it reads as
 * another date the other way round (03/04/2022; not 13/04/2022, 04/04/2022
 * or 2022-04-03). */
/* Whether `v` may be an all-numeric day/month date (it starts with one or
 * two digits): the cheap test that spares the many ISO dates every check
 * of the day/month order. */
static bool may_be_day_month(const char *v)
{
    while (*v == ' ' || *v == '\t') v++;
    size_t digits = 0;
    while (v[digits] >= '0' && v[digits] <= '9') digits++;
    return digits == 1 || digits == 2;
}

static bool order_decides(const char *v, enum dn_date_order order, const char iso[11])
{
    if (!may_be_day_month(v)) return false;
    while (*v == ' ' || *v == '\t') v++;
    char other[11];
    enum dn_date_precision prec;
    enum dn_date_order flipped = order == DN_DATE_ORDER_MDY ? DN_DATE_ORDER_DMY : DN_DATE_ORDER_MDY;
    return dn_parse_date(v, flipped, other, &prec) == DN_OK && memcmp(other, iso, 10) != 0;
}

/* The format's time precision code may only make the date coarser. */
static dn_status date_precision_code(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev,
                                     char iso[11], enum dn_date_precision *prec)
{
    const char *v = row->val[DNF_TIME_PREC];
    if (dn_is_missing(v)) return DN_OK;
    int code = code_of(v);
    enum dn_date_precision want = DN_DATE_UNKNOWN;
    bool week = false;
    if (r->format == DN_INGEST_ACLED) {
        if (code == 1) want = DN_DATE_DAY;
        else if (code == 2) want = DN_DATE_DAY, week = true;
        else if (code == 3) want = DN_DATE_MONTH;
    } else if (r->format == DN_INGEST_UCDP) {
        if (code == 1) want = DN_DATE_DAY;
        else if (code == 2 || code == 3) want = DN_DATE_DAY, week = true;
        else if (code == 4) want = DN_DATE_MONTH;
        else if (code == 5) want = DN_DATE_YEAR;
    }
    if (want == DN_DATE_UNKNOWN) {
        OOM(dn_event_add_flag(ev, "bad_time_precision"));
        return DN_OK;
    }
    if (week) OOM(dn_event_add_flag(ev, "date_approx_week"));
    if (want > *prec) {
        *prec = want;
        if (want >= DN_DATE_MONTH) iso[8] = '0', iso[9] = '1';
        if (want >= DN_DATE_YEAR) iso[5] = '0', iso[6] = '1';
    }
    return DN_OK;
}

/* A date that reads one way only against the file's order (12/31/2023 in
 * a file read day-first) says the file mixes orders, so its dates that
 * read both ways (05/06/2023) may be wrong: flagged, and said once. Input
 * that cannot be read twice (stdin, a pipe) has no order settled before
 * its rows: its first date that reads both ways is said once too. */
static dn_status order_doubts(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev, const char *v,
                              bool order_decided)
{
    int evidence = may_be_day_month(v) ? dn_date_order_evidence(v) : 0;
    bool conflict = (evidence > 0 && r->order == DN_DATE_ORDER_MDY) || (evidence < 0 && r->order == DN_DATE_ORDER_DMY);
    bool unsettled = r->order == DN_DATE_ORDER_AUTO && order_decided;
    if (!conflict && !unsettled) return DN_OK;
    if (conflict) OOM(dn_event_add_flag(ev, "date_order_conflict"));
    if (r->warned_order) return DN_OK;
    r->warned_order = true;
    char q[64];
    dni_quote_value(q, sizeof q, v);
    if (conflict)
        dni_warn(r->ctx,
                 "%s:%ld: %s: %s reads %s only, but the file's dates are read %s: the file mixes orders, and its "
                 "dates that read both ways may be wrong (rows like this one are flagged date_order_conflict)",
                 r->path, row->line, field_name(row, DNF_DATE), q, evidence > 0 ? "day-first" : "month-first",
                 r->order == DN_DATE_ORDER_MDY ? "month-first" : "day-first");
    else
        dni_warn(r->ctx,
                 "%s:%ld: %s: %s reads both ways and this input cannot be read twice to settle the order; "
                 "reading dates day-first (use --date-order mdy if they are month-first)",
                 r->path, row->line, field_name(row, DNF_DATE), q);
    return DN_OK;
}

static dn_status date(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev, bool *order_decided)
{
    *order_decided = false;
    if (!row->col[DNF_DATE]) return DN_OK; /* no date column: date unknown */
    const char *v = row->val[DNF_DATE];
    char iso[11], q[64];
    enum dn_date_precision prec;
    dn_status s = dn_parse_date(v, r->order, iso, &prec);
    const char *col = field_name(row, DNF_DATE);
    if (s == DN_ERR_NOT_FOUND) return dni_reader_reject(r, row->line, col, "no date");
    if (s != DN_OK) {
        dni_quote_value(q, sizeof q, v);
        if (s != DN_ERR_RANGE) return dni_reader_reject(r, row->line, col, "not a date: %s", q);
        /* a real calendar date far in the past or future reads as a typo, not as nonsense */
        return dni_reader_reject(r, row->line, col, "impossible date %s (or a year outside %d..%d)", q,
                                 DN_DATE_YEAR_MIN, DN_DATE_YEAR_MAX);
    }
    *order_decided = order_decides(v, r->order, iso);
    if ((s = order_doubts(r, row, ev, v, *order_decided)) != DN_OK) return s;
    if ((s = date_precision_code(r, row, ev, iso, &prec)) != DN_OK) return s;
    OOM(dn_event_set(&ev->date, iso));
    ev->date_precision = prec;
    return DN_OK;
}

static dn_status coord(struct dn_reader *r, const struct dni_row *row, enum dni_field f, double *out, bool *present)
{
    const char *v = row->val[f];
    dn_status s = dn_parse_coord(v, f == DNF_LAT, out);
    *present = s == DN_OK;
    if (s == DN_OK || s == DN_ERR_NOT_FOUND) return DN_OK;
    char q[64];
    dni_quote_value(q, sizeof q, v);
    const char *col = field_name(row, f);
    if (s == DN_ERR_RANGE)
        return dni_reader_reject(r, row->line, col, "%s %s out of range (%s)", f == DNF_LAT ? "latitude" : "longitude",
                                 q, f == DNF_LAT ? "-90..90" : "-180..180");
    return dni_reader_reject(r, row->line, col, "not a coordinate: %s", q);
}

/* UCDP's codebook puts a where_prec 2 location "within approximately 25
 * km" of its coordinates: a town's few km would claim more than that. */
#define UCDP_NEAR_POINT_KM 25.0

/* The precision the format's code gives the coordinates. A code the format
 * does not define, or none at all, says nothing about them: it gets the
 * format's coarsest level and a flag, never the finest, which the geocoder
 * would give the coordinates and the Durand Line check would call a
 * certain side on. */
static dn_status geo_precision(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev)
{
    if (r->format != DN_INGEST_ACLED && r->format != DN_INGEST_UCDP) {
        ev->precision = ev->has_coords ? DN_PREC_POINT : DN_PREC_UNKNOWN;
        return DN_OK;
    }
    const char *v = row->val[DNF_GEO_PREC];
    bool given = !dn_is_missing(v);
    int code = given ? code_of(v) : -1;
    const char *flag = NULL;
    if (r->format == DN_INGEST_ACLED) {
        switch (code) {
        case 1: ev->precision = DN_PREC_TOWN; break;
        case 2: ev->precision = DN_PREC_DISTRICT; break;
        case 3: ev->precision = DN_PREC_PROVINCE; break;
        default: ev->precision = DN_PREC_PROVINCE, flag = given ? "bad_geo_precision" : "no_geo_precision"; break;
        }
    } else {
        switch (code) {
        case 1: ev->precision = DN_PREC_POINT; break;
        case 2: ev->precision = DN_PREC_TOWN, ev->radius_km = UCDP_NEAR_POINT_KM; break;
        case 3: ev->precision = DN_PREC_DISTRICT; break;
        case 4: ev->precision = DN_PREC_PROVINCE; break;
        case 5: ev->precision = DN_PREC_PROVINCE, flag = "wide_area"; break;
        case 6: ev->precision = DN_PREC_COUNTRY; break;
        case 7: ev->precision = DN_PREC_COUNTRY, flag = "international_area"; break;
        default: ev->precision = DN_PREC_COUNTRY, flag = given ? "bad_geo_precision" : "no_geo_precision"; break;
        }
    }
    if (flag) OOM(dn_event_add_flag(ev, flag));
    return DN_OK;
}

static dn_status location(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev)
{
    double lat = NAN, lon = NAN;
    bool has_lat = false, has_lon = false;
    dn_status s;
    if (row->has_geom) {
        lon = row->gx, lat = row->gy;
        has_lat = has_lon = true;
        if (!isfinite(lat) || !isfinite(lon))
            return dni_reader_reject(r, row->line, "geometry", "coordinates are not finite numbers");
        if (fabs(lat) > 90 || fabs(lon) > 180)
            return dni_reader_reject(r, row->line, "geometry", "point %.6f %.6f is outside -180..180 / -90..90", lon,
                                     lat);
        if (row->geom_centroid) OOM(dn_event_add_flag(ev, "geometry_centroid"));
    } else {
        if ((s = coord(r, row, DNF_LAT, &lat, &has_lat)) != DN_OK) return s;
        if ((s = coord(r, row, DNF_LON, &lon, &has_lon)) != DN_OK) return s;
    }
    if (has_lat && has_lon) {
        if (lat == 0 && lon == 0) {
            OOM(dn_event_add_flag(ev, "zero_coords"));
        } else {
            ev->has_coords = true;
            ev->lat = lat;
            ev->lon = lon;
        }
    } else if (has_lat || has_lon) {
        OOM(dn_event_add_flag(ev, "partial_coords"));
    }

    if ((s = geo_precision(r, row, ev)) != DN_OK) return s;
    OOM(set_text(&ev->place, row->val[DNF_PLACE]) && set_text(&ev->country_hint, row->val[DNF_COUNTRY]) &&
        set_text(&ev->province_hint, row->val[DNF_PROVINCE]) && set_text(&ev->district_hint, row->val[DNF_DISTRICT]));
    return DN_OK;
}

static dn_status count(struct dn_reader *r, const struct dni_row *row, enum dni_field f, int *best, int *low,
                       int *high, unsigned *flags)
{
    const char *v = row->val[f];
    dn_status s = dn_parse_count(v, best, low, high, flags);
    if (s == DN_OK) return DN_OK;
    char q[64];
    dni_quote_value(q, sizeof q, v);
    return dni_reader_reject(r, row->line, field_name(row, f),
                             s == DN_ERR_RANGE ? "count %s out of range (0..%d)" : "not a count: %s", q, DN_COUNT_MAX);
}

static dn_status casualties(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev)
{
    int best, low, high;
    unsigned flags = 0;
    dn_status s;
    if (row->val[DNF_KILLED]) {
        if ((s = count(r, row, DNF_KILLED, &best, &low, &high, &flags)) != DN_OK) return s;
        ev->fatalities = best, ev->fatalities_low = low, ev->fatalities_high = high;
        static const struct {
            unsigned bit;
            const char *flag;
        } names[] = {{DN_COUNT_F_ROUNDED, "fatalities_rounded"},
                     {DN_COUNT_F_RANGE, "fatalities_range"},
                     {DN_COUNT_F_AT_LEAST, "fatalities_at_least"},
                     {DN_COUNT_F_APPROX, "fatalities_approx"}};
        for (size_t i = 0; i < DN_ARRAY_LEN(names); i++)
            if (flags & names[i].bit) OOM(dn_event_add_flag(ev, names[i].flag));
    }
    /* UCDP's own low/high estimates replace the ones derived from best */
    enum dni_field bounds[2] = {DNF_KILLED_LOW, DNF_KILLED_HIGH};
    for (int i = 0; i < 2; i++) {
        if (!row->val[bounds[i]]) continue;
        if ((s = count(r, row, bounds[i], &best, &low, &high, &flags)) != DN_OK) return s;
        if (best == DN_COUNT_UNKNOWN) continue;
        if (i == 0) ev->fatalities_low = best;
        else ev->fatalities_high = best;
    }
    if (ev->fatalities != DN_COUNT_UNKNOWN &&
        ((ev->fatalities_low != DN_COUNT_UNKNOWN && ev->fatalities_low > ev->fatalities) ||
         (ev->fatalities_high != DN_COUNT_UNKNOWN && ev->fatalities_high < ev->fatalities)))
        OOM(dn_event_add_flag(ev, "fatalities_inconsistent"));
    if (row->val[DNF_INJURED]) {
        if ((s = count(r, row, DNF_INJURED, &best, &low, &high, &flags)) != DN_OK) return s;
        ev->injured = best;
    }
    return DN_OK;
}

static const char *ucdp_violence(const char *v)
{
    int code = code_of(v);
    return code == 1 ? "state-based conflict" : code == 2 ? "non-state conflict" : code == 3 ? "one-sided violence" : v;
}

static dn_status texts(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev)
{
    const char *type = row->val[DNF_TYPE];
    if (r->format == DN_INGEST_UCDP && type) type = ucdp_violence(type);
    OOM(set_text(&ev->type, type) && set_text(&ev->sub_type, row->val[DNF_SUB_TYPE]) &&
        set_text(&ev->actor1, row->val[DNF_ACTOR1]) && set_text(&ev->actor2, row->val[DNF_ACTOR2]) &&
        set_text(&ev->notes, row->val[DNF_NOTES]));
    /* Notes that fit are their own excerpt: it stays NULL, and every
     * reader shows the notes there (DN_EVENT_SELECT_COLUMNS). A copy was a
     * sixth of a stored row, written twice through the WAL. */
    if (ev->notes && strlen(ev->notes) > EXCERPT_MAX) {
        size_t n = dn_utf8_floor(ev->notes, EXCERPT_MAX); /* keep whole characters */
        struct dn_strbuf b = {0};
        dn_strbuf_append(&b, ev->notes, n);
        dn_strbuf_puts(&b, "\xE2\x80\xA6"); /* … */
        if (b.failed) {
            dn_strbuf_free(&b);
            return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
        }
        ev->excerpt = b.data;
    }
    if (!dn_is_missing(row->val[DNF_CIVILIAN])) OOM(dn_event_add_flag(ev, "civilian_targeting"));
    return DN_OK;
}

dn_status dni_row_to_event(struct dn_reader *r, const struct dni_row *row, struct dn_event *ev)
{
    dn_status s;
    bool order_decided;
    if ((s = ids(r, row, ev)) != DN_OK || (s = date(r, row, ev, &order_decided)) != DN_OK ||
        (s = row_hash(r, row, ev, order_decided)) != DN_OK || (s = location(r, row, ev)) != DN_OK ||
        (s = casualties(r, row, ev)) != DN_OK || (s = texts(r, row, ev)) != DN_OK) {
        dn_event_clear(ev);
        return s;
    }
    return DN_OK;
}

/** @file filter_sql.c
 * A filter as SQL: the WHERE text with named parameters, their binding, and
 * the iteration over matching events. Spatial filters go through the
 * events' R*Tree (idx_events_geom, maintained by SpatiaLite) for a bounding
 * box, then an exact test: geodesic distance with PROJ's geod_inverse for
 * --near, the point's coordinates for --bbox.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <geodesic.h>

#include "core/event.h"
#include "core/geo.h"
#include "query/filter_internal.h"

const char *const dn_event_col_names[DN_EVCOL_COUNT] = {
    "id",       "uid",       "date",       "date_precision", "type",       "sub_type", "actor1",
    "actor2",   "place",     "country",    "province",       "district",   "lat",      "lon",
    "precision", "radius_km", "fatalities", "injured",        "side",       "side_certain", "border_km",
    "band",     "crossing",  "crossing_km", "source",        "excerpt",    "cluster_id"};

/* ---- dn_geod_km(lat1, lon1, lat2, lon2): geodesic km on WGS 84 ------------ */

static void geod_km_fn(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
    double v[4];
    for (int i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sqlite3_result_null(sc);
            return;
        }
        v[i] = sqlite3_value_double(argv[i]);
    }
    if (fabs(v[0]) > 90 || fabs(v[2]) > 90) {
        sqlite3_result_null(sc);
        return;
    }
    sqlite3_result_double(sc, dn_geodesic_km(v[1], v[0], v[3], v[2]));
}

/* Register dn_geod_km once per connection: probing with a prepare is cheaper
 * than re-registering, which would expire every cached statement. */
static dn_status register_geod_fn(dn_ctx *ctx)
{
    sqlite3 *db = dni_db(ctx);
    if (!db) return dni_fail(ctx, DN_ERR_INTERNAL, "no database open");
    sqlite3_stmt *probe = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT dn_geod_km(0, 0, 0, 0)", -1, &probe, NULL);
    sqlite3_finalize(probe);
    if (rc == SQLITE_OK) return DN_OK;
    if (sqlite3_create_function_v2(db, "dn_geod_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, geod_km_fn, NULL,
                                   NULL, NULL) != SQLITE_OK)
        return dni_fail_sqlite(ctx, "registering dn_geod_km");
    return DN_OK;
}

/* ---- the bounding box of the --near circle --------------------------------- */

/* Axis-aligned boxes inside the circle: events in one match without a
 * geodesic computation. The first, a square (corners on the diagonals),
 * covers 64 % of the circle and saved a quarter of a radius query's time
 * (bench); a wide and a tall box (corners at 30 degrees from the parallel
 * and from the meridian) bring the union to about 84 %, so that only events
 * in the thin crescents near the edge and the R*Tree entries in the corners
 * of the bounding box need geod_inverse. Each box's corners come from
 * geod_direct at 98% of the radius at azimuths ±azi and 180 ± azi; they are
 * then checked with geod_inverse, and checking the corners checks the
 * whole box: along a parallel the distance from the centre grows with the
 * longitude difference, along a meridian it has a single minimum, so its
 * maximum over the box is at a corner. That holds for circles far smaller
 * than the Earth and clear of the poles and the antimeridian; others get no
 * inner box. */
static bool inner_box(const struct dn_filter *f, const struct geod_geodesic *g, double azi, double box[4])
{
    double r_m = f->radius_km * 1000.0;
    if (f->radius_km > 1000 || f->near_box[0] <= -180 || f->near_box[2] >= 180 || f->near_box[1] <= -89 ||
        f->near_box[3] >= 89)
        return false;
    double lat[4], lon[4];
    const double azis[4] = {azi, 180 - azi, 180 + azi, 360 - azi}; /* NE, SE, SW, NW */
    for (int k = 0; k < 4; k++)
        geod_gendirect(g, f->near_lat, f->near_lon, azis[k], GEOD_LONG_UNROLL, r_m * 0.98, &lat[k], &lon[k], NULL,
                       NULL, NULL, NULL, NULL, NULL);
    double e = fmin(lon[0], lon[1]), w = fmax(lon[2], lon[3]), n = fmin(lat[0], lat[3]), s = fmax(lat[1], lat[2]);
    if (!(w < f->near_lon && f->near_lon < e && s < f->near_lat && f->near_lat < n)) return false;
    const double corners[4][2] = {{w, s}, {w, n}, {e, s}, {e, n}};
    for (int k = 0; k < 4; k++) {
        double d = INFINITY;
        geod_inverse(g, f->near_lat, f->near_lon, corners[k][1], corners[k][0], &d, NULL, NULL);
        if (!(d <= r_m)) return false;
    }
    box[0] = w;
    box[1] = s;
    box[2] = e;
    box[3] = n;
    return true;
}

static void inner_boxes(struct dn_filter *f, const struct geod_geodesic *g)
{
    static const double azis[DNI_INNER_BOXES] = {45, 60, 30}; /* square, wide, tall */
    f->ninner = 0;
    for (int i = 0; i < DNI_INNER_BOXES; i++)
        if (inner_box(f, g, azis[i], f->inner_box[f->ninner])) f->ninner++;
}

void dni_filter_near_box(struct dn_filter *f)
{
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    double r_m = f->radius_km * 1000.0;
    /* Points on a slightly larger circle every 5 degrees of azimuth: their box
     * holds the true circle (the chord sag between samples, r(1 - cos 2.5°),
     * is far below the 1% margin). Longitudes are unrolled so that crossing
     * the antimeridian shows as |lon| > 180. */
    double reach = r_m * 1.01 + 10.0;
    double w = f->near_lon, e = f->near_lon, s = f->near_lat, n = f->near_lat;
    for (int azi = 0; azi < 360; azi += 5) {
        double lat2, lon2;
        geod_gendirect(&g, f->near_lat, f->near_lon, azi, GEOD_LONG_UNROLL, reach, &lat2, &lon2, NULL, NULL, NULL,
                       NULL, NULL, NULL);
        if (lat2 < s) s = lat2;
        if (lat2 > n) n = lat2;
        if (lon2 < w) w = lon2;
        if (lon2 > e) e = lon2;
    }
    /* a circle around a pole covers every longitude north/south of its edge */
    double to_pole;
    geod_inverse(&g, f->near_lat, f->near_lon, 90, 0, &to_pole, NULL, NULL);
    if (to_pole <= reach) n = 90, w = -180, e = 180;
    geod_inverse(&g, f->near_lat, f->near_lon, -90, 0, &to_pole, NULL, NULL);
    if (to_pole <= reach) s = -90, w = -180, e = 180;
    if (w < -180 || e > 180) w = -180, e = 180;
    f->near_box[0] = w;
    f->near_box[1] = s < -90 ? -90 : s;
    f->near_box[2] = e;
    f->near_box[3] = n > 90 ? 90 : n;
    inner_boxes(f, &g);
}

/* ---- WHERE text ------------------------------------------------------------- */

static void cond(struct dn_strbuf *sql, bool *first, const char *text)
{
    if (!*first) dn_strbuf_puts(sql, " AND ");
    *first = false;
    dn_strbuf_puts(sql, text);
}

static const char rtree_subquery[] =
    "e.ROWID IN (SELECT pkid FROM idx_events_geom"
    " WHERE xmin <= :rt_e AND xmax >= :rt_w AND ymin <= :rt_n AND ymax >= :rt_s";

/* The events a bulk load has stored but not yet put in the R*Tree (store/
 * events.h): ids from the lowest events_rtree_deferred.since_id on, none
 * when the table is empty, as it is outside a bulk load. The exact tests on
 * e.lon/e.lat below decide for them. They join the R*Tree's candidates in
 * the one rowid list (UNION ALL; IN counts an id once), not in a rowid
 * range ORed beside it: with the OR and any ORDER BY, SQLite scanned the
 * whole table in rowid or index order and tested each row against the
 * list (bench_query: 25 km queries on 1M events took 200-400 ms). */
static const char not_in_rtree[] =
    " UNION ALL SELECT id FROM events"
    " WHERE id >= (SELECT coalesce(min(since_id), 9223372036854775807) FROM events_rtree_deferred)";

/* The circle test once more inside the R*Tree, on the entry's own box: the
 * box corners hold a fifth of the candidates, and dropping them here saves
 * reading their rows, the dominant cost. The R*Tree keeps 32-bit floats
 * rounded outward, so a point's box centre is within a metre of the point;
 * RTREE_SLACK_KM keeps every true match for the exact test on e.lat/e.lon. */
#define RTREE_SLACK_KM 0.01
static const char rtree_near[] =
    " AND (xmin >= :in0_w AND xmax <= :in0_e AND ymin >= :in0_s AND ymax <= :in0_n"
    " OR xmin >= :in1_w AND xmax <= :in1_e AND ymin >= :in1_s AND ymax <= :in1_n"
    " OR xmin >= :in2_w AND xmax <= :in2_e AND ymin >= :in2_s AND ymax <= :in2_n"
    " OR dn_geod_km(:near_lat, :near_lon, (ymin + ymax) / 2, (xmin + xmax) / 2) <= :rt_radius)";

dn_status dn_filter_where(dn_ctx *ctx, const struct dn_filter *f, struct dn_strbuf *sql)
{
    dn_status s = register_geod_fn(ctx);
    if (s != DN_OK) return s;
    bool first = true;
    /* With a spatial filter the R*Tree drives the search: its candidates are
     * bounded by the area asked for, while without statistics SQLite would
     * happily walk every event of a province or date range through their
     * index instead. A unary + keeps a column's index out of the plan. */
    const char *x = f && (f->has_near || f->has_bbox) ? "+" : "";
    if (f && ((f->near_place && !f->has_near) || (f->in_text && !f->regions)))
        return dni_fail(ctx, DN_ERR_INTERNAL, "filter used before dn_filter_resolve");
    if (f && (f->has_near || f->has_bbox)) {
        /* one R*Tree range for both: their intersection */
        cond(sql, &first, rtree_subquery);
        if (f->has_near) dn_strbuf_puts(sql, rtree_near);
        dn_strbuf_puts(sql, not_in_rtree);
        dn_strbuf_putc(sql, ')');
        if (f->has_near)
            cond(sql, &first,
                 "(e.lon >= :in0_w AND e.lon <= :in0_e AND e.lat >= :in0_s AND e.lat <= :in0_n"
                 " OR e.lon >= :in1_w AND e.lon <= :in1_e AND e.lat >= :in1_s AND e.lat <= :in1_n"
                 " OR e.lon >= :in2_w AND e.lon <= :in2_e AND e.lat >= :in2_s AND e.lat <= :in2_n"
                 " OR dn_geod_km(:near_lat, :near_lon, e.lat, e.lon) <= :radius)");
        if (f->has_bbox) cond(sql, &first, "e.lon >= :bb_w AND e.lon <= :bb_e AND e.lat >= :bb_s AND e.lat <= :bb_n");
    }
    if (f && f->has_border_max) cond(sql, &first, ""), dn_strbuf_printf(sql, "%se.border_km <= :border_max", x);
    if (f && f->has_border_min) cond(sql, &first, ""), dn_strbuf_printf(sql, "%se.border_km >= :border_min", x);
    if (f && f->side_mask) {
        cond(sql, &first, "(");
        bool any = false;
        static const struct {
            unsigned bit;
            const char *sql;
        } sides[] = {{DNI_SIDE_AFG, "e.side = 'AFG'"},
                     {DNI_SIDE_PAK, "e.side = 'PAK'"},
                     {DNI_SIDE_OTHER, "(e.side <> '' AND e.side NOT IN ('AFG', 'PAK'))"},
                     {DNI_SIDE_NONE, "(e.side IS NULL OR e.side = '')"}};
        for (size_t i = 0; i < DN_ARRAY_LEN(sides); i++) {
            if (!(f->side_mask & sides[i].bit)) continue;
            if (any) dn_strbuf_puts(sql, " OR ");
            dn_strbuf_puts(sql, sides[i].sql);
            any = true;
        }
        dn_strbuf_putc(sql, ')');
    }
    if (f && f->nregions) {
        cond(sql, &first, "(");
        for (size_t i = 0; i < f->nregions; i++) {
            static const char *const column[] = {NULL, "province", "district"};
            if (i) dn_strbuf_puts(sql, " OR ");
            int level = f->regions[i].level;
            if (NEVER(level < 0 || level > 2)) level = 0;
            dn_strbuf_printf(sql, "(%se.country = :in_c%zu", x, i);
            if (level > 0) dn_strbuf_printf(sql, " AND %se.%s = :in_n%zu", x, column[level], i);
            /* a district is told from its namesakes by its province */
            if (level == 2 && f->regions[i].province) dn_strbuf_printf(sql, " AND %se.province = :in_p%zu", x, i);
            dn_strbuf_putc(sql, ')');
        }
        dn_strbuf_putc(sql, ')');
    }
    if (f && f->from[0]) cond(sql, &first, ""), dn_strbuf_printf(sql, "%se.date >= :from", x);
    if (f && f->to[0]) cond(sql, &first, ""), dn_strbuf_printf(sql, "%se.date <= :to", x);
    if (f && f->ntypes) {
        /* IN lists, not a chain of ORs: SQLite refuses an expression tree
         * deeper than 1,000, which 500 types chained would be */
        cond(sql, &first, "(");
        for (int col = 0; col < 2; col++) {
            dn_strbuf_printf(sql, "%se.%s COLLATE NOCASE IN (", col ? " OR " : "", col ? "sub_type" : "type");
            for (size_t i = 0; i < f->ntypes; i++) dn_strbuf_printf(sql, "%s:type%zu", i ? ", " : "", i);
            dn_strbuf_putc(sql, ')');
        }
        dn_strbuf_putc(sql, ')');
    }
    if (f && f->actor_like)
        cond(sql, &first, "(e.actor1 LIKE :actor ESCAPE '\\' OR e.actor2 LIKE :actor ESCAPE '\\')");
    if (f && f->has_min_fatalities) cond(sql, &first, "e.fatalities >= :min_fatalities");
    if (f && f->precision_mask) {
        cond(sql, &first, "e.precision IN (");
        bool any = false;
        for (int p = DN_PREC_POINT; p <= DN_PREC_COUNTRY; p++) {
            if (!(f->precision_mask & (1u << p))) continue;
            dn_strbuf_printf(sql, "%s'%s'", any ? ", " : "", dn_precision_name((enum dn_precision)p));
            any = true;
        }
        dn_strbuf_putc(sql, ')');
    }
    if (f && f->side_certain) cond(sql, &first, "e.side_certain = 1");
    if (first) dn_strbuf_puts(sql, "1");
    return sql->failed ? dni_fail(ctx, DN_ERR_NOMEM, "out of memory") : DN_OK;
}

/* ---- binding ---------------------------------------------------------------- */

static int param(sqlite3_stmt *st, const char *name) { return sqlite3_bind_parameter_index(st, name); }

static int bind_double(sqlite3_stmt *st, const char *name, double v)
{
    int i = param(st, name);
    return i ? sqlite3_bind_double(st, i, v) : SQLITE_OK;
}

static int bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = param(st, name);
    return i ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT) : SQLITE_OK;
}

dn_status dn_filter_bind(dn_ctx *ctx, const struct dn_filter *f, sqlite3_stmt *st)
{
    if (!f) return DN_OK;
    int rc = SQLITE_OK;
#define B(call)                                                                                                        \
    do {                                                                                                               \
        if (rc == SQLITE_OK) rc = (call);                                                                              \
    } while (0)
    if (f->has_near || f->has_bbox) {
        double box[4] = {-180, -90, 180, 90};
        if (f->has_near) memcpy(box, f->near_box, sizeof box);
        if (f->has_bbox) {
            box[0] = fmax(box[0], f->bbox[0]);
            box[1] = fmax(box[1], f->bbox[1]);
            box[2] = fmin(box[2], f->bbox[2]);
            box[3] = fmin(box[3], f->bbox[3]);
        }
        B(bind_double(st, ":rt_w", box[0]));
        B(bind_double(st, ":rt_s", box[1]));
        B(bind_double(st, ":rt_e", box[2]));
        B(bind_double(st, ":rt_n", box[3]));
    }
    if (f->has_near) {
        B(bind_double(st, ":near_lat", f->near_lat));
        B(bind_double(st, ":near_lon", f->near_lon));
        B(bind_double(st, ":radius", f->radius_km));
        B(bind_double(st, ":rt_radius", f->radius_km + RTREE_SLACK_KM));
        /* boxes not proven: empty ones (west > east) */
        static const double empty[4] = {1, 1, -1, -1};
        static const char *const sides[4] = {"w", "s", "e", "n"};
        char name[16];
        for (int i = 0; i < DNI_INNER_BOXES; i++)
            for (int k = 0; k < 4; k++) {
                snprintf(name, sizeof name, ":in%d_%s", i, sides[k]);
                B(bind_double(st, name, i < f->ninner ? f->inner_box[i][k] : empty[k]));
            }
    }
    if (f->has_bbox) {
        B(bind_double(st, ":bb_w", f->bbox[0]));
        B(bind_double(st, ":bb_s", f->bbox[1]));
        B(bind_double(st, ":bb_e", f->bbox[2]));
        B(bind_double(st, ":bb_n", f->bbox[3]));
    }
    if (f->has_border_max) B(bind_double(st, ":border_max", f->border_max));
    if (f->has_border_min) B(bind_double(st, ":border_min", f->border_min));
    char name[32];
    for (size_t i = 0; i < f->nregions; i++) {
        snprintf(name, sizeof name, ":in_c%zu", i);
        B(bind_text(st, name, f->regions[i].country));
        snprintf(name, sizeof name, ":in_n%zu", i);
        B(bind_text(st, name, f->regions[i].name));
        snprintf(name, sizeof name, ":in_p%zu", i);
        B(bind_text(st, name, f->regions[i].province));
    }
    if (f->from[0]) B(bind_text(st, ":from", f->from));
    if (f->to[0]) B(bind_text(st, ":to", f->to));
    for (size_t i = 0; i < f->ntypes; i++) {
        snprintf(name, sizeof name, ":type%zu", i);
        B(bind_text(st, name, f->types[i]));
    }
    if (f->actor_like) B(bind_text(st, ":actor", f->actor_like));
    if (f->has_min_fatalities && param(st, ":min_fatalities"))
        B(sqlite3_bind_int64(st, param(st, ":min_fatalities"), f->min_fatalities));
#undef B
    return rc == SQLITE_OK ? DN_OK : dni_fail_sqlite(ctx, "binding the filter");
}

/* ---- iteration ---------------------------------------------------------------- */

dn_status dn_filter_each(dn_ctx *ctx, const struct dn_filter *f, const char *order_by_or_null,
                         long long limit_or_minus1, dn_filter_row_cb cb, void *ud)
{
    if (order_by_or_null && strstr(order_by_or_null, ":near_") && !(f && f->has_near))
        return dni_fail(ctx, DN_ERR_USAGE, "sorting by distance needs --near PLACE|LAT,LON");
    struct dn_strbuf sql = {0};
    dn_strbuf_puts(&sql, "SELECT " DN_EVENT_SELECT_COLUMNS " FROM events e WHERE ");
    dn_status s = dn_filter_where(ctx, f, &sql);
    if (s == DN_OK) {
        dn_strbuf_printf(&sql, " ORDER BY %s LIMIT :dn_limit", order_by_or_null ? order_by_or_null : "e.id");
        if (sql.failed) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    sqlite3_stmt *st = NULL;
    if (s == DN_OK && sqlite3_prepare_v2(dni_db(ctx), sql.data, -1, &st, NULL) != SQLITE_OK)
        s = dni_fail_sqlite(ctx, "preparing the event query");
    dn_strbuf_free(&sql);
    if (s == DN_OK) s = dn_filter_bind(ctx, f, st);
    if (s == DN_OK && sqlite3_bind_int64(st, param(st, ":dn_limit"), limit_or_minus1 < 0 ? -1 : limit_or_minus1) !=
                          SQLITE_OK)
        s = dni_fail_sqlite(ctx, "binding the limit");
    while (s == DN_OK) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) break;
        if (rc != SQLITE_ROW) {
            s = dni_fail_sqlite(ctx, "reading events");
            break;
        }
        s = cb(ud, st);
    }
    sqlite3_finalize(st);
    return s;
}

/** @file test_export.c
 * Export: every format written through the CLI and re-read with OGR
 * (feature counts, field values, CRS, geometry validity), the Shapefile
 * field-name map, the geodesic border bands, the admin summary counts, the
 * styles, refusal to replace output, and an empty events table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <check.h>
#include <geodesic.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "core/core.h"
#include "export/export.h"
#include "geodata/geodata.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

static char *tmp;
static char db[600];

/* Four events: one with every field (stored as a table row is, its notes
 * and no excerpt: exported as the excerpt), one with unknowns, one with a
 * long excerpt (Shapefile cuts it at 254 bytes, further down) and one
 * without a location (no lon/lat, no geometry: FlatGeobuf cannot store it). */
static const char *const events_sql[] = {
    "INSERT INTO events(uid, source_kind, source, date, date_precision, type, sub_type, actor1, actor2, place,"
    " country, province, district, lon, lat, precision, radius_km, fatalities, injured, side, side_certain,"
    " border_km, band, crossing, crossing_km, notes, cluster_id, geom) VALUES"
    " ('t:1', 'csv', 'fixture.csv', '2021-03-04', 'day', 'Battles', 'Armed clash', 'TTP', 'Military', 'Urgun',"
    " 'AFG', 'Paktika', 'Urgun', 68.9, 31.5, 'town', 2, 5, 3, 'AFG', 1, 12.5, '10-25 km', 'Ghulam Khan', 80.25,"
    " 'Five killed near Urgun, \"quoted\"', 7, MakePoint(68.9, 31.5, 4326))",
    "INSERT INTO events(uid, source_kind, source, date, date_precision, type, place, country, province, district,"
    " lon, lat, precision, side, side_certain, border_km, geom) VALUES"
    " ('t:2', 'csv', 'fixture.csv', '2021-04-01', 'month', 'Explosions/Remote violence', 'Zhob', 'PAK',"
    " 'Balochistan', 'Zhob', 70.0, 31.3, 'point', 'PAK', 0, 30.1, MakePoint(70.0, 31.3, 4326))",
    "INSERT INTO events(uid, source_kind, source, date, date_precision, type, place, fatalities, excerpt) VALUES"
    " ('t:4', 'text', 'b.txt', '2023-05-01', 'day', 'Protests', 'somewhere in the tribal areas', 1,"
    " 'a protest, place not found')",
    NULL};

static void insert_events(dn_ctx *c)
{
    ck_assert_int_eq(dn_store_begin(c), DN_OK);
    for (const char *const *s = events_sql; *s; s++) ck_assert_int_eq(dn_store_exec(c, *s), DN_OK);
    /* a 300-byte excerpt of two-byte characters */
    struct dn_strbuf b = {0};
    dn_strbuf_puts(&b, "INSERT INTO events(uid, source_kind, source, date, type, country, province, district, lon, lat,"
                       " fatalities, excerpt, geom) VALUES ('t:3', 'text', 'a.txt', '2022-01-15', 'Battles', 'PAK',"
                       " 'Balochistan', 'Zhob', 70.2, 31.2, 2, '");
    for (int i = 0; i < 150; i++) dn_strbuf_puts(&b, "\xc3\xa9");
    dn_strbuf_puts(&b, "', MakePoint(70.2, 31.2, 4326))");
    ck_assert_int_eq(dn_store_exec(c, b.data), DN_OK);
    dn_strbuf_free(&b);
    ck_assert_int_eq(dn_store_commit(c), DN_OK);
}

/* A database with the mini geodata and (optionally) the events. */
static void make_db(bool with_events)
{
    dn_ctx *c;
    ck_assert_int_eq(dn_ctx_new(&c), DN_OK);
    ck_assert_int_eq(dni_set_geodata_dir(c, DN_TEST_MINI_GEODATA), DN_OK);
    ck_assert_int_eq(dn_store_open(c, db, DN_STORE_CREATE), DN_OK);
    ck_assert_msg(dn_geodata_load(c, false, NULL) == DN_OK, "%s", dn_ctx_errmsg(c));
    if (with_events) insert_events(c);
    dn_ctx_free(c);
}

static void setup(void)
{
    tmp = make_temp_dir();
    snprintf(db, sizeof db, "%s/d.sqlite", tmp);
}

static void teardown(void)
{
    remove_tree(tmp);
    free(tmp);
}

static char *in_tmp(const char *name)
{
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

static int export_cli(struct captured *c, const char *format, const char *out, const char *extra)
{
    return run_cli(c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", format, "--out", out,
                   extra ? extra : "--quiet", NULL);
}

static GDALDatasetH open_vector(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    ck_assert_msg(ds != NULL, "OGR cannot open %s", path);
    return ds;
}

static OGRFeatureH find_feature(OGRLayerH l, const char *field, const char *value)
{
    OGR_L_ResetReading(l);
    int i = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), field);
    ck_assert_msg(i >= 0, "no field %s", field);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        if (OGR_F_IsFieldSetAndNotNull(f, i) && strcmp(OGR_F_GetFieldAsString(f, i), value) == 0) return f;
        OGR_F_Destroy(f);
    }
    ck_abort_msg("no feature with %s = %s", field, value);
    return NULL;
}

static void assert_wgs84(OGRLayerH l)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    ck_assert_ptr_nonnull(srs);
    OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs, 4326);
    const char *opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                          NULL};
    ck_assert_msg(OSRIsSameEx(srs, wgs, opts), "layer %s is not in WGS 84", OGR_L_GetName(l));
    OSRDestroySpatialReference(wgs);
}

/* Every geometry valid; only the incidents layer may have features without
 * one (events without a location, checked in check_incidents). */
static void assert_valid_geometries(OGRLayerH l)
{
    bool incidents = strcmp(OGR_L_GetName(l), "incidents") == 0;
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (incidents && (!g || OGR_G_IsEmpty(g))) {
            OGR_F_Destroy(f);
            continue;
        }
        ck_assert_msg(g && OGR_G_IsValid(g), "layer %s: feature %lld has no valid geometry", OGR_L_GetName(l),
                      (long long)OGR_F_GetFID(f));
        OGR_F_Destroy(f);
    }
}

/* Field name as the format stores it. */
static const char *fname(bool shp, const char *full, const char *shp_name) { return shp ? shp_name : full; }

/* The incidents layer carries the first event exactly (lon/lat order pinned
 * on a point that is not symmetric); the event without a location is there
 * with no geometry, or (no_loc_kept false: FlatGeobuf) left out. */
static void check_incidents(OGRLayerH l, bool shp, bool dates_typed, bool no_loc_kept)
{
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), no_loc_kept ? 4 : 3);
    OGR_L_ResetReading(l);
    int ui = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "uid");
    int seen = 0;
    OGRFeatureH nf;
    while ((nf = OGR_L_GetNextFeature(l))) {
        if (strcmp(OGR_F_GetFieldAsString(nf, ui), "t:4") == 0) {
            seen++;
            OGRGeometryH ng = OGR_F_GetGeometryRef(nf);
            ck_assert_msg(!ng || OGR_G_IsEmpty(ng), "the event without a location got a geometry");
            ck_assert_str_eq(OGR_F_GetFieldAsString(nf, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "type")),
                             "Protests");
        }
        OGR_F_Destroy(nf);
    }
    ck_assert_int_eq(seen, no_loc_kept ? 1 : 0);
    OGRFeatureH f = find_feature(l, "uid", "t:1");
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
#define FIELD(full, short_) OGR_FD_GetFieldIndex(d, fname(shp, full, short_))
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, FIELD("type", "type")), "Battles");
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, FIELD("date_precision", "date_prec")), "day");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, FIELD("fatalities", "fatalities")), 5);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, FIELD("injured", "injured")), 3);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, FIELD("side_certain", "side_cert")), 1);
    ck_assert_double_eq_tol(OGR_F_GetFieldAsDouble(f, FIELD("crossing_km", "cross_km")), 80.25, 1e-9);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger64(f, FIELD("cluster_id", "cluster_id")), 7);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, FIELD("excerpt", "excerpt")), "Five killed near Urgun, \"quoted\"");
    int di = FIELD("date", "date");
    if (dates_typed) {
        ck_assert(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, di)) == OFTDate ||
                  OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, di)) == OFTDateTime);
        int y, m, dd, h, mi, tz;
        float s;
        ck_assert(OGR_F_GetFieldAsDateTimeEx(f, di, &y, &m, &dd, &h, &mi, &s, &tz));
        ck_assert_int_eq(y * 10000 + m * 100 + dd, 20210304);
    }
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    ck_assert_double_eq_tol(OGR_G_GetX(g, 0), 68.9, 1e-7);
    ck_assert_double_eq_tol(OGR_G_GetY(g, 0), 31.5, 1e-7);
    OGR_F_Destroy(f);
    /* unknown counts stay null, not 0 */
    f = find_feature(l, "uid", "t:2");
    ck_assert(!OGR_F_IsFieldSetAndNotNull(f, FIELD("fatalities", "fatalities")));
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, FIELD("side_certain", "side_cert")), 0);
    OGR_F_Destroy(f);
#undef FIELD
}

static void check_summary(OGRLayerH l)
{
    /* 4 provinces + 8 districts of the mini geodata */
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 12);
    OGRFeatureH f = find_feature(l, "name", "Balochistan");
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "events")), 2);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "fatalities")), 2);
    OGR_F_Destroy(f);
    f = find_feature(l, "name", "Urgun");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "level")), 2);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "events")), 1);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "fatalities")), 5);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "injured")), 3);
    OGR_F_Destroy(f);
    /* counts unknown for every event of the area: null, as `durand summary`;
     * an area without events: 0 */
    f = find_feature(l, "name", "Zhob");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "events")), 2);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "fatalities")), 2);
    ck_assert(!OGR_F_IsFieldSetAndNotNull(f, OGR_FD_GetFieldIndex(d, "injured")));
    OGR_F_Destroy(f);
    f = find_feature(l, "name", "Kunar");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "events")), 0);
    ck_assert(OGR_F_IsFieldSetAndNotNull(f, OGR_FD_GetFieldIndex(d, "fatalities")));
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "fatalities")), 0);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "injured")), 0);
    OGR_F_Destroy(f);
}

static void check_dataset_layer(GDALDatasetH ds, const char *name, long long count, bool shp, bool typed_dates,
                                bool no_loc_kept)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (!l && GDALDatasetGetLayerCount(ds) == 1) l = GDALDatasetGetLayer(ds, 0);
    ck_assert_msg(l != NULL, "no layer %s", name);
    assert_wgs84(l);
    assert_valid_geometries(l);
    if (strcmp(name, "incidents") == 0) check_incidents(l, shp, typed_dates, no_loc_kept);
    else if (strcmp(name, "admin_summary") == 0) check_summary(l);
    else ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), count);
}

static const struct {
    const char *name;
    long long count;
} expected[] = {{"incidents", 4}, {"durand_line", 1}, {"border_bands", 8} /* 4 default bands x 2 sides */, {"admin_summary", 12}, {"crossings", 2}};

static void check_per_layer_files(const char *dir, const char *ext, bool shp, bool typed_dates, bool qml,
                                  bool no_loc_kept)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(expected); i++) {
        char path[800];
        snprintf(path, sizeof path, "%s/%s%s", dir, expected[i].name, ext);
        GDALDatasetH ds = open_vector(path);
        check_dataset_layer(ds, expected[i].name, expected[i].count, shp, typed_dates, no_loc_kept);
        GDALClose(ds);
        if (qml) {
            snprintf(path, sizeof path, "%s/%s.qml", dir, expected[i].name);
            struct stat sb;
            ck_assert_msg(stat(path, &sb) == 0 && sb.st_size > 200, "no style %s", path);
        }
    }
}

/* --bands relabels the incidents as it draws border_bands: each incident's
 * band is the band of its border_km under the export's edges. */
START_TEST(test_export__incident_bands_follow_the_export_edges)
{
    make_db(true);
    struct captured c;
    char *out = in_tmp("bands");
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "geojson", "--out",
                             out, "--layers", "incidents", "--bands", "5,15,40", "--quiet", NULL),
                     0);
    captured_free(&c);
    char path[800];
    snprintf(path, sizeof path, "%s/incidents.geojson", out);
    GDALDatasetH ds = open_vector(path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    int bi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "band"), ki = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "border_km");
    OGRFeatureH f;
    int checked = 0;
    while ((f = OGR_L_GetNextFeature(l))) {
        if (OGR_F_IsFieldSetAndNotNull(f, ki)) {
            double km = OGR_F_GetFieldAsDouble(f, ki);
            const char *want = km < 5 ? "0-5" : km < 15 ? "5-15" : km < 40 ? "15-40" : ">40";
            ck_assert_msg(strcmp(OGR_F_GetFieldAsString(f, bi), want) == 0, "%g km: band %s, want %s", km,
                          OGR_F_GetFieldAsString(f, bi), want);
            checked++;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    ck_assert_int_gt(checked, 0);
}
END_TEST

START_TEST(test_export__geojson_is_rfc7946_and_rereads)
{
    make_db(true);
    struct captured c;
    char *out = in_tmp("gj");
    ck_assert_int_eq(export_cli(&c, "geojson", out, NULL), 0);
    captured_free(&c);
    check_per_layer_files(out, ".geojson", false, true, true, true);
    /* RFC 7946: no "crs" member, lon/lat coordinates */
    char path[800];
    snprintf(path, sizeof path, "%s/incidents.geojson", out);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    ck_assert_ptr_null(strstr(buf, "\"crs\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"coordinates\": [ 68.9, 31.5 ]"));
    ck_assert_ptr_nonnull(strstr(buf, "\"date\": \"2021-03-04\""));
}
END_TEST

START_TEST(test_export__shapefile_has_prj_cpg_short_names_and_map)
{
    make_db(true);
    struct captured c;
    char *out = in_tmp("shp");
    ck_assert_int_eq(export_cli(&c, "shp", out, "--overwrite"), 0);
    /* the 300-byte excerpt is cut at a character boundary, with a warning */
    ck_assert_ptr_nonnull(strstr(c.err.data, "cut to fit Shapefile"));
    captured_free(&c);
    check_per_layer_files(out, ".shp", true, true, true, true);
    static const char *const sidecars[] = {"incidents.prj", "incidents.cpg", "incidents.dbf", "incidents.shx",
                                           "fields.csv"};
    for (size_t i = 0; i < DN_ARRAY_LEN(sidecars); i++) {
        char path[800];
        snprintf(path, sizeof path, "%s/%s", out, sidecars[i]);
        struct stat sb;
        ck_assert_msg(stat(path, &sb) == 0, "missing %s", path);
    }
    char path[800];
    snprintf(path, sizeof path, "%s/incidents.shp", out);
    GDALDatasetH ds = open_vector(path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    ck_assert_int_eq(OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, OGR_FD_GetFieldIndex(d, "date"))), OFTDate);
    OGRFeatureH f = find_feature(l, "uid", "t:3");
    const char *ex = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "excerpt"));
    ck_assert_int_eq((int)strlen(ex), 254); /* 127 whole two-byte characters */
    OGR_F_Destroy(f);
    GDALClose(ds);
    /* fields.csv re-read through OGR: the map names every shortened field */
    snprintf(path, sizeof path, "%s/fields.csv", out);
    ds = open_vector(path);
    l = GDALDatasetGetLayer(ds, 0);
    f = find_feature(l, "field", "crossing_km");
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "shapefile_field")), "cross_km");
    OGR_F_Destroy(f);
    GDALClose(ds);
}
END_TEST

START_TEST(test_export__geopackage_rereads_with_default_styles)
{
    make_db(true);
    struct captured c;
    char *out = in_tmp("d.gpkg");
    ck_assert_int_eq(export_cli(&c, "gpkg", out, NULL), 0);
    captured_free(&c);
    GDALDatasetH ds = open_vector(out);
    for (size_t i = 0; i < DN_ARRAY_LEN(expected); i++)
        check_dataset_layer(ds, expected[i].name, expected[i].count, false, true, true);
    OGRLayerH st = GDALDatasetGetLayerByName(ds, "layer_styles");
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(OGR_L_GetFeatureCount(st, TRUE), (GIntBig)DN_ARRAY_LEN(expected));
    static const char *const columns[] = {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column",
                                          "styleName", "styleQML", "styleSLD", "useAsDefault", "description",
                                          "owner", "ui", "update_time"};
    for (size_t i = 0; i < DN_ARRAY_LEN(columns); i++)
        ck_assert_msg(OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(st), columns[i]) >= 0, "layer_styles lacks %s", columns[i]);
    OGRFeatureH f = find_feature(st, "f_table_name", "incidents");
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(st);
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "useAsDefault")), 1);
    ck_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "f_geometry_column")), "geom");
    const char *qml = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "styleQML"));
    ck_assert_ptr_nonnull(strstr(qml, "graduatedSymbol"));
    ck_assert_ptr_nonnull(strstr(qml, "startField=\"date\""));
    /* colour by the types present */
    ck_assert_ptr_nonnull(strstr(qml, "&quot;type&quot; = &apos;Battles&apos;"));
    OGR_F_Destroy(f);
    /* the geometry column the style names is the layer's */
    ck_assert_str_eq(OGR_L_GetGeometryColumn(GDALDatasetGetLayerByName(ds, "incidents")), "geom");
    GDALClose(ds);
}
END_TEST

START_TEST(test_export__kml_csv_flatgeobuf_reread)
{
    make_db(true);
    struct captured c;
    char *kml = in_tmp("kml"), *csv = in_tmp("csv"), *fgb = in_tmp("fgb");
    ck_assert_int_eq(export_cli(&c, "kml", kml, NULL), 0);
    captured_free(&c);
    ck_assert_int_eq(export_cli(&c, "csv", csv, NULL), 0);
    captured_free(&c);
    /* FlatGeobuf cannot hold the event without a location: left out, said
     * once, and the report counts what the file holds */
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "fgb", "--out", fgb,
                             "--report", "csv", NULL),
                     0);
    ck_assert_msg(strstr(c.err.data, "warning: incidents: 1 incident without a location left out: FlatGeobuf cannot "
                                     "store a feature without geometry") != NULL,
                  "stderr: %s", c.err.data);
    ck_assert_ptr_null(strstr(strstr(c.err.data, "left out") + 1, "left out")); /* one warning */
    ck_assert_msg(strstr(c.out.data, "incidents,fgb,3,") != NULL, "report: %s", c.out.data);
    captured_free(&c);
    check_per_layer_files(csv, ".csv", false, false, true, true);
    /* CSV dates are ISO text (GDAL's CSV writer would print 2021/03/04), as `query --format csv` */
    {
        char cpath[800], text[16384];
        snprintf(cpath, sizeof cpath, "%s/incidents.csv", csv);
        FILE *cf = fopen(cpath, "rb");
        ck_assert_ptr_nonnull(cf);
        size_t cn = fread(text, 1, sizeof text - 1, cf);
        text[cn] = '\0';
        fclose(cf);
        ck_assert_ptr_nonnull(strstr(text, ",2021-03-04,"));
        ck_assert_ptr_null(strstr(text, "2021/03/04"));
        GDALDatasetH cds = open_vector(cpath);
        OGRFeatureH cfe = find_feature(GDALDatasetGetLayer(cds, 0), "uid", "t:1");
        ck_assert_str_eq(OGR_F_GetFieldAsString(cfe, OGR_F_GetFieldIndex(cfe, "date")), "2021-03-04");
        OGR_F_Destroy(cfe);
        GDALClose(cds);
    }
    check_per_layer_files(fgb, ".fgb", false, true, true, false);
    char path[800];
    snprintf(path, sizeof path, "%s/durand.kml", kml);
    GDALDatasetH ds = open_vector(path);
    for (size_t i = 0; i < DN_ARRAY_LEN(expected); i++) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, expected[i].name);
        ck_assert_msg(l != NULL, "kml lacks %s", expected[i].name);
        ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), expected[i].count);
        assert_valid_geometries(l);
    }
    check_incidents(GDALDatasetGetLayerByName(ds, "incidents"), false, false, true);
    /* the date became the placemark's <TimeStamp> (read back as "timestamp") */
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "incidents");
    OGRFeatureH f = find_feature(l, "uid", "t:1");
    int ti = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "timestamp");
    ck_assert_int_ge(ti, 0);
    ck_assert_ptr_nonnull(strstr(OGR_F_GetFieldAsString(f, ti), "2021/03/04"));
    OGR_F_Destroy(f);
    GDALClose(ds);
}
END_TEST

START_TEST(test_export__refuses_existing_output_with_exit_4)
{
    make_db(true);
    struct captured c;
    char *out = in_tmp("gj");
    ck_assert_int_eq(export_cli(&c, "geojson", out, NULL), 0);
    captured_free(&c);
    ck_assert_int_eq(export_cli(&c, "geojson", out, NULL), 4);
    char want[800];
    snprintf(want, sizeof want, "durand: error: %s/incidents.geojson exists; use --overwrite to replace it", out);
    ck_assert_msg(strstr(c.err.data, want) != NULL, "stderr: %s", c.err.data);
    captured_free(&c);
    ck_assert_int_eq(export_cli(&c, "geojson", out, "--overwrite"), 0);
    captured_free(&c);
    /* a single-layer file, refused the same way */
    char *one = in_tmp("line.geojson");
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "geojson", "--out", one,
                             "--layers", "durand_line", NULL),
                     0);
    snprintf(want, sizeof want, "durand: durand_line: 1 feature -> %s\n", one); /* not "1 features" */
    ck_assert_msg(strstr(c.err.data, want) != NULL, "stderr: %s", c.err.data);
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "geojson", "--out", one,
                             "--layers", "durand_line", NULL),
                     4);
    ck_assert_ptr_nonnull(strstr(c.err.data, "line.geojson exists"));
    captured_free(&c);
    GDALDatasetH ds = open_vector(one);
    ck_assert_int_eq(OGR_L_GetFeatureCount(GDALDatasetGetLayer(ds, 0), TRUE), 1);
    GDALClose(ds);
}
END_TEST

START_TEST(test_export__usage_errors)
{
    make_db(false);
    struct captured c;
    ck_assert_int_eq(run_cli(&c, "--db", db, "export", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "--format is required"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--db", db, "export", "--format", "dxf", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "unknown export format 'dxf'"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "--db", db, "export", "--format", "gpkg", "--layers", "incidents,roads", NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "unknown layer 'roads'"));
    captured_free(&c);
    ck_assert_int_eq(export_cli(&c, "geojson", in_tmp("all.geojson"), NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "give a directory"));
    captured_free(&c);
    ck_assert_int_eq(export_cli(&c, "pg", in_tmp("x"), NULL), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "needs --out \"PG:"));
    captured_free(&c);
    ck_assert_int_eq(export_cli(&c, "gpkg", in_tmp("x"), "--bands=10,5"), 2);
    ck_assert_ptr_nonnull(strstr(c.err.data, "--bands"));
    captured_free(&c);
    ck_assert_int_eq(run_cli(&c, "export", "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(c.out.data, "Usage: durand export"));
    captured_free(&c);
}
END_TEST

START_TEST(test_export__unwritable_output_is_an_io_error)
{
    make_db(false);
    struct captured c;
    /* a regular file where the output directory should be */
    char *blocker = in_tmp("blocker");
    FILE *f = fopen(blocker, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    char out[800];
    snprintf(out, sizeof out, "%s/sub", blocker);
    ck_assert_int_eq(export_cli(&c, "fgb", out, NULL), 4);
    ck_assert_ptr_nonnull(strstr(c.err.data, "not a directory"));
    captured_free(&c);
}
END_TEST

START_TEST(test_export__empty_events_table_gives_empty_incidents)
{
    make_db(false);
    struct captured c;
    char *out = in_tmp("o");
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "gpkg", "--out", out,
                             "--report", "json", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(c.out.data, "\"layer\":\"incidents\",\"format\":\"gpkg\",\"features\":0"));
    captured_free(&c);
    char path[800];
    snprintf(path, sizeof path, "%s/durand.gpkg", out);
    GDALDatasetH ds = open_vector(path);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "incidents");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 0);
    ck_assert_int_eq(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(l)), 27);
    l = GDALDatasetGetLayerByName(ds, "admin_summary");
    OGRFeatureH f = find_feature(l, "name", "Zhob");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "events")), 0);
    OGR_F_Destroy(f);
    GDALClose(ds);
    /* every other format copes too */
    static const char *const formats[] = {"geojson", "shp", "kml", "csv", "fgb"};
    for (size_t i = 0; i < DN_ARRAY_LEN(formats); i++) {
        ck_assert_msg(export_cli(&c, formats[i], in_tmp(formats[i]), NULL) == 0, "%s: %s", formats[i], c.err.data);
        captured_free(&c);
    }
}
END_TEST

/* The mini geodata's line; Afghanistan and Pakistan share it and go on
 * along lon 69 south of it and lon 71.2 north of it. */
static const double line_pts[][2] = {{69.0, 31.0}, {69.6, 32.2}, {70.3, 33.3}, {71.0, 34.2}, {71.2, 35.0}};

/* Geodesic distance (km) from a point to the line (its segments taken as
 * geodesics, as durand does): golden-section search along each segment,
 * on which the distance has one minimum, to 1 mm. */
static double km_to_line(const struct geod_geodesic *g, double lon, double lat)
{
    double best = INFINITY;
    for (size_t i = 0; i + 1 < DN_ARRAY_LEN(line_pts); i++) {
        struct geod_geodesicline gl;
        geod_inverseline(&gl, g, line_pts[i][1], line_pts[i][0], line_pts[i + 1][1], line_pts[i + 1][0], 0);
        double a = 0, b = gl.s13;
        const double r = (sqrt(5.0) - 1) / 2;
        while (b - a > 1e-3) {
            double m1 = b - r * (b - a), m2 = a + r * (b - a), d1, d2, plat, plon;
            geod_position(&gl, m1, &plat, &plon, NULL);
            geod_inverse(g, lat, lon, plat, plon, &d1, NULL, NULL);
            geod_position(&gl, m2, &plat, &plon, NULL);
            geod_inverse(g, lat, lon, plat, plon, &d2, NULL, NULL);
            if (d1 < d2) b = m2;
            else a = m1;
        }
        double plat, plon, d;
        geod_position(&gl, (a + b) / 2, &plat, &plon, NULL);
        geod_inverse(g, lat, lon, plat, plon, &d, NULL, NULL);
        if (d < best) best = d;
    }
    return best / 1000.0;
}

/* Whether a point lies on the countries' shared boundary, where the bands
 * are cut by the clip rather than by their distance edges. */
static bool on_country_boundary(double lon, double lat)
{
    const double eps = 1e-7;
    if ((fabs(lon - 69.0) < eps && lat <= 31.0 + eps) || (fabs(lon - 71.2) < eps && lat >= 35.0 - eps)) return true;
    for (size_t i = 0; i + 1 < DN_ARRAY_LEN(line_pts); i++) {
        double x0 = line_pts[i][0], y0 = line_pts[i][1], x1 = line_pts[i + 1][0], y1 = line_pts[i + 1][1];
        double t = ((lon - x0) * (x1 - x0) + (lat - y0) * (y1 - y0)) / ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        if (t < -eps || t > 1 + eps) continue;
        if (hypot(x0 + t * (x1 - x0) - lon, y0 + t * (y1 - y0) - lat) < eps) return true;
    }
    return false;
}

/* How far (km) a band's edge may miss its nominal distance from the line,
 * at any vertex or midpoint of an edge of the rings (the polygons' edges are
 * straight in lon/lat, as QGIS draws them). Measured: at most 9.6 m here,
 * 9.2 m on the shipped line (see the header of src/export/bands.c). */
static const double BAND_EDGE_TOL_KM = 0.010;

START_TEST(test_export__border_bands_are_geodesic)
{
    make_db(false);
    dn_ctx *c;
    ck_assert_int_eq(dn_ctx_new(&c), DN_OK);
    ck_assert_int_eq(dn_store_open(c, db, 0), DN_OK);
    const double edges[] = {10.0, 50.0, 100.0};
    char *out = in_tmp("bands.gpkg");
    struct dn_export_opts o = {.format = DN_EXPORT_GPKG, .out = out, .layers = DN_LAYER_BIT(DN_LAYER_BORDER_BANDS),
                               .bands = edges, .nbands = DN_ARRAY_LEN(edges)};
    struct dn_export_report rep;
    ck_assert_msg(dn_export_run(c, &o, &rep) == DN_OK, "%s", dn_ctx_errmsg(c));
    ck_assert_int_eq(rep.nlayers, 1);
    ck_assert_int_eq(rep.layers[0].features, 6); /* 3 bands x 2 sides */
    dn_ctx_free(c);

    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "border_bands");
    OGRFeatureH f;
    int at_edge = 0, at_100 = 0, mid_100 = 0;
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
        double lo = OGR_F_GetFieldAsDouble(f, OGR_FD_GetFieldIndex(d, "min_km"));
        double hi = OGR_F_GetFieldAsDouble(f, OGR_FD_GetFieldIndex(d, "max_km"));
        const char *side = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "side"));
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        ck_assert(OGR_G_IsValid(geom));
        /* every point of every ring, vertices and midpoints of edges, lies
         * on the country boundary or on the band's inner or outer edge */
        for (int p = 0; p < OGR_G_GetGeometryCount(geom); p++) {
            OGRGeometryH poly = OGR_G_GetGeometryRef(geom, p);
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
                OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
                int n = OGR_G_GetPointCount(ring);
                for (int v = 0; v + 1 < n; v++)
                    for (int half = 0; half < 2; half++) {
                        double lon = OGR_G_GetX(ring, v), lat = OGR_G_GetY(ring, v);
                        if (half) {
                            lon = (lon + OGR_G_GetX(ring, v + 1)) / 2;
                            lat = (lat + OGR_G_GetY(ring, v + 1)) / 2;
                        }
                        double km = km_to_line(&g, lon, lat);
                        ck_assert_msg(km >= lo - BAND_EDGE_TOL_KM && km <= hi + BAND_EDGE_TOL_KM,
                                      "%s band %g-%g: %.6f,%.6f is %.4f km from the line", side, lo, hi, lon, lat, km);
                        if (on_country_boundary(lon, lat)) continue;
                        double err = fmin(fabs(km - hi), lo > 0 ? fabs(km - lo) : INFINITY);
                        ck_assert_msg(err <= BAND_EDGE_TOL_KM,
                                      "%s band %g-%g: edge point %.6f,%.6f (%s) is %.4f km from the line", side, lo,
                                      hi, lon, lat, half ? "midpoint" : "vertex", km);
                        at_edge++;
                        if (hi == 100.0 && fabs(km - hi) <= BAND_EDGE_TOL_KM) {
                            at_100++;
                            mid_100 += half;
                        }
                    }
            }
        }
        /* AFG lies west of the line, PAK east */
        OGREnvelope env;
        OGR_G_GetEnvelope(geom, &env);
        if (strcmp(side, "AFG") == 0) ck_assert(env.MinX < 69.0);
        else ck_assert(env.MaxX > 71.2);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    ck_assert_int_gt(at_edge, 500);
    ck_assert_int_gt(at_100, 1000);
    ck_assert_int_gt(mid_100, 100); /* the 100 km edge really reached, between vertices too */
}
END_TEST

static void map_row(void *ud, const char *layer, const char *field, const char *shp, const char *type, const char *doc)
{
    (void)type;
    (void)doc;
    struct dn_strbuf *readme = ud;
    ck_assert_msg(strlen(shp) <= 10, "%s.%s: Shapefile name %s is too long", layer, field, shp);
    /* the README documents every shortened name */
    if (strcmp(field, shp) != 0) {
        char row[256];
        snprintf(row, sizeof row, "| %s | %s | %s |", layer, field, shp);
        ck_assert_msg(readme->data && strstr(readme->data, row), "README lacks the row '%s'", row);
    }
}

struct seen {
    char layer[32];
    char names[64][16];
    int n;
};

static void unique_row(void *ud, const char *layer, const char *field, const char *shp, const char *type,
                       const char *doc)
{
    (void)field;
    (void)type;
    (void)doc;
    struct seen *s = ud;
    if (strcmp(s->layer, layer) != 0) {
        snprintf(s->layer, sizeof s->layer, "%s", layer);
        s->n = 0;
    }
    for (int i = 0; i < s->n; i++) ck_assert_msg(strcasecmp(s->names[i], shp) != 0, "%s: %s twice", layer, shp);
    snprintf(s->names[s->n++], sizeof s->names[0], "%s", shp);
}

START_TEST(test_export__shapefile_names_are_unique_short_and_documented)
{
    struct dn_strbuf readme = {0};
    FILE *f = fopen(DN_SOURCE_DIR "/README.md", "rb");
    ck_assert_ptr_nonnull(f);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) dn_strbuf_append(&readme, buf, n);
    fclose(f);
    dn_export_field_map(map_row, &readme);
    dn_strbuf_free(&readme);
    struct seen s;
    memset(&s, 0, sizeof s);
    dn_export_field_map(unique_row, &s);
}
END_TEST

START_TEST(test_export__parsers)
{
    dn_ctx *c;
    ck_assert_int_eq(dn_ctx_new(&c), DN_OK);
    enum dn_export_format f;
    ck_assert_int_eq(dn_export_format_parse(c, "geopackage", &f), DN_OK);
    ck_assert_int_eq(f, DN_EXPORT_GPKG);
    ck_assert_int_eq(dn_export_format_parse(c, "postgis", &f), DN_OK);
    ck_assert_int_eq(f, DN_EXPORT_PG);
    ck_assert_int_eq(dn_export_format_parse(c, "GPKG ", &f), DN_ERR_USAGE);
    unsigned m;
    ck_assert_int_eq(dn_export_layers_parse(c, "incidents,places", &m), DN_OK);
    ck_assert_uint_eq(m, DN_LAYER_BIT(DN_LAYER_INCIDENTS) | DN_LAYER_BIT(DN_LAYER_PLACES));
    ck_assert_int_eq(dn_export_layers_parse(c, "all", &m), DN_OK);
    ck_assert_uint_eq(m, (1u << DN_LAYER_COUNT) - 1);
    ck_assert_int_eq(dn_export_layers_parse(c, "", &m), DN_ERR_USAGE);
    ck_assert_int_eq(dn_export_layers_parse(c, "incidents,,", &m), DN_ERR_USAGE);
    dn_ctx_free(c);
}
END_TEST

START_TEST(test_export__places_on_request)
{
    make_db(false);
    struct captured c;
    char *out = in_tmp("p.fgb");
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "fgb", "--out", out,
                             "--layers", "places", NULL),
                     0);
    captured_free(&c);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 3);
    OGRFeatureH f = find_feature(l, "name", "Zhob");
    ck_assert_double_eq_tol(OGR_G_GetX(OGR_F_GetGeometryRef(f), 0), 70.0, 1e-9);
    ck_assert_double_eq_tol(OGR_G_GetY(OGR_F_GetGeometryRef(f), 0), 31.3, 1e-9);
    OGR_F_Destroy(f);
    GDALClose(ds);
}
END_TEST

START_TEST(test_export__filters_select_incidents_and_counts)
{
    make_db(true);
    struct captured c;
    char *out = in_tmp("f.gpkg");
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "gpkg", "--out", out,
                             "--quiet", "--type", "Battles", "--from", "2022", NULL),
                     0);
    captured_free(&c);
    GDALDatasetH ds = open_vector(out);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "incidents");
    ck_assert_int_eq(OGR_L_GetFeatureCount(l, TRUE), 1);
    OGRFeatureH f = find_feature(l, "uid", "t:3");
    OGR_F_Destroy(f);
    /* the summary counts only the selected event; geodata layers stay whole */
    l = GDALDatasetGetLayerByName(ds, "admin_summary");
    f = find_feature(l, "name", "Balochistan");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "events")), 1);
    OGR_F_Destroy(f);
    f = find_feature(l, "name", "Paktika");
    ck_assert_int_eq(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "events")), 0);
    OGR_F_Destroy(f);
    ck_assert_int_eq(OGR_L_GetFeatureCount(GDALDatasetGetLayerByName(ds, "border_bands"), TRUE), 8);
    GDALClose(ds);
    /* a bad filter value is a usage error before anything is written */
    ck_assert_int_eq(run_cli(&c, "--db", db, "--geodata", DN_TEST_MINI_GEODATA, "export", "--format", "gpkg", "--out",
                             in_tmp("g.gpkg"), "--min-fatalities", "lots", NULL),
                     2);
    struct stat sb;
    ck_assert_int_ne(stat(in_tmp("g.gpkg"), &sb), 0);
    captured_free(&c);
}
END_TEST

Suite *make_export_suite(void)
{
    Suite *s = suite_create("export");
    TCase *tc = tcase_create("export");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_export__geojson_is_rfc7946_and_rereads);
    tcase_add_test(tc, test_export__incident_bands_follow_the_export_edges);
    tcase_add_test(tc, test_export__shapefile_has_prj_cpg_short_names_and_map);
    tcase_add_test(tc, test_export__geopackage_rereads_with_default_styles);
    tcase_add_test(tc, test_export__kml_csv_flatgeobuf_reread);
    tcase_add_test(tc, test_export__refuses_existing_output_with_exit_4);
    tcase_add_test(tc, test_export__usage_errors);
    tcase_add_test(tc, test_export__unwritable_output_is_an_io_error);
    tcase_add_test(tc, test_export__empty_events_table_gives_empty_incidents);
    tcase_add_test(tc, test_export__border_bands_are_geodesic);
    tcase_add_test(tc, test_export__shapefile_names_are_unique_short_and_documented);
    tcase_add_test(tc, test_export__parsers);
    tcase_add_test(tc, test_export__places_on_request);
    tcase_add_test(tc, test_export__filters_select_incidents_and_counts);
    suite_add_tcase(s, tc);
    return s;
}

#!/usr/bin/env python3
"""The exported layers opened in QGIS itself (headless): valid, with the
expected feature counts and geometries, and with durand's styles applied on
open (GeoPackage: layer_styles; GeoJSON, Shapefile, FlatGeobuf, CSV: the
.qml beside; PostGIS, when $DURAND_TEST_PG names a server: the
public.layer_styles table, for tables in a schema other than public).
Skips (77) where QGIS's Python bindings are absent."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
import export_fixture as fx  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
fx.need_modules("qgis.core", "osgeo.ogr")
from qgis.core import QgsApplication, QgsDataSourceUri, QgsVectorLayer  # noqa: E402

PG_SCHEMA = "durand_e2e_qgis"

RENDERER = {"incidents": "graduatedSymbol", "durand_line": "singleSymbol", "border_bands": "categorizedSymbol",
            "admin_summary": "RuleRenderer", "crossings": "singleSymbol"}


def check_layer(uri, name, count, provider="ogr"):
    layer = QgsVectorLayer(uri, name, provider)
    dn_e2e.check(layer.isValid(), f"QGIS cannot open {uri}")
    dn_e2e.check(layer.featureCount() == count, f"{uri}: {layer.featureCount()} features, want {count}")
    dn_e2e.check(layer.crs().authid() == "EPSG:4326", f"{uri}: CRS {layer.crs().authid()}")
    no_location = 0
    for feat in layer.getFeatures():
        if name == "incidents" and not feat.hasGeometry():
            no_location += 1  # an event without a location, kept without geometry
            continue
        dn_e2e.check(feat.hasGeometry() and feat.geometry().isGeosValid(), f"{uri}: invalid geometry {feat.id()}")
    if name == "incidents":
        want = fx.NO_LOCATION - (fx.EXPECTED[name] - count)
        dn_e2e.check(no_location == want, f"{uri}: {no_location} incidents without geometry, want {want}")
    renderer = layer.renderer()
    dn_e2e.check(renderer.type() == RENDERER[name],
                 f"{uri}: renderer {renderer.type()}, want {RENDERER[name]} (style not applied)")
    if name == "incidents":
        dn_e2e.check(renderer.classAttribute() == 'coalesce("fatalities", 0)', "graduated by fatalities")
        ranges = renderer.ranges()
        sizes = [rg.symbol().size() for rg in ranges]
        dn_e2e.check(sizes == sorted(sizes) and sizes[0] < sizes[-1], f"sizes grow with fatalities: {sizes}")
        colour = ranges[0].symbol().symbolLayer(0).dataDefinedProperties().property(3)  # fillColor
        dn_e2e.check('"type"' in colour.expressionString(), "colour by type")
        dtype = layer.fields().field("date").typeName().lower()
        if uri.endswith(".csv"):
            # GDAL 3.6 writes CSV dates as 2021/03/04: durand writes ISO text instead
            dates = sorted(str(f["date"]) for f in layer.getFeatures())
            dn_e2e.check(dtype == "string" and dates[0] == "2021-03-04", f"CSV date {dtype} {dates}")
        else:
            dn_e2e.check(dtype.startswith("date"), f"date field type {dtype}")
        # the style carries the Temporal Controller settings
        msg, ok = layer.loadDefaultStyle()
        tp = layer.temporalProperties()
        dn_e2e.check(ok and tp.isActive() and tp.startField() == "date", f"temporal settings: {msg}")
    if name == "durand_line":
        dn_e2e.check(renderer.symbol().width() >= 1.0, "the line is bold")
    if name == "border_bands":
        dn_e2e.check(layer.opacity() < 1.0, "bands are translucent")
        dn_e2e.check([c.value() for c in renderer.categories()][0] == "0-10", "band categories")
    if name == "admin_summary":
        filters = [r.filterExpression() for r in renderer.rootRule().children()]
        dn_e2e.check(any('"events"' in f for f in filters), f"choropleth rules: {filters}")


def pg_export(args, env):
    """Export into PG_SCHEMA of $DURAND_TEST_PG; returns the QGIS URI of a
    table (a function of its name), or None when no server is named."""
    base = os.environ.get("DURAND_TEST_PG")
    if not base:
        print("note: DURAND_TEST_PG unset: PostGIS layers not opened in QGIS", file=sys.stderr)
        return None
    from osgeo import gdal, ogr
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    admin = ogr.Open(base, update=1)
    gdal.PopErrorHandler()
    dn_e2e.check(admin is not None, f"DURAND_TEST_PG names no server that answers: {base.split('password=')[0]}")
    admin.ExecuteSQL(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
    admin.ExecuteSQL(f"CREATE SCHEMA {PG_SCHEMA}")
    if admin.GetLayerByName("public.layer_styles") is not None:
        admin.ExecuteSQL(f"DELETE FROM public.layer_styles WHERE f_table_schema = '{PG_SCHEMA}'")
    admin = None
    r = dn_e2e.run(args, ["export", "--format", "pg", "--out", f"{base} active_schema={PG_SCHEMA}"], env=env)
    dn_e2e.check(r.code == 0, "export pg failed", r)
    conninfo = base[3:] if base.upper().startswith("PG:") else base

    def uri(table):
        u = QgsDataSourceUri(conninfo)
        u.setDataSource(PG_SCHEMA, table, "geom", "", "fid")
        return u.uri(False)
    return uri


def main():
    args = dn_e2e.parse_args()
    env = fx.make_store(args)
    out = os.path.join(args.workdir, "out")
    for fmt in ("gpkg", "geojson", "shp", "fgb", "csv"):
        r = dn_e2e.run(args, ["export", "--format", fmt, "--out", os.path.join(out, fmt)], env=env)
        dn_e2e.check(r.code == 0, f"export {fmt} failed", r)
        warned = "without a location left out" in r.err
        dn_e2e.check(warned == (fmt in fx.DROPS_NO_LOCATION), f"{fmt}: warning about left-out incidents", r)
    pg_uri = pg_export(args, env)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        for name in fx.EXPECTED:
            check_layer(f"{out}/gpkg/durand.gpkg|layername={name}", name, fx.expected_count(name, "gpkg"))
            for fmt, ext in (("geojson", "geojson"), ("shp", "shp"), ("fgb", "fgb"), ("csv", "csv")):
                check_layer(f"{out}/{fmt}/{name}.{ext}", name, fx.expected_count(name, fmt))
            if pg_uri:
                check_layer(pg_uri(name), name, fx.expected_count(name, "pg"), provider="postgres")
    finally:
        app.exitQgis()
    print("ok: layers valid and styled in QGIS", file=sys.stderr)


if __name__ == "__main__":
    main()

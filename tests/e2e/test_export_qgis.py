#!/usr/bin/env python3
"""The exported layers opened in QGIS itself (headless): valid, with the
expected feature counts and geometries, and with durand's styles applied on
open (GeoPackage: layer_styles; GeoJSON, Shapefile, FlatGeobuf, CSV: the
.qml beside). Skips (77) where QGIS's Python bindings are absent."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
import export_fixture as fx  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
fx.need_modules("qgis.core", "osgeo.ogr")
from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

RENDERER = {"incidents": "graduatedSymbol", "durand_line": "singleSymbol", "border_bands": "categorizedSymbol",
            "admin_summary": "RuleRenderer", "crossings": "singleSymbol"}


def check_layer(uri, name, count):
    layer = QgsVectorLayer(uri, name, "ogr")
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


def main():
    args = dn_e2e.parse_args()
    env = fx.make_store(args)
    out = os.path.join(args.workdir, "out")
    for fmt in ("gpkg", "geojson", "shp", "fgb", "csv"):
        r = dn_e2e.run(args, ["export", "--format", fmt, "--out", os.path.join(out, fmt)], env=env)
        dn_e2e.check(r.code == 0, f"export {fmt} failed", r)
        warned = "without a location left out" in r.err
        dn_e2e.check(warned == (fmt in fx.DROPS_NO_LOCATION), f"{fmt}: warning about left-out incidents", r)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        for name in fx.EXPECTED:
            check_layer(f"{out}/gpkg/durand.gpkg|layername={name}", name, fx.expected_count(name, "gpkg"))
            for fmt, ext in (("geojson", "geojson"), ("shp", "shp"), ("fgb", "fgb"), ("csv", "csv")):
                check_layer(f"{out}/{fmt}/{name}.{ext}", name, fx.expected_count(name, fmt))
    finally:
        app.exitQgis()
    print("ok: layers valid and styled in QGIS", file=sys.stderr)


if __name__ == "__main__":
    main()

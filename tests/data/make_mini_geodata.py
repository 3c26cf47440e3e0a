#!/usr/bin/python3
"""Build tests/data/mini-geodata/durand.gpkg: a small synthetic stand-in for
the shipped geodata (same layers and fields as geodata/durand.gpkg reads),
so export tests run fast and do not depend on the real boundaries.

The geography is made up but placed where the real one is: a five-vertex
"Durand Line" from (69.0, 31.0) to (71.2, 35.0) splits the box 64-75 E,
29-38 N into AFG (west) and PAK (east); each country has two provinces
(split at 33.5 N) and each province two districts (split at a meridian).

Run with a Python that has GDAL's bindings (Debian: /usr/bin/python3):
    /usr/bin/python3 tests/data/make_mini_geodata.py tests/data/mini-geodata/durand.gpkg
"""
import os
import sys

from osgeo import ogr, osr

ogr.UseExceptions()

LINE = [(69.0, 31.0), (69.6, 32.2), (70.3, 33.3), (71.0, 34.2), (71.2, 35.0)]
AFG = [(64, 29), (69, 29)] + LINE + [(71.2, 38), (64, 38), (64, 29)]
PAK = [(69, 29), (75, 29), (75, 38), (71.2, 38)] + LINE[::-1] + [(69, 29)]

PROVINCES = {  # name, code, country, south/north of 33.5, district split meridian
    "AFG": [("Paktika", "AF01", "S", 67.0), ("Kunar", "AF02", "N", 68.0)],
    "PAK": [("Balochistan", "PK01", "S", 72.0), ("Khyber Pakhtunkhwa", "PK02", "N", 73.0)],
}
DISTRICTS = {  # province -> (west district, east district)
    "Paktika": ("Barmal", "Urgun"),
    "Kunar": ("Asadabad", "Dangam"),
    "Balochistan": ("Zhob", "Loralai"),
    "Khyber Pakhtunkhwa": ("Bajaur", "Mohmand"),
}
CROSSINGS = [("Ghulam Khan", "PAK", 70.35, 33.25), ("Torkham", "PAK", 71.05, 34.15)]
PLACES = [(1, "Urgun", "AFG", "Paktika", "Urgun", 68.9, 31.5), (2, "Zhob", "PAK", "Balochistan", "Zhob", 70.0, 31.3),
          (3, "Asadabad", "AFG", "Kunar", "Asadabad", 67.5, 35.0)]


def poly(coords):
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in coords:
        ring.AddPoint_2D(x, y)
    p = ogr.Geometry(ogr.wkbPolygon)
    p.AddGeometry(ring)
    return p


def box(w, s, e, n):
    return poly([(w, s), (e, s), (e, n), (w, n), (w, s)])


def multi(g):
    return ogr.ForceToMultiPolygon(g)


def layer(ds, name, gtype, srs, fields):
    lyr = ds.CreateLayer(name, srs, gtype)
    for fname, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(fname, ftype))
    return lyr


def add(lyr, geom, **values):
    f = ogr.Feature(lyr.GetLayerDefn())
    for k, v in values.items():
        f.SetField(k, v)
    f.SetGeometry(geom)
    lyr.CreateFeature(f)


def main(path):
    if os.path.exists(path):
        os.remove(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    S, T, R = ogr.OFTString, ogr.OFTInteger, ogr.OFTReal
    countries = layer(ds, "countries", ogr.wkbMultiPolygon, srs, [("iso3", S), ("name", S)])
    admin1 = layer(ds, "admin1", ogr.wkbMultiPolygon, srs, [("code", S), ("name", S), ("country", S)])
    admin2 = layer(ds, "admin2", ogr.wkbMultiPolygon, srs,
                   [("name", S), ("country", S), ("province_code", S), ("province", S)])
    line = layer(ds, "durand_line", ogr.wkbLineString, srs,
                 [("name", S), ("left_iso", S), ("right_iso", S), ("length_km", R), ("source", S)])
    crossings = layer(ds, "crossings", ogr.wkbPoint, srs, [("crossing", S), ("side", S), ("source", S)])
    places = layer(ds, "places", ogr.wkbPoint, srs,
                   [("place_id", T), ("name", S), ("feature_code", S), ("country", S), ("province", S),
                    ("district", S)])
    shapes = {"AFG": poly(AFG), "PAK": poly(PAK)}
    for iso, name in (("AFG", "Afghanistan"), ("PAK", "Pakistan")):
        add(countries, multi(shapes[iso]), iso3=iso, name=name)
        for pname, code, half, split in PROVINCES[iso]:
            pgeom = shapes[iso].Intersection(box(64, 29, 75, 33.5) if half == "S" else box(64, 33.5, 75, 38))
            add(admin1, multi(pgeom), code=code, name=pname, country=iso)
            west, east = DISTRICTS[pname]
            add(admin2, multi(pgeom.Intersection(box(64, 29, split, 38))), name=west, country=iso,
                province_code=code, province=pname)
            add(admin2, multi(pgeom.Intersection(box(split, 29, 75, 38))), name=east, country=iso,
                province_code=code, province=pname)
    lg = ogr.Geometry(ogr.wkbLineString)
    for x, y in LINE:
        lg.AddPoint_2D(x, y)
    add(line, lg, name="Durand Line (test)", left_iso="AFG", right_iso="PAK", source="synthetic test fixture")
    for name, side, x, y in CROSSINGS:
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(x, y)
        add(crossings, pt, crossing=name, side=side, source="synthetic test fixture")
    for pid, name, iso, prov, dist, x, y in PLACES:
        pt = ogr.Geometry(ogr.wkbPoint)
        pt.AddPoint_2D(x, y)
        add(places, pt, place_id=pid, name=name, feature_code="PPL", country=iso, province=prov, district=dist)
    ds = None


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(os.path.dirname(os.path.abspath(__file__)), "mini-geodata", "durand.gpkg"))

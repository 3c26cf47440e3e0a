#!/usr/bin/env python3
"""Build tests/data/query/geodata/durand.gpkg: a tiny stand-in for the shipped
geodata, for the query/summary tests. Only names and hierarchy matter to those
tests (events carry their own coordinates and admin names), so areas are plain
boxes; places sit at their approximate real positions. Two fictional entries
exist to make ambiguity testable: a district "Chaman" in Kandahar (AFG) beside
the real one in Balochistan (PAK), and the village pair "Mirpur". The two real
districts "Arghandab" (in Kandahar and in Zabul, both AFG) are namesakes in
one country: only the province tells them apart (namesakes.sql has events in
them).

Run from anywhere: python3 tests/data/query/make_geodata.py (needs ogr2ogr).
"""
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "geodata", "durand.gpkg")


def box(w, s, e, n):
    return {"type": "MultiPolygon", "coordinates": [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]]}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


countries = [
    ({"iso3": "AFG", "name": "Afghanistan", "alt_names": "Islamic Emirate of Afghanistan"}, box(60, 29, 71, 38.5)),
    ({"iso3": "PAK", "name": "Pakistan", "alt_names": None}, box(71, 23.5, 77, 37)),
]
admin1 = [
    ({"code": "AF-NAN", "name": "Nangarhar", "country": "AFG", "alt_names": None}, box(69.8, 33.9, 71.1, 34.6)),
    ({"code": "AF-KAN", "name": "Kandahar", "country": "AFG", "alt_names": None}, box(64.5, 30.0, 66.9, 32.5)),
    ({"code": "AF-KHO", "name": "Khost", "country": "AFG", "alt_names": None}, box(69.5, 33.0, 70.3, 33.7)),
    ({"code": "PK-KP", "name": "Khyber Pakhtunkhwa", "country": "PAK",
      "alt_names": "KP|NWFP|North-West Frontier Province"}, box(70.5, 31.0, 74.0, 36.5)),
    ({"code": "PK-BA", "name": "Balochistan", "country": "PAK", "alt_names": "Baluchistan"}, box(61.0, 24.8, 70.3, 32.1)),
    ({"code": "AF-ZAB", "name": "Zabul", "country": "AFG", "alt_names": None}, box(66.9, 32.1, 68.2, 33.0)),
]
admin2 = [
    ("Jalalabad", "AFG", "AF-NAN", "Nangarhar", box(70.3, 34.3, 70.6, 34.5)),
    ("Mohmand Dara", "AFG", "AF-NAN", "Nangarhar", box(70.9, 34.1, 71.1, 34.3)),
    ("Kandahar", "AFG", "AF-KAN", "Kandahar", box(65.5, 31.4, 65.9, 31.8)),
    ("Spin Boldak", "AFG", "AF-KAN", "Kandahar", box(66.0, 30.7, 66.5, 31.3)),
    ("Chaman", "AFG", "AF-KAN", "Kandahar", box(66.0, 31.3, 66.3, 31.5)),  # fictional
    ("Khost", "AFG", "AF-KHO", "Khost", box(69.8, 33.2, 70.1, 33.5)),
    ("Khyber", "PAK", "PK-KP", "Khyber Pakhtunkhwa", box(71.0, 33.8, 71.4, 34.3)),
    ("Kurram", "PAK", "PK-KP", "Khyber Pakhtunkhwa", box(69.9, 33.3, 70.6, 34.1)),
    ("Peshawar", "PAK", "PK-KP", "Khyber Pakhtunkhwa", box(71.4, 33.9, 71.8, 34.2)),
    ("Chaman", "PAK", "PK-BA", "Balochistan", box(66.4, 30.7, 66.8, 31.1)),
    ("Quetta", "PAK", "PK-BA", "Balochistan", box(66.8, 30.0, 67.2, 30.4)),
    # namesakes in one country: two real districts, told apart by their province
    ("Arghandab", "AFG", "AF-KAN", "Kandahar", box(65.5, 31.8, 65.9, 32.1)),
    ("Arghandab", "AFG", "AF-ZAB", "Zabul", box(66.9, 32.3, 67.3, 32.7)),
]
places = [
    # place_id, name, feature_code, country, province_code, province, district, lon, lat, population, alt_names
    (1, "Jalalabad", "PPLA", "AFG", "AF-NAN", "Nangarhar", "Jalalabad", 70.4515, 34.4265, 200000, None),
    (2, "Torkham", "PPL", "AFG", "AF-NAN", "Nangarhar", "Mohmand Dara", 71.0900, 34.1000, 5000, None),
    (3, "Landi Kotal", "PPL", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Khyber", 71.1410, 34.0980, 20000,
     "Landikotal|Landi Kotal Bazar"),
    (4, "Peshawar", "PPLA", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Peshawar", 71.5780, 34.0080, 1900000, "Pekhawar"),
    (5, "Khost", "PPLA", "AFG", "AF-KHO", "Khost", "Khost", 69.9204, 33.3395, 100000, "Khowst|Matun"),
    (6, "Spin Boldak", "PPL", "AFG", "AF-KAN", "Kandahar", "Spin Boldak", 66.3980, 31.0060, 15000, None),
    (7, "Chaman", "PPL", "PAK", "PK-BA", "Balochistan", "Chaman", 66.4520, 30.9170, 120000, None),
    (8, "Quetta", "PPLA", "PAK", "PK-BA", "Balochistan", "Quetta", 67.0000, 30.1830, 1000000, None),
    (9, "Mirpur", "PPL", "AFG", "AF-NAN", "Nangarhar", "Jalalabad", 70.5000, 34.5000, 800, None),
    (10, "Mirpur", "PPL", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Kurram", 70.1000, 33.9000, 600, None),
    (11, "Bagram", "PPLA2", "AFG", None, "Parwan", "Bagram", 69.2600, 34.9700, 50000, None),
    (12, "Bagram", "PPL", "AFG", "AF-NAN", "Nangarhar", "Jalalabad", 70.3000, 34.3000, 300, None),
]


def fc(features):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": g} for p, g in features]}


def main():
    layers = {
        "countries": fc(countries),
        "admin1": fc(admin1),
        "admin2": fc([({"name": n, "country": c, "province_code": pc, "province": p}, g)
                      for n, c, pc, p, g in admin2]),
        "durand_line": fc([({"name": "Durand Line", "left_iso": "AFG", "right_iso": "PAK", "length_km": None},
                            {"type": "LineString", "coordinates": [[66.5, 29.5], [66.45, 30.95], [69.3, 31.9],
                                                                   [70.0, 33.5], [71.1, 34.1], [71.6, 36.0]]})]),
        "crossings": fc([({"crossing": "Torkham", "side": "AFG|PAK"}, point(71.0960, 34.1120)),
                         ({"crossing": "Chaman-Spin Boldak", "side": "AFG|PAK"}, point(66.4300, 30.9500))]),
        "places": fc([({"place_id": i, "name": n, "feature_code": k, "country": c, "province_code": pc,
                        "province": p, "district": d, "population": pop, "alt_names": alt, "is_current": 1},
                       point(lon, lat)) for i, n, k, c, pc, p, d, lon, lat, pop, alt in places]),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    if os.path.exists(OUT):
        os.remove(OUT)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in layers.items():
            src = os.path.join(tmp, name + ".geojson")
            with open(src, "w", encoding="utf-8") as f:
                json.dump(data, f)
            mode = ["-update", "-append"] if os.path.exists(OUT) else []
            subprocess.run(["ogr2ogr", "-f", "GPKG", *mode, OUT, src, "-nln", name, "-a_srs", "EPSG:4326"],
                           check=True)
    print("wrote", OUT)


if __name__ == "__main__":
    main()

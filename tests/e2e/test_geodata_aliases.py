#!/usr/bin/env python3
"""The geodata loader's gazetteer side on a tiny made-up geodata folder.

- admin areas become places (linked to a label point of the same name, or
  added), so districts, provinces and countries resolve with their area;
- geodata/aliases.csv is loaded as names of rank 1 with source 'aliases.csv',
  a pinned place_id is honoured, and a target that names no place fails
  `durand init` with the file, line and alias (exit 6), leaving the loaded
  layers intact;
- learned names survive a reload of the geodata.
Needs ogr2ogr (GDAL) and the sqlite3 shell with mod_spatialite; skips without.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402


def box(w, s, e, n):
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def layer(features):
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


LAYERS = {
    "countries": ("MULTIPOLYGON", [({"iso3": "AFG", "name": "Afghanistan", "area_km2": 650000.0}, box(60, 29, 70, 38)),
                                   ({"iso3": "PAK", "name": "Pakistan", "area_km2": 880000.0}, box(70, 24, 78, 37))]),
    "admin1": ("MULTIPOLYGON", [({"code": "PK-KP", "name": "Khyber Pakhtunkhwa", "country": "PAK", "area_km2": 100000.0},
                                 box(70, 31, 74, 36)),
                                ({"code": "AF-NAN", "name": "Nangarhar", "country": "AFG", "area_km2": 7700.0},
                                 box(69.5, 33.9, 69.99, 34.6))]),
    "admin2": ("MULTIPOLYGON", [({"name": "Bajaur", "country": "PAK", "province_code": "PK-KP",
                                  "province": "Khyber Pakhtunkhwa", "area_km2": 1290.0, "alt_names": "Bajaur Agency"},
                                 box(71.0, 34.5, 71.3, 35.0)),
                                ({"name": "Khyber", "country": "PAK", "province_code": "PK-KP",
                                  "province": "Khyber Pakhtunkhwa", "area_km2": 2576.0}, box(70.5, 33.7, 71.3, 34.3))]),
    "historical_regions": ("MULTIPOLYGON", [({"code": "PK-TA", "name": "Federally Administered Tribal Areas",
                                              "country": "PAK"}, box(70, 32, 71.3, 35))]),
    "durand_line": ("LINESTRING", [({"name": "Durand Line", "left_iso": "AFG", "right_iso": "PAK"},
                                    {"type": "LineString", "coordinates": [[70, 29], [70, 37]]})]),
    "crossings": ("POINT", [({"crossing": "Torkham", "side": "PAK"}, point(71.08, 34.11))]),
    "places": ("POINT", [
        ({"place_id": 1, "name": "Khar", "feature_code": "PPL", "placetype": "locality", "country": "PAK",
          "province_code": "PK-KP", "province": "Khyber Pakhtunkhwa", "district": "Bajaur"}, point(71.16, 34.74)),
        ({"place_id": 2, "name": "Khar", "feature_code": "PPL", "placetype": "locality", "country": "PAK",
          "province_code": "PK-KP", "province": "Khyber Pakhtunkhwa", "district": "Khyber"}, point(70.9, 34.0)),
        # a label point for Khyber district, as Who's On First has them
        ({"place_id": 3, "name": "Khyber", "alt_names": "Khyber Agency", "feature_code": "ADM2", "placetype": "county",
          "country": "PAK", "province_code": "PK-KP", "province": "Khyber Pakhtunkhwa", "district": "Khyber"},
         point(71.0, 34.0)),
        ({"place_id": 4, "name": "Landi Kotal", "feature_code": "PPL", "placetype": "locality", "country": "PAK",
          "province_code": "PK-KP", "province": "Khyber Pakhtunkhwa", "district": "Khyber"}, point(71.15, 34.1)),
    ]),
}

GOOD_ALIASES = ("alias,target,target_kind,country,note\n"
                "NWFP,Khyber Pakhtunkhwa,admin1,PAK,old name\n"
                "FATA,Federally Administered Tribal Areas,historical_region,PAK,merged 2018\n"
                "Bajour,Bajaur,admin2,PAK,press spelling\n"
                "Khyber Pass,Landi Kotal,place,PAK,the pass town\n"
                "Khar Bajaur,Khar,place,PAK,\"pinned, place_id=1\"\n")


def make_geodata(args, folder, aliases):
    os.makedirs(folder, exist_ok=True)
    gpkg = os.path.join(folder, "durand.gpkg")
    if os.path.exists(gpkg):
        os.remove(gpkg)
    for name, (gtype, feats) in LAYERS.items():
        src = os.path.join(args.workdir, name + ".geojson")
        with open(src, "w", encoding="utf-8") as f:
            json.dump(layer(feats), f)
        cmd = ["ogr2ogr", "-f", "GPKG", gpkg, src, "-nln", name, "-nlt", gtype]
        if os.path.exists(gpkg):
            cmd.insert(1, "-update")
        subprocess.run(cmd, check=True, capture_output=True)
    with open(os.path.join(folder, "aliases.csv"), "w", encoding="utf-8") as f:
        f.write(aliases)
    os.makedirs(os.path.join(folder, "lexicons"), exist_ok=True)
    shutil.copy(os.path.join(args.source_dir, "geodata", "lexicons", "mention_stoplist.txt"),
                os.path.join(folder, "lexicons"))


def geocode(args, env, *names):
    r = dn_e2e.run(args, ["geocode", "--format", "json", *names], env=env)
    dn_e2e.check(r.code == 0, f"geocode {names}", r)
    return json.loads(r.out)


def main():
    args = dn_e2e.parse_args()
    if not shutil.which("ogr2ogr") or not shutil.which("sqlite3"):
        print("skip: needs ogr2ogr and sqlite3")
        sys.exit(dn_e2e.SKIP)
    geo = os.path.join(args.workdir, "geodata")
    make_geodata(args, geo, GOOD_ALIASES)
    env = {"DURAND_GEODATA": geo}
    r = dn_e2e.run(args, ["init"], env=env)
    dn_e2e.check(r.code == 0, "init with good aliases", r)

    got = geocode(args, env, "NWFP", "FATA", "Bajour", "Khyber Pass", "Khar Bajaur", "Khyber", "Nangarhar",
                  "Afghanistan")
    by = {g["query"]: g for g in got}
    dn_e2e.check(by["NWFP"]["name"] == "Khyber Pakhtunkhwa" and by["NWFP"]["precision"] == "province", "NWFP", got)
    dn_e2e.check(by["FATA"]["name"] == "Federally Administered Tribal Areas", "FATA", got)
    dn_e2e.check(by["Bajour"]["name"] == "Bajaur" and by["Bajour"]["precision"] == "district", "Bajour", got)
    # radius from the area: sqrt(1290 / pi) = 20.3 km
    dn_e2e.check(abs(by["Bajour"]["radius_km"] - 20.3) < 0.05, "Bajaur radius", got)
    dn_e2e.check(by["Khyber Pass"]["name"] == "Landi Kotal", "alias of a place", got)
    dn_e2e.check(by["Khar Bajaur"]["place_id"] == 1, "pinned alias", got)
    # the district resolves to the label point that was linked to its polygon
    dn_e2e.check(by["Khyber"]["place_id"] == 3 and by["Khyber"]["precision"] == "district", "Khyber linked", got)
    dn_e2e.check(by["Nangarhar"]["kind"] == "ADM1" and by["Afghanistan"]["precision"] == "country", "added areas", got)

    db = os.path.join(args.workdir, "durand.sqlite")
    out = subprocess.run(["sqlite3", db, "SELECT count(*) FROM place_names WHERE source = 'aliases.csv' AND rank = 1"],
                         capture_output=True, text=True, check=True).stdout.strip()
    dn_e2e.check(out == "5", f"5 alias rows expected, found {out}")

    # a learned place (as ingest would add one) survives a forced reload
    subprocess.run(["sqlite3", db, ".load mod_spatialite",
                    "INSERT INTO places(id, name, kind, placetype, country, province, district, is_current, source,"
                    " geom) VALUES (2199023255553, 'Inzari Kandao', 'LEARNED', 'locality', 'PAK', 'Khyber Pakhtunkhwa',"
                    " 'Khyber', 1, 'learned:a.csv', MakePoint(71.1, 34.05, 4326));"
                    "INSERT INTO place_names(place_id, name, key, script, rank, source)"
                    " VALUES (2199023255553, 'Inzari Kandao', 'inzari kandao', 'Latn', 3, 'learned:a.csv');"],
                   capture_output=True, text=True, check=True)
    r = dn_e2e.run(args, ["init", "--force", "--quiet"], env=env)
    dn_e2e.check(r.code == 0, "forced reload", r)
    got = geocode(args, env, "Inzari Kandao")
    dn_e2e.check(got[0]["status"] == "resolved" and got[0]["kind"] == "LEARNED", "learned place after reload", got)
    r = dn_e2e.run(args, ["places", "--learned", "--format", "csv"], env=env)
    dn_e2e.check("Inzari Kandao" in r.out and ",a.csv\r\n" in r.out, "places --learned", r)

    # a target that names nothing: init fails naming file, line and alias; the old layers stay
    with open(os.path.join(geo, "aliases.csv"), "a", encoding="utf-8") as f:
        f.write("Atlantis Agency,Atlantis,admin2,PAK,no such district\n")
    r = dn_e2e.run(args, ["init"], env=env)
    dn_e2e.check(r.code == 6, "init must fail on a missing alias target", r)
    want = "aliases.csv:7: alias 'Atlantis Agency': no place 'Atlantis' of kind admin2 in PAK in the gazetteer"
    dn_e2e.check(want in r.err, "error names file, line and alias", r)
    out = subprocess.run(["sqlite3", db, "SELECT count(*) FROM place_names WHERE source = 'aliases.csv';"
                          "SELECT count(*) FROM places WHERE kind = 'LEARNED'"],
                         capture_output=True, text=True, check=True).stdout.split()
    dn_e2e.check(out == ["5", "1"], f"previous layers intact after a failed reload: {out}")
    # and every command reports the broken geodata rather than working on half of it
    r = dn_e2e.run(args, ["geocode", "NWFP"], env=env)
    dn_e2e.check(r.code == 6 and "aliases.csv:7" in r.err, "geocode with broken geodata", r)
    # a pin that points at another name fails too
    with open(os.path.join(geo, "aliases.csv"), "w", encoding="utf-8") as f:
        f.write(GOOD_ALIASES + "Landi,Landi Kotal,place,PAK,place_id=1\n")
    r = dn_e2e.run(args, ["init"], env=env)
    dn_e2e.check(r.code == 6 and "aliases.csv:7: alias 'Landi': place_id=1 is not a place named 'Landi Kotal'"
                 in r.err, "bad pin", r)
    print("ok: geodata aliases and admin places")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""`durand init` loads the geodata once and again only when it changed, and
`durand places NAME --format json` speaks the field names of `durand geocode`.

- a second plain `init` reports the same geodata version as "already
  loaded", leaves `info` as it was (but for the gazetteer image, which the
  hand change below dropped and the init made again) and does not touch
  the loaded rows (a
  row changed by hand stays changed until `init --force`, which keeps the
  names learned from ingested rows); on the shipped
  geodata it takes a fraction of the time of a reload;
- a changed GeoPackage (a copy of the test geodata with one place added and
  one renamed by ogr2ogr/ogrinfo) is picked up by a plain `init`, without
  --force: new version, new counts, the new and renamed places answer;
- `places NAME --format json` and `geocode NAME --format json` share the
  fields place_id, name, kind, lat, lon, country, province, district,
  precision, radius_km, match, with the same values for the same place.
Needs ogr2ogr, ogrinfo and the sqlite3 shell; skips without.
"""
# fixture: geodata_db
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

SHARED = {"place_id", "name", "kind", "lat", "lon", "country", "province", "district", "precision", "radius_km",
          "match"}


def init(args, env, *extra):
    r = dn_e2e.run(args, ["init", *extra], env=env)
    check(r.code == 0, f"init {extra}", r)
    return r


def info(args, env):
    r = dn_e2e.run(args, ["info", "--format", "json"], env=env)
    check(r.code == 0, "info", r)
    return json.loads(r.out)


def sql(db, statement):
    proc = subprocess.run(["sqlite3", db], input=".bail on\n.load mod_spatialite\n" + statement,
                          capture_output=True, text=True, timeout=120)
    check(proc.returncode == 0, f"sqlite3 {statement}: {proc.stderr}")
    return proc.stdout.strip()


def places(args, env, name):
    r = dn_e2e.run(args, ["places", name, "--format", "json"], env=env)
    check(r.code == 0, f"places {name}", r)
    return json.loads(r.out)


def loaded_version(result):
    """The version in "geodata V loaded: ..." (None when not loaded)."""
    words = result.err.split()
    if "geodata" in words:
        i = words.index("geodata")
        if i + 2 < len(words) and words[i + 2] == "loaded:":
            return words[i + 1]
    return None


def reinit_does_not_reload(args, env, db):
    r1 = init(args, env)
    v1 = loaded_version(r1)
    check(v1 is not None and len(v1) == 16, "first init loads the geodata", r1)
    before = info(args, env)
    check(before["geodata_version"] == v1 and before["places"] == 17, f"info after the first init: {before}")
    # a row changed by hand: a reload would write it back
    sql(db, "UPDATE places SET name = 'Urgun (marked)' WHERE id = 1;")
    r2 = init(args, env)
    check(f"geodata {v1} already loaded" in r2.err and loaded_version(r2) is None, "second init does not reload", r2)
    after = info(args, env)
    # the hand change dropped the gazetteer's image, and this init made it again (a name longer)
    check(before["gazetteer_image"] == "current" and after["gazetteer_image"] == "current",
          f"init leaves a current gazetteer image: {before} then {after}")
    check(after["gazetteer_image_bytes"] > before["gazetteer_image_bytes"], "the new image holds the longer name")
    check({k: v for k, v in after.items() if k != "gazetteer_image_bytes"} ==
          {k: v for k, v in before.items() if k != "gazetteer_image_bytes"}, "info unchanged by a second init")
    check(sql(db, "SELECT name FROM places WHERE id = 1;") == "Urgun (marked)", "second init left the rows alone")
    # a name learned from a row with coordinates survives the reload
    table = os.path.join(args.workdir, "learn.csv")
    with open(table, "w", encoding="utf-8") as f:
        f.write("event_date,location,latitude,longitude,fatalities\n2024-01-02,Zarghun Kalay,31.55,68.95,1\n")
    r = dn_e2e.run(args, ["ingest", "--report", "json", table], env=env)
    check(r.code == 0 and json.loads(r.out)["learned"] == 1, "ingest learns a name", r)
    r3 = init(args, env, "--force")
    check(loaded_version(r3) == v1, "--force reloads the same version", r3)
    check(sql(db, "SELECT name FROM places WHERE id = 1;") == "Urgun", "--force wrote the row back")
    learned = json.loads(dn_e2e.run(args, ["places", "--learned", "--format", "json"], env=env).out)
    check([(p["name"], p["district"], p["sources"]) for p in learned] == [("Zarghun Kalay", "Urgun", "learn.csv")],
          f"--force keeps the learned name: {learned}")
    r = dn_e2e.run(args, ["geocode", "Zarghun Kalay", "--format", "json"], env=env)
    check(r.code == 0 and json.loads(r.out)[0]["kind"] == "LEARNED", "geocode finds it after the reload", r)
    # the counts below are the geodata's own
    sql(db, "DELETE FROM place_names WHERE source LIKE 'learned:%'; DELETE FROM places WHERE kind = 'LEARNED';"
            " DELETE FROM events; DELETE FROM ingest_files;")
    now = info(args, env)
    # deleting rows by hand in SQL dropped the gazetteer's image
    check(now["gazetteer_image"] == "none" and now["gazetteer_image_bytes"] == 0, f"no image after SQL by hand: {now}")
    image = ("gazetteer_image", "gazetteer_image_bytes")
    check({k: v for k, v in now.items() if k not in image} == {k: v for k, v in before.items() if k not in image},
          "as before the ingest")
    return v1, before


def touched_gpkg_is_hashed_not_reloaded(args, env, db, gpkg, v1):
    """The files' stamp (size, mtime, inode) stands for their bytes while it
    holds; a new mtime over the same bytes is hashed again, found the same,
    and the new stamp recorded."""
    stamp = sql(db, "SELECT value FROM meta WHERE key = 'geodata_stamp';")
    check(stamp.count("|") == 1 and stamp.split(".")[0] == str(os.path.getsize(gpkg)),
          f"the load recorded the files' stamp: {stamp!r}")
    sql(db, "UPDATE places SET name = 'Urgun (marked)' WHERE id = 1;")
    st = os.stat(gpkg)
    os.utime(gpkg, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    r = init(args, env)
    check(f"geodata {v1} already loaded" in r.err and loaded_version(r) is None, "same bytes, new mtime: no reload", r)
    again = sql(db, "SELECT value FROM meta WHERE key = 'geodata_stamp';")
    check(again != stamp and again.split("|")[0].split(".")[1] == str(st.st_mtime_ns // 1_000_000_000 + 1),
          f"the new stamp is recorded: {stamp!r} -> {again!r}")
    check(sql(db, "SELECT name FROM places WHERE id = 1;") == "Urgun (marked)", "no reload wrote the row back")
    sql(db, "UPDATE places SET name = 'Urgun' WHERE id = 1;")


def changed_gpkg_is_picked_up(args, env, gpkg, v1, before):
    # one place added (ogr2ogr -append), one renamed (SQL through ogrinfo)
    new = os.path.join(args.workdir, "new_place.geojson")
    with open(new, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": [{
            "type": "Feature",
            "properties": {"place_id": 4, "name": "Shkin", "feature_code": "PPL", "country": "AFG",
                           "province": "Paktika", "district": "Barmal"},
            "geometry": {"type": "Point", "coordinates": [65.75, 31.2]}}]}, f)
    subprocess.run(["ogr2ogr", "-update", "-append", "-nln", "places", gpkg, new], check=True, capture_output=True)
    subprocess.run(["ogrinfo", gpkg, "-sql", "UPDATE places SET name = 'Orgun' WHERE place_id = 1"], check=True,
                   capture_output=True)

    r = init(args, env)
    v2 = loaded_version(r)
    check(v2 is not None and v2 != v1, f"plain init reloads a changed GeoPackage (was {v1})", r)
    check("18 places" in r.err, "the load counts the added place", r)
    after = info(args, env)
    check(after["geodata_version"] == v2 and after["places"] == before["places"] + 1, f"info: {after}")
    got = places(args, env, "Shkin")
    check(len(got) == 1 and got[0]["place_id"] == 4 and got[0]["lon"] == 65.75 and got[0]["lat"] == 31.2
          and got[0]["district"] == "Barmal", f"the added place: {got}")
    got = places(args, env, "Orgun")
    check([(p["place_id"], p["kind"]) for p in got] == [(1, "PPL")], f"the renamed place: {got}")
    check(all(p["place_id"] != 1 for p in places(args, env, "Urgun")), "the old name of the renamed place is gone")
    # and the next plain init is quiet again
    r = init(args, env)
    check(f"geodata {v2} already loaded" in r.err, "init after the reload", r)


def places_fields_match_geocode(args, env):
    for name in ("Zhob", "Urgun"):
        listed = places(args, env, name)
        r = dn_e2e.run(args, ["geocode", name, "--format", "json"], env=env)
        check(r.code == 0, f"geocode {name}", r)
        coded = json.loads(r.out)
        check(len(coded) == 1 and coded[0]["status"] == "resolved", f"geocode {name}: {coded}")
        check(len(listed) >= 1, f"places {name}: {listed}")
        shared = set(listed[0]) & set(coded[0])
        check(shared == SHARED, f"fields shared by places and geocode: {sorted(shared)}")
        # the best place of each, with the same values under the same names
        for k in sorted(SHARED):
            check(listed[0][k] == coded[0][k], f"{name}: {k} is {listed[0][k]!r} in places, {coded[0][k]!r} in geocode")
        for row in listed:
            check(set(row) == set(listed[0]), f"places {name}: every row has the same fields: {row}")


def shipped_reinit_is_fast(args):
    db = dn_e2e.fresh_geodata_db(args, "shipped.sqlite")
    env = {"DURAND_DB": db}
    t0 = time.monotonic()
    r = init(args, env)
    plain = time.monotonic() - t0
    check("already loaded" in r.err, "init on a loaded database with the same geodata", r)
    if args.wrapper:
        # under valgrind a reload of the shipped geodata takes many minutes,
        # and a timing comparison there measures valgrind
        print(f"shipped geodata: plain init {plain:.2f} s; reload not timed under {args.wrapper.split()[0]}")
        return
    t0 = time.monotonic()
    r = init(args, env, "--force")
    forced = time.monotonic() - t0
    check(loaded_version(r) is not None, "init --force reloads", r)
    print(f"shipped geodata: plain init {plain:.2f} s, reload {forced:.2f} s")
    # a plain init only hashes the files and reads one row; a reload writes
    # some 170,000 places and 335,000 names
    check(plain < forced / 5, f"a plain init ({plain:.2f} s) is not much faster than a reload ({forced:.2f} s)")


def main():
    args = dn_e2e.parse_args()
    if not all(shutil.which(t) for t in ("ogr2ogr", "ogrinfo", "sqlite3")):
        print("skip: needs ogr2ogr, ogrinfo and sqlite3")
        sys.exit(dn_e2e.SKIP)
    geo = os.path.join(args.workdir, "geodata")
    shutil.copytree(os.path.join(args.source_dir, "tests", "data", "mini-geodata"), geo)
    db = os.path.join(args.workdir, "mini.sqlite")
    env = {"DURAND_GEODATA": geo, "DURAND_DB": db}
    v1, before = reinit_does_not_reload(args, env, db)
    places_fields_match_geocode(args, env)
    touched_gpkg_is_hashed_not_reloaded(args, env, db, os.path.join(geo, "durand.gpkg"), v1)
    changed_gpkg_is_picked_up(args, env, os.path.join(geo, "durand.gpkg"), v1, before)
    shipped_reinit_is_fast(args)
    print("ok: init loads once, reloads on change; places fields match geocode")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The lookup memos of an ingest — the geocoder's (a name with the same admin
names gives the same candidates) and the run's memo of located points (admin
areas and Durand Line check of a point seen before) — change nothing: the same files ingested with
DURAND_NO_LOOKUP_CACHE=1 and without leave the same events, the same learned
places and names, and the same report. The file mixes what the memo must get
right: many gazetteer names with right, wrong and missing admin columns,
points near and far from the named place, the same point again and again,
rows without coordinates,
misspellings (fuzzy matches), unknown names that are learned from one row and
then resolve later rows, and names that turn up again after a name was
learned."""
# fixture: geodata_db
import csv
import json
import os
import random
import struct
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()


def fresh_db(name):
    return dn_e2e.fresh_geodata_db(args, name)


# gazetteer places near the line, with their admin names, to name in rows
con = sqlite3.connect(fresh_db("names.sqlite"))
places = []
for name, prov, dist, country, geom in con.execute(
        "SELECT name, province, district, country, geom FROM places"
        " WHERE kind LIKE 'PPL%' AND country IN ('AFG', 'PAK') AND geom IS NOT NULL ORDER BY id"):
    lon, lat = struct.unpack("<dd" if geom[1] == 1 else ">dd", geom[43:59])  # a SpatiaLite POINT blob
    if 66 <= lon <= 72 and 29 <= lat <= 36:
        places.append((name, prov, dist, country, lat, lon))
con.close()
places = places[::max(1, len(places) // 400)][:400]
check(len(places) >= 50, f"enough gazetteer places to name ({len(places)})")

rng = random.Random(20261128)
rows = []
unknown = ["Zarghunkot", "Spinwamkhel", "Darekhpura", "Mirkhanzai Bala"]
for i in range(6000):
    name, prov, dist, country, lat, lon = places[rng.randrange(len(places))]
    kind = rng.randrange(10)
    lat2, lon2 = lat + rng.uniform(-0.03, 0.03), lon + rng.uniform(-0.03, 0.03)
    if kind in (5, 6, 7):  # the place's own point, as real exports give it: points repeat
        lat2, lon2 = lat, lon
    if kind == 0:  # far from the named place
        lat2, lon2 = lat + rng.choice([-1.5, 0.8, 2.5]), lon + rng.choice([-1.2, 0.6, 1.9])
    if rng.random() < 0.1:  # misspelt
        name = name[:-1] + ("a" if name[-1] != "a" else "e") if len(name) > 4 else name
    if kind == 2:  # wrong or missing admin names
        prov, dist = rng.choice([(None, None), ("Balochistan", None), (prov, "Kurram")])
    if kind == 3:  # an unknown name at a point: learned, later rows resolve it
        name = unknown[rng.randrange(len(unknown))]
        lat2, lon2 = 33.1 + unknown.index(name) * 0.4, 69.6 + unknown.index(name) * 0.3
    if kind == 4:  # a name nobody knows, and no point: the admin names must do
        name = "Qxwyrtz"
    coords = kind != 4 and rng.random() > 0.2  # rows without coordinates
    rows.append([f"m{i}", f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}", name, prov or "", dist or "",
                 "Pakistan" if country == "PAK" else "Afghanistan",
                 f"{lat2:.5f}" if coords else "", f"{lon2:.5f}" if coords else "", str(i % 7)])

mixed = os.path.join(args.workdir, "mixed.csv")
with open(mixed, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "date", "place", "province", "district", "country", "latitude", "longitude", "killed"])
    w.writerows(rows)

fixtures = os.path.join(args.source_dir, "tests", "data", "ingest")
files = [mixed] + [os.path.join(fixtures, n) for n in ("acled_2023.csv", "ucdp_ged.csv", "generic_messy.csv")]

EVENT_COLUMNS = ("uid, source_kind, source, source_ref, source_id, row_hash, date, date_precision, type, sub_type,"
                 " actor1, actor2, place, place_id, country, province, province_code, district, lon, lat, precision,"
                 " radius_km, fatalities, fatalities_low, fatalities_high, injured, side, side_certain, border_km,"
                 " band, crossing, crossing_km, confidence, excerpt, notes, span_start, span_end, flags, cluster_id,"
                 " hex(geom)")


def ingest(name, env):
    db = fresh_db(name)
    r = dn_e2e.run(args, ["--db", db, "ingest", *files, "--report", "json"], env=env)
    check(r.code in (0, 1), f"ingest ({name}) exit {r.code}", r)
    report = json.loads(r.out)
    con = sqlite3.connect(db)
    try:
        events = con.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall()
        learned = con.execute("SELECT id, name, kind, country, province, district, hex(geom) FROM places"
                              " WHERE kind = 'LEARNED' ORDER BY id").fetchall()
        names = con.execute("SELECT place_id, name, key, source FROM place_names WHERE source LIKE 'learned:%'"
                            " ORDER BY place_id, key, source").fetchall()
    finally:
        con.close()
    return report, events, learned, names


plain = ingest("nocache.sqlite", {"DURAND_NO_LOOKUP_CACHE": "1"})
cached = ingest("cache.sqlite", {"DURAND_NO_LOOKUP_CACHE": "0"})

report, events, learned, names = cached
check(report["read"] >= 6000 and len(events) >= 6000, f"rows stored: {report}")
check(report["learned"] > 0 and learned, f"names were learned: {report}")
flags = " ".join(e[37] or "" for e in events)
for flag in ("place_far_from_coords", "admin_fallback", "place_fuzzy", "place_ambiguous", "coord_conflict"):
    check(flag in flags, f"the file exercises {flag}")
check(any(e[13] for e in events), "rows linked to gazetteer places")
points = [(e[18], e[19]) for e in events if e[18] is not None]
check(len(points) - len(set(points)) > 1000, "points repeat")

check(plain[0] == cached[0], f"same report: {plain[0]} vs {cached[0]}")
check(plain[2] == cached[2], "same learned places")
check(plain[3] == cached[3], "same learned names")
check(len(plain[1]) == len(cached[1]), "same number of events")
diff = [(a, b) for a, b in zip(plain[1], cached[1]) if a != b]
check(not diff, f"{len(diff)} events differ; first: {diff[:1]}")
print(f"ok: {len(events)} events, {len(learned)} learned places, identical with and without the memo")

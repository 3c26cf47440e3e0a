#!/usr/bin/env python3
"""durand ingest on messy files, through the CLI (the readers' unit tests
cover the parsing itself): Windows-1252 with CR-only line ends, a blank
row + second header + totals row, day-first dates, a generic CSV that needs
--map, and a GeoJSON layer read through OGR. Fixtures:
tests/data/ingest_e2e/ (made by make_fixtures.py there)."""
# fixture: geodata_db
import json
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
data = os.path.join(args.source_dir, "tests", "data", "ingest_e2e")
db = os.path.join(args.workdir, "durand.sqlite")
fixture_db = os.path.join(args.workdir, "..", "geodata.sqlite")
if os.path.exists(fixture_db):
    shutil.copyfile(fixture_db, db)


def ingest(name, *opts):
    r = dn_e2e.run(args, ["--db", db, "ingest", os.path.join(data, name), *opts, "--report", "json"])
    check(r.code == 0, f"ingest {name}", r)
    return json.loads(r.out), r


def events(like):
    con = sqlite3.connect(db)
    try:
        return {row[0].split(":")[-1]: tuple(row[1:]) for row in con.execute(
            "SELECT uid, date, place, fatalities, injured, lon, lat, country, district, flags, notes, type"
            " FROM events WHERE uid LIKE ? ORDER BY uid", (like,))}
    finally:
        con.close()


# Windows-1252 + CR-only: converted to UTF-8 with one warning, every row kept
rep, r = ingest("cp1252_cr.csv")
check(rep["read"] == 3 and rep["stored"] == 3, f"cp1252: {rep}", r)
check("cp1252_cr.csv:2: the file is not UTF-8; reading it as Windows-1252" in r.err, "one encoding warning", r)
ev = events("%cp1252_cr.csv@%")
check(ev["w1"][9] == "Gunmen attacked a checkpost \u2013 \u201ctwo soldiers\u201d killed", f"w1 notes {ev['w1']}")
check(ev["w2"][9] == "A protest at the caf\u00e9 near the gate \u2013 no casualties", f"w2 notes {ev['w2']}")
check([ev[k][7] for k in ("w1", "w2", "w3")] == ["South Waziristan", "Chaman", "Khyber"], f"districts {ev}")
check(ev["w3"][0] == "2023-04-04" and ev["w3"][2] == 1, f"the last CR-terminated row is whole: {ev['w3']}")

# blank row, repeated header and totals row: skipped with warnings, never stored
rep, r = ingest("totals_header.csv")
check(rep["read"] == 3 and rep["stored"] == 3 and rep["skipped"] == 3 and rep["rejected"] == 0, f"totals: {rep}", r)
check("totals_header.csv:5: skipped a repeated header row" in r.err, "second header warned", r)
check("totals_header.csv:7: skipped a totals/footer row" in r.err, "totals row warned", r)
ev = events("%totals_header.csv@%")
check(sorted(ev) == ["t1", "t2", "t3"] and sum(e[2] for e in ev.values()) == 8, f"only the data rows: {ev}")

# day-first dates, decided for the whole file by 13/05/2023
rep, r = ingest("dayfirst.csv")
check(rep["stored"] == 3, f"dayfirst: {rep}", r)
ev = events("%dayfirst.csv@%")
check([ev[k][0] for k in ("d1", "d2", "d3")] == ["2023-05-13", "2023-06-02", "2024-01-07"], f"dates {ev}")

# a generic CSV that only --map can read
rep, r = ingest("mapped.csv", "--map", "id=Incident Ref", "--map", "date=When", "--map", "place=Village",
                "--map", "latitude=North", "--map", "longitude=East", "--map", "killed=Dead",
                "--map", "injured=Hurt", "--map", "district=Region")
check(rep["stored"] == 2 and rep["rejected"] == 0, f"mapped: {rep}", r)
ev = events("%mapped.csv@%")
check(ev["m1"][:4] == ("2023-09-01", "Angoor Adda", 2, 5) and ev["m2"][7] == "Zhob", f"mapped rows {ev}")
check(abs(ev["m2"][4] - 69.4493) < 1e-6 and abs(ev["m2"][5] - 31.3410) < 1e-6, f"mapped coordinates {ev['m2']}")

# without --map the guesser knows "Village" and "Dead" but not the dates or the coordinates
other = os.path.join(args.workdir, "unmapped.sqlite")
if os.path.exists(fixture_db):
    shutil.copyfile(fixture_db, other)
r = dn_e2e.run(args, ["--db", other, "ingest", os.path.join(data, "mapped.csv"), "--report", "json"])
check(r.code == 0, "unmapped", r)
con = sqlite3.connect(other)
got = con.execute("SELECT date, place, flags FROM events ORDER BY place").fetchall()
con.close()
check([g[:2] for g in got] == [(None, "Angoor Adda"), (None, "Zhob")], f"unmapped dates are not guessed: {got}")

# a GeoJSON layer through OGR: points as given, a polygon at its centroid (flagged)
rep, r = ingest("layer.geojson")
check(rep["stored"] == 3, f"geojson: {rep}", r)
ev = events("ogr:layer.geojson@%")
check(abs(ev["g1"][4] - 71.094) < 1e-6 and abs(ev["g1"][5] - 34.1286) < 1e-6 and ev["g1"][7] == "Khyber",
      f"g1 {ev['g1']}")
check(ev["g2"][10] == "Protests" and ev["g2"][2] == 0, f"g2 {ev['g2']}")
check(abs(ev["g3"][4] - 66.45) < 1e-6 and abs(ev["g3"][5] - 30.95) < 1e-6 and "geometry_centroid" in ev["g3"][8],
      f"g3 is the polygon's centroid: {ev['g3']}")

# all of it again: nothing new
for name in ("cp1252_cr.csv", "totals_header.csv", "dayfirst.csv", "layer.geojson"):
    rep, r = ingest(name)
    check(rep["stored"] == 0 and rep["updated"] == 0 and rep["duplicates"] == rep["read"], f"re-ingest {name}: {rep}")
# the whole directory: data files only (make_fixtures.py is passed over), in name order
r = dn_e2e.run(args, ["--db", db, "ingest", data + "/", "--report", "json"])
check(r.code == 0, "directory ingest", r)
rep = json.loads(r.out)
check(rep["files"] == 5 and rep["rejected"] == 0 and rep["failed_files"] == 0, f"directory: {rep}", r)
check(os.path.join(data, "make_fixtures.py") + ": not a data file, skipped" in r.err, "the script is skipped", r)
print("ok: ingest messy files")

#!/usr/bin/env python3
"""durand ingest end to end: the bundled sample, idempotent re-ingest, a
changed row, rejected rows with file:line:field, an unreadable file, and the
exit codes that tell full from partial success."""
# fixture: geodata_db
import csv
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
sample = os.path.join(args.source_dir, "tests", "data", "sample")
db = dn_e2e.fresh_geodata_db(args, "durand.sqlite")  # where run() points DURAND_DB


def report(r):
    check(r.code in (0, 1), "ingest failed", r)
    return json.loads(r.out)


# 1. the bundled events table: every row stored, with admin areas and border columns
r = dn_e2e.run(args, ["ingest", os.path.join(sample, "events.csv"), "--report", "json"])
check(r.code == 0, "sample ingest should succeed", r)
rep = report(r)
check(rep["read"] == 12 and rep["stored"] == 12 and rep["rejected"] == 0, f"sample counts {rep}", r)
check("durand: 1 file, 12 rows read: 12 stored," in r.err, "the closing line counts one file as one", r)
con = sqlite3.connect(db)
rows = {u: (c, p, d, s, km, prec) for u, c, p, d, s, km, prec in con.execute(
    "SELECT uid, country, province, district, side, border_km, precision FROM events")}
check(rows["acled:DNS0004"][:4] == ("PAK", "Khyber Pakhtunkhwa", "North Waziristan", "PAK"), f"Mir Ali {rows['acled:DNS0004']}")
check(rows["acled:DNS0010"][0] == "AFG" and rows["acled:DNS0010"][2] == "Barmal", f"Barmal {rows['acled:DNS0010']}")
check(0 <= rows["acled:DNS0008"][4] < 1.0, f"Torkham is on the line: {rows['acled:DNS0008']}")
# Daraban had no coordinates: the geocoder placed it in its district
check(rows["acled:DNS0003"][2] == "Dera Ismail Khan", f"Daraban {rows['acled:DNS0003']}")
# every stored event carries its uncertainty radius, and its side is certain
# exactly when the circle of that radius stays clear of the line (10 m tolerance)
certain = {u: (r, km, c) for u, r, km, c in con.execute("SELECT uid, radius_km, border_km, side_certain FROM events")}
for uid, (radius, km, sure) in certain.items():
    check(radius is not None and radius >= 0 and km is not None, f"{uid}: radius {radius}, border_km {km}")
    check(bool(sure) == (km > max(radius, 0.01)), f"{uid}: side_certain {sure} with radius {radius} km at {km} km")
check(certain["acled:DNS0008"][2] == 0, f"Torkham's circle reaches the line: {certain['acled:DNS0008']}")
check(any(c == 1 for _, _, c in certain.values()), "some events are certain of their side")
# a row's notes that fit are its excerpt: stored once, shown as the excerpt by query (and export)
texts = {u: (e, n) for u, e, n in con.execute("SELECT uid, excerpt, notes FROM events")}
check(all(e is None and n for e, n in texts.values()), f"notes stored once, no excerpt copy: {texts}")
con.close()
r = dn_e2e.run(args, ["query", "--format", "jsonl"])
check(r.code == 0, "query after the sample ingest", r)
shown = {e["uid"]: e["excerpt"] for e in map(json.loads, r.out.splitlines())}
check(shown == {u: n for u, (_, n) in texts.items()}, f"query shows the notes as excerpt: {shown}")

# 2. the same file again stores nothing new
rep = report(dn_e2e.run(args, ["ingest", os.path.join(sample, "events.csv"), "--report", "json"]))
check(rep["stored"] == 0 and rep["duplicates"] == 12 and rep["updated"] == 0, f"re-ingest {rep}")

# 3. a changed row updates its event
changed = os.path.join(args.workdir, "events.csv")
with open(os.path.join(sample, "events.csv"), newline="", encoding="utf-8") as f:
    table = list(csv.reader(f))
fat = table[0].index("fatalities")
table[4][fat] = "9"  # DNS0004
with open(changed, "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(table)
rep = report(dn_e2e.run(args, ["ingest", changed, "--report", "json"]))
check(rep["updated"] == 1 and rep["stored"] == 0 and rep["duplicates"] == 11, f"changed row {rep}")
con = sqlite3.connect(db)
check(con.execute("SELECT fatalities FROM events WHERE uid='acled:DNS0004'").fetchone()[0] == 9, "update applied")
check(con.execute("SELECT count(*) FROM events").fetchone()[0] == 12, "no duplicate events")
con.close()

# 3b. a table without ids knows its rows by their content: an edited row is a new event, and the
# re-ingest says so (with what to do); the same file again says nothing
noid = os.path.join(args.workdir, "noid.csv")
rows = [["date", "place", "latitude", "longitude", "killed"], ["2024-03-01", "Wana", "32.30", "69.58", "2"],
        ["2024-03-02", "Khar", "34.73", "71.52", "1"], ["2024-03-03", "Chaman", "30.92", "66.45", "0"]]
with open(noid, "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows(rows)
r = dn_e2e.run(args, ["ingest", noid, "--report", "json"])
check(r.code == 0 and report(r)["stored"] == 3 and "known by their content" not in r.err, "id-less table", r)
rows[2][4] = "4"
with open(noid, "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows(rows)
r = dn_e2e.run(args, ["ingest", noid, "--report", "json"])
check(r.code == 0 and report(r)["stored"] == 1 and report(r)["duplicates"] == 2
      and f"warning: {noid}: 1 new row beside 2 already stored: rows without an id are known by their content"
      in r.err and "--map id=COLUMN" in r.err, "an edited id-less row is a new event, with a warning", r)
r = dn_e2e.run(args, ["ingest", noid, "--report", "json"])
check(r.code == 0 and report(r)["stored"] == 0 and "known by their content" not in r.err, "id-less again", r)
con = sqlite3.connect(db)
check(con.execute("SELECT count(*) FROM events WHERE source LIKE '%noid.csv'").fetchone()[0] == 4,
      "the edited row's earlier version stays")
con.close()

# 4. bad rows: reported with file:line and field, good rows still stored, exit 1
bad = os.path.join(args.workdir, "bad.csv")
with open(bad, "w", encoding="utf-8") as f:
    f.write("id,date,place,latitude,longitude,killed\n"
            "b1,2023-05-01,Wana,32.3043,69.5829,2\n"
            "b2,2023-13-45,Wana,32.3043,69.5829,1\n"
            "b3,2023-05-02,Chaman,nan,66.45,0\n"
            "b4,2023-05-03,Chaman,,,1\n")
rejects = os.path.join(args.workdir, "rejects.csv")
r = dn_e2e.run(args, ["ingest", bad, "--map", "id=id", "--map", "killed=killed", "--report", "json",
                      "--rejects", rejects])
check(r.code == 1, "partial success is exit 1", r)
rep = json.loads(r.out)
check(rep["stored"] == 2 and rep["rejected"] == 2, f"bad file counts {rep}", r)
check("bad.csv:3: date:" in r.err and "bad.csv:4: latitude:" in r.err, "stderr names file:line: field", r)
with open(rejects, encoding="utf-8") as f:
    rej = list(csv.DictReader(f))
check([x["line"] for x in rej] == ["3", "4"], f"rejects file {rej}")

# a one-row file: its row is counted as one
one = os.path.join(args.workdir, "one.csv")
with open(one, "w", encoding="utf-8") as f:
    f.write("id,date,place,latitude,longitude\n" "o1,2023-05-04,Wana,32.3043,69.5829\n")
r = dn_e2e.run(args, ["ingest", one, "--map", "id=id"])
check(r.code == 0 and "durand: 1 file, 1 row read: 1 stored," in r.err, "the closing line counts one row as one", r)

# 5. an unreadable file among good ones: reported, the others still read
r = dn_e2e.run(args, ["ingest", os.path.join(args.workdir, "missing.csv"), os.path.join(sample, "events.csv"),
                      "--report", "json"])
check(r.code == 1 and json.loads(r.out)["failed_files"] == 1, "missing file is reported", r)
check("missing.csv" in r.err, "the missing file is named", r)

# 6. nothing readable at all: exit 3
r = dn_e2e.run(args, ["ingest", os.path.join(args.workdir, "missing.csv")])
check(r.code == 3, "no readable input is exit 3", r)

# 7. usage errors
r = dn_e2e.run(args, ["ingest"])
check(r.code == 2 and "no input files" in r.err, "no files is a usage error", r)
r = dn_e2e.run(args, ["ingest", bad, "--map", "bogus=x"])
check(r.code == 2 and "bogus" in r.err, "bad --map is a usage error", r)
print("ok: ingest")

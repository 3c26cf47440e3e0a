#!/usr/bin/env python3
"""Which file a row or an article comes from, and what --rejects may
replace, through the CLI:

- two tables of one name in two directories, each numbering its rows from
  1, keep both sets of events (their ids are only unique within a file);
  one table named from another working directory, relatively, through
  "..", or absolutely, is one file: nothing is stored twice;
- the two layers of one GeoPackage, each with its own ids, keep both;
- an article named two ways is one article;
- --rejects naming the database, one of the inputs, or a file that is not
  an earlier rejects report is refused before anything is written; a
  directory walk passes over the run's own report and the database."""
# fixture: geodata_db
import json
import os
import shutil
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
work = args.workdir
db = dn_e2e.fresh_geodata_db(args, "durand.sqlite")
MAP = ["--map", "id=id", "--map", "date=date", "--map", "place=place", "--map", "killed=killed"]


def ingest(paths, *opts, cwd=None, code=0):
    r = dn_e2e.run(args, ["--db", db, "ingest", *paths, *opts, "--report", "json"], cwd=cwd)
    check(r.code == code, f"ingest {paths} {opts}: exit {r.code}, wanted {code}", r)
    return (json.loads(r.out) if code in (0, 1) else None), r


def rows(sql, *params):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# two monthly exports, each numbered from 1
dn_e2e.write_file(args, "y2023/events.csv", "id,date,place,killed\n1,2023-05-02,Peshawar,3\n2,2023-05-09,Quetta,1\n")
dn_e2e.write_file(args, "y2024/events.csv", "id,date,place,killed\n1,2024-06-11,Bannu,4\n2,2024-06-12,Wana,2\n")
rep, r = ingest(["y2023/events.csv"], *MAP)
check(rep["stored"] == 2, f"first export: {rep}", r)
rep, r = ingest(["y2024/events.csv"], *MAP)
check(rep["stored"] == 2 and rep["updated"] == 0, f"the second export must not update the first's events: {rep}", r)
got = sorted(rows("SELECT date, place, fatalities FROM events WHERE source_kind = 'csv'"))
check(got == [("2023-05-02", "Peshawar", 3), ("2023-05-09", "Quetta", 1), ("2024-06-11", "Bannu", 4),
              ("2024-06-12", "Wana", 2)], f"both exports kept: {got}")
uids = {u for (u,) in rows("SELECT uid FROM events WHERE source_kind = 'csv'")}
check(len(uids) == 4 and all(u.startswith("csv:events.csv@") for u in uids), f"uids {uids}")

# one file, named four ways
for paths, cwd in ((["events.csv"], os.path.join(work, "y2023")), (["./y2023/../y2023/events.csv"], work),
                   ([os.path.join(work, "y2023", "events.csv")], "/"), (["y2023//events.csv"], work)):
    rep, r = ingest(paths, *MAP, cwd=cwd)
    check(rep["stored"] == 0 and rep["updated"] == 0 and rep["duplicates"] == 2, f"{paths} from {cwd}: {rep}", r)

# two layers of one GeoPackage, each numbering its features from 1
ogr2ogr = shutil.which("ogr2ogr")
check(ogr2ogr is not None, "ogr2ogr is missing (scripts/install-deps.sh installs gdal-bin)")
gpkg = os.path.join(work, "layers.gpkg")
for layer, (place, lon, lat) in (("north", ("Miranshah", 70.07, 33.0)), ("south", ("Wana", 69.57, 32.3))):
    src = dn_e2e.write_file(args, f"{layer}.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"id": 1, "date": "2024-02-0" + ("1" if layer == "north" else "2"), "place": place}}]}))
    proc = subprocess.run([ogr2ogr, *(["-update"] if layer == "south" else []), "-f", "GPKG", gpkg, src,
                           "-nln", layer], capture_output=True)
    check(proc.returncode == 0, f"ogr2ogr {layer}: {proc.stderr!r}")
for layer in ("north", "south"):
    rep, r = ingest([gpkg], "--layer", layer)
    check(rep["stored"] == 1 and rep["updated"] == 0, f"layer {layer}: {rep}", r)
got = sorted(rows("SELECT place FROM events WHERE source_kind = 'ogr'"))
check(got == [("Miranshah",), ("Wana",)], f"both layers kept: {got}")

# an article named two ways
dn_e2e.write_file(args, "news/bannu.txt", "PESHAWAR, March 5 (Staff) - Gunmen killed four policemen at a checkpoint in Bannu on"
      " Monday, officials said.\n")
rep, r = ingest(["news/bannu.txt"], "--date", "2024-03-05")
check(rep["stored"] >= 1, f"article: {rep}", r)
articles = rep["stored"]
rep, r = ingest(["bannu.txt"], "--date", "2024-03-05", cwd=os.path.join(work, "news"))
check(rep["stored"] == 0 and rep["duplicates"] == articles, f"the article again, from its directory: {rep}", r)

# --rejects: never the database, an input, or somebody's file
before = rows("SELECT count(*) FROM events")[0][0]
size = os.path.getsize(db)
_, r = ingest(["y2023/events.csv"], *MAP, "--rejects", db, code=2)
check("is the database" in r.err and os.path.getsize(db) == size, "--rejects the database", r)
check(rows("SELECT count(*) FROM events")[0][0] == before, "the store is whole")
if os.path.exists(db + "-wal"):
    _, r = ingest(["y2023/events.csv"], *MAP, "--rejects", db + "-wal", code=2)
    check("is the database" in r.err, "--rejects the database's WAL", r)
with open(os.path.join(work, "y2023/events.csv"), encoding="utf-8") as f:
    table = f.read()
_, r = ingest(["y2023/events.csv"], *MAP, "--rejects", "y2023/events.csv", code=2)
check("is an input" in r.err, "--rejects an input", r)
with open(os.path.join(work, "y2023/events.csv"), encoding="utf-8") as f:
    check(f.read() == table, "the input is untouched")
notes = dn_e2e.write_file(args, "notes.md", "my field notes\n")
_, r = ingest(["y2023/events.csv"], *MAP, "--rejects", notes, code=4)
check("is not a rejects report" in r.err, "--rejects somebody's file", r)
with open(notes, encoding="utf-8") as f:
    check(f.read() == "my field notes\n", "the file is untouched")
# an earlier report is replaced; a bad row goes into it
dn_e2e.write_file(args, "bad/events.csv", "id,date,place,killed\n7,2024-13-45,Peshawar,1\n")
report = os.path.join(work, "bad", "rejects.csv")
dn_e2e.write_file(args, "bad/rejects.csv", "file,line,field,reason\r\nold.csv,3,date,old\r\n")
rep, r = ingest(["bad"], *MAP, "--rejects", report, code=1)
check(rep["rejected"] == 1 and rep["files"] == 1, f"the walk reads events.csv only, not its own report: {rep}", r)
with open(report, encoding="utf-8", newline="") as f:
    lines = f.read().split("\r\n")
check(lines[0] == "file,line,field,reason" and "events.csv,2,date," in lines[1] and "old.csv" not in lines[1],
      f"the report: {lines}")
print("ok")

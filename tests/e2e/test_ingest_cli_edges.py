#!/usr/bin/env python3
"""The edges of `durand ingest`'s command line and directory walk:

- a symbolic link loop in an input directory (a link to the directory
  itself, one to its parent) is passed over with a warning: each directory
  is walked once, its files read once, and the run ends with its report;
- a file whose reading fails with an I/O error is exit 4 ("a file could
  not be read"), as the README's table says; a missing file or one with no
  header is bad input, exit 3; one unreadable file beside a good one is a
  partial success, exit 1;
- an input directory without a data file warns that nothing was read
  (exit 0, as for an empty table);
- the messages of --report, --format, --rejects '' and a field given to
  --map twice are usage errors (exit 2) that name the option and the
  values it takes;
- a province or district value the geocoder cannot read rejects that row
  (FILE:LINE: COLUMN: reason, the rejects report), and the rows after it
  are stored (tests/bad-input has the ACLED case; this is the generic CSV
  one, with its own column names)."""
# fixture: geodata_db
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
work = args.workdir
db = dn_e2e.fresh_geodata_db(args, "durand.sqlite")
MAP = ["--map", "id=id", "--map", "date=date", "--map", "place=place"]


def ingest(*argv, code=0):
    r = dn_e2e.run(args, ["--db", db, "ingest", *argv])
    check(r.code == code, f"ingest {argv}: exit {r.code}, wanted {code}", r)
    return r


def events(sql="SELECT count(*) FROM events", *params):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchone()[0]
    finally:
        con.close()


# ---- a symbolic link loop ---------------------------------------------------------------------
dn_e2e.write_file(args, "loopd/events.csv", "id,date,place,latitude,longitude,killed\n"
      "1,2023-07-30,Landi Kotal,34.0986,71.1461,2\n2,2023-08-01,Torkham,34.1147,71.0847,3\n")
os.symlink(".", os.path.join(work, "loopd", "self"))
os.makedirs(os.path.join(work, "loopd", "sub"))
os.symlink("..", os.path.join(work, "loopd", "sub", "up"))
r = ingest("loopd", "--report", "json", *MAP)
rep = json.loads(r.out)
check(rep["files"] == 1 and rep["read"] == 2 and rep["stored"] == 2 and rep["duplicates"] == 0,
      f"the loop: each file read once: {rep}", r)
check("loopd/self: the same directory as loopd (a symbolic link to it): passed over" in r.err
      and "loopd/sub/up: the same directory as loopd (a symbolic link to it)" in r.err, "the loop's warnings", r)
check("nested too deeply" not in r.err and "self/events.csv" not in r.err and "up/events.csv" not in r.err,
      "no file read through the links", r)
check(events() == 2, "two events")

# ---- an I/O error is exit 4; bad or missing input is exit 3 ---------------------------------------
mem = os.path.join(work, "mem.csv")
os.symlink("/proc/self/mem", mem)  # reading offset 0 of one's own memory fails with EIO
r = ingest("mem.csv", code=4)
check("mem.csv: read error: Input/output error" in r.err and "durand: error: the input file could not be read" in r.err,
      "the I/O error is told", r)
r = ingest("mem.csv", "mem.csv", code=4)
check("none of the 2 input files could be read" in r.err, "two unreadable files", r)
r = ingest("missing.csv", code=3)
check("cannot open missing.csv" in r.err and "nothing could be ingested from the input file" in r.err,
      "a missing file is bad input", r)
dn_e2e.write_file(args, "empty.csv", "")
r = ingest("mem.csv", "empty.csv", code=3)
check("nothing could be ingested from any of the 2 input files" in r.err, "an I/O error beside bad input: 3", r)
r = ingest("mem.csv", "loopd/events.csv", "--report", "json", *MAP, code=1)
rep = json.loads(r.out)
check(rep["failed_files"] == 1 and rep["duplicates"] == 2, f"one readable file: a partial success: {rep}", r)

# ---- a directory without data files -----------------------------------------------------------------
os.makedirs(os.path.join(work, "emptyd"))
dn_e2e.write_file(args, "docs/README.md", "# not data\n")
r = ingest("emptyd", "docs", "--report", "json")
check(json.loads(r.out)["files"] == 0, "nothing read", r)
check("durand: warning: emptyd: no data file in it, nothing read" in r.err
      and "durand: warning: docs: no data file in it, nothing read" in r.err, "the empty directories are told", r)
r = ingest("loopd", "--report", "json", *MAP)
check("no data file" not in r.err, "no such warning for a directory that was read", r)

# ---- usage errors -------------------------------------------------------------------------------
for argv, msg in (
        (["loopd", "--report", "xml"], "durand: error: --report: unknown report format 'xml' (expected json or table)"),
        (["loopd", "--format", "xls"],
         "durand: error: --format: unknown input format 'xls' (expected auto, text, acled, ucdp, csv or ogr)"),
        (["loopd", "--rejects", ""], "durand: error: --rejects needs a non-empty path"),
        (["loopd", "--map", "date=date", "--map", " Date =place"],
         "durand: error: --map: field 'Date' mapped twice ('date=date' and ' Date =place')")):
    r = ingest(*argv, code=2)
    check(msg in r.err and "Try 'durand ingest --help'" in r.err, f"{argv}: wanted {msg!r}", r)
    check("--format" not in r.err or argv[1] == "--format", f"{argv}: names the wrong option", r)

# ---- an admin name the geocoder cannot read --------------------------------------------------------
dn_e2e.write_file(args, "long.csv", "id,date,place,province,district,latitude,longitude,killed\n"
      f"11,2023-07-30,Landi Kotal,Khyber Pakhtunkhwa,Khyber,34.0986,71.1461,2\n"
      f"12,2023-07-31,,Khyber Pakhtunkhwa,{'X' * 600},,,1\n"
      f"13,2023-08-01,Torkham,{'Y' * 600},Khyber,,,1\n"
      f"14,2023-08-02,Torkham,Khyber Pakhtunkhwa,Khyber,,,4\n")
rej = os.path.join(work, "long.rej.csv")
r = ingest("long.csv", "--rejects", rej, "--report", "json", *MAP, "--map", "province=province",
           "--map", "district=district", code=1)
rep = json.loads(r.out)
check(rep["read"] == 4 and rep["stored"] == 2 and rep["rejected"] == 2 and rep["failed_files"] == 0,
      f"two rows rejected, the others stored: {rep}", r)
check("long.csv:3: district: name is 600 bytes long (at most 512)" in r.err
      and "long.csv:4: province: name is 600 bytes long (at most 512)" in r.err, "the rejects name file, line, field", r)
with open(rej, encoding="utf-8") as f:
    text = f.read()
check("long.csv,3,district,name is 600 bytes long (at most 512)" in text
      and "long.csv,4,province,name is 600 bytes long (at most 512)" in text, f"the rejects report: {text!r}")
check(events("SELECT count(*) FROM events WHERE source_id IN ('11', '14')") == 2, "rows 2 and 5 stored")
print("ok")

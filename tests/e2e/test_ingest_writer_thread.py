#!/usr/bin/env python3
"""Event tables are stored by a writer thread on a second connection while
the pipeline reads and locates the rows after them; articles, and every
file with DURAND_INGEST_THREADS=1, are stored on the pipeline's own
connection. Both ways leave the same store: the same events (every column
but the times), clusters, learned names, ingest_files rows, report and
rejects — over tables, an article between them, a rejected row, learned
names (the writer commits and waits while the pipeline writes one), a bulk
load and a second source that joins clusters.

A failure in the writer thread (here a trigger that refuses one row) stops
the run with the database's message and exit code 5, keeps only whole
batches, and the same command completes the job once the cause is gone."""
# fixture: geodata_db
import csv
import json
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
BATCH = 7  # small batches: many commits and handovers
ROWS = 900

# A village no gazetteer knows, named with its point first and later alone.
VILLAGE, V_LAT, V_LON = "Spinkai Raghzai Kalay", 32.6051, 69.8712
places = [("Wana", 32.3043, 69.5829), ("Miran Shah", 33.0095, 70.0356), ("Chaman", 30.9210, 66.4597),
          ("Torkham", 34.1286, 71.0940)]

data = os.path.join(args.workdir, "data")
shutil.rmtree(data, ignore_errors=True)
os.makedirs(data)


def table(path, prefix, n, shift, with_village, village_at=600):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "place", "latitude", "longitude", "killed", "type"])
        for i in range(n):
            name, lat, lon = places[i % len(places)]
            date = f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}"
            if i == 13:
                date = "2021-13-45"  # rejected: no such date
            if with_village and i in (village_at, village_at + 1):  # learned here
                w.writerow([f"{prefix}{i}", date, VILLAGE, f"{V_LAT:.4f}", f"{V_LON:.4f}", 1, "Battles"])
            elif with_village and i > village_at + 1 and i % 20 == 7:
                w.writerow([f"{prefix}{i}", date, VILLAGE, "", "", 2, "Battles"])
            else:
                w.writerow([f"{prefix}{i}", date, name, f"{lat + (i % 37) / 3000 + shift:.4f}",
                            f"{lon - (i % 31) / 3000:.4f}", i % 5, "Battles"])


table(os.path.join(data, "1_first.csv"), "a", ROWS, 0.0, True)
shutil.copyfile(os.path.join(args.source_dir, "tests", "data", "text", "reuters_bajaur.txt"),
                os.path.join(data, "2_article.txt"))
table(os.path.join(data, "3_second.csv"), "b", ROWS // 2, 0.01, False)  # ~1 km off: the same incidents


def run_ingest(db, threads, rejects, batch=BATCH):
    env = {"DURAND_BULK_MIN_ROWS": "100"}
    if threads == 1:
        env["DURAND_INGEST_THREADS"] = "1"
    return dn_e2e.run(args, ["--db", db, "ingest", data, "--batch", str(batch), "--rejects", rejects,
                             "--report", "json"], env=env)


def contents(db):
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(events)") if r[1] not in ("ingested_at", "updated_at")]
        events = con.execute(f"SELECT {', '.join(cols)} FROM events ORDER BY id").fetchall()
        learned = con.execute("SELECT p.id, p.name, p.district, n.key, n.source FROM places p"
                              " JOIN place_names n ON n.place_id = p.id WHERE p.kind = 'LEARNED'"
                              " ORDER BY p.id, n.source").fetchall()
        files = con.execute("SELECT path, format, rows_read, rows_stored, rows_updated, rows_rejected"
                            " FROM ingest_files ORDER BY id").fetchall()
        rtree = con.execute("SELECT (SELECT count(*) FROM idx_events_geom),"
                            " (SELECT count(*) FROM events WHERE geom IS NOT NULL)").fetchone()
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        return events, learned, files, rtree, integrity
    finally:
        con.close()


results = {}
for threads in (1, 2):
    db = dn_e2e.fresh_geodata_db(args, f"threads{threads}.sqlite")
    rejects = os.path.join(args.workdir, f"rejects{threads}.csv")
    r = run_ingest(db, threads, rejects)
    check(r.code == 1, f"threads={threads}: partial success (one rejected row a table)", r)
    report = json.loads(r.out)
    with open(rejects, encoding="utf-8") as f:
        rejected = f.read()
    results[threads] = (report, rejected, contents(db), r.err)

(rep1, rej1, (ev1, learned1, files1, rtree1, ok1), err1) = results[1]
(rep2, rej2, (ev2, learned2, files2, rtree2, ok2), err2) = results[2]
check(rep1["rejected"] == 2 and rep1["learned"] >= 1 and rep1["stored"] == rep1["read"] - 2,
      f"the run as expected: {rep1}")
check(rep1 == rep2, f"the same report: {rep1} / {rep2}")
check(rej1 == rej2 and rej1.count("2021-13-45") == 2, f"the same rejects: {rej1!r} / {rej2!r}")
check(ok1 == "ok" and ok2 == "ok", f"integrity: {ok1} {ok2}")
check(len(ev1) == len(ev2) == rep1["stored"], f"events: {len(ev1)} {len(ev2)}")
diff = [(a, b) for a, b in zip(ev1, ev2) if a != b]
check(not diff, f"the same events, column for column: first difference {diff[:1]}")
check(learned1 == learned2 and any(row[1] == VILLAGE for row in learned1), f"learned: {learned1} / {learned2}")
check(files1 == files2 and len(files1) == 3, f"ingest_files: {files1} / {files2}")
check(rtree1 == rtree2 and rtree1[0] == rtree1[1] > 0, f"every point in the R*Tree: {rtree1} {rtree2}")
con = sqlite3.connect(os.path.join(args.workdir, "threads2.sqlite"))
village_rows = con.execute("SELECT count(*) FROM events WHERE place = ? AND place_id IS NOT NULL"
                           " AND coalesce(flags, '') NOT LIKE '%unresolved%'", (VILLAGE,)).fetchone()[0]
joined = con.execute("SELECT count(*) FROM events WHERE cluster_id <> id").fetchone()[0]
con.close()
check(village_rows >= (ROWS - 602) // 20, f"the rows naming only the village resolve to the learned name: {village_rows}")
check(joined >= ROWS // 4, f"the second source joined clusters of the first: {joined}")
check("1_first.csv: bulk load" in err2 and "3_second.csv: bulk load: the spatial index is packed" in err2,
      "both tables went the bulk way in the writer thread", err2)

# One transaction for a whole file of 5,000 rows: the writer gets them 4,096 at a time and holds its
# transaction open, idle, when the village is learned at row 4,500 — so it commits and waits first
# (else the pipeline's connection waits for the lock until it gives up: "database is locked").
one = os.path.join(args.workdir, "one-batch")
shutil.rmtree(one, ignore_errors=True)
os.makedirs(one)
table(os.path.join(one, "big.csv"), "c", 5000, 0.0, True, village_at=4500)
db = dn_e2e.fresh_geodata_db(args, "one-batch.sqlite")
r = dn_e2e.run(args, ["--db", db, "ingest", one, "--batch", "100000", "--report", "json"])
rep = json.loads(r.out) if r.out.strip() else {}
check(r.code == 1 and rep.get("stored") == 4999 and rep.get("learned") == 1,
      "one transaction a file, a name learned while the writer holds it", r)

# A failure in the writer thread: a trigger refuses one row of the first table.
REFUSED = 403  # after 402 events (a13 is rejected): not at a batch boundary
db = dn_e2e.fresh_geodata_db(args, "failing.sqlite")
con = sqlite3.connect(db)
con.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.source_id = 'a{REFUSED}'"
            " BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END")
con.commit()
con.close()
r = run_ingest(db, 2, os.path.join(args.workdir, "rejects-failing.csv"))
check(r.code == 5 and "refused by a test trigger" in r.err, "the writer's failure stops the run, exit 5", r)
con = sqlite3.connect(db)
stored = [row[0] for row in con.execute("SELECT source_id FROM events ORDER BY id")]
integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
con.execute("DROP TRIGGER refuse")
con.commit()
con.close()
# whole batches: the rows stored are the first ones of the file, up to a batch before the refused one
first_rows = [f"a{i}" for i in range(REFUSED) if i != 13][:len(stored)]
check(integrity == "ok" and 0 < len(stored) < REFUSED - 1 and stored == first_rows,
      f"only whole batches before the failing one: {len(stored)} stored ({stored[-3:]}), {integrity}")
r = run_ingest(db, 2, os.path.join(args.workdir, "rejects-again.csv"))
check(r.code == 1, "the same command, the trigger gone", r)
ev3 = contents(db)[0]
check(len(ev3) == len(ev2) and sorted(e[1] for e in ev3) == sorted(e[1] for e in ev2),
      f"completed with no duplicates: {len(ev3)} events of {len(ev2)}")
print("ok: the writer thread stores what the pipeline's own connection would")

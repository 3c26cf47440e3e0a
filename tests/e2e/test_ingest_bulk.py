#!/usr/bin/env python3
"""durand ingest of a big file (a bulk load: three of the events' secondary
indexes dropped and rebuilt, and the uids' unique index too where they are
content hashes, the R*Tree packed afresh at the end; with dedupe lookups
only the R*Tree waits) leaves the same store a row-by-row ingest does: every index back, the spatial index complete and valid, spatial and
attribute queries right, the same clusters. A directory of small files is
no bulk load. What an interrupted bulk
load leaves (indexes missing, the R*Tree without the events from its mark
on) still answers spatial queries in full, and is repaired by the next
writer, with a warning."""
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
INDEXES = {"events_date", "events_admin", "events_border", "events_cluster", "events_source", "events_uid"}
ROWS = 24000  # above the bulk threshold (20,000 stored rows)


def fresh_db(name):
    return dn_e2e.fresh_geodata_db(args, name)


def state(db):
    con = sqlite3.connect(db)
    try:
        idx = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='events'")}
        events = con.execute("SELECT count(*) FROM events WHERE geom IS NOT NULL").fetchone()[0]
        rtree = con.execute("SELECT count(*) FROM idx_events_geom").fetchone()[0]
        missing = con.execute("SELECT count(*) FROM events e WHERE geom IS NOT NULL AND NOT EXISTS"
                              " (SELECT 1 FROM idx_events_geom r WHERE r.pkid = e.id"
                              " AND r.xmin <= e.lon AND r.xmax >= e.lon AND r.ymin <= e.lat AND r.ymax >= e.lat)"
                              ).fetchone()[0]
        ok = con.execute("SELECT rtreecheck('idx_events_geom')").fetchone()[0]
        deferred = con.execute("SELECT count(*) FROM events_rtree_deferred").fetchone()[0]
        return idx, events, rtree, missing, ok, deferred
    finally:
        con.close()


big = os.path.join(args.workdir, "big.csv")
places = [("Wana", 32.3043, 69.5829), ("Chaman", 30.9210, 66.4597), ("Khar", 34.7330, 71.5260),
          ("Torkham", 34.1286, 71.0940)]
with open(big, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "date", "place", "latitude", "longitude", "killed"])
    for i in range(ROWS):
        name, lat, lon = places[i % len(places)]
        w.writerow([f"r{i}", f"20{15 + i % 9}-{1 + i % 12:02d}-{1 + i % 28:02d}", name,
                    f"{lat + (i % 97) / 5000:.4f}", f"{lon - (i % 89) / 5000:.4f}", i % 5])

db = fresh_db("bulk.sqlite")
r = dn_e2e.run(args, ["--db", db, "ingest", big, "--report", "json"])
check(r.code == 0 and json.loads(r.out)["stored"] == ROWS, "bulk ingest", r)
check("big.csv: bulk load" in r.err, "the big file went the bulk way", r)
idx, events, rtree, missing, ok, deferred = state(db)
check(INDEXES <= idx, f"every secondary index is back after a bulk load: {idx}")
check(events == ROWS and rtree == ROWS and missing == 0 and ok == "ok" and deferred == 0,
      f"the spatial index is complete and valid: {events} {rtree} {missing} {ok} {deferred}")
con = sqlite3.connect(db)
trig = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'")}
con.close()
check({"events_geom_check", "events_geom_insert"} <= trig, f"the INSERT triggers a bulk load lifts are back: {trig}")

# queries through the indexes agree with the table
con = sqlite3.connect(db)
wana = con.execute("SELECT count(*) FROM events WHERE place = 'Wana'").fetchone()[0]
in_2016 = con.execute("SELECT count(*) FROM events WHERE date BETWEEN '2016-01-01' AND '2016-12-31'").fetchone()[0]
con.close()
r = dn_e2e.run(args, ["--db", db, "query", "--near", "32.3043,69.5829", "--radius", "30", "--format", "jsonl"])
check(r.code == 0, "near query", r)
near = [json.loads(x) for x in r.out.splitlines() if x.strip()]
check(len(near) == wana and all(e["place"] == "Wana" for e in near), f"--near finds every Wana event: {len(near)} of {wana}")
r = dn_e2e.run(args, ["--db", db, "query", "--from", "2016-01-01", "--to", "2016-12-31", "--format", "jsonl"])
check(r.code == 0 and len([x for x in r.out.splitlines() if x.strip()]) == in_2016, "date query", r)

# the same file again: nothing stored, no bulk load, indexes untouched
r = dn_e2e.run(args, ["--db", db, "ingest", big, "--report", "json"])
check(r.code == 0 and json.loads(r.out)["duplicates"] == ROWS and "bulk load" not in r.err, "re-ingest", r)
check(INDEXES <= state(db)[0], "indexes still there")

# an interrupted bulk load: indexes dropped, INSERT triggers lifted, a batch's R*Tree entries never added
con = sqlite3.connect(db)
con.execute("DROP INDEX events_admin")
con.execute("DROP INDEX events_date")
con.execute("DROP TRIGGER events_geom_check")
con.execute("DROP TRIGGER events_geom_insert")
con.execute("DELETE FROM idx_events_geom WHERE pkid > ?", (ROWS - 500,))
con.execute("INSERT INTO events_rtree_deferred(since_id) VALUES (?)", (ROWS - 499,))
con.commit()
con.close()
# a reader leaves it alone (it may be a bulk load in progress)...
r = dn_e2e.run(args, ["--db", db, "query", "--type", "nothing", "--format", "json"])
check(r.code == 0 and "events_admin" not in state(db)[0], "a reader does not rebuild indexes", r)
# ...and finds the events not in the R*Tree by their point: a box around them all, and around the last one
r = dn_e2e.run(args, ["--db", db, "query", "--bbox", "60,24,75,38", "--format", "jsonl"])
ids = [json.loads(x)["id"] for x in r.out.splitlines() if x.strip()]
check(r.code == 0 and len(ids) == ROWS and sum(i > ROWS - 500 for i in ids) == 500,
      f"a box query during a bulk load: {len(ids)} of {ROWS}", r)
con = sqlite3.connect(db)
last_lon, last_lat = con.execute("SELECT lon, lat FROM events WHERE id = ?", (ROWS,)).fetchone()
con.close()
r = dn_e2e.run(args, ["--db", db, "query", "--near", f"{last_lat},{last_lon}", "--radius", "0.01", "--format", "jsonl"])
check(r.code == 0 and ROWS in [json.loads(x)["id"] for x in r.out.splitlines() if x.strip()],
      "a --near query finds an event the R*Tree does not hold yet", r)
check(state(db)[2] == ROWS - 500, "the reader found them by their points (the R*Tree still lacks them)")
# ...the next writer repairs it, and says so
r = dn_e2e.run(args, ["--db", db, "init"])
check(r.code == 0 and "left incomplete by an interrupted ingest" in r.err, "init repairs and warns", r)
idx, events, rtree, missing, ok, deferred = state(db)
check(INDEXES <= idx and rtree == ROWS and missing == 0 and ok == "ok" and deferred == 0,
      f"repaired: {idx} {rtree} {missing} {ok} {deferred}")
con = sqlite3.connect(db)
trig = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'")}
con.close()
check({"events_geom_check", "events_geom_insert"} <= trig, f"the INSERT triggers are back: {trig}")
# a store made before the lean triggers existed is given them by the next writer
con = sqlite3.connect(db)
for t in ("events_geom_check", "events_geom_check_update", "events_geom_insert", "events_geom_update",
          "events_geom_delete"):
    con.execute(f"DROP TRIGGER {t}")
con.execute("DROP TABLE events_rtree_deferred")
con.commit()
con.close()
small = os.path.join(args.workdir, "small.csv")
with open(small, "w", encoding="utf-8") as f:
    f.write("id,date,place,latitude,longitude\ns1,2023-01-01,Wana,32.3100,69.5900\n")
r = dn_e2e.run(args, ["--db", db, "ingest", small, "--report", "json"])
check(r.code == 0 and json.loads(r.out)["stored"] == 1, "ingest into an old store", r)
con = sqlite3.connect(db)
trig = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'")}
(indexed,), = con.execute("SELECT count(*) FROM idx_events_geom r JOIN events e ON r.pkid = e.id"
                          " WHERE e.uid LIKE '%small.csv@%:s1'").fetchall()
con.close()
check({"events_geom_insert", "events_geom_check"} <= trig and indexed == 1, f"upgraded: {trig} {indexed}")
# events indexes defined otherwise by an older durand are built again as this one defines them:
# the lookups of dedupe then read no row (the candidates from events_date, whether a candidate's
# cluster holds a report of the row's source from events_source)
con = sqlite3.connect(db)
con.execute("DROP INDEX events_date")
con.execute("CREATE INDEX events_date ON events(date, lat)")
con.execute("DROP INDEX events_source")
con.execute("CREATE INDEX events_source ON events(source)")
con.commit()
con.close()
r = dn_e2e.run(args, ["--db", db, "init"])
con = sqlite3.connect(db)
(sql,), = con.execute("SELECT sql FROM sqlite_master WHERE name = 'events_date'").fetchall()
(source_sql,), = con.execute("SELECT sql FROM sqlite_master WHERE name = 'events_source'").fetchall()
plan = " ".join(row[3] for row in con.execute(
    "EXPLAIN QUERY PLAN SELECT id, cluster_id, type, lon, lat FROM events WHERE date IN ('2016-01-01', '2016-01-02')"
    " AND lat BETWEEN 32 AND 33 AND lon BETWEEN 69 AND 70 AND date_precision = 'day' AND source IS NOT 'x'"
    " AND NOT EXISTS (SELECT 1 FROM events AS same WHERE same.source = 'x' AND same.id <> 5"
    " AND same.cluster_id = coalesce(events.cluster_id, events.id))"))
con.close()
check(r.code == 0 and "events_date was rebuilt" in r.err and "cluster_id" in sql and "COVERING INDEX events_date" in plan,
      f"the events_date index upgraded: {sql}; {plan}", r)
check("events_source was rebuilt" in r.err and "cluster_id" in source_sql
      and "COVERING INDEX events_source (source=? AND cluster_id=?)" in plan,
      f"the events_source index upgraded: {source_sql}; {plan}", r)

# A second source with dedupe on: the secondary indexes stay (the dedupe lookups use them), only
# the R*Tree waits and is packed at the end; the clusters are those of a row-by-row ingest.
def table(path, prefix, n, shift):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "date", "place", "latitude", "longitude", "killed", "type"])
        for i in range(n):
            name, lat, lon = places[i % len(places)]
            w.writerow([f"{prefix}{i}", f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}", name,
                        f"{lat + (i % 37) / 3000 + shift:.4f}", f"{lon - (i % 31) / 3000:.4f}", i % 5, "Battles"])


SMALL = 2000
first, second = os.path.join(args.workdir, "first.csv"), os.path.join(args.workdir, "second.csv")
table(first, "a", SMALL, 0.0)
table(second, "b", SMALL, 0.01)  # about 1 km north of each first-source event: the same incidents
clusters = {}
for mode, bulk_min in (("bulk", "600"), ("row by row", "1000000000")):
    db2 = fresh_db(f"dedupe-{mode.replace(' ', '-')}.sqlite")
    env = {"DURAND_BULK_MIN_ROWS": bulk_min}
    r = dn_e2e.run(args, ["--db", db2, "ingest", first, "--batch", "200", "--report", "json"], env=env)
    check(r.code == 0, f"{mode}: first source", r)
    r = dn_e2e.run(args, ["--db", db2, "ingest", second, "--batch", "200", "--report", "json"], env=env)
    check(r.code == 0 and json.loads(r.out)["stored"] == SMALL, f"{mode}: second source", r)
    packed_only = "second.csv: bulk load: the spatial index is packed" in r.err
    check(packed_only == (mode == "bulk") and "indexes are rebuilt" not in r.err,
          f"{mode}: the second source's bulk load keeps the indexes", r)
    idx, events, rtree, missing, ok, deferred = state(db2)
    check(INDEXES <= idx and events == 2 * SMALL and rtree == events and missing == 0 and ok == "ok"
          and deferred == 0, f"{mode}: {idx} {events} {rtree} {missing} {ok} {deferred}")
    con = sqlite3.connect(db2)
    clusters[mode] = con.execute("SELECT e.uid, c.uid FROM events e JOIN events c ON c.id = e.cluster_id"
                                 " ORDER BY e.uid").fetchall()
    con.close()
joined = sum(a != b for a, b in clusters["bulk"])
check(clusters["bulk"] == clusters["row by row"] and joined >= SMALL // 2,
      f"the clusters do not depend on the bulk load ({joined} reports joined another's cluster)")

# A table without ids: its uids are hashes of the rows, which arrive in random order, so a bulk
# load drops their unique index too and checks them by a map meanwhile (store/uid_map.h). Rows
# stored from an earlier copy of the file, and rows repeated within it, come after the load has
# begun: each is found, none stored twice, and the index is back at the end.
def noid_table(path, indices):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "place", "latitude", "longitude", "killed", "notes"])
        for i in indices:
            name, lat, lon = places[i % len(places)]
            w.writerow([f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}", name, f"{lat + (i % 37) / 3000:.4f}",
                        f"{lon - (i % 31) / 3000:.4f}", i % 5, f"report {i}"])


for sub in ("early", "full"):
    os.makedirs(os.path.join(args.workdir, sub), exist_ok=True)
early, full = (os.path.join(args.workdir, sub, "rows.csv") for sub in ("early", "full"))
noid_table(early, range(300))
noid_table(full, list(range(300, 3000)) + list(range(300)) + list(range(300, 400)))
db3 = fresh_db("noid.sqlite")
env = {"DURAND_BULK_MIN_ROWS": "1000"}
r = dn_e2e.run(args, ["--db", db3, "ingest", early, "--batch", "200", "--no-dedupe", "--report", "json"], env=env)
check(r.code == 0 and json.loads(r.out)["stored"] == 300, "the early copy", r)
r = dn_e2e.run(args, ["--db", db3, "ingest", full, "--batch", "200", "--no-dedupe", "--report", "json"], env=env)
rep = json.loads(r.out) if r.code == 0 else {}
check(rep.get("stored") == 2700 and rep.get("duplicates") == 400 and "indexes are rebuilt" in r.err,
      "a bulk load of hashed uids finds the rows stored before it and the rows it repeats", r)
idx, events, rtree, missing, ok, deferred = state(db3)
con = sqlite3.connect(db3)
n, distinct = con.execute("SELECT count(*), count(DISTINCT uid) FROM events").fetchone()
(unique_sql,), = con.execute("SELECT sql FROM sqlite_master WHERE name = 'events_uid'").fetchall()
(integrity,), = con.execute("PRAGMA integrity_check").fetchall()
con.close()
check(INDEXES <= idx and n == distinct == 3000 and "UNIQUE" in unique_sql and integrity == "ok"
      and rtree == events == 3000 and missing == 0 and deferred == 0,
      f"the uids' unique index is back: {idx} {n} {distinct} {unique_sql} {integrity} {rtree} {events}")
r = dn_e2e.run(args, ["--db", db3, "ingest", full, "--batch", "200", "--no-dedupe", "--report", "json"], env=env)
check(r.code == 0 and json.loads(r.out)["stored"] == 0, "the same file again stores nothing", r)

# A directory of small files is no bulk load, however many rows they add up to.
many = os.path.join(args.workdir, "many")
os.makedirs(many, exist_ok=True)
for k in range(6):
    table(os.path.join(many, f"part{k}.csv"), f"m{k}-", 300, 0.0)
r = dn_e2e.run(args, ["--db", fresh_db("many.sqlite"), "ingest", many, "--batch", "200", "--no-dedupe", "--report",
                      "json"], env={"DURAND_BULK_MIN_ROWS": "500"})
check(r.code == 0 and json.loads(r.out)["stored"] == 1800 and "bulk load" not in r.err,
      "six files of 300 rows with a threshold of 500: no bulk load", r)
print("ok: ingest bulk load")

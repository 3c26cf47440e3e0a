#!/usr/bin/env python3
"""Readers during an ingest see a consistent database (WAL).

`durand ingest` stores a generated table of ROWS rows with --batch BATCH
while readers run `durand query --format json`, `durand summary --by
country --format json` and the same summary with a --bbox around every
place of the table over and over. Every snapshot
must parse, hold whole batches only (a multiple of BATCH, or everything),
never shrink from one read to the next, agree with itself (ids unique, the
summary's total equals its groups' sum), and no reader may fail — in
particular not with "database is locked". The readers must catch the ingest
in the middle at least a few times, or the test proves nothing and fails.
From an eighth of the rows on the file is a bulk load (DURAND_BULK_MIN_ROWS): the
events it stores are not in the R*Tree until it ends, and the --bbox
reader must still see every one of them (store/events.h) — at least once
during the bulk load.

Under a wrapper (valgrind) the writer and every reader run wrapped; a
wrapped ingest takes some 20 s of CPU to start and a read a few, so the
batches are smaller (WRAPPED_BATCH: more distinct counts to catch) and the
readers begin once the writer has stored its first batch.
"""
# fixture: geodata_db
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from acled_table import backup, write_table, stored_events  # noqa: E402

ROWS = 80000  # a few seconds of ingest: enough reads land in the middle (48,000 left the --bbox reader
#               one or two reads inside the bulk load once the ingest had got faster)
BATCH = 300
WRAPPED_ROWS = 30000  # under valgrind a read takes ~3.5 s: about 20 s of rows after the start-up
WRAPPED_BATCH = 100
SEED = 7
# around every place of acled_table.PLACES and its jitter, W,S,E,N
EVERY_PLACE = "66.3,30.8,71.7,34.9"


def main():
    global ROWS, BATCH
    args = dn_e2e.parse_args()
    wrapper = shlex.split(args.wrapper)
    if wrapper:
        ROWS, BATCH = WRAPPED_ROWS, WRAPPED_BATCH
    # an eighth: most of the ingest is the bulk load, so that a --bbox read lands in it even when
    # the ingest is fast against the readers (its writer thread; ASan under load: CI)
    bulk_at = ROWS // 8
    work = args.workdir
    table = os.path.join(work, "acled.csv")
    write_table(table, ROWS, random.Random(SEED), prefix="CON")
    db = os.path.join(work, "db.sqlite")
    fixture = os.path.join(work, "..", "geodata.sqlite")
    if os.path.exists(fixture):
        backup(fixture, db)
    else:
        r = dn_e2e.run(args, ["--quiet", "--db", db, "init"])
        dn_e2e.check(r.code == 0, "durand init failed", r)
    env = dict(os.environ, DURAND_DB=db, DURAND_GEODATA=os.path.join(args.source_dir, "geodata"),
               DURAND_BULK_MIN_ROWS=str(bulk_at))
    # one read before the writer starts: the readers' cache of the gazetteer
    # is not what is tested, the store is
    r = dn_e2e.run(args, ["query", "--format", "json"], env={"DURAND_DB": db})
    dn_e2e.check(r.code == 0 and json.loads(r.out) == [], "query on the empty database", r)

    # output to files: the writer is polled, not read, and must not block
    # on a full pipe (valgrind's reports)
    writer_out, writer_err = (open(os.path.join(work, "writer" + ext), "w+b") for ext in (".out", ".err"))
    writer = subprocess.Popen(wrapper + [args.durand, "--quiet", "ingest", table, "--batch", str(BATCH), "--report",
                                         "json", "--rejects", os.path.join(work, "rejects.csv")],
                              stdout=writer_out, stderr=writer_err, env=env)
    while wrapper and writer.poll() is None and stored_events(db) == 0:
        time.sleep(0.05)
    last = 0
    mid = set()  # counts seen strictly between empty and full
    bbox_in_bulk = set()  # counts the --bbox reader saw during the bulk load
    reads = 0
    t0 = time.monotonic()
    while True:
        running = writer.poll() is None
        in_box = ["summary", "--by", "country", "--bbox", EVERY_PLACE, "--format", "json"]
        # the box read four times a round: a cheap read, and the one that must
        # not lag (the full query's JSON grows with the store and slows the round)
        for argv in (["query", "--format", "json"], in_box, in_box, ["summary", "--by", "country", "--format", "json"],
                     in_box, in_box):
            p = subprocess.run(wrapper + [args.durand] + argv, capture_output=True, env=env, timeout=300)
            reads += 1
            err = p.stderr.decode("utf-8", "replace")
            dn_e2e.check(p.returncode == 0, f"{argv[0]} during the ingest failed: {err}")
            dn_e2e.check("locked" not in err and "busy" not in err, f"{argv[0]} saw a lock: {err}")
            try:
                doc = json.loads(p.stdout)
            except ValueError as e:
                dn_e2e.check(False, f"{argv[0]} printed JSON that does not parse ({e}): {p.stdout[:300]!r}")
            if argv[0] == "query":
                n = len(doc)
                ids = {e["id"] for e in doc}
                dn_e2e.check(len(ids) == n, f"query returned {n} events but {len(ids)} ids")
                dn_e2e.check(all(e["uid"].startswith("acled:CON") for e in doc), "an event not from the table")
            else:
                n = sum(g["events"] for g in doc)
            dn_e2e.check(n % BATCH == 0 or n == ROWS, f"{argv[0]} saw {n} events: not whole batches of {BATCH}")
            dn_e2e.check(n >= last, f"{argv[0]} saw {n} events after {last} had been seen")
            last = n
            if 0 < n < ROWS:
                mid.add(n)
            if "--bbox" in argv and bulk_at < n < ROWS:
                bbox_in_bulk.add(n)
        if not running:
            break
    writer.wait()
    writer_out.seek(0)
    writer_err.seek(0)
    out, err = writer_out.read(), writer_err.read()
    writer_out.close()
    writer_err.close()
    dn_e2e.check(writer.returncode == 0, f"the ingest failed: {err.decode('utf-8', 'replace')}")
    rep = json.loads(out)
    dn_e2e.check(rep["stored"] == ROWS, f"the ingest stored {rep['stored']} of {ROWS}")
    dn_e2e.check(last == ROWS, f"the last read after the ingest saw {last} of {ROWS} events")
    print(f"{reads} reads in {time.monotonic() - t0:.1f} s; {len(mid)} distinct partial counts: {sorted(mid)};"
          f" --bbox during the bulk load: {sorted(bbox_in_bulk)}")
    dn_e2e.check(len(mid) >= 3, "the readers caught the ingest in the middle fewer than 3 times")
    dn_e2e.check(len(bbox_in_bulk) >= 1, "the --bbox reader never caught the bulk load in the middle")
    r = dn_e2e.run(args, ["query", "--bbox", EVERY_PLACE, "--format", "json"], env={"DURAND_DB": db})
    dn_e2e.check(r.code == 0 and len(json.loads(r.out)) == ROWS, "the --bbox query after the ingest", r)
    shutil.rmtree(work, ignore_errors=True)  # 170 MB of database


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Crash consistency of `durand ingest`: SIGKILL at random moments.

A generated ACLED-shaped table (acled_table.py) of ROWS rows is ingested
with a small --batch into a copy of the initialised database. Sessions take
turns between two such tables: one with event ids, and one without, whose
uids are row hashes (a bulk load then drops their unique index too and
checks them by a map). One
uninterrupted run first gives the expected result and the run time T. Then,
in sessions that each start from a fresh copy, the ingest is started,
killed with SIGKILL after a random fraction of T (seeded RNG), checked, and
started again on the same database — until a run finishes (once KILLS kills
have landed, the last re-run is left to finish). After every kill the
database must
  - pass PRAGMA quick_check and the integrity_check of each table an ingest
    writes (the full integrity_check at the end of every session), and
    rtreecheck on the events' spatial index, which must hold no entry but of
    an event with a geometry, and every such event below the bulk load's
    mark (events_rtree_deferred; all of them when there is none, as after
    every run that finished);
  - hold whole batches only: the number of events is a multiple of --batch
    or the total, and they are exactly the first rows of the file (rows are
    stored in file order, each batch one transaction);
  - have no duplicate uid.
After the run that finishes: exactly the expected rows, equal to those of
the uninterrupted run (uid and row hash), none twice. KILLS kills must land
while durand runs (a kill after it finished does not count).

A file turns into a bulk load (secondary indexes dropped, the R*Tree left
to be packed at the end) once it has stored DURAND_BULK_MIN_ROWS rows,
here a quarter of the table, so kills land both before and during one;
without the wrapper some must land during one of each table: until one
has, a session's first run is killed soon after its bulk load's mark
appears.

Each kill lands only once the run has stored a batch more than the
database held (never in start-up), a random part of the reference run's
storing time later. Under a wrapper (valgrind) an ingest takes some 20 s of
CPU to start and stores rows several times slower, and a killed process
reports nothing: WRAPPED sets fewer rows and kills. What valgrind checks is every run
that ends: the reference run and the re-runs that open a killed store and
finish it (exit 99 on a memory error or leak fails them). CI's valgrind
build does not run this script (tests/CMakeLists.txt: the lines it runs are
run there by other tests); the wrapped mode is for a run by hand.
"""
# fixture: geodata_db
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from acled_table import backup, read_now, write_table, stored_events  # noqa: E402

ROWS = 20000
BATCH = 200
KILLS = 20
WRAPPED = dict(ROWS=4000, BATCH=100, KILLS=4)
SEED = 20241127
# what an ingest of a table writes (places and place_names when it learns names)
WRITTEN_TABLES = ("events", "ingest_files", "places", "place_names", "meta")

def ingest_cmd(args, db, table):
    return shlex.split(args.wrapper) + [args.durand, "--quiet", "--db", db, "ingest", table, "--batch", str(BATCH), "--report", "json",
            "--rejects", db + ".rejects.csv"]


def env_for(args):
    return dict(os.environ, DURAND_GEODATA=os.path.join(args.source_dir, "geodata"),
                DURAND_BULK_MIN_ROWS=str(ROWS // 4))


def rows_of(db):
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT uid, row_hash FROM events ORDER BY uid").fetchall()
    finally:
        con.close()


def start(args, db, table):
    """Start an ingest with its output going to files: a process that is
    polled, not read, must not block on a full pipe (valgrind's reports)."""
    files = [open(db + suffix, "w+b") for suffix in (".out", ".err")]
    proc = subprocess.Popen(ingest_cmd(args, db, table), stdout=files[0], stderr=files[1], env=env_for(args))
    proc.files = files
    return proc


def output(proc):
    """stdout and stderr of a process start() began (once it has ended)."""
    data = []
    for f in proc.files:
        f.seek(0)
        data.append(f.read())
        f.close()
    return data


def wait_until(proc, ready):
    """Poll until ready() is true; False if `proc` ended first."""
    while proc.poll() is None:
        if ready():
            return True
        time.sleep(0.05)
    return False


def wait_for_rows(proc, db, more_than):
    """Wait until the store holds more than `more_than` events."""
    return wait_until(proc, lambda: stored_events(db) > more_than)


def wait_for_bulk(proc, db):
    """Wait until a bulk load's mark is in the store."""
    return wait_until(proc, lambda: read_now(db, "SELECT count(*) FROM events_rtree_deferred") > 0)


def check_after_kill(db, trial, full=False):
    """The invariants of a database whose ingest was killed; returns the event
    count and whether a bulk load was under way (its mark is left).
    full: PRAGMA integrity_check of the whole file; otherwise quick_check of the
    whole file (every page and b-tree) plus integrity_check of each table the
    ingest writes (with its indexes) — the same checks, a third of the time on
    a file that is mostly geodata."""
    con = sqlite3.connect(db)
    try:
        pragmas = ["PRAGMA integrity_check"] if full else \
            ["PRAGMA quick_check"] + [f"PRAGMA integrity_check({t})" for t in WRITTEN_TABLES]
        for pragma in pragmas:
            ok = con.execute(pragma).fetchall()
            dn_e2e.check(ok == [("ok",)], f"trial {trial}: {pragma} says {ok[:5]}")
        tree = con.execute("SELECT rtreecheck('idx_events_geom')").fetchone()[0]
        dn_e2e.check(tree == "ok", f"trial {trial}: rtreecheck says {tree}")
        n, distinct = con.execute("SELECT count(*), count(DISTINCT uid) FROM events").fetchone()
        dn_e2e.check(n == distinct, f"trial {trial}: {n} events but {distinct} distinct uids")
        dn_e2e.check(n % BATCH == 0 or n == ROWS,
                     f"trial {trial}: {n} events is not a whole number of batches of {BATCH}")
        mark = con.execute("SELECT min(since_id) FROM events_rtree_deferred").fetchone()[0]
        stale = con.execute("SELECT count(*) FROM idx_events_geom r WHERE NOT EXISTS"
                            " (SELECT 1 FROM events e WHERE e.id = r.pkid AND e.geom IS NOT NULL)").fetchone()[0]
        dn_e2e.check(stale == 0, f"trial {trial}: {stale} spatial index entries of no event with a point")
        missing = con.execute("SELECT count(*) FROM events e WHERE e.geom IS NOT NULL AND e.id < ? AND NOT EXISTS"
                              " (SELECT 1 FROM idx_events_geom r WHERE r.pkid = e.id)",
                              (mark if mark is not None else 2 ** 62,)).fetchone()[0]
        dn_e2e.check(missing == 0, f"trial {trial}: {missing} events below the bulk mark {mark} not in the spatial index")
        dn_e2e.check(not full or mark is None, f"trial {trial}: a finished run left the bulk mark {mark}")
        # a bulk load lifts the INSERT triggers in the transaction that sets its
        # mark and puts them back in the one that clears it
        triggers = {t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                              " AND name IN ('events_geom_check', 'events_geom_insert')")}
        dn_e2e.check(mark is not None or len(triggers) == 2,
                     f"trial {trial}: no bulk mark but the INSERT triggers are {sorted(triggers)}")
        # the first n rows of the file, nothing else: "line k" for k = 2 .. n + 1
        beyond = con.execute("SELECT count(*) FROM events WHERE CAST(substr(source_ref, 6) AS INTEGER) > ?",
                             (n + 1,)).fetchone()[0]
        dn_e2e.check(beyond == 0, f"trial {trial}: {beyond} of {n} events come from beyond the first {n} rows")
        return n, mark is not None
    finally:
        con.close()


def main():
    global ROWS, BATCH, KILLS
    args = dn_e2e.parse_args()
    wrapped = bool(args.wrapper.strip())
    if wrapped:
        ROWS, BATCH, KILLS = WRAPPED["ROWS"], WRAPPED["BATCH"], WRAPPED["KILLS"]
    rng = random.Random(SEED)
    work = args.workdir
    tables = [os.path.join(work, "acled.csv"), os.path.join(work, "noids.csv")]
    write_table(tables[0], ROWS, rng, prefix="CRK")
    write_table(tables[1], ROWS, rng, prefix=None)
    template = os.path.join(work, "template.sqlite")
    fixture = os.path.join(work, "..", "geodata.sqlite")
    if os.path.exists(fixture):
        backup(fixture, template)
    else:
        r = dn_e2e.run(args, ["--quiet", "--db", template, "init"])
        dn_e2e.check(r.code == 0, "durand init failed", r)

    # the uninterrupted runs: expected rows and the time T
    expected, store_time = [], None
    for table in tables:
        ref = os.path.join(work, "reference.sqlite")
        shutil.copyfile(template, ref)
        t0 = time.monotonic()
        proc = start(args, ref, table)
        # from the first stored batch to the end
        table_store_time = None
        if wait_for_rows(proc, ref, 0):
            t1 = time.monotonic()
            proc.wait(timeout=1800)
            table_store_time = time.monotonic() - t1
        proc.wait(timeout=1800)
        out, err = output(proc)
        full_time = time.monotonic() - t0
        dn_e2e.check(proc.returncode == 0,
                     f"reference ingest of {table} failed ({proc.returncode}): {err.decode(errors='replace')}")
        dn_e2e.check(table_store_time is not None, f"the reference run of {table} stored nothing while it was polled")
        expected.append(rows_of(ref))
        dn_e2e.check(len(expected[-1]) == ROWS, f"reference run of {table} stored {len(expected[-1])} of {ROWS} rows")
        for f in (ref, ref + "-wal", ref + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        store_time = table_store_time if store_time is None else min(store_time, table_store_time)
        print(f"reference: {os.path.basename(table)}, {ROWS} rows in {full_time:.1f} s (batch {BATCH}),"
              f" storing {table_store_time:.1f} s of it")

    db = os.path.join(work, "crash.sqlite")
    kills = sessions = runs = 0
    bulk_kills = [0, 0]
    t_start = time.monotonic()
    counts = []
    while kills < KILLS:
        sessions += 1
        kind = (sessions - 1) % len(tables)
        table = tables[kind]
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        shutil.copyfile(template, db)
        before = 0
        while True:  # one session: kill and re-run until a run finishes
            runs += 1
            p = start(args, db, table)
            # after start-up: once this run has stored a batch, a random part
            # of the reference's storing time later (start-up is most of a
            # short run's time: killing at a random part of the whole run
            # landed mostly there); once enough kills landed, the last
            # re-run goes to the end. Until a kill has landed in a bulk load
            # of this table, a session's first run is killed early in its
            # bulk load instead (random kills had missed them all in one
            # run of 20 kills in 3 sessions)
            aim_at_bulk = before == 0 and bulk_kills[kind] == 0  # before == 0: the session's first run
            if kills < KILLS and (wait_for_bulk(p, db) if aim_at_bulk else wait_for_rows(p, db, before)):
                try:
                    p.wait(timeout=rng.uniform(0.0, 0.3 if aim_at_bulk else 0.7 if wrapped else 0.9) * store_time)
                except subprocess.TimeoutExpired:
                    p.send_signal(signal.SIGKILL)
            p.wait(timeout=1800)
            out, err = output(p)
            if p.returncode == -signal.SIGKILL:
                kills += 1
                n, in_bulk = check_after_kill(db, kills)
                bulk_kills[kind] += in_bulk
                dn_e2e.check(n >= before, f"trial {kills}: {n} events after {before} had been stored")
                counts.append(n)
                before = n
                continue
            # the re-run that finished: everything stored once, the earlier batches found again
            dn_e2e.check(p.returncode == 0, f"ingest failed ({p.returncode}): {err.decode(errors='replace')}")
            rep = json.loads(out)
            dn_e2e.check(rep["stored"] == ROWS - before and rep["duplicates"] == before and rep["updated"] == 0
                         and rep["rejected"] == 0, f"re-running with {before} events stored reported {rep}")
            break
        check_after_kill(db, f"session {sessions} end", full=True)
        got = rows_of(db)
        dn_e2e.check(got == expected[kind],
                     f"session {sessions} ({os.path.basename(table)}): {len(got)} rows differ from the uninterrupted run")
    print(f"{kills} kills mid-run in {sessions} sessions ({runs} runs), {bulk_kills} of them during a bulk load"
          f" (with ids, without), {time.monotonic() - t_start:.0f} s; events seen after kills: {counts}")
    dn_e2e.check(wrapped or min(bulk_kills) > 0, f"no kill landed during a bulk load of each table: {bulk_kills}")
    shutil.rmtree(work, ignore_errors=True)  # a few hundred MB of databases


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""durand ingest of a directory of articles commits every --batch events,
across files (not once per file): the store it leaves is the one that
ingesting the files one by one leaves (same events, clusters and file
records), a broken file among them is reported while the others are stored,
and running the same command again stores nothing new."""
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
texts = os.path.join(args.source_dir, "tests", "data", "text")
ARTICLES = ["chaman_cp1252.txt", "dikhan_abbrev.txt", "drone_khost.html", "kurram_wrapped.txt",
            "reuters_bajaur.txt", "torkham_bom.txt"]


def fresh_db(name):
    return dn_e2e.fresh_geodata_db(args, name)


def ingest(db, paths, extra=(), codes=(0, 1)):
    r = dn_e2e.run(args, ["--quiet", "ingest", *paths, "--report", "json", *extra], env={"DURAND_DB": db})
    check(r.code in codes, f"ingest {paths}", r)
    return r, (json.loads(r.out) if r.out.strip() else None)


def store(db):
    con = sqlite3.connect(db)
    try:
        events = con.execute("SELECT id, uid, row_hash, type, place, date, fatalities, injured, cluster_id, source"
                             " FROM events ORDER BY id").fetchall()
        files = con.execute("SELECT path, format, rows_read, rows_stored, rows_rejected FROM ingest_files"
                            " ORDER BY path").fetchall()
        articles = con.execute("SELECT source, title, date FROM articles ORDER BY source").fetchall()
        mentions = con.execute("SELECT a.source, m.place_id, m.span_start, m.span_end FROM mentions m"
                               " JOIN articles a ON a.id = m.article_id ORDER BY 1, 3").fetchall()
        return events, files, articles, mentions
    finally:
        con.close()


# the articles, with a binary file named like one in the middle (it fails on its own)
src = os.path.join(args.workdir, "articles")
os.makedirs(src)
for name in ARTICLES:
    shutil.copyfile(os.path.join(texts, name), os.path.join(src, name))
with open(os.path.join(src, "d_broken.txt"), "wb") as f:
    f.write(b"\x00\x01\x02binary\x00" * 64)

one_by_one = fresh_db("one_by_one.sqlite")
for name in sorted(os.listdir(src)):
    broken = name == "d_broken.txt"  # alone on the command line: nothing could be read
    r, _ = ingest(one_by_one, [os.path.join(src, name)], codes=(3,) if broken else (0,))

batched = fresh_db("batched.sqlite")
rejects = os.path.join(args.workdir, "rejects.csv")
r, rep = ingest(batched, [src], ["--batch", "3", "--rejects", rejects])
check(r.code == 1, "a broken file among the articles: exit 1", r)
check(rep["failed_files"] == 1 and rep["files"] == len(ARTICLES) + 1, f"one failed file: {rep}", r)
with open(rejects, encoding="utf-8") as f:
    check("d_broken.txt" in f.read(), "the broken file is named in the rejects file", r)
check(rep["stored"] > 2 * 3, f"the articles span several batches of 3 events: {rep}", r)

a, b = store(one_by_one), store(batched)
check(len(a[0]) == rep["stored"], f"{len(a[0])} events one by one, {rep['stored']} in the directory run")
for what, x, y in zip(("events", "ingest_files", "articles", "mentions"), a, b):
    check(x == y, f"{what} differ between one-by-one and batched ingest:\n{x}\n---\n{y}")
check(len(b[1]) == len(ARTICLES), f"one ingest_files row per good file: {b[1]}")

r, again = ingest(batched, [src], ["--batch", "3"])
check(again["stored"] == 0 and again["duplicates"] == rep["stored"], f"the same command again stores nothing: {again}",
      r)
check(store(batched)[0] == b[0], "the events are unchanged by the second run")
# a headline longer than the stored title's 200 bytes is cut between characters, not inside one
headline = "A" + "\u067e\u0634\u0627\u0648\u0631 " * 40  # "Peshawar" in Urdu script: 2-byte letters
check(headline.encode("utf-8")[200] & 0xC0 == 0x80, "the headline's byte 200 is inside a character")
long_title = os.path.join(args.workdir, "long_title.txt")
with open(os.path.join(texts, "kurram_wrapped.txt"), encoding="utf-8") as f:
    body = f.read()
with open(long_title, "w", encoding="utf-8") as f:
    f.write(headline + "\n\n" + body)
titled = fresh_db("titled.sqlite")
ingest(titled, [long_title], codes=(0,))
con = sqlite3.connect(titled)
con.text_factory = bytes
(title,) = con.execute("SELECT title FROM articles").fetchone()
con.close()
check(len(title) == 199, f"the title is cut to whole characters within 200 bytes: {len(title)} bytes")
check(title.decode("utf-8") == headline.encode("utf-8")[:199].decode("utf-8"), f"the title is valid UTF-8: {title!r}")
print("ok: a directory of articles in batches across files")

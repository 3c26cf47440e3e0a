#!/usr/bin/env python3
"""Event dates of news articles through `durand ingest`, with the real
gazetteer, on the fixtures in tests/data/text:

- miramshah_story_days.txt: a colon dateline ("MIRAMSHAH, Nov 18, 2023:")
  dates the article; "on Friday" is the 17th, "The day before" the 16th
  (the day before that Friday), "The next day" the 17th again, "On the same
  day" the 17th, "Earlier this week" the month, "yesterday" the 17th;
- bannu_no_date.txt: no dateline and no date: the article and its events
  are undated (date and date_precision NULL), not dated by the file's time;
- wana_meta_only.html: the <meta> publication date dates the article.

Each copy is given a file time of today, as a freshly saved article has:
none of the stored dates may be today's."""
# fixture: geodata_db
import datetime
import os
import shutil
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
db = dn_e2e.fresh_geodata_db(args, "durand.sqlite")
fixtures = os.path.join(args.source_dir, "tests", "data", "text")
names = ["miramshah_story_days.txt", "bannu_no_date.txt", "wana_meta_only.html"]
paths = []
for name in names:
    dst = os.path.join(args.workdir, name)
    shutil.copyfile(os.path.join(fixtures, name), dst)
    os.utime(dst)  # the file time is now
    paths.append(dst)

r = dn_e2e.run(args, ["--db", db, "ingest", *paths])
check(r.code == 0, "ingest the three articles", r)
# the user is told which article lacks a date and how to give it; the dated ones are not named
warned = [line for line in r.err.splitlines() if "no article date" in line]
check(len(warned) == 1 and "bannu_no_date.txt" in warned[0] and "--date" in warned[0],
      "one warning, naming the undated article and --date", r)

con = sqlite3.connect(db)
today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()


def article(name):
    row = con.execute("SELECT date, date_source FROM articles WHERE source LIKE ?", ("%" + name,)).fetchone()
    check(row is not None, f"article row for {name}")
    return row


def events(name):
    return con.execute("SELECT place, type, date, date_precision, fatalities, injured FROM events"
                       " WHERE source LIKE ? ORDER BY span_start", ("%" + name,)).fetchall()


check(article("miramshah_story_days.txt") == ("2023-11-18", "dateline"),
      f"colon dateline: {article('miramshah_story_days.txt')}")
got = [(e[0], e[1], e[2], e[3]) for e in events("miramshah_story_days.txt")]
want = [("Mir Ali", "attack", "2023-11-17", "day"),        # "on Friday", dateline Saturday the 18th
        ("Bannu", "attack", "2023-11-16", "day"),          # "The day before"
        ("Wana", "ied", "2023-11-17", "day"),              # "The next day"
        ("Miranshah", "attack", "2023-11-17", "day"),      # "On the same day"
        ("Kurram", "drone_strike", "2023-11-01", "month"),  # "Earlier this week": Nov 12..17
        ("Bannu", "attack", "2023-11-17", "day")]          # "yesterday"
check(got == want, f"story days:\n got  {got}\n want {want}")

check(article("bannu_no_date.txt") == (None, "none"), f"undated article: {article('bannu_no_date.txt')}")
undated = events("bannu_no_date.txt")
check(len(undated) >= 2, f"events of the undated article: {undated}")
for e in undated:
    check(e[2] is None and e[3] is None, f"an undated article's event has no date: {e}")

check(article("wana_meta_only.html") == ("2023-11-18", "meta"), f"meta date: {article('wana_meta_only.html')}")
got = [(e[0], e[2], e[3]) for e in events("wana_meta_only.html")]
want = [("Wana", "2023-11-17", "day"),   # "on Friday"
        ("Mir Ali", "2023-11-16", "day"),  # "A day earlier"
        ("Bannu", "2023-11-18", "day")]    # no date in the sentence: the publication date (date_assumed)
check(got == want, f"meta article:\n got  {got}\n want {want}")
flags = con.execute("SELECT flags FROM events WHERE source LIKE '%wana_meta_only.html' AND place = 'Bannu'").fetchone()
check(flags and "date_assumed" in (flags[0] or ""), f"the assumed date is flagged: {flags}")

stamped = con.execute("SELECT count(*) FROM events WHERE date = ?", (today,)).fetchone()[0]
check(stamped == 0, f"{stamped} events dated today ({today}), the file time")
print("ok: article dates")

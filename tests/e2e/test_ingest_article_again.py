#!/usr/bin/env python3
"""An article read again gives what it gives now, through `durand ingest`:

- the same file with another --date: every event is updated with its new
  day (before, the row hash was the sentence's alone, so nothing changed
  and the run said "already stored");
- the same file, edited so that one incident is gone and another told
  differently: the event no longer read is removed (counted as "retracted"
  and named on stderr), the changed one is updated under its id (an
  incident is known by its type, its place as written and its rank among
  those), and the events of another article are untouched;
- a JSON Lines file of two records without URLs: a change to the second
  record leaves the first record's events alone;
- a report of another source that had joined a removed event's cluster
  stays, in a cluster of its own;
- an event stored before uids carried their article ("text:" and one hash)
  is replaced by its new reading, not kept beside it;
- the same bytes again: nothing stored, updated or removed."""
# fixture: geodata_db
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
db = dn_e2e.fresh_geodata_db(args, "durand.sqlite")

FIRST = ("Bomb kills three in Bannu\n\n"
         "A bomb planted on a motorcycle went off near a bus stand in Bannu on Monday, killing three people "
         "and wounding nine, police said.\n\n"
         "Separately, gunmen attacked a checkpost near Wana on Tuesday, killing two soldiers.\n\n"
         "Later, rockets fired from across the border landed near Chaman, wounding four children.\n")
# the Wana attack is gone and the Chaman shelling now wounds five
EDITED = ("Bomb kills three in Bannu\n\n"
          "A bomb planted on a motorcycle went off near a bus stand in Bannu on Monday, killing three people "
          "and wounding nine, police said.\n\n"
          "Later, rockets fired from across the border landed near Chaman, wounding five children.\n")
OTHER = ("Clash at Torkham\n\n"
         "Afghan and Pakistani border forces exchanged fire at Torkham on Sunday, wounding two guards.\n")

article = dn_e2e.write_file(args, "bannu.txt", FIRST)
other = dn_e2e.write_file(args, "torkham.txt", OTHER)


def ingest(*argv):
    r = dn_e2e.run(args, ["--db", db, "ingest", *argv, "--report", "json"])
    check(r.code == 0, f"ingest {argv}", r)
    return json.loads(r.out), r


def events(name):
    con = sqlite3.connect(db)
    rows = con.execute("SELECT id, uid, place, type, date, fatalities, injured FROM events"
                       " WHERE source LIKE ? ORDER BY span_start", ("%" + name,)).fetchall()
    con.close()
    return rows


rep, _ = ingest(article, other, "--date", "2024-04-10")
check(rep["stored"] == 4 and rep["retracted"] == 0, f"first reading: {rep}")
first = events("bannu.txt")
check([(e[2], e[3], e[4]) for e in first] ==
      [("Bannu", "bombing", "2024-04-08"), ("Wana", "attack", "2024-04-09"), ("Chaman", "shelling", "2024-04-10")],
      f"first reading's events: {first}")
torkham = events("torkham.txt")
check(len(torkham) == 1, f"the other article: {torkham}")

# another --date: the same events, each with its new day
rep, _ = ingest(article, "--date", "2024-04-17")
check(rep["updated"] == 3 and rep["stored"] == 0 and rep["duplicates"] == 0 and rep["retracted"] == 0,
      f"another --date updates every event: {rep}")
moved = events("bannu.txt")
check([e[0] for e in moved] == [e[0] for e in first], f"the same events (ids): {moved}")
# "on Monday", "on Tuesday", and an undated "Later" on the article's day
check([e[4] for e in moved] == ["2024-04-15", "2024-04-16", "2024-04-17"], f"their new days: {moved}")

# another source reports the Wana attack: one incident, the two reports in one cluster
table = dn_e2e.write_file(args, "other_source.csv",
                          "id,date,place,latitude,longitude,type,killed\n"
                          "W1,2024-04-16,Wana,32.2989,69.5725,Attack,2\n")
r = dn_e2e.run(args, ["--db", db, "ingest", table, "--map", "id=id", "--map", "date=date", "--map", "place=place",
                      "--map", "latitude=latitude", "--map", "longitude=longitude", "--map", "type=type",
                      "--map", "killed=killed"])
check(r.code == 0, "ingest the other source", r)


def cluster_of(source):
    con = sqlite3.connect(db)
    row = con.execute("SELECT id, cluster_id FROM events WHERE source LIKE ?", ("%" + source,)).fetchone()
    con.close()
    return row


wana_id = moved[1][0]
check(cluster_of("other_source.csv")[1] == wana_id, f"the table's report joins the article's Wana attack: "
      f"{cluster_of('other_source.csv')} vs {wana_id}")

# the article edited: Wana gone, Chaman changed
with open(article, "w", encoding="utf-8") as f:
    f.write(EDITED)
rep, r = ingest(article, "--date", "2024-04-17")
check(rep["retracted"] == 1 and rep["updated"] == 1 and rep["duplicates"] == 1 and rep["stored"] == 0,
      f"the Wana attack is no longer read, the Chaman shelling changed: {rep}")
check("1 removed" in r.err, "stderr says what was removed", r)
now = events("bannu.txt")
check([(e[2], e[3], e[6]) for e in now] == [("Bannu", "bombing", 9), ("Chaman", "shelling", 5)],
      f"the edited article's events: {now}")
check([e[0] for e in now] == [first[0][0], first[2][0]],
      f"the Bannu and Chaman events keep their ids, moved or changed as their sentences are: {now}")
check(events("torkham.txt") == torkham, f"another article's events untouched: {events('torkham.txt')}")
# the other source's report stays, in a cluster of its own now (its id, not the removed event's)
kept = cluster_of("other_source.csv")
check(kept is not None and kept[1] == kept[0], f"the other report stays, its cluster its own: {kept}")

# the same bytes again: nothing to do
rep, _ = ingest(article, "--date", "2024-04-17")
check(rep["duplicates"] == 2 and rep["stored"] == 0 and rep["updated"] == 0 and rep["retracted"] == 0,
      f"the same reading again: {rep}")

# JSON Lines: each record is its own article, known by its line
records = [{"text": FIRST, "date": "2024-04-10"}, {"text": OTHER, "date": "2024-04-10"}]
jsonl = os.path.join(args.workdir, "feed.jsonl")


def write_records():
    with open(jsonl, "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec) + "\n")


write_records()
rep, _ = ingest(jsonl)
check(rep["stored"] == 4, f"two records: {rep}")
line1 = events("feed.jsonl")
records[1]["text"] = OTHER.replace("two guards", "three guards")
write_records()
rep, _ = ingest(jsonl)
check(rep["updated"] == 1 and rep["duplicates"] == 3 and rep["retracted"] == 0,
      f"a changed second record updates its event only: {rep}")
check([e[0] for e in events("feed.jsonl")] == [e[0] for e in line1], "the same events (ids)")

# an event stored with an old-style uid (no article in it) is replaced, not doubled
con = sqlite3.connect(db)
con.execute("UPDATE events SET uid = 'text:0123456789abcdef' WHERE source LIKE '%torkham.txt'")
con.commit()
con.close()
rep, _ = ingest(other, "--date", "2024-04-10")
check(rep["stored"] == 1 and rep["retracted"] == 1, f"an old-style uid replaced: {rep}")
got = events("torkham.txt")
check(len(got) == 1 and got[0][1].count(":") == 2, f"one Torkham event, new-style uid: {got}")
print("ok")

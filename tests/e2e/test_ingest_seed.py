#!/usr/bin/env python3
"""Issue 7 acceptance with the real gazetteer: the seed article in
../shared/corpus/ gives its three violent events right, and the ceasefire
talks in Kabul and the militants' release as non-violent developments.
Skips (77) when the corpus is not beside the repository."""
# fixture: geodata_db
import json
import os
import sqlite3
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
seed = os.path.join(args.source_dir, "..", "shared", "corpus", "000_7d4307d6fb6d98f1.txt")
if not os.path.exists(seed):
    print(f"skip: seed article not found at {seed}")
    sys.exit(dn_e2e.SKIP)

dn_e2e.fresh_geodata_db(args, "durand.sqlite")  # where run() points DURAND_DB
r = dn_e2e.run(args, ["ingest", seed, "--report", "json"])
check(r.code == 0, "seed ingest should succeed", r)
con = sqlite3.connect(os.path.join(args.workdir, "durand.sqlite"))
events = con.execute("SELECT date, date_precision, type, place, district, country, fatalities, injured, side,"
                     " span_start, span_end, excerpt, source FROM events").fetchall()
violent = [e for e in events if e[6] is not None]
check(len(violent) == 3, f"three violent events, got {violent}")
by_place = {e[3]: e for e in violent}

nw = by_place.get("North Waziristan")
check(nw and nw[0] == "2022-05-14" and nw[1] == "day" and nw[6] == 6 and nw[8] == "PAK", f"North Waziristan {nw}")
aps = by_place.get("Peshawar")
check(aps and aps[0].startswith("2014") and aps[1] == "year" and aps[6] == 148 and aps[4] == "Peshawar", f"APS {aps}")
dc = by_place.get("Dir Colony")
check(dc and dc[0] == "2020-10-01" and dc[1] == "month" and dc[6] == 8 and dc[7] == 120, f"Dir Colony {dc}")
# a neighbourhood of Peshawar, not Dir district (nor Karachi's Dir Colony)
check(dc[4] == "Peshawar", f"Dir Colony is in Peshawar district: {dc}")

types = {e[2] for e in events if e[6] is None}
check("ceasefire" in types or "talks" in types, f"ceasefire talks as a development: {types}")
check("release" in types, f"release of militants as a development: {types}")
kabul = [e for e in events if e[3] == "Kabul"]
check(kabul and kabul[0][6] is None and kabul[0][2] in ("ceasefire", "talks"), f"talks in Kabul: {kabul}")

# provenance: the byte span points at the sentence in the original file
with open(seed, "rb") as f:
    raw = f.read()
for e in violent:
    sentence = raw[e[9]:e[10]].decode("utf-8", "replace")
    check(str(e[6]) in sentence or "six" in sentence or "eight" in sentence, f"span holds the count: {sentence!r}")
    check(e[12].endswith("000_7d4307d6fb6d98f1.txt"), f"source is the file: {e[12]}")
print("ok: seed article")

#!/usr/bin/env python3
"""durand ingest end to end, the data-quality parts of issue 6: reports of one
incident from two sources linked by cluster_id (and --no-dedupe), names
learned from rows with coordinates (places --learned, --no-learn, kept by a
re-init), the coordinate checks (swapped lat/lon, (0,0) and country-centroid
placeholders, a named place far from the point), and the progress display
that shows on a terminal only."""
# fixture: geodata_db
import csv
import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
from dn_e2e import check  # noqa: E402

args = dn_e2e.parse_args()
ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp").split(",")
with open(os.path.join(args.source_dir, "tests", "data", "ingest", "ucdp_ged.csv"), encoding="utf-8") as f:
    UCDP_HEADER = next(csv.reader(f))


def fresh_db(name):
    return dn_e2e.fresh_geodata_db(args, name)


def write_csv(name, header, rows):
    path = os.path.join(args.workdir, name)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
    return path


def ingest(db, *files_and_opts, code=0):
    r = dn_e2e.run(args, ["--db", db, "ingest", *files_and_opts, "--report", "json"])
    check(r.code == code, f"ingest {files_and_opts} exit {r.code}", r)
    return json.loads(r.out), r


def rows(db, sql, *params):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# ---- 7. dedupe across sources ----------------------------------------------------------
acled = write_csv("acled.csv", ACLED_HEADER, [
    dict(event_id_cnty="PAK50001", event_date="2023-05-10", year="2023", time_precision="1",
         event_type="Battles", sub_event_type="Armed clash", actor1="Military Forces of Pakistan (2018-)",
         actor2="TTP: Tehreek-i-Taliban Pakistan", country="Pakistan", admin1="Khyber Pakhtunkhwa",
         admin2="North Waziristan", location="Miran Shah", latitude="33.0003", longitude="70.0708",
         geo_precision="1", source="Dawn", notes="Troops and militants clashed near Miran Shah.", fatalities="4"),
    dict(event_id_cnty="PAK50002", event_date="2023-05-10", year="2023", time_precision="1",
         event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Pakistan)",
         country="Pakistan", admin1="Khyber Pakhtunkhwa", admin2="North Waziristan", location="Miran Shah",
         latitude="33.0003", longitude="70.0708", geo_precision="1", source="Dawn",
         notes="Traders protested in Miran Shah.", fatalities="0"),
])
ucdp = write_csv("ucdp.csv", UCDP_HEADER, [
    # the same clash as PAK50001, a day later in UCDP's record and 2 km off
    dict(id="880001", relid="PAK-2023-1-1", year="2023", type_of_violence="1", side_a="Government of Pakistan",
         side_b="TTP", where_prec="1", where_coordinates="Miran Shah town", adm_1="Khyber Pakhtunkhwa province",
         adm_2="North Waziristan district", latitude="33.0150", longitude="70.0800", country="Pakistan",
         date_prec="1", date_start="2023-05-11", date_end="2023-05-11", best="5", low="4", high="6"),
    # a clash the same day 60 km away: another incident
    dict(id="880002", relid="PAK-2023-1-2", year="2023", type_of_violence="1", side_a="Government of Pakistan",
         side_b="TTP", where_prec="1", where_coordinates="Wana town", adm_1="Khyber Pakhtunkhwa province",
         adm_2="South Waziristan district", latitude="32.3043", longitude="69.5829", country="Pakistan",
         date_prec="1", date_start="2023-05-10", date_end="2023-05-10", best="2", low="2", high="2"),
])

db = fresh_db("dedupe.sqlite")
ingest(db, acled)
ingest(db, ucdp)
c = dict(rows(db, "SELECT uid, cluster_id FROM events"))
check(len(c) == 4, f"every source's row is kept: {c}")
check(c["acled:PAK50001"] == c["ucdp:880001"], f"ACLED and UCDP reports of one clash share a cluster: {c}")
check(c["acled:PAK50002"] != c["acled:PAK50001"], f"a protest is not the same incident as a clash: {c}")
check(c["ucdp:880002"] not in (c["acled:PAK50001"], c["acled:PAK50002"]), f"60 km away is another incident: {c}")
check(c["acled:PAK50001"] == rows(db, "SELECT id FROM events WHERE uid='acled:PAK50001'")[0][0],
      "the first report's id names the cluster")
# the exported/queried contract carries cluster_id
r = dn_e2e.run(args, ["--db", db, "query", "--format", "json"])
check(r.code == 0, "query", r)
q = {e["uid"]: e["cluster_id"] for e in json.loads(r.out)}
check(q["ucdp:880001"] == q["acled:PAK50001"], f"query shows the shared cluster_id: {q}")

# a narrower window (0 days) does not link reports a day apart
db = fresh_db("dedupe0.sqlite")
ingest(db, acled, "--dedupe-days", "0")
ingest(db, ucdp, "--dedupe-days", "0")
c = dict(rows(db, "SELECT uid, cluster_id FROM events"))
check(c["acled:PAK50001"] != c["ucdp:880001"], f"--dedupe-days 0 keeps them apart: {c}")

# --no-dedupe: every event its own cluster
db = fresh_db("nodedupe.sqlite")
ingest(db, acled, ucdp, "--no-dedupe")
c = rows(db, "SELECT uid, id, cluster_id FROM events")
check(len(c) == 4 and all(i == k for _, i, k in c), f"--no-dedupe: each event is its own cluster: {c}")

# ---- 9. learned names --------------------------------------------------------------------
# Zarghun Kalay in Barmal (Paktika) is not in the gazetteer; a namesake,
# Zarghun Kelay, lies in Helmand, 500 km away.
file_a = write_csv("reports_a.csv", ["id", "date", "place", "latitude", "longitude", "province", "district", "killed"],
                   [dict(id="a1", date="2023-05-01", place="Zarghun Kalay", latitude="32.7500", longitude="69.2500",
                         province="Paktika", district="Barmal", killed="2")])
file_b = write_csv("reports_b.csv", ["id", "date", "place", "province", "killed"],
                   [dict(id="b1", date="2023-06-01", place="Zarghun Kalay", province="Paktika", killed="3")])
db = fresh_db("learn.sqlite")
rep, _ = ingest(db, file_a)
check(rep["learned"] == 1, f"the name is learned: {rep}")
(flags,), = rows(db, "SELECT flags FROM events WHERE uid LIKE '%reports_a.csv@%:a1'")
check("place_namesake_elsewhere" in flags and "coord_conflict" not in flags,
      f"a namesake 500 km away is not a conflict when the point lies in the named district: {flags}")
rep, _ = ingest(db, file_b)
check(rep["learned"] == 0, f"a row without coordinates teaches nothing: {rep}")
(lon, lat, prec, place_id, district), = rows(
    db, "SELECT lon, lat, precision, place_id, district FROM events WHERE uid LIKE '%reports_b.csv@%:b1'")
check(abs(lon - 69.25) < 1e-6 and abs(lat - 32.75) < 1e-6 and district == "Barmal",
      f"file B's village resolves to file A's point: {lon} {lat} {district}")
check(prec == "town" and place_id is not None, f"as a town-level place: {prec} {place_id}")
r = dn_e2e.run(args, ["--db", db, "places", "--learned", "--format", "json"])
check(r.code == 0, "places --learned", r)
learned = json.loads(r.out)
check(len(learned) == 1 and learned[0]["name"] == "Zarghun Kalay" and "reports_a.csv" in learned[0]["sources"]
      and learned[0]["district"] == "Barmal", f"places --learned lists it with its source: {learned}")
# the name resolves for the geocoder too, and survives reloading the whole
# shipped geodata; the reload is never run under the wrapper: under valgrind it
# took 4-6 minutes, and test_geodata_init runs it there, learned name and all,
# on the small geodata
r = dn_e2e.run(dn_e2e.unwrapped(args), ["--db", db, "init", "--force"], timeout=1800)
check(r.code == 0, "init --force", r)
r = dn_e2e.run(args, ["--db", db, "places", "--learned", "--format", "json"])
check(r.code == 0 and len(json.loads(r.out)) == 1, "a re-init keeps learned names", r)
r = dn_e2e.run(args, ["--db", db, "geocode", "Zarghun Kalay", "--province", "Paktika", "--format", "json"])
check(r.code == 0 and json.loads(r.out)[0]["kind"] == "LEARNED", "geocode finds the learned name after re-init", r)

# --no-learn: nothing remembered, so file B's village is not placed at A's point
db = fresh_db("nolearn.sqlite")
rep, _ = ingest(db, file_a, "--no-learn")
check(rep["learned"] == 0, f"--no-learn learns nothing: {rep}")
r = dn_e2e.run(args, ["--db", db, "places", "--learned", "--format", "json"])
check(r.code == 0 and json.loads(r.out) == [], "no learned names", r)
check("durand: no learned names yet" in r.err, "an empty list says why on stderr", r)
ingest(db, file_b)
(lon, district), = rows(db, "SELECT lon, district FROM events WHERE uid LIKE '%reports_b.csv@%:b1'")
check(district != "Barmal" and abs(lon - 69.25) > 0.01, f"unlearned: not at A's point: {lon} {district}")

# names with untrustworthy coordinates are never learned
untrusted = write_csv("untrusted.csv", ["id", "date", "place", "latitude", "longitude", "country", "province"], [
    dict(id="u1", date="2023-05-01", place="Spin Ghar Kalay Tor", latitude="30.2591", longitude="70.1436",
         country="Pakistan"),  # Pakistan's label point: a placeholder
    dict(id="u2", date="2023-05-01", place="Shpola Kalay Tor", latitude="0", longitude="0", country="Pakistan"),
])
db = fresh_db("untrusted.sqlite")
rep, _ = ingest(db, untrusted)
check(rep["learned"] == 0, f"placeholders teach nothing: {rep}")

# ---- 3. coordinates ------------------------------------------------------------------------
coords = write_csv("coords.csv", ["id", "date", "place", "latitude", "longitude", "country", "province"], [
    dict(id="c1", date="2023-05-01", place="", latitude="33.9339", longitude="65.2042", country="Afghanistan"),
    dict(id="c2", date="2023-05-02", place="", latitude="33.8312", longitude="66.0275", country=""),
    dict(id="c3", date="2023-05-03", place="Wana", latitude="30.2591", longitude="70.1436", country="Pakistan"),
    dict(id="c4", date="2023-05-04", place="Wana", latitude="0", longitude="0", country="Pakistan"),
    dict(id="c5", date="2023-05-05", place="", latitude="0", longitude="0", country="Pakistan"),
    dict(id="c6", date="2023-05-06", place="Wana", latitude="69.5829", longitude="32.3043", country="Pakistan"),
    dict(id="c7", date="2023-05-07", place="Kabul", latitude="69.5829", longitude="32.3043", country="Afghanistan"),
    dict(id="c8", date="2023-05-08", place="Chaman", latitude="32.3043", longitude="69.5829", country="Pakistan",
         province="Balochistan"),
    dict(id="c9", date="2023-05-09", place="Wana", latitude="32.3100", longitude="69.5900", country="Pakistan"),
])
db = fresh_db("coords.sqlite")
rep, _ = ingest(db, coords)
check(rep["stored"] == 9 and rep["rejected"] == 0, f"coordinate rows are all stored: {rep}")
ev = {u.split(":")[-1]: (lon, lat, prec, country, prov, dist, flags or "") for u, lon, lat, prec, country, prov, dist, flags
      in rows(db, "SELECT uid, lon, lat, precision, country, province, district, flags FROM events")}
# country-centroid placeholders: country precision, flagged, no province claimed
for k, iso in (("c1", "AFG"), ("c2", "AFG")):
    lon, lat, prec, country, prov, dist, flags = ev[k]
    check(prec == "country" and country == iso and "country_centroid_coords" in flags and prov is None and dist is None,
          f"{k}: a country centroid is country precision: {ev[k]}")
# a placeholder with a known place name: the place wins, the placeholder is flagged
lon, lat, prec, country, prov, dist, flags = ev["c3"]
check(prec == "town" and dist == "South Waziristan" and "country_centroid_coords" in flags, f"c3: {ev['c3']}")
# (0,0): no coordinates; with a place name the place, without one the country
check(ev["c4"][2] == "town" and "zero_coords" in ev["c4"][6], f"c4: {ev['c4']}")
check(ev["c5"][2] == "country" and ev["c5"][3] == "PAK" and "zero_coords" in ev["c5"][6], f"c5: {ev['c5']}")
# swapped lat/lon: fixed only when the named place agrees, flagged either way
lon, lat, prec, country, prov, dist, flags = ev["c6"]
check(abs(lon - 69.5829) < 1e-6 and abs(lat - 32.3043) < 1e-6 and "swapped_coords_fixed" in flags,
      f"c6: swap fixed when Wana agrees: {ev['c6']}")
lon, lat, prec, country, prov, dist, flags = ev["c7"]
check(abs(lon - 32.3043) < 1e-6 and "swapped_coords_suspected" in flags and "swapped_coords_fixed" not in flags,
      f"c7: swap left alone when Kabul disagrees: {ev['c7']}")
# a conflict over 50 km: flagged, point kept
lon, lat, prec, country, prov, dist, flags = ev["c8"]
check(abs(lon - 69.5829) < 1e-6 and abs(lat - 32.3043) < 1e-6 and "coord_conflict" in flags,
      f"c8: Chaman 250 km from the point is a conflict, the point kept: {ev['c8']}")
# near the named place: no flags at all
check(ev["c9"][6] == "" and ev["c9"][2] == "point", f"c9: a good row is clean: {ev['c9']}")

# ---- 10. progress: on a terminal only ---------------------------------------------------------
big = os.path.join(args.workdir, "big.csv")
with open(big, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "date", "place", "latitude", "longitude", "killed"])
    for i in range(6000):
        w.writerow([f"p{i}", f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}", "Wana", f"{32.30 + (i % 100) / 1000:.4f}",
                    f"{69.58 + (i % 70) / 1000:.4f}", i % 4])

db = fresh_db("progress_pipe.sqlite")
r = dn_e2e.run(args, ["--db", db, "ingest", big])
check(r.code == 0, "big ingest", r)
check("\r" not in r.err and "rows read," not in r.err, f"no progress without a terminal: {r.err!r}")

db = fresh_db("progress_tty.sqlite")
env = dict(os.environ, DURAND_GEODATA=os.path.join(args.source_dir, "geodata"))
master, slave = pty.openpty()
proc = subprocess.Popen(dn_e2e.shlex.split(args.wrapper) + [args.durand, "--db", db, "ingest", big],
                        stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL, env=env, cwd=args.workdir)
os.close(slave)
seen = b""
while True:
    ready, _, _ = select.select([master], [], [], 600)
    if not ready:
        break
    try:
        chunk = os.read(master, 4096)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    seen += chunk
os.close(master)
check(proc.wait(timeout=600) == 0, f"ingest on a terminal: {seen!r}")
text = seen.decode("utf-8", "replace")
# the stored count may trail the rows read: a writer thread stores them
progress = re.search(r"\rdurand: big\.csv: 5000 rows read, (\d+) stored, 0 rejected", text)
check(progress is not None and int(progress.group(1)) <= 5000, f"progress shows on a terminal: {text!r}")
check("\r\033[K" in text, f"the progress line is cleared at the end: {text!r}")
print("ok: ingest quality")

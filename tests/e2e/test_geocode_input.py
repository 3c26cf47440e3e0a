#!/usr/bin/env python3
"""`durand geocode` on bad stdin lines and in every output format.

Per-line errors name the stdin line, the batch goes on, and the exit code
is 3 at the end; the JSON fields are those DESIGN.md lists.
"""
# fixture: geodata_db
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402

FIELDS = ["query", "status", "name", "kind", "lat", "lon", "country", "province", "district",
          "precision", "radius_km", "confidence", "alternatives", "place_id", "match",
          "outside_hints"]
ALT_FIELDS = ["name", "kind", "lat", "lon", "country", "province", "district", "precision",
              "radius_km", "score", "place_id"]


def main():
    args = dn_e2e.parse_args()
    if not os.path.exists(os.path.join(args.source_dir, "geodata", "durand.gpkg")) \
            and not os.environ.get("DURAND_GEODATA"):
        print("skip: no shipped geodata")
        sys.exit(dn_e2e.SKIP)
    dn_e2e.fresh_geodata_db(args, "durand.sqlite")  # where run() points DURAND_DB

    # invalid UTF-8, a 10 KB name, NUL, blank lines: each reported, the rest geocoded
    lines = [b"Peshawar", b"Pesh\xffawar", b"x" * 10240, b"", b"Kurram Agency", b"Kab\x00ul", b"  ", b"Wana"]
    r = dn_e2e.run(args, ["geocode", "--format", "jsonl", "-"], stdin=b"\n".join(lines) + b"\n")
    dn_e2e.check(r.code == 3, "exit code should be 3 after bad lines", r)
    for want in ["durand: error: stdin line 2: name is not valid UTF-8\n",
                 "durand: error: stdin line 3: name is 10240 bytes long (at most 512)\n",
                 "durand: error: stdin line 4: empty name\n",
                 "durand: error: stdin line 6: name contains a NUL byte\n",
                 "durand: error: stdin line 7: name has no letters or digits\n"]:
        dn_e2e.check(want in r.err, f"stderr lacks {want!r}", r)
    rows = [json.loads(line) for line in r.out.splitlines()]
    dn_e2e.check([x["query"] for x in rows] == ["Peshawar", "Kurram Agency", "Wana"], "good lines not all geocoded", r)
    for row in rows:
        dn_e2e.check(list(row.keys()) == FIELDS, f"fields {list(row.keys())}", r)
        dn_e2e.check(row["status"] == "resolved", f"{row['query']} not resolved", r)
        dn_e2e.check(0 < row["confidence"] <= 1 and row["radius_km"] > 0, "confidence/radius out of range", r)
    dn_e2e.check(rows[1]["name"] == "Kurram" and rows[1]["precision"] == "district", "Kurram Agency", r)
    dn_e2e.check(rows[2]["district"] == "South Waziristan", "Wana is in South Waziristan", r)
    dn_e2e.check("durand: 3 names geocoded: 3 resolved, 0 ambiguous, 0 unresolved; 5 refused (the errors above)\n"
                 in r.err, "the closing count", r)

    # one JSON document; alternatives are objects with their own fields
    r = dn_e2e.run(args, ["geocode", "--format", "json", "Mir Ali", "Khyber"])
    dn_e2e.check(r.code == 0, "geocode json", r)
    doc = json.loads(r.out)
    dn_e2e.check(len(doc) == 2 and doc[0]["status"] == "ambiguous", "Mir Ali without hints is ambiguous", r)
    alts = doc[0]["alternatives"]
    dn_e2e.check(len(alts) == 5, "five alternatives by default", r)
    for a in alts:
        dn_e2e.check(list(a.keys()) == ALT_FIELDS, f"alternative fields {list(a.keys())}", r)
    dn_e2e.check(doc[1]["kind"] == "ADM2" and doc[1]["precision"] == "district", "Khyber is the district", r)
    dn_e2e.check(r.err == "durand: 2 names geocoded: 1 resolved, 1 ambiguous, 0 unresolved\n", "the count", r)

    # a table for people, with the same columns
    r = dn_e2e.run(args, ["geocode", "Razmak"])
    dn_e2e.check(r.code == 0 and r.out.splitlines()[0].split()[:3] == ["query", "status", "name"], "table", r)
    dn_e2e.check("Razmak" in r.out.splitlines()[2], "table row", r)

    # an unknown name is a row that says so, not an error; the count says it too
    r = dn_e2e.run(args, ["geocode", "--format", "csv", "Xyzzyville Kalay"])
    dn_e2e.check(r.code == 0 and "\r\nXyzzyville Kalay,unresolved," in r.out, "unresolved row", r)
    dn_e2e.check(r.err == "durand: 1 name geocoded: 0 resolved, 0 ambiguous, 1 unresolved\n", "unresolved count", r)

    # names as arguments: the argument number is reported
    r = dn_e2e.run(args, ["geocode", "--format", "csv", "Quetta", ""])
    dn_e2e.check(r.code == 3 and "durand: error: argument 2: empty name\n" in r.err, "argument error", r)
    dn_e2e.check("\r\nQuetta,resolved,Quetta," in r.out, "Quetta still geocoded", r)
    print("ok: geocode input and formats")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerate the messy files that tests/e2e/test_ingest_messy.py and
test_ingest_quality.py ingest through the CLI. Rows are invented border
incidents written for the tests, in our own words; byte-level details
(Windows-1252, CR-only line ends) are spelled out here so each is visible.
    python3 tests/data/ingest_e2e/make_fixtures.py"""
import json
import os

here = os.path.dirname(os.path.abspath(__file__))


def write_bytes(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)


# 1. Windows-1252 text (en dash 0x96, curly quotes 0x93/0x94, e-acute 0xE9)
#    with old-Mac CR-only line ends, header names in odd case and spacing.
rows = [
    "ID,Event Date,Location,Latitude,Longitude,Fatalities,Notes",
    "w1,2023-04-02,Wana,32.3043,69.5829,2,Gunmen attacked a checkpost \x96 \x93two soldiers\x94 killed",
    "w2,2023-04-03,Chaman,30.9210,66.4597,0,A protest at the caf\xe9 near the gate \x96 no casualties",
    "w3,2023-04-04,Torkham,34.1286,71.0940,1,Shelling near the crossing \x96 one killed",
]
write_bytes("cp1252_cr.csv", ("\r".join(rows) + "\r").encode("latin-1"))

# 2. A generic table with a blank row, a second header half-way down (two
#    exports pasted together) and a totals row at the end.
write_bytes("totals_header.csv", (
    "id,date,place,latitude,longitude,killed\n"
    "t1,2023-02-01,Miran Shah,33.0003,70.0708,3\n"
    "t2,2023-02-02,Parachinar,33.8992,70.1008,1\n"
    "\n"
    "id,date,place,latitude,longitude,killed\n"
    "t3,2023-02-03,Khar,34.7330,71.5260,4\n"
    "Total,,,,,8\n").encode("utf-8"))

# 3. Day-first all-numeric dates: 13/05/2023 only fits day-first, so the
#    file's other dates (02/06/2023) are read day-first too.
write_bytes("dayfirst.csv", (
    "id,date,place,latitude,longitude,killed\n"
    "d1,13/05/2023,Wana,32.3043,69.5829,1\n"
    "d2,02/06/2023,Chaman,30.9210,66.4597,2\n"
    "d3,07/01/2024,Khar,34.7330,71.5260,0\n").encode("utf-8"))

# 4. A table whose columns only make sense with --map (semicolons, names
#    no guesser knows).
write_bytes("mapped.csv", (
    "Incident Ref;When;Village;North;East;Dead;Hurt;Region\n"
    "m1;2023-09-01;Angoor Adda;32.5294;69.2780;2;5;South Waziristan\n"
    "m2;2023-09-02;Zhob;31.3410;69.4493;0;1;Zhob\n").encode("utf-8"))

# 5. A GeoJSON layer read through OGR: two points and a polygon (stored at
#    its centroid, flagged).
layer = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"event_date": "2023-10-01", "location": "Torkham", "fatalities": 1,
                                       "id": "g1", "event_type": "Battles"},
     "geometry": {"type": "Point", "coordinates": [71.0940, 34.1286]}},
    {"type": "Feature", "properties": {"event_date": "2023-10-02", "location": "Ghulam Khan", "fatalities": 0,
                                       "id": "g2", "event_type": "Protests"},
     "geometry": {"type": "Point", "coordinates": [70.2867, 33.1233]}},
    {"type": "Feature", "properties": {"event_date": "2023-10-03", "location": "Chaman area", "fatalities": 2,
                                       "id": "g3", "event_type": "Battles"},
     "geometry": {"type": "Polygon", "coordinates": [[[66.40, 30.90], [66.50, 30.90], [66.50, 31.00],
                                                       [66.40, 31.00], [66.40, 30.90]]]}},
]}
write_bytes("layer.geojson", (json.dumps(layer, indent=1) + "\n").encode("utf-8"))

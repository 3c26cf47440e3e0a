"""Shared set-up of the export end-to-end tests: a database built from the
mini geodata (tests/data/mini-geodata) with a few events inserted by SQL,
and re-running the test under the system Python when the current one lacks
GDAL's (or QGIS's) bindings."""
import os
import sqlite3
import sys

import dn_e2e

SYSTEM_PYTHON = "/usr/bin/python3"

EVENTS = [
    # uid, date, type, fatalities, injured, country, province, district, lon, lat, excerpt
    ("e:1", "2021-03-04", "Battles", 5, 3, "AFG", "Paktika", "Urgun", 68.9, 31.5, "Five killed near Urgun"),
    ("e:2", "2021-04-10", "Explosions/Remote violence", None, None, "PAK", "Balochistan", "Zhob", 70.0, 31.3,
     "Strike at Zhob"),
    ("e:3", "2022-01-15", "Battles", 12, 0, "PAK", "Khyber Pakhtunkhwa", "Bajaur", 72.5, 34.5, "Clash in Bajaur"),
]


def need_modules(*modules):
    """Import `modules`; when missing, re-run this script under the system
    Python (Debian's has GDAL's and QGIS's bindings; a pyenv one may not),
    else skip with a message."""
    try:
        for m in modules:
            __import__(m)
        return
    except ImportError as e:
        missing = str(e)
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON) and os.path.exists(SYSTEM_PYTHON):
        os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
    print(f"SKIP: {missing} (install python3-gdal / python3-qgis: scripts/install-deps.sh --ci)")
    sys.exit(dn_e2e.SKIP)


def make_store(args, events=True):
    """Create <workdir>/durand.sqlite from the mini geodata; returns the
    environment for dn_e2e.run."""
    env = {"DURAND_GEODATA": os.path.join(args.source_dir, "tests", "data", "mini-geodata")}
    r = dn_e2e.run(args, ["init"], env=env)
    dn_e2e.check(r.code == 0, "durand init failed", r)
    if events:
        db = sqlite3.connect(os.path.join(args.workdir, "durand.sqlite"))
        db.enable_load_extension(True)
        db.load_extension("mod_spatialite")
        with db:
            for uid, date, typ, fat, inj, iso, prov, dist, lon, lat, excerpt in EVENTS:
                db.execute(
                    "INSERT INTO events(uid, source_kind, source, date, date_precision, type, country, province,"
                    " district, lon, lat, precision, fatalities, injured, excerpt, geom)"
                    " VALUES (?, 'csv', 'fixture.csv', ?, 'day', ?, ?, ?, ?, ?, ?, 'point', ?, ?, ?,"
                    " MakePoint(?, ?, 4326))",
                    (uid, date, typ, iso, prov, dist, lon, lat, fat, inj, excerpt, lon, lat))
        db.close()
    return env


# border_bands: the 4 default bands (10, 25, 50, 100 km) on 2 sides
EXPECTED = {"incidents": len(EVENTS), "durand_line": 1, "border_bands": 8, "admin_summary": 12, "crossings": 2}

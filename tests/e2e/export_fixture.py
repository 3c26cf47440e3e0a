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
    # no location at all: FlatGeobuf cannot store it, the other formats keep it without geometry
    ("e:4", "2023-05-01", "Protests", 1, None, None, None, None, None, None, "A protest, place not found"),
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
                    " VALUES (?, 'csv', 'fixture.csv', ?, 'day', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    " CASE WHEN ? IS NULL THEN NULL ELSE MakePoint(?, ?, 4326) END)",
                    (uid, date, typ, iso, prov, dist, lon, lat, None if lon is None else "point", fat, inj, excerpt,
                     lon, lon, lat))
        db.close()
    return env


# border_bands: the 4 default bands (10, 25, 50, 100 km) on 2 sides
EXPECTED = {"incidents": len(EVENTS), "durand_line": 1, "border_bands": 8, "admin_summary": 12, "crossings": 2}
NO_LOCATION = sum(1 for e in EVENTS if e[8] is None)
# formats whose OGR driver cannot store a feature without geometry
DROPS_NO_LOCATION = {"fgb"}


def expected_count(name, fmt):
    """Features of layer `name` in format `fmt`: FlatGeobuf leaves the
    incidents without a location out (durand warns about them)."""
    if name == "incidents" and fmt in DROPS_NO_LOCATION:
        return EXPECTED[name] - NO_LOCATION
    return EXPECTED[name]

#!/usr/bin/env python3
"""`durand export --overwrite` replaces only the layers it writes, and a
failed export leaves the old output as it was.

GeoPackage: all layers are exported, then the user's own things are added
(QGIS's qgis_projects table with a project, a layer of their own with its
style in layer_styles); more events are ingested and `--layers incidents
--overwrite` re-exports the incidents: every other table, layer and style
row must be unchanged, the incidents hold the new count. It used to delete
the file first and keep only incidents and layer_styles.

Failures: a file size limit (RLIMIT_FSIZE, as a full disk) makes the write
of the new incidents fail half-way; another program holding the write lock
makes the write-back fail; a kill -9 part-way. Each time the GeoPackage must
be the same bytes as before. Directory formats (GeoJSON, Shapefile): other
files stay, a failed export keeps the old files, fields.csv keeps the other
layers' rows. KML: the other folders stay. PostGIS (when a server answers,
as in test_export_postgis.py): other tables and their style rows stay."""
# fixture: geodata_db
import glob
import hashlib
import os
import random
import resource
import shlex
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
import export_fixture as fx  # noqa: E402
from acled_table import write_table  # noqa: E402

fx.need_modules("osgeo.ogr")
from osgeo import gdal, ogr  # noqa: E402

gdal.UseExceptions()

# one schema a run: two runs at once (another build tree) must not drop each other's tables
PG_SCHEMA = f"durand_e2e_overwrite_{os.getpid()}"
# tables GDAL keeps per layer: their rows of other layers must not change
META = {"gpkg_contents": "table_name", "gpkg_ogr_contents": "table_name", "gpkg_geometry_columns": "table_name",
        "gpkg_extensions": "table_name", "layer_styles": "f_table_name"}


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def ingest(args, n, prefix, seed):
    table = os.path.join(args.workdir, f"events-{prefix}.csv")
    write_table(table, n, random.Random(seed), prefix=prefix)
    r = dn_e2e.run(dn_e2e.unwrapped(args), ["--quiet", "ingest", table])
    dn_e2e.check(r.code == 0, f"ingest {table}", r)
    con = sqlite3.connect(os.path.join(args.workdir, "durand.sqlite"))
    try:
        return con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()


def durand_cmd(args, argv):
    return shlex.split(args.wrapper) + [args.durand] + list(argv)


def durand_env(args):
    return dict(os.environ, DURAND_DB=os.path.join(args.workdir, "durand.sqlite"),
                DURAND_GEODATA=os.path.join(args.source_dir, "geodata"))


def run_limited(args, argv, fsize):
    """durand with a file size limit of `fsize` bytes: writes past it fail
    with EFBIG, as on a full disk (SIGXFSZ ignored so that they return an
    error instead of killing the process)."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    proc = subprocess.run(durand_cmd(args, argv), capture_output=True, env=durand_env(args), cwd=args.workdir,
                          preexec_fn=limit, timeout=600)
    return dn_e2e.Result(proc)


def no_stage_left(out_dir):
    left = glob.glob(os.path.join(out_dir, ".durand-export-*"))
    dn_e2e.check(not left, f"staging directories left behind: {left}")


def gpkg_tables(path):
    """Every table's rows but the incidents' own (their table, R-tree and
    their rows of the per-layer metadata tables), by name."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            if name == "incidents" or name.startswith("rtree_incidents_"):
                continue
            if name == "sqlite_sequence":  # the replaced style row of incidents takes a new id
                rows = con.execute("SELECT * FROM sqlite_sequence WHERE name NOT IN ('incidents', 'layer_styles')"
                                   " ORDER BY name")
            elif name in META:
                # layer_styles changes (the incidents' row), so does its last_change in gpkg_contents
                rows = con.execute(f'SELECT * FROM "{name}" WHERE {META[name]} IS NOT \'incidents\''
                                   f' AND ({META[name]} IS NOT \'layer_styles\' OR \'{name}\' != \'gpkg_contents\')'
                                   ' ORDER BY 1, 2')
            else:
                rows = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            out[name] = rows.fetchall()
        return out
    finally:
        con.close()


def layer_names(path):
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    return sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount()))


def feature_count(path, layer):
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    lyr = ds.GetLayerByName(layer)
    dn_e2e.check(lyr is not None, f"{path}: no layer {layer}")
    return sum(1 for _ in lyr)  # counted, not the stored count


def add_user_things(gpkg):
    """What a QGIS user keeps in the GeoPackage: a saved project, a layer of
    their own drawn with their own style."""
    con = sqlite3.connect(gpkg)
    with con:
        con.execute("CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)")
        con.execute("INSERT INTO qgis_projects VALUES (?, ?, ?)", ("border watch", b"{}", b"<qgis project/>"))
    con.close()
    ds = gdal.OpenEx(gpkg, gdal.OF_VECTOR | gdal.OF_UPDATE)
    src = ds.GetLayerByName("crossings")
    mine = ds.CreateLayer("my_sites", src.GetSpatialRef(), ogr.wkbPoint)
    mine.CreateField(ogr.FieldDefn("label", ogr.OFTString))
    for i, f in enumerate(src):
        g = ogr.Feature(mine.GetLayerDefn())
        g.SetField("label", f"site {i}")
        g.SetGeometry(f.GetGeometryRef().Clone())
        mine.CreateFeature(g)
    ds = None
    con = sqlite3.connect(gpkg)
    with con:
        con.execute("INSERT INTO layer_styles(f_table_catalog, f_table_schema, f_table_name, f_geometry_column,"
                    " styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time)"
                    " VALUES ('', '', 'my_sites', 'geom', 'mine', '<qgis/>', '', 1, 'my style', 'me', NULL,"
                    " '2024-01-01T00:00:00Z')")
    con.close()


def geopackage(args):
    out_dir = os.path.join(args.workdir, "gpkg")
    gpkg = os.path.join(out_dir, "durand.gpkg")
    n1 = ingest(args, 40, "A", 1)
    # a new file, all layers: prepared unwrapped (test_export_qgis runs it
    # under valgrind); the --overwrite exports after it are under test
    r = dn_e2e.run(dn_e2e.unwrapped(args), ["--quiet", "export", "--format", "gpkg", "--out", out_dir])
    dn_e2e.check(r.code == 0, "first GeoPackage export", r)
    add_user_things(gpkg)
    layers = layer_names(gpkg)
    dn_e2e.check(layers == sorted(list(fx.EXPECTED) + ["layer_styles", "my_sites"]), f"layers {layers}")
    dn_e2e.check(feature_count(gpkg, "incidents") == n1, "first export's incidents")
    before = gpkg_tables(gpkg)

    n2 = ingest(args, 60, "B", 2)
    dn_e2e.check(n2 > n1, f"the second ingest added events ({n1} -> {n2})")
    r = dn_e2e.run(args, ["export", "--format", "gpkg", "--out", out_dir, "--layers", "incidents", "--overwrite"])
    dn_e2e.check(r.code == 0, "re-export of incidents with --overwrite", r)
    dn_e2e.check(layer_names(gpkg) == layers, f"layers after --overwrite: {layer_names(gpkg)}, want {layers}")
    after = gpkg_tables(gpkg)
    for name in sorted(set(before) | set(after)):
        dn_e2e.check(before.get(name) == after.get(name), f"table {name} changed by re-exporting incidents")
    dn_e2e.check(after["qgis_projects"] == [("border watch", b"{}", b"<qgis project/>")], "the QGIS project")
    dn_e2e.check(feature_count(gpkg, "incidents") == n2, f"incidents: want the {n2} events now stored")
    con = sqlite3.connect(gpkg)
    styles = con.execute("SELECT owner, useAsDefault FROM layer_styles WHERE f_table_name = 'incidents'").fetchall()
    stored = con.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'incidents'").fetchone()
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    dn_e2e.check(styles == [("durand", 1)], f"incidents' style rows: {styles}")
    dn_e2e.check(stored == (n2,), f"gpkg_ogr_contents count of incidents: {stored}")
    dn_e2e.check(integrity == "ok", f"integrity_check: {integrity}")
    no_stage_left(out_dir)

    # without --overwrite an existing layer is refused, nothing written
    old = sha(gpkg)
    r = dn_e2e.run(args, ["export", "--format", "gpkg", "--out", out_dir, "--layers", "incidents"])
    dn_e2e.check(r.code == 4 and "layer 'incidents' exists; use --overwrite" in r.err, "refused without --overwrite", r)
    dn_e2e.check(sha(gpkg) == old, "a refused export changed the file")

    # a new layer needs no --overwrite and leaves the rest alone
    # (166,000 places: unwrapped, valgrind would take many minutes over
    # code test_export_qgis runs there; the adding is what is tested)
    r = dn_e2e.run(dn_e2e.unwrapped(args), ["--quiet", "export", "--format", "gpkg", "--out", out_dir, "--layers",
                                            "places"])
    dn_e2e.check(r.code == 0, "adding the places layer", r)
    dn_e2e.check(layer_names(gpkg) == sorted(layers + ["places"]), f"layers {layer_names(gpkg)}")
    dn_e2e.check(gpkg_tables(gpkg)["qgis_projects"] == after["qgis_projects"], "the QGIS project, after places")
    return out_dir, gpkg, n2


def geopackage_failures(args, out_dir, gpkg, n2):
    n3 = ingest(args, 400, "C", 3)
    argv = ["export", "--format", "gpkg", "--out", out_dir, "--layers", "incidents", "--overwrite"]

    # 1. the disk "fills" while the new incidents are written: the copy may
    # reach the old size, no more, and the new layer is larger
    old = sha(gpkg)
    r = run_limited(args, argv, os.path.getsize(gpkg))
    dn_e2e.check(r.code == 4, "a write past the size limit must fail with exit 4", r)
    dn_e2e.check(sha(gpkg) == old, "the failed export changed the GeoPackage")
    dn_e2e.check(feature_count(gpkg, "incidents") == n2, "the old incidents")
    no_stage_left(out_dir)

    # 2. another program (QGIS saving) holds the write lock: the write-back
    # waits, gives up, and the file is as it was
    holder = sqlite3.connect(gpkg, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        r = dn_e2e.run(args, argv)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    dn_e2e.check(r.code == 4 and "left as it was" in r.err, "write-back under another program's lock", r)
    dn_e2e.check(sha(gpkg) == old, "the export under a lock changed the GeoPackage")
    no_stage_left(out_dir)

    # 3. killed part-way: once the copy is being written the original is
    # still untouched (the staging directory is left for the user)
    proc = subprocess.Popen(durand_cmd(args, ["--quiet"] + argv), env=durand_env(args), cwd=args.workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copies = os.path.join(out_dir, ".durand-export-*", "durand.gpkg")
    while proc.poll() is None and not glob.glob(copies):
        time.sleep(0.002)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        dn_e2e.check(sha(gpkg) == old, "a killed export changed the GeoPackage")
        dn_e2e.check(not os.path.exists(gpkg + "-journal"), "a killed export left a journal")
        for d in glob.glob(os.path.join(out_dir, ".durand-export-*")):
            for f in os.listdir(d):
                os.remove(os.path.join(d, f))
            os.rmdir(d)
    else:
        print(f"note: the export ended (exit {proc.returncode}) before it could be killed", file=sys.stderr)

    # and then it works
    r = dn_e2e.run(args, argv)
    dn_e2e.check(r.code == 0, "re-export after the failures", r)
    dn_e2e.check(feature_count(gpkg, "incidents") == n3, f"incidents: want {n3}")
    dn_e2e.check("my_sites" in layer_names(gpkg), "the user's layer after the failures")
    no_stage_left(out_dir)
    return n3


def dir_snapshot(out_dir, skip=()):
    return {f: sha(os.path.join(out_dir, f)) for f in sorted(os.listdir(out_dir))
            if not f.startswith(tuple(skip)) and os.path.isfile(os.path.join(out_dir, f))}


# the directory formats' layers (border_bands and admin_summary take long to build)
LAYERS = "incidents,durand_line,crossings"


def directories(args, n):
    for fmt, ext in (("geojson", ".geojson"), ("shp", ".shp")):
        out_dir = os.path.join(args.workdir, fmt)
        r = dn_e2e.run(args, ["--quiet", "export", "--format", fmt, "--out", out_dir, "--layers", LAYERS])
        dn_e2e.check(r.code == 0, f"{fmt} export", r)
        with open(os.path.join(out_dir, "notes.txt"), "w", encoding="utf-8") as f:
            f.write("mine\n")
        before = dir_snapshot(out_dir)
        # a failure half-way: no file may grow past 2 MB. GeoJSON: the places
        # (written last, 166,000 of them) fail after the other layers' new
        # files are written; Shapefile: the incidents' .dbf already (its text
        # fields are 254 bytes wide until it is closed)
        # (unwrapped, as above: the places layer)
        r = run_limited(dn_e2e.unwrapped(args), ["export", "--format", fmt, "--out", out_dir, "--layers",
                                                 LAYERS + ",places", "--overwrite"], 2 << 20)
        dn_e2e.check(r.code == 4 and (fmt != "geojson" or "places.geojson: the file was cut short" in r.err),
                     f"{fmt}: a write past the size limit must fail with exit 4", r)
        dn_e2e.check(dir_snapshot(out_dir) == before, f"{fmt}: the failed export changed the old files")
        no_stage_left(out_dir)
        # only the incidents' files are replaced
        r = dn_e2e.run(args, ["--quiet", "export", "--format", fmt, "--out", out_dir, "--layers", "durand_line",
                              "--overwrite"])
        dn_e2e.check(r.code == 0, f"{fmt}: re-export of durand_line", r)
        after = dir_snapshot(out_dir)
        dn_e2e.check(sorted(after) == sorted(before), f"{fmt}: files {sorted(after)}, want {sorted(before)}")
        for f in before:
            if not f.startswith("durand_line.") and f != "fields.csv":
                dn_e2e.check(after[f] == before[f], f"{fmt}: {f} changed by re-exporting durand_line")
        dn_e2e.check(feature_count(os.path.join(out_dir, "incidents" + ext), "incidents") == n,
                     f"{fmt}: incidents")
        if fmt == "shp":
            ds = gdal.OpenEx(os.path.join(out_dir, "fields.csv"), gdal.OF_VECTOR)
            listed = sorted({f.GetField("layer") for f in ds.GetLayer(0)})
            dn_e2e.check(listed == sorted(LAYERS.split(",")), f"fields.csv lists {listed}")
        no_stage_left(out_dir)


def kml_dump(path, layer):
    ds = gdal.OpenEx(path, gdal.OF_VECTOR)
    lyr = ds.GetLayerByName(layer)
    dn_e2e.check(lyr is not None, f"{path}: no folder {layer}")
    return [(f.items(), f.GetGeometryRef().ExportToWkt() if f.GetGeometryRef() else None) for f in lyr]


def kml(args):
    """Few incidents: LIBKML's time grows with the square of the document
    (README), and much more under ASan."""
    out_dir = os.path.join(args.workdir, "kml")
    kml_file = os.path.join(out_dir, "durand.kml")
    r = dn_e2e.run(args, ["--quiet", "export", "--format", "kml", "--out", out_dir, "--layers",
                          "incidents,durand_line,crossings", "--to", "2018-06-30"])
    dn_e2e.check(r.code == 0, "KML export", r)
    kept = {name: kml_dump(kml_file, name) for name in ("durand_line", "crossings")}
    few = feature_count(kml_file, "incidents")
    con = sqlite3.connect(os.path.join(args.workdir, "durand.sqlite"))
    want = con.execute("SELECT count(*) FROM events WHERE date <= '2019-06-30'").fetchone()[0]
    con.close()
    again = ["export", "--format", "kml", "--out", out_dir, "--layers", "incidents", "--to", "2019-06-30",
             "--overwrite"]
    # LIBKML does not check its writes: a file cut by a full disk must be
    # noticed, not renamed over the old one
    old = sha(kml_file)
    r = run_limited(args, again, os.path.getsize(kml_file))
    dn_e2e.check(r.code == 4 and "cut short" in r.err, "KML: a write past the size limit must fail with exit 4", r)
    dn_e2e.check(sha(kml_file) == old, "KML: the failed export changed the file")
    no_stage_left(out_dir)
    r = dn_e2e.run(args, ["--quiet"] + again)
    dn_e2e.check(r.code == 0, "KML re-export of incidents", r)
    for name, rows in kept.items():
        dn_e2e.check(kml_dump(kml_file, name) == rows, f"KML folder {name} changed by re-exporting incidents")
    dn_e2e.check(0 < few < want and feature_count(kml_file, "incidents") == want, f"KML incidents: {few} -> {want}")
    no_stage_left(out_dir)


def postgis(args, n):
    base = os.environ.get("DURAND_TEST_PG", "PG:host=localhost port=5432 dbname=durand user=durand password=durand")
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        admin = gdal.OpenEx(base, gdal.OF_VECTOR | gdal.OF_UPDATE)
    except RuntimeError:
        admin = None
    gdal.PopErrorHandler()
    if admin is None:
        print("note: no PostgreSQL+PostGIS server: PostGIS --overwrite not checked", file=sys.stderr)
        return
    admin.ExecuteSQL(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
    admin.ExecuteSQL(f"CREATE SCHEMA {PG_SCHEMA}")
    if admin.GetLayerByName("public.layer_styles") is not None:
        admin.ExecuteSQL(f"DELETE FROM public.layer_styles WHERE f_table_schema = '{PG_SCHEMA}'")
    pg = f"{base} active_schema={PG_SCHEMA}"
    # the first export only prepares the tables (unwrapped: under valgrind its
    # border_bands and admin_summary took minutes, and test_export_postgis runs
    # that code there); the --overwrite below is the code under test
    r = dn_e2e.run(dn_e2e.unwrapped(args), ["--quiet", "export", "--format", "pg", "--out", pg, "--to", "2019-12-31"])
    dn_e2e.check(r.code == 0, "PostGIS export", r)
    admin.ExecuteSQL(f"CREATE TABLE {PG_SCHEMA}.my_notes (id int PRIMARY KEY, note text)")
    admin.ExecuteSQL(f"INSERT INTO {PG_SCHEMA}.my_notes VALUES (1, 'keep me')")

    def state():
        out = {}
        for name in list(fx.EXPECTED) + ["my_notes"]:
            res = admin.ExecuteSQL(f"SELECT count(*) FROM {PG_SCHEMA}.{name}")
            out[name] = res.GetNextFeature().GetField(0)
            admin.ReleaseResultSet(res)
        res = admin.ExecuteSQL("SELECT f_table_name, update_time FROM public.layer_styles"
                               f" WHERE f_table_schema = '{PG_SCHEMA}' ORDER BY f_table_name")
        out["styles"] = [(f.GetField(0), f.GetField(1)) for f in res]
        admin.ReleaseResultSet(res)
        return out

    before = state()
    time.sleep(1.1)  # a replaced style row gets a later update_time
    r = dn_e2e.run(args, ["--quiet", "export", "--format", "pg", "--out", pg, "--layers", "incidents", "--overwrite"])
    dn_e2e.check(r.code == 0, "PostGIS re-export of incidents", r)
    after = state()
    for name in list(fx.EXPECTED) + ["my_notes"]:
        if name != "incidents":
            dn_e2e.check(after[name] == before[name], f"PostGIS table {name}: {before[name]} -> {after[name]}")
    dn_e2e.check(before["incidents"] < n and after["incidents"] == n, f"PostGIS incidents {before} -> {after}")
    kept = [s for s in before["styles"] if s[0] != "incidents"]
    dn_e2e.check([s for s in after["styles"] if s[0] != "incidents"] == kept, f"style rows {after['styles']}")
    dn_e2e.check(len([s for s in after["styles"] if s[0] == "incidents"]) == 1, f"styles {after['styles']}")
    admin.ExecuteSQL(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
    admin.ExecuteSQL(f"DELETE FROM public.layer_styles WHERE f_table_schema = '{PG_SCHEMA}'")


def main():
    args = dn_e2e.parse_args()
    dn_e2e.fresh_geodata_db(args, "durand.sqlite")
    out_dir, gpkg, n2 = geopackage(args)
    n3 = geopackage_failures(args, out_dir, gpkg, n2)
    directories(args, n3)
    kml(args)
    postgis(args, n3)
    print("ok: --overwrite replaced only the layers written; failed exports left the old output as it was")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""durand export --format pg against a PostgreSQL+PostGIS server, re-read
with OGR. The server is $DURAND_TEST_PG (a "PG:..." string), by default the
one scripts/start-postgis.sh sets up; skips (77) when none answers."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dn_e2e  # noqa: E402
import export_fixture as fx  # noqa: E402

fx.need_modules("osgeo.ogr")
from osgeo import gdal, ogr  # noqa: E402

SCHEMA = "durand_e2e"


def main():
    args = dn_e2e.parse_args()
    base = os.environ.get("DURAND_TEST_PG",
                          "PG:host=localhost port=5432 dbname=durand user=durand password=durand")
    gdal.PushErrorHandler("CPLQuietErrorHandler")
    admin = ogr.Open(base, update=1)
    gdal.PopErrorHandler()
    if admin is None:
        print(f"SKIP: no PostgreSQL+PostGIS server reachable at {base.split('password=')[0]}... "
              "(run scripts/start-postgis.sh as root, or set DURAND_TEST_PG)")
        sys.exit(dn_e2e.SKIP)
    # a schema of our own, so the test never touches the user's tables
    admin.ExecuteSQL(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    admin.ExecuteSQL(f"CREATE SCHEMA {SCHEMA}")
    if admin.GetLayerByName("public.layer_styles") is not None:
        admin.ExecuteSQL(f"DELETE FROM public.layer_styles WHERE f_table_schema = '{SCHEMA}'")
    admin = None
    pg = f"{base} active_schema={SCHEMA}"

    env = fx.make_store(args)
    r = dn_e2e.run(args, ["export", "--format", "pg", "--out", pg, "--report", "json"], env=env)
    dn_e2e.check(r.code == 0, "export to PostGIS failed", r)
    dn_e2e.check("password=***" in r.out and "password=durand" not in r.out + r.err,
                 "the report must mask the password", r)

    def reread():
        ds = ogr.Open(pg)
        dn_e2e.check(ds is not None, f"OGR cannot open {pg}")
        for name, count in fx.EXPECTED.items():
            lyr = ds.GetLayerByName(f"{SCHEMA}.{name}") or ds.GetLayerByName(name)
            dn_e2e.check(lyr is not None, f"no table {name}")
            dn_e2e.check(lyr.GetFeatureCount() == count, f"{name}: {lyr.GetFeatureCount()} rows, want {count}")
            srs = lyr.GetSpatialRef()
            dn_e2e.check(srs is not None and srs.GetAuthorityCode(None) == "4326", f"{name}: SRID is not 4326")
            for f in lyr:
                g = f.GetGeometryRef()
                if name == "incidents" and g is None:
                    dn_e2e.check(f.GetField("uid") == "e:4", f"incident {f.GetField('uid')} lost its geometry")
                    continue
                dn_e2e.check(g is not None and g.IsValid(), f"{name}: invalid geometry in feature {f.GetFID()}")
        inc = ds.GetLayerByName(f"{SCHEMA}.incidents") or ds.GetLayerByName("incidents")
        inc.SetAttributeFilter("uid = 'e:1'")
        f = inc.GetNextFeature()
        dn_e2e.check(f is not None, "incident e:1 missing")
        dn_e2e.check(f.GetField("type") == "Battles" and f.GetField("fatalities") == 5, f"bad row {f.items()}")
        d = f.GetDefnRef().GetFieldDefn(f.GetFieldIndex("date"))
        dn_e2e.check(d.GetType() == ogr.OFTDate, "date is not a date column")
        dn_e2e.check(f.GetField("date") == "2021/03/04", f"date {f.GetField('date')}")
        g = f.GetGeometryRef()
        dn_e2e.check(abs(g.GetX() - 68.9) < 1e-9 and abs(g.GetY() - 31.5) < 1e-9, "lon/lat swapped or moved")
        summary = ds.GetLayerByName(f"{SCHEMA}.admin_summary") or ds.GetLayerByName("admin_summary")
        summary.SetAttributeFilter("name = 'Balochistan'")
        f = summary.GetNextFeature()
        dn_e2e.check(f.GetField("events") == 1, "Balochistan should count 1 event")
        # QGIS reads public.layer_styles whatever the layer's schema: the rows
        # are there, told apart by f_table_schema, and none in our schema
        styles = ds.ExecuteSQL("SELECT f_table_name, useasdefault, length(styleqml) AS n, f_table_catalog,"
                               " f_geometry_column FROM public.layer_styles"
                               f" WHERE f_table_schema = '{SCHEMA}'")
        rows = [(s.GetField(0), s.GetField(1), s.GetField(2), s.GetField(3), s.GetField(4)) for s in styles]
        ds.ReleaseResultSet(styles)
        cur = ds.ExecuteSQL("SELECT current_database()")
        dbname = cur.GetNextFeature().GetField(0)
        ds.ReleaseResultSet(cur)
        dn_e2e.check(sorted(r[0] for r in rows) == sorted(fx.EXPECTED), f"public.layer_styles rows {rows}")
        dn_e2e.check(all(r[1] == 1 and r[2] > 500 and r[3] == dbname and r[4] == "geom" for r in rows),
                     f"public.layer_styles rows {rows}")
        own = ds.ExecuteSQL("SELECT count(*) FROM information_schema.tables"
                            f" WHERE table_schema = '{SCHEMA}' AND table_name = 'layer_styles'")
        n_own = own.GetNextFeature().GetField(0)
        ds.ReleaseResultSet(own)
        dn_e2e.check(n_own == 0, f"a {SCHEMA}.layer_styles table QGIS would not read")

    reread()
    # existing tables: refused without --overwrite (exit 4, table named, password masked)
    r = dn_e2e.run(args, ["export", "--format", "pg", "--out", pg], env=env)
    dn_e2e.check(r.code == 4, "a second export must be refused", r)
    dn_e2e.check("table 'incidents' exists; use --overwrite" in r.err and "password=***" in r.err, "message", r)
    dn_e2e.check("password=durand" not in r.err, "the password leaked into the message", r)
    r = dn_e2e.run(args, ["export", "--format", "pg", "--out", pg, "--overwrite"], env=env)
    dn_e2e.check(r.code == 0, "export --overwrite failed", r)
    reread()  # same counts: replaced, not appended; one style row per table
    print("ok: PostGIS export re-read with OGR")


if __name__ == "__main__":
    main()

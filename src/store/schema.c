/** @file schema.c
 * The store's schema, as an ordered list of migrations. Migration N takes a
 * database at version N-1 to version N. Never edit a released migration:
 * append a new one.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "store/schema.h"
#include "store/store.h"

/* Version 1: the tables of DESIGN.md. Geometry columns are added through
 * SpatiaLite so that its metadata, triggers and R*Tree indexes stay right. */
static const char *const v1_statements[] = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",

    "CREATE TABLE admin_areas ("
    " id INTEGER PRIMARY KEY,"
    " level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),"
    " code TEXT,"
    " name TEXT NOT NULL,"
    " country TEXT NOT NULL,"
    " parent_code TEXT,"
    " parent_name TEXT,"
    " alt_names TEXT,"
    " name_ps TEXT, name_fa TEXT, name_ur TEXT,"
    " area_km2 REAL,"
    " historical INTEGER NOT NULL DEFAULT 0,"
    " source TEXT)",
    "SELECT AddGeometryColumn('admin_areas', 'geom', 4326, 'MULTIPOLYGON', 'XY')",
    "SELECT CreateSpatialIndex('admin_areas', 'geom')",
    "CREATE INDEX admin_areas_level ON admin_areas(level, country)",

    "CREATE TABLE border ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " left_iso TEXT NOT NULL,"
    " right_iso TEXT NOT NULL,"
    " length_km REAL,"
    " source TEXT)",
    "SELECT AddGeometryColumn('border', 'geom', 4326, 'LINESTRING', 'XY')",
    "SELECT CreateSpatialIndex('border', 'geom')",

    "CREATE TABLE crossings ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " side TEXT,"
    " proxy_name TEXT,"
    " alt_names TEXT,"
    " point_kind TEXT,"
    " confidence TEXT,"
    " note TEXT,"
    " source TEXT)",
    "SELECT AddGeometryColumn('crossings', 'geom', 4326, 'POINT', 'XY')",
    "SELECT CreateSpatialIndex('crossings', 'geom')",

    "CREATE TABLE places ("
    " id INTEGER PRIMARY KEY,"
    " geonameid INTEGER,"
    " name TEXT NOT NULL,"
    " kind TEXT,"            /* GeoNames feature code, ADM1/ADM2, CROSSING, LEARNED */
    " placetype TEXT,"
    " country TEXT,"
    " province_code TEXT,"
    " province TEXT,"
    " district TEXT,"
    " adm_method TEXT,"
    " population INTEGER,"
    " is_current INTEGER,"
    " source TEXT,"
    " admin_id INTEGER)",   /* the admin_areas row an ADM0/ADM1/ADM2/HIST place stands for */
    "SELECT AddGeometryColumn('places', 'geom', 4326, 'POINT', 'XY')",
    "SELECT CreateSpatialIndex('places', 'geom')",

    "CREATE TABLE place_names ("
    " place_id INTEGER NOT NULL REFERENCES places(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL,"
    " key TEXT NOT NULL,"   /* normalised lookup key */
    " lang TEXT,"
    " script TEXT,"
    " rank INTEGER NOT NULL DEFAULT 0," /* 0 main name, higher = weaker alias */
    " source TEXT)",
    "CREATE INDEX place_names_key ON place_names(key)",
    "CREATE INDEX place_names_place ON place_names(place_id)",

    "CREATE TABLE articles ("
    " id INTEGER PRIMARY KEY,"
    " source TEXT NOT NULL UNIQUE,"
    " url TEXT,"
    " title TEXT,"
    " date TEXT,"
    " date_source TEXT,"
    " content_hash TEXT,"
    " ingested_at TEXT)",

    "CREATE TABLE mentions ("
    " id INTEGER PRIMARY KEY,"
    " article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
    " place_id INTEGER,"
    " name TEXT NOT NULL,"
    " span_start INTEGER,"
    " span_end INTEGER)",
    "CREATE INDEX mentions_article ON mentions(article_id)",

    "CREATE TABLE ingest_files ("
    " id INTEGER PRIMARY KEY,"
    " path TEXT NOT NULL,"
    " format TEXT,"
    " content_hash TEXT,"
    " rows_read INTEGER, rows_stored INTEGER, rows_updated INTEGER, rows_rejected INTEGER,"
    " started_at TEXT, finished_at TEXT)",

    /* The CHECKs are OR chains: an IN list of more than two constants makes
     * SQLite build a temporary index for it at every INSERT (bench_ingest). */
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY,"
    " uid TEXT NOT NULL," /* unique by events_uid below, which a bulk load can drop */
    " source_kind TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " source_ref TEXT,"
    " source_id TEXT,"
    " row_hash TEXT,"
    " date TEXT,"
    " date_precision TEXT CHECK (date_precision = 'day' OR date_precision = 'month' OR date_precision = 'year'),"
    " type TEXT, sub_type TEXT, actor1 TEXT, actor2 TEXT,"
    " place TEXT,"
    " place_id INTEGER,"
    " country TEXT, province TEXT, province_code TEXT, district TEXT,"
    " lon REAL, lat REAL,"
    " precision TEXT CHECK (precision = 'point' OR precision = 'town' OR precision = 'district' OR precision = 'province'"
    " OR precision = 'country'),"
    " radius_km REAL,"
    " fatalities INTEGER, fatalities_low INTEGER, fatalities_high INTEGER, injured INTEGER,"
    " side TEXT, side_certain INTEGER, border_km REAL, band TEXT, crossing TEXT, crossing_km REAL,"
    " confidence REAL,"
    " excerpt TEXT, notes TEXT,"
    " span_start INTEGER, span_end INTEGER,"
    " flags TEXT,"
    " cluster_id INTEGER,"
    " ingested_at TEXT, updated_at TEXT)",
    "SELECT AddGeometryColumn('events', 'geom', 4326, 'POINT', 'XY')",
    "SELECT CreateSpatialIndex('events', 'geom')",
    /* the triggers of events.geom: dni_schema_events_triggers below */
    /* the secondary indexes of events: dni_schema_events_indexes below */
    NULL};

/* The two INSERT triggers of events. A bulk load lifts them from its first
 * batch to its end (store/events.c), so they are also named apart below. */
#define EVENTS_GEOM_CHECK                                                                                          \
    "CREATE TRIGGER IF NOT EXISTS events_geom_check BEFORE INSERT ON events"                                       \
    " WHEN NEW.geom IS NOT NULL AND (GeometryType(NEW.geom) IS NOT 'POINT' OR ST_SRID(NEW.geom) IS NOT 4326)"     \
    " BEGIN SELECT RAISE(ABORT, 'events.geom must be a POINT in EPSG:4326'); END"
#define EVENTS_GEOM_INSERT                                                                                         \
    "CREATE TRIGGER IF NOT EXISTS events_geom_insert AFTER INSERT ON events"                                       \
    " WHEN NEW.geom IS NOT NULL AND NOT EXISTS (SELECT 1 FROM events_rtree_deferred) BEGIN"                        \
    " INSERT INTO idx_events_geom(pkid, xmin, xmax, ymin, ymax)"                                                   \
    " VALUES (NEW.id, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom)); END"

const char *const dni_schema_events_insert_triggers[][2] = {
    {"events_geom_check", EVENTS_GEOM_CHECK}, {"events_geom_insert", EVENTS_GEOM_INSERT}, {NULL, NULL}};

/* The triggers of events.geom, as the latest schema has them; run after
 * CreateSpatialIndex('events', 'geom'). Every statement may run again (a
 * store made before they existed is brought up to them when a writer
 * opens it: dni_store_events_repair). */
const char *const dni_schema_events_triggers[] = {
    /* events is the table durand writes a million rows into. SpatiaLite's
     * eight generic triggers cost about 20 us a row (bench_ingest): a
     * constraint check that scans geometry_columns, a timestamp UPDATE of
     * geometry_columns_time, and an R*Tree DELETE + RTreeAlign() call that
     * prepares its SQL each time. Lean triggers keep the same R*Tree
     * (idx_events_geom, which SQLite fills with 32-bit floats rounded
     * outward) and the same POINT/4326 constraint; every writer, the
     * sqlite3 shell included, goes through them. */
    "DROP TRIGGER IF EXISTS ggi_events_geom",
    "DROP TRIGGER IF EXISTS ggu_events_geom",
    "DROP TRIGGER IF EXISTS tmi_events_geom",
    "DROP TRIGGER IF EXISTS tmu_events_geom",
    "DROP TRIGGER IF EXISTS tmd_events_geom",
    "DROP TRIGGER IF EXISTS gii_events_geom",
    "DROP TRIGGER IF EXISTS giu_events_geom",
    "DROP TRIGGER IF EXISTS gid_events_geom",
    EVENTS_GEOM_CHECK,
    "CREATE TRIGGER IF NOT EXISTS events_geom_check_update BEFORE UPDATE OF geom ON events"
    " WHEN NEW.geom IS NOT NULL AND (GeometryType(NEW.geom) IS NOT 'POINT' OR ST_SRID(NEW.geom) IS NOT 4326)"
    " BEGIN SELECT RAISE(ABORT, 'events.geom must be a POINT in EPSG:4326'); END",
    /* A writer storing a batch of events (dn_store_events_batch_begin)
     * puts a row here inside its transaction; inserts then leave the R*Tree
     * to it, and it adds the batch's entries in one statement before it
     * commits and deletes the row (about 3x cheaper than one trigger call a
     * row). Outside a bulk load the row never outlives the transaction; a
     * bulk load keeps it from batch to batch and packs the whole R*Tree at
     * its end (store/events.h), and readers test the events from since_id
     * on by their point meanwhile. A writer opening the store finishes what
     * a killed one left. */
    "CREATE TABLE IF NOT EXISTS events_rtree_deferred (since_id INTEGER NOT NULL)",
    EVENTS_GEOM_INSERT,
    "CREATE TRIGGER IF NOT EXISTS events_geom_update AFTER UPDATE OF geom ON events BEGIN"
    " DELETE FROM idx_events_geom WHERE pkid = OLD.id;"
    " INSERT INTO idx_events_geom(pkid, xmin, xmax, ymin, ymax)"
    " SELECT NEW.id, MbrMinX(NEW.geom), MbrMaxX(NEW.geom), MbrMinY(NEW.geom), MbrMaxY(NEW.geom)"
    " WHERE NEW.geom IS NOT NULL; END",
    "CREATE TRIGGER IF NOT EXISTS events_geom_delete AFTER DELETE ON events BEGIN"
    " DELETE FROM idx_events_geom WHERE pkid = OLD.id; END",
    NULL};

/* The secondary indexes of events, as the latest schema has them. A bulk
 * load drops them and builds them again at its end (dn_store_events_bulk_*);
 * opening a store read-write creates any that a crash left missing. */
const char *const dni_schema_events_indexes[][2] = {
    /* the uid's uniqueness: an index, not a UNIQUE column, so that a bulk
     * load can drop it and check uids by a map of its own instead
     * (store/uid_map.h; stores made before it keep their UNIQUE column) */
    {"events_uid", "CREATE UNIQUE INDEX events_uid ON events(uid)"},
    /* date ranges; the same-incident lookups of dedupe (store/events.c)
     * read every candidate from this index alone, without a random read of
     * its row (bench: a second source ingested 30 % faster, at 1 us a row
     * more for a bulk load's index build) */
    {"events_date", "CREATE INDEX events_date ON events(date, lat, lon, date_precision, type, source, cluster_id)"},
    /* --in filters use the prefix; the rest makes it covering for summaries
     * by admin area and date (bench_query: 0.58 -> 0.36 CPU-s on 1M events) */
    {"events_admin",
     "CREATE INDEX events_admin ON events(country, province, district, date, date_precision, fatalities, injured)"},
    {"events_border", "CREATE INDEX events_border ON events(border_km)"},
    {"events_cluster", "CREATE INDEX events_cluster ON events(cluster_id)"},
    /* cluster_id too: dedupe asks whether a candidate's cluster holds a
     * report of the new row's source (store/events.c, candidates_sql), and
     * this index answers it alone; through events_cluster each candidate
     * cost a random read of a row (a second source of 200,000 rows into a
     * store of 200,000: 18.6-20.7 s -> 13.3 s, the same clusters;
     * bench_ingest --rows 200000 --second-source, bench/INGEST_LOG.md) */
    {"events_source", "CREATE INDEX events_source ON events(source, cluster_id)"},
    {NULL, NULL}};

/* SpatiaLite functions answer 1 for success and 0 (or NULL) for failure
 * instead of raising an SQL error, so their result has to be read. */
static dn_status run_statement(dn_ctx *ctx, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dni_db(ctx), sql, -1, &st, NULL) != SQLITE_OK)
        return dni_fail_sqlite(ctx, "schema");
    int rc = sqlite3_step(st);
    bool spatialite_call = strncmp(sql, "SELECT ", 7) == 0;
    bool ok = rc == SQLITE_DONE || (rc == SQLITE_ROW && (!spatialite_call || sqlite3_column_int(st, 0) == 1));
    dn_status status = DN_OK;
    if (!ok) {
        if (rc == SQLITE_ROW) status = dni_fail(ctx, DN_ERR_DB, "schema: SpatiaLite refused: %s", sql);
        else status = dni_fail_sqlite(ctx, "schema");
    }
    sqlite3_finalize(st);
    return status;
}

static dn_status migrate_to_1(dn_ctx *ctx)
{
    for (const char *const *s = v1_statements; *s; s++) {
        dn_status st = run_statement(ctx, *s);
        if (st != DN_OK) return st;
    }
    for (const char *const *s = dni_schema_events_triggers; *s; s++) {
        dn_status st = run_statement(ctx, *s);
        if (st != DN_OK) return st;
    }
    for (size_t i = 0; dni_schema_events_indexes[i][0]; i++) {
        dn_status st = run_statement(ctx, dni_schema_events_indexes[i][1]);
        if (st != DN_OK) return st;
    }
    return DN_OK;
}

/* Version 2: the gazetteer index's image (gazetteer/image.c). One row;
 * epoch counts the changes to the tables the index is built from, made
 * by the triggers below, which also drop the image that no longer fits. */
static const char *const v2_statements[] = {
    "CREATE TABLE gazetteer_image ("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " epoch INTEGER NOT NULL DEFAULT 0,"
    " build TEXT,"  /* the build id of the durand that wrote the image */
    " image BLOB)",
    "INSERT INTO gazetteer_image(id, epoch) VALUES (1, 0)",
    NULL};

static const char *const gazetteer_tables[] = {"places", "place_names", "admin_areas", "crossings", NULL};
static const char *const gazetteer_ops[] = {"INSERT", "UPDATE", "DELETE"};

/* "gazetteer_<table>_<op>", in buf */
static const char *trigger_name(char *buf, size_t size, const char *table, const char *op)
{
    snprintf(buf, size, "gazetteer_%s_%c", table, op[0] + ('a' - 'A'));
    return buf;
}

static const char gazetteer_changed_sql[] =
    "UPDATE gazetteer_image SET epoch = epoch + 1, build = NULL, image = NULL WHERE id = 1";

dn_status dn_store_gazetteer_triggers(dn_ctx *ctx, bool create)
{
    char name[64], sql[256];
    if (!create) {
        dn_status s = dn_store_exec(ctx, gazetteer_changed_sql);
        if (s != DN_OK) return s;
    }
    for (size_t t = 0; gazetteer_tables[t]; t++) {
        for (size_t o = 0; o < DN_ARRAY_LEN(gazetteer_ops); o++) {
            const char *table = gazetteer_tables[t], *op = gazetteer_ops[o];
            /* names from the fixed lists above, never from input */
            if (create)
                snprintf(sql, sizeof sql,
                         "CREATE TRIGGER IF NOT EXISTS %s AFTER %s ON %s BEGIN %s; END",
                         trigger_name(name, sizeof name, table, op), op, table, gazetteer_changed_sql);
            else snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s", trigger_name(name, sizeof name, table, op));
            dn_status s = dn_store_exec(ctx, sql);
            if (s != DN_OK) return s;
        }
    }
    return DN_OK;
}

static dn_status migrate_to_2(dn_ctx *ctx)
{
    for (const char *const *s = v2_statements; *s; s++) {
        dn_status st = run_statement(ctx, *s);
        if (st != DN_OK) return st;
    }
    return dn_store_gazetteer_triggers(ctx, true);
}

typedef dn_status (*migration_fn)(dn_ctx *ctx);
static const migration_fn migrations[DN_SCHEMA_VERSION] = {migrate_to_1, migrate_to_2};

static dn_status record_version(dn_ctx *ctx, int version)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, "INSERT INTO schema_version(version, applied_at) VALUES (?, datetime('now'))", &st);
    if (s != DN_OK) return s;
    sqlite3_bind_int(st, 1, version);
    if (sqlite3_step(st) != SQLITE_DONE) return dni_fail_sqlite(ctx, "recording the schema version");
    return DN_OK;
}

dn_status dni_schema_migrate(dn_ctx *ctx, int from_version)
{
    dn_status s;
    if (from_version == 0) {
        /* Spatial metadata must exist before any geometry column. InitSpatialMetadata(1)
         * wraps itself in a transaction, so it cannot run inside a migration's. */
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(dni_db(ctx), "SELECT InitSpatialMetadata(1)", -1, &st, NULL) != SQLITE_OK)
            return dni_fail_sqlite(ctx, "initialising spatial metadata");
        int rc = sqlite3_step(st);
        int ok = rc == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
        sqlite3_finalize(st);
        if (!ok) return dni_fail(ctx, DN_ERR_DB, "initialising spatial metadata failed (is the database writable?)");
        s = dn_store_exec(ctx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
        if (s != DN_OK) return s;
    }
    for (int v = from_version + 1; v <= DN_SCHEMA_VERSION; v++) {
        if ((s = dn_store_begin(ctx)) != DN_OK) return s;
        /* another writer opening the store at the same time may have taken
         * this step while we waited for the lock */
        int now = 0;
        if ((s = dn_store_schema_version(ctx, &now)) == DN_OK && now >= v) {
            if ((s = dn_store_commit(ctx)) != DN_OK) return s;
            continue;
        }
        if (s != DN_OK || (s = migrations[v - 1](ctx)) != DN_OK || (s = record_version(ctx, v)) != DN_OK ||
            (s = dn_store_commit(ctx)) != DN_OK) {
            dn_store_rollback(ctx);
            return s;
        }
    }
    return DN_OK;
}

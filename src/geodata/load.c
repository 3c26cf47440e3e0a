/** @file load.c
 * Loading the shipped GeoPackage into the store: versioning, one
 * all-or-nothing transaction, and the OGR field helpers the layer loaders share.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"
#include "core/hash.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/normalize.h"
#include "geodata/load_internal.h"
#include "store/store.h"

char *dn_geodata_path(dn_ctx *ctx, const char *file)
{
    struct dn_strbuf b = {0};
    dn_strbuf_printf(&b, "%s/%s", dni_geodata_dir(ctx), file);
    if (b.failed) {
        dn_strbuf_free(&b);
        return NULL;
    }
    return b.data;
}

/* The version is a hash of the files' bytes (the GeoPackage and the aliases
 * file), so a rebuilt but identical geodata does not force a reload, and
 * any change does. */
static dn_status hash_file(dn_ctx *ctx, const char *path, bool optional, uint64_t *h)
{
    FILE *f = fopen(path, "rb");
    if (!f && optional && errno == ENOENT) return DN_OK; /* hashes like an empty file */
    if (!f)
        return dni_fail(ctx, DN_ERR_GEODATA, "%s: cannot open shipped geodata: %s (set --geodata DIR or DURAND_GEODATA)",
                        path, strerror(errno));
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) *h = dn_hash_bytes(*h, buf, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) return dni_fail(ctx, DN_ERR_GEODATA, "%s: read error", path);
    return DN_OK;
}

static dn_status file_version(dn_ctx *ctx, const char *path, const char *aliases, char out[17])
{
    uint64_t h = DN_HASH_INIT;
    dn_status s = hash_file(ctx, path, false, &h);
    if (s == DN_OK) s = hash_file(ctx, aliases, true, &h);
    if (s == DN_OK) dn_hash_hex(h, out);
    return s;
}

/* Hashing the 41 MB GeoPackage took 50 ms of every command that opens the
 * store. While both files keep the size, modification time and inode
 * they had when their bytes were last hashed, those stand for the bytes:
 * the stamp, kept beside the version. A file that cannot be examined
 * gets no stamp, so the hash decides. */
static bool stamp_part(const char *path, bool optional, char *out, size_t cap)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!optional || errno != ENOENT) return false;
        memset(&st, 0, sizeof st);
        st.st_size = -1; /* not there, as hash_file takes it */
    }
    snprintf(out, cap, "%lld.%lld.%09ld.%llu", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
             (long)st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
    return true;
}

static bool file_stamp(const char *gpkg, const char *aliases, char *out, size_t cap)
{
    char a[80], b[80];
    if (!stamp_part(gpkg, false, a, sizeof a) || !stamp_part(aliases, true, b, sizeof b)) return false;
    snprintf(out, cap, "%s|%s", a, b);
    return true;
}

/* Whether the store's version was hashed from files stamped as these are now. */
static dn_status stamp_recorded(dn_ctx *ctx, const char *stamp, bool *same)
{
    char *stored = NULL;
    dn_status s = dn_store_meta_get(ctx, "geodata_stamp", &stored);
    *same = s == DN_OK && stored && strcmp(stored, stamp) == 0;
    dn_free(stored);
    return s;
}

/* The stamp recorded for the version the store holds, in a transaction of
 * its own. Only a saving: where it cannot be written (a read-only store,
 * another writer's lock), the next command hashes again. */
static void record_stamp(dn_ctx *ctx, const char *stamp)
{
    if (dn_store_readonly(ctx) || !sqlite3_get_autocommit(dni_db(ctx))) return; /* not inside a caller's transaction */
    dn_status s = dn_store_begin(ctx);
    if (s == DN_OK && (s = dn_store_meta_set(ctx, "geodata_stamp", stamp)) == DN_OK) s = dn_store_commit(ctx);
    if (s != DN_OK) {
        dn_store_rollback(ctx);
        dni_clear_error(ctx);
    }
}

dn_status dn_geodata_loaded(dn_ctx *ctx, bool *loaded, char *version, size_t cap)
{
    char *v = NULL;
    dn_status s = dn_store_meta_get(ctx, "geodata_version", &v);
    if (s != DN_OK) return s;
    *loaded = v != NULL;
    if (version && cap) snprintf(version, cap, "%s", v ? v : "");
    dn_free(v);
    return DN_OK;
}

const char *dni_field_str(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i)) return NULL;
    const char *s = OGR_F_GetFieldAsString(f, i);
    return s && *s ? s : NULL;
}

long long dni_field_int(OGRFeatureH f, const char *name, long long fallback)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i)) return fallback;
    return OGR_F_GetFieldAsInteger64(f, i);
}

double dni_field_real(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i)) return NAN;
    return OGR_F_GetFieldAsDouble(f, i);
}

dn_status dni_geodata_layer(dn_ctx *ctx, GDALDatasetH ds, const char *name, OGRLayerH *out)
{
    *out = GDALDatasetGetLayerByName(ds, name);
    if (!*out) return dni_fail(ctx, DN_ERR_GEODATA, "shipped geodata lacks the layer '%s'", name);
    OGR_L_ResetReading(*out);
    return DN_OK;
}

dn_status dni_bind_geometry(dn_ctx *ctx, sqlite3_stmt *st, int idx, OGRFeatureH f, const char *layer)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (!g)
        return dni_fail(ctx, DN_ERR_GEODATA, "layer '%s', feature %lld: no geometry", layer, (long long)OGR_F_GetFID(f));
    int size = OGR_G_WkbSize(g);
    unsigned char *wkb = dn_malloc((size_t)size);
    if (!wkb) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    if (OGR_G_ExportToIsoWkb(g, wkbNDR, wkb) != OGRERR_NONE) {
        dn_free(wkb);
        return dni_fail(ctx, DN_ERR_GEODATA, "layer '%s', feature %lld: cannot encode geometry", layer,
                        (long long)OGR_F_GetFID(f));
    }
    sqlite3_bind_blob(st, idx, wkb, size, SQLITE_TRANSIENT);
    dn_free(wkb);
    return DN_OK;
}

static dn_status clear_layers(dn_ctx *ctx)
{
    /* learned names (issue: "durand gets better with every file") survive a reload */
    static const char *const sql[] = {
        "DELETE FROM place_names WHERE source IS NULL OR source NOT LIKE 'learned:%'",
        "DELETE FROM places WHERE kind IS NULL OR kind <> 'LEARNED'",
        "DELETE FROM admin_areas", "DELETE FROM border", "DELETE FROM crossings"};
    for (size_t i = 0; i < DN_ARRAY_LEN(sql); i++) {
        dn_status s = dn_store_exec(ctx, sql[i]);
        if (s != DN_OK) return s;
    }
    return DN_OK;
}

dn_status dn_geodata_load(dn_ctx *ctx, bool force, struct dn_geodata_report *report)
{
    struct dn_geodata_report local;
    struct dn_geodata_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (!dni_db(ctx)) return dni_fail(ctx, DN_ERR_INTERNAL, "no database open");

    char *path = dn_geodata_path(ctx, DN_GEODATA_FILE);
    char *aliases = dn_geodata_path(ctx, "aliases.csv");
    if (!path || !aliases) {
        dn_free(path);
        dn_free(aliases);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    char stamp[160];
    bool stamped = file_stamp(path, aliases, stamp, sizeof stamp), same_files = false;
    char current[32] = "";
    bool loaded = false;
    dn_status s = dn_geodata_loaded(ctx, &loaded, current, sizeof current);
    if (s == DN_OK && loaded && !force) {
        /* keys made by another normaliser would not match today's queries */
        char *keys = NULL;
        s = dn_store_meta_get(ctx, "name_key_version", &keys);
        force = !keys || strcmp(keys, DN_NAME_KEY_VERSION) != 0;
        dn_free(keys);
    }
    if (s == DN_OK && stamped && loaded && !force) s = stamp_recorded(ctx, stamp, &same_files);
    if (s == DN_OK && same_files) snprintf((char *)rep->version, sizeof rep->version, "%s", current);
    else if (s == DN_OK) s = file_version(ctx, path, aliases, (char *)rep->version);
    dn_free(aliases);
    bool up_to_date = !force && loaded && strcmp(current, rep->version) == 0;
    if (s == DN_OK && up_to_date && stamped && !same_files) record_stamp(ctx, stamp);
    if (s != DN_OK || up_to_date) {
        dn_free(path);
        return s;
    }

    dni_gdal_begin(ctx);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
    if (!ds) {
        s = dni_fail(ctx, DN_ERR_GEODATA, "%s: cannot read shipped geodata: %s", path, dni_gdal_last(ctx));
        dni_gdal_end(ctx);
        dn_free(path);
        return s;
    }
    /* the load touches ~100 MB of pages: a page cache that holds them turns
     * most of its I/O into memory copies (SQLite's default is 2 MB) */
    s = dn_store_exec(ctx, "PRAGMA cache_size = -262144");
    /* statement journals in memory: once one statement of a transaction
     * has saved 64 KiB, SQLite writes every later one's to a temporary
     * file, and here that was each of 168,000 row inserts (strace -f -y of
     * `durand init`: 537,000 pwrite calls to /var/tmp, 300 now) */
    if (s == DN_OK) s = dn_store_exec(ctx, "PRAGMA temp_store = MEMORY");
    if (s == DN_OK) s = dn_store_begin(ctx);
    /* one change of the gazetteer's tables for the whole load, not a
     * trigger's for each of its 500,000 rows (the triggers are back
     * before the commit) */
    if (s == DN_OK) s = dn_store_gazetteer_triggers(ctx, false);
    if (s == DN_OK) s = clear_layers(ctx);
    if (s == DN_OK) s = dni_load_areas(ctx, ds, rep);
    if (s == DN_OK) s = dni_load_places(ctx, ds, rep);
    if (s == DN_OK) s = dn_store_gazetteer_triggers(ctx, true);
    if (s == DN_OK) s = dn_store_meta_set(ctx, "geodata_version", rep->version);
    if (s == DN_OK) s = dn_store_meta_set(ctx, "geodata_stamp", stamped ? stamp : "");
    if (s == DN_OK) s = dn_store_commit(ctx);
    if (s != DN_OK) dn_store_rollback(ctx);
    sqlite3_exec(dni_db(ctx), "PRAGMA cache_size = -2000", NULL, NULL, NULL); /* back to the defaults */
    sqlite3_exec(dni_db(ctx), "PRAGMA temp_store = DEFAULT", NULL, NULL, NULL);
    GDALClose(ds);
    dni_gdal_end(ctx);
    dn_free(path);
    rep->loaded = s == DN_OK;
    /* an index built from the old rows would now point at nothing */
    if (s == DN_OK) dn_gazetteer_invalidate(ctx);
    return s;
}

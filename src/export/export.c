/** @file export.c
 * dn_export_run: plans the output (paths, refusal to replace), opens the
 * OGR datasets, runs every layer through its producer inside one
 * transaction where the driver has them, and writes the styles.
 *
 * Replacing output never destroys what the export was not asked to write,
 * and a failure half-way leaves the old output as it was: files are written
 * into a private directory beside the output (the stage) and renamed over
 * the old ones only once every layer is done; an existing GeoPackage or KML
 * file is updated in a copy there (see write_container).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>

#include "export/export_internal.h"
#include "export/stage.h"
#include "store/store.h"

/* mimalloc, when it serves the process's malloc (the durand binary links it:
 * DN_MIMALLOC). Weak, so the library links and runs without it. */
#if defined(__has_include)
#if __has_include(<mimalloc.h>)
#include <mimalloc.h>
#pragma weak mi_reserve_os_memory
#pragma weak mi_option_get
#pragma weak mi_option_set
#define DN_HAVE_MIMALLOC_H 1
#endif
#endif

enum { PATH_CAP = 1024 };

/* What one run writes, worked out before anything is touched. */
struct plan {
    const struct dni_xformat *fmt;
    enum dn_export_layer layers[DN_LAYER_COUNT];
    size_t nlayers;
    bool file_mode;          /* --out names the file itself */
    bool update;             /* the GPKG/KML container exists: replace layers in it, keep the rest */
    char dir[PATH_CAP];      /* output directory ("" for PG) */
    char name[PATH_CAP];     /* file_mode: the file's name in dir; containers: durand.gpkg/.kml or that name */
    struct dni_stage stage;  /* private directory in dir the files are written into ("" for PG) */
    char container[PATH_CAP]; /* GPKG/KML file, or the PG: string */
    char shown[PATH_CAP];    /* container as shown in messages (PG password masked) */
};

/* "PG:host=x password=secret" -> "PG:host=x password=***" */
static void mask_password(const char *in, char *out, size_t cap)
{
    snprintf(out, cap, "%s", in);
    char *p = strstr(out, "password=");
    if (!p) return;
    char *v = p + strlen("password=");
    char *end = v;
    if (*end == '\'') {
        end++;
        while (*end && *end != '\'') end++;
        if (*end) end++;
    } else {
        while (*end && *end != ' ') end++;
    }
    char rest[PATH_CAP];
    snprintf(rest, sizeof rest, "%s", end);
    snprintf(v, cap - (size_t)(v - out), "***%s", rest);
}

static dn_status join(dn_ctx *ctx, char *buf, const char *dir, const char *name, const char *ext)
{
    int n = snprintf(buf, PATH_CAP, "%s%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", name, ext);
    if (n < 0 || n >= PATH_CAP) return dni_fail(ctx, DN_ERR_USAGE, "--out: path too long: %s", dir);
    return DN_OK;
}

static dn_status make_plan(dn_ctx *ctx, const struct dn_export_opts *o, struct plan *p)
{
    memset(p, 0, sizeof *p);
    p->fmt = dni_xformat(o->format);
    unsigned mask = o->layers ? o->layers : DN_LAYERS_DEFAULT;
    for (int l = 0; l < DN_LAYER_COUNT; l++)
        if (mask & DN_LAYER_BIT(l)) p->layers[p->nlayers++] = (enum dn_export_layer)l;
    const char *out = o->out && *o->out ? o->out : DN_EXPORT_DEFAULT_DIR;
    bool pg_out = strncasecmp(out, "PG:", 3) == 0;
    if (o->format == DN_EXPORT_PG) {
        if (!pg_out)
            return dni_fail(ctx, DN_ERR_USAGE, "--format pg needs --out \"PG:host=... dbname=... user=...\", not '%s'",
                            out);
        snprintf(p->container, sizeof p->container, "%s", out);
        mask_password(out, p->shown, sizeof p->shown);
        return DN_OK;
    }
    if (pg_out) return dni_fail(ctx, DN_ERR_USAGE, "--out PG:... needs --format pg");
    if (strlen(out) >= PATH_CAP - 64) return dni_fail(ctx, DN_ERR_USAGE, "--out: path too long");
    p->file_mode = dn_path_has_extension(out, p->fmt->ext);
    if (p->file_mode && p->fmt->per_layer_file && p->nlayers != 1)
        return dni_fail(ctx, DN_ERR_USAGE,
                        "--out %s names one %s file but %zu layers are selected: give a directory, or one layer "
                        "with --layers",
                        out, p->fmt->name, p->nlayers);
    if (p->file_mode) {
        snprintf(p->dir, sizeof p->dir, "%s", out);
        char *slash = strrchr(p->dir, '/');
        snprintf(p->name, sizeof p->name, "%s", slash ? out + (slash - p->dir) + 1 : out);
        if (slash) slash[slash == p->dir ? 1 : 0] = '\0';
        else snprintf(p->dir, sizeof p->dir, ".");
        if (!p->fmt->per_layer_file) snprintf(p->container, sizeof p->container, "%s", out);
    } else {
        snprintf(p->dir, sizeof p->dir, "%s", out);
        snprintf(p->name, sizeof p->name, "durand%s", p->fmt->ext);
        if (!p->fmt->per_layer_file) {
            dn_status s = join(ctx, p->container, out, "durand", p->fmt->ext);
            if (s != DN_OK) return s;
        }
    }
    /* an existing container keeps the layers and tables not written */
    struct stat sb;
    p->update = !p->fmt->per_layer_file && stat(p->container, &sb) == 0 && S_ISREG(sb.st_mode);
    snprintf(p->shown, sizeof p->shown, "%s", p->container);
    return DN_OK;
}

/* The file name of layer i in the output directory (per-layer formats). */
static dn_status layer_name(dn_ctx *ctx, const struct plan *p, size_t i, char *buf)
{
    if (p->file_mode) {
        snprintf(buf, PATH_CAP, "%s", p->name);
        return DN_OK;
    }
    return join(ctx, buf, "", dn_export_layer_name(p->layers[i]), p->fmt->ext);
}

/* Same name, other extension: "dir/incidents.shp" -> "dir/incidents.qml" */
static void sidecar(const char *path, const char *ext, char *buf)
{
    snprintf(buf, PATH_CAP, "%s", path);
    char *dot = strrchr(buf, '.');
    char *slash = strrchr(buf, '/');
    if (dot && (!slash || dot > slash)) *dot = '\0';
    size_t n = strlen(buf);
    snprintf(buf + n, PATH_CAP - n, "%s", ext);
}

/* Every file the plan writes, by its name in the output directory
 * (callback per name). An existing GeoPackage is not among them: its copy in
 * the stage goes back through SQLite, not by rename (write_container). */
typedef dn_status (*name_fn)(dn_ctx *ctx, const struct plan *p, const char *name);

static dn_status each_output(dn_ctx *ctx, const struct plan *p, name_fn fn)
{
    /* the files a layer file brings beside it, by format */
    static const char *const shp_sidecars[] = {".shx", ".dbf", ".prj", ".cpg", ".qix", NULL};
    static const char *const csv_sidecars[] = {".csvt", ".prj", NULL};
    static const char *const none[] = {NULL};
    const char *const *sidecars = p->fmt->id == DN_EXPORT_SHP ? shp_sidecars
                                  : p->fmt->id == DN_EXPORT_CSV ? csv_sidecars
                                                                : none;
    char name[PATH_CAP], side[PATH_CAP];
    dn_status s = DN_OK;
    if (!p->fmt->per_layer_file && !(p->update && p->fmt->id == DN_EXPORT_GPKG)) s = fn(ctx, p, p->name);
    for (size_t i = 0; s == DN_OK && i < p->nlayers; i++) {
        if (p->fmt->per_layer_file) {
            if ((s = layer_name(ctx, p, i, name)) != DN_OK) return s;
            s = fn(ctx, p, name);
        } else {
            /* QML files of a container format sit beside it, one per layer */
            if ((s = join(ctx, name, "", dn_export_layer_name(p->layers[i]), p->fmt->ext)) != DN_OK) return s;
        }
        for (size_t k = 0; s == DN_OK && sidecars[k]; k++) {
            sidecar(name, sidecars[k], side);
            s = fn(ctx, p, side);
        }
        if (s == DN_OK && p->fmt->qml_files) {
            sidecar(name, ".qml", side);
            s = fn(ctx, p, side);
        }
    }
    if (s == DN_OK && p->fmt->id == DN_EXPORT_SHP) s = fn(ctx, p, "fields.csv");
    return s;
}

static dn_status refuse_existing(dn_ctx *ctx, const struct plan *p, const char *name)
{
    char path[PATH_CAP];
    struct stat sb;
    dn_status s = join(ctx, path, p->dir, name, "");
    /* an existing container is opened first: its layers are checked then */
    if (p->update && !p->fmt->per_layer_file && strcmp(name, p->name) == 0) return s;
    if (s == DN_OK && stat(path, &sb) == 0)
        return dni_fail(ctx, DN_ERR_EXISTS, "%s exists; use --overwrite to replace it", path);
    return s;
}

/* --overwrite: the old file stays until the new one is renamed over it;
 * only a directory in the way stops the export, before anything is written. */
static dn_status check_replaceable(dn_ctx *ctx, const struct plan *p, const char *name)
{
    char path[PATH_CAP];
    struct stat sb;
    dn_status s = join(ctx, path, p->dir, name, "");
    if (s == DN_OK && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return dni_fail(ctx, DN_ERR_IO, "%s is a directory; not replacing it", path);
    return s;
}

/* Move a finished file from the stage over the old one. A file the layer
 * once had but this driver did not write (a Shapefile's .qix, say) would no
 * longer match the new layer: it goes. */
static dn_status publish(dn_ctx *ctx, const struct plan *p, const char *name)
{
    char from[PATH_CAP], to[PATH_CAP];
    dn_status s = join(ctx, from, p->stage.path, name, "");
    if (s == DN_OK) s = join(ctx, to, p->dir, name, "");
    if (s != DN_OK) return s;
    struct stat sb;
    if (stat(from, &sb) != 0) {
        if (unlink(to) != 0 && errno != ENOENT)
            return dni_fail(ctx, DN_ERR_IO, "%s: cannot remove the old file: %s", to, strerror(errno));
        return DN_OK;
    }
    if (rename(from, to) != 0) return dni_fail(ctx, DN_ERR_IO, "%s: cannot replace: %s", to, strerror(errno));
    return DN_OK;
}

static dn_status make_dirs(dn_ctx *ctx, const char *dir)
{
    char buf[PATH_CAP];
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *q = buf + 1;; q++) {
        if (*q == '/' || *q == '\0') {
            char c = *q;
            *q = '\0';
            struct stat sb;
            if (stat(buf, &sb) != 0) {
                if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                    return dni_fail(ctx, DN_ERR_IO, "%s: cannot create directory: %s", buf, strerror(errno));
            } else if (!S_ISDIR(sb.st_mode)) {
                return dni_fail(ctx, DN_ERR_IO, "%s: not a directory", buf);
            }
            *q = c;
            if (!c) break;
        }
    }
    return DN_OK;
}

/* ---- datasets ------------------------------------------------------------- */

static dn_status create_dataset(dn_ctx *ctx, const struct dni_xformat *fmt, const char *path, const char *shown,
                                GDALDatasetH *out)
{
    *out = NULL;
    if (fmt->id == DN_EXPORT_PG) {
        *out = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
        if (!*out) return dni_fail(ctx, DN_ERR_IO, "%s: cannot connect: %s", shown, dni_gdal_last(ctx));
        return DN_OK;
    }
    GDALDriverH drv = GDALGetDriverByName(fmt->driver);
    if (!drv) return dni_fail(ctx, DN_ERR_GDAL, "this GDAL has no %s driver", fmt->driver);
    *out = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, (char **)fmt->dsco);
    if (!*out) return dni_fail(ctx, DN_ERR_IO, "%s: cannot create: %s", shown, dni_gdal_last(ctx));
    return DN_OK;
}

/* An existing GeoPackage or KML file, opened to replace layers in it. A file
 * of that name the driver cannot read is refused rather than replaced:
 * durand cannot tell what it would destroy. */
static dn_status open_container(dn_ctx *ctx, const struct dni_xformat *fmt, const char *path, const char *shown,
                                GDALDatasetH *out)
{
    const char *const drivers[] = {fmt->driver, NULL};
    *out = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers, NULL, NULL);
    if (!*out)
        return dni_fail(ctx, DN_ERR_EXISTS,
                        "%s exists but is not a %s file GDAL can update (%s); not replacing it: remove it or choose "
                        "another --out",
                        shown, fmt->driver, *dni_gdal_last(ctx) ? dni_gdal_last(ctx) : "unreadable");
    return DN_OK;
}

/* GDAL 3.6's LIBKML driver builds the whole document as one string when
 * the dataset closes, then, in OGRLIBKMLRemoveSpaces(), copies all of it
 * twice for every <SimpleData> (libkml's pretty printer puts a line break
 * after each start tag, which GDAL takes out again): with admin_summary,
 * 4,249 SimpleData in a 13 MB document, that is some 100 GB of memcpy
 * (ogr2ogr -f LIBKML: about 25 CPU-s). Each copy is a new 13-26 MB
 * allocation; mimalloc hands such huge blocks back to the OS when freed, so
 * every copy page-faults its way through fresh memory, ten times slower
 * again (QA bug 5: killed after 15 minutes). Letting mimalloc keep them, in
 * an arena it does not decommit while the KML is written, makes the copies
 * reuse warm pages (the arena is committed once, for the process). No-op without mimalloc (glibc's malloc raises its mmap
 * threshold after the first such free by itself). */
enum { KML_ARENA_BYTES = 1 << 30 }; /* address space; pages are committed on use */

struct alloc_hold {
    bool held;
    long decommit;
};

static void alloc_hold_begin(const struct dni_xformat *fmt, struct alloc_hold *h)
{
    h->held = false;
    h->decommit = 0;
#ifdef DN_HAVE_MIMALLOC_H
    static bool reserved;
    if (fmt->id != DN_EXPORT_KML || !mi_reserve_os_memory || !mi_option_get || !mi_option_set) return;
    if (!reserved) reserved = mi_reserve_os_memory(KML_ARENA_BYTES, true, false) == 0;
    h->decommit = mi_option_get(mi_option_allow_decommit);
    mi_option_set(mi_option_allow_decommit, 0);
    h->held = true;
#else
    (void)fmt;
#endif
}

static void alloc_hold_end(struct alloc_hold *h)
{
#ifdef DN_HAVE_MIMALLOC_H
    if (h->held) mi_option_set(mi_option_allow_decommit, h->decommit);
#endif
    h->held = false;
}

/* Close, surfacing errors that only show when buffers are flushed. */
static dn_status close_dataset(dn_ctx *ctx, const struct dni_xformat *fmt, GDALDatasetH ds, const char *shown,
                               dn_status s)
{
    if (!ds) return s;
    CPLErrorReset();
    struct alloc_hold hold;
    alloc_hold_begin(fmt, &hold);
    GDALClose(ds);
    alloc_hold_end(&hold);
    if (s == DN_OK && CPLGetLastErrorType() >= CE_Failure)
        return dni_fail(ctx, DN_ERR_IO, "%s: error while closing: %s", shown, dni_gdal_last(ctx));
    return s;
}

/* GDAL 3.6's GeoJSON and LIBKML drivers do not check their writes: on a
 * full disk they report success for a cut file (measured under a 2 MB file
 * size limit: places.geojson cut at 2,097,152 bytes, exit 0), which would
 * then replace the old one. What they write last must be there. A write
 * failing in the middle while later ones succeed would pass; a disk that
 * fills stays full. */
static dn_status check_complete(dn_ctx *ctx, const struct dni_xformat *fmt, const char *path, const char *shown)
{
    const char *end = fmt->id == DN_EXPORT_GEOJSON ? "]}" : fmt->id == DN_EXPORT_KML ? "</kml>" : NULL;
    if (!end) return DN_OK;
    char tail[64];
    size_t n = 0;
    FILE *f = fopen(path, "rb");
    if (f) {
        if (fseek(f, -(long)sizeof tail, SEEK_END) != 0) rewind(f);
        n = fread(tail, 1, sizeof tail, f);
        fclose(f);
    }
    size_t k = strlen(end); /* matched from the end, white space skipped */
    for (size_t i = n; i > 0 && k > 0; i--) {
        char c = tail[i - 1];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c != end[k - 1]) break;
        k--;
    }
    if (k) return dni_fail(ctx, DN_ERR_IO, "%s: the file was cut short (disk full?); nothing was replaced", shown);
    return DN_OK;
}

static bool begin_tx(GDALDatasetH ds) { return GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE; }

static dn_status commit_tx(dn_ctx *ctx, GDALDatasetH ds, bool in_tx, dn_status s, const char *shown)
{
    if (!in_tx) return s;
    if (s != DN_OK) {
        GDALDatasetRollbackTransaction(ds);
        return s;
    }
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        return dni_fail(ctx, DN_ERR_IO, "%s: commit failed: %s", shown, dni_gdal_last(ctx));
    return DN_OK;
}

/* ---- an existing GeoPackage ------------------------------------------------ */

/* How long to wait for a lock another program (QGIS) holds on it. */
enum { GPKG_BUSY_MS = 10000 };

static dn_status gpkg_fail(dn_ctx *ctx, sqlite3 *db, int rc, const char *shown, const char *what)
{
    if (rc == SQLITE_NOTADB)
        return dni_fail(ctx, DN_ERR_EXISTS,
                        "%s exists but is not a GeoPackage; not replacing it: remove it or choose another --out", shown);
    return dni_fail(ctx, DN_ERR_IO, "%s: %s: %s", shown, what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Changes other connections committed show as a new value. */
static int data_version(sqlite3 *db, long long *v)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *v = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* The whole database `from` into `to`, as one transaction of `to`. */
static int backup_all(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) return sqlite3_errcode(to);
    int rc = sqlite3_backup_step(b, -1);
    int fin = sqlite3_backup_finish(b);
    return rc == SQLITE_DONE ? fin : rc;
}

/* The original, open in SQLite from the snapshot to the write-back. */
struct gpkg_orig {
    sqlite3 *db;
    long long version; /* data_version before the snapshot */
};

static dn_status gpkg_snapshot(dn_ctx *ctx, const struct plan *p, const char *copy, struct gpkg_orig *g)
{
    sqlite3 *c = NULL;
    int rc = sqlite3_open_v2(p->container, &g->db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) sqlite3_busy_timeout(g->db, GPKG_BUSY_MS);
    if (rc == SQLITE_OK) rc = data_version(g->db, &g->version);
    if (rc != SQLITE_OK) return gpkg_fail(ctx, g->db, rc, p->shown, "cannot read it");
    rc = sqlite3_open_v2(copy, &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) rc = backup_all(c, g->db);
    dn_status s = rc == SQLITE_OK ? DN_OK : gpkg_fail(ctx, NULL, rc, p->shown, "cannot copy it");
    sqlite3_close(c);
    return s;
}

/* The finished copy back into the original, in one SQLite transaction:
 * all of it or (a full disk, a kill: the journal) none. Refused when
 * another program wrote to the original meanwhile: its change would be
 * lost (only one landing between this check and the copy's lock is not
 * seen). */
static dn_status gpkg_write_back(dn_ctx *ctx, const struct plan *p, const char *copy, struct gpkg_orig *g)
{
    long long now = 0;
    int rc = data_version(g->db, &now);
    if (rc != SQLITE_OK) return gpkg_fail(ctx, g->db, rc, p->shown, "cannot read it");
    if (now != g->version)
        return dni_fail(ctx, DN_ERR_IO,
                        "%s changed while the export ran (another program wrote to it); it is left as it was: "
                        "export again",
                        p->shown);
    sqlite3 *c = NULL;
    rc = sqlite3_open_v2(copy, &c, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) rc = backup_all(g->db, c);
    sqlite3_close(c);
    if (rc != SQLITE_OK)
        return dni_fail(ctx, DN_ERR_IO, "%s: cannot write the new layers into it (%s); it is left as it was",
                        p->shown, sqlite3_errstr(rc));
    return DN_OK;
}

/* PG and an existing GeoPackage/KML: layers already there are refused, or
 * replaced with --overwrite (PG: OVERWRITE=YES at layer creation; the
 * others: drop_layer), inside the transaction where there is one. Other
 * layers and tables are not touched. */
static dn_status check_layers(dn_ctx *ctx, GDALDatasetH ds, const struct plan *p, bool overwrite)
{
    for (size_t i = 0; i < p->nlayers; i++) {
        const char *name = dn_export_layer_name(p->layers[i]);
        if (GDALDatasetGetLayerByName(ds, name) && !overwrite)
            return dni_fail(ctx, DN_ERR_EXISTS, "%s: %s '%s' exists; use --overwrite to replace it", p->shown,
                            p->fmt->id == DN_EXPORT_PG ? "table" : "layer", name);
    }
    return DN_OK;
}

static dn_status drop_layer(dn_ctx *ctx, GDALDatasetH ds, const char *name, const char *shown)
{
    OGRLayerH old = GDALDatasetGetLayerByName(ds, name);
    for (int k = 0; old && k < GDALDatasetGetLayerCount(ds); k++)
        if (GDALDatasetGetLayer(ds, k) == old) {
            if (GDALDatasetDeleteLayer(ds, k) != OGRERR_NONE)
                return dni_fail(ctx, DN_ERR_GDAL, "%s: cannot replace layer '%s': %s", shown, name,
                                dni_gdal_last(ctx));
            break;
        }
    return DN_OK;
}

static char **layer_options(const struct dni_xformat *fmt, bool overwrite)
{
    char **lco = CSLDuplicate((char **)fmt->lco);
    if (fmt->id == DN_EXPORT_PG && overwrite) lco = CSLSetNameValue(lco, "OVERWRITE", "YES");
    return lco;
}

/* ---- layers -------------------------------------------------------------------- */

static dn_status produce(dn_ctx *ctx, struct dni_xwriter *w, const struct dn_export_opts *o,
                         struct dni_xstyle_data *sd)
{
    switch (w->def->id) {
    case DN_LAYER_INCIDENTS: return dni_export_incidents(ctx, w, o->filter, sd);
    case DN_LAYER_ADMIN_SUMMARY: return dni_export_admin_summary(ctx, w, o->filter);
    case DN_LAYER_BORDER_BANDS: return dni_export_bands(ctx, w, sd->bands, sd->nbands);
    default: return dni_export_store_layer(ctx, w);
    }
}

static dn_status write_layer(dn_ctx *ctx, GDALDatasetH ds, const struct plan *p, const struct dn_export_opts *o,
                             size_t i, OGRSpatialReferenceH srs, struct dni_xstyle_data *sd,
                             struct dn_export_report *rep)
{
    struct dni_xwriter w;
    char **lco = layer_options(p->fmt, o->overwrite);
    dn_status s = dni_xwriter_begin(ctx, ds, p->fmt, dni_xlayer(p->layers[i]), srs, lco, &w);
    CSLDestroy(lco);
    if (s == DN_OK) s = produce(ctx, &w, o, sd);
    dni_xwriter_end(&w);
    struct dn_export_layer_report *lr = &rep->layers[rep->nlayers++];
    lr->layer = p->layers[i];
    lr->features = w.count;
    lr->no_location = w.no_geom;
    rep->cut_values += w.cut;
    return s;
}

static dn_status write_per_layer(dn_ctx *ctx, const struct plan *p, const struct dn_export_opts *o,
                                 OGRSpatialReferenceH srs, struct dni_xstyle_data *sd, struct dn_export_report *rep)
{
    dn_status s = DN_OK;
    char path[PATH_CAP], qml[PATH_CAP];
    char name[PATH_CAP], shown[PATH_CAP]; /* shown: where the file ends up */
    for (size_t i = 0; s == DN_OK && i < p->nlayers; i++) {
        if ((s = layer_name(ctx, p, i, name)) != DN_OK) break;
        if ((s = join(ctx, path, p->stage.path, name, "")) != DN_OK) break;
        if ((s = join(ctx, shown, p->dir, name, "")) != DN_OK) break;
        GDALDatasetH ds;
        if ((s = create_dataset(ctx, p->fmt, path, shown, &ds)) != DN_OK) break;
        bool tx = begin_tx(ds);
        s = write_layer(ctx, ds, p, o, i, srs, sd, rep);
        s = commit_tx(ctx, ds, tx, s, shown);
        s = close_dataset(ctx, p->fmt, ds, shown, s);
        if (s == DN_OK) s = check_complete(ctx, p->fmt, path, shown);
        snprintf(rep->layers[rep->nlayers - 1].path, PATH_CAP, "%s", shown);
        if (s == DN_OK && p->fmt->qml_files) {
            sidecar(path, ".qml", qml);
            s = dni_write_qml_file(ctx, qml, p->layers[i], sd);
        }
    }
    return s;
}

/* QGIS finds a PostGIS layer's style by database and schema name. */
static void pg_catalog(GDALDatasetH ds, char *catalog, char *schema, size_t cap)
{
    snprintf(catalog, cap, "%s", "");
    snprintf(schema, cap, "%s", "public");
    OGRLayerH r = GDALDatasetExecuteSQL(ds, "SELECT current_database(), current_schema()", NULL, NULL);
    if (!r) return;
    OGRFeatureH f = OGR_L_GetNextFeature(r);
    if (f) {
        snprintf(catalog, cap, "%s", OGR_F_GetFieldAsString(f, 0));
        if (OGR_F_IsFieldSetAndNotNull(f, 1)) snprintf(schema, cap, "%s", OGR_F_GetFieldAsString(f, 1));
        OGR_F_Destroy(f);
    }
    GDALDatasetReleaseResultSet(ds, r);
}

static dn_status write_container(dn_ctx *ctx, const struct plan *p, const struct dn_export_opts *o,
                                 OGRSpatialReferenceH srs, struct dni_xstyle_data *sd, struct dn_export_report *rep)
{
    /* An existing container is updated in a copy in the stage, so that
     * nothing GDAL does on the way (nor a kill) touches the original. A KML
     * copy is renamed over the original, as every other file. A GeoPackage
     * is copied and written back through SQLite's backup API, as one SQLite
     * transaction of the original: renamed instead, it would lose what
     * QGIS writes into the old file while it has it open, and a -wal file of
     * QGIS's beside the new one would be replayed into it. Why not GDAL's
     * dataset transaction on the original itself: when disk space runs out
     * SQLite rolls the transaction back by itself, and GDAL 3.6 then writes
     * the failed layer's extent and feature count into gpkg_contents and
     * gpkg_ogr_contents outside any transaction (measured: the old
     * incidents layer, 3334 features, listed 8941). */
    bool gpkg_update = p->update && o->format == DN_EXPORT_GPKG;
    struct gpkg_orig orig = {0};
    char path[PATH_CAP];
    dn_status s = DN_OK;
    if (o->format == DN_EXPORT_PG) snprintf(path, sizeof path, "%s", p->container);
    else s = join(ctx, path, p->stage.path, p->name, "");
    if (s == DN_OK && gpkg_update) s = gpkg_snapshot(ctx, p, path, &orig);
    else if (s == DN_OK && p->update && CPLCopyFile(path, p->container) != 0)
        s = dni_fail(ctx, DN_ERR_IO, "%s: cannot copy it to update it: %s", p->shown, strerror(errno));
    GDALDatasetH ds = NULL;
    if (s == DN_OK)
        s = p->update ? open_container(ctx, p->fmt, path, p->shown, &ds)
                      : create_dataset(ctx, p->fmt, path, p->shown, &ds);
    if (s != DN_OK) {
        sqlite3_close(orig.db);
        return s;
    }
    if (o->format == DN_EXPORT_PG || p->update) s = check_layers(ctx, ds, p, o->overwrite);
    char catalog[256] = "", schema[256] = "";
    if (s == DN_OK && o->format == DN_EXPORT_PG) pg_catalog(ds, catalog, schema, sizeof catalog);
    bool tx = s == DN_OK && begin_tx(ds);
    for (size_t i = 0; s == DN_OK && i < p->nlayers; i++) {
        if (p->update) s = drop_layer(ctx, ds, dn_export_layer_name(p->layers[i]), p->shown);
        if (s != DN_OK) break;
        s = write_layer(ctx, ds, p, o, i, srs, sd, rep);
        struct dn_export_layer_report *lr = &rep->layers[rep->nlayers - 1];
        if (o->format == DN_EXPORT_PG) snprintf(lr->path, PATH_CAP, "%.900s (table %s)", p->shown, dn_export_layer_name(lr->layer));
        else snprintf(lr->path, PATH_CAP, "%s", p->shown);
    }
    if (s == DN_OK && p->fmt->style_table) s = dni_write_style_table(ctx, ds, catalog, schema, p->layers, p->nlayers, sd);
    s = commit_tx(ctx, ds, tx, s, p->shown);
    s = close_dataset(ctx, p->fmt, ds, p->shown, s);
    if (s == DN_OK && o->format != DN_EXPORT_PG) s = check_complete(ctx, p->fmt, path, p->shown);
    if (s == DN_OK && gpkg_update) s = gpkg_write_back(ctx, p, path, &orig);
    sqlite3_close(orig.db);
    for (size_t i = 0; s == DN_OK && p->fmt->qml_files && i < p->nlayers; i++) {
        if ((s = join(ctx, path, p->stage.path, dn_export_layer_name(p->layers[i]), ".qml")) != DN_OK) break;
        s = dni_write_qml_file(ctx, path, p->layers[i], sd);
    }
    return s;
}

/* fields.csv is shared by every Shapefile in the directory: it maps the
 * layers written now and those already there. */
static dn_status write_fields_csv(dn_ctx *ctx, const struct plan *p)
{
    enum dn_export_layer layers[DN_LAYER_COUNT];
    size_t n = 0;
    char path[PATH_CAP];
    dn_status s = DN_OK;
    for (int l = 0; s == DN_OK && l < DN_LAYER_COUNT; l++) {
        bool chosen = false;
        for (size_t i = 0; i < p->nlayers; i++) chosen = chosen || p->layers[i] == (enum dn_export_layer)l;
        struct stat sb;
        if (!chosen && !p->file_mode && (s = join(ctx, path, p->dir, dn_export_layer_name(l), ".shp")) == DN_OK)
            chosen = stat(path, &sb) == 0;
        if (chosen) layers[n++] = (enum dn_export_layer)l;
    }
    if (s == DN_OK) s = join(ctx, path, p->stage.path, "fields", ".csv");
    if (s == DN_OK) s = dni_write_fields_csv(ctx, path, layers, n);
    return s;
}

static dn_status check_bands(dn_ctx *ctx, const struct dn_export_opts *o, struct dni_xstyle_data *sd)
{
    static const double defaults[] = DN_EXPORT_DEFAULT_BANDS;
    const double *edges = o->bands ? o->bands : defaults;
    size_t n = o->bands ? o->nbands : DN_ARRAY_LEN(defaults);
    if (n == 0 || n > DN_EXPORT_MAX_BANDS)
        return dni_fail(ctx, DN_ERR_USAGE, "--bands: give 1 to %d band edges in km", DN_EXPORT_MAX_BANDS);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(edges[i]) || edges[i] <= 0 || edges[i] > 1000 || (i > 0 && edges[i] <= edges[i - 1]))
            return dni_fail(ctx, DN_ERR_USAGE, "--bands: edges must rise, each above 0 and at most 1000 km");
        sd->bands[i] = edges[i];
    }
    sd->nbands = n;
    return DN_OK;
}

dn_status dn_export_run(dn_ctx *ctx, const struct dn_export_opts *opts, struct dn_export_report *report)
{
    struct dn_export_report local;
    struct dn_export_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (!dni_db(ctx)) return dni_fail(ctx, DN_ERR_INTERNAL, "no database open");
    if (opts->format >= DN_EXPORT_FORMAT_COUNT) return dni_fail(ctx, DN_ERR_USAGE, "unknown export format");
    struct dni_xstyle_data sd = {0};
    struct plan p;
    dn_status s = check_bands(ctx, opts, &sd);
    if (s == DN_OK) s = make_plan(ctx, opts, &p);
    if (s == DN_OK && opts->format != DN_EXPORT_PG) {
        s = each_output(ctx, &p, opts->overwrite ? check_replaceable : refuse_existing);
        if (s == DN_OK) s = make_dirs(ctx, p.dir);
        if (s == DN_OK) s = dni_stage_make(ctx, p.dir, p.file_mode ? p.name : NULL, &p.stage);
    }
    if (s != DN_OK) return s;

    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs || OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
        if (srs) OSRDestroySpatialReference(srs);
        dni_stage_remove(&p.stage);
        return dni_fail(ctx, DN_ERR_GDAL, "cannot set up EPSG:4326 (is proj.db installed?)");
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    dni_gdal_begin(ctx);
    /* LIBKML writes the incidents' date as each placemark's <TimeStamp>, for
     * the time slider of Google Earth and QGIS */
    if (opts->format == DN_EXPORT_KML) CPLSetThreadLocalConfigOption("LIBKML_TIMESTAMP_FIELD", "date");
    if (opts->format == DN_EXPORT_PG) CPLSetThreadLocalConfigOption("PG_USE_COPY", "YES");
    if (p.fmt->per_layer_file) s = write_per_layer(ctx, &p, opts, srs, &sd, rep);
    else s = write_container(ctx, &p, opts, srs, &sd, rep);
    if (s == DN_OK && opts->format == DN_EXPORT_SHP) s = write_fields_csv(ctx, &p);
    /* every layer is written: only now do the old files give way */
    if (s == DN_OK && p.stage.path[0]) s = each_output(ctx, &p, publish);
    dni_stage_remove(&p.stage);
    CPLSetThreadLocalConfigOption("LIBKML_TIMESTAMP_FIELD", NULL);
    CPLSetThreadLocalConfigOption("PG_USE_COPY", NULL);
    dni_gdal_end(ctx);
    OSRDestroySpatialReference(srs);
    if (s == DN_OK && rep->cut_values)
        dni_warn(ctx,
                 "%lld text values longer than 254 bytes were cut to fit Shapefile's dBASE fields (other formats "
                 "keep them whole)",
                 rep->cut_values);
    for (size_t i = 0; s == DN_OK && i < rep->nlayers; i++) {
        const struct dn_export_layer_report *lr = &rep->layers[i];
        if (!lr->no_location) continue;
        bool inc = lr->layer == DN_LAYER_INCIDENTS, one = lr->no_location == 1;
        dni_warn(ctx,
                 "%s: %lld %s without a location left out: %s cannot store a feature without geometry (the other "
                 "formats keep them, with an empty geometry)",
                 dn_export_layer_name(lr->layer), lr->no_location,
                 inc ? (one ? "incident" : "incidents") : (one ? "feature" : "features"), p.fmt->driver);
    }
    dni_xstyle_data_clear(&sd);
    return s;
}

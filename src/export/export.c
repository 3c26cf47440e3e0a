/** @file export.c
 * dn_export_run: plans the output (paths, refusal to replace), opens the
 * OGR datasets, runs every layer through its producer inside one
 * transaction where the driver has them, and writes the styles.
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
    char dir[PATH_CAP];      /* output directory ("" for PG) */
    char container[PATH_CAP]; /* GPKG/KML file, or the PG: string */
    char shown[PATH_CAP];    /* container as shown in messages (PG password masked) */
};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return m && n > m && strcasecmp(s + n - m, suffix) == 0;
}

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
    p->file_mode = ends_with(out, p->fmt->ext);
    if (p->file_mode && p->fmt->per_layer_file && p->nlayers != 1)
        return dni_fail(ctx, DN_ERR_USAGE,
                        "--out %s names one %s file but %zu layers are selected: give a directory, or one layer "
                        "with --layers",
                        out, p->fmt->name, p->nlayers);
    if (p->file_mode) {
        snprintf(p->dir, sizeof p->dir, "%s", out);
        char *slash = strrchr(p->dir, '/');
        if (slash) slash[slash == p->dir ? 1 : 0] = '\0';
        else snprintf(p->dir, sizeof p->dir, ".");
        if (!p->fmt->per_layer_file) snprintf(p->container, sizeof p->container, "%s", out);
    } else {
        snprintf(p->dir, sizeof p->dir, "%s", out);
        if (!p->fmt->per_layer_file) {
            dn_status s = join(ctx, p->container, out, "durand", p->fmt->ext);
            if (s != DN_OK) return s;
        }
    }
    snprintf(p->shown, sizeof p->shown, "%s", p->container);
    return DN_OK;
}

/* The file of layer i (per-layer formats). */
static dn_status layer_path(dn_ctx *ctx, const struct plan *p, const struct dn_export_opts *o, size_t i, char *buf)
{
    if (p->file_mode) {
        snprintf(buf, PATH_CAP, "%s", o->out);
        return DN_OK;
    }
    return join(ctx, buf, p->dir, dn_export_layer_name(p->layers[i]), p->fmt->ext);
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

/* Every file the plan writes (callback per path). */
typedef dn_status (*path_fn)(dn_ctx *ctx, const char *path, void *ud);

static dn_status each_output(dn_ctx *ctx, const struct plan *p, const struct dn_export_opts *o, path_fn fn, void *ud)
{
    static const char *const shp_sidecars[] = {".shx", ".dbf", ".prj", ".cpg", ".qix"};
    char path[PATH_CAP], side[PATH_CAP];
    dn_status s = DN_OK;
    if (!p->fmt->per_layer_file) s = fn(ctx, p->container, ud);
    for (size_t i = 0; s == DN_OK && i < p->nlayers; i++) {
        if (p->fmt->per_layer_file) {
            if ((s = layer_path(ctx, p, o, i, path)) != DN_OK) return s;
        } else {
            /* QML files of a container format sit beside it, one per layer */
            if ((s = join(ctx, path, p->dir, dn_export_layer_name(p->layers[i]), p->fmt->ext)) != DN_OK) return s;
        }
        if (p->fmt->per_layer_file) s = fn(ctx, path, ud);
        if (s == DN_OK && o->format == DN_EXPORT_SHP)
            for (size_t k = 0; s == DN_OK && k < DN_ARRAY_LEN(shp_sidecars); k++) {
                sidecar(path, shp_sidecars[k], side);
                s = fn(ctx, side, ud);
            }
        if (s == DN_OK && o->format == DN_EXPORT_CSV) {
            sidecar(path, ".csvt", side);
            s = fn(ctx, side, ud);
            sidecar(path, ".prj", side);
            if (s == DN_OK) s = fn(ctx, side, ud);
        }
        if (s == DN_OK && p->fmt->qml_files) {
            sidecar(path, ".qml", side);
            s = fn(ctx, side, ud);
        }
    }
    if (s == DN_OK && o->format == DN_EXPORT_SHP) {
        if ((s = join(ctx, path, p->dir, "fields", ".csv")) == DN_OK) s = fn(ctx, path, ud);
    }
    return s;
}

static dn_status refuse_existing(dn_ctx *ctx, const char *path, void *ud)
{
    (void)ud;
    struct stat sb;
    if (stat(path, &sb) == 0)
        return dni_fail(ctx, DN_ERR_EXISTS, "%s exists; use --overwrite to replace it", path);
    return DN_OK;
}

static dn_status remove_existing(dn_ctx *ctx, const char *path, void *ud)
{
    (void)ud;
    struct stat sb;
    if (stat(path, &sb) != 0) return DN_OK;
    if (S_ISDIR(sb.st_mode)) return dni_fail(ctx, DN_ERR_IO, "%s is a directory; not replacing it", path);
    if (unlink(path) != 0) return dni_fail(ctx, DN_ERR_IO, "%s: cannot replace: %s", path, strerror(errno));
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

/* PG: tables already there are refused, or dropped with --overwrite
 * (OVERWRITE=YES at layer creation, inside the transaction). */
static dn_status pg_check_tables(dn_ctx *ctx, GDALDatasetH ds, const struct plan *p, bool overwrite)
{
    for (size_t i = 0; i < p->nlayers; i++) {
        const char *name = dn_export_layer_name(p->layers[i]);
        if (GDALDatasetGetLayerByName(ds, name) && !overwrite)
            return dni_fail(ctx, DN_ERR_EXISTS, "%s: table '%s' exists; use --overwrite to replace it", p->shown, name);
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
    for (size_t i = 0; s == DN_OK && i < p->nlayers; i++) {
        if ((s = layer_path(ctx, p, o, i, path)) != DN_OK) break;
        GDALDatasetH ds;
        if ((s = create_dataset(ctx, p->fmt, path, path, &ds)) != DN_OK) break;
        bool tx = begin_tx(ds);
        s = write_layer(ctx, ds, p, o, i, srs, sd, rep);
        s = commit_tx(ctx, ds, tx, s, path);
        s = close_dataset(ctx, p->fmt, ds, path, s);
        snprintf(rep->layers[rep->nlayers - 1].path, PATH_CAP, "%s", path);
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
    GDALDatasetH ds;
    dn_status s = create_dataset(ctx, p->fmt, p->container, p->shown, &ds);
    if (s != DN_OK) return s;
    if (o->format == DN_EXPORT_PG) s = pg_check_tables(ctx, ds, p, o->overwrite);
    char catalog[256] = "", schema[256] = "";
    if (s == DN_OK && o->format == DN_EXPORT_PG) pg_catalog(ds, catalog, schema, sizeof catalog);
    bool tx = s == DN_OK && begin_tx(ds);
    for (size_t i = 0; s == DN_OK && i < p->nlayers; i++) {
        s = write_layer(ctx, ds, p, o, i, srs, sd, rep);
        struct dn_export_layer_report *lr = &rep->layers[rep->nlayers - 1];
        if (o->format == DN_EXPORT_PG) snprintf(lr->path, PATH_CAP, "%.900s (table %s)", p->shown, dn_export_layer_name(lr->layer));
        else snprintf(lr->path, PATH_CAP, "%s", p->shown);
    }
    if (s == DN_OK && p->fmt->style_table) s = dni_write_style_table(ctx, ds, catalog, schema, p->layers, p->nlayers, sd);
    s = commit_tx(ctx, ds, tx, s, p->shown);
    s = close_dataset(ctx, p->fmt, ds, p->shown, s);
    char path[PATH_CAP], qml[PATH_CAP];
    for (size_t i = 0; s == DN_OK && p->fmt->qml_files && i < p->nlayers; i++) {
        if ((s = join(ctx, path, p->dir, dn_export_layer_name(p->layers[i]), ".qml")) != DN_OK) break;
        snprintf(qml, sizeof qml, "%s", path);
        s = dni_write_qml_file(ctx, qml, p->layers[i], sd);
    }
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
        s = each_output(ctx, &p, opts, opts->overwrite ? remove_existing : refuse_existing, NULL);
        if (s == DN_OK) s = make_dirs(ctx, p.dir);
    }
    if (s != DN_OK) return s;

    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs || OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
        if (srs) OSRDestroySpatialReference(srs);
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
    if (s == DN_OK && opts->format == DN_EXPORT_SHP) {
        char path[PATH_CAP];
        s = join(ctx, path, p.dir, "fields", ".csv");
        if (s == DN_OK) s = dni_write_fields_csv(ctx, path, p.layers, p.nlayers);
    }
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

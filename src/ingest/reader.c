/** @file reader.c
 * The generic reader: opens a path or stream, picks the table or OGR
 * reader, and keeps the counts and the last reject.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ingest/reader_impl.h"

static bool ogr_extension(const char *path)
{
    static const char *const exts[] = {".geojson", ".json", ".gpkg", ".shp", ".fgb", ".geojsonl", ".geojsons"};
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return false;
    for (size_t i = 0; i < DN_ARRAY_LEN(exts); i++)
        if (!strcasecmp(dot, exts[i])) return true;
    return false;
}

static dn_status reader_new(dn_ctx *ctx, const char *path, const struct dn_reader_opts *opts, struct dn_reader **out)
{
    *out = NULL;
    if (opts && opts->nmap) {
        dn_status s = dn_reader_check_map(ctx, opts->map, opts->nmap);
        if (s != DN_OK) return s;
    }
    struct dn_reader *r = dn_calloc(1, sizeof *r);
    if (!r || !(r->path = dn_strdup(path)) || !(r->scope = dn_file_scope(path))) {
        if (r) dn_free(r->path);
        dn_free(r);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    char *slash = strrchr(r->path, '/');
    r->basename = slash ? slash + 1 : r->path;
    r->ctx = ctx;
    r->order = opts ? opts->date_order : DN_DATE_ORDER_AUTO;
    for (int f = 0; f < DNF_COUNT; f++) r->col[f] = -1;
    *out = r;
    return DN_OK;
}

static dn_status finish_open(struct dn_reader *r, dn_status s, struct dn_reader **out)
{
    if (s != DN_OK) {
        dn_reader_close(r);
        return s;
    }
    *out = r;
    return DN_OK;
}

dn_status dn_reader_open(dn_ctx *ctx, const char *path, const struct dn_reader_opts *opts, struct dn_reader **out)
{
    struct dn_reader *r;
    *out = NULL;
    dn_status s = reader_new(ctx, path, opts, &r);
    if (s != DN_OK) return s;
    enum dn_ingest_format want = opts ? opts->format : DN_INGEST_AUTO;
    if (want == DN_INGEST_OGR || (want == DN_INGEST_AUTO && ogr_extension(path))) {
        r->format = DN_INGEST_OGR;
        return finish_open(r, dni_ogr_open(r, opts), out);
    }
    bool seekable;
    if (!strcmp(path, "-")) {
        r->fp = stdin;
        seekable = false;
    } else {
        if (!(r->fp = fopen(path, "rb"))) {
            int e = errno;
            dn_reader_close(r);
            return dni_fail(ctx, e == ENOENT ? DN_ERR_NOT_FOUND : DN_ERR_IO, "cannot open %s: %s", path, strerror(e));
        }
        r->own_fp = true;
        seekable = fseek(r->fp, 0, SEEK_CUR) == 0;
    }
    return finish_open(r, dni_table_open(r, opts, seekable), out);
}

dn_status dn_reader_open_stream(dn_ctx *ctx, FILE *fp, const char *name, const struct dn_reader_opts *opts,
                                struct dn_reader **out)
{
    *out = NULL;
    if (opts && opts->format == DN_INGEST_OGR)
        return dni_fail(ctx, DN_ERR_USAGE, "%s: OGR layers are read from a path, not a stream", name);
    struct dn_reader *r;
    dn_status s = reader_new(ctx, name ? name : "-", opts, &r);
    if (s != DN_OK) return s;
    r->fp = fp;
    bool seekable = ftell(fp) >= 0 && fseek(fp, 0, SEEK_CUR) == 0;
    return finish_open(r, dni_table_open(r, opts, seekable), out);
}

dn_status dn_reader_next(struct dn_reader *r, struct dn_event *ev, bool *done)
{
    dn_event_clear(ev);
    *done = false;
    return r->format == DN_INGEST_OGR ? dni_ogr_next(r, ev, done) : dni_table_next(r, ev, done);
}

const struct dn_reject *dn_reader_reject(const struct dn_reader *r) { return &r->rej; }
enum dn_ingest_format dn_reader_format(const struct dn_reader *r) { return r->format; }
struct dn_reader_stats dn_reader_stats(const struct dn_reader *r) { return r->stats; }

void dn_reader_close(struct dn_reader *r)
{
    if (!r) return;
    dni_table_close(r);
    dni_ogr_close(r);
    if (r->own_fp && r->fp) fclose(r->fp);
    dn_free(r->path);
    dn_free(r->scope);
    dn_free(r);
}

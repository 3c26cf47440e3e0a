/** @file writer.c
 * The feature writer every layer goes through: creates the layer and its
 * fields for the format, then writes features from one reused OGRFeatureH
 * (no allocation per feature beyond what OGR does for text values).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export/export_internal.h"

/* dBASE text fields hold at most 254 bytes. */
enum { SHP_MAX_TEXT = 254 };

static OGRFieldType format_type(const struct dni_xformat *fmt, const struct dni_xfield *f)
{
    /* LIBKML keeps only the one date it turns into <TimeStamp> (the
     * incidents' `date`, see export.c); other dates travel as ISO text. */
    if (fmt->id == DN_EXPORT_KML && f->type == OFTDate && strcmp(f->name, "date") != 0) return OFTString;
    /* GDAL 3.6's CSV writer prints dates as 2024/03/18, with no option for
     * ISO; ISO text matches `durand query --format csv`. */
    if (fmt->id == DN_EXPORT_CSV && f->type == OFTDate) return OFTString;
    return f->type;
}

dn_status dni_xwriter_begin(dn_ctx *ctx, GDALDatasetH ds, const struct dni_xformat *fmt,
                            const struct dni_xlayer *def, OGRSpatialReferenceH srs, char **lco,
                            struct dni_xwriter *w)
{
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    w->fmt = fmt;
    w->def = def;
    w->max_text = fmt->shp_names ? SHP_MAX_TEXT : 0;
    if (NEVER(def->nfields > DNI_XMAX_FIELDS)) return dni_fail(ctx, DN_ERR_INTERNAL, "too many fields");
    w->layer = GDALDatasetCreateLayer(ds, def->name, srs, def->geom, lco);
    if (!w->layer)
        return dni_fail(ctx, DN_ERR_GDAL, "cannot create layer '%s' (%s): %s", def->name, fmt->driver,
                        dni_gdal_last(ctx));
    for (size_t i = 0; i < def->nfields; i++) {
        const struct dni_xfield *f = &def->fields[i];
        w->otype[i] = format_type(fmt, f);
        OGRFieldDefnH fd = OGR_Fld_Create(fmt->shp_names ? f->shp : f->name, w->otype[i]);
        if (!fd) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        if (w->otype[i] == f->type) OGR_Fld_SetSubType(fd, f->subtype);
        if (fmt->shp_names && w->otype[i] == OFTString) OGR_Fld_SetWidth(fd, f->width);
        OGRErr err = OGR_L_CreateField(w->layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (err != OGRERR_NONE)
            return dni_fail(ctx, DN_ERR_GDAL, "layer '%s': cannot create field '%s': %s", def->name, f->name,
                            dni_gdal_last(ctx));
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(w->layer);
    for (size_t i = 0; i < def->nfields; i++) {
        const char *name = fmt->shp_names ? def->fields[i].shp : def->fields[i].name;
        w->idx[i] = OGR_FD_GetFieldIndex(defn, name);
        if (w->idx[i] < 0)
            return dni_fail(ctx, DN_ERR_GDAL, "layer '%s': the %s driver renamed field '%s'", def->name, fmt->driver,
                            name);
    }
    w->feat = OGR_F_Create(defn);
    if (!w->feat) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    return DN_OK;
}

void dni_xset_null(struct dni_xwriter *w, int i) { OGR_F_SetFieldNull(w->feat, w->idx[i]); }

/* XML 1.0 allows no C0 control character but tab, line feed and carriage
 * return: one ESC in a note ("\x1b[31m", pasted from a terminal) made a
 * whole KML file unreadable ("PCDATA invalid Char value 27"). They become
 * spaces there; other formats keep the value as stored. */
static bool xml_forbidden(unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }

static char *xml_clean_copy(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p && !xml_forbidden(*p)) p++;
    if (!*p) return NULL; /* nothing to clean */
    char *copy = dn_strdup(s);
    for (char *q = copy; q && *q; q++)
        if (xml_forbidden((unsigned char)*q)) *q = ' ';
    return copy;
}

void dni_xset_str(struct dni_xwriter *w, int i, const char *s)
{
    if (!s) {
        OGR_F_SetFieldNull(w->feat, w->idx[i]);
        return;
    }
    if (w->fmt->id == DN_EXPORT_KML) {
        char *clean = xml_clean_copy(s);
        if (clean) {
            OGR_F_SetFieldString(w->feat, w->idx[i], clean);
            dn_free(clean);
            return;
        }
    }
    if (w->max_text) {
        size_t len = strlen(s);
        if (len > w->max_text) {
            char buf[SHP_MAX_TEXT + 1];
            size_t n = dn_utf8_floor(s, w->max_text); /* whole characters */
            memcpy(buf, s, n);
            buf[n] = '\0';
            w->cut++;
            OGR_F_SetFieldString(w->feat, w->idx[i], buf);
            return;
        }
    }
    OGR_F_SetFieldString(w->feat, w->idx[i], s);
}

void dni_xset_int(struct dni_xwriter *w, int i, long long v)
{
    if (w->otype[i] == OFTString) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", v);
        OGR_F_SetFieldString(w->feat, w->idx[i], buf);
    } else {
        OGR_F_SetFieldInteger64(w->feat, w->idx[i], (GIntBig)v);
    }
}

void dni_xset_real(struct dni_xwriter *w, int i, double v)
{
    if (!isfinite(v)) OGR_F_SetFieldNull(w->feat, w->idx[i]);
    else OGR_F_SetFieldDouble(w->feat, w->idx[i], v);
}

static bool parse_date(const char *s, int *y, int *m, int *d)
{
    /* the store keeps ISO dates; only their first ten bytes matter here */
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-') return false;
    for (int k = 0; k < 10; k++)
        if (k != 4 && k != 7 && (s[k] < '0' || s[k] > '9')) return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    *d = (s[8] - '0') * 10 + (s[9] - '0');
    return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

void dni_xset_date(struct dni_xwriter *w, int i, const char *iso)
{
    int y, m, d;
    if (!parse_date(iso, &y, &m, &d)) {
        OGR_F_SetFieldNull(w->feat, w->idx[i]);
    } else if (w->otype[i] == OFTString) {
        char buf[16];
        snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        OGR_F_SetFieldString(w->feat, w->idx[i], buf);
    } else {
        OGR_F_SetFieldDateTimeEx(w->feat, w->idx[i], y, m, d, 0, 0, 0.0f, 0);
    }
}

void dni_xset_column(struct dni_xwriter *w, int i, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        OGR_F_SetFieldNull(w->feat, w->idx[i]);
        return;
    }
    switch (w->def->fields[i].type) {
    case OFTInteger:
    case OFTInteger64: dni_xset_int(w, i, sqlite3_column_int64(st, col)); break;
    case OFTReal: dni_xset_real(w, i, sqlite3_column_double(st, col)); break;
    case OFTDate: dni_xset_date(w, i, (const char *)sqlite3_column_text(st, col)); break;
    default: dni_xset_str(w, i, (const char *)sqlite3_column_text(st, col)); break;
    }
}

void dni_xset_point(struct dni_xwriter *w, double lon, double lat)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(w->feat);
    if (!g || OGR_G_GetGeometryType(g) != wkbPoint) {
        g = OGR_G_CreateGeometry(wkbPoint);
        if (!g) return;
        OGR_F_SetGeometryDirectly(w->feat, g);
    }
    OGR_G_SetPoint_2D(g, 0, lon, lat);
}

void dni_xset_geom(struct dni_xwriter *w, OGRGeometryH g) { OGR_F_SetGeometryDirectly(w->feat, g); }

dn_status dni_xset_wkb(struct dni_xwriter *w, const void *wkb, int size)
{
    if (!wkb || size <= 0) {
        OGR_F_SetGeometryDirectly(w->feat, NULL);
        return DN_OK;
    }
    OGRGeometryH g = NULL;
    if (OGR_G_CreateFromWkb(wkb, NULL, &g, size) != OGRERR_NONE || !g)
        return dni_fail(w->ctx, DN_ERR_DB, "layer '%s': a stored geometry is not valid WKB", w->def->name);
    /* the layer's declared type: Shapefile and FlatGeobuf want one type per layer */
    if (w->def->geom == wkbMultiPolygon) g = OGR_G_ForceToMultiPolygon(g);
    else if (w->def->geom == wkbLineString) g = OGR_G_ForceToLineString(g);
    OGR_F_SetGeometryDirectly(w->feat, g);
    return DN_OK;
}

dn_status dni_xwriter_put(struct dni_xwriter *w)
{
    if (!w->fmt->null_geom && !OGR_F_GetGeometryRef(w->feat)) {
        w->no_geom++;
        return DN_OK;
    }
    OGR_F_SetFID(w->feat, OGRNullFID);
    /* in practice a full disk or a file size limit: an I/O error (exit 4) */
    if (OGR_L_CreateFeature(w->layer, w->feat) != OGRERR_NONE)
        return dni_fail(w->ctx, DN_ERR_IO, "layer '%s': cannot write feature %lld: %s", w->def->name, w->count + 1,
                        dni_gdal_last(w->ctx));
    w->count++;
    return DN_OK;
}

void dni_xwriter_end(struct dni_xwriter *w)
{
    if (w->feat) OGR_F_Destroy(w->feat);
    w->feat = NULL;
}

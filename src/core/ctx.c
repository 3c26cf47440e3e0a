/** @file ctx.c
 * The context: lifecycle of the GEOS/PROJ/SQLite handles it owns, the last
 * error, and routing of every dependency's messages into it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <sqlite3.h>
#include <spatialite.h>

#include "core/core.h"

enum { ERRMSG_CAP = 2048 };

struct slot {
    void *state;
    dni_slot_destroy destroy;
};

struct dn_ctx {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    sqlite3 *db;
    void *spatialite_cache;
    struct slot slots[DNI_SLOT_COUNT];
    dn_status status;
    char errmsg[ERRMSG_CAP];
    char gdal_last[ERRMSG_CAP];
    int gdal_depth;
    dn_out_cb out;
    void *out_ud;
    bool quiet;
    char *geodata_dir;
};

/* GEOS reports through a handler instead of a return value; the message is
 * kept so the caller that sees GEOS's failure sentinel can report it. */
static void geos_error_handler(const char *message, void *userdata)
{
    dn_ctx *ctx = userdata;
    dni_fail(ctx, DN_ERR_GEOS, "GEOS: %s", message);
}

static void geos_notice_handler(const char *message, void *userdata)
{
    dn_ctx *ctx = userdata;
    dni_warn(ctx, "GEOS: %s", message);
}

static void proj_log_handler(void *userdata, int level, const char *message)
{
    dn_ctx *ctx = userdata;
    if (level == PJ_LOG_ERROR)
        snprintf(ctx->errmsg, sizeof ctx->errmsg, "PROJ: %s", message);
}

dn_status dn_ctx_new(dn_ctx **out)
{
    if (!out) return DN_ERR_USAGE;
    *out = NULL;
    dn_ctx *ctx = dn_calloc(1, sizeof *ctx);
    if (!ctx) return DN_ERR_NOMEM;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos) {
        dn_free(ctx);
        return DN_ERR_GEOS;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error_handler, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice_handler, ctx);
    ctx->proj = proj_context_create();
    if (!ctx->proj) {
        GEOS_finish_r(ctx->geos);
        dn_free(ctx);
        return DN_ERR_PROJ;
    }
    proj_log_func(ctx->proj, ctx, proj_log_handler);
    proj_log_level(ctx->proj, PJ_LOG_ERROR);
    GDALAllRegister(); /* process-wide and idempotent */
    *out = ctx;
    return DN_OK;
}

static void close_db(dn_ctx *ctx)
{
    if (ctx->db) sqlite3_close_v2(ctx->db);
    ctx->db = NULL;
    if (ctx->spatialite_cache) spatialite_cleanup_ex(ctx->spatialite_cache);
    ctx->spatialite_cache = NULL;
}

dn_ctx *dn_ctx_free(dn_ctx *ctx)
{
    if (!ctx) return NULL;
    for (int i = DNI_SLOT_COUNT - 1; i >= 0; i--) dni_slot_set(ctx, (enum dni_slot)i, NULL, NULL);
    close_db(ctx);
    if (ctx->proj) proj_context_destroy(ctx->proj);
    if (ctx->geos) GEOS_finish_r(ctx->geos);
    dn_free(ctx->geodata_dir);
    dn_free(ctx);
    return NULL;
}

const char *dn_ctx_errmsg(const dn_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }
dn_status dn_ctx_status(const dn_ctx *ctx) { return ctx ? ctx->status : DN_ERR_USAGE; }

GEOSContextHandle_t dni_geos(dn_ctx *ctx) { return ctx->geos; }
PJ_CONTEXT *dni_proj(dn_ctx *ctx) { return ctx->proj; }
sqlite3 *dni_db(dn_ctx *ctx) { return ctx->db; }

void dni_set_db(dn_ctx *ctx, sqlite3 *db, void *spatialite_cache)
{
    if (ctx->db != db) close_db(ctx);
    ctx->db = db;
    ctx->spatialite_cache = spatialite_cache;
}

void *dni_slot_get(dn_ctx *ctx, enum dni_slot slot)
{
    if (NEVER(slot >= DNI_SLOT_COUNT)) return NULL;
    return ctx->slots[slot].state;
}

void dni_slot_set(dn_ctx *ctx, enum dni_slot slot, void *state, dni_slot_destroy destroy)
{
    if (NEVER(slot >= DNI_SLOT_COUNT)) return;
    struct slot *s = &ctx->slots[slot];
    if (s->state && s->destroy) s->destroy(ctx, s->state);
    s->state = state;
    s->destroy = destroy;
}

dn_status dni_vfail(dn_ctx *ctx, dn_status status, const char *fmt, va_list ap)
{
    ctx->status = status;
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    return status;
}

dn_status dni_fail(dn_ctx *ctx, dn_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dni_vfail(ctx, status, fmt, ap);
    va_end(ap);
    return status;
}

dn_status dni_fail_sqlite(dn_ctx *ctx, const char *what)
{
    int code = ctx->db ? sqlite3_extended_errcode(ctx->db) : SQLITE_ERROR;
    const char *msg = ctx->db ? sqlite3_errmsg(ctx->db) : "no database open";
    return dni_fail(ctx, DN_ERR_DB, "%s: %s (SQLite code %d)", what, msg, code);
}

void dni_clear_error(dn_ctx *ctx)
{
    ctx->status = DN_OK;
    ctx->errmsg[0] = '\0';
}

/* ---- GDAL ---------------------------------------------------------------- */

static void gdal_error_handler(CPLErr level, CPLErrorNum num, const char *msg)
{
    (void)num;
    dn_ctx *ctx = CPLGetErrorHandlerUserData();
    if (!ctx) return;
    if (level >= CE_Failure) {
        snprintf(ctx->gdal_last, sizeof ctx->gdal_last, "%s", msg ? msg : "");
    } else if (level == CE_Warning) {
        dni_warn(ctx, "GDAL: %s", msg ? msg : "");
    }
}

void dni_gdal_begin(dn_ctx *ctx)
{
    if (ctx->gdal_depth++ == 0) ctx->gdal_last[0] = '\0';
    CPLPushErrorHandlerEx(gdal_error_handler, ctx);
}

void dni_gdal_end(dn_ctx *ctx)
{
    CPLPopErrorHandler();
    if (ctx->gdal_depth > 0) ctx->gdal_depth--;
}

const char *dni_gdal_last(dn_ctx *ctx) { return ctx->gdal_last; }

/* ---- diagnostics ------------------------------------------------------------ */

void dn_ctx_set_output(dn_ctx *ctx, dn_out_cb cb, void *ud)
{
    ctx->out = cb;
    ctx->out_ud = ud;
}

void dni_out(dn_ctx *ctx, dn_out_level level, const char *text, size_t len)
{
    if (!ctx->out) return;
    if (ctx->quiet && (level == DN_OUT_INFO || level == DN_OUT_WARNING || level == DN_OUT_PROGRESS))
        return;
    ctx->out(ctx->out_ud, level, text, len);
}

static void vdiag(dn_ctx *ctx, dn_out_level level, const char *prefix, const char *fmt, va_list ap)
{
    if (!ctx->out || ctx->quiet) return;
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", prefix);
    if (n < 0) return;
    int m = vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    if (m < 0) return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof buf - 2) len = sizeof buf - 2;
    buf[len++] = '\n';
    buf[len] = '\0';
    dni_out(ctx, level, buf, len);
}

void dni_warn(dn_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DN_OUT_WARNING, "durand: warning: ", fmt, ap);
    va_end(ap);
}

void dni_info(dn_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(ctx, DN_OUT_INFO, "durand: ", fmt, ap);
    va_end(ap);
}

void dni_set_quiet(dn_ctx *ctx, bool quiet) { ctx->quiet = quiet; }
bool dni_quiet(const dn_ctx *ctx) { return ctx->quiet; }

/* ---- paths ---------------------------------------------------------------- */

const char *dni_geodata_dir(dn_ctx *ctx)
{
    if (ctx->geodata_dir) return ctx->geodata_dir;
    const char *env = getenv("DURAND_GEODATA");
    if (env && *env) return env;
    return DN_DEFAULT_GEODATA_DIR;
}

dn_status dni_set_geodata_dir(dn_ctx *ctx, const char *dir)
{
    char *copy = dn_strdup(dir);
    if (!copy) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    dn_free(ctx->geodata_dir);
    ctx->geodata_dir = copy;
    return DN_OK;
}

bool dni_env_flag(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

bool dni_lookup_cache_off(void) { return dni_env_flag("DURAND_NO_LOOKUP_CACHE"); }

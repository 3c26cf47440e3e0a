/** @file core.h
 * Library-internal core API: the context's owned handles, error reporting,
 * diagnostics, allocation and small shared helpers. `dni_` functions are for
 * use inside the library only and never appear in include/durand.h.
 */
#ifndef DN_CORE_H
#define DN_CORE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <geos_c.h>
#include <proj.h>
#include <sqlite3.h>

#include "durand.h"

/* ---- assertions that do not rot (after SQLite/H3) ----------------------- */
#include <assert.h>
/** ALWAYS(x): a condition believed always true; NEVER(x): believed never true.
 * They assert in debug builds and still guard the branch in release builds. */
#ifdef NDEBUG
#define ALWAYS(x) (x)
#define NEVER(x) (x)
#else
#define ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#define NEVER(x) ((x) ? (assert(0 && #x), 1) : 0)
#endif

#define DN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DN_PRINTF(fmt_idx, arg_idx) __attribute__((format(printf, fmt_idx, arg_idx)))

/* ---- handles the context owns ------------------------------------------ */

/** GEOS reentrant handle; owned by the context, never NULL after dn_ctx_new. */
GEOSContextHandle_t dni_geos(dn_ctx *ctx);
/** PROJ context; owned by the context, never NULL after dn_ctx_new. */
PJ_CONTEXT *dni_proj(dn_ctx *ctx);
/** The open database, or NULL before dn_store_open. Owned by the context. */
sqlite3 *dni_db(dn_ctx *ctx);

/** Module slots: a module stores its loaded state (border index, gazetteer)
 * in the context so it is built once per run. The context calls `destroy` on
 * each non-NULL slot when it is freed (in reverse order of slot number). */
enum dni_slot { DNI_SLOT_STORE, DNI_SLOT_BORDER, DNI_SLOT_GAZETTEER, DNI_SLOT_TEXT, DNI_SLOT_COUNT };
typedef void (*dni_slot_destroy)(dn_ctx *ctx, void *state);
void *dni_slot_get(dn_ctx *ctx, enum dni_slot slot);
/** Replace a slot's state; the previous state (if any) is destroyed first.
 * Ownership of `state` passes to the context. */
void dni_slot_set(dn_ctx *ctx, enum dni_slot slot, void *state, dni_slot_destroy destroy);

/** Set the database handle (store module only). Ownership passes to the
 * context, which closes it on free or when replaced. */
void dni_set_db(dn_ctx *ctx, sqlite3 *db, void *spatialite_cache);

/* ---- errors -------------------------------------------------------------- */

/** Record a failure: sets the status and formats the message into the
 * context. Returns `status` so callers can `return dni_fail(...)`. */
dn_status dni_fail(dn_ctx *ctx, dn_status status, const char *fmt, ...) DN_PRINTF(3, 4);
/** Like dni_fail, taking a va_list. */
dn_status dni_vfail(dn_ctx *ctx, dn_status status, const char *fmt, va_list ap);
/** Record a SQLite failure with the connection's message appended. */
dn_status dni_fail_sqlite(dn_ctx *ctx, const char *what);
/** Clear the last error. */
void dni_clear_error(dn_ctx *ctx);

/** GDAL errors: between dni_gdal_begin and dni_gdal_end, GDAL/OGR messages go
 * into the context (errors as the last error message, warnings to the output
 * callback) instead of stderr. Calls nest. */
void dni_gdal_begin(dn_ctx *ctx);
void dni_gdal_end(dn_ctx *ctx);
/** The last GDAL error message captured since dni_gdal_begin ("" if none). */
const char *dni_gdal_last(dn_ctx *ctx);

/* ---- diagnostics ----------------------------------------------------------- */

/** Send text at a level to the output callback (no-op without one). The
 * library never prints on its own. */
void dni_out(dn_ctx *ctx, dn_out_level level, const char *text, size_t len);
/** Formatted warning "durand: warning: ...\n" (muted when quiet). */
void dni_warn(dn_ctx *ctx, const char *fmt, ...) DN_PRINTF(2, 3);
/** Formatted note for people, "durand: ...\n" (muted when quiet). */
void dni_info(dn_ctx *ctx, const char *fmt, ...) DN_PRINTF(2, 3);
/** Mute warnings and notes (errors always pass). */
void dni_set_quiet(dn_ctx *ctx, bool quiet);
bool dni_quiet(const dn_ctx *ctx);

/* ---- allocation (fault-injectable) ----------------------------------------- */

/** All library allocations go through these so tests can fail the Nth one. */
void *dn_malloc(size_t n);
void *dn_calloc(size_t count, size_t n);
void *dn_realloc(void *p, size_t n);
void dn_free(void *p);
char *dn_strdup(const char *s);
char *dn_strndup(const char *s, size_t n);
/** The largest m <= n at which a UTF-8 character of `s` starts (or `s` ends):
 * where to cut `s` to at most n bytes without splitting a character. s[n]
 * must be readable (n <= strlen(s)). */
size_t dn_utf8_floor(const char *s, size_t n);
/** Test hook: make the allocation `n` calls from now fail (n >= 1); 0 turns
 * injection off. Process-wide; for single-threaded tests only. */
void dni_alloc_fail_after(long n);

/* ---- growable string buffer ------------------------------------------------ */

/** A NUL-terminated growable byte buffer. Zero-initialise, then append;
 * free with dn_strbuf_free. `data` is NULL until the first append. */
struct dn_strbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /**< an allocation failed; contents are truncated */
};
bool dn_strbuf_append(struct dn_strbuf *b, const char *s, size_t n);
bool dn_strbuf_puts(struct dn_strbuf *b, const char *s);
bool dn_strbuf_printf(struct dn_strbuf *b, const char *fmt, ...) DN_PRINTF(2, 3);
bool dn_strbuf_putc(struct dn_strbuf *b, char c);
void dn_strbuf_reset(struct dn_strbuf *b);
void dn_strbuf_free(struct dn_strbuf *b);
/** Append `s` as a JSON string literal (quoted, escaped; invalid UTF-8
 * bytes become U+FFFD). NULL appends `null`. */
bool dn_strbuf_json_string(struct dn_strbuf *b, const char *s);
/** Append `s` as a CSV field (RFC 4180: quoted when needed). NULL appends nothing. */
bool dn_strbuf_csv_field(struct dn_strbuf *b, const char *s);

/* ---- numbers given on a command line --------------------------------------- */

/** A finite number as people type it: blanks around it are allowed, and
 * `unit` (NULL: none), in any case, may follow it with or without a blank
 * ("30", "30km", "30 km", "30 KM" for "km"). The unit is optional because
 * a caller takes only that one. False for anything else (another unit, no
 * number, trailing text, a value that is not finite); *out is set only on
 * success. */
bool dn_parse_number(const char *text, const char *unit, double *out);
/** strtod for numbers people type: the same, but a hexadecimal number
 * ("0x22", which strtod reads as 34) is no number (*end = s). "nan" and
 * "inf" still parse, for callers that name them in a range message. */
double dn_strtod_decimal(const char *s, char **end);

/* ---- paths -------------------------------------------------------------- */

/** The geodata directory: set by dni_set_geodata_dir, else $DURAND_GEODATA,
 * else the build-time default. Owned by the context. */
const char *dni_geodata_dir(dn_ctx *ctx);

/** The scope of the keys a file gives its own rows (an id column of a
 * generic table, an article's sentences): "<file name>@<16 hex digits>", the
 * digits a hash of the file's directory resolved by realpath(), so that one
 * file named from any working directory, relatively or absolutely, has one
 * scope, and two files of the same name in two directories have two (their
 * rows' ids must not meet in one uid). "-" (stdin) is "-". A new string
 * (dn_free), or NULL when out of memory. */
char *dn_file_scope(const char *path);

/** Whether the file name `path` ends in the extension `ext` (".gpkg"),
 * case-insensitively, with something before it; false for an empty `ext`. */
bool dn_path_has_extension(const char *path, const char *ext);

/** Whether the environment variable `name` is set to anything but "" or "0". */
bool dni_env_flag(const char *name);
/** DURAND_NO_LOOKUP_CACHE is set (to anything but "" or "0"): the
 * geocoder's name memo and the ingest's point memo are off, for tests that
 * compare both paths. */
bool dni_lookup_cache_off(void);
/** Override the geodata directory (copied). */
dn_status dni_set_geodata_dir(dn_ctx *ctx, const char *dir);

#endif /* DN_CORE_H */

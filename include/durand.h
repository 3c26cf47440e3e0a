/** @file durand.h
 * The public API of durand: the context, status codes and the command-line
 * entry point. Everything else lives in library-internal module headers under
 * src/ and may change between versions.
 *
 * Thread-safety: a dn_ctx belongs to one thread at a time (as do the GEOS,
 * PROJ and SQLite handles it owns). Distinct contexts may be used from
 * distinct threads concurrently.
 */
#ifndef DURAND_H
#define DURAND_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DN_API __attribute__((visibility("default")))
#else
#define DN_API
#endif

/** Opaque context: owns the GEOS context handle, the PROJ context, the
 * SQLite/SpatiaLite connection, the loaded border and gazetteer, and the last
 * error message. */
typedef struct dn_ctx dn_ctx;

/** Status codes. Append-only: new codes go just before DN_STATUS_END. */
typedef enum dn_status {
    DN_OK = 0,        /**< success */
    DN_ERR_NOMEM,     /**< out of memory */
    DN_ERR_USAGE,     /**< bad arguments or options */
    DN_ERR_INPUT,     /**< malformed input data */
    DN_ERR_NOT_FOUND, /**< a named file, place or record does not exist */
    DN_ERR_IO,        /**< a file could not be read or written */
    DN_ERR_EXISTS,    /**< refusing to replace existing output */
    DN_ERR_DB,        /**< SQLite or SpatiaLite failure */
    DN_ERR_SCHEMA,    /**< not a durand database, or one from a newer version */
    DN_ERR_GEODATA,   /**< the shipped geodata is missing or corrupt */
    DN_ERR_GEOS,      /**< GEOS failure */
    DN_ERR_PROJ,      /**< PROJ failure */
    DN_ERR_GDAL,      /**< GDAL/OGR failure */
    DN_ERR_RANGE,     /**< a value is out of its valid range */
    DN_ERR_PARTIAL,   /**< finished, but some records were rejected */
    DN_ERR_INTERNAL,  /**< a bug in durand */
    DN_STATUS_END     /**< sentinel: number of codes, never returned */
} dn_status;

/** Process exit codes of the durand command (documented in --help and README). */
enum dn_exit_code {
    DN_EXIT_OK = 0,       /**< success */
    DN_EXIT_PARTIAL = 1,  /**< done, but some input records were rejected */
    DN_EXIT_USAGE = 2,    /**< bad command line */
    DN_EXIT_INPUT = 3,    /**< bad or missing input data */
    DN_EXIT_IO = 4,       /**< a file could not be read or written, or exists */
    DN_EXIT_DB = 5,       /**< database error (corrupt, read-only, newer schema) */
    DN_EXIT_GEODATA = 6,  /**< shipped geodata missing or corrupt */
    DN_EXIT_INTERNAL = 70 /**< internal error or out of memory */
};

/** Static, never-NULL description of a status code; "unknown status" when
 * out of range. */
DN_API const char *dn_strerror(dn_status status);

/** The exit code the CLI uses for a status. */
DN_API int dn_exit_code(dn_status status);

/** Library version, e.g. "0.1.0". Static string. */
DN_API const char *dn_version(void);

/** Create a context: initialises GEOS and PROJ and routes their messages into
 * the context. No database is opened yet.
 * @param out receives the context; caller frees it with dn_ctx_free().
 * @return DN_OK, or DN_ERR_NOMEM / DN_ERR_GEOS / DN_ERR_PROJ (then *out is NULL). */
DN_API dn_status dn_ctx_new(dn_ctx **out);

/** Free a context and everything it owns (closes the database). NULL is a
 * no-op. Always returns NULL so callers can write `ctx = dn_ctx_free(ctx)`. */
DN_API dn_ctx *dn_ctx_free(dn_ctx *ctx);

/** The message of the last failure on this context ("" if none). The string
 * is owned by the context and valid until the next call that fails on it. */
DN_API const char *dn_ctx_errmsg(const dn_ctx *ctx);

/** The status of the last failure on this context (DN_OK if none). */
DN_API dn_status dn_ctx_status(const dn_ctx *ctx);

/** Message levels of the output callback. */
typedef enum dn_out_level {
    DN_OUT_DATA = 0, /**< machine-readable output: goes to stdout */
    DN_OUT_PROGRESS, /**< progress display (only when stderr is a terminal) */
    DN_OUT_INFO,     /**< a note for people (muted by --quiet) */
    DN_OUT_WARNING,  /**< "durand: warning: ..." (muted by --quiet) */
    DN_OUT_ERROR     /**< "durand: error: ..." */
} dn_out_level;

/** Output callback: receives `len` bytes of `text` (not NUL-terminated
 * necessarily) at a level. Diagnostics arrive already prefixed and
 * newline-terminated. A DN_OUT_DATA message of length 0 asks the callback
 * to flush what it buffered (streaming commands send one after each burst
 * of rows). */
typedef void (*dn_out_cb)(void *ud, dn_out_level level, const char *text, size_t len);

/** Route the library's diagnostics (warnings, progress) to a callback. The
 * library itself never prints. */
DN_API void dn_ctx_set_output(dn_ctx *ctx, dn_out_cb cb, void *ud);

/** Run the durand command line in-process.
 * @param ctx a fresh context (from dn_ctx_new); the caller keeps ownership.
 * @param argc, argv as for main(); argv[0] is the program name.
 * @param cb receives all output: DN_OUT_DATA belongs on stdout, the rest on stderr.
 * @param ud passed to cb.
 * @return a process exit code (enum dn_exit_code). */
DN_API int dn_cli_run(dn_ctx *ctx, int argc, char **argv, dn_out_cb cb, void *ud);

#ifdef __cplusplus
}
#endif
#endif /* DURAND_H */

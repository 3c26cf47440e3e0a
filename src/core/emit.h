/** @file emit.h
 * Record output for data commands: one schema of named columns, printed as a
 * people's table, CSV, one JSON document, JSON Lines or a Markdown table.
 * Output goes to the context's output callback at DN_OUT_DATA (stdout).
 */
#ifndef DN_EMIT_H
#define DN_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "durand.h"

enum dn_format {
    DN_FORMAT_TABLE = 0,
    DN_FORMAT_CSV,
    DN_FORMAT_JSON,
    DN_FORMAT_JSONL,
    DN_FORMAT_MD,
    DN_FORMAT_GEOJSON,
    DN_FORMAT_COUNT
};
#define DN_FORMAT_BIT(f) (1u << (f))

/** Parse a --format value. Only formats in `allowed` (a mask of
 * DN_FORMAT_BIT) are accepted; otherwise DN_ERR_USAGE with a message listing
 * the allowed ones. */
dn_status dn_format_parse(dn_ctx *ctx, const char *text, unsigned allowed, enum dn_format *out);
const char *dn_format_name(enum dn_format f);

/** Flags for dn_emit_new. */
enum {
    DN_EMIT_OBJECT = 1 /**< json: print the single row as an object, not an array */
};

struct dn_emit;

/** Start output with `ncols` column names (the caller keeps the array; it
 * must outlive the emitter). Caller frees with dn_emit_free(). */
dn_status dn_emit_new(dn_ctx *ctx, enum dn_format fmt, const char *const *columns, size_t ncols,
                      unsigned flags, struct dn_emit **out);
/** Cell setters, in column order. NULL string, NaN real or negative bool are null. */
void dn_emit_str(struct dn_emit *e, const char *s);
void dn_emit_int(struct dn_emit *e, long long v);
void dn_emit_real(struct dn_emit *e, double v, int decimals);
void dn_emit_bool(struct dn_emit *e, int v);
void dn_emit_null(struct dn_emit *e);
/** A cell whose JSON form is `json` (an array or object, emitted raw) and
 * whose text form in table/CSV is `text`. */
void dn_emit_raw(struct dn_emit *e, const char *json, const char *text);
/** End a row (checks the cell count). */
dn_status dn_emit_row_end(struct dn_emit *e);
/** Pass the rows ended so far on to the output callback now (tables and
 * Markdown wait for dn_emit_finish), then send a zero-length DN_OUT_DATA
 * message, which asks the callback to flush its stream: for output that
 * must follow its input line by line. */
void dn_emit_flush(struct dn_emit *e);
/** Finish the document (closing brackets; tables are printed here). */
dn_status dn_emit_finish(struct dn_emit *e);
/** Number of rows ended so far. */
size_t dn_emit_rows(const struct dn_emit *e);
/** Free an emitter; NULL is a no-op. */
void dn_emit_free(struct dn_emit *e);

#endif /* DN_EMIT_H */

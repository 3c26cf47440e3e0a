/** @file csv_reader.h
 * Streaming RFC 4180 reader: records out of a FILE* in fixed-size chunks, so
 * memory stays flat however long the file is (chunk + one record, capped).
 *
 * Handles quoted fields with delimiters, doubled quotes and line breaks
 * inside; CRLF, LF and CR-only line ends (mixed too); a UTF-8 byte order
 * mark; Windows-1252 files (detected from the first byte sequence that is
 * not UTF-8, converted to UTF-8 with one warning); the delimiter sniffed
 * from the first line (',' ';' TAB '|'). Line breaks inside fields are
 * returned as "\n" whatever the file used.
 *
 * Problems confined to one record — an over-long record, too many fields, a
 * NUL byte, invalid UTF-8 in a UTF-8 file, an unterminated quote at end of
 * file — reject that record (dn_csv_next returns DN_ERR_INPUT and
 * dn_csv_reject tells line, field and reason) and reading goes on.
 *
 * Thread-safety: a reader belongs to one thread at a time.
 */
#ifndef DN_INGEST_CSV_READER_H
#define DN_INGEST_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "durand.h"

#define DN_CSV_MAX_RECORD_DEFAULT ((size_t)1 << 20) /**< 1 MiB */
#define DN_CSV_MAX_FIELDS_DEFAULT ((size_t)1024)

struct dn_csv_opts {
    char delimiter;          /**< 0: sniff from the first line */
    size_t max_record_bytes; /**< 0: DN_CSV_MAX_RECORD_DEFAULT */
    size_t max_fields;       /**< 0: DN_CSV_MAX_FIELDS_DEFAULT */
    bool quiet;              /**< no warnings (for a look-ahead pass over a file read again later) */
};

/** What the reader has concluded about the file's encoding so far. */
enum dn_csv_encoding {
    DN_CSV_ENC_ASCII = 0, /**< only ASCII seen so far */
    DN_CSV_ENC_UTF8,      /**< a BOM or a valid multi-byte sequence seen */
    DN_CSV_ENC_CP1252     /**< bytes that are not UTF-8: converting from Windows-1252 */
};

/** One record. Everything points into the reader and is valid until the
 * next dn_csv_next or dn_csv_close. */
struct dn_csv_record {
    const char *const *field; /**< field[i]: NUL-terminated UTF-8 */
    const size_t *len;        /**< len[i] == strlen(field[i]) */
    size_t nfields;           /**< ≥ 1 */
    long line;                /**< physical line (1-based) where the record starts */
    const char *raw;          /**< the fields back to back, each NUL-terminated */
    size_t raw_len;           /**< bytes in raw, terminators included */
};

/** Why the last record was rejected. Owned by the reader; valid until the
 * next dn_csv_next or dn_csv_close. */
struct dn_csv_reject {
    long line;          /**< physical line where the record starts */
    long field;         /**< 0-based field index, or -1 for the whole record */
    const char *reason; /**< e.g. "record longer than 1048576 bytes" */
};

struct dn_csv;

/** Start reading `fp` (opened for reading in binary mode) from its current
 * position. Reads the first chunk to sniff the BOM and delimiter.
 * @param ctx  receives error messages; must outlive the reader
 * @param fp   borrowed: the caller keeps ownership and closes it after dn_csv_close
 * @param name the file's name for messages (copied)
 * @param opts NULL for defaults (copied)
 * @param out  receives the reader; free with dn_csv_close()
 * @return DN_OK; DN_ERR_IO (read error); DN_ERR_INPUT (UTF-16 file);
 *         DN_ERR_NOMEM. */
dn_status dn_csv_open(dn_ctx *ctx, FILE *fp, const char *name, const struct dn_csv_opts *opts, struct dn_csv **out);

/** Read the next record.
 * @param rec  filled on DN_OK (pointers owned by the reader, see above)
 * @param done set to true (and DN_OK returned) at end of input
 * @return DN_OK; DN_ERR_INPUT when this record is rejected (see
 *         dn_csv_reject; call again for the next one); DN_ERR_IO /
 *         DN_ERR_NOMEM (fatal: stop reading). */
dn_status dn_csv_next(struct dn_csv *c, struct dn_csv_record *rec, bool *done);

/** The reason for the last DN_ERR_INPUT from dn_csv_next. Owned by the reader. */
const struct dn_csv_reject *dn_csv_reject(const struct dn_csv *c);

/** The encoding concluded so far (final once the file is read). */
enum dn_csv_encoding dn_csv_encoding(const struct dn_csv *c);

/** The delimiter in use. */
char dn_csv_delimiter(const struct dn_csv *c);

/** Whether the file started with a UTF-8 byte order mark. */
bool dn_csv_had_bom(const struct dn_csv *c);

/** Turn warnings off or on (see dn_csv_opts.quiet). */
void dn_csv_set_quiet(struct dn_csv *c, bool quiet);

/** Free the reader (not the FILE*). NULL is a no-op. */
void dn_csv_close(struct dn_csv *c);

#endif /* DN_INGEST_CSV_READER_H */

/** @file rejects_file.h
 * The rejects report of an ingest run (CSV: file, line, field, reason),
 * opened so that it can never take the place of what the run reads or
 * writes: it is truncated when the run starts, so a --rejects naming the
 * database or an input would destroy it.
 */
#ifndef DN_INGEST_REJECTS_FILE_H
#define DN_INGEST_REJECTS_FILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

#include "core/core.h"

struct dni_rejects_file {
    FILE *fp;             /**< owned; NULL when closed */
    dev_t dev, db_dev;    /**< the report's and the database's file */
    ino_t ino, db_ino;
    bool have_db;
};

/** Open `path` for the run's report, with its header line. Refused before
 * anything is written: the database (or its -wal, -shm, -journal) —
 * DN_ERR_USAGE; one of the `n` input paths — DN_ERR_USAGE; an existing
 * file that is not empty and not an earlier report of durand (its first
 * line is not the header) — DN_ERR_EXISTS. DN_ERR_IO when it cannot be
 * written. `db_path` may be NULL (an in-memory store). */
dn_status dni_rejects_open(dn_ctx *ctx, const char *path, const char *db_path, const char *const *inputs, size_t n,
                          struct dni_rejects_file *out);

/** Whether `sb` (a stat of a file found in an input directory) is the
 * report itself or the database: a directory walk passes over both. */
bool dni_rejects_is_run_file(const struct dni_rejects_file *rf, const struct stat *sb);

/** Close the report (no-op when not open). DN_ERR_IO names `path` if the
 * last writes failed. */
dn_status dni_rejects_close(dn_ctx *ctx, struct dni_rejects_file *rf, const char *path);

#endif

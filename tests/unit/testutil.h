/** @file testutil.h
 * Helpers for unit tests: run the CLI in-process and capture its output.
 */
#ifndef DN_TESTUTIL_H
#define DN_TESTUTIL_H

#include <sqlite3.h>

#include "core/core.h"

/** The small synthetic geodata (tests/data/make_mini_geodata.py): cheap
 * enough for every valgrind run. */
#define DN_TEST_MINI_GEODATA DN_SOURCE_DIR "/tests/data/mini-geodata"

struct captured {
    struct dn_strbuf out; /* DN_OUT_DATA */
    struct dn_strbuf err; /* everything else */
};

/** Output callback collecting into a struct captured. */
void capture_output(void *ud, dn_out_level level, const char *text, size_t len);
/** Run `durand ARGS...` (NULL-terminated) in-process on a fresh context;
 * fills `cap` (caller frees with captured_free) and returns the exit code. */
int run_cli(struct captured *cap, ...);
void captured_free(struct captured *cap);
/** A fresh temporary directory path (mkdtemp); caller frees with free(). */
char *make_temp_dir(void);
/** Remove a directory tree made by make_temp_dir. */
void remove_tree(const char *path);
/** Write n bytes to path (created or truncated); fails the calling test
 * when it cannot. */
void write_file(const char *path, const void *data, size_t n);

/** Run SQL on `db`; fails the calling test (with SQLite's message) when
 * it fails. */
void sql_exec(sqlite3 *db, const char *sql);
/** The first column of the first row of a query, as an integer; fails the
 * calling test when there is no row. */
long long sql_int(sqlite3 *db, const char *sql);

#endif

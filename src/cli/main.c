/** @file main.c
 * The durand executable: a thin shell around dn_cli_run that sends data to
 * stdout and diagnostics to stderr.
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "durand.h"

static void route_output(void *ud, dn_out_level level, const char *text, size_t len)
{
    const bool *stderr_is_tty = ud;
    /* a progress display only makes sense on a terminal; in a log it is noise */
    if (level == DN_OUT_PROGRESS && !*stderr_is_tty) return;
    FILE *stream = level == DN_OUT_DATA ? stdout : stderr;
    fwrite(text, 1, len, stream);
    /* diagnostics at once; data when the library asks (an empty message) */
    if (level != DN_OUT_DATA || len == 0) fflush(stream);
}

int main(int argc, char **argv)
{
    /* SQLite's memory statistics take a global mutex around every malloc
     * and free, and durand never reads them (perf: about 2 % of a bulk
     * ingest). A process-wide setting, so the program makes it, before
     * SQLite starts. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    dn_ctx *ctx = NULL;
    dn_status s = dn_ctx_new(&ctx);
    if (s != DN_OK) {
        fprintf(stderr, "durand: error: cannot start: %s\n", dn_strerror(s));
        return dn_exit_code(s);
    }
    bool stderr_is_tty = isatty(STDERR_FILENO);
    int code = dn_cli_run(ctx, argc, argv, route_output, &stderr_is_tty);
    dn_ctx_free(ctx);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "durand: error: writing to standard output failed\n");
        if (code == 0) code = DN_EXIT_IO;
    }
    return code;
}

/** @file rejects_file.c
 * Opening the rejects report without harm to the database or an input.
 */
#include <errno.h>
#include <string.h>

#include "ingest/rejects_file.h"

static const char header[] = "file,line,field,reason\r\n";

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether `path` is the database `db_path` or one of SQLite's files beside it. */
static bool is_database_file(const struct stat *sb, const char *db_path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < DN_ARRAY_LEN(suffixes); i++) {
        struct dn_strbuf name = {0};
        dn_strbuf_printf(&name, "%s%s", db_path, suffixes[i]);
        struct stat db;
        bool same = !name.failed && stat(name.data, &db) == 0 && same_file(sb, &db);
        dn_strbuf_free(&name);
        if (same) return true;
    }
    return false;
}

/* An earlier report (its header first) or an empty file may be replaced;
 * anything else is somebody's data. */
static bool replaceable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return true; /* fopen for writing will say why */
    char head[sizeof header];
    size_t n = fread(head, 1, sizeof header - 1, f);
    fclose(f);
    return n == 0 || (n == sizeof header - 1 && memcmp(head, header, n) == 0);
}

dn_status dni_rejects_open(dn_ctx *ctx, const char *path, const char *db_path, const char *const *inputs, size_t n,
                          struct dni_rejects_file *out)
{
    memset(out, 0, sizeof *out);
    struct stat sb, db;
    if (db_path && stat(db_path, &db) == 0) {
        out->have_db = true;
        out->db_dev = db.st_dev;
        out->db_ino = db.st_ino;
    }
    if (stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        if (db_path && is_database_file(&sb, db_path))
            return dni_fail(ctx, DN_ERR_USAGE, "--rejects %s is the database; name another file", path);
        for (size_t i = 0; i < n; i++) {
            struct stat in;
            if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &in) == 0 && same_file(&sb, &in))
                return dni_fail(ctx, DN_ERR_USAGE, "--rejects %s is an input of this run; name another file", path);
        }
        if (!replaceable(path))
            return dni_fail(ctx, DN_ERR_EXISTS,
                            "%s: exists and is not a rejects report of durand (its first line is not '%.22s');"
                            " name another --rejects file",
                            path, header);
    }
    out->fp = fopen(path, "wb");
    if (!out->fp) return dni_fail(ctx, DN_ERR_IO, "%s: cannot write the rejects file: %s", path, strerror(errno));
    fputs(header, out->fp);
    struct stat mine;
    if (fstat(fileno(out->fp), &mine) == 0) {
        out->dev = mine.st_dev;
        out->ino = mine.st_ino;
    }
    return DN_OK;
}

bool dni_rejects_is_run_file(const struct dni_rejects_file *rf, const struct stat *sb)
{
    return (rf->fp && sb->st_dev == rf->dev && sb->st_ino == rf->ino) ||
           (rf->have_db && sb->st_dev == rf->db_dev && sb->st_ino == rf->db_ino);
}

dn_status dni_rejects_close(dn_ctx *ctx, struct dni_rejects_file *rf, const char *path)
{
    if (!rf->fp) return DN_OK;
    bool ok = fclose(rf->fp) == 0;
    rf->fp = NULL;
    return ok ? DN_OK : dni_fail(ctx, DN_ERR_IO, "%s: cannot write the rejects file", path);
}

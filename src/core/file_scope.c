/** @file file_scope.c
 * The scope of keys that a file gives its own rows (a CSV's id column, an
 * article's sentences): the file's name and its directory's identity; and
 * the test of a file name's extension.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "core/hash.h"

char *dn_file_scope(const char *path)
{
    if (!path || strcmp(path, "-") == 0) return dn_strdup("-");
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = slash ? dn_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : dn_strdup(".");
    if (!dir) return NULL;
    /* realpath settles ".", "..", symbolic links and the working directory:
     * `ingest a.csv` run in /data and `ingest /data/a.csv` name one file.
     * A directory that cannot be resolved (a caller's name for a buffer)
     * is hashed as written. */
    char *canonical = realpath(dir, NULL);
    uint64_t h = dn_hash_str(DN_HASH_INIT, canonical ? canonical : dir);
    free(canonical); /* realpath's malloc */
    dn_free(dir);
    char hex[17];
    dn_hash_hex(h, hex);
    struct dn_strbuf scope = {0};
    dn_strbuf_printf(&scope, "%s@%s", base, hex);
    if (scope.failed) {
        dn_strbuf_free(&scope);
        return NULL;
    }
    return scope.data;
}

bool dn_path_has_extension(const char *path, const char *ext)
{
    size_t n = strlen(path), m = strlen(ext);
    return m && n > m && strcasecmp(path + n - m, ext) == 0;
}

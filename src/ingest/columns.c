/** @file columns.c
 * Header names → field bindings: name normalisation, the format's column
 * candidates, and --map FIELD=COLUMN overrides with their validation.
 */
#include <stdint.h>
#include <string.h>

#include "ingest/reader_impl.h"

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

size_t dni_normalize_column_into(const char *name, char *out, size_t cap)
{
    while (!strncmp(name, "\xEF\xBB\xBF", 3)) name += 3; /* a BOM glued to the first name */
    size_t o = 0;
    bool gap = false;
    for (size_t i = 0; name[i]; i++) {
        char c = name[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-' || c == '.' || c == '_') {
            gap = o > 0;
            continue;
        }
        if ((unsigned char)c == 0xC2 && (unsigned char)name[i + 1] == 0xA0) { /* no-break space */
            gap = o > 0;
            i++;
            continue;
        }
        if (o + 2 >= cap) return SIZE_MAX;
        if (gap) out[o++] = '_';
        gap = false;
        out[o++] = lower(c);
    }
    out[o] = '\0';
    return o;
}

char *dni_normalize_column(const char *name)
{
    size_t cap = strlen(name) * 2 + 2; /* worst case: every byte preceded by '_' */
    char *out = dn_malloc(cap);
    if (out && dni_normalize_column_into(name, out, cap) == SIZE_MAX) out[0] = '\0';
    return out;
}

static int find_column(char *const *names, size_t n, const char *want, size_t want_len)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strlen(names[i]) == want_len && !strncmp(names[i], want, want_len)) return (int)i;
    return -1;
}

/* First candidate of a '|' list present in the header. */
static int find_candidate(char *const *names, size_t n, const char *list)
{
    while (list && *list) {
        const char *bar = strchr(list, '|');
        size_t len = bar ? (size_t)(bar - list) : strlen(list);
        int c = find_column(names, n, list, len);
        if (c >= 0) return c;
        list = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* FIELD index of a --map entry, or -1. */
static int mapped_field(const char *entry, size_t len)
{
    const char *const *names = dn_ingest_field_names();
    while (len && (entry[len - 1] == ' ')) len--;
    while (len && *entry == ' ') entry++, len--;
    for (int f = 0; names[f]; f++) {
        if (strlen(names[f]) != len) continue;
        size_t i = 0;
        while (i < len && lower(entry[i]) == names[f][i]) i++;
        if (i == len) return f;
    }
    return -1;
}

dn_status dn_reader_check_map(dn_ctx *ctx, const char *const *map, size_t nmap)
{
    for (size_t i = 0; i < nmap; i++) {
        const char *eq = map[i] ? strchr(map[i], '=') : NULL;
        if (!eq) return dni_fail(ctx, DN_ERR_USAGE, "--map '%s': expected FIELD=COLUMN", map[i] ? map[i] : "");
        if (mapped_field(map[i], (size_t)(eq - map[i])) < 0)
            return dni_fail(ctx, DN_ERR_USAGE,
                            "--map '%s': unknown field '%.*s' (fields: date, place, latitude, longitude, country, "
                            "province, district, type, sub_type, actor1, actor2, killed, injured, notes, id)",
                            map[i], (int)(eq - map[i]), map[i]);
        const char *col = eq + 1;
        while (*col == ' ') col++;
        if (!*col) return dni_fail(ctx, DN_ERR_USAGE, "--map '%s': no COLUMN after '='", map[i]);
    }
    return DN_OK;
}

dn_status dni_bind_columns(dn_ctx *ctx, const char *file, const struct dni_format_desc *desc, char *const *names,
                           size_t n, const char *const *map, size_t nmap, int col[DNF_COUNT])
{
    for (int f = 0; f < DNF_COUNT; f++) col[f] = find_candidate(names, n, desc->columns[f]);
    dn_status s = dn_reader_check_map(ctx, map, nmap);
    if (s != DN_OK) return s;
    for (size_t i = 0; i < nmap; i++) {
        const char *eq = strchr(map[i], '=');
        int f = mapped_field(map[i], (size_t)(eq - map[i]));
        char *want = dni_normalize_column(eq + 1);
        if (!want) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        int c = find_column(names, n, want, strlen(want));
        dn_free(want);
        if (c < 0) return dni_fail(ctx, DN_ERR_USAGE, "--map %s: %s has no column '%s'", map[i], file, eq + 1);
        col[f] = c;
    }
    return DN_OK;
}

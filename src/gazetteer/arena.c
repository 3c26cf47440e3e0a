/** @file arena.c
 * The gazetteer's string arena: strings copied into large chunks that never
 * move, so the index can point at them until it is freed. Each chunk's
 * fill is kept, so that the index's image (image.c) can write the arena
 * out as it is and point into it by offsets.
 */
#include <string.h>

#include "gazetteer/gz_internal.h"

enum { ARENA_CHUNK = 1 << 20 };

static bool add_chunk(struct gz_arena *a)
{
    if (a->nchunks < a->capchunks) return true;
    size_t cap = a->capchunks ? a->capchunks * 2 : 16;
    char **c = dn_realloc(a->chunks, cap * sizeof *c);
    if (!c) return false;
    a->chunks = c;
    size_t *f = dn_realloc(a->fill, cap * sizeof *f);
    if (!f) return false;
    a->fill = f;
    a->capchunks = cap;
    return true;
}

const char *dni_gz_strdup(struct gz_arena *a, const char *s, size_t len)
{
    size_t need = len + 1;
    if (a->nchunks == 0 || a->fill[a->nchunks - 1] + need > ARENA_CHUNK) {
        if (!add_chunk(a)) return NULL;
        size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
        char *chunk = dn_malloc(size);
        if (!chunk) return NULL;
        memcpy(chunk, s, len);
        chunk[len] = '\0';
        /* an oversized string gets a chunk of its own, before the current one */
        if (need > ARENA_CHUNK && a->nchunks > 0) {
            a->chunks[a->nchunks] = a->chunks[a->nchunks - 1];
            a->fill[a->nchunks] = a->fill[a->nchunks - 1];
            a->chunks[a->nchunks - 1] = chunk;
            a->fill[a->nchunks - 1] = need;
            a->nchunks++;
            return chunk;
        }
        a->chunks[a->nchunks] = chunk;
        a->fill[a->nchunks] = need;
        a->nchunks++;
        return chunk;
    }
    char *dst = a->chunks[a->nchunks - 1] + a->fill[a->nchunks - 1];
    memcpy(dst, s, len);
    dst[len] = '\0';
    a->fill[a->nchunks - 1] += need;
    return dst;
}

char *dni_gz_arena_block(struct gz_arena *a, size_t len)
{
    if (a->nchunks || !add_chunk(a)) return NULL;
    /* at least a chunk's size, so that strings added later fit behind it */
    char *chunk = dn_malloc(len > ARENA_CHUNK ? len : ARENA_CHUNK);
    if (!chunk) return NULL;
    a->chunks[0] = chunk;
    a->fill[0] = len;
    a->nchunks = 1;
    return chunk;
}

void dni_gz_arena_free(struct gz_arena *a)
{
    for (size_t i = 0; i < a->nchunks; i++) dn_free(a->chunks[i]);
    dn_free(a->chunks);
    dn_free(a->fill);
    memset(a, 0, sizeof *a);
}

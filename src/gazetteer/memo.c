/** @file memo.c
 * A memo of name lookups: what dn_geocode finds for a name and the admin
 * names given with it — the resolved hints and the candidate places —
 * before anything that depends on a point is scored. An ingest asks about
 * the same few thousand names with the same admin columns again and again
 * (every row of a town carries its district and province); a hit skips the
 * hint resolution, the name key and the candidate collection, and gives the
 * same candidates in the same order, so the answer is the same.
 *
 * Entries are valid for one state of the index: anything that adds a name
 * or a place (a learned name) bumps ix->version, and older entries are then
 * ignored. Direct-mapped, a fixed number of slots: the memory is bounded.
 * DURAND_NO_LOOKUP_CACHE in the environment (read when the index is built)
 * turns it off, for tests that compare both paths.
 */
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "gazetteer/gz_internal.h"

enum { MEMO_SLOTS = 4096, MEMO_MAX_CANDS = 4096 };

struct memo_entry {
    char *key; /* owned: name, 0x1F, country, 0x1F, province, 0x1F, district; NULL = empty slot */
    size_t keylen;
    uint64_t version;
    struct gz_hints hints; /* without the near point and the context */
    unsigned kind_hint;
    struct gz_cand *cands; /* owned */
    size_t n;
};

struct gz_memo {
    struct memo_entry e[MEMO_SLOTS];
};

static const char *or_empty(const char *s) { return s ? s : ""; }

/* The key of a lookup in `b` (NULL and "" hints resolve alike, so they
 * share it); false when it cannot be built. */
static bool build_key(struct dn_strbuf *b, const char *name, size_t len, const struct dn_geocode_opts *o)
{
    b->len = 0;
    dn_strbuf_append(b, name, len);
    dn_strbuf_putc(b, 0x1F);
    dn_strbuf_puts(b, o ? or_empty(o->country) : "");
    dn_strbuf_putc(b, 0x1F);
    dn_strbuf_puts(b, o ? or_empty(o->province) : "");
    dn_strbuf_putc(b, 0x1F);
    dn_strbuf_puts(b, o ? or_empty(o->district) : "");
    unsigned admin_only = o ? o->admin_only : 0u; /* a different candidate set */
    dn_strbuf_putc(b, 0x1F);
    dn_strbuf_append(b, (const char *)&admin_only, sizeof admin_only); /* no printf: this runs for every geocode */
    return !b->failed;
}

static struct memo_entry *slot_of(struct gz_memo *m, const struct dn_strbuf *key)
{
    return &m->e[dn_hash_bytes(DN_HASH_INIT, key->data, key->len) % MEMO_SLOTS];
}

bool dni_gz_memo_get(struct gz_index *ix, const char *name, size_t len, const struct dn_geocode_opts *opts,
                     struct gz_hints *hints, unsigned *kind_hint)
{
    if (ix->memo_off || !ix->memo || !ix->cands || !build_key(&ix->memo_key, name, len, opts)) return false;
    struct memo_entry *e = slot_of(ix->memo, &ix->memo_key);
    if (!e->key || e->version != ix->version || e->keylen != ix->memo_key.len ||
        memcmp(e->key, ix->memo_key.data, e->keylen) != 0)
        return false;
    struct gz_cands *c = ix->cands;
    if (c->cap < e->n) {
        struct gz_cand *v = dn_realloc(c->v, e->n * sizeof *v);
        if (!v) return false;
        c->v = v;
        c->cap = e->n;
    }
    memcpy(c->v, e->cands, e->n * sizeof *c->v);
    c->n = e->n;
    *hints = e->hints;
    *kind_hint = e->kind_hint;
    return true;
}

void dni_gz_memo_put(struct gz_index *ix, const char *name, size_t len, const struct dn_geocode_opts *opts,
                     const struct gz_hints *hints, unsigned kind_hint)
{
    if (ix->memo_off || !ix->cands || ix->cands->n == 0 || ix->cands->n > MEMO_MAX_CANDS) return;
    if (!ix->memo && !(ix->memo = dn_calloc(1, sizeof *ix->memo))) return; /* a memo is optional */
    if (!build_key(&ix->memo_key, name, len, opts)) return;
    struct memo_entry *e = slot_of(ix->memo, &ix->memo_key);
    char *key = dn_malloc(ix->memo_key.len);
    struct gz_cand *cands = dn_malloc(ix->cands->n * sizeof *cands);
    if (!key || !cands) {
        dn_free(key);
        dn_free(cands);
        return;
    }
    dn_free(e->key);
    dn_free(e->cands);
    memcpy(key, ix->memo_key.data, ix->memo_key.len);
    memcpy(cands, ix->cands->v, ix->cands->n * sizeof *cands);
    *e = (struct memo_entry){.key = key, .keylen = ix->memo_key.len, .version = ix->version, .hints = *hints,
                             .kind_hint = kind_hint, .cands = cands, .n = ix->cands->n};
    dni_gz_hints_per_lookup(&e->hints, &(struct dn_geocode_opts){0}); /* none kept */
}

void dni_gz_memo_free(struct gz_memo *m)
{
    if (!m) return;
    for (size_t i = 0; i < MEMO_SLOTS; i++) {
        dn_free(m->e[i].key);
        dn_free(m->e[i].cands);
    }
    dn_free(m);
}

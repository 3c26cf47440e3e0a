/** @file fuzzy.c
 * Fuzzy lookup: misspelled words ("Peshawer", "Jalalabaad", "Miramshah")
 * found through a deletion index over the distinct words of every key
 * (symmetric-delete spelling correction): each word is indexed under itself
 * and each one-letter deletion of it; a query word generates its own
 * deletions and meets its neighbours in a handful of hash probes, never a
 * scan. Candidates are verified with an optimal-string-alignment edit
 * distance on code points, and the corrected words are recombined into
 * keys that the main table must know.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "gazetteer/gz_internal.h"

#define WORD_CP_MAX 40   /* longer words are not corrected */
#define PER_WORD 5       /* corrections kept per query word */
#define MAX_COMBOS 96

struct fz_word {
    const char *s; /* points into a key of the index (not NUL-terminated) */
    uint16_t len;  /* bytes */
    uint16_t ncp;  /* code points */
    uint32_t freq; /* keys containing it */
    uint32_t hash;
    float prom;    /* prominence of the most prominent place a key containing it names */
};

/* Deletion index: one slot per distinct deletion hash, heading a list of
 * the words that have it (a plain multimap with linear probing degrades
 * badly: deletions of common words like "khel" are shared by thousands). */
struct fz_del {
    uint32_t hash;
    uint32_t head; /* first link + 1, 0 = empty slot */
};

struct fz_link {
    uint32_t word;
    uint32_t next; /* + 1, 0 = end */
};

struct gz_fuzzy {
    struct fz_word *words;
    size_t nwords, capwords;
    uint32_t *wslots; /* word set: index+1, 0 empty */
    size_t wmask;
    struct fz_del *dels;
    size_t dmask, ndels;
    struct fz_link *links;
    size_t nlinks, caplinks;
};

void dni_gz_fuzzy_free(struct gz_fuzzy *f)
{
    if (!f) return;
    dn_free(f->words);
    dn_free(f->wslots);
    dn_free(f->dels);
    dn_free(f->links);
    dn_free(f);
}

size_t dni_gz_fuzzy_words(const struct gz_fuzzy *f) { return f ? f->nwords : 0; }

static size_t decode(const char *s, size_t len, int32_t *cp, size_t cap)
{
    size_t n = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    for (size_t i = 0; i < len && n < cap;) {
        utf8proc_int32_t c;
        if (p[i] < 0x80) {
            c = p[i++];
        } else {
            utf8proc_ssize_t step = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
            if (step <= 0) break;
            i += (size_t)step;
        }
        cp[n++] = c;
    }
    return n;
}

/* Hash of the code points with up to two positions left out (a deletion). */
static uint32_t cp_hash(const int32_t *cp, size_t n, size_t skip1, size_t skip2)
{
    if (n == 0) return dni_gz_hash(cp, 0); /* nothing to copy (nor an unwritten tmp to hand on) */
    int32_t tmp[WORD_CP_MAX];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i != skip1 && i != skip2) tmp[m++] = cp[i];
    return dni_gz_hash(tmp, m * sizeof *tmp);
}

/* ---- building ------------------------------------------------------------- */

static dn_status dels_grow(struct gz_fuzzy *f)
{
    size_t n = f->dels ? (f->dmask + 1) * 2 : (1u << 18);
    struct fz_del *d = dn_calloc(n, sizeof *d);
    if (!d) return DN_ERR_NOMEM;
    for (size_t i = 0; f->dels && i <= f->dmask; i++) {
        if (!f->dels[i].head) continue;
        size_t j = f->dels[i].hash & (n - 1);
        while (d[j].head) j = (j + 1) & (n - 1);
        d[j] = f->dels[i];
    }
    dn_free(f->dels);
    f->dels = d;
    f->dmask = n - 1;
    return DN_OK;
}

/* `first_link`: the first link the word's deletions made; a deletion whose
 * list already starts at or after it hashes like another of the same word. */
static dn_status dels_add(struct gz_fuzzy *f, uint32_t hash, uint32_t word, size_t first_link)
{
    if ((f->ndels + 1) * 10 > (f->dels ? f->dmask + 1 : 0) * 7 && dels_grow(f) != DN_OK) return DN_ERR_NOMEM;
    size_t j = hash & f->dmask;
    while (f->dels[j].head && f->dels[j].hash != hash) j = (j + 1) & f->dmask;
    if (f->nlinks == f->caplinks) {
        size_t cap = f->caplinks ? f->caplinks * 2 : (1u << 18);
        struct fz_link *l = dn_realloc(f->links, cap * sizeof *l);
        if (!l) return DN_ERR_NOMEM;
        f->links = l;
        f->caplinks = cap;
    }
    struct fz_del *d = &f->dels[j];
    if (!d->head) {
        d->hash = hash;
        f->ndels++;
    } else if (d->head > first_link) {
        return DN_OK; /* the word is on this list already (it is the list's head) */
    }
    f->links[f->nlinks] = (struct fz_link){.word = word, .next = d->head};
    d->head = (uint32_t)++f->nlinks;
    return DN_OK;
}

static dn_status words_grow(struct gz_fuzzy *f)
{
    size_t n = f->wslots ? (f->wmask + 1) * 2 : (1u << 16);
    uint32_t *w = dn_calloc(n, sizeof *w);
    if (!w) return DN_ERR_NOMEM;
    for (size_t i = 0; f->wslots && i <= f->wmask; i++) {
        if (!f->wslots[i]) continue;
        size_t j = f->words[f->wslots[i] - 1].hash & (n - 1);
        while (w[j]) j = (j + 1) & (n - 1);
        w[j] = f->wslots[i];
    }
    dn_free(f->wslots);
    f->wslots = w;
    f->wmask = n - 1;
    return DN_OK;
}

static long word_find(const struct gz_fuzzy *f, const char *s, size_t len, uint32_t hash)
{
    if (!f->wslots) return -1;
    for (size_t j = hash & f->wmask; f->wslots[j]; j = (j + 1) & f->wmask) {
        const struct fz_word *w = &f->words[f->wslots[j] - 1];
        if (w->hash == hash && w->len == len && memcmp(w->s, s, len) == 0) return (long)(f->wslots[j] - 1);
    }
    return -1;
}

/* Add one word (a stable pointer into an index key) to the word set, or
 * count it again. Returns the new word's index through `added` (UINT32_MAX
 * when the word was known or is not corrected); `cp`/`ncp` its code points. */
static dn_status word_put(struct gz_fuzzy *f, const char *s, size_t len, float prom, int32_t *cp, size_t *ncp,
                          uint32_t *added)
{
    *added = UINT32_MAX;
    uint32_t hash = dni_gz_hash(s, len);
    long found = word_find(f, s, len, hash);
    if (found >= 0) {
        f->words[found].freq++;
        if (prom > f->words[found].prom) f->words[found].prom = prom;
        return DN_OK;
    }
    size_t n = decode(s, len, cp, WORD_CP_MAX);
    if (n < 3 || n >= WORD_CP_MAX || len > 65535) return DN_OK;
    if ((f->nwords + 1) * 2 > (f->wslots ? f->wmask + 1 : 0) && words_grow(f) != DN_OK) return DN_ERR_NOMEM;
    if (f->nwords == f->capwords) {
        size_t cap = f->capwords ? f->capwords * 2 : (1u << 14);
        struct fz_word *w = dn_realloc(f->words, cap * sizeof *w);
        if (!w) return DN_ERR_NOMEM;
        f->words = w;
        f->capwords = cap;
    }
    uint32_t idx = (uint32_t)f->nwords++;
    f->words[idx] = (struct fz_word){.s = s, .len = (uint16_t)len, .ncp = (uint16_t)n, .freq = 1, .hash = hash, .prom = prom};
    size_t j = hash & f->wmask;
    while (f->wslots[j]) j = (j + 1) & f->wmask;
    f->wslots[j] = idx + 1;
    *ncp = n;
    *added = idx;
    return DN_OK;
}

/* The hashes a word is indexed under: itself and each one-letter deletion
 * of it (deleting either of two equal neighbours gives the same word once).
 * `out` holds WORD_CP_MAX + 1. */
static size_t del_hashes(const int32_t *cp, size_t n, uint32_t *out)
{
    size_t nh = 0;
    out[nh++] = cp_hash(cp, n, SIZE_MAX, SIZE_MAX);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cp[i] != cp[i - 1]) out[nh++] = cp_hash(cp, n, i, SIZE_MAX);
    return nh;
}

/* Index a word under its deletions. Each deletion's slot is a cache miss
 * in a table of megabytes: all of them are hashed and their slots fetched
 * first, so that the misses overlap. */
static dn_status word_dels_add(struct gz_fuzzy *f, uint32_t idx, const int32_t *cp, size_t n)
{
    uint32_t hashes[WORD_CP_MAX + 1];
    size_t nh = del_hashes(cp, n, hashes);
#if defined(__GNUC__)
    for (size_t k = 0; f->dels && k < nh; k++) __builtin_prefetch(&f->dels[hashes[k] & f->dmask]);
#endif
    size_t first_link = f->nlinks;
    for (size_t k = 0; k < nh; k++)
        if (dels_add(f, hashes[k], idx, first_link) != DN_OK) return DN_ERR_NOMEM;
    return DN_OK;
}

/* The prominence of the most prominent place a slot's key names. */
static float slot_prominence(const struct gz_index *ix, const struct gz_slot *sl)
{
    float best = 0;
    for (uint32_t p = sl->head; p; p = ix->posts[p - 1].next) {
        float pr = ix->places[ix->posts[p - 1].place].prominence;
        if (pr > best) best = pr;
    }
    return best;
}

/* Each word of a key: into the word set only (`with_dels` false: the
 * build adds every word's deletions afterwards, into tables sized once),
 * or with its deletions. */
static dn_status key_words_add(struct gz_fuzzy *f, const char *key, size_t len, float prom, bool with_dels)
{
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && key[j] != ' ') j++;
        int32_t cp[WORD_CP_MAX];
        size_t n = 0;
        uint32_t idx;
        dn_status s = word_put(f, key + i, j - i, prom, cp, &n, &idx);
        if (s == DN_OK && with_dels && idx != UINT32_MAX) s = word_dels_add(f, idx, cp, n);
        if (s != DN_OK) return s;
        i = j + 1;
    }
    return DN_OK;
}

/* At least as many as the words' deletions (del_hashes gives at most
 * one more than a word's code points). */
static size_t dels_bound(const struct gz_fuzzy *f)
{
    size_t n = 0;
    for (size_t w = 0; w < f->nwords; w++) n += (size_t)f->words[w].ncp + 1;
    return n;
}

/* Every word's deletions, in word order (the order one pass adding each
 * word with its deletions gives: each deletion's list is the same), into
 * a deletion table and link array sized for them, so neither is grown. */
static dn_status all_dels_add(struct gz_fuzzy *f)
{
    size_t nlinks = dels_bound(f);
    size_t slots = 1u << 18;
    while (slots * 7 < nlinks * 10) slots *= 2; /* the load dels_add keeps below 0.7 */
    f->dels = dn_calloc(slots, sizeof *f->dels);
    f->links = nlinks ? dn_malloc(nlinks * sizeof *f->links) : NULL;
    if (!f->dels || (nlinks && !f->links)) return DN_ERR_NOMEM;
    f->dmask = slots - 1;
    f->caplinks = nlinks;
    for (size_t w = 0; w < f->nwords; w++) {
        int32_t cp[WORD_CP_MAX];
        size_t n = decode(f->words[w].s, f->words[w].len, cp, WORD_CP_MAX);
        if (word_dels_add(f, (uint32_t)w, cp, n) != DN_OK) return DN_ERR_NOMEM;
    }
    return DN_OK;
}

dn_status dni_gz_fuzzy_add_key(struct gz_index *ix, const char *key, size_t len)
{
    ix->version++;
    if (!ix->fuzzy) return DN_OK;
    const struct gz_slot *s = dni_gz_find(ix, key, len, dni_gz_hash(key, len));
    if (!s) return DN_OK;
    return key_words_add(ix->fuzzy, s->key, s->len, slot_prominence(ix, s), true); /* the slot's copy is stable */
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static dn_status build(dn_ctx *ctx, struct gz_index *ix)
{
    double t0 = now_ms();
    struct gz_fuzzy *f = dn_calloc(1, sizeof *f);
    if (!f) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    dn_status s = DN_OK;
    for (size_t i = 0; s == DN_OK && ix->slots && i <= ix->slotmask; i++) {
        const struct gz_slot *sl = &ix->slots[i];
        if (sl->key && (sl->flags & GZ_SLOT_KEY) && (sl->flags & GZ_SLOT_WORDS))
            s = key_words_add(f, sl->key, sl->len, slot_prominence(ix, sl), false);
    }
    if (s == DN_OK) s = all_dels_add(f);
    if (s != DN_OK) {
        dni_gz_fuzzy_free(f);
        return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    ix->fuzzy = f;
    ix->fuzzy_ms = now_ms() - t0;
    return DN_OK;
}

/* ---- checking ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* A word's deletion hashes as dels_add keeps them: each once. */
static size_t word_del_hashes(const struct fz_word *w, uint32_t *out)
{
    int32_t cp[WORD_CP_MAX];
    uint32_t all[WORD_CP_MAX + 1];
    size_t n = del_hashes(cp, decode(w->s, w->len, cp, WORD_CP_MAX), all), nh = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < nh && !seen; k++) seen = out[k] == all[i];
        if (!seen) out[nh++] = all[i];
    }
    return nh;
}

dn_status dni_gz_fuzzy_check(const struct gz_fuzzy *f, size_t *missing, size_t *extra)
{
    *missing = *extra = 0;
    if (!f) return DN_OK;
    size_t nexp = dels_bound(f);
    uint64_t *want = dn_malloc((nexp ? nexp : 1) * sizeof *want);
    uint64_t *have = dn_malloc((f->nlinks ? f->nlinks : 1) * sizeof *have);
    if (!want || !have) {
        dn_free(want);
        dn_free(have);
        return DN_ERR_NOMEM;
    }
    size_t nw = 0, nh = 0;
    for (size_t w = 0; w < f->nwords; w++) {
        const struct fz_word *word = &f->words[w];
        if (word_find(f, word->s, word->len, word->hash) != (long)w) ++*missing; /* not in the word set */
        uint32_t hashes[WORD_CP_MAX + 1];
        size_t k = word_del_hashes(word, hashes);
        for (size_t i = 0; i < k; i++) want[nw++] = (uint64_t)hashes[i] << 32 | w;
    }
    for (size_t j = 0; f->dels && j <= f->dmask; j++) {
        /* a list runs from later links to earlier ones; anything else is a loop */
        for (uint32_t l = f->dels[j].head, prev = UINT32_MAX; l; prev = l, l = f->links[l - 1].next) {
            if (l >= prev || l > f->nlinks || nh == f->nlinks) {
                ++*extra;
                break;
            }
            have[nh++] = (uint64_t)f->dels[j].hash << 32 | f->links[l - 1].word;
        }
    }
    qsort(want, nw, sizeof *want, cmp_u64);
    qsort(have, nh, sizeof *have, cmp_u64);
    size_t i = 0, j = 0;
    while (i < nw || j < nh) {
        if (j == nh || (i < nw && want[i] < have[j])) {
            ++*missing;
            i++;
        } else if (i == nw || have[j] < want[i]) {
            ++*extra; /* a link no word's deletion asks for, or a second copy of one */
            j++;
        } else {
            i++;
            j++;
        }
    }
    dn_free(want);
    dn_free(have);
    return DN_OK;
}

/* ---- lookup ---------------------------------------------------------------------- */

/* Optimal string alignment distance, giving up beyond `max`. */
static int osa(const int32_t *a, size_t n, const int32_t *b, size_t m, int max)
{
    if ((n > m ? n - m : m - n) > (size_t)max) return max + 1;
    int rows[3][WORD_CP_MAX + 1];
    int *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= m; j++) p[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        c[0] = (int)i;
        int best = c[0];
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = p[j] + 1;
            if (c[j - 1] + 1 < v) v = c[j - 1] + 1;
            if (p[j - 1] + cost < v) v = p[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v) v = pp[j - 2] + 1;
            c[j] = v;
            if (v < best) best = v;
        }
        if (best > max) return max + 1;
        int *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[m];
}

struct correction {
    uint32_t word; /* UINT32_MAX: the query word itself */
    int dist;
};

static int max_dist(size_t ncp, bool wide)
{
    if (wide) return ncp < 3 ? 0 : ncp <= 5 ? 1 : ncp <= 8 ? 2 : 3;
    return ncp < 4 ? 0 : ncp <= 5 ? 1 : 2;
}

static void keep(struct correction *best, size_t *nbest, const struct gz_fuzzy *f, uint32_t word, int dist)
{
    for (size_t i = 0; i < *nbest; i++)
        if (best[i].word == word) {
            if (dist < best[i].dist) best[i].dist = dist;
            return;
        }
    /* keep the PER_WORD closest; among equals the words of the most
     * prominent places first ("bajur" has a dozen one-edit neighbours,
     * village names all, but one leads to the Bajaur district), then
     * the most frequent */
    size_t pos = *nbest;
    while (pos > 0) {
        const struct correction *o = &best[pos - 1];
        bool better = dist < o->dist;
        if (dist == o->dist && o->word != UINT32_MAX && word != UINT32_MAX) {
            const struct fz_word *w = &f->words[word], *ow = &f->words[o->word];
            better = w->prom > ow->prom || (w->prom == ow->prom && w->freq > ow->freq);
        }
        if (!better) break;
        pos--;
    }
    if (pos >= PER_WORD) return;
    size_t end = *nbest < PER_WORD ? *nbest : PER_WORD - 1;
    memmove(&best[pos + 1], &best[pos], (end - pos) * sizeof *best);
    best[pos].word = word;
    best[pos].dist = dist;
    if (*nbest < PER_WORD) (*nbest)++;
}

static void probe(const struct gz_fuzzy *f, uint32_t hash, const int32_t *q, size_t nq, int maxd,
                  struct correction *best, size_t *nbest)
{
    size_t j = hash & f->dmask;
    while (f->dels[j].head && f->dels[j].hash != hash) j = (j + 1) & f->dmask;
    for (uint32_t l = f->dels[j].head; l; l = f->links[l - 1].next) {
        uint32_t wi = f->links[l - 1].word;
        const struct fz_word *w = &f->words[wi];
        if ((w->ncp > nq ? w->ncp - nq : nq - w->ncp) > (size_t)maxd) continue;
        int32_t cp[WORD_CP_MAX];
        size_t n = decode(w->s, w->len, cp, WORD_CP_MAX);
        int d = osa(q, nq, cp, n, maxd);
        if (d <= maxd) keep(best, nbest, f, wi, d);
    }
}

/* Corrections of one query word: itself, and index words within reach. */
static void correct_word(const struct gz_fuzzy *f, const char *s, size_t len, bool wide, struct correction *best,
                         size_t *nbest)
{
    *nbest = 0;
    int32_t q[WORD_CP_MAX];
    size_t n = decode(s, len, q, WORD_CP_MAX);
    long self = word_find(f, s, len, dni_gz_hash(s, len));
    keep(best, nbest, f, self >= 0 ? (uint32_t)self : UINT32_MAX, 0);
    int maxd = n >= WORD_CP_MAX ? 0 : max_dist(n, wide);
    if (maxd == 0) return;
    probe(f, cp_hash(q, n, SIZE_MAX, SIZE_MAX), q, n, maxd, best, nbest);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && q[i] == q[i - 1]) continue;
        probe(f, cp_hash(q, n, i, SIZE_MAX), q, n, maxd, best, nbest);
    }
    if (maxd < 2) return;
    for (size_t i = 0; i < *nbest; i++)
        if (best[i].dist == 1) return; /* a one-letter slip explains it: do not look further */
    /* two deletions on the query side: an extra letter plus a slip */
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++) probe(f, cp_hash(q, n, i, k), q, n, maxd, best, nbest);
    if (maxd < 3 || n > 14) return;
    for (size_t i = 0; i < *nbest; i++)
        if (best[i].dist == 2) return;
    /* suggestions only: three deletions */
    int32_t q1[WORD_CP_MAX];
    for (size_t i = 0; i < n; i++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (k != i) q1[m++] = q[k];
        for (size_t a = 0; a < m; a++)
            for (size_t b = a + 1; b < m; b++) probe(f, cp_hash(q1, m, a, b), q, n, maxd, best, nbest);
    }
}

static int cmp_hit(const void *a, const void *b)
{
    const struct gz_fuzzy_hit *x = a, *y = b;
    return (x->similarity < y->similarity) - (x->similarity > y->similarity);
}

/* Record `key` as a hit when the main table knows it, as is or (two or
 * three words, when `reorder`) in another order. */
static void try_key(const struct gz_index *ix, const char *key, size_t len, double sim, struct gz_fuzzy_hit *hits,
                    size_t cap, size_t *n, bool reorder)
{
    const struct gz_slot *s = dni_gz_find(ix, key, len, dni_gz_hash(key, len));
    struct gz_expansions ex; /* `key` may point into it below */
    if (!s || !(s->flags & GZ_SLOT_KEY)) {
        if (!reorder) return;
        size_t words = 1;
        for (size_t i = 0; i < len; i++) words += key[i] == ' ';
        if (words < 2 || words > 3) return;
        dni_gz_expansions(key, len, &ex);
        for (size_t i = 0; i < ex.n; i++) {
            s = dni_gz_find(ix, ex.v[i].s, ex.v[i].len, dni_gz_hash(ex.v[i].s, ex.v[i].len));
            if (s && (s->flags & GZ_SLOT_KEY)) {
                key = ex.v[i].s;
                len = ex.v[i].len;
                sim *= 0.97;
                break;
            }
        }
        if (!s || !(s->flags & GZ_SLOT_KEY)) return;
    }
    for (size_t i = 0; i < *n; i++)
        if (strcmp(hits[i].key, key) == 0) {
            if (sim > hits[i].similarity) hits[i].similarity = sim;
            return;
        }
    if (*n < cap) {
        memcpy(hits[*n].key, key, len + 1);
        hits[*n].similarity = sim;
        (*n)++;
    } else if (cap && sim > hits[cap - 1].similarity) {
        memcpy(hits[cap - 1].key, key, len + 1);
        hits[cap - 1].similarity = sim;
    }
    qsort(hits, *n, sizeof *hits, cmp_hit);
}

dn_status dni_gz_fuzzy(dn_ctx *ctx, struct gz_index *ix, const char *key, size_t len, bool wide,
                       struct gz_fuzzy_hit *hits, size_t cap, size_t *n)
{
    *n = 0;
    if (!ix->fuzzy) {
        dn_status s = build(ctx, ix);
        if (s != DN_OK) return s;
    }
    const struct gz_fuzzy *f = ix->fuzzy;
    if (len == 0 || len > GZ_KEY_MAX || !f->dels) return DN_OK;
    enum { MAX_QWORDS = 8 };
    const char *ws[MAX_QWORDS];
    size_t wl[MAX_QWORDS], nw = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && key[j] != ' ') j++;
        if (nw == MAX_QWORDS) return DN_OK; /* not a place name */
        ws[nw] = key + i;
        wl[nw++] = j - i;
        i = j + 1;
    }
    struct correction corr[MAX_QWORDS][PER_WORD];
    size_t ncorr[MAX_QWORDS];
    size_t total_cp = 0, combos = 1;
    for (size_t w = 0; w < nw; w++) {
        correct_word(f, ws[w], wl[w], wide, corr[w], &ncorr[w]);
        int32_t tmp[WORD_CP_MAX];
        total_cp += decode(ws[w], wl[w], tmp, WORD_CP_MAX);
        combos *= ncorr[w];
    }
    if (combos > MAX_COMBOS) {
        /* trim the longest lists until the product is small */
        while (combos > MAX_COMBOS) {
            size_t big = 0;
            for (size_t w = 1; w < nw; w++)
                if (ncorr[w] > ncorr[big]) big = w;
            combos = combos / ncorr[big] * (ncorr[big] - 1);
            ncorr[big]--;
        }
    }
    /* every combination of corrections, fewest edits first */
    struct combo {
        uint8_t idx[MAX_QWORDS];
        int dist;
    } combos_v[MAX_COMBOS];
    size_t ncombos = 0;
    size_t idx[MAX_QWORDS] = {0};
    for (;;) {
        struct combo *c = &combos_v[ncombos++];
        c->dist = 0;
        for (size_t w = 0; w < nw; w++) {
            c->idx[w] = (uint8_t)idx[w];
            c->dist += corr[w][idx[w]].dist;
        }
        size_t w = 0;
        while (w < nw && ++idx[w] >= ncorr[w]) idx[w++] = 0;
        if (w == nw || ncombos == MAX_COMBOS) break;
    }
    /* insertion sort: a few dozen entries */
    for (size_t i = 1; i < ncombos; i++)
        for (size_t j = i; j > 0 && combos_v[j - 1].dist > combos_v[j].dist; j--) {
            struct combo t = combos_v[j];
            combos_v[j] = combos_v[j - 1];
            combos_v[j - 1] = t;
        }
    int found_dist = -1;
    for (size_t k = 0; k < ncombos; k++) {
        const struct combo *c = &combos_v[k];
        /* two more edits than the closest key found are not worth a look */
        if (found_dist >= 0 && c->dist > found_dist + 1) break;
        char buf[GZ_KEY_MAX + 1];
        size_t l = 0;
        bool fits = true;
        for (size_t w = 0; w < nw && fits; w++) {
            const struct correction *cw = &corr[w][c->idx[w]];
            const char *sw = cw->word == UINT32_MAX ? ws[w] : f->words[cw->word].s;
            size_t sl = cw->word == UINT32_MAX ? wl[w] : f->words[cw->word].len;
            if (l + sl + 1 > GZ_KEY_MAX) fits = false;
            else {
                if (w) buf[l++] = ' ';
                memcpy(buf + l, sw, sl);
                l += sl;
            }
        }
        buf[l] = '\0';
        if (!fits || c->dist == 0) continue;
        /* similarity: share of code points right, a little less for each edit */
        double sim = 1.0 - (double)c->dist / (double)(total_cp > 0 ? total_cp : 1);
        sim -= 0.02 * c->dist;
        size_t before = *n;
        if (sim > 0) try_key(ix, buf, l, sim, hits, cap, n, k < 8);
        if (*n > before && found_dist < 0) found_dist = c->dist;
    }
    return DN_OK;
}

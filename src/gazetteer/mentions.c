/** @file mentions.c
 * Place mentions in news text: fold the text once into words (keeping each
 * word's byte span), then from each capitalised word take the longest run
 * of words whose key the index knows, guided by the prefix marks of the
 * key table (so "Dir Colony" beats "Dir" and "North Waziristan" beats
 * "Waziristan" without trying every n-gram). Mentions whose candidate is
 * clear become context for resolving the ambiguous ones.
 */
#include <stdio.h>
#include <ctype.h>
#include <string.h>

#include <utf8proc.h>

#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"

/* ---- stop list -------------------------------------------------------------- */

struct gz_stoplist {
    char **keys;
    size_t n, cap;
};

void dni_gz_stoplist_free(struct gz_stoplist *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) dn_free(s->keys[i]);
    dn_free(s->keys);
    dn_free(s);
}

static int cmp_key(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

bool dni_gz_stopped(const struct gz_stoplist *s, const char *key, size_t len)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(s->keys[mid], key, len);
        if (c == 0 && s->keys[mid][len] != '\0') c = 1;
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid;
        else return true;
    }
    return false;
}

dn_status dni_gz_stoplist(dn_ctx *ctx, struct gz_index *ix, const struct gz_stoplist **out)
{
    if (ix->stop) {
        *out = ix->stop;
        return DN_OK;
    }
    struct dn_strbuf path = {0};
    dn_strbuf_printf(&path, "%s/lexicons/mention_stoplist.txt", dni_geodata_dir(ctx));
    if (path.failed) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    FILE *f = fopen(path.data, "r");
    if (!f) {
        dn_status s = dni_fail(ctx, DN_ERR_GEODATA, "%s: cannot open the mention stop list", path.data);
        dn_strbuf_free(&path);
        return s;
    }
    struct gz_stoplist *sl = dn_calloc(1, sizeof *sl);
    struct dn_strbuf key = {0};
    char line[512];
    dn_status s = sl ? DN_OK : DN_ERR_NOMEM;
    unsigned lineno = 0;
    while (s == DN_OK && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        size_t len = strcspn(line, "\r\n");
        line[len] = '\0';
        if (dn_name_key(NULL, line, len, &key) != DN_OK) {
            s = dni_fail(ctx, DN_ERR_GEODATA, "%s:%u: not a valid name", path.data, lineno);
            break;
        }
        if (key.len == 0) continue;
        if (sl->n == sl->cap) {
            size_t cap = sl->cap ? sl->cap * 2 : 128;
            char **k = dn_realloc(sl->keys, cap * sizeof *k);
            if (!k) {
                s = DN_ERR_NOMEM;
                break;
            }
            sl->keys = k;
            sl->cap = cap;
        }
        if (!(sl->keys[sl->n] = dn_strdup(key.data))) s = DN_ERR_NOMEM;
        else sl->n++;
    }
    fclose(f);
    dn_strbuf_free(&key);
    dn_strbuf_free(&path);
    if (s == DN_ERR_NOMEM) dni_fail(ctx, s, "out of memory");
    if (s != DN_OK) {
        dni_gz_stoplist_free(sl);
        return s;
    }
    if (sl->n) qsort(sl->keys, sl->n, sizeof *sl->keys, cmp_key);
    ix->stop = sl;
    *out = sl;
    return DN_OK;
}

/* ---- words -------------------------------------------------------------------- */

struct word {
    size_t start, end;  /* byte span in the text */
    size_t off, len;    /* folded form in the words buffer */
    bool capital;       /* starts with an upper-case letter, or a script without case */
    bool single_letter; /* one Latin letter: part of initials ("D.I. Khan") */
    bool hard_before;   /* punctuation before it ends a name (comma, full stop...) */
};

struct words {
    struct word *v;
    size_t n, cap;
    struct dn_strbuf folded;
};

static bool push_word(struct words *w, const struct word *x)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        struct word *v = dn_realloc(w->v, cap * sizeof *v);
        if (!v) return false;
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n++] = *x;
    return true;
}

static void put_cp(struct dn_strbuf *b, int32_t c)
{
    if (c < 0x80) {
        dn_strbuf_putc(b, (char)c);
        return;
    }
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(c, buf);
    dn_strbuf_append(b, (const char *)buf, (size_t)n);
}

/* Punctuation after which a following word cannot continue a name. */
static bool hard_break(int32_t c) { return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '"' ||
                                           c == '!' || c == '?' || c == '\n' || c == 0x060C /* ، */ ||
                                           c == 0x061B /* ؛ */ || c == 0x06D4 /* ۔ */ || c == 0x201C || c == 0x201D ||
                                           c == '[' || c == ']' || c == '/' || c == '|'; }

static dn_status split_words(const char *text, size_t len, struct words *w)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)text;
    bool in_word = false, hard = true, dot = false;
    struct word cur = {0};
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t c;
        size_t at = i;
        if (p[i] < 0x80) {
            c = p[i++];
        } else {
            utf8proc_ssize_t step = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
            if (step <= 0) {
                c = ' '; /* an invalid byte separates words */
                step = 1;
            }
            i += (size_t)step;
        }
        /* a possessive ends the word: "Bajaur's Mamund tehsil" names Bajaur */
        if (in_word && (c == '\'' || c == 0x2019) && i < len && (p[i] == 's' || p[i] == 'S') &&
            (i + 1 == len || (p[i + 1] < 0x80 && !isalnum(p[i + 1])))) {
            i++;
            c = ' ';
        }
        int32_t folded[DNI_FOLD_MAX];
        size_t n;
        enum dni_fold_kind k = c == 0 ? DNI_FOLD_BREAK : dni_fold_cp(c, folded, &n);
        if (k == DNI_FOLD_WORD) {
            if (!in_word) {
                cur = (struct word){.start = at, .off = w->folded.len, .hard_before = hard || dot};
                if (c < 0x80) cur.capital = c >= 'A' && c <= 'Z';
                else {
                    utf8proc_category_t cat = utf8proc_category(c);
                    /* scripts without case (Arabic) count as capitalised */
                    cur.capital = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ||
                                  cat == UTF8PROC_CATEGORY_LO;
                }
                in_word = true;
                hard = dot = false;
            }
            for (size_t k2 = 0; k2 < n; k2++) put_cp(&w->folded, folded[k2]);
            cur.end = i;
        } else if (k == DNI_FOLD_BREAK) {
            if (in_word) {
                cur.len = w->folded.len - cur.off;
                cur.single_letter = cur.len == 1 && w->folded.data[cur.off] >= 'a' && w->folded.data[cur.off] <= 'z';
                if (!push_word(w, &cur)) return DN_ERR_NOMEM;
                in_word = false;
            }
            if (hard_break(c)) hard = true;
            /* a full stop ends a name, except after an initial ("D.I. Khan") */
            if (c == '.' || c == 0x06D4) dot = !(w->n && w->v[w->n - 1].single_letter && w->v[w->n - 1].end == at);
        } else if (in_word) {
            cur.end = i; /* an apostrophe inside a word */
        }
    }
    if (in_word) {
        cur.len = w->folded.len - cur.off;
        cur.single_letter = cur.len == 1 && w->folded.data[cur.off] >= 'a' && w->folded.data[cur.off] <= 'z';
        if (!push_word(w, &cur)) return DN_ERR_NOMEM;
    }
    return w->folded.failed ? DN_ERR_NOMEM : DN_OK;
}

/* Lower-case words that may sit inside a name ("Mazar-i-Sharif", "Dand wa Patan"). */
static bool connector(const char *s, size_t len)
{
    static const char *const words[] = {"e", "i", "ye", "wa", "o", "ul", "ud", "us", "al", "ur", "uz"};
    for (size_t i = 0; i < DN_ARRAY_LEN(words); i++)
        if (strlen(words[i]) == len && memcmp(words[i], s, len) == 0) return true;
    return false;
}

/* ---- the finder ------------------------------------------------------------------- */

void dn_mentions_clear(struct dn_mentions *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->count; i++) dn_free(m->items[i].surface);
    dn_free(m->items);
    memset(m, 0, sizeof *m);
}

struct found {
    size_t first, last; /* word range */
    char *key;
    struct gz_pick pick;
};

/* The key of words [i, j] as dn_name_key would make it from their text. */
static bool span_key(const struct words *w, size_t i, size_t j, struct dn_strbuf *key)
{
    dn_strbuf_reset(key);
    for (size_t k = i; k <= j; k++) {
        if (k > i) dn_strbuf_putc(key, ' ');
        dn_strbuf_append(key, w->folded.data + w->v[k].off, w->v[k].len);
    }
    return dni_key_finish(key);
}

#define MAX_SPAN 8

/* A one-word mention of a mere village right after another capitalised
 * word of the same phrase is most likely part of a person's or a group's
 * name ("Hafiz Gul Bahadur"), not a place. Towns and admin areas are
 * kept: "Peshawar High Court" happens in Peshawar. */
static bool inside_a_name(const struct words *w, const struct found *f, const struct gz_place *p)
{
    if (f->first != f->last || f->first == 0) return false;
    if (p->cls != GZ_C_VILLAGE && p->cls != GZ_C_MINOR && p->cls != GZ_C_QUARTER && p->cls != GZ_C_ABANDONED &&
        p->cls != GZ_C_OTHER)
        return false;
    const struct word *prev = &w->v[f->first - 1], *cur = &w->v[f->first];
    /* the previous word must be capitalised and not open a sentence */
    bool sentence_start = f->first == 1 || prev->hard_before;
    return prev->capital && !cur->hard_before && !sentence_start;
}

/* "Khost province", "Kurram district": the name and the admin word after it
 * name the admin area, not its namesake town (the key of "Khost" alone is
 * the city). The admin word joins the mention when the two resolve to an
 * area of that level. */
static dn_status admin_word_after(dn_ctx *ctx, struct gz_index *ix, const struct gz_hints *hints,
                                  const struct words *w, struct found *f, struct dn_strbuf *key)
{
    size_t next = f->last + 1;
    if (next >= w->n || w->v[next].hard_before) return DN_OK;
    const char *word = w->folded.data + w->v[next].off;
    size_t n = w->v[next].len;
    int level = n == 8 && memcmp(word, "province", 8) == 0 ? GZ_C_ADM1
                : n == 8 && memcmp(word, "district", 8) == 0 ? GZ_C_ADM2
                                                             : -1;
    if (level < 0 || (f->pick.place >= 0 && ix->places[f->pick.place].cls == level)) return DN_OK;
    if (!span_key(w, f->first, next, key)) return DN_ERR_NOMEM;
    struct gz_pick pick;
    dn_status s = dni_gz_resolve_key(ctx, ix, key->data, key->len, hints, &pick);
    if (s != DN_OK || pick.place < 0 || ix->places[pick.place].cls != level) return s;
    char *k = dn_strndup(key->data, key->len);
    if (!k) return DN_ERR_NOMEM;
    dn_free(f->key);
    f->key = k;
    f->pick = pick;
    f->last = next;
    return DN_OK;
}

/* The district or province mention that qualifies mention k: the next one,
 * at most four words on ("Thal, Hangu district", "the Shawal valley of North
 * Waziristan", "Bara in Khyber"), naming an admin area. -1 when none. */
static long qualifier_of(const struct gz_index *ix, const struct found *found, size_t nfound, size_t k)
{
    if (k + 1 >= nfound || found[k + 1].first > found[k].last + 5 || found[k + 1].pick.place < 0) return -1;
    const struct gz_place *q = &ix->places[found[k + 1].pick.place];
    if ((q->cls != GZ_C_ADM1 && q->cls != GZ_C_ADM2) || q->area < 0) return -1;
    const struct gz_place *p = found[k].pick.place >= 0 ? &ix->places[found[k].pick.place] : NULL;
    if (p && gz_class_is_admin(p->cls)) return -1;
    return (long)(k + 1);
}

/* A place the sentence puts in a district or province is looked up in it,
 * as a table's district column would have it: namesakes elsewhere lose
 * ("Thal, Hangu district" is not Thal in Upper Dir). A name with no place
 * there, whose pick lies known outside it, is a place this gazetteer lacks:
 * the event falls back to the qualifier, coarser but right ("Shawal valley
 * of North Waziristan" is not Shawal in Zabul, across the border; "the
 * Tirah valley of Khyber" not a village Tirah in Bajaur). */
static dn_status apply_qualifiers(dn_ctx *ctx, struct gz_index *ix, const struct gz_hints *hints, struct found *found,
                                  size_t nfound)
{
    for (size_t k = 0; k < nfound; k++) {
        long qk = qualifier_of(ix, found, nfound, k);
        if (qk < 0) continue;
        const struct gz_place *q = &ix->places[found[qk].pick.place];
        struct gz_hints h = *hints;
        struct gz_filter *f = q->cls == GZ_C_ADM2 ? &h.district : &h.province;
        *f = (struct gz_filter){.given = true, .resolved = true, .n = 1, .areas = {q->area}};
        if (q->cls == GZ_C_ADM2) h.province = (struct gz_filter){0};
        snprintf(h.country, sizeof h.country, "%s", q->country);
        struct gz_pick pick;
        dn_status s = dni_gz_resolve_key(ctx, ix, found[k].key, strlen(found[k].key), &h, &pick);
        if (s != DN_OK) return s;
        if (pick.place >= 0 && dni_gz_filter_match(ix, f, &ix->places[pick.place]) == 1) {
            found[k].pick = pick;
        } else if (found[k].pick.place >= 0 && dni_gz_filter_match(ix, f, &ix->places[found[k].pick.place]) == -1) {
            found[k].pick.place = -1;
        }
    }
    return DN_OK;
}

dn_status dn_gazetteer_find_mentions(dn_ctx *ctx, const char *text, size_t len, const struct dn_geocode_opts *opts,
                                     struct dn_mentions *out)
{
    memset(out, 0, sizeof *out);
    if (!text) return dni_fail(ctx, DN_ERR_INPUT, "no text");
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    const struct gz_stoplist *stop = NULL;
    if (s == DN_OK) s = dni_gz_stoplist(ctx, ix, &stop);
    if (s == DN_OK) s = dni_gz_prefixes(ctx, ix);
    if (s != DN_OK) return s;
    struct gz_hints hints;
    if ((s = dni_gz_resolve_hints(ctx, ix, opts, &hints)) != DN_OK) return s;

    struct words w = {0};
    struct found *found = NULL;
    size_t nfound = 0, capfound = 0;
    struct dn_strbuf key = {0};
    long long *anchors = NULL;
    size_t nanchors = 0;
    s = split_words(text, len, &w);

    size_t maxspan = ix->maxtokens < MAX_SPAN ? ix->maxtokens : MAX_SPAN;
    for (size_t i = 0; s == DN_OK && i < w.n;) {
        if (!w.v[i].capital) {
            i++;
            continue;
        }
        size_t best_j = SIZE_MAX;
        for (size_t j = i; j < w.n && j - i < maxspan; j++) {
            if (j > i) {
                const struct word *x = &w.v[j];
                if (x->hard_before) break;
                bool ok = x->capital || x->single_letter ||
                          connector(w.folded.data + x->off, x->len) ||
                          dni_gz_generic_word(w.folded.data + x->off, x->len, NULL);
                if (!ok) break;
            }
            if (!span_key(&w, i, j, &key)) {
                s = DN_ERR_NOMEM;
                break;
            }
            const struct gz_slot *sl = dni_gz_find(ix, key.data, key.len, dni_gz_hash(key.data, key.len));
            if (sl && (sl->flags & GZ_SLOT_KEY) && (sl->flags & GZ_SLOT_WORDS) && !w.v[j].single_letter &&
                !(j == i && dni_gz_stopped(stop, key.data, key.len)))
                best_j = j;
            /* keep going only while a longer key starts here (initials always may) */
            if (!w.v[j].single_letter && !(sl && (sl->flags & GZ_SLOT_PREFIX))) break;
        }
        if (s != DN_OK) break;
        if (best_j == SIZE_MAX) {
            i++;
            continue;
        }
        if (nfound == capfound) {
            size_t cap = capfound ? capfound * 2 : 16;
            struct found *f = dn_realloc(found, cap * sizeof *f);
            if (!f) {
                s = DN_ERR_NOMEM;
                break;
            }
            found = f;
            capfound = cap;
        }
        struct found *f = &found[nfound];
        f->first = i;
        f->last = best_j;
        if (!span_key(&w, i, best_j, &key) || !(f->key = dn_strndup(key.data, key.len))) {
            s = DN_ERR_NOMEM;
            break;
        }
        nfound++;
        i = best_j + 1;
    }

    /* first pass without context: clear mentions anchor the others */
    if (s == DN_OK && nfound) anchors = dn_malloc(nfound * sizeof *anchors);
    if (s == DN_OK && nfound && !anchors) s = DN_ERR_NOMEM;
    for (size_t k = 0; s == DN_OK && k < nfound; k++) {
        s = dni_gz_resolve_key(ctx, ix, found[k].key, strlen(found[k].key), &hints, &found[k].pick);
        if (s == DN_OK && found[k].pick.place >= 0 && found[k].pick.status == DN_GEOCODE_RESOLVED &&
            found[k].pick.confidence >= 0.6 && nanchors < 16)
            anchors[nanchors++] = ix->places[found[k].pick.place].id;
    }
    for (size_t k = 0; s == DN_OK && k < nfound && nanchors; k++) {
        if (found[k].pick.status == DN_GEOCODE_RESOLVED && found[k].pick.confidence >= 0.6) continue;
        struct gz_hints h = hints;
        h.context = anchors;
        h.ncontext = nanchors;
        s = dni_gz_resolve_key(ctx, ix, found[k].key, strlen(found[k].key), &h, &found[k].pick);
    }
    for (size_t k = 0; s == DN_OK && k < nfound; k++) s = admin_word_after(ctx, ix, &hints, &w, &found[k], &key);
    if (s == DN_OK) s = apply_qualifiers(ctx, ix, &hints, found, nfound);
    if (s == DN_OK && nfound) {
        out->items = dn_calloc(nfound, sizeof *out->items);
        if (!out->items) s = DN_ERR_NOMEM;
        else out->cap = nfound;
    }
    for (size_t k = 0; s == DN_OK && k < nfound; k++) {
        if (found[k].pick.place < 0) continue;
        if (inside_a_name(&w, &found[k], &ix->places[found[k].pick.place])) continue;
        struct dn_mention *m = &out->items[out->count];
        m->start = w.v[found[k].first].start;
        m->end = w.v[found[k].last].end;
        if (!(m->surface = dn_strndup(text + m->start, m->end - m->start))) {
            s = DN_ERR_NOMEM;
            break;
        }
        dni_gz_fill_place(ix, (uint32_t)found[k].pick.place, &m->place);
        m->confidence = found[k].pick.confidence;
        m->ncandidates = found[k].pick.ncandidates;
        out->count++;
    }
    for (size_t k = 0; k < nfound; k++) dn_free(found[k].key);
    dn_free(found);
    dn_free(anchors);
    dn_free(w.v);
    dn_strbuf_free(&w.folded);
    dn_strbuf_free(&key);
    if (s != DN_OK) {
        dn_mentions_clear(out);
        return s == DN_ERR_NOMEM ? dni_fail(ctx, s, "out of memory") : s;
    }
    return DN_OK;
}

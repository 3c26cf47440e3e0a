/** @file lexicon.c
 * The event-type and actor lexicons: tab-separated files under
 * <geodata>/lexicons (event_types.tsv, actors.tsv), loaded once per
 * context, and a longest-phrase matcher over sentence tokens.
 *
 * event_types.tsv: type, violent (0/1), priority, group, form (sg|pl|verb|verb_person), pattern
 * actors.tsv:      actor, kind, country (ISO3, "*" = from context, "-" = none), pattern
 * Lines starting with '#' and blank lines are ignored; the first other line
 * is the header and must name those columns.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "text/text_int.h"

/* Hash of a phrase's first word → chain of phrases starting with it. */
struct dni_lex_index {
    size_t cap;    /* power of two */
    int *slots;    /* phrase index + 1, 0 = empty */
    int *next;     /* per phrase: next phrase with the same first word, -1 = end */
};

static uint64_t word_hash(const char *w, size_t n) { return dn_hash_bytes(DN_HASH_INIT, w, n); }

static void index_free(struct dni_lex_index *ix)
{
    if (!ix) return;
    dn_free(ix->slots);
    dn_free(ix->next);
    dn_free(ix);
}

static struct dni_lex_index *index_build(const struct dni_lex_phrase *ph, size_t n)
{
    struct dni_lex_index *ix = dn_calloc(1, sizeof *ix);
    if (!ix) return NULL;
    ix->cap = 16;
    while (ix->cap < 2 * n + 1) ix->cap *= 2;
    ix->slots = dn_calloc(ix->cap, sizeof *ix->slots);
    ix->next = dn_calloc(n ? n : 1, sizeof *ix->next);
    if (!ix->slots || !ix->next) {
        index_free(ix);
        return NULL;
    }
    for (size_t p = 0; p < n; p++) {
        const char *w = ph[p].words[0];
        size_t wl = strlen(w);
        size_t s = (size_t)word_hash(w, wl) & (ix->cap - 1);
        for (;;) {
            int head = ix->slots[s];
            if (head == 0) {
                ix->slots[s] = (int)p + 1;
                ix->next[p] = -1;
                break;
            }
            if (strcmp(ph[head - 1].words[0], w) == 0) {
                ix->next[p] = head - 1; /* push front */
                ix->slots[s] = (int)p + 1;
                break;
            }
            s = (s + 1) & (ix->cap - 1);
        }
    }
    return ix;
}

/* First phrase whose first word is w[0..n), or -1. */
static int index_find(const struct dni_lex_index *ix, const struct dni_lex_phrase *ph, const char *w, size_t n)
{
    size_t s = (size_t)word_hash(w, n) & (ix->cap - 1);
    for (;;) {
        int head = ix->slots[s];
        if (head == 0) return -1;
        const char *hw = ph[head - 1].words[0];
        if ((n == 0 || hw[0] == w[0]) && strlen(hw) == n && memcmp(hw, w, n) == 0) return head - 1;
        s = (s + 1) & (ix->cap - 1);
    }
}

static bool phrase_matches(const struct dni_lex_phrase *p, const struct dni_toks *t, size_t i)
{
    if (i + p->nwords > t->n) return false;
    for (size_t k = 1; k < p->nwords; k++) {
        size_t n;
        const char *w = dni_tok_lower(t, i + k, &n);
        if (strlen(p->words[k]) != n || memcmp(p->words[k], w, n) != 0) return false;
    }
    return true;
}

int dni_lex_type_index(const struct dni_lexicon *lex, const char *name)
{
    for (size_t k = 0; k < lex->n_types; k++)
        if (strcmp(lex->types[k].name, name) == 0) return (int)k;
    return -1;
}

bool dni_lex_match_at(const struct dni_lexicon *lex, int which, const struct dni_toks *t, size_t i,
                      struct dni_lex_match *m)
{
    if (i >= t->n) return false;
    const struct dni_lex_index *ix = which == 0 ? lex->type_index : lex->actor_index;
    const struct dni_lex_phrase *ph = which == 0 ? lex->type_phrases : lex->actor_phrases;
    size_t n;
    const char *w = dni_tok_lower(t, i, &n);
    const struct dni_lex_phrase *best = NULL;
    for (int p = index_find(ix, ph, w, n); p >= 0; p = ix->next[p])
        if ((!best || ph[p].nwords > best->nwords) && phrase_matches(&ph[p], t, i)) best = &ph[p];
    if (!best && (t->v[i].flags & DNI_TOK_HYPH)) {
        /* "TTP-led", "Taliban-brokered": the part before the hyphen */
        const char *dash = memchr(w, '-', n);
        for (int p = index_find(ix, ph, w, (size_t)(dash - w)); p >= 0; p = ix->next[p])
            if (ph[p].nwords == 1) best = &ph[p];
    }
    if (!best) return false;
    *m = (struct dni_lex_match){best, i, i + best->nwords};
    return true;
}

/* ---- loading ------------------------------------------------------------------------ */

void dni_lexicon_free(struct dni_lexicon *lex)
{
    if (!lex) return;
    for (size_t i = 0; i < lex->n_types; i++) {
        dn_free(lex->types[i].name);
        dn_free(lex->types[i].group);
    }
    for (size_t i = 0; i < lex->n_actors; i++) {
        dn_free(lex->actors[i].name);
        dn_free(lex->actors[i].kind);
    }
    struct dni_lex_phrase *lists[] = {lex->type_phrases, lex->actor_phrases};
    size_t counts[] = {lex->n_type_phrases, lex->n_actor_phrases};
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; i < counts[l]; i++) {
            for (size_t k = 0; k < lists[l][i].nwords; k++) dn_free(lists[l][i].words[k]);
            dn_free(lists[l][i].words);
        }
        dn_free(lists[l]);
    }
    dn_free(lex->types);
    dn_free(lex->actors);
    index_free(lex->type_index);
    index_free(lex->actor_index);
    dn_free(lex);
}

struct loader {
    dn_ctx *ctx;
    const char *path;
    long line;
    dn_status status;
    size_t type_cap, actor_cap; /* capacities of the phrase arrays */
};

static dn_status bad(struct loader *L, const char *fmt, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, what);
    L->status = dni_fail(L->ctx, DN_ERR_GEODATA, "%s:%ld: %s", L->path, L->line, msg);
    return L->status;
}

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return true;
    size_t c = *cap ? *cap * 2 : 32;
    void *p = dn_realloc(*v, c * size);
    if (!p) return false;
    *v = p;
    *cap = c;
    return true;
}

/* Split a line into tab-separated, trimmed fields (in place). */
static size_t split_tabs(char *s, char **f, size_t max)
{
    size_t n = 0;
    while (n < max) {
        char *tab = strchr(s, '\t');
        if (tab) *tab = '\0';
        while (*s == ' ') s++;
        char *e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\n')) *--e = '\0';
        f[n++] = s;
        if (!tab) break;
        s = tab + 1;
    }
    return n;
}

/* Tokenise a pattern into lowercase words with the sentence tokenizer, so
 * patterns and text agree on what a word is. */
static dn_status add_phrase(struct loader *L, struct dni_lex_phrase **v, size_t *n, size_t *cap, const char *pattern,
                            int target, int form)
{
    struct dni_toks t = {0};
    if (!dni_tokenize(&t, pattern, strlen(pattern))) {
        dni_toks_free(&t);
        return L->status = dni_fail(L->ctx, DN_ERR_NOMEM, "out of memory loading %s", L->path);
    }
    if (t.n == 0 || t.n > 8) {
        dni_toks_free(&t);
        return bad(L, "pattern '%s' must have 1 to 8 words", pattern);
    }
    if (!grow((void **)v, cap, *n, sizeof **v)) goto nomem;
    struct dni_lex_phrase *p = &(*v)[*n];
    *p = (struct dni_lex_phrase){dn_calloc(t.n, sizeof(char *)), t.n, target, form};
    if (!p->words) goto nomem;
    (*n)++;
    for (size_t k = 0; k < t.n; k++) {
        size_t wl;
        const char *w = dni_tok_lower(&t, k, &wl);
        if (!(p->words[k] = dn_strndup(w, wl))) goto nomem;
    }
    dni_toks_free(&t);
    return DN_OK;
nomem:
    dni_toks_free(&t);
    return L->status = dni_fail(L->ctx, DN_ERR_NOMEM, "out of memory loading %s", L->path);
}

typedef dn_status (*row_fn)(struct loader *L, struct dni_lexicon *lex, char **f, size_t nf);

static dn_status type_row(struct loader *L, struct dni_lexicon *lex, char **f, size_t nf)
{
    if (nf != 6) return bad(L, "expected 6 tab-separated fields, got %s", nf < 6 ? "fewer" : "more");
    if (strcmp(f[1], "0") != 0 && strcmp(f[1], "1") != 0) return bad(L, "violent must be 0 or 1, not '%s'", f[1]);
    char *end;
    errno = 0;
    long prio = strtol(f[2], &end, 10);
    if (*end || errno || prio < 0 || prio > 1000) return bad(L, "priority must be 0..1000, not '%s'", f[2]);
    static const char *const forms[] = {"sg", "pl", "verb", "verb_person"};
    int form = -1;
    for (int k = 0; k < 4; k++)
        if (strcmp(f[4], forms[k]) == 0) form = k;
    if (form < 0) return bad(L, "form must be sg, pl, verb or verb_person, not '%s'", f[4]);
    if (!*f[0] || !*f[3]) return bad(L, "%s", "type and group must not be empty");
    int ti = dni_lex_type_index(lex, f[0]);
    if (ti < 0) {
        size_t cap = lex->n_types; /* grow by one: types are few */
        struct dni_lex_type *v = dn_realloc(lex->types, (cap + 1) * sizeof *v);
        if (!v) return L->status = dni_fail(L->ctx, DN_ERR_NOMEM, "out of memory loading %s", L->path);
        lex->types = v;
        struct dni_lex_type *ty = &lex->types[lex->n_types];
        *ty = (struct dni_lex_type){dn_strdup(f[0]), f[1][0] == '1', (int)prio, dn_strdup(f[3])};
        lex->n_types++;
        if (!ty->name || !ty->group) return L->status = dni_fail(L->ctx, DN_ERR_NOMEM, "out of memory");
        ti = (int)lex->n_types - 1;
    } else {
        const struct dni_lex_type *ty = &lex->types[ti];
        if (ty->violent != (f[1][0] == '1') || ty->priority != (int)prio || strcmp(ty->group, f[3]) != 0)
            return bad(L, "type '%s' has other violent/priority/group on an earlier line", f[0]);
    }
    return add_phrase(L, &lex->type_phrases, &lex->n_type_phrases, &L->type_cap, f[5], ti, form);
}

static dn_status load_file(struct loader *L, struct dni_lexicon *lex, const char *dir, const char *file,
                           const char *header, row_fn fn)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    L->path = path;
    L->line = 0;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        L->path = NULL;
        return L->status = dni_fail(L->ctx, DN_ERR_GEODATA, "%s: cannot open lexicon: %s", path, strerror(errno));
    }
    char buf[1024];
    bool have_header = false;
    dn_status st = DN_OK;
    while (st == DN_OK && fgets(buf, sizeof buf, fp)) {
        L->line++;
        size_t bl = strlen(buf);
        if (bl == sizeof buf - 1 && buf[bl - 1] != '\n') {
            st = bad(L, "%s", "line too long");
            break;
        }
        char *s = buf;
        while (*s == ' ') s++;
        if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0') continue;
        if (!have_header) {
            char *e = s + strlen(s);
            while (e > s && (e[-1] == '\n' || e[-1] == '\r')) *--e = '\0';
            if (strcmp(s, header) != 0) st = bad(L, "header must be '%s'", header);
            have_header = true;
            continue;
        }
        char *f[8];
        size_t nf = split_tabs(s, f, DN_ARRAY_LEN(f));
        st = fn(L, lex, f, nf);
    }
    if (st == DN_OK && ferror(fp)) st = dni_fail(L->ctx, DN_ERR_GEODATA, "%s: read error", path);
    if (st == DN_OK && !have_header) st = bad(L, "%s", "no header line");
    fclose(fp);
    L->path = NULL;
    return st;
}

static dn_status actor_row(struct loader *L, struct dni_lexicon *lex, char **f, size_t nf)
{
    if (nf != 4) return bad(L, "expected 4 tab-separated fields, got %s", nf < 4 ? "fewer" : "more");
    static const char *const kinds[] = {"armed_group", "state", "police", "government", "civilians", "militants",
                                        NULL};
    bool kind_ok = false;
    for (const char *const *k = kinds; *k; k++) kind_ok |= strcmp(*k, f[1]) == 0;
    if (!kind_ok) return bad(L, "unknown actor kind '%s'", f[1]);
    bool country_ok = strcmp(f[2], "*") == 0 || strcmp(f[2], "-") == 0 ||
                      (strlen(f[2]) == 3 && f[2][0] >= 'A' && f[2][0] <= 'Z');
    if (!country_ok) return bad(L, "country must be ISO3, '*' or '-', not '%s'", f[2]);
    if (!*f[0]) return bad(L, "%s", "empty actor");
    int ai = -1;
    for (size_t k = 0; k < lex->n_actors; k++)
        if (strcmp(lex->actors[k].name, f[0]) == 0 && strcmp(lex->actors[k].country, f[2]) == 0) ai = (int)k;
    if (ai < 0) {
        struct dni_lex_actor *v = dn_realloc(lex->actors, (lex->n_actors + 1) * sizeof *v);
        if (!v) return L->status = dni_fail(L->ctx, DN_ERR_NOMEM, "out of memory loading %s", L->path);
        lex->actors = v;
        struct dni_lex_actor *a = &lex->actors[lex->n_actors++];
        *a = (struct dni_lex_actor){dn_strdup(f[0]), dn_strdup(f[1]), ""};
        if (!a->name || !a->kind) return L->status = dni_fail(L->ctx, DN_ERR_NOMEM, "out of memory");
        if (strcmp(f[2], "-") != 0) snprintf(a->country, sizeof a->country, "%s", f[2]);
        ai = (int)lex->n_actors - 1;
    }
    return add_phrase(L, &lex->actor_phrases, &lex->n_actor_phrases, &L->actor_cap, f[3], ai, 0);
}

/* Air strikes told by their aircraft: "Pakistani jets struck ...". The
 * shipped event_types.tsv names the strikes ("airstrike", "air raid"), not
 * the aircraft, and geodata/ is rebuilt from its sources only; so these
 * phrases join the type "drone_strike", and "Pakistani jets" the state
 * forces of Pakistan, when the lexicons have them. Phrases of the lexicon,
 * they cost nothing per word of text. */
static dn_status add_aircraft(struct loader *L, struct dni_lexicon *lex)
{
    static const char *const aircraft[] = {"jets", "jet", "warplanes", "warplane", "aircraft", "planes",
                                           "helicopters", "helicopter", "gunships", "gunship", "drones"};
    static const char *const verbs[] = {"struck", "bombed", "hit", "pounded", "targeted", "attacked", "strafed",
                                        "raided"};
    static const char *const sides[][2] = {{"pakistani", "PAK"}, {"afghan", "AFG"}};
    char pattern[64];
    dn_status st = DN_OK;
    int ti = dni_lex_type_index(lex, "drone_strike");
    for (size_t a = 0; ti >= 0 && a < DN_ARRAY_LEN(aircraft) && st == DN_OK; a++)
        for (size_t v = 0; v < DN_ARRAY_LEN(verbs) && st == DN_OK; v++) {
            snprintf(pattern, sizeof pattern, "%s %s", aircraft[a], verbs[v]);
            st = add_phrase(L, &lex->type_phrases, &lex->n_type_phrases, &L->type_cap, pattern, ti, DNI_FORM_VERB);
        }
    for (size_t c = 0; c < DN_ARRAY_LEN(sides) && st == DN_OK; c++) {
        size_t ai = 0;
        while (ai < lex->n_actors &&
               (strcmp(lex->actors[ai].kind, "state") != 0 || strcmp(lex->actors[ai].country, sides[c][1]) != 0))
            ai++;
        if (ai == lex->n_actors) continue;
        for (size_t a = 0; a < DN_ARRAY_LEN(aircraft) && st == DN_OK; a++) {
            snprintf(pattern, sizeof pattern, "%s %s", sides[c][0], aircraft[a]);
            st = add_phrase(L, &lex->actor_phrases, &lex->n_actor_phrases, &L->actor_cap, pattern, (int)ai, 0);
        }
    }
    return st;
}

dn_status dni_lexicon_load(dn_ctx *ctx, const char *dir, struct dni_lexicon **out)
{
    *out = NULL;
    struct dni_lexicon *lex = dn_calloc(1, sizeof *lex);
    if (!lex) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    struct loader L = {ctx, NULL, 0, DN_OK, 0, 0};
    dn_status st = load_file(&L, lex, dir, "event_types.tsv", "type\tviolent\tpriority\tgroup\tform\tpattern", type_row);
    if (st == DN_OK) st = load_file(&L, lex, dir, "actors.tsv", "actor\tkind\tcountry\tpattern", actor_row);
    if (st == DN_OK && (lex->n_type_phrases == 0 || lex->n_actor_phrases == 0))
        st = dni_fail(ctx, DN_ERR_GEODATA, "%s: lexicons are empty", dir);
    if (st == DN_OK) {
        L.path = dir;
        st = add_aircraft(&L, lex);
    }
    if (st == DN_OK) {
        lex->type_index = index_build(lex->type_phrases, lex->n_type_phrases);
        lex->actor_index = index_build(lex->actor_phrases, lex->n_actor_phrases);
        if (!lex->type_index || !lex->actor_index) st = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    if (st != DN_OK) {
        dni_lexicon_free(lex);
        return st;
    }
    *out = lex;
    return DN_OK;
}

static void destroy_slot(dn_ctx *ctx, void *state)
{
    (void)ctx;
    dni_lexicon_free(state);
}

dn_status dni_text_lexicon(dn_ctx *ctx, const struct dni_lexicon **out)
{
    struct dni_lexicon *lex = dni_slot_get(ctx, DNI_SLOT_TEXT);
    if (!lex) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/lexicons", dni_geodata_dir(ctx));
        dn_status st = dni_lexicon_load(ctx, dir, &lex);
        if (st != DN_OK) return st;
        dni_slot_set(ctx, DNI_SLOT_TEXT, lex, destroy_slot);
    }
    *out = lex;
    return DN_OK;
}

/** @file bench_geocode.c
 * Geocoder benchmark: index load time, exact/alias lookups per second,
 * fuzzy lookups per second and mention finding in 6 KB articles per
 * second, on one core, against a store holding the shipped geodata.
 *
 *   bench_geocode [--db PATH] [--geodata DIR] [--seconds S] [--memo]
 *
 * The geocoder's memo of recent lookups (gazetteer/memo.c) is off unless
 * --memo is given: the names are cycled, and a memo hit would measure the
 * memo, not the lookup.
 *
 * The names looked up are drawn deterministically from the store's own
 * place_names (main names and aliases); the fuzzy queries are the same
 * names with one letter changed, kept only when the exact lookup misses
 * them, so every timed fuzzy query really takes the fuzzy path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "geodata/geodata.h"
#include "store/store.h"

/* CPU time of this process: the rates are per core, and the machines
 * these run on are shared, so wall time would measure the neighbours. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(dn_ctx *ctx, const char *what)
{
    fprintf(stderr, "bench_geocode: %s: %s\n", what, dn_ctx_errmsg(ctx));
    exit(1);
}

struct names {
    char **v;
    size_t n, cap;
};

static void push(struct names *n, const char *s)
{
    if (n->n == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 1024;
        n->v = realloc(n->v, n->cap * sizeof *n->v);
        if (!n->v) exit(1);
    }
    n->v[n->n++] = strdup(s);
}

/* One letter changed in the middle of a Latin name: a typical misspelling. */
static int typo(const char *in, char *out, size_t cap, unsigned k)
{
    size_t len = strlen(in);
    if (len < 6 || len + 2 > cap) return 0;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)in[i] >= 0x80) return 0;
    memcpy(out, in, len + 1);
    size_t at = len / 2;
    if (out[at] == ' ' || out[at - 1] == ' ') return 0;
    switch (k % 3) {
    case 0: out[at] = out[at] == 'e' ? 'a' : 'e'; break;               /* vowel slip */
    case 1: { char t = out[at]; out[at] = out[at - 1]; out[at - 1] = t; break; } /* transposition */
    default: memmove(out + at + 1, out + at, len - at + 1); break;       /* doubled letter */
    }
    return strcmp(in, out) != 0;
}

int main(int argc, char **argv)
{
    const char *db = "output/durand.sqlite", *geodata = NULL;
    double seconds = 2.0;
    const char *only = "";
    int memo = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) db = argv[++i];
        else if (strcmp(argv[i], "--geodata") == 0 && i + 1 < argc) geodata = argv[++i];
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
        else if (strcmp(argv[i], "--memo") == 0) memo = 1;
        else {
            fprintf(stderr, "usage: bench_geocode [--db PATH] [--geodata DIR] [--seconds S] [--memo] "
                            "[--only exact|fuzzy|mentions]\n");
            return 2;
        }
    }
    /* read when the index is built */
    if (!memo) setenv("DURAND_NO_LOOKUP_CACHE", "1", 1);
    printf("lookup memo: %s\n", memo ? "on (--memo)" : "off");
    dn_ctx *ctx;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;
    if (geodata && dni_set_geodata_dir(ctx, geodata) != DN_OK) return 1;
    double t0 = now_s();
    if (dn_store_open(ctx, db, DN_STORE_CREATE) != DN_OK) die(ctx, db);
    if (dn_geodata_load(ctx, false, NULL) != DN_OK) die(ctx, "geodata");
    double t_store = now_s() - t0;

    struct dn_gazetteer_stats st;
    if (dn_gazetteer_load(ctx, &st) != DN_OK) die(ctx, "index");
    printf("store open + geodata check: %.0f ms\n", t_store * 1e3);
    printf("index load (%s): %.0f ms CPU, %.0f ms wall (%zu places, %zu names, %zu keys with variants, %zu postings, "
           "%zu implausible admin aliases left out)\n",
           st.from_image ? "the store's image" : "built from the tables", st.load_cpu_ms, st.load_ms, st.places, st.names, st.keys, st.postings, st.names_skipped);

    /* names to look up: every 7th main name or alias, in a fixed order */
    struct names names = {0};
    sqlite3_stmt *q;
    if (dn_store_stmt(ctx, "SELECT name FROM place_names WHERE rank <= 1 AND rowid % 7 = 0 ORDER BY rowid", &q) != DN_OK)
        die(ctx, "sampling names");
    while (sqlite3_step(q) == SQLITE_ROW) push(&names, (const char *)sqlite3_column_text(q, 0));
    sqlite3_reset(q);
    if (!names.n) die(ctx, "no names in the store");

    struct dn_geocode_opts opts = {.max_alternatives = 5};
    struct dn_geocode_result r;
    /* one misspelling first: builds the fuzzy word index (timed on its own) */
    if (dn_geocode(ctx, "Peshawerr", 9, &opts, &r) != DN_OK) die(ctx, "first fuzzy lookup");
    dn_geocode_result_clear(&r);
    if (dn_gazetteer_load(ctx, &st) != DN_OK) die(ctx, "index");
    printf("fuzzy index: built on first use in %.0f ms wall (%zu words)\n", st.fuzzy_ms, st.fuzzy_words);
    size_t done = 0, resolved = 0;
    double start = now_s(), el;
    if (!*only || strcmp(only, "exact") == 0) do {
        for (size_t k = 0; k < 1000; k++, done++) {
            const char *n = names.v[done % names.n];
            if (dn_geocode(ctx, n, strlen(n), &opts, &r) != DN_OK) die(ctx, n);
            resolved += r.status != DN_GEOCODE_UNRESOLVED;
            dn_geocode_result_clear(&r);
        }
    } while ((el = now_s() - start) < seconds);
    if (!*only || strcmp(only, "exact") == 0)
    printf("exact/alias lookups: %.0f per second (%zu lookups of %zu distinct names, %.1f%% found)\n", done / el, done,
           names.n, 100.0 * resolved / done);

    /* fuzzy: misspelled names that the exact path misses */
    struct names fuzzy = {0};
    char buf[1024];
    double tf = now_s();
    for (size_t i = 0; i < names.n && fuzzy.n < 5000; i++) {
        if (!typo(names.v[i], buf, sizeof buf, (unsigned)i)) continue;
        if (dn_geocode(ctx, buf, strlen(buf), &opts, &r) != DN_OK) die(ctx, buf);
        if (r.match == DN_MATCH_FUZZY || r.status == DN_GEOCODE_UNRESOLVED) push(&fuzzy, buf);
        dn_geocode_result_clear(&r);
    }
    tf = now_s() - tf;
    (void)tf;
    done = resolved = 0;
    size_t found_fuzzy = 0;
    start = now_s();
    if (!*only || strcmp(only, "fuzzy") == 0) do {
        for (size_t k = 0; k < 200; k++, done++) {
            const char *n = fuzzy.v[done % fuzzy.n];
            if (dn_geocode(ctx, n, strlen(n), &opts, &r) != DN_OK) die(ctx, n);
            found_fuzzy += r.match == DN_MATCH_FUZZY;
            dn_geocode_result_clear(&r);
        }
    } while ((el = now_s() - start) < seconds);
    if (!*only || strcmp(only, "fuzzy") == 0)
    printf("fuzzy lookups: %.0f per second (%zu misspelled names, %.1f%% matched fuzzily, rest unresolved with "
           "suggestions)\n",
           done / el, fuzzy.n, 100.0 * found_fuzzy / done);

    /* mentions: 6 KB news-like articles naming places */
    static const char *const filler[] = {
        "Security officials said the attack took place late on Tuesday near ",
        "A spokesman for the provincial government told reporters in ",
        "Residents of the area fled towards ",
        "The militants had crossed from across the border near ",
        "Police said two people were injured in a roadside blast in ",
    };
    struct dn_strbuf art = {0};
    for (size_t i = 0; art.len < 6000; i++) {
        dn_strbuf_puts(&art, filler[i % 5]);
        dn_strbuf_puts(&art, names.v[(i * 7919) % names.n]);
        dn_strbuf_puts(&art, ", officials said. The situation in the district remained tense, and roads were closed. ");
    }
    struct dn_mentions m;
    if (dn_gazetteer_find_mentions(ctx, art.data, art.len, NULL, &m) != DN_OK) die(ctx, "mentions");
    size_t per_article = m.count;
    dn_mentions_clear(&m);
    done = 0;
    start = now_s();
    if (!*only || strcmp(only, "mentions") == 0) do {
        for (size_t k = 0; k < 20; k++, done++) {
            if (dn_gazetteer_find_mentions(ctx, art.data, art.len, NULL, &m) != DN_OK) die(ctx, "mentions");
            dn_mentions_clear(&m);
        }
    } while ((el = now_s() - start) < seconds);
    if (!*only || strcmp(only, "mentions") == 0)
    printf("mention finding: %.0f articles of %zu bytes per second (%zu mentions each)\n", done / el, art.len,
           per_article);

    dn_strbuf_free(&art);
    for (size_t i = 0; i < names.n; i++) free(names.v[i]);
    for (size_t i = 0; i < fuzzy.n; i++) free(fuzzy.v[i]);
    free(names.v);
    free(fuzzy.v);
    dn_ctx_free(ctx);
    return 0;
}

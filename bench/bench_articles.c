/** @file bench_articles.c
 * News-article ingest on one core, with the real gazetteer: ~6 KB generated
 * articles (bench/article_gen.c: plain text and web pages, place names from
 * the store's gazetteer), measured two ways.
 *
 *  (a) in process, the code `durand ingest --format text` runs per article
 *      short of storing: dn_text_extract with the gazetteer as place finder
 *      (src/ingest/text_source.c), then for each event dn_text_event_to_event
 *      and dni_ingest_locate_event (the mention's place, geocoding, admin
 *      areas, Durand Line check). CPU time of this process; the one-off
 *      loads (gazetteer index, admin and border layers, lexicons) are timed
 *      apart.
 *  (b) end to end, the real binary: `durand ingest DIR` on the articles
 *      written one per file (.txt / .html), and on the same articles as one
 *      JSON Lines file, each into a fresh copy of an initialised database,
 *      timed from outside with wait4 (CPU user + system, wall, peak RSS); a
 *      run on one article gives the fixed start-up cost.
 *
 *   bench_articles --db TEMPLATE [--articles N] [--size BYTES] [--seconds S]
 *                  [--geodata DIR] [--durand PATH] [--work DIR] [--only extract|ingest]
 *
 * TEMPLATE is a database made by `durand init`; it is only read (copies are
 * written into the work directory, default /tmp/durand-bench-articles).
 * Without --durand only (a) runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "article_gen.h"
#include "bench_proc.h"
#include "border/admin.h"
#include "border/border.h"
#include "core/core.h"
#include "gazetteer/gazetteer.h"
#include "ingest/pipeline.h"
#include "ingest/text_source.h"
#include "store/store.h"
#include "text/text.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static double wall(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static void die(dn_ctx *ctx, const char *what)
{
    fprintf(stderr, "bench_articles: %s: %s\n", what, ctx ? dn_ctx_errmsg(ctx) : strerror(errno));
    exit(1);
}

/* ---- (a) in process ---------------------------------------------------------- */

struct tally {
    size_t articles, bytes, events, mentions, placed, located, border_band;
};

/* One article as the ingest run treats it, short of the store. */
static void one_article(dn_ctx *ctx, const struct ag_article *art, const char *name, bool locate,
                        struct dni_text_finder *finder, const struct dn_text_options *opts, struct dni_placeholders *ph,
                        struct tally *t)
{
    struct dn_text_article *a = NULL;
    if (dn_text_extract(ctx, name, art->body.data, art->body.len, opts, &a) != DN_OK) die(ctx, name);
    t->articles++;
    t->bytes += art->body.len;
    t->events += a->n_events;
    t->mentions += a->n_mentions;
    if (locate) {
        struct dn_event ev;
        dn_event_init(&ev);
        for (size_t i = 0; i < a->n_events; i++) {
            dn_event_clear(&ev);
            bool source_coords;
            if (dn_text_event_to_event(ctx, a, i, &ev) != DN_OK) die(ctx, "converting an event");
            t->placed += ev.place_id > 0;
            if (dni_ingest_locate_event(ctx, ph, NULL, &ev, &source_coords) != DN_OK) die(ctx, "locating an event");
            t->located += ev.has_coords;
            t->border_band += ev.has_coords && ev.border_km >= 0 && ev.border_km <= 50;
        }
        dn_event_clear(&ev);
    }
    dni_text_finder_reset(finder); /* as the ingest run does between articles */
    dn_text_article_free(a);
}

static void report(const char *what, const struct tally *t, double cpu_s, double wall_s)
{
    printf("  %-44s %6.0f articles/CPU-s  %5.1f MB/CPU-s  (%zu articles in %.2f CPU-s, %.2f s wall)\n", what,
           (double)t->articles / cpu_s, (double)t->bytes / cpu_s / 1e6, t->articles, cpu_s, wall_s);
}

/* Passes over all articles until `seconds` of CPU time went by. */
static void timed(dn_ctx *ctx, struct ag_article *arts, size_t n, bool locate, struct dni_text_finder *finder,
                  const struct dn_text_options *opts, struct dni_placeholders *ph, double seconds, struct tally *t,
                  double *cpu_s, double *wall_s)
{
    memset(t, 0, sizeof *t);
    double c0 = cpu(), w0 = wall();
    char name[64];
    do {
        for (size_t i = 0; i < n; i++) {
            snprintf(name, sizeof name, "articles/%06zu.%s", i, arts[i].kind == AG_HTML ? "html" : "txt");
            one_article(ctx, &arts[i], name, locate, finder, opts, ph, t);
        }
    } while (cpu() - c0 < seconds);
    *cpu_s = cpu() - c0;
    *wall_s = wall() - w0;
}

static void bench_extract(dn_ctx *ctx, struct ag_article *arts, size_t n, double seconds)
{
    double c0 = cpu(), w0 = wall();
    struct dn_gazetteer_stats gs;
    double admin_ms, border_ms;
    if (dn_gazetteer_load(ctx, &gs) != DN_OK) die(ctx, "gazetteer index");
    double c1 = cpu();
    if (dn_admin_load(ctx, &admin_ms) != DN_OK) die(ctx, "admin layers");
    if (dn_border_load(ctx, &border_ms) != DN_OK) die(ctx, "border index");
    double c2 = cpu();
    struct dn_text_article *a = NULL;
    struct dn_text_options none = {.date = "2023-01-01"};
    if (dn_text_extract(ctx, "lexicons", "Lexicons load now.", 18, &none, &a) != DN_OK) die(ctx, "lexicons");
    dn_text_article_free(a);
    double c3 = cpu();
    printf("(a) one-off loads: gazetteer index %.2f CPU-s (%zu places), admin + border layers %.2f CPU-s, lexicons "
           "%.3f CPU-s; %.2f s wall in all\n",
           c1 - c0, gs.places, c2 - c1, c3 - c2, wall() - w0);

    struct dni_text_finder finder = {0};
    struct dn_text_options opts = {0};
    dni_text_finder_setup(&finder, ctx, &opts);
    struct dni_placeholders ph = {0};
    struct tally t;
    double cs, ws;
    /* the first pass builds what is built on first use (border cells, the
     * fuzzy word index when a name needs it): reported on its own */
    timed(ctx, arts, n, true, &finder, &opts, &ph, 0, &t, &cs, &ws);
    report("first pass (builds caches on first use)", &t, cs, ws);
    printf("  per article: %.1f KB, %.1f place mentions, %.2f events; %.0f%% of events with a gazetteer place, "
           "%.0f%% located, %.0f%% within 50 km of the line\n",
           (double)t.bytes / (double)t.articles / 1024, (double)t.mentions / (double)t.articles,
           (double)t.events / (double)t.articles, 100.0 * (double)t.placed / (double)t.events,
           100.0 * (double)t.located / (double)t.events, 100.0 * (double)t.border_band / (double)t.events);
    timed(ctx, arts, n, true, &finder, &opts, &ph, seconds, &t, &cs, &ws);
    report("extract + locate (geocode, admin, border)", &t, cs, ws);
    timed(ctx, arts, n, false, &finder, &opts, &ph, seconds, &t, &cs, &ws);
    report("extract with the gazetteer finder only", &t, cs, ws);
    struct dn_text_options nofinder = {0};
    timed(ctx, arts, n, false, &finder, &nofinder, &ph, seconds, &t, &cs, &ws);
    report("text module alone (no place finder)", &t, cs, ws);
}

/* ---- (b) end to end ------------------------------------------------------------ */

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) die(NULL, path);
}

static long report_field(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* `durand ingest INPUT` into a fresh copy of the template. */
static struct bench_run ingest(const char *durand, const char *templ, const char *work, const char *input)
{
    char db[4096], side[4200];
    snprintf(db, sizeof db, "%s/bench.sqlite", work);
    snprintf(side, sizeof side, "%s-wal", db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db);
    unlink(side);
    if (bench_copy_file(templ, db) != 0) die(NULL, db);
    char *argv[] = {(char *)durand, "--db", db, "--quiet", "ingest", (char *)input, "--report", "json", NULL};
    struct bench_run r;
    if (bench_run_child(argv, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) > 1) {
        fprintf(stderr, "bench_articles: durand ingest %s failed (status %d): %s\n", input, r.status, r.out);
        exit(1);
    }
    return r;
}

static void print_run(const char *what, size_t n, size_t bytes, const struct bench_run *r, const struct bench_run *startup)
{
    double c = r->user + r->sys;
    printf("  %-30s %7.2f CPU-s (user %.2f, sys %.2f) %7.2f s wall  %5.0f articles/CPU-s %5.1f MB/CPU-s  peak RSS "
           "%ld MB; stored %ld events of %ld read, %ld unresolved\n",
           what, c, r->user, r->sys, r->wall, (double)n / c, (double)bytes / c / 1e6, r->maxrss_kb / 1024,
           report_field(r->out, "stored"), report_field(r->out, "read"), report_field(r->out, "unresolved"));
    if (startup && n > 1) {
        double s = startup->user + startup->sys, net = c - s;
        printf("  %-30s %7.2f CPU-s after the start-up  %5.0f articles/CPU-s %5.1f MB/CPU-s\n", "", net,
               (double)(n - 1) / net, (double)bytes / net / 1e6);
    }
}

static void bench_ingest(const char *durand, const char *templ, const char *work, struct ag_article *arts, size_t n)
{
    char dir[4096], one[4200], path[4300], jsonl[4200];
    snprintf(dir, sizeof dir, "%s/articles-%zu", work, n);
    snprintf(one, sizeof one, "%s/one", work);
    snprintf(jsonl, sizeof jsonl, "%s/articles-%zu.jsonl", work, n);
    size_t bytes = 0;
    /* files are rewritten every run: they are what the measurement reads */
    if ((mkdir(dir, 0755) != 0 && errno != EEXIST) || (mkdir(one, 0755) != 0 && errno != EEXIST)) die(NULL, dir);
    struct dn_strbuf lines = {0};
    for (size_t i = 0; i < n; i++) {
        const char *ext = arts[i].kind == AG_HTML ? "html" : "txt";
        snprintf(path, sizeof path, "%s/%06zu.%s", dir, i, ext);
        write_file(path, arts[i].body.data, arts[i].body.len);
        if (i == 0) {
            snprintf(path, sizeof path, "%s/%06zu.%s", one, i, ext);
            write_file(path, arts[i].body.data, arts[i].body.len);
        }
        bytes += arts[i].body.len;
        dn_strbuf_puts(&lines, "{\"text\": ");
        dn_strbuf_json_string(&lines, arts[i].body.data);
        dn_strbuf_printf(&lines, ", \"date\": \"%s\", \"url\": \"%s\"}\n", arts[i].date, arts[i].url);
    }
    if (lines.failed) die(NULL, "out of memory");
    write_file(jsonl, lines.data, lines.len);
    dn_strbuf_free(&lines);

    char la0[32], la1[32];
    bench_loadavg(la0, sizeof la0);
    printf("(b) durand ingest, %zu articles (%.1f MB) into a copy of %s:\n", n, (double)bytes / 1e6, templ);
    struct bench_run startup = ingest(durand, templ, work, one);
    print_run("one article (start-up cost)", 1, arts[0].body.len, &startup, NULL);
    struct bench_run r = ingest(durand, templ, work, dir);
    print_run("a directory of files", n, bytes, &r, &startup);
    r = ingest(durand, templ, work, jsonl);
    print_run("one JSON Lines file", n, bytes, &r, &startup);
    bench_loadavg(la1, sizeof la1);
    printf("load average %s before, %s after\n", la0, la1);
}

/* ---- main ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *templ = NULL, *geodata = NULL, *durand = NULL, *work = "/tmp/durand-bench-articles", *only = "";
    size_t n = 2000, size = 6144;
    double seconds = 5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        if (!strcmp(a, "--db")) templ = v;
        else if (!strcmp(a, "--articles")) n = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--size")) size = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--seconds")) seconds = atof(v);
        else if (!strcmp(a, "--geodata")) geodata = v;
        else if (!strcmp(a, "--durand")) durand = v;
        else if (!strcmp(a, "--work")) work = v;
        else if (!strcmp(a, "--only")) only = v;
        else goto usage;
        i++;
    }
    if (!templ || n == 0 || size < 1024) goto usage;

    dn_ctx *ctx;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;
    if (geodata && dni_set_geodata_dir(ctx, geodata) != DN_OK) die(ctx, geodata);
    if (dn_store_open(ctx, templ, DN_STORE_READONLY) != DN_OK) die(ctx, templ);
    struct ag_pool pool = {0};
    if (ag_pool_load(ctx, &pool) != DN_OK) die(ctx, "name pool");
    double c0 = cpu();
    struct ag_article *arts = calloc(n, sizeof *arts);
    if (!arts) die(NULL, "out of memory");
    size_t html = 0, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ag_article_make(&pool, i, size, &arts[i])) die(NULL, "out of memory");
        html += arts[i].kind == AG_HTML;
        bytes += arts[i].body.len;
    }
    char la[32];
    bench_loadavg(la, sizeof la);
    printf("bench_articles: %zu articles (%zu HTML, %zu plain), %.0f bytes on average, generated in %.2f CPU-s from "
           "%zu towns, %zu districts, %zu crossings; load average %s\n",
           n, html, n - html, (double)bytes / (double)n, cpu() - c0, pool.ntowns, pool.ndistricts, pool.ncrossings, la);
    if (!*only || !strcmp(only, "extract")) bench_extract(ctx, arts, n, seconds);
    dn_ctx_free(ctx);
    if (durand && (!*only || !strcmp(only, "ingest"))) {
        if (mkdir(work, 0755) != 0 && errno != EEXIST) die(NULL, work);
        bench_ingest(durand, templ, work, arts, n);
    }
    for (size_t i = 0; i < n; i++) ag_article_free(&arts[i]);
    free(arts);
    ag_pool_free(&pool);
    return 0;

usage:
    fprintf(stderr, "usage: bench_articles --db TEMPLATE [--articles N] [--size BYTES] [--seconds S] [--geodata DIR]"
                    " [--durand PATH] [--work DIR] [--only extract|ingest]\n");
    return 2;
}

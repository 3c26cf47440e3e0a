/** @file bench_text.c
 * Text extraction throughput on one core: articles per second for ~6 KB
 * articles, with the fixture place finder (tests/support) and without any
 * finder (the text module alone).
 *   bench_text [SECONDS] [ARTICLE_DIR]
 * Articles are built from the fixtures in tests/data/text (and the seed
 * corpus article when ../shared/corpus is present): each benchmark article
 * is ~6 KB of their sentences, rotated so no two are the same.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "fake_place_finder.h"
#include "text/text.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

/* articles per CPU-second of the last run: independent of other load on the machine */
static double cpu_rate;

static void append_file(struct dn_strbuf *b, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) dn_strbuf_append(b, buf, n);
    fclose(fp);
    dn_strbuf_puts(b, "\n\n");
}

static double run(dn_ctx *ctx, char **arts, size_t *lens, size_t n, const struct dn_text_options *o, double secs,
                  size_t *events, size_t *count)
{
    double t0 = now(), t = t0, c0 = cpu();
    *events = *count = 0;
    while (t - t0 < secs) {
        for (size_t i = 0; i < n; i++) {
            struct dn_text_article *a = NULL;
            if (dn_text_extract(ctx, "bench", arts[i], lens[i], o, &a) != DN_OK) {
                fprintf(stderr, "bench_text: %s\n", dn_ctx_errmsg(ctx));
                exit(1);
            }
            *events += a->n_events;
            dn_text_article_free(a);
        }
        *count += n;
        t = now();
    }
    cpu_rate = (double)*count / (cpu() - c0);
    return (double)*count / (t - t0);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 3.0;
    const char *dir = argc > 2 ? argv[2] : DN_BENCH_SOURCE_DIR "/tests/data/text";
    struct dn_strbuf pool = {0};
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench_text: cannot open %s\n", dir);
        return 1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl > 4 && (!strcmp(de->d_name + nl - 4, ".txt") || !strcmp(de->d_name + nl - 5, ".html"))) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            append_file(&pool, p);
        }
    }
    closedir(d);
    append_file(&pool, DN_BENCH_SOURCE_DIR "/../shared/corpus/000_7d4307d6fb6d98f1.txt");
    if (pool.len < 1000) {
        fprintf(stderr, "bench_text: no articles in %s\n", dir);
        return 1;
    }
    /* 64 articles of ~6 KB, each starting at a different paragraph of the pool */
    enum { N = 64, SIZE = 6144 };
    char *arts[N];
    size_t lens[N], total = 0;
    for (size_t i = 0; i < N; i++) {
        size_t start = (i * 977) % pool.len;
        while (start > 0 && pool.data[start - 1] != '\n') start--;
        arts[i] = malloc(SIZE + 1);
        for (size_t k = 0; k < SIZE; k++) arts[i][k] = pool.data[(start + k) % pool.len];
        arts[i][SIZE] = '\0';
        lens[i] = SIZE;
        total += SIZE;
    }
    dn_ctx *ctx;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;
    dni_set_geodata_dir(ctx, DN_BENCH_SOURCE_DIR "/geodata");
    struct dn_text_options with = {.finder = fake_place_finder, .date = "2022-05-19"};
    struct dn_text_options without = {.date = "2022-05-19"};
    size_t ev, cnt;
    run(ctx, arts, lens, N, &with, 0.2, &ev, &cnt); /* warm-up: lexicons, caches */
    double r1 = run(ctx, arts, lens, N, &with, secs, &ev, &cnt);
    printf("with fixture place finder: %.0f articles/CPU-s (%.1f MB/s); wall clock %.0f/s; %.1f events/article, "
           "%zu articles of %zu bytes\n",
           cpu_rate, cpu_rate * (double)total / N / 1e6, r1, (double)ev / (double)cnt, cnt, (size_t)SIZE);
    double r2 = run(ctx, arts, lens, N, &without, secs, &ev, &cnt);
    printf("text module alone (no finder): %.0f articles/CPU-s (%.1f MB/s); wall clock %.0f/s\n", cpu_rate,
           cpu_rate * (double)total / N / 1e6, r2);
    for (size_t i = 0; i < N; i++) free(arts[i]);
    dn_strbuf_free(&pool);
    dn_ctx_free(ctx);
    return 0;
}

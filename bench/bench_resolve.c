/** @file bench_resolve.c
 * Benchmark of the place names of `durand query/summary/export` filters
 * (--near PLACE, --in REGION) on a store with the shipped geodata:
 *   1. latency of one resolution as a fresh `durand` process has it (new
 *      context, store opened, name resolved), for names the store's exact
 *      lookup answers and for names that need the geocoder's index;
 *   2. agreement of the exact lookup with the geocoder: for a sample of the
 *      gazetteer's names (every K-th row of place_names) and for the main
 *      name of every current province and district, the name is resolved
 *      both ways (dn_filter.geocoder_only) and the answers compared.
 *
 * Usage: bench_resolve STORE [SAMPLE]
 *   STORE: a database made by `durand --db STORE init`; SAMPLE: names for
 *   part 2 (default 2000).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "gazetteer/normalize.h"
#include "query/filter_internal.h"
#include "store/store.h"

static double now_ms(int clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void discard(void *ud, dn_out_level level, const char *text, size_t len)
{
    (void)ud, (void)level, (void)text, (void)len;
}

/* One resolution (fresh context); the status of the resolve. */
static dn_status resolve(dn_ctx *ctx, int id, const char *name, bool geocoder_only, struct dn_filter **out)
{
    struct dn_filter *f = NULL;
    dn_status s = dn_filter_new(ctx, &f);
    if (s == DN_OK) {
        f->geocoder_only = geocoder_only;
        s = dn_filter_set(ctx, f, id, name);
    }
    if (s == DN_OK) s = dn_filter_resolve(ctx, f);
    *out = f;
    return s;
}

static void latency(const char *path, int id, const char *name)
{
    enum { RUNS = 5 };
    double wall[RUNS], cpu[RUNS];
    dn_status s = DN_OK;
    for (int r = 0; r < RUNS; r++) {
        double w0 = now_ms(CLOCK_MONOTONIC), c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
        dn_ctx *ctx = NULL;
        if (dn_ctx_new(&ctx) != DN_OK) exit(1);
        dn_ctx_set_output(ctx, discard, NULL);
        struct dn_filter *f = NULL;
        s = dn_store_open(ctx, path, DN_STORE_READONLY);
        if (s == DN_OK) s = resolve(ctx, id, name, false, &f);
        dn_filter_free(f);
        dn_ctx_free(ctx);
        wall[r] = now_ms(CLOCK_MONOTONIC) - w0;
        cpu[r] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    qsort(wall, RUNS, sizeof *wall, cmp_double);
    qsort(cpu, RUNS, sizeof *cpu, cmp_double);
    printf("%-6s %-22s %-10s p50 %7.1f ms wall, %7.1f ms CPU (%d runs)\n", id == DN_FILTER_NEAR ? "--near" : "--in", name,
           s == DN_OK ? "resolved" : "error", wall[RUNS / 2], cpu[RUNS / 2], RUNS);
}

/* The answer as text: the centre, the regions, or the error. */
static void answer(dn_ctx *ctx, dn_status s, const struct dn_filter *f, int id, char *buf, size_t cap)
{
    if (s != DN_OK) {
        snprintf(buf, cap, "error %d (%.300s)", (int)s, dn_ctx_errmsg(ctx));
        return;
    }
    if (id == DN_FILTER_NEAR) {
        snprintf(buf, cap, "%.6f,%.6f", f->near_lat, f->near_lon);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < f->nregions && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%d:%s:%s;", f->regions[i].level, f->regions[i].country,
                                 f->regions[i].name ? f->regions[i].name : "");
}

struct tally {
    long names, same, differ;
};

static void compare(dn_ctx *ctx, int id, const char *name, struct tally *t)
{
    char a[2][512];
    for (int only = 0; only < 2; only++) {
        struct dn_filter *f = NULL;
        dn_status s = resolve(ctx, id, name, only, &f);
        answer(ctx, s, f, id, a[only], sizeof a[only]);
        dn_filter_free(f);
    }
    t->names++;
    if (strcmp(a[0], a[1]) == 0) {
        t->same++;
    } else {
        if (t->differ < 15)
            printf("  differs: %s '%s': exact lookup %s, geocoder %s\n", id == DN_FILTER_NEAR ? "--near" : "--in", name,
                   a[0], a[1]);
        t->differ++;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_resolve STORE [SAMPLE]\n");
        return 2;
    }
    const char *path = argv[1];
    long sample = argc > 2 ? atol(argv[2]) : 2000;
    printf("latency of one resolution in a fresh context (store open + resolve):\n");
    static const char *const near[] = {"Landi Kotal", "Torkham", "Peshawar", "Miramshah", "Peshawer", "Jalalabaad"};
    static const char *const in[] = {"Kandahar", "Kurram", "PAK", "NWFP", "Nangahar", "Jalalabaad"};
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) latency(path, DN_FILTER_NEAR, near[i]);
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) latency(path, DN_FILTER_IN, in[i]);

    dn_ctx *ctx = NULL;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;
    dn_ctx_set_output(ctx, discard, NULL);
    if (dn_store_open(ctx, path, DN_STORE_READONLY) != DN_OK) {
        fprintf(stderr, "bench_resolve: %s\n", dn_ctx_errmsg(ctx));
        return 1;
    }
    long long rows = 0;
    dn_store_count(ctx, "place_names", &rows);
    long step = sample > 0 && rows / sample > 1 ? (long)(rows / sample) : 1;
    /* read the sample first: resolving uses the same connection */
    char **names = calloc((size_t)sample + 1, sizeof *names);
    size_t n = 0;
    sqlite3_stmt *st;
    if (dn_store_stmt(ctx, "SELECT name FROM place_names WHERE rowid % ? = 0 ORDER BY rowid LIMIT ?", &st) != DN_OK)
        return 1;
    sqlite3_bind_int64(st, 1, step);
    sqlite3_bind_int64(st, 2, sample);
    while (sqlite3_step(st) == SQLITE_ROW && n < (size_t)sample) names[n++] = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    struct tally tn = {0}, ti = {0};
    double t0 = now_ms(CLOCK_MONOTONIC);
    for (size_t i = 0; i < n; i++) {
        compare(ctx, DN_FILTER_NEAR, names[i], &tn);
        free(names[i]);
    }
    free(names);
    printf("--near, every %ld-th gazetteer name: %ld names, %ld same answer both ways, %ld differ (%.1f s)\n", step,
           tn.names, tn.same, tn.differ, (now_ms(CLOCK_MONOTONIC) - t0) / 1e3);
    if (dn_store_stmt(ctx, "SELECT name FROM admin_areas WHERE level IN (1, 2) AND historical = 0 ORDER BY id", &st) !=
        DN_OK)
        return 1;
    char **areas = NULL;
    size_t na = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        areas = realloc(areas, (na + 1) * sizeof *areas);
        areas[na++] = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_reset(st);
    for (size_t i = 0; i < na; i++) {
        compare(ctx, DN_FILTER_IN, areas[i], &ti);
        free(areas[i]);
    }
    free(areas);
    printf("--in, every current province and district: %ld names, %ld same answer both ways, %ld differ\n", ti.names,
           ti.same, ti.differ);
    dn_ctx_free(ctx);
    return 0;
}

/** @file bench_query.c
 * Benchmark of `durand query` and `durand summary` on synthetic events:
 * generates N events (default 1,000,000) into a temporary SpatiaLite store
 * with the real schema, then times
 *   - 25 km radius queries (--near LAT,LON --radius 25) around random
 *     positions drawn like the events, each on a fresh connection as a
 *     `durand query` process has, reading every column of every match
 *     (dn_filter_each); then the same printed as JSON Lines to a discarding
 *     sink (dn_query_print);
 *   - summary --by province,year over all events (dn_summary_print).
 *
 * Usage: bench_query [N] [--dist border|uniform] [--keep PATH]
 *        (--keep: build/keep the DB at PATH and reuse it when it already
 *        holds N events; the distribution is the one it was built with)
 *
 * Environment, for experiments: DN_BENCH_ONLY=query|summary runs one part;
 * DN_BENCH_NOPRINT skips the JSON Lines pass; DN_BENCH_RADIUS=KM changes the
 * radius; DN_BENCH_SQL="PRAGMA ..." runs on every fresh connection.
 *
 * Synthetic data: with --dist border (default) 70% of events lie within
 * about ±0.8° of a polyline that follows the Durand Line, 30% anywhere in
 * 60–75.5 E, 24–38.5 N; with --dist uniform all are anywhere in that box. Dates
 * 2015–2024; 41 provinces (34 Afghan, 7 Pakistani) with 8 districts each;
 * excerpts of ~100 bytes. Deterministic (fixed seed).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "query/filter_internal.h"
#include "query/query.h"
#include "store/store.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static double frand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this process: on a machine shared with other jobs, wall time
 * includes waiting for a core; both are reported. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Kernel time of this process (RUSAGE_SELF, microsecond resolution): the
 * part of the CPU time spent in system calls, mostly pread of pages. */
static double sys_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

static const double line[][2] = {{60.9, 29.9}, {62.5, 29.4}, {64.0, 29.5}, {66.3, 29.9}, {66.5, 31.0},
                                  {68.0, 31.6}, {69.3, 31.9}, {69.9, 33.0}, {70.0, 33.7}, {71.1, 34.1},
                                  {71.5, 35.0}, {71.6, 36.0}, {72.5, 36.8}, {74.5, 37.0}};

static bool uniform; /* --dist uniform: no border band */

static void random_point(double *lon, double *lat)
{
    if (uniform || frand() < 0.3) {
        *lon = 60 + frand() * 15.5;
        *lat = 24 + frand() * 14.5;
        return;
    }
    size_t seg = (size_t)(frand() * (DN_ARRAY_LEN(line) - 1));
    double t = frand();
    *lon = line[seg][0] + t * (line[seg + 1][0] - line[seg][0]) + (frand() - 0.5) * 1.6;
    *lat = line[seg][1] + t * (line[seg + 1][1] - line[seg][1]) + (frand() - 0.5) * 1.6;
}

static const char *const af_provinces[] = {
    "Badakhshan", "Badghis", "Baghlan", "Balkh",    "Bamyan",    "Daykundi", "Farah",    "Faryab", "Ghazni",
    "Ghor",       "Helmand", "Herat",   "Jowzjan",  "Kabul",     "Kandahar", "Kapisa",   "Khost",  "Kunar",
    "Kunduz",     "Laghman", "Logar",   "Nangarhar", "Nimroz",   "Nuristan", "Paktika",  "Paktia", "Panjshir",
    "Parwan",     "Samangan", "Sar-e Pol", "Takhar", "Uruzgan",  "Wardak",   "Zabul"};
static const char *const pk_provinces[] = {"Khyber Pakhtunkhwa", "Balochistan", "Punjab", "Sindh",
                                           "Gilgit-Baltistan",   "Azad Kashmir", "Islamabad"};
static const char *const types[][2] = {{"Battles", "Armed clash"},
                                       {"Explosions/Remote violence", "Remote explosive/landmine/IED"},
                                       {"Explosions/Remote violence", "Air/drone strike"},
                                       {"Violence against civilians", "Attack"},
                                       {"Strategic developments", "Looting/property destruction"}};
static const char *const actors[] = {"Military Forces of Pakistan (2018-)", "TTP: Tehrik-i-Taliban Pakistan",
                                     "Taliban", "Islamic State (Afghanistan)", "Civilians (Afghanistan)",
                                     "Civilians (Pakistan)", "Police Forces of Pakistan (2018-)"};
static const char *const precisions[] = {"point", "town", "town", "town", "district", "province"};
static const char *const bands[] = {"0-10 km", "10-25 km", "25-50 km", "50-100 km", ">100 km"};

static int check(dn_ctx *ctx, dn_status s, const char *what)
{
    if (s == DN_OK) return 0;
    fprintf(stderr, "bench_query: %s: %s\n", what, dn_ctx_errmsg(ctx));
    exit(1);
}

static void generate(dn_ctx *ctx, long n)
{
    sqlite3_stmt *st;
    check(ctx,
          dn_store_stmt(ctx,
                        "INSERT INTO events (uid, source_kind, source, source_ref, date, date_precision, type,"
                        " sub_type, actor1, actor2, place, country, province, district, lon, lat, precision,"
                        " radius_km, fatalities, injured, side, side_certain, border_km, band, crossing,"
                        " crossing_km, excerpt, geom) VALUES (?, 'acled', 'acled/2015-2024.csv', ?, ?, 'day',"
                        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'Torkham', ?, ?,"
                        " MakePoint(?, ?, 4326))",
                        &st),
          "prepare insert");
    double t0 = now_ms();
    check(ctx, dn_store_begin(ctx), "begin");
    char uid[32], ref[32], date[48], district[64], place[64], excerpt[160];
    for (long i = 0; i < n; i++) {
        double lon, lat;
        random_point(&lon, &lat);
        bool afg = frand() < 0.55;
        const char *prov = afg ? af_provinces[(size_t)(frand() * DN_ARRAY_LEN(af_provinces))]
                               : pk_provinces[(size_t)(frand() * DN_ARRAY_LEN(pk_provinces))];
        size_t t = (size_t)(frand() * DN_ARRAY_LEN(types));
        snprintf(uid, sizeof uid, "bench-%ld", i);
        snprintf(ref, sizeof ref, "line %ld", i + 2);
        snprintf(date, sizeof date, "%04d-%02d-%02d", 2015 + (int)(frand() * 10), 1 + (int)(frand() * 12),
                 1 + (int)(frand() * 28));
        snprintf(district, sizeof district, "%s District %d", prov, 1 + (int)(frand() * 8));
        snprintf(place, sizeof place, "Village %d", (int)(frand() * 5000));
        snprintf(excerpt, sizeof excerpt,
                 "On that day %s clashed with %s near %s; local sources reported casualties.", actors[i % 7],
                 actors[(i + 3) % 7], place);
        double border = fabs(frand() * frand()) * 150;
        sqlite3_reset(st);
        int k = 1;
        sqlite3_bind_text(st, k++, uid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, k++, ref, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, k++, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, k++, types[t][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, types[t][1], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, actors[i % 7], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, actors[(i + 3) % 7], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, place, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, k++, afg ? "AFG" : "PAK", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, prov, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, k++, district, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, k++, lon);
        sqlite3_bind_double(st, k++, lat);
        sqlite3_bind_text(st, k++, precisions[i % DN_ARRAY_LEN(precisions)], -1, SQLITE_STATIC);
        sqlite3_bind_double(st, k++, 5);
        if (frand() < 0.1) sqlite3_bind_null(st, k++);
        else sqlite3_bind_int(st, k++, (int)(frand() * frand() * 30));
        sqlite3_bind_int(st, k++, (int)(frand() * frand() * 40));
        sqlite3_bind_text(st, k++, afg ? "AFG" : "PAK", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, k++, frand() < 0.9);
        sqlite3_bind_double(st, k++, border);
        sqlite3_bind_text(st, k++, bands[border < 10 ? 0 : border < 25 ? 1 : border < 50 ? 2 : border < 100 ? 3 : 4],
                          -1, SQLITE_STATIC);
        sqlite3_bind_double(st, k++, border + 3);
        sqlite3_bind_text(st, k++, excerpt, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, k++, lon);
        sqlite3_bind_double(st, k++, lat);
        if (sqlite3_step(st) != SQLITE_DONE) check(ctx, dni_fail_sqlite(ctx, "insert"), "insert");
        if (i % 100000 == 99999) {
            check(ctx, dn_store_commit(ctx), "commit");
            check(ctx, dn_store_begin(ctx), "begin");
        }
    }
    sqlite3_reset(st);
    check(ctx, dn_store_commit(ctx), "commit");
    printf("generated %ld events in %.1f s\n", n, (now_ms() - t0) / 1e3);
}

static void discard(void *ud, dn_out_level level, const char *text, size_t len)
{
    (void)text;
    if (level == DN_OUT_DATA) *(size_t *)ud += len;
}

struct counter {
    long long rows;
    size_t bytes;
};

static dn_status read_row(void *ud, sqlite3_stmt *row)
{
    struct counter *c = ud;
    /* read each column as what it is, as an output writer would */
    for (int i = 0; i < DN_EVCOL_COUNT; i++) {
        switch (sqlite3_column_type(row, i)) {
        case SQLITE_INTEGER: c->bytes += (size_t)(sqlite3_column_int64(row, i) & 1); break;
        case SQLITE_FLOAT: c->bytes += sqlite3_column_double(row, i) > 0; break;
        case SQLITE_TEXT:
            c->bytes += (size_t)sqlite3_column_bytes(row, i) + (sqlite3_column_text(row, i) != NULL);
            break;
        default: break;
        }
    }
    c->rows++;
    return DN_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *ms, int n, double extra, const char *extra_name)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    printf("%-48s p50 %8.3f ms  p90 %8.3f ms  p95 %8.3f ms  p99 %8.3f ms  max %8.3f ms  (%d runs, %s %.0f)\n", what,
           ms[n / 2], ms[n * 9 / 10], ms[n * 95 / 100], ms[n * 99 / 100], ms[n - 1], n, extra_name, extra);
}

/* R*Tree candidates of the filter's prefilter box (the rows the exact
 * geodesic test then reads). */
static long long box_candidates(dn_ctx *ctx, const struct dn_filter *f)
{
    sqlite3_stmt *st;
    check(ctx,
          dn_store_stmt(ctx,
                        "SELECT count(*) FROM idx_events_geom WHERE xmin <= ?3 AND xmax >= ?1 AND ymin <= ?4 AND ymax >= ?2",
                        &st),
          "candidates");
    for (int i = 0; i < 4; i++) sqlite3_bind_double(st, i + 1, f->near_box[i]);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

int main(int argc, char **argv)
{
    long n = 1000000;
    const char *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) keep = argv[++i];
        else if (strcmp(argv[i], "--dist") == 0 && i + 1 < argc) uniform = strcmp(argv[++i], "uniform") == 0;
        else n = atol(argv[i]);
    }
    if (n < 1000) n = 1000;
    char dir[256] = "", path[512];
    if (keep) {
        snprintf(path, sizeof path, "%s", keep);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/durand-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(path, sizeof path, "%s/bench.sqlite", dir);
    }
    dn_ctx *ctx = NULL;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;
    size_t sink = 0;
    dn_ctx_set_output(ctx, discard, &sink);
    check(ctx, dn_store_open(ctx, path, DN_STORE_CREATE), "open");
    long long have = 0;
    check(ctx, dn_store_count(ctx, "events", &have), "count");
    if (have != n) {
        check(ctx, dn_store_exec(ctx, "DELETE FROM events"), "clear");
        generate(ctx, n);
    }
    printf("database %s, %ld events, %s distribution\n", path, n, uniform ? "uniform" : "border");
    const char *extra_sql = getenv("DN_BENCH_SQL"); /* experiments: e.g. PRAGMA mmap_size */
    const char *only = getenv("DN_BENCH_ONLY");

    enum { RUNS = 300, SUMMARY_RUNS = 5 };
    static double ms[RUNS], ms_print[RUNS], cpu[RUNS], cpu_print[RUNS], sys[RUNS];
    double hits = 0, candidates = 0;
    rng = 12345;
    for (int r = 0; r < RUNS && !(only && strcmp(only, "summary") == 0); r++) {
        /* each query on a fresh connection, as each `durand query` is:
         * SQLite's page cache empty, the OS's file cache warm */
        dn_store_close(ctx);
        check(ctx, dn_store_open(ctx, path, 0), "reopen");
        if (extra_sql) check(ctx, dn_store_exec(ctx, extra_sql), extra_sql);
        double lon, lat;
        random_point(&lon, &lat);
        char near[64];
        snprintf(near, sizeof near, "%.5f,%.5f", lat, lon);
        struct dn_filter *f = NULL;
        check(ctx, dn_filter_new(ctx, &f), "filter");
        check(ctx, dn_filter_set(ctx, f, DN_FILTER_NEAR, near), "near");
        const char *radius = getenv("DN_BENCH_RADIUS"); /* experiments: fixed cost with a tiny radius */
        check(ctx, dn_filter_set(ctx, f, DN_FILTER_RADIUS, radius ? radius : "25"), "radius");
        double t0 = now_ms(), c0 = cpu_ms(), s0 = sys_ms();
        check(ctx, dn_filter_resolve(ctx, f), "resolve");
        struct counter c = {0};
        check(ctx, dn_filter_each(ctx, f, NULL, -1, read_row, &c), "each");
        ms[r] = now_ms() - t0;
        cpu[r] = cpu_ms() - c0;
        sys[r] = sys_ms() - s0;
        hits += (double)c.rows;
        /* the same query printed as JSON Lines (the page cache is warm now) */
        t0 = now_ms(), c0 = cpu_ms();
        if (!getenv("DN_BENCH_NOPRINT")) check(ctx, dn_query_print(ctx, f, DN_FORMAT_JSONL, NULL, -1, NULL), "print");
        ms_print[r] = now_ms() - t0;
        cpu_print[r] = cpu_ms() - c0;
        candidates += (double)box_candidates(ctx, f);
        dn_filter_free(f);
    }
    if (!(only && strcmp(only, "summary") == 0)) {
        report("query --near LAT,LON --radius 25: wall", ms, RUNS, hits / RUNS, "mean matches");
        report("  cpu", cpu, RUNS, candidates / RUNS, "mean R*Tree candidates");
        /* rusage times are sampled at the scheduler tick on many kernels:
         * only their sum over all runs is meaningful */
        double tsys = 0, tcpu = 0;
        for (int r = 0; r < RUNS; r++) tsys += sys[r], tcpu += cpu[r];
        printf("  of the CPU time, in the kernel (system calls, sum over the runs): %.0f %%\n",
               tcpu > 0 ? 100 * tsys / tcpu : 0);
        report("  printed as jsonl (warm cache): wall", ms_print, RUNS, hits / RUNS, "mean matches");
        report("  cpu", cpu_print, RUNS, hits / RUNS, "mean matches");
    }

    static double sms[SUMMARY_RUNS], scpu[SUMMARY_RUNS];
    enum dn_summary_key keys[DN_SUMMARY_MAX_KEYS];
    size_t nkeys;
    check(ctx, dn_summary_parse_by(ctx, "province,year", keys, &nkeys), "by");
    for (int r = 0; r < SUMMARY_RUNS && !(only && strcmp(only, "query") == 0); r++) {
        dn_store_close(ctx);
        check(ctx, dn_store_open(ctx, path, 0), "reopen");
        if (extra_sql) check(ctx, dn_store_exec(ctx, extra_sql), extra_sql);
        double t0 = now_ms(), c0 = cpu_ms();
        check(ctx, dn_summary_print(ctx, NULL, keys, nkeys, DN_FORMAT_CSV, NULL), "summary");
        sms[r] = now_ms() - t0;
        scpu[r] = cpu_ms() - c0;
    }
    if (!(only && strcmp(only, "query") == 0)) {
        report("summary --by province,year (all events): wall", sms, SUMMARY_RUNS, (double)n, "events");
        report("  cpu", scpu, SUMMARY_RUNS, (double)n, "events");
    }
    dn_ctx_free(ctx);
    if (!keep) {
        unlink(path);
        char side[600];
        snprintf(side, sizeof side, "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", path);
        unlink(side);
        rmdir(dir);
    }
    return 0;
}

/** @file bench_export.c
 * Benchmark: export N incidents (default 1,000,000) to GeoPackage and to
 * GeoJSON with durand's exporter, and time `ogr2ogr` copying the same
 * events table (the same 27 fields: the 26 named in -select, and `id`, which
 * OGR's SQLite driver reads as the FID, kept with -preserve_fid) to the same
 * formats.
 *
 *   build/bench/bench_export [N] [WORKDIR] [REPEAT]
 *
 * The store WORKDIR/bench-N.sqlite is made once (synthetic events spread
 * over the border region) and reused by later runs. Each timing is the best
 * of REPEAT runs (default 1); output files are replaced every run. Wall
 * time and CPU time (user + system: this process's for durand, the child's
 * from wait4 for ogr2ogr) are both printed, with the load average: on a
 * shared machine the wall ratio moves with the neighbours, the CPU ratio
 * much less.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_proc.h"

#include "core/core.h"
#include "export/export.h"
#include "store/store.h"

static double self_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

/* One timed run: wall and CPU seconds. */
struct timing {
    double wall, cpu;
};

static void keep_best(struct timing *best, struct timing t)
{
    if (t.wall < best->wall) best->wall = t.wall;
    if (t.cpu < best->cpu) best->cpu = t.cpu;
}

static const char *const types[] = {"Battles", "Explosions/Remote violence", "Violence against civilians",
                                    "Protests", "Riots", "Strategic developments"};
static const char *const provinces[][3] = {{"AFG", "Paktika", "Urgun"},      {"AFG", "Kunar", "Asadabad"},
                                           {"AFG", "Nangarhar", "Achin"},    {"PAK", "Balochistan", "Zhob"},
                                           {"PAK", "Khyber Pakhtunkhwa", "Bajaur"}};

static int fill(dn_ctx *ctx, long long n)
{
    sqlite3_stmt *st;
    if (dn_store_begin(ctx) != DN_OK ||
        dn_store_stmt(ctx,
                      "INSERT INTO events(uid, source_kind, source, date, date_precision, type, sub_type, actor1,"
                      " actor2, place, country, province, district, lon, lat, precision, radius_km, fatalities,"
                      " injured, side, side_certain, border_km, band, crossing, crossing_km, excerpt, cluster_id,"
                      " geom) VALUES (?, 'csv', 'bench.csv', ?, 'day', ?, 'Armed clash', 'Military forces',"
                      " 'Unidentified armed group', ?, ?, ?, ?, ?, ?, 'town', 2.0, ?, ?, ?, 1, ?, ?, 'Torkham', ?,"
                      " ?, 0, MakePoint(?, ?, 4326))",
                      &st) != DN_OK)
        return 1;
    unsigned long long r = 88172645463325252ULL;
    char uid[32], date[16], excerpt[160];
    for (long long i = 0; i < n; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17; /* xorshift: deterministic data */
        const char *const *p = provinces[r % 5];
        double lon = 66.0 + (double)(r % 900000) / 100000.0, lat = 29.0 + (double)((r >> 20) % 800000) / 100000.0;
        double bkm = (double)((r >> 40) % 20000) / 100.0;
        snprintf(uid, sizeof uid, "bench:%lld", i);
        snprintf(date, sizeof date, "%04d-%02d-%02d", 2015 + (int)(r % 10), 1 + (int)((r >> 8) % 12),
                 1 + (int)((r >> 16) % 28));
        snprintf(excerpt, sizeof excerpt, "Report %lld: clashes near %s in %s left several people dead or injured.",
                 i, p[2], p[1]);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, uid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, types[(r >> 4) % 6], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, p[2], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, p[0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, p[1], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, p[2], -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 8, lon);
        sqlite3_bind_double(st, 9, lat);
        sqlite3_bind_int(st, 10, (int)((r >> 24) % 30));
        sqlite3_bind_int(st, 11, (int)((r >> 28) % 20));
        sqlite3_bind_text(st, 12, p[0], -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 13, bkm);
        sqlite3_bind_text(st, 14, bkm < 5 ? "0-5 km" : bkm < 10 ? "5-10 km" : bkm < 25 ? "10-25 km" : "25+ km", -1,
                          SQLITE_STATIC);
        sqlite3_bind_double(st, 15, bkm + 3.5);
        sqlite3_bind_text(st, 16, excerpt, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 17, lon);
        sqlite3_bind_double(st, 18, lat);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "insert failed: %s\n", sqlite3_errmsg(dni_db(ctx)));
            return 1;
        }
    }
    sqlite3_reset(st);
    return dn_store_commit(ctx) == DN_OK ? 0 : 1;
}

static struct timing time_export(dn_ctx *ctx, enum dn_export_format f, const char *out, long long *features)
{
    struct dn_export_opts o = {.format = f, .out = out, .layers = DN_LAYER_BIT(DN_LAYER_INCIDENTS), .overwrite = true};
    struct dn_export_report rep;
    double t0 = bench_wall_s(), c0 = self_cpu_s();
    if (dn_export_run(ctx, &o, &rep) != DN_OK) {
        fprintf(stderr, "export failed: %s\n", dn_ctx_errmsg(ctx));
        exit(1);
    }
    *features = rep.layers[0].features;
    return (struct timing){bench_wall_s() - t0, self_cpu_s() - c0};
}

static const char fields[] =
    "uid,date,date_precision,type,sub_type,actor1,actor2,place,country,province,district,lat,lon,precision,"
    "radius_km,fatalities,injured,side,side_certain,border_km,band,crossing,crossing_km,source,excerpt,cluster_id";

/* Time ogr2ogr copying the events table to `out`; `cmd` receives the
 * command line it ran, for the report. */
static struct timing time_ogr2ogr(const char *format, bool rfc7946, const char *db, const char *out, char *cmd,
                                  size_t cap)
{
    remove(out);
    char *argv[16];
    size_t n = 0;
    argv[n++] = "/usr/bin/ogr2ogr"; /* bench_run_child execs a path */
    argv[n++] = "-f";
    argv[n++] = (char *)format;
    if (rfc7946) {
        argv[n++] = "-lco";
        argv[n++] = "RFC7946=YES";
    }
    char *rest[] = {(char *)out, (char *)db, "events", "-preserve_fid", "-select", (char *)fields, "-nln", "incidents"};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++) argv[n++] = rest[i];
    argv[n] = NULL;
    size_t used = 0;
    cmd[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(cmd + used, cap - used, "%s%s", i ? " " : "", argv[i]);
    struct bench_run r;
    if (bench_run_child(argv, &r) != 0 || r.status != 0) {
        fprintf(stderr, "failed: %s\n", cmd);
        exit(1);
    }
    return (struct timing){r.wall, r.user + r.sys};
}

int main(int argc, char **argv)
{
    long long n = argc > 1 ? atoll(argv[1]) : 1000000;
    const char *dir = argc > 2 ? argv[2] : "/tmp/durand-bench";
    int repeat = argc > 3 ? atoi(argv[3]) : 1;
    if (n <= 0 || repeat <= 0) {
        fprintf(stderr, "usage: bench_export [N] [WORKDIR] [REPEAT]\n");
        return 2;
    }
    mkdir(dir, 0777);
    char db[512], gpkg[512], geojson[512], ogpkg[512], ogeojson[512], cmd_gpkg[2048], cmd_json[2048];
    snprintf(db, sizeof db, "%s/bench-%lld.sqlite", dir, n);
    snprintf(gpkg, sizeof gpkg, "%s/durand.gpkg", dir);
    snprintf(geojson, sizeof geojson, "%s/incidents.geojson", dir);
    snprintf(ogpkg, sizeof ogpkg, "%s/ogr2ogr.gpkg", dir);
    snprintf(ogeojson, sizeof ogeojson, "%s/ogr2ogr.geojson", dir);

    dn_ctx *ctx;
    if (dn_ctx_new(&ctx) != DN_OK || dn_store_open(ctx, db, DN_STORE_CREATE) != DN_OK) {
        fprintf(stderr, "cannot open %s: %s\n", db, ctx ? dn_ctx_errmsg(ctx) : "");
        return 1;
    }
    long long have = 0;
    dn_store_count(ctx, "events", &have);
    if (have != n) {
        if (have) dn_store_exec(ctx, "DELETE FROM events");
        fprintf(stderr, "bench_export: making %lld events in %s ...\n", n, db);
        double t0 = bench_wall_s();
        if (fill(ctx, n)) return 1;
        fprintf(stderr, "bench_export: made in %.1f s\n", bench_wall_s() - t0);
    }
    dn_store_exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)");

    struct timing best[4];
    for (int i = 0; i < 4; i++) best[i] = (struct timing){INFINITY, INFINITY};
    long long nf = 0;
    char load_before[32], load_after[32];
    bench_loadavg(load_before, sizeof load_before);
    for (int k = 0; k < repeat; k++) {
        keep_best(&best[0], time_export(ctx, DN_EXPORT_GPKG, gpkg, &nf));
        keep_best(&best[1], time_ogr2ogr("GPKG", false, db, ogpkg, cmd_gpkg, sizeof cmd_gpkg));
        keep_best(&best[2], time_export(ctx, DN_EXPORT_GEOJSON, geojson, &nf));
        keep_best(&best[3], time_ogr2ogr("GeoJSON", true, db, ogeojson, cmd_json, sizeof cmd_json));
    }
    bench_loadavg(load_after, sizeof load_after);
    printf("incidents: %lld features (best of %d; load average %s before, %s after)\n", nf, repeat, load_before,
           load_after);
    printf("| format | durand export wall / CPU | ogr2ogr wall / CPU | ratio wall / CPU |\n|---|---|---|---|\n");
    const char *names[2] = {"GeoPackage", "GeoJSON"};
    for (int i = 0; i < 2; i++)
        printf("| %s | %.1f s / %.1f s | %.1f s / %.1f s | %.2f / %.2f |\n", names[i], best[2 * i].wall,
               best[2 * i].cpu, best[2 * i + 1].wall, best[2 * i + 1].cpu, best[2 * i].wall / best[2 * i + 1].wall,
               best[2 * i].cpu / best[2 * i + 1].cpu);
    printf("ogr2ogr commands:\n  %s\n  %s\n", cmd_gpkg, cmd_json);
    dn_ctx_free(ctx);
    return 0;
}

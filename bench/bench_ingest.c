/** @file bench_ingest.c
 * End-to-end ingest benchmark: runs the real `durand ingest` on N synthetic
 * ACLED rows (bench/gen_acled) into a copy of an initialised database, and
 * measures it from outside the way a user would meet it: wall time, CPU
 * time (user + system, from wait4's rusage) and peak RSS of the process,
 * then a second run of the same file (every row already stored).
 *
 *   bench_ingest --durand build/durand --template output/durand.sqlite
 *                [--rows N] [--work DIR] [--gen build/bench/gen_acled] [--batch N] [--spots N]
 *                [--no-ids] [--second-source] [--versus OTHER_DURAND | --ogr2ogr PATH [--rounds N]]
 *                [--phases]
 *
 * --spots N: every place has only N distinct points (gen_acled SPOTS), as
 * in real exports where a town's events share its coordinates; by default
 * no two rows share a point.
 *
 * --no-ids: rows without an event id (gen_acled --no-ids), as in a table
 * without an id column: each uid is made of the row's hash, and those
 * arrive in random order.
 *
 * --second-source: then the same rows once more as another source (a copy
 * of the file whose event ids start with an X): every row is a new event,
 * dedupe looks each one up, and about a third of them join a cluster of the
 * first source — what ingesting UCDP into a store holding ACLED costs.
 *
 * --versus OTHER: compare two binaries on a machine whose speed drifts
 * (a shared VM: one binary took 22 s and, an hour later, 27 s): N rounds
 * (default 3) of the first ingest only, ordered A B, B A, A B ... so that
 * a steady drift falls on both alike; then each binary's median and range,
 * and the ratio of the medians. Each run starts from a fresh copy of the
 * template; the store's size after it is printed too, so that a change
 * that narrows the stored rows shows its effect on the file beside its
 * time.
 *
 * --ogr2ogr PATH: the same rounds with GDAL's ogr2ogr as B, loading the
 * same CSV into a new SpatiaLite file (the command is printed; ogrinfo,
 * beside it, must then count every row), and what A's median would be on
 * the machine of issue #6, where ogr2ogr took about 38 s for 1M rows, if
 * both programs slow down alike on a slower machine.
 *
 * --phases: one first ingest with stderr on a pseudo-terminal, so that
 * durand draws its progress line; the times at which its first progress
 * line (5,000 rows read) and "building the events' indexes" (the last row
 * read) arrive split the run into the start-up, the reading of the file
 * and what follows the last row (a bulk load's index builds and R*Tree
 * packing, the last commit).
 *
 * The template is a database made by `durand init` (the geodata load is a
 * one-off and not timed). Each binary runs from its own copy of it, whose
 * gazetteer image (the index a store keeps for the next command's start-up)
 * that binary wrote: an image written by another build is rebuilt by the
 * first ingest (0.37 s more for a 10-row file, by hand), which a --versus
 * round would charge to whichever binary had not made the template; every
 * build has its own build id, so that was the case for one of the two. When `durand info` calls a copy's
 * image "another build", the binary's own `init --force` (not timed)
 * makes it its own. The CSV is generated once per row count into the
 * work directory and reused. The load average is printed before and after:
 * on a shared machine compare the CPU rates.
 */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_proc.h"

/* `from` with every data line's first field (the event id) prefixed by X. */
static int write_second_source(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    if (!in || !out) {
        perror(in ? to : from);
        if (in) fclose(in);
        return -1;
    }
    char line[65536];
    bool header = true, line_start = true;
    while (fgets(line, sizeof line, in)) {
        if (line_start && !header) fputc('X', out);
        fputs(line, out);
        line_start = strchr(line, '\n') != NULL;
        if (line_start) header = false;
    }
    int bad = ferror(in);
    fclose(in);
    return fclose(out) != 0 || bad ? -1 : 0;
}

static long report_field(const char *json, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* One run's line; store_mb < 0: the store's size is left out. */
static void print_run(const char *what, long rows, const struct bench_run *r, double store_mb)
{
    double cpu = r->user + r->sys;
    printf("%-22s %8.2f s wall %8.2f s CPU (user %.2f, sys %.2f)  %9.0f rows/s wall %9.0f rows/CPU-s  peak RSS %ld MB",
           what, r->wall, cpu, r->user, r->sys, (double)rows / r->wall, (double)rows / cpu, r->maxrss_kb / 1024);
    if (store_mb >= 0) printf("  store %.1f MB", store_mb);
    putchar('\n');
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A first ingest from a fresh copy of the template; 0, or -1 after a message. */
static int first_ingest(const char *templ, const char *db, const char *wal, const char *shm, char **iargv, long rows,
                        struct bench_run *r)
{
    unlink(wal);
    unlink(shm);
    if (bench_copy_file(templ, db) != 0) {
        fprintf(stderr, "bench_ingest: cannot copy %s to %s\n", templ, db);
        return -1;
    }
    if (bench_run_child(iargv, r) != 0 || !WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
        fprintf(stderr, "bench_ingest: %s ingest failed (status %d): %s\n", iargv[0], r->status, r->out);
        return -1;
    }
    if (report_field(r->out, "stored") != rows) {
        fprintf(stderr, "bench_ingest: %s did not store all %ld rows: %s\n", iargv[0], rows, r->out);
        return -1;
    }
    return 0;
}

/* --phases (see the head of this file); argv without --quiet. 0, or 1 after a message. */
static int phases(char **iargv, long rows)
{
    int master, slave, outpipe[2];
    if (openpty(&master, &slave, NULL, NULL, NULL) != 0 || pipe(outpipe) != 0) {
        perror("bench_ingest: openpty");
        return 1;
    }
    double t0 = bench_wall_s(), first = -1, last_row = -1;
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_ingest: fork");
        return 1;
    }
    if (pid == 0) {
        dup2(outpipe[1], 1);
        dup2(slave, 2);
        close(outpipe[0]);
        close(outpipe[1]);
        close(slave);
        close(master);
        execv(iargv[0], iargv);
        perror(iargv[0]);
        _exit(127);
    }
    close(slave);
    close(outpipe[1]);
    /* the terminal's text, kept short: only the two markers matter */
    char seen[8192];
    size_t n = 0;
    ssize_t got;
    while ((got = read(master, seen + n, sizeof seen - 1 - n)) > 0) { /* EIO once the child is gone */
        n += (size_t)got;
        seen[n] = '\0';
        double now = bench_wall_s() - t0;
        if (first < 0 && strstr(seen, "rows read")) first = now;
        if (last_row < 0 && strstr(seen, "building the events' indexes")) last_row = now;
        if (n > sizeof seen / 2) { /* keep the tail: a marker may straddle two reads */
            memmove(seen, seen + n - 256, 256);
            n = 256;
        }
    }
    close(master);
    char out[2048];
    size_t m = 0;
    while ((got = read(outpipe[0], out + m, sizeof out - 1 - m)) > 0) m += (size_t)got;
    out[m] = '\0';
    close(outpipe[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        report_field(out, "stored") != rows) {
        fprintf(stderr, "bench_ingest: the ingest failed (status %d): %s\n", status, out);
        return 1;
    }
    double total = bench_wall_s() - t0;
    if (first < 0 || last_row < 0) {
        fprintf(stderr, "bench_ingest: no progress line or no index build seen (a bulk load needs 20,000 rows)\n");
        return 1;
    }
    printf("start-up and the first 5,000 rows  %6.2f s\n", first);
    printf("the rest of the file               %6.2f s  (%.0f rows/s)\n", last_row - first,
           (double)(rows - 5000) / (last_row - first));
    printf("after the last row                 %6.2f s  (index builds, R*Tree packing, commit)\n", total - last_row);
    printf("in all                             %6.2f s wall (%.0f rows/s)\n", total, (double)rows / total);
    return 0;
}

/* `bin`'s own copy of the template, at `path` (see the head of this file);
 * 0, or -1 after a message. */
static int own_template(const char *bin, const char *templ, const char *path)
{
    if (bench_copy_file(templ, path) != 0) {
        fprintf(stderr, "bench_ingest: cannot copy %s to %s\n", templ, path);
        return -1;
    }
    struct bench_run r;
    char *info[] = {(char *)bin, "--db", (char *)path, "info", NULL};
    if (bench_run_child(info, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
        fprintf(stderr, "bench_ingest: %s info failed: %s\n", bin, r.out);
        return -1;
    }
    const char *line = strstr(r.out, "gazetteer_image ");
    if (line && strstr(line, "current") && strstr(line, "current") < strchr(line, '\n')) return 0;
    char *init[] = {(char *)bin, "--db", (char *)path, "--quiet", "init", "--force", NULL};
    if (bench_run_child(init, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
        fprintf(stderr, "bench_ingest: %s init --force failed: %s\n", bin, r.out);
        return -1;
    }
    printf("bench_ingest: %s's template %s: its own gazetteer image, by init --force\n", bin, path);
    return 0;
}

enum { MAX_ROUNDS = 50 };

/* One side of a --versus or --ogr2ogr round: how to run it once from a
 * fresh start, and the file it fills. */
struct contender {
    const char *label; /* printed after "A" or "B" */
    const char *store; /* the file whose size is printed */
    int (*run_once)(const struct contender *c, long rows, struct bench_run *r);
    /* durand */
    const char *templ, *wal, *shm;
    char **iargv; /* iargv[0] is set to label's binary by run_once */
    /* ogr2ogr */
    char **oargv;
    const char *ogrinfo;
};

static int durand_once(const struct contender *c, long rows, struct bench_run *r)
{
    c->iargv[0] = (char *)c->label;
    return first_ingest(c->templ, c->store, c->wal, c->shm, c->iargv, rows, r);
}

/* ogr2ogr into a new file; then ogrinfo must count every row in it. */
static int ogr2ogr_once(const struct contender *c, long rows, struct bench_run *r)
{
    unlink(c->store);
    if (bench_run_child(c->oargv, r) != 0 || !WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
        fprintf(stderr, "bench_ingest: %s failed (status %d): %s\n", c->oargv[0], r->status, r->out);
        return -1;
    }
    struct bench_run count;
    char *info[] = {(char *)c->ogrinfo, "-so", (char *)c->store, "events", NULL};
    const char *at = NULL;
    if (bench_run_child(info, &count) != 0 || !(at = strstr(count.out, "Feature Count: ")) ||
        strtol(at + strlen("Feature Count: "), NULL, 10) != rows) {
        fprintf(stderr, "bench_ingest: %s does not hold %ld features: %s\n", c->store, rows, count.out);
        return -1;
    }
    return 0;
}

/* Rounds of A and B, alternating which goes first. */
static int versus(const struct contender side[2], int rounds, long rows)
{
    double wall[2][MAX_ROUNDS], cpu[2][MAX_ROUNDS], store[2][MAX_ROUNDS];
    for (int i = 0; i < rounds; i++) {
        for (int j = 0; j < 2; j++) {
            int which = (i % 2) ? 1 - j : j;
            struct bench_run r;
            if (side[which].run_once(&side[which], rows, &r) != 0) return 1;
            char what[64];
            snprintf(what, sizeof what, "round %d, %s", i + 1, which ? "B" : "A");
            struct stat sb;
            store[which][i] = stat(side[which].store, &sb) == 0 ? (double)sb.st_size / 1e6 : -1;
            print_run(what, rows, &r, store[which][i]);
            fflush(stdout);
            wall[which][i] = r.wall;
            cpu[which][i] = r.user + r.sys;
        }
    }
    double med_wall[2];
    for (int k = 0; k < 2; k++) {
        double w[MAX_ROUNDS], c[MAX_ROUNDS], st[MAX_ROUNDS];
        memcpy(w, wall[k], sizeof(double) * (size_t)rounds);
        memcpy(c, cpu[k], sizeof(double) * (size_t)rounds);
        memcpy(st, store[k], sizeof(double) * (size_t)rounds);
        /* median() sorts its array: the ranges below are its ends */
        med_wall[k] = median(w, rounds);
        double med_cpu = median(c, rounds), med_store = median(st, rounds);
        printf("%s %s: median %.2f s wall (%.2f-%.2f), %.0f rows/s; median %.2f CPU-s (%.2f-%.2f); "
               "median store %.1f MB (%.1f-%.1f)\n",
               k ? "B" : "A", side[k].label, med_wall[k], w[0], w[rounds - 1], rows / med_wall[k], med_cpu, c[0],
               c[rounds - 1], med_store, st[0], st[rounds - 1]);
    }
    printf("B/A wall time, medians: %.3f\n", med_wall[1] / med_wall[0]);
    if (side[1].run_once == ogr2ogr_once)
    {
        /* issue #6 quotes ogr2ogr at about 38 s for 1M such rows on its machine */
        double scale = 38.0 * ((double)rows / 1e6) / med_wall[1];
        printf("A on a machine where B takes the issue's 38 s per 1M rows, if both scale alike: %.2f s"
               " (%.0f rows/s)\n",
               med_wall[0] * scale, (double)rows / (med_wall[0] * scale));
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *durand = NULL, *templ = NULL, *work = "/tmp/durand-bench-ingest", *gen = NULL, *batch = NULL;
    const char *versus_durand = NULL, *ogr2ogr = NULL;
    long rows = 1000000, spots = 0, rounds = 3;
    bool second_source = false, want_phases = false, no_ids = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--second-source")) {
            second_source = true;
            continue;
        }
        if (!strcmp(a, "--phases")) {
            want_phases = true;
            continue;
        }
        if (!strcmp(a, "--no-ids")) {
            no_ids = true;
            continue;
        }
        if (!v) break;
        if (!strcmp(a, "--durand")) durand = v;
        else if (!strcmp(a, "--template")) templ = v;
        else if (!strcmp(a, "--rows")) rows = strtol(v, NULL, 10);
        else if (!strcmp(a, "--work")) work = v;
        else if (!strcmp(a, "--gen")) gen = v;
        else if (!strcmp(a, "--batch")) batch = v;
        else if (!strcmp(a, "--spots")) spots = strtol(v, NULL, 10);
        else if (!strcmp(a, "--versus")) versus_durand = v;
        else if (!strcmp(a, "--ogr2ogr")) ogr2ogr = v;
        else if (!strcmp(a, "--rounds")) rounds = strtol(v, NULL, 10);
        else break;
        i++;
    }
    if (!durand || !templ || rows <= 0 || spots < 0 || rounds < 1 || rounds > MAX_ROUNDS ||
        (ogr2ogr && (versus_durand || want_phases))) {
        fprintf(stderr, "usage: bench_ingest --durand PATH --template DB [--rows N] [--work DIR] [--gen PATH]"
                        " [--batch N] [--spots N] [--no-ids] [--second-source]"
                        " [--versus OTHER_DURAND | --ogr2ogr PATH [--rounds N]] [--phases]\n");
        return 2;
    }
    char gen_default[4096];
    if (!gen) {
        /* gen_acled is built beside this program */
        snprintf(gen_default, sizeof gen_default, "%s", argv[0]);
        char *slash = strrchr(gen_default, '/');
        snprintf(slash ? slash + 1 : gen_default, sizeof gen_default - (size_t)(slash ? slash + 1 - gen_default : 0),
                 "gen_acled");
        gen = gen_default;
    }
    if (mkdir(work, 0755) != 0 && errno != EEXIST) {
        perror(work);
        return 1;
    }
    char csv[4096], db[4096], wal[4200], shm[4200], nrows[32], nspots[32];
    const char *ids_suffix = no_ids ? "_noids" : "";
    if (spots) snprintf(csv, sizeof csv, "%s/acled_%ld_spots%ld%s.csv", work, rows, spots, ids_suffix);
    else snprintf(csv, sizeof csv, "%s/acled_%ld%s.csv", work, rows, ids_suffix);
    snprintf(nspots, sizeof nspots, "%ld", spots);
    snprintf(db, sizeof db, "%s/bench.sqlite", work);
    snprintf(wal, sizeof wal, "%s-wal", db);
    snprintf(shm, sizeof shm, "%s-shm", db);
    snprintf(nrows, sizeof nrows, "%ld", rows);
    struct stat sb;
    struct bench_run r;
    if (stat(csv, &sb) != 0) {
        char *gargv[] = {(char *)gen, nrows, csv, nspots, no_ids ? "--no-ids" : NULL, NULL};
        if (bench_run_child(gargv, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
            fprintf(stderr, "bench_ingest: %s failed\n", gen);
            return 1;
        }
        stat(csv, &sb);
    }
    char own[2][4200];
    snprintf(own[0], sizeof own[0], "%s/template-A.sqlite", work);
    snprintf(own[1], sizeof own[1], "%s/template-B.sqlite", work);
    if (own_template(durand, templ, own[0]) != 0 ||
        (versus_durand && own_template(versus_durand, templ, own[1]) != 0))
        return 1;
    unlink(wal);
    unlink(shm);
    if (bench_copy_file(own[0], db) != 0) {
        fprintf(stderr, "bench_ingest: cannot copy %s to %s\n", own[0], db);
        return 1;
    }
    char *iargv[16];
    int k = 0;
    iargv[k++] = (char *)durand;
    iargv[k++] = "--db";
    iargv[k++] = db;
    if (!want_phases) iargv[k++] = "--quiet"; /* --phases times the progress line */
    iargv[k++] = "ingest";
    int csv_at = k;
    iargv[k++] = csv;
    iargv[k++] = "--report";
    iargv[k++] = "json";
    if (batch) {
        iargv[k++] = "--batch";
        iargv[k++] = (char *)batch;
    }
    iargv[k] = NULL;

    char la0[32], la1[32];
    if (want_phases) {
        bench_loadavg(la0, sizeof la0);
        printf("bench_ingest: %ld rows (%.0f MB) from %s, phases\n", rows, (double)sb.st_size / 1e6, csv);
        int rc = phases(iargv, rows);
        bench_loadavg(la1, sizeof la1);
        printf("load average %s before, %s after\n", la0, la1);
        return rc;
    }
    if (versus_durand) {
        bench_loadavg(la0, sizeof la0);
        printf("bench_ingest: %ld rows (%.0f MB) from %s; A = %s, B = %s\n", rows, (double)sb.st_size / 1e6, csv,
               durand, versus_durand);
        struct contender side[2] = {
            {.label = durand, .store = db, .run_once = durand_once, .templ = own[0], .wal = wal, .shm = shm,
             .iargv = iargv},
            {.label = versus_durand, .store = db, .run_once = durand_once, .templ = own[1], .wal = wal, .shm = shm,
             .iargv = iargv}};
        int rc = versus(side, (int)rounds, rows);
        bench_loadavg(la1, sizeof la1);
        printf("load average %s before, %s after\n", la0, la1);
        return rc;
    }
    if (ogr2ogr) {
        /* the same CSV into a new SpatiaLite file, points from the two
         * coordinate columns, field types guessed: a plain load, no checks */
        char out[4200], ogrinfo[4096];
        snprintf(out, sizeof out, "%s/ogr2ogr.sqlite", work);
        snprintf(ogrinfo, sizeof ogrinfo, "%s", ogr2ogr);
        char *slash = strrchr(ogrinfo, '/');
        snprintf(slash ? slash + 1 : ogrinfo, sizeof ogrinfo - (size_t)(slash ? slash + 1 - ogrinfo : 0), "ogrinfo");
        char *oargv[] = {(char *)ogr2ogr, "-q", "-f", "SQLite", "-dsco", "SPATIALITE=YES", out, csv,
                         "-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude",
                         "-oo", "AUTODETECT_TYPE=YES", "-a_srs", "EPSG:4326", "-nln", "events", NULL};
        bench_loadavg(la0, sizeof la0);
        printf("bench_ingest: %ld rows (%.0f MB) from %s; A = %s, B = %s:", rows, (double)sb.st_size / 1e6, csv,
               durand, ogr2ogr);
        for (char **a = oargv + 1; *a; a++) printf(" %s", *a);
        putchar('\n');
        struct contender side[2] = {
            {.label = durand, .store = db, .run_once = durand_once, .templ = own[0], .wal = wal, .shm = shm,
             .iargv = iargv},
            {.label = ogr2ogr, .store = out, .run_once = ogr2ogr_once, .oargv = oargv, .ogrinfo = ogrinfo}};
        int rc = versus(side, (int)rounds, rows);
        unlink(out);
        bench_loadavg(la1, sizeof la1);
        printf("load average %s before, %s after\n", la0, la1);
        return rc;
    }
    bench_loadavg(la0, sizeof la0);
    printf("bench_ingest: %ld rows (%.0f MB) from %s\n", rows, (double)sb.st_size / 1e6, csv);
    if (bench_run_child(iargv, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
        fprintf(stderr, "bench_ingest: durand ingest failed (status %d): %s\n", r.status, r.out);
        return 1;
    }
    long stored = report_field(r.out, "stored");
    print_run("first ingest", rows, &r, -1);
    if (stored != rows) {
        fprintf(stderr, "bench_ingest: %ld of %ld rows stored: %s\n", stored, rows, r.out);
        return 1;
    }
    if (bench_run_child(iargv, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
        fprintf(stderr, "bench_ingest: second ingest failed: %s\n", r.out);
        return 1;
    }
    print_run("again (all stored)", rows, &r, -1);
    if (report_field(r.out, "duplicates") != rows) {
        fprintf(stderr, "bench_ingest: the second run stored something: %s\n", r.out);
        return 1;
    }
    if (second_source) {
        char other[4200];
        snprintf(other, sizeof other, "%s.second.csv", csv);
        if (write_second_source(csv, other) != 0) return 1;
        iargv[csv_at] = other;
        if (bench_run_child(iargv, &r) != 0 || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
            fprintf(stderr, "bench_ingest: the second source failed: %s\n", r.out);
            return 1;
        }
        print_run("second source, dedupe", rows, &r, -1);
        unlink(other);
        if (report_field(r.out, "stored") != rows) {
            fprintf(stderr, "bench_ingest: the second source was not stored whole: %s\n", r.out);
            return 1;
        }
    }
    bench_loadavg(la1, sizeof la1);
    stat(db, &sb);
    printf("database %.0f MB; load average %s before, %s after\n", (double)sb.st_size / 1e6, la0, la1);
    return 0;
}

/** @file bench_store.c
 * What storing costs, apart from everything else `durand ingest` does: the
 * store's own write path (src/store/events.c) fed N events that already
 * carry every derived field, in the batches and with the bulk switch that
 * the ingest pipeline uses, timed phase by phase:
 *   - upsert: dn_store_event_upsert of each event (the INSERT, its uid
 *     index and triggers);
 *   - R*Tree: dn_store_events_batch_end (the batch's entries of the
 *     SpatiaLite spatial index, one INSERT ... SELECT a batch; nothing
 *     once the bulk load has begun, after the first 20,000 events);
 *   - commit: dn_store_commit (WAL write and sync);
 *   - indexes: dn_store_events_bulk_end (the five secondary indexes built
 *     once at the end, and the whole R*Tree packed, as a bulk load does);
 * then the packing of the R*Tree alone (store/rtree_pack.c, the same tree
 * packed once more), and, as the floor of a tree built by inserts, SQLite's
 * R*Tree alone: the same N points inserted into a fresh in-memory rtree
 * table in one statement.
 *
 * It answers whether a store change alone could make ingest meet a rate:
 * at R rows/s each row may cost at most 1/R seconds of all the work.
 *
 *   bench_store [N] [--batch B] [--work DIR]
 *
 * Synthetic events: ACLED-shaped (uid, source, dates 2015-2024, ~120-byte
 * notes, actors), points spread over a 0.2° square at each of the seven
 * border places bench/gen_acled uses (bench_ingest's default rows, so the
 * two benchmarks' R*Trees see the same points); deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "core/event.h"
#include "store/events.h"
#include "store/store.h"

static unsigned long long rng = 0x2545F4914F6CDD1Dull;

static double frand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}

/* The phases count the writer's thread only: a bulk load's WAL
 * checkpoints run in a thread of their own (store/checkpointer.c), and
 * counting them in whichever phase was being timed would blur the split;
 * the whole loop's line counts the process. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double process_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(dn_ctx *ctx, dn_status s, const char *what)
{
    if (s == DN_OK) return;
    fprintf(stderr, "bench_store: %s: %s\n", what, dn_ctx_errmsg(ctx));
    exit(1);
}

static void set(char **member, const char *value)
{
    if (!dn_event_set(member, value)) {
        fprintf(stderr, "bench_store: out of memory\n");
        exit(1);
    }
}

static const struct {
    const char *country, *province, *district;
    double lat, lon;
} places[] = {
    {"PAK", "Khyber Pakhtunkhwa", "Bajaur", 34.733, 71.526},
    {"PAK", "Khyber Pakhtunkhwa", "North Waziristan", 33.0003, 70.0708},
    {"PAK", "Khyber Pakhtunkhwa", "Kurram", 33.8992, 70.1008},
    {"PAK", "Balochistan", "Qilla Abdullah", 30.921, 66.4597},
    {"AFG", "Khost", "Tani", 33.287, 69.8386},
    {"AFG", "Nangarhar", "Dur Baba", 34.0151, 70.613},
    {"AFG", "Kunar", "Dangam", 34.9917, 71.4167}};
static const char *const types[] = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"};

/* One event as the pipeline hands it to the store: read, located, checked. */
static void make_event(struct dn_event *ev, long i)
{
    char buf[256];
    dn_event_clear(ev);
    snprintf(buf, sizeof buf, "acled:AFG%ld", 100000 + i);
    set(&ev->uid, buf);
    set(&ev->source_id, buf + 6);
    set(&ev->source_kind, "acled");
    set(&ev->source, "bench.csv");
    snprintf(buf, sizeof buf, "line %ld", i + 2);
    set(&ev->source_ref, buf);
    snprintf(buf, sizeof buf, "%016llx%016llx", rng, rng * 31);
    set(&ev->row_hash, buf);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", 2015 + (int)(frand() * 10), 1 + (int)(frand() * 12),
             1 + (int)(frand() * 28));
    set(&ev->date, buf);
    ev->date_precision = DN_DATE_DAY;
    set(&ev->type, types[i % 4]);
    set(&ev->sub_type, "Armed clash");
    set(&ev->actor1, "Military Forces of Pakistan (2018-)");
    set(&ev->actor2, "Unidentified Armed Group (Afghanistan)");
    size_t at = (size_t)i % (sizeof places / sizeof places[0]);
    const char *prov = places[at].province;
    set(&ev->place, places[at].district);
    set(&ev->country, places[at].country);
    set(&ev->province, prov);
    set(&ev->district, places[at].district);
    ev->has_coords = true;
    ev->lon = places[at].lon - 0.1 + frand() * 0.2;
    ev->lat = places[at].lat - 0.1 + frand() * 0.2;
    ev->precision = DN_PREC_POINT;
    ev->radius_km = 1.0;
    ev->fatalities = (int)(frand() * 6);
    snprintf(ev->side, sizeof ev->side, "%s", ev->country);
    ev->side_certain = true;
    ev->border_km = frand() * 300;
    set(&ev->band, "10-50 km");
    set(&ev->crossing, "Torkham");
    ev->crossing_km = frand() * 400;
    snprintf(buf, sizeof buf,
             "On %s an armed group attacked a checkpoint near %s; %d people were reported killed and others "
             "wounded.", ev->date, prov, ev->fatalities);
    set(&ev->notes, buf);
}

struct phases {
    double upsert, rtree, commit, indexes;
};

static void store_events(dn_ctx *ctx, long n, long batch, struct phases *ph)
{
    struct dn_event ev;
    dn_event_init(&ev);
    struct dn_dedupe_opts no_dedupe = {0};
    bool bulk = false;
    for (long i = 0; i < n;) {
        check(ctx, dn_store_begin(ctx), "begin");
        check(ctx, dn_store_events_batch_begin(ctx), "batch begin");
        if (!bulk && i >= 20000) {
            /* the pipeline's switch (maybe_go_bulk): a big file into a store it more than doubles */
            check(ctx, dn_store_events_bulk_begin(ctx, DN_BULK_DROP_INDEXES), "bulk begin");
            bulk = true;
        }
        for (long k = 0; k < batch && i < n; k++, i++) {
            make_event(&ev, i); /* outside the timed part */
            double t = cpu_s();
            enum dn_upsert_result what;
            check(ctx, dn_store_event_upsert(ctx, &ev, &no_dedupe, &what, NULL), "upsert");
            ph->upsert += cpu_s() - t;
            if (what != DN_UPSERT_INSERTED) {
                fprintf(stderr, "bench_store: event %ld not inserted\n", i);
                exit(1);
            }
        }
        double t = cpu_s();
        check(ctx, dn_store_events_batch_end(ctx), "batch end");
        ph->rtree += cpu_s() - t;
        t = cpu_s();
        check(ctx, dn_store_commit(ctx), "commit");
        ph->commit += cpu_s() - t;
    }
    double t = cpu_s();
    check(ctx, dn_store_begin(ctx), "begin");
    check(ctx, dn_store_events_bulk_end(ctx), "bulk end");
    check(ctx, dn_store_commit(ctx), "commit");
    ph->indexes += cpu_s() - t;
    dn_event_clear(&ev);
}

/* SQLite's R*Tree alone: the same points, copied first into an in-memory
 * table, then into a fresh in-memory rtree in one statement (timed). */
static double rtree_floor(dn_ctx *ctx)
{
    sqlite3 *db = dni_db(ctx);
    char *err = NULL;
    if (sqlite3_exec(db,
                     "ATTACH ':memory:' AS floor;"
                     "CREATE TABLE floor.p AS SELECT id, lon, lat FROM main.events WHERE lon IS NOT NULL;"
                     "CREATE VIRTUAL TABLE floor.r USING rtree(pkid, xmin, xmax, ymin, ymax);",
                     NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "bench_store: %s\n", err ? err : "rtree setup");
        exit(1);
    }
    double t = cpu_s();
    if (sqlite3_exec(db, "INSERT INTO floor.r SELECT id, lon, lon, lat, lat FROM floor.p", NULL, NULL, &err) !=
        SQLITE_OK) {
        fprintf(stderr, "bench_store: %s\n", err ? err : "rtree insert");
        exit(1);
    }
    t = cpu_s() - t;
    sqlite3_exec(db, "DETACH floor", NULL, NULL, NULL);
    return t;
}

static void row(const char *what, double s, long n)
{
    printf("  %-34s %7.2f CPU-s  %6.2f us/row  (alone: %9.0f rows/s)\n", what, s, s / n * 1e6, n / s);
}

int main(int argc, char **argv)
{
    long n = 1000000, batch = 10000;
    const char *work = "/tmp";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--work") && i + 1 < argc) work = argv[++i];
        else n = strtol(argv[i], NULL, 10);
    }
    if (n <= 0 || batch <= 0) {
        fprintf(stderr, "usage: bench_store [N] [--batch B] [--work DIR]\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/bench-store-%ld.sqlite", work, (long)getpid());
    dn_ctx *ctx = NULL;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;
    check(ctx, dn_store_open(ctx, path, DN_STORE_CREATE), "open");
    /* the pipeline's settings for an ingest run (dn_ingest_paths) */
    check(ctx, dn_store_exec(ctx, "PRAGMA cache_size = -65536"), "pragma");
    check(ctx, dn_store_exec(ctx, "PRAGMA temp_store = MEMORY"), "pragma");

    struct phases ph = {0};
    double w = wall_s(), c = process_cpu_s();
    store_events(ctx, n, batch, &ph);
    w = wall_s() - w;
    c = process_cpu_s() - c;
    /* the packing part of the bulk end, alone: the same tree packed again */
    double pack = cpu_s();
    check(ctx, dn_store_begin(ctx), "begin");
    check(ctx, dn_store_events_rtree_pack(ctx), "pack");
    check(ctx, dn_store_commit(ctx), "commit");
    pack = cpu_s() - pack;
    double floor = rtree_floor(ctx);
    printf("bench_store: %ld events, batches of %ld, into %s\n", n, batch, path);
    row("upsert (INSERT, uid index, triggers)", ph.upsert, n);
    row("R*Tree entries (batch end; none in bulk)", ph.rtree, n);
    row("commit", ph.commit, n);
    row("indexes, packed R*Tree (bulk end)", ph.indexes, n);
    row("  (the packing alone, once more)", pack, n);
    double stored = ph.upsert + ph.rtree + ph.commit + ph.indexes;
    row("store total (the writer's thread)", stored, n);
    printf("  (whole loop incl. making the events: %.2f CPU-s of the process, %.2f s wall)\n", c, w);
    row("floor: SQLite R*Tree alone, in memory", floor, n);
    dn_ctx_free(ctx);
    char side[4200];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    return 0;
}

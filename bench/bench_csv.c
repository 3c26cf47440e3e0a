/** @file bench_csv.c
 * Parse-only throughput of the event-table reader on an ACLED-shaped file
 * (make one with gen_acled): first the CSV tokenizer alone (records/s,
 * MB/s), then the whole ACLED reader (rows → dn_event with date, count and
 * coordinate parsing, hashing, uids). Also prints peak RSS to show that
 * memory stays flat however many rows the file has.
 *   bench_csv FILE.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "core/event.h"
#include "ingest/csv_reader.h"
#include "ingest/ingest.h"

/* CPU seconds of this process: on a shared, loaded machine wall-clock time
 * measures the neighbours; both are printed. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_csv FILE.csv\n");
        return 2;
    }
    struct stat sb;
    if (stat(argv[1], &sb) != 0) {
        perror(argv[1]);
        return 1;
    }
    double mb = (double)sb.st_size / 1e6;
    dn_ctx *ctx;
    if (dn_ctx_new(&ctx) != DN_OK) return 1;

    /* 1. tokenizer only */
    FILE *fp = fopen(argv[1], "rb");
    struct dn_csv *c;
    if (!fp || dn_csv_open(ctx, fp, argv[1], NULL, &c) != DN_OK) return 1;
    long records = 0, bad = 0;
    double t0 = now(), c0 = cpu();
    for (;;) {
        struct dn_csv_record rec;
        bool done;
        dn_status s = dn_csv_next(c, &rec, &done);
        if (s == DN_ERR_INPUT) {
            bad++;
            continue;
        }
        if (s != DN_OK || done) break;
        records++;
    }
    double t1 = now(), c1 = cpu();
    dn_csv_close(c);
    fclose(fp);
    printf("csv tokenizer: %ld records (%ld rejected): wall %.3f s = %.0f records/s (%.0f MB/s); "
           "cpu %.3f s = %.0f records/s (%.0f MB/s)\n",
           records, bad, t1 - t0, (double)records / (t1 - t0), mb / (t1 - t0), c1 - c0,
           (double)records / (c1 - c0), mb / (c1 - c0));

    /* 2. the ACLED reader, rows → dn_event */
    struct dn_reader *r;
    if (dn_reader_open(ctx, argv[1], NULL, &r) != DN_OK) {
        fprintf(stderr, "%s\n", dn_ctx_errmsg(ctx));
        return 1;
    }
    struct dn_event ev;
    dn_event_init(&ev);
    long events = 0, rejected = 0;
    t0 = now();
    c0 = cpu();
    for (;;) {
        bool done;
        dn_status s = dn_reader_next(r, &ev, &done);
        if (s == DN_ERR_INPUT) {
            rejected++;
            continue;
        }
        if (s != DN_OK || done) break;
        events++;
    }
    t1 = now();
    c1 = cpu();
    dn_event_clear(&ev);
    double rows = (double)(events + rejected);
    printf("%s reader → dn_event: %ld events (%ld rejected): wall %.3f s = %.0f rows/s; cpu %.3f s = %.0f rows/s\n",
           dn_ingest_format_name(dn_reader_format(r)), events, rejected, t1 - t0, rows / (t1 - t0), c1 - c0,
           rows / (c1 - c0));
    dn_reader_close(r);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("file %.1f MB, peak RSS %.1f MB\n", mb, (double)ru.ru_maxrss / 1024.0);
    dn_ctx_free(ctx);
    return 0;
}

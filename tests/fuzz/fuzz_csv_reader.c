/** @file fuzz_csv_reader.c
 * libFuzzer target for the whole table-reading path: bytes → in-memory
 * FILE* (fmemopen) → dn_reader_open_stream → dn_reader_next until the end.
 * The first byte picks the format (auto, acled, ucdp, csv), the date order
 * and a small or default record cap, so one corpus reaches every reader.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "ingest/ingest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dn_ctx *ctx; /* one per process: creating GEOS/PROJ/GDAL state per input would dominate */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (dn_ctx_new(&ctx) != DN_OK) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    uint8_t sel = data[0];
    static const char *const map[] = {"date=when", "place=where", "killed=dead"};
    struct dn_reader_opts opts = {
        .format = (enum dn_ingest_format)(sel & 3), /* auto, acled, ucdp, csv */
        .date_order = (enum dn_date_order)((sel >> 2) % 3),
        .max_record_bytes = (sel & 0x20) ? 256 : 0,
        .map = map,
        .nmap = (sel & 0x40) ? 3 : 0,
    };
    FILE *fp = fmemopen((void *)(data + 1), size - 1, "rb");
    if (!fp) return 0;
    struct dn_reader *r = NULL;
    dn_status s = dn_reader_open_stream(ctx, fp, "fuzz.csv", &opts, &r);
    if (s == DN_OK) {
        struct dn_event ev;
        dn_event_init(&ev);
        bool done = false;
        long guard = 0;
        while (!done && guard++ < 1000000) {
            s = dn_reader_next(r, &ev, &done);
            if (s == DN_ERR_INPUT) {
                const struct dn_reject *rj = dn_reader_reject(r);
                if (!rj->field || !rj->reason || rj->line < 1) abort();
                continue;
            }
            if (s != DN_OK) break;
            if (!done && (!ev.uid || !ev.row_hash || !ev.source_ref)) abort();
        }
        dn_event_clear(&ev);
        struct dn_reader_stats st = dn_reader_stats(r);
        if (st.events + st.rejected > st.rows + 1) abort();
    } else if (r) {
        abort(); /* a failed open must not hand out a reader */
    }
    dn_reader_close(r);
    fclose(fp);
    return 0;
}

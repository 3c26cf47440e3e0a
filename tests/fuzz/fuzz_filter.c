/** @file fuzz_filter.c
 * libFuzzer target for the command line's filter parsers (--near, --radius,
 * --bbox, --from/--to, --border-km, --side, --in, --type, --actor,
 * --min-fatalities, --precision, --side-certain) and `check --bands`:
 * dn_filter_set with every filter id, then the combination checks, place
 * and region resolution on the test gazetteer (tests/data/mini-geodata in
 * an in-memory store), and the generated SQL run against a few stored
 * events. The input is lines "<id byte><value>": the id byte picks the
 * option (modulo the number of options), the rest of the line is its value.
 * Checks beyond "no crash": a refused value leaves a message, an accepted
 * filter always produces SQL that SQLite prepares and runs, and every row
 * it returns honours the --bbox and --min-fatalities given.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "border/border.h"
#include "core/core.h"
#include "core/event.h"
#include "geodata/geodata.h"
#include "query/filter_internal.h"
#include "store/events.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dn_ctx *ctx;

static void add_event(int i, double lon, double lat, const char *date, const char *type, const char *actor, int dead)
{
    struct dn_event ev;
    dn_event_init(&ev);
    char uid[32];
    snprintf(uid, sizeof uid, "fuzz:%d", i);
    if (!dn_event_set(&ev.uid, uid) || !dn_event_set(&ev.source_kind, "csv") || !dn_event_set(&ev.source, "fuzz") ||
        !dn_event_set(&ev.date, date) || !dn_event_set(&ev.type, type) || !dn_event_set(&ev.actor1, actor))
        abort();
    ev.date_precision = DN_DATE_DAY;
    ev.has_coords = true;
    ev.lon = lon;
    ev.lat = lat;
    ev.precision = DN_PREC_TOWN;
    ev.radius_km = 2;
    ev.fatalities = dead;
    struct dn_dedupe_opts no_dedupe = {.enabled = false};
    enum dn_upsert_result what;
    if (dn_border_check_event(ctx, &ev) != DN_OK || dn_store_event_upsert(ctx, &ev, &no_dedupe, &what, NULL) != DN_OK)
        abort();
    dn_event_clear(&ev);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (dn_ctx_new(&ctx) != DN_OK || dni_set_geodata_dir(ctx, DN_FUZZ_MINI_GEODATA) != DN_OK ||
        dn_store_open(ctx, ":memory:", DN_STORE_CREATE) != DN_OK || dn_geodata_load(ctx, false, NULL) != DN_OK ||
        dn_store_begin(ctx) != DN_OK)
        abort();
    add_event(1, 69.92, 33.34, "2021-03-04", "Battles", "Taliban", 3);
    add_event(2, 70.07, 33.01, "2022-11-30", "Explosions/Remote violence", "TTP", 0);
    add_event(3, 66.40, 31.01, "2019-01-01", "Protests", "Protesters (Pakistan)", -1);
    add_event(4, 71.15, 34.80, "2023-06-15", "Riots", "100%_\\ group", 12);
    add_event(5, -179.9, -89.9, "1900-02-28", "Battles", "'; DROP TABLE events; --", 7);
    if (dn_store_commit(ctx) != DN_OK) abort();
    return 0;
}

struct seen {
    const struct dn_filter *f;
    long rows;
};

static dn_status on_row(void *ud, sqlite3_stmt *row)
{
    struct seen *sn = ud;
    const struct dn_filter *f = sn->f;
    sn->rows++;
    double lat = sqlite3_column_double(row, DN_EVCOL_LAT), lon = sqlite3_column_double(row, DN_EVCOL_LON);
    if (f->has_bbox && (lon < f->bbox[0] || lon > f->bbox[2] || lat < f->bbox[1] || lat > f->bbox[3])) abort();
    if (f->has_min_fatalities && (sqlite3_column_type(row, DN_EVCOL_FATALITIES) == SQLITE_NULL ||
                                  sqlite3_column_int64(row, DN_EVCOL_FATALITIES) < f->min_fatalities))
        abort();
    return DN_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    struct dn_filter *f = NULL;
    if (dn_filter_new(ctx, &f) != DN_OK) abort();
    enum { NOPTS = DN_FILTER_OPT_END - DN_FILTER_OPT_BASE + 1 }; /* + check --bands */
    bool ok = true;
    for (char *line = copy; line && ok;) {
        char *nl = memchr(line, '\n', (size_t)(copy + size - line));
        if (nl) *nl = '\0';
        if (*line) {
            int pick = (unsigned char)line[0] % NOPTS;
            const char *value = line + 1;
            dn_status s;
            if (pick == NOPTS - 1) {
                s = dn_border_parse_bands(ctx, value);
            } else {
                int id = DN_FILTER_OPT_BASE + pick;
                /* --side-certain takes no value; give it one when the line has one */
                s = dn_filter_set(ctx, f, id, id == DN_FILTER_SIDE_CERTAIN && !*value ? NULL : value);
            }
            if (s != DN_OK) {
                if (s != DN_ERR_USAGE || !*dn_ctx_errmsg(ctx)) abort();
                ok = false;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (ok && dn_filter_check(ctx, f) == DN_OK) {
        dn_status s = dn_filter_resolve(ctx, f);
        if (s == DN_OK) {
            struct seen sn = {f, 0};
            s = dn_filter_each(ctx, f, dn_filter_has_near(f) ? DN_FILTER_ORDER_DISTANCE : NULL, 10, on_row, &sn);
            if (s != DN_OK || sn.rows > 5) {
                fprintf(stderr, "fuzz_filter: status %d, %ld rows: %s\n", (int)s, sn.rows, dn_ctx_errmsg(ctx));
                abort();
            }
        } else if (s != DN_ERR_USAGE) {
            abort();
        }
    }
    dni_clear_error(ctx);
    dn_filter_free(f);
    /* the bands are context state: back to the defaults for the next input */
    dn_border_parse_bands(ctx, "10,25,50,100");
    free(copy);
    return 0;
}

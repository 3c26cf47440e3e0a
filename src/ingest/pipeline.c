/** @file pipeline.c
 * The ingest run: files → readers → geocoder → admin areas → Durand Line
 * check → store, in batched transactions. The store side (store_side.h)
 * runs on this thread for articles, and on a writer thread with its own
 * connection for event tables (writer_thread.h).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "border/admin.h"
#include "core/core.h"
#include "core/geo.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/normalize.h"
#include "ingest/coord_checks.h"
#include "ingest/pipeline.h"
#include "ingest/point_memo.h"
#include "ingest/reader_impl.h"
#include "ingest/rejects_file.h"
#include "ingest/store_side.h"
#include "ingest/text_source.h"
#include "ingest/writer_thread.h"
#include "store/store.h"

enum { DEFAULT_BATCH = 10000, PROGRESS_EVERY = 5000, BULK_MIN_ROWS = 20000 };

struct run {
    dn_ctx *ctx;
    const struct dn_ingest_opts *opts;
    struct dn_ingest_report *rep;
    struct dni_rejects_file rejects;
    long progress_at;
    const char *file; /* file being read */
    struct dni_text_finder finder;
    struct dni_placeholders placeholders;
    struct dni_point_memo *points; /* located points; NULL: none kept */
    struct dni_store_side side;    /* the store on this thread's connection: articles, and tables without a writer */
    struct dni_writer *writer;     /* tables: the store on a thread of its own; NULL: none (yet) */
    bool writer_tried;             /* started, or found impossible, once per run */
    bool warmed_up;                /* warm_up ran (at the first row or article) */
    long long events_at_start;     /* events in the store when the run began */
    long failed_io;                /* files that failed for an I/O error (of rep->failed_files) */
    struct seen_dir *dirs;         /* the directories walked so far, each once */
    size_t ndirs, dirs_cap;
};

/* A directory walked by the run: a symbolic link back up the tree (or a
 * second link to one) names it again, and is passed over. */
struct seen_dir {
    dev_t dev;
    ino_t ino;
    char *path; /* as first walked, for the warning */
};

/* DURAND_BULK_MIN_ROWS lowers the threshold so that tests can kill or read
 * a bulk load without a file of BULK_MIN_ROWS rows (crash and concurrent
 * read tests); anything but a positive number leaves the default. */
static long bulk_min_rows(void)
{
    const char *v = getenv("DURAND_BULK_MIN_ROWS");
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *v && end && !*end && n > 0 ? n : BULK_MIN_ROWS;
}

/* DURAND_INGEST_THREADS=1 stores tables on the pipeline's own thread, as
 * articles are (for comparisons: bench_ingest --versus, the tests of
 * both paths). */
static bool writer_wanted(void)
{
    const char *v = getenv("DURAND_INGEST_THREADS");
    return !v || strcmp(v, "1") != 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The store's counts: this thread's side and the writer's; tells people
 * of a file turned into a bulk load. Returns whether the writer's file is
 * a bulk load. */
static bool count_stored(struct run *r)
{
    struct dni_writer_news wn = {0};
    if (r->writer) dni_writer_news(r->writer, &wn);
    r->rep->stored = r->side.stored + wn.stored;
    r->rep->updated = r->side.updated + wn.updated;
    r->rep->duplicates = r->side.duplicates + wn.duplicates;
    enum dni_bulk_news news = r->side.bulk_news != DNI_BULK_NONE ? r->side.bulk_news : wn.bulk_news;
    r->side.bulk_news = DNI_BULK_NONE;
    if (news != DNI_BULK_NONE)
        dni_info(r->ctx, "%s: bulk load: %s once the file is read", base_name(r->file),
                 news == DNI_BULK_REBUILD_INDEXES
                     ? "the events indexes are rebuilt and the spatial index packed"
                     : "the spatial index is packed and two of the events indexes rebuilt");
    return wn.bulk;
}

static void say_building_indexes(struct run *r)
{
    if (r->progress_at > 0) {
        static const char msg[] = "\r\033[Kdurand: building the events' indexes";
        dni_out(r->ctx, DN_OUT_PROGRESS, msg, sizeof msg - 1);
    }
}

/* ---- reporting ------------------------------------------------------------- */

/* Warn and write the rejects file; counting is the caller's. */
static void report_problem(struct run *r, const char *file, long line, const char *field, const char *reason)
{
    if (line > 0) dni_warn(r->ctx, "%s:%ld: %s: %s", file, line, field ? field : "row", reason);
    else if (!field) dni_warn(r->ctx, "%s", reason); /* the message names the file already */
    else dni_warn(r->ctx, "%s: %s: %s", file, field ? field : "file", reason);
    if (!r->rejects.fp) return;
    struct dn_strbuf b = {0};
    dn_strbuf_csv_field(&b, file);
    dn_strbuf_printf(&b, ",%ld,", line);
    dn_strbuf_csv_field(&b, field ? field : (line > 0 ? "row" : "file"));
    dn_strbuf_putc(&b, ',');
    dn_strbuf_csv_field(&b, reason);
    dn_strbuf_puts(&b, "\r\n");
    if (!b.failed) fwrite(b.data, 1, b.len, r->rejects.fp);
    dn_strbuf_free(&b);
}

static void progress(struct run *r)
{
    long n = r->rep->read;
    if (n - r->progress_at < PROGRESS_EVERY) return;
    r->progress_at = n;
    count_stored(r); /* a writer thread's count trails the rows read by up to three of its batches */
    char buf[512];
    int len = snprintf(buf, sizeof buf, "\rdurand: %s: %ld rows read, %ld stored, %ld rejected", base_name(r->file), n,
                       r->rep->stored + r->rep->updated, r->rep->rejected);
    if (len > 0) dni_out(r->ctx, DN_OUT_PROGRESS, buf, (size_t)len < sizeof buf ? (size_t)len : sizeof buf - 1);
}

static void progress_done(struct run *r)
{
    if (r->progress_at > 0) dni_out(r->ctx, DN_OUT_PROGRESS, "\r\033[K", 4);
    r->progress_at = 0;
}

static void reject(struct run *r, const char *file, long line, const char *field, const char *reason)
{
    r->rep->rejected++;
    report_problem(r, file, line, field, reason);
}

/* ---- one event ------------------------------------------------------------- */

/* Whether the geocoder cannot read `v` as a name (dn_name_key's checks). */
static bool unreadable_name(const char *v)
{
    if (!v || !*v) return false;
    struct dn_strbuf key = {0};
    bool bad = dn_name_key(NULL, v, strlen(v), &key) == DN_ERR_INPUT;
    dn_strbuf_free(&key);
    return bad;
}

/* The column (a table's own name for it, else durand's field name) of
 * the row's value the geocoder refused: the admin names in the order it
 * reads them, then the place. "row" when none of them is to blame. */
static const char *unreadable_field(const struct dn_event *ev, const struct dn_reader *rd)
{
    static const struct {
        enum dni_field f;
        size_t offset;
    } fields[] = {{DNF_PROVINCE, offsetof(struct dn_event, province_hint)},
                  {DNF_DISTRICT, offsetof(struct dn_event, district_hint)},
                  {DNF_PLACE, offsetof(struct dn_event, place)}};
    for (size_t i = 0; i < DN_ARRAY_LEN(fields); i++) {
        const char *v = *(char *const *)((const char *)ev + fields[i].offset);
        if (!unreadable_name(v)) continue;
        int c = rd ? rd->col[fields[i].f] : -1;
        return c >= 0 && rd->header_raw ? rd->header_raw[c] : dn_ingest_field_names()[fields[i].f];
    }
    return "row";
}

/* The line (CSV) or feature number (OGR) of the row just read, as the
 * readers' own rejects give it; 0 for an article's event (no line). */
static long row_line(const struct dn_reader *rd, const struct dn_event *ev)
{
    if (!rd) return 0;
    if (rd->format == DN_INGEST_OGR) return rd->feature_no;
    const char *ref = ev->source_ref ? ev->source_ref : "";
    while (*ref && (*ref < '0' || *ref > '9')) ref++;
    return strtol(ref, NULL, 10);
}

/* A value of the row the geocoder cannot read (DN_ERR_INPUT from
 * dni_ingest_locate_event: a province or district name over DN_NAME_MAX
 * bytes, say) rejects that row, naming the column; the file goes on. */
static void reject_unreadable(struct run *r, const char *file, const struct dn_reader *rd, const struct dn_event *ev)
{
    char reason[256];
    snprintf(reason, sizeof reason, "%s", dn_ctx_errmsg(r->ctx));
    dni_clear_error(r->ctx);
    reject(r, file, row_line(rd, ev), unreadable_field(ev, rd), reason);
}

/* A name worth remembering at the row's point: the source gave both, the
 * gazetteer does not know that name there, and nothing casts doubt on the
 * point (a polygon's centroid, a placeholder, a swap, a conflict with the
 * place the name resolves to — unless that is a namesake elsewhere). */
static bool learnable(const struct run *r, const struct dn_event *ev, bool source_coords)
{
    if (r->opts->no_learn || !source_coords || !ev->has_coords || !ev->place || !*ev->place || ev->place_id)
        return false;
    if (ev->precision != DN_PREC_POINT && ev->precision != DN_PREC_TOWN) return false;
    static const char *const untrusted[] = {"swapped_coords", "coord_conflict", "zero_coords", "country_centroid_coords",
                                            "geometry_centroid", "bad_place_name"};
    const char *flags = ev->flags ? ev->flags : "";
    for (size_t i = 0; i < DN_ARRAY_LEN(untrusted); i++)
        if (strstr(flags, untrusted[i])) return false;
    return !strstr(flags, "place_far_from_coords") || strstr(flags, "place_namesake_elsewhere");
}

/* A point standing for a province or a country says nothing about the
 * district (or province) it happens to fall in. */
static void coarsen_admin(struct dn_event *ev)
{
    if (ev->precision == DN_PREC_COUNTRY) {
        dn_event_set(&ev->province, NULL);
        dn_event_set(&ev->province_code, NULL);
    }
    if (ev->precision == DN_PREC_COUNTRY || ev->precision == DN_PREC_PROVINCE) dn_event_set(&ev->district, NULL);
}

static dn_status learn(struct run *r, struct dn_event *ev)
{
    dn_status s = dn_gazetteer_learn(r->ctx, ev->place, ev->lon, ev->lat, base_name(r->file));
    if (s == DN_ERR_INPUT) {
        dni_clear_error(r->ctx);
        return DN_OK;
    }
    if (s == DN_OK) r->rep->learned++;
    return s;
}

dn_status dni_ingest_locate_event(dn_ctx *ctx, struct dni_placeholders *ph, struct dni_point_memo *points,
                                  struct dn_event *ev, bool *source_coords)
{
    dn_status s = dni_check_swap(ctx, ev);
    if (s == DN_OK) s = dni_check_placeholder(ctx, ph, ev);
    *source_coords = ev->has_coords;
    if (s == DN_OK && ev->place_id > 0 && !ev->has_coords) {
        /* a text mention already names the gazetteer place */
        struct dn_place p;
        if (dn_gazetteer_place(ctx, ev->place_id, &p) == DN_OK) {
            ev->lon = p.lon;
            ev->lat = p.lat;
            ev->has_coords = true;
            ev->precision = p.precision;
            ev->radius_km = p.radius_km;
        } else {
            dni_clear_error(ctx);
            ev->place_id = 0;
        }
    }
    if (s == DN_OK) {
        s = dn_geocode_event(ctx, ev);
        if (s == DN_ERR_NOT_FOUND) {
            dni_clear_error(ctx);
            s = DN_OK;
        }
    }
    if (s == DN_OK && ev->has_coords) {
        s = dni_point_memo_locate(ctx, points, ev); /* admin areas, then the Durand Line */
        if (s == DN_OK) coarsen_admin(ev);
    }
    /* after the admin lookup: the conflict check compares the point's areas with the row's */
    if (s == DN_OK && *source_coords) s = dni_check_conflict(ctx, ev);
    return s;
}

/* Everything before the store: locate the event, count it unresolved,
 * learn its name. Learning writes on this thread's connection, so a writer
 * thread first stores and commits what it holds (and then waits): the two
 * connections never write at once. */
static dn_status prepare_event(struct run *r, struct dn_event *ev)
{
    dn_ctx *ctx = r->ctx;
    bool source_coords = false;
    dn_status s = dni_ingest_locate_event(ctx, &r->placeholders, r->points, ev, &source_coords);
    if (s == DN_OK && !ev->has_coords) {
        r->rep->unresolved++;
        if (!dn_event_add_flag(ev, "unresolved_place")) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    }
    if (s != DN_OK || !learnable(r, ev, source_coords)) return s;
    if (r->writer) s = dni_writer_finish(ctx, r->writer, DNI_WRITER_COMMIT, NULL, NULL, 0, 0);
    else s = dni_store_side_tx(&r->side); /* the name goes into the event's batch */
    return s == DN_OK ? learn(r, ev) : s;
}

/* The first row needs the gazetteer's index and the admin areas, loaded
 * one after the other on first use (0.55 s and 0.25 s with the shipped
 * geodata): the index is built on a thread while this one loads the
 * areas. Neither load is reported here: where one fails, the first row
 * loads it again and tells why. Not before a file has given a row (or is
 * read as articles): a file that cannot be opened, or whose header is
 * refused, is told at once, without a second of loading first (some 20
 * CPU-seconds under valgrind, as in each case of test_bad_input). */
static void warm_up(struct run *r)
{
    if (r->warmed_up) return;
    r->warmed_up = true;
    struct dn_gazetteer_preload *gazetteer;
    dn_gazetteer_preload_start(r->ctx, &gazetteer);
    if (dn_admin_load(r->ctx, NULL) != DN_OK) dni_clear_error(r->ctx);
    dn_gazetteer_preload_finish(r->ctx, gazetteer);
}

/* ---- files ----------------------------------------------------------------- */

/* Fatal for the run: the database or memory failed. Anything else is a
 * problem of this file only. */
static bool fatal(dn_status s) { return s == DN_ERR_DB || s == DN_ERR_NOMEM || s == DN_ERR_INTERNAL || s == DN_ERR_GEODATA; }

/* Tables go to the writer thread, started at the first one. This thread's
 * connection commits what it holds first (an article's batch goes on into
 * the next file), so that only one of the two writes at a time. */
static dn_status use_writer(struct run *r)
{
    if (!r->writer_tried && writer_wanted()) {
        r->writer_tried = true;
        dn_status s = dni_store_side_commit(&r->side);
        if (s == DN_OK)
            s = dni_writer_start(r->ctx, r->side.batch, r->side.bulk_min_rows, &r->writer);
        return s;
    }
    return r->writer ? dni_store_side_commit(&r->side) : DN_OK;
}

/* A table without ids, ingested again with rows that match none stored:
 * its rows are known by their content (ingest.h, uid), so a row edited
 * since is a new event and its earlier version stays. Rows appended since
 * look the same; the warning says what to do in either case. */
static void warn_rows_known_by_content(struct run *r, const char *path, long rows, long without_id, long stored,
                                       long duplicates)
{
    if (rows <= 0 || without_id < rows || stored <= 0 || duplicates <= 0) return;
    dni_warn(r->ctx,
             "%s: %ld new %s beside %ld already stored: rows without an id are known by their content, so a row "
             "edited since the last ingest is stored as a new event and its earlier version stays (an id column, "
             "or --map id=COLUMN, lets a changed row update its event)",
             path, stored, stored == 1 ? "row" : "rows", duplicates);
}

static dn_status ingest_table(struct run *r, const char *path)
{
    dn_status s = use_writer(r);
    struct dn_reader *rd = NULL;
    if (s == DN_OK) s = dn_reader_open(r->ctx, path, &r->opts->reader, &rd);
    if (s != DN_OK) return s;
    struct dni_writer *w = r->writer;
    long read_before = r->rep->read, rejected_before = r->rep->rejected, without_id = 0;
    long stored_before = r->rep->stored, duplicates_before = r->rep->duplicates;
    long long store_before = r->events_at_start + r->rep->stored; /* counted when the last file ended */
    if (w) dni_writer_begin_file(w, &r->opts->dedupe, true, store_before);
    else dni_store_side_begin_file(&r->side, &r->opts->dedupe, true, store_before);
    struct dn_event ev;
    dn_event_init(&ev);
    for (bool done = false;;) {
        s = dn_reader_next(rd, &ev, &done);
        if (s == DN_ERR_INPUT) {
            const struct dn_reject *rj = dn_reader_reject(rd);
            r->rep->read++;
            reject(r, rj->file, rj->line, rj->field, rj->reason);
            continue;
        }
        if (s != DN_OK || done) break;
        r->rep->read++;
        if (!ev.source_id) without_id++;
        warm_up(r);
        s = prepare_event(r, &ev);
        if (s == DN_ERR_INPUT) {
            reject_unreadable(r, path, rd, &ev);
            s = DN_OK;
        } else if (s == DN_OK) {
            s = w ? dni_writer_put(r->ctx, w, &ev) : dni_store_side_put(&r->side, &ev);
        }
        if (s != DN_OK) break;
        progress(r);
    }
    r->rep->skipped += dn_reader_stats(rd).skipped;
    const char *format = dn_ingest_format_name(dn_reader_format(rd));
    dn_event_clear(&ev);
    long read = r->rep->read - read_before, rejected = r->rep->rejected - rejected_before;
    if (w && !fatal(s)) {
        /* the file ends here, read whole or not: what was handed over is
         * whole rows, stored and committed with the file (ingest_path) */
        if (count_stored(r)) say_building_indexes(r);
        unsigned after = DNI_WRITER_END_BULK | DNI_WRITER_COMMIT | (s == DN_OK ? DNI_WRITER_RECORD_FILE : 0);
        dn_status f = dni_writer_finish(r->ctx, w, after, path, format, read, rejected);
        if (f != DN_OK) s = f;
    } else if (s == DN_OK) {
        s = dni_store_side_record_file(&r->side, path, format, read, rejected);
    }
    dn_reader_close(rd);
    count_stored(r);
    if (s == DN_OK)
        warn_rows_known_by_content(r, path, read - rejected, without_id, r->rep->stored - stored_before,
                                   r->rep->duplicates - duplicates_before);
    return s;
}

static bool is_text_file(const struct run *r, const char *path)
{
    if (r->opts->text) return true;
    if (r->opts->reader.format != DN_INGEST_AUTO) return false;
    const char *dot = strrchr(base_name(path), '.');
    if (!dot) return false;
    static const char *const exts[] = {".txt", ".html", ".htm", ".jsonl", ".ndjson", ".text"};
    for (size_t i = 0; i < DN_ARRAY_LEN(exts); i++)
        if (strcasecmp(dot, exts[i]) == 0) return true;
    return false;
}

/* An article with no date of its own (no --date, record date, <meta> date
 * or dateline) dates only the events whose sentences give a full date;
 * the user is told, since the fix (--date) is theirs to make. */
static void warn_undated(struct run *r, const struct dn_text_article *a)
{
    if (a->date_source != DN_TEXT_DATE_NONE) return;
    size_t undated = 0;
    for (size_t i = 0; i < a->n_events; i++) undated += a->events[i].date.precision == DN_DATE_UNKNOWN;
    if (!undated) return;
    char where[32] = "";
    if (a->line > 0) snprintf(where, sizeof where, ":%ld", a->line);
    dni_warn(r->ctx,
             "%s%s: no article date (no --date, record date, <meta> date or dateline): %zu of its %zu events "
             "stored without a date; give the publication date with --date YYYY-MM-DD",
             a->name, where, undated, a->n_events);
}

/* An article read again gives what it gives now: the events an earlier
 * reading stored and this one no longer gives (another --date, a better
 * extractor) go, with a count; those this reading rejected stay (`uids`
 * holds every event this reading made). A bulk load (a JSON Lines file
 * of thousands of new articles) keeps its uid map and is left alone. */
static dn_status retract_earlier_reading(struct run *r, const struct dn_text_article *a, char *const *uids, size_t n)
{
    if (r->side.bulk) return DN_OK;
    char prefix[48];
    dn_status s = dn_text_article_uid_prefix(r->ctx, a, prefix, sizeof prefix);
    long removed = 0;
    if (s == DN_OK) s = dni_store_side_tx(&r->side);
    if (s == DN_OK)
        s = dn_store_events_retract_article(r->ctx, prefix, (const char *const *)uids, n, a->url ? a->url : a->name,
                                            a->url ? 0 : a->line, &removed);
    r->rep->retracted += removed;
    return s;
}

static dn_status on_article(void *ud, const struct dn_text_article *a)
{
    struct run *r = ud;
    dn_status s = dni_store_side_tx(&r->side);
    long long article_id = 0;
    if (s == DN_OK) s = dni_text_store_article(r->ctx, a, &article_id);
    struct dn_event ev;
    dn_event_init(&ev);
    char **uids = a->n_events ? dn_calloc(a->n_events, sizeof *uids) : NULL;
    size_t nuids = 0;
    if (a->n_events && !uids) s = dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; s == DN_OK && i < a->n_events; i++) {
        r->rep->read++;
        dn_event_clear(&ev); /* the previous event's derived fields must not leak into this one */
        s = dn_text_event_to_event(r->ctx, a, i, &ev);
        if (s == DN_OK && !(uids[nuids++] = dn_strdup(ev.uid))) s = dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
        if (s == DN_OK) s = prepare_event(r, &ev);
        if (s == DN_ERR_INPUT) {
            reject_unreadable(r, r->file, NULL, &ev);
            s = DN_OK;
        } else if (s == DN_OK) {
            s = dni_store_side_put(&r->side, &ev);
        }
        progress(r);
    }
    dn_event_clear(&ev);
    if (s == DN_OK) s = retract_earlier_reading(r, a, uids, nuids);
    for (size_t i = 0; i < nuids; i++) dn_free(uids[i]);
    dn_free(uids);
    dni_text_finder_reset(&r->finder); /* the next article starts without context */
    if (s == DN_OK) warn_undated(r, a);
    return s;
}

/* A skipped JSON Lines record is a rejected row like a bad table row. */
static void on_text_reject(void *ud, const char *path, long line, const char *reason)
{
    struct run *r = ud;
    r->rep->read++;
    reject(r, path, line, "record", reason);
}

static dn_status ingest_text(struct run *r, const char *path)
{
    struct dn_text_options to = {.date = r->opts->article_date, .url = r->opts->url, .on_reject = on_text_reject,
                                 .reject_ud = r};
    /* articles: each has its own source */
    dni_store_side_begin_file(&r->side, &r->opts->dedupe, false, r->events_at_start + r->rep->stored);
    dni_text_finder_setup(&r->finder, r->ctx, &to);
    warm_up(r);
    long read = r->rep->read, rejected = r->rep->rejected;
    dn_status s = dn_text_read_file(r->ctx, path, &to, on_article, r);
    if (s == DN_ERR_PARTIAL) {
        /* malformed JSON Lines records were rejected one by one (on_text_reject) */
        dni_clear_error(r->ctx);
        s = DN_OK;
    }
    if (s == DN_OK) s = dni_store_side_record_file(&r->side, path, "text", r->rep->read - read, r->rep->rejected - rejected);
    count_stored(r);
    return s;
}

/* Inside a directory only files named like event tables, articles or OGR
 * layers are read; a file named on the command line is always read. */
static bool data_extension(const char *path)
{
    static const char *const exts[] = {".csv", ".tsv", ".tab", ".psv", ".txt", ".text", ".html", ".htm", ".jsonl",
                                       ".ndjson", ".geojson", ".json", ".geojsonl", ".geojsons", ".gpkg", ".shp",
                                       ".fgb"};
    const char *dot = strrchr(base_name(path), '.');
    if (!dot) return false;
    for (size_t i = 0; i < DN_ARRAY_LEN(exts); i++)
        if (strcasecmp(dot, exts[i]) == 0) return true;
    return false;
}

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static dn_status ingest_path(struct run *r, const char *path, int depth);

static dn_status ingest_dir(struct run *r, const char *path, int depth)
{
    DIR *d = opendir(path);
    if (!d) return dni_fail(r->ctx, DN_ERR_IO, "%s: cannot read directory: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    dn_status s = DN_OK;
    struct dirent *de;
    while (s == DN_OK && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue; /* hidden files, ".", ".." */
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = dn_realloc(names, cap * sizeof *p);
            if (!p) {
                s = dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
                break;
            }
            names = p;
        }
        struct dn_strbuf b = {0};
        size_t plen = strlen(path);
        dn_strbuf_printf(&b, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/", de->d_name);
        if (b.failed) s = dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
        else names[n++] = b.data;
    }
    closedir(d);
    if (s == DN_OK && n > 1) qsort(names, n, sizeof *names, compare_names); /* an empty directory has no list */
    for (size_t i = 0; s == DN_OK && i < n; i++) {
        struct stat sb;
        bool found = stat(names[i], &sb) == 0;
        if (found && dni_rejects_is_run_file(&r->rejects, &sb)) {
            dni_info(r->ctx, "%s: the database or this run's rejects report, skipped", names[i]);
            continue;
        }
        if (found && !S_ISDIR(sb.st_mode) && !data_extension(names[i])) {
            /* README.md, a shapefile's .dbf/.shx/.prj, QGIS styles... */
            dni_info(r->ctx, "%s: not a data file, skipped", names[i]);
            continue;
        }
        s = ingest_path(r, names[i], depth + 1);
    }
    for (size_t i = 0; i < n; i++) dn_free(names[i]);
    dn_free(names);
    return s;
}

/* Whether the directory `sb` was walked already (warned about), else
 * remembers it. */
static dn_status dir_seen(struct run *r, const char *path, const struct stat *sb, bool *seen)
{
    *seen = false;
    for (size_t i = 0; i < r->ndirs; i++) {
        if (r->dirs[i].dev == sb->st_dev && r->dirs[i].ino == sb->st_ino) {
            *seen = true;
            struct stat lsb;
            bool link = lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode);
            dni_warn(r->ctx, "%s: the same directory as %s%s: passed over, each directory is read once", path,
                     r->dirs[i].path, link ? " (a symbolic link to it)" : "");
            return DN_OK;
        }
    }
    if (r->ndirs == r->dirs_cap) {
        size_t cap = r->dirs_cap ? r->dirs_cap * 2 : 16;
        struct seen_dir *d = dn_realloc(r->dirs, cap * sizeof *d);
        if (!d) return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
        r->dirs = d;
        r->dirs_cap = cap;
    }
    char *copy = dn_strdup(path);
    if (!copy) return dni_fail(r->ctx, DN_ERR_NOMEM, "out of memory");
    r->dirs[r->ndirs++] = (struct seen_dir){.dev = sb->st_dev, .ino = sb->st_ino, .path = copy};
    return DN_OK;
}

static dn_status ingest_path(struct run *r, const char *path, int depth)
{
    struct stat sb;
    if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        bool seen;
        dn_status s = dir_seen(r, path, &sb, &seen);
        if (s != DN_OK || seen) return s;
        if (depth > 16) return dni_fail(r->ctx, DN_ERR_INPUT, "%s: directories nested too deeply", path);
        return ingest_dir(r, path, depth);
    }
    r->file = path;
    r->rep->files++;
    dn_status s = is_text_file(r, path) ? ingest_text(r, path) : ingest_table(r, path);
    if (s == DN_OK && r->side.bulk) say_building_indexes(r);
    if (s == DN_OK) s = dni_store_side_end_bulk(&r->side);
    progress_done(r);
    /* the open batch goes on into the next file (committed at --batch
     * events or at the end of the run): with one article per file, a
     * commit per file cost more than reading and storing the article */
    if (s == DN_OK) return DN_OK;
    if (fatal(s)) return s;
    /* this file is unreadable or broken: what it stored in the open batch is
     * whole rows, keep it; report the file and go on with the next one */
    dn_status c = dni_store_side_end_bulk(&r->side);
    if (c == DN_OK) c = dni_store_side_commit(&r->side);
    if (c != DN_OK) return c;
    r->rep->failed_files++;
    if (s == DN_ERR_IO) r->failed_io++;
    report_problem(r, path, 0, NULL, dn_ctx_errmsg(r->ctx));
    dni_clear_error(r->ctx);
    return DN_OK;
}

dn_status dn_ingest_paths(dn_ctx *ctx, const char *const *paths, size_t n, const struct dn_ingest_opts *opts,
                          struct dn_ingest_report *report)
{
    struct dn_ingest_report local;
    struct run r = {.ctx = ctx, .opts = opts, .rep = report ? report : &local};
    r.side = (struct dni_store_side){
        .ctx = ctx, .batch = opts->batch ? opts->batch : DEFAULT_BATCH, .bulk_min_rows = bulk_min_rows()};
    memset(r.rep, 0, sizeof *r.rep);
    dn_status s = DN_OK;
    if (opts->rejects_path) {
        s = dni_rejects_open(ctx, opts->rejects_path, dn_store_path(ctx), paths, n, &r.rejects);
        if (s != DN_OK) return s;
    }
    s = dni_store_side_connection(ctx);
    if (s == DN_OK) s = dn_store_count(ctx, "events", &r.events_at_start);
    r.points = dni_point_memo_new();
    for (size_t i = 0; s == DN_OK && i < n; i++) {
        long files_before = r.rep->files;
        size_t dirs_before = r.ndirs;
        s = ingest_path(&r, paths[i], 0);
        if (s == DN_OK && r.ndirs > dirs_before && r.rep->files == files_before) /* a directory, walked */
            dni_warn(ctx, "%s: no data file in it, nothing read (data files end in .csv .tsv .txt .html .jsonl "
                          ".geojson .json .gpkg .shp .fgb ...)", paths[i]);
    }
    if (s == DN_OK) s = dni_store_side_commit(&r.side);
    dni_point_memo_free(r.points);
    for (size_t i = 0; i < r.ndirs; i++) dn_free(r.dirs[i].path);
    dn_free(r.dirs);
    if (s != DN_OK) dni_store_side_rollback(&r.side);
    count_stored(&r);
    dni_writer_stop(r.writer); /* every table file committed its own; after a failure, rolls back what it holds */
    r.writer = NULL;
    dn_status closed = dni_rejects_close(ctx, &r.rejects, opts->rejects_path);
    if (s == DN_OK) s = closed;
    if (s == DN_OK && r.rep->files > 0 && r.rep->failed_files == r.rep->files) {
        /* not one file could be read: still DN_ERR_PARTIAL, as the report
         * counts it, but the context says why, for a caller that tells it
         * apart (the CLI's exit code): DN_ERR_IO when each file failed for
         * an I/O error, else DN_ERR_INPUT (a missing file, no header, a
         * format refused) */
        dn_status why = r.failed_io == r.rep->failed_files ? DN_ERR_IO : DN_ERR_INPUT;
        if (why == DN_ERR_IO && r.rep->files == 1) dni_fail(ctx, why, "the input file could not be read");
        else if (why == DN_ERR_IO) dni_fail(ctx, why, "none of the %ld input files could be read", r.rep->files);
        else if (r.rep->files == 1) dni_fail(ctx, why, "nothing could be ingested from the input file");
        else dni_fail(ctx, why, "nothing could be ingested from any of the %ld input files", r.rep->files);
        return DN_ERR_PARTIAL;
    }
    if (s == DN_OK && (r.rep->rejected > 0 || r.rep->failed_files > 0)) {
        dni_fail(ctx, DN_ERR_PARTIAL, "%ld rows rejected, %ld files unreadable", r.rep->rejected, r.rep->failed_files);
        return DN_ERR_PARTIAL;
    }
    return s;
}

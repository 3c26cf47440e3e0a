/** @file test_ingest.c
 * Ingest: the value parsers (dates, counts, coordinates, FNV-1a), the
 * streaming CSV reader, and the ACLED / UCDP / generic CSV / OGR readers on
 * the fixtures in tests/data/ingest (made by make_fixtures.sh), asserting
 * exact field values, rejects (line, field, reason) and counts.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "core/core.h"
#include "core/hash.h"
#include "core/event.h"
#include "ingest/csv_reader.h"
#include "ingest/ingest.h"
#include "gazetteer/gz_internal.h"
#include "geodata/geodata.h"
#include "ingest/parse.h"
#include "ingest/pipeline.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

#define FIXTURE(name) DN_TEST_DATA_DIR "/ingest/" name
#define DEG_TOL 1e-9 /* degrees: values parsed from text must round-trip exactly */

static dn_ctx *ctx;
static struct captured cap;

static void setup(void)
{
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    memset(&cap, 0, sizeof cap);
    dn_strbuf_puts(&cap.err, "");
    dn_ctx_set_output(ctx, capture_output, &cap);
}

static void teardown(void)
{
    ctx = dn_ctx_free(ctx);
    captured_free(&cap);
}

/* ---- everything a reader produced from one file ------------------------- */

#define MAX_EV 32
#define MAX_REJ 16

struct rejected {
    long line;
    char field[64];
    char reason[256];
};

struct result {
    dn_status open_status;
    enum dn_ingest_format format;
    struct dn_event ev[MAX_EV];
    int nev;
    struct rejected rej[MAX_REJ];
    int nrej;
    struct dn_reader_stats stats;
};

static void read_all_opts(const char *path, const struct dn_reader_opts *opts, struct result *res)
{
    memset(res, 0, sizeof *res);
    struct dn_reader *r = NULL;
    res->open_status = dn_reader_open(ctx, path, opts, &r);
    if (res->open_status != DN_OK) {
        ck_assert_ptr_null(r);
        return;
    }
    res->format = dn_reader_format(r);
    struct dn_event ev;
    dn_event_init(&ev);
    for (;;) {
        bool done = false;
        dn_status s = dn_reader_next(r, &ev, &done);
        if (s == DN_ERR_INPUT) {
            const struct dn_reject *rj = dn_reader_reject(r);
            ck_assert_int_lt(res->nrej, MAX_REJ);
            struct rejected *x = &res->rej[res->nrej++];
            x->line = rj->line;
            snprintf(x->field, sizeof x->field, "%s", rj->field);
            snprintf(x->reason, sizeof x->reason, "%s", rj->reason);
            ck_assert_str_eq(rj->file, path);
            continue;
        }
        ck_assert_int_eq(s, DN_OK);
        if (done) break;
        ck_assert_int_lt(res->nev, MAX_EV);
        res->ev[res->nev++] = ev; /* ownership moves to res */
        dn_event_init(&ev);
    }
    dn_event_clear(&ev);
    res->stats = dn_reader_stats(r);
    dn_reader_close(r);
}

static void read_all(const char *path, struct result *res) { read_all_opts(path, NULL, res); }

static void result_free(struct result *res)
{
    for (int i = 0; i < res->nev; i++) dn_event_clear(&res->ev[i]);
}

static void assert_reject(const struct result *res, int i, long line, const char *field, const char *reason_part)
{
    ck_assert_int_gt(res->nrej, i);
    ck_assert_int_eq(res->rej[i].line, line);
    ck_assert_str_eq(res->rej[i].field, field);
    ck_assert_msg(strstr(res->rej[i].reason, reason_part), "reason '%s' lacks '%s'", res->rej[i].reason, reason_part);
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (!want) ck_assert_ptr_null(got);
    else ck_assert_str_eq(got ? got : "(null)", want);
}

/* ---- value parsers -------------------------------------------------------- */

/* A uid keyed within its file: "<kind>:<file>@<16 hex digits of the directory><rest>"
 * (dn_file_scope; <rest> is ":<id>", or "/<layer>:<id>" for an OGR layer). */
static void assert_scoped_uid(const char *uid, const char *kind_and_file, const char *rest)
{
    size_t n = strlen(kind_and_file);
    ck_assert_msg(uid && strncmp(uid, kind_and_file, n) == 0 && uid[n] == '@', "uid %s", uid);
    for (size_t i = n + 1; i < n + 17; i++) ck_assert_msg(isxdigit((unsigned char)uid[i]), "uid %s", uid);
    ck_assert_str_eq(uid + n + 17, rest);
}

START_TEST(test_ingest__parse_date_accepts_the_usual_spellings)
{
    static const struct {
        const char *in;
        enum dn_date_order hint;
        const char *iso;
        enum dn_date_precision prec;
    } cases[] = {
        {"2022-11-19", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"2022/11/19", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"2019-05-12 00:00:00.000", DN_DATE_ORDER_AUTO, "2019-05-12", DN_DATE_DAY},
        {"2023-07-30T10:15:00Z", DN_DATE_ORDER_AUTO, "2023-07-30", DN_DATE_DAY},
        {"20221119", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"19/11/2022", DN_DATE_ORDER_MDY, "2022-11-19", DN_DATE_DAY}, /* only day-first fits */
        {"11/19/2022", DN_DATE_ORDER_DMY, "2022-11-19", DN_DATE_DAY}, /* only month-first fits */
        {"03/04/2022", DN_DATE_ORDER_DMY, "2022-04-03", DN_DATE_DAY},
        {"03/04/2022", DN_DATE_ORDER_MDY, "2022-03-04", DN_DATE_DAY},
        {"03/04/2022", DN_DATE_ORDER_AUTO, "2022-04-03", DN_DATE_DAY},
        {"19.11.2022", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"19-11-22", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"5/6/99", DN_DATE_ORDER_DMY, "1999-06-05", DN_DATE_DAY},
        {"Sunday-November 19-1995", DN_DATE_ORDER_AUTO, "1995-11-19", DN_DATE_DAY},
        {"19 November 2022", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"Nov 19, 2022", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"November 19th, 2022", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"19-Nov-2022", DN_DATE_ORDER_AUTO, "2022-11-19", DN_DATE_DAY},
        {"Sat, 1 Sept. 2018", DN_DATE_ORDER_AUTO, "2018-09-01", DN_DATE_DAY},
        {"  2 MAY 2021 ", DN_DATE_ORDER_AUTO, "2021-05-02", DN_DATE_DAY},
        {"November 2022", DN_DATE_ORDER_AUTO, "2022-11-01", DN_DATE_MONTH},
        {"2022-11", DN_DATE_ORDER_AUTO, "2022-11-01", DN_DATE_MONTH},
        {"11/2022", DN_DATE_ORDER_AUTO, "2022-11-01", DN_DATE_MONTH},
        {"2022", DN_DATE_ORDER_AUTO, "2022-01-01", DN_DATE_YEAR},
        {"29 February 2024", DN_DATE_ORDER_AUTO, "2024-02-29", DN_DATE_DAY},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        char iso[11] = "";
        enum dn_date_precision prec = DN_DATE_UNKNOWN;
        ck_assert_msg(dn_parse_date(cases[i].in, cases[i].hint, iso, &prec) == DN_OK, "'%s' rejected", cases[i].in);
        ck_assert_msg(!strcmp(iso, cases[i].iso), "'%s' → %s, want %s", cases[i].in, iso, cases[i].iso);
        ck_assert_int_eq(prec, cases[i].prec);
    }
}
END_TEST

START_TEST(test_ingest__parse_date_rejects_with_the_right_status)
{
    static const struct {
        const char *in;
        dn_status want;
    } cases[] = {
        {"", DN_ERR_NOT_FOUND},          {"NA", DN_ERR_NOT_FOUND},         {" - ", DN_ERR_NOT_FOUND},
        {NULL, DN_ERR_NOT_FOUND},        {"yesterday", DN_ERR_INPUT},      {"19 November", DN_ERR_INPUT},
        {"2022-13-01", DN_ERR_RANGE},    {"31/02/2022", DN_ERR_RANGE},     {"29 February 2023", DN_ERR_RANGE},
        {"13/13/2022", DN_ERR_RANGE},    {"1066", DN_ERR_RANGE},           {"12345", DN_ERR_INPUT},
        {"1/2/3/4", DN_ERR_INPUT},       {"Nov Dec 2022", DN_ERR_INPUT},   {"2022-11-19x", DN_ERR_INPUT},
        {"999999999999", DN_ERR_INPUT},  {"0/0/2022", DN_ERR_RANGE},       {"19th 2022", DN_ERR_INPUT},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        char iso[11] = "unchanged";
        enum dn_date_precision prec = DN_DATE_UNKNOWN;
        dn_status s = dn_parse_date(cases[i].in, DN_DATE_ORDER_AUTO, iso, &prec);
        ck_assert_msg(s == cases[i].want, "'%s': status %d, want %d", cases[i].in ? cases[i].in : "NULL", s,
                      cases[i].want);
        ck_assert_str_eq(iso, "unchanged");
    }
    ck_assert_int_eq(dn_date_order_evidence("19/11/2022"), 1);
    ck_assert_int_eq(dn_date_order_evidence("11/19/2022"), -1);
    ck_assert_int_eq(dn_date_order_evidence("03/04/2022"), 0);
    ck_assert_int_eq(dn_date_order_evidence("2022-11-19"), 0);
    enum dn_date_order o;
    ck_assert_int_eq(dn_date_order_parse("mdy", &o), DN_OK);
    ck_assert_int_eq(o, DN_DATE_ORDER_MDY);
    ck_assert_int_eq(dn_date_order_parse("ymd", &o), DN_ERR_USAGE);
}
END_TEST

START_TEST(test_ingest__parse_count_handles_unknowns_ranges_and_fractions)
{
    static const struct {
        const char *in;
        int best, low, high;
        unsigned flags;
    } ok[] = {
        {"", -1, -1, -1, 0},
        {"NA", -1, -1, -1, 0},
        {"Unreported", -1, -1, -1, 0},
        {" - ", -1, -1, -1, 0},
        {"n/a", -1, -1, -1, 0},
        {"0", 0, 0, 0, 0},
        {" 12 ", 12, 12, 12, 0},
        {"+4", 4, 4, 4, 0},
        {"5.0", 5, 5, 5, 0},
        {"2.5", 3, 3, 3, DN_COUNT_F_ROUNDED},
        {"2.49", 2, 2, 2, DN_COUNT_F_ROUNDED},
        {"1,200", 1200, 1200, 1200, 0},
        {"5-7", 5, 5, 7, DN_COUNT_F_RANGE},
        {"5 - 7", 5, 5, 7, DN_COUNT_F_RANGE},
        {"5\xE2\x80\x93" "7", 5, 5, 7, DN_COUNT_F_RANGE},
        {"10 to 12", 10, 10, 12, DN_COUNT_F_RANGE},
        {"at least 3", 3, 3, -1, DN_COUNT_F_AT_LEAST},
        {"3+", 3, 3, -1, DN_COUNT_F_AT_LEAST},
        {"more than 3", 4, 4, -1, DN_COUNT_F_AT_LEAST},
        {"about 5", 5, 5, 5, DN_COUNT_F_APPROX},
        {"~5", 5, 5, 5, DN_COUNT_F_APPROX},
        {"10000000", 10000000, 10000000, 10000000, 0},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(ok); i++) {
        int b = 99, l = 99, h = 99;
        unsigned f = 99;
        ck_assert_msg(dn_parse_count(ok[i].in, &b, &l, &h, &f) == DN_OK, "'%s' rejected", ok[i].in);
        ck_assert_msg(b == ok[i].best && l == ok[i].low && h == ok[i].high && f == ok[i].flags,
                      "'%s' → %d/%d/%d flags %u", ok[i].in, b, l, h, f);
    }
    static const struct {
        const char *in;
        dn_status want;
    } bad[] = {
        {"-4", DN_ERR_RANGE},          {"99999999999", DN_ERR_RANGE}, {"10000001", DN_ERR_RANGE},
        {"7-5", DN_ERR_RANGE},         {"nan", DN_ERR_INPUT},         {"inf", DN_ERR_INPUT},
        {"five", DN_ERR_INPUT},        {"3 killed", DN_ERR_INPUT},    {"1e3", DN_ERR_INPUT},
        {"5-", DN_ERR_INPUT},          {"0x10", DN_ERR_INPUT},        {"\xE2\x88\x92" "3", DN_ERR_RANGE},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(bad); i++) {
        int b = 99, l = 99, h = 99;
        dn_status s = dn_parse_count(bad[i].in, &b, &l, &h, NULL);
        ck_assert_msg(s == bad[i].want, "'%s': status %d, want %d", bad[i].in, s, bad[i].want);
        ck_assert_int_eq(b, 99);
    }
}
END_TEST

START_TEST(test_ingest__parse_coord_accepts_decimal_and_dms)
{
    static const struct {
        const char *in;
        bool lat;
        double want;
    } ok[] = {
        {"34.0151", true, 34.0151},    {"-70.5", false, -70.5},         {" 34,5 ", true, 34.5},
        {"34.5N", true, 34.5},         {"34.5 S", true, -34.5},         {"W 70.25", false, -70.25},
        {"90", true, 90},              {"-180", false, -180},           {"34\xC2\xB0" "30'36\"N", true, 34.51},
        {"34 30 36", true, 34.51},     {"70:15:00 E", false, 70.25},    {"0", false, 0},
        /* found by fuzz_parse_count: more than 22 fraction digits after leading zeros */
        {"000000000000.000000000000000000000000", false, 0},
        {"0.000000000000000000000000000000000000012", true, 1.2e-38},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(ok); i++) {
        double v = NAN;
        ck_assert_msg(dn_parse_coord(ok[i].in, ok[i].lat, &v) == DN_OK, "'%s' rejected", ok[i].in);
        ck_assert_double_eq_tol(v, ok[i].want, DEG_TOL);
    }
    static const struct {
        const char *in;
        bool lat;
        dn_status want;
    } bad[] = {
        {"", true, DN_ERR_NOT_FOUND},     {"NA", false, DN_ERR_NOT_FOUND}, {"nan", true, DN_ERR_INPUT},
        {"inf", false, DN_ERR_INPUT},     {"-inf", true, DN_ERR_INPUT},    {"95.2", true, DN_ERR_RANGE},
        {"-180.5", false, DN_ERR_RANGE},  {"34.5E", true, DN_ERR_INPUT},   {"-34.5S", true, DN_ERR_INPUT},
        {"34 70 00", true, DN_ERR_RANGE}, {"1e5", true, DN_ERR_INPUT},     {"34.5.6", true, DN_ERR_INPUT},
        {"99999999999999999999999999999999999999999999999", false, DN_ERR_INPUT},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(bad); i++) {
        double v = 123;
        dn_status s = dn_parse_coord(bad[i].in, bad[i].lat, &v);
        ck_assert_msg(s == bad[i].want, "'%s': status %d, want %d", bad[i].in, s, bad[i].want);
        ck_assert_double_eq(v, 123);
    }
}
END_TEST

START_TEST(test_ingest__fnv1a_matches_published_vectors)
{
    char hex[17];
    dn_hash_hex(dn_hash_bytes(DN_HASH_INIT, "", 0), hex);
    ck_assert_str_eq(hex, "cbf29ce484222325");
    dn_hash_hex(dn_hash_bytes(DN_HASH_INIT, "a", 1), hex);
    ck_assert_str_eq(hex, "af63dc4c8601ec8c");
    dn_hash_hex(dn_hash_bytes(DN_HASH_INIT, "foobar", 6), hex);
    ck_assert_str_eq(hex, "85944171f73967e8");
    dn_hash_hex(UINT64_C(0xab), hex); /* always 16 digits, zeros in front */
    ck_assert_str_eq(hex, "00000000000000ab");
    dn_hash_hex(UINT64_MAX, hex);
    ck_assert_str_eq(hex, "ffffffffffffffff");
}
END_TEST

/* ---- CSV reader ------------------------------------------------------------ */

START_TEST(test_ingest__csv_line_ends_give_identical_records)
{
    const char *files[] = {FIXTURE("lines_lf.csv"), FIXTURE("lines_crlf.csv"), FIXTURE("lines_cr.csv")};
    for (size_t f = 0; f < 3; f++) {
        FILE *fp = fopen(files[f], "rb");
        ck_assert_ptr_nonnull(fp);
        struct dn_csv *c;
        ck_assert_int_eq(dn_csv_open(ctx, fp, files[f], NULL, &c), DN_OK);
        struct dn_csv_record rec;
        bool done;
        long lines[3];
        for (int i = 0; i < 3; i++) {
            ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
            ck_assert(!done);
            ck_assert_uint_eq(rec.nfields, 4);
            lines[i] = rec.line;
            if (i == 1) {
                ck_assert_str_eq(rec.field[0], "K1");
                ck_assert_str_eq(rec.field[3], "first line\nsecond line");
                ck_assert_uint_eq(rec.len[3], strlen("first line\nsecond line"));
            }
        }
        ck_assert_str_eq(rec.field[2], "Khost");
        ck_assert_int_eq(lines[0], 1);
        ck_assert_int_eq(lines[1], 2);
        ck_assert_int_eq(lines[2], 4); /* the quoted line break counts as a physical line */
        ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
        ck_assert(done);
        dn_csv_close(c);
        fclose(fp);
    }
}
END_TEST

static struct dn_csv *csv_from_string(const char *text, size_t len, FILE **fp, const struct dn_csv_opts *opts)
{
    *fp = fmemopen((void *)text, len, "rb");
    ck_assert_ptr_nonnull(*fp);
    struct dn_csv *c;
    ck_assert_int_eq(dn_csv_open(ctx, *fp, "mem.csv", opts, &c), DN_OK);
    return c;
}

START_TEST(test_ingest__csv_quoting_follows_rfc4180)
{
    static const char text[] = "a,\"b,1\",\"say \"\"hi\"\"\",,\"\"\n"
                               "\"x\"y,z\"w,\"\"\n"
                               "last,no newline,";
    FILE *fp;
    struct dn_csv *c = csv_from_string(text, sizeof text - 1, &fp, NULL);
    struct dn_csv_record rec;
    bool done;
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert_uint_eq(rec.nfields, 5);
    ck_assert_str_eq(rec.field[1], "b,1");
    ck_assert_str_eq(rec.field[2], "say \"hi\"");
    ck_assert_str_eq(rec.field[3], "");
    ck_assert_str_eq(rec.field[4], "");
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert_uint_eq(rec.nfields, 3);
    ck_assert_str_eq(rec.field[0], "xy");  /* lenient: text after a closing quote is kept */
    ck_assert_str_eq(rec.field[1], "z\"w"); /* a quote inside an unquoted field is literal */
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert_uint_eq(rec.nfields, 3);
    ck_assert_str_eq(rec.field[2], "");
    ck_assert_int_eq(rec.line, 3);
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert(done);
    dn_csv_close(c);
    fclose(fp);
}
END_TEST

START_TEST(test_ingest__csv_sniffs_delimiter_and_caps_records)
{
    static const char text[] = "a;b;c\n1;2;3\n1;2222222222222222222222222222222222222222;3\n4;5;6\n";
    struct dn_csv_opts opts = {.max_record_bytes = 32, .max_fields = 3};
    FILE *fp;
    struct dn_csv *c = csv_from_string(text, sizeof text - 1, &fp, &opts);
    ck_assert_int_eq(dn_csv_delimiter(c), ';');
    struct dn_csv_record rec;
    bool done;
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_ERR_INPUT);
    ck_assert_int_eq(dn_csv_reject(c)->line, 3);
    ck_assert_int_eq(dn_csv_reject(c)->field, -1);
    ck_assert_str_eq(dn_csv_reject(c)->reason, "record longer than 32 bytes (the limit for one row)");
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_OK);
    ck_assert_str_eq(rec.field[2], "6");
    ck_assert_int_eq(rec.line, 4);
    dn_csv_close(c);
    fclose(fp);

    static const char many[] = "a,b,c,d\n";
    c = csv_from_string(many, sizeof many - 1, &fp, &opts);
    ck_assert_int_eq(dn_csv_next(c, &rec, &done), DN_ERR_INPUT);
    ck_assert_str_eq(dn_csv_reject(c)->reason, "record has more than 3 fields");
    dn_csv_close(c);
    fclose(fp);
}
END_TEST

START_TEST(test_ingest__csv_rejects_utf16)
{
    static const char text[] = "\xFF\xFE" "d\0a\0t\0e\0";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    struct dn_csv *c = (struct dn_csv *)1;
    ck_assert_int_eq(dn_csv_open(ctx, fp, "u16.csv", NULL, &c), DN_ERR_INPUT);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "UTF-16"));
    fclose(fp);
}
END_TEST

/* ---- ACLED ---------------------------------------------------------------- */

START_TEST(test_ingest__acled_2023_layout)
{
    struct result res;
    read_all(FIXTURE("acled_2023.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.format, DN_INGEST_ACLED);
    ck_assert_int_eq(res.nev, 4);
    ck_assert_int_eq(res.nrej, 1);
    assert_reject(&res, 0, 6, "latitude", "latitude '95.2' out of range (-90..90)");

    const struct dn_event *e = &res.ev[0];
    ck_assert_str_eq(e->uid, "acled:PAK90001");
    ck_assert_str_eq(e->source_kind, "acled");
    ck_assert_str_eq(e->source, FIXTURE("acled_2023.csv"));
    ck_assert_str_eq(e->source_ref, "line 2");
    ck_assert_str_eq(e->source_id, "PAK90001");
    ck_assert_uint_eq(strlen(e->row_hash), 16);
    ck_assert_str_eq(e->date, "2023-07-30");
    ck_assert_int_eq(e->date_precision, DN_DATE_DAY);
    ck_assert_str_eq(e->type, "Explosions/Remote violence");
    ck_assert_str_eq(e->sub_type, "Suicide bomb");
    ck_assert_str_eq(e->actor1, "Islamic State Khorasan Province");
    ck_assert_str_eq(e->actor2, "Civilians (Pakistan)");
    ck_assert_str_eq(e->place, "Khar");
    ck_assert_str_eq(e->country_hint, "Pakistan");
    ck_assert_str_eq(e->province_hint, "Khyber Pakhtunkhwa");
    ck_assert_str_eq(e->district_hint, "Bajaur");
    ck_assert(e->has_coords);
    ck_assert_double_eq_tol(e->lat, 34.7330, DEG_TOL);
    ck_assert_double_eq_tol(e->lon, 71.5260, DEG_TOL);
    ck_assert_int_eq(e->precision, DN_PREC_TOWN);
    ck_assert(isnan(e->radius_km));
    ck_assert_int_eq(e->fatalities, 3);
    ck_assert_int_eq(e->fatalities_low, 3);
    ck_assert_int_eq(e->fatalities_high, 3);
    ck_assert_int_eq(e->injured, DN_COUNT_UNKNOWN);
    ck_assert_str_eq(e->flags, "civilian_targeting");
    ck_assert_ptr_nonnull(strstr(e->notes, "suicide bomber struck"));
    ck_assert_ptr_null(e->excerpt); /* the notes fit: they are the excerpt, not stored twice */

    e = &res.ev[1]; /* spelled-out date, week precision, notes with a quoted line break */
    ck_assert_str_eq(e->uid, "acled:AFG70002");
    ck_assert_str_eq(e->source_ref, "line 3");
    ck_assert_str_eq(e->date, "2022-11-19");
    ck_assert_int_eq(e->date_precision, DN_DATE_DAY);
    ck_assert_str_eq(e->flags, "date_approx_week");
    ck_assert_int_eq(e->precision, DN_PREC_DISTRICT);
    ck_assert_str_eq(e->notes, "Around 19 November 2022 (week of), border forces exchanged fire near the "
                               "\"zero line\" in Dur Baba.\nNo casualties were reported.");
    ck_assert_int_eq(e->fatalities, 0);

    e = &res.ev[2]; /* time_precision 3: month; geo_precision 3: province */
    ck_assert_str_eq(e->source_ref, "line 5");
    ck_assert_str_eq(e->date, "2023-03-01");
    ck_assert_int_eq(e->date_precision, DN_DATE_MONTH);
    ck_assert_int_eq(e->precision, DN_PREC_PROVINCE);
    ck_assert_str_eq(e->actor2, "Civilians (Pakistan)");

    e = &res.ev[3]; /* blank fatalities: unknown */
    ck_assert_str_eq(e->source_ref, "line 7");
    ck_assert_int_eq(e->fatalities, DN_COUNT_UNKNOWN);
    ck_assert_int_eq(e->fatalities_low, DN_COUNT_UNKNOWN);
    ck_assert_ptr_null(e->actor2);
    ck_assert_ptr_null(e->flags);

    ck_assert_int_eq(res.stats.rows, 5);
    ck_assert_int_eq(res.stats.events, 4);
    ck_assert_int_eq(res.stats.rejected, 1);
    ck_assert_int_eq(res.stats.skipped, 0);
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__acled_old_layout_uppercase_crlf)
{
    struct result res;
    read_all(FIXTURE("acled_old_crlf.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.format, DN_INGEST_ACLED);
    ck_assert_int_eq(res.nev, 2);
    ck_assert_int_eq(res.nrej, 0);
    ck_assert_str_eq(res.ev[0].uid, "acled:PAK40011");
    ck_assert_str_eq(res.ev[0].date, "2019-03-14");
    ck_assert_str_eq(res.ev[0].place, "Chaman");
    ck_assert_str_eq(res.ev[0].district_hint, "Qilla Abdullah");
    ck_assert_int_eq(res.ev[0].fatalities, 2);
    ck_assert_str_eq(res.ev[1].uid, "acled:AFG30012");
    ck_assert_str_eq(res.ev[1].source_ref, "line 3");
    ck_assert_str_eq(res.ev[1].date, "2019-04-01");
    ck_assert_int_eq(res.ev[1].date_precision, DN_DATE_MONTH);
    ck_assert_str_eq(res.ev[1].province_hint, "Khost");
    ck_assert_int_eq(res.ev[1].precision, DN_PREC_DISTRICT);
    result_free(&res);
}
END_TEST

/* ---- UCDP ------------------------------------------------------------------- */

START_TEST(test_ingest__ucdp_ged_precisions_and_estimates)
{
    struct result res;
    read_all(FIXTURE("ucdp_ged.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.format, DN_INGEST_UCDP);
    ck_assert_int_eq(res.nev, 3);
    ck_assert_int_eq(res.nrej, 1);
    assert_reject(&res, 0, 5, "best", "count '-3' out of range (0..10000000)");

    const struct dn_event *e = &res.ev[0];
    ck_assert_str_eq(e->uid, "ucdp:310001");
    ck_assert_str_eq(e->source_kind, "ucdp");
    ck_assert_str_eq(e->type, "state-based conflict");
    ck_assert_str_eq(e->sub_type, "Pakistan: Government");
    ck_assert_str_eq(e->actor1, "Government of Pakistan");
    ck_assert_str_eq(e->actor2, "TTP");
    ck_assert_str_eq(e->date, "2019-05-12");
    ck_assert_int_eq(e->date_precision, DN_DATE_DAY);
    ck_assert_str_eq(e->place, "Sadda town");
    ck_assert_str_eq(e->province_hint, "Khyber Pakhtunkhwa province");
    ck_assert_str_eq(e->district_hint, "Kurram district");
    ck_assert_int_eq(e->precision, DN_PREC_POINT);
    ck_assert_double_eq_tol(e->lon, 70.3260, DEG_TOL);
    ck_assert_int_eq(e->fatalities, 4);
    ck_assert_int_eq(e->fatalities_low, 4);
    ck_assert_int_eq(e->fatalities_high, 6);
    ck_assert_str_eq(e->notes, "Soldiers killed in attack on post in Kurram");

    e = &res.ev[1]; /* date_prec 4 → month, where_prec 4 → province */
    ck_assert_str_eq(e->type, "one-sided violence");
    ck_assert_str_eq(e->date, "2019-08-01");
    ck_assert_int_eq(e->date_precision, DN_DATE_MONTH);
    ck_assert_int_eq(e->precision, DN_PREC_PROVINCE);
    ck_assert_int_eq(e->fatalities, 2);
    ck_assert_int_eq(e->fatalities_low, 1);
    ck_assert_int_eq(e->fatalities_high, 2);
    ck_assert_ptr_null(e->district_hint);

    e = &res.ev[2]; /* where_prec 6 → country; high below best is flagged, not fixed */
    ck_assert_int_eq(e->precision, DN_PREC_COUNTRY);
    ck_assert_int_eq(e->fatalities, 5);
    ck_assert_int_eq(e->fatalities_high, 4);
    ck_assert_str_eq(e->flags, "fatalities_inconsistent");
    result_free(&res);
}
END_TEST

/* A location no more precise than a country (UCDP where_prec 7), a code the
 * format does not define, or none: the format's coarsest level and a flag,
 * never "point", which would make the border side look certain. */
START_TEST(test_ingest__unknown_location_precision_is_coarse_and_flagged)
{
    static const struct {
        const char *uid;
        enum dn_precision precision;
        double radius_km; /* NaN: the geocoder's default for the level */
        const char *flags;
    } want[] = {
        {"ucdp:320002", DN_PREC_TOWN, 25.0, NULL},
        {"ucdp:320005", DN_PREC_PROVINCE, NAN, "wide_area"},
        {"ucdp:320007", DN_PREC_COUNTRY, NAN, "international_area"},
        {"ucdp:320000", DN_PREC_COUNTRY, NAN, "bad_geo_precision"},
        {"ucdp:320008", DN_PREC_COUNTRY, NAN, "bad_geo_precision"},
        {"ucdp:320009", DN_PREC_COUNTRY, NAN, "bad_geo_precision"},
        {"ucdp:320010", DN_PREC_COUNTRY, NAN, "no_geo_precision"},
        {"acled:PAK91004", DN_PREC_PROVINCE, NAN, "bad_geo_precision"},
        {"acled:PAK91005", DN_PREC_PROVINCE, NAN, "no_geo_precision"},
        {"acled:PAK91006", DN_PREC_PROVINCE, NAN, "bad_geo_precision"},
    };
    struct result ucdp, acled;
    read_all(FIXTURE("ucdp_where_prec.csv"), &ucdp);
    read_all(FIXTURE("acled_geo_precision.csv"), &acled);
    ck_assert_int_eq(ucdp.nrej, 0);
    ck_assert_int_eq(acled.nrej, 0);
    ck_assert_int_eq(ucdp.nev + acled.nev, (int)DN_ARRAY_LEN(want));
    for (size_t i = 0; i < DN_ARRAY_LEN(want); i++) {
        const struct dn_event *e = i < (size_t)ucdp.nev ? &ucdp.ev[i] : &acled.ev[i - (size_t)ucdp.nev];
        ck_assert_str_eq(e->uid, want[i].uid);
        ck_assert(e->has_coords);
        ck_assert_msg(e->precision == want[i].precision, "%s: precision %d, want %d", e->uid, e->precision,
                      want[i].precision);
        if (isnan(want[i].radius_km)) ck_assert_msg(isnan(e->radius_km), "%s: radius %g", e->uid, e->radius_km);
        else ck_assert_double_eq_tol(e->radius_km, want[i].radius_km, 1e-9); /* km */
        assert_str_or_null(e->flags, want[i].flags);
    }
    result_free(&ucdp);
    result_free(&acled);
}
END_TEST

/* ---- generic CSV -------------------------------------------------------------- */

START_TEST(test_ingest__generic_messy_file)
{
    struct result res;
    read_all(FIXTURE("generic_messy.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.format, DN_INGEST_CSV);

    static const struct {
        const char *ref, *date, *place;
        enum dn_date_precision prec;
        int killed, low, high, injured;
        const char *flags;
    } want[] = {
        {"line 2", "2022-11-19", "Torkham", DN_DATE_DAY, 5, 5, 7, 2, "fatalities_range"},
        {"line 3", "2022-04-03", "Landi Kotal", DN_DATE_DAY, -1, -1, -1, -1, NULL},
        {"line 4", "2022-11-19", "Spin Boldak", DN_DATE_DAY, 3, 3, 3, 1, "fatalities_rounded"},
        {"line 5", "2022-11-01", "Angoor Adda", DN_DATE_MONTH, 3, 3, -1, -1, "fatalities_at_least"},
        {"line 6", "2022-01-01", "Ghulam Khan", DN_DATE_YEAR, -1, -1, -1, -1, NULL},
        {"line 8", "1995-11-19", "Chaman", DN_DATE_DAY, 0, 0, 0, 0, NULL},
        {"line 11", "2022-11-22", "Teri Mangal", DN_DATE_DAY, 1, 1, 1, 0, "zero_coords"},
        {"line 15", "2022-11-26", "Barikot", DN_DATE_DAY, 1, 1, 1, 0, NULL},
    };
    ck_assert_int_eq(res.nev, (int)DN_ARRAY_LEN(want));
    for (size_t i = 0; i < DN_ARRAY_LEN(want); i++) {
        const struct dn_event *e = &res.ev[i];
        ck_assert_str_eq(e->source_ref, want[i].ref);
        ck_assert_str_eq(e->date, want[i].date);
        ck_assert_str_eq(e->place, want[i].place);
        ck_assert_int_eq(e->date_precision, want[i].prec);
        ck_assert_int_eq(e->fatalities, want[i].killed);
        ck_assert_int_eq(e->fatalities_low, want[i].low);
        ck_assert_int_eq(e->fatalities_high, want[i].high);
        ck_assert_int_eq(e->injured, want[i].injured);
        assert_str_or_null(e->flags, want[i].flags);
        ck_assert_str_eq(e->source_kind, "csv");
        ck_assert_ptr_null(e->source_id);
        ck_assert_msg(!strncmp(e->uid, "csv:generic_messy.csv:", 22) && strlen(e->uid) == 22 + 16, "uid %s",
                      e->uid);
    }
    ck_assert_str_eq(res.ev[0].notes, "Clash at the gate"); /* first of the duplicate Notes columns */
    ck_assert_str_eq(res.ev[2].notes, "Quoted, with comma");
    ck_assert(res.ev[0].has_coords);
    ck_assert_int_eq(res.ev[0].precision, DN_PREC_POINT);
    ck_assert(!res.ev[6].has_coords);
    ck_assert_int_eq(res.ev[6].precision, DN_PREC_UNKNOWN);

    ck_assert_int_eq(res.nrej, 5);
    assert_reject(&res, 0, 10, "LAT", "not a coordinate: 'nan'");
    assert_reject(&res, 1, 12, "Killed", "count '99999999999' out of range");
    assert_reject(&res, 2, 13, "Killed", "count '-4' out of range");
    assert_reject(&res, 3, 14, "row", "6 fields where the header has 8");
    assert_reject(&res, 4, 16, "Event Date", "impossible date '31/02/2022'");

    ck_assert_int_eq(res.stats.rows, 16);
    ck_assert_int_eq(res.stats.events, 8);
    ck_assert_int_eq(res.stats.rejected, 5);
    ck_assert_int_eq(res.stats.skipped, 3); /* blank line 7, header again at 9, totals at 17 */
    const char *err = cap.err.data;
    ck_assert_ptr_nonnull(strstr(err, "generic_messy.csv:1: duplicate column 'NOTES' (columns 7 and 8); using column 7"));
    ck_assert_ptr_nonnull(strstr(err, "generic_messy.csv:9: skipped a repeated header row"));
    ck_assert_ptr_nonnull(strstr(err, "generic_messy.csv:17: skipped a totals/footer row"));
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__date_order_detected_per_file_or_forced)
{
    struct result res;
    read_all(FIXTURE("mdy.csv"), &res);
    ck_assert_int_eq(res.nev, 2);
    ck_assert_str_eq(res.ev[0].date, "2022-03-04"); /* 12/31/2022 later in the file settles it */
    ck_assert_str_eq(res.ev[1].date, "2022-12-31");
    result_free(&res);

    struct dn_reader_opts opts = {.date_order = DN_DATE_ORDER_DMY};
    read_all_opts(FIXTURE("mdy.csv"), &opts, &res);
    ck_assert_int_eq(res.nev, 2);
    ck_assert_str_eq(res.ev[0].date, "2022-04-03");
    ck_assert_str_eq(res.ev[1].date, "2022-12-31");
    result_free(&res);
}
END_TEST

/* The row hash is the store's change check: a re-run with a corrected
 * --date-order or --map must give other hashes where the values change,
 * the same ones where nothing changed, and never another uid. */
START_TEST(test_ingest__row_hash_follows_the_reading_not_only_the_row)
{
    const char *dated[] = {"date=When"};
    const char *counted[] = {"date=When", "killed=Dead (best)"};
    struct dn_reader_opts detected = {.map = dated, .nmap = 1}; /* no date settles it: day-first */
    struct dn_reader_opts dmy = {.map = dated, .nmap = 1, .date_order = DN_DATE_ORDER_DMY};
    struct dn_reader_opts mdy = {.map = dated, .nmap = 1, .date_order = DN_DATE_ORDER_MDY};
    struct dn_reader_opts killed = {.map = counted, .nmap = 2};
    struct result first, again, given, flipped, mapped;
    read_all_opts(FIXTURE("remapped.csv"), &detected, &first);
    read_all_opts(FIXTURE("remapped.csv"), &detected, &again);
    read_all_opts(FIXTURE("remapped.csv"), &dmy, &given);
    read_all_opts(FIXTURE("remapped.csv"), &mdy, &flipped);
    read_all_opts(FIXTURE("remapped.csv"), &killed, &mapped);
    struct result *all[] = {&first, &again, &given, &flipped, &mapped};
    for (size_t k = 0; k < DN_ARRAY_LEN(all); k++) {
        ck_assert_int_eq(all[k]->nev, 3);
        for (int i = 0; i < 3; i++) ck_assert_str_eq(all[k]->ev[i].uid, first.ev[i].uid);
    }
    ck_assert_ptr_null(first.ev[2].source_id); /* its uid is made of its content */
    ck_assert_str_eq(first.ev[0].date, "2023-06-05");
    ck_assert_str_eq(flipped.ev[0].date, "2023-05-06");
    ck_assert_int_eq(first.ev[0].fatalities, DN_COUNT_UNKNOWN);
    ck_assert_int_eq(mapped.ev[0].fatalities, 2);
    for (int i = 0; i < 3; i++) {
        ck_assert_str_eq(again.ev[i].row_hash, first.ev[i].row_hash); /* same reading: already stored */
        ck_assert_str_eq(given.ev[i].row_hash, first.ev[i].row_hash); /* day-first given = day-first found */
        ck_assert_str_ne(mapped.ev[i].row_hash, first.ev[i].row_hash);
    }
    /* the order changed the two all-numeric dates, not the ISO one */
    ck_assert_str_ne(flipped.ev[0].row_hash, first.ev[0].row_hash);
    ck_assert_str_eq(flipped.ev[1].row_hash, first.ev[1].row_hash);
    ck_assert_str_ne(flipped.ev[2].row_hash, first.ev[2].row_hash);
    for (size_t k = 0; k < DN_ARRAY_LEN(all); k++) result_free(all[k]);

    /* an OGR layer's bindings count the same way */
    const char *notes[] = {"notes=location"};
    struct dn_reader_opts ogr_mapped = {.map = notes, .nmap = 1};
    read_all(FIXTURE("events.geojson"), &first);
    read_all_opts(FIXTURE("events.geojson"), &ogr_mapped, &mapped);
    ck_assert_int_eq(first.nev, 2);
    ck_assert_int_eq(mapped.nev, 2);
    ck_assert_str_eq(mapped.ev[0].uid, first.ev[0].uid);
    ck_assert_str_ne(mapped.ev[0].row_hash, first.ev[0].row_hash);
    result_free(&first);
    result_free(&mapped);
}
END_TEST

/* A totals row is a label ("Total", "Subtotal:", "Grand Total", "Sum")
 * with no date; a value that starts with such a word is data. */
START_TEST(test_ingest__totals_row_is_a_label_without_a_date)
{
    struct result res;
    read_all(FIXTURE("totals_lookalikes.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.nrej, 0);
    ck_assert_int_eq(res.nev, 4);
    ck_assert_str_eq(res.ev[0].notes, "Total of 12 militants killed in an operation");
    ck_assert_int_eq(res.ev[0].fatalities, 12);
    ck_assert_str_eq(res.ev[1].place, "Sum Kalay");
    ck_assert_str_eq(res.ev[2].notes, "Sum of two attacks");
    ck_assert_str_eq(res.ev[3].place, "Total"); /* it has a date: a place of that name */
    ck_assert_str_eq(res.ev[3].date, "2023-08-02");
    ck_assert_int_eq(res.stats.skipped, 2);
    const char *err = cap.err.data;
    ck_assert_ptr_nonnull(strstr(err, "totals_lookalikes.csv:6: skipped a totals/footer row"));
    ck_assert_ptr_nonnull(strstr(err, "totals_lookalikes.csv:7: skipped a totals/footer row"));
    ck_assert_ptr_null(strstr(err, "totals_lookalikes.csv:2:"));
    result_free(&res);
}
END_TEST

/* A spreadsheet's ",," after the last column name adds columns no row has
 * to fill; a value past them is still an error. */
START_TEST(test_ingest__trailing_unnamed_header_columns_are_optional)
{
    struct result res;
    read_all(FIXTURE("blank_header_columns.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    static const char *const refs[] = {"line 2", "line 3", "line 4", "line 5", "line 8"};
    static const char *const places[] = {"Landi Kotal", "Torkham", "Wana", "Chaman", "Landi Kotal"};
    ck_assert_int_eq(res.nev, (int)DN_ARRAY_LEN(refs));
    for (size_t i = 0; i < DN_ARRAY_LEN(refs); i++) {
        ck_assert_str_eq(res.ev[i].source_ref, refs[i]);
        ck_assert_str_eq(res.ev[i].place, places[i]);
    }
    ck_assert_int_eq(res.ev[0].fatalities, 2);
    /* the padding does not make another row of the same one */
    ck_assert_str_eq(res.ev[4].uid, res.ev[0].uid);
    ck_assert_str_eq(res.ev[4].row_hash, res.ev[0].row_hash);
    ck_assert_int_eq(res.nrej, 2);
    assert_reject(&res, 0, 6, "row", "6 fields where the header has 5");
    assert_reject(&res, 1, 7, "row", "2 fields where the header names 3 columns");
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__map_names_columns_and_is_validated)
{
    const char *map[] = {"date=Datum", "place=Ort", "latitude=Breite", "longitude=Laenge", "killed=Tote",
                         "notes=Beschreibung"};
    struct dn_reader_opts opts = {.map = map, .nmap = DN_ARRAY_LEN(map)};
    struct result res;
    read_all_opts(FIXTURE("mapped_semicolon.csv"), &opts, &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.nev, 1);
    ck_assert_str_eq(res.ev[0].date, "2023-07-01");
    ck_assert_str_eq(res.ev[0].place, "Torkham");
    ck_assert_double_eq_tol(res.ev[0].lat, 34.1286, DEG_TOL);
    ck_assert_int_eq(res.ev[0].fatalities, 2);
    ck_assert_str_eq(res.ev[0].notes, "Schusswechsel");
    result_free(&res);

    const char *unknown[] = {"colour=Farbe"};
    opts = (struct dn_reader_opts){.map = unknown, .nmap = 1};
    read_all_opts(FIXTURE("mapped_semicolon.csv"), &opts, &res);
    ck_assert_int_eq(res.open_status, DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "unknown field 'colour'"));

    const char *missing[] = {"date=Nope"};
    opts = (struct dn_reader_opts){.map = missing, .nmap = 1};
    read_all_opts(FIXTURE("mapped_semicolon.csv"), &opts, &res);
    ck_assert_int_eq(res.open_status, DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "has no column 'Nope'"));

    const char *noeq[] = {"date"};
    ck_assert_int_eq(dn_reader_check_map(ctx, noeq, 1), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "expected FIELD=COLUMN"));
    const char *nocol[] = {"date= "};
    ck_assert_int_eq(dn_reader_check_map(ctx, nocol, 1), DN_ERR_USAGE);
}
END_TEST

START_TEST(test_ingest__forced_format_must_match_the_header)
{
    struct dn_reader_opts opts = {.format = DN_INGEST_ACLED};
    struct result res;
    read_all_opts(FIXTURE("generic_messy.csv"), &opts, &res);
    ck_assert_int_eq(res.open_status, DN_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "not an ACLED export"));
    opts.format = DN_INGEST_CSV; /* an ACLED file read as plain CSV: generic guesses */
    read_all_opts(FIXTURE("acled_2023.csv"), &opts, &res);
    ck_assert_int_eq(res.format, DN_INGEST_CSV);
    ck_assert_int_eq(res.nev, 4);
    assert_scoped_uid(res.ev[0].uid, "csv:acled_2023.csv", ":PAK90001");
    result_free(&res);
    enum dn_ingest_format f;
    ck_assert_int_eq(dn_ingest_format_parse(ctx, "ucdp", &f), DN_OK);
    ck_assert_int_eq(f, DN_INGEST_UCDP);
    ck_assert_int_eq(dn_ingest_format_parse(ctx, "xls", &f), DN_ERR_USAGE);
    ck_assert_str_eq(dn_ingest_format_name(DN_INGEST_OGR), "ogr");
}
END_TEST

/* ---- encodings and broken bytes ------------------------------------------------ */

START_TEST(test_ingest__utf8_bom_is_stripped)
{
    struct result res;
    read_all(FIXTURE("bom_utf8.csv"), &res);
    ck_assert_int_eq(res.nev, 2);
    ck_assert_str_eq(res.ev[0].date, "2023-02-01");
    ck_assert_str_eq(res.ev[0].place, "\xd9\xbe\xd8\xa7\xda\x93\xd9\x87 \xda\x86\xd9\x86\xd8\xa7\xd8\xb1");
    ck_assert_str_eq(res.ev[1].place, "Pe\xc5\x9f" "awar");
    ck_assert_ptr_null(strstr(cap.err.data, "Windows-1252"));
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__windows1252_is_converted_with_a_warning)
{
    struct result res;
    read_all(FIXTURE("cp1252.csv"), &res);
    ck_assert_int_eq(res.nev, 2);
    ck_assert_int_eq(res.nrej, 0);
    ck_assert_str_eq(res.ev[0].place, "Peshawar caf\xc3\xa9");
    ck_assert_int_eq(res.ev[1].fatalities, 5); /* "5–7" with a Windows-1252 en dash */
    ck_assert_int_eq(res.ev[1].fatalities_high, 7);
    ck_assert_str_eq(res.ev[1].notes, "\xe2\x80\x9czero line\xe2\x80\x9d clash");
    const char *warning = "cp1252.csv:2: the file is not UTF-8; reading it as Windows-1252";
    const char *first = strstr(cap.err.data, warning);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, warning)); /* once, although the date look-ahead read the file too */
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__broken_bytes_reject_one_row)
{
    struct result res;
    read_all(FIXTURE("invalid_utf8.csv"), &res);
    ck_assert_int_eq(res.nev, 2);
    assert_reject(&res, 0, 3, "place", "invalid UTF-8 (byte 0xE9) in a UTF-8 file");
    ck_assert_str_eq(res.ev[1].place, "Khost");
    result_free(&res);

    read_all(FIXTURE("nul_byte.csv"), &res);
    ck_assert_int_eq(res.nev, 1);
    assert_reject(&res, 0, 2, "place", "NUL byte");
    ck_assert_str_eq(res.ev[0].source_ref, "line 3");
    result_free(&res);

    read_all(FIXTURE("unterminated.csv"), &res);
    ck_assert_int_eq(res.nev, 1);
    ck_assert_int_eq(res.nrej, 1);
    assert_reject(&res, 0, 3, "notes", "quoted field opened at line 3 is never closed");
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__ten_megabyte_line_is_one_reject)
{
    char *dir = make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/big.csv", dir);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    fputs("date,place,notes\n2023-01-01,A,ok\n2023-01-02,B,", fp);
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    for (int i = 0; i < 160; i++) fwrite(block, 1, sizeof block, fp); /* 10 MiB, no line break */
    fputs("\n2023-01-03,C,ok\n", fp);
    fclose(fp);
    struct result res;
    read_all(path, &res);
    ck_assert_int_eq(res.nev, 2);
    assert_reject(&res, 0, 3, "row", "record longer than 1048576 bytes");
    ck_assert_str_eq(res.ev[1].place, "C");
    ck_assert_str_eq(res.ev[1].source_ref, "line 4");
    result_free(&res);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_ingest__uid_is_stable_across_line_ends_and_reingest)
{
    char *dir = make_temp_dir();
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/lf", dir);
    snprintf(b, sizeof b, "%s/crlf", dir);
    ck_assert_int_eq(mkdir(a, 0700), 0);
    ck_assert_int_eq(mkdir(b, 0700), 0);
    strcat(a, "/events.csv");
    strcat(b, "/events.csv");
    FILE *fa = fopen(a, "wb"), *fb = fopen(b, "wb");
    fputs("date,place,notes\n2023-01-05,Kurram,\"two\nlines\"\n", fa);
    fputs("date,place,notes\r\n2023-01-05,Kurram,\"two\r\nlines\"\r\n", fb);
    fclose(fa);
    fclose(fb);
    struct result ra, rb, ra2;
    read_all(a, &ra);
    read_all(b, &rb);
    read_all(a, &ra2);
    ck_assert_int_eq(ra.nev, 1);
    ck_assert_int_eq(rb.nev, 1);
    ck_assert_str_eq(ra.ev[0].uid, rb.ev[0].uid);
    ck_assert_str_eq(ra.ev[0].row_hash, rb.ev[0].row_hash);
    ck_assert_str_eq(ra.ev[0].uid, ra2.ev[0].uid);
    ck_assert_str_eq(ra.ev[0].notes, "two\nlines");
    ck_assert_str_eq(rb.ev[0].notes, "two\nlines");
    result_free(&ra);
    result_free(&rb);
    result_free(&ra2);

    /* the three committed line-end variants give the same row hashes */
    struct result lf, crlf, cr;
    read_all(FIXTURE("lines_lf.csv"), &lf);
    read_all(FIXTURE("lines_crlf.csv"), &crlf);
    read_all(FIXTURE("lines_cr.csv"), &cr);
    ck_assert_int_eq(lf.nev, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_str_eq(lf.ev[i].row_hash, crlf.ev[i].row_hash);
        ck_assert_str_eq(lf.ev[i].row_hash, cr.ev[i].row_hash);
        ck_assert_str_eq(lf.ev[i].source_ref, cr.ev[i].source_ref);
    }
    assert_scoped_uid(lf.ev[0].uid, "csv:lines_lf.csv", ":K1");
    ck_assert_str_eq(cr.ev[1].source_ref, "line 4");
    result_free(&lf);
    result_free(&crlf);
    result_free(&cr);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_ingest__missing_and_empty_files)
{
    struct result res;
    read_all(FIXTURE("no_such_file.csv"), &res);
    ck_assert_int_eq(res.open_status, DN_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "no_such_file.csv"));

    static const char empty[] = "\n\n";
    FILE *fp = fmemopen((void *)empty, 2, "rb");
    struct dn_reader *r = NULL;
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "empty.csv", NULL, &r), DN_ERR_INPUT);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "empty.csv: empty file (no header row)");
    fclose(fp);
    dn_reader_close(NULL);
}
END_TEST

START_TEST(test_ingest__infinite_coordinates_and_cp1252_header)
{
    /* the Windows-1252 byte in the header switches the file to conversion from line 1 on */
    static const char text[] = "date,place,lat,lon,H\xf6he\n2024-01-01,A,inf,70,1\n2024-01-02,B,34,-Infinity,1\n"
                               "2024-01-03,C,34,70.5,1\n";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    struct dn_reader *r;
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "inf.csv", NULL, &r), DN_OK);
    struct dn_event ev;
    dn_event_init(&ev);
    bool done;
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_ERR_INPUT);
    ck_assert_str_eq(dn_reader_reject(r)->field, "lat");
    ck_assert_str_eq(dn_reader_reject(r)->reason, "not a coordinate: 'inf'");
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "inf.csv:2: lat: not a coordinate: 'inf'");
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_ERR_INPUT);
    ck_assert_str_eq(dn_reader_reject(r)->field, "lon");
    ck_assert_int_eq(dn_reader_reject(r)->line, 3);
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_OK);
    ck_assert(!done);
    ck_assert_str_eq(ev.place, "C");
    ck_assert_double_eq_tol(ev.lon, 70.5, DEG_TOL);
    ck_assert_ptr_nonnull(strstr(cap.err.data, "inf.csv:1: the file is not UTF-8"));
    dn_event_clear(&ev);
    dn_reader_close(r);
    fclose(fp);

    struct result res;
    read_all(DN_TEST_DATA_DIR "/ingest", &res); /* a directory: an I/O error, not a crash */
    ck_assert_int_eq(res.open_status, DN_ERR_IO);
}
END_TEST

START_TEST(test_ingest__stream_reader_reads_memory)
{
    static const char text[] = "event_date,location,fatalities\n2024-01-02,Bajaur,1\n";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    struct dn_reader *r;
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "mem.csv", NULL, &r), DN_OK);
    ck_assert_int_eq(dn_reader_format(r), DN_INGEST_CSV);
    struct dn_event ev;
    dn_event_init(&ev);
    bool done;
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_OK);
    ck_assert(!done);
    ck_assert_str_eq(ev.place, "Bajaur");
    ck_assert_str_eq(ev.source, "mem.csv");
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_OK);
    ck_assert(done);
    ck_assert_ptr_null(ev.uid);
    dn_event_clear(&ev);
    dn_reader_close(r);
    fclose(fp);
}
END_TEST

START_TEST(test_ingest__long_notes_give_a_cut_excerpt)
{
    /* 400 bytes of notes, two-byte characters from byte 299 on: the
     * excerpt stops before the character that would be cut at 300 */
    char text[600];
    int n = snprintf(text, sizeof text, "event_date,location,notes\n2024-01-02,Khar,");
    memset(text + n, 'a', 299);
    n += 299;
    for (int i = 0; i < 50; i++) n += snprintf(text + n, sizeof text - (size_t)n, "\xC3\xA9");
    n += snprintf(text + n, sizeof text - (size_t)n, "\n");
    FILE *fp = fmemopen(text, (size_t)n, "rb");
    struct dn_reader *r;
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "long.csv", NULL, &r), DN_OK);
    struct dn_event ev;
    dn_event_init(&ev);
    bool done;
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_OK);
    ck_assert(!done);
    ck_assert_uint_eq(strlen(ev.notes), 399);
    ck_assert_uint_eq(strlen(ev.excerpt), 299 + 3);
    ck_assert_int_eq(strncmp(ev.excerpt, ev.notes, 299), 0);
    ck_assert_str_eq(ev.excerpt + 299, "\xE2\x80\xA6");
    dn_event_clear(&ev);
    dn_reader_close(r);
    fclose(fp);
}
END_TEST

START_TEST(test_ingest__headerless_table_is_refused)
{
    /* the first data row taken for a header names no field: the file is
     * refused rather than read as events of nothing */
    static const char text[] = "PAK1,2023-07-30,Khar,34.73,71.52,3\nPAK2,2023-07-31,Khar,34.73,71.52,4\n";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    struct dn_reader *r = NULL;
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "mem.csv", NULL, &r), DN_ERR_INPUT);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "mem.csv:1: no column names a date, place, coordinates or admin "
                                                     "area (is the header row missing?)"));
    fclose(fp);
    /* one recognised column is enough (the rest may come with --map) */
    static const char one[] = "where,b\nKhar,1\n";
    fp = fmemopen((void *)one, sizeof one - 1, "rb");
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "one.csv", NULL, &r), DN_OK);
    dn_reader_close(r);
    fclose(fp);
}
END_TEST

START_TEST(test_ingest__far_dates_are_named_as_such)
{
    char iso[11];
    enum dn_date_precision prec;
    ck_assert_int_eq(dn_parse_date("9999-12-31", DN_DATE_ORDER_AUTO, iso, &prec), DN_ERR_RANGE);
    ck_assert_int_eq(dn_parse_date("2199-12-31", DN_DATE_ORDER_AUTO, iso, &prec), DN_OK);
    static const char text[] = "event_date,location\n9999-12-31,Khar\n";
    FILE *fp = fmemopen((void *)text, sizeof text - 1, "rb");
    struct dn_reader *r;
    ck_assert_int_eq(dn_reader_open_stream(ctx, fp, "far.csv", NULL, &r), DN_OK);
    struct dn_event ev;
    dn_event_init(&ev);
    bool done;
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_ERR_INPUT);
    ck_assert_str_eq(dn_reader_reject(r)->reason, "impossible date '9999-12-31' (or a year outside 1800..2199)");
    dn_event_clear(&ev);
    dn_reader_close(r);
    fclose(fp);
}
END_TEST

START_TEST(test_ingest__allocation_failures_are_reported_not_crashed)
{
    /* fail each allocation in turn while reading a whole ACLED file */
    int completed = 0;
    for (long n = 1; n < 400 && !completed; n++) {
        dni_alloc_fail_after(n);
        struct dn_reader *r = NULL;
        dn_status s = dn_reader_open(ctx, FIXTURE("acled_2023.csv"), NULL, &r);
        struct dn_event ev;
        dn_event_init(&ev);
        bool done = false;
        while (s == DN_OK || s == DN_ERR_INPUT) {
            s = dn_reader_next(r, &ev, &done);
            if (s == DN_OK && done) break;
        }
        dn_event_clear(&ev);
        dn_reader_close(r);
        dni_alloc_fail_after(0);
        if (s == DN_OK && done) completed = 1;
        else ck_assert_msg(s == DN_ERR_NOMEM || s == DN_ERR_GDAL, "n=%ld: status %d", n, s);
    }
    ck_assert_msg(completed, "never completed within 400 allocations");
}
END_TEST

/* ---- OGR -------------------------------------------------------------------- */

START_TEST(test_ingest__geojson_layer_uses_geometry)
{
    struct result res;
    read_all(FIXTURE("events.geojson"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.format, DN_INGEST_OGR);
    ck_assert_int_eq(res.nev, 2);
    const struct dn_event *e = &res.ev[0];
    assert_scoped_uid(e->uid, "ogr:events.geojson", "/events:G1");
    ck_assert_str_eq(e->source_kind, "ogr");
    ck_assert_str_eq(e->date, "2023-08-01");
    ck_assert_str_eq(e->place, "Torkham");
    ck_assert(e->has_coords);
    ck_assert_double_eq_tol(e->lon, 71.094, DEG_TOL);
    ck_assert_double_eq_tol(e->lat, 34.1286, DEG_TOL);
    ck_assert_int_eq(e->precision, DN_PREC_POINT);
    ck_assert_int_eq(e->fatalities, 2);
    e = &res.ev[1];
    ck_assert_double_eq_tol(e->lon, 66.45, 1e-9);
    ck_assert_double_eq_tol(e->lat, 30.95, 1e-9);
    ck_assert_str_eq(e->flags, "geometry_centroid");
    ck_assert_int_eq(e->fatalities, DN_COUNT_UNKNOWN);
    ck_assert_int_eq(res.nrej, 1);
    assert_reject(&res, 0, 3, "event_date", "not a date: 'not a date'");
    result_free(&res);
}
END_TEST

START_TEST(test_ingest__projected_layer_is_transformed_to_lonlat)
{
    struct result res;
    read_all(FIXTURE("events_utm.shp"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.nev, 1);
    /* UTM 42N → WGS 84 in lon/lat order (the point is not symmetric in lat/lon) */
    ck_assert_double_eq_tol(res.ev[0].lon, 71.094, 1e-6);
    ck_assert_double_eq_tol(res.ev[0].lat, 34.1286, 1e-6);
    ck_assert_str_eq(res.ev[0].source_ref, "feature 0");
    result_free(&res);

    struct dn_reader_opts opts = {.format = DN_INGEST_OGR, .layer = "nope"};
    read_all_opts(FIXTURE("events.geojson"), &opts, &res);
    ck_assert_int_eq(res.open_status, DN_ERR_NOT_FOUND);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "no layer named 'nope'"));
    opts = (struct dn_reader_opts){.format = DN_INGEST_OGR};
    read_all_opts(FIXTURE("mdy.csv"), &opts, &res); /* OGR reads CSV too: no geometry, columns guessed */
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.nev, 2);
    result_free(&res);
}
END_TEST

/* A file that mixes day- and month-first dates is said to, and its rows
 * that read one way only against the file's order are flagged; input read
 * once (a pipe) says when a date that reads both ways was read day-first. */
START_TEST(test_ingest__day_month_order_doubts_are_said)
{
    static const char mixed[] = "id,date,place\n1,31/12/2023,Peshawar\n2,12/31/2023,Quetta\n3,05/06/2023,Wana\n";
    char path[] = "/tmp/durand-order-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, mixed, sizeof mixed - 1), (ssize_t)(sizeof mixed - 1));
    close(fd);
    struct dn_reader_opts opts = {.format = DN_INGEST_CSV};
    static const char *const map[] = {"id=id", "date=date", "place=place"};
    opts.map = map;
    opts.nmap = 3;
    struct result res;
    read_all_opts(path, &opts, &res);
    unlink(path);
    ck_assert_int_eq(res.nev, 3);
    ck_assert_str_eq(res.ev[1].date, "2023-12-31");
    ck_assert_ptr_nonnull(res.ev[1].flags);
    ck_assert_ptr_nonnull(strstr(res.ev[1].flags, "date_order_conflict"));
    ck_assert(!res.ev[2].flags || !strstr(res.ev[2].flags, "date_order_conflict"));
    ck_assert_ptr_nonnull(strstr(cap.err.data, ":3: date: '12/31/2023' reads month-first only"));
    result_free(&res);

    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    static const char once[] = "id,date,place\n1,05/06/2023,Peshawar\n";
    ck_assert_int_eq(write(p[1], once, sizeof once - 1), (ssize_t)(sizeof once - 1));
    close(p[1]);
    FILE *in = fdopen(p[0], "rb");
    struct dn_reader *r = NULL;
    ck_assert_int_eq(dn_reader_open_stream(ctx, in, "-", &opts, &r), DN_OK);
    struct dn_event ev;
    dn_event_init(&ev);
    bool done = false;
    ck_assert_int_eq(dn_reader_next(r, &ev, &done), DN_OK);
    ck_assert(!done);
    ck_assert_str_eq(ev.date, "2023-06-05");
    ck_assert_ptr_nonnull(strstr(cap.err.data, "-:2: date: '05/06/2023' reads both ways"));
    dn_event_clear(&ev);
    dn_reader_close(r);
    fclose(in);
}
END_TEST

/* A shapefile whose .dbf is in Windows-1252 with no .cpg to say so: OGR
 * passes the bytes on; the reader converts them, as the CSV reader does,
 * with one warning, so the store holds UTF-8 only. */
START_TEST(test_ingest__legacy_code_page_shapefile_is_converted)
{
    struct result res;
    read_all(FIXTURE("events_cp1252.shp"), &res);
    ck_assert_int_eq(res.open_status, DN_OK);
    ck_assert_int_eq(res.nev, 1);
    ck_assert_str_eq(res.ev[0].place, "Kandah\xc3\xa2r");
    const char *warned = strstr(cap.err.data, "field location is not UTF-8");
    ck_assert_ptr_nonnull(warned);
    ck_assert_ptr_null(strstr(warned + strlen("field location is not UTF-8"), "is not UTF-8")); /* one warning */
    result_free(&res);
}
END_TEST

/* ---- the pipeline on a store of the small geodata ------------------------ */

START_TEST(test_ingest__refused_file_loads_no_geodata_first)
{
    /* A file refused at its header is told before anything is loaded: the
     * gazetteer's index (and the admin areas beside it) wait for a file's
     * first row. Under valgrind the load was some 20 CPU-seconds a run. */
    char *dir = make_temp_dir();
    char db[700], refused[700], good[700];
    snprintf(db, sizeof db, "%s/mini.sqlite", dir);
    snprintf(refused, sizeof refused, "%s/refused.csv", dir);
    snprintf(good, sizeof good, "%s/good.csv", dir);
    static const char refused_text[] = "a,b\n1,2\n";
    static const char good_text[] = "event_date,location,fatalities\n2024-01-02,Peshawar,1\n";
    write_file(refused, refused_text, sizeof refused_text - 1);
    write_file(good, good_text, sizeof good_text - 1);
    ck_assert_int_eq(dni_set_geodata_dir(ctx, DN_TEST_MINI_GEODATA), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, db, DN_STORE_CREATE), DN_OK);
    ck_assert_msg(dn_geodata_load(ctx, false, NULL) == DN_OK, "%s", dn_ctx_errmsg(ctx));
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, db, 0), DN_OK); /* as a new run: nothing built yet */
    ck_assert(!dni_gz_index_ready(ctx));

    struct dn_ingest_opts opts = {.dedupe = DN_DEDUPE_DEFAULTS};
    struct dn_ingest_report rep;
    const char *first[] = {refused};
    ck_assert_int_eq(dn_ingest_paths(ctx, first, 1, &opts, &rep), DN_ERR_PARTIAL);
    ck_assert_int_eq(rep.failed_files, 1);
    ck_assert_msg(!dni_gz_index_ready(ctx), "the gazetteer was loaded for a file that gave no row");

    const char *both[] = {refused, good};
    ck_assert_int_eq(dn_ingest_paths(ctx, both, 2, &opts, &rep), DN_ERR_PARTIAL);
    ck_assert_int_eq(rep.stored, 1);
    ck_assert(dni_gz_index_ready(ctx));
    remove_tree(dir);
    free(dir);
}
END_TEST

Suite *make_ingest_suite(void)
{
    Suite *s = suite_create("ingest");
    TCase *tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ingest__parse_date_accepts_the_usual_spellings);
    tcase_add_test(tc, test_ingest__parse_date_rejects_with_the_right_status);
    tcase_add_test(tc, test_ingest__parse_count_handles_unknowns_ranges_and_fractions);
    tcase_add_test(tc, test_ingest__parse_coord_accepts_decimal_and_dms);
    tcase_add_test(tc, test_ingest__fnv1a_matches_published_vectors);
    suite_add_tcase(s, tc);

    tc = tcase_create("csv");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ingest__csv_line_ends_give_identical_records);
    tcase_add_test(tc, test_ingest__csv_quoting_follows_rfc4180);
    tcase_add_test(tc, test_ingest__csv_sniffs_delimiter_and_caps_records);
    tcase_add_test(tc, test_ingest__csv_rejects_utf16);
    suite_add_tcase(s, tc);

    tc = tcase_create("readers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ingest__acled_2023_layout);
    tcase_add_test(tc, test_ingest__acled_old_layout_uppercase_crlf);
    tcase_add_test(tc, test_ingest__ucdp_ged_precisions_and_estimates);
    tcase_add_test(tc, test_ingest__unknown_location_precision_is_coarse_and_flagged);
    tcase_add_test(tc, test_ingest__generic_messy_file);
    tcase_add_test(tc, test_ingest__date_order_detected_per_file_or_forced);
    tcase_add_test(tc, test_ingest__row_hash_follows_the_reading_not_only_the_row);
    tcase_add_test(tc, test_ingest__totals_row_is_a_label_without_a_date);
    tcase_add_test(tc, test_ingest__trailing_unnamed_header_columns_are_optional);
    tcase_add_test(tc, test_ingest__map_names_columns_and_is_validated);
    tcase_add_test(tc, test_ingest__forced_format_must_match_the_header);
    tcase_add_test(tc, test_ingest__utf8_bom_is_stripped);
    tcase_add_test(tc, test_ingest__windows1252_is_converted_with_a_warning);
    tcase_add_test(tc, test_ingest__broken_bytes_reject_one_row);
    tcase_add_test(tc, test_ingest__ten_megabyte_line_is_one_reject);
    tcase_add_test(tc, test_ingest__uid_is_stable_across_line_ends_and_reingest);
    tcase_add_test(tc, test_ingest__missing_and_empty_files);
    tcase_add_test(tc, test_ingest__stream_reader_reads_memory);
    tcase_add_test(tc, test_ingest__headerless_table_is_refused);
    tcase_add_test(tc, test_ingest__long_notes_give_a_cut_excerpt);
    tcase_add_test(tc, test_ingest__far_dates_are_named_as_such);
    tcase_add_test(tc, test_ingest__infinite_coordinates_and_cp1252_header);
    tcase_add_test(tc, test_ingest__allocation_failures_are_reported_not_crashed);
    tcase_add_test(tc, test_ingest__geojson_layer_uses_geometry);
    tcase_add_test(tc, test_ingest__projected_layer_is_transformed_to_lonlat);
    tcase_add_test(tc, test_ingest__legacy_code_page_shapefile_is_converted);
    tcase_add_test(tc, test_ingest__day_month_order_doubts_are_said);
    suite_add_tcase(s, tc);

    tc = tcase_create("pipeline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ingest__refused_file_loads_no_geodata_first);
    suite_add_tcase(s, tc);
    return s;
}

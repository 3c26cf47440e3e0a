/** @file test_gazetteer.c
 * Gazetteer: name keys (normalisation), key variants, and the geocoder's
 * mechanics on a small made-up gazetteer written straight into an
 * in-memory store (places, names and admin areas shaped like the loader's
 * output): lookups, hints, context, kinds, precision and radius, bad
 * input, learned names, mention finding and event geocoding. The table of
 * cases against the shipped gazetteer is in test_gazetteer_real.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "core/event.h"
#include "gazetteer/gazetteer.h"
#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"
#include "store/store.h"
#include "tests.h"
#include "testutil.h"

/* The key of a name, in one of a few rotating buffers so that two keys can
 * be compared in one assertion. */
static const char *key_of(const char *name)
{
    static struct dn_strbuf pool[4];
    static unsigned next;
    struct dn_strbuf *b = &pool[next++ % 4];
    dn_strbuf_free(b);
    ck_assert_int_eq(dn_name_key(NULL, name, strlen(name), b), DN_OK);
    return b->data;
}

/* ---- normalisation ----------------------------------------------------------- */

START_TEST(test_gazetteer__key_folds_case_and_diacritics)
{
    ck_assert_str_eq(key_of("Jalālābād"), "jalalabad");
    ck_assert_str_eq(key_of("  PESHAWAR  "), "peshawar");
    ck_assert_str_eq(key_of("Spīn Bōldak"), "spin boldak");
    ck_assert_str_eq(key_of("Feyẕābād"), "feyzabad");
    ck_assert_str_eq(key_of("Ｋａｂｕｌ"), "kabul"); /* full-width compatibility forms */
}
END_TEST

START_TEST(test_gazetteer__key_unifies_punctuation_and_initials)
{
    ck_assert_str_eq(key_of("D.I. Khan"), "di khan");
    ck_assert_str_eq(key_of("DI Khan"), "di khan");
    ck_assert_str_eq(key_of("D I Khan"), "di khan");
    ck_assert_str_eq(key_of("La'lpurah"), "lalpurah");
    ck_assert_str_eq(key_of("La’lpurah"), "lalpurah");
    ck_assert_str_eq(key_of("Dera-Ismail-Khan"), "dera ismail khan");
    ck_assert_str_eq(key_of("Dand-e-Patan"), "dand e patan");
}
END_TEST

START_TEST(test_gazetteer__key_expands_a_leading_compass_letter)
{
    ck_assert_str_eq(key_of("N. Waziristan"), "north waziristan");
    ck_assert_str_eq(key_of("S Waziristan"), "south waziristan");
    ck_assert_str_eq(key_of("W. Bengal"), "west bengal");
    /* only a leading letter before another word */
    ck_assert_str_eq(key_of("N"), "n");
    ck_assert_str_eq(key_of("Bar N"), "bar n");
    ck_assert_str_eq(key_of("N.W.F.P."), "nwfp");
}
END_TEST

START_TEST(test_gazetteer__key_unifies_arabic_script_variants)
{
    /* Peshawar in Urdu (پشاور) and Pashto (پېښور) stay distinct words, but
     * Arabic kaf/yeh and Persian keheh/farsi yeh are one letter */
    ck_assert_str_eq(key_of("كابل"), key_of("کابل"));
    ck_assert_str_eq(key_of("علي"), key_of("علی"));
    ck_assert_str_eq(key_of("مِیران شاہ"), key_of("میران شاه"));
    ck_assert_str_eq(key_of("كابـــل"), key_of("کابل")); /* tatweel */
    ck_assert_str_eq(key_of("٢٠٢٢"), "2022");
    /* Pashto letters and their Urdu counterparts */
    ck_assert_str_eq(key_of("ننګرهار"), key_of("ننگرهار"));
    ck_assert_str_eq(key_of("ټانک"), key_of("ٹانک"));
    ck_assert_str_eq(key_of("ډېره"), key_of("ڈیره"));
    ck_assert_str_ne(key_of("پشاور"), key_of("پېښور"));
}
END_TEST

START_TEST(test_gazetteer__key_rejects_bad_input)
{
    struct dn_strbuf b = {0};
    ck_assert_int_eq(dn_name_key(NULL, "bad\xff", 4, &b), DN_ERR_INPUT);
    ck_assert_int_eq(dn_name_key(NULL, "\xc3", 1, &b), DN_ERR_INPUT); /* truncated sequence */
    ck_assert_int_eq(dn_name_key(NULL, "a\0b", 3, &b), DN_ERR_INPUT);
    char big[DN_NAME_MAX + 2];
    memset(big, 'a', sizeof big);
    ck_assert_int_eq(dn_name_key(NULL, big, sizeof big, &b), DN_ERR_INPUT);
    ck_assert_int_eq(dn_name_key(NULL, "'; DROP TABLE places; --", 24, &b), DN_OK);
    ck_assert_str_eq(b.data, "drop table places");
    ck_assert_int_eq(dn_name_key(NULL, " \t ", 3, &b), DN_OK);
    ck_assert_str_eq(b.data, "");
    dn_strbuf_free(&b);
}
END_TEST

/* ---- variants ------------------------------------------------------------------ */

static bool has_variant(const struct gz_variants *v, const char *s, int family)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i].family == family && strlen(s) == v->v[i].len && memcmp(s, v->v[i].s, v->v[i].len) == 0)
            return true;
    return false;
}

START_TEST(test_gazetteer__variants_drop_generic_words_and_note_the_kind)
{
    struct gz_variants v;
    const char *k = key_of("Khyber Agency");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, "khyber agency", GZ_V_FULL));
    ck_assert(has_variant(&v, "khyber", GZ_V_CORE));
    ck_assert_uint_eq(v.kind_hint, GZ_KIND_DISTRICT);
    k = key_of("Kurram Tribal District");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, "kurram", GZ_V_CORE));
    k = key_of("ضلع پشاور");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, key_of("پشاور"), GZ_V_CORE));
    ck_assert_uint_eq(v.kind_hint, GZ_KIND_DISTRICT);
    k = key_of("Mazar-i-Sharif");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, "mazar sharif", GZ_V_CORE));
    ck_assert(has_variant(&v, "mazarsharif", GZ_V_COMPACT));
    /* a name that is only generic words stays itself */
    k = key_of("Town");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert_uint_eq(v.n, 1);
    ck_assert_uint_eq(v.kind_hint, 0);
}
END_TEST

START_TEST(test_gazetteer__variants_abbreviate_prominent_names)
{
    struct gz_variants v;
    const char *k = key_of("Dera Ismail Khan");
    dni_gz_variants(k, strlen(k), GZ_VAR_INITIALS, &v);
    ck_assert(has_variant(&v, "di khan", GZ_V_INITIALS));
    k = key_of("Toba Tek Singh");
    dni_gz_variants(k, strlen(k), GZ_VAR_INITIALS, &v);
    ck_assert(has_variant(&v, "tt singh", GZ_V_INITIALS));
    dni_gz_variants(k, strlen(k), 0, &v);
    ck_assert(!has_variant(&v, "tt singh", GZ_V_INITIALS));
}
END_TEST

START_TEST(test_gazetteer__variants_spell_arabic_script_by_sound)
{
    struct gz_variants v;
    /* Wana: Pashto writes the final vowel ه, Urdu ا */
    const char *k = key_of("وانه");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, key_of("وانا"), GZ_V_SOUND));
    /* Torkham: ط and ت are one sound; so are ص and س (Swabi) */
    k = key_of("طورخم");
    dni_gz_variants(k, strlen(k), 0, &v);
    ck_assert(has_variant(&v, key_of("تورخم"), GZ_V_SOUND));
    k = key_of("صوابی");
    dni_gz_variants(k, strlen(k), 0, &v);
    ck_assert(has_variant(&v, key_of("سوابی"), GZ_V_SOUND));
    /* Quetta in Urdu (retroflex ٹ, final ہ) and Dari (ت, final ه) meet */
    char a[64], b[64];
    const char *ku = key_of("کوئٹہ"), *kd = key_of("کویته");
    ck_assert_uint_eq(dni_gz_sound_fold(ku, strlen(ku), a), strlen(ku));
    ck_assert_uint_eq(dni_gz_sound_fold(kd, strlen(kd), b), strlen(kd));
    a[strlen(ku)] = b[strlen(kd)] = '\0';
    ck_assert_str_eq(a, b);
    /* only a word's last ه after a consonant is a vowel; the core (generic
     * words dropped) is what is folded */
    k = key_of("ضلع کوټه");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, key_of("کوتا"), GZ_V_SOUND));
    k = key_of("ننگرهار");
    ck_assert_uint_eq(dni_gz_sound_fold(k, strlen(k), a), 0);
    k = key_of("میران شاه"); /* shah: after ا, ه is h */
    ck_assert_uint_eq(dni_gz_sound_fold(k, strlen(k), a), 0);
    k = key_of("لشکرگاه");
    ck_assert_uint_eq(dni_gz_sound_fold(k, strlen(k), a), 0);
    k = key_of("ه");
    ck_assert_uint_eq(dni_gz_sound_fold(k, strlen(k), a), 0);
    /* one pass is enough: a final ح becomes the ا of a final ه at once */
    k = key_of("صبح");
    size_t n = dni_gz_sound_fold(k, strlen(k), a);
    ck_assert_uint_eq(n, strlen(k));
    a[n] = '\0';
    ck_assert_str_eq(a, key_of("سبا"));
    ck_assert_uint_eq(dni_gz_sound_fold(a, n, b), 0);
    /* nothing to fold: no sound variant, and Latin keys never have one */
    k = key_of("کابل");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    for (size_t i = 0; i < v.n; i++) ck_assert_int_ne(v.v[i].family, GZ_V_SOUND);
    k = key_of("Wana");
    ck_assert_uint_eq(dni_gz_sound_fold(k, strlen(k), a), 0);
}
END_TEST

/* The Latin key of a name spelt by sound, or the key itself when the
 * fold leaves it alone (in a rotating buffer, like key_of). */
static const char *latin_of(const char *name)
{
    static char pool[4][GZ_KEY_MAX + 1];
    static unsigned next;
    char *out = pool[next++ % 4];
    const char *k = key_of(name);
    size_t n = dni_gz_latin_fold(k, strlen(k), out);
    ck_assert_uint_le(n, strlen(k));
    if (n == 0) {
        strcpy(out, k);
    } else {
        out[n] = '\0';
        char again[GZ_KEY_MAX + 1];
        ck_assert_msg(dni_gz_latin_fold(out, n, again) == 0, "%s: folding \"%s\" again changes it", name, out);
    }
    return out;
}

START_TEST(test_gazetteer__variants_spell_latin_romanisations_by_sound)
{
    /* spellings of one name that the shipped gazetteer's own records mix */
    static const char *const same[][2] = {
        {"Makeen", "Makin"},             {"Khowst", "Khost"},             {"Qandahar", "Kandahar"},
        {"Nooristan", "Nuristan"},       {"Balouch", "Baluch"},           {"Maydan", "Maidan"},
        {"Kalay", "Kalai"},              {"Sheykh", "Sheikh"},            {"Vazirabad", "Wazirabad"},
        {"Jalalabaad", "Jalalabad"},     {"Hassan Khel", "Hasan Khel"},   {"Qaleh", "Qala"},
        {"Qalah", "Kala"},               {"Naushera", "Nowshera"},        {"Orgoon", "Orgun"},
        {"Chahar Darah", "Chahar Dara"}, {"Tareen", "Tarin"},             {"Qallacha", "Kalacha"},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(same); i++)
        ck_assert_msg(strcmp(latin_of(same[i][0]), latin_of(same[i][1])) == 0, "%s and %s: %s, %s", same[i][0],
                      same[i][1], latin_of(same[i][0]), latin_of(same[i][1]));
    /* different names, kept apart: kh, gh, sh, ch and Urdu's aspirated chh
     * are letters of their own; ph is an aspirated p and dh a d (Punjabi
     * Phalkot, Madhar); one-syllable words and an h after h keep their
     * final h (Shah, Gah, Miranshah); a y before a vowel is a consonant */
    static const char *const apart[][2] = {
        {"Khar", "Kar"},           {"Ghar", "Gar"},           {"Shah", "Sha"},
        {"Gah", "Ga"},             {"Miranshah", "Miransha"}, {"Phalkot", "Falkot"},
        {"Madhar", "Mazar"},       {"Chhachar", "Chachar"},   {"Yusuf", "Iusuf"},
        {"Mir Ali", "Mor Ali"},    {"Wana", "Wani"},          {"Khost", "Kost"},
        {"Kot", "Kut"},            {"Tank", "Tang"},          {"Dir", "Dur"},
        {"Kabul", "Kabil"},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(apart); i++)
        ck_assert_msg(strcmp(latin_of(apart[i][0]), latin_of(apart[i][1])) != 0, "%s and %s both %s", apart[i][0],
                      apart[i][1], latin_of(apart[i][0]));
    /* what the index and a query look up: the core spelt by sound, below an
     * exact match; words with other characters than a-z are left as they are */
    struct gz_variants v;
    const char *k = key_of("Makeen Bazaar");
    dni_gz_variants(k, strlen(k), GZ_VAR_QUERY, &v);
    ck_assert(has_variant(&v, "makin bazar", GZ_V_LATIN_SOUND));
    for (size_t i = 0; i < v.n; i++)
        if (v.v[i].family == GZ_V_LATIN_SOUND) ck_assert_int_lt(v.v[i].quality, 97);
    k = key_of("Chak 76 Qadirabad");
    dni_gz_variants(k, strlen(k), 0, &v);
    ck_assert(has_variant(&v, "chak 76 kadirabad", GZ_V_LATIN_SOUND));
    /* nothing to fold: no variant, and Arabic script is the other fold's */
    char out[GZ_KEY_MAX + 1];
    k = key_of("Peshawar");
    ck_assert_uint_eq(dni_gz_latin_fold(k, strlen(k), out), 0);
    k = key_of("وانه");
    ck_assert_uint_eq(dni_gz_latin_fold(k, strlen(k), out), 0);
    dni_gz_variants(k, strlen(k), 0, &v);
    for (size_t i = 0; i < v.n; i++) ck_assert_int_ne(v.v[i].family, GZ_V_LATIN_SOUND);
    /* one fold is final even where one pass is not ("aoo": "au", then "o") */
    ck_assert_str_eq(latin_of("Naoona"), "nona");
}
END_TEST

START_TEST(test_gazetteer__expansions_reorder_and_split)
{
    struct gz_expansions e;
    dni_gz_expansions("waziristan north", 16, &e);
    bool found = false;
    for (size_t i = 0; i < e.n; i++) found |= strcmp(e.v[i].s, "north waziristan") == 0;
    ck_assert(found);
    dni_gz_expansions("miramshah", 9, &e);
    found = false;
    for (size_t i = 0; i < e.n; i++) found |= strcmp(e.v[i].s, "miram shah") == 0;
    ck_assert(found);
    dni_gz_expansions("a b c d e", 9, &e); /* five words: not reordered */
    ck_assert_uint_eq(e.n, 0);
}
END_TEST

/* ---- a made-up gazetteer ------------------------------------------------------------ */

static dn_ctx *ctx;

static void area(long long id, int level, int hist, const char *code, const char *name, const char *country,
                 const char *parent_code, const char *parent_name, double w, double s, double e, double n)
{
    char sql[1024];
    double km2 = (e - w) * (n - s) * 100 * 100; /* made up, but known: the radius tests use it */
    snprintf(sql, sizeof sql,
             "INSERT INTO admin_areas(id, level, historical, code, name, country, parent_code, parent_name, area_km2,"
             " geom) VALUES (%lld, %d, %d, %s%s%s, '%s', '%s', %s%s%s, %s%s%s, %.1f,"
             " GeomFromText('MULTIPOLYGON(((%f %f, %f %f, %f %f, %f %f, %f %f)))', 4326))",
             id, level, hist, code ? "'" : "", code ? code : "NULL", code ? "'" : "", name, country,
             parent_code ? "'" : "", parent_code ? parent_code : "NULL", parent_code ? "'" : "",
             parent_name ? "'" : "", parent_name ? parent_name : "NULL", parent_name ? "'" : "", km2, w, s, e, s, e, n,
             w, n, w, s);
    sql_exec(dni_db(ctx), sql);
}

/* A place with its names ("|"-separated; the first is the main name). */
static void place(long long id, const char *names, const char *kind, const char *placetype, const char *country,
                  const char *pcode, const char *province, const char *district, long long pop, long long admin_id,
                  double lon, double lat)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(dni_db(ctx),
                                        "INSERT INTO places(id, name, kind, placetype, country, province_code, province,"
                                        " district, population, is_current, admin_id, geom)"
                                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, MakePoint(?, ?, 4326))",
                                        -1, &st, NULL),
                     SQLITE_OK);
    char main_name[128];
    snprintf(main_name, sizeof main_name, "%.*s", (int)strcspn(names, "|"), names);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, main_name, -1, SQLITE_TRANSIENT);
    const char *texts[] = {kind, placetype, country, pcode, province, district};
    for (int i = 0; i < 6; i++)
        if (texts[i]) sqlite3_bind_text(st, 3 + i, texts[i], -1, SQLITE_STATIC);
    if (pop >= 0) sqlite3_bind_int64(st, 9, pop);
    sqlite3_bind_int(st, 10, kind ? -1 : 1);
    if (admin_id) sqlite3_bind_int64(st, 11, admin_id);
    sqlite3_bind_double(st, 12, lon);
    sqlite3_bind_double(st, 13, lat);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    int rank = 0;
    for (const char *p = names; *p; rank = 1) {
        size_t len = strcspn(p, "|");
        struct dn_strbuf k = {0};
        ck_assert_int_eq(dn_name_key(NULL, p, len, &k), DN_OK);
        ck_assert_int_eq(sqlite3_prepare_v2(dni_db(ctx),
                                            "INSERT INTO place_names(place_id, name, key, rank, source)"
                                            " VALUES (?, ?, ?, ?, 'geodata')",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, p, (int)len, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, k.data, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 4, rank);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        dn_strbuf_free(&k);
        p += len;
        if (*p == '|') p++;
    }
}

static void alias(long long place_id, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO place_names(place_id, name, key, rank, source) VALUES (%lld, '%s', '%s', 1, 'aliases.csv')",
             place_id, name, key_of(name));
    sql_exec(dni_db(ctx), sql);
}

enum {
    A_AFG = 1, A_PAK, A_NAN, A_KHO, A_KP, A_FATA, A_NWA, A_SWA, A_KHY, A_PES, A_BAJ, A_SWB, A_BAT, A_JAL, A_DIK
};

static void build_gazetteer(void)
{
    sql_exec(dni_db(ctx), "BEGIN");
    area(A_AFG, 0, 0, "AFG", "Afghanistan", "AFG", NULL, NULL, 60, 29, 70, 38.5);
    area(A_PAK, 0, 0, "PAK", "Pakistan", "PAK", NULL, NULL, 70, 24, 78, 37);
    area(A_NAN, 1, 0, "AF-NAN", "Nangarhar", "AFG", NULL, NULL, 69.5, 33.9, 69.99, 34.6);
    area(A_KHO, 1, 0, "AF-KHO", "Khost", "AFG", NULL, NULL, 69.5, 33.0, 69.99, 33.7);
    area(A_KP, 1, 0, "PK-KP", "Khyber Pakhtunkhwa", "PAK", NULL, NULL, 70, 31, 74, 36);
    area(A_FATA, 1, 1, "PK-TA", "Federally Administered Tribal Areas", "PAK", NULL, NULL, 70, 32, 71.3, 35);
    area(A_NWA, 2, 0, NULL, "North Waziristan", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 70, 32.7, 70.5, 33.3);
    area(A_SWA, 2, 0, NULL, "South Waziristan", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 70, 32.0, 70.5, 32.7);
    area(A_KHY, 2, 0, NULL, "Khyber", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 70.5, 33.7, 71.3, 34.3);
    area(A_PES, 2, 0, NULL, "Peshawar", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 71.3, 33.8, 71.8, 34.3);
    area(A_BAJ, 2, 0, NULL, "Bajaur", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 71.0, 34.5, 71.3, 35.0);
    area(A_SWB, 2, 0, NULL, "Swabi", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 72.0, 34.0, 72.6, 34.4);
    area(A_BAT, 2, 0, NULL, "Batagram", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 72.9, 34.6, 73.2, 35.0);
    area(A_JAL, 2, 0, NULL, "Jalalabad", "AFG", "AF-NAN", "Nangarhar", 69.6, 34.3, 69.9, 34.6);
    area(A_DIK, 2, 0, NULL, "Dera Ismail Khan", "PAK", "PK-KP", "Khyber Pakhtunkhwa", 70.5, 31.5, 71.0, 32.2);

    /* admin areas as places (as the loader links them) */
    place(9001, "Afghanistan|افغانستان", "ADM0", "country", "AFG", NULL, NULL, NULL, -1, A_AFG, 66, 34);
    place(9002, "Pakistan|پاکستان", "ADM0", "country", "PAK", NULL, NULL, NULL, -1, A_PAK, 72, 30);
    place(9003, "Nangarhar|Nengerhar Province|ننګرهار", "ADM1", "region", "AFG", "AF-NAN", "Nangarhar", NULL, -1, A_NAN,
          69.8, 34.2);
    place(9004, "Khost", "ADM1", "region", "AFG", "AF-KHO", "Khost", NULL, -1, A_KHO, 69.8, 33.3);
    place(9005, "Khyber Pakhtunkhwa|Khyber-Pakhtunkhwa", "ADM1", "region", "PAK", "PK-KP", "Khyber Pakhtunkhwa", NULL,
          -1, A_KP, 72, 34);
    place(9006, "Federally Administered Tribal Areas", "ADM1H", "region", "PAK", "PK-KP", "Khyber Pakhtunkhwa",
          "Khyber", -1, A_FATA, 70.9, 33.9);
    place(9007, "North Waziristan|North Waziristan Agency|Wana|شمالی وزیرستان", "ADM2", "county", "PAK", "PK-KP",
          "Khyber Pakhtunkhwa", "North Waziristan", -1, A_NWA, 70.1, 32.9);
    place(9008, "South Waziristan|South Waziristan Agency", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa",
          "South Waziristan", -1, A_SWA, 70.2, 32.4);
    place(9009, "Khyber|Khyber Agency|F.A.T.A.", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Khyber", -1,
          A_KHY, 71.0, 34.0);
    place(9010, "Peshawar|Peshawar District", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Peshawar", -1,
          A_PES, 71.57, 33.98);
    place(9011, "Bajaur|Bajaur Agency", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Bajaur", -1, A_BAJ,
          71.15, 34.8);
    place(9012, "Swabi", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Swabi", -1, A_SWB, 72.3, 34.2);
    place(9013, "Batagram", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Batagram", -1, A_BAT, 73.0, 34.8);
    place(9014, "Jalalabad|Jalal Abad", "ADM2", "county", "AFG", "AF-NAN", "Nangarhar", "Jalalabad", -1, A_JAL, 69.75,
          34.45);
    place(9015, "Dera Ismail Khan|D. I. Khan District", "ADM2", "county", "PAK", "PK-KP", "Khyber Pakhtunkhwa",
          "Dera Ismail Khan", -1, A_DIK, 70.7, 31.9);
    alias(9005, "NWFP");
    alias(9005, "KPK");
    alias(9005, "KP");
    alias(9006, "FATA");
    alias(9011, "Bajour");

    /* towns and villages */
    place(1, "Peshawar|پشاور|پېښور", NULL, "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Peshawar", 1218773, 0,
          71.56, 34.0);
    place(2, "Miram Shah|Miranshah|میران شاہ", NULL, "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa",
          "North Waziristan", -1, 0, 70.07, 33.01);
    place(3, "Mir Ali", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "North Waziristan", -1, 0, 70.29,
          33.02);
    place(4, "Mir Ali", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Swabi", -1, 0, 72.36, 34.30);
    place(5, "Mir Ali", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Batagram", -1, 0, 73.03, 34.88);
    place(6, "Mir 'Ali", "PPL", "locality", "AFG", "AF-NAN", "Nangarhar", "Jalalabad", -1, 0, 69.7, 34.4);
    place(7, "Jalalabad|Jalālābād|جلال آباد", NULL, "locality", "AFG", "AF-NAN", "Nangarhar", "Jalalabad", 200331, 0,
          69.78, 34.43);
    place(8, "Jalalabad", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Swabi", -1, 0, 72.2, 34.1);
    place(9, "Khar", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Bajaur", -1, 0, 71.16, 34.74);
    place(10, "Khar", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Swabi", -1, 0, 72.5, 34.35);
    place(11, "Dir", NULL, "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Bajaur", -1, 0, 71.2, 34.95);
    place(12, "Dir Colony", NULL, "neighbourhood", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Peshawar", -1, 0, 71.5,
          34.02);
    place(13, "Khaibar|Khyber", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Swabi", -1, 0, 72.1, 34.05);
    place(14, "Wana|وانه", NULL, "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "South Waziristan", -1, 0, 70.3,
          32.3);
    place(15, "Dera Ismail Khan", "PPLA2", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Dera Ismail Khan", 217457,
          0, 70.9, 31.83);
    place(16, "Landi Kotal", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Khyber", -1, 0, 71.15, 34.1);
    place(17, "Razmak", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "North Waziristan", -1, 0, 70.3,
          32.9);
    place(18, "Khost|Khōst", NULL, "locality", "AFG", "AF-KHO", "Khost", NULL, -1, 0, 69.92, 33.34);
    place(19, "Bannu", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Dera Ismail Khan", -1, 0, 70.6,
          32.0);
    place(20, "Bahadur Kalle|Bahadur", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Peshawar", -1, 0,
          71.6, 34.1);
    place(21, "Khan", "PPL", "locality", "PAK", "PK-KP", "Khyber Pakhtunkhwa", "Swabi", -1, 0, 72.4, 34.2);
    sql_exec(dni_db(ctx), "COMMIT");
}

static void setup(void)
{
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dni_set_geodata_dir(ctx, DN_SOURCE_DIR "/geodata"), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, ":memory:", DN_STORE_CREATE), DN_OK);
    build_gazetteer();
}

static void teardown(void) { ctx = dn_ctx_free(ctx); }

/* Geocode and check the place id; returns the result for further checks. */
static struct dn_geocode_result *gc(const char *name, const struct dn_geocode_opts *opts, long long want_id)
{
    static struct dn_geocode_result r;
    dn_geocode_result_clear(&r);
    dn_status s = dn_geocode(ctx, name, strlen(name), opts, &r);
    ck_assert_msg(s == DN_OK, "%s: %s", name, dn_ctx_errmsg(ctx));
    if (want_id == 0) ck_assert_msg(r.status == DN_GEOCODE_UNRESOLVED, "%s: resolved to %lld", name, r.place.id);
    else
        ck_assert_msg(r.status != DN_GEOCODE_UNRESOLVED && r.place.id == want_id, "%s: got %lld (%s), want %lld",
                      name, r.status == DN_GEOCODE_UNRESOLVED ? 0 : r.place.id,
                      r.status == DN_GEOCODE_UNRESOLVED ? "unresolved" : r.place.name, want_id);
    return &r;
}

/* The index built on a thread of its own (dn_gazetteer_preload_*) is the
 * one the first lookup would build: the same figures and answers. Where
 * no second connection can be made (an in-memory store), or an index is
 * already there, no thread starts. */
START_TEST(test_gazetteer__preloaded_index_is_the_built_one)
{
    struct dn_gazetteer_preload *p = NULL;
    dn_gazetteer_preload_start(ctx, &p);
    ck_assert_ptr_null(p); /* :memory: */
    char *dir = make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/preload.sqlite", dir);
    dn_store_close(ctx);
    ck_assert_int_eq(dn_store_open(ctx, path, DN_STORE_CREATE), DN_OK);
    build_gazetteer();
    struct dn_gazetteer_stats built, preloaded;
    ck_assert_int_eq(dn_gazetteer_load(ctx, &built), DN_OK);
    dn_gazetteer_preload_start(ctx, &p);
    ck_assert_ptr_null(p); /* already built */
    dn_gazetteer_invalidate(ctx);
    ck_assert(!dni_gz_index_ready(ctx));
    dn_gazetteer_preload_start(ctx, &p);
    ck_assert_ptr_nonnull(p);
    dn_gazetteer_preload_finish(ctx, p);
    ck_assert(dni_gz_index_ready(ctx));
    ck_assert_int_eq(dn_gazetteer_load(ctx, &preloaded), DN_OK);
    ck_assert_uint_eq(preloaded.places, built.places);
    ck_assert_uint_eq(preloaded.names, built.names);
    ck_assert_uint_eq(preloaded.names_skipped, built.names_skipped);
    ck_assert_uint_eq(preloaded.keys, built.keys);
    ck_assert_uint_eq(preloaded.postings, built.postings);
    struct dn_geocode_opts near_bannu = {.has_near = true, .near_lon = 70.6, .near_lat = 32.0};
    gc("Razmak", NULL, 17);
    gc("Landi Kotal", NULL, 16);
    gc("Bannu", &near_bannu, 19);
    dn_store_close(ctx);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(test_gazetteer__exact_alias_and_variant_names)
{
    struct dn_geocode_result *r = gc("Peshawar", NULL, 1);
    ck_assert_int_eq(r->match, DN_MATCH_EXACT);
    ck_assert_int_eq(r->status, DN_GEOCODE_RESOLVED);
    r = gc("NWFP", NULL, 9005);
    ck_assert_int_eq(r->place.precision, DN_PREC_PROVINCE);
    gc("KPK", NULL, 9005);
    gc("Khyber-Pakhtunkhwa", NULL, 9005);
    gc("Bajour", NULL, 9011);
    gc("Bajaur Agency", NULL, 9011);
    r = gc("Bajaur district", NULL, 9011);
    ck_assert_int_eq(r->match, DN_MATCH_VARIANT);
    gc("Khyber Tribal District", NULL, 9009);
    gc("N. Waziristan", NULL, 9007);
    gc("S Waziristan", NULL, 9008);
    gc("Waziristan North", NULL, 9007);
    gc("D.I. Khan", NULL, 15);
    gc("DI Khan", NULL, 15);
    gc("Dera Ismail Khan", NULL, 15);
    gc("Miramshah", NULL, 2);
    gc("Miran Shah", NULL, 2);
    gc("FATA", NULL, 9006);
    gc("Pakistan", NULL, 9002);
}
END_TEST

START_TEST(test_gazetteer__arabic_script_names)
{
    gc("پشاور", NULL, 1);
    gc("پېښور", NULL, 1);
    gc("ميران شاه", NULL, 2); /* Arabic yeh and heh */
    gc("ضلع شمالی وزیرستان", NULL, 9007);
    gc("د ننګرهار ولايت", NULL, 9003);
    gc("افغانستان", NULL, 9001);
    gc("وانا", NULL, 14); /* the fixture has Wana's Pashto spelling, وانه */
}
END_TEST

/* A crossing of the crossings layer names the settlement it stands on:
 * its name, its parts before and in parentheses and its other names find that place,
 * which outranks namesakes and answers "X border" and "X crossing". A
 * crossing whose settlement is not at its point adds nothing. */
START_TEST(test_gazetteer__crossings_name_their_settlement)
{
    sql_exec(dni_db(ctx), "INSERT INTO crossings(name, side, proxy_name, alt_names, geom) VALUES"
             " ('Michni (Shinwari Gate)', 'PAK', 'Landi Kotal', 'Michni Post|مچنی', MakePoint(71.15, 34.1, 4326)),"
             " ('Khar', 'PAK', 'Khar', NULL, MakePoint(71.16, 34.74, 4326)),"
             " ('Razmak Gate', 'PAK', 'Razmak', NULL, MakePoint(71.0, 33.5, 4326))");
    gc("Michni", NULL, 16);
    gc("Shinwari Gate", NULL, 16);
    gc("Michni Post", NULL, 16);
    gc("مچنی", NULL, 16);
    struct dn_geocode_result *r = gc("Michni border crossing", NULL, 16);
    ck_assert_int_eq(r->status, DN_GEOCODE_RESOLVED);
    /* the two villages called Khar: the crossing's is the one meant */
    r = gc("Khar", NULL, 9);
    ck_assert_int_eq(r->status, DN_GEOCODE_RESOLVED);
    r = gc("Khar border", NULL, 9);
    ck_assert_int_eq(r->status, DN_GEOCODE_RESOLVED);
    ck_assert_uint_eq(r->nalternatives, 0); /* of the Khars, only the crossing's */
    /* no crossing of the name: the name's own places */
    gc("Dera Ismail Khan border", NULL, 15);
    /* the words that ask for a crossing */
    const char *k = key_of("Torkham border crossing point");
    ck_assert_uint_eq(dni_gz_crossing_strip(k, strlen(k)), strlen("torkham"));
    k = key_of("طورخم بارڈر");
    ck_assert_uint_eq(dni_gz_crossing_strip(k, strlen(k)), strlen(key_of("طورخم")));
    k = key_of("Torkham point");
    ck_assert_uint_eq(dni_gz_crossing_strip(k, strlen(k)), 0);
    k = key_of("Border");
    ck_assert_uint_eq(dni_gz_crossing_strip(k, strlen(k)), 0);
    /* Razmak (17) is not at that crossing's point: "Razmak Gate" is no name
     * of it; the name without "Gate" finds the town */
    r = gc("Razmak Gate", NULL, 17);
    ck_assert_int_eq(r->match, DN_MATCH_VARIANT);
    r = gc("Michni Post", NULL, 16);
    ck_assert_int_eq(r->match, DN_MATCH_EXACT);
}
END_TEST

START_TEST(test_gazetteer__fuzzy_misspellings_with_a_score)
{
    struct dn_geocode_result *r = gc("Peshawer", NULL, 1);
    ck_assert_int_eq(r->match, DN_MATCH_FUZZY);
    ck_assert(r->confidence > 0.5 && r->confidence < 0.9);
    gc("Jalalabaad", NULL, 7);
    gc("Miranshaw", NULL, 2);
    gc("Razmack", NULL, 17);
    gc("Nangarhaar", NULL, 9003);
}
END_TEST

START_TEST(test_gazetteer__unknown_names_are_unresolved_with_suggestions)
{
    struct dn_geocode_result *r = gc("Xyzzyqx", NULL, 0);
    ck_assert_double_eq(r->confidence, 0);
    r = gc("Peshawarxyz", NULL, 0);
    bool suggested = false;
    for (size_t i = 0; i < r->nalternatives; i++) suggested |= r->alternatives[i].place.id == 1;
    ck_assert_msg(suggested, "Peshawar not suggested for Peshawarxyz");
    ck_assert_int_eq(r->alternatives[0].match, DN_MATCH_FUZZY);
    ck_assert_int_eq(r->place.id, 0); /* no silent centroid */
}
END_TEST

START_TEST(test_gazetteer__hints_pick_namesakes)
{
    struct dn_geocode_opts o = {.district = "North Waziristan"};
    struct dn_geocode_result *r = gc("Mir Ali", &o, 3);
    ck_assert_int_eq(r->status, DN_GEOCODE_RESOLVED);
    o.district = "Swabi";
    gc("Mir Ali", &o, 4);
    o.district = "N. Waziristan Agency"; /* hints are normalised like names */
    gc("Mir Ali", &o, 3);
    struct dn_geocode_opts c = {.country = "AF"};
    gc("Mir Ali", &c, 6);
    c.country = "Pakistan";
    gc("Jalalabad", &c, 8);
    struct dn_geocode_opts p = {.province = "NWFP", .district = "Bajaur"};
    gc("Khar", &p, 9);
    p.district = "Swabi";
    gc("Khar", &p, 10);
    struct dn_geocode_opts f = {.province = "FATA"};
    gc("Khar", &f, 9); /* Bajaur is in the former tribal areas, Swabi is not */
}
END_TEST

START_TEST(test_gazetteer__no_hint_duplicates_are_ambiguous_with_alternatives)
{
    struct dn_geocode_result *r = gc("Khar", NULL, 9); /* a tie goes to the first place, flagged */
    ck_assert_int_eq(r->status, DN_GEOCODE_AMBIGUOUS);
    ck_assert(r->confidence <= 0.5);
    ck_assert_uint_ge(r->nalternatives, 1);
    ck_assert_int_eq(r->alternatives[0].place.id, 10);
    r = gc("Mir Ali", NULL, 3);
    ck_assert_int_eq(r->status, DN_GEOCODE_AMBIGUOUS);
    ck_assert_uint_eq(r->ncandidates, 4);
}
END_TEST

START_TEST(test_gazetteer__context_places_pick_namesakes)
{
    long long nwa[] = {2}; /* Miram Shah */
    struct dn_geocode_opts o = {.context_ids = nwa, .ncontext = 1};
    struct dn_geocode_result *r = gc("Mir Ali", &o, 3);
    ck_assert_int_eq(r->status, DN_GEOCODE_RESOLVED);
    long long bat[] = {9013}; /* Batagram district */
    o.context_ids = bat;
    gc("Mir Ali", &o, 5);
    /* a nearby point does the same (coordinates given with the name) */
    struct dn_geocode_opts n = {.has_near = true, .near_lon = 72.4, .near_lat = 34.3};
    gc("Mir Ali", &n, 4);
}
END_TEST

START_TEST(test_gazetteer__kinds_and_prominence)
{
    /* the district, not the village that also answers to Khyber */
    struct dn_geocode_result *r = gc("Khyber", NULL, 9009);
    ck_assert_int_eq(r->place.precision, DN_PREC_DISTRICT);
    bool village = false;
    for (size_t i = 0; i < r->nalternatives; i++) village |= r->alternatives[i].place.id == 13;
    ck_assert(village);
    /* a big town beats the district of the same name it lies in... */
    r = gc("Peshawar", NULL, 1);
    bool district = false;
    for (size_t i = 0; i < r->nalternatives; i++) district |= r->alternatives[i].place.id == 9010;
    ck_assert(district);
    /* ...unless the query says district */
    gc("Peshawar District", NULL, 9010);
    gc("Jalalabad", NULL, 7);  /* the Afghan city, not the Pakistani village */
    gc("Dir", NULL, 11);
    gc("Dir Colony", NULL, 12); /* longest name wins */
}
END_TEST

START_TEST(test_gazetteer__implausible_admin_aliases_are_left_out)
{
    /* North Waziristan's source lists "Wana" (a town in South Waziristan)
     * and Khyber's "F.A.T.A.": neither may answer for the district */
    gc("Wana", NULL, 14);
    struct dn_geocode_result *r = gc("F.A.T.A.", NULL, 9006); /* the alias of the historical region */
    ck_assert_int_eq(r->match, DN_MATCH_EXACT);
    gc("Nengerhar Province", NULL, 9003); /* a spelling of the name is kept */
    struct dn_gazetteer_stats st;
    ck_assert_int_eq(dn_gazetteer_load(ctx, &st), DN_OK);
    ck_assert_uint_eq(st.names_skipped, 2);
}
END_TEST

START_TEST(test_gazetteer__precision_radius_and_confidence)
{
    struct dn_geocode_result *r = gc("Bajaur", NULL, 9011);
    ck_assert_int_eq(r->place.precision, DN_PREC_DISTRICT);
    double km2 = 0.3 * 0.5 * 100 * 100; /* the fixture's made-up area */
    ck_assert_double_eq_tol(r->place.radius_km, sqrt(km2 / M_PI), 0.05);
    r = gc("Khyber Pakhtunkhwa", NULL, 9005);
    ck_assert_int_eq(r->place.precision, DN_PREC_PROVINCE);
    ck_assert_double_eq_tol(r->place.radius_km, sqrt(4 * 5 * 1e4 / M_PI), 0.05);
    r = gc("Peshawar", NULL, 1);
    ck_assert_int_eq(r->place.precision, DN_PREC_TOWN);
    /* 1.2 million people at ~3,000 per km²: about 11 km */
    ck_assert_double_eq_tol(r->place.radius_km, sqrt(1218773 / 3000.0 / M_PI), 0.05);
    ck_assert(r->confidence > 0.9 && r->confidence <= 1);
    r = gc("Razmak", NULL, 17);
    ck_assert_int_eq(r->place.precision, DN_PREC_TOWN);
    ck_assert_double_eq_tol(r->place.radius_km, 1.5, 1e-9);
    r = gc("Afghanistan", NULL, 9001);
    ck_assert_int_eq(r->place.precision, DN_PREC_COUNTRY);
    ck_assert_double_eq_tol(r->place.lon, 66, 1e-9); /* lon/lat order: the point is (66 E, 34 N) */
    ck_assert_double_eq_tol(r->place.lat, 34, 1e-9);
}
END_TEST

START_TEST(test_gazetteer__bad_input_is_a_clear_error)
{
    struct dn_geocode_result r;
    ck_assert_int_eq(dn_geocode(ctx, "", 0, NULL, &r), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "empty name");
    ck_assert_int_eq(dn_geocode(ctx, " \t ", 3, NULL, &r), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "name has no letters or digits");
    ck_assert_int_eq(dn_geocode(ctx, "Pesh\xffwar", 8, NULL, &r), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "name is not valid UTF-8");
    ck_assert_int_eq(dn_geocode(ctx, "Pesh\0awar", 9, NULL, &r), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "name contains a NUL byte");
    static char big[10240];
    memset(big, 'a', sizeof big);
    ck_assert_int_eq(dn_geocode(ctx, big, sizeof big, NULL, &r), DN_ERR_INPUT);
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "name is 10240 bytes long (at most 512)");
    /* SQL metacharacters are just characters */
    ck_assert_int_eq(dn_geocode(ctx, "Peshawar'; DROP TABLE places; --", 32, NULL, &r), DN_OK);
    dn_geocode_result_clear(&r);
    long long n = 0;
    ck_assert_int_eq(dn_store_count(ctx, "places", &n), DN_OK);
    ck_assert_int_gt(n, 30);
    gc("Peshawar", NULL, 1); /* and the index still works */
}
END_TEST

/* ---- learned names ------------------------------------------------------------------- */

START_TEST(test_gazetteer__learned_names_resolve_in_the_same_run)
{
    gc("Spinwam", NULL, 0);
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Spinwam", 70.39, 33.18, "acled.csv"), DN_OK);
    struct dn_geocode_result *r = gc("Spinwam", NULL, 0 + (long long)sql_int(dni_db(ctx), "SELECT max(id) FROM places"));
    ck_assert_str_eq(r->place.kind, "LEARNED");
    ck_assert_str_eq(r->place.district, "North Waziristan"); /* from the district polygon */
    ck_assert_str_eq(r->place.province, "Khyber Pakhtunkhwa");
    ck_assert_str_eq(r->place.country, "PAK");
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM place_names WHERE source = 'learned:acled.csv'"), 1);
    /* the same name a kilometre away from another file: the same place, one more source */
    ck_assert_int_eq(dn_gazetteer_learn(ctx, " Spinwam ", 70.40, 33.18, "ucdp.csv"), DN_OK);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM places WHERE kind = 'LEARNED'"), 1);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM place_names WHERE source LIKE 'learned:%'"), 2);
    /* far away: another place */
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Spinwam", 72.3, 34.2, "ucdp.csv"), DN_OK);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM places WHERE kind = 'LEARNED'"), 2);
    /* a gazetteer place of that name nearby: nothing to learn */
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Razmak", 70.31, 32.9, "acled.csv"), DN_OK);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM places WHERE kind = 'LEARNED'"), 2);
    /* fuzzy lookups see learned words too (the fuzzy index was built above) */
    gc("Spinwaam", NULL, (long long)sql_int(dni_db(ctx), "SELECT min(id) FROM places WHERE kind = 'LEARNED'"));
    struct gz_index *ix;
    ck_assert_int_eq(dni_gz_index(ctx, &ix), DN_OK);
    size_t missing, extra;
    ck_assert_int_eq(dni_gz_fuzzy_check(ix->fuzzy, &missing, &extra), DN_OK);
    ck_assert_uint_eq(missing, 0); /* the learned words' deletions too */
    ck_assert_uint_eq(extra, 0);
    struct dn_learned *list;
    size_t n;
    ck_assert_int_eq(dn_gazetteer_learned(ctx, &list, &n), DN_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(list[0].sources, "acled.csv|ucdp.csv");
    ck_assert_str_eq(list[0].names, "Spinwam");
    dn_learned_free(list, n);
    /* bad input */
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "X", NAN, 33, "f"), DN_ERR_INPUT);
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "X", 70, 95, "f"), DN_ERR_INPUT);
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "  ", 70, 33, "f"), DN_ERR_INPUT);
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "bad\xff", 70, 33, "f"), DN_ERR_INPUT);
}
END_TEST

/* A one-word name spelt another way ("Spinwaam": a letter written twice)
 * at the same spot is the place already learned, found by its sound key
 * (the name's second variant, its core being the name itself): one more
 * name and source for it, not a second place. */
START_TEST(test_gazetteer__learning_a_respelt_name_adds_to_the_place)
{
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Spinwam", 70.39, 33.18, "acled.csv"), DN_OK);
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Spinwaam", 70.395, 33.18, "ucdp.csv"), DN_OK);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM places WHERE kind = 'LEARNED'"), 1);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM place_names n JOIN places p ON p.id = n.place_id"
                                          " WHERE p.kind = 'LEARNED' AND n.name = 'Spinwaam'"
                                          " AND n.source = 'learned:ucdp.csv'"),
                     1);
    struct dn_learned *list;
    size_t n;
    ck_assert_int_eq(dn_gazetteer_learned(ctx, &list, &n), DN_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(list[0].sources, "acled.csv|ucdp.csv");
    dn_learned_free(list, n);
    /* the same spelling far away is another place */
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Spinwaam", 71.5, 34.0, "ucdp.csv"), DN_OK);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM places WHERE kind = 'LEARNED'"), 2);
}
END_TEST

START_TEST(test_gazetteer__learning_joins_the_callers_transaction)
{
    ck_assert_int_eq(dn_store_begin(ctx), DN_OK);
    ck_assert_int_eq(dn_gazetteer_learn(ctx, "Tochi Bridge", 70.2, 32.95, "a.csv"), DN_OK);
    dn_store_rollback(ctx);
    ck_assert_int_eq(sql_int(dni_db(ctx), "SELECT count(*) FROM places WHERE kind = 'LEARNED'"), 0);
}
END_TEST

/* ---- mentions ------------------------------------------------------------------------------ */

static const struct dn_mention *mention(const struct dn_mentions *m, const char *surface)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->items[i].surface, surface) == 0) return &m->items[i];
    return NULL;
}

START_TEST(test_gazetteer__mentions_take_the_longest_name)
{
    const char *text = "Militants attacked a post near Dir Colony in Peshawar. Later, Dir was quiet; "
                       "troops moved through North Waziristan and S. Waziristan.";
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, strlen(text), NULL, &m), DN_OK);
    const struct dn_mention *x = mention(&m, "Dir Colony");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->place.id, 12);
    ck_assert_uint_eq(x->start, (size_t)(strstr(text, "Dir Colony") - text));
    ck_assert_uint_eq(x->end, x->start + 10);
    ck_assert_ptr_nonnull(mention(&m, "Peshawar"));
    ck_assert_int_eq(mention(&m, "Dir")->place.id, 11);
    ck_assert_int_eq(mention(&m, "North Waziristan")->place.id, 9007);
    ck_assert_int_eq(mention(&m, "S. Waziristan")->place.id, 9008);
    ck_assert_uint_eq(m.count, 5);
    dn_mentions_clear(&m);
}
END_TEST

START_TEST(test_gazetteer__mentions_skip_lowercase_stopwords_and_names_of_people)
{
    /* "khar" lower-case, "Khan" on the stop list, "Bahadur" inside a person's name */
    const char *text = "The khar was dry. Khan said Hafiz Gul Bahadur and his men left Razmak.";
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, strlen(text), NULL, &m), DN_OK);
    ck_assert_uint_eq(m.count, 1);
    ck_assert_str_eq(m.items[0].surface, "Razmak");
    dn_mentions_clear(&m);
}
END_TEST

START_TEST(test_gazetteer__mentions_resolve_namesakes_by_the_others)
{
    const char *text = "An attack in Mir Ali, North Waziristan, killed two. Police in Khar said nothing.";
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, strlen(text), NULL, &m), DN_OK);
    const struct dn_mention *x = mention(&m, "Mir Ali");
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->place.id, 3);
    ck_assert_uint_eq(x->ncandidates, 4);
    x = mention(&m, "Khar");
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->ncandidates, 2); /* still ambiguous: counted */
    dn_mentions_clear(&m);
}
END_TEST

/* A possessive ends the name ("Peshawar's", "Razmak’s"); an apostrophe
 * inside a word does not ("Pesha'war" folds to the name) and neither does
 * an s that goes on ("Razmak'sa" is no name). */
START_TEST(test_gazetteer__mentions_through_a_possessive)
{
    const char *text = "In Peshawar's old city and Razmak\xe2\x80\x99s bazaar, then Pesha'war; Razmak'sa too.";
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, strlen(text), NULL, &m), DN_OK);
    const struct dn_mention *x = mention(&m, "Peshawar");
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->start, 3);
    ck_assert_uint_eq(x->end, 11);
    ck_assert_ptr_nonnull(mention(&m, "Razmak"));
    ck_assert_ptr_nonnull(mention(&m, "Pesha'war"));
    ck_assert_uint_eq(m.count, 3);
    dn_mentions_clear(&m);
}
END_TEST

START_TEST(test_gazetteer__mentions_in_arabic_script_and_bad_bytes)
{
    const char *text = "په پېښور کې \xff چاودنه وشوه، وانه";
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, strlen(text), NULL, &m), DN_OK);
    ck_assert_int_eq(mention(&m, "پېښور")->place.id, 1);
    ck_assert_int_eq(mention(&m, "وانه")->place.id, 14);
    dn_mentions_clear(&m);
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, "", 0, NULL, &m), DN_OK);
    ck_assert_uint_eq(m.count, 0);
}
END_TEST

/* ---- events ------------------------------------------------------------------------------------- */

START_TEST(test_gazetteer__event_without_coordinates_gets_the_place)
{
    struct dn_event ev;
    dn_event_init(&ev);
    dn_event_set(&ev.place, "Mir Ali");
    dn_event_set(&ev.district_hint, "North Waziristan");
    ck_assert_int_eq(dn_geocode_event(ctx, &ev), DN_OK);
    ck_assert(ev.has_coords);
    ck_assert_int_eq(ev.place_id, 3);
    ck_assert_double_eq_tol(ev.lon, 70.29, 1e-9);
    ck_assert_double_eq_tol(ev.lat, 33.02, 1e-9);
    ck_assert_int_eq(ev.precision, DN_PREC_TOWN);
    ck_assert_str_eq(ev.district, "North Waziristan");
    ck_assert_str_eq(ev.province_code, "PK-KP");
    ck_assert(ev.confidence > 0.5);
    ck_assert_ptr_null(ev.flags);
    dn_event_clear(&ev);
}
END_TEST

START_TEST(test_gazetteer__event_falls_back_to_the_admin_hints)
{
    struct dn_event ev;
    dn_event_init(&ev);
    dn_event_set(&ev.place, "Nowhereabad Qqq");
    dn_event_set(&ev.district_hint, "Bajaur Agency");
    ck_assert_int_eq(dn_geocode_event(ctx, &ev), DN_OK);
    ck_assert_int_eq(ev.precision, DN_PREC_DISTRICT);
    ck_assert_int_eq(ev.place_id, 9011);
    ck_assert_str_eq(ev.flags, "admin_fallback,place_unresolved");
    dn_event_clear(&ev);

    dn_event_init(&ev);
    dn_event_set(&ev.province_hint, "KPK");
    ck_assert_int_eq(dn_geocode_event(ctx, &ev), DN_OK);
    ck_assert_int_eq(ev.precision, DN_PREC_PROVINCE);
    ck_assert_str_eq(ev.flags, "admin_fallback");
    dn_event_clear(&ev);

    /* only the country: country precision, flagged, never silent */
    dn_event_init(&ev);
    dn_event_set(&ev.place, "Qqqzzz");
    dn_event_set(&ev.country_hint, "Afghanistan");
    ck_assert_int_eq(dn_geocode_event(ctx, &ev), DN_OK);
    ck_assert_int_eq(ev.precision, DN_PREC_COUNTRY);
    ck_assert_str_eq(ev.flags, "country_only,place_unresolved");
    ck_assert(ev.confidence <= 0.2);
    dn_event_clear(&ev);

    dn_event_init(&ev);
    dn_event_set(&ev.place, "Qqqzzz");
    ck_assert_int_eq(dn_geocode_event(ctx, &ev), DN_ERR_NOT_FOUND);
    ck_assert(!ev.has_coords);
    ck_assert_str_eq(ev.flags, "unresolved_place");
    ck_assert_str_eq(dn_ctx_errmsg(ctx), "unknown place 'Qqqzzz'");
    dn_event_clear(&ev);
}
END_TEST

START_TEST(test_gazetteer__event_with_coordinates_keeps_them)
{
    struct dn_event ev;
    dn_event_init(&ev);
    dn_event_set(&ev.place, "Mir Ali");
    ev.has_coords = true;
    ev.lon = 72.37;
    ev.lat = 34.31;
    ck_assert_int_eq(dn_geocode_event(ctx, &ev), DN_OK);
    ck_assert_double_eq_tol(ev.lon, 72.37, 1e-12);
    ck_assert_int_eq(ev.precision, DN_PREC_POINT);
    ck_assert_double_eq_tol(ev.radius_km, dn_precision_default_radius(DN_PREC_POINT), 1e-9);
    ck_assert_int_eq(ev.place_id, 4); /* the Mir Ali next to the coordinates */
    dn_event_clear(&ev);
}
END_TEST

/* ---- browsing ------------------------------------------------------------------------------------ */

START_TEST(test_gazetteer__list_filters_by_area_and_kind)
{
    struct dn_place *list;
    size_t n, total;
    struct dn_geocode_opts o = {.district = "North Waziristan"};
    ck_assert_int_eq(dn_gazetteer_list(ctx, &o, NULL, 0, 0, &list, &n, &total), DN_OK);
    ck_assert_uint_eq(n, 4); /* the district, Miram Shah, Mir Ali, Razmak */
    ck_assert_int_eq(list[0].id, 9007); /* most prominent first */
    dn_free(list);
    struct dn_geocode_opts p = {.country = "PAK"};
    ck_assert_int_eq(dn_gazetteer_list(ctx, &p, "district", 0, 3, &list, &n, &total), DN_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(total, 8);
    dn_free(list);
    struct dn_geocode_opts bad = {.district = "Atlantis"};
    ck_assert_int_eq(dn_gazetteer_list(ctx, &bad, NULL, 0, 0, &list, &n, NULL), DN_ERR_NOT_FOUND);
    ck_assert_int_eq(dn_gazetteer_check_hint(ctx, 2, "Atlantis"), DN_ERR_NOT_FOUND);
    ck_assert_int_eq(dn_gazetteer_check_hint(ctx, 1, "FATA"), DN_OK);
    ck_assert_int_eq(dn_gazetteer_check_hint(ctx, 0, "af"), DN_OK);
}
END_TEST

Suite *make_gazetteer_suite(void)
{
    Suite *s = suite_create("gazetteer");
    TCase *tc = tcase_create("normalize");
    tcase_add_test(tc, test_gazetteer__key_folds_case_and_diacritics);
    tcase_add_test(tc, test_gazetteer__key_unifies_punctuation_and_initials);
    tcase_add_test(tc, test_gazetteer__key_expands_a_leading_compass_letter);
    tcase_add_test(tc, test_gazetteer__key_unifies_arabic_script_variants);
    tcase_add_test(tc, test_gazetteer__key_rejects_bad_input);
    tcase_add_test(tc, test_gazetteer__variants_drop_generic_words_and_note_the_kind);
    tcase_add_test(tc, test_gazetteer__variants_abbreviate_prominent_names);
    tcase_add_test(tc, test_gazetteer__variants_spell_arabic_script_by_sound);
    tcase_add_test(tc, test_gazetteer__variants_spell_latin_romanisations_by_sound);
    tcase_add_test(tc, test_gazetteer__expansions_reorder_and_split);
    suite_add_tcase(s, tc);

    tc = tcase_create("geocode");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_gazetteer__exact_alias_and_variant_names);
    tcase_add_test(tc, test_gazetteer__arabic_script_names);
    tcase_add_test(tc, test_gazetteer__crossings_name_their_settlement);
    tcase_add_test(tc, test_gazetteer__fuzzy_misspellings_with_a_score);
    tcase_add_test(tc, test_gazetteer__unknown_names_are_unresolved_with_suggestions);
    tcase_add_test(tc, test_gazetteer__hints_pick_namesakes);
    tcase_add_test(tc, test_gazetteer__no_hint_duplicates_are_ambiguous_with_alternatives);
    tcase_add_test(tc, test_gazetteer__context_places_pick_namesakes);
    tcase_add_test(tc, test_gazetteer__kinds_and_prominence);
    tcase_add_test(tc, test_gazetteer__implausible_admin_aliases_are_left_out);
    tcase_add_test(tc, test_gazetteer__precision_radius_and_confidence);
    tcase_add_test(tc, test_gazetteer__preloaded_index_is_the_built_one);
    tcase_add_test(tc, test_gazetteer__bad_input_is_a_clear_error);
    tcase_add_test(tc, test_gazetteer__learned_names_resolve_in_the_same_run);
    tcase_add_test(tc, test_gazetteer__learning_joins_the_callers_transaction);
    tcase_add_test(tc, test_gazetteer__learning_a_respelt_name_adds_to_the_place);
    tcase_add_test(tc, test_gazetteer__mentions_take_the_longest_name);
    tcase_add_test(tc, test_gazetteer__mentions_skip_lowercase_stopwords_and_names_of_people);
    tcase_add_test(tc, test_gazetteer__mentions_resolve_namesakes_by_the_others);
    tcase_add_test(tc, test_gazetteer__mentions_through_a_possessive);
    tcase_add_test(tc, test_gazetteer__mentions_in_arabic_script_and_bad_bytes);
    tcase_add_test(tc, test_gazetteer__event_without_coordinates_gets_the_place);
    tcase_add_test(tc, test_gazetteer__event_falls_back_to_the_admin_hints);
    tcase_add_test(tc, test_gazetteer__event_with_coordinates_keeps_them);
    tcase_add_test(tc, test_gazetteer__list_filters_by_area_and_kind);
    suite_add_tcase(s, tc);

    suite_add_tcase(s, make_gazetteer_real_tcase());
    suite_add_tcase(s, make_gazetteer_image_tcase());
    suite_add_tcase(s, make_gazetteer_image_shipped_tcase());
    return s;
}

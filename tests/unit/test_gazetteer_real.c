/** @file test_gazetteer_real.c
 * The geocoder against the shipped gazetteer (geodata/durand.gpkg): a table
 * of names with hints and context and the place each must resolve to,
 * covering every rule of the geocoder, plus mention finding in a news
 * article and the stop list. The store is the shared one of
 * geodata_fixture.h (CTest's geodata_db fixture); DURAND_GEODATA overrides
 * the geodata directory.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "gazetteer/gazetteer.h"
#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"
#include "geodata/geodata.h"
#include "geodata_fixture.h"
#include "query/filter_internal.h"
#include "store/store.h"
#include "tests.h"

static const char *geodata_dir(void)
{
    const char *p = getenv("DURAND_GEODATA");
    return p && *p ? p : DN_SOURCE_DIR "/geodata";
}

/* Unchecked: once per run, in the parent, so no database connection
 * crosses a fork. */
static void build_store(void) { (void)geodata_db(true); }

static dn_ctx *ctx;

static void setup(void)
{
    ck_assert_int_eq(dn_ctx_new(&ctx), DN_OK);
    ck_assert_int_eq(dni_set_geodata_dir(ctx, geodata_dir()), DN_OK);
    ck_assert_int_eq(dn_store_open(ctx, geodata_db(true), DN_STORE_READONLY), DN_OK);
}

static void teardown(void) { ctx = dn_ctx_free(ctx); }

enum { ANY = -1 };

struct gc_case {
    const char *rule;
    const char *query;
    const char *country, *province, *district, *context;
    const char *name;        /* the place's main name; NULL: must be unresolved */
    const char *in_district; /* its district (NULL: not checked) */
    int precision;           /* enum dn_precision, ANY */
    int status;              /* enum dn_geocode_status, ANY */
    int outside;             /* 1: must be flagged outside the hints (0: must not be, when hints are given) */
};

#define R DN_GEOCODE_RESOLVED
#define AMB DN_GEOCODE_AMBIGUOUS
#define TOWN DN_PREC_TOWN
#define DIST DN_PREC_DISTRICT
#define PROV DN_PREC_PROVINCE
#define CTRY DN_PREC_COUNTRY

static const struct gc_case cases[] = {
    /* 1. exact names */
    {"exact", "Peshawar", 0, 0, 0, 0, "Peshawar", "Peshawar", TOWN, R, 0},
    {"exact", "Kabul", 0, 0, 0, 0, "Kabul", "Kabul", TOWN, R, 0},
    {"exact", "Quetta", 0, 0, 0, 0, "Quetta", "Quetta", TOWN, R, 0},
    {"exact", "Parachinar", 0, 0, 0, 0, "Parachinar", "Kurram", TOWN, R, 0},
    {"exact", "Landi Kotal", 0, 0, 0, 0, "Landi Kotal", "Khyber", TOWN, R, 0},
    {"exact", "Wana", 0, 0, 0, 0, "Wana", "South Waziristan", TOWN, R, 0},
    {"exact", "Razmak", 0, 0, 0, 0, "Razmak", "North Waziristan", TOWN, R, 0},
    {"exact", "Spin Boldak", 0, 0, 0, 0, "Spin Boldak", "Spin Boldak", TOWN, R, 0},
    {"exact", "Chaman", 0, 0, 0, 0, "Chaman", "Chaman", TOWN, R, 0},
    /* the crossing's settlement (Ghulam Khan Kalay, on the line) before the villages of the name */
    {"crossing", "Ghulam Khan", 0, 0, 0, 0, "Galamkankalay", "North Waziristan", TOWN, R, 0},
    {"exact", "Sadda", 0, 0, 0, 0, "Sadda", "Kurram", TOWN, ANY, 0},
    {"exact", "Damadola", 0, 0, 0, 0, "Damadola", "Bajaur", TOWN, R, 0},
    /* 2. case and diacritics */
    {"case", "PESHAWAR", 0, 0, 0, 0, "Peshawar", "Peshawar", TOWN, R, 0},
    {"diacritics", "Jalālābād", 0, 0, 0, 0, "Jalalabad", "Jalalabad", TOWN, R, 0},
    {"diacritics", "Spīn Bōldak", 0, 0, 0, 0, "Spin Boldak", NULL, TOWN, R, 0},
    /* 3. apostrophes, hyphens, dots and spaces */
    {"initials", "D.I. Khan", 0, 0, 0, 0, "Dera Ismail Khan", "Dera Ismail Khan", TOWN, R, 0},
    {"initials", "DI Khan", 0, 0, 0, 0, "Dera Ismail Khan", "Dera Ismail Khan", TOWN, R, 0},
    {"initials", "D I Khan", 0, 0, 0, 0, "Dera Ismail Khan", "Dera Ismail Khan", TOWN, R, 0},
    {"hyphens", "Dera-Ismail-Khan", 0, 0, 0, 0, "Dera Ismail Khan", "Dera Ismail Khan", TOWN, R, 0},
    {"apostrophe", "La’lpurah", 0, 0, 0, 0, "La'lpurah", "Lal Por", TOWN, R, 0},
    {"spaces", "Landikotal", 0, 0, 0, 0, "Landi Kotal", "Khyber", TOWN, ANY, 0},
    /* 4. generic words */
    {"generic", "Khyber Agency", 0, 0, 0, 0, "Khyber", "Khyber", DIST, R, 0},
    {"generic", "Kurram Agency", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"generic", "Bajaur district", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"generic", "Mohmand Tribal District", 0, 0, 0, 0, "Mohmand", "Mohmand", DIST, R, 0},
    {"generic", "Peshawar District", 0, 0, 0, 0, "Peshawar", "Peshawar", DIST, R, 0},
    {"generic", "Nangarhar province", 0, 0, 0, 0, "Nangarhar", NULL, PROV, R, 0},
    {"generic", "Quetta city", 0, 0, 0, 0, "Quetta", "Quetta", TOWN, R, 0},
    {"generic", "Tehsil Razmak", 0, 0, 0, 0, "Razmak", "North Waziristan", TOWN, R, 0},
    {"feature", "Khyber Pass", 0, 0, 0, 0, "Khyber", "Khyber", DIST, R, 0},
    {"feature", "Kurram Valley", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"feature", "Tirah Valley", 0, 0, 0, 0, NULL, NULL, ANY, DN_GEOCODE_UNRESOLVED, 0},
    /* 5. word order */
    {"order", "Waziristan North", 0, 0, 0, 0, "North Waziristan", "North Waziristan", DIST, R, 0},
    {"order", "Waziristan South", 0, 0, 0, 0, "South Waziristan", "South Waziristan", DIST, R, 0},
    /* 6. compass abbreviations */
    {"compass", "N. Waziristan", 0, 0, 0, 0, "North Waziristan", "North Waziristan", DIST, R, 0},
    {"compass", "S Waziristan", 0, 0, 0, 0, "South Waziristan", "South Waziristan", DIST, R, 0},
    {"compass", "N Waziristan Agency", 0, 0, 0, 0, "North Waziristan", "North Waziristan", DIST, R, 0},
    /* 7. old and short names */
    {"old name", "NWFP", 0, 0, 0, 0, "Khyber Pakhtunkhwa", NULL, PROV, R, 0},
    {"old name", "North-West Frontier Province", 0, 0, 0, 0, "Khyber Pakhtunkhwa", NULL, PROV, R, 0},
    {"short name", "KP", 0, 0, 0, 0, "Khyber Pakhtunkhwa", NULL, PROV, R, 0},
    {"short name", "KPK", 0, 0, 0, 0, "Khyber Pakhtunkhwa", NULL, PROV, R, 0},
    {"old name", "FATA", 0, 0, 0, 0, "Federally Administered Tribal Areas", NULL, PROV, R, 0},
    {"short name", "NWA", 0, 0, 0, 0, "North Waziristan", "North Waziristan", DIST, R, 0},
    {"short name", "SWA", 0, 0, 0, 0, "South Waziristan", "South Waziristan", DIST, R, 0},
    /* a district's subdivisions without a polygon: the district */
    {"subdivision", "Upper Kurram", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"subdivision", "Lower Kurram", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"spelling", "Baluchistan", 0, 0, 0, 0, "Balochistan", NULL, PROV, R, 0},
    {"spelling", "Balochistan", 0, 0, 0, 0, "Balochistan", NULL, PROV, R, 0},
    {"spelling", "Bajour", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"spelling", "Bajaur", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"alias", "Angoor Adda", 0, 0, 0, 0, "Angura", "South Waziristan", TOWN, R, 0},
    {"alias", "Miranshah", 0, 0, 0, 0, "Miram Shah", "North Waziristan", TOWN, R, 0},
    {"alias", "Miran Shah", 0, 0, 0, 0, "Miram Shah", "North Waziristan", TOWN, R, 0},
    /* 8. Urdu, Pashto and Dari script */
    {"urdu", "پشاور", 0, 0, 0, 0, "Peshawar", "Peshawar", TOWN, R, 0},
    {"dari", "کابل", 0, 0, 0, 0, "Kabul", "Kabul", TOWN, R, 0},
    {"urdu", "ضلع شمالی وزیرستان", 0, 0, 0, 0, "North Waziristan", "North Waziristan", DIST, R, 0},
    {"pashto", "ننګرهار", 0, 0, 0, 0, "Nangarhar", NULL, PROV, ANY, 0},
    {"pashto", "رزمک", 0, 0, 0, 0, "Razmak", "North Waziristan", TOWN, ANY, 0},
    {"urdu", "خیبر پختونخوا", 0, 0, 0, 0, "Khyber Pakhtunkhwa", NULL, PROV, R, 0},
    {"urdu", "افغانستان", 0, 0, 0, 0, "Afghanistan", NULL, CTRY, R, 0},
    /* the former tribal districts (curated aliases: the sources lack them) */
    {"urdu", "خیبر", 0, 0, 0, 0, "Khyber", "Khyber", DIST, R, 0},
    {"urdu", "ضلع خیبر", 0, 0, 0, 0, "Khyber", "Khyber", DIST, R, 0},
    {"urdu", "خیبر ایجنسی", 0, 0, 0, 0, "Khyber", "Khyber", DIST, R, 0},
    {"urdu", "باجوڑ", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"pashto", "باجوړ", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"urdu", "کرم ایجنسی", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"urdu", "مہمند", 0, 0, 0, 0, "Mohmand", "Mohmand", DIST, R, 0},
    {"urdu", "فاٹا", 0, 0, 0, 0, "Federally Administered Tribal Areas", NULL, PROV, R, 0},
    /* an Afghan Mir 'Ali (Zabul) has the name too */
    {"urdu", "میرعلی", 0, 0, 0, 0, "Mir Ali", "North Waziristan", TOWN, AMB, 0},
    {"urdu", "میر علی", 0, 0, 0, 0, "Mir Ali", "North Waziristan", TOWN, AMB, 0},
    {"urdu", "میرانشاہ", 0, 0, 0, 0, "Miram Shah", "North Waziristan", TOWN, R, 0},
    /* border crossings (the crossings layer's names of its settlements) */
    {"crossing", "Ghulam Khan crossing", 0, 0, 0, 0, "Galamkankalay", "North Waziristan", TOWN, R, 0},
    {"crossing", "Torkham border", 0, 0, 0, 0, "Towr Kham", NULL, TOWN, R, 0},
    {"crossing", "Torkham border crossing", 0, 0, 0, 0, "Towr Kham", NULL, TOWN, R, 0},
    {"crossing", "طورخم بارڈر", 0, 0, 0, 0, "Towr Kham", NULL, TOWN, R, 0},
    {"crossing", "Chaman border", 0, 0, 0, 0, "Chaman", "Chaman", TOWN, R, 0},
    {"crossing", "Friendship Gate", 0, 0, 0, 0, "Chaman", "Chaman", TOWN, R, 0},
    {"crossing", "Bab-e-Dosti", 0, 0, 0, 0, "Chaman", "Chaman", TOWN, R, 0},
    {"crossing", "Bab e Dosti", 0, 0, 0, 0, "Chaman", "Chaman", TOWN, R, 0},
    {"crossing", "باب دوستی", 0, 0, 0, 0, "Chaman", "Chaman", TOWN, R, 0},
    {"crossing", "Angoor Adda crossing", 0, 0, 0, 0, "Angura", "South Waziristan", TOWN, R, 0},
    {"crossing", "Arandu", 0, 0, 0, 0, "Arandu", "Lower Chitral", TOWN, R, 0},
    {"crossing", "Badini", 0, 0, 0, 0, "Badini", "Killa Saifullah", TOWN, R, 0},
    {"crossing", "Ghulam Khan crossing point", 0, 0, 0, 0, "Galamkankalay", "North Waziristan", TOWN, R, 0},
    /* the crossings in Urdu script (curated aliases: the sources lack them) */
    {"crossing", "غلام خان", 0, 0, 0, 0, "Galamkankalay", "North Waziristan", TOWN, R, 0},
    {"crossing", "غلام خان بارڈر", 0, 0, 0, 0, "Galamkankalay", "North Waziristan", TOWN, R, 0},
    {"crossing", "بن شاہی", 0, 0, 0, 0, "Bin Shahi", "Upper Dir", TOWN, R, 0},
    {"crossing", "بادینی", 0, 0, 0, 0, "Badini", "Killa Saifullah", TOWN, R, 0},
    /* a crossing's settlement is major: a close misspelling of it resolves */
    {"crossing", "Weesh", 0, 0, 0, 0, "Wesh", "Spin Boldak", TOWN, R, 0},
    /* no crossing of the name: the name's own places; a place named "... Gate" stays itself */
    {"crossing", "Kurram border", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"crossing", "Bara Gate", 0, 0, 0, 0, "Bara Gate", "Peshawar", TOWN, R, 0},
    /* spelt by sound: the sources have Urdu وانا, تورخم and صوابی */
    {"sound", "وانه", 0, 0, 0, 0, "Wana", "South Waziristan", TOWN, R, 0},
    {"sound", "طورخم", 0, 0, 0, 0, "Towr Kham", NULL, TOWN, R, 0},
    {"sound", "سوابی", 0, 0, 0, 0, "Swabi", "Swabi", TOWN, R, 0},
    /* Latin romanisations spelt by sound: Makin (an alias of Aizhai Kachkai) as "Makeen"; Urgun
     * (a district seat) as "Orgoon", before the Wakhan village that has that spelling as an alias;
     * Khowst (the province's spelling) is Khost town, as "Khost" is */
    {"latin sound", "Makeen", 0, 0, 0, 0, "Aizhai Kachkai", "South Waziristan", TOWN, ANY, 0},
    {"latin sound", "Orgoon", 0, 0, 0, 0, "Urgun", "Urgun", TOWN, R, 0},
    {"latin sound", "Nooristan", 0, 0, 0, 0, "Nuristan", NULL, PROV, R, 0},
    {"town and province", "Khowst", 0, 0, 0, 0, "Khost", NULL, TOWN, R, 0},
    /* an admin record's alias is checked against its name, not against a variant of it */
    {"admin alias", "Khwajasabzposh", 0, 0, 0, 0, "Khwaja Sabz Posh", "Khwaja Sabz Posh", DIST, R, 0},
    {"admin alias", "Tribal Area Adj Bannu District", 0, 0, 0, 0, "Bannu", "Bannu", DIST, R, 0},
    {"admin alias", "Tribal Area Adj D.I.Khan Distt", 0, 0, 0, 0, "Dera Ismail Khan", "Dera Ismail Khan", DIST, R, 0},
    /* Charsadda's source record carries Peshawar's Urdu name: it is left out */
    {"urdu", "ضلع پشاور", 0, 0, 0, 0, "Peshawar", "Peshawar", DIST, R, 0},
    /* 9. misspellings */
    {"fuzzy", "Peshawer", 0, 0, 0, 0, "Peshawar", "Peshawar", TOWN, ANY, 0},
    {"fuzzy", "Miramshah", 0, 0, 0, 0, "Miram Shah", "North Waziristan", TOWN, ANY, 0},
    {"fuzzy", "Jalalabaad", 0, 0, 0, 0, "Jalalabad", "Jalalabad", TOWN, ANY, 0},
    {"fuzzy", "Parachinnar", 0, 0, 0, 0, "Parachinar", "Kurram", TOWN, ANY, 0},
    {"fuzzy", "Nangarhaar", 0, 0, 0, 0, "Nangarhar", NULL, PROV, ANY, 0},
    {"fuzzy", "Qandahar", 0, 0, 0, 0, "Kandahar", "Kandahar", TOWN, R, 0},
    {"fuzzy", "Waziristan Nort", 0, 0, 0, 0, "North Waziristan", NULL, DIST, ANY, 0},
    /* corrections ranked by the places they lead to; farther ones only to major places */
    {"fuzzy", "Bennu", 0, 0, 0, 0, "Bannu", "Bannu", TOWN, AMB, 0},
    /* not a misspelling: Bajour (a curated alias of Bajaur) as it sounds */
    {"latin sound", "Bajur", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"latin sound", "Bajur Agency", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"fuzzy", "Quetah", 0, 0, 0, 0, "Quetta", "Quetta", TOWN, R, 0},
    /* Waziristan itself, its Urdu name and its misspellings: test_gazetteer__waziristan_is_both_districts */
    /* 10. unknown names: unresolved, never a centroid */
    {"unknown", "Xyzzyqwv", 0, 0, 0, 0, NULL, NULL, ANY, DN_GEOCODE_UNRESOLVED, 0},
    {"unknown", "Qqqwwweee Zzzxxx", 0, 0, 0, 0, NULL, NULL, ANY, DN_GEOCODE_UNRESOLVED, 0},
    {"unknown", "Atlantis Nnnq", "PAK", 0, 0, 0, NULL, NULL, ANY, DN_GEOCODE_UNRESOLVED, 0},
    /* 11. hints */
    {"hint", "Mir Ali", 0, 0, "North Waziristan", 0, "Mir Ali", "North Waziristan", TOWN, ANY, 0},
    {"hint", "Mir Ali", 0, 0, "Swabi", 0, "Mir Ali", "Swabi", TOWN, R, 0},
    {"hint", "Mir Ali", 0, 0, "Batagram", 0, "Mir Ali", "Batagram", TOWN, R, 0},
    {"hint", "Khar", 0, 0, "Bajaur", 0, "Khar", "Bajaur", TOWN, R, 0},
    {"hint", "Khar", 0, 0, "Bajour Agency", 0, "Khar", "Bajaur", TOWN, R, 0},
    {"hint", "Khar", 0, "FATA", 0, 0, "Khar", NULL, TOWN, ANY, 0},
    {"hint", "Dir", 0, 0, "Lower Chitral", 0, "Dir", "Lower Chitral", TOWN, R, 0},
    {"hint", "Jalalabad", "PAK", 0, 0, 0, "Jalalabad", NULL, TOWN, ANY, 0},
    {"hint", "Kabul", "PK", 0, 0, 0, "Kabul", "Khairpur", TOWN, R, 0},
    {"hint", "Torkham", "PAK", 0, 0, 0, "Torkham", "Khyber", TOWN, R, 0},
    {"hint", "Torkham", "AFG", 0, 0, 0, "Towr Kham", NULL, TOWN, R, 0},
    {"hint", "Miran Shah", 0, "Punjab", 0, 0, "Miran Shah", NULL, TOWN, ANY, 0},
    /* Balochistan's namesakes (Kuram, Killa Saifullah; a former Kurram near Quetta), not the district */
    {"hint", "Kurram", 0, "Balochistan", 0, 0, "Kuram", "Killa Saifullah", TOWN, AMB, 0},
    {"hint", "Landi Kotal", "AFG", 0, 0, 0, "Landi Kotal", "Khyber", TOWN, R, 1},
    {"hint", "Landi Kotal", "PAK", 0, 0, 0, "Landi Kotal", "Khyber", TOWN, R, 0},
    /* hints in other word orders, as names */
    {"hint order", "Mir Ali", 0, 0, "Waziristan North", 0, "Mir Ali", "North Waziristan", TOWN, ANY, 0},
    {"hint order", "Wana", 0, 0, "Waziristan South", 0, "Wana", "South Waziristan", TOWN, R, 0},
    {"hint order", "Khar", 0, "Pakhtunkhwa Khyber", "Bajaur", 0, "Khar", "Bajaur", TOWN, R, 0},
    /* 12. context: other places of the same report */
    {"context", "Mir Ali", 0, 0, 0, "Miram Shah", "Mir Ali", "North Waziristan", TOWN, ANY, 0},
    {"context", "Mir Ali", 0, 0, 0, "Swabi", "Mir Ali", "Swabi", TOWN, R, 0},
    /* Shahwali, 12 km from Razmak, lists Mīr Ali among its names: a main-name Mir Ali in the same
     * district goes first */
    {"context", "Mir Ali", 0, 0, 0, "Razmak", "Mir Ali", "North Waziristan", TOWN, ANY, 0},
    {"context", "Khar", 0, 0, 0, "Damadola", "Khar", "Bajaur", TOWN, R, 0},
    {"context", "Jalalabad", 0, 0, 0, "Mardan", "Jalalabad", "Mardan", TOWN, R, 0},
    /* 13. kind and prominence */
    {"kind", "Khyber", 0, 0, 0, 0, "Khyber", "Khyber", DIST, R, 0},
    {"kind", "Kurram", 0, 0, 0, 0, "Kurram", "Kurram", DIST, R, 0},
    {"kind", "Bajaur", 0, 0, 0, 0, "Bajaur", "Bajaur", DIST, R, 0},
    {"kind", "Nangarhar", 0, 0, 0, 0, "Nangarhar", NULL, PROV, R, 0},
    {"kind", "Kunar", 0, 0, 0, 0, "Kunar", NULL, PROV, R, 0},
    {"kind", "Pakistan", 0, 0, 0, 0, "Pakistan", NULL, CTRY, R, 0},
    {"town and district", "Bannu", 0, 0, 0, 0, "Bannu", "Bannu", TOWN, R, 0},
    {"town and district", "Tank", 0, 0, 0, 0, "Tank", "Tank", TOWN, R, 0},
    {"town and district", "Charsadda", 0, 0, 0, 0, "Charsadda", "Charsadda", TOWN, R, 0},
    /* whichever spelling matched: the district's alias, the town's name written together */
    {"town and district", "Lashkargah", 0, 0, 0, 0, "Lashkar Gah", "Lashkar Gah", TOWN, R, 0},
    {"town and district", "Lashkar Gah", 0, 0, 0, 0, "Lashkar Gah", "Lashkar Gah", TOWN, R, 0},
    {"town and district", "Asad Abad", 0, 0, 0, 0, "Asadabad", "Asadabad", TOWN, R, 0},
    {"town and district", "Asadabad", 0, 0, 0, 0, "Asadabad", "Asadabad", TOWN, R, 0},
    /* the undivided Chitral district's record (split in 2018) is not preferred to the town */
    {"town and district", "Chitral", 0, 0, 0, 0, "Chitral", "Lower Chitral", TOWN, R, 0},
    /* 14. longest match */
    {"longest", "Dir", 0, 0, 0, 0, "Dir", "Upper Dir", TOWN, R, 0},
    /* the Peshawar neighbourhood (an alias of the city in aliases.csv: no open point of its
     * own) by default, Karachi's namesake when the district says so */
    {"longest", "Dir Colony", 0, 0, 0, 0, "Peshawar", "Peshawar", TOWN, ANY, 0},
    {"longest", "Dir Colony", 0, 0, "Keamari", 0, "Dir Colony", "Keamari", TOWN, ANY, 0},
    /* 15. Afghan and Pakistani namesakes */
    {"namesakes", "Jalalabad", 0, 0, 0, 0, "Jalalabad", "Jalalabad", TOWN, R, 0},
    {"namesakes", "Khost", 0, 0, 0, 0, "Khost", NULL, TOWN, ANY, 0},
    {"namesakes", "Jalalabad", "AF", 0, 0, 0, "Jalalabad", "Jalalabad", TOWN, R, 0},
    /* 16. duplicates without help: ambiguous, reported */
    /* North Waziristan's Mir Ali has three points and a cantonment: a documented place */
    {"duplicates", "Mir Ali", 0, 0, 0, 0, "Mir Ali", "North Waziristan", TOWN, AMB, 0},
    {"duplicates", "Khar", 0, 0, 0, 0, "Khar", NULL, TOWN, AMB, 0},
};

static bool same_name(const char *a, const char *b)
{
    /* compare as keys: the shipped spelling may carry diacritics ("Khōst") */
    struct dn_strbuf x = {0}, y = {0};
    bool eq = dn_name_key(NULL, a, strlen(a), &x) == DN_OK && dn_name_key(NULL, b, strlen(b), &y) == DN_OK &&
              strcmp(x.data, y.data) == 0;
    dn_strbuf_free(&x);
    dn_strbuf_free(&y);
    return eq;
}

START_TEST(test_gazetteer__table_of_names)
{
    struct dn_strbuf fails = {0};
    size_t nfail = 0;
    ck_assert_uint_ge(DN_ARRAY_LEN(cases), 80);
    for (size_t i = 0; i < DN_ARRAY_LEN(cases); i++) {
        const struct gc_case *c = &cases[i];
        struct dn_geocode_opts o = {.country = c->country, .province = c->province, .district = c->district};
        long long ctx_id = 0;
        if (c->context) {
            struct dn_geocode_result cr;
            ck_assert_int_eq(dn_geocode(ctx, c->context, strlen(c->context), NULL, &cr), DN_OK);
            ck_assert_msg(cr.status != DN_GEOCODE_UNRESOLVED, "context %s unresolved", c->context);
            ctx_id = cr.place.id;
            dn_geocode_result_clear(&cr);
            o.context_ids = &ctx_id;
            o.ncontext = 1;
        }
        struct dn_geocode_result r;
        dn_status s = dn_geocode(ctx, c->query, strlen(c->query), &o, &r);
        const char *why = NULL;
        if (s != DN_OK) why = dn_ctx_errmsg(ctx);
        else if (!c->name && c->status == DN_GEOCODE_UNRESOLVED && r.status != DN_GEOCODE_UNRESOLVED)
            why = "resolved, expected unresolved";
        else if (c->name && r.status == DN_GEOCODE_UNRESOLVED) why = "unresolved";
        else if (c->name && !same_name(r.place.name, c->name)) why = "wrong place";
        else if (c->name && c->in_district && (!r.place.district || !same_name(r.place.district, c->in_district)))
            why = "wrong district";
        else if (c->name && c->precision != ANY && (int)r.place.precision != c->precision) why = "wrong precision";
        else if (c->status != ANY && (int)r.status != c->status) why = "wrong status";
        else if ((c->country || c->province || c->district) && r.outside_hints != (c->outside == 1))
            why = c->outside ? "not flagged outside the hints" : "flagged outside the hints";
        if (why) {
            nfail++;
            dn_strbuf_printf(&fails, "  [%s] %s%s%s%s%s: %s — got %s %s (%s, %s, %s) %s conf %.2f\n", c->rule, c->query,
                             c->country ? " country=" : "", c->country ? c->country : "",
                             c->district ? " district=" : "", c->district ? c->district : "", why,
                             dn_geocode_status_name(r.status), r.place.name ? r.place.name : "-",
                             r.place.kind ? r.place.kind : "-", r.place.district ? r.place.district : "-",
                             r.place.country ? r.place.country : "-", dn_precision_name(r.place.precision) ? dn_precision_name(r.place.precision) : "-",
                             r.confidence);
        }
        /* every resolved answer is honest about itself */
        if (s == DN_OK && r.status != DN_GEOCODE_UNRESOLVED) {
            ck_assert(r.confidence > 0 && r.confidence <= 1);
            ck_assert(r.place.radius_km > 0 && isfinite(r.place.radius_km));
            ck_assert(r.place.precision >= DN_PREC_TOWN && r.place.precision <= DN_PREC_COUNTRY);
            if (r.status == DN_GEOCODE_AMBIGUOUS) ck_assert_uint_ge(r.nalternatives, 1);
        } else if (s == DN_OK) {
            ck_assert_double_eq(r.confidence, 0);
        }
        dn_geocode_result_clear(&r);
    }
    ck_assert_msg(nfail == 0, "%zu of %zu cases failed:\n%s", nfail, DN_ARRAY_LEN(cases), fails.data);
    dn_strbuf_free(&fails);
}
END_TEST

/* "Waziristan" (an alias of both districts in aliases.csv) names the
 * region of North and South Waziristan: ambiguous between the two, at
 * district precision, the other one the first alternative. */
START_TEST(test_gazetteer__waziristan_is_both_districts)
{
    static const char *const names[] = {"Waziristan", "وزیرستان", "Wazirstan", "Waziristan Agency"};
    for (size_t i = 0; i < DN_ARRAY_LEN(names); i++) {
        struct dn_geocode_result r;
        ck_assert_int_eq(dn_geocode(ctx, names[i], strlen(names[i]), NULL, &r), DN_OK);
        ck_assert_msg(r.status == DN_GEOCODE_AMBIGUOUS, "%s: %s", names[i], dn_geocode_status_name(r.status));
        ck_assert_int_eq(r.place.precision, DN_PREC_DISTRICT);
        ck_assert_uint_ge(r.nalternatives, 1);
        bool north = strcmp(r.place.name, "North Waziristan") == 0;
        ck_assert_msg(north || strcmp(r.place.name, "South Waziristan") == 0, "%s: %s", names[i], r.place.name);
        ck_assert_str_eq(r.alternatives[0].place.name, north ? "South Waziristan" : "North Waziristan");
        ck_assert(r.confidence <= 0.5);
        dn_geocode_result_clear(&r);
    }
}
END_TEST

/* A caller that wants the best place only (best_only: ingest's rows with
 * coordinates) gets the same place, status and confidence as the full
 * scoring, with the nearness bonus's geodesic skipped where it cannot
 * change them: every name shared by several places of the gazetteer,
 * with points 2 to 80 km from each namesake in eight directions, and
 * hints that lift some candidates (the namesake's province). */
static const struct gz_index *sort_ix; /* qsort's comparator reads it */

static int cmp_place_name(const void *a, const void *b)
{
    const struct gz_index *ix = sort_ix;
    const struct gz_place *x = &ix->places[*(const uint32_t *)a], *y = &ix->places[*(const uint32_t *)b];
    int c = strcmp(x->name, y->name);
    return c ? c : (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

static void geocode_both(const char *name, struct dn_geocode_opts o, size_t *contested)
{
    struct dn_geocode_result full, best;
    o.best_only = false;
    ck_assert_int_eq(dn_geocode(ctx, name, strlen(name), &o, &full), DN_OK);
    o.best_only = true;
    ck_assert_int_eq(dn_geocode(ctx, name, strlen(name), &o, &best), DN_OK);
    ck_assert_msg(full.place.id == best.place.id && full.status == best.status &&
                      fabs(full.confidence - best.confidence) < 1e-9,
                  "%s near %.4f,%.4f: %lld %s %.6f (full) against %lld %s %.6f (best only)", name, o.near_lon,
                  o.near_lat, full.place.id, dn_geocode_status_name(full.status), full.confidence, best.place.id,
                  dn_geocode_status_name(best.status), best.confidence);
    *contested += full.nalternatives > 0 && full.confidence < 0.97 * (full.match == DN_MATCH_EXACT ? 1 : 0.9);
    dn_geocode_result_clear(&full);
    dn_geocode_result_clear(&best);
}

START_TEST(test_gazetteer__best_only_gives_the_full_scoring_s_answer)
{
    struct gz_index *ix;
    ck_assert_int_eq(dni_gz_index(ctx, &ix), DN_OK);
    uint32_t *order = malloc(ix->nplaces * sizeof *order);
    ck_assert_ptr_nonnull(order);
    for (size_t i = 0; i < ix->nplaces; i++) order[i] = (uint32_t)i;
    sort_ix = ix;
    qsort(order, ix->nplaces, sizeof *order, cmp_place_name);
    size_t names = 0, lookups = 0, contested = 0;
    for (size_t i = 0; i + 1 < ix->nplaces && names < 400; i++) {
        size_t j = i + 1;
        while (j < ix->nplaces && strcmp(ix->places[order[i]].name, ix->places[order[j]].name) == 0) j++;
        if (j - i < 2) continue;
        /* the index's names and places move as it grows: copy what the loop reads */
        char name[128];
        snprintf(name, sizeof name, "%s", ix->places[order[i]].name);
        names++;
        for (size_t k = i; k < j && k < i + 4; k++) {
            double lon = ix->places[order[k]].lon, lat = ix->places[order[k]].lat;
            char province[128] = "";
            if (ix->places[order[k]].province) snprintf(province, sizeof province, "%s", ix->places[order[k]].province);
            for (int dir = 0; dir < 8; dir++) {
                double km = 2 + (double)((names * 37 + k * 11 + (size_t)dir * 7) % 79);
                double az = dir * M_PI / 4 + 0.3;
                struct dn_geocode_opts o = {.has_near = true,
                                            .near_lon = lon + km * sin(az) / (111.3 * cos(lat * M_PI / 180)),
                                            .near_lat = lat + km * cos(az) / 111.3,
                                            .max_alternatives = 1};
                if (dir % 2 && province[0]) o.province = province;
                geocode_both(name, o, &contested);
                lookups++;
            }
        }
        i = j - 1;
    }
    free(order);
    /* enough lookups where namesakes contend for the answer to mean something */
    ck_assert_uint_ge(names, 100);
    ck_assert_msg(contested >= 100, "%zu contested lookups of %zu", contested, lookups);
}
END_TEST

/* A fuzzy match on a short word is never `resolved` unless it leads to a
 * major place: a misspelling of "Wana" (a town, one edit in four letters)
 * is a suggestion, not an answer. */
START_TEST(test_gazetteer__weak_fuzzy_matches_are_not_resolved)
{
    static const char *const names[] = {"Wanq", "Sadde", "Bennu"};
    for (size_t i = 0; i < DN_ARRAY_LEN(names); i++) {
        struct dn_geocode_result r;
        ck_assert_int_eq(dn_geocode(ctx, names[i], strlen(names[i]), NULL, &r), DN_OK);
        ck_assert_msg(r.status != DN_GEOCODE_RESOLVED, "%s resolved to %s", names[i], r.place.name);
        if (r.status == DN_GEOCODE_AMBIGUOUS) ck_assert(r.confidence <= 0.5 && r.nalternatives >= 1);
        else ck_assert_uint_ge(r.nalternatives, 1); /* the candidate, as a suggestion */
        dn_geocode_result_clear(&r);
    }
}
END_TEST

/* The fuzzy index of the shipped gazetteer, built by the first misspelling,
 * holds every word under itself and each of its one-letter deletions, once,
 * and nothing else (what a lookup's probes rely on; its build fills the
 * deletion lists in a second pass). */
START_TEST(test_gazetteer__fuzzy_index_holds_every_deletion_of_every_word)
{
    struct dn_geocode_result r;
    ck_assert_int_eq(dn_geocode(ctx, "Peshawer", 8, NULL, &r), DN_OK);
    ck_assert_str_eq(r.place.name, "Peshawar");
    dn_geocode_result_clear(&r);
    struct gz_index *ix;
    ck_assert_int_eq(dni_gz_index(ctx, &ix), DN_OK);
    ck_assert_uint_gt(dni_gz_fuzzy_words(ix->fuzzy), 100000);
    size_t missing, extra;
    ck_assert_int_eq(dni_gz_fuzzy_check(ix->fuzzy, &missing, &extra), DN_OK);
    ck_assert_uint_eq(missing, 0);
    ck_assert_uint_eq(extra, 0);
}
END_TEST

START_TEST(test_gazetteer__district_radius_comes_from_its_area)
{
    struct dn_geocode_result r;
    ck_assert_int_eq(dn_geocode(ctx, "Bajaur", 6, NULL, &r), DN_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(dn_store_stmt(ctx, "SELECT area_km2 FROM admin_areas WHERE level = 2 AND name = 'Bajaur'", &st),
                     DN_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    double km2 = sqlite3_column_double(st, 0);
    sqlite3_reset(st);
    ck_assert_double_eq_tol(r.place.radius_km, sqrt(km2 / M_PI), 0.01);
    dn_geocode_result_clear(&r);
}
END_TEST

START_TEST(test_gazetteer__stoplist_entries_all_name_places)
{
    /* an entry that names nothing would be dead weight: each is a key */
    char path[1024];
    snprintf(path, sizeof path, "%s/lexicons/mention_stoplist.txt", geodata_dir());
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    size_t n = 0;
    struct dn_strbuf k = {0};
    while (fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        ck_assert_int_eq(dn_name_key(NULL, line, strlen(line), &k), DN_OK);
        if (!k.len) continue;
        sqlite3_stmt *st;
        ck_assert_int_eq(dn_store_stmt(ctx, "SELECT count(*) FROM place_names WHERE key = ?", &st), DN_OK);
        sqlite3_bind_text(st, 1, k.data, -1, SQLITE_TRANSIENT);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_msg(sqlite3_column_int(st, 0) > 0, "stop list entry '%s' names no place", line);
        sqlite3_reset(st);
        n++;
    }
    fclose(f);
    dn_strbuf_free(&k);
    ck_assert_uint_gt(n, 50);
}
END_TEST

START_TEST(test_gazetteer__mentions_in_the_sample_article)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/sample/article.txt", DN_TEST_DATA_DIR);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, len, NULL, &m), DN_OK);
    bool mir_ali = false, nwa = false, khost = false, ghulam = false;
    for (size_t i = 0; i < m.count; i++) {
        const struct dn_mention *x = &m.items[i];
        /* the span is the surface text */
        ck_assert_int_eq(memcmp(text + x->start, x->surface, x->end - x->start), 0);
        if (strcmp(x->surface, "Mir Ali") == 0) {
            /* resolved with the article's other places: the North Waziristan one */
            ck_assert_str_eq(x->place.district, "North Waziristan");
            ck_assert_uint_gt(x->ncandidates, 1);
            mir_ali = true;
        }
        if (strcmp(x->surface, "North Waziristan") == 0) nwa = x->place.precision == DN_PREC_DISTRICT;
        if (strcmp(x->surface, "Khost") == 0) khost = strcmp(x->place.country, "AFG") == 0;
        if (strcmp(x->surface, "Ghulam Khan") == 0) ghulam = true;
        /* nothing from the stop list or inside a person's name */
        ck_assert_str_ne(x->surface, "Taliban");
        ck_assert_str_ne(x->surface, "Monday");
        ck_assert_str_ne(x->surface, "Bahadur");
    }
    ck_assert(mir_ali && nwa && khost && ghulam);
    dn_mentions_clear(&m);
}
END_TEST

/* A sentence that puts a place in a district or province settles its
 * namesakes by it, falls back to the area when the gazetteer has no such
 * place there, and "NAME province" is the province, not its town. */
START_TEST(test_gazetteer__mentions_qualified_by_their_district)
{
    const struct {
        const char *text, *surface, *district, *country;
        enum dn_precision precision;
        bool gone; /* `gone` names no place: the mention is dropped */
    } sentences[] = {
        {"Three people were killed in Thal, Hangu district, on Monday.", "Thal", "Hangu", "PAK", DN_PREC_TOWN, false},
        {"Three soldiers were killed in the Shawal valley of North Waziristan.", "Shawal", NULL, NULL, 0, true},
        {"Troops were killed in the Tirah valley of Khyber district on Monday.", "Tirah", NULL, NULL, 0, true},
        {"Three people were killed in Khost province on Monday.", "Khost province", NULL, "AFG", DN_PREC_PROVINCE,
         false},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(sentences); i++) {
        struct dn_mentions m;
        ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, sentences[i].text, strlen(sentences[i].text), NULL, &m), DN_OK);
        const struct dn_mention *hit = NULL;
        for (size_t k = 0; k < m.count; k++)
            if (strcmp(m.items[k].surface, sentences[i].surface) == 0) hit = &m.items[k];
        if (sentences[i].gone) {
            ck_assert_msg(!hit, "%s: '%s' kept (%s, %s)", sentences[i].text, sentences[i].surface, hit ? hit->place.district : "",
                          hit ? hit->place.country : "");
        } else {
            ck_assert_msg(hit, "%s: no mention '%s'", sentences[i].text, sentences[i].surface);
            if (sentences[i].district) ck_assert_str_eq(hit->place.district, sentences[i].district);
            ck_assert_str_eq(hit->place.country, sentences[i].country);
            ck_assert_int_eq(hit->place.precision, sentences[i].precision);
        }
        dn_mentions_clear(&m);
    }
}
END_TEST

/* Text is searched for names as they are written: a Latin spelling by
 * sound alone is no mention ("At" sounds like the village Att in Diamir),
 * but a name found resolves as a lookup does ("Khowst" is Khost town). */
START_TEST(test_gazetteer__mentions_are_names_as_written)
{
    const char *text = "At least four people were killed in Khowst on Monday.";
    struct dn_mentions m;
    ck_assert_int_eq(dn_gazetteer_find_mentions(ctx, text, strlen(text), NULL, &m), DN_OK);
    bool khowst = false;
    for (size_t k = 0; k < m.count; k++) {
        ck_assert_msg(strcmp(m.items[k].surface, "At") != 0, "'At' taken for %s", m.items[k].place.name);
        if (strcmp(m.items[k].surface, "Khowst") == 0) {
            khowst = true;
            ck_assert_int_eq(m.items[k].place.precision, DN_PREC_TOWN);
            ck_assert_str_eq(m.items[k].place.province, "Khost");
        }
    }
    ck_assert(khowst);
    dn_mentions_clear(&m);
    /* the village the fold would have found: it is there under its own spelling */
    struct dn_geocode_result r;
    ck_assert_int_eq(dn_geocode(ctx, "Att", 3, NULL, &r), DN_OK);
    ck_assert_int_ne(r.status, DN_GEOCODE_UNRESOLVED);
    dn_geocode_result_clear(&r);
}
END_TEST

/* "NAME, AREA" and "NAME (AREA)", as spreadsheets write places: the area
 * is the name's hint of its level; a name not in that area stays
 * unresolved rather than answer with a namesake elsewhere. */
START_TEST(test_gazetteer__names_with_their_area_after_a_comma)
{
    const struct {
        const char *text, *country, *district; /* country NULL: unresolved */
    } names[] = {
        {"Wana, South Waziristan", "PAK", "South Waziristan"}, {"Peshawar (KP)", "PAK", "Peshawar"},
        {"Khost, Afghanistan", "AFG", NULL},                   {"Thal, Hangu", "PAK", "Hangu"},
        {"Peshawar, Pakistan", "PAK", "Peshawar"},             {"Wana, Kandahar", NULL, NULL},
        {"Atlantis, Pakistan", NULL, NULL},
    };
    for (size_t i = 0; i < DN_ARRAY_LEN(names); i++) {
        struct dn_geocode_result r;
        ck_assert_int_eq(dn_geocode(ctx, names[i].text, strlen(names[i].text), NULL, &r), DN_OK);
        if (!names[i].country) {
            ck_assert_msg(r.status == DN_GEOCODE_UNRESOLVED, "%s: %s", names[i].text, dn_geocode_status_name(r.status));
        } else {
            ck_assert_msg(r.status != DN_GEOCODE_UNRESOLVED, "%s unresolved", names[i].text);
            ck_assert_str_eq(r.place.country, names[i].country);
            if (names[i].district) ck_assert_str_eq(r.place.district, names[i].district);
        }
        dn_geocode_result_clear(&r);
    }
    /* no name before the area (fuzz_filter): the whole name finds no district,
     * the area is a province, and the part before it has no letter to look
     * up: unresolved, not an error that left the first lookup's suggestions
     * allocated */
    struct dn_geocode_opts districts = {.admin_only = DN_GEOCODE_ADMIN_DISTRICT};
    struct dn_geocode_result r;
    ck_assert_int_eq(dn_geocode(ctx, "\x0e, Paktika", strlen("\x0e, Paktika"), &districts, &r), DN_OK);
    ck_assert_int_eq(r.status, DN_GEOCODE_UNRESOLVED);
    dn_geocode_result_clear(&r);
}
END_TEST

/* `query --near/--in` names go through the geocoder: misspellings, spelling
 * variants and old names of the shipped gazetteer work, a historical region
 * stands for its current districts, and a town is no region. */
START_TEST(test_gazetteer__query_filter_names)
{
    static const struct {
        const char *near, *same_as; /* a name and the exact name of the place it must resolve to */
    } near[] = {{"Miramshah", "Miram Shah"}, {"Peshawer", "Peshawar"}, {"Jalalabaad", "Jalalabad"},
                {"Landikotal", "Landi Kotal"}, {"D.I. Khan", "Dera Ismail Khan"}};
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
        double lat[2], lon[2];
        const char *names[2] = {near[i].near, near[i].same_as};
        for (int k = 0; k < 2; k++) {
            struct dn_filter *f;
            ck_assert_int_eq(dn_filter_new(ctx, &f), DN_OK);
            ck_assert_int_eq(dn_filter_set(ctx, f, DN_FILTER_NEAR, names[k]), DN_OK);
            ck_assert_msg(dn_filter_resolve(ctx, f) == DN_OK, "--near %s: %s", names[k], dn_ctx_errmsg(ctx));
            lat[k] = f->near_lat;
            lon[k] = f->near_lon;
            dn_filter_free(f);
        }
        ck_assert_msg(lat[0] == lat[1] && lon[0] == lon[1], "--near '%s' is not '%s'", near[i].near, near[i].same_as);
    }
    static const struct {
        const char *in;
        int level;
        const char *country, *name; /* the first region */
        size_t min_regions;
    } in[] = {{"Peshawer", 2, "PAK", "Peshawar", 1},      {"Jalalabaad", 2, "AFG", "Jalalabad", 1},
              {"NWFP", 1, "PAK", "Khyber Pakhtunkhwa", 1}, {"Kurram Agency", 2, "PAK", "Kurram", 1},
              {"Nangahar", 1, "AFG", "Nangarhar", 1},      {"Kandahar", 1, "AFG", "Kandahar", 1},
              {"FATA", 2, "PAK", NULL, 7}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        struct dn_filter *f;
        ck_assert_int_eq(dn_filter_new(ctx, &f), DN_OK);
        ck_assert_int_eq(dn_filter_set(ctx, f, DN_FILTER_IN, in[i].in), DN_OK);
        ck_assert_msg(dn_filter_resolve(ctx, f) == DN_OK, "--in %s: %s", in[i].in, dn_ctx_errmsg(ctx));
        ck_assert_uint_ge(f->nregions, in[i].min_regions);
        for (size_t r = 0; r < f->nregions; r++) {
            ck_assert_int_eq(f->regions[r].level, in[i].level);
            ck_assert_str_eq(f->regions[r].country, in[i].country);
        }
        if (in[i].name) ck_assert_str_eq(f->regions[0].name, in[i].name);
        dn_filter_free(f);
    }
    /* FATA is the tribal districts, not the settled ones its old frontier
     * regions border (a sixth of Peshawar lies in its outline, none of the city) */
    struct dn_filter *f;
    ck_assert_int_eq(dn_filter_new(ctx, &f), DN_OK);
    ck_assert_int_eq(dn_filter_set(ctx, f, DN_FILTER_IN, "FATA"), DN_OK);
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_OK);
    static const char *const settled[] = {"Peshawar", "Kohat", "Bannu", "Dera Ismail Khan", "Tank", "Lakki Marwat"};
    static const char *const tribal[] = {"Bajaur", "Khyber", "Kurram", "North Waziristan", "South Waziristan"};
    for (size_t r = 0; r < f->nregions; r++)
        for (size_t k = 0; k < DN_ARRAY_LEN(settled); k++)
            ck_assert_msg(strcmp(f->regions[r].name, settled[k]) != 0, "FATA took %s", settled[k]);
    for (size_t k = 0; k < DN_ARRAY_LEN(tribal); k++) {
        bool found = false;
        for (size_t r = 0; r < f->nregions; r++) found |= strcmp(f->regions[r].name, tribal[k]) == 0;
        ck_assert_msg(found, "FATA lacks %s", tribal[k]);
    }
    dn_filter_free(f);
    /* Wana is a town: no region of that name (North Waziristan lists it as an alias) */
    ck_assert_int_eq(dn_filter_new(ctx, &f), DN_OK);
    ck_assert_int_eq(dn_filter_set(ctx, f, DN_FILTER_IN, "Wana"), DN_OK);
    ck_assert_int_eq(dn_filter_resolve(ctx, f), DN_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(dn_ctx_errmsg(ctx), "unknown region 'Wana'"));
    dn_filter_free(f);
}
END_TEST

TCase *make_gazetteer_real_tcase(void)
{
    TCase *tc = tcase_create("shipped");
    /* the first run loads the geodata into the cached store */
    tcase_set_timeout(tc, 600);
    tcase_set_tags(tc, "shipped_geodata"); /* the geodata_db fixture: tests/CMakeLists.txt */
    tcase_add_unchecked_fixture(tc, build_store, NULL);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_gazetteer__table_of_names);
    tcase_add_test(tc, test_gazetteer__district_radius_comes_from_its_area);
    tcase_add_test(tc, test_gazetteer__waziristan_is_both_districts);
    tcase_add_test(tc, test_gazetteer__weak_fuzzy_matches_are_not_resolved);
    tcase_add_test(tc, test_gazetteer__best_only_gives_the_full_scoring_s_answer);
    tcase_add_test(tc, test_gazetteer__fuzzy_index_holds_every_deletion_of_every_word);
    tcase_add_test(tc, test_gazetteer__stoplist_entries_all_name_places);
    tcase_add_test(tc, test_gazetteer__mentions_in_the_sample_article);
    tcase_add_test(tc, test_gazetteer__mentions_qualified_by_their_district);
    tcase_add_test(tc, test_gazetteer__mentions_are_names_as_written);
    tcase_add_test(tc, test_gazetteer__names_with_their_area_after_a_comma);
    tcase_add_test(tc, test_gazetteer__query_filter_names);
    return tc;
}

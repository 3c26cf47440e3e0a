/** @file fake_place_finder.c
 * A tiny longest-match place finder over a fixture list (see the header).
 */
#include <ctype.h>
#include <string.h>

#include "fake_place_finder.h"

/* Kinds and countries as a gazetteer would report them; ids are arbitrary. */
const struct fake_place fake_places[] = {
    {"Afghanistan", DN_TEXT_PLACE_COUNTRY, "AFG", 1, NULL},
    {"Pakistan", DN_TEXT_PLACE_COUNTRY, "PAK", 2, NULL},
    {"Khyber Pakhtunkhwa", DN_TEXT_PLACE_PROVINCE, "PAK", 10, NULL},
    {"Balochistan", DN_TEXT_PLACE_PROVINCE, "PAK", 11, NULL},
    {"Nangarhar", DN_TEXT_PLACE_PROVINCE, "AFG", 12, NULL},
    {"Khost", DN_TEXT_PLACE_PROVINCE, "AFG", 13, NULL},
    {"Paktika", DN_TEXT_PLACE_PROVINCE, "AFG", 14, NULL},
    {"Kunar", DN_TEXT_PLACE_PROVINCE, "AFG", 15, NULL},
    {"North Waziristan", DN_TEXT_PLACE_DISTRICT, "PAK", 20, "North Waziristan"},
    {"South Waziristan", DN_TEXT_PLACE_DISTRICT, "PAK", 21, "South Waziristan"},
    {"Bajaur", DN_TEXT_PLACE_DISTRICT, "PAK", 22, NULL},
    {"Kurram", DN_TEXT_PLACE_DISTRICT, "PAK", 23, NULL},
    {"Dir", DN_TEXT_PLACE_DISTRICT, "PAK", 24, NULL},
    {"Khyber", DN_TEXT_PLACE_DISTRICT, "PAK", 25, "Khyber"},
    {"D.I. Khan", DN_TEXT_PLACE_DISTRICT, "PAK", 26, NULL},
    {"Dera Ismail Khan", DN_TEXT_PLACE_DISTRICT, "PAK", 26, NULL},
    {"Bannu", DN_TEXT_PLACE_DISTRICT, "PAK", 27, NULL},
    {"Peshawar", DN_TEXT_PLACE_TOWN, "PAK", 30, NULL},
    {"Kabul", DN_TEXT_PLACE_TOWN, "AFG", 31, NULL},
    {"Islamabad", DN_TEXT_PLACE_TOWN, "PAK", 32, NULL},
    {"Quetta", DN_TEXT_PLACE_TOWN, "PAK", 33, NULL},
    {"Jalalabad", DN_TEXT_PLACE_TOWN, "AFG", 34, NULL},
    {"Miranshah", DN_TEXT_PLACE_TOWN, "PAK", 35, "North Waziristan"},
    {"Wana", DN_TEXT_PLACE_TOWN, "PAK", 36, "South Waziristan"},
    {"Parachinar", DN_TEXT_PLACE_TOWN, "PAK", 37, NULL},
    {"Chaman", DN_TEXT_PLACE_TOWN, "PAK", 38, NULL},
    {"Spin Boldak", DN_TEXT_PLACE_TOWN, "AFG", 39, NULL},
    {"Landi Kotal", DN_TEXT_PLACE_TOWN, "PAK", 40, "Khyber"},
    {"Mir Ali", DN_TEXT_PLACE_TOWN, "PAK", 41, "North Waziristan"},
    {"Dir Colony", DN_TEXT_PLACE_NEIGHBOURHOOD, "PAK", 50, NULL},
    {"Hayatabad", DN_TEXT_PLACE_NEIGHBOURHOOD, "PAK", 51, NULL},
    {"Torkham", DN_TEXT_PLACE_FEATURE, "PAK", 60, NULL},
    {"Durand Line", DN_TEXT_PLACE_BORDER, "", 70, NULL},
    {NULL, DN_TEXT_PLACE_COUNTRY, NULL, 0, NULL}};

static int specificity(enum dn_text_place_kind k)
{
    switch (k) {
    case DN_TEXT_PLACE_BORDER: return 0;
    case DN_TEXT_PLACE_COUNTRY: return 1;
    case DN_TEXT_PLACE_PROVINCE: return 2;
    case DN_TEXT_PLACE_DISTRICT: return 3;
    case DN_TEXT_PLACE_TOWN: return 4;
    case DN_TEXT_PLACE_NEIGHBOURHOOD: return 5;
    case DN_TEXT_PLACE_FEATURE: return 6;
    }
    return 0;
}

const struct fake_place *fake_place_by_id(long long id)
{
    for (const struct fake_place *p = fake_places; p->name; p++)
        if (p->id == id) return p;
    return NULL;
}

static bool word_byte(char c) { return isalnum((unsigned char)c) || (unsigned char)c >= 0x80; }

dn_status fake_place_finder(void *ud, const char *s, size_t len, struct dn_text_mention *out, size_t cap, size_t *n)
{
    (void)ud;
    *n = 0;
    for (size_t i = 0; i < len && *n < cap;) {
        if (i > 0 && word_byte(s[i - 1])) {
            i++;
            continue;
        }
        const struct fake_place *best = NULL;
        size_t best_len = 0;
        for (const struct fake_place *p = fake_places; p->name; p++) {
            if (p->name[0] != s[i]) continue;
            size_t pl = strlen(p->name);
            if (pl > best_len && i + pl <= len && memcmp(s + i, p->name, pl) == 0 &&
                (i + pl == len || !word_byte(s[i + pl])))
                best = p, best_len = pl;
        }
        if (!best) {
            i++;
            continue;
        }
        struct dn_text_mention *m = &out[(*n)++];
        m->start = i;
        m->end = i + best_len;
        m->place_id = best->id;
        m->kind = best->kind;
        m->specificity = specificity(best->kind);
        strncpy(m->country, best->country, sizeof m->country - 1);
        m->country[sizeof m->country - 1] = '\0';
        m->name = best->name;
        m->district = best->district;
        i += best_len;
    }
    return DN_OK;
}

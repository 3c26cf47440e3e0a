/** @file variants.c
 * Key variants: the other spellings under which a name is indexed and a
 * query is looked up. Both sides use the same generator, so "Khyber Agency"
 * meets "Khyber", "Waziristan North" meets "North Waziristan", "Miramshah"
 * meets "Miram Shah" and "DI Khan" meets "Dera Ismail Khan", each with a
 * quality a little below an exact match.
 */
#include <string.h>

#include "gazetteer/gz_internal.h"

/* Words that say what kind of place is meant rather than which: dropped
 * from the core variant, remembered as a kind hint. Keys are folded
 * (normalize.c), so the Arabic-script words are in their unified forms. */
static const struct {
    const char *word;
    unsigned kind;
} generic_words[] = {
    {"district", GZ_KIND_DISTRICT}, {"distt", GZ_KIND_DISTRICT}, {"dist", GZ_KIND_DISTRICT},
    {"agency", GZ_KIND_DISTRICT}, {"tehsil", GZ_KIND_DISTRICT}, {"tahsil", GZ_KIND_DISTRICT},
    {"subdivision", GZ_KIND_DISTRICT}, {"woluswali", GZ_KIND_DISTRICT}, {"wuleswali", GZ_KIND_DISTRICT},
    {"uluswali", GZ_KIND_DISTRICT}, {"oluswali", GZ_KIND_DISTRICT}, {"wuluswali", GZ_KIND_DISTRICT},
    {"province", GZ_KIND_PROVINCE}, {"wilayat", GZ_KIND_PROVINCE}, {"welayat", GZ_KIND_PROVINCE},
    {"velayat", GZ_KIND_PROVINCE}, {"city", GZ_KIND_TOWN}, {"town", GZ_KIND_TOWN}, {"village", GZ_KIND_TOWN},
    {"tribal", 0}, {"region", 0}, {"area", 0}, {"fr", 0},
    /* Urdu, Pashto, Dari */
    {"ضلع", GZ_KIND_DISTRICT}, {"ولسوالی", GZ_KIND_DISTRICT}, {"ایجنسی", GZ_KIND_DISTRICT},
    {"تحصیل", GZ_KIND_DISTRICT}, {"ولایت", GZ_KIND_PROVINCE}, {"صوبه", GZ_KIND_PROVINCE},
    {"قبایلی", 0}, {"علاقه", 0},
};

/* Ezafe and "and" particles inside names: "Mazar-i-Sharif", "Dand-e-Patan",
 * "Dand wa Patan" all mean the same place as their bare words. */
static const char *const particles[] = {"e", "i", "ye", "wa", "va", "o", "u"};

/* Words for a landscape feature: "Khyber Pass", "Kurram Valley". The
 * gazetteer has settlements and admin areas, not passes and valleys. */
static const char *const feature_words[] = {"pass", "valley", "river", "bridge", "hills", "mountains", "range",
                                            "dara", "darra", "wadi", "دره", "کوتل"};

size_t dni_gz_feature_strip(const char *key, size_t len, const char **rest)
{
    *rest = key;
    for (size_t i = 0; i < DN_ARRAY_LEN(feature_words); i++) {
        size_t wl = strlen(feature_words[i]);
        if (len > wl + 1 && key[len - wl - 1] == ' ' && memcmp(key + len - wl, feature_words[i], wl) == 0)
            return len - wl - 1;
        if (len > wl + 1 && key[wl] == ' ' && memcmp(key, feature_words[i], wl) == 0) {
            *rest = key + wl + 1;
            return len - wl - 1;
        }
    }
    return 0;
}

/* Words after a name that ask for its border crossing. Not generic words:
 * "Bara Gate" and "Lohari Gate" are places of their own, so these are only
 * tried when the whole name finds nothing. */
static const char *const crossing_words[] = {"border", "crossing", "gate", "point", "بارڈر", "سرحد", "کراسنگ"};

size_t dni_gz_crossing_strip(const char *key, size_t len)
{
    size_t end = len;
    bool asked = false;
    for (;;) {
        const char *space = NULL;
        for (size_t i = end; i > 0; i--)
            if (key[i - 1] == ' ') {
                space = key + i - 1;
                break;
            }
        if (!space) break; /* the name itself is left */
        const char *w = space + 1;
        size_t wl = (size_t)(key + end - w), k = 0;
        while (k < DN_ARRAY_LEN(crossing_words) &&
               !(strlen(crossing_words[k]) == wl && memcmp(crossing_words[k], w, wl) == 0))
            k++;
        if (k == DN_ARRAY_LEN(crossing_words)) break;
        asked |= strcmp(crossing_words[k], "point") != 0; /* "point" alone asks for nothing */
        end = (size_t)(space - key);
    }
    return asked ? end : 0;
}

bool dni_gz_generic_word(const char *w, size_t len, unsigned *kind)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(generic_words); i++) {
        if (strlen(generic_words[i].word) == len && memcmp(generic_words[i].word, w, len) == 0) {
            if (kind) *kind = generic_words[i].kind;
            return true;
        }
    }
    return false;
}

static bool is_particle(const char *w, size_t len)
{
    for (size_t i = 0; i < DN_ARRAY_LEN(particles); i++)
        if (strlen(particles[i]) == len && memcmp(particles[i], w, len) == 0) return true;
    return false;
}

struct word {
    const char *s;
    size_t len;
};

/* Adds a variant unless an equal one is already there. */
static void add(struct gz_variants *out, char **cursor, const char *s, size_t len, int quality, int family)
{
    if (len == 0 || out->n >= GZ_VARIANT_MAX) return;
    for (size_t i = 0; i < out->n; i++)
        if (out->v[i].len == len && memcmp(out->v[i].s, s, len) == 0) return;
    char *dst = *cursor;
    if (s != dst) memmove(dst, s, len);
    dst[len] = '\0';
    out->v[out->n].s = dst;
    out->v[out->n].len = len;
    out->v[out->n].quality = (uint8_t)quality;
    out->v[out->n].family = (uint8_t)family;
    out->n++;
    *cursor = dst + len + 1;
}

static size_t join(char *dst, const struct word *w, size_t n, const char *sep)
{
    size_t len = 0, sl = strlen(sep);
    for (size_t i = 0; i < n; i++) {
        if (i && sl) {
            memcpy(dst + len, sep, sl);
            len += sl;
        }
        memcpy(dst + len, w[i].s, w[i].len);
        len += w[i].len;
    }
    return len;
}

/* Letters that sound alike in Pashto, Urdu and Dari, spelt one way; 0 for
 * any other code point. ه at a word's end is handled by the caller. */
static int32_t sound_letter(int32_t c)
{
    switch (c) {
    case 0x0637: return 0x062A; /* ط → ت */
    case 0x062B:                /* ث */
    case 0x0635:                /* ص */
    case 0x0685:                /* څ pashto ts */
        return 0x0633;          /* س */
    case 0x0630:                /* ذ */
    case 0x0636:                /* ض */
    case 0x0638:                /* ظ */
    case 0x0681:                /* ځ pashto dz */
        return 0x0632;          /* ز */
    case 0x062D: return 0x0647; /* ح → ه */
    case 0x069A: return 0x0634; /* ښ → ش */
    /* Dari has no retroflex letters: "کویته" for Urdu "کوئٹہ" */
    case 0x0679: return 0x062A; /* ٹ → ت */
    case 0x0688: return 0x062F; /* ڈ → د */
    case 0x0691: return 0x0631; /* ڑ → ر */
    case 0x06BA: return 0x0646; /* ں → ن */
    default: return 0;
    }
}

/* After a long vowel a word's last ه is the consonant h (شاه shah, گاه gah,
 * کوه koh); after a consonant it writes the vowel that Urdu spells ا. */
static bool is_long_vowel(int32_t c)
{
    return c == 0x0627 || c == 0x0648 || c == 0x06CC; /* ا و ی (keys hold the unified yeh) */
}

size_t dni_gz_sound_fold(const char *key, size_t len, char *out)
{
    bool changed = false;
    int32_t prev = 0; /* the word's previous letter; 0 at its start */
    for (size_t i = 0; i < len;) {
        unsigned char b0 = (unsigned char)key[i];
        if (b0 >= 0xD8 && b0 <= 0xDB && i + 1 < len) {
            int32_t c = ((b0 & 0x1F) << 6) | ((unsigned char)key[i + 1] & 0x3F), to = sound_letter(c);
            bool word_end = i + 2 == len || key[i + 2] == ' ';
            int32_t sound = to ? to : c; /* a final ح is a final ه too */
            if (sound == 0x0647 && word_end && prev && !is_long_vowel(prev)) to = 0x0627; /* final ه written ا */
            if (to) {
                /* every letter here is two bytes in UTF-8 */
                out[i] = (char)(0xC0 | (to >> 6));
                out[i + 1] = (char)(0x80 | (to & 0x3F));
                changed = true;
            } else {
                out[i] = key[i];
                out[i + 1] = key[i + 1];
            }
            i += 2;
            prev = to ? to : c;
            continue;
        }
        out[i] = key[i];
        if (b0 == ' ') prev = 0;
        else if ((b0 & 0xC0) != 0x80) prev = b0; /* a letter of another script: not a vowel here */
        i++;
    }
    return changed ? len : 0;
}

/* Latin romanisations of Pashto, Urdu and Dari names: the spellings that
 * different transliteration habits give for one sound, chosen from the
 * shipped gazetteer (each merges spellings that one place's own records
 * use, e.g. Khowst/Khost, Maydan/Maidan, Qalacha/Kalacha, Qaleh/Qala).
 * Left alone because they merge different words there: ph (an aspirated
 * p in Urdu: Phalkot is not Falkot), dh (Punjabi Madhar is not Mazar),
 * ea (two syllables: Narean), and kh, gh, sh, ch as the digraphs they are. */
static bool latin_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* q and k, v and w are one letter */
static char latin_letter(const char *s, size_t n, size_t i)
{
    if (i >= n) return 0;
    return s[i] == 'q' ? 'k' : s[i] == 'v' ? 'w' : s[i];
}

/* One pass over a word of ASCII letters; `out` may not be `s`. Returns
 * the length written (never more than n). */
static size_t latin_pass(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        char c = latin_letter(s, n, i), next = latin_letter(s, n, i + 1), after = latin_letter(s, n, i + 2);
        size_t step = 1;
        if (c == 'e' && next == 'e') { /* Makeen, Makin */
            c = 'i';
            step = 2;
        } else if (c == 'o' && (next == 'o' || next == 'u')) { /* Nooristan, Nuristan; Balouch, Baluch */
            c = 'u';
            step = 2;
        } else if (((c == 'o' && next == 'w') || (c == 'a' && next == 'u')) && after && !latin_vowel(after) &&
                   after != 'y') { /* before a consonant: Khowst, Khost; Naushera, Noshera */
            c = 'o';
            step = 2;
        } else if (c == 'y' && i > 0 && !latin_vowel(next)) { /* y as a vowel: Maydan, Maidan; Kalay, Kalai */
            c = 'i';
        }
        /* a letter written twice is one (aa, ii, uu, tt, ss...), but for h:
         * "chh" is Urdu's aspirated ch */
        if (!(o > 0 && out[o - 1] == c && c != 'h')) out[o++] = c;
        i += step;
    }
    /* Persian -ah/-eh after a consonant is the -a Urdu and Pashto write
     * (Qaleh, Qalah, Qala), in a word with an earlier vowel: one-syllable
     * words keep their h (Shah, Gah, Rah), as after an h (Miranshah) */
    if (o >= 4 && out[o - 1] == 'h' && (out[o - 2] == 'a' || out[o - 2] == 'e') && !latin_vowel(out[o - 3]) &&
        out[o - 3] != 'h' && out[o - 3] != 'y') {
        bool vowel = false;
        for (size_t i = 0; i + 3 < o && !vowel; i++) vowel = latin_vowel(out[i]) || out[i] == 'y';
        if (vowel) {
            out[o - 2] = 'a';
            o--;
        }
    }
    return o;
}

size_t dni_gz_latin_fold(const char *key, size_t len, char *out)
{
    bool changed = false;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        bool letters = true;
        while (j < len && key[j] != ' ') {
            letters &= key[j] >= 'a' && key[j] <= 'z';
            j++;
        }
        if (o) out[o++] = ' ';
        size_t wl = j - i;
        if (letters && wl <= GZ_KEY_MAX) {
            /* repeated until nothing changes, so that folding is final
             * ("aoo" → "au" → "o" before a consonant); each pass that
             * changes a word shortens it or replaces q, v or y, so this ends */
            char a[GZ_KEY_MAX + 1], b[GZ_KEY_MAX + 1];
            size_t n = latin_pass(key + i, wl, a);
            /* most words come out as they went in: then that is final */
            for (bool same = n == wl && memcmp(a, key + i, n) == 0; !same;) {
                size_t m = latin_pass(a, n, b);
                same = m == n && memcmp(a, b, n) == 0;
                memcpy(a, b, m);
                n = m;
            }
            changed |= n != wl || memcmp(a, key + i, n) != 0;
            memcpy(out + o, a, n);
            o += n;
        } else {
            memmove(out + o, key + i, wl);
            o += wl;
        }
        i = j + 1;
    }
    return changed ? o : 0;
}

#define MAX_WORDS 24

void dni_gz_variants(const char *key, size_t len, unsigned flags, struct gz_variants *out)
{
    out->n = 0;
    out->kind_hint = 0;
    out->ntokens_core = 0;
    char *cursor = out->buf;
    if (len == 0) return;
    if (len > GZ_KEY_MAX) {
        /* too long for variants: still the key itself (pointing at the caller's text) */
        out->v[0].s = key;
        out->v[0].len = len;
        out->v[0].quality = 100;
        out->v[0].family = GZ_V_FULL;
        out->n = 1;
        return;
    }
    add(out, &cursor, key, len, 100, GZ_V_FULL);

    struct word words[MAX_WORDS], core[MAX_WORDS];
    size_t nw = 0, nc = 0;
    for (size_t i = 0; i < len && nw < MAX_WORDS;) {
        size_t j = i;
        while (j < len && key[j] != ' ') j++;
        words[nw].s = key + i;
        words[nw].len = j - i;
        nw++;
        i = j + 1;
    }
    if (nw == MAX_WORDS) return; /* a sentence, not a name */
    for (size_t i = 0; i < nw; i++) {
        unsigned kind = 0;
        if (dni_gz_generic_word(words[i].s, words[i].len, &kind)) {
            out->kind_hint |= kind;
            continue;
        }
        if (i > 0 && i + 1 < nw && is_particle(words[i].s, words[i].len)) continue;
        /* Pashto "د" (of) before a name: "د ننګرهار ولايت" */
        if (i == 0 && nw > 1 && words[i].len == 2 && memcmp(words[i].s, "\xd8\xaf", 2) == 0) continue;
        core[nc++] = words[i];
    }
    bool generic = nc == 0;
    if (generic) {
        /* a name made only of generic words ("Town") is its own core, as
         * written: these are English and Urdu words, not romanised names */
        memcpy(core, words, nw * sizeof *words);
        nc = nw;
        out->kind_hint = 0;
    }
    out->ntokens_core = nc;
    char tmp[GZ_KEY_MAX + 1];
    size_t tl = join(tmp, core, nc, " ");
    add(out, &cursor, tmp, tl, 97, GZ_V_CORE);
    char sound[GZ_KEY_MAX + 1], spelt[GZ_KEY_MAX + 1];
    size_t sl = dni_gz_sound_fold(tmp, tl, sound);
    size_t ll = generic ? 0 : dni_gz_latin_fold(sl ? sound : tmp, sl ? sl : tl, spelt);
    if (ll) add(out, &cursor, spelt, ll, GZ_LATIN_SOUND_QUALITY, GZ_V_LATIN_SOUND);
    else if (sl) add(out, &cursor, sound, sl, 93, GZ_V_SOUND);
    if (nc < 2) return;

    if ((flags & GZ_VAR_INITIALS) && nc >= 3 && out->n < GZ_VARIANT_MAX) {
        /* "dera ismail khan" → "di khan", "toba tek singh" → "tt singh" */
        for (size_t k = 2; k < nc; k++) {
            size_t l = 0;
            bool latin = true;
            for (size_t i = 0; i < k; i++) {
                char c = core[i].s[0];
                if (c < 'a' || c > 'z') latin = false;
                tmp[l++] = c;
            }
            if (!latin) break;
            for (size_t i = k; i < nc; i++) {
                tmp[l++] = ' ';
                memcpy(tmp + l, core[i].s, core[i].len);
                l += core[i].len;
            }
            add(out, &cursor, tmp, l, 95, GZ_V_INITIALS);
        }
    }
    if (flags & GZ_VAR_QUERY) {
        tl = join(tmp, core, nc, "");
        add(out, &cursor, tmp, tl, 94, GZ_V_COMPACT);
    }
}

static void expansion(struct gz_expansions *out, size_t *used, const char *s, size_t len, int quality)
{
    if (out->n >= GZ_EXPANSION_MAX || *used + len + 1 > sizeof out->buf) return;
    char *dst = out->buf + *used;
    memcpy(dst, s, len);
    dst[len] = '\0';
    out->v[out->n].s = dst;
    out->v[out->n].len = len;
    out->v[out->n].quality = (uint8_t)quality;
    out->n++;
    *used += len + 1;
}

/* Next permutation of idx[0..n) in lexicographic order; false after the last. */
static bool next_perm(size_t *idx, size_t n)
{
    if (n < 2) return false;
    size_t i = n - 1;
    while (i > 0 && idx[i - 1] >= idx[i]) i--;
    if (i == 0) return false;
    size_t j = n - 1;
    while (idx[j] <= idx[i - 1]) j--;
    size_t t = idx[i - 1];
    idx[i - 1] = idx[j];
    idx[j] = t;
    for (size_t a = i, b = n - 1; a < b; a++, b--) {
        t = idx[a];
        idx[a] = idx[b];
        idx[b] = t;
    }
    return true;
}

void dni_gz_expansions(const char *core, size_t len, struct gz_expansions *out)
{
    out->n = 0;
    size_t used = 0;
    if (len == 0 || len >= 64) return;
    struct word w[4];
    size_t nw = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && core[j] != ' ') j++;
        if (nw == 4) return; /* longer names are not written in other orders */
        w[nw].s = core + i;
        w[nw].len = j - i;
        nw++;
        i = j + 1;
    }
    char tmp[64];
    if (nw == 1) {
        /* "miramshah" → "miram shah": both parts at least two letters (ASCII only) */
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)core[i] >= 0x80) return;
        for (size_t k = 2; k + 2 <= len; k++) {
            memcpy(tmp, core, k);
            tmp[k] = ' ';
            memcpy(tmp + k + 1, core + k, len - k);
            expansion(out, &used, tmp, len + 1, 94);
        }
        return;
    }
    size_t idx[4] = {0, 1, 2, 3};
    while (next_perm(idx, nw)) {
        struct word p[4];
        for (size_t i = 0; i < nw; i++) p[i] = w[idx[i]];
        size_t l = join(tmp, p, nw, " ");
        expansion(out, &used, tmp, l, 92);
    }
}

/** @file place.c
 * Which place mention of a sentence is where its event happened. The
 * mentions come from the caller's place finder (the gazetteer); this file
 * only reads the words around them: a locative word before ("in", "at",
 * "near", "outside", "city of", "outskirts of") makes a mention the locus;
 * "from", "to", "against", a verb ("border", "said") make it a mere mention.
 */
#include <string.h>

#include "text/text_int.h"

static const char *const locative[] = {"in", "at", "near", "outside", "inside", "around", "across", "within",
                                       "into", "along", "on", "nearby", "throughout", NULL};
/* nouns after which "of" introduces the place: "the city of Peshawar" */
static const char *const place_nouns[] = {"city", "town", "village", "district", "province", "area", "region",
                                          "suburb", "suburbs", "outskirts", "tehsil", "valley", "neighbourhood",
                                          "neighborhood", "locality", "vicinity", "parts", "heart", "centre",
                                          "center", "capital", "agency", "borough", "sector", NULL};
/* words that end the look-back: the mention belongs to another relation */
static const char *const blockers[] = {"from", "to", "with", "by", "than", "for", "against",
                                       "that", "which", "who", "said", "says", "told", "border", "borders",
                                       "bordering", "between", "towards", "toward", "via", "like", "about",
                                       "over", "under", "fled", "flee", "repatriated", "visited", "visit",
                                       NULL};
/* event nouns: "the Peshawar school attack", "a Bajaur blast" */
static const char *const event_nouns[] = {"attack", "attacks", "blast", "blasts", "bombing", "bombings", "explosion",
                                          "suicide", "clash", "clashes", "shelling", "strike", "raid", "ambush",
                                          "massacre", "operation", "firing", "gunfight", "encounter", "school",
                                          "mosque", "market", "bazaar", NULL};

/* "PESHAWAR": a dateline's place is written in capitals. */
static bool all_caps(const struct dni_toks *t, size_t ts, size_t te)
{
    size_t letters = 0;
    for (size_t i = ts; i < te; i++)
        for (uint32_t k = t->v[i].start; k < t->v[i].end; k++) {
            unsigned char c = (unsigned char)t->text[k];
            if (c >= 'a' && c <= 'z') return false;
            letters += c >= 'A' && c <= 'Z';
        }
    return letters >= 2;
}

enum dni_place_role dni_place_role(const struct dni_toks *t, size_t ts, size_t te)
{
    /* where the speaker is, not where it happened: "Officials in Islamabad
     * said the strikes ...", "traders in Khost said" */
    if (te < t->n && dni_tok_in(t, te, (const char *const[]){"said", "say", "says", "told", "added", NULL}))
        return DNI_ROLE_BLOCKED;
    /* a dateline opening the sentence ("ISLAMABAD - Pakistani jets struck
     * ...") is where the report was filed */
    if (ts == 0 && te < t->n && (t->v[te].flags & DNI_TOK_PUNCT) &&
        (t->text[t->v[te].start] == '-' || t->text[t->v[te].start] == ':' ||
         (t->text[t->v[te].start] == ',' && all_caps(t, ts, te))))
        return DNI_ROLE_BLOCKED;
    /* look back over at most four words (determiners, adjectives: "in the
     * restive North Waziristan") to the word that introduces the mention */
    for (size_t k = ts, steps = 0; k > 0 && steps < 5; k--, steps++) {
        size_t j = k - 1;
        if (t->v[j].flags & DNI_TOK_PUNCT) {
            char c = t->text[t->v[j].start];
            if (c == '\'' || c == '-') continue; /* "Pakistan's Bajaur" */
            break;
        }
        if (dni_tok_in(t, j, locative)) return DNI_ROLE_LOCUS;
        if (dni_tok_is(t, j, "of")) {
            if (j == 0 || !dni_tok_in(t, j - 1, place_nouns)) return DNI_ROLE_BLOCKED;
            /* "Shah Wali Kot district of Kandahar": the name before the noun
             * is the place, this one holds it ("the city of Peshawar" is
             * the place itself) */
            if (j > 1 && (t->v[j - 2].flags & DNI_TOK_CAP) &&
                !dni_tok_in(t, j - 2, (const char *const[]){"the", "a", "an", "this", "that", NULL}))
                return DNI_ROLE_NEUTRAL;
            return DNI_ROLE_LOCUS;
        }
        if (dni_tok_in(t, j, blockers)) return DNI_ROLE_BLOCKED;
    }
    /* a place name as a subject is an actor by metonymy: "Islamabad has
     * released", "Pakistan said" */
    static const char *const subject_verbs[] = {"has", "have", "had", "is", "was", "said", "says", "claims",
                                                "claimed", "announced", "agreed", "agrees", "denied", "denies",
                                                "accused", "accuses", "will", "would", "released", "rejected",
                                                "blamed", "insists", "insisted", NULL};
    if (te < t->n && dni_tok_in(t, te, subject_verbs)) return DNI_ROLE_BLOCKED;
    /* a place name right before an event noun */
    for (size_t j = te; j < t->n && j < te + 2; j++)
        if (dni_tok_in(t, j, event_nouns)) return DNI_ROLE_LOCUS;
    return DNI_ROLE_NEUTRAL;
}

static bool coarse_kind(enum dn_text_place_kind k)
{
    return k == DN_TEXT_PLACE_COUNTRY || k == DN_TEXT_PLACE_BORDER;
}

static int best_of(const struct dn_text_mention *m, const enum dni_place_role *role, size_t n,
                   enum dni_place_role want, int coarse_ok)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (role[i] != want) continue;
        bool c = coarse_kind(m[i].kind);
        if (coarse_ok == 0 && c) continue;
        if (coarse_ok == 1 && !c) continue;
        /* a country beats a border line; otherwise the finer place */
        int si = c ? (m[i].kind == DN_TEXT_PLACE_COUNTRY ? 1 : 0) : m[i].specificity;
        int sb = best < 0 ? 0 : (c ? (m[best].kind == DN_TEXT_PLACE_COUNTRY ? 1 : 0) : m[best].specificity);
        if (best < 0 || si > sb) best = (int)i;
    }
    return best;
}

int dni_place_choose(const struct dn_text_mention *m, const enum dni_place_role *role, size_t n, bool *coarse)
{
    *coarse = false;
    int i = best_of(m, role, n, DNI_ROLE_LOCUS, 0);
    if (i < 0) i = best_of(m, role, n, DNI_ROLE_NEUTRAL, 0);
    if (i >= 0) return i;
    /* a country or the border line only as the stated locus ("in Pakistan") */
    i = best_of(m, role, n, DNI_ROLE_LOCUS, 1);
    *coarse = i >= 0;
    return i;
}

/** @file casualty.c
 * Killed and injured counts of one sentence. A number counts only when it is
 * tied to a casualty word by one of these shapes:
 *   "six soldiers (were) killed", "eight students were killed and 120 others injured"
 *   "12 people, including three soldiers, were killed" (also "(among them …)";
 *     the part named after "including"/"among" is in the count, not added to it)
 *   "killed 148 civilians", "killing six", "injured 120 others", "killed a tribal elder"
 *   "a cleric was shot dead", "left eight dead", "the deaths of thousands of militants"
 *   "the death toll rose to 12", "the death toll from Monday's bombing in Quetta
 *     has risen to 15" (also "climbed", "reached", "jumped", "stood at", "is now")
 *   "12 dead", "five bodies"
 * and the noun after it (if any) must be a person ("civilians", "soldiers",
 * "others", "elder", "commander") — so years, ages, distances, percentages,
 * "a 32-member group" or "30 militants released" never count. A bare number
 * takes only a verb right after it ("six were killed"): in "In 2021, 500
 * people were killed" the verb is the 500's. Modifiers set bounds: "at least
 * N" (low = best = N), "more than N"/"over N" (low = best = N + 1), "up to N"
 * (high = best = N), "about N" (approximate), "N to M"/"N-M"/"between N and
 * M" (low = best = N, high = M). "scores", "dozens", "many" are vague: the
 * count stays unknown and is flagged.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "text/text_int.h"

struct noun_class {
    const char *word;
    const char *victim; /* class, or NULL for "people", "others" */
    bool singular;
};

static const struct noun_class persons[] = {
    {"people", NULL, false},          {"persons", NULL, false},       {"person", NULL, true},
    {"others", NULL, false},          {"more", NULL, false},          {"individuals", NULL, false},
    {"members", NULL, false},         {"member", NULL, true},         {"civilians", "civilians", false},
    {"civilian", "civilians", true},  {"children", "civilians", false}, {"child", "civilians", true},
    {"students", "civilians", false}, {"student", "civilians", true}, {"schoolchildren", "civilians", false},
    {"women", "civilians", false},    {"woman", "civilians", true},   {"men", "civilians", false},
    {"man", "civilians", true},       {"boys", "civilians", false},   {"boy", "civilians", true},
    {"girls", "civilians", false},    {"girl", "civilians", true},    {"worshippers", "civilians", false},
    {"worshipers", "civilians", false}, {"passengers", "civilians", false}, {"passenger", "civilians", true},
    {"villagers", "civilians", false}, {"residents", "civilians", false}, {"labourers", "civilians", false},
    {"laborers", "civilians", false}, {"workers", "civilians", false}, {"worker", "civilians", true},
    {"pilgrims", "civilians", false}, {"bystanders", "civilians", false}, {"pedestrians", "civilians", false},
    {"teachers", "civilians", false}, {"teacher", "civilians", true}, {"journalists", "civilians", false},
    {"journalist", "civilians", true}, {"doctors", "civilians", false}, {"tribesmen", "civilians", false},
    {"tribesman", "civilians", true}, {"shopkeepers", "civilians", false}, {"farmers", "civilians", false},
    {"relatives", "civilians", false}, {"soldiers", "security forces", false},
    {"soldier", "security forces", true}, {"troops", "security forces", false},
    {"personnel", "security forces", false}, {"jawans", "security forces", false},
    {"commandos", "security forces", false}, {"cadets", "security forces", false},
    {"guards", "security forces", false}, {"guard", "security forces", true},
    {"levies", "security forces", false}, {"paramilitaries", "security forces", false},
    {"servicemen", "security forces", false}, {"forces", "security forces", false}, {"officers", "security forces", false},
    {"officer", "security forces", true}, {"policemen", "police", false}, {"policeman", "police", true},
    {"police", "police", false},      {"policemen's", "police", false}, {"cops", "police", false},
    {"constables", "police", false},  {"constable", "police", true},  {"militants", "militants", false},
    {"militant", "militants", true},  {"insurgents", "militants", false}, {"insurgent", "militants", true},
    {"terrorists", "militants", false}, {"terrorist", "militants", true}, {"fighters", "militants", false},
    {"fighter", "militants", true},   {"gunmen", "militants", false}, {"gunman", "militants", true},
    {"attackers", "militants", false}, {"attacker", "militants", true}, {"assailants", "militants", false},
    {"bombers", "militants", false},  {"rebels", "militants", false}, {"khawarij", "militants", false},
    /* the victims of targeted killings, named by their standing or trade */
    {"elders", "civilians", false},   {"elder", "civilians", true},   {"clerics", "civilians", false},
    {"cleric", "civilians", true},    {"scholars", "civilians", false}, {"scholar", "civilians", true},
    {"imams", "civilians", false},    {"imam", "civilians", true},    {"judges", "civilians", false},
    {"judge", "civilians", true},     {"lawyers", "civilians", false}, {"lawyer", "civilians", true},
    {"activists", "civilians", false}, {"activist", "civilians", true}, {"drivers", "civilians", false},
    {"driver", "civilians", true},    {"shopkeeper", "civilians", true}, {"farmer", "civilians", true},
    {"traders", "civilians", false},  {"trader", "civilians", true},  {"businessmen", "civilians", false},
    {"businessman", "civilians", true}, {"doctor", "civilians", true}, {"nurses", "civilians", false},
    {"nurse", "civilians", true},     {"engineers", "civilians", false}, {"engineer", "civilians", true},
    {"politicians", "civilians", false}, {"politician", "civilians", true},
    {"councillors", "civilians", false}, {"councillor", "civilians", true},
    {"councilors", "civilians", false}, {"councilor", "civilians", true}, {"villager", "civilians", true},
    {"resident", "civilians", true},  {"labourer", "civilians", true}, {"laborer", "civilians", true},
    {"pilgrim", "civilians", true},   {"worshipper", "civilians", true}, {"worshiper", "civilians", true},
    {"bystander", "civilians", true}, {"pedestrian", "civilians", true},
    {"khasadars", "security forces", false}, {"khasadar", "security forces", true},
    /* "leader", "commander", "official" may be of either side: the class,
     * if any, comes from the noun before them ("a militant commander",
     * "a police official") */
    {"leaders", NULL, false},         {"leader", NULL, true},         {"commanders", NULL, false},
    {"commander", NULL, true},        {"officials", NULL, false},     {"official", NULL, true}};

static const struct noun_class *person_noun(const struct dni_toks *t, size_t i)
{
    size_t n;
    if (i >= t->n) return NULL;
    const char *w = dni_tok_lower(t, i, &n);
    for (size_t k = 0; k < DN_ARRAY_LEN(persons); k++)
        if (persons[k].word[0] == w[0] && strlen(persons[k].word) == n && memcmp(persons[k].word, w, n) == 0)
            return &persons[k];
    return NULL;
}

/* A person noun of class `victim` and the given number: what "a police
 * official" stands for when its head, "official", has no class. */
static const struct noun_class *person_of_class(const char *victim, bool singular)
{
    for (size_t k = 0; k < DN_ARRAY_LEN(persons); k++)
        if (persons[k].victim && strcmp(persons[k].victim, victim) == 0 && persons[k].singular == singular)
            return &persons[k];
    return NULL;
}

enum kind { NONE = 0, KILLED, INJURED };

static const char *const killed_words[] = {"killed", "dead", "died", "martyred", "slain", "perished",
                                           "neutralised", "neutralized", "eliminated", "beheaded",
                                           "succumbed", "drowned", NULL};
static const char *const injured_words[] = {"injured", "wounded", "hurt", NULL};
static const char *const active_killed[] = {"killed", "killing", "kills", "kill", "martyred", "martyring",
                                            "slaying", "slew", NULL};
static const char *const active_injured[] = {"injured", "injuring", "injures", "injure", "wounded",
                                             "wounding", "wounds", NULL};
static const char *const aux_words[] = {"were", "was", "have", "has", "had", "been", "are", "is", "being",
                                        "got", "reportedly", "also", "allegedly", "all", "later", "were",
                                        "confirmed", "reported", "feared", "believed", "said", "to", "be",
                                        "now", "so", "far", "critically", "seriously", "severely", "badly",
                                        "fatally", "mortally", "slightly", "shot", "gunned", NULL};
/* words that end a noun phrase */
static const char *const np_stop[] = {"in", "at", "on", "from", "and", "or", "were", "was", "are", "is",
                                      "had", "have", "has", "by", "after", "when", "while", "as", "with",
                                      "during", "near", "including", "who", "which", "that", "to", "for",
                                      "but", "been", "being", "said", "says", "told", NULL};

static bool is_punct_tok(const struct dni_toks *t, size_t i)
{
    return i < t->n && (t->v[i].flags & DNI_TOK_PUNCT);
}

static bool punct_is(const struct dni_toks *t, size_t i, char c)
{
    return is_punct_tok(t, i) && t->text[t->v[i].start] == c;
}

/* A count as written, with its modifiers. */
struct quantity {
    size_t start, end;  /* tokens, modifiers included */
    long best, low, high;
    bool vague, approx;
    bool article_one;   /* "a soldier": needs a singular person noun */
};

enum mod { MOD_NONE, MOD_ATLEAST, MOD_MORE, MOD_UPTO, MOD_ABOUT, MOD_BETWEEN };

static size_t modifier_at(const struct dni_toks *t, size_t i, enum mod *m)
{
    *m = MOD_NONE;
    if (dni_tok_is(t, i, "at") && dni_tok_is(t, i + 1, "least")) return *m = MOD_ATLEAST, 2;
    if (dni_tok_is(t, i, "no") && dni_tok_is(t, i + 1, "fewer") && dni_tok_is(t, i + 2, "than"))
        return *m = MOD_ATLEAST, 3;
    if ((dni_tok_is(t, i, "more") || dni_tok_is(t, i, "over") || dni_tok_is(t, i, "upwards")) &&
        (dni_tok_is(t, i + 1, "than") || dni_tok_is(t, i + 1, "of")))
        return *m = MOD_MORE, 2;
    if (dni_tok_is(t, i, "over")) return *m = MOD_MORE, 1;
    if (dni_tok_is(t, i, "up") && dni_tok_is(t, i + 1, "to")) return *m = MOD_UPTO, 2;
    if (dni_tok_is(t, i, "as") && dni_tok_is(t, i + 1, "many") && dni_tok_is(t, i + 2, "as"))
        return *m = MOD_UPTO, 3;
    if (dni_tok_is(t, i, "at") && dni_tok_is(t, i + 1, "most")) return *m = MOD_UPTO, 2;
    if ((dni_tok_is(t, i, "fewer") || dni_tok_is(t, i, "less")) && dni_tok_is(t, i + 1, "than"))
        return *m = MOD_UPTO, 2;
    if (dni_tok_is(t, i, "between")) return *m = MOD_BETWEEN, 1; /* a range: quantity_at wants "and M" */
    if (dni_tok_is(t, i, "an") && dni_tok_is(t, i + 1, "estimated")) return *m = MOD_ABOUT, 2;
    if (dni_tok_is(t, i, "close") && dni_tok_is(t, i + 1, "to")) return *m = MOD_ABOUT, 2;
    static const char *const about[] = {"about", "around", "nearly", "almost", "approximately", "roughly",
                                        "some", "estimated", "approx", NULL};
    if (dni_tok_in(t, i, about)) return *m = MOD_ABOUT, 1;
    return 0;
}

/* "5-7" written as one token. */
static bool hyphen_range(const struct dni_toks *t, size_t i, long *a, long *b)
{
    size_t n;
    const char *w = dni_tok_lower(t, i, &n);
    const char *dash = memchr(w, '-', n);
    if (!dash || dash == w || dash == w + n - 1) return false;
    long x = 0, y = 0;
    for (const char *p = w; p < dash; p++) {
        if (!isdigit((unsigned char)*p) || x > 100000) return false;
        x = x * 10 + (*p - '0');
    }
    for (const char *p = dash + 1; p < w + n; p++) {
        if (!isdigit((unsigned char)*p) || y > 100000) return false;
        y = y * 10 + (*p - '0');
    }
    if (y < x) return false;
    *a = x, *b = y;
    return true;
}

static bool quantity_at(const struct dni_toks *t, const bool *skip, size_t i, struct quantity *q)
{
    if (i >= t->n || (skip && skip[i])) return false;
    enum mod m;
    size_t ml = modifier_at(t, i, &m);
    size_t j = i + ml;
    if (j >= t->n || (skip && skip[j])) return false;
    if (j > 0 && dni_tok_is(t, j - 1, "no") && dni_tok_is(t, j, "one")) return false; /* "no one": zero_counts */
    *q = (struct quantity){i, j, -1, -1, -1, false, m == MOD_ABOUT, false};
    long a, b;
    struct dni_number num = dni_number_at(t, j);
    if (!num.ntok && (t->v[j].flags & DNI_TOK_HYPH) && hyphen_range(t, j, &a, &b)) {
        q->best = q->low = a;
        q->high = b;
        q->end = j + 1;
        return true;
    }
    if (!num.ntok) {
        if (ml == 0 && (dni_tok_is(t, j, "a") || dni_tok_is(t, j, "an"))) {
            q->best = q->low = q->high = 1;
            q->article_one = true;
            q->end = j + 1;
            return true;
        }
        return false;
    }
    if (dni_tok_is(t, j, "some") || (num.vague && ml == 0 && dni_tok_is(t, j, "more"))) return false;
    q->end = j + num.ntok;
    if (m == MOD_BETWEEN) {
        /* "between 10 and 15" is one count, not two to add up; anything
         * else after "between" ("between 2019 and 2021" when the years are
         * skipped, "between the two") is no count */
        if (num.vague || !dni_tok_is(t, q->end, "and") || q->end + 1 >= t->n || (skip && skip[q->end + 1]))
            return false;
        struct dni_number upper = dni_number_at(t, q->end + 1);
        if (!upper.ntok || upper.vague || upper.value <= num.value) return false;
        q->best = q->low = num.value;
        q->high = upper.value;
        q->end += 1 + upper.ntok;
        return true;
    }
    if (num.vague) {
        q->vague = true;
        return true;
    }
    long v = num.value;
    q->best = q->low = q->high = v;
    /* ranges: "five to seven", "five or six", "5 - 7" */
    if ((dni_tok_is(t, q->end, "to") || dni_tok_is(t, q->end, "or") || punct_is(t, q->end, '-'))) {
        struct dni_number n2 = dni_number_at(t, q->end + 1);
        if (n2.ntok && !n2.vague && n2.value > v) {
            q->high = n2.value;
            q->end += 1 + n2.ntok;
        }
    }
    if (dni_tok_is(t, q->end, "or") && dni_tok_is(t, q->end + 1, "more")) {
        q->high = -1;
        q->end += 2;
    }
    switch (m) {
    case MOD_ATLEAST: q->high = -1; break;
    case MOD_MORE: q->best = q->low = v + 1, q->high = -1; break;
    case MOD_UPTO: q->low = -1, q->high = v; break;
    default: break;
    }
    if (m == MOD_ABOUT) q->low = q->high = -1;
    return true;
}

/* The noun phrase after a quantity: up to 4 words, "of the X" continuing it.
 * Returns its end; *person the person noun found, *head_kind a casualty noun
 * ("deaths", "dead", "injuries"). */
static size_t noun_phrase(const struct dni_toks *t, size_t i, const struct noun_class **person, enum kind *head_kind,
                          bool *other_noun)
{
    *person = NULL;
    *head_kind = NONE;
    *other_noun = false;
    size_t j = i;
    for (size_t guard = 0; j < t->n && guard < 6; guard++) {
        if (is_punct_tok(t, j)) break;
        if (dni_tok_is(t, j, "of") && (*person || j == i)) {
            /* "100 members of its security forces", "one of the attackers":
             * the complement names who they were */
            size_t k = j + 1;
            if (dni_tok_in(t, k, (const char *const[]){"the", "its", "their", "his", "them", "whom", "those", NULL})) k++;
            if (dni_tok_in(t, k, killed_words) || dni_tok_in(t, k, injured_words)) {
                /* "two of the injured": a part of a count given elsewhere */
                *person = NULL;
                *other_noun = true;
                return k + 1;
            }
            for (int g = 0; g < 5 && k < t->n && !dni_tok_in(t, k, np_stop) && !dni_tok_in(t, k, killed_words) &&
                            !dni_tok_in(t, k, injured_words);
                 g++, k++) {
                /* "of the Islamic Emirate's security forces": a possessive goes on */
                if (punct_is(t, k, '\'') && dni_tok_is(t, k + 1, "s")) {
                    k++;
                    continue;
                }
                if (is_punct_tok(t, k)) break;
                const struct noun_class *pc = person_noun(t, k);
                if (pc && (!*person || !(*person)->victim)) *person = pc;
            }
            j = k;
            break;
        }
        if (dni_tok_in(t, j, np_stop)) break;
        if (dni_tok_in(t, j, (const char *const[]){"deaths", "dead", "bodies", "fatalities", "lives", NULL})) {
            *head_kind = KILLED;
            return j + 1;
        }
        if (dni_tok_in(t, j, (const char *const[]){"injuries", "wounded", "injured", NULL}) && !*person && j == i) {
            *head_kind = INJURED;
            return j + 1;
        }
        const struct noun_class *pc = person_noun(t, j);
        if (pc) {
            *person = pc;
            j++;
            /* a compound head: "security personnel" → take the last person
             * noun, its number and, unless it has none, its class ("a
             * militant commander" is a militant) */
            const struct noun_class *pc2 = person_noun(t, j);
            if (pc2) {
                const struct noun_class *classed = pc2->victim || !pc->victim ? NULL
                                                   : person_of_class(pc->victim, pc2->singular);
                *person = classed ? classed : pc2;
                j++;
            }
            continue;
        }
        if (*person) break;
        if (dni_tok_in(t, j, killed_words) || dni_tok_in(t, j, injured_words)) break;
        *other_noun = true;
        j++;
    }
    return j;
}

/* After a noun phrase: "and three militants", ", 12 civilians" — more
 * subjects of the same verb. Returns the position after them. */
static size_t skip_conjoined(const struct dni_toks *t, const bool *skip, size_t j)
{
    for (int guard = 0; guard < 3; guard++) {
        if (!(dni_tok_is(t, j, "and") || punct_is(t, j, ','))) break;
        struct quantity q;
        if (!quantity_at(t, skip, j + 1, &q)) break;
        const struct noun_class *pc;
        enum kind hk;
        bool other;
        size_t e = noun_phrase(t, q.end, &pc, &hk, &other);
        if (!pc) break;
        j = e;
    }
    return j;
}

/* One member of a list of persons: "three soldiers", "a child", "women". */
static bool person_item_at(const struct dni_toks *t, const bool *skip, size_t i, size_t *end)
{
    struct quantity q = {0};
    size_t np = quantity_at(t, skip, i, &q) ? q.end : i;
    const struct noun_class *pc;
    enum kind hk;
    bool other;
    size_t e = noun_phrase(t, np, &pc, &hk, &other);
    if (!pc || (np != i && q.article_one && !pc->singular)) return false;
    *end = e;
    return true;
}

/* After the victims, before their verb: ", including three soldiers," or
 * "(among them two children)" names a part of the count just given — the
 * part is not added (its quantity follows "including"/"among", see
 * dni_find_casualties) and must not hide the verb: "12 people, including
 * three soldiers, were killed". Returns the position after the clause, or
 * j when there is none. */
static size_t skip_part_of_count(const struct dni_toks *t, const bool *skip, size_t j)
{
    size_t k = j;
    bool opened = punct_is(t, k, ',') || punct_is(t, k, '(');
    if (opened) k++;
    if (dni_tok_is(t, k, "including")) k++;
    else if (dni_tok_is(t, k, "among") && dni_tok_in(t, k + 1, (const char *const[]){"them", "whom", "those", NULL}))
        k += 2;
    else return j;
    size_t end;
    if (!person_item_at(t, skip, k, &end)) return j;
    /* more members: "three soldiers and a child", "two women, a child" */
    for (int guard = 0; guard < 4; guard++) {
        if (!(dni_tok_is(t, end, "and") || punct_is(t, end, ','))) break;
        size_t more;
        if (!person_item_at(t, skip, end + 1, &more)) break;
        end = more;
    }
    if (opened && (punct_is(t, end, ',') || punct_is(t, end, ')'))) end++;
    return end;
}

static enum kind passive_kind_after(const struct dni_toks *t, size_t j)
{
    for (int guard = 0; guard < 6 && dni_tok_in(t, j, aux_words); guard++) j++;
    enum kind k = NONE;
    if (dni_tok_in(t, j, killed_words)) k = KILLED;
    else if (dni_tok_in(t, j, injured_words)) k = INJURED;
    else if (dni_tok_is(t, j, "lost") &&
             dni_tok_in(t, j + 1, (const char *const[]){"their", "his", "her", NULL}) &&
             dni_tok_in(t, j + 2, (const char *const[]){"lives", "life", NULL}))
        return KILLED;
    else if ((dni_tok_is(t, j, "sustained") || dni_tok_is(t, j, "suffered") || dni_tok_is(t, j, "received")) &&
             dni_tok_in(t, j + 1, (const char *const[]){"injuries", "wounds", NULL}))
        return INJURED;
    if (k == NONE) return NONE;
    /* "nine gunmen killed 148 civilians": the verb has an object, the
     * number before it is the subject, not a casualty count */
    struct dni_number n = dni_number_at(t, j + 1);
    if (n.ntok) return NONE;
    if (dni_tok_in(t, j + 1, (const char *const[]){"at", "more", "over", "up", "about", "nearly", NULL}) &&
        dni_number_at(t, j + 2).ntok)
        return NONE;
    return k;
}

/* Verbs and particles between a toll and its figure: "rose to", "has
 * risen to", "stood at", "is now". */
static const char *const toll_verbs[] = {"rose", "rises", "risen", "climbed", "climbs", "reached", "reaches",
                                         "stood", "stands", "jumped", "jumps", "increased", "increases",
                                         "mounted", "soared", "surged", "hit", "hits", "touched", "gone",
                                         "went", "up", "further", "at", "to", "of", "has", "have", "had",
                                         "been", "is", "was", "now", "already", "reportedly", NULL};
/* Words that open a new clause: a "toll" before them is not the subject of
 * the verb after them. */
static const char *const clause_words[] = {"and", "but", "or", "while", "whereas", "although", "though", "as",
                                           "said", "says", "that", "which", "who", "when", "where", "because",
                                           "if", NULL};

/* Is the quantity at b the figure of a death toll? "the death toll rose to
 * 12", "the toll has risen to 15", and with the toll's event named between
 * the toll and its verb: "the death toll from Monday's bombing in Quetta has
 * risen to 15" (a short phrase opened by a preposition, with no clause
 * break and not about the injured). */
static bool toll_before(const struct dni_toks *t, size_t b)
{
    size_t p = b; /* walks back over the verb chain; the token before is at p - 1 */
    while (p > 0 && b - p < 5 && dni_tok_in(t, p - 1, toll_verbs)) p--;
    if (p > 0 && dni_tok_is(t, p - 1, "toll")) return true;
    if (p == b) return false; /* the phrase needs a verb to end it */
    for (size_t back = 1; back <= 8 && back < p; back++) {
        size_t w = p - back; /* the phrase's first token, once "toll" is before it */
        if (dni_tok_is(t, w - 1, "toll"))
            return dni_tok_in(t, w, (const char *const[]){"from", "in", "of", "after", "following", "at", NULL});
        if ((is_punct_tok(t, w) && !punct_is(t, w, '\'')) || dni_tok_in(t, w, clause_words) ||
            dni_tok_in(t, w, injured_words))
            return false;
    }
    return false;
}

struct acc {
    long best, low, high;
    bool any, low_unknown, high_unknown, vague;
};

static void acc_add(struct acc *a, const struct quantity *q)
{
    if (q->vague) {
        a->vague = true;
        return;
    }
    if (!a->any) *a = (struct acc){0, 0, 0, true, false, false, a->vague};
    a->best += q->best;
    if (q->low < 0) a->low_unknown = true;
    else a->low += q->low;
    if (q->high < 0) a->high_unknown = true;
    else a->high += q->high;
    if (a->best > 100000000) a->best = 100000000;
    if (a->low > 100000000) a->low = 100000000;
    if (a->high > 100000000) a->high = 100000000;
}

static void acc_out(const struct acc *a, struct dn_text_count *c, bool *vague)
{
    *c = (struct dn_text_count){DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN};
    *vague = a->vague && !a->any;
    if (!a->any) return;
    c->best = (int)a->best;
    c->low = a->low_unknown ? DN_COUNT_UNKNOWN : (int)a->low;
    c->high = a->high_unknown ? DN_COUNT_UNKNOWN : (int)a->high;
}

/* "No one was killed", "nobody was hurt", "no casualties" → explicit zero. */
static void zero_counts(const struct dni_toks *t, struct acc *killed, struct acc *injured)
{
    for (size_t i = 0; i < t->n; i++) {
        size_t j = i;
        if (dni_tok_is(t, i, "no") && dni_tok_is(t, i + 1, "one")) j = i + 2;
        else if (dni_tok_is(t, i, "nobody") || dni_tok_is(t, i, "none")) j = i + 1;
        else if (dni_tok_is(t, i, "no")) {
            bool cas = dni_tok_is(t, i + 1, "casualties");
            if (cas || dni_tok_in(t, i + 1, (const char *const[]){"deaths", "fatalities", NULL}))
                if (!killed->any) *killed = (struct acc){0, 0, 0, true, false, false, false};
            if (cas || dni_tok_in(t, i + 1, (const char *const[]){"injuries", NULL}))
                if (!injured->any) *injured = (struct acc){0, 0, 0, true, false, false, false};
            continue;
        } else {
            continue;
        }
        if (dni_tok_is(t, j, "else")) j++; /* "No one else was hurt": none besides */
        enum kind k = passive_kind_after(t, j);
        struct acc *a = k == KILLED ? killed : k == INJURED ? injured : NULL;
        if (a && !a->any) *a = (struct acc){0, 0, 0, true, false, false, false};
    }
}

void dni_find_casualties(const struct dni_toks *t, const bool *skip, struct dni_casualties *out)
{
    struct acc killed = {0}, injured = {0};
    memset(out, 0, sizeof *out);
    out->first_tok = SIZE_MAX;
    size_t prev_end = SIZE_MAX; /* the previous quantity's noun phrase: where a conjoined one starts */
    enum kind prev_kind = NONE;
    bool prev_subset = false;
    for (size_t i = 0; i < t->n;) {
        struct quantity q;
        if (!quantity_at(t, skip, i, &q)) {
            i++;
            continue;
        }
        const struct noun_class *pc;
        enum kind head;
        bool other;
        size_t ne = noun_phrase(t, q.end, &pc, &head, &other);
        if (q.article_one && !(pc && pc->singular)) {
            i++;
            continue;
        }
        if (!pc && head == NONE && other) { /* "2 km", "30 years", "a 32-member group" */
            i = q.end;
            continue;
        }
        size_t b = q.start; /* the token before the quantity is at b - 1 */
        bool conjoined = b > 0 && (dni_tok_is(t, b - 1, "and") || punct_is(t, b - 1, ',')) && prev_end == b - 1;
        /* a part of a count given in the same sentence: "including three
         * soldiers (and a child)", "among them two children" */
        bool subset = b > 0 && (dni_tok_is(t, b - 1, "including") || dni_tok_is(t, b - 1, "among") ||
                                (b > 1 && dni_tok_is(t, b - 2, "including")) ||
                                (b > 1 && dni_tok_is(t, b - 2, "among") &&
                                 dni_tok_in(t, b - 1, (const char *const[]){"them", "whom", "those", NULL})) ||
                                (conjoined && prev_subset));
        enum kind k = NONE;
        if (!subset && b > 0) {
            if (dni_tok_in(t, b - 1, active_killed)) k = KILLED;
            else if (dni_tok_in(t, b - 1, active_injured)) k = INJURED;
            else if (dni_tok_is(t, b - 1, "of") && b > 1 &&
                     dni_tok_in(t, b - 2, (const char *const[]){"deaths", "death", "lives", NULL}))
                k = KILLED;
            else if (b > 1 && dni_tok_is(t, b - 1, "dead") && dni_tok_is(t, b - 2, "shot"))
                k = KILLED;
            else if (dni_tok_is(t, b - 1, "left") || dni_tok_is(t, b - 1, "leaving")) {
                if (dni_tok_in(t, ne, killed_words)) k = KILLED;
                else if (dni_tok_in(t, ne, injured_words)) k = INJURED;
                if (k) ne++;
            } else if (head != NONE) {
                k = head; /* "eight dead and 30 wounded": each noun says which */
            } else if (conjoined && prev_kind != NONE &&
                       !dni_tok_in(t, ne, (const char *const[]){"said", "says", "told", "added", "stated", NULL})) {
                /* "killed six soldiers and two civilians" — unless the
                 * newcomers have a verb of their own: "the toll rose to 12
                 * and 20 others were injured", or are the speaker:
                 * "injuring three children, an official said" */
                enum kind own = passive_kind_after(t, ne);
                k = own != NONE ? own : prev_kind;
            } else if (toll_before(t, b)) {
                k = KILLED;
                out->toll = true;
            }
        }
        if (!subset && k == NONE) {
            if (head != NONE) k = head;
            else if (pc) k = passive_kind_after(t, skip_part_of_count(t, skip, skip_conjoined(t, skip, ne)));
            /* a bare number takes only a verb right after it ("six were
             * killed"): through ", 500 people were killed" the verb is
             * someone else's, and the number may be a year */
            else k = passive_kind_after(t, ne);
        }
        if (k != NONE) {
            acc_add(k == KILLED ? &killed : &injured, &q);
            out->approx |= q.approx;
            if (out->first_tok == SIZE_MAX) {
                out->first_tok = q.start;
                out->victim = pc ? pc->victim : NULL;
            }
            prev_end = ne;
            prev_kind = k;
        } else {
            prev_end = subset ? ne : SIZE_MAX;
            prev_kind = NONE;
        }
        prev_subset = subset;
        i = q.end > i ? q.end : i + 1;
    }
    zero_counts(t, &killed, &injured);
    acc_out(&killed, &out->killed, &out->killed_vague);
    acc_out(&injured, &out->injured, &out->injured_vague);
    /* "nine people, including women and children": the part names who the
     * count's unnamed people were */
    if (out->first_tok != SIZE_MAX && !out->victim)
        for (size_t i = out->first_tok; i + 1 < t->n && !out->victim; i++) {
            if (!dni_tok_is(t, i, "including")) continue;
            struct quantity q;
            size_t np = quantity_at(t, skip, i + 1, &q) ? q.end : i + 1;
            const struct noun_class *pc = person_noun(t, np);
            if (pc && pc->victim) out->victim = pc->victim;
        }
}

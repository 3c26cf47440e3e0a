/** @file extract.c
 * From sentences to events. For each sentence: its dates, casualty counts,
 * event-type triggers, actors and place mentions; then one event at most —
 * the violent trigger of highest priority, else a bare casualty report, else
 * the non-violent development of highest priority. Period totals ("since
 * January", "during the same period") are skipped. An event of the same
 * group as the latest one, with a compatible date, place and counts, is
 * merged into it (a headline and its body; "the ceasefire" referring back),
 * keeping the most informative sentence as the event's span.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text/text_int.h"

#define MAX_TRIGGERS 16
#define MAX_ACTORS 16
#define MAX_DATES 8

struct trigger {
    const struct dni_lex_type *type;
    int form;
    size_t start, end; /* tokens */
    bool goal, fresh;  /* "call for a ceasefire"; "another attack" */
};

struct actor_hit {
    int actor;
    size_t start, end;
};

/* Per-event facts kept until the article is done (actors are rendered last,
 * when the article's main country and armed group are known). */
struct aux {
    const struct dni_lex_type *type;
    const char *group;
    int actor1, actor2;   /* lexicon actor index or -1 */
    const char *victim;   /* victim class from the casualty noun */
    bool trigger;         /* typed by a trigger phrase (not a bare casualty report) */
    int inferred;         /* armed group the sentence's "it"/"the group" most likely is, or -1 */
    int claim;            /* armed group claiming the event, or -1 */
    bool elaboration;     /* adds to the latest violent event: no date, no place of its own */
    bool toll;            /* a death-toll update of the latest violent event */
    bool only_if_merged;  /* vague counts alone: dropped unless they add to an event */
    bool subset;          /* "two officers were among the dead": its counts are part of the event's */
    bool clause;          /* told in a clause of another sentence's ("two days after an assault ...") */
    const char *back_group; /* the group of the incident "the strikes" points back at, NULL: any */
    size_t last_sentence; /* index (1-based) of the latest sentence merged into it */
};

struct state {
    dn_ctx *ctx;
    struct dn_text_article *a;
    const struct dn_text_options *opts;
    const struct dni_lexicon *lex;
    struct dni_toks t;
    char *sbuf;
    size_t sbuf_cap;
    bool *skip;
    size_t skip_cap;
    size_t mentions_cap, events_cap;
    struct aux *aux;
    struct {
        char code[4];
        int n;
    } countries[8];
    int last_group; /* first named armed group of the latest sentence naming one */
    int last_named; /* the first actor of the latest sentence naming any, a speaker too ("its forces") */
    struct dn_text_date anchor; /* the day the story last reached: what "the day before" counts from */
    struct dn_text_date clause_date; /* the own date of the clause read last (the article date when none) */
    bool clause_assumed;             /* ... and it was the article date */
    dn_status status;
};

static bool fail_nomem(struct state *st)
{
    st->status = dni_fail(st->ctx, DN_ERR_NOMEM, "out of memory extracting events from %s", st->a->name);
    return false;
}

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap) return true;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = dn_realloc(*v, c * size);
    if (!p) return false;
    *v = p;
    *cap = c;
    return true;
}

/* ---- word lists ------------------------------------------------------------------- */

static const char *const goal_words[] = {"demand", "demanded", "demands", "demanding", "urged", "urging", "urge",
                                        "seek", "seeking", "sought", "wants", "wanted", "proposed", "possible",
                                        "potential", "prospect", "prospects", "threatened", "threatening",
                                        "threat", "threats", "warned", "warning", "feared", "fears", "planned",
                                        "planning", "plot", "plotted", "foiled", "thwarted", "averted",
                                        "prevent", "prevented", "would", "could", "might", "any", "no",
                                        "avoid", "future", "next", NULL};
static const char *const call_words[] = {"call", "called", "calls", "calling", "push", "pushed", "pushing", "press",
                                         "pressed", "appeal", "appealed", "asked", "ask", "hope", "hoped", "hopes",
                                         "ready", "way", "pave", "paving", "demand", "demanded", "demands", NULL};
static const char *const fresh_words[] = {"another", "second", "separate", "fresh", "new", "third", "latest", NULL};
static const char *const person_obj[] = {"militants", "prisoners", "members", "detainees", "commanders", "fighters",
                                         "men", "captives", "hostages", "people", "soldiers", "personnel",
                                         "officials", "activists", "leaders", "suspects", "women", "children",
                                         "inmates", "workers", "students", "journalists", "civilians", "him",
                                         "them", "her", "abductees", "prisoner", "militant", "commander",
                                         "captive", "hostage", "soldier", NULL};
static const char *const venue_nouns[] = {"mosque", "school", "market", "bazaar", "checkpost", "checkpoint", "station",
                                          "seminary", "madrassa", "madrasa", "hospital", "university", "college",
                                          "church", "shrine", "hotel", "bus", "camp", "base", "compound", "house",
                                          "home", "office", "court", "bank", "convoy", "vehicle", "post", "fort",
                                          "cantonment", "airport", "stadium", "rally", "funeral", "wedding",
                                          "crossing", "gate", "terminal", "imambargah", "jirga", "gathering",
                                          "headquarters", "prison", "jail", "bridge", NULL};

/* Multi-word markers of a period total rather than one incident. */
static const char *const *const aggregate_phrases[] = {
    (const char *const[]){"so", "far", "this", "year", NULL},
    (const char *const[]){"over", "the", "years", NULL},
    (const char *const[]){"in", "recent", "years", NULL},
    (const char *const[]){"in", "recent", "months", NULL},
    (const char *const[]){"this", "same", "period", NULL},
    (const char *const[]){"the", "same", "period", NULL},
    (const char *const[]){"this", "year", "alone", NULL},
    (const char *const[]){"over", "the", "past", NULL},
    (const char *const[]){"over", "the", "last", NULL},
    (const char *const[]){"in", "the", "past", NULL},
    (const char *const[]){"every", "year", NULL},
    (const char *const[]){"each", "year", NULL},
    (const char *const[]){"on", "average", NULL},
    (const char *const[]){"to", "date", NULL},
    (const char *const[]){"since", "the", "beginning", NULL},
};

static bool phrase_at(const struct dni_toks *t, size_t i, const char *const *words)
{
    for (size_t k = 0; words[k]; k++)
        if (!dni_tok_is(t, i + k, words[k])) return false;
    return true;
}

static bool has_word(const struct dni_toks *t, const char *w)
{
    for (size_t i = 0; i < t->n; i++)
        if (dni_tok_is(t, i, w)) return true;
    return false;
}

static bool has_aggregate_phrase(const struct dni_toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        for (size_t p = 0; p < DN_ARRAY_LEN(aggregate_phrases); p++)
            if (phrase_at(t, i, aggregate_phrases[p])) return true;
    return false;
}

/* ---- triggers and actors ----------------------------------------------------------- */

static bool goal_context(const struct dni_toks *t, size_t s)
{
    for (size_t k = 1; k <= 3 && k <= s; k++) {
        size_t j = s - k;
        if (dni_tok_in(t, j, goal_words)) return true;
        if (dni_tok_is(t, j, "for") && j > 0 && dni_tok_in(t, j - 1, call_words)) return true;
        if (t->v[j].flags & DNI_TOK_PUNCT) break;
    }
    return false;
}

static bool fresh_context(const struct dni_toks *t, size_t s)
{
    for (size_t k = 1; k <= 2 && k <= s; k++)
        if (dni_tok_in(t, s - k, fresh_words)) return true;
    return false;
}

static bool person_object(const struct state *st, size_t e)
{
    const struct dni_toks *t = &st->t;
    for (size_t j = e; j < t->n && j < e + 6; j++) {
        if (t->v[j].flags & DNI_TOK_PUNCT) {
            if (t->text[t->v[j].start] != ',') break;
            continue;
        }
        if (dni_tok_in(t, j, person_obj)) return true;
        struct dni_number n = dni_number_at(t, j);
        if (n.ntok && !n.vague) return true;
        struct dni_lex_match m;
        if (dni_lex_match_at(st->lex, 1, t, j, &m)) {
            const char *kind = st->lex->actors[m.p->target].kind;
            if (strcmp(kind, "armed_group") == 0 || strcmp(kind, "militants") == 0) return true;
        }
    }
    return false;
}

/* "12 detained drivers were released": the persons come before a passive verb */
static bool person_subject(const struct state *st, size_t s)
{
    const struct dni_toks *t = &st->t;
    if (!(dni_tok_in(t, s - (s > 0), (const char *const[]){"were", "was", "been", "being", NULL}) && s > 0))
        return false;
    for (size_t k = 2; k <= 6 && k <= s; k++) {
        size_t j = s - k;
        if (dni_tok_in(t, j, person_obj)) return true;
        struct dni_number n = dni_number_at(t, j);
        if (n.ntok && !n.vague) return true;
    }
    return false;
}

static size_t find_triggers(struct state *st, struct trigger *out)
{
    const struct dni_toks *t = &st->t;
    size_t n = 0;
    for (size_t i = 0; i < t->n && n < MAX_TRIGGERS;) {
        struct dni_lex_match m;
        if (!dni_lex_match_at(st->lex, 0, t, i, &m)) {
            i++;
            continue;
        }
        struct trigger tr = {&st->lex->types[m.p->target], m.p->form, m.start, m.end, goal_context(t, m.start),
                             fresh_context(t, m.start)};
        /* "talks would resume": not (yet) an event */
        if (dni_tok_in(t, m.end, (const char *const[]){"would", "will", "could", "might", "may", "should", NULL}))
            tr.goal = true;
        bool ok = true;
        if (tr.form == DNI_FORM_VERB_PERSON || (tr.form == DNI_FORM_SG && strcmp(tr.type->name, "release") == 0))
            ok = person_object(st, m.end) || person_subject(st, m.start);
        if (ok) out[n++] = tr;
        i = m.end;
    }
    return n;
}

/* Whether tokens [start, end) are who reported the news rather than a
 * party to it: "police said", "police officials told reporters", "said
 * police", "according to the army" (a JUI-F rally bombed, "police said",
 * made the police its actor2). */
static bool attribution(const struct dni_toks *t, size_t start, size_t end)
{
    static const char *const speech[] = {"said", "says", "told", "added", "stated", NULL};
    /* "The Afghan Taliban government said": the actor's own office speaks */
    static const char *const speakers[] = {"official", "officials", "sources", "source", "spokesman", "spokesperson",
                                           "officers", "officer", "government", "authorities", "administration",
                                           "ministry", "spokesmen", NULL};
    size_t after = end < t->n && dni_tok_in(t, end, speakers) ? end + 1 : end;
    if (after < t->n && dni_tok_in(t, after, speech)) return true;
    size_t before = start > 0 && dni_tok_in(t, start - 1, (const char *const[]){"the", NULL}) ? start - 1 : start;
    if (before > 0 && dni_tok_in(t, before - 1, speech)) return true;
    return before >= 2 && dni_tok_in(t, before - 2, (const char *const[]){"according", NULL}) &&
           dni_tok_in(t, before - 1, (const char *const[]){"to", NULL});
}

static bool perpetrator_kind(const struct dni_lex_actor *a)
{
    return strcmp(a->kind, "civilians") != 0;
}

/* "Its forces", "their fighters": the armed men of whoever the sentence
 * before named first ("The Afghan Taliban government said ... Its forces
 * then fired"), even as its speaker. */
static bool forces_of_named(const struct dni_toks *t, size_t i)
{
    static const char *const men[] = {"forces", "fighters", "troops", "men", "gunmen", "militants", "soldiers",
                                      "guards", NULL};
    return i + 1 < t->n && dni_tok_in(t, i, (const char *const[]){"its", "their", NULL}) && dni_tok_in(t, i + 1, men);
}

/* The actors of the sentence, in order; *first_named the first actor it
 * names at all, a speaker too (-1: none). */
static size_t find_actors(struct state *st, struct actor_hit *out, int *first_named)
{
    const struct dni_toks *t = &st->t;
    size_t n = 0;
    *first_named = -1;
    for (size_t i = 0; i < t->n && n < MAX_ACTORS;) {
        if (st->last_named >= 0 && forces_of_named(t, i) &&
            perpetrator_kind(&st->lex->actors[st->last_named])) {
            out[n++] = (struct actor_hit){st->last_named, i, i + 2};
            i += 2;
            continue;
        }
        struct dni_lex_match m;
        if (!dni_lex_match_at(st->lex, 1, t, i, &m)) {
            i++;
            continue;
        }
        if (*first_named < 0) *first_named = m.p->target;
        if (attribution(t, m.start, m.end)) {
            i = m.end;
            continue;
        }
        out[n++] = (struct actor_hit){m.p->target, m.start, m.end};
        i = m.end;
    }
    return n;
}

/* Remember the group a later "it" or "the group" most likely refers to: the
 * first named armed group of the latest sentence that names one (usually its
 * subject). Called after the sentence's own event was built. */
static void note_group(struct state *st, const struct actor_hit *ac, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(st->lex->actors[ac[k].actor].kind, "armed_group") == 0) {
            st->last_group = ac[k].actor;
            return;
        }
}

/* Token i, written in capitals ("TPP"), is one letter off a single-word
 * name of `actor` ("ttp"): the same length, one letter changed or two
 * neighbours swapped. */
static bool misspelt_acronym_of(const struct state *st, size_t i, int actor)
{
    const struct dni_toks *t = &st->t;
    size_t n;
    const char *w = dni_tok_lower(t, i, &n);
    if (n < 3 || n > 6) return false;
    for (size_t k = 0; k < n; k++)
        if (t->text[t->v[i].start + k] < 'A' || t->text[t->v[i].start + k] > 'Z') return false;
    for (size_t p = 0; p < st->lex->n_actor_phrases; p++) {
        const struct dni_lex_phrase *ph = &st->lex->actor_phrases[p];
        if (ph->target != actor || ph->nwords != 1 || strlen(ph->words[0]) != n) continue;
        const char *a = ph->words[0];
        size_t first = n, last = 0, diff = 0;
        for (size_t k = 0; k < n; k++)
            if (a[k] != w[k]) {
                diff++;
                if (first == n) first = k;
                last = k;
            }
        if (diff == 1) return true;
        if (diff == 2 && last == first + 1 && a[first] == w[last] && a[last] == w[first]) return true;
    }
    return false;
}

/* Does the sentence point back at the armed group named before it, so that
 * an unclaimed violent event in it is that group's (finish_actors)? "it" as
 * a subject ("it orchestrated an attack"; not "it was not clear"), "the
 * group" or "the outfit", a list of its deeds going on ("Likewise, ...",
 * "Similarly, ..."), or the group's acronym one letter off ("the TPP"
 * after "the TTP"). A sentence that names no one and points at no one is
 * not the last group's just because that group was named before: "police
 * suspect the TTP", then "mortar shells fired from across the border". */
static bool points_back_at_group(const struct state *st)
{
    const struct dni_toks *t = &st->t;
    if (st->last_group < 0) return false;
    static const char *const group_nouns[] = {"group", "outfit", "organisation", "organization", "faction", NULL};
    static const char *const not_agent[] = {"is", "was", "remains", "remained", "appears", "appeared", "seems",
                                            "seemed", "said", "says", "added", "adds", "will", "would", NULL};
    if (dni_tok_in(t, 0, (const char *const[]){"likewise", "similarly", NULL})) return true;
    for (size_t i = 0; i < t->n; i++) {
        /* "It's not clear who ...": the tokens are it ' s */
        bool its = i + 2 < t->n && (t->v[i + 1].flags & DNI_TOK_PUNCT) && t->text[t->v[i + 1].start] == '\'' &&
                   dni_tok_is(t, i + 2, "s");
        if (dni_tok_is(t, i, "it") && !its && !dni_tok_in(t, i + 1, not_agent)) return true;
        if (dni_tok_is(t, i, "the") && (dni_tok_in(t, i + 1, group_nouns) ||
                                        (i + 2 < t->n && !(t->v[i + 1].flags & DNI_TOK_CAP) &&
                                         dni_tok_in(t, i + 2, group_nouns))))
            return true;
        if ((t->v[i].flags & DNI_TOK_CAP) && misspelt_acronym_of(st, i, st->last_group)) return true;
    }
    return false;
}

static bool passive_trigger(const struct dni_toks *t, size_t ts, size_t te)
{
    if (ts > 0 && dni_tok_in(t, ts - 1, (const char *const[]){"was", "were", "been", "being", "is", "are", NULL}))
        return true;
    /* a headline's participle: "Police station attacked in D.I. Khan" (one
     * word; "exchanged fire at" is active) */
    size_t n;
    const char *w = dni_tok_lower(t, ts, &n);
    if (te != ts + 1 || n < 3 || memcmp(w + n - 2, "ed", 2) != 0) return false;
    return te >= t->n || dni_tok_in(t, te, (const char *const[]){"in", "at", "near", "by", "on", NULL});
}

/* actor1 / actor2 of the event whose trigger covers tokens [trig, trig_end). */
static void assign_actors(const struct state *st, const struct actor_hit *ac, size_t n, size_t trig, size_t trig_end,
                          bool verb, int *a1, int *a2)
{
    const struct dni_toks *t = &st->t;
    const struct dni_lex_actor *lex = st->lex->actors;
    *a1 = *a2 = -1;
    /* "between A and B" */
    for (size_t i = 0; i < t->n; i++) {
        if (!dni_tok_is(t, i, "between")) continue;
        size_t k = 0;
        while (k < n && ac[k].start <= i) k++;
        if (k >= n || ac[k].start > i + 4) continue;
        for (size_t j = k + 1; j < n; j++) {
            bool and_between = false;
            for (size_t x = ac[k].end; x < ac[j].start; x++) and_between |= dni_tok_is(t, x, "and");
            if (and_between && ac[j].actor != ac[k].actor && ac[j].start <= ac[k].end + 20) {
                *a1 = ac[k].actor;
                *a2 = ac[j].actor;
                return;
            }
        }
    }
    /* "A suicide bomber blew himself up": the trigger names the perpetrator */
    for (size_t k = 0; k < n; k++)
        if (ac[k].start < trig_end && ac[k].end > trig && perpetrator_kind(&lex[ac[k].actor])) {
            *a1 = ac[k].actor;
            break;
        }
    /* "by A" names the perpetrator */
    for (size_t k = 0; k < n && *a1 < 0; k++) {
        size_t s = ac[k].start;
        bool by = (s >= 1 && dni_tok_is(t, s - 1, "by")) ||
                  (s >= 2 && dni_tok_is(t, s - 2, "by") && dni_tok_in(t, s - 1, (const char *const[]){"the", "a", "an", NULL}));
        if (by && perpetrator_kind(&lex[ac[k].actor])) *a1 = ac[k].actor;
    }
    bool passive = verb && passive_trigger(t, trig, trig_end);
    if (*a1 < 0 && !passive) {
        /* "A and B exchanged fire": both parties before the trigger */
        for (size_t k = 0; k + 1 < n; k++) {
            if (ac[k + 1].end > trig || ac[k].actor == ac[k + 1].actor) continue;
            if (!perpetrator_kind(&lex[ac[k].actor]) || !perpetrator_kind(&lex[ac[k + 1].actor])) continue;
            bool joined = false;
            for (size_t x = ac[k].end; x < ac[k + 1].start && x < ac[k].end + 3; x++) joined |= dni_tok_is(t, x, "and");
            if (joined) {
                *a1 = ac[k].actor;
                *a2 = ac[k + 1].actor;
                return;
            }
        }
        /* the perpetrator before the trigger, nearest to it */
        for (size_t k = 0; k < n; k++)
            if (ac[k].end <= trig && perpetrator_kind(&lex[ac[k].actor])) *a1 = ac[k].actor;
    }
    for (size_t k = 0; k < n; k++) {
        bool before = ac[k].end <= trig, overlaps = ac[k].start < trig_end && ac[k].end > trig;
        if (overlaps || ac[k].actor == *a1 || (before && !passive)) continue;
        *a2 = ac[k].actor;
        break;
    }
}

/* "The TTP claimed the attack", "claimed responsibility": the group that
 * claims it (none after "nobody", "no group", "not"). */
static int claimant(const struct state *st, const struct actor_hit *ac, size_t n)
{
    const struct dni_toks *t = &st->t;
    for (size_t i = 0; i < t->n; i++) {
        if (!dni_tok_in(t, i, (const char *const[]){"claimed", "claims", "claiming", NULL})) continue;
        bool denied = false;
        for (size_t k = 1; k <= 4 && k <= i; k++)
            denied |= dni_tok_in(t, i - k, (const char *const[]){"nobody", "no", "not", "none", "yet", NULL});
        if (denied) return -1;
        int who = -1;
        for (size_t k = 0; k < n; k++)
            if (ac[k].end <= i && strcmp(st->lex->actors[ac[k].actor].kind, "armed_group") == 0) who = ac[k].actor;
        if (who >= 0) return who;
    }
    return -1;
}

/* ---- venue -------------------------------------------------------------------------- */

static bool in_mention(const struct dn_text_mention *m, size_t nm, const struct dni_tok *tk)
{
    for (size_t i = 0; i < nm; i++)
        if (tk->start < m[i].end && tk->end > m[i].start) return true;
    return false;
}

/* "at the Army Public School", "at a mosque": the building or site. */
static char *find_venue(const struct state *st, const struct dn_text_mention *m, size_t nm)
{
    const struct dni_toks *t = &st->t;
    for (size_t i = 0; i + 1 < t->n; i++) {
        if (!dni_tok_in(t, i, (const char *const[]){"at", "inside", "outside", "near", "on", NULL})) continue;
        size_t j = i + 1;
        if (dni_tok_in(t, j, (const char *const[]){"the", "a", "an", NULL})) j++;
        if (j >= t->n) break;
        if ((t->v[j].flags & DNI_TOK_CAP) && !in_mention(m, nm, &t->v[j]) && !dni_tok_is(t, i, "on")) {
            size_t e = j;
            while (e < t->n && e < j + 6 && (t->v[e].flags & DNI_TOK_CAP) && !in_mention(m, nm, &t->v[e])) e++;
            bool venue_word = false;
            for (size_t k = j; k < e; k++) venue_word |= dni_tok_in(t, k, venue_nouns);
            if (venue_word || e - j >= 2) return dn_strndup(t->text + t->v[j].start, t->v[e - 1].end - t->v[j].start);
            continue;
        }
        for (size_t k = j; k < t->n && k < j + 3; k++) {
            if (t->v[k].flags & DNI_TOK_PUNCT) break;
            if (dni_tok_in(t, k, venue_nouns) && !in_mention(m, nm, &t->v[k]))
                return dn_strndup(t->text + t->v[j].start, t->v[k].end - t->v[j].start);
        }
    }
    return NULL;
}

/* ---- mentions ------------------------------------------------------------------------ */

struct smention {
    struct dn_text_mention m;
    size_t ts, te;
};

/* Ask the finder, keep well-formed non-overlapping mentions in order. */
static bool sentence_mentions(struct state *st, size_t len, struct smention *out, size_t *n_out)
{
    *n_out = 0;
    if (!st->opts || !st->opts->finder) return true;
    struct dn_text_mention raw[DN_TEXT_MAX_MENTIONS];
    memset(raw, 0, sizeof raw);
    size_t n = 0;
    dn_status s = st->opts->finder(st->opts->finder_ud, st->sbuf, len, raw, DN_TEXT_MAX_MENTIONS, &n);
    if (s != DN_OK) {
        st->status = s;
        if (dn_ctx_status(st->ctx) != s) dni_fail(st->ctx, s, "%s: the place finder failed", st->a->name);
        return false;
    }
    if (n > DN_TEXT_MAX_MENTIONS) n = DN_TEXT_MAX_MENTIONS;
    /* insertion sort by start, longer first on ties */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && (raw[j].start < raw[j - 1].start ||
                                     (raw[j].start == raw[j - 1].start && raw[j].end > raw[j - 1].end));
             j--) {
            struct dn_text_mention tmp = raw[j];
            raw[j] = raw[j - 1];
            raw[j - 1] = tmp;
        }
    const struct dni_toks *t = &st->t;
    size_t k = 0, last_end = 0;
    for (size_t i = 0; i < n; i++) {
        if (raw[i].start >= raw[i].end || raw[i].end > len || raw[i].start < last_end) continue;
        size_t ts = 0, te;
        while (ts < t->n && t->v[ts].start < raw[i].start) ts++;
        te = ts;
        while (te < t->n && t->v[te].start < raw[i].end) te++;
        if (te == ts) continue;
        out[k] = (struct smention){raw[i], ts, te};
        out[k].m.surface = NULL;
        last_end = raw[i].end;
        k++;
    }
    *n_out = k;
    return true;
}

static void count_country(struct state *st, const char *code)
{
    if (!code[0]) return;
    for (size_t i = 0; i < DN_ARRAY_LEN(st->countries); i++) {
        if (strcmp(st->countries[i].code, code) == 0) {
            st->countries[i].n++;
            return;
        }
        if (!st->countries[i].code[0]) {
            snprintf(st->countries[i].code, sizeof st->countries[i].code, "%s", code);
            st->countries[i].n = 1;
            return;
        }
    }
}

/* ---- events ----------------------------------------------------------------------------- */

static char *excerpt_of(const char *s, size_t len)
{
    if (len <= DN_TEXT_MAX_EXCERPT) return dn_strndup(s, len);
    size_t cut = dn_utf8_floor(s, DN_TEXT_MAX_EXCERPT - 3);
    char *e = dn_malloc(cut + 4);
    if (!e) return NULL;
    memcpy(e, s, cut);
    memcpy(e + cut, "...", 4);
    return e;
}

static bool count_known(const struct dn_text_count *c) { return c->best != DN_COUNT_UNKNOWN; }

static bool counts_compatible(const struct dn_text_count *a, const struct dn_text_count *b)
{
    return !count_known(a) || !count_known(b) || a->best == b->best;
}

static double confidence(const struct dn_text_event *e, bool trigger, const struct aux *x)
{
    double c = e->violent ? 0.45 : 0.40;
    if (trigger) c += 0.15;
    if (e->date_basis != DN_TEXT_BASIS_ASSUMED) c += 0.15;
    if (e->place >= 0) c += (e->flags & DN_TEXT_F_PLACE_COARSE) ? 0.05 : 0.15;
    if (x->actor1 >= 0 && !(e->flags & DN_TEXT_F_ACTOR_INFERRED)) c += 0.05;
    if (e->violent && (count_known(&e->killed) || count_known(&e->injured))) c += 0.05;
    if (e->flags & DN_TEXT_F_DATE_APPROX) c -= 0.05;
    if (e->flags & DN_TEXT_F_COUNT_VAGUE) c -= 0.05;
    if (c < 0.05) c = 0.05;
    if (c > 0.95) c = 0.95;
    return c;
}

static int info_score(const struct dn_text_event *e)
{
    int s = 0;
    if (e->place >= 0 && !(e->flags & DN_TEXT_F_PLACE_COARSE)) s += 2;
    if (e->date_basis != DN_TEXT_BASIS_ASSUMED) s += 1;
    if (count_known(&e->killed) || count_known(&e->injured)) s += 2;
    return s;
}

static void free_event(struct dn_text_event *e)
{
    dn_free(e->excerpt);
    dn_free(e->venue);
    e->excerpt = e->venue = NULL;
}

static void fill_count(struct dn_text_count *dst, const struct dn_text_count *src)
{
    if (!count_known(dst) && count_known(src)) *dst = *src;
}

static bool same_name(const char *a, const char *b) { return a && b && strcasecmp(a, b) == 0; }

/* Whether mention `inner` lies in the country, district or province `outer`
 * names: a headline's "North Waziristan" and its lead's "Mir Ali"; strikes
 * "inside Afghanistan" that "hit homes in Khost". */
static bool mention_within(const struct dn_text_mention *outer, const struct dn_text_mention *inner)
{
    if (strcmp(outer->country, inner->country) != 0 || inner->specificity <= outer->specificity) return false;
    if (outer->kind == DN_TEXT_PLACE_COUNTRY) return true;
    if (outer->kind == DN_TEXT_PLACE_DISTRICT) return same_name(outer->district, inner->district);
    if (outer->kind == DN_TEXT_PLACE_PROVINCE) return same_name(outer->province, inner->province);
    return false;
}

/* Whether two mentions name one district or province through two records
 * of the gazetteer (an admin area and GeoNames' entry for it). */
static bool same_area(const struct dn_text_mention *a, const struct dn_text_mention *b)
{
    if (a->kind != b->kind || strcmp(a->country, b->country) != 0) return false;
    if (a->kind == DN_TEXT_PLACE_DISTRICT) return same_name(a->district, b->district);
    if (a->kind == DN_TEXT_PLACE_PROVINCE) return same_name(a->province, b->province);
    return false;
}

/* Whether two mentions of one article name one place, if through two
 * records of the gazetteer: a name written the same way twice is one place
 * in one story, where a headline, read without its lead's context, took
 * another source's record of the town (a headline's "Parachinar" and its
 * lead's, 80 m apart) or the namesake across the border ("Torkham"). */
static bool same_place(const struct dn_text_mention *a, const struct dn_text_mention *b)
{
    return a->place_id == b->place_id || (a->kind == b->kind && same_name(a->surface, b->surface));
}

/* The type group of the incident a sentence points back at by name: the
 * lexicon's for "the blast", "the clashes"; air strikes for "the strikes"
 * (no trigger alone: a strike may be a workers'). NULL when the noun names
 * no type ("the incident", "the fighting"), any incident ("the attack",
 * "the raid") or nothing points back. */
static const char *back_group(const struct state *st)
{
    const struct dni_toks *t = &st->t;
    for (size_t i = 0; i + 1 < t->n; i++) {
        if (!dni_tok_is(t, i, "the")) continue;
        if (dni_tok_in(t, i + 1, (const char *const[]){"strike", "strikes", NULL})) {
            int k = dni_lex_type_index(st->lex, "drone_strike");
            if (k >= 0) return st->lex->types[k].group;
            continue;
        }
        struct dni_lex_match m;
        if (dni_lex_match_at(st->lex, 0, t, i + 1, &m) && m.end == i + 2 && m.p->form < DNI_FORM_VERB &&
            strcmp(st->lex->types[m.p->target].name, "attack") != 0) /* any incident is an attack */
            return st->lex->types[m.p->target].group;
    }
    return NULL;
}

/* "two women were also wounded in the attack", "All six attackers were
 * killed in the fighting": a sentence that points back at the incident
 * just told ("the attack", "the strikes", "also") adds to it rather than
 * reports another. */
static bool refers_back(const struct dni_toks *t)
{
    static const char *const nouns[] = {"attack", "attacks", "strike", "strikes", "blast", "explosion", "bombing",
                                        "ambush", "raid", "raids", "assault", "incident", "shelling", "operation",
                                        "clash", "clashes", "firing", "fighting", "gunfight", "firefight",
                                        "exchange", "encounter", "shootout", "gunbattle", NULL};
    for (size_t i = 0; i < t->n; i++) {
        if (dni_tok_in(t, i, (const char *const[]){"also", NULL})) return true;
        if (i + 1 < t->n && dni_tok_in(t, i, (const char *const[]){"the", NULL}) && dni_tok_in(t, i + 1, nouns))
            return true;
    }
    return false;
}

/* Whether the dead of elaboration `c` are others than those `e` counted
 * ("killing seven soldiers", then "All six attackers were killed"): another
 * class of victim, and not told as a part ("two officers were among the
 * dead"). */
static bool adds_victims(const struct dn_text_event *c, const struct aux *cx, const struct dn_text_event *e,
                         const struct aux *ex)
{
    return cx->elaboration && !cx->subset && count_known(&c->killed) && count_known(&e->killed) && cx->victim &&
           ex->victim && strcmp(cx->victim, ex->victim) != 0;
}

/* Whether event `c` (facts `cx`) can tell more about event `e` (`ex`): their
 * dates, places and counts do not contradict one another. */
static bool compatible(const struct state *st, const struct dn_text_event *c, const struct aux *cx,
                       const struct dn_text_event *e, const struct aux *ex)
{
    const struct dn_text_article *a = st->a;
    bool dates = cx->toll || c->date_basis == DN_TEXT_BASIS_ASSUMED || e->date_basis == DN_TEXT_BASIS_ASSUMED ||
                 (c->date.precision == e->date.precision && dni_date_cmp(&c->date, &e->date) == 0);
    bool places = c->place < 0 || e->place < 0 || same_place(&a->mentions[c->place], &a->mentions[e->place]) ||
                  same_area(&a->mentions[c->place], &a->mentions[e->place]) ||
                  mention_within(&a->mentions[c->place], &a->mentions[e->place]) ||
                  mention_within(&a->mentions[e->place], &a->mentions[c->place]);
    bool counts = cx->toll || adds_victims(c, cx, e, ex) ||
                  (counts_compatible(&c->killed, &e->killed) && counts_compatible(&c->injured, &e->injured));
    return dates && places && counts;
}

/* Take c's place when e has none or c's lies inside e's ("in Afghanistan",
 * then "in Khost province"). */
static void narrow_place(struct dn_text_article *a, struct dn_text_event *e, const struct dn_text_event *c)
{
    if (c->place < 0 || (e->place >= 0 && !mention_within(&a->mentions[e->place], &a->mentions[c->place]))) return;
    if (e->place >= 0) a->mentions[e->place].event = -1;
    e->place = c->place;
    e->flags &= ~(DN_TEXT_F_NO_PLACE | DN_TEXT_F_PLACE_COARSE);
    e->flags |= c->flags & DN_TEXT_F_PLACE_COARSE;
}

static void add_count(struct dn_text_count *dst, const struct dn_text_count *src)
{
    int *d[] = {&dst->best, &dst->low, &dst->high};
    const int *s[] = {&src->best, &src->low, &src->high};
    for (size_t i = 0; i < 3; i++)
        if (*d[i] != DN_COUNT_UNKNOWN) *d[i] += *s[i] != DN_COUNT_UNKNOWN ? *s[i] : src->best;
}

/* "militants": an armed group a later sentence may name ("the strikes
 * targeted the Hafiz Gul Bahadur group"). */
static bool unnamed_group(const struct state *st, int actor)
{
    return strcmp(st->lex->actors[actor].kind, "militants") == 0;
}

/* Merge `c` into the latest event it can be part of: of its group (a
 * headline and its body, "the ceasefire" referring back), or, for a sentence
 * that only elaborates (no date or place of its own, or "the strikes"
 * pointing back) or updates the death toll, the violent event told last that
 * it fits. */
static bool try_merge(struct state *st, struct dn_text_event *c, struct aux *cx, bool fresh)
{
    struct dn_text_article *a = st->a;
    if (fresh) return false;
    bool any_violent = c->violent && (cx->elaboration || cx->toll);
    size_t k = a->n_events;
    if (any_violent) {
        /* the incident told last (a sentence may tell two: "... two days
         * after an assault ...") that this one fits, at most three sentences
         * back */
        for (int pass = cx->back_group ? 0 : 1; pass < 2 && k == a->n_events; pass++)
            for (size_t j = 0; j < a->n_events; j++) {
                if (!a->events[j].violent || st->aux[j].last_sentence + 3 < a->n_sentences) continue;
                /* "the strikes ..." first seeks the strikes, then whatever fits */
                if (pass == 0 && strcmp(st->aux[j].group, cx->back_group) != 0) continue;
                if (!compatible(st, c, cx, &a->events[j], &st->aux[j])) continue;
                if (k == a->n_events || st->aux[j].last_sentence >= st->aux[k].last_sentence) k = j;
            }
        if (k == a->n_events) return false;
    } else {
        /* only the latest event of its group can be referred back to */
        while (k > 0 && strcmp(st->aux[k - 1].group, cx->group) != 0) k--;
        if (k-- == 0 || !compatible(st, c, cx, &a->events[k], &st->aux[k])) return false;
    }
    struct dn_text_event *e = &a->events[k];
    struct aux *ex = &st->aux[k];
    if (cx->claim >= 0) {
        ex->actor1 = cx->claim;
        e->flags &= ~DN_TEXT_F_ACTOR_INFERRED;
    }
    if (!e->venue) {
        e->venue = c->venue;
        c->venue = NULL;
    }
    e->flags |= c->flags & (DN_TEXT_F_COUNT_VAGUE | DN_TEXT_F_COUNT_APPROX);
    if (cx->toll) {
        if (count_known(&c->killed) && (!count_known(&e->killed) || c->killed.best > e->killed.best))
            e->killed = c->killed;
        fill_count(&e->injured, &c->injured);
    } else if (any_violent) {
        /* ACLED counts every death of an incident, its attackers' too:
         * "killing seven soldiers ... All six attackers were killed" is 13 */
        if (adds_victims(c, cx, e, ex)) add_count(&e->killed, &c->killed);
        else fill_count(&e->killed, &c->killed);
        fill_count(&e->injured, &c->injured);
        narrow_place(a, e, c);
        if (ex->actor2 < 0 || (cx->actor2 >= 0 && unnamed_group(st, ex->actor2) &&
                               strcmp(st->lex->actors[cx->actor2].kind, "armed_group") == 0))
            ex->actor2 = cx->actor2;
        if (!ex->victim) ex->victim = cx->victim;
    } else {
        bool better = info_score(c) - cx->clause > info_score(e) - ex->clause;
        if (e->date_basis == DN_TEXT_BASIS_ASSUMED && c->date_basis != DN_TEXT_BASIS_ASSUMED) {
            e->date = c->date;
            e->date_basis = c->date_basis;
            e->flags &= ~DN_TEXT_F_DATE_ASSUMED;
            e->flags |= c->flags & DN_TEXT_F_DATE_APPROX;
        }
        /* no place yet, or one the new sentence narrows down */
        narrow_place(a, e, c);
        if (better) { /* the more informative sentence gives the counts and parties */
            /* and, for the same name, the reading its context chose */
            if (c->place >= 0 && e->place >= 0 && c->place != e->place &&
                same_name(a->mentions[c->place].surface, a->mentions[e->place].surface)) {
                a->mentions[e->place].event = -1;
                e->place = c->place;
            }
            if (count_known(&c->killed)) e->killed = c->killed;
            if (count_known(&c->injured)) e->injured = c->injured;
            if (cx->actor1 >= 0 && ex->claim < 0) ex->actor1 = cx->actor1;
            if (cx->actor2 >= 0) ex->actor2 = cx->actor2;
            if (cx->victim) ex->victim = cx->victim;
            char *tmp = e->excerpt; /* and becomes the event's span */
            e->excerpt = c->excerpt;
            c->excerpt = tmp;
            e->clean_start = c->clean_start, e->clean_end = c->clean_end;
            e->span_start = c->span_start, e->span_end = c->span_end;
            ex->clause = cx->clause;
        } else {
            fill_count(&e->killed, &c->killed);
            fill_count(&e->injured, &c->injured);
            if (ex->actor1 < 0) ex->actor1 = cx->actor1;
            if (ex->actor2 < 0) ex->actor2 = cx->actor2;
            if (!ex->victim) ex->victim = cx->victim;
        }
        if (cx->type->priority > ex->type->priority) { /* "talks" that turn out a "ceasefire" */
            ex->type = cx->type;
            e->type = c->type;
        }
        if (ex->inferred < 0) ex->inferred = cx->inferred;
        ex->trigger |= cx->trigger;
    }
    if (cx->claim >= 0) ex->claim = cx->claim;
    ex->last_sentence = a->n_sentences;
    e->sentences++;
    e->flags |= DN_TEXT_F_MERGED;
    if (e->place >= 0) a->mentions[e->place].event = (int)k;
    free_event(c);
    return true;
}

static bool push_event(struct state *st, struct dn_text_event *c, struct aux *cx)
{
    struct dn_text_article *a = st->a;
    size_t cap = st->events_cap;
    if (!grow((void **)&a->events, &st->events_cap, a->n_events, sizeof *a->events)) return false;
    if (!grow((void **)&st->aux, &cap, a->n_events, sizeof *st->aux)) return false;
    a->events[a->n_events] = *c;
    st->aux[a->n_events] = *cx;
    if (c->place >= 0) a->mentions[c->place].event = (int)a->n_events;
    a->n_events++;
    return true;
}

/* "No casualties were reported.", "Nobody was hurt.": a sentence that tells
 * only zeros tells them of the violent incident of the sentence before (or
 * of its own first clause), where that had no count of its own. */
static void none_reported(struct state *st, const struct dni_casualties *cas)
{
    struct dn_text_article *a = st->a;
    bool zero_killed = count_known(&cas->killed) && cas->killed.best == 0;
    bool zero_injured = count_known(&cas->injured) && cas->injured.best == 0;
    if (!zero_killed && !zero_injured) return;
    for (size_t k = a->n_events; k-- > 0;) {
        if (st->aux[k].last_sentence + 1 < a->n_sentences) return;
        struct dn_text_event *e = &a->events[k];
        if (!e->violent) continue;
        if (zero_killed && !count_known(&e->killed)) e->killed = cas->killed;
        if (zero_injured && !count_known(&e->injured)) e->injured = cas->injured;
        return;
    }
}

/* "Its forces then fired ...": a sentence without a date of its own that
 * goes on from the incident told last ("then", not "since then", "by
 * then" or "the then governor"; "hours later", "shortly afterwards")
 * happened on its day. The index of that event, when its date is known;
 * -1 otherwise. */
static long event_it_follows(const struct state *st)
{
    const struct dni_toks *t = &st->t;
    bool then = false;
    for (size_t i = 0; i < t->n && !then; i++)
        then = dni_tok_is(t, i, "then") &&
               !(i > 0 && dni_tok_in(t, i - 1, (const char *const[]){"since", "by", "until", "till", "from", "back",
                                                                     "than", "the", NULL})); /* "the then governor" */
    /* "Hours later, ...", "Minutes later", "Shortly afterwards": that day too */
    for (size_t i = 0; i + 1 < t->n && !then; i++)
        then = (dni_tok_in(t, i, (const char *const[]){"hours", "minutes", "moments", NULL}) &&
                dni_tok_is(t, i + 1, "later")) ||
               (dni_tok_is(t, i, "shortly") &&
                dni_tok_in(t, i + 1, (const char *const[]){"after", "afterwards", "afterward", "later", NULL}));
    if (!then) return -1;
    const struct dn_text_article *a = st->a;
    long latest = -1;
    for (size_t k = 0; k < a->n_events; k++)
        if (latest < 0 || st->aux[k].last_sentence >= st->aux[latest].last_sentence) latest = (long)k;
    return latest >= 0 && a->events[latest].date_basis != DN_TEXT_BASIS_ASSUMED ? latest : -1;
}

/* "..., two days after an assault on an army post killed seven soldiers":
 * "N days after" followed by a clause of its own (three words or more)
 * tells an earlier incident, N days before the sentence's own day. Not
 * when the date rules took it ("two days after the attack" counts from the
 * story's day). Sets the count's token, the token after "after", and N. */
static bool days_after(const struct state *st, size_t *at, size_t *sub, long *days)
{
    const struct dni_toks *t = &st->t;
    for (size_t j = 2; j + 3 < t->n; j++) {
        if (!dni_tok_is(t, j, "after") || !dni_tok_in(t, j - 1, (const char *const[]){"day", "days", NULL})) continue;
        size_t i = j - 2;
        long n = 0;
        if (dni_tok_in(t, i, (const char *const[]){"a", "an", NULL})) {
            n = 1;
        } else {
            /* the count may be two words ("twenty one") */
            for (size_t k = i + 1; k-- > 0 && k + 2 >= i;) {
                struct dni_number num = dni_number_at(t, k);
                if (num.ntok && k + num.ntok == j - 1 && !num.vague && num.value > 0 && num.value <= 31) {
                    n = num.value, i = k;
                    break;
                }
            }
        }
        if (!n || st->skip[i]) continue;
        size_t words = 0;
        for (size_t k = j + 1; k < t->n && !(t->v[k].flags & DNI_TOK_PUNCT); k++) words++;
        if (words < 3) continue;
        *at = i, *sub = j + 1, *days = n;
        return true;
    }
    return false;
}

/* The span [s, e) of the article's text without spaces and commas at its ends. */
static void trim_clause(const char *text, size_t *s, size_t *e)
{
    while (*s < *e && (text[*s] == ' ' || text[*s] == ',')) (*s)++;
    while (*e > *s && (text[*e - 1] == ' ' || text[*e - 1] == ',')) (*e)--;
}

/* How a clause is read: a whole sentence, the main clause of a sentence
 * that was split, or a clause telling an earlier incident with the date it
 * gets when it names none. */
struct clause_mode {
    bool split_done;
    const struct dn_text_date *date; /* NULL: not a subordinate clause */
    bool date_assumed;
};

static bool read_clause(struct state *st, size_t s, size_t e, const struct clause_mode *mode);

static bool on_sentence(void *ud, size_t s, size_t e)
{
    struct state *st = ud;
    st->a->n_sentences++;
    return read_clause(st, s, e, &(struct clause_mode){false, NULL, false});
}

/* Read a sentence "MAIN, N days after SUB" or "N days after SUB, MAIN" as
 * its two clauses: MAIN first, for SUB is dated from MAIN's day. */
static bool read_split(struct state *st, size_t s, size_t e, size_t at, size_t sub, long days)
{
    const struct dni_toks *t = &st->t;
    size_t ms, me, ss, se;
    if (at == 0) {
        size_t comma = sub;
        while (comma < t->n && !((t->v[comma].flags & DNI_TOK_PUNCT) && t->text[t->v[comma].start] == ',')) comma++;
        if (comma >= t->n) return false;
        ss = s + t->v[sub].start, se = s + t->v[comma].start;
        ms = s + t->v[comma].end, me = e;
    } else {
        ms = s, me = s + t->v[at].start;
        ss = s + t->v[sub].start, se = e;
    }
    trim_clause(st->a->text, &ms, &me);
    trim_clause(st->a->text, &ss, &se);
    if (ms >= me || ss >= se) return false;
    if (!read_clause(st, ms, me, &(struct clause_mode){true, NULL, false})) return false;
    struct dn_text_date d = {0, 0, 0, DN_DATE_UNKNOWN, false};
    if (st->clause_date.precision == DN_DATE_DAY) {
        long z = dni_days_from_civil(st->clause_date.year, st->clause_date.month, st->clause_date.day) - days;
        d.precision = DN_DATE_DAY;
        dni_civil_from_days(z, &d.year, &d.month, &d.day);
    }
    return read_clause(st, ss, se, &(struct clause_mode){true, &d, st->clause_assumed});
}

static bool read_clause(struct state *st, size_t s, size_t e, const struct clause_mode *mode)
{
    struct dn_text_article *a = st->a;
    size_t len = e - s;
    if (len + 1 > st->sbuf_cap) {
        char *b = dn_realloc(st->sbuf, len + 1);
        if (!b) return fail_nomem(st);
        st->sbuf = b;
        st->sbuf_cap = len + 1;
    }
    memcpy(st->sbuf, a->text + s, len);
    st->sbuf[len] = '\0';
    struct dni_toks *t = &st->t;
    if (!dni_tokenize(t, st->sbuf, len)) return fail_nomem(st);
    if (t->n == 0) return true;
    if (t->n > st->skip_cap) {
        bool *sk = dn_realloc(st->skip, t->n * sizeof *sk);
        if (!sk) return fail_nomem(st);
        st->skip = sk;
        st->skip_cap = t->n;
    }
    memset(st->skip, 0, t->n * sizeof *st->skip);

    /* dates */
    struct dni_date_expr dates[MAX_DATES];
    size_t nd = dni_find_dates(t, &a->date, &st->anchor, dates, MAX_DATES);
    bool since = false;
    size_t kept = 0;
    for (size_t i = 0; i < nd; i++) {
        for (size_t k = dates[i].tok_start; k < dates[i].tok_end && k < t->n; k++) st->skip[k] = true;
        /* a lead that starts with the wire's dateline dates the filing: "on
         * Tuesday" after it is the event's date, resolved against it */
        if (dni_date_is_dateline(t, &dates[i])) continue;
        since |= (dates[i].flags & DNI_DATE_SINCE) != 0;
        dates[kept++] = dates[i];
    }
    nd = kept;
    if (!mode->split_done) {
        size_t at, sub;
        long days;
        if (days_after(st, &at, &sub, &days)) {
            bool done = read_split(st, s, e, at, sub, days);
            if (done || st->status != DN_OK) return st->status == DN_OK;
            /* no clause to split off: read the sentence whole (the tokens were replaced) */
            return read_clause(st, s, e, &(struct clause_mode){true, NULL, false});
        }
    }
    /* a subordinate clause without a date of its own has the one its
     * sentence gives it */
    if (mode->date && !mode->date_assumed && nd == 0)
        dates[nd++] = (struct dni_date_expr){*mode->date, DNI_DATE_RELATIVE, 0, 0};
    /* the story moves to this sentence's day, whether or not it reports an
     * event; after a month, a year or "last week" no day is known to count
     * from. An earlier incident told in a clause does not move it. */
    st->clause_date = a->date;
    st->clause_assumed = true;
    for (size_t i = 0; i < nd; i++) {
        if (dates[i].flags & (DNI_DATE_SINCE | DNI_DATE_UNTIL)) continue;
        if (!mode->date) st->anchor = dates[i].date;
        st->clause_date = dates[i].date;
        st->clause_assumed = false;
        break;
    }

    /* place mentions (every one goes into the article's list) */
    struct smention sm[DN_TEXT_MAX_MENTIONS];
    size_t nm = 0;
    if (!sentence_mentions(st, len, sm, &nm)) return false;
    struct dn_text_mention local[DN_TEXT_MAX_MENTIONS];
    enum dni_place_role roles[DN_TEXT_MAX_MENTIONS];
    size_t base = a->n_mentions;
    for (size_t i = 0; i < nm; i++) {
        local[i] = sm[i].m;
        roles[i] = dni_place_role(t, sm[i].ts, sm[i].te);
        if (!grow((void **)&a->mentions, &st->mentions_cap, a->n_mentions, sizeof *a->mentions))
            return fail_nomem(st);
        struct dn_text_mention *am = &a->mentions[a->n_mentions];
        *am = sm[i].m;
        am->start = s + sm[i].m.start;
        am->end = s + sm[i].m.end;
        am->surface = dn_strndup(st->sbuf + sm[i].m.start, sm[i].m.end - sm[i].m.start);
        if (!am->surface) return fail_nomem(st);
        dni_text_map_span(a->map, am->start, am->end, &am->orig_start, &am->orig_end);
        am->locus = roles[i] == DNI_ROLE_LOCUS;
        am->event = -1;
        a->n_mentions++;
        count_country(st, am->country);
    }

    /* triggers, casualties, actors */
    struct trigger trig[MAX_TRIGGERS];
    size_t nt = find_triggers(st, trig);
    struct dni_casualties cas;
    dni_find_casualties(t, st->skip, &cas);
    struct actor_hit actors[MAX_ACTORS];
    int first_named;
    size_t na = find_actors(st, actors, &first_named);
    if (first_named >= 0) st->last_named = first_named;
    bool definite = (count_known(&cas.killed) && cas.killed.best > 0) || (count_known(&cas.injured) && cas.injured.best > 0);
    /* a day: "attacks in Bannu on Monday" are that day's; "attacks in
     * Khyber Pakhtunkhwa this year" are a trend, not an incident */
    bool explicit_day = false;
    for (size_t i = 0; i < nd; i++)
        explicit_day |= !(dates[i].flags & (DNI_DATE_SINCE | DNI_DATE_UNTIL)) && dates[i].date.precision == DN_DATE_DAY;
    bool locus_place = false;
    for (size_t i = 0; i < nm; i++) locus_place |= roles[i] == DNI_ROLE_LOCUS;

    const struct trigger *best = NULL;
    bool singular = false;
    for (size_t i = 0; i < nt; i++) {
        const struct trigger *tr = &trig[i];
        if (tr->goal || !tr->type->violent) continue;
        bool counted = tr->start > 0 && dni_number_at(t, tr->start - 1).ntok && !dni_number_at(t, tr->start - 1).vague;
        if (tr->form == DNI_FORM_PL && !(counted || definite || (explicit_day && locus_place))) continue;
        singular |= tr->form != DNI_FORM_PL;
        if (!best || tr->type->priority > best->type->priority) best = tr;
    }
    const struct dni_lex_type *type = best ? best->type : NULL;
    bool from_trigger = best != NULL;
    bool vague_only = !definite && (cas.killed_vague || cas.injured_vague);
    if (!type && (definite || vague_only || cas.toll)) {
        int k = dni_lex_type_index(st->lex, "attack");
        if (k >= 0) type = &st->lex->types[k];
    }
    if (!type) {
        for (size_t i = 0; i < nt; i++) {
            const struct trigger *tr = &trig[i];
            if (tr->goal || tr->type->violent) continue;
            singular |= tr->form != DNI_FORM_PL;
            if (!best || tr->type->priority > best->type->priority) best = tr;
        }
        type = best ? best->type : NULL;
        from_trigger = best != NULL;
    }
    if (!type) {
        none_reported(st, &cas);
        note_group(st, actors, na);
        return true;
    }
    if ((since || has_aggregate_phrase(t)) && !singular) {
        a->n_skipped_aggregate++;
        note_group(st, actors, na);
        return true;
    }

    struct dn_text_event ev = {0};
    struct aux x = {type, type->group, -1, -1, NULL, from_trigger, points_back_at_group(st) ? st->last_group : -1,
                    claimant(st, actors, na),
                    false, cas.toll && !from_trigger, !from_trigger && vague_only,
                    has_word(t, "among"),
                    mode->date != NULL, back_group(st), a->n_sentences};
    ev.type = type->name;
    ev.violent = type->violent;
    ev.place = -1;
    ev.sentences = 1;
    ev.killed = ev.injured = (struct dn_text_count){DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN, DN_COUNT_UNKNOWN};
    /* date: the first that is neither a period start nor a limit */
    ev.date_basis = DN_TEXT_BASIS_ASSUMED;
    for (size_t i = 0; i < nd; i++) {
        if (dates[i].flags & (DNI_DATE_SINCE | DNI_DATE_UNTIL)) continue;
        ev.date = dates[i].date;
        ev.date_basis = (dates[i].flags & DNI_DATE_RELATIVE) ? DN_TEXT_BASIS_RELATIVE : DN_TEXT_BASIS_EXPLICIT;
        if (ev.date.approx) ev.flags |= DN_TEXT_F_DATE_APPROX;
        break;
    }
    long before = ev.date_basis == DN_TEXT_BASIS_ASSUMED && !mode->date ? event_it_follows(st) : -1;
    if (before >= 0) {
        ev.date = a->events[before].date;
        ev.date_basis = DN_TEXT_BASIS_RELATIVE;
        ev.flags |= a->events[before].flags & DN_TEXT_F_DATE_APPROX;
    } else if (ev.date_basis == DN_TEXT_BASIS_ASSUMED) {
        ev.date = mode->date ? *mode->date : a->date; /* unknown when the article date is */
        ev.flags |= DN_TEXT_F_DATE_ASSUMED;
    }
    if (ev.violent) {
        ev.killed = cas.killed;
        ev.injured = cas.injured;
        if (cas.killed_vague || cas.injured_vague) ev.flags |= DN_TEXT_F_COUNT_VAGUE;
        if (cas.approx) ev.flags |= DN_TEXT_F_COUNT_APPROX;
        x.victim = cas.victim;
    }
    bool coarse = false;
    int pi = dni_place_choose(local, roles, nm, &coarse);
    if (pi >= 0) {
        ev.place = (int)(base + (size_t)pi);
        if (coarse) ev.flags |= DN_TEXT_F_PLACE_COARSE;
    } else {
        ev.flags |= DN_TEXT_F_NO_PLACE;
    }
    size_t trig_tok = best ? best->start : (cas.first_tok != SIZE_MAX ? cas.first_tok : 0);
    size_t trig_end = best ? best->end : trig_tok;
    bool verb = best && best->form >= DNI_FORM_VERB;
    assign_actors(st, actors, na, trig_tok, trig_end, verb, &x.actor1, &x.actor2);
    if (x.claim >= 0) x.actor1 = x.claim;
    /* a violent sentence without a place or counts of its own, or a bare
     * casualty report without a date or place, tells more about the event
     * just reported */
    x.elaboration = ev.violent && ((ev.place < 0 && ((!count_known(&ev.killed) && !count_known(&ev.injured)) ||
                                                     (ev.date_basis == DN_TEXT_BASIS_ASSUMED &&
                                                      (!from_trigger || refers_back(t))))) ||
                                   /* "the strikes on Monday hit homes in Khost": counts without a
                                    * trigger of their own, pointing back */
                                   (!from_trigger && refers_back(t)));
    /* "In a separate incident", "In another attack" open a new event */
    bool fresh = best && best->fresh;
    for (size_t i = 0; i + 1 < t->n && i < 4; i++)
        fresh |= dni_tok_in(t, i, fresh_words) &&
                 dni_tok_in(t, i + 1, (const char *const[]){"incident", "attack", "blast", "strike", "clash",
                                                             "case", "development", "bombing", NULL});
    ev.venue = find_venue(st, local, nm);
    ev.clean_start = s;
    ev.clean_end = e;
    dni_text_map_span(a->map, s, e, &ev.span_start, &ev.span_end);
    ev.excerpt = excerpt_of(st->sbuf, len);
    if (!ev.excerpt) {
        free_event(&ev);
        return fail_nomem(st);
    }
    note_group(st, actors, na);
    if (try_merge(st, &ev, &x, fresh)) return true;
    if (x.only_if_merged) {
        free_event(&ev);
        return true;
    }
    if (!push_event(st, &ev, &x)) {
        free_event(&ev);
        return fail_nomem(st);
    }
    return true;
}

/* ---- rendering actors ----------------------------------------------------------------- */

static const char *demonym(const char *code)
{
    static const char *const map[][2] = {{"PAK", "Pakistani"}, {"AFG", "Afghan"}, {"IRN", "Iranian"},
                                         {"IND", "Indian"},    {"CHN", "Chinese"}, {"USA", "US"}};
    for (size_t i = 0; i < DN_ARRAY_LEN(map); i++)
        if (strcmp(map[i][0], code) == 0) return map[i][1];
    return NULL;
}

static void render_generic(const char *base, const char *country, char *out, size_t cap)
{
    const char *dem = country ? demonym(country) : NULL;
    if (dem) snprintf(out, cap, "%s %s", dem, base);
    else snprintf(out, cap, "%c%s", toupper((unsigned char)base[0]), base + 1);
}

static void render_actor(const struct dni_lexicon *lex, int idx, const char *country, char *out, size_t cap)
{
    out[0] = '\0';
    if (idx < 0) return;
    const struct dni_lex_actor *ac = &lex->actors[idx];
    if (strcmp(ac->country, "*") == 0) render_generic(ac->name, country, out, cap);
    else snprintf(out, cap, "%s", ac->name);
}

static void finish_actors(struct state *st)
{
    struct dn_text_article *a = st->a;
    const struct dni_lexicon *lex = st->lex;
    const char *main_country = NULL;
    int best_n = 0;
    for (size_t i = 0; i < DN_ARRAY_LEN(st->countries); i++)
        if (st->countries[i].code[0] && st->countries[i].n > best_n) {
            best_n = st->countries[i].n;
            main_country = st->countries[i].code;
        }
    for (size_t k = 0; k < a->n_events; k++) {
        struct dn_text_event *e = &a->events[k];
        struct aux *x = &st->aux[k];
        const char *country = main_country;
        if (e->place >= 0 && a->mentions[e->place].country[0]) country = a->mentions[e->place].country;
        /* "it orchestrated an attack": the group named in an earlier sentence */
        if (e->violent && x->actor1 < 0 && x->inferred >= 0) {
            x->actor1 = x->inferred;
            e->flags |= DN_TEXT_F_ACTOR_INFERRED;
        }
        render_actor(lex, x->actor1, country, e->actor1, sizeof e->actor1);
        if (x->victim) {
            if (strcmp(x->victim, "civilians") == 0) snprintf(e->actor2, sizeof e->actor2, "Civilians");
            else if (strcmp(x->victim, "militants") == 0 && x->actor2 >= 0 &&
                     strcmp(lex->actors[x->actor2].kind, "armed_group") == 0)
                render_actor(lex, x->actor2, country, e->actor2, sizeof e->actor2);
            else if (strcmp(x->victim, "militants") == 0) snprintf(e->actor2, sizeof e->actor2, "Militants");
            else render_generic(x->victim, country, e->actor2, sizeof e->actor2);
        } else {
            render_actor(lex, x->actor2, country, e->actor2, sizeof e->actor2);
        }
        if (x->victim && strcmp(e->actor1, e->actor2) == 0) {
            /* the dead were actor1's own ("two members of the security
             * forces were killed in a clash with unidentified gunmen"): the
             * other side named is actor2 */
            if (x->actor2 >= 0) render_actor(lex, x->actor2, country, e->actor2, sizeof e->actor2);
            /* "nine people, including three soldiers, were killed in a
             * blast": the soldiers are the victims, not the bombers; a clash
             * alone has the dead of one of its sides as a party */
            if (strcmp(e->actor1, e->actor2) == 0 && !(e->flags & DN_TEXT_F_ACTOR_INFERRED) &&
                strcmp(e->type, "armed_clash") != 0)
                e->actor1[0] = '\0';
        }
        if (strcmp(e->actor1, e->actor2) == 0) e->actor2[0] = '\0';
        e->confidence = confidence(e, x->trigger, x);
        if (e->sentences > 1) {
            double bonus = e->sentences > 2 ? 0.1 : 0.05;
            e->confidence = e->confidence + bonus > 0.95 ? 0.95 : e->confidence + bonus;
        }
    }
}

dn_status dni_text_extract_events(dn_ctx *ctx, struct dn_text_article *a, const struct dn_text_options *opts)
{
    struct state st = {0};
    st.ctx = ctx;
    st.a = a;
    st.opts = opts;
    st.last_group = -1;
    st.last_named = -1;
    st.anchor = a->date;
    dn_status s = dni_text_lexicon(ctx, &st.lex);
    if (s != DN_OK) return s;
    st.status = DN_OK;
    dni_sentences(a->text, a->text_len, on_sentence, &st);
    if (st.status == DN_OK) finish_actors(&st);
    dni_toks_free(&st.t);
    dn_free(st.sbuf);
    dn_free(st.skip);
    dn_free(st.aux);
    return st.status;
}

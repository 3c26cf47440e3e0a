/** @file article_gen.c
 * Deterministic ~6 KB news-style articles for bench_articles: sentence
 * templates written for this benchmark, filled with place names from the
 * store's gazetteer, dates, casualty phrases, actors and venues; plain text
 * (with a dateline, some hard-wrapped) or a web page with markup,
 * boilerplate and entities.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article_gen.h"
#include "store/store.h"

/* ---- random numbers (splitmix64: the same article for the same index) ---- */

struct rng {
    unsigned long long s;
};

static unsigned long long next(struct rng *r)
{
    unsigned long long z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t pick(struct rng *r, size_t n) { return n ? (size_t)(next(r) % n) : 0; }
static bool chance(struct rng *r, unsigned percent) { return next(r) % 100 < percent; }
#define ONE_OF(r, arr) ((arr)[pick((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- the name pool --------------------------------------------------------- */

static char *dup_col(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return dn_strdup(t ? (const char *)t : "");
}

/* Provinces along the Durand Line, where most reported incidents happen. */
#define BORDER_PROVINCES                                                                                               \
    "('Nangarhar','Kunar','Nuristan','Khost','Paktia','Paktika','Zabul','Kandahar','Helmand','Nimruz',"              \
    "'Badakhshan','Khyber Pakhtunkhwa','Balochistan')"

/* A name as the press writes it: the main name when it is plain ASCII,
 * else an ASCII alias of the place if it has one. */
#define ASCII_NAME(p)                                                                                                  \
    "CASE WHEN " p ".name NOT GLOB '*[^ -~]*' THEN " p ".name ELSE COALESCE((SELECT MIN(n.name) FROM place_names n"  \
    " WHERE n.place_id = " p ".id AND n.name NOT GLOB '*[^ -~]*' AND n.rank <= 1), " p ".name) END"

static dn_status load_towns(dn_ctx *ctx, const char *sql, struct ag_town **out, size_t *n)
{
    sqlite3_stmt *st;
    dn_status s = dn_store_stmt(ctx, sql, &st);
    if (s != DN_OK) return s;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            struct ag_town *t = dn_realloc(*out, cap * sizeof *t);
            if (!t) {
                sqlite3_reset(st);
                return DN_ERR_NOMEM;
            }
            *out = t;
        }
        struct ag_town *t = &(*out)[(*n)++];
        t->name = dup_col(st, 0);
        t->district = dup_col(st, 1);
        t->province = dup_col(st, 2);
        t->country = dup_col(st, 3);
    }
    sqlite3_reset(st);
    return *n ? DN_OK : dni_fail(ctx, DN_ERR_GEODATA, "the store holds no places (run durand init)");
}

dn_status ag_pool_load(dn_ctx *ctx, struct ag_pool *pool)
{
    /* towns and cities of both countries, plus one village in 97 of the
     * border provinces: small places are where much of the fighting is */
    dn_status s = load_towns(
        ctx,
        "SELECT " ASCII_NAME("p") ", COALESCE(p.district, ''), COALESCE(p.province, ''), p.country FROM places p"
        " WHERE p.placetype = 'locality' AND COALESCE(p.kind, '') NOT IN ('PPLQ', 'PPLH', 'PPLW')"
        " AND p.country IN ('AFG', 'PAK') AND p.district IS NOT NULL AND p.province IS NOT NULL"
        " AND (p.population >= 10000 OR (p.province IN " BORDER_PROVINCES
        " AND (p.population >= 1000 OR p.id % 97 = 0))) ORDER BY p.id",
        &pool->towns, &pool->ntowns);
    if (s == DN_OK)
        s = load_towns(ctx,
                       "SELECT " ASCII_NAME("p") ", '', COALESCE(p.province, ''), p.country FROM places p"
                       " WHERE p.kind = 'ADM2' AND p.country IN ('AFG', 'PAK') AND p.province IN " BORDER_PROVINCES
                       " ORDER BY p.id",
                       &pool->districts, &pool->ndistricts);
    sqlite3_stmt *st;
    if (s == DN_OK) s = dn_store_stmt(ctx, "SELECT DISTINCT name FROM crossings ORDER BY name", &st);
    if (s != DN_OK) return s;
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name) continue;
        /* "Chaman–Spin Boldak (Friendship Gate)": the press says "Chaman" */
        size_t len = strcspn(name, "(");
        const char *dash = strstr(name, "\xE2\x80\x93");
        if (dash && (size_t)(dash - name) < len) len = (size_t)(dash - name);
        while (len && name[len - 1] == ' ') len--;
        if (pool->ncrossings == cap) {
            cap = cap ? cap * 2 : 16;
            char **c = dn_realloc(pool->crossings, cap * sizeof *c);
            if (!c) {
                sqlite3_reset(st);
                return DN_ERR_NOMEM;
            }
            pool->crossings = c;
        }
        pool->crossings[pool->ncrossings++] = dn_strndup(name, len);
    }
    sqlite3_reset(st);
    return pool->ncrossings ? DN_OK : dni_fail(ctx, DN_ERR_GEODATA, "the store holds no border crossings");
}

static void free_towns(struct ag_town *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dn_free(t[i].name);
        dn_free(t[i].district);
        dn_free(t[i].province);
        dn_free(t[i].country);
    }
    dn_free(t);
}

void ag_pool_free(struct ag_pool *pool)
{
    free_towns(pool->towns, pool->ntowns);
    free_towns(pool->districts, pool->ndistricts);
    for (size_t i = 0; i < pool->ncrossings; i++) dn_free(pool->crossings[i]);
    dn_free(pool->crossings);
    memset(pool, 0, sizeof *pool);
}

/* ---- words ----------------------------------------------------------------- */

static const char *const weekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};
static const char *const month_abbr[] = {"Jan", "Feb", "March", "April", "May", "June",
                                         "July", "Aug", "Sept", "Oct", "Nov", "Dec"};
static const char *const small_words[] = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                          "eleven", "twelve"};
static const char *const victims[] = {"soldiers", "policemen", "civilians", "people", "worshippers", "labourers",
                                      "security personnel", "Levies personnel", "members of a peace committee",
                                      "passengers", "villagers", "children"};
static const char *const actors[] = {"TTP militants", "the banned Tehreek-e-Taliban Pakistan", "Islamic State Khorasan",
                                     "the Baloch Liberation Army", "Taliban border guards", "gunmen",
                                     "unidentified assailants", "the Hafiz Gul Bahadur group", "Lashkar-e-Islam fighters",
                                     "militants"};
static const char *const forces[] = {"security forces", "the Frontier Corps", "police", "Counter Terrorism Department personnel",
                                     "Afghan border forces", "Pakistani troops", "Levies", "Taliban fighters"};
static const char *const sources[] = {"police said", "officials said", "the military's media wing said",
                                      "a district official told reporters", "hospital sources said",
                                      "a police spokesman said", "residents said", "a provincial government spokesman said"};
static const char *const venues[] = {"a mosque", "a crowded market", "a police station", "a check post",
                                     "a girls' school", "a polio vaccination team", "a passenger van", "a bus terminal",
                                     "a wedding party", "a funeral prayer", "a tribal elder's house", "a customs office"};
static const char *const vehicles[] = {"paramilitary vehicle", "police van", "passenger coach", "army convoy",
                                       "pick-up truck", "motorcycle"};
static const char *const people[] = {"Dr. Imran Ali", "Insp. Sher Zaman", "Mr. Abdul Wahid", "Dr. Naseem Gul",
                                     "Lt. Col. Fahad Aziz", "Maj. Gen. Tariq Mehmood"};
static const char *const agencies[] = {"Reuters", "AP", "AFP", "Frontier Desk", "Border Monitor"};

/* Sentences that report an incident (the extractor's work) and sentences
 * around them (context, quotes, background, period totals). Slots:
 * {L} a place phrase for a new town, {T} a new town, {D}/{P} the last
 * town's district/province, {X} a border crossing, {R} when, {W} a weekday,
 * {K}/{J} a number of killed/injured (followed by a noun; {k}: not), {N} a capitalised number, {n} a figure,
 * {V} victims, {A} an armed group, {F} a security force, {S} a source,
 * {G} a venue, {H} a vehicle, {Q} a person with a title. */
static const char *const incidents[] = {
    "A roadside bomb struck a {H} in {L} {R}, killing {K} {V} and wounding {J} others, {S}.",
    "Gunmen on motorcycles opened fire on {G} in {L} {R}, killing {K} {V}, {S}.",
    "A suicide bomber blew himself up near {G} in {L} {R}, leaving {k} dead and {J} injured.",
    "{A} claimed responsibility for the attack on a check post in {L}, in which {K} soldiers were killed.",
    "{F} killed {K} militants during an intelligence-based operation in {L} {R}, the military's media wing said.",
    "Pakistani and Afghan border forces exchanged fire near the {X} crossing {R}, leaving {J} civilians wounded.",
    "A drone strike hit a house in {L} {R}, killing {K} people, local officials said.",
    "Mortar shells fired from across the border landed in {L} {R}, injuring {J} children.",
    "{N} people were kidnapped by armed men on the road between {T} and {T} {R}.",
    "Police said an improvised explosive device planted on a motorcycle went off in a market in {L}, wounding {J} "
    "people.",
    "The death toll from {W}'s attack in {T} rose to {n} after two of the injured died in hospital.",
    "Hundreds of people held a protest in {T} {R} against the killing of a local elder.",
    "An attack on {G} in {L} {R} killed {K} {V}, {S}.",
    "A landmine exploded in {L} {R}, killing {K} {V} who were collecting firewood.",
    "Clashes between {A} and {F} in {L} left {k} dead, {S}.",
    "The {X} border crossing was closed {R} after {A} and {F} traded fire.",
    "{A} attacked a Levies post in {L} {R}; {K} {V} were killed and {J} wounded.",
    "In a separate incident {R}, gunmen shot dead {K} policemen guarding {G} in {L}.",
    "Security officials said {K} {V} were killed when their vehicle hit a landmine near {T} {R}.",
    "At least {n} suspected militants were arrested in raids across {L} {R}, {S}.",
};

static const char *const context[] = {
    "Residents said shops remained closed and traffic on the main road was suspended for several hours.",
    "The area has remained tense for months, and many families have sent their children to relatives in the cities.",
    "Officials declined to give further details, citing the sensitivity of the matter.",
    "A search operation was launched in the surrounding area to trace the attackers.",
    "Hospital sources said several of the wounded were in critical condition and had been shifted to {T}.",
    "The provincial chief minister condemned the incident and ordered an inquiry into the security lapse.",
    "Local elders called for a jirga to discuss the security situation in {D}.",
    "No group immediately claimed responsibility.",
    "The district administration imposed a curfew and suspended mobile phone services in the area.",
    "Traders at the {X} crossing said hundreds of trucks were stranded on both sides of the border.",
    "Analysts say the militants have regrouped in the mountainous areas along the Durand Line since 2021.",
    "The Foreign Office in Islamabad said the matter would be taken up with the Afghan charge d'affaires.",
    "{P} has witnessed a sharp rise in attacks on police this year, according to an Islamabad-based think tank.",
    "Since January, more than {n} people have been killed in militant attacks in {P}, according to official figures.",
    "{Q} of the district headquarters hospital in {T} said the bodies had been handed over to the families.",
    "\"Everyone ran towards the fields and nobody knew what was happening,\" said a shopkeeper who asked not to be named.",
    "The road linking {T} with {T} was reopened in the evening after the security forces cleared it.",
    "{Q} told reporters that the attackers had come from across the border and fled the same way.",
    "The government has repeatedly asked Kabul to stop militants from using Afghan soil for attacks in Pakistan, a "
    "charge the Taliban deny.",
    "Schools in {D} remained closed for a second day, and the annual examinations were postponed.",
    "Families of the victims staged a sit-in on the highway and refused to bury the dead until the killers were "
    "arrested.",
    "The United Nations mission said it was deeply concerned about the rising number of civilian casualties.",
    "The interior minister directed the police to step up patrolling on the highways of the province.",
    "Trade between the two countries has fallen sharply since the border was first closed, exporters say.",
    "The provincial assembly passed a resolution demanding compensation for the families of the victims.",
    "Thousands of families have left their homes in the valley since the military operation began.",
    "Mobile internet remained suspended in parts of {D} for a third consecutive day.",
    "The spokesman said the security forces were determined to eliminate the menace of terrorism from the country.",
    "Pakistan has fenced most of its 2,600-kilometre border with Afghanistan, a move Kabul has never accepted.",
    "Diplomatic contacts between the two countries have continued despite the tension, officials said.",
    "A senior police officer, who spoke on condition of anonymity, said intelligence reports had warned of an attack.",
    "The banned group has grown stronger since November 2022, according to security analysts.",
    "The injured were taken to hospitals in {T}, where an emergency was declared.",
    "Funeral prayers for the slain personnel were offered at the police lines and attended by senior officers.",
    "Opposition parties walked out of the session, accusing the government of failing to protect citizens.",
    "Refugees returning through the crossing told aid workers they had waited for days without food or shelter.",
    "Forensic experts collected evidence from the site, a police officer said.",
    "Police registered a case against unknown persons under the anti-terrorism act.",
    "Tribal elders from {D} said the area had been peaceful for years before the latest wave of violence.",
    "The Taliban spokesman did not respond to requests for comment.",
    "Paramilitary troops were deployed at the entry and exit points of the city.",
    "Local journalists said access to the area was restricted and the figures could not be independently verified.",
    "Health officials said the polio campaign in the district would resume once security was restored.",
    "The army chief had visited the region a day earlier and met tribal elders.",
};

/* Where the wire copy is filed from. */
static const struct {
    const char *city, *country;
} datelines[] = {{"PESHAWAR", "Pakistan"},  {"QUETTA", "Pakistan"},          {"ISLAMABAD", "Pakistan"},
                 {"KABUL", "Afghanistan"},  {"JALALABAD", "Afghanistan"},    {"KHOST", "Afghanistan"},
                 {"KANDAHAR", "Afghanistan"}, {"MIRANSHAH", "Pakistan"},     {"BANNU", "Pakistan"},
                 {"DERA ISMAIL KHAN", "Pakistan"}, {"CHAMAN", "Pakistan"}, {"ASADABAD", "Afghanistan"}};

static const char *const headlines[] = {
    "Roadside bomb kills {n} in {T}", "{N} killed in attack near {T}", "Drone strike in {P} kills {n}",
    "Border clash near {X} leaves {n} wounded", "Militants storm check post in {T}", "Curfew in {D} after deadly blast",
};

/* Share of sentences after the lead that report an incident: about 7
 * events in 6 KB with the developments the context sentences report. */
enum { INCIDENT_PERCENT = 10 };

/* ---- writing ----------------------------------------------------------------- */

struct writer {
    const struct ag_pool *pool;
    struct rng rng;
    struct dn_strbuf *b;
    const struct ag_town *town; /* the last town named */
    unsigned long long context_used; /* context sentences this article already has */
    bool html;
    int year, month, day;
};

static void put(struct writer *w, const char *s) { dn_strbuf_puts(w->b, s); }

/* Text with the characters a web page escapes escaped, and typographic
 * apostrophes and quotes as the CMS writes them. */
static void put_text(struct writer *w, const char *s)
{
    if (!w->html) {
        put(w, s);
        return;
    }
    bool open_quote = true;
    for (; *s; s++) {
        switch (*s) {
        case '&': put(w, "&amp;"); break;
        case '<': put(w, "&lt;"); break;
        case '\'': put(w, "&#8217;"); break;
        case '"':
            put(w, open_quote ? "&ldquo;" : "&rdquo;");
            open_quote = !open_quote;
            break;
        default: dn_strbuf_putc(w->b, *s);
        }
    }
}

static const struct ag_town *new_town(struct writer *w)
{
    w->town = &w->pool->towns[pick(&w->rng, w->pool->ntowns)];
    return w->town;
}

static void put_place(struct writer *w)
{
    const struct ag_town *t = new_town(w);
    char buf[512];
    const char *country = strcmp(t->country, "AFG") == 0 ? "Afghanistan" : "Pakistan";
    switch (pick(&w->rng, 8)) {
    case 0: snprintf(buf, sizeof buf, "%s", t->name); break;
    case 1: snprintf(buf, sizeof buf, "%s in %s district", t->name, t->district); break;
    case 2: snprintf(buf, sizeof buf, "%s town of %s district", t->name, t->district); break;
    case 3: snprintf(buf, sizeof buf, "a village near %s", t->name); break;
    case 4: snprintf(buf, sizeof buf, "%s, %s", t->name, t->province); break;
    case 5: snprintf(buf, sizeof buf, "%s area of %s's %s province", t->name, country, t->province); break;
    case 6: {
        /* a district as the place: "the Sperah district of Khost province" */
        const struct ag_town *d = &w->pool->districts[pick(&w->rng, w->pool->ndistricts)];
        snprintf(buf, sizeof buf, "the %s district of %s province", d->name, d->province);
        w->town = t;
        break;
    }
    default: snprintf(buf, sizeof buf, "the outskirts of %s", t->name); break;
    }
    put_text(w, buf);
}

static void put_count(struct writer *w, bool capital, bool noun_follows)
{
    char buf[64];
    unsigned n = 2 + (unsigned)pick(&w->rng, 10);
    size_t form = pick(&w->rng, 9);
    if (form == 5 && !noun_follows) form = 8; /* "dozens of" needs its noun */
    switch (form) {
    case 0: snprintf(buf, sizeof buf, "at least %s", small_words[n - 2]); break;
    case 1: snprintf(buf, sizeof buf, "%u", n + (unsigned)pick(&w->rng, 30)); break;
    case 2: snprintf(buf, sizeof buf, "more than %u", 10 + (unsigned)pick(&w->rng, 40)); break;
    case 3: snprintf(buf, sizeof buf, "nearly %u", 10 + 5 * (unsigned)pick(&w->rng, 6)); break;
    case 4: snprintf(buf, sizeof buf, "%s to %s", small_words[n - 2 < 9 ? n - 2 : 0], small_words[n - 2 < 9 ? n : 2]); break;
    case 5: snprintf(buf, sizeof buf, "dozens of"); break;
    case 6: snprintf(buf, sizeof buf, "some %u", 10 + (unsigned)pick(&w->rng, 20)); break;
    default: snprintf(buf, sizeof buf, "%s", small_words[n - 2]); break;
    }
    if (capital) buf[0] = (char)toupper((unsigned char)buf[0]);
    put(w, buf);
}

static void put_when(struct writer *w)
{
    char buf[64];
    switch (pick(&w->rng, 8)) {
    case 0: snprintf(buf, sizeof buf, "yesterday"); break;
    case 1: snprintf(buf, sizeof buf, "late on %s", ONE_OF(&w->rng, weekdays)); break;
    case 2: snprintf(buf, sizeof buf, "on %s night", ONE_OF(&w->rng, weekdays)); break;
    case 3: {
        int m = w->month > 1 && chance(&w->rng, 30) ? w->month - 1 : w->month;
        int d = 1 + (int)pick(&w->rng, (size_t)(m == w->month ? w->day : 28));
        snprintf(buf, sizeof buf, "on %s %d", months[m - 1], d);
        break;
    }
    case 4: snprintf(buf, sizeof buf, "earlier this week"); break;
    default: snprintf(buf, sizeof buf, "on %s", ONE_OF(&w->rng, weekdays)); break;
    }
    put(w, buf);
}

static void expand(struct writer *w, const char *tpl)
{
    for (const char *p = tpl; *p; p++) {
        if (*p != '{' || !p[1] || p[2] != '}') {
            const char *q = p;
            while (q[1] && q[1] != '{') q++;
            char chunk[512];
            size_t n = (size_t)(q - p + 1) < sizeof chunk ? (size_t)(q - p + 1) : sizeof chunk - 1;
            memcpy(chunk, p, n);
            chunk[n] = '\0';
            put_text(w, chunk);
            p = q;
            continue;
        }
        char buf[64];
        switch (p[1]) {
        case 'L': put_place(w); break;
        case 'T': put_text(w, new_town(w)->name); break;
        case 'D': put_text(w, (w->town ? w->town : new_town(w))->district); break;
        case 'P': put_text(w, (w->town ? w->town : new_town(w))->province); break;
        case 'X': put_text(w, w->pool->crossings[pick(&w->rng, w->pool->ncrossings)]); break;
        case 'R': put_when(w); break;
        case 'W': put(w, ONE_OF(&w->rng, weekdays)); break;
        case 'K':
        case 'J': put_count(w, false, true); break;
        case 'k': put_count(w, false, false); break;
        case 'N': put_count(w, true, true); break;
        case 'n':
            snprintf(buf, sizeof buf, "%u", 3 + (unsigned)pick(&w->rng, 120));
            put(w, buf);
            break;
        case 'V': put(w, ONE_OF(&w->rng, victims)); break;
        case 'A': put(w, ONE_OF(&w->rng, actors)); break;
        case 'F': put(w, ONE_OF(&w->rng, forces)); break;
        case 'S': put_text(w, ONE_OF(&w->rng, sources)); break;
        case 'G': put_text(w, ONE_OF(&w->rng, venues)); break;
        case 'H': put(w, ONE_OF(&w->rng, vehicles)); break;
        case 'Q': put(w, ONE_OF(&w->rng, people)); break;
        default: dn_strbuf_append(w->b, p, 3); break;
        }
        p += 2;
    }
}

/* Capitalise the first letter of what was just written (a sentence that
 * begins with a slot: "{A} claimed ..."). */
static void capitalise_from(struct writer *w, size_t at)
{
    if (at < w->b->len && w->b->data[at] >= 'a' && w->b->data[at] <= 'z') w->b->data[at] = (char)(w->b->data[at] - 32);
}

static void sentence(struct writer *w, bool incident)
{
    size_t at = w->b->len;
    if (incident) {
        expand(w, ONE_OF(&w->rng, incidents));
    } else {
        /* a page says each thing once */
        enum { NCONTEXT = sizeof context / sizeof context[0] };
        _Static_assert(NCONTEXT <= 64, "context_used is a 64-bit set");
        if (w->context_used == (NCONTEXT == 64 ? ~0ull : (1ull << NCONTEXT) - 1)) w->context_used = 0;
        size_t k = pick(&w->rng, NCONTEXT);
        while (w->context_used & (1ull << k)) k = (k + 1) % NCONTEXT;
        w->context_used |= 1ull << k;
        expand(w, context[k]);
    }
    capitalise_from(w, at);
}

/* Plain text hard-wrapped at about 72 columns, as wire copy often is. */
static void wrap(struct dn_strbuf *b, size_t from)
{
    size_t col = 0, last_space = 0;
    for (size_t i = from; i < b->len; i++) {
        if (b->data[i] == '\n') {
            col = 0;
            last_space = 0;
            continue;
        }
        if (b->data[i] == ' ') last_space = i;
        if (++col > 72 && last_space) {
            b->data[last_space] = '\n';
            col = i - last_space;
            last_space = 0;
        }
    }
}

static void html_head(struct writer *w, const char *headline, const char *date)
{
    put(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta property=\"article:published_time\" content=\"");
    put(w, date);
    put(w, "T06:15:00+05:00\">\n<title>");
    put(w, headline);
    put(w, " &#8211; Frontier Daily</title>\n"
           "<link rel=\"stylesheet\" href=\"/static/css/site.css?v=20231104\">\n"
           "<script async src=\"https://www.example.com/analytics.js?id=FD-0001\"></script>\n"
           "<script>window.dataLayer = window.dataLayer || []; function track(){dataLayer.push(arguments);} "
           "track('js', new Date()); track('config', 'FD-0001');</script>\n"
           "<style>.share { color: #333; } p > a { text-decoration: none; } .byline { font-size: 0.9em; }</style>\n"
           "</head>\n<body>\n<nav><a href=\"/\">Home</a> <a href=\"/pakistan\">Pakistan</a> "
           "<a href=\"/afghanistan\">Afghanistan</a> <a href=\"/opinion\">Opinion</a> <a href=\"/about\">About</a></nav>\n"
           "<article>\n<h1>");
    put(w, headline);
    put(w, "</h1>\n<div class=\"byline\">By our correspondent</div>\n"
           "<div class=\"share\">Share <a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a> <a href=\"#\">WhatsApp</a> "
           "<a href=\"#\">Email</a></div>\n"
           "<figure><img src=\"/img/file-photo.jpg\" alt=\"\"><figcaption>IMAGE SOURCE: FILE PHOTO</figcaption></figure>\n");
}

static void html_tail(struct writer *w)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%d", w->year);
    put(w, "</article>\n<aside><h2>Most read</h2><ul><li><a href=\"/news/1\">Markets close higher</a></li>"
           "<li><a href=\"/news/2\">Weather: rain expected in the north</a></li></ul></aside>\n<footer>&copy; ");
    put(w, buf);
    put(w, " Frontier Daily. All rights reserved. <a href=\"/privacy\">Privacy policy</a></footer>\n"
           "<script>console.log(\"loaded\");</script>\n</body>\n</html>\n");
}

bool ag_article_make(const struct ag_pool *pool, unsigned long index, size_t size, struct ag_article *out)
{
    struct writer w = {.pool = pool, .rng = {0x5DEECE66Dull * (index + 1)}, .b = &out->body};
    dn_strbuf_reset(&out->body);
    out->kind = chance(&w.rng, 40) ? AG_HTML : AG_PLAIN;
    w.html = out->kind == AG_HTML;
    w.year = 2019 + (int)pick(&w.rng, 6);
    w.month = 1 + (int)pick(&w.rng, 12);
    w.day = 1 + (int)pick(&w.rng, 28);
    snprintf(out->date, sizeof out->date, "%04d-%02d-%02d", w.year, w.month, w.day);
    snprintf(out->url, sizeof out->url, "https://example.org/news/%lu", index);

    /* the headline, written into the body first and moved to where the format wants it */
    struct dn_strbuf head = {0};
    w.b = &head;
    expand(&w, ONE_OF(&w.rng, headlines));
    w.b = &out->body;
    size_t dl = pick(&w.rng, sizeof datelines / sizeof datelines[0]);
    if (w.html) {
        html_head(&w, head.data, out->date);
    } else {
        put(&w, head.data);
        put(&w, chance(&w.rng, 50) ? "\nShare on Facebook | Share on Twitter | WhatsApp\n\n" : "\n\n");
    }
    dn_strbuf_free(&head);
    size_t text_from = w.b->len;
    size_t tail = w.html ? 420 : 60; /* what the end of the page adds */
    bool wrapped = !w.html && chance(&w.rng, 35);
    for (int para = 0; w.b->len + tail < size; para++) {
        if (w.html) put(&w, "<p>");
        if (para == 0) {
            /* the dateline: "CHAMAN, Pakistan, Nov 3, 2023 (Reuters) - " */
            char buf[256];
            snprintf(buf, sizeof buf, "%s, %s, %s %d, %d (%s) - ", datelines[dl].city, datelines[dl].country,
                     month_abbr[w.month - 1], w.day, w.year, ONE_OF(&w.rng, agencies));
            put(&w, buf);
        }
        int sentences = 1 + (int)pick(&w.rng, 3);
        for (int s = 0; s < sentences; s++) {
            if (s) put(&w, " ");
            sentence(&w, (para == 0 && s == 0) || chance(&w.rng, INCIDENT_PERCENT));
        }
        put(&w, w.html ? "</p>\n" : "\n\n");
    }
    if (w.html) html_tail(&w);
    else put(&w, "(Reporting by a correspondent; Editing by the desk)\n");
    if (wrapped) wrap(w.b, text_from);
    return !w.b->failed;
}

void ag_article_free(struct ag_article *a) { dn_strbuf_free(&a->body); }

/** @file resolve.c
 * From a name to a place: collect the places its key and variants name
 * (fuzzy words when nothing matches), score them by how well they match,
 * how prominent they are, how they agree with the hints and with the other
 * places of the same report, and report the best with an honest precision,
 * radius, confidence and the alternatives.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/geo.h"
#include "gazetteer/gz_internal.h"
#include "gazetteer/normalize.h"

/* ---- names ------------------------------------------------------------------ */

const char *dn_match_name(enum dn_match m)
{
    static const char *const names[] = {"none", "exact", "variant", "fuzzy"};
    return (unsigned)m < DN_ARRAY_LEN(names) ? names[m] : "none";
}

const char *dn_geocode_status_name(enum dn_geocode_status s)
{
    static const char *const names[] = {"resolved", "ambiguous", "unresolved"};
    return (unsigned)s < DN_ARRAY_LEN(names) ? names[s] : "unresolved";
}

/* ---- precision ------------------------------------------------------------------ */

double dn_precision_default_radius(enum dn_precision p)
{
    switch (p) {
    case DN_PREC_POINT: return 1.0;
    case DN_PREC_TOWN: return 3.0;
    case DN_PREC_DISTRICT: return 25.0;
    case DN_PREC_PROVINCE: return 120.0;
    case DN_PREC_COUNTRY: return 450.0;
    default: return NAN;
    }
}

/* Town radii by class, in km: the built-up area a report naming the town
 * may mean. Population, when known, widens it (at ~3,000 people per km²). */
static const double town_radius[GZ_C_COUNT] = {
    [GZ_C_CAPITAL] = 15, [GZ_C_SEAT1] = 8, [GZ_C_SEAT2] = 4, [GZ_C_SEAT3] = 3, [GZ_C_TOWN] = 3,
    [GZ_C_VILLAGE] = 1.5, [GZ_C_MINOR] = 1.5, [GZ_C_QUARTER] = 1, [GZ_C_ABANDONED] = 1.5,
    [GZ_C_CROSSING] = 1, [GZ_C_LEARNED] = 2, [GZ_C_OTHER] = 2,
};

void dni_gz_precision(const struct gz_index *ix, const struct gz_place *p, enum dn_precision *prec, double *radius_km)
{
    if (gz_class_is_admin(p->cls)) {
        *prec = p->cls == GZ_C_ADM0 ? DN_PREC_COUNTRY : p->cls == GZ_C_ADM2 ? DN_PREC_DISTRICT : DN_PREC_PROVINCE;
        double area = p->area >= 0 ? ix->areas[p->area].area_km2 : NAN;
        *radius_km = isfinite(area) && area > 0 ? sqrt(area / M_PI) : dn_precision_default_radius(*prec);
        return;
    }
    *prec = DN_PREC_TOWN;
    double r = town_radius[p->cls] > 0 ? town_radius[p->cls] : 2;
    if (p->population > 0) {
        double pr = sqrt((double)p->population / 3000.0 / M_PI);
        if (pr > 25) pr = 25;
        if (pr > r) r = pr;
    }
    *radius_km = r;
}

void dni_gz_fill_place(const struct gz_index *ix, uint32_t idx, struct dn_place *out)
{
    const struct gz_place *p = &ix->places[idx];
    memset(out, 0, sizeof *out);
    out->id = p->id;
    out->name = p->name;
    out->kind = p->kind;
    out->country = p->country[0] ? p->country : NULL;
    out->province = p->province;
    out->district = p->district;
    out->lon = p->lon;
    out->lat = p->lat;
    out->population = p->population;
    dni_gz_precision(ix, p, &out->precision, &out->radius_km);
}

/* ---- candidates --------------------------------------------------------------------- */

static dn_status cands_ready(struct gz_index *ix)
{
    if (!ix->cands && !(ix->cands = dn_calloc(1, sizeof *ix->cands))) return DN_ERR_NOMEM;
    if (ix->nmark < ix->nplaces) {
        size_t n = ix->nplaces + 1024;
        uint32_t *m = dn_realloc(ix->mark, n * sizeof *m), *st;
        if (!m) return DN_ERR_NOMEM;
        ix->mark = m;
        st = dn_realloc(ix->stamp, n * sizeof *st);
        if (!st) return DN_ERR_NOMEM;
        memset(st + ix->nmark, 0, (n - ix->nmark) * sizeof *st);
        ix->stamp = st;
        ix->nmark = n;
    }
    return DN_OK;
}

/* Start a fresh candidate set. */
static dn_status cands_begin(struct gz_index *ix)
{
    dn_status s = cands_ready(ix);
    if (s != DN_OK) return s;
    ix->cands->n = 0;
    if (++ix->gen == 0) {
        memset(ix->stamp, 0, ix->nmark * sizeof *ix->stamp);
        ix->gen = 1;
    }
    return DN_OK;
}

static dn_status cand_add(struct gz_index *ix, struct gz_cands *c, uint32_t place, int quality, int match)
{
    if (ix->stamp[place] == ix->gen) {
        struct gz_cand *e = &c->v[ix->mark[place] - 1];
        if (quality > e->quality) {
            e->quality = (uint8_t)quality;
            e->match = (uint8_t)match;
        }
        return DN_OK;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct gz_cand *v = dn_realloc(c->v, cap * sizeof *v);
        if (!v) return DN_ERR_NOMEM;
        c->v = v;
        c->cap = cap;
    }
    ix->stamp[place] = ix->gen;
    ix->mark[place] = (uint32_t)(c->n + 1);
    c->v[c->n++] = (struct gz_cand){.place = place, .quality = (uint8_t)quality, .match = (uint8_t)match};
    return DN_OK;
}

dn_status dni_gz_collect(struct gz_index *ix, const char *key, size_t len, int quality, int match, struct gz_cands *c)
{
    const struct gz_slot *sl = dni_gz_find(ix, key, len, dni_gz_hash(key, len));
    if (!sl || !(sl->flags & GZ_SLOT_KEY)) return DN_OK;
    for (uint32_t p = sl->head; p; p = ix->posts[p - 1].next) {
        const struct gz_post *po = &ix->posts[p - 1];
        int q = po->quality < quality ? po->quality : quality;
        int m = match;
        if (m == DN_MATCH_EXACT && po->quality + po->rank < 100) m = DN_MATCH_VARIANT;
        dn_status s = cand_add(ix, c, po->place, q, m);
        if (s != DN_OK) return s;
    }
    return DN_OK;
}

/* ---- scoring ---------------------------------------------------------------------------- */

/* Whether a district that contains place `pt` is among the candidates:
 * the name also matched the district the town lies in. */
static bool district_matched(const struct gz_index *ix, const struct gz_cands *c, const struct gz_place *pt)
{
    if (pt->district_area < 0) return false;
    for (size_t i = 0; i < c->n; i++) {
        const struct gz_place *d = &ix->places[c->v[i].place];
        if (d->cls == GZ_C_ADM2 && d->area == pt->district_area) return true;
    }
    return false;
}

static bool is_town(int cls)
{
    return cls == GZ_C_CAPITAL || cls == GZ_C_SEAT1 || cls == GZ_C_SEAT2 || cls == GZ_C_SEAT3 || cls == GZ_C_TOWN;
}

/* A country, province, historical region, capital, provincial seat or
 * city of 100,000: a place most reports naming something like it mean. */
/* Famous enough that a misspelling of it is likelier than of an obscure
 * name; a border crossing's settlement counts, since the border is what
 * this tool's reports are about ("Weesh" for Wesh at Chaman's gate). */
static bool is_major(const struct gz_place *p)
{
    return p->cls == GZ_C_ADM0 || p->cls == GZ_C_ADM1 || p->cls == GZ_C_HIST || p->cls == GZ_C_CAPITAL ||
           p->cls == GZ_C_SEAT1 || p->population >= 100000 || p->crossing;
}

/* Fuzzy matches. Similarity is the share of code points right, less 0.02
 * an edit: one edit in 4 letters is 0.73, in 5 0.78, in 6 0.81; two in 6
 * 0.63, in 9 0.74.
 * - FUZZY_ACCEPT: below it a misspelling is only a suggestion...
 * - FUZZY_MAJOR: ...unless it leads to a major place ("Quetah"): a
 *   misspelling of a famous name is likelier than of an obscure one;
 * - FUZZY_SURE: below it (one edit in a word of up to 5 letters, two in
 *   fewer than 11) a match says too little to be `resolved` on its own
 *   unless the place is major: خیبر is one letter from شیبر (Shibar, in
 *   Bamyan), فاٹا from Bata in Ghazni. It is `ambiguous` with its rivals
 *   listed, or, alone, `unresolved` with it as the suggestion. */
#define FUZZY_ACCEPT 0.72
#define FUZZY_MAJOR 0.60
#define FUZZY_SURE 0.80

/* The places of the report's context, looked up once per candidate list
 * rather than once per candidate: a common village name has hundreds of
 * candidates and an article's context up to 64 places. */
enum { GZ_CONTEXT_MAX = 64 };
struct gz_context {
    const struct gz_place *v[GZ_CONTEXT_MAX];
    size_t n;
};

/* false when the context is larger than GZ_CONTEXT_MAX (callers of the
 * API may pass any number): then each candidate looks the places up. */
static bool context_places(const struct gz_index *ix, const struct gz_hints *h, struct gz_context *out)
{
    out->n = 0;
    if (h->ncontext > GZ_CONTEXT_MAX) return false;
    for (size_t i = 0; i < h->ncontext; i++) {
        long ci = dni_gz_place_index(ix, h->context[i]);
        if (ci >= 0) out->v[out->n++] = &ix->places[ci];
    }
    return true;
}

/* cx: the context places looked up, or NULL to look up h's ids here.
 * `alias`: the candidate matched less well than the best (by another of
 * its names): in the context's district it gets no nearness bonus, so an
 * alias hit does not beat a main-name hit there ("Mir Ali" with Razmak is
 * not Shahwali, 12 km from Razmak, which lists Mīr Ali among its names). */
static double context_bonus(const struct gz_index *ix, const struct gz_place *p, const struct gz_context *cx,
                            const struct gz_hints *h, bool alias)
{
    double best = 0;
    for (size_t i = 0; i < (cx ? cx->n : h->ncontext); i++) {
        const struct gz_place *c;
        if (cx) {
            c = cx->v[i];
        } else {
            long ci = dni_gz_place_index(ix, h->context[i]);
            if (ci < 0) continue;
            c = &ix->places[ci];
        }
        if (c == p) continue;
        double b = 0, dlat = fabs(c->lat - p->lat), dlon = fabs(c->lon - p->lon);
        bool district = p->district_area >= 0 &&
                        (c->district_area == p->district_area || c->area == p->district_area);
        if (district) b += 0.25;
        else if (p->province_area >= 0 && (c->province_area == p->province_area || c->area == p->province_area))
            b += 0.08;
        /* places named together lie close together */
        /* the geodesic only when its bonus could raise the best */
        if (!(district && alias) && (!gz_class_is_admin(c->cls) || c->cls == GZ_C_ADM2) && dlat < 0.5 && dlon < 0.6 &&
            b + 0.15 > best && !dn_geodesic_farther_than(dlat, dlon, fmax(fabs(p->lat), fabs(c->lat)), 50)) {
            double d = dn_geodesic_km(p->lon, p->lat, c->lon, c->lat);
            if (d < 50) b += 0.15 * (1 - d / 50);
        }
        if (b > best) best = b;
        if (best >= 0.35) break; /* the cap: nothing can add more */
    }
    return best > 0.35 ? 0.35 : best;
}

/* How the distance from the point the source gave speaks for a place:
 * +0.3 within 5 km, falling to 0 at 50 km, 0 up to 150 km, -0.2 beyond.
 * Most candidates of a common name are namesakes far away, where only the
 * band matters, and the place a row names usually lies under its point
 * (real exports give the town's own coordinates); the degree bounds
 * (upper: dn_geodesic_at_most_km; lower: dn_geodesic_farther_than) settle
 * those bands without the geodesic. The answer is the same as with it;
 * only places 5 to 50 km off need it. */

static double near_bonus_at(double d) { return d < 5 ? 0.3 : d < 50 ? 0.3 * (1 - (d - 5) / 45) : d > 150 ? -0.2 : 0; }

/* The bonus from the bands alone; false when the point lies 5 to 51 km
 * off (or near 150 km), where only the distance tells it. */
static bool near_band(const struct gz_place *p, const struct gz_hints *h, double *bonus)
{
    double dlat = fabs(p->lat - h->near_lat), dlon = fabs(p->lon - h->near_lon);
    if (dlon > 180) dlon = 360 - dlon;
    double maxlat = fmax(fabs(p->lat), fabs(h->near_lat));
    if (dn_geodesic_farther_than(dlat, dlon, maxlat, 151)) {
        *bonus = -0.2;
        return true;
    }
    double at_most = dn_geodesic_at_most_km(dlat, dlon);
    if (at_most < 5) *bonus = 0.3;
    else if (at_most < 149 && dn_geodesic_farther_than(dlat, dlon, maxlat, 51)) *bonus = 0;
    else return false;
    return true;
}

static double near_bonus(const struct gz_place *p, const struct gz_hints *h)
{
    double b;
    if (near_band(p, h, &b)) return b;
    return near_bonus_at(dn_geodesic_km(p->lon, p->lat, h->near_lon, h->near_lat));
}

/* The bonus's bounds, without the geodesic; the bonus falls as the
 * distance grows. */
static void near_bonus_bounds(const struct gz_place *p, const struct gz_hints *h, double *lo, double *hi)
{
    if (near_band(p, h, lo)) {
        *hi = *lo;
        return;
    }
    double dlo, dhi;
    dn_geodesic_bounds_km(p->lon, p->lat, h->near_lon, h->near_lat, &dlo, &dhi);
    *lo = near_bonus_at(dhi);
    *hi = near_bonus_at(dlo);
}

/* For a caller that wants the best place only (gz_hints.best_only), the
 * bonus of a place 5 to 50 km from the point comes from bounds of the
 * distance (within 2 %), and the geodesic is computed only for the
 * candidates that could come within REACH of the best: at most TIE below
 * it decides the best (break_ties), 0.2 the status and confidence
 * (decide: a rival 0.2 below gives full confidence), and a district or
 * province lifts its seat 0.05 above itself. A place further below keeps
 * the middle of its bounds. So the best place, status and confidence are
 * those of the full scoring; only the alternatives' scores may differ, by
 * the bounds' width. In bench_ingest's rows (perf, by hand) a fifth of
 * the pipeline thread's time went to these geodesics; three lookups in
 * ten have one contender only (a count printed by hand, 5,000 rows). */
#define TIE 0.02f /* break_ties below */
#define REACH (0.2 + TIE + 0.05 + 0.01) /* 0.01: float rounding */

static void exact_near_where_it_counts(const struct gz_index *ix, struct gz_cands *c, const struct gz_hints *h,
                                       double top_lo)
{
    size_t contenders = 0;
    for (size_t i = 0; i < c->n && contenders < 2; i++) contenders += c->v[i].score_hi >= top_lo - REACH;
    if (contenders < 2) return; /* the best alone: its margin is over 0.2 either way */
    for (size_t i = 0; i < c->n; i++) {
        struct gz_cand *e = &c->v[i];
        if (e->score_hi >= top_lo - REACH) e->score = (float)(e->base + near_bonus(&ix->places[e->place], h));
    }
}

void dni_gz_score(struct gz_index *ix, struct gz_cands *c, const struct gz_hints *h, unsigned kind_hint)
{
    struct gz_context cx = {.n = 0};
    bool looked_up = h && h->ncontext && context_places(ix, h, &cx);
    int maxq = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].quality > maxq) maxq = c->v[i].quality;
    bool bounded = h && h->has_near && h->best_only;
    double top_lo = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        struct gz_cand *e = &c->v[i];
        const struct gz_place *p = &ix->places[e->place];
        double s = 0.55 * e->quality / 100.0 + 0.30 * p->prominence;
        if (kind_hint & GZ_KIND_DISTRICT) s += p->cls == GZ_C_ADM2 ? 0.25 : gz_class_is_admin(p->cls) ? -0.05 : -0.1;
        if (kind_hint & GZ_KIND_PROVINCE)
            s += (p->cls == GZ_C_ADM1 || p->cls == GZ_C_HIST) ? 0.25 : gz_class_is_admin(p->cls) ? -0.05 : -0.1;
        if (kind_hint & GZ_KIND_TOWN) s += gz_class_is_admin(p->cls) ? -0.15 : 0.1;
        if (h) {
            if (h->country[0] && p->country[0]) s += strcmp(h->country, p->country) == 0 ? 0.1 : -0.5;
            int m = dni_gz_filter_match(ix, &h->province, p);
            s += m > 0 ? 0.2 : m < 0 ? -0.4 : 0;
            m = dni_gz_filter_match(ix, &h->district, p);
            s += m > 0 ? 0.35 : m < 0 ? -0.4 : 0;
            if (h->ncontext) s += context_bonus(ix, p, looked_up ? &cx : NULL, h, e->quality < maxq);
            if (bounded) {
                double lo, hi;
                near_bonus_bounds(p, h, &lo, &hi);
                e->base = s;
                e->score = (float)(s + (lo + hi) / 2);
                e->score_hi = (float)(s + hi);
                if (s + lo > top_lo) top_lo = s + lo;
                continue;
            }
            if (h->has_near) s += near_bonus(p, h);
        }
        e->score = (float)s;
    }
    if (bounded) exact_near_where_it_counts(ix, c, h, top_lo);
    /* A town inside the district (or a big town inside the province) of the
     * same name is what a report naming it usually means: "Peshawar" is the
     * city, "Bannu" the town, not the district around it. So is the town
     * of a district of the same name inside the province of that name,
     * whatever its size: "Khowst" (the province's record's spelling, and
     * by sound the district's and the town's) is Khost town. */
    for (size_t i = 0; i < c->n; i++) {
        struct gz_cand *a = &c->v[i];
        const struct gz_place *pa = &ix->places[a->place];
        if (pa->cls != GZ_C_ADM2 && pa->cls != GZ_C_ADM1) continue;
        if (kind_hint & (GZ_KIND_DISTRICT | GZ_KIND_PROVINCE)) continue;
        for (size_t j = 0; j < c->n; j++) {
            struct gz_cand *t = &c->v[j];
            const struct gz_place *pt = &ix->places[t->place];
            /* matched by any spelling of its name ("Lashkargah" is the
             * district's alias and the town's name run together), not a
             * misspelling only */
            if (t->quality + 3 < a->quality && t->quality < 90) continue;
            bool big = pt->cls == GZ_C_CAPITAL || pt->cls == GZ_C_SEAT1 || pt->population >= 100000;
            bool town = is_town(pt->cls) || pt->population >= 5000;
            bool seat = pa->cls == GZ_C_ADM2
                            ? town && pt->district_area >= 0 && pt->district_area == pa->area
                            : pt->province_area >= 0 && pt->province_area == pa->area &&
                                  (big || (town && district_matched(ix, c, pt)));
            if (seat && t->score < a->score + 0.05f) t->score = a->score + 0.05f;
        }
    }
}

static int cmp_cand(const void *x, const void *y)
{
    const struct gz_cand *a = x, *b = y;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    if (a->quality != b->quality) return a->quality < b->quality ? 1 : -1;
    return (a->place > b->place) - (a->place < b->place); /* stable across runs */
}

/* ---- results ------------------------------------------------------------------------------ */

void dn_geocode_result_clear(struct dn_geocode_result *r)
{
    if (!r) return;
    dn_free(r->alternatives);
    memset(r, 0, sizeof *r);
}

/* Two candidates are rivals when choosing wrongly would put the event
 * somewhere else: further apart than their uncertainty. */
static bool rivals(const struct gz_index *ix, const struct gz_place *a, const struct gz_place *b)
{
    enum dn_precision pa, pb;
    double ra, rb;
    if (a->area >= 0 && a->area == b->area) return false;
    /* a district or province and a place inside it: the same answer at two precisions */
    if (b->area >= 0 && (a->district_area == b->area || a->province_area == b->area)) return false;
    if (a->area >= 0 && (b->district_area == a->area || b->province_area == a->area)) return false;
    dni_gz_precision(ix, a, &pa, &ra);
    dni_gz_precision(ix, b, &pb, &rb);
    double reach = ra > rb ? ra : rb;
    return !dn_geodesic_within_km(a->lon, a->lat, b->lon, b->lat, reach > 10 ? reach : 10);
}

static bool same_entity(const struct gz_place *a, const struct gz_place *b)
{
    if (a->area >= 0 && a->area == b->area) return true;
    return a->cls == b->cls && strcmp(a->name, b->name) == 0 && dn_geodesic_within_km(a->lon, a->lat, b->lon, b->lat, 1);
}

/* Namesakes that nothing else tells apart (scores within TIE) are ordered
 * by two weak priors, applied only to near-ties (the distances are worth
 * computing only there), that together never change the status:
 * - namesakes clustered within CLUSTER_KM of each other: a place that
 *   several records put at the same spot is a documented one (North
 *   Waziristan's Mir Ali has three points and a cantonment; the dozen
 *   villages of that name elsewhere one each);
 * - how near the Durand Line they are: this tool's reports are about the
 *   border. */
#define CLUSTER_KM 10.0
enum { CLUSTER_MAX = 64 }; /* more near-ties than this: no clustering (quadratic) */

static void break_ties(struct gz_index *ix, struct gz_cands *c)
{
    if (c->n < 2 || c->v[1].score < c->v[0].score - TIE) return;
    size_t k = 0;
    float top = c->v[0].score;
    while (k < c->n && c->v[k].score >= top - TIE) k++;
    float bonus[CLUSTER_MAX];
    for (size_t i = 0; i < k && i < CLUSTER_MAX; i++) {
        const struct gz_place *p = &ix->places[c->v[i].place];
        unsigned near = 0;
        for (size_t j = 0; j < k && near < 2 && k <= CLUSTER_MAX; j++) {
            const struct gz_place *q = &ix->places[c->v[j].place];
            near += j != i && dn_geodesic_within_km(p->lon, p->lat, q->lon, q->lat, CLUSTER_KM);
        }
        bonus[i] = 0.5f * TIE * (float)near / 2;
    }
    for (size_t i = 0; i < k; i++) {
        float b = i < CLUSTER_MAX ? bonus[i] : 0;
        if (ix->border_prep) b += 0.5f * TIE * (float)dni_gz_border_nearness(ix, &ix->places[c->v[i].place]);
        c->v[i].score += b;
    }
    qsort(c->v, k, sizeof *c->v, cmp_cand);
}

static void decide(struct gz_index *ix, struct gz_cands *c, const struct gz_hints *h, enum dn_geocode_status *status,
                   double *confidence, bool *outside)
{
    qsort(c->v, c->n, sizeof *c->v, cmp_cand);
    break_ties(ix, c);
    const struct gz_cand *best = &c->v[0];
    const struct gz_place *bp = &ix->places[best->place];
    double s2 = -INFINITY;
    for (size_t i = 1; i < c->n; i++)
        if (rivals(ix, bp, &ix->places[c->v[i].place])) {
            s2 = c->v[i].score;
            break;
        }
    double q = best->quality / 100.0;
    double margin = isfinite(s2) ? best->score - s2 : 1;
    double conf = isfinite(s2) ? q * (0.5 + 0.5 * fmin(1.0, margin / 0.2)) : q * 0.97;
    *outside = h && (dni_gz_filter_match(ix, &h->district, bp) < 0 || dni_gz_filter_match(ix, &h->province, bp) < 0 ||
                     (h->country[0] && bp->country[0] && strcmp(h->country, bp->country) != 0));
    if (*outside) conf *= 0.5; /* the best place contradicts the hints */
    *status = isfinite(s2) && margin < 0.06 ? DN_GEOCODE_AMBIGUOUS : DN_GEOCODE_RESOLVED;
    if (*status == DN_GEOCODE_AMBIGUOUS && conf > 0.5) conf = 0.5;
    *confidence = conf < 0 ? 0 : conf > 1 ? 1 : conf;
}

/* Collect the places of every variant, each at most at quality `cap`; the
 * full key is an exact match only when `exact` allows it. */
static dn_status collect_variants(struct gz_index *ix, const struct gz_variants *var, int cap, bool exact)
{
    dn_status s = DN_OK;
    for (size_t i = 0; i < var->n && s == DN_OK; i++)
        s = dni_gz_collect(ix, var->v[i].s, var->v[i].len, var->v[i].quality < cap ? var->v[i].quality : cap,
                           exact && var->v[i].family == GZ_V_FULL ? DN_MATCH_EXACT : DN_MATCH_VARIANT, ix->cands);
    return s;
}

/* Collect the candidates of a query key: its variants, and when they name
 * nothing its other word orders and splits. `var` receives the variants. */
static dn_status collect_query(struct gz_index *ix, const char *key, size_t len, struct gz_variants *var)
{
    dni_gz_variants(key, len, GZ_VAR_QUERY, var);
    dn_status s = cands_begin(ix);
    if (s == DN_OK) s = collect_variants(ix, var, 100, true);
    if (s != DN_OK) return s;
    const char *core = var->n > 1 && var->v[1].family == GZ_V_CORE ? var->v[1].s : var->v[0].s;
    size_t corelen = var->n > 1 && var->v[1].family == GZ_V_CORE ? var->v[1].len : var->v[0].len;
    if (ix->cands->n) {
        /* one word naming a district or province: its seat may be written
         * as two ("Lashkargah" the district's alias, "Lashkar Gah" the
         * town), and the seat is what such a name usually means */
        bool admin = false;
        for (size_t i = 0; i < ix->cands->n && !admin; i++) {
            int cls = ix->places[ix->cands->v[i].place].cls;
            admin = cls == GZ_C_ADM1 || cls == GZ_C_ADM2;
        }
        if (!admin || memchr(core, ' ', corelen)) return DN_OK;
    }
    bool found = ix->cands->n > 0;
    struct gz_expansions ex;
    dni_gz_expansions(core, corelen, &ex);
    for (size_t i = 0; i < ex.n && s == DN_OK; i++)
        s = dni_gz_collect(ix, ex.v[i].s, ex.v[i].len, ex.v[i].quality, DN_MATCH_VARIANT, ix->cands);
    if (s != DN_OK || found || ix->cands->n) return s;
    /* "Torkham border", "Ghulam Khan crossing": the name, and of its places
     * the crossings' settlements when it has any */
    size_t namelen = dni_gz_crossing_strip(core, corelen);
    if (namelen) {
        struct gz_variants *nv = dn_malloc(sizeof *nv);
        if (!nv) return DN_ERR_NOMEM;
        dni_gz_variants(core, namelen, GZ_VAR_QUERY, nv);
        s = collect_variants(ix, nv, 90, false);
        dn_free(nv);
        size_t kept = 0;
        for (size_t i = 0; i < ix->cands->n; i++)
            if (ix->places[ix->cands->v[i].place].crossing) ix->cands->v[kept++] = ix->cands->v[i];
        if (kept) ix->cands->n = kept; /* nothing is added after this, so the marks may go stale */
        return s;
    }
    /* "Khyber Pass", "Kurram Valley": a pass or valley named after a
     * district or province lies in it, so that area answers (at its
     * precision); a village that shares the name does not */
    const char *rest;
    size_t restlen = dni_gz_feature_strip(core, corelen, &rest);
    if (!restlen) return DN_OK;
    s = dni_gz_collect(ix, rest, restlen, 85, DN_MATCH_VARIANT, ix->cands);
    size_t kept = 0;
    for (size_t i = 0; i < ix->cands->n; i++) {
        const struct gz_place *p = &ix->places[ix->cands->v[i].place];
        if (p->cls == GZ_C_ADM1 || p->cls == GZ_C_ADM2) ix->cands->v[kept++] = ix->cands->v[i];
    }
    ix->cands->n = kept; /* nothing is added after this, so the marks may go stale */
    return s;
}

/* With opts->admin_only: drop the candidates that stand for no admin area
 * of the levels asked for. The marks of the dropped ones go stale, so a
 * caller that collects more afterwards starts a fresh set (cands_begin). */
static void keep_admin(struct gz_index *ix, struct gz_cands *c, unsigned levels)
{
    if (!levels) return;
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct gz_place *p = &ix->places[c->v[i].place];
        if (p->area < 0) continue;
        const struct gz_area *a = &ix->areas[p->area];
        unsigned bit = a->historical ? DN_GEOCODE_ADMIN_REGION
                       : a->level == 0 ? DN_GEOCODE_ADMIN_COUNTRY
                       : a->level == 1 ? DN_GEOCODE_ADMIN_PROVINCE
                                       : DN_GEOCODE_ADMIN_DISTRICT;
        if (levels & bit) c->v[kept++] = c->v[i];
    }
    c->n = kept;
}

dn_status dni_gz_resolve_key(dn_ctx *ctx, struct gz_index *ix, const char *key, size_t len, const struct gz_hints *h,
                             struct gz_pick *out)
{
    memset(out, 0, sizeof *out);
    out->place = -1;
    struct gz_variants var;
    dn_status s = collect_query(ix, key, len, &var);
    if (s != DN_OK) return dni_fail(ctx, s, "out of memory");
    if (ix->cands->n == 0) return DN_OK;
    dni_gz_score(ix, ix->cands, h, var.kind_hint);
    bool outside;
    decide(ix, ix->cands, h, &out->status, &out->confidence, &outside);
    out->place = (long)ix->cands->v[0].place;
    out->ncandidates = (unsigned)ix->cands->n;
    out->match = (enum dn_match)ix->cands->v[0].match;
    return DN_OK;
}

static dn_status build_result(dn_ctx *ctx, struct gz_index *ix, struct gz_cands *c, const struct gz_hints *h,
                              size_t max_alt, struct dn_geocode_result *out)
{
    decide(ix, c, h, &out->status, &out->confidence, &out->outside_hints);
    const struct gz_cand *best = &c->v[0];
    const struct gz_place *bp = &ix->places[best->place];
    bool weak = best->match == DN_MATCH_FUZZY && best->quality < (int)(FUZZY_SURE * 90) && !is_major(bp);
    out->ncandidates = (unsigned)c->n;
    out->match = (enum dn_match)best->match;
    dni_gz_fill_place(ix, best->place, &out->place);
    if (max_alt == 0) return DN_OK;
    out->alternatives = dn_calloc(max_alt, sizeof *out->alternatives);
    if (!out->alternatives) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    for (size_t i = 1; i < c->n && out->nalternatives < max_alt; i++) {
        const struct gz_place *p = &ix->places[c->v[i].place];
        bool dup = same_entity(bp, p);
        for (size_t k = 0; k < out->nalternatives && !dup; k++) {
            long ki = dni_gz_place_index(ix, out->alternatives[k].place.id);
            dup = ki >= 0 && same_entity(&ix->places[ki], p);
        }
        if (dup) continue;
        struct dn_geocode_alt *a = &out->alternatives[out->nalternatives++];
        dni_gz_fill_place(ix, c->v[i].place, &a->place);
        a->match = (enum dn_match)c->v[i].match;
        double sc = out->confidence * exp(-(best->score - c->v[i].score) / 0.08);
        a->score = sc > 1 ? 1 : sc;
    }
    if (weak && out->nalternatives > 0) {
        out->status = DN_GEOCODE_AMBIGUOUS;
        if (out->confidence > 0.5) out->confidence = 0.5;
        for (size_t i = 0; i < out->nalternatives; i++)
            if (out->alternatives[i].score > out->confidence) out->alternatives[i].score = out->confidence;
    } else if (weak) {
        /* alone and weak: a suggestion, as for a name that matched nothing */
        struct dn_place p = out->place;
        struct dn_geocode_alt *alts = out->alternatives;
        memset(out, 0, sizeof *out);
        out->status = DN_GEOCODE_UNRESOLVED;
        out->alternatives = alts;
        if (alts) {
            out->alternatives[0] = (struct dn_geocode_alt){
                .place = p, .score = best->quality / 100.0 * 0.5, .match = DN_MATCH_FUZZY};
            out->nalternatives = 1;
        }
    }
    return DN_OK;
}

/* Spelling suggestions for a name that matched nothing. */
static dn_status suggest(dn_ctx *ctx, struct gz_index *ix, const char *key, size_t len, size_t max_alt,
                         unsigned admin_only, struct dn_geocode_result *out)
{
    enum { NHITS = 8 };
    struct gz_fuzzy_hit *hits = dn_malloc(NHITS * sizeof *hits);
    if (!hits) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    size_t n = 0;
    dn_status s = dni_gz_fuzzy(ctx, ix, key, len, true, hits, NHITS, &n);
    if (s == DN_OK) s = cands_begin(ix);
    for (size_t i = 0; s == DN_OK && i < n; i++)
        s = dni_gz_collect(ix, hits[i].key, strlen(hits[i].key), (int)(hits[i].similarity * 100), DN_MATCH_FUZZY,
                           ix->cands);
    dn_free(hits);
    if (s != DN_OK) return s == DN_ERR_NOMEM ? dni_fail(ctx, s, "out of memory") : s;
    struct gz_cands *c = ix->cands;
    keep_admin(ix, c, admin_only);
    if (max_alt == 0 || c->n == 0) return DN_OK;
    dni_gz_score(ix, c, NULL, 0);
    qsort(c->v, c->n, sizeof *c->v, cmp_cand);
    out->alternatives = dn_calloc(max_alt, sizeof *out->alternatives);
    if (!out->alternatives) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c->n && out->nalternatives < max_alt; i++) {
        const struct gz_place *p = &ix->places[c->v[i].place];
        bool dup = false;
        for (size_t k = 0; k < out->nalternatives && !dup; k++) {
            long ki = dni_gz_place_index(ix, out->alternatives[k].place.id);
            dup = ki >= 0 && same_entity(&ix->places[ki], p);
        }
        if (dup) continue;
        struct dn_geocode_alt *a = &out->alternatives[out->nalternatives++];
        dni_gz_fill_place(ix, c->v[i].place, &a->place);
        a->match = DN_MATCH_FUZZY;
        a->score = c->v[i].quality / 100.0 * 0.5;
    }
    return DN_OK;
}

static dn_status geocode_name(dn_ctx *ctx, const char *name, size_t len, const struct dn_geocode_opts *opts,
                              struct dn_geocode_result *out)
{
    memset(out, 0, sizeof *out);
    out->status = DN_GEOCODE_UNRESOLVED;
    if (!name || len == 0) return dni_fail(ctx, DN_ERR_INPUT, "empty name");
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    if (s != DN_OK) return s;
    struct gz_hints hints;
    unsigned kind_hint;
    size_t max_alt = opts && (opts->max_alternatives || opts->alternatives_given) ? opts->max_alternatives : 5;
    if (dni_gz_memo_get(ix, name, len, opts, &hints, &kind_hint)) {
        /* the same name and admin names as an earlier lookup, the index unchanged */
        if (opts) dni_gz_hints_per_lookup(&hints, opts);
        dni_gz_score(ix, ix->cands, &hints, kind_hint);
        return build_result(ctx, ix, ix->cands, &hints, max_alt, out);
    }
    /* hints first: they use the scratch key buffer the query key then fills */
    if ((s = dni_gz_resolve_hints(ctx, ix, opts, &hints)) != DN_OK) return s;
    if ((s = dn_name_key(ctx, name, len, &ix->scratch)) != DN_OK) return s;
    if (ix->scratch.len == 0) return dni_fail(ctx, DN_ERR_INPUT, "name has no letters or digits");
    struct gz_variants var;
    unsigned admin_only = opts ? opts->admin_only : 0;
    if ((s = collect_query(ix, ix->scratch.data, ix->scratch.len, &var)) != DN_OK)
        return dni_fail(ctx, s, "out of memory");
    keep_admin(ix, ix->cands, admin_only);
    if (ix->cands->n == 0 && admin_only && (s = cands_begin(ix)) != DN_OK) return dni_fail(ctx, s, "out of memory");
    if (ix->cands->n == 0) {
        enum { NHITS = 6 };
        struct gz_fuzzy_hit hits[NHITS];
        size_t n = 0;
        const char *core = var.n > 1 && var.v[1].family == GZ_V_CORE ? var.v[1].s : var.v[0].s;
        size_t corelen = var.n > 1 && var.v[1].family == GZ_V_CORE ? var.v[1].len : var.v[0].len;
        if ((s = dni_gz_fuzzy(ctx, ix, core, corelen, false, hits, NHITS, &n)) != DN_OK) return s;
        for (size_t i = 0; i < n && s == DN_OK; i++)
            if (hits[i].similarity >= FUZZY_ACCEPT)
                s = dni_gz_collect(ix, hits[i].key, strlen(hits[i].key), (int)(hits[i].similarity * 90),
                                   DN_MATCH_FUZZY, ix->cands);
        /* farther misspellings: only their major places; collected last,
         * so that dropping the others leaves no mark that a later
         * addition could trip on */
        size_t strong = ix->cands->n;
        for (size_t i = 0; i < n && s == DN_OK; i++)
            if (hits[i].similarity >= FUZZY_MAJOR && hits[i].similarity < FUZZY_ACCEPT)
                s = dni_gz_collect(ix, hits[i].key, strlen(hits[i].key), (int)(hits[i].similarity * 90),
                                   DN_MATCH_FUZZY, ix->cands);
        if (s != DN_OK) return dni_fail(ctx, s, "out of memory");
        size_t kept = strong;
        for (size_t i = strong; i < ix->cands->n; i++)
            if (is_major(&ix->places[ix->cands->v[i].place])) ix->cands->v[kept++] = ix->cands->v[i];
        ix->cands->n = kept;
        keep_admin(ix, ix->cands, admin_only);
    }
    if (ix->cands->n == 0) return suggest(ctx, ix, ix->scratch.data, ix->scratch.len, max_alt, admin_only, out);
    dni_gz_memo_put(ix, name, len, opts, &hints, var.kind_hint);
    dni_gz_score(ix, ix->cands, &hints, var.kind_hint);
    return build_result(ctx, ix, ix->cands, &hints, max_alt, out);
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* "Wana, South Waziristan", "Peshawar (KP)", "Khost, Afghanistan": a name
 * and the area it lies in, as spreadsheets and reports write them. Splits
 * at the last comma or an ending "(...)"; false when there is no such
 * qualifier. The parts point into `name`. */
static bool split_qualifier(const char *name, size_t len, size_t *name_len, const char **qual, size_t *qual_len)
{
    size_t end = len;
    while (end > 0 && is_blank(name[end - 1])) end--;
    size_t cut = end, qs, qe = end;
    if (end > 0 && name[end - 1] == ')') {
        const char *open = memchr(name, '(', end);
        if (!open) return false;
        cut = (size_t)(open - name);
        qs = cut + 1;
        qe = end - 1;
    } else {
        while (cut > 0 && name[cut - 1] != ',') cut--;
        if (cut == 0) return false;
        qs = cut;
        cut--;
    }
    while (qs < qe && is_blank(name[qs])) qs++;
    while (qe > qs && is_blank(name[qe - 1])) qe--;
    while (cut > 0 && is_blank(name[cut - 1])) cut--;
    if (cut == 0 || qe == qs) return false;
    *name_len = cut;
    *qual = name + qs;
    *qual_len = qe - qs;
    return true;
}

dn_status dn_geocode(dn_ctx *ctx, const char *name, size_t len, const struct dn_geocode_opts *opts,
                     struct dn_geocode_result *out)
{
    dn_status s = geocode_name(ctx, name, len, opts, out);
    size_t nlen, qlen;
    const char *qual;
    if (s != DN_OK || out->status != DN_GEOCODE_UNRESOLVED || !split_qualifier(name, len, &nlen, &qual, &qlen))
        return s;
    /* the qualifier as the hint of its level, unless that level is hinted already */
    struct dn_geocode_opts area_opts = {.admin_only = DN_GEOCODE_ADMIN_COUNTRY | DN_GEOCODE_ADMIN_PROVINCE |
                                                      DN_GEOCODE_ADMIN_REGION | DN_GEOCODE_ADMIN_DISTRICT,
                                        .alternatives_given = true};
    struct dn_geocode_result area;
    if ((s = geocode_name(ctx, qual, qlen, &area_opts, &area)) != DN_OK) {
        dni_clear_error(ctx); /* a qualifier with no letters: the name stays unresolved */
        return DN_OK;
    }
    char *qcopy = area.status != DN_GEOCODE_UNRESOLVED ? dn_strndup(qual, qlen) : NULL;
    struct dn_geocode_opts with = opts ? *opts : (struct dn_geocode_opts){0};
    const char **level = area.place.precision == DN_PREC_COUNTRY    ? &with.country
                         : area.place.precision == DN_PREC_PROVINCE ? &with.province
                                                                     : &with.district;
    dn_geocode_result_clear(&area);
    if (!qcopy || *level) {
        dn_free(qcopy);
        return DN_OK; /* not an area, or out of memory for it: the name stays unresolved */
    }
    *level = qcopy;
    struct dn_geocode_result qualified;
    s = geocode_name(ctx, name, nlen, &with, &qualified);
    dn_free(qcopy);
    if (s == DN_ERR_INPUT) { /* the part before the qualifier is no name ("\x0e, Urgun"): unresolved as it was */
        dni_clear_error(ctx);
        return DN_OK;
    }
    if (s != DN_OK) {
        dn_geocode_result_clear(out); /* an error leaves nothing for the caller to free */
        return s;
    }
    if (qualified.status == DN_GEOCODE_UNRESOLVED || qualified.outside_hints) {
        dn_geocode_result_clear(&qualified);
        return DN_OK;
    }
    dn_geocode_result_clear(out);
    *out = qualified;
    return DN_OK;
}

dn_status dn_gazetteer_place(dn_ctx *ctx, long long id, struct dn_place *out)
{
    struct gz_index *ix;
    dn_status s = dni_gz_index(ctx, &ix);
    if (s != DN_OK) return s;
    long idx = dni_gz_place_index(ix, id);
    if (idx < 0) return dni_fail(ctx, DN_ERR_NOT_FOUND, "no place with id %lld", id);
    dni_gz_fill_place(ix, (uint32_t)idx, out);
    return DN_OK;
}

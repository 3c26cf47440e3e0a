/** @file frame.c
 * Distance cells: for each cell of a grid over the region, an ellipsoidal
 * azimuthal equidistant (AEQD) frame centred on the cell, whose coordinates
 * are geodesic distance and azimuth from PROJ's geod_inverse — the same
 * construction as PROJ's ellipsoidal aeqd — plus the short list of line
 * segments that can hold the nearest point of the line for any point of
 * the cell. A query then needs no geodesic call: the point enters the frame
 * through a second-order Taylor polynomial fitted to geod_inverse (error
 * under a millimetre in a 0.1° cell), and planar distances in the frame
 * match geod_inverse to centimetres near the line and decimetres a
 * thousand kilometres away (README "Performance" gives the measured bounds).
 *
 * The candidate list is chosen conservatively, coarse to fine:
 *   A. unit-sphere bounds (geodetic coordinates on a unit sphere, scaled by
 *      the least and greatest radius of curvature of the ellipsoid, so
 *      R_lo·σ ≤ geodesic distance ≤ R_hi·σ holds exactly) pick the
 *      super-chunks (256 segments) that could be nearest;
 *   B. in the frame, from the exact distance and azimuths to each group's
 *      centre and its vertices' offsets in the group's own AEQD frame, groups
 *      are dropped when, for every point of the cell, some line point is
 *      provably nearer — with a bound that follows the direction of the
 *      offset, so that cells far from the line keep only a few segments;
 *      chunks (16 segments) of the surviving super-chunks likewise;
 *   C. the same test per segment.
 * Cells near the line are split into four (down to 1/8 of a top cell) so
 * that their lists stay short. Everything is built on first use, so a run
 * pays only for the cells its points fall in.
 */
#include <math.h>
#include <string.h>

#include "border/border_internal.h"

#define DEG (M_PI / 180.0)
/** A cell's list may hold this many segments before it is split... */
#define KMAX 24
/** ...unless it is this many halvings below a top cell already. */
#define DMAX 3
/** Split a cell at once when the line may pass within this many cell radii. */
#define NEAR_FACTOR 2.0

/* Slack for the difference between a frame distance and the geodesic
 * distance (measured well under this: see the file head). */
static double slack(double d) { return 1.0 + 1e-6 * d; }

/* The same for a group's own frame, whose points lie up to `rho` from its
 * centre: the error grows with rho² · d (1.4 m for 15 km at 1500 km). */
static double group_slack(double rho, double d) { return 2.0 + 1e-6 * d + 1e-14 * rho * rho * d; }

static void aeqd(struct dni_border *b, double clat, double clon, double lat, double lon, double *x, double *y)
{
    double s, az;
    b->geod_calls++;
    geod_inverse(&b->geod, clat, clon, lat, lon, &s, &az, NULL);
    *x = s * sin(az * DEG);
    *y = s * cos(az * DEG);
}

static double taylor(const double t[5], double u, double v)
{
    return t[0] * u + t[1] * v + t[2] * u * u + t[3] * u * v + t[4] * v * v;
}

void dni_frame_project(const struct dni_frame *f, double lon, double lat, double *x, double *y)
{
    double u = (lon - f->clon) * f->ihx, v = (lat - f->clat) * f->ihy;
    *x = taylor(f->tx, u, v);
    *y = taylor(f->ty, u, v);
}

void dni_frame_free(struct dni_frame *f)
{
    if (!f) return;
    for (int i = 0; i < 4; i++) dni_frame_free(f->child[i]);
    dn_free(f); /* the segments and crossings live in the same block */
}

/* Angular radius of the cell on the unit sphere. */
static double cell_sigma(const struct dni_frame *f)
{
    double uc[3], rs = 0;
    dni_unit_vector(f->clon, f->clat, uc);
    for (int a = -1; a <= 1; a++)
        for (int c = -1; c <= 1; c++) {
            double u[3];
            dni_unit_vector(f->clon + a * f->hx, f->clat + c * f->hy, u);
            rs = fmax(rs, dni_angle(uc, u));
        }
    return rs * 1.01 + 1e-12;
}

/* Taylor coefficients from geod_inverse at the eight neighbours of the
 * centre (central differences), and the bound r on how far (in the frame)
 * a point of the cell can be from the centre. */
static void fit_taylor(struct dni_border *b, struct dni_frame *f)
{
    double X[3][3] = {{0}}, Y[3][3] = {{0}};
    for (int a = -1; a <= 1; a++)
        for (int c = -1; c <= 1; c++)
            if (a || c) aeqd(b, f->clat, f->clon, f->clat + c * f->hy, f->clon + a * f->hx, &X[a + 1][c + 1],
                             &Y[a + 1][c + 1]);
    double(*M)[3] = X;
    double *t = f->tx;
    for (int k = 0; k < 2; k++, M = Y, t = f->ty) {
        t[0] = (M[2][1] - M[0][1]) / 2;
        t[1] = (M[1][2] - M[1][0]) / 2;
        t[2] = (M[2][1] + M[0][1]) / 2;
        t[3] = (M[2][2] - M[2][0] - M[0][2] + M[0][0]) / 4;
        t[4] = (M[1][2] + M[1][0]) / 2;
    }
    /* the image of the cell is a parallelogram bent by the quadratic terms:
     * its farthest point is within their total size of a corner */
    double r = 0;
    for (int su = -1; su <= 1; su += 2)
        for (int sv = -1; sv <= 1; sv += 2) r = fmax(r, hypot(taylor(f->tx, su, sv), taylor(f->ty, su, sv)));
    double bend = 0;
    for (int k = 2; k < 5; k++) bend += fabs(f->tx[k]) + fabs(f->ty[k]);
    f->r = r + bend + 0.01;
}

/* Distance from point (px, py) to segment a-b, and the foot point. */
static double point_seg(double px, double py, double ax, double ay, double bx, double by, double *fx, double *fy)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    *fx = ax + t * dx;
    *fy = ay + t * dy;
    return hypot(*fx - px, *fy - py);
}

/* The best known line point q0 (distance d0 from the centre, direction w0):
 * for every point P of the cell the line is at most |P - q0| away. */
struct bound {
    double d0, w0x, w0y;
    double r;
};

static void bound_update(struct bound *bd, double d, double fx, double fy)
{
    if (d >= bd->d0) return;
    bd->d0 = d;
    bd->w0x = d > 0 ? fx / d : 0;
    bd->w0y = d > 0 ? fy / d : 0;
}

/* Simple test: a set no nearer than `lower` to the centre is beyond reach
 * when even its nearest possible point is farther than d0 + 2r. */
static bool beyond(const struct bound *bd, double lower) { return lower - bd->r > bd->d0 + bd->r + 2 * slack(lower); }

/* Direction-aware test for a set whose points q all satisfy |q| ≥ lower and
 * lie within the angle alpha of the direction (wx, wy) seen from the centre:
 * q0 is nearer for every point P of the cell (|P| ≤ r) since
 *   |P - q| ≥ |q| - P·ŵq ≥ lower - P·w - r·alpha   and
 *   |P - q0| ≤ d0 - P·w0 + r²/(2 d0)   (for d0 ≥ r). */
static bool prunable(const struct bound *bd, double lower, double wx, double wy, double alpha)
{
    if (beyond(bd, lower)) return true;
    double r = bd->r;
    if (bd->d0 > r && alpha < 1) {
        double g = lower - r * alpha - bd->d0 - r * r / (2 * bd->d0) - r * hypot(wx - bd->w0x, wy - bd->w0y);
        if (g > 2 * slack(lower)) return true;
    }
    return false;
}

/* A group seen from the cell centre: its centre at distance d, azimuth az1
 * at the cell centre and az2 at the group's centre. `cx, cy` receive the
 * cell centre's position in the group's own frame. */
struct view {
    double d, wx, wy, cx, cy, stretch;
};

static void view_of(struct dni_border *b, const struct dni_frame *f, const struct dni_chunk *g, struct view *v)
{
    double az1, az2;
    b->geod_calls++;
    geod_inverse(&b->geod, f->clat, f->clon, g->lat, g->lon, &v->d, &az1, &az2);
    v->wx = sin(az1 * DEG);
    v->wy = cos(az1 * DEG);
    double back = (az2 + 180) * DEG; /* from the group's centre back to the cell's */
    v->cx = v->d * sin(back);
    v->cy = v->d * cos(back);
    /* AEQD stretches lengths across the radial direction by at most θ/sin θ
     * (θ = distance over the least radius of curvature) */
    double theta = (v->d + g->rho_m) / b->r_lo;
    v->stretch = theta < 1e-9 ? 1.0 : theta < 2.5 ? theta / sin(theta) : INFINITY;
}

/* Nearest possible distance from the cell centre to vertices k0..k1 of
 * group g (and the segments between them), from the group's frame. */
static double group_lower(const struct dni_chunk *g, const struct view *v, uint32_t k0, uint32_t k1)
{
    double best = INFINITY, fx, fy;
    if (k0 == k1) best = hypot(g->off[k0][0] - v->cx, g->off[k0][1] - v->cy);
    for (uint32_t k = k0; k < k1; k++)
        best = fmin(best, point_seg(v->cx, v->cy, g->off[k][0], g->off[k][1], g->off[k + 1][0], g->off[k + 1][1], &fx,
                                    &fy));
    return best - group_slack(g->rho_m, v->d);
}

static bool group_prunable(const struct bound *bd, const struct dni_chunk *g, const struct view *v, double lower)
{
    double spread = g->rho_m * v->stretch;
    double alpha = v->d > spread ? asin(spread / v->d) : INFINITY;
    return prunable(bd, lower, v->wx, v->wy, alpha);
}

struct scratch {
    double *lb;              /* per super-chunk: sphere lower bound, radians */
    uint32_t *supers;        /* super-chunks kept */
    struct view *sview;      /* per super-chunk kept: its view */
    size_t nsupers;
    uint32_t *keep;          /* chunks kept */
    uint32_t *keep_super;    /* and the index of their super-chunk in `supers` */
    struct view *kview;      /* and their own views */
    size_t nkeep;
    double (*xy)[2];         /* projected vertices of one chunk */
    struct dni_cseg *cs;
};

static void scratch_free(struct scratch *sc)
{
    dn_free(sc->lb);
    dn_free(sc->supers);
    dn_free(sc->sview);
    dn_free(sc->keep);
    dn_free(sc->keep_super);
    dn_free(sc->kview);
    dn_free(sc->xy);
    dn_free(sc->cs);
}

static dn_status scratch_alloc(dn_ctx *ctx, const struct dni_line *L, struct scratch *sc)
{
    size_t ns = L->nsuper ? L->nsuper : 1, nc = L->nchunk ? L->nchunk : 1;
    sc->lb = dn_malloc(ns * sizeof *sc->lb);
    sc->supers = dn_malloc(ns * sizeof *sc->supers);
    sc->sview = dn_malloc(ns * sizeof *sc->sview);
    sc->keep = dn_malloc(nc * sizeof *sc->keep);
    sc->keep_super = dn_malloc(nc * sizeof *sc->keep_super);
    sc->kview = dn_malloc(nc * sizeof *sc->kview);
    sc->xy = dn_malloc((DNI_CHUNK_SEGMENTS + 1) * sizeof *sc->xy);
    if (sc->lb && sc->supers && sc->sview && sc->keep && sc->keep_super && sc->kview && sc->xy) return DN_OK;
    return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
}

/* Stage A: super-chunks that can hold the nearest point, by unit-sphere
 * bounds. `best_vertex` receives the vertex nearest on the sphere and
 * `near` a lower bound (metres) on the distance from the cell to the line. */
static void stage_a(struct dni_border *b, const struct dni_frame *f, double rsig, struct scratch *sc,
                    uint32_t *best_vertex, double *near)
{
    const struct dni_line *L = &b->line;
    double uc[3];
    dni_unit_vector(f->clon, f->clat, uc);
    double ub = INFINITY;
    for (size_t j = 0; j < L->nsuper; j++) {
        sc->lb[j] = dni_angle(uc, L->super[j].u) - L->super[j].rho_sigma;
        ub = fmin(ub, sc->lb[j] + 2 * L->super[j].rho_sigma);
    }
    /* the nearest vertex lies in a super-chunk that can be nearer than the
     * farthest point of any one; the best chunk among those, and its
     * nearest vertex, bound the distance of every point of the cell */
    double cbest = INFINITY;
    size_t best_chunk = 0;
    for (size_t j = 0; j < L->nsuper; j++) {
        if (sc->lb[j] > ub) continue;
        size_t c0 = L->super[j].first / DNI_CHUNK_SEGMENTS, c1 = c0 + DNI_SUPER_CHUNKS;
        if (c1 > L->nchunk) c1 = L->nchunk;
        for (size_t c = c0; c < c1; c++) {
            double v = dni_angle(uc, L->chunk[c].u) - L->chunk[c].rho_sigma;
            if (v < cbest) {
                cbest = v;
                best_chunk = c;
            }
        }
    }
    const struct dni_chunk *ch = &L->chunk[best_chunk];
    double smin = INFINITY;
    for (uint32_t v = 0; v <= ch->count; v++) {
        double a = dni_angle(uc, L->u[ch->first + v]);
        if (a < smin) {
            smin = a;
            *best_vertex = ch->first + v;
        }
    }
    double upper = b->r_hi * (smin + rsig);
    sc->nsupers = 0;
    for (size_t j = 0; j < L->nsuper; j++)
        if (b->r_lo * (sc->lb[j] - rsig) <= upper) sc->supers[sc->nsupers++] = (uint32_t)j;
    *near = b->r_lo * fmax(0.0, cbest - rsig);
}

/* Project the n line vertices from `first` on into the frame. */
static void project_vertices(struct dni_border *b, const struct dni_frame *f, uint32_t first, uint32_t n,
                             double (*xy)[2])
{
    for (uint32_t v = 0; v < n; v++)
        aeqd(b, f->clat, f->clon, b->line.lat[first + v], b->line.lon[first + v], &xy[v][0], &xy[v][1]);
}

/* Tighten the bound with the segments on both sides of vertex v. */
static void bound_from_vertex(struct dni_border *b, const struct dni_frame *f, uint32_t v, struct bound *bd)
{
    uint32_t v0 = v > 0 ? v - 1 : 0, v1 = v + 1 < b->line.nv ? v + 1 : v;
    double xy[3][2];
    project_vertices(b, f, v0, v1 - v0 + 1, xy);
    for (uint32_t k = 0; k + v0 < v1; k++) {
        double fx, fy;
        double d = point_seg(0, 0, xy[k][0], xy[k][1], xy[k + 1][0], xy[k + 1][1], &fx, &fy);
        bound_update(bd, d, fx, fy);
    }
}

/* Stage B: in the frame, drop super-chunks, then chunks. A chunk's nearness
 * comes from its vertices in its super-chunk's frame (no geodesic call);
 * only chunks that pass get a geod_inverse of their own, for the
 * direction-aware test. */
static void stage_b(struct dni_border *b, const struct dni_frame *f, struct scratch *sc, uint32_t best_vertex,
                    struct bound *bd)
{
    const struct dni_line *L = &b->line;
    bound_from_vertex(b, f, best_vertex, bd);
    size_t ns = 0;
    for (size_t k = 0; k < sc->nsupers; k++) {
        const struct dni_chunk *g = &L->super[sc->supers[k]];
        struct view v;
        view_of(b, f, g, &v);
        if (group_prunable(bd, g, &v, group_lower(g, &v, 0, g->count))) continue;
        sc->supers[ns] = sc->supers[k];
        sc->sview[ns++] = v;
    }
    sc->nsupers = ns;
    /* the sphere's guess at the nearest vertex can be off by the sphere's
     * slack: the super-chunks' frames know better */
    uint32_t nearest = best_vertex;
    double nearest_d = INFINITY;
    for (size_t k = 0; k < sc->nsupers; k++) {
        const struct dni_chunk *g = &L->super[sc->supers[k]];
        const struct view *v = &sc->sview[k];
        for (uint32_t i = 0; i <= g->count; i++) {
            double d = hypot(g->off[i][0] - v->cx, g->off[i][1] - v->cy);
            if (d < nearest_d) {
                nearest_d = d;
                nearest = g->first + i;
            }
        }
    }
    if (nearest != best_vertex) bound_from_vertex(b, f, nearest, bd);
    sc->nkeep = 0;
    for (size_t k = 0; k < sc->nsupers; k++) {
        const struct dni_chunk *g = &L->super[sc->supers[k]];
        size_t c0 = g->first / DNI_CHUNK_SEGMENTS, c1 = c0 + DNI_SUPER_CHUNKS;
        if (c1 > L->nchunk) c1 = L->nchunk;
        for (size_t c = c0; c < c1; c++) {
            const struct dni_chunk *ch = &L->chunk[c];
            uint32_t k0 = ch->first - g->first;
            double lower = group_lower(g, &sc->sview[k], k0, k0 + ch->count);
            if (beyond(bd, lower)) continue;
            struct view v;
            view_of(b, f, ch, &v);
            if (group_prunable(bd, ch, &v, lower)) continue;
            sc->keep_super[sc->nkeep] = (uint32_t)k;
            sc->kview[sc->nkeep] = v;
            sc->keep[sc->nkeep++] = (uint32_t)c;
        }
    }
}

/* Stage C: the segments of the kept chunks that can be nearest. A segment
 * far off in its super-chunk's frame is dropped without projecting it. */
static size_t stage_c(struct dni_border *b, const struct dni_frame *f, struct scratch *sc, struct bound *bd)
{
    const struct dni_line *L = &b->line;
    size_t n = 0;
    for (size_t k = 0; k < sc->nkeep; k++) {
        const struct dni_chunk *ch = &L->chunk[sc->keep[k]];
        const struct dni_chunk *g = &L->super[sc->supers[sc->keep_super[k]]];
        const struct view *gv = &sc->sview[sc->keep_super[k]];
        uint32_t k0 = ch->first - g->first;
        bool projected[DNI_CHUNK_SEGMENTS + 1] = {false};
        for (uint32_t s = 0; s < ch->count; s++) {
            /* the segment lies in the chunk: the chunk's direction serves */
            if (group_prunable(bd, ch, &sc->kview[k], group_lower(g, gv, k0 + s, k0 + s + 1))) continue;
            for (uint32_t e = s; e <= s + 1; e++)
                if (!projected[e]) {
                    project_vertices(b, f, ch->first + e, 1, &sc->xy[e]);
                    projected[e] = true;
                }
            struct dni_cseg *c = &sc->cs[n];
            c->seg = ch->first + s;
            c->ax = sc->xy[s][0];
            c->ay = sc->xy[s][1];
            c->dx = sc->xy[s + 1][0] - c->ax;
            c->dy = sc->xy[s + 1][1] - c->ay;
            double l2 = c->dx * c->dx + c->dy * c->dy;
            c->inv = l2 > 0 ? 1 / l2 : 0;
            double fx, fy;
            double dseg = point_seg(0, 0, c->ax, c->ay, c->ax + c->dx, c->ay + c->dy, &fx, &fy);
            bound_update(bd, dseg, fx, fy);
            if (beyond(bd, dseg)) continue;
            double mx = c->ax + c->dx / 2, my = c->ay + c->dy / 2, dm = hypot(mx, my);
            /* a projected geodesic bends off the chord by far less than this margin */
            double rho = hypot(c->dx, c->dy) / 2 + 0.01 + 1e-7 * dm;
            if (dm > rho && prunable(bd, fmax(dseg, dm - rho), mx / dm, my / dm, asin(rho / dm))) continue;
            n++;
        }
    }
    /* the bound tightened as segments came in: test the early ones again */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        struct dni_cseg *c = &sc->cs[i];
        double fx, fy;
        double dseg = point_seg(0, 0, c->ax, c->ay, c->ax + c->dx, c->ay + c->dy, &fx, &fy);
        double mx = c->ax + c->dx / 2, my = c->ay + c->dy / 2, dm = hypot(mx, my);
        double rho = hypot(c->dx, c->dy) / 2 + 0.01 + 1e-7 * dm;
        if (beyond(bd, dseg) || (dm > rho && prunable(bd, fmax(dseg, dm - rho), mx / dm, my / dm, asin(rho / dm))))
            continue;
        sc->cs[m++] = *c;
    }
    return m;
}

/* The country label shared by every raster cell under the frame's cell, or
 * DNI_CELL_BOUNDARY when they differ (or the frame is for one point). */
static uint32_t cell_country(const struct dni_label_grid *g, double clon, double clat, double hx, double hy)
{
    if (hx <= 0 || !g->cells) return DNI_CELL_BOUNDARY;
    long ix0 = (long)floor((clon - hx - g->x0) / g->cell), ix1 = (long)floor((clon + hx - g->x0) / g->cell);
    long iy0 = (long)floor((clat - hy - g->y0) / g->cell), iy1 = (long)floor((clat + hy - g->y0) / g->cell);
    /* outside the raster is in no country */
    uint32_t label = DNI_CELL_BOUNDARY;
    for (long iy = iy0; iy <= iy1; iy++)
        for (long ix = ix0; ix <= ix1; ix++) {
            uint32_t v = ix < 0 || iy < 0 || ix >= g->nx || iy >= g->ny ? 0 : g->cells[iy * (long)g->nx + ix];
            if ((v & DNI_CELL_BOUNDARY) || v == DNI_CELL_AMBIGUOUS) return DNI_CELL_BOUNDARY;
            if (label == DNI_CELL_BOUNDARY) label = v;
            else if (v != label) return DNI_CELL_BOUNDARY;
        }
    return label;
}

dn_status dni_frame_build(dn_ctx *ctx, struct dni_border *b, const struct dni_frame *parent, double clon, double clat,
                          double hx, double hy, int depth, struct dni_frame **out)
{
    *out = NULL;
    struct dni_frame head = {.clon = clon, .clat = clat, .hx = hx, .hy = hy, .depth = depth};
    /* a one-point frame maps every point to its centre (Taylor terms stay 0) */
    head.ihx = hx > 0 ? 1 / hx : 0;
    head.ihy = hy > 0 ? 1 / hy : 0;
    const struct dni_line *L = &b->line;
    struct scratch sc = {0};
    dn_status s = scratch_alloc(ctx, L, &sc);
    if (s != DN_OK) goto done;

    double rsig = hx > 0 ? cell_sigma(&head) : 0;
    uint32_t best = 0;
    double near;
    stage_a(b, &head, rsig, &sc, &best, &near);
    /* a cell the line may come close to is split without building its own
     * list: only top cells keep a frame then (for the crossings) */
    bool split_now = depth < DMAX && near < NEAR_FACTOR * b->r_hi * rsig;
    /* a split cell below the top keeps no frame: queries only pass through */
    bool frameless = split_now && parent;
    if (hx > 0 && !frameless) fit_taylor(b, &head);
    if (split_now) {
        head.split = true;
    } else {
        struct bound bd = {.d0 = INFINITY, .r = head.r};
        stage_b(b, &head, &sc, best, &bd);
        sc.cs = dn_malloc((sc.nkeep * DNI_CHUNK_SEGMENTS + 1) * sizeof *sc.cs);
        if (!sc.cs) {
            s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
            goto done;
        }
        head.nseg = (uint32_t)stage_c(b, &head, &sc, &bd);
        if (depth < DMAX && head.nseg > KMAX) {
            head.split = true;
            head.nseg = 0;
        }
    }
    /* the crossings that can be nearest for some point of the cell: among
     * the parent's (a part of its cell), or all of them */
    struct dni_cxing cx[256];
    size_t ncand = parent ? parent->nxing : (b->ncrossing < 256 ? b->ncrossing : 256), nx = 0;
    for (size_t i = 0; i < ncand; i++) {
        cx[i].idx = parent ? parent->xing[i].idx : (uint32_t)i;
        cx[i].x = cx[i].y = 0;
    }
    if (frameless) {
        nx = ncand; /* passed on to the children as they are */
    } else if (ncand) {
        struct bound xb = {.d0 = INFINITY, .r = head.r};
        for (size_t i = 0; i < ncand; i++) {
            const struct dni_crossing *c = &b->crossing[cx[i].idx];
            aeqd(b, clat, clon, c->lat, c->lon, &cx[i].x, &cx[i].y);
            bound_update(&xb, hypot(cx[i].x, cx[i].y), cx[i].x, cx[i].y);
        }
        for (size_t i = 0; i < ncand; i++) {
            double d = hypot(cx[i].x, cx[i].y);
            if (d > 0 && prunable(&xb, d, cx[i].x / d, cx[i].y / d, 0)) continue;
            cx[nx++] = cx[i];
        }
    }
    /* one block: the frame, its segments, its crossings */
    struct dni_frame *f = dn_malloc(sizeof *f + head.nseg * sizeof *f->cs + nx * sizeof *f->xing);
    if (!f) {
        s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        goto done;
    }
    *f = head;
    f->cs = (struct dni_cseg *)(f + 1);
    f->xing = nx ? (struct dni_cxing *)(f->cs + head.nseg) : NULL;
    f->nxing = (uint8_t)nx;
    if (head.nseg) memcpy(f->cs, sc.cs, head.nseg * sizeof *f->cs);
    if (nx) memcpy(f->xing, cx, nx * sizeof *f->xing);
    f->country = cell_country(&b->country_grid, clon, clat, hx, hy);
    b->frames_built++;
    *out = f;
done:
    scratch_free(&sc);
    return s;
}

static dn_status descend(dn_ctx *ctx, struct dni_border *b, struct dni_frame **f, double lon, double lat)
{
    while ((*f)->split) {
        struct dni_frame *p = *f;
        bool east = lon >= p->clon, north = lat >= p->clat;
        int q = (north ? 2 : 0) + (east ? 1 : 0);
        if (!p->child[q]) {
            double hx = p->hx / 2, hy = p->hy / 2;
            dn_status s = dni_frame_build(ctx, b, p, p->clon + (east ? hx : -hx), p->clat + (north ? hy : -hy), hx, hy,
                                          p->depth + 1, &p->child[q]);
            if (s != DN_OK) return s;
        }
        *f = p->child[q];
    }
    return DN_OK;
}

static void scan(const struct dni_frame *f, double px, double py, struct dni_hit *hit)
{
    double best = INFINITY, bt = 0;
    uint32_t bs = 0;
    for (uint32_t i = 0; i < f->nseg; i++) {
        const struct dni_cseg *c = &f->cs[i];
        double ex = px - c->ax, ey = py - c->ay;
        double t = (ex * c->dx + ey * c->dy) * c->inv;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        ex -= t * c->dx;
        ey -= t * c->dy;
        double d2 = ex * ex + ey * ey;
        if (d2 < best) {
            best = d2;
            bs = c->seg;
            bt = t;
        }
    }
    hit->dist_m = sqrt(best);
    hit->seg = bs;
    hit->t = bt;
}

static void nearest_crossing(const struct dni_frame *f, double px, double py,
                             struct dni_hit *hit)
{
    hit->crossing = -1;
    hit->crossing_m = NAN;
    double best = INFINITY;
    for (size_t i = 0; i < f->nxing; i++) {
        double dx = f->xing[i].x - px, dy = f->xing[i].y - py, d2 = dx * dx + dy * dy;
        if (d2 < best) {
            best = d2;
            hit->crossing = (long)f->xing[i].idx;
        }
    }
    if (hit->crossing >= 0) hit->crossing_m = sqrt(best);
}

dn_status dni_frame_nearest(dn_ctx *ctx, struct dni_border *b, double lon, double lat, struct dni_hit *hit)
{
    double fx = (lon - b->fx0) / b->fcell, fy = (lat - b->fy0) / b->fcell;
    struct dni_frame *top, *tmp = NULL;
    dn_status s;
    if (fx >= 0 && fy >= 0 && fx < b->fnx && fy < b->fny) {
        int ix = (int)fx, iy = (int)fy;
        struct dni_frame **slot = &b->frames[(size_t)iy * (size_t)b->fnx + (size_t)ix];
        if (!*slot) {
            double h = b->fcell / 2;
            s = dni_frame_build(ctx, b, NULL, b->fx0 + (ix + 0.5) * b->fcell, b->fy0 + (iy + 0.5) * b->fcell, h, h, 0,
                                slot);
            if (s != DN_OK) return s;
        }
        top = *slot;
    } else {
        /* outside the region: a frame for this one point */
        s = dni_frame_build(ctx, b, NULL, lon, lat, 0, 0, DMAX, &tmp);
        if (s != DN_OK) return s;
        top = tmp;
    }
    struct dni_frame *leaf = top;
    s = descend(ctx, b, &leaf, lon, lat);
    if (s == DN_OK) {
        double px, py;
        dni_frame_project(leaf, lon, lat, &px, &py);
        scan(leaf, px, py, hit);
        nearest_crossing(leaf, px, py, hit);
        hit->country = leaf->country;
    }
    dni_frame_free(tmp);
    return s;
}

int dni_line_orient(const struct dni_line *line, uint32_t seg, double t, double lon, double lat)
{
    /* a local plane (east scaled by cos φ) is plenty for the sign, which is
     * only asked for points within metres of the line */
    double k = cos(lat * DEG);
    if (t > 0 && t < 1) {
        double ex = (line->lon[seg + 1] - line->lon[seg]) * k, ey = line->lat[seg + 1] - line->lat[seg];
        double px = (lon - line->lon[seg]) * k, py = lat - line->lat[seg];
        double c = ex * py - ey * px;
        return c > 0 ? 1 : c < 0 ? -1 : 0;
    }
    uint32_t v = t <= 0 ? seg : seg + 1;
    if (v == 0 || v + 1 >= line->nv) return 0; /* an end of the line: no side */
    /* at a vertex: the sign against the sum of the two segments' left normals */
    double nx = 0, ny = 0;
    for (uint32_t s = v - 1; s <= v; s++) {
        double ex = (line->lon[s + 1] - line->lon[s]) * k, ey = line->lat[s + 1] - line->lat[s];
        double len = hypot(ex, ey);
        if (len > 0) {
            nx += -ey / len;
            ny += ex / len;
        }
    }
    double c = nx * (lon - line->lon[v]) * k + ny * (lat - line->lat[v]);
    return c > 0 ? 1 : c < 0 ? -1 : 0;
}

/** @file border_internal.h
 * Internals of the border module shared between its files: polygon sets,
 * the polygon label grid, the Durand Line with its chunk bounds, the lazily
 * built distance frames, and the index kept in the context slot
 * DNI_SLOT_BORDER. Nothing here leaves src/border/.
 *
 * Ownership: every pointer member is owned by the struct that holds it and
 * released by that struct's _free/_clear function, except where a comment
 * says "borrowed".
 */
#ifndef DN_BORDER_INTERNAL_H
#define DN_BORDER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <geodesic.h>

#include "border/admin.h"
#include "border/border.h"
#include "core/core.h"

/* ---- polygon sets ---------------------------------------------------------- */

/** Polygons of one kind (countries, one country's provinces, ...) with their
 * prepared forms and envelopes, in the order they were read. */
struct dni_polyset {
    size_t n;
    GEOSGeometry **geom;
    const GEOSPreparedGeometry **prep;
    double (*env)[4];     /**< minx, miny, maxx, maxy */
    char **code, **name, **country;
    GEOSSTRtree *tree;    /**< envelopes → polygon index + 1 (for nearest) */
};

/** Read the polygons `sql` selects (columns: code, name, country, WKB) into
 * `set`. `bind` (may be NULL) is bound to parameter 1. */
dn_status dni_polyset_load(dn_ctx *ctx, const char *sql, const char *bind, struct dni_polyset *set);
void dni_polyset_clear(dn_ctx *ctx, struct dni_polyset *set);
/** Indices of the polygons that contain or touch (lon, lat), at most `cap`;
 * tests only the polygons listed in `only` (count `nonly`), or all when
 * `only` is NULL. Returns the number found, or -1 on a GEOS failure. */
int dni_polyset_hits(dn_ctx *ctx, const struct dni_polyset *set, double lon, double lat, const uint32_t *only,
                     size_t nonly, uint32_t *out, int cap);
/** The polygon nearest to (lon, lat) in plane lon/lat terms (ties: lowest
 * index); -1 when the set is empty or GEOS fails. */
long dni_polyset_nearest(dn_ctx *ctx, const struct dni_polyset *set, double lon, double lat);

/* ---- label grid -------------------------------------------------------------- */

/** A raster over a polygon set: each cell either lies wholly in one polygon
 * (or none) — settled without GEOS — or is touched by some polygon's edge,
 * in which case it lists the polygons to test. */
struct dni_label_grid {
    double x0, y0, cell;  /**< south-west corner and cell size, degrees */
    int nx, ny;
    uint32_t *cells;      /**< DNI_CELL_* encoding below */
    uint32_t *touch;      /**< for boundary cells: count, then polygon indices */
    size_t ntouch;
};
#define DNI_CELL_BOUNDARY 0x80000000u /**< low bits: offset into touch[] */
#define DNI_CELL_AMBIGUOUS 0x7fffffffu /**< overlapping polygons: test all */
/* any other value: 0 = in no polygon, i + 1 = inside polygon i */

dn_status dni_label_grid_build(dn_ctx *ctx, const struct dni_polyset *set, double cell, struct dni_label_grid *g);
void dni_label_grid_clear(struct dni_label_grid *g);
/** Whether (lon, lat) lies in a cell that polygon edges cross. */
bool dni_label_grid_crossed(const struct dni_label_grid *g, double lon, double lat);
/** Polygons containing (lon, lat), boundary inclusive: writes up to `cap`
 * indices to `out` and returns how many, or -1 on a GEOS failure. In a
 * cell that edges cross, only the polygons whose edges cross it are tested
 * (any polygon when none of them holds the point): where polygons overlap,
 * one that holds the whole cell can be missed. */
int dni_label_grid_locate(dn_ctx *ctx, const struct dni_label_grid *g, const struct dni_polyset *set, double lon,
                          double lat, uint32_t *out, int cap);

/* ---- the Durand Line -------------------------------------------------------- */

/** Consecutive segments grouped for pruning: a cap on the unit sphere (in
 * geodetic coordinates) and a geodesic disk that hold every point of them,
 * and each vertex's offset from the centre in the centre's azimuthal
 * equidistant frame (east, north, metres), which bounds the group's
 * distance from far away much more tightly than the disk. */
struct dni_chunk {
    double u[3];      /**< centre on the unit sphere */
    double rho_sigma; /**< angular radius (radians) */
    double lon, lat;  /**< centre, degrees */
    double rho_m;     /**< geodesic radius, metres */
    uint32_t first;   /**< first segment; segments first .. first+count-1 */
    uint32_t count;
    double (*off)[2]; /**< count + 1 vertex offsets; borrowed from dni_line.off */
};

#define DNI_CHUNK_SEGMENTS 16 /**< segments per chunk */
#define DNI_SUPER_CHUNKS 16   /**< chunks per super-chunk */

struct dni_line {
    size_t nv;            /**< vertices; segments are nv - 1 */
    double *lon, *lat;    /**< degrees */
    double (*u)[3];       /**< unit-sphere vectors of the geodetic coordinates */
    size_t nchunk, nsuper;
    struct dni_chunk *chunk, *super;
    double (*off)[2];     /**< storage of every group's vertex offsets */
    size_t nv_stored;     /**< vertices as stored (before long segments were divided) */
    char left_iso[4], right_iso[4];
    double length_km;     /**< as stored with the line (NaN if none) */
};

struct dni_crossing {
    char *name;
    double lon, lat;
};

/** Read the first line of table `border` (its vertices, unit vectors and
 * chunks). DN_ERR_GEODATA when there is none. */
dn_status dni_line_load(dn_ctx *ctx, const struct geod_geodesic *geod, struct dni_line *line);
void dni_line_clear(struct dni_line *line);
/** Read table `crossings`; free with dni_crossings_free. */
dn_status dni_crossings_load(dn_ctx *ctx, struct dni_crossing **out, size_t *n);
void dni_crossings_free(struct dni_crossing *c, size_t n);

/** The point at fraction t (0..1) of segment `seg`, interpolated in
 * lon/lat: segments are at most DNI_MAX_SEGMENT_M long (longer stored ones
 * are divided along their geodesic on loading), where this differs from the
 * geodesic by under a centimetre. */
void dni_line_point(const struct dni_line *line, uint32_t seg, double t, double *lon, double *lat);
#define DNI_MAX_SEGMENT_M 500.0

/** The unit-sphere vector of geodetic (lon, lat) in degrees. */
void dni_unit_vector(double lon, double lat, double u[3]);
/** Angle between two unit vectors, radians. */
double dni_angle(const double a[3], const double b[3]);

/* ---- distance frames ---------------------------------------------------- */

/** A candidate crossing of a frame: its index and position in the frame. */
struct dni_cxing {
    double x, y;
    uint32_t idx;
};

/** A candidate segment of a frame: its start and direction in the frame,
 * and 1 / squared length (0 for a degenerate segment). */
struct dni_cseg {
    double ax, ay, dx, dy, inv;
    uint32_t seg;
};

/** One cell of the distance grid: an ellipsoidal azimuthal equidistant
 * frame centred on the cell (coordinates from geod_inverse), the Taylor
 * polynomial taking a point of the cell into it, and the line segments that
 * can hold the nearest point of the line for any point of the cell. Split
 * cells hold four children instead of segments. */
struct dni_frame {
    /* what a query reads, first */
    bool split;
    uint8_t nxing;              /**< crossings that can be nearest in the cell */
    uint32_t country;           /**< country label of the whole cell (as in dni_label_grid), or DNI_CELL_BOUNDARY */
    uint32_t nseg;
    struct dni_frame *child[4]; /**< split cells: SW, SE, NW, NE; built on first use */
    double clon, clat;          /**< centre, degrees */
    double ihx, ihy;            /**< 1 / half sizes (0 for a one-point frame) */
    double tx[5], ty[5];        /**< x|y = t0 u + t1 v + t2 u² + t3 uv + t4 v², u,v in [-1,1] (0 in frameless split cells) */
    struct dni_cseg *cs;        /**< in the frame's own allocation */
    struct dni_cxing *xing;     /**< those crossings (same allocation; no coordinates in frameless split cells) */
    /* what building reads */
    double hx, hy;              /**< half sizes, degrees */
    double r;                   /**< bound on the frame distance of any point of the cell from the centre, m */
    int depth;
};

struct dni_border;

/** What the distance grid finds for a point. */
struct dni_hit {
    double dist_m;      /**< frame distance to the nearest point of the line */
    uint32_t seg;       /**< its segment */
    double t;           /**< and position on it, 0..1 */
    long crossing;      /**< nearest crossing, -1 if none */
    double crossing_m;  /**< frame distance to it */
    uint32_t country;   /**< the leaf cell's country label, DNI_CELL_BOUNDARY when mixed */
};

/** Build the frame of a cell (centre, half sizes; half sizes 0 make a frame
 * for that one point). `parent` is the cell it splits, NULL for a top cell
 * or a one-point frame; its crossings are the candidates. */
dn_status dni_frame_build(dn_ctx *ctx, struct dni_border *b, const struct dni_frame *parent, double clon, double clat,
                          double hx, double hy, int depth, struct dni_frame **out);
/** Free a frame and its children; NULL is a no-op. */
void dni_frame_free(struct dni_frame *f);
/** The point (lon, lat), inside the frame's cell, in frame coordinates. */
void dni_frame_project(const struct dni_frame *f, double lon, double lat, double *x, double *y);
/** Nearest point of the line and nearest crossing for (lon, lat), building
 * the cells it needs. */
dn_status dni_frame_nearest(dn_ctx *ctx, struct dni_border *b, double lon, double lat, struct dni_hit *hit);
/** Side of the line at segment `seg`, position t, for (lon, lat): +1 left,
 * -1 right, 0 on it or at one of its ends. */
int dni_line_orient(const struct dni_line *line, uint32_t seg, double t, double lon, double lat);

/* ---- the index ------------------------------------------------------------- */

#define DNI_MAX_BANDS DN_BORDER_MAX_BANDS

struct dni_bands {
    size_t n;                     /**< number of edges; there are n + 1 bands */
    double edge_km[DNI_MAX_BANDS];
    char label[DNI_MAX_BANDS + 1][32];
};

/** One country's admin layers, ready for lookups. */
struct dni_admin_country {
    char iso[4];
    struct dni_polyset provinces, districts;
    struct dni_label_grid province_grid, district_grid;
};

/** The state of DNI_SLOT_BORDER. Parts are loaded on first use: the
 * border part (countries, line, crossings) by the border check, the admin
 * part by dn_admin_locate. */
struct dni_border {
    struct dni_bands bands;
    bool exact;                  /**< refine the distance with geod_inverse */

    bool loaded;
    double load_ms;
    struct geod_geodesic geod;
    double r_lo, r_hi;           /**< bounds of the ellipsoid's radii of curvature, metres */
    struct dni_polyset countries;
    struct dni_label_grid country_grid;
    struct dni_line line;
    struct dni_crossing *crossing;
    size_t ncrossing;
    int left_country, right_country; /**< indices in countries of left_iso/right_iso, -1 if absent */

    /* distance grid of top-level frames, built lazily */
    double fx0, fy0, fcell;
    int fnx, fny;
    struct dni_frame **frames;
    size_t frames_built;         /**< frames of any depth built so far */
    size_t geod_calls;           /**< geod_inverse calls made building them */

    bool admin_loaded;
    double admin_ms;
    struct dni_admin_country *admin;
    size_t nadmin;
    struct dni_polyset historical;
    struct dni_label_grid historical_grid;
};

/** The context's border state, created (empty, default bands) when absent. */
dn_status dni_border_state(dn_ctx *ctx, struct dni_border **out);
/** The border state with countries, line and crossings loaded from the store. */
dn_status dni_border_get(dn_ctx *ctx, struct dni_border **out);
/** The border state with the admin layers loaded too. */
dn_status dni_border_get_admin(dn_ctx *ctx, struct dni_border **out);

/** The side of (lon, lat): the ISO3 of the country polygon holding it, or
 * "" when none does. Where the polygons leave it open (gaps and overlaps of
 * metres along the line, a point on an edge), a point within 100 m of the
 * line takes the side of the line it lies on. `hit` is the point's nearest
 * line point when already known, else NULL (then found when needed). */
dn_status dni_border_side(dn_ctx *ctx, struct dni_border *b, double lon, double lat, const struct dni_hit *hit,
                          char side[4]);

/** DN_ERR_RANGE (message in ctx) unless lat/lon are finite and in range. */
dn_status dni_check_range(dn_ctx *ctx, double lat, double lon);

/** Default band edges, km. */
void dni_bands_default(struct dni_bands *bands);

#endif

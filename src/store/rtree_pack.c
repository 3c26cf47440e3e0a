/** @file rtree_pack.c
 * Sort-Tile-Recursive packing of a 2-D SQLite R*Tree, written into its
 * shadow tables. The node format (ext/rtree/rtree.c): every node is a blob
 * of the same size as the root (node 1); two bytes of tree depth (root
 * only), two bytes of cell count, then cells of an 8-byte id (the entry's
 * rowid in a leaf, the child's node number above) and four 32-bit floats
 * xmin, xmax, ymin, ymax, all big-endian. `_rowid` maps each entry to its
 * leaf, `_parent` each non-root node to its parent.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/core.h"
#include "store/rtree_pack.h"
#include "store/store.h"

enum { CELL_BYTES = 8 + 4 * 4, NODE_HEADER = 4, MAX_LEVELS = 40 /* SQLite's RTREE_MAX_DEPTH */ };

struct cell {
    long long id; /* a leaf's entry: its rowid; above: the child's index in its level */
    float box[4]; /* xmin, xmax, ymin, ymax */
};

struct level {
    struct cell *cells; /* in node order */
    size_t n;
    size_t *start; /* node j holds cells[start[j] .. start[j + 1]) */
    size_t nodes;
    long long base; /* node number of node 0 */
};

struct leaf_of {
    long long id, node;
};

/* A double as the 32-bit float SQLite's R*Tree stores for it: rounded
 * outward (the lower bound down, the upper up) so the box always holds the
 * value, by the same scaling SQLite applies when plain conversion rounds
 * the wrong way — a packed entry must equal an inserted one bit for bit. */
static const double toward_zero = 1.0 - 1.0 / 8388608.0, away_from_zero = 1.0 + 1.0 / 8388608.0;

static float lower_bound(double d)
{
    float f = (float)d;
    return f > d ? (float)(d * (d < 0 ? away_from_zero : toward_zero)) : f;
}

static float upper_bound(double d)
{
    float f = (float)d;
    return f < d ? (float)(d * (d < 0 ? toward_zero : away_from_zero)) : f;
}

static int compare_centres(const struct cell *p, const struct cell *q, int axis)
{
    double u = (double)p->box[2 * axis] + p->box[2 * axis + 1], v = (double)q->box[2 * axis] + q->box[2 * axis + 1];
    if (u != v) return u < v ? -1 : 1;
    return (p->id > q->id) - (p->id < q->id); /* ties: a deterministic tree */
}

static int by_x(const void *a, const void *b) { return compare_centres(a, b, 0); }
static int by_y(const void *a, const void *b) { return compare_centres(a, b, 1); }

static int by_id(const void *a, const void *b)
{
    const struct leaf_of *p = a, *q = b;
    return (p->id > q->id) - (p->id < q->id);
}

/* Arrange a level's cells into nodes of at most `cap`: sorted by x into
 * about √(pages) vertical slices of equal size, each sorted by y and cut
 * into nodes of equal size (so no node but a lone root is nearly empty). */
static bool tile(struct level *lv, size_t cap)
{
    size_t n = lv->n, pages = (n + cap - 1) / cap;
    size_t slices = (size_t)ceil(sqrt((double)(pages ? pages : 1)));
    lv->start = dn_malloc((pages + slices + 1) * sizeof *lv->start);
    if (!lv->start) return false;
    if (n > 1) qsort(lv->cells, n, sizeof *lv->cells, by_x); /* an empty tree has no cells at all */
    size_t nodes = 0, at = 0;
    for (size_t s = 0; s < slices; s++) {
        size_t end = n * (s + 1) / slices, size = end - at;
        if (!size) continue;
        qsort(lv->cells + at, size, sizeof *lv->cells, by_y);
        size_t k = (size + cap - 1) / cap;
        for (size_t j = 0; j < k; j++) lv->start[nodes++] = at + size * j / k;
        at = end;
    }
    lv->start[nodes] = n;
    lv->nodes = nodes;
    return true;
}

/* One cell a node of the level below: its index there and the union of its cells. */
static struct cell *parents_of(const struct level *lv)
{
    struct cell *up = dn_malloc(lv->nodes * sizeof *up);
    if (!up) return NULL;
    for (size_t j = 0; j < lv->nodes; j++) {
        const struct cell *c = lv->cells + lv->start[j], *end = lv->cells + lv->start[j + 1];
        up[j].id = (long long)j;
        memcpy(up[j].box, c->box, sizeof up[j].box);
        for (c++; c < end; c++) {
            if (c->box[0] < up[j].box[0]) up[j].box[0] = c->box[0];
            if (c->box[1] > up[j].box[1]) up[j].box[1] = c->box[1];
            if (c->box[2] < up[j].box[2]) up[j].box[2] = c->box[2];
            if (c->box[3] > up[j].box[3]) up[j].box[3] = c->box[3];
        }
    }
    return up;
}

static void put_u16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

static void put_i64(unsigned char *p, long long v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8) p[i] = (unsigned char)u;
}

static void put_cell(unsigned char *p, long long id, const float box[4])
{
    put_i64(p, id);
    for (int k = 0; k < 4; k++) {
        uint32_t bits;
        memcpy(&bits, &box[k], sizeof bits);
        put_u32(p + 8 + 4 * k, bits);
    }
}

/* ---- SQL on the shadow tables ------------------------------------------------ */

static dn_status prepare(dn_ctx *ctx, sqlite3_stmt **st, const char *fmt, const char *rtree)
{
    char *sql = sqlite3_mprintf(fmt, rtree);
    if (!sql) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    int rc = sqlite3_prepare_v2(dni_db(ctx), sql, -1, st, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? DN_OK : dni_fail_sqlite(ctx, "preparing the spatial index rebuild");
}

static dn_status run(dn_ctx *ctx, const char *fmt, const char *rtree)
{
    sqlite3_stmt *st;
    dn_status s = prepare(ctx, &st, fmt, rtree);
    if (s != DN_OK) return s;
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, "rebuilding the spatial index");
}

static dn_status step_done(dn_ctx *ctx, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? DN_OK : dni_fail_sqlite(ctx, what);
}

dn_status dni_rtree_shape(dn_ctx *ctx, const char *rtree, struct dni_rtree_shape *out)
{
    *out = (struct dni_rtree_shape){0, 0};
    int defensive = 0;
    sqlite3_db_config(dni_db(ctx), SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
    if (defensive) return DN_OK;
    sqlite3_stmt *st;
    dn_status s = prepare(ctx, &st, "SELECT sql LIKE '%%USING rtree(%%' FROM sqlite_master WHERE name = '%q'", rtree);
    if (s != DN_OK) return s;
    bool rtree_module = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (!rtree_module) return DN_OK;
    if ((s = prepare(ctx, &st, "SELECT * FROM \"%w\" LIMIT 0", rtree)) != DN_OK) return s;
    int columns = sqlite3_column_count(st);
    sqlite3_finalize(st);
    if (columns != 5) return DN_OK;
    if ((s = prepare(ctx, &st, "SELECT length(data) FROM \"%w_node\" WHERE nodeno = 1", rtree)) != DN_OK) return s;
    int rc = sqlite3_step(st);
    out->node_size = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return dni_fail_sqlite(ctx, "reading the spatial index");
    if (out->node_size >= NODE_HEADER + 4 * CELL_BYTES) out->cap = (size_t)(out->node_size - NODE_HEADER) / CELL_BYTES;
    return DN_OK;
}

static dn_status read_entries(dn_ctx *ctx, const char *entries_sql, struct level *leaves)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(dni_db(ctx), entries_sql, -1, &st, NULL) != SQLITE_OK)
        return dni_fail_sqlite(ctx, "reading the spatial index entries");
    size_t cap = 0;
    int rc;
    dn_status s = DN_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (leaves->n == cap) {
            size_t more = cap ? cap * 2 : 4096;
            struct cell *p = dn_realloc(leaves->cells, more * sizeof *p);
            if (!p) {
                s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
                break;
            }
            leaves->cells = p;
            cap = more;
        }
        struct cell *c = &leaves->cells[leaves->n++];
        c->id = sqlite3_column_int64(st, 0);
        for (int k = 0; k < 4; k++) {
            double v = sqlite3_column_double(st, k + 1); /* NULL reads 0, as an insert would store it */
            c->box[k] = k % 2 ? upper_bound(v) : lower_bound(v);
        }
        if (!(c->box[0] <= c->box[1] && c->box[2] <= c->box[3])) {
            s = dni_fail(ctx, DN_ERR_DB, "spatial index entry %lld: its box is empty or not a number", c->id);
            break;
        }
    }
    if (s == DN_OK && rc != SQLITE_DONE) s = dni_fail_sqlite(ctx, "reading the spatial index entries");
    sqlite3_finalize(st);
    return s;
}

/* Write every node of the levels (root: the last) and the _parent rows. */
static dn_status write_nodes(dn_ctx *ctx, const char *rtree, int node_size, const struct level *lv, int top)
{
    sqlite3_stmt *node_st = NULL, *parent_st = NULL;
    dn_status s = prepare(ctx, &node_st, "INSERT INTO \"%w_node\"(nodeno, data) VALUES (?, ?)", rtree);
    if (s == DN_OK) s = prepare(ctx, &parent_st, "INSERT INTO \"%w_parent\"(nodeno, parentnode) VALUES (?, ?)", rtree);
    unsigned char *blob = s == DN_OK ? dn_malloc((size_t)node_size) : NULL;
    if (s == DN_OK && !blob) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    for (int L = top; s == DN_OK && L >= 0; L--) {
        size_t nodes = lv[L].nodes ? lv[L].nodes : 1; /* an empty tree is an empty root */
        for (size_t j = 0; s == DN_OK && j < nodes; j++) {
            long long node = lv[L].base + (long long)j;
            size_t from = lv[L].nodes ? lv[L].start[j] : 0, to = lv[L].nodes ? lv[L].start[j + 1] : 0;
            memset(blob, 0, (size_t)node_size);
            if (L == top) put_u16(blob, (unsigned)top);
            put_u16(blob + 2, (unsigned)(to - from));
            for (size_t i = from; i < to; i++) {
                const struct cell *c = &lv[L].cells[i];
                long long id = L ? lv[L - 1].base + c->id : c->id;
                put_cell(blob + NODE_HEADER + (i - from) * CELL_BYTES, id, c->box);
                if (L) {
                    sqlite3_bind_int64(parent_st, 1, id);
                    sqlite3_bind_int64(parent_st, 2, node);
                    s = step_done(ctx, parent_st, "rebuilding the spatial index");
                }
            }
            sqlite3_bind_int64(node_st, 1, node);
            sqlite3_bind_blob(node_st, 2, blob, node_size, SQLITE_STATIC);
            if (s == DN_OK) s = step_done(ctx, node_st, "rebuilding the spatial index");
        }
    }
    dn_free(blob);
    sqlite3_finalize(node_st);
    sqlite3_finalize(parent_st);
    return s;
}

static dn_status write_rowids(dn_ctx *ctx, const char *rtree, const struct leaf_of *leaf, size_t n)
{
    sqlite3_stmt *st;
    dn_status s = prepare(ctx, &st, "INSERT INTO \"%w_rowid\"(rowid, nodeno) VALUES (?, ?)", rtree);
    for (size_t i = 0; s == DN_OK && i < n; i++) {
        sqlite3_bind_int64(st, 1, leaf[i].id);
        sqlite3_bind_int64(st, 2, leaf[i].node);
        s = step_done(ctx, st, "rebuilding the spatial index");
    }
    sqlite3_finalize(st);
    return s;
}

struct dni_rtree_plan {
    struct level lv[MAX_LEVELS];
    int top;                      /* the root's level */
    struct dni_rtree_shape shape; /* of the tree it was made for */
    struct leaf_of *leaf;         /* each entry's leaf node, by id */
};

void dni_rtree_plan_free(struct dni_rtree_plan *plan)
{
    if (!plan) return;
    for (int L = 0; L < MAX_LEVELS; L++) {
        dn_free(plan->lv[L].cells);
        dn_free(plan->lv[L].start);
    }
    dn_free(plan->leaf);
    dn_free(plan);
}

/* Each entry's leaf node, sorted by id: the _rowid rows then append at the
 * end of their b-tree, in order. */
static dn_status leaves_by_id(dn_ctx *ctx, struct dni_rtree_plan *plan)
{
    const struct level *lv = &plan->lv[0];
    plan->leaf = dn_malloc((lv->n ? lv->n : 1) * sizeof *plan->leaf);
    if (!plan->leaf) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < lv->nodes; j++)
        for (size_t i = lv->start[j]; i < lv->start[j + 1]; i++)
            plan->leaf[i] = (struct leaf_of){.id = lv->cells[i].id, .node = lv->base + (long long)j};
    if (lv->n > 1) qsort(plan->leaf, lv->n, sizeof *plan->leaf, by_id);
    for (size_t i = 1; i < lv->n; i++)
        if (plan->leaf[i].id == plan->leaf[i - 1].id)
            return dni_fail(ctx, DN_ERR_DB, "spatial index: two entries for id %lld", plan->leaf[i].id);
    return DN_OK;
}

dn_status dni_rtree_plan_make(dn_ctx *ctx, const char *entries_sql, const struct dni_rtree_shape *shape,
                              struct dni_rtree_plan **out)
{
    *out = NULL;
    size_t cap = shape->cap;
    if (cap < 2) return dni_fail(ctx, DN_ERR_INTERNAL, "spatial index: %zu cells a node", cap);
    struct dni_rtree_plan *plan = dn_calloc(1, sizeof *plan);
    if (!plan) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    plan->shape = *shape;
    struct level *lv = plan->lv;
    int top = 0;
    dn_status s = read_entries(ctx, entries_sql, &lv[0]);
    for (; s == DN_OK; top++) {
        if (!tile(&lv[top], cap)) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        else if (lv[top].nodes <= 1) break;
        else if (top + 1 == MAX_LEVELS) s = dni_fail(ctx, DN_ERR_INTERNAL, "spatial index: tree too deep");
        else if (!(lv[top + 1].cells = parents_of(&lv[top]))) s = dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        else lv[top + 1].n = lv[top].nodes;
    }
    if (s == DN_OK) {
        /* the root is node 1, each level below numbered on from the one above */
        plan->top = top;
        lv[top].base = 1;
        for (int L = top - 1; L >= 0; L--) lv[L].base = lv[L + 1].base + (long long)lv[L + 1].nodes;
        s = leaves_by_id(ctx, plan);
    }
    if (s != DN_OK) {
        dni_rtree_plan_free(plan);
        return s;
    }
    *out = plan;
    return DN_OK;
}

dn_status dni_rtree_plan_write(dn_ctx *ctx, const char *rtree, struct dni_rtree_plan *plan)
{
    dn_status s = run(ctx, "DELETE FROM \"%w_node\"", rtree);
    if (s == DN_OK) s = run(ctx, "DELETE FROM \"%w_rowid\"", rtree);
    if (s == DN_OK) s = run(ctx, "DELETE FROM \"%w_parent\"", rtree);
    if (s == DN_OK) s = write_nodes(ctx, rtree, plan->shape.node_size, plan->lv, plan->top);
    if (s == DN_OK) s = write_rowids(ctx, rtree, plan->leaf, plan->lv[0].n);
    dni_rtree_plan_free(plan);
    return s;
}

dn_status dni_rtree_pack(dn_ctx *ctx, const char *rtree, const char *entries_sql)
{
    struct dni_rtree_shape shape;
    dn_status s = dni_rtree_shape(ctx, rtree, &shape);
    if (s != DN_OK) return s;
    if (shape.cap) {
        struct dni_rtree_plan *plan;
        s = dni_rtree_plan_make(ctx, entries_sql, &shape, &plan);
        return s == DN_OK ? dni_rtree_plan_write(ctx, rtree, plan) : s;
    }
    /* SQLite's own insert, one entry at a time */
    if ((s = run(ctx, "DELETE FROM \"%w\"", rtree)) != DN_OK) return s;
    char *sql = sqlite3_mprintf("INSERT INTO \"%w\" %s", rtree, entries_sql);
    if (!sql) return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
    s = dn_store_exec(ctx, sql);
    sqlite3_free(sql);
    return s;
}

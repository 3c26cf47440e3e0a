/** @file point_memo.c
 * Memo of located points for the ingest run (see point_memo.h):
 * direct-mapped on the exact bits of lon, lat and radius.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "border/admin.h"
#include "border/border.h"
#include "core/core.h"
#include "core/hash.h"
#include "ingest/point_memo.h"

enum { POINT_SLOTS = 4096 };

/* The six names of an entry, in the order of point_entry.text. */
enum { T_COUNTRY, T_PROVINCE, T_PROVINCE_CODE, T_DISTRICT, T_BAND, T_CROSSING, N_TEXTS };

struct point_entry {
    bool used;
    double lon, lat, radius; /* the key: compared bit for bit */
    /* admin areas and the Durand Line's band and crossing: NULL or in `buf` */
    const char *text[N_TEXTS];
    char side[4];
    bool side_certain;
    double border_km, crossing_km;
    /* The entry's names, one after the other: one buffer kept from entry to
     * entry of the slot instead of six strings made and freed a row (with
     * no point repeated, a memo's whole cost; perf of bench_ingest). */
    char *buf;
    size_t cap;
};

struct dni_point_memo {
    struct point_entry e[POINT_SLOTS];
};

static void entry_free(struct point_entry *e)
{
    dn_free(e->buf);
    memset(e, 0, sizeof *e);
}

struct dni_point_memo *dni_point_memo_new(void)
{
    if (dni_lookup_cache_off()) return NULL;
    return dn_calloc(1, sizeof(struct dni_point_memo));
}

void dni_point_memo_free(struct dni_point_memo *m)
{
    if (!m) return;
    for (size_t i = 0; i < POINT_SLOTS; i++) entry_free(&m->e[i]);
    dn_free(m);
}

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

static struct point_entry *slot_of(struct dni_point_memo *m, double lon, double lat, double radius)
{
    uint64_t h = dn_hash_bytes(DN_HASH_INIT, &lon, sizeof lon);
    h = dn_hash_bytes(h, &lat, sizeof lat);
    h = dn_hash_bytes(h, &radius, sizeof radius);
    return &m->e[h % POINT_SLOTS];
}

static void remember(struct point_entry *e, const struct dn_event *ev, double radius)
{
    const char *const texts[N_TEXTS] = {ev->country, ev->province, ev->province_code, ev->district, ev->band,
                                        ev->crossing};
    size_t len[N_TEXTS], need = 0;
    for (int i = 0; i < N_TEXTS; i++) {
        len[i] = texts[i] ? strlen(texts[i]) + 1 : 0;
        need += len[i];
    }
    e->used = false;
    if (need > e->cap) {
        char *grown = dn_realloc(e->buf, need);
        if (!grown) return; /* out of memory: a memo is optional */
        e->buf = grown;
        e->cap = need;
    }
    char *at = e->buf;
    for (int i = 0; i < N_TEXTS; i++) {
        e->text[i] = texts[i] ? memcpy(at, texts[i], len[i]) : NULL;
        at += len[i];
    }
    e->lon = ev->lon;
    e->lat = ev->lat;
    e->radius = radius;
    memcpy(e->side, ev->side, sizeof e->side);
    e->side_certain = ev->side_certain;
    e->border_km = ev->border_km;
    e->crossing_km = ev->crossing_km;
    e->used = true;
}

dn_status dni_point_memo_locate(dn_ctx *ctx, struct dni_point_memo *m, struct dn_event *ev)
{
    if (!ev->has_coords) return DN_OK;
    /* the border check takes an unknown radius as 0: so does the key */
    double radius = isnan(ev->radius_km) ? 0 : ev->radius_km;
    struct point_entry *e = m ? slot_of(m, ev->lon, ev->lat, radius) : NULL;
    if (e && e->used && same_bits(e->lon, ev->lon) && same_bits(e->lat, ev->lat) && same_bits(e->radius, radius)) {
        if (!dn_event_set(&ev->country, e->text[T_COUNTRY]) || !dn_event_set(&ev->province, e->text[T_PROVINCE]) ||
            !dn_event_set(&ev->province_code, e->text[T_PROVINCE_CODE]) ||
            !dn_event_set(&ev->district, e->text[T_DISTRICT]) || !dn_event_set(&ev->band, e->text[T_BAND]) ||
            !dn_event_set(&ev->crossing, e->text[T_CROSSING]))
            return dni_fail(ctx, DN_ERR_NOMEM, "out of memory");
        memcpy(ev->side, e->side, sizeof ev->side);
        ev->side_certain = e->side_certain;
        ev->border_km = e->border_km;
        ev->crossing_km = e->crossing_km;
        return DN_OK;
    }
    dn_status s = dn_admin_locate_event(ctx, ev);
    if (s == DN_OK) s = dn_border_check_event(ctx, ev);
    if (s == DN_OK && e) remember(e, ev, radius);
    return s;
}

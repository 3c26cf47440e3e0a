/** @file point_memo.h
 * The ingest run's memo of located points: the admin areas and the Durand
 * Line check of a point, kept for the next row at exactly the same point
 * (real exports give one town's coordinates to all of its events). A hit
 * sets the same fields to the same values as dn_admin_locate_event and
 * dn_border_check_event would; the memo holds copies, so it does not
 * depend on how long the admin and border layers stay loaded.
 * DURAND_NO_LOOKUP_CACHE (see gazetteer/memo.c) turns it off.
 */
#ifndef DN_INGEST_POINT_MEMO_H
#define DN_INGEST_POINT_MEMO_H

#include "core/event.h"
#include "durand.h"

struct dni_point_memo;

/** A memo for one run; NULL when out of memory or turned off (then every
 * point is located afresh). Free with dni_point_memo_free. */
struct dni_point_memo *dni_point_memo_new(void);
void dni_point_memo_free(struct dni_point_memo *m);

/** Locate an event with coordinates: admin areas, then the border check
 * (what dn_admin_locate_event + dn_border_check_event do), from the memo
 * when the point (and the uncertainty radius) was located before.
 * `m` may be NULL. Returns what those functions return. */
dn_status dni_point_memo_locate(dn_ctx *ctx, struct dni_point_memo *m, struct dn_event *ev);

#endif

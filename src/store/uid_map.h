/** @file uid_map.h
 * Which events a bulk load has stored under which uid, while the store's
 * unique index on events.uid is dropped (store/events.c): hashes of uids
 * to event ids, several ids per hash allowed.
 *
 * Why: uids made from a row's content hash (any table without an id
 * column) arrive in random order, and inserting them into the unique
 * index dirtied pages all over it in every batch: a first ingest of 1M
 * such rows took 21.5 s, against 12.6-13.0 s with ACLED ids, and 13.7 s
 * with this map (bench_ingest --no-ids; README, Performance).
 *
 * A hit is only a candidate: the caller reads the event by id and
 * compares its uid, so a hash shared by two uids, or an id a rolled-back
 * batch never kept, is harmless. Owned by its creator; not thread-safe.
 */
#ifndef DN_STORE_UID_MAP_H
#define DN_STORE_UID_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dni_uid_map;

/** An empty map, or NULL when out of memory. Free with dni_uid_map_destroy. */
struct dni_uid_map *dni_uid_map_create(void);
void dni_uid_map_destroy(struct dni_uid_map *map);

/** How many ids the map holds. */
size_t dni_uid_map_count(const struct dni_uid_map *map);

/** The hash under which `uid` is kept. */
uint64_t dni_uid_map_hash(const char *uid);

/** Remember event `id` (> 0) under `hash`. @return false when out of memory
 * (the map is unchanged). */
bool dni_uid_map_put(struct dni_uid_map *map, uint64_t hash, long long id);

/** The ids under `hash`, one per call: start with *cursor = 0; returns 0
 * when there are no more. */
long long dni_uid_map_next(const struct dni_uid_map *map, uint64_t hash, size_t *cursor);

#endif

/** @file uid_map.c
 * Open addressing with linear probing; a slot with id 0 is empty.
 */
#include "store/uid_map.h"

#include "core/core.h"
#include "core/hash.h"

struct uid_slot {
    uint64_t hash;
    long long id;
};

struct dni_uid_map {
    struct uid_slot *slots;
    size_t mask, count;
};

enum { FIRST_CAPACITY = 1024 };

struct dni_uid_map *dni_uid_map_create(void)
{
    struct dni_uid_map *map = dn_calloc(1, sizeof *map);
    if (!map) return NULL;
    map->slots = dn_calloc(FIRST_CAPACITY, sizeof *map->slots);
    if (!map->slots) {
        dn_free(map);
        return NULL;
    }
    map->mask = FIRST_CAPACITY - 1;
    return map;
}

void dni_uid_map_destroy(struct dni_uid_map *map)
{
    if (!map) return;
    dn_free(map->slots);
    dn_free(map);
}

size_t dni_uid_map_count(const struct dni_uid_map *map) { return map->count; }

uint64_t dni_uid_map_hash(const char *uid) { return dn_hash_str(DN_HASH_INIT, uid); }

/* FNV-1a's low bits are poor on their own: fold the high half in. */
static size_t home(uint64_t hash, size_t mask) { return (size_t)(hash ^ (hash >> 32)) & mask; }

static void place(struct uid_slot *slots, size_t mask, uint64_t hash, long long id)
{
    size_t i = home(hash, mask);
    while (slots[i].id) i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].id = id;
}

/* Kept at most half full, so that a probe for a missing hash stays short. */
static bool grow(struct dni_uid_map *map)
{
    size_t cap = (map->mask + 1) * 2;
    struct uid_slot *slots = dn_calloc(cap, sizeof *slots);
    if (!slots) return false;
    for (size_t i = 0; i <= map->mask; i++)
        if (map->slots[i].id) place(slots, cap - 1, map->slots[i].hash, map->slots[i].id);
    dn_free(map->slots);
    map->slots = slots;
    map->mask = cap - 1;
    return true;
}

bool dni_uid_map_put(struct dni_uid_map *map, uint64_t hash, long long id)
{
    if ((map->count + 1) * 2 > map->mask + 1 && !grow(map)) return false;
    place(map->slots, map->mask, hash, id);
    map->count++;
    return true;
}

long long dni_uid_map_next(const struct dni_uid_map *map, uint64_t hash, size_t *cursor)
{
    /* *cursor counts the slots already probed from the hash's home */
    for (size_t i = (home(hash, map->mask) + *cursor) & map->mask; map->slots[i].id; i = (i + 1) & map->mask) {
        ++*cursor;
        if (map->slots[i].hash == hash) return map->slots[i].id;
    }
    return 0;
}

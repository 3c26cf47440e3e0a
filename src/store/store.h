/** @file store.h
 * The SpatiaLite store: open/create, schema migrations, cached prepared
 * statements and transactions. Only this module (and modules that persist
 * their own tables through it) writes SQL; every statement uses bound
 * parameters, and every write runs inside a transaction.
 */
#ifndef DN_STORE_H
#define DN_STORE_H

#include <stdbool.h>

#include <sqlite3.h>

#include "durand.h"

/** The schema version this build creates and understands. */
#define DN_SCHEMA_VERSION 2
/** The oldest version a read-only open accepts as it is: version 2 only
 * added the gazetteer's image, which a reader does without. */
#define DN_SCHEMA_READABLE_FROM 1

enum dn_store_flags {
    DN_STORE_READONLY = 1, /**< open read-only; fails if missing or not yet a durand database */
    DN_STORE_CREATE = 2    /**< create the file and its schema if missing */
};

/** Open (and with DN_STORE_CREATE create) the database at `path` (":memory:"
 * for an in-memory one) and bring its schema up to DN_SCHEMA_VERSION. The
 * connection is owned by the context (replacing any open one) and closed by
 * dn_store_close() or dn_ctx_free().
 * A file this process may not write is opened read-only whatever the flags.
 * @return DN_OK; DN_ERR_NOT_FOUND (missing, no CREATE; empty and READONLY); DN_ERR_SCHEMA (not a
 * durand database, or newer); DN_ERR_DB (corrupt, unwritable). */
dn_status dn_store_open(dn_ctx *ctx, const char *path, unsigned flags);

/** Whether the open database is read-only: opened with DN_STORE_READONLY, or
 * a file this process has no permission to write (then dn_store_begin fails
 * with DN_ERR_DB saying so). */
bool dn_store_readonly(dn_ctx *ctx);

/** The triggers by which every change to the tables the gazetteer index
 * is built from (places, place_names, admin_areas, crossings) bumps
 * gazetteer_image.epoch and drops the index's image (gazetteer/image.c):
 * create them, or drop them and bump the epoch once — for a bulk load of
 * the geodata, which creates them again before its commit. In the
 * caller's transaction. */
dn_status dn_store_gazetteer_triggers(dn_ctx *ctx, bool create);

/** Close the database (finalising cached statements). Safe when none is open. */
void dn_store_close(dn_ctx *ctx);

/** The path the database was opened with ("" if none). Owned by the store. */
const char *dn_store_path(dn_ctx *ctx);

/** Schema version recorded in the open database. */
dn_status dn_store_schema_version(dn_ctx *ctx, int *out);

/** A cached prepared statement for `sql` (a string literal or other string
 * that outlives the connection; cached by content). The statement is reset
 * and its bindings cleared; the store keeps ownership — do not finalize. */
dn_status dn_store_stmt(dn_ctx *ctx, const char *sql, sqlite3_stmt **out);

/** Library-internal (store/events.c): what events.c keeps about this
 * connection. Owned by the store; a harmless dummy when no store is open. */
struct dni_events_state {
    bool seen; /**< the last event upserted was stored already: the next upsert looks its uid up first */
    bool bulk; /**< a bulk load is under way (dn_store_events_bulk_begin .. _end) */
    struct dni_uid_map *uid_map; /**< while a bulk load has events_uid dropped: the uids it and the store
                                      hold (store/uid_map.h); NULL otherwise. Owned by the store */
    int uid_map_schema; /**< the schema version (PRAGMA schema_version) the map was made for: a
                             change means another writer built events_uid again, or dropped it
                             for a map of its own, and the map is let go */
    size_t uid_map_max; /**< the most uids that map holds before events_uid is built again; 0: the
                             default (store/events.c, UID_MAP_MAX). Tests lower it */
    long long next_id; /**< the id the next new event gets; 0: ask the table. Only valid inside the
                            write transaction that stored the last event: every commit and rollback
                            of the connection resets it (store.c's hooks) */
};
struct dni_events_state *dni_store_events_state(dn_ctx *ctx);

/** Library-internal: whether the open store is a database file this
 * process writes and another connection can open beside this one (the
 * ingest's writer thread, the WAL checkpointer, the R*Tree plan thread) —
 * not an in-memory store, not a read-only one. */
bool dni_store_writable_file(dn_ctx *ctx);

/** Library-internal (store/events.c, for a bulk load): copy the WAL into the
 * database from a second connection in another thread (store/checkpointer.h)
 * instead of after each commit in this one; `false` waits for it and goes
 * back to SQLite's automatic checkpoints. A store in memory or read-only,
 * or a thread that cannot start, keeps the automatic ones: no error. The
 * store stops it when it closes. */
void dni_store_background_checkpoints(dn_ctx *ctx, bool on);

/** Library-internal: the WAL size from which a bulk load's commit waits for
 * the checkpoint, in bytes, whatever the store's page size (16 KiB for a
 * new store, 4 KiB for one made before)... */
enum { DNI_CHECKPOINT_WAIT_BYTES = 64 << 20 };
/** ...and in frames of the open store's pages, as the checkpointer takes it. */
int dni_store_checkpoint_wait_frames(dn_ctx *ctx);

/** Library-internal: an integer PRAGMA's value ("PRAGMA page_size"): DN_OK,
 * or DN_ERR_DB with the message in the context. */
dn_status dni_store_pragma_int(dn_ctx *ctx, const char *sql, int *out);

/** Run SQL that takes no parameters (DDL, PRAGMA, BEGIN...). */
dn_status dn_store_exec(dn_ctx *ctx, const char *sql);

/** Transactions. begin uses BEGIN IMMEDIATE so writers queue rather than
 * fail midway; rollback is safe to call when no transaction is open. */
dn_status dn_store_begin(dn_ctx *ctx);
dn_status dn_store_commit(dn_ctx *ctx);
void dn_store_rollback(dn_ctx *ctx);

/** Number of rows in one of the store's own tables (`table` must be one of
 * the schema's tables; anything else is DN_ERR_USAGE). */
dn_status dn_store_count(dn_ctx *ctx, const char *table, long long *out);

/** The tables of the schema, NULL-terminated (for `durand info`). */
const char *const *dn_store_tables(void);

/** Key/value metadata (table `meta`). get: *out is a copy the caller frees
 * with dn_free(), NULL when absent. set runs in the caller's transaction, or
 * its own when none is open. */
dn_status dn_store_meta_get(dn_ctx *ctx, const char *key, char **out);
dn_status dn_store_meta_set(dn_ctx *ctx, const char *key, const char *value);

#endif /* DN_STORE_H */

/** @file schema.h
 * Schema migrations of the store (internal to store/).
 */
#ifndef DN_STORE_SCHEMA_H
#define DN_STORE_SCHEMA_H

#include "durand.h"

/** Bring a database at `from_version` (0 = empty) up to DN_SCHEMA_VERSION,
 * one migration per step, each in its own transaction with the version row. */
dn_status dni_schema_migrate(dn_ctx *ctx, int from_version);

/** The statements that give `events.geom` its triggers (and the
 * deferred-R*Tree marker table), each safe to run again; NULL-terminated. */
extern const char *const dni_schema_events_triggers[];

/** The INSERT triggers of `events` (also in dni_schema_events_triggers):
 * {name, CREATE TRIGGER statement} pairs, ending with {NULL, NULL}. */
extern const char *const dni_schema_events_insert_triggers[][2];

/** The secondary indexes of `events`: {name, CREATE INDEX statement}
 * pairs, ending with {NULL, NULL}. */
extern const char *const dni_schema_events_indexes[][2];

#endif

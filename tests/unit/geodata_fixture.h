/** @file geodata_fixture.h
 * A database holding the shipped geodata, shared by the suites that need it
 * (border, gazetteer, geodata_accept): the one named by DN_TEST_GEODATA_DB
 * when set (CTest sets it to the store of its geodata_db fixture, which
 * `durand init` builds once per run), else one built once per test
 * process. Tests open their own context on it, read-only.
 */
#ifndef DN_GEODATA_FIXTURE_H
#define DN_GEODATA_FIXTURE_H

#include <stdbool.h>

#include "core/core.h"

/** Path of the database: $DN_TEST_GEODATA_DB (whatever `places`), else
 * built on the first call and removed at exit by the process that built it.
 * With `places` false, a database built here has an empty gazetteer, which
 * makes the build much faster. Fails the calling test when the geodata
 * cannot be loaded. Static string. */
const char *geodata_db(bool places);

/** A fresh context on geodata_db(places), opened read-only. Free with
 * dn_ctx_free(). */
dn_ctx *geodata_ctx(bool places);

#endif

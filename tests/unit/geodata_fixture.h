/** @file geodata_fixture.h
 * A database holding the shipped geodata, built once per test process and
 * shared by the suites that need it (border, geodata_accept). Tests open
 * their own context on it, read-only.
 */
#ifndef DN_GEODATA_FIXTURE_H
#define DN_GEODATA_FIXTURE_H

#include <stdbool.h>

#include "core/core.h"

/** Path of the database (built on the first call; removed at exit by the
 * process that built it). With `places` false, the gazetteer layer is
 * emptied before loading, which makes the build much faster. Fails the
 * calling test when the geodata cannot be loaded. Static string. */
const char *geodata_db(bool places);

/** A fresh context on geodata_db(places), opened read-only. Free with
 * dn_ctx_free(). */
dn_ctx *geodata_ctx(bool places);

#endif

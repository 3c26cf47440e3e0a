/** @file geodata.h
 * Loading the shipped layers (geodata/durand.gpkg) into the store, once per
 * geodata version, and the version bookkeeping.
 */
#ifndef DN_GEODATA_H
#define DN_GEODATA_H

#include <stdbool.h>

#include "durand.h"

/** File name of the shipped GeoPackage inside the geodata directory. */
#define DN_GEODATA_FILE "durand.gpkg"

/** What a load did (for `durand init` and `durand info`). */
struct dn_geodata_report {
    bool loaded;             /**< false: the store already held this version */
    char version[32];        /**< content hash of the GeoPackage */
    long long countries, admin1, admin2, border_lines, crossings, places, names;
};

/** Load the shipped layers into the open store unless it already holds the
 * same version (`force` reloads anyway). Everything is replaced in one
 * transaction: a failure leaves the previous layers intact. Events and
 * learned names are never touched.
 * @param report may be NULL. */
dn_status dn_geodata_load(dn_ctx *ctx, bool force, struct dn_geodata_report *report);

/** Whether the open store has geodata loaded (and which version; `version`
 * may be NULL, else receives up to `cap` bytes). */
dn_status dn_geodata_loaded(dn_ctx *ctx, bool *loaded, char *version, size_t cap);

/** Path of the shipped GeoPackage ("<geodata dir>/durand.gpkg"); caller
 * frees with dn_free(). NULL on allocation failure. */
char *dn_geodata_path(dn_ctx *ctx, const char *file);

#endif /* DN_GEODATA_H */

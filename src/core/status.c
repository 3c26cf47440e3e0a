/** @file status.c
 * Status descriptions and their mapping to process exit codes.
 */
#include "core/core.h"

static const char *const descriptions[DN_STATUS_END] = {
    [DN_OK] = "success",
    [DN_ERR_NOMEM] = "out of memory",
    [DN_ERR_USAGE] = "bad arguments",
    [DN_ERR_INPUT] = "malformed input",
    [DN_ERR_NOT_FOUND] = "not found",
    [DN_ERR_IO] = "input/output error",
    [DN_ERR_EXISTS] = "output exists (use --overwrite)",
    [DN_ERR_DB] = "database error",
    [DN_ERR_SCHEMA] = "not a durand database, or one from a newer version",
    [DN_ERR_GEODATA] = "geodata missing or corrupt",
    [DN_ERR_GEOS] = "GEOS error",
    [DN_ERR_PROJ] = "PROJ error",
    [DN_ERR_GDAL] = "GDAL/OGR error",
    [DN_ERR_RANGE] = "value out of range",
    [DN_ERR_PARTIAL] = "some records were rejected",
    [DN_ERR_INTERNAL] = "internal error",
};

const char *dn_strerror(dn_status status)
{
    if ((int)status < 0 || status >= DN_STATUS_END || !descriptions[status]) return "unknown status";
    return descriptions[status];
}

int dn_exit_code(dn_status status)
{
    switch (status) {
    case DN_OK: return DN_EXIT_OK;
    case DN_ERR_PARTIAL: return DN_EXIT_PARTIAL;
    case DN_ERR_USAGE: return DN_EXIT_USAGE;
    case DN_ERR_INPUT:
    case DN_ERR_NOT_FOUND:
    case DN_ERR_RANGE: return DN_EXIT_INPUT;
    case DN_ERR_IO:
    case DN_ERR_EXISTS: return DN_EXIT_IO;
    case DN_ERR_DB:
    case DN_ERR_SCHEMA: return DN_EXIT_DB;
    case DN_ERR_GEODATA: return DN_EXIT_GEODATA;
    default: return DN_EXIT_INTERNAL;
    }
}

const char *dn_version(void) { return DN_VERSION_STRING; }

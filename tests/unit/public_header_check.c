/** @file public_header_check.c
 * Compiles include/durand.h alone, as C: proves it is self-contained.
 */
#include "durand.h"

int dn_public_header_check(void);
int dn_public_header_check(void) { return DN_STATUS_END > DN_OK ? 0 : 1; }

/** @file stage.h
 * An export's stage: the private directory beside its outputs that the new
 * files are written into before they replace the old ones (export.c), and
 * the stages exports killed midway left behind.
 *
 * A stage is locked (flock on its ".lock") while its export runs; the
 * kernel lets go of the lock when the process ends, however it ends. So a
 * stage whose lock is free belongs to an export that died, and the next
 * export into the same directory removes it instead of leaving its partial
 * files there for good. A stage with no lock file (made by a durand before
 * this one, or killed between making it and locking it) is removed once it
 * is an hour old.
 */
#ifndef DN_EXPORT_STAGE_H
#define DN_EXPORT_STAGE_H

#include "durand.h"

/** The prefix of a stage's directory name; six random characters follow. */
#define DNI_STAGE_PREFIX ".durand-export-"

/** A stage this process holds. */
struct dni_stage {
    char path[1024]; /**< the directory; "" when there is none */
    int lock_fd;     /**< the open, locked ".lock" in it; -1 when none */
};

/** Remove the stages in `dir` that no running export holds (a note on
 * stderr names each), then make a stage of this process's in `dir` and
 * lock it. `file`: the output file's name in dir that the stage is for
 * (--out naming a file), or NULL (--out naming a directory); only the
 * error message uses it. The caller ends the stage with dni_stage_remove.
 * @return DN_OK; DN_ERR_IO (st->path is "" then), DN_ERR_USAGE (the path
 * is too long). */
dn_status dni_stage_make(dn_ctx *ctx, const char *dir, const char *file, struct dni_stage *st);

/** Remove the stage's files and directory and let go of its lock. A stage
 * already removed, or never made, is a no-op. */
void dni_stage_remove(struct dni_stage *st);

#endif

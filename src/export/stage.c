/** @file stage.c
 * An export's private directory, and the ones dead exports left (see
 * stage.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "export/stage.h"

static const char lock_name[] = ".lock";

/* A stage without a lock file this old is nobody's (stage.h). */
enum { UNLOCKED_STAGE_AGE_S = 3600 };

/* dir/name into buf[cap] (no slash doubled, none added to ""); false when
 * it does not fit. */
static bool join_path(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
    return n >= 0 && (size_t)n < cap;
}

/* Remove a directory's files, then the directory (a stage holds no
 * subdirectories); false, with errno, when the directory stays. */
static bool remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        char file[2048];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                join_path(file, sizeof file, path, e->d_name))
                unlink(file);
        closedir(d);
    }
    return rmdir(path) == 0;
}

static bool is_stage_name(const char *name)
{
    size_t n = strlen(DNI_STAGE_PREFIX);
    return strncmp(name, DNI_STAGE_PREFIX, n) == 0 && strlen(name) == n + 6;
}

/* Whether the stage at `path` belongs to no running export: its lock can
 * be taken, or it has no lock file and is old. */
static bool abandoned(const char *path)
{
    char lock[2048];
    if (!join_path(lock, sizeof lock, path, lock_name)) return false;
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        struct stat sb;
        return errno == ENOENT && stat(path, &sb) == 0 && time(NULL) - sb.st_mtime > UNLOCKED_STAGE_AGE_S;
    }
    bool free_lock = flock(fd, LOCK_EX | LOCK_NB) == 0;
    close(fd); /* and the lock with it */
    return free_lock;
}

static void remove_abandoned(dn_ctx *ctx, const char *dir)
{
    DIR *d = opendir(*dir ? dir : ".");
    if (!d) return; /* making the stage below says what is wrong */
    struct dirent *e;
    char path[2048];
    while ((e = readdir(d))) {
        if (!is_stage_name(e->d_name)) continue;
        struct stat sb;
        if (!join_path(path, sizeof path, dir, e->d_name) || lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
            !abandoned(path))
            continue;
        if (remove_dir(path))
            dni_info(ctx, "removed %s, the files of an export that was stopped before it finished", path);
        else
            dni_warn(ctx, "%s: left by an export that was stopped before it finished; cannot remove it: %s", path,
                     strerror(errno));
    }
    closedir(d);
}

/* Lock the new stage: the lock is taken on a file under another name and
 * only then renamed ".lock", so that another export sweeping the
 * directory never finds an unlocked ".lock" in a live stage. On failure
 * *err is the errno. */
static bool lock_stage(struct dni_stage *st, int *err)
{
    char taking[2048], lock[2048];
    /* so that neither join below can be cut short */
    _Static_assert(sizeof st->path + sizeof ".lock-taking" < sizeof taking, "a stage's lock path fits");
    _Static_assert(sizeof taking == sizeof lock && sizeof lock_name < sizeof ".lock-taking", "both lock paths fit");
    (void)join_path(taking, sizeof taking, st->path, ".lock-taking");
    (void)join_path(lock, sizeof lock, st->path, lock_name);
    int fd = open(taking, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        *err = errno;
        return false;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 || rename(taking, lock) != 0) {
        *err = errno;
        close(fd);
        unlink(taking);
        return false;
    }
    st->lock_fd = fd;
    return true;
}

dn_status dni_stage_make(dn_ctx *ctx, const char *dir, const char *file, struct dni_stage *st)
{
    st->path[0] = '\0';
    st->lock_fd = -1;
    remove_abandoned(ctx, dir);
    if (!join_path(st->path, sizeof st->path, dir, DNI_STAGE_PREFIX "XXXXXX")) {
        st->path[0] = '\0';
        return dni_fail(ctx, DN_ERR_USAGE, "--out: path too long: %s", dir);
    }
    int err = 0;
    if (!mkdtemp(st->path)) {
        err = errno;
    } else if (!lock_stage(st, &err)) {
        (void)remove_dir(st->path);
    } else {
        return DN_OK;
    }
    st->path[0] = '\0';
    /* name what the user asked for: the file, else the directory */
    if (file)
        return dni_fail(ctx, DN_ERR_IO, "%s/%s: cannot create it: no directory can be made in %s to write into: %s",
                        dir, file, dir, strerror(err));
    return dni_fail(ctx, DN_ERR_IO, "%s: cannot create a directory in it to write into: %s", dir, strerror(err));
}

void dni_stage_remove(struct dni_stage *st)
{
    if (!st->path[0]) return;
    (void)remove_dir(st->path); /* the lock file with the rest: the lock goes with the descriptor */
    if (st->lock_fd >= 0) close(st->lock_fd);
    st->lock_fd = -1;
    st->path[0] = '\0';
}

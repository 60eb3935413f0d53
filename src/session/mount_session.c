#define _GNU_SOURCE
/* The session's mount state: what it made in the host's mount namespace,
 * the scratch directory, and undoing both at exit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/mount/mountinfo.h"
#include "kernel/mount/sys_mount.h"
#include "i18n.h"
#include "cmd/cmd_mount.h"
#include "session/report.h"
#include "observe/observe.h"

struct mount_session *mount_session(struct nsl *sh)
{
    if (!sh->mnt)
        sh->mnt = xcalloc(1, sizeof *sh->mnt);
    return sh->mnt;
}

/* --- scratch ------------------------------------------------------------- */

static void scratch_unlock(struct mount_session *ms)
{
    if (!ms->scratch_lock)
        return;
    unlink(ms->scratch_lock);
    close(ms->scratch_lockfd);
    free(ms->scratch_lock);
    ms->scratch_lock = NULL;
}

/* A file, locked before it has a name, in dir: so no sweep can ever see
 * the name unlocked while this session lives. -1 when dir's filesystem has
 * no O_TMPFILE (the scratch directory then has no lock, and no sweep ever
 * touches it). */
static int lock_file_new(const char *dir)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Give the locked file fd the name path (linkat: no CAP_DAC_READ_SEARCH
 * needed through /proc/self/fd). */
static int lock_file_name(int fd, const char *path)
{
    if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
        return 0;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

const char *scratch_ensure(struct nsl *sh, struct trace *t, struct nsl_err *e)
{
    struct mount_session *ms = mount_session(sh);
    struct stat st;
    if (ms->scratch && stat(ms->scratch, &st) == 0 && S_ISDIR(st.st_mode))
        return ms->scratch;
    /* Gone (removed by hand): make a new one rather than fail every step. */
    free(ms->scratch);
    ms->scratch = NULL;
    scratch_unlock(ms);
    const char *tmp = getenv("TMPDIR");
    if (!tmp || tmp[0] != '/')
        tmp = "/tmp";
    /* Canonical, so that $SCRATCH paths match mountinfo's mount points. */
    cleanup_free char *dir = realpath(tmp, NULL);
    if (!dir)
        return nsl_fail_errno(e, errno, "cannot make the scratch directory in %s", tmp), NULL;
    cleanup_free char *tmpl = xasprintf("%s/nslab-scratch.XXXXXX", strcmp(dir, "/") ? dir : "");
    int lfd = lock_file_new(dir);
    if (!sys_mkdtemp(t, tmpl)) {
        int err = errno;
        if (lfd >= 0)
            close(lfd);
        return nsl_fail_errno(e, err, "cannot make the scratch directory %s", tmpl), NULL;
    }
    if (lfd >= 0) {
        char *lock = xasprintf("%s.lock", tmpl);
        if (lock_file_name(lfd, lock) == 0) {
            ms->scratch_lock = lock;
            ms->scratch_lockfd = lfd;
        } else {
            free(lock);
            close(lfd);
        }
    }
    ms->scratch = steal_pointer(&tmpl);
    return ms->scratch;
}

int scratch_expand(struct nsl *sh, int first, int argc, char **argv)
{
    const size_t wl = strlen(SCRATCH_WORD);
    for (int k = first; k < argc; k++) {
        if (!strstr(argv[k], SCRATCH_WORD))
            continue;
        struct nsl_err e;
        const char *dir = scratch_ensure(sh, &sh->step.trace, &e);
        if (!dir)
            return step_fail_err(sh, &e);
        struct strbuf sb = {0};
        for (const char *p = argv[k]; *p;) {
            if (strncmp(p, SCRATCH_WORD, wl) == 0) {
                sb_append(&sb, dir);
                p += wl;
            } else {
                sb_appendc(&sb, *p++);
            }
        }
        free(argv[k]);
        argv[k] = sb_steal(&sb);
    }
    return 0;
}

/* --- what the session made in the host's namespace ----------------------- */

static void record_add(struct mount_session *ms, const struct mount_ent *m)
{
    if (mount_ids_has(&ms->created, m->id))
        return;
    ms->rec = xrealloc(ms->rec, (ms->n_rec + 1) * sizeof *ms->rec);
    ms->rec[ms->n_rec++] = (struct mount_record){.id = m->id,
                                                 .major = m->major,
                                                 .minor = m->minor,
                                                 .root = xstrdup(m->root),
                                                 .target = xstrdup(m->target)};
    mount_ids_add(&ms->created, m->id);
}

static void record_remove(struct mount_session *ms, int id)
{
    for (size_t i = 0; i < ms->n_rec; i++) {
        if (ms->rec[i].id != id)
            continue;
        free(ms->rec[i].root);
        free(ms->rec[i].target);
        memmove(&ms->rec[i], &ms->rec[i + 1], (ms->n_rec - i - 1) * sizeof *ms->rec);
        ms->n_rec--;
        break;
    }
    mount_ids_remove(&ms->created, id);
}

static bool record_matches(const struct mount_record *r, const struct mount_ent *m)
{
    return r->id == m->id && r->major == m->major && r->minor == m->minor &&
           strcmp(r->root, m->root) == 0 && strcmp(r->target, m->target) == 0;
}

static bool same_fs(const struct mount_ent *a, const struct mount_ent *b)
{
    return a->major == b->major && a->minor == b->minor && strcmp(a->root, b->root) == 0;
}

void mount_session_track(struct mount_session *ms, const struct mount_table *h0,
                         const struct mount_table *h1, const struct mount_table *s1,
                         const int *added, size_t n_added)
{
    for (size_t i = 0; i < h0->n; i++) {
        const struct mount_ent *m = &h0->v[i];
        const struct mount_ent *now = mount_table_find_id(h1, m->id);
        if (mount_ids_has(&ms->created, m->id) && (!now || !same_fs(m, now)))
            record_remove(ms, m->id);
    }
    for (size_t i = 0; i < h1->n; i++) {
        const struct mount_ent *m = &h1->v[i];
        const struct mount_ent *was = mount_table_find_id(h0, m->id);
        if (was && same_fs(was, m) && strcmp(was->target, m->target) == 0)
            continue;
        /* New in the host's table: ours only when it shows what this step
         * mounted (a mount appearing elsewhere at the same moment is not). */
        for (size_t k = 0; k < n_added; k++) {
            const struct mount_ent *a = mount_table_find_id(s1, added[k]);
            if (a && same_fs(a, m)) {
                record_add(ms, m);
                break;
            }
        }
    }
}

/* --- exit ---------------------------------------------------------------- */

static bool wanted(const struct mount_session *ms, const struct mount_ent *m)
{
    if (ms->scratch && path_is_under(m->target, ms->scratch))
        return true;
    for (size_t i = 0; i < ms->n_rec; i++)
        if (record_matches(&ms->rec[i], m))
            return true;
    return false;
}

/* Does another mount sit on m or below it? */
static bool has_children(const struct mount_table *t, const struct mount_ent *m)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].parent == m->id && t->v[i].id != m->id)
            return true;
    return false;
}

/* Unmount the wanted mounts, children before parents: each round unmounts
 * every wanted mount with nothing below it. When no round can go on (a
 * mount of someone else's sits below one of ours), a mount under the
 * scratch directory is detached with its subtree (nobody else knows that
 * path); anything else is left in place, with a warning. */
static void unmount_ours(struct nsl *sh, struct mount_session *ms, struct strbuf *warn)
{
    for (int round = 0; round < 64; round++) {
        struct mount_table t = {0};
        if (mountinfo_read(&sh->paths, 0, &t, NULL) < 0)
            return;
        size_t left = 0, done = 0;
        for (size_t i = 0; i < t.n; i++) {
            const struct mount_ent *m = &t.v[i];
            if (!wanted(ms, m))
                continue;
            left++;
            if (!has_children(&t, m) &&
                (umount2(m->target, UMOUNT_NOFOLLOW) == 0 ||
                 (errno == EBUSY && umount2(m->target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)))
                done++;
        }
        for (size_t i = 0; left && !done && i < t.n; i++) {
            const struct mount_ent *m = &t.v[i];
            if (!wanted(ms, m))
                continue;
            if (ms->scratch && path_is_under(m->target, ms->scratch) &&
                umount2(m->target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0) {
                done++;
                continue;
            }
            sb_printf(warn, "nslab: left mount %d on %s in place: %s\n", m->id, m->target,
                      has_children(&t, m) ? "a mount this session did not make sits below it"
                                          : strerror(errno));
        }
        mount_table_free(&t);
        if (!left || !done)
            return;
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    /* FTW_DNR: a directory we could not read (overlayfs leaves work/work
     * with mode 000): remove() still works for root when it is empty. */
    if (remove(path) < 0 && flag != FTW_DNR) {
        /* Keep going: what is left is reported once, by the caller. */
    }
    return 0;
}

void mount_session_end(struct nsl *sh, struct strbuf *warn)
{
    observe_mounts_free(sh);
    struct mount_session *ms = sh->mnt;
    if (!ms)
        return;
    if (ms->n_rec || ms->scratch)
        unmount_ours(sh, ms, warn);
    if (ms->scratch) {
        /* FTW_MOUNT: never reach into a filesystem still mounted there. */
        nftw(ms->scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
        if (access(ms->scratch, F_OK) == 0)
            sb_printf(warn, "nslab: could not remove the scratch directory %s\n", ms->scratch);
        else
            scratch_unlock(ms); /* what is left, a later start sweeps */
    }
    if (ms->scratch_lock) {
        close(ms->scratch_lockfd);
        free(ms->scratch_lock);
    }
    for (size_t i = 0; i < ms->n_rec; i++) {
        free(ms->rec[i].root);
        free(ms->rec[i].target);
    }
    free(ms->rec);
    free(ms->image);
    mount_ids_free(&ms->created);
    free(ms->scratch);
    free(ms);
    sh->mnt = NULL;
}

/* --- the sweep of dead sessions' scratch directories -------------------- */

/* Is anything mounted at dir or below it in table? */
static bool has_mounts(const struct mount_table *mt, const char *dir)
{
    for (size_t i = 0; i < mt->n; i++)
        if (path_is_under(mt->v[i].target, dir))
            return true;
    return false;
}

/* One "<dir>.lock" found in tmp: remove dir if its session is gone. */
static void scratch_sweep_one(int tfd, const char *tmp, const char *lockname,
                              const struct mount_table *mt, struct strbuf *notes)
{
    int fd = openat(tfd, lockname, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return;
    struct stat ls, ds;
    size_t n = strlen(lockname) - 5;
    char *dirname = xstrndup(lockname, n);
    char *dir = xasprintf("%s/%s", strcmp(tmp, "/") ? tmp : "", dirname);
    /* Ours, a plain file, and nobody holds it: its session is gone. */
    if (fstat(fd, &ls) < 0 || !S_ISREG(ls.st_mode) || ls.st_uid != geteuid() ||
        flock(fd, LOCK_EX | LOCK_NB) < 0)
        goto out;
    if (fstatat(tfd, dirname, &ds, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            unlinkat(tfd, lockname, 0); /* only the lock was left */
        goto out;
    }
    /* Only a directory of this user that no one else can write into (as
     * mkdtemp made it), so nothing in it can be swapped under the walk. */
    if (!S_ISDIR(ds.st_mode) || ds.st_uid != geteuid() || (ds.st_mode & 022))
        goto out;
    if (!mt || has_mounts(mt, dir)) {
        sb_printf(notes,
                  mt ? _("nslab: kept the scratch directory of a session that is gone: %s (something "
                         "is mounted there)\n")
                     : _("nslab: kept the scratch directory of a session that is gone: %s (the "
                         "mount table could not be read)\n"),
                  dir);
        goto out;
    }
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    if (access(dir, F_OK) == 0) {
        sb_printf(notes, _("nslab: could not remove the scratch directory of a session that is "
                           "gone: %s\n"),
                  dir);
        goto out;
    }
    unlinkat(tfd, lockname, 0);
    sb_printf(notes, _("nslab: removed the scratch directory of a session that is gone: %s\n"),
              dir);
out:
    close(fd);
    free(dirname);
    free(dir);
}

void scratch_sweep(const struct nsl_paths *paths, struct strbuf *notes)
{
    const char *env = getenv("TMPDIR");
    cleanup_free char *tmp = realpath(env && env[0] == '/' ? env : "/tmp", NULL);
    if (!tmp)
        return;
    int tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (tfd < 0)
        return;
    DIR *d = fdopendir(dup(tfd));
    if (!d) {
        close(tfd);
        return;
    }
    struct mount_table mt = {0};
    bool have_mt = false, read_mt = false;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        /* nslab-scratch.XXXXXX.lock, as scratch_ensure names them */
        if (strncmp(de->d_name, "nslab-scratch.", 14) != 0 || len != 14 + 6 + 5 ||
            strcmp(de->d_name + len - 5, ".lock") != 0)
            continue;
        if (!read_mt) {
            read_mt = true;
            have_mt = mountinfo_read(paths, 0, &mt, NULL) == 0;
        }
        scratch_sweep_one(tfd, tmp, de->d_name, have_mt ? &mt : NULL, notes);
    }
    closedir(d);
    close(tfd);
    mount_table_free(&mt);
}

#define _GNU_SOURCE
#include "kernel/mount/mount_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "kernel/mount/mountinfo.h"

void mount_watch_close(struct mount_watch *w)
{
    if (w->fd > 0)
        close(w->fd);
    memset(w, 0, sizeof *w);
}

void mount_watch_forget(struct mount_watch *w)
{
    mount_watch_close(w);
}

/* Open pid's mountinfo for polling; the descriptor's change counter starts
 * at the namespace's counter of the moment (seq_file's poll_event). */
static bool watch_open(struct mount_watch *w, const struct nsl_paths *p, pid_t pid, ino_t mntns)
{
    char path[512];
    proc_path(p, path, sizeof path, "%d/mountinfo", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    if (fd == 0) { /* 0 means none here; never the case with stdin open */
        int fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 1);
        close(fd);
        if (fd2 < 0)
            return false;
        fd = fd2;
    }
    w->fd = fd;
    w->pid = pid;
    w->mntns = mntns;
    return true;
}

bool mount_watch_changed(struct mount_watch *w, const struct nsl_paths *p, pid_t pid)
{
    ino_t mntns = 0;
    if (pid <= 0 || mntns_inode(p, pid, &mntns) < 0 || mntns == 0) {
        mount_watch_close(w);
        return true;
    }
    if (w->fd <= 0 || w->pid != pid || w->mntns != mntns) {
        mount_watch_close(w);
        watch_open(w, p, pid, mntns);
        return true;
    }
    struct pollfd pfd = {.fd = w->fd, .events = POLLPRI};
    int n;
    do
        n = poll(&pfd, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0 || (pfd.revents & (POLLPRI | POLLERR | POLLNVAL | POLLHUP))) {
        /* A change (the counter is now consumed), or no answer: read again.
         * A descriptor that cannot answer is opened again next time. */
        if (n < 0 || (pfd.revents & (POLLNVAL | POLLHUP)))
            mount_watch_close(w);
        return true;
    }
    return false;
}

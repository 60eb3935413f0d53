/* Descriptors the per-step observation keeps open on the files it reads
 * every step (a cgroup's pids.max, memory.events, ..., the subject's
 * /proc/PID/cgroup), read again from offset 0 instead of being opened,
 * walked to and closed every step.
 *
 * A read from offset 0 makes the kernel generate a cgroup or /proc file
 * afresh, so nothing is kept but the descriptor: every step still reads
 * what the kernel says now. Exceptions the caller must know: v1's
 * cgroup.procs and tasks are generated once per open and then served from
 * a list the kernel keeps for a second, so they must be opened each time
 * (pass no cg_files for them). A descriptor whose file went away (the
 * cgroup was removed, the process died: the read fails with ENODEV or
 * ESRCH) is closed and the path opened again, so a cgroup removed and made
 * again under the same name, or a new process under the same PID, reads as
 * the new one. Descriptors not used since the previous cg_files_sweep are
 * closed by it, so only what is shown stays open. */
#ifndef NSLAB_CGROUP_FILES_H
#define NSLAB_CGROUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"

enum {
    /* A file that is not there stays away while its descriptor slot is
     * used: true of a v1 hierarchy, whose files are fixed at mount time
     * (v2's come and go with the parent's cgroup.subtree_control). */
    CGF_ABSENT_FINAL = 1 << 0,
    /* The kernel writes the whole file in one record (a cgroup value
     * file, /proc/PID/cgroup): a read that leaves room in the buffer got
     * it all. Without it, reading goes on until a read returns 0 (a
     * multi-record file such as mountinfo stops a read at a page). */
    CGF_ONE_RECORD = 1 << 1,
};

struct cg_kept {
    char *path;
    int fd;      /* -1: the file was not there (CGF_ABSENT_FINAL) */
    int err;     /* why it was not there */
    bool used;   /* since the last sweep */
};

struct cg_files {
    struct cg_kept *v;
    size_t n, cap;
};

/* path's whole text into sb (reset first, always terminated), through the
 * descriptor kept for path (opened on first use). 0, or -1 with errno as
 * an open and read of path would have set it. */
int cg_files_read(struct cg_files *k, const char *path, unsigned flags, struct strbuf *sb);
/* The same into buf (truncated to size - 1 bytes, as read_file_at). */
ssize_t cg_files_read_buf(struct cg_files *k, const char *path, unsigned flags, char *buf,
                          size_t size);
/* Close the descriptors not read since the previous sweep. */
void cg_files_sweep(struct cg_files *k);
void cg_files_free(struct cg_files *k);

#endif

/* The only door to the kernel for calls that change state. Each wrapper
 * performs the call, records it in the trace, and returns what the call
 * returned (errno preserved). Reads of /proc for observation are not traced.
 *
 * Paths to /proc and /sys/fs/cgroup go through struct nsl_paths so unit tests
 * can point the real code at fake trees (NSLAB_PROC_ROOT, NSLAB_CGROUP_ROOT). */
#ifndef NSLAB_SYS_H
#define NSLAB_SYS_H

#include <sys/types.h>

#include "kernel/trace.h"

struct nsl_paths {
    char proc[256];   /* "/proc" */
    char cgroup[256]; /* "/sys/fs/cgroup" */
};

/* Fill from the environment (NSLAB_PROC_ROOT, NSLAB_CGROUP_ROOT) or defaults. */
void paths_init(struct nsl_paths *p);
/* snprintf into buf: proc root + "/" + formatted rest. Returns buf. */
char *proc_path(const struct nsl_paths *p, char *buf, size_t size, const char *fmt, ...)
    PRINTF(4, 5);
char *cgroup_path(const struct nsl_paths *p, char *buf, size_t size, const char *fmt, ...)
    PRINTF(4, 5);

/* "CLONE_NEWUTS|CLONE_NEWPID" for a set of CLONE_* flags. */
void clone_flags_format(int flags, struct strbuf *out);

int sys_unshare(struct trace *t, int flags);
/* what: how the fd is shown, e.g. "/proc/1234/ns/net". */
int sys_setns(struct trace *t, int fd, const char *what, int nstype);
int sys_sethostname(struct trace *t, const char *name);
int sys_setdomainname(struct trace *t, const char *name);
int sys_kill(struct trace *t, pid_t pid, int sig);
/* Write value to an existing file (open O_WRONLY, write, close); traced as
 * write PATH "VALUE" = 0 | -1 ERRNO. */
int sys_write_file(struct trace *t, const char *path, const char *value);
int sys_mount(struct trace *t, const char *src, const char *target, const char *fstype,
              unsigned long flags, const char *data);

#endif

/* The door to the kernel for the cgroup calls that change state: mkdir and
 * rmdir of cgroup directories, writes to their files, and kill. Each call is
 * traced, e.g. mkdir("/sys/fs/cgroup/memory/nslab.4242/mem1", 0755) = 0.
 *
 * The cgroup code reaches these through a struct cg_sys (a table of
 * functions plus a context) rather than calling them directly: that is the
 * seam where unit tests put a fake kernel, because on a fake tree mkdir makes
 * a plain empty directory, and only the test knows which interface files the
 * kernel would have created in it. */
#ifndef NSLAB_SYS_CGROUP_H
#define NSLAB_SYS_CGROUP_H

#include <sys/types.h>

#include "err.h"
#include "kernel/trace.h"

struct bpf_insn;

/* Traced wrappers of the real calls. */
int sys_cg_mkdir(struct trace *t, const char *path, mode_t mode);
int sys_cg_rmdir(struct trace *t, const char *path);
/* A v1 cgroup hierarchy of the comma-separated subsystems ("net_cls"),
 * mounted nowhere: fsopen("cgroup"), a flag for each, FSCONFIG_CMD_CREATE,
 * fsmount. The descriptor of the detached mount, or -1 with errno (EBUSY:
 * a subsystem is bound to a hierarchy with others). */
int sys_cg_mount_detached(struct trace *t, const char *subsystems);

struct cg_sys {
    int (*mkdir)(void *ctx, struct trace *t, const char *path, mode_t mode);
    int (*rmdir)(void *ctx, struct trace *t, const char *path);
    /* write VALUE to an existing file, as sys_write_file does */
    int (*write)(void *ctx, struct trace *t, const char *path, const char *value);
    int (*kill)(void *ctx, struct trace *t, pid_t pid, int sig);
    /* load a device program and attach it to the cgroup at dir, in place
     * of the one before (cg_dev_prog_attach) */
    int (*bpf_devices)(void *ctx, struct trace *t, const char *dir, const struct bpf_insn *insns,
                       size_t n, struct nsl_err *e);
    void *ctx;
    /* How long to wait for the kernel: a freeze or thaw to be reached, the
     * processes of a cgroup being removed to die. */
    int wait_ms;
    int poll_ms; /* how often to look meanwhile */
};

/* The real kernel: sys_cg_mkdir, sys_cg_rmdir, sys_write_file, sys_kill,
 * cg_dev_prog_attach;
 * wait 2 s, poll every 10 ms. */
void cg_sys_init(struct cg_sys *s);

#endif

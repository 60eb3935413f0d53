#define _GNU_SOURCE
#include "kernel/cgroup/sys_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/cgroup/cgroup_devices.h"
#include "kernel/sys.h"

int sys_cg_mkdir(struct trace *t, const char *path, mode_t mode)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "mkdir", 0, mkdir(path, mode), "%s, %#o", q, (unsigned)mode);
}

int sys_cg_rmdir(struct trace *t, const char *path)
{
    cleanup_free char *q = str_quoted(path);
    return TRACED(t, "rmdir", 0, rmdir(path), "%s", q);
}

int sys_cg_mount_detached(struct trace *t, const char *subsystems)
{
    int fs = (int)TRACED(t, "fsopen", 0, syscall(SYS_fsopen, "cgroup", FSOPEN_CLOEXEC),
                         "\"cgroup\", FSOPEN_CLOEXEC");
    if (fs < 0)
        return -1;
    cleanup_free char *list = xstrdup(subsystems);
    char *save = NULL;
    for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (TRACED(t, "fsconfig", 0, syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, w, NULL, 0),
                   "%d, FSCONFIG_SET_FLAG, \"%s\", NULL, 0", fs, w) < 0)
            goto fail;
    }
    if (TRACED(t, "fsconfig", 0, syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0),
               "%d, FSCONFIG_CMD_CREATE, NULL, NULL, 0", fs) < 0)
        goto fail;
    int mnt = (int)TRACED(t, "fsmount", 0, syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0),
                          "%d, FSMOUNT_CLOEXEC, 0", fs);
    if (mnt < 0)
        goto fail;
    close(fs);
    return mnt;
fail:;
    int err = errno;
    close(fs);
    errno = err;
    return -1;
}

static int real_mkdir(void *ctx, struct trace *t, const char *path, mode_t mode)
{
    return sys_cg_mkdir(t, path, mode);
}

static int real_rmdir(void *ctx, struct trace *t, const char *path)
{
    return sys_cg_rmdir(t, path);
}

static int real_write(void *ctx, struct trace *t, const char *path, const char *value)
{
    return sys_write_file(t, path, value);
}

static int real_kill(void *ctx, struct trace *t, pid_t pid, int sig)
{
    return sys_kill(t, pid, sig);
}

static int real_bpf_devices(void *ctx, struct trace *t, const char *dir,
                            const struct bpf_insn *insns, size_t n, struct nsl_err *e)
{
    return cg_dev_prog_attach(t, dir, insns, n, e);
}

void cg_sys_init(struct cg_sys *s)
{
    *s = (struct cg_sys){
        .mkdir = real_mkdir,
        .rmdir = real_rmdir,
        .write = real_write,
        .kill = real_kill,
        .bpf_devices = real_bpf_devices,
        .wait_ms = 2000,
        .poll_ms = 10,
    };
}

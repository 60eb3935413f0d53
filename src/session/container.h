/* The containers `container run` made: what `container ls` lists beside
 * the kernel's view. A container is a job of the session (its process,
 * PID 1 of its own PID namespace); this keeps what the job table does not:
 * its name, root, image, cgroups and address. */
#ifndef NSLAB_SESSION_CONTAINER_H
#define NSLAB_SESSION_CONTAINER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "nslab.h"

struct container {
    char name[16];   /* c1, c2, ... */
    int job;         /* its job %N */
    pid_t pid;       /* its process, in the host's view */
    char root[PATH_MAX];  /* the overlay's mount point (merged), its root */
    char image[PATH_MAX]; /* the overlay's lower layer */
    char cgroups[160];    /* the session's cgroup names, a comma list */
    char addr[64];        /* ADDR on eth0, "" without --bridge */
    char bridge[16];
    bool rootless;
};

/* container run's words, parsed (container.c, unit-tested). */
struct container_opts {
    const char *rootfs; /* "busybox" or a directory */
    int ns_flags;       /* CLONE_NEW* */
    const char *hostname;
    const char *mem, *pids, *cpu; /* limits in cgcreate's words, or NULL */
    const char *caps;             /* a capability list to keep, NULL: the default */
    bool seccomp;                 /* seccomp default (false: --seccomp none) */
    const char *bridge, *addr;
    bool rootless;
    int argc; /* PROGRAM [ARGS] */
    char **argv;
};
/* The capabilities a container keeps without --caps: those container
 * runtimes keep by default (Docker's and Podman's list). */
#define CONTAINER_DEFAULT_CAPS                                                                     \
    "cap_chown,cap_dac_override,cap_fowner,cap_fsetid,cap_kill,cap_setgid,cap_setuid,"             \
    "cap_setpcap,cap_net_bind_service,cap_net_raw,cap_sys_chroot,cap_mknod,cap_audit_write,"       \
    "cap_setfcap"
/* The namespaces without --ns. */
#define CONTAINER_DEFAULT_NS "mnt,uts,ipc,net,pid,cgroup"

/* argv[0] is "run": 0, or -1 with e filled (usage errors flagged). */
int container_opts_parse(int argc, char **argv, struct container_opts *o, struct nsl_err *e);

/* The table. */
struct container *container_add(struct nsl *sh);
size_t container_count(const struct nsl *sh);
struct container *container_at(struct nsl *sh, size_t k);
void containers_free(struct nsl *sh);

#endif

/* The one namespace-type table, used by unshare, setns, spawn, the observer,
 * the printer and completion. Slots are the entries of /proc/PID/ns in the
 * kernel's (alphabetical) order; eight are types, two are *_for_children. */
#ifndef NSLAB_NS_H
#define NSLAB_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "kernel/trace.h"

enum ns_slot {
    NS_CGROUP,
    NS_IPC,
    NS_MNT,
    NS_NET,
    NS_PID,
    NS_PID4C, /* pid_for_children */
    NS_TIME,
    NS_TIME4C, /* time_for_children */
    NS_USER,
    NS_UTS,
    NS_NSLOTS
};

struct ns_info {
    const char *name;     /* word users type, and label prefix: "uts" */
    const char *file;     /* entry in /proc/PID/ns: "uts", "pid_for_children" */
    int flag;             /* CLONE_NEWUTS */
    const char *flag_name;
    const char *isolates; /* one line: what the namespace isolates */
    const char *man;      /* "uts_namespaces(7)" */
    bool for_children;    /* pid_for_children, time_for_children */
    enum ns_slot base;    /* the type a for_children slot belongs to (else itself) */
};

extern const struct ns_info ns_info[NS_NSLOTS];

/* The order setns(all) enters namespaces in: as nsenter(1) does. */
extern const enum ns_slot ns_setns_order[8];

/* Parse a TYPE word (aliases mount, network); for_children slots are not
 * types. 0 or -1 with an error listing the valid words. */
int ns_type_parse(const char *word, enum ns_slot *out, struct nsl_err *e);
/* Parse "uts,net pid" style lists (commas or separate words) into CLONE_*
 * flags; "all" means every type. */
int ns_flags_parse(const char *list, int *flags, struct nsl_err *e);
/* Is slot a namespace type (not a for_children link)? */
static inline bool ns_is_type(enum ns_slot s) { return !ns_info[s].for_children; }

/* One /proc/PID/ns entry as observed. */
struct ns_obs {
    ino_t ino; /* 0 when unreadable */
    int err;   /* errno of the failed readlink/stat (ENOENT: pending) */
};

/* Parse "uts:[4026531838]" into the inode. 0 or -1. */
int ns_link_parse(const char *link, ino_t *ino);
/* Read all slots of a process relative to an open /proc directory fd
 * (the path "PID/ns/FILE"). Returns 0 if the process exists, -1 (errno) if
 * not. Individual slot failures are kept in out[i].err. */
int ns_read_all(int procfd, pid_t pid, struct ns_obs out[NS_NSLOTS]);
/* The same relative to an open /proc/PID/ns directory (O_PATH is enough),
 * which can be kept open: it stays bound to that process, and each readlink
 * still asks the kernel for the namespaces of the moment. Returns how many
 * links were read; 0 when none was (the process is gone, a zombie, or its
 * links are not readable). */
int ns_read_dir(int nsfd, struct ns_obs out[NS_NSLOTS]);
/* One slot of the same: 0 when its link was read, -1 when not (out->err). */
int ns_read_slot(int nsfd, enum ns_slot s, struct ns_obs *out);

/* A namespace file by its path as process pid sees it (in its mount
 * namespace: <proc>/PID/root/PATH, or <proc>/PID/cwd/PATH when relative),
 * e.g. one pinned with a bind mount. Opened read-only; its type is checked
 * with ioctl NS_GET_NSTYPE: the CLONE_NEW* flag in *type. The descriptor,
 * or -1 with errno (ENOTTY/EINVAL: not a namespace file). */
int ns_open_file(int procfd, pid_t pid, const char *path, int *type);

/* Sets of slots, as bits 1 << enum ns_slot. */
#define NS_ALL_SLOTS ((1u << NS_NSLOTS) - 1)
/* The slots an unshare(2) or setns(2) with these CLONE_* flags can change:
 * each type's own and its *_for_children link; every slot when a user
 * namespace is among them (it changes the credentials the others are seen
 * with). */
unsigned ns_slots_of_flags(int flags);

#endif

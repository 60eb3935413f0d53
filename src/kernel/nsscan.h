/* Every namespace on the system, found the way lsns(8) finds them: walk the
 * numeric entries of /proc, read each process's /proc/PID/ns links, group
 * the processes by namespace. For `ls-ns all` (a flat list) and
 * `ls-ns --tree pid|user` (the hierarchy, from the NS_GET_PARENT,
 * NS_GET_USERNS and NS_GET_OWNER_UID ioctls of ioctl_ns(2)).
 *
 * Plain data: nothing here prints. render/nsscan_print.h renders it. */
#ifndef NSLAB_NSSCAN_H
#define NSLAB_NSSCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "kernel/ns.h"

/* How many members of each namespace the text tree lists (then "… and N
 * more"): enough to recognise a container, few enough to read. */
#define NSSCAN_TREE_PROCS 8

/* One process of a namespace, as the tree shows it. */
struct nsscan_proc {
    pid_t pid;     /* host PID (as the /proc root numbers it) */
    pid_t ns_pid;  /* PID inside its own PID namespace (last NSpid entry); 0 unknown */
    char *command; /* command line, or "[comm]" for kernel threads */
};

/* A namespace a user namespace owns (NS_GET_USERNS of it). */
struct nsscan_owned {
    enum ns_slot type;
    ino_t ino;
    int nprocs;
};

struct nsscan_ns {
    enum ns_slot type;
    ino_t ino;
    int nprocs;  /* == npids */
    pid_t *pids; /* all member host PIDs, ascending */
    size_t npids;
    char *command; /* of the lowest PID; NULL when there is no process */
    /* Owner: in the tree, and in nsscan_all (lsns's ONS column). */
    ino_t owner;     /* owning user namespace inode (NS_GET_USERNS; a user
                        namespace's is its parent); 0 unknown or none */
    uid_t owner_uid; /* tree: a user namespace's NS_GET_OWNER_UID; nsscan_all:
                        that of the user namespace itself, or of its owner */
    bool owner_uid_known; /* nsscan_all: owner_uid was read */
    /* nsscan_all: a namespace no process is in, kept by a bind mount of
     * its file (held_path, in the mount namespace of held_pid) or by an
     * open descriptor (held_fd of held_pid). NSSCAN_HELD_NONE otherwise. */
    enum { NSSCAN_HELD_NONE, NSSCAN_HELD_MOUNT, NSSCAN_HELD_FD } held;
    pid_t held_pid;
    int held_fd;
    char *held_path;
    /* Tree only (0 in nsscan_all): */
    ino_t parent;    /* parent namespace inode; 0 for a root */
    int level;       /* depth below its root (a root is 0) */
    /* A PID namespace no process is in, seen only as some process's
     * pid_for_children: its init has exited (before the first fork after
     * unshare(CLONE_NEWPID) the kernel hides the link, ENOENT, so such a
     * namespace cannot be found). Ancestors no process is in, found through
     * NS_GET_PARENT, have nprocs 0 and for_children_of 0. */
    pid_t for_children_of; /* that process, or 0 */
    /* User tree only: the namespaces of other types this one owns. */
    struct nsscan_owned *owns;
    size_t nowns;
    /* Tree only: details of the first members (at most the max_procs given
     * to nsscan_tree), with ns_pid and command of each. */
    struct nsscan_proc *procs;
    size_t nprocs_shown;
};

/* nsscan_all: sorted as lsns sorts (by inode; inodes are unique across
 * types). nsscan_tree: in depth-first order, roots and siblings by inode, so
 * a namespace's descendants follow it directly (level tells the depth). */
struct nsscan {
    struct nsscan_ns *v;
    size_t n;
};

/* Walk the numeric entries of the /proc root at procfd and read the
 * /proc/PID/ns links of the slots in slot_mask (bit 1 << slot). Returns the
 * namespaces grouped by (inode, slot), sorted by inode then slot, each with
 * its member PIDs ascending; command and tree fields are left empty. */
int nsscan_collect(int procfd, unsigned slot_mask, struct nsscan *out, struct nsl_err *e);

/* Every namespace of the 8 types that some process is in, and those no
 * process is in that a bind mount of their file (nsfs in some mount
 * namespace's mountinfo) or an open descriptor (/proc/PID/fd) keeps alive,
 * with nprocs 0 and what holds them (held). procfd: an open
 * fd of the /proc root. Processes that vanish during the walk, or whose
 * links cannot be read (EACCES), are skipped, as lsns skips them. Each
 * gets its owner (NS_GET_USERNS on its first member's /proc/PID/ns/TYPE;
 * 0 for the initial user namespace, or one above ours: EPERM) and the uid
 * that owns it: NS_GET_OWNER_UID of a user namespace itself (its
 * creator), of the owning user namespace for any other type. */
int nsscan_all(int procfd, struct nsscan *out, struct nsl_err *e);

/* The hierarchy of PID (type NS_PID) or user (NS_USER) namespaces, with
 * ancestors that no process is in found through NS_GET_PARENT. For NS_USER
 * each user namespace also lists the namespaces it owns (owns[]). A
 * namespace whose NS_GET_PARENT fails with EPERM (the top one visible from
 * here) is a root. max_procs: how many members of each namespace get ns_pid
 * and command filled in procs[] (0: all). Fails with a clear error when the
 * ioctls are unavailable (a fake /proc tree). */
int nsscan_tree(int procfd, enum ns_slot type, size_t max_procs, struct nsscan *out,
                struct nsl_err *e);

void nsscan_free(struct nsscan *s);

/* Command line of a process for display: args joined by spaces, control
 * characters and bytes that are not UTF-8 replaced by '?', "[comm]" when the
 * cmdline is empty (kernel threads, zombies). NULL when the process is gone. */
char *nsscan_command(int procfd, pid_t pid);

#endif

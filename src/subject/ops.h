/* The subject's operations, typed: one request struct and one reply struct
 * per operation, with its packing beside the operation in
 * src/subject/op_*.c (X_req_pack, called by the shell's handler; the
 * subject unpacks it there too). A reply names the stage that failed as an
 * enum, so a handler never reads the trace, which is for showing only.
 * Numbers travel as the struct's bytes (shell and subject are one binary);
 * strings and descriptors are named fields here, in an order only the pack
 * function knows. */
#ifndef NSLAB_SUBJECT_OPS_H
#define NSLAB_SUBJECT_OPS_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "kernel/ipc.h"
#include "kernel/mount/mount.h"
#include "kernel/mount/pivot.h"
#include "kernel/timens.h"
#include "subject/subject.h"

/* --- UNSHARE (op_ns.c) -------------------------------------------------- */

enum unshare_stage {
    UNSHARE_DONE,
    UNSHARE_FAILED_CALL,        /* unshare(2) itself */
    UNSHARE_FAILED_MAP,         /* the uid/gid maps after it (write) */
    UNSHARE_FAILED_PROPAGATION, /* the propagation of / after it (mount) */
};
struct unshare_req {
    int flags;                 /* CLONE_NEW* */
    unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, MS_SHARED, or 0: unchanged */
    bool map_root;             /* with CLONE_NEWUSER: map the caller to root */
};
struct unshare_rep {
    enum unshare_stage failed;
};
void unshare_req_pack(struct subj_req *rq, const struct unshare_req *r);
/* The call of a stage, as the trace names it ("unshare", "write", "mount"). */
const char *unshare_stage_call(enum unshare_stage s);

/* --- SETNS (op_ns.c) ---------------------------------------------------- */

struct setns_req {
    int n;
    int fd[SUBJ_MAXFD];
    int nstype[SUBJ_MAXFD];       /* CLONE_NEW* of each */
    const char *shown[SUBJ_MAXFD]; /* the path shown in the trace */
};
struct setns_rep {
    int failed; /* which one failed (index), -1 when none */
    int nstype; /* its CLONE_NEW* type */
};
void setns_req_pack(struct subj_req *rq, const struct setns_req *r);

/* --- UTS (op_uts.c) ----------------------------------------------------- */

enum uts_what { UTS_READ, UTS_SET_HOSTNAME, UTS_SET_DOMAINNAME };
struct uts_req {
    enum uts_what what;
    const char *name; /* the new name (not for UTS_READ) */
};
struct uts_rep {
    char hostname[65], domainname[65]; /* after the call */
};
void uts_req_pack(struct subj_req *rq, const struct uts_req *r);

/* --- SPAWN (spawn.c) ---------------------------------------------------- */

enum spawn_io {
    SPAWN_JOB,     /* background job: stdin /dev/null, own process group */
    SPAWN_TTY,     /* foreground: gets the terminal, subject waits for it */
    SPAWN_CAPTURE, /* foreground: stdout+stderr captured into the reply */
    SPAWN_INHERIT, /* foreground, stdin /dev/null, output inherited (scripts) */
    /* container run: the child, set up in its new namespaces, runs no
     * program but serves requests on the descriptor the request passes (a
     * subject of its own), until EXEC makes it the container's program. */
    SPAWN_SUBJECT,
};
enum spawn_stage {
    SPAWN_DONE,
    SPAWN_FAILED_START,  /* pipes, clone3/clone */
    SPAWN_FAILED_MAP,    /* the child's uid/gid maps */
    SPAWN_FAILED_CGROUP, /* moving it into a --cg cgroup (cgroup names which) */
    SPAWN_FAILED_SETUP,  /* inside its namespaces, before exec (/proc) */
    SPAWN_FAILED_EXEC,   /* execvp / execveat */
    SPAWN_CANCELLED,     /* SIGINT before it was ready */
};
#define SPAWN_CG_MAX 8
struct spawn_cgroup {
    int version;     /* of its hierarchy: the backend that attaches */
    const char *dir; /* the cgroup's directory */
};
struct spawn_req {
    int flags; /* CLONE_NEW* */
    enum spawn_io io;
    bool map_root; /* with CLONE_NEWUSER: map the caller to root */
    bool builtin;  /* argv[0] is one of nslab's builtins */
    int argc;
    char *const *argv;
    /* spawn --cg: the child is attached to each before it is released. */
    int ncg;
    struct spawn_cgroup cg[SPAWN_CG_MAX];
    int ctl_fd; /* SPAWN_SUBJECT: the child's end of its request socket */
};
struct spawn_rep {
    enum spawn_stage failed;
    int cgroup; /* SPAWN_FAILED_CGROUP: the index of the cgroup that refused */
    pid_t pid;
    pid_t host_pid; /* its PID in the host's view (differs after `enter`) */
    int status; /* a foreground program's wait status */
    /* The inodes of the child's mnt, uts, net and cgroup namespaces, read
     * before it ran (for the namespaces the session made); 0 when not new. */
    ino_t mnt_ns, uts_ns, net_ns, cgroup_ns;
};
void spawn_req_pack(struct subj_req *rq, const struct spawn_req *r);

/* --- KILL_INSIDE (op_kill.c) -------------------------------------------- */

struct kill_inside_req {
    int pidns_fd;      /* the target's PID namespace */
    const char *shown; /* its path, as the trace shows it */
    pid_t ns_pid;      /* the target's PID in it */
    int sig;
};
struct kill_inside_rep {
    pid_t sender; /* the helper's PID inside the namespace */
};
void kill_inside_req_pack(struct subj_req *rq, const struct kill_inside_req *r);
/* kill --from %N: run by a helper of the shell (nshelper_run) that joined
 * job N's PID namespace: fork a process there that sends the signal. out
 * gets the sender's PID there. arg: struct kill_from_arg. */
struct kill_from_arg {
    pid_t ns_pid; /* the target's PID in that namespace */
    int sig;
};
int kill_from_fn(void *arg, struct trace *t, struct strbuf *out);

/* --- MOUNT (op_mount.c) ------------------------------------------------- */

enum mount_verb { MV_MOUNT, MV_BIND, MV_UMOUNT, MV_PROPAGATION, MV_PIN, MV_UNPIN };
struct mount_req {
    enum mount_verb verb;
    bool recursive;     /* bind -r, propagation -r */
    int umount_flags;   /* umount: 0 or MNT_DETACH */
    enum mount_prop prop; /* propagation */
    bool allow_host_changes;
    /* The subject's cgroup namespace is not one the session made: a
     * cgroup2 mount there may set the options of the machine's v2
     * hierarchy (the guard). */
    bool in_host_cgroupns;
    const char *fstype, *source, *target, *opts; /* as the verb needs */
    int ns_fd;            /* MV_PIN: the namespace file to pin (sent along) */
    const char *ns_shown; /* MV_PIN: its path, as the trace shows it */
    /* The mounts the session made in the host's namespace (the guard lets
     * it change them again), and the mount namespaces it made. */
    const int *created;
    size_t ncreated;
    const ino_t *made_mntns;
    size_t nmade;
};
/* The reply: the fixed part, then in data the ID lists and strings. */
struct mount_rep {
    enum mount_stage failed;
    struct mount_result r; /* target, before, after, IDs added and removed */
    char *source;          /* bind: the canonical source */
    char *error;           /* the sentence of a failure */
};
void mount_req_pack(struct subj_req *rq, const struct mount_req *r);
/* Shell side: 0, or -1 on a malformed reply. Free with mount_rep_free. */
int mount_rep_unpack(const struct subj_rep *rep, struct mount_rep *out);
void mount_rep_free(struct mount_rep *m);

/* --- IPC (op_ipc.c) ----------------------------------------------------- */

enum ipc_what { IPC_NEW, IPC_LS };
struct ipc_req {
    enum ipc_what what;
    enum ipc_kind kind; /* IPC_NEW */
    key_t key;          /* IPC_NEW: IPC_PRIVATE or a key */
};
struct ipc_rep {
    long long ctime; /* IPC_NEW: the new object's creation time */
};
/* IPC_LS: data holds /proc/sysvipc/{msg,shm,sem}, a NUL after each. */
void ipc_req_pack(struct subj_req *rq, const struct ipc_req *r);

/* --- TIME (op_time.c) --------------------------------------------------- */

enum time_what { TIME_READ, TIME_OFFSET };
struct time_req {
    enum time_what what;
    clockid_t clock;  /* TIME_OFFSET: CLOCK_MONOTONIC or CLOCK_BOOTTIME */
    int64_t seconds;  /* TIME_OFFSET */
};
struct time_rep {
    struct clock_pair clocks; /* TIME_READ: the subject's */
};
void time_req_pack(struct subj_req *rq, const struct time_req *r);

/* --- NET (op_net.c) ----------------------------------------------------- */

enum net_op { NET_OP_VETH, NET_OP_UP, NET_OP_ADDR, NET_OP_DUMP, NET_OP_BRIDGE, NET_OP_MASTER };
enum link_state { LINK_NO_CARRIER, LINK_OPERATIONAL, LINK_NOT_YET };
struct net_req {
    enum net_op op;
    const char *name;       /* VETH, UP, ADDR: the device */
    const char *peer;       /* VETH */
    int peer_ns_fd;         /* VETH: -1, or the peer's network namespace */
    const char *peer_shown; /* VETH: its path, as the trace shows it */
    const char *cidr;       /* ADDR */
    const char *master;     /* MASTER: the bridge, NULL: leave it (nomaster) */
};
/* MASTER: which stage failed. */
enum net_failed { NET_FAILED_NONE, NET_FAILED_DEVICE, NET_FAILED_MASTER, NET_FAILED_NOT_BRIDGE,
                  NET_FAILED_CALL };
struct net_rep {
    int ifindex;
    bool was_up;       /* UP: it was up before */
    int64_t waited_ms; /* UP: how long until operational (or given up) */
    enum link_state state;
    int operstate; /* UP: the device's last IF_OPER_* */
    enum net_failed failed;
    int master;                 /* MASTER: the bridge's ifindex */
    char master_kind[16];       /* NET_FAILED_NOT_BRIDGE: what it is ("" none) */
    int old_master;             /* MASTER: the device's bridge before, 0 none */
};
/* data: the kernel's own sentence of a failure (extended ACK), or the
 * packed devices (NET_OP_DUMP). */
void net_req_pack(struct subj_req *rq, const struct net_req *r);

/* --- ROOT (op_root.c) -------------------------------------------------- */

enum root_verb { ROOT_CHROOT, ROOT_PIVOT };
enum root_stage {
    ROOT_DONE,
    ROOT_FAILED_CALL,   /* chroot(2) or pivot_root(2) itself (rule: why, for pivot_root) */
    ROOT_FAILED_CHDIR,  /* chdir("/") after it */
    ROOT_FAILED_UMOUNT, /* pivot_root: the lazy unmount of the old root */
};
struct root_req {
    enum root_verb verb;
    const char *dir;     /* chroot: DIR; pivot_root: NEW */
    const char *put_old; /* pivot_root: PUT_OLD */
};
struct root_rep {
    enum root_stage failed;
    enum pivot_rule rule; /* ROOT_FAILED_CALL of pivot_root: the kernel's rule broken */
};
/* data: pivot_root: the old root's path inside the new root (what was
 * unmounted), with its NUL. */
void root_req_pack(struct subj_req *rq, const struct root_req *r);

/* --- CONFINE (op_confine.c) -------------------------------------------- */

enum confine_what { CONFINE_CAPS_DROP, CONFINE_NNP, CONFINE_SECCOMP };
enum confine_stage {
    CONFINE_DONE,
    CONFINE_FAILED_AMBIENT,  /* prctl(PR_CAP_AMBIENT_LOWER) */
    CONFINE_FAILED_BOUNDING, /* prctl(PR_CAPBSET_DROP): needs CAP_SETPCAP */
    CONFINE_FAILED_CAPSET,   /* capset(2) */
    CONFINE_FAILED_NNP,      /* prctl(PR_SET_NO_NEW_PRIVS) */
    CONFINE_FAILED_SECCOMP,  /* seccomp(2): needs no_new_privs or CAP_SYS_ADMIN */
};
struct confine_req {
    enum confine_what what;
    uint64_t drop;       /* CAPS_DROP: the capabilities to take away */
    int err;             /* SECCOMP: the errno the denied calls fail with */
    const char *syscalls; /* SECCOMP: comma list, checked by the shell already */
};
struct confine_rep {
    enum confine_stage failed;
    int cap; /* CONFINE_FAILED_AMBIENT/BOUNDING: the capability, else -1 */
};
void confine_req_pack(struct subj_req *rq, const struct confine_req *r);

/* --- KEYS (op_keys.c) -------------------------------------------------- */

enum keys_what {
    KEYS_LIST, /* data: the subject's view, packed (kernel/keys.h) */
    KEYS_ADD,  /* add_key(2) of a "user" key into its user keyring */
    KEYS_FIND, /* KEYCTL_SEARCH of its user keyring; data: the payload */
};
enum keys_stage {
    KEYS_DONE,
    KEYS_FAILED_LIST,   /* the user keyring could not be named */
    KEYS_FAILED_ADD,    /* add_key(2) */
    KEYS_FAILED_SEARCH, /* keyctl(KEYCTL_SEARCH): ENOKEY when there is none */
};
struct keys_req {
    enum keys_what what;
    const char *name, *data; /* ADD: both; FIND: name */
};
struct keys_rep {
    enum keys_stage failed;
    int32_t id;   /* ADD, FIND: the key's serial */
    int read_err; /* FIND: 0 when data holds the payload, else KEYCTL_READ's errno */
};
void keys_req_pack(struct subj_req *rq, const struct keys_req *r);

/* --- ENTER (op_enter.c) ------------------------------------------------ */

/* The subject joins TARGET's namespaces and goes on as a new subject born
 * inside them (nsenter's fork): a child of the subject joins them (setns,
 * in the request's order), then clones the new subject with CLONE_PARENT,
 * so that it is born in the PID namespace it joined and is the old
 * subject's child. The old one retires: it reaps and reports the jobs it
 * started, and answers no more requests. When a setns fails, the child
 * exits and nothing has changed. */
struct enter_req {
    int n; /* 0..SUBJ_MAXFD: the namespaces to join (none: only the fork) */
    int fd[SUBJ_MAXFD];
    int nstype[SUBJ_MAXFD];       /* CLONE_NEW* of each */
    const char *shown[SUBJ_MAXFD]; /* the path shown in the trace */
};
struct enter_rep {
    int failed;      /* which setns failed (index), -1 when none */
    int nstype;      /* its CLONE_NEW* type */
    pid_t pid;       /* the new subject, in the host's view */
    pid_t ns_pid;    /* its PID inside its own PID namespace */
    int level;       /* its PID namespace's depth (0: the host's) */
};
void enter_req_pack(struct subj_req *rq, const struct enter_req *r);

/* Every reply's fixed part fits the wire (the requests' are checked beside
 * their packing). */
_Static_assert(sizeof(struct unshare_rep) <= SUBJ_OUT_MAX, "unshare_rep");
_Static_assert(sizeof(struct setns_rep) <= SUBJ_OUT_MAX, "setns_rep");
_Static_assert(sizeof(struct uts_rep) <= SUBJ_OUT_MAX, "uts_rep");
_Static_assert(sizeof(struct spawn_rep) <= SUBJ_OUT_MAX, "spawn_rep");
_Static_assert(sizeof(struct kill_inside_rep) <= SUBJ_OUT_MAX, "kill_inside_rep");
_Static_assert(sizeof(struct ipc_rep) <= SUBJ_OUT_MAX, "ipc_rep");
_Static_assert(sizeof(struct time_rep) <= SUBJ_OUT_MAX, "time_rep");
_Static_assert(sizeof(struct net_rep) <= SUBJ_OUT_MAX, "net_rep");
_Static_assert(sizeof(struct root_rep) <= SUBJ_OUT_MAX, "root_rep");
_Static_assert(sizeof(struct confine_rep) <= SUBJ_OUT_MAX, "confine_rep");
_Static_assert(sizeof(struct keys_rep) <= SUBJ_OUT_MAX, "keys_rep");
_Static_assert(sizeof(struct enter_rep) <= SUBJ_OUT_MAX, "enter_rep");
/* The devices of the caller's network namespace, packed (net_links_pack):
 * a helper function for nshelper_run. */
int net_dump_fn(void *arg, struct trace *t, struct strbuf *out);

/* --- EXEC (op_exec.c) ---------------------------------------------------- */

/* The subject replaces itself with PROGRAM (container run's last step, as
 * a runtime's init does): no reply when the exec worked (the request
 * socket closes with it: the shell takes that end of file as success),
 * else the errno and the subject goes on serving. */
struct exec_req {
    int argc; /* PROGRAM, a program of the subject's root (no builtin) */
    char *const *argv;
};
void exec_req_pack(struct subj_req *rq, const struct exec_req *r);
/* Subject side, in the process that is to run argv: a builtin (fn) is
 * nslab's own binary again (in_process: run here, without exec, where the
 * binary cannot be loaded), else execvp. ready_fd, when not -1, is closed
 * by a builtin once set up. Returns only on failure, with errno. */
void subj_exec_program(struct subj_ctx *cx, builtin_fn fn, int argc, char **argv, bool in_process,
                       int ready_fd);

#endif

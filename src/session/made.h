/* What the session made that outlives its processes, undone at exit
 * (SPEC §6): System V IPC objects (they live as long as their IPC
 * namespace, and the host's never ends), and changes to the host's network
 * namespace (devices, addresses on devices the session did not make, and
 * devices it brought up), and the keys `key add` linked into the host's
 * user keyring (it lives as long as the uid's user namespace). Objects in namespaces the session made need no
 * undoing: those namespaces end with the session's processes and take their
 * objects and devices with them. */
#ifndef NSLAB_MADE_H
#define NSLAB_MADE_H

#include "kernel/ipc.h"
#include "kernel/loopdev.h"
#include "kernel/netlist.h"
#include "nslab.h"

struct made_ipc {
    enum ipc_kind kind;
    int id;
    key_t key; /* with ctime: the object is still the one we made */
    long long ctime;
    ino_t ns; /* its IPC namespace */
};

enum made_net_what { MADE_NET_DEVICE, MADE_NET_ADDR, MADE_NET_UP };

struct made_net {
    enum made_net_what what;
    int ifindex; /* in the host's network namespace */
    char name[NET_NAME_MAX];
    struct net_addr addr; /* MADE_NET_ADDR */
};

struct session_made {
    struct made_ipc *ipc;
    size_t nipc;
    struct made_net *net;
    size_t nnet;
    struct loopdev *loop; /* blockdev's: held open until the end */
    size_t nloop;
    int32_t *keys; /* key add's, in the host's user keyring */
    size_t nkeys;
};

/* The session's list (created on first use). */
struct session_made *made_get(struct nsl *sh);
void made_add_ipc(struct nsl *sh, const struct made_ipc *o);
void made_add_net(struct nsl *sh, const struct made_net *n);
void made_add_loop(struct nsl *sh, const struct loopdev *d);
/* A key the subject added while in the host's user namespace. */
void made_add_key(struct nsl *sh, int32_t id);
/* Is ifindex a device this session made in the host's namespace? */
bool made_is_device(struct nsl *sh, int ifindex);

/* What the end of the session would end, in words ("2 jobs, 1 cgroup"):
 * live jobs, the session's cgroups, its mounts in the host's mount
 * namespace, its network devices there, its IPC objects, its keys in the
 * host's user keyring. Jobs as the
 * events read so far left them (the caller reads the waiting ones first).
 * Appended to out; returns how many things that is (0: nothing). */
size_t made_alive_summary(struct nsl *sh, struct strbuf *out);

/* At exit, after every process of the session has ended: remove the IPC
 * objects still alive, undo the host network changes, release the loop
 * devices (the kernel detaches them) and unlink the keys from the host's
 * user keyring (the kernel then destroys them). Silent; returns
 * how many things could not be undone. Frees the list. */
int made_undo(struct nsl *sh, struct trace *t);

#endif

/* The namespaces this session made (unshare, spawn --ns) of the types the
 * host guards look at: mnt (the mount guard), uts (hostname and
 * domainname), net (bridges and their ports) and cgroup (a cgroup2 mount
 * outside one sets the options of the machine's v2 hierarchy). Every other namespace of those types is the host's for the
 * guards: the one nslab started in, and any other the subject can reach
 * with setns (a container's, an outer namespace's), since changing it
 * changes what processes the session did not start see.
 *
 * Each is held open (a descriptor on /proc/PID/ns/TYPE) while the session
 * lives (a network namespace only while a process of the session is in it:
 * made_ns_let_go): the guards know a namespace by its inode, and the kernel gives the
 * inode of a namespace that ended to the next one made anywhere. */
#ifndef NSLAB_MADE_NS_H
#define NSLAB_MADE_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "nslab.h"

/* pid's TYPE namespace (slot NS_MNT, NS_UTS, NS_NET or NS_CGROUP), if the session made it:
 * when `before` is not 0 it is the inode the process had before the call
 * that may have made one (an unshare: an unchanged inode made nothing);
 * when `expect` is not 0 the inode must be that one (spawn: the inode read
 * before the child ran, so a namespace the program entered or made by
 * itself since is not taken for the session's). */
void made_ns_note(struct nsl *sh, enum ns_slot slot, pid_t pid, ino_t before, ino_t expect);
/* Did the session make the TYPE namespace ino? */
bool made_ns_has(const struct nsl *sh, enum ns_slot slot, ino_t ino);
/* Let go of slot's namespaces that neither the subject nor a running job
 * is in any more (after each step, and when a job ends): a network
 * namespace held open would outlive its processes and keep its devices
 * (a veth's peer, a bridge) alive. Let go, it counts as the host's again. */
void made_ns_let_go(struct nsl *sh, enum ns_slot slot);
/* Let go of the namespace ino of slot (if the session holds it): from now
 * on it counts as the host's (container run, once its container is
 * built: what runs in it is its own business). */
void made_ns_forget(struct nsl *sh, enum ns_slot slot, ino_t ino);
/* The inodes of slot's namespaces the session made, in a malloc'd array
 * (*out; NULL when none). Returns how many. */
size_t made_ns_list(const struct nsl *sh, enum ns_slot slot, ino_t **out);
/* Close them all (at exit). */
void made_ns_free(struct nsl *sh);

#endif

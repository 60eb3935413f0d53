/* Shared between nsscan.c (the /proc walk, `ls-ns all`) and nsscan_tree.c
 * (the hierarchy). Not for other modules. */
#ifndef NSLAB_NSSCAN_INT_H
#define NSLAB_NSSCAN_INT_H

#include "kernel/nsscan.h"

/* Fill ns->command from its lowest member that still exists, dropping the
 * members found gone on the way. Returns false when none is left. */
bool nsscan_fill_command(int procfd, struct nsscan_ns *ns);

/* Free what one entry holds (not the entry itself). */
void nsscan_ns_clear(struct nsscan_ns *ns);

/* nsscan_held.c: ns->owner and owner_uid from an open file of the
 * namespace (nothing when the ioctls fail: a fake /proc, EPERM). */
void nsscan_owner_of_fd(int fd, struct nsscan_ns *ns);
/* nsscan_held.c: add to s (sorted as nsscan_all sorts) the namespaces no
 * process is in that a bind mount or a descriptor holds; mntns lists one
 * process of each mount namespace (their mountinfo is read once each). */
void nsscan_add_held(int procfd, struct nsscan *s);

/* The path the /proc root fd stands for, for messages ("/proc" if unknown). */
void nsscan_root_name(int procfd, char *buf, size_t size);

#endif

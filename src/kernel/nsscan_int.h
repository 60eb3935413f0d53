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

/* The path the /proc root fd stands for, for messages ("/proc" if unknown). */
void nsscan_root_name(int procfd, char *buf, size_t size);

#endif

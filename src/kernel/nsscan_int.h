/* Shared between nsscan.c (the /proc walk, `ls-ns all`) and nsscan_tree.c
 * (the hierarchy). Not for other modules. */
#ifndef NSLAB_NSSCAN_INT_H
#define NSLAB_NSSCAN_INT_H

#include "nsscan.h"

/* Walk the numeric entries of the /proc root at procfd and read the
 * /proc/PID/ns links of the slots in slot_mask (bit 1 << slot). Returns the
 * namespaces grouped by (inode, slot), sorted by inode then slot, each with
 * its member PIDs ascending; command and tree fields are left empty. */
int nsscan_collect(int procfd, unsigned slot_mask, struct nsscan *out, struct nsl_err *e);

/* Fill ns->command from its lowest member that still exists, dropping the
 * members found gone on the way. Returns false when none is left. */
bool nsscan_fill_command(int procfd, struct nsscan_ns *ns);

/* Free what one entry holds (not the entry itself). */
void nsscan_ns_clear(struct nsscan_ns *ns);

/* The path the /proc root fd stands for, for messages ("/proc" if unknown). */
void nsscan_root_name(int procfd, char *buf, size_t size);

#endif

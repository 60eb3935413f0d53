/* ls-ns all and ls-ns --tree (the system-wide walk lives in kernel/nsscan). */
#ifndef NSLAB_CMD_LSNS_H
#define NSLAB_CMD_LSNS_H

#include "nslab.h"

int ls_ns_all(struct nsl *sh);
int ls_ns_tree(struct nsl *sh, enum ns_slot type);

#endif

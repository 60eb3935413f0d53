/* The processes of one PID namespace as its members see them: PID there,
 * PPID there, host PID, the NSpid chain of /proc/PID/status, state, command.
 * A namespace sees its own processes and those of every namespace nested in
 * it (each process has a PID at every level above it). Plain data. */
#ifndef NSLAB_PS_H
#define NSLAB_PS_H

#include <sys/types.h>

#include "err.h"

#define PS_MAX_LEVELS 33 /* the kernel nests PID namespaces 32 deep */

struct ps_proc {
    pid_t pid;      /* PID inside the namespace listed */
    pid_t ppid;     /* parent's PID there; 0 when the parent is outside */
    pid_t host_pid; /* PID as this /proc numbers it */
    char state;     /* R S D Z T ... */
    pid_t nspid[PS_MAX_LEVELS]; /* outermost first, as NSpid lists them */
    int nlevels;
    char *command;
};

struct ps_list {
    ino_t ns;
    int level; /* depth of the namespace below the top one visible here */
    struct ps_proc *v;
    size_t n;
};

/* List namespace ns (a PID namespace inode that some process is in). */
int ps_collect(int procfd, ino_t ns, struct ps_list *out, struct nsl_err *e);
void ps_free(struct ps_list *l);
/* Parse the NSpid line's numbers ("NSpid:\t4242\t7\t1"). Returns the count. */
int ps_parse_nspid(const char *status, pid_t *out, int max);

#endif

/* A short-lived helper process that enters another process's namespace and
 * runs one function there: what must be done *from inside* a namespace
 * (a netlink dump, reading the clocks of a time namespace, IPC_RMID in an
 * IPC namespace) when neither the shell nor the subject is in it.
 *
 * The shell forks the helper, not the subject: a child of the subject would
 * be born into the subject's pending pid_for_children (becoming PID 1 of a
 * new PID namespace, which dies when it exits) or time_for_children
 * (freezing the offsets `timens` has yet to write). The shell never has
 * pending namespaces. When the target namespace is owned by a user
 * namespace other than the shell's, the helper enters that user namespace
 * first (as nsenter(1) does), which is what lets an unprivileged nslab reach
 * namespaces its own `unshare user` made. */
#ifndef NSLAB_NSHELPER_H
#define NSLAB_NSHELPER_H

#include "nslab.h"

/* Runs in the helper, after it entered the namespaces. Appends what it
 * found to out and its state-changing calls to t; 0, or -1 with errno. */
typedef int (*nshelper_fn)(void *arg, struct trace *t, struct strbuf *out);

/* Enter PID's namespace of type slot (and the user namespace owning it,
 * when that is not the shell's), run fn, and return: 0 when fn succeeded;
 * -1 with *err set when entering or fn failed (the trace says which). The
 * helper's trace (fork, setns, fn's calls) is appended to t; fn's output to
 * out. e is filled only when the helper could not be started at all (then
 * *err is 0). */
int nshelper_run(struct nsl *sh, struct trace *t, pid_t pid, enum ns_slot slot, nshelper_fn fn,
                 void *arg, struct strbuf *out, int *err, struct nsl_err *e);

/* Run fn in the shell itself (for targets in the shell's own namespace),
 * with the same contract as nshelper_run. */
int nshelper_run_here(struct trace *t, nshelper_fn fn, void *arg, struct strbuf *out, int *err);

/* The inode of PID's namespace of type slot (stat of /proc/PID/ns/...), or 0. */
ino_t ns_inode_of(struct nsl *sh, pid_t pid, enum ns_slot slot);

#endif

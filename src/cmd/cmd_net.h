/* The network devices of a TARGET's namespace, for `link` and for
 * `expect link`. */
#ifndef NSLAB_CMD_NET_H
#define NSLAB_CMD_NET_H

#include "kernel/netlist.h"
#include "nslab.h"
#include "subject/subject.h"

/* "4026532290 (not the host's)": a network namespace in words. */
const char *ns_words(struct nsl *sh, ino_t ino, char *buf, size_t size);
/* What changing a network namespace takes, for an EPERM. */
const char *privilege_hint(void);
/* " (the kernel says: ...)" when the subject's reply carries the kernel's
 * sentence (extended ACK), else "". */
const char *why_suffix(const struct subj_rep *rep, char *buf, size_t size);
/* The guard of the host's network: bridges and ports only in a network
 * namespace this session made. 0, or -1 with the step failed, saying why
 * (what: "create a bridge", ...). */
int net_guard_made(struct nsl *sh, const char *what);

/* Read the devices of TARGET word's network namespace from a process inside
 * it (the shell, the subject or a helper; the helper's fork and setns are
 * traced into the current step). *ns is the namespace's inode, *how says
 * who read it. 0 or -1 with e filled. */
int net_links_of(struct nsl *sh, const char *word, struct net_links *l, ino_t *ns,
                 const char **how, struct nsl_err *e);
/* expect's row "link": expect link NAME [TARGET], argv[0] "link", argc 2 or
 * 3 (expect's table checks it). 1 held, 0 not (why filled), -1 with e
 * filled. */
int net_expect_link(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e);

#endif

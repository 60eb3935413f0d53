/* Snapshots of what the observation shows. Fills plain structs; never
 * prints (render/ does that). */
#ifndef NSLAB_OBSERVE_H
#define NSLAB_OBSERVE_H

#include "nslab.h"

/* Read the subject's /proc/PID/ns entries. */
void observe_subject(struct nsl *sh, struct snapshot *out);
/* The /proc/PID/ns entries of any process, as ns_read_all (0, or -1 when it
 * is gone); the subject's are read through the directory kept open for it. */
int observe_ns_of(struct nsl *sh, pid_t pid, struct ns_obs out[NS_NSLOTS]);
/* Did slot s change between two snapshots (inode or readability)? */
bool snapshot_changed(const struct snapshot *a, const struct snapshot *b, enum ns_slot s);
/* Does slot s differ from the host's? */
bool snapshot_differs(const struct nsl *sh, const struct snapshot *now, enum ns_slot s);
/* expect's row "ns" (observe_expect.c): expect ns TYPE host|new|changed|same,
 * argv[0] "ns", argc 3 (expect's table checks it); host|new look at the
 * snapshot sh->prev, changed|same at the previous step's two. 1 held, 0 not
 * (why filled), -1 malformed. */
int snapshot_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e);

/* The `mounts` observation (OBS_MOUNTS): before a step, make sure there is
 * a reading of the subject's mount table to compare with; after it, read
 * the table again and keep what changed in sh->mnt->diff. */
void observe_mounts_begin(struct nsl *sh);
void observe_mounts(struct nsl *sh);
/* A step nobody sees the observation of (-q): forget the reading, so the
 * next one shown compares with the table just before its own step. */
void observe_mounts_skip(struct nsl *sh);

/* Parse an observation list ("ns,cgroup", "all", "none") into OBS_* bits. */
int observe_parse(const char *list, unsigned *out, struct nsl_err *e);

#endif

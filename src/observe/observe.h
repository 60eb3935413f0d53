/* Snapshots of what the observation shows. Fills plain structs; never
 * prints (render/ does that). */
#ifndef NSLAB_OBSERVE_H
#define NSLAB_OBSERVE_H

#include "nslab.h"
#include "observe/observation.h"

/* Read the subject's /proc/PID/ns entries. */
void observe_subject(struct nsl *sh, struct snapshot *out);
/* The /proc/PID/ns entries of any process, as ns_read_all (0, or -1 when it
 * is gone); the subject's are read through the directory kept open for it. */
int observe_ns_of(struct nsl *sh, pid_t pid, struct ns_obs out[NS_NSLOTS]);
/* (snapshot_changed, snapshot_differs: pure, in observe/observation.h.) */
/* expect's row "ns" (observe_expect.c): expect ns TYPE host|new|changed|same,
 * argv[0] "ns", argc 3 (expect's table checks it); host|new look at the
 * snapshot sh->prev, changed|same at the previous step's two. 1 held, 0 not
 * (why filled), -1 malformed. */
int snapshot_expect(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e);

/* After a step: read the subject's namespaces into now and, when shown
 * (someone sees this step's observation), the session's cgroups; then put
 * the step's observation together in out (observation_of). The mount
 * table is read earlier, by observe_mounts, right after the handler. */
void observe_step(struct nsl *sh, bool shown, const struct snapshot *before,
                  struct snapshot *now, struct observation *out);
/* The current step's observation (observation.h) from the namespaces
 * before and after it and what the step observed of cgroups and mounts. */
void observation_of(struct nsl *sh, const struct snapshot *before, const struct snapshot *now,
                    struct observation *out);

/* The `mounts` observation (OBS_MOUNTS): before a step, make sure there is
 * a reading of the subject's mount table to compare with; after it, read
 * the table again and keep what changed (sh->mhist, struct mount_history). */
void observe_mounts_begin(struct nsl *sh);
void observe_mounts(struct nsl *sh);
/* A step nobody sees the observation of (-q): forget the reading, so the
 * next one shown compares with the table just before its own step. */
void observe_mounts_skip(struct nsl *sh);
/* At the end: forget the reading (safe when there is none). */
void observe_mounts_free(struct nsl *sh);

/* Parse an observation list ("ns,cgroup", "all", "none") into OBS_* bits. */
int observe_parse(const char *list, unsigned *out, struct nsl_err *e);

#endif

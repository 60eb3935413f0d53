/* Mount tables as text and JSON: the `mounts` table with propagation in
 * words, two namespaces side by side, and the observation of what changed
 * in a step. Render never touches the kernel: the tables are read by the
 * caller. */
#ifndef NSLAB_MOUNTS_PRINT_H
#define NSLAB_MOUNTS_PRINT_H

#include "kernel/mount/mount_diff.h"
#include "kernel/mount/mountinfo.h"
#include "render/render.h"

/* The rows of v->self (rows may be a subset; under: the PATH asked for, or
 * NULL, and holder the mount that holds it), with a line of relations under
 * each mount that propagates. */
void mounts_print_table(const struct render_ctx *rc, const struct mount_views *v,
                        const struct mount_ent *const *rows, size_t n, const char *under,
                        const struct mount_ent *holder, struct strbuf *out);
cJSON *mounts_table_json(const struct render_ctx *rc, const struct mount_views *v,
                         const struct mount_ent *const *rows, size_t n);

/* One side of a comparison. */
struct mounts_side {
    const char *label; /* "SUBJECT 4242", "%1 4250", "HOST 4241" */
    pid_t pid;
    const struct mount_table *table;
};

const char *mount_rel_name(enum mount_rel r); /* "peers", "sends", ... (JSON) */

/* Both tables by mount point (under PATH when given), with an arrow for
 * how each pair propagates (v: the namespaces in view, for chains). Text
 * into out, the JSON answer into *json. */
void mounts_print_compare(const struct render_ctx *rc, const struct mounts_side *a,
                          const struct mounts_side *b, const struct mount_views *v,
                          const char *under, struct strbuf *out, cJSON **json);

/* The `mounts` observation after a step: what changed in the table. */
void render_mounts_observation(const struct render_ctx *rc, const struct mount_diff *d,
                               struct strbuf *out);
cJSON *render_mounts_observation_json(const struct render_ctx *rc, const struct mount_diff *d);

#endif

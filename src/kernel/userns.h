/* User namespaces (user_namespaces(7)): credentials and capabilities as
 * /proc/PID/status shows them, the uid_map/gid_map files, capability names.
 * Pure parsers that take the files' text; nothing here prints.
 *
 * A fact the readers must keep in mind: /proc/PID/status and the second
 * column of /proc/PID/uid_map show IDs as the *reader's* user namespace
 * sees them (for a reader in the parent namespace: the outside IDs). */
#ifndef NSLAB_USERNS_H
#define NSLAB_USERNS_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* The kernel's limit on the lines of one map (UID_GID_MAP_MAX_EXTENTS). */
#define IDMAP_MAX 340

/* The Uid, Gid, Groups and CapEff lines of /proc/PID/status. */
struct proc_creds {
    uint32_t uid[4]; /* real, effective, saved, filesystem */
    uint32_t gid[4];
    uint32_t *groups;
    size_t ngroups;
    uint64_t cap_eff;
};

int proc_creds_parse(const char *status, struct proc_creds *out, struct nsl_err *e);
void proc_creds_free(struct proc_creds *c);

struct idmap_ext {
    uint32_t inside, outside, count;
};
struct idmap {
    struct idmap_ext v[IDMAP_MAX];
    size_t n;
};

/* The text of /proc/PID/uid_map or gid_map ("0 65534 1" per line; an
 * unwritten map is empty). 0 or -1. */
int idmap_parse(const char *text, struct idmap *m, struct nsl_err *e);
/* The ID inside for an ID as the map's reader sees it outside, or -1 when
 * the map does not cover it (the kernel then shows the overflow ID). */
int64_t idmap_inside(const struct idmap *m, uint32_t outside);
/* INSIDE OUTSIDE COUNT as a user types them: numbers, count at least 1,
 * neither range past 2^32-1. 0 or -1 with an error naming the word. */
int idmap_args_parse(const char *inside, const char *outside, const char *count,
                     struct idmap_ext *x, struct nsl_err *e);

/* "cap_sys_admin" for bit 21; NULL past the capabilities this build knows. */
const char *cap_name(int bit);
/* How many capability bits this build has names for. */
int cap_count_known(void);

#endif

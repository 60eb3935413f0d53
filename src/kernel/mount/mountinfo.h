/* /proc/PID/mountinfo as data: a pure parser of its text, lookups by path,
 * propagation as text, and readable relations between the mounts of two
 * namespaces (which peer group a mount shares, where it receives from).
 *
 * Line format (proc(5)):
 *   ID PARENT MAJ:MIN ROOT TARGET OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
 * The kernel escapes space, tab, newline and backslash in paths as \ooo. */
#ifndef NSLAB_MOUNTINFO_H
#define NSLAB_MOUNTINFO_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "kernel/sys.h"

struct mount_ent {
    int id;     /* mount ID (unique system-wide, reused after unmount) */
    int parent; /* parent's mount ID (the root's parent may be absent) */
    unsigned major, minor;
    char *root;       /* path inside the filesystem that is mounted, decoded */
    char *target;     /* mount point, relative to the process's root, decoded */
    char *opts;       /* per-mount options: "rw,nosuid,relatime" */
    char *optional;   /* the optional fields as the kernel wrote them, "" if none */
    int shared;       /* peer group of shared:N, 0 when not shared */
    int master;       /* peer group of master:N, 0 when not a slave */
    int propagate_from; /* propagate_from:N, 0 when absent */
    bool unbindable;
    char *fstype;     /* "tmpfs", "fuse.sshfs" */
    char *source;     /* decoded; may be "" */
    char *super_opts; /* superblock options, as written */
    char *line;       /* the raw line, without its newline */
    unsigned line_no; /* 1-based line in the parsed text */
};

struct mount_table {
    struct mount_ent *v;
    size_t n, cap;
    ino_t mntns; /* the mount namespace's inode (a label), 0 when unknown */
    pid_t pid;   /* whose table, 0 for the calling process or unknown */
};

/* Parse mountinfo text (len bytes, need not be NUL-terminated) into *out,
 * which must be zeroed or freed; mntns and pid are left for the caller.
 * On error returns -1, leaves *out empty and names the line: "line 3: no
 * ' - ' separator before the filesystem type". Empty text is an error. */
int mountinfo_parse(const char *text, size_t len, struct mount_table *out, struct nsl_err *e);
void mount_table_free(struct mount_table *t);

/* Read and parse PROC/PID/mountinfo (pid 0: PROC/self, the calling process,
 * read afresh each time) and label it with PROC/PID/ns/mnt's inode (0 when
 * that cannot be read). Errors name the file. */
int mountinfo_read(const struct nsl_paths *p, pid_t pid, struct mount_table *out,
                   struct nsl_err *e);
/* mountinfo_read in two halves, for a reader that skips the parse when the
 * text is what it parsed last time: the text into sb; then the table. */
int mountinfo_read_text(const struct nsl_paths *p, pid_t pid, struct strbuf *sb,
                        struct nsl_err *e);
int mountinfo_from_text(const struct nsl_paths *p, pid_t pid, const struct strbuf *sb,
                        struct mount_table *out, struct nsl_err *e);
/* The inode of PROC/PID/ns/mnt (pid 0: self). 0 or -1 with errno. */
int mntns_inode(const struct nsl_paths *p, pid_t pid, ino_t *ino);

/* Decode the kernel's \ooo escapes (any three octal digits); a backslash not
 * followed by three octal digits stays as it is. Returns a new string, or
 * NULL when the escapes encode a NUL byte. */
char *mountinfo_unescape(const char *s);

/* The mount whose target is exactly path: the top of a stack of mounts on
 * the same point (the one no other mount at that point sits on; the last
 * listed when in doubt), or NULL. */
const struct mount_ent *mount_table_find_target(const struct mount_table *t, const char *path);
/* The mount that contains path (absolute, canonical): the longest target
 * that is path or a parent directory of it, on component boundaries, top of
 * its stack. NULL only when nothing matches (no "/" in the table). */
const struct mount_ent *mount_table_find_containing(const struct mount_table *t,
                                                    const char *path);
const struct mount_ent *mount_table_find_id(const struct mount_table *t, int id);
/* Is m below ancestor by the parent chain (or ancestor itself)? */
bool mount_table_is_under(const struct mount_table *t, const struct mount_ent *m,
                          const struct mount_ent *ancestor);

/* How numbers are shown (--stable labels); NULL, or NULL members, print the
 * raw number. The callbacks return a string that lives at least until the
 * next call (typically buf). */
struct mount_labels {
    const char *(*group)(void *ctx, int group, char *buf, size_t size);
    const char *(*mntns)(void *ctx, ino_t ino, char *buf, size_t size);
    void *ctx;
    /* The words of the relations in the user's language (gettext), or
     * NULL: English, as -J has them. */
    const char *(*tr)(const char *english);
};

/* "shared:3", "master:3", "shared:3 master:1", "master:2 propagate_from:1",
 * "unbindable", or "private" when there is no optional field about
 * propagation. Appends to out. */
void mount_propagation_format(const struct mount_ent *m, const struct mount_labels *lb,
                              struct strbuf *out);

/* The relations of m (a mount of self) to the mounts of self and of other
 * (another namespace's table, or NULL; ignored when it has the same mntns),
 * as readable items joined by sep:
 *   "peer of mount 41 in mnt ns 4026532177"
 *   "peer of mount 45 at /tmp/e in this namespace"
 *   "propagates to mount 52 in mnt ns 4026532177 (a slave)"
 *   "receives from peer group 3 (mount 27 in this namespace)"
 *   "private: no propagation"
 * Appends to out. */
void mount_relations_format(const struct mount_table *self, const struct mount_table *other,
                            const struct mount_ent *m, const struct mount_labels *lb,
                            const char *sep, struct strbuf *out);
/* The same against several other namespaces' tables (each shown once; a
 * table of self's own namespace is skipped), for a session that watches
 * the host and several jobs at once. */
void mount_relations_format_n(const struct mount_table *self,
                              const struct mount_table *const *others, size_t n_others,
                              const struct mount_ent *m, const struct mount_labels *lb,
                              const char *sep, struct strbuf *out);

/* --- propagation reachability (mount_rel.c) ----------------------------- */

/* A set of peer group numbers. Zeroed is empty. */
struct mount_groups {
    int *v;
    size_t n, cap;
};
bool mount_groups_has(const struct mount_groups *s, int g);
/* false when g is 0 or already there. */
bool mount_groups_add(struct mount_groups *s, int g);
void mount_groups_free(struct mount_groups *s);
/* Every peer group that receives what group g sends: g itself, and the
 * groups of shared slaves of a group already reached, as far as the tables
 * show (a chain can run through a third namespace; NULL tables are
 * skipped). Added to out. */
void mount_groups_reached(int g, const struct mount_table *const *tabs, size_t n,
                          struct mount_groups *out);

/* How a mount on one side relates to the mount at the same place on the
 * other side. */
enum mount_rel {
    MREL_NONE,     /* no propagation between them */
    MREL_PEERS,    /* same peer group: both ways */
    MREL_SENDS,    /* a's mounts reach b (b is a slave, maybe further down) */
    MREL_RECEIVES, /* b's mounts reach a */
    MREL_SIBLINGS, /* both receive from the same peer group */
    MREL_ONLY_A,
    MREL_ONLY_B,
};
/* tabs: every table in view (both sides' and others'), so that a chain of
 * shared slaves through a third namespace counts. */
enum mount_rel mount_rel_between(const struct mount_ent *a, const struct mount_ent *b,
                                 const struct mount_table *const *tabs, size_t n);

/* Mount tables of the namespaces a step can compare with: the subject's
 * (or another process's) and, beside it, the host's and every running
 * job's, one table per distinct mount namespace. */
struct mount_views {
    struct mount_table self;
    struct mount_table *others;
    size_t n_others;
    ino_t host_mntns; /* the host's mount namespace, to name it so */
};
void mount_views_free(struct mount_views *v);
/* The relations of m (in v->self) to every mount of the views, in words
 * (mount_relations_format_n over v's tables). */
void mount_views_relations_format(const struct mount_views *v, const struct mount_ent *m,
                                  const struct mount_labels *lb, const char *sep,
                                  struct strbuf *out);

#endif

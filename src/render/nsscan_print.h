/* Rendering of `ls-ns all` (an lsns-like table) and `ls-ns --tree pid|user`
 * (box-drawing tree), as text into a strbuf or as cJSON (SPEC §5). Never
 * touches the kernel: it renders what kernel/nsscan.h collected. */
#ifndef NSLAB_NSSCAN_PRINT_H
#define NSLAB_NSSCAN_PRINT_H

#include <cjson/cJSON.h>

#include "kernel/nsscan.h"
#include "util.h"

/* How inodes and host PIDs are shown: the shell passes callbacks that
 * return stable labels ("uts#1", "pid@3") under --stable. A callback
 * returns its text (in buf, or a string it owns for the call's duration);
 * a NULL callback (or a NULL f) prints plain numbers. In JSON, a labelled
 * value is a string, a plain one a number. */
struct label_fmt {
    const char *(*ino)(void *ctx, enum ns_slot type, ino_t ino, char *buf, size_t size);
    const char *(*pid)(void *ctx, pid_t pid, char *buf, size_t size);
    void *ctx;
    /* Which of the session's processes pid is ("nslab", "subject", "%1"),
     * or NULL: the tree tags them, so a learner finds them at a glance. */
    const char *(*role)(void *ctx, pid_t pid, char *buf, size_t size);
};

/*     NS TYPE   NPROCS   PID COMMAND   (columns aligned, like lsns) */
void nsscan_print_table(const struct nsscan *s, const struct label_fmt *f, struct strbuf *out);
/* The tree from nsscan_tree(type): each namespace with its level, process
 * count and the processes nsscan_tree detailed ("… and N more" after them,
 * naming the session's processes among those not listed); user namespaces
 * also with owner uid and the namespaces they own. */
void nsscan_print_tree(const struct nsscan *s, enum ns_slot type, const struct label_fmt *f,
                       struct strbuf *out);
/* [{"ns":N,"type":"net","nprocs":N,"pid":N,"command":"…"}, ...] */
cJSON *nsscan_json(const struct nsscan *s, const struct label_fmt *f);
/* An array of the roots, each {"ns","type","level","nprocs","processes":[{"pid",
 * "ns_pid","command"}],"children":[...]}; user namespaces add "owner_uid" and
 * "owns":[{"type","ns","nprocs"}] (and no ns_pid); a PID namespace no process
 * is in yet adds "pid_for_children_of":PID. */
cJSON *nsscan_tree_json(const struct nsscan *s, enum ns_slot type, const struct label_fmt *f);

#endif

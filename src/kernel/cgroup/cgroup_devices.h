/* The devices controller's rules, in v1's syntax ("c 1:3 w"), for both
 * versions:
 *
 *   v1  the kernel keeps the rules: nslab writes the rule to devices.deny or
 *       devices.allow, and devices.list shows what the kernel holds.
 *   v2  there is no devices controller: a BPF program of type
 *       BPF_PROG_TYPE_CGROUP_DEVICE, attached to the cgroup with bpf(2)
 *       (BPF_CGROUP_DEVICE), decides each open and mknod of a device node.
 *       The kernel keeps only the program, so nslab keeps the rules (the
 *       same model as v1: a default and its exceptions), compiles them to
 *       a new program after each change and attaches it in place of the
 *       old one, as runc and crun do.
 *
 * The model is v1's (security/device_cgroup.c): a default (allow all, or
 * deny all) and a list of exceptions. "a" resets both; a rule against the
 * default adds an exception, a rule in favour of it takes access away from
 * a matching exception. Pure functions, except cg_dev_prog_attach() and
 * cg_dev_prog_query(), the bpf(2) calls. */
#ifndef NSLAB_CGROUP_DEVICES_H
#define NSLAB_CGROUP_DEVICES_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "kernel/trace.h"
#include "util.h"

#define CG_DEV_MKNOD 1u /* the bits of bpf_cgroup_dev_ctx's access, */
#define CG_DEV_READ 2u  /* BPF_DEVCG_ACC_MKNOD, _READ, _WRITE */
#define CG_DEV_WRITE 4u
#define CG_DEV_ALL 7u
#define CG_DEV_ANY (-1) /* "*" as a major or minor number */
#define CG_DEV_MAX 32   /* exceptions one cgroup may hold */

struct cg_dev_rule {
    char type; /* 'a' all, 'b' block, 'c' char */
    int major, minor; /* CG_DEV_ANY for "*" */
    unsigned access;  /* CG_DEV_* bits */
};

/* Zeroed: allow everything, no exceptions (a new cgroup's state). */
struct cg_dev_rules {
    bool deny_all; /* the default: false allows every device */
    size_t n;
    struct cg_dev_rule v[CG_DEV_MAX];
};

/* "c 1:3 w", "b 7:* rw", "a", "a *:* rwm". 0, or -1 (a usage error)
 * saying what is wrong. */
int cg_dev_rule_parse(const char *text, struct cg_dev_rule *out, struct nsl_err *e);
/* "c 1:3 w", "a *:* rwm". */
void cg_dev_rule_format(const struct cg_dev_rule *r, struct strbuf *out);
/* Apply "allow RULE" or "deny RULE" to rules as the v1 kernel does.
 * 0, or -1 (E2BIG) with rules unchanged when the list is full. */
int cg_dev_rules_apply(struct cg_dev_rules *rules, bool allow, const struct cg_dev_rule *r,
                       struct nsl_err *e);
/* The rules as lines: "allow a *:* rwm" (the default) then "deny c 1:3 w"
 * for each exception. */
void cg_dev_rules_format(const struct cg_dev_rules *rules, struct strbuf *out);
/* Does the model let access (CG_DEV_* bits) to type major:minor through? */
bool cg_dev_rules_permit(const struct cg_dev_rules *rules, char type, int major, int minor,
                         unsigned access);

/* The program for rules: at most CG_DEV_PROG_MAX instructions into insns.
 * Returns how many. */
#define CG_DEV_PROG_MAX (8 + 7 * CG_DEV_MAX)
size_t cg_dev_prog_compile(const struct cg_dev_rules *rules, struct bpf_insn *insns);
/* One instruction in the kernel verifier's words:
 * "(61) r2 = *(u32 *)(r1 +0)", "(55) if r2 != 0x2 goto pc+6". */
void cg_dev_insn_format(const struct bpf_insn *in, struct strbuf *out);

/* Load the program (BPF_PROG_LOAD, type BPF_PROG_TYPE_CGROUP_DEVICE) and
 * attach it to the cgroup directory dir (BPF_PROG_ATTACH,
 * BPF_CGROUP_DEVICE, no flags: it replaces the one nslab attached
 * before). Each call traced, the instructions as notes. 0, or -1 with the
 * kernel's errno in e (and the verifier's log, if it refused). */
int cg_dev_prog_attach(struct trace *t, const char *dir, const struct bpf_insn *insns, size_t n,
                       struct nsl_err *e);
/* How many BPF_CGROUP_DEVICE programs are attached to dir itself
 * (BPF_PROG_QUERY), and the first one's ID in *id (0 when none). -1 with
 * errno when it cannot be asked. */
int cg_dev_prog_query(const char *dir, unsigned *id);

#endif

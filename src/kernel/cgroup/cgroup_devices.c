#define _GNU_SOURCE
/* Device rules: v1's syntax and model, and their BPF program for v2
 * (cgroup_devices.h). */
#include "kernel/cgroup/cgroup_devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "i18n.h"
#include "kernel/sys.h"

/* --- the rule syntax ------------------------------------------------------ */

static int dev_number(const char *s, size_t len, int *out)
{
    if (len == 1 && s[0] == '*') {
        *out = CG_DEV_ANY;
        return 0;
    }
    if (len == 0 || len > 7)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v > (1L << 20) - 1) /* minor numbers have 20 bits, majors 12 */
        return -1;
    *out = (int)v;
    return 0;
}

int cg_dev_rule_parse(const char *text, struct cg_dev_rule *out, struct nsl_err *e)
{
    const char *usage =
        _("a device rule is TYPE MAJOR:MINOR ACCESS as in v1's devices.allow: TYPE c, b or a "
          "(all), MAJOR and MINOR numbers or *, ACCESS some of r, w, m; e.g. 'c 1:3 w' or 'a'");
    const char *p = text;
    while (*p == ' ')
        p++;
    char type = *p;
    if (type != 'a' && type != 'b' && type != 'c')
        return nsl_usage(e, "'%s': %s", text, usage);
    p++;
    *out = (struct cg_dev_rule){.type = type, .major = CG_DEV_ANY, .minor = CG_DEV_ANY,
                                .access = CG_DEV_ALL};
    while (*p == ' ')
        p++;
    if (type == 'a' && (!*p || strcmp(p, "*:* rwm") == 0))
        return 0;
    if (type == 'a')
        return nsl_usage(e, "'%s': 'a' stands for every device and takes nothing after it "
                            "but *:* rwm", text);
    const char *colon = strchr(p, ':');
    const char *sp = colon ? strchr(colon, ' ') : NULL;
    if (!colon || !sp || dev_number(p, (size_t)(colon - p), &out->major) < 0 ||
        dev_number(colon + 1, (size_t)(sp - colon - 1), &out->minor) < 0)
        return nsl_usage(e, "'%s': %s", text, usage);
    if (out->major != CG_DEV_ANY && out->major > 4095)
        return nsl_usage(e, "'%s': a major number has 12 bits (0 to 4095)", text);
    p = sp;
    while (*p == ' ')
        p++;
    out->access = 0;
    for (; *p && *p != ' '; p++) {
        unsigned bit = *p == 'r' ? CG_DEV_READ : *p == 'w' ? CG_DEV_WRITE
                       : *p == 'm' ? CG_DEV_MKNOD : 0;
        if (!bit || (out->access & bit))
            return nsl_usage(e, "'%s': %s", text, usage);
        out->access |= bit;
    }
    while (*p == ' ')
        p++;
    if (!out->access || *p)
        return nsl_usage(e, "'%s': %s", text, usage);
    return 0;
}

static void dev_number_format(int n, struct strbuf *out)
{
    if (n == CG_DEV_ANY)
        sb_appendc(out, '*');
    else
        sb_printf(out, "%d", n);
}

void cg_dev_rule_format(const struct cg_dev_rule *r, struct strbuf *out)
{
    sb_printf(out, "%c ", r->type);
    dev_number_format(r->major, out);
    sb_appendc(out, ':');
    dev_number_format(r->minor, out);
    sb_appendc(out, ' ');
    if (r->access & CG_DEV_READ)
        sb_appendc(out, 'r');
    if (r->access & CG_DEV_WRITE)
        sb_appendc(out, 'w');
    if (r->access & CG_DEV_MKNOD)
        sb_appendc(out, 'm');
}

/* --- the model ------------------------------------------------------------ */

static struct cg_dev_rule *same_device(struct cg_dev_rules *rules, const struct cg_dev_rule *r)
{
    for (size_t i = 0; i < rules->n; i++)
        if (rules->v[i].type == r->type && rules->v[i].major == r->major &&
            rules->v[i].minor == r->minor)
            return &rules->v[i];
    return NULL;
}

int cg_dev_rules_apply(struct cg_dev_rules *rules, bool allow, const struct cg_dev_rule *r,
                       struct nsl_err *e)
{
    if (r->type == 'a') {
        rules->deny_all = !allow;
        rules->n = 0;
        return 0;
    }
    struct cg_dev_rule *have = same_device(rules, r);
    if (allow == rules->deny_all) { /* against the default: an exception */
        if (have) {
            have->access |= r->access;
            return 0;
        }
        if (rules->n == CG_DEV_MAX)
            return nsl_fail(e, E2BIG, "nslab keeps at most %d device rules per cgroup",
                            CG_DEV_MAX);
        rules->v[rules->n++] = *r;
        return 0;
    }
    if (have) { /* in favour of the default: less of the exception */
        have->access &= ~r->access;
        if (!have->access)
            *have = rules->v[--rules->n];
    }
    return 0;
}

void cg_dev_rules_format(const struct cg_dev_rules *rules, struct strbuf *out)
{
    sb_printf(out, "%s a *:* rwm\n", rules->deny_all ? "deny" : "allow");
    for (size_t i = 0; i < rules->n; i++) {
        sb_append(out, rules->deny_all ? "allow " : "deny ");
        cg_dev_rule_format(&rules->v[i], out);
        sb_appendc(out, '\n');
    }
}

static bool rule_matches(const struct cg_dev_rule *r, char type, int major, int minor)
{
    return r->type == type && (r->major == CG_DEV_ANY || r->major == major) &&
           (r->minor == CG_DEV_ANY || r->minor == minor);
}

bool cg_dev_rules_permit(const struct cg_dev_rules *rules, char type, int major, int minor,
                         unsigned access)
{
    for (size_t i = 0; i < rules->n; i++) {
        const struct cg_dev_rule *r = &rules->v[i];
        if (!rule_matches(r, type, major, minor))
            continue;
        /* v1: a deny exception refuses any access it names; an allow
         * exception grants only the accesses it covers entirely. */
        if (!rules->deny_all && (access & r->access))
            return false;
        if (rules->deny_all && !(access & ~r->access))
            return true;
    }
    return !rules->deny_all;
}

/* --- the program ---------------------------------------------------------- */

static struct bpf_insn insn(unsigned char code, unsigned dst, unsigned src, short off, int imm)
{
    return (struct bpf_insn){.code = code, .dst_reg = dst & 0xf, .src_reg = src & 0xf,
                             .off = off, .imm = imm};
}

#define OP_LDXW (BPF_LDX | BPF_W | BPF_MEM)
#define OP_AND (BPF_ALU64 | BPF_AND | BPF_K)
#define OP_RSH (BPF_ALU64 | BPF_RSH | BPF_K)
#define OP_MOVX (BPF_ALU64 | BPF_MOV | BPF_X)
#define OP_MOVK (BPF_ALU64 | BPF_MOV | BPF_K)
#define OP_JNE (BPF_JMP | BPF_JNE | BPF_K)
#define OP_JEQ (BPF_JMP | BPF_JEQ | BPF_K)
#define OP_EXIT (BPF_JMP | BPF_EXIT)

/* One exception: the tests that must all pass, then its verdict. Each
 * test jumps over the rest of the block when it fails. */
static size_t compile_rule(const struct cg_dev_rule *r, bool deny_all, struct bpf_insn *p)
{
    size_t len = 1 + 3 + (r->major != CG_DEV_ANY) + (r->minor != CG_DEV_ANY) + 2;
    size_t k = 0;
#define SKIP ((short)(len - k - 1))
    p[k] = insn(OP_JNE, 2, 0, 0, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    p[k].off = SKIP;
    k++;
    p[k++] = insn(OP_MOVX, 1, 3, 0, 0);
    if (deny_all) { /* grants only if no access outside the exception's */
        p[k++] = insn(OP_AND, 1, 0, 0, (int)(~r->access & CG_DEV_ALL));
        p[k] = insn(OP_JNE, 1, 0, 0, 0);
    } else { /* refuses if any access is the exception's */
        p[k++] = insn(OP_AND, 1, 0, 0, (int)r->access);
        p[k] = insn(OP_JEQ, 1, 0, 0, 0);
    }
    p[k].off = SKIP;
    k++;
    if (r->major != CG_DEV_ANY) {
        p[k] = insn(OP_JNE, 4, 0, 0, r->major);
        p[k].off = SKIP;
        k++;
    }
    if (r->minor != CG_DEV_ANY) {
        p[k] = insn(OP_JNE, 5, 0, 0, r->minor);
        p[k].off = SKIP;
        k++;
    }
#undef SKIP
    p[k++] = insn(OP_MOVK, 0, 0, 0, deny_all ? 1 : 0);
    p[k++] = insn(OP_EXIT, 0, 0, 0, 0);
    return k;
}

size_t cg_dev_prog_compile(const struct cg_dev_rules *rules, struct bpf_insn *p)
{
    size_t k = 0;
    /* struct bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor */
    p[k++] = insn(OP_LDXW, 2, 1, 0, 0);
    p[k++] = insn(OP_AND, 2, 0, 0, 0xffff);
    p[k++] = insn(OP_LDXW, 3, 1, 0, 0);
    p[k++] = insn(OP_RSH, 3, 0, 0, 16);
    p[k++] = insn(OP_LDXW, 4, 1, 4, 0);
    p[k++] = insn(OP_LDXW, 5, 1, 8, 0);
    for (size_t i = 0; i < rules->n; i++)
        k += compile_rule(&rules->v[i], rules->deny_all, p + k);
    p[k++] = insn(OP_MOVK, 0, 0, 0, rules->deny_all ? 0 : 1);
    p[k++] = insn(OP_EXIT, 0, 0, 0, 0);
    return k;
}

void cg_dev_insn_format(const struct bpf_insn *in, struct strbuf *out)
{
    sb_printf(out, "(%02x) ", in->code);
    switch (in->code) {
    case OP_LDXW:
        sb_printf(out, "r%d = *(u32 *)(r%d %+d)", in->dst_reg, in->src_reg, in->off);
        break;
    case OP_AND:
        sb_printf(out, "r%d &= %#x", in->dst_reg, (unsigned)in->imm);
        break;
    case OP_RSH:
        sb_printf(out, "r%d >>= %d", in->dst_reg, in->imm);
        break;
    case OP_MOVX:
        sb_printf(out, "r%d = r%d", in->dst_reg, in->src_reg);
        break;
    case OP_MOVK:
        sb_printf(out, "r%d = %d", in->dst_reg, in->imm);
        break;
    case OP_JNE:
    case OP_JEQ:
        sb_printf(out, "if r%d %s %#x goto pc%+d", in->dst_reg, in->code == OP_JNE ? "!=" : "==",
                  (unsigned)in->imm, in->off);
        break;
    case OP_EXIT:
        sb_append(out, "exit");
        break;
    default:
        sb_printf(out, "dst r%d src r%d off %d imm %d", in->dst_reg, in->src_reg, in->off, in->imm);
    }
}

/* --- bpf(2) --------------------------------------------------------------- */

static long bpf_call(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

int cg_dev_prog_attach(struct trace *t, const char *dir, const struct bpf_insn *insns, size_t n,
                       struct nsl_err *e)
{
    for (size_t i = 0; i < n; i++) {
        cleanup_sb struct strbuf line = {0};
        cg_dev_insn_format(&insns[i], &line);
        trace_note(t, "%3zu: %s", i, sb_str(&line));
    }
    static char log[4096];
    log[0] = '\0';
    union bpf_attr load = {0};
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = (unsigned long)insns;
    load.insn_cnt = (unsigned)n;
    load.license = (unsigned long)"GPL";
    load.log_buf = (unsigned long)log;
    load.log_size = sizeof log;
    load.log_level = 1;
    snprintf(load.prog_name, sizeof load.prog_name, "nslab_devices");
    int prog = (int)TRACED(t, "bpf", 0, bpf_call(BPF_PROG_LOAD, &load),
                           "BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_CGROUP_DEVICE, "
                           "insn_cnt=%zu, license=\"GPL\"}", n);
    if (prog < 0) {
        int err = errno;
        /* the verifier's reason is the line before its summary */
        char *end = strstr(log, "\nprocessed ");
        if (end)
            *end = '\0';
        chomp(log);
        const char *last = strrchr(log, '\n');
        return nsl_fail_errno(e, err, "the kernel refused the device program%s%s",
                              log[0] ? ": " : "", last ? last + 1 : log);
    }
    int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0) {
        int err = errno;
        close(prog);
        return nsl_fail_errno(e, err, "cannot open %s", dir);
    }
    union bpf_attr at = {0};
    at.target_fd = (unsigned)cg;
    at.attach_bpf_fd = (unsigned)prog;
    at.attach_type = BPF_CGROUP_DEVICE;
    cleanup_free char *q = str_quoted(dir);
    long r = TRACED(t, "bpf", 0, bpf_call(BPF_PROG_ATTACH, &at),
                    "BPF_PROG_ATTACH, {target_fd=%s, attach_bpf_fd=%d, "
                    "attach_type=BPF_CGROUP_DEVICE, attach_flags=0}", q, prog);
    int err = errno;
    close(cg);
    close(prog); /* the attachment keeps the program */
    if (r < 0)
        return nsl_fail_errno(e, err, "cannot attach the device program to %s", dir);
    return 0;
}

int cg_dev_prog_query(const char *dir, unsigned *id)
{
    int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg < 0)
        return -1;
    unsigned ids[8] = {0};
    union bpf_attr q = {0};
    q.query.target_fd = (unsigned)cg;
    q.query.attach_type = BPF_CGROUP_DEVICE;
    q.query.prog_ids = (unsigned long)ids;
    q.query.prog_cnt = 8;
    long r = bpf_call(BPF_PROG_QUERY, &q);
    int err = errno;
    close(cg);
    if (r < 0) {
        errno = err;
        return -1;
    }
    *id = q.query.prog_cnt ? ids[0] : 0;
    return (int)q.query.prog_cnt;
}

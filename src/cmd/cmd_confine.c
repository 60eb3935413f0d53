#define _GNU_SOURCE
/* caps, nnp, seccomp: what a container takes from its process, done to
 * the subject (op_confine), so every child it makes from then on inherits
 * it. Each shows /proc/PID/status before and after; the session keeps the
 * rules (session/confine.c), so a later refusal is named. Never the shell
 * itself: its capabilities and filters stay as they were. */
#include <errno.h>
#include <string.h>

#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/caps.h"
#include "kernel/seccomp.h"
#include "kernel/userns.h"
#include "session/confine.h"
#include "session/target.h"
#include "subject/ops.h"

static int security_read(struct nsl *sh, pid_t pid, struct proc_security *s, struct nsl_err *e)
{
    char path[32];
    snprintf(path, sizeof path, "%d/status", (int)pid);
    cleanup_sb struct strbuf sb = {0};
    if (read_file_sb(sh->procfd, path, &sb) < 0)
        return nsl_fail_errno(e, errno, "cannot read /proc/%d/status", (int)pid);
    return proc_security_parse(sb_str(&sb), s, e);
}

/* Every capability this kernel has (up to cap_last_cap). */
static uint64_t caps_all(struct nsl *sh)
{
    char buf[16];
    long v = cap_count_known() - 1;
    if (read_file_at(sh->procfd, "sys/kernel/cap_last_cap", buf, sizeof buf) > 0 &&
        parse_long(chomp(buf), 0, 63, &v) < 0)
        v = cap_count_known() - 1;
    return v >= 63 ? ~0ULL : (1ULL << (v + 1)) - 1;
}

static const char *seccomp_mode(int m)
{
    return m == 0 ? "disabled" : m == 1 ? "strict" : "filter";
}

static void security_print(struct nsl *sh, const struct proc_security *s)
{
    uint64_t all = caps_all(sh);
    for (int k = 0; k < CAPSET_N; k++) {
        cleanup_sb struct strbuf names = {0};
        char hex[20];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)s->set[k]);
        open_json_object(sh, cap_set_name(k));
        print_string(sh, PRINT_JSON, "hex", NULL, hex);
        open_json_array(sh, "caps");
        for (int b = 0; b < 64; b++)
            if (s->set[k] & (1ULL << b))
                print_string(sh, PRINT_JSON, NULL, NULL, cap_name(b) ? cap_name(b) : "?");
        close_json_array(sh);
        close_json_object(sh);
        if ((s->set[k] & all) == all)
            sb_printf(&names, _("all %d"), __builtin_popcountll(all));
        else
            cap_mask_format(s->set[k], &names);
        out_printf(sh, "  %-12s %s  %s\n", cap_set_name(k), hex, sb_str(&names));
    }
    print_int(sh, PRINT_ANY, "no_new_privs", "  no_new_privs %lld\n", s->no_new_privs);
    print_int(sh, PRINT_JSON, "seccomp", NULL, s->seccomp);
    print_int(sh, PRINT_JSON, "seccomp_filters", NULL, s->seccomp_filters);
    out_printf(sh, "  %-12s %d (%s)", "seccomp", s->seccomp, seccomp_mode(s->seccomp));
    if (s->seccomp_filters > 0)
        out_printf(sh, _(", %d filter(s)"), s->seccomp_filters);
    out_printf(sh, "\n");
}

/* The fields of /proc/PID/status that changed, "CapEff a -> b". */
static void security_diff(struct nsl *sh, const struct proc_security *a,
                          const struct proc_security *b)
{
    for (int k = 0; k < CAPSET_N; k++)
        if (a->set[k] != b->set[k])
            out_printf(sh, "  %s %016llx -> %016llx\n", cap_set_field(k),
                       (unsigned long long)a->set[k], (unsigned long long)b->set[k]);
    if (a->no_new_privs != b->no_new_privs)
        out_printf(sh, "  NoNewPrivs %d -> %d\n", a->no_new_privs, b->no_new_privs);
    if (a->seccomp != b->seccomp || a->seccomp_filters != b->seccomp_filters)
        out_printf(sh, "  Seccomp %d -> %d, Seccomp_filters %d -> %d\n", a->seccomp, b->seccomp,
                   a->seccomp_filters, b->seccomp_filters);
}

/* Send one CONFINE request, report the status before and after. */
static int confine_call(struct nsl *sh, const struct confine_req *r,
                        struct proc_security *before_out)
{
    struct proc_security before = {0}, after = {0};
    struct nsl_err e;
    if (security_read(sh, sh->subj.pid, &before, &e) < 0)
        return step_fail_err(sh, &e);
    cleanup_subj_req struct subj_req rq = {0};
    confine_req_pack(&rq, r);
    rq.ns_changes = 1u << NS_USER; /* none changes; the narrowest slot */
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    struct confine_rep out = {0};
    subj_rep_get(&rep, &out, sizeof out);
    if (rep.ret < 0) {
        switch (out.failed) {
        case CONFINE_FAILED_BOUNDING:
            return step_fail_errno(sh, rep.err,
                                   "cannot drop %s from the bounding set: it needs CAP_SETPCAP",
                                   cap_name(out.cap) ? cap_name(out.cap) : "?");
        case CONFINE_FAILED_SECCOMP:
            if (rep.err == EACCES)
                return step_fail_errno(sh, rep.err,
                                       "cannot load the seccomp filter: it needs no_new_privs "
                                       "(`nnp` first) or CAP_SYS_ADMIN");
            return step_fail_errno(sh, rep.err, "cannot load the seccomp filter");
        default:
            return step_fail_errno(sh, rep.err, "the subject refused the change");
        }
    }
    if (security_read(sh, sh->subj.pid, &after, &e) < 0)
        return step_fail_err(sh, &e);
    security_diff(sh, &before, &after);
    if (before_out)
        *before_out = before;
    return 0;
}

static int caps_change(struct nsl *sh, bool keep, const char *list)
{
    uint64_t mask;
    struct nsl_err e;
    if (cap_list_parse(list, &mask, &e) < 0)
        return step_fail_err(sh, &e);
    uint64_t drop = keep ? caps_all(sh) & ~mask : mask;
    struct confine_req r = {.what = CONFINE_CAPS_DROP, .drop = drop};
    struct proc_security before = {0};
    if (confine_call(sh, &r, &before) < 0)
        return -1;
    confine_note_caps(sh, drop);
    /* What it had in any set, and now has in none. */
    uint64_t had = 0;
    for (int k = 0; k < CAPSET_N; k++)
        had |= before.set[k];
    cleanup_sb struct strbuf names = {0};
    cap_mask_format(drop & had, &names);
    print_string(sh, PRINT_JSON, "dropped", NULL, sb_str(&names));
    out_printf(sh, _("dropped from every set of the subject, bounding and ambient too, so no "
                     "child it makes can have them again in this user namespace (not even by "
                     "exec of a setuid or file-capability program; a new user namespace starts "
                     "with every capability, over what it owns): %s\n"),
               sb_str(&names));
    return 0;
}

int cmd_caps(struct nsl *sh, int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "drop") == 0 || strcmp(argv[1], "keep") == 0))
        return caps_change(sh, argv[1][0] == 'k', argv[2]);
    if (argc > 2 || (argc == 2 && (strcmp(argv[1], "drop") == 0 || strcmp(argv[1], "keep") == 0)))
        return step_usage(sh, "usage: caps [TARGET] | caps drop CAP[,CAP...] | caps keep "
                              "CAP[,CAP...]");
    struct target t = {.pid = sh->subj.pid, .is_self = true};
    struct nsl_err e;
    if (argc == 2 && target_resolve(sh, argv[1], 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    struct proc_security s = {0};
    if (security_read(sh, t.pid, &s, &e) < 0)
        return step_fail_err(sh, &e);
    print_pid(sh, PRINT_ANY, "pid", "  pid          %s\n", t.pid);
    security_print(sh, &s);
    return 0;
}

int cmd_nnp(struct nsl *sh, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return step_usage(sh, "usage: nnp");
    struct confine_req r = {.what = CONFINE_NNP};
    if (confine_call(sh, &r, NULL) < 0)
        return -1;
    confine_note_nnp(sh);
    out_printf(sh, _("no_new_privs is set on the subject for good, and every child inherits it: "
                     "execve(2) no longer grants privileges (setuid bits and file capabilities "
                     "are ignored), and a seccomp filter can be loaded without CAP_SYS_ADMIN\n"));
    return 0;
}

/* The system calls the subject needs to answer nslab at all: a filter on
 * them would cut the subject off (nslab would wait for replies that never
 * come), so they are refused, by name. */
static const char *const lifeline[] = {
    "read",     "write",      "readv",   "writev",  "recvmsg", "sendmsg",      "recvfrom",
    "sendto",   "poll",       "ppoll",   "close",   "exit",    "exit_group",   "rt_sigreturn",
    "rt_sigprocmask", "wait4", "waitid", "signalfd4", "fcntl",  "futex",        "brk",
    "mmap",     "munmap",     "getpid",
};

static int seccomp_install(struct nsl *sh, const char *list, int err, bool dflt)
{
    struct seccomp_deny d = {.err = err};
    struct nsl_err e;
    if (syscall_list_parse(list, &d, &e) < 0)
        return step_fail_err(sh, &e);
    for (size_t k = 0; k < d.n; k++)
        for (size_t l = 0; l < ARRAY_SIZE(lifeline); l++)
            if (strcmp(d.name[k], lifeline[l]) == 0)
                return step_usage(sh,
                                  "refusing to deny %s: the subject itself needs it to answer "
                                  "nslab, and the filter is the subject's own (deny it in a "
                                  "program of your own instead); nothing was loaded",
                                  d.name[k]);
    struct confine_req r = {.what = CONFINE_SECCOMP, .err = err, .syscalls = list};
    if (confine_call(sh, &r, NULL) < 0)
        return -1;
    confine_note_seccomp(sh, &d);
    open_json_array(sh, "denied");
    for (size_t k = 0; k < d.n; k++)
        print_string(sh, PRINT_JSON, NULL, NULL, d.name[k]);
    close_json_array(sh);
    print_string(sh, PRINT_JSON, "errno", NULL, errno_name(err));
    out_printf(sh, _("a seccomp filter on the subject and every child it makes from now on: "
                     "%zu system call(s) fail with %s%s, every other one is allowed; filters "
                     "only add up, none can be removed\n"),
               d.n, errno_name(err), dflt ? _(" (a container runtime's default deny list)") : "");
    return 0;
}

int cmd_seccomp(struct nsl *sh, int argc, char **argv)
{
    int err = EPERM;
    int n = argc;
    struct nsl_err e;
    if (n >= 3 && strcmp(argv[n - 2], "--errno") == 0) {
        if ((err = errno_word_parse(argv[n - 1], &e)) < 0)
            return step_fail_err(sh, &e);
        n -= 2;
    }
    if (n == 3 && strcmp(argv[1], "deny") == 0)
        return seccomp_install(sh, argv[2], err, false);
    if (n == 2 && strcmp(argv[1], "default") == 0)
        return seccomp_install(sh, seccomp_default_list, err, true);
    return step_usage(sh, "usage: seccomp deny SYSCALL[,SYSCALL...] [--errno ERRNO] | seccomp "
                          "default [--errno ERRNO]");
}

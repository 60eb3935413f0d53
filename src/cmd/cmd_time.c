#define _GNU_SOURCE
/* timens, clock: time namespaces. Offsets are written by the subject to its
 * own /proc/PID/timens_offsets (they belong to its time_for_children
 * namespace) before any process entered it; clocks are read by a process
 * that is in the namespace in question. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel/release.h"
#include "cmd/handlers.h"
#include "kernel/timens.h"
#include "subject/nshelper.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/target.h"
#include "i18n.h"

/* KTIME_SEC_MAX / 2: beyond it the kernel refuses an offset (ERANGE). */
#define OFFSET_MAX 4611686018L

int cmd_timens(struct nsl *sh, int argc, char **argv)
{
    clockid_t id;
    long secs;
    if (argc != 3)
        return step_usage(sh, "usage: timens monotonic|boottime SECONDS");
    struct nsl_err ke;
    if (kernel_need(&sh->paths, 5, 6, N_("a time namespace"), &ke) < 0)
        return step_fail_err(sh, &ke);
    if (timens_clock_parse(argv[1], &id) < 0)
        return step_usage(sh,
                          "'%s' is not a clock whose offset a time namespace sets: monotonic "
                          "(CLOCK_MONOTONIC) or boottime (CLOCK_BOOTTIME)",
                          argv[1]);
    if (parse_long(argv[2], -OFFSET_MAX, OFFSET_MAX, &secs) < 0)
        return step_usage(sh, "'%s' is not a whole number of seconds (negative is allowed)",
                          argv[2]);
    ino_t t4c = ns_inode_of(sh, sh->subj.pid, NS_TIME4C);
    if (t4c && t4c == sh->host_ns[NS_TIME].ino)
        return step_fail(sh, EINVAL, "the subject's time_for_children is the host's time "
                                     "namespace, whose offsets are fixed at zero: `unshare time` "
                                     "first, then set offsets before the first spawn");
    cleanup_subj_req struct subj_req rq = {0};
    time_req_pack(&rq, &(struct time_req){.what = TIME_OFFSET, .clock = id, .seconds = secs});
    cleanup_subj_rep struct subj_rep rep = {0};
    struct nsl_err e;
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    int rc = 0, err = rep.err;
    if (rep.ret < 0) {
        if (err == EACCES)
            rc = step_fail_errno(sh, err,
                                 "the offsets of the subject's new time namespace are frozen: a "
                                 "process has already entered it (spawn, !PROGRAM or setns time), "
                                 "and the kernel fixes the offsets then, so that no running "
                                 "process ever sees its clocks jump. `reset`, `unshare time`, and "
                                 "set offsets before the first spawn");
        else if (err == EPERM)
            rc = step_fail_errno(sh, err,
                                 "writing timens_offsets needs CAP_SYS_TIME in the user namespace "
                                 "that owns the new time namespace (as root, or after `unshare "
                                 "user time`)");
        else if (err == ERANGE)
            rc = step_fail_errno(sh, err, "an offset of %ld s would make CLOCK_%s negative (or "
                                          "too large)", secs, id == CLOCK_BOOTTIME ? "BOOTTIME"
                                                                                   : "MONOTONIC");
        else
            rc = step_fail_errno(sh, err, "cannot write the subject's timens_offsets");
    } else {
        out_printf(sh, _("CLOCK_%s of the subject's time_for_children namespace is now offset by "
                       "%+ld s. The subject itself keeps the host's clocks; the next process you "
                       "spawn enters the namespace and sees them (and then the offsets freeze).\n"),
                   id == CLOCK_BOOTTIME ? "BOOTTIME" : "MONOTONIC", secs);
        print_string(sh, PRINT_JSON, "clock", NULL, timens_clock_word(id));
        print_int(sh, PRINT_JSON, "seconds", NULL, secs);
    }
    return rc;
}

static int read_clocks_fn(void *arg, struct trace *t, struct strbuf *out)
{
    struct clock_pair c;
    clocks_read(&c);
    sb_printf(out, "%lld %ld %lld %ld", (long long)c.mono.tv_sec, c.mono.tv_nsec,
              (long long)c.boot.tv_sec, c.boot.tv_nsec);
    return 0;
}

static int clocks_unpack(const char *s, struct clock_pair *c)
{
    long long ms, bs;
    long mn, bn;
    if (sscanf(s, "%lld %ld %lld %ld", &ms, &mn, &bs, &bn) != 4)
        return -1;
    c->mono = (struct timespec){.tv_sec = ms, .tv_nsec = mn};
    c->boot = (struct timespec){.tv_sec = bs, .tv_nsec = bn};
    return 0;
}

/* The offsets of PID's own time namespace, when /proc/PID/timens_offsets
 * (which shows its time_for_children's) is about that one. */
static int target_offsets(struct nsl *sh, pid_t pid, struct timens_offsets *o)
{
    if (ns_inode_of(sh, pid, NS_TIME4C) != ns_inode_of(sh, pid, NS_TIME))
        return -1;
    char rel[64], buf[256];
    snprintf(rel, sizeof rel, "%d/timens_offsets", (int)pid);
    struct nsl_err e;
    if (read_file_at(sh->procfd, rel, buf, sizeof buf) < 0 || timens_offsets_parse(buf, o, &e) < 0)
        return -1;
    return 0;
}

static struct timespec ts_add(struct timespec a, int64_t sec, long nsec)
{
    a.tv_sec += sec;
    a.tv_nsec += nsec;
    if (a.tv_nsec >= 1000000000L) {
        a.tv_sec++;
        a.tv_nsec -= 1000000000L;
    }
    return a;
}

static double ts_secs(const struct timespec *a)
{
    return (double)a->tv_sec + (double)a->tv_nsec / 1e9;
}

static struct timespec ts_mid(const struct timespec *a, const struct timespec *b)
{
    double d = ts_diff(b, a) / 2;
    long long whole = (long long)d;
    return ts_add(*a, whole, (long)((d - (double)whole) * 1e9));
}

/* How the clocks of t's time namespace were read: tc, and in words (how,
 * method). 0, or -1 with the step failed. */
static int clock_measure(struct nsl *sh, const struct target *t, const char *whose,
                         const char *who, bool host_ns, ino_t ns, struct clock_pair *tc,
                         const char **method, struct strbuf *how)
{
    struct nsl_err e;
    if (host_ns) {
        clocks_read(tc);
        *method = "host";
        if (strcmp(whose, _("the subject")) == 0)
            sb_append(how, _("The subject is in the host's time namespace: its clocks are the host's."));
        else
            sb_printf(how, _("%s is in the host's time namespace: its clocks are the host's."), whose);
        return 0;
    }
    if (ns == ns_inode_of(sh, sh->subj.pid, NS_TIME)) {
        cleanup_subj_req struct subj_req rq = {0};
        time_req_pack(&rq, &(struct time_req){.what = TIME_READ});
        cleanup_subj_rep struct subj_rep rep = {0};
        if (subject_call(sh, &rq, &rep, &e) < 0)
            return step_fail_err(sh, &e);
        struct time_rep clocks;
        subj_rep_get(&rep, &clocks, sizeof clocks);
        *tc = clocks.clocks;
        *method = "measured";
        sb_append(how, _("Measured: the subject, which is in that time namespace, read both clocks "
                         "with clock_gettime(2)"));
        return 0;
    }
    struct strbuf out = {0};
    int err = 0;
    int r = nshelper_run(sh, &sh->step.trace, t->pid, NS_TIME, read_clocks_fn, NULL, &out, &err,
                         &e);
    if (r == 0 && clocks_unpack(sb_str(&out), tc) == 0) {
        sb_free(&out);
        *method = "measured";
        sb_printf(how, _("Measured: a helper process entered %s's time namespace (setns "
                         "CLONE_NEWTIME) and read both clocks with clock_gettime(2)"), whose);
        return 0;
    }
    sb_free(&out);
    struct timens_offsets o;
    if (target_offsets(sh, t->pid, &o) < 0) {
        if (r < 0 && err == 0)
            return step_fail_err(sh, &e);
        return step_fail_errno(sh, err ? err : EPROTO, "cannot read the clocks of %s's "
                                                       "time namespace", whose);
    }
    struct clock_pair m;
    clocks_read(&m);
    tc->mono = ts_add(m.mono, o.mono_sec, o.mono_nsec);
    tc->boot = ts_add(m.boot, o.boot_sec, o.boot_nsec);
    *method = "computed";
    sb_printf(how, "Computed, not measured (entering %s's time namespace failed: %s): "
                   "the host's clocks plus the offsets in /proc/%s/timens_offsets",
              whose, err ? errno_name(err) : e.msg, who);
    return 0;
}

/* The table (one row a clock) and, in the result, the readings by clock. */
static void clock_table(struct nsl *sh, const char *word, ino_t ns, const struct clock_pair *tc,
                        const struct clock_pair *host)
{
    const struct timespec *tv[2] = {&tc->mono, &tc->boot}, *hv[2] = {&host->mono, &host->boot};
    static const char *const names[2] = {"CLOCK_MONOTONIC", "CLOCK_BOOTTIME"};
    static const char *const keys[2] = {"monotonic", "boottime"};
    char col[64], ib[32];
    snprintf(col, sizeof col, "%s (%s)", word, fmt_ino(sh, NS_TIME, ns, ib, sizeof ib));
    out_printf(sh, "  %-16s %-24s %-18s %s\n", "CLOCK", col, "HOST", "DIFFERENCE");
    for (int k = 0; k < 2; k++) {
        double d = ts_diff(tv[k], hv[k]);
        char a[32], b[32];
        snprintf(a, sizeof a, "%.6f s", ts_secs(tv[k]));
        snprintf(b, sizeof b, "%.6f s", ts_secs(hv[k]));
        /* Whole seconds: offsets are set in seconds, and the two readings
         * are a few microseconds apart. */
        double whole = (double)(long long)(d < 0 ? d - 0.5 : d + 0.5);
        out_printf(sh, "  %-16s %-24s %-18s %s%.0f s\n", names[k], a, b, whole < 0 ? "-" : "+",
                   whole < 0 ? -whole : whole);
    }
    static const char *const objs[3] = {"target", "host", "difference"};
    for (int o = 0; o < 3; o++) {
        open_json_object(sh, objs[o]);
        for (int k = 0; k < 2; k++)
            print_double(sh, PRINT_JSON, keys[k], NULL,
                         o == 0 ? ts_secs(tv[k])
                         : o == 1 ? ts_secs(hv[k])
                                  : ts_diff(tv[k], hv[k]));
        close_json_object(sh);
    }
}

int cmd_clock(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: clock [TARGET]");
    const char *word = argc == 2 ? argv[1] : "self";
    const char *whose = strcmp(word, "self") == 0 ? _("the subject")
                        : strcmp(word, "host") == 0 ? _("the host")
                                                    : word;
    struct target t;
    struct nsl_err e;
    if (kernel_need(&sh->paths, 5, 6, N_("a time namespace"), &e) < 0)
        return step_fail_err(sh, &e);
    if (target_resolve(sh, word, 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    char pb[32];
    const char *who = fmt_pid(sh, t.pid, pb, sizeof pb);
    ino_t ns = ns_inode_of(sh, t.pid, NS_TIME);
    if (!ns)
        return step_fail_errno(sh, errno, "cannot read /proc/%s/ns/time", who);
    bool host_ns = ns == sh->host_ns[NS_TIME].ino;

    struct clock_pair h0, h1, tc = {0};
    const char *method = "";
    struct strbuf how = {0};
    clocks_read(&h0);
    if (clock_measure(sh, &t, whose, who, host_ns, ns, &tc, &method, &how) < 0) {
        sb_free(&how);
        return -1;
    }
    clocks_read(&h1);
    struct clock_pair host = {ts_mid(&h0.mono, &h1.mono), ts_mid(&h0.boot, &h1.boot)};
    double spread = ts_diff(&h1.mono, &h0.mono);
    if (!host_ns)
        sb_printf(&how, _("; the shell read the host's clocks just before and after, %.1f ms apart."),
                  spread * 1e3);

    print_pid(sh, PRINT_JSON, "pid", NULL, t.pid);
    print_ino(sh, PRINT_JSON, "time_ns", NULL, NS_TIME, ns);
    print_bool(sh, PRINT_JSON, "host_time_ns", NULL, host_ns);
    print_string(sh, PRINT_JSON, "method", NULL, method);
    clock_table(sh, word, ns, &tc, &host);
    out_printf(sh, "%s\n", sb_str(&how));
    struct timens_offsets o;
    if (!host_ns && target_offsets(sh, t.pid, &o) == 0) {
        out_printf(sh, _("The kernel's offsets (/proc/%s/timens_offsets): monotonic %+lld s, "
                         "boottime %+lld s.\n"),
                   who, (long long)o.mono_sec, (long long)o.boot_sec);
        open_json_object(sh, "offsets");
        print_double(sh, PRINT_JSON, "monotonic", NULL, (double)o.mono_sec + o.mono_nsec / 1e9);
        print_double(sh, PRINT_JSON, "boottime", NULL, (double)o.boot_sec + o.boot_nsec / 1e9);
        close_json_object(sh);
    }
    sb_free(&how);
    return 0;
}

#define _GNU_SOURCE
/* hostname, domainname: the UTS namespace. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "commands.h"
#include "cmd/cmd_uts.h"
#include "i18n.h"
#include "subject/nshelper.h"
#include "subject/subject.h"
#include "session/made_ns.h"

/* which: 1 hostname, 2 domainname */
static int uts_command(struct nsl *sh, int argc, char **argv, int which)
{
    const char *what = which == 1 ? "hostname" : "domainname";
    if (argc > 2)
        return step_usage(sh, "usage: %s [NAME]", what);
    if (argc == 2) {
        size_t len = strlen(argv[1]);
        if (len == 0 || len > 64)
            return step_usage(sh, "a %s must be 1 to 64 bytes long (got %zu)", what, len);
    }
    /* The guard of the host's names: sethostname(2) in a UTS namespace the
     * session did not make renames the machine (or a container, or an outer
     * namespace nslab runs in) for every process there, for good. */
    if (argc == 2 && !sh->opt.allow_host_changes &&
        !made_ns_has(sh, NS_UTS, ns_inode_of(sh, sh->subj.pid, NS_UTS)))
        return step_fail(sh, 0,
                         "refusing to set the %s: the subject is in a UTS namespace this session "
                         "did not create (the host's, or one entered with setns), where the new "
                         "name would rename the machine for every process in it; run `unshare "
                         "uts` first to get a UTS namespace of the session's own (or start nslab "
                         "with --allow-host-changes)",
                         what);
    struct subj_req rq = {.op = SOP_UTS, .i = {argc == 2 ? which : 0}, .nstr = argc == 2 ? 1 : 0,
                          .str = (const char *const *)argv + 1};
    struct subj_rep rep;
    struct nsl_err e;
    if (subject_call(sh, &rq, &rep, &e) < 0)
        return step_fail_err(sh, &e);
    int rc = 0;
    if (rep.ret < 0) {
        if (rep.err == EPERM)
            rc = step_fail_errno(sh, rep.err,
                                 "cannot set the %s: it needs CAP_SYS_ADMIN in the user namespace "
                                 "that owns the subject's UTS namespace (`unshare uts` first as "
                                 "root, or `unshare user uts`)", what);
        else
            rc = step_fail_errno(sh, rep.err, "cannot set the %s", what);
    } else {
        const char *host = sb_str(&rep.data);
        const char *dom = host + strlen(host) + 1;
        const char *v = which == 1 ? host : (rep.data.len > strlen(host) ? dom : "");
        print_string(sh, PRINT_ANY, what, "%s\n", v);
    }
    subj_rep_free(&rep);
    return rc;
}

int cmd_hostname(struct nsl *sh, int argc, char **argv)
{
    return uts_command(sh, argc, argv, 1);
}

int cmd_domainname(struct nsl *sh, int argc, char **argv)
{
    return uts_command(sh, argc, argv, 2);
}

int uts_expect_hostname(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                        struct nsl_err *e)
{
    struct subj_req rq = {.op = SOP_UTS};
    struct subj_rep rep;
    if (subject_call(sh, &rq, &rep, e) < 0)
        return -1;
    /* A read: no trace line belongs to the lab's output. */
    trace_clear(&sh->step.trace);
    int held = strcmp(sb_str(&rep.data), argv[1]) == 0;
    if (!held)
        sb_printf(why, _("the subject's hostname is \"%s\""), sb_str(&rep.data));
    subj_rep_free(&rep);
    return held;
}

/* --- the subject's side ------------------------------------------------ */

void op_uts(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    rep->ret = 0;
    if (m->i[0] == 1)
        rep->ret = sys_sethostname(&rep->trace, m->str[0]);
    else if (m->i[0] == 2)
        rep->ret = sys_setdomainname(&rep->trace, m->str[0]);
    if (rep->ret < 0) {
        rep->err = errno;
        return;
    }
    struct utsname u;
    uname(&u);
    sb_append(&rep->data, u.nodename);
    sb_appendc(&rep->data, '\0');
    sb_append(&rep->data, u.domainname);
}

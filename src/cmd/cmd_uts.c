#define _GNU_SOURCE
/* hostname, domainname: the UTS namespace. */
#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd/handlers.h"
#include "cmd/cmd_uts.h"
#include "i18n.h"
#include "subject/nshelper.h"
#include "subject/ops.h"
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
    struct uts_req u = {.what = argc == 2 ? (which == 1 ? UTS_SET_HOSTNAME : UTS_SET_DOMAINNAME)
                                          : UTS_READ,
                        .name = argc == 2 ? argv[1] : NULL};
    cleanup_subj_req struct subj_req rq = {0};
    uts_req_pack(&rq, &u);
    cleanup_subj_rep struct subj_rep rep = {0};
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
        struct uts_rep names;
        subj_rep_get(&rep, &names, sizeof names);
        const char *v = which == 1 ? names.hostname : names.domainname;
        print_string(sh, PRINT_ANY, what, "%s\n", v);
    }
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
    (void)argc;
    cleanup_subj_req struct subj_req rq = {0};
    uts_req_pack(&rq, &(struct uts_req){.what = UTS_READ});
    cleanup_subj_rep struct subj_rep rep = {0};
    if (subject_call(sh, &rq, &rep, e) < 0)
        return -1;
    /* A read: no trace line belongs to the lab's output. */
    trace_clear(&sh->step.trace);
    struct uts_rep names;
    subj_rep_get(&rep, &names, sizeof names);
    int held = strcmp(names.hostname, argv[1]) == 0;
    if (!held)
        sb_printf(why, _("the subject's hostname is \"%s\""), names.hostname);
    return held;
}

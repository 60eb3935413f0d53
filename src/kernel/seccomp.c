#define _GNU_SOURCE
#include "kernel/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

const char seccomp_default_list[] =
    "acct,add_key,bpf,clock_adjtime,clock_settime,delete_module,finit_module,init_module,"
    "ioperm,iopl,kcmp,kexec_file_load,kexec_load,keyctl,lookup_dcookie,mount,move_mount,"
    "name_to_handle_at,open_by_handle_at,open_tree,perf_event_open,pivot_root,"
    "process_vm_readv,process_vm_writev,ptrace,quotactl,reboot,request_key,setns,"
    "settimeofday,swapoff,swapon,syslog,umount2,unshare,userfaultfd";

static bool word_ok(const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || n >= 32)
        return false;
    for (const char *p = w; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

int syscall_list_parse(const char *list, struct seccomp_deny *d, struct nsl_err *e)
{
    size_t len = strlen(list);
    if (!len || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,"))
        return nsl_usage(e, "a system call list is names joined by commas, not '%s'", list);
    cleanup_free char *copy = xstrdup(list);
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int nr = word_ok(w) ? seccomp_syscall_resolve_name(w) : __NR_SCMP_ERROR;
        if (nr == __NR_SCMP_ERROR || nr < 0)
            return nsl_usage(e,
                             "'%s' is no system call on this machine's architecture "
                             "(syscalls(2) lists them: mkdir, sethostname, unshare, ...)",
                             w);
        bool dup = false;
        for (size_t k = 0; k < d->n; k++)
            dup = dup || d->nr[k] == nr;
        if (dup)
            continue;
        if (d->n >= SECCOMP_MAX_RULES)
            return nsl_usage(e, "at most %d system calls in one filter", SECCOMP_MAX_RULES);
        snprintf(d->name[d->n], sizeof d->name[d->n], "%s", w);
        d->nr[d->n++] = nr;
    }
    return 0;
}

int errno_word_parse(const char *w, struct nsl_err *e)
{
    long v;
    if (parse_long(w, 1, 4095, &v) == 0)
        return (int)v;
    for (int k = 1; k < 134; k++) {
        const char *n = strerrorname_np(k);
        if (n && strcasecmp(n, w) == 0)
            return k;
    }
    return nsl_usage(e, "'%s' is no errno: a name like EPERM, EACCES or ENOSYS, or a number "
                        "from 1 to 4095", w);
}

int seccomp_deny_load(struct trace *t, const struct seccomp_deny *d)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        errno = ENOMEM;
        return -1;
    }
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (rc == 0) /* the kernel's errno, not libseccomp's ECANCELED */
        rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    for (size_t k = 0; rc == 0 && k < d->n; k++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)d->err), d->nr[k], 0);
    cleanup_sb struct strbuf names = {0};
    for (size_t k = 0; k < d->n; k++)
        sb_printf(&names, "%s%s", k ? "," : "", d->name[k]);
    if (rc < 0) {
        seccomp_release(ctx);
        errno = -rc;
        return -1;
    }
    /* libseccomp returns -errno; the kernel's refusal is what it passes on. */
    rc = seccomp_load(ctx);
    seccomp_release(ctx);
    int err = rc < 0 ? -rc : 0;
    return (int)trace_call(t, "seccomp", rc < 0 ? -1 : 0, err, 0,
                           "SECCOMP_SET_MODE_FILTER, 0, {%s: SECCOMP_RET_ERRNO|%s; default: "
                           "SECCOMP_RET_ALLOW}",
                           sb_str(&names), errno_name(d->err));
}

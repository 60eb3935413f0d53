#define _GNU_SOURCE
#include "kernel/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kernel/ns.h"
#include "kernel/sys_file.h"

/* The roots are hooks for tests: a privileged run, which would sweep (kill)
 * the PIDs listed in a cgroup tree, takes one only when nobody but root
 * could have written it (util.c path_trusted); the tests' own trees, made
 * by root in private temp directories, are. */
static void root_from_env(char *dst, size_t size, const char *var, const char *dflt)
{
    const char *v = getenv(var);
    if (v && *v && running_privileged() && !path_trusted(v))
        v = NULL;
    snprintf(dst, size, "%s", v && *v ? v : dflt);
}

void paths_init(struct nsl_paths *p)
{
    root_from_env(p->proc, sizeof p->proc, "NSLAB_PROC_ROOT", "/proc");
    root_from_env(p->cgroup, sizeof p->cgroup, "NSLAB_CGROUP_ROOT", "/sys/fs/cgroup");
}

static char *root_vpath(const char *root, char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = snprintf(buf, size, "%s/", root);
    if (n >= 0 && (size_t)n < size)
        vsnprintf(buf + n, size - (size_t)n, fmt, ap);
    return buf;
}

char *proc_path(const struct nsl_paths *p, char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    root_vpath(p->proc, buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

char *cgroup_path(const struct nsl_paths *p, char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    root_vpath(p->cgroup, buf, size, fmt, ap);
    va_end(ap);
    return buf;
}

void clone_flags_format(int flags, struct strbuf *out)
{
    bool first = true;
    for (int i = 0; i < NS_NSLOTS; i++) {
        if (!ns_is_type(i) || !(flags & ns_info[i].flag))
            continue;
        sb_printf(out, "%s%s", first ? "" : "|", ns_info[i].flag_name);
        first = false;
        flags &= ~ns_info[i].flag;
    }
    /* The low byte is the exit signal (CSIGNAL), not a flag. */
    int exit_sig = flags & 0xff;
    flags &= ~0xff;
    if (exit_sig) {
        sb_printf(out, "%sSIG%s", first ? "" : "|", signal_name(exit_sig));
        first = false;
    }
    if (flags || first)
        sb_printf(out, "%s%#x", first ? "" : "|", (unsigned)flags);
}

int sys_unshare(struct trace *t, int flags)
{
    cleanup_sb struct strbuf a = {0};
    clone_flags_format(flags, &a);
    return TRACED(t, "unshare", 0, unshare(flags), "%s", sb_str(&a));
}

int sys_setns(struct trace *t, int fd, const char *what, int nstype)
{
    cleanup_sb struct strbuf a = {0};
    sb_printf(&a, "%s, ", what);
    clone_flags_format(nstype, &a);
    return TRACED(t, "setns", 0, setns(fd, nstype), "%s", sb_str(&a));
}

int sys_sethostname(struct trace *t, const char *name)
{
    cleanup_free char *q = str_quoted(name);
    return TRACED(t, "sethostname", 0, sethostname(name, strlen(name)), "%s, %zu", q,
                  strlen(name));
}

int sys_setdomainname(struct trace *t, const char *name)
{
    cleanup_free char *q = str_quoted(name);
    return TRACED(t, "setdomainname", 0, setdomainname(name, strlen(name)), "%s, %zu", q,
                  strlen(name));
}

int sys_kill(struct trace *t, pid_t pid, int sig)
{
    return TRACED(t, "kill", TRACE_ARG_PID, kill(pid, sig), "%d, SIG%s", pid, signal_name(sig));
}

int sys_write_file(struct trace *t, const char *path, const char *value)
{
    return sys_write_file_shown(t, path, path, value);
}

static void mount_flags_format(unsigned long f, struct strbuf *out)
{
    static const struct {
        unsigned long flag;
        const char *name;
    } names[] = {
        {MS_RDONLY, "MS_RDONLY"},   {MS_NOSUID, "MS_NOSUID"},     {MS_NODEV, "MS_NODEV"},
        {MS_NOEXEC, "MS_NOEXEC"},   {MS_REMOUNT, "MS_REMOUNT"},   {MS_BIND, "MS_BIND"},
        {MS_MOVE, "MS_MOVE"},       {MS_REC, "MS_REC"},           {MS_UNBINDABLE, "MS_UNBINDABLE"},
        {MS_PRIVATE, "MS_PRIVATE"}, {MS_SLAVE, "MS_SLAVE"},       {MS_SHARED, "MS_SHARED"},
    };
    bool first = true;
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (f & names[i].flag) {
            sb_printf(out, "%s%s", first ? "" : "|", names[i].name);
            f &= ~names[i].flag;
            first = false;
        }
    }
    if (f || first)
        sb_printf(out, "%s%#lx", first ? "" : "|", f);
}

int sys_mount(struct trace *t, const char *src, const char *target, const char *fstype,
              unsigned long flags, const char *data)
{
    cleanup_sb struct strbuf a = {0};
    cleanup_free char *qs = str_quoted(src ? src : "none");
    cleanup_free char *qt = str_quoted(target);
    cleanup_free char *qf = fstype ? str_quoted(fstype) : xstrdup("NULL");
    sb_printf(&a, "%s, %s, %s, ", qs, qt, qf);
    mount_flags_format(flags, &a);
    if (data) {
        cleanup_free char *qd = str_quoted(data);
        sb_printf(&a, ", %s", qd);
    } else {
        sb_append(&a, ", NULL");
    }
    return TRACED(t, "mount", 0, mount(src ? src : "none", target, fstype, flags, data), "%s",
                  sb_str(&a));
}

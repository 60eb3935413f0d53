#define _GNU_SOURCE
#include "subject/nshelper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

ino_t ns_inode_of(struct nsl *sh, pid_t pid, enum ns_slot slot)
{
    char rel[64];
    struct stat st;
    snprintf(rel, sizeof rel, "%d/ns/%s", (int)pid, ns_info[slot].file);
    return fstatat(sh->procfd, rel, &st, 0) == 0 ? st.st_ino : 0;
}

struct helper_hdr {
    int32_t ret, err;
    uint32_t tracelen, outlen;
};

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void helper_reply(int fd, int ret, int err, const struct trace *t, const struct strbuf *out)
{
    struct strbuf tb = {0};
    trace_pack(t, &tb);
    struct helper_hdr h = {.ret = ret, .err = err, .tracelen = (uint32_t)tb.len,
                           .outlen = (uint32_t)out->len};
    if (write_all(fd, &h, sizeof h) < 0 || write_all(fd, sb_str(&tb), tb.len) < 0 ||
        write_all(fd, sb_str(out), out->len) < 0) {
        /* The parent sees a short reply and reports it. */
    }
    sb_free(&tb);
}

int nshelper_run_here(struct trace *t, nshelper_fn fn, void *arg, struct strbuf *out, int *err)
{
    errno = 0;
    int r = fn(arg, t, out);
    *err = r < 0 ? (errno ? errno : EIO) : 0;
    return r < 0 ? -1 : 0;
}

struct enter_step {
    int fd;
    int nstype;
    char shown[160];
};

/* Open what the helper will enter: the namespace, preceded by the user
 * namespace that owns it when that is not the shell's own. */
static int plan_steps(struct nsl *sh, pid_t pid, enum ns_slot slot, struct enter_step *steps,
                      int *n, struct nsl_err *e)
{
    char rel[64], pb[32];
    const char *shown_pid = fmt_pid(sh, pid, pb, sizeof pb);
    snprintf(rel, sizeof rel, "%d/ns/%s", (int)pid, ns_info[slot].file);
    int nsfd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return nsl_fail_errno(e, errno, "cannot open /proc/%s/ns/%s", shown_pid,
                              ns_info[slot].file);
    *n = 0;
    int own = ioctl(nsfd, NS_GET_USERNS);
    struct stat st;
    /* EPERM: the owner is above the shell's user namespace; the shell is
     * then as privileged over it as it can be. */
    if (own >= 0 && fstat(own, &st) == 0 && st.st_ino != sh->host_ns[NS_USER].ino) {
        steps[0].fd = own;
        steps[0].nstype = CLONE_NEWUSER;
        if (st.st_ino == ns_inode_of(sh, pid, NS_USER))
            snprintf(steps[0].shown, sizeof steps[0].shown, "/proc/%s/ns/user", shown_pid);
        else
            snprintf(steps[0].shown, sizeof steps[0].shown,
                     "NS_GET_USERNS(/proc/%s/ns/%s): its owner", shown_pid, ns_info[slot].file);
        (*n)++;
    } else if (own >= 0) {
        close(own);
    }
    steps[*n].fd = nsfd;
    steps[*n].nstype = ns_info[slot].flag;
    snprintf(steps[*n].shown, sizeof steps[*n].shown, "/proc/%s/ns/%s", shown_pid,
             ns_info[slot].file);
    (*n)++;
    return 0;
}

static void __attribute__((noreturn)) helper_child(int wfd, const struct enter_step *steps, int n,
                                                   nshelper_fn fn, void *arg)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    struct trace t = {0};
    struct strbuf out = {0};
    int ret = 0, err = 0;
    for (int k = 0; k < n && ret == 0; k++) {
        if (sys_setns(&t, steps[k].fd, steps[k].shown, steps[k].nstype) < 0) {
            ret = -1;
            err = errno;
        }
    }
    if (ret == 0)
        ret = nshelper_run_here(&t, fn, arg, &out, &err);
    helper_reply(wfd, ret, err, &t, &out);
    _exit(0);
}

static int read_full(int fd, struct strbuf *sb)
{
    char buf[8192];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        sb_appendn(sb, buf, (size_t)r);
    }
}

int nshelper_run(struct nsl *sh, struct trace *t, pid_t pid, enum ns_slot slot, nshelper_fn fn,
                 void *arg, struct strbuf *out, int *err, struct nsl_err *e)
{
    struct enter_step steps[2];
    int n = 0, p[2];
    *err = 0;
    if (plan_steps(sh, pid, slot, steps, &n, e) < 0)
        return -1;
    int rc = -1;
    if (pipe2(p, O_CLOEXEC) < 0) {
        nsl_fail_errno(e, errno, "cannot create a pipe for the helper process");
        goto out;
    }
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        helper_child(p[1], steps, n, fn, arg);
    }
    int fork_err = errno;
    close(p[1]);
    trace_add(t, "fork", child, fork_err, TRACE_RET_PID, "%s", "");
    if (child < 0) {
        close(p[0]);
        nsl_fail_errno(e, fork_err, "cannot fork a helper process");
        goto out;
    }
    struct strbuf reply = {0};
    int rd = read_full(p[0], &reply);
    close(p[0]);
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
        ;
    struct helper_hdr h;
    if (rd < 0 || reply.len < sizeof h) {
        sb_free(&reply);
        nsl_fail(e, EPROTO, "the helper process (pid %d) ended without an answer", (int)child);
        goto out;
    }
    memcpy(&h, reply.buf, sizeof h);
    struct trace ht = {0};
    if (reply.len < sizeof h + (size_t)h.tracelen + h.outlen ||
        trace_unpack(&ht, reply.buf + sizeof h, h.tracelen) < 0) {
        sb_free(&reply);
        trace_free(&ht);
        nsl_fail(e, EPROTO, "the helper process (pid %d) sent a malformed answer", (int)child);
        goto out;
    }
    if (t)
        trace_extend(t, &ht);
    trace_free(&ht);
    sb_appendn(out, reply.buf + sizeof h + h.tracelen, h.outlen);
    sb_free(&reply);
    *err = h.err;
    rc = h.ret < 0 ? -1 : 0;
out:
    for (int k = 0; k < n; k++)
        close(steps[k].fd);
    return rc;
}

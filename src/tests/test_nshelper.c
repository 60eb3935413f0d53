#define _GNU_SOURCE
/* Unit tests of the namespace helper (subject/nshelper.c), as root: a
 * helper run in the network namespace of another child, with a veth peer
 * made there (the host's namespace is never touched, no packet is sent). */
/* layer: subject */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/netlist.h"
#include "kernel/rtnl.h"
#include "subject/nshelper.h"

/* --- as root, in namespaces of child processes ---------------------------- */

static bool need_root(void)
{
    if (geteuid() == 0)
        return true;
    fprintf(stderr, "skipped: network namespaces need root\n");
    return false;
}

static int run_in_child(int (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static bool trace_has(const struct trace *t, const char *text)
{
    for (size_t k = 0; k < t->n; k++) {
        struct strbuf s = {0};
        trace_ent_format(&t->v[k], &s, NULL, NULL);
        bool hit = strcmp(sb_str(&s), text) == 0;
        sb_free(&s);
        if (hit)
            return true;
    }
    return false;
}

/* A veth whose peer is created in another process's network namespace
 * (IFLA_NET_NS_FD), then read back from inside that namespace by the
 * shell-side helper, which enters it. */
static int dump_fn(void *arg, struct trace *t, struct strbuf *out)
{
    struct rtnl *r;
    struct nsl_err e;
    struct net_links l = {0};
    if (rtnl_open(&r, &e) < 0 || rtnl_dump(r, &l, &e) < 0)
        return -1;
    net_links_pack(&l, out);
    net_links_free(&l);
    rtnl_close(r);
    return 0;
}

static int child_peer_and_helper(void)
{
    int p[2];
    if (pipe(p) < 0)
        return 10;
    pid_t other = fork();
    if (other == 0) {
        char c = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
        if (write(p[1], &c, 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char c;
    if (read(p[0], &c, 1) != 1 || c != 'y')
        return 11;
    if (unshare(CLONE_NEWNET) < 0)
        return 12;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)other);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct rtnl *r;
    struct nsl_err e;
    struct trace t = {0};
    int rc = 0;
    if (fd < 0 || rtnl_open(&r, &e) < 0)
        return 13;
    if (rtnl_veth_add(r, &t, "h0", "h1", fd, "/proc/X/ns/net", NULL) < 0)
        rc = 14;
    int idx;
    if (!rc && (rtnl_link_get(r, "h0", &idx, NULL) < 0 || rtnl_link_get(r, "h1", &idx, NULL) == 0))
        rc = 15;
    char want[128];
    snprintf(want, sizeof want, "RTM_NEWLINK veth name=h0 peer=h1 netns_fd=%d (/proc/X/ns/net) = 0", fd);
    if (!rc && !trace_has(&t, want))
        rc = 16;
    rtnl_close(r);
    close(fd);

    /* The helper: a minimal shell state is all nshelper needs. */
    struct nsl sh;
    memset(&sh, 0, sizeof sh);
    paths_init(&sh.paths);
    sh.procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (!rc && ns_read_all(sh.procfd, getpid(), sh.host_ns) < 0)
        rc = 17;
    struct strbuf out = {0};
    int err = 0;
    struct trace ht = {0};
    if (!rc && nshelper_run(&sh, &ht, other, NS_NET, dump_fn, NULL, &out, &err, &e) < 0)
        rc = 18;
    struct net_links l = {0};
    if (!rc && (net_links_unpack(sb_str(&out), &l, &e) < 0 || !net_links_find_name(&l, "h1") ||
                net_links_find_name(&l, "h0")))
        rc = 19;
    /* fork, then setns into the net namespace (root: no user namespace to enter). */
    snprintf(want, sizeof want, "setns(/proc/%d/ns/net, CLONE_NEWNET) = 0", (int)other);
    if (!rc && (ht.n != 2 || strcmp(ht.v[0].call, "fork") != 0 || !trace_has(&ht, want)))
        rc = 20;
    /* A helper whose function fails reports its errno. */
    if (!rc && (nshelper_run(&sh, &ht, 999999999, NS_NET, dump_fn, NULL, &out, &err, &e) != -1 ||
                err != 0 || !strstr(e.msg, "999999999")))
        rc = 21;
    net_links_free(&l);
    sb_free(&out);
    trace_free(&ht);
    trace_free(&t);
    close(sh.procfd);
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    return rc;
}

static void test_real_peer_ns_and_helper(void **state)
{
    if (!need_root())
        skip();
    assert_int_equal(run_in_child(child_peer_and_helper), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_peer_ns_and_helper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

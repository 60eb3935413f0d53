#define _GNU_SOURCE
/* Unit tests of rtnetlink (kernel/rtnl.c), as root, inside a network
 * namespace made by a child process (the host's namespace is never
 * touched, and no packet is sent). */
/* layer: kernel */
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

static int child_rtnl(void)
{
    if (unshare(CLONE_NEWNET) < 0)
        return 10;
    struct rtnl *r;
    struct nsl_err e;
    struct trace t = {0};
    struct strbuf why = {0};
    if (rtnl_open(&r, &e) < 0)
        return 11;
    if (rtnl_veth_add(r, &t, "t0", "t1", -1, NULL, &why) < 0)
        return 12;
    if (rtnl_veth_add(r, &t, "t0", "t2", -1, NULL, &why) != -1 || errno != EEXIST)
        return 13;
    int i0, i1;
    unsigned flags;
    if (rtnl_link_get(r, "t0", &i0, &flags) < 0 || (flags & IFF_UP) || rtnl_link_get(r, "t1", &i1, NULL) < 0)
        return 14;
    if (rtnl_link_get(r, "nothere", &i1, NULL) != -1 || errno != ENODEV)
        return 15;
    struct net_addr a;
    net_cidr_parse("10.200.0.1/24", &a, &e);
    if (rtnl_addr_change(r, &t, false, i0, "t0", &a, &why) < 0 ||
        rtnl_link_set_up(r, &t, i0, "t0", true, &why) < 0)
        return 16;
    if (rtnl_addr_change(r, &t, false, i0, "t0", &a, &why) != -1 || errno != EEXIST)
        return 17;
    struct net_links l = {0};
    if (rtnl_dump(r, &l, &e) < 0)
        return 18;
    struct net_link *d0 = net_links_find_name(&l, "t0"), *lo = net_links_find_name(&l, "lo");
    if (!d0 || !lo || l.n != 3 || strcmp(d0->kind, "veth") != 0 || !(d0->flags & IFF_UP) ||
        d0->link != i1 || d0->naddrs < 1 || d0->addrs[0].prefix != 24 || d0->maclen != 6)
        return 19;
    net_links_free(&l);
    if (!trace_has(&t, "RTM_NEWLINK veth name=t0 peer=t1 = 0") ||
        !trace_has(&t, "RTM_NEWADDR 10.200.0.1/24 dev t0 = 0") ||
        !trace_has(&t, "RTM_NEWADDR 10.200.0.1/24 dev t0 = -1 EEXIST (File exists)"))
        return 20;
    /* Deleting one end deletes the pair. */
    if (rtnl_link_del(r, &t, i0, "t0", &why) < 0 || rtnl_link_get(r, "t1", &i1, NULL) == 0)
        return 21;
    rtnl_close(r);
    trace_free(&t);
    sb_free(&why);
    return 0;
}

/* A bridge and a port: IFLA_MASTER set, read back by the dump, cleared. */
static int child_bridge(void)
{
    if (unshare(CLONE_NEWNET) < 0)
        return 10;
    struct rtnl *r;
    struct nsl_err e;
    struct trace t = {0};
    struct strbuf why = {0};
    int ib, ip;
    if (rtnl_open(&r, &e) < 0)
        return 11;
    if (rtnl_bridge_add(r, &t, "b0", &why) < 0 || rtnl_veth_add(r, &t, "p0", "p1", -1, NULL, &why) < 0)
        return 12;
    if (rtnl_bridge_add(r, &t, "b0", &why) != -1 || errno != EEXIST)
        return 13;
    if (rtnl_link_get(r, "b0", &ib, NULL) < 0 || rtnl_link_get(r, "p0", &ip, NULL) < 0)
        return 14;
    struct net_link d;
    if (rtnl_link_state(r, -1, ib, &d) < 0 || strcmp(d.kind, "bridge") != 0 || d.master != 0)
        return 15;
    if (rtnl_link_set_master(r, &t, ip, "p0", ib, "b0", &why) < 0)
        return 16;
    struct net_links l = {0};
    if (rtnl_dump(r, &l, &e) < 0)
        return 17;
    struct net_link *p0 = net_links_find_name(&l, "p0"), *p1 = net_links_find_name(&l, "p1");
    if (!p0 || !p1 || p0->master != ib || p1->master != 0)
        return 18;
    net_links_free(&l);
    if (rtnl_link_set_master(r, &t, ip, "p0", 0, NULL, &why) < 0 ||
        rtnl_link_state(r, -1, ip, &d) < 0 || d.master != 0)
        return 19;
    char want[96];
    snprintf(want, sizeof want, "RTM_NEWLINK p0 index=%d master=%d (b0) = 0", ip, ib);
    if (!trace_has(&t, "RTM_NEWLINK bridge name=b0 = 0") || !trace_has(&t, want) ||
        !trace_has(&t, "RTM_NEWLINK bridge name=b0 = -1 EEXIST (File exists)"))
        return 20;
    rtnl_close(r);
    trace_free(&t);
    sb_free(&why);
    return 0;
}

static void test_real_bridge(void **state)
{
    if (!need_root())
        skip();
    assert_int_equal(run_in_child(child_bridge), 0);
}

static void test_real_rtnl(void **state)
{
    if (!need_root())
        skip();
    assert_int_equal(run_in_child(child_rtnl), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_rtnl),
        cmocka_unit_test(test_real_bridge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

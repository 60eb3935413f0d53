#define _GNU_SOURCE
/* Unit tests of the network device data (kernel/netlist.c) on literal
 * values; and, as root, of rtnetlink (kernel/rtnl.c) and of the namespace
 * helper (nshelper.c) inside network namespaces made by child processes
 * (the host's namespace is never touched, and no packet is sent). */
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

static void test_cidr(void **state)
{
    struct net_addr a;
    struct nsl_err e;
    assert_int_equal(net_cidr_parse("10.200.0.1/24", &a, &e), 0);
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(a.prefix, 24);
    assert_memory_equal(a.addr, ((unsigned char[]){10, 200, 0, 1}), 4);
    assert_int_equal(net_cidr_parse("fd00::1/64", &a, &e), 0);
    assert_int_equal(a.family, AF_INET6);
    assert_int_equal(a.prefix, 64);
    struct strbuf s = {0};
    net_addr_format(&a, &s);
    assert_string_equal(sb_str(&s), "fd00::1/64");
    sb_free(&s);
    static const char *const bad[] = {"10.200.0.1", "10.200.0.1/33", "10.200.0.1/", "10.300.0.1/24",
                                      "fd00::1/129", "/24", "x/8", "10.0.0.1/2a", ""};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(net_cidr_parse(bad[i], &a, &e), -1);
        assert_int_equal(e.errnum, EINVAL);
    }
}

static void test_names(void **state)
{
    struct nsl_err e;
    assert_int_equal(net_name_check("v0", &e), 0);
    assert_int_equal(net_name_check("a23456789012345", &e), 0); /* 15 bytes */
    static const char *const bad[] = {"", "a234567890123456", "a/b", "a:b", "a b", ".", "..",
                                      "a\tb"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        assert_int_equal(net_name_check(bad[i], &e), -1);
}

static void test_formats(void **state)
{
    struct strbuf s = {0};
    net_flags_format(IFF_UP | IFF_BROADCAST | IFF_MULTICAST | 0x10000 /* IFF_LOWER_UP */, &s);
    assert_string_equal(sb_str(&s), "BROADCAST,MULTICAST,UP,LOWER_UP");
    sb_reset(&s);
    net_flags_format(0, &s);
    assert_string_equal(sb_str(&s), "-");
    sb_reset(&s);
    net_mac_format((const unsigned char[]){0x02, 0xfc, 0, 0, 0, 1}, 6, &s);
    assert_string_equal(sb_str(&s), "02:fc:00:00:00:01");
    sb_free(&s);
    assert_string_equal(net_operstate_name(6), "UP");
    assert_string_equal(net_operstate_name(2), "DOWN");
    assert_string_equal(net_operstate_name(0), "UNKNOWN");
    assert_string_equal(net_operstate_name(99), "UNKNOWN");
}

static void test_pack_roundtrip(void **state)
{
    struct net_links l = {0}, back = {0};
    struct nsl_err e;
    l.v = xcalloc(2, sizeof *l.v);
    l.n = 2;
    l.v[0] = (struct net_link){.ifindex = 1, .name = "lo", .flags = IFF_LOOPBACK, .operstate = 0,
                               .mtu = 65536, .maclen = 6, .link_netnsid = -1};
    l.v[1] = (struct net_link){.ifindex = 5, .name = "v0", .kind = "veth", .flags = IFF_UP,
                               .operstate = 6, .mtu = 1500, .maclen = 6,
                               .mac = {0x0e, 0x9e, 0xc3, 0x24, 0xb5, 0x85}, .link = 4,
                               .link_netnsid = 0};
    l.v[1].addrs = xcalloc(2, sizeof *l.v[1].addrs);
    l.v[1].naddrs = 2;
    assert_int_equal(net_cidr_parse("10.200.0.1/24", &l.v[1].addrs[0], &e), 0);
    assert_int_equal(net_cidr_parse("fe80::1/64", &l.v[1].addrs[1], &e), 0);
    struct strbuf s = {0};
    net_links_pack(&l, &s);
    assert_int_equal(net_links_unpack(sb_str(&s), &back, &e), 0);
    assert_int_equal(back.n, 2);
    assert_string_equal(back.v[0].name, "lo");
    assert_string_equal(back.v[0].kind, "");
    assert_int_equal(back.v[0].link_netnsid, -1);
    assert_int_equal(back.v[0].naddrs, 0);
    struct net_link *v0 = net_links_find_name(&back, "v0");
    assert_non_null(v0);
    assert_ptr_equal(net_links_find(&back, 5), v0);
    assert_null(net_links_find(&back, 4));
    assert_string_equal(v0->kind, "veth");
    assert_int_equal(v0->flags, IFF_UP);
    assert_int_equal(v0->operstate, 6);
    assert_int_equal(v0->mtu, 1500);
    assert_int_equal(v0->link, 4);
    assert_int_equal(v0->link_netnsid, 0);
    assert_memory_equal(v0->mac, l.v[1].mac, 6);
    assert_int_equal(v0->naddrs, 2);
    assert_int_equal(v0->addrs[1].family, AF_INET6);
    assert_int_equal(v0->addrs[0].prefix, 24);
    net_links_free(&back);
    /* Malformed: an address for a device not listed, junk. */
    assert_int_equal(net_links_unpack("addr 3 inet 10.0.0.1 8\n", &back, &e), -1);
    assert_int_equal(net_links_unpack("link x\n", &back, &e), -1);
    assert_int_equal(net_links_unpack("link 1 lo - 0 0 0 zz:1 0 -1\n", &back, &e), -1);
    assert_int_equal(back.n, 0);
    assert_int_equal(net_links_unpack("", &back, &e), 0);
    sb_free(&s);
    net_links_free(&l);
}

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

static void test_real_rtnl(void **state)
{
    if (!need_root())
        skip();
    assert_int_equal(run_in_child(child_rtnl), 0);
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
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_pack_roundtrip),
        cmocka_unit_test(test_real_rtnl),
        cmocka_unit_test(test_real_peer_ns_and_helper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _GNU_SOURCE
/* Unit tests of the network device data (kernel/netlist.c) on literal
 * values. rtnetlink is in test_rtnl.c, the namespace helper in
 * test_nshelper.c. */
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
                               .link_netnsid = 0, .master = 3};
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
    assert_int_equal(v0->master, 3);
    assert_int_equal(back.v[0].master, 0);
    assert_memory_equal(v0->mac, l.v[1].mac, 6);
    assert_int_equal(v0->naddrs, 2);
    assert_int_equal(v0->addrs[1].family, AF_INET6);
    assert_int_equal(v0->addrs[0].prefix, 24);
    net_links_free(&back);
    /* Malformed: an address for a device not listed, junk. */
    assert_int_equal(net_links_unpack("addr 3 inet 10.0.0.1 8\n", &back, &e), -1);
    assert_int_equal(net_links_unpack("link x\n", &back, &e), -1);
    assert_int_equal(net_links_unpack("link 1 lo - 0 0 0 zz:1 0 -1 0\n", &back, &e), -1);
    assert_int_equal(back.n, 0);
    assert_int_equal(net_links_unpack("", &back, &e), 0);
    sb_free(&s);
    net_links_free(&l);
}

/* --- as root, in namespaces of child processes ---------------------------- */

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_pack_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

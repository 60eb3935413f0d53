#define _GNU_SOURCE
/* Unit tests of `graph`'s DOT renderer (render/graph_dot.c) on fake
 * sessions: label escaping, the host cluster, arrows only where a process
 * differs from the host, dashed *_for_children, parent links, the cgroup
 * clusters, and the counts. Every text is also checked to be well-formed
 * DOT (a header, balanced braces outside strings, closed strings, every
 * edge between declared nodes), since Graphviz is not a build dependency. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/graph_dot.h"

#define HOST(slot) (4026531830ull + (unsigned)ns_info[slot].base)

static char *quoted(const char *s)
{
    struct strbuf sb = {0};
    dot_quote(&sb, s);
    return sb_steal(&sb);
}

static bool declared(const char *dot, const char *id)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n  %s [", id);
    if (strstr(dot, pat))
        return true;
    snprintf(pat, sizeof pat, "\n    %s [", id);
    return strstr(dot, pat) != NULL;
}

/* Well-formed as far as a test without Graphviz can tell. */
static void dot_check(const char *dot)
{
    const char *p = dot;
    while (strncmp(p, "//", 2) == 0) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    assert_true(strncmp(p, "digraph nslab {\n", 16) == 0);
    size_t len = strlen(dot);
    assert_true(len >= 2 && strcmp(dot + len - 2, "}\n") == 0);
    int depth = 0;
    bool in_str = false;
    for (p = dot; *p; p++) {
        if (in_str) {
            assert_true(*p != '\n'); /* a raw newline: a label was not escaped */
            if (*p == '\\') {
                p++;
                assert_true(*p != '\0');
            } else if (*p == '"') {
                in_str = false;
            }
        } else if (*p == '"') {
            in_str = true;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}') {
            depth--;
            assert_true(depth >= 0);
        }
    }
    assert_false(in_str);
    assert_int_equal(depth, 0);
    /* Every edge joins declared nodes. */
    for (p = strstr(dot, " -> "); p; p = strstr(p + 4, " -> ")) {
        const char *a = p;
        while (a > dot && a[-1] != ' ')
            a--;
        char from[32], to[32];
        assert_int_equal(sscanf(a, "%31s -> %31s", from, to), 2);
        assert_true(declared(dot, from));
        assert_true(declared(dot, to));
    }
}

/* How often needle occurs in hay. */
static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void set_host_ns(struct graph_proc *p)
{
    for (int s = 0; s < NS_NSLOTS; s++)
        p->ns[s] = HOST(s);
}

/* The shell, with a node per host namespace as the handler adds them. */
static void fake_host(struct graph *g)
{
    g->title = xstrdup("nslab session (shell PID 100)");
    size_t k = graph_add_proc(g, GRAPH_SHELL, "nslab shell (host)", "100");
    set_host_ns(&g->procs[k]);
    char b[32];
    for (int s = 0; s < NS_NSLOTS; s++) {
        snprintf(b, sizeof b, "%llu", HOST(s));
        graph_add_ns(g, (enum ns_slot)s, HOST(s), b);
    }
}

static void test_quote(void **state)
{
    (void)state;
    char *q = quoted("plain");
    assert_string_equal(q, "\"plain\"");
    free(q);
    q = quoted("say \"hi\" C:\\dir");
    assert_string_equal(q, "\"say \\\"hi\\\" C:\\\\dir\"");
    free(q);
    q = quoted("two\nlines\tand\x1b[31m");
    assert_string_equal(q, "\"two\\nlines?and?[31m\"");
    free(q);
    /* UTF-8 is kept; bytes that are not UTF-8 become '?'. */
    q = quoted("caf\xc3\xa9 \xe2\x86\x92 \xff\xc3(");
    assert_string_equal(q, "\"caf\xc3\xa9 \xe2\x86\x92 ?" "?(\"");
    free(q);
    /* A lone backslash at the end cannot escape the closing quote. */
    q = quoted("end\\");
    assert_string_equal(q, "\"end\\\\\"");
    free(q);
    q = quoted("");
    assert_string_equal(q, "\"\"");
    free(q);
}

/* The subject in its own uts and net, a job in a new PID namespace whose
 * parent is the host's: arrows only for those, the host's drawn once. */
static void test_differs_only(void **state)
{
    (void)state;
    struct graph g = {0};
    fake_host(&g);
    size_t s = graph_add_proc(&g, GRAPH_SUBJECT, "subject", "101");
    set_host_ns(&g.procs[s]);
    g.procs[s].ns[NS_UTS] = 4026532001;
    g.procs[s].ns[NS_NET] = 4026532002;
    size_t j = graph_add_proc(&g, GRAPH_JOB, "%1 sleep 100", "102");
    memcpy(g.procs[j].ns, g.procs[s].ns, sizeof g.procs[j].ns);
    g.procs[j].inner = 1;
    g.procs[j].ns[NS_PID] = g.procs[j].ns[NS_PID4C] = 4026532003;
    graph_add_ns(&g, NS_UTS, 4026532001, "4026532001");
    graph_add_ns(&g, NS_NET, 4026532002, "4026532002");
    size_t pn = graph_add_ns(&g, NS_PID4C, 4026532003, "4026532003");
    g.ns[pn].parent = HOST(NS_PID);

    struct strbuf out = {0};
    struct graph_counts n;
    graph_dot(&g, &out, &n);
    const char *dot = sb_str(&out);
    dot_check(dot);

    /* The host's eight namespaces once, in their cluster. */
    const char *cl = strstr(dot, "subgraph cluster_host {");
    assert_non_null(cl);
    const char *end = strstr(cl, "\n  }\n");
    assert_non_null(end);
    int in_cluster = 0;
    for (const char *p = strstr(cl, "    n"); p && p < end; p = strstr(p + 1, "    n"))
        in_cluster++;
    assert_int_equal(in_cluster, 8);
    assert_int_equal(count(dot, "label=\"uts\\n4026531839\""), 1);
    assert_non_null(strstr(dot, "lhead=cluster_host"));
    /* p0 is the shell: it has only the one arrow to the cluster. */
    assert_int_equal(count(dot, "  p0 -> "), 1);

    /* Labels: PIDs as given, the PID inside, the pid namespace's type. */
    assert_non_null(strstr(dot, "label=\"subject\\nPID 101\""));
    assert_non_null(strstr(dot, "label=\"%1 sleep 100\\nPID 102 (1 inside)\""));
    assert_non_null(strstr(dot, "n10 [label=\"pid\\n4026532003\""));

    /* Arrows: subject -> uts, net; job -> uts, net, pid (not again for
     * its pid_for_children, which is the same namespace). */
    assert_non_null(strstr(dot, "  p1 -> n8 [color=\"#2b8cbe\"];\n"));
    assert_non_null(strstr(dot, "  p1 -> n9 [color=\"#e6550d\"];\n"));
    assert_int_equal(count(dot, "  p1 -> "), 2);
    assert_int_equal(count(dot, "  p2 -> "), 3);
    assert_non_null(strstr(dot, "  p2 -> n10 [color=\"#756bb1\"];\n"));
    assert_null(strstr(dot, "pid_for_children"));
    /* The new PID namespace's parent is the host's (n4). */
    assert_non_null(strstr(dot, "  n10 -> n4 [style=bold"));

    /* 3 processes + 8 host + 3 other namespaces; 1 + 2 + 3 + 1 edges. */
    assert_int_equal(n.nodes, 14);
    assert_int_equal(n.edges, 7);
    assert_int_equal(count(dot, " -> "), (int)n.edges);
    sb_free(&out);
    graph_free(&g);
}

/* After `unshare pid`: the subject's pid_for_children differs from its own
 * pid namespace (dashed arrow); before the first child, it is pending. An
 * ancestor no process is in is drawn, with the chain of parents. */
static void test_for_children(void **state)
{
    (void)state;
    struct graph g = {0};
    fake_host(&g);
    size_t s = graph_add_proc(&g, GRAPH_SUBJECT, "subject", "pid@2");
    set_host_ns(&g.procs[s]);
    g.procs[s].ns[NS_PID4C] = 4026532010;
    g.procs[s].ns[NS_TIME4C] = 0;
    g.procs[s].pending = 1u << NS_TIME4C;
    size_t a = graph_add_ns(&g, NS_PID, 4026532010, "pid#2");
    size_t b = graph_add_ns(&g, NS_PID, 4026532009, "pid#3");
    g.ns[a].parent = 4026532009;
    g.ns[b].parent = HOST(NS_PID);

    struct strbuf out = {0};
    struct graph_counts n;
    graph_dot(&g, &out, &n);
    const char *dot = sb_str(&out);
    dot_check(dot);
    char want[128];
    snprintf(want, sizeof want, "  p1 -> n%zu [color=\"#756bb1\", style=dashed, "
                                "label=\"pid_for_children\"", a);
    assert_non_null(strstr(dot, want));
    assert_non_null(strstr(dot, "   dashed: where its children are born\\nbold: parent "
                                "namespace (NS_GET_PARENT)\"];"));
    assert_int_equal(count(dot, "  p1 -> "), 1);
    assert_non_null(strstr(dot, "\\ntime_for_children: new, no process yet\""));
    assert_non_null(strstr(dot, "label=\"subject\\nPID pid@2\\n"));
    snprintf(want, sizeof want, "  n%zu -> n%zu [style=bold", a, b);
    assert_non_null(strstr(dot, want));
    snprintf(want, sizeof want, "  n%zu -> n4 [style=bold", b);
    assert_non_null(strstr(dot, want));
    assert_int_equal(n.nodes, 2 + 8 + 2);
    assert_int_equal(n.edges, 1 + 1 + 2);
    sb_free(&out);
    graph_free(&g);
}

/* Cgroups: one cluster per hierarchy, a tree edge to a sub-cgroup, dotted
 * lines to the members, "+N more", and labels that need escaping (a
 * command with quotes and braces must not unbalance the file). */
static void test_cgroups(void **state)
{
    (void)state;
    struct graph g = {0};
    fake_host(&g);
    size_t s = graph_add_proc(&g, GRAPH_SUBJECT, "subject", "101");
    set_host_ns(&g.procs[s]);
    size_t j = graph_add_proc(&g, GRAPH_JOB, "%1 sh -c \"echo }{\"", "102");
    set_host_ns(&g.procs[j]);
    size_t h0 = graph_add_hier(&g, "cgroup v2: /sys/fs/cgroup/…/nslab.100");
    size_t h1 = graph_add_hier(&g, "cgroup v1: /sys/fs/cgroup/pids/…/nslab.100");
    size_t c0 = graph_add_cg(&g, h0, -1, "mem1", "memory, limit 64M");
    size_t c1 = graph_add_cg(&g, h0, (long)c0, "mem1/sub", NULL);
    size_t c2 = graph_add_cg(&g, h1, -1, "pids1", "pids, limit 20");
    graph_cg_add_member(&g.cgs[c0], s);
    graph_cg_add_member(&g.cgs[c1], j);
    graph_cg_add_member(&g.cgs[c2], j);
    g.cgs[c2].more = 3;

    struct strbuf out = {0};
    struct graph_counts n;
    graph_dot(&g, &out, &n);
    const char *dot = sb_str(&out);
    dot_check(dot);
    assert_non_null(strstr(dot, "label=\"%1 sh -c \\\"echo }{\\\"\\nPID 102\""));
    /* The legend names only the kinds of line drawn. */
    assert_non_null(strstr(dot, "\\ndotted: in the cgroup (cgroup.procs)\"];"));
    assert_null(strstr(dot, "dashed:"));
    assert_null(strstr(dot, "bold:"));
    const char *cl0 = strstr(dot, "subgraph cluster_cg0 {\n    label=\"cgroup v2: "
                                  "/sys/fs/cgroup/…/nslab.100\";");
    const char *cl1 = strstr(dot, "subgraph cluster_cg1 {");
    assert_non_null(cl0);
    assert_non_null(cl1);
    /* mem1 and mem1/sub in the first cluster, pids1 in the second. */
    const char *m = strstr(dot, "c0 [shape=folder"), *sub = strstr(dot, "c1 [shape=folder"),
               *p = strstr(dot, "c2 [shape=folder");
    assert_true(m > cl0 && m < cl1 && sub > cl0 && sub < cl1 && p > cl1);
    assert_non_null(strstr(dot, "label=\"mem1\\nmemory, limit 64M\"]"));
    assert_non_null(strstr(dot, "label=\"mem1/sub\"]"));
    assert_non_null(strstr(dot, "label=\"pids1\\npids, limit 20\\n+3 more processes\"]"));
    assert_non_null(strstr(dot, "  c0 -> c1 [color"));
    assert_non_null(strstr(dot, "  c0 -> p1 [style=dotted"));
    assert_non_null(strstr(dot, "  c1 -> p2 [style=dotted"));
    assert_non_null(strstr(dot, "  c2 -> p2 [style=dotted"));
    /* No namespace differs: only the shell's arrow. */
    assert_int_equal(count(dot, "  p1 -> "), 0);
    assert_int_equal(n.nodes, 3 + 8 + 3);
    assert_int_equal(n.edges, 1 + 1 + 3);
    sb_free(&out);
    graph_free(&g);
}

/* Nothing at all (no shell known): still a valid, empty digraph. */
static void test_empty(void **state)
{
    (void)state;
    struct graph g = {0};
    struct strbuf out = {0};
    struct graph_counts n = {9, 9};
    graph_dot(&g, &out, &n);
    dot_check(sb_str(&out));
    assert_int_equal(n.nodes, 0);
    assert_int_equal(n.edges, 0);
    assert_null(strstr(sb_str(&out), "cluster"));
    sb_free(&out);
    graph_free(&g);
}

/* graph_add_ns keys by type (pid_for_children is a pid namespace) and
 * inode, so a namespace is one node however many links name it. */
static void test_ns_dedup(void **state)
{
    (void)state;
    struct graph g = {0};
    size_t a = graph_add_ns(&g, NS_PID, 7, "7");
    size_t b = graph_add_ns(&g, NS_PID4C, 7, "7");
    size_t c = graph_add_ns(&g, NS_TIME4C, 7, "7");
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
    assert_int_equal(g.ns[c].type, NS_TIME);
    assert_int_equal(graph_find_ns(&g, NS_PID4C, 7), a);
    assert_int_equal(graph_find_ns(&g, NS_UTS, 7), (size_t)-1);
    assert_int_equal(g.nns, 2);
    graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote),         cmocka_unit_test(test_differs_only),
        cmocka_unit_test(test_for_children),  cmocka_unit_test(test_cgroups),
        cmocka_unit_test(test_empty),         cmocka_unit_test(test_ns_dedup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

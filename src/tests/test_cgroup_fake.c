#define _GNU_SOURCE
/* Cgroups on fake trees: the v1 and v2 backends and the session run their
 * real code against directories built in a temp dir (NSLAB_PROC_ROOT and
 * NSLAB_CGROUP_ROOT point there).
 *
 * On a fake tree mkdir makes an empty directory and writes change nothing
 * but the file. So the tests play the kernel through the struct cg_sys seam
 * (fake_* below): after the real traced mkdir they create the interface
 * files the kernel would (v2: the controllers' files only for what the
 * parent enables), and after a write they do what the kernel would
 * (subtree_control accumulates, cgroup.freeze sets cgroup.events, a PID
 * written to cgroup.procs leaves its other cgroup, cgroup.kill empties it,
 * rmdir is refused with EBUSY while processes or children are inside).
 * The fake kill never signals anything: it records the PID and takes it out
 * of the tree. */
/* layer: kernel */
#include "cgroup_fake.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* --- detection on fake trees -------------------------------------------- */

static void test_detect_fake(void **state)
{
    struct fake *f = fake_hybrid();
    char want[700];
    assert_int_equal(f->L.mode, CG_MODE_HYBRID);
    assert_true(f->L.fake_root);
    assert_string_equal(f->L.note, "");
    snprintf(want, sizeof want, "%s/memory", f->paths.cgroup);
    assert_string_equal(mount_of(&f->L, CG_MEMORY), want);
    snprintf(want, sizeof want, "%s/unified", f->paths.cgroup);
    assert_string_equal(f->L.hier[f->L.unified].mount, want);
    assert_string_equal(f->L.hier[f->L.unified].ctrls, "hugetlb");

    /* the same through the environment, as nslab starts */
    setenv("NSLAB_PROC_ROOT", f->paths.proc, 1);
    setenv("NSLAB_CGROUP_ROOT", f->paths.cgroup, 1);
    struct nsl_paths p;
    paths_init(&p);
    unsetenv("NSLAB_PROC_ROOT");
    unsetenv("NSLAB_CGROUP_ROOT");
    cleanup_free struct cg_layout *L = xcalloc(1, sizeof *L);
    struct nsl_err e;
    assert_int_equal(cg_layout_detect(L, &p, &e), 0);
    assert_int_equal(memcmp(L, &f->L, sizeof *L), 0);

    struct cg_pid_dirs own;
    assert_int_equal(cg_pid_dirs(&f->L, &f->paths, 0, &own, &e), 0);
    snprintf(want, sizeof want, "%s/memory/nslab-test/session", f->paths.cgroup);
    assert_string_equal(own.dir[f->L.ctrl_hier[CG_MEMORY]], want);
    assert_string_equal(own.cgpath[f->L.ctrl_hier[CG_MEMORY]], "/nslab-test/session");
    assert_string_equal(own.dir[f->L.unified], f->L.hier[f->L.unified].mount);
    assert_int_equal(cg_pid_dirs(&f->L, &f->paths, 99999, &own, &e), -1);
    assert_non_null(strstr(e.msg, "99999/cgroup"));

    /* no mountinfo */
    snprintf(p.proc, sizeof p.proc, "%s/nowhere", f->tmp);
    assert_int_equal(cg_layout_detect(L, &p, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    assert_non_null(strstr(e.msg, "nowhere/self/mountinfo"));
    fake_free(f);
}

/* --- v2 ----------------------------------------------------------------- */

static void test_v2_create(void **state)
{
    struct fake *f = fake_v2();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    const char *cg = f->paths.cgroup;

    const struct cg_group *mem = must_create(&s, CG_MEMORY, "64M", NULL, -1, &t);
    assert_string_equal(mem->name, "mem1");
    assert_int_equal(mem->version, 2);
    assert_ptr_equal(mem->be, &cg_backend_v2);
    cleanup_free char *got = trace_text(&t);
    struct strbuf want = {0};
    /* nslab's own cgroup holds nslab: v2 would refuse +memory there */
    sb_printf(&want,
              "# %s/user.slice/user-1000.slice/session-2.scope holds this process, so cgroup v2 "
              "would not let it enable controllers for a child: the session parent goes under "
              "the root\n"
              "mkdir(\"%s/nslab.4242\", 0755) = 0\n"
              "write %s/nslab.4242/cgroup.subtree_control \"+memory\" = 0\n"
              "mkdir(\"%s/nslab.4242/mem1\", 0755) = 0\n"
              "write %s/nslab.4242/mem1/memory.max \"67108864\" = 0\n",
              cg, cg, cg, cg, cg);
    assert_string_equal(got, sb_str(&want));
    sb_free(&want);
    assert_string_equal(read_at(mem->dir, "memory.max"), "67108864");

    /* cpuset is not enabled at the root: enable it there, then below */
    trace_clear(&t);
    const struct cg_group *cs = must_create(&s, CG_CPUSET, "1", NULL, -1, &t);
    assert_trace_has(&t, "write %s/cgroup.subtree_control \"+cpuset\" = 0", cg);
    assert_trace_has(&t, "write %s/nslab.4242/cgroup.subtree_control \"+cpuset\" = 0", cg);
    cleanup_free char *order = trace_text(&t);
    assert_true(strstr(order, "/cgroup.subtree_control \"+cpuset\"") <
                strstr(order, "/nslab.4242/cgroup.subtree_control \"+cpuset\""));
    assert_string_equal(read_at(cs->dir, "cpuset.cpus"), "1");
    assert_string_equal(read_at(cg, "cgroup.subtree_control"), "cpu memory pids cpuset");

    trace_clear(&t);
    const struct cg_group *cpu = must_create(&s, CG_CPU, "20%", NULL, -1, &t);
    assert_trace_has(&t, "write %s/nslab.4242/cgroup.subtree_control \"+cpu\" = 0", cg);
    assert_trace_has(&t, "write %s/cpu.max \"20000 100000\" = 0", cpu->dir);
    const struct cg_group *pids = must_create(&s, CG_PIDS, "5", NULL, -1, &t);
    assert_string_equal(read_at(pids->dir, "pids.max"), "5");
    char parent[700];
    snprintf(parent, sizeof parent, "%s/nslab.4242", cg);
    assert_string_equal(read_at(parent, "cgroup.subtree_control"), "memory cpuset cpu pids");
    /* already enabled: no second write */
    trace_clear(&t);
    must_create(&s, CG_MEMORY, "max", "big", -1, &t);
    cleanup_free char *again = trace_text(&t);
    assert_null(strstr(again, "subtree_control"));
    assert_non_null(strstr(again, "/nslab.4242/big/memory.max \"max\" = 0"));

    /* the files each stat comes from */
    struct cg_stats st;
    struct nsl_err e;
    write_at(mem->dir, "memory.current", "1048576");
    write_at(mem->dir, "memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n");
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.version, 2);
    assert_true(st.limit.known && !st.limit.is_max);
    assert_int_equal(st.limit.v, 67108864);
    assert_int_equal(st.usage.v, 1048576);
    assert_int_equal(st.oom_kill.v, 2);
    assert_int_equal(st.max_hits.v, 7);
    assert_int_equal(st.frozen, 0);
    assert_string_equal(cg_stats_get(&st, "memory.max", NULL), "67108864");
    assert_string_equal(cg_stats_get(&st, "memory.events", "oom_kill"), "2");
    assert_string_equal(cg_stats_get(&st, "cgroup.events", "frozen"), "0");
    assert_null(cg_stats_get(&st, "memory.limit_in_bytes", NULL));
    cg_stats_free(&st);

    write_at(cpu->dir, "cpu.stat", "usage_usec 99\nnr_periods 10\nnr_throttled 3\nthrottled_usec 4500\n");
    assert_int_equal(cg_read_stats(&s, cpu, &st, &e), 0);
    assert_int_equal(st.limit.v, 20000);
    assert_int_equal(st.period.v, 100000);
    assert_int_equal(st.usage.v, 99);
    assert_int_equal(st.nr_throttled.v, 3);
    assert_int_equal(st.throttled_usec.v, 4500);
    assert_string_equal(cg_stats_get(&st, "cpu.max", NULL), "20000 100000");
    cg_stats_free(&st);

    write_at(pids->dir, "pids.events", "max 4\n");
    assert_int_equal(cg_read_stats(&s, pids, &st, &e), 0);
    assert_int_equal(st.limit.v, 5);
    assert_int_equal(st.max_hits.v, 4);
    assert_string_equal(cg_stats_get(&st, "pids.events", "max"), "4");
    cg_stats_free(&st);

    /* freeze: cgroup.freeze, then cgroup.events says frozen 1 */
    trace_clear(&t);
    assert_int_equal(cg_freeze(&s, mem, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.freeze \"1\" = 0", mem->dir);
    assert_trace_has(&t, "# cgroup.events: frozen 1");
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.frozen, 1);
    cg_stats_free(&st);
    assert_int_equal(cg_freeze(&s, mem, false, &t, &e), 0);
    assert_trace_has(&t, "# cgroup.events: frozen 0");

    /* attach this process (0 = the caller): it leaves its old cgroup */
    trace_clear(&t);
    assert_int_equal(cg_attach(&s, mem, 0, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.procs \"0\" = 0", mem->dir);
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.npids, 1);
    assert_int_equal(st.pids[0], getpid());
    cg_stats_free(&st);

    /* cleanup puts this process back where it came from (the root here),
     * kills nothing else, and leaves nothing behind */
    trace_clear(&t);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    char self[32];
    snprintf(self, sizeof self, "%d", getpid());
    assert_trace_has(&t, "write %s/cgroup.procs \"%s\" = 0", cg, self);
    assert_trace_has(&t, "rmdir(\"%s/nslab.4242/mem1\") = 0", cg);
    assert_trace_has(&t, "rmdir(\"%s/nslab.4242\") = 0", cg);
    assert_int_equal(f->nkilled, 0);
    assert_false(tree_has(cg, "nslab.4242"));
    assert_int_equal(s.n, 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_v2_parent_placement(void **state)
{
    struct trace t = {0};
    struct cg_session s;
    char want[700];

    /* nslab in the v2 root: the parent goes right there, no note */
    struct fake *f = fake_new("mountinfo-v2.txt", "proc-self-cgroup-hybrid.txt",
                              "proc-cgroups.txt", "memory pids", "memory");
    fake_session(f, &s, 4242);
    must_create(&s, CG_PIDS, NULL, NULL, -1, &t);
    snprintf(want, sizeof want, "%s/nslab.4242", f->paths.cgroup);
    assert_string_equal(s.parent[0], want);
    assert_int_equal(t.v[0].flags & TRACE_NOTE, 0);
    assert_int_equal(cg_session_cleanup(&s, &t, NULL), 0);
    cg_session_free(&s);
    fake_free(f);

    /* hybrid: the v2 tree holds no controller nslab enables, so nslab's
     * own v2 cgroup is fine for a v2 freezer */
    f = fake_hybrid();
    snprintf(want, sizeof want, "%s/unified/sub", f->paths.cgroup);
    mkdir(want, 0755);
    fake_populate(f, want, false);
    char self[600];
    snprintf(self, sizeof self, "%s/self", f->paths.proc);
    write_at(self, "cgroup", "4:memory:/nslab-test/session\n6:freezer:/\n0::/sub\n");
    fake_session(f, &s, 4242);
    trace_clear(&t);
    const struct cg_group *g = must_create(&s, CG_FREEZER, NULL, NULL, f->L.unified, &t);
    assert_int_equal(g->version, 2);
    snprintf(want, sizeof want, "%s/unified/sub/nslab.4242/freezer1", f->paths.cgroup);
    assert_string_equal(g->dir, want);

    /* where nslab's own cgroup is not writable: the hierarchy's root */
    snprintf(f->deny, sizeof f->deny, "%s/memory/nslab-test/session", f->paths.cgroup);
    trace_clear(&t);
    g = must_create(&s, CG_MEMORY, NULL, NULL, -1, &t);
    snprintf(want, sizeof want, "%s/memory/nslab.4242/mem1", f->paths.cgroup);
    assert_string_equal(g->dir, want);
    assert_trace_has(&t, "mkdir(\"%s/nslab.4242\", 0755) = -1 EACCES (Permission denied)", f->deny);
    assert_trace_has(&t, "# cannot create it under %s: trying %s/memory", f->deny, f->paths.cgroup);
    assert_trace_has(&t, "mkdir(\"%s/memory/nslab.4242\", 0755) = 0", f->paths.cgroup);
    f->deny[0] = '\0';
    assert_int_equal(cg_session_cleanup(&s, &t, NULL), 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

/* A memory limit holds on a machine with swap too: v1 sets the cgroup's
 * memory.swappiness to 0 (once), v2 writes memory.swap.max 0. Without it a
 * machine with swap swaps a job out instead of killing it, and
 * cgroup-memory.lab fails there. */
static void test_memory_limit_covers_swap(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    struct cg_limit lim;

    const struct cg_group *mem = must_create(&s, CG_MEMORY, NULL, NULL, -1, &t);
    write_at(mem->dir, "memory.swappiness", "60");
    assert_int_equal(cg_limit_parse(CG_MEMORY, "64M", &lim, &e), 0);
    trace_clear(&t);
    assert_int_equal(cg_set_limit(&s, mem, &lim, &t, &e), 0);
    assert_string_equal(read_at(mem->dir, "memory.limit_in_bytes"), "67108864");
    assert_string_equal(read_at(mem->dir, "memory.swappiness"), "0");
    assert_trace_has(&t, "write %s/memory.swappiness \"0\" = 0", mem->dir);
    cg_session_free(&s);
    fake_free(f);

    f = fake_v2();
    fake_session(f, &s, 4242);
    const struct cg_group *m2 = must_create(&s, CG_MEMORY, NULL, NULL, -1, &t);
    write_at(m2->dir, "memory.swap.max", "max");
    assert_int_equal(cg_limit_parse(CG_MEMORY, "64M", &lim, &e), 0);
    assert_int_equal(cg_set_limit(&s, m2, &lim, &t, &e), 0);
    assert_string_equal(read_at(m2->dir, "memory.max"), "67108864");
    assert_string_equal(read_at(m2->dir, "memory.swap.max"), "0");
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

/* --- v1 (on the hybrid fake) -------------------------------------------- */

static void test_v1_create(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const char *cg = f->paths.cgroup;

    const struct cg_group *mem = must_create(&s, CG_MEMORY, "64M", NULL, -1, &t);
    assert_int_equal(mem->version, 1);
    assert_ptr_equal(mem->be, &cg_backend_v1);
    cleanup_free char *got = trace_text(&t);
    struct strbuf want = {0};
    /* under the cgroup nslab runs in; nothing to enable on v1 */
    sb_printf(&want,
              "mkdir(\"%s/memory/nslab-test/session/nslab.4242\", 0755) = 0\n"
              "mkdir(\"%s/memory/nslab-test/session/nslab.4242/mem1\", 0755) = 0\n"
              "write %s/memory/nslab-test/session/nslab.4242/mem1/memory.limit_in_bytes "
              "\"67108864\" = 0\n",
              cg, cg, cg);
    assert_string_equal(got, sb_str(&want));
    sb_free(&want);
    assert_string_equal(read_at(mem->dir, "memory.limit_in_bytes"), "67108864");

    trace_clear(&t);
    const struct cg_group *cpu = must_create(&s, CG_CPU, "20%", NULL, -1, &t);
    assert_trace_has(&t, "mkdir(\"%s/cpu/nslab.4242\", 0755) = 0", cg);
    assert_trace_has(&t, "write %s/cpu.cfs_period_us \"100000\" = 0", cpu->dir);
    assert_trace_has(&t, "write %s/cpu.cfs_quota_us \"20000\" = 0", cpu->dir);
    const struct cg_group *pids = must_create(&s, CG_PIDS, "5", NULL, -1, &t);
    assert_string_equal(read_at(pids->dir, "pids.max"), "5");

    /* cpuset: the parent and the child get cpus and mems from above */
    trace_clear(&t);
    const struct cg_group *cs = must_create(&s, CG_CPUSET, "1", NULL, -1, &t);
    assert_trace_has(&t, "write %s/cpuset/nslab.4242/cpuset.cpus \"0-1\" = 0", cg);
    assert_trace_has(&t, "write %s/cpuset/nslab.4242/cpuset.mems \"0\" = 0", cg);
    assert_trace_has(&t, "write %s/cpuset.cpus \"1\" = 0", cs->dir);
    assert_trace_has(&t, "write %s/cpuset.mems \"0\" = 0", cs->dir);
    cleanup_free char *cstrace = trace_text(&t);
    char copy_cpus[800];
    snprintf(copy_cpus, sizeof copy_cpus, "%s/cpuset.cpus \"0-1\"", cs->dir);
    assert_null(strstr(cstrace, copy_cpus)); /* the limit was set first */
    assert_string_equal(read_at(cs->dir, "cpuset.cpus"), "1");
    assert_string_equal(read_at(cs->dir, "cpuset.mems"), "0");
    const struct cg_group *cs2 = must_create(&s, CG_CPUSET, NULL, NULL, -1, &t);
    assert_string_equal(read_at(cs2->dir, "cpuset.cpus"), "0-1");
    assert_string_equal(read_at(cs2->dir, "cpuset.mems"), "0");

    /* stats under v1's names */
    struct cg_stats st;
    write_at(mem->dir, "memory.usage_in_bytes", "1000");
    write_at(mem->dir, "memory.failcnt", "4");
    write_at(mem->dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    assert_int_equal(cg_read_stats(&s, mem, &st, &e), 0);
    assert_int_equal(st.version, 1);
    assert_int_equal(st.limit.v, 67108864);
    assert_int_equal(st.usage.v, 1000);
    assert_int_equal(st.max_hits.v, 4);
    assert_int_equal(st.oom_kill.v, 1);
    assert_int_equal(st.frozen, -1); /* no freezer in the memory hierarchy */
    assert_string_equal(cg_stats_get(&st, "memory.oom_control", "oom_kill"), "1");
    assert_string_equal(cg_stats_get(&st, "memory.failcnt", NULL), "4");
    cg_stats_free(&st);
    const struct cg_group *mem2 = must_create(&s, CG_MEMORY, NULL, NULL, -1, &t);
    assert_int_equal(cg_read_stats(&s, mem2, &st, &e), 0);
    assert_true(st.limit.known && st.limit.is_max); /* 9223372036854771712 */
    cg_stats_free(&st);

    write_at(cpu->dir, "cpu.stat", "nr_periods 9\nnr_throttled 3\nthrottled_time 5000000\n");
    assert_int_equal(cg_read_stats(&s, cpu, &st, &e), 0);
    assert_int_equal(st.limit.v, 20000);
    assert_int_equal(st.period.v, 100000);
    assert_int_equal(st.nr_throttled.v, 3);
    assert_int_equal(st.throttled_usec.v, 5000); /* throttled_time is in ns */
    /* cpuacct is another hierarchy here: the cpuacct cgroup beside counts */
    assert_true(st.usage.known);
    assert_string_equal(cg_stats_get(&st, "cpuacct.usage", NULL), "0");
    cg_stats_free(&st);

    /* freezer.state; and no freezing outside the freezer hierarchy */
    trace_clear(&t);
    const struct cg_group *frz = must_create(&s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_string_equal(frz->name, "freezer1");
    assert_int_equal(cg_freeze(&s, frz, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/freezer.state \"FROZEN\" = 0", frz->dir);
    assert_trace_has(&t, "# freezer.state: FROZEN");
    assert_int_equal(cg_read_stats(&s, frz, &st, &e), 0);
    assert_int_equal(st.frozen, 1);
    cg_stats_free(&st);
    assert_int_equal(cg_freeze(&s, frz, false, &t, &e), 0);
    assert_string_equal(read_at(frz->dir, "freezer.state"), "THAWED");
    assert_int_equal(cg_freeze(&s, mem, true, &t, &e), -1);
    assert_non_null(strstr(e.msg, "not in the v1 freezer hierarchy"));

    /* a v2 freezer on the same machine */
    trace_clear(&t);
    const struct cg_group *frz2 = must_create(&s, CG_FREEZER, NULL, NULL, f->L.unified, &t);
    assert_int_equal(frz2->version, 2);
    assert_trace_has(&t, "mkdir(\"%s/unified/nslab.4242/freezer2\", 0755) = 0", cg);
    assert_int_equal(cg_freeze(&s, frz2, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.freeze \"1\" = 0", frz2->dir);

    /* attach: v1 moves the process within the memory hierarchy only */
    assert_int_equal(cg_attach(&s, mem, 0, &t, &e), 0);
    char own[700], self[32];
    snprintf(own, sizeof own, "%s/memory/nslab-test/session", cg);
    snprintf(self, sizeof self, "%d", getpid());
    assert_string_equal(read_at(own, "cgroup.procs"), "");
    assert_string_equal(read_at(mem->dir, "cgroup.procs"), self);
    assert_int_equal(cg_attach(&s, cs, 0, &t, &e), 0);

    trace_clear(&t);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.procs \"%s\" = 0", own, self);
    assert_string_equal(read_at(own, "cgroup.procs"), self);
    assert_int_equal(f->nkilled, 0);
    assert_false(tree_has(cg, "nslab.4242"));
    assert_int_equal(s.n, 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

/* --- errors, deletion, names ---------------------------------------------- */

/* --- CPU time: cgget usage of a cpu cgroup on every layout ----------------- */

static uint64_t usage_of(struct cg_session *s, const struct cg_group *g)
{
    struct cg_stats st;
    struct nsl_err e;
    assert_int_equal(cg_read_stats(s, g, &st, &e), 0);
    assert_true(st.usage.known);
    uint64_t v = st.usage.v;
    cg_stats_free(&st);
    return v;
}

/* Hybrid, as on this project's machine: cpu and cpuacct are two v1
 * hierarchies, so a cpu cgroup gets a cpuacct cgroup of the same name,
 * joined with it and removed with it; usage is its cpuacct.usage. */
static void test_cpu_usage_hybrid(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const char *cg = f->paths.cgroup;
    const struct cg_group *cpu = must_create(&s, CG_CPU, NULL, NULL, -1, &t);
    char want[900];
    snprintf(want, sizeof want, "%s/cpuacct/nslab.4242/cpu1", cg);
    assert_string_equal(cpu->acct, want);
    assert_true(exists(want));
    assert_trace_has(&t, "mkdir(\"%s\", 0755) = 0", want);
    assert_trace_has(&t, "# cpuacct is a hierarchy of its own here (%s/cpuacct): %s counts the "
                         "CPU time of cpu1", cg, want);
    write_at(cpu->acct, "cpuacct.usage", "2500000000"); /* ns */
    assert_int_equal(usage_of(&s, cpu), 2500000);       /* µs */
    struct strbuf sb = {0};
    assert_int_equal(cg_file_read(cpu, "cpuacct.usage", &sb, &e), 0);
    assert_string_equal(sb_str(&sb), "2500000000");
    sb_free(&sb);
    /* a process joins both */
    assert_int_equal(cg_attach(&s, cpu, 777, &t, &e), 0);
    assert_string_equal(read_at(cpu->dir, "cgroup.procs"), "777");
    assert_string_equal(read_at(cpu->acct, "cgroup.procs"), "777");
    /* cgdelete takes both, killing what is inside */
    assert_int_equal(cg_delete(&s, cpu, true, &t, &e), 0);
    assert_false(exists(want));
    /* cgcreate cpuacct: a group of the cpuacct hierarchy */
    const struct cg_group *acct = must_create(&s, CG_CPUACCT, NULL, NULL, -1, &t);
    assert_string_equal(acct->name, "cpuacct1");
    snprintf(want, sizeof want, "%s/cpuacct/nslab.4242/cpuacct1", cg);
    assert_string_equal(acct->dir, want);
    assert_string_equal(acct->acct, "");
    write_at(acct->dir, "cpuacct.usage", "4000");
    assert_int_equal(usage_of(&s, acct), 4);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_false(tree_has(cg, "nslab.4242"));
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

/* v1 with cpu and cpuacct mounted together, and v2: no second cgroup. */
static void test_cpu_usage_v1_v2(void **state)
{
    struct fake *f = fake_new("mountinfo-v1.txt", "proc-self-cgroup-v1.txt", "proc-cgroups.txt",
                              NULL, NULL);
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *cpu = must_create(&s, CG_CPU, NULL, NULL, -1, &t);
    assert_int_equal(cpu->version, 1);
    assert_string_equal(cpu->acct, "");
    write_at(cpu->dir, "cpuacct.usage", "3000000");
    assert_int_equal(usage_of(&s, cpu), 3000);
    const struct cg_group *acct = must_create(&s, CG_CPUACCT, NULL, NULL, -1, &t);
    assert_int_equal(acct->hier, cpu->hier); /* the same cpu,cpuacct hierarchy */
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_clear(&t);
    fake_free(f);

    f = fake_v2();
    fake_session(f, &s, 4242);
    cpu = must_create(&s, CG_CPU, NULL, NULL, -1, &t);
    assert_int_equal(cpu->version, 2);
    assert_string_equal(cpu->acct, "");
    write_at(cpu->dir, "cpu.stat", "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\n");
    assert_int_equal(usage_of(&s, cpu), 1234);
    acct = must_create(&s, CG_CPUACCT, NULL, NULL, -1, &t);
    assert_int_equal(acct->version, 2);
    write_at(acct->dir, "cpu.stat", "usage_usec 99\n");
    assert_int_equal(usage_of(&s, acct), 99);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_delete_busy(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    const struct cg_group *p = must_create(&s, CG_PIDS, "5", NULL, -1, &t);
    char dir[700];
    snprintf(dir, sizeof dir, "%s", p->dir);
    write_at(p->dir, "cgroup.procs", "777\n");
    char comm[600];
    snprintf(comm, sizeof comm, "%s/777", f->paths.proc);
    mkdir_p(comm);
    write_at(comm, "comm", "sleep\n");

    trace_clear(&t);
    assert_int_equal(cg_delete(&s, p, false, &t, &e), -1);
    assert_int_equal(e.errnum, EBUSY);
    assert_non_null(strstr(e.msg, "processes are still inside: 777 (sleep)"));
    assert_trace_has(&t, "rmdir(\"%s\") = -1 EBUSY (Device or resource busy)", dir);
    assert_ptr_equal(cg_find(&s, "pids1"), p);
    assert_int_equal(f->nkilled, 0);

    trace_clear(&t);
    assert_int_equal(cg_delete(&s, p, true, &t, &e), 0);
    assert_trace_has(&t, "kill(777, SIGKILL) = 0");
    assert_trace_has(&t, "rmdir(\"%s\") = 0", dir);
    assert_int_equal(f->nkilled, 1);
    assert_int_equal(f->killed[0], 777);
    assert_null(cg_find(&s, "pids1"));
    assert_false(exists(dir));

    /* v2: cgroup.kill, no kill(2) */
    const struct cg_group *v2 = must_create(&s, CG_FREEZER, NULL, "box", f->L.unified, &t);
    snprintf(dir, sizeof dir, "%s", v2->dir);
    write_at(v2->dir, "cgroup.procs", "778\n");
    trace_clear(&t);
    assert_int_equal(cg_delete(&s, v2, true, &t, &e), 0);
    assert_trace_has(&t, "write %s/cgroup.kill \"1\" = 0", dir);
    assert_int_equal(f->nkilled, 1);

    /* v1 frozen: killed, then thawed so the kill lands */
    const struct cg_group *fz = must_create(&s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_int_equal(cg_freeze(&s, fz, true, &t, &e), 0);
    write_at(fz->dir, "cgroup.procs", "779\n");
    snprintf(dir, sizeof dir, "%s", fz->dir);
    trace_clear(&t);
    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_trace_has(&t, "kill(779, SIGKILL) = 0");
    assert_trace_has(&t, "write %s/freezer.state \"THAWED\" = 0", dir);
    assert_false(tree_has(f->paths.cgroup, "nslab.4242"));
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_create_errors(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session s;
    fake_session(f, &s, 4242);
    struct trace t = {0};
    struct nsl_err e;
    struct cg_create_opts o = CG_CREATE_OPTS_INIT;
    struct cg_limit lim;
    const struct cg_group *g;

    /* a failing limit leaves no half-made cgroup */
    f->fail_file = "memory.limit_in_bytes";
    assert_int_equal(cg_limit_parse(CG_MEMORY, "64M", &lim, &e), 0);
    o.limit = &lim;
    assert_int_equal(cg_create(&s, CG_MEMORY, &o, &t, &e, &g), -1);
    assert_int_equal(e.errnum, EINVAL);
    assert_non_null(strstr(e.msg, "cannot write \"67108864\" to "));
    assert_non_null(strstr(e.msg, "/mem1/memory.limit_in_bytes: Invalid argument (EINVAL)"));
    assert_trace_has(&t, "rmdir(\"%s/memory/nslab-test/session/nslab.4242/mem1\") = 0",
                     f->paths.cgroup);
    assert_int_equal(s.n, 0);
    f->fail_file = NULL;

    /* limit of another controller, unknown hierarchy, wrong hierarchy */
    assert_int_equal(cg_create(&s, CG_PIDS, &o, &t, &e, &g), -1);
    assert_non_null(strstr(e.msg, "a memory limit given for a pids cgroup"));
    o.limit = NULL;
    o.hier = 99;
    assert_int_equal(cg_create(&s, CG_PIDS, &o, &t, &e, &g), -1);
    o.hier = f->L.unified;
    assert_int_equal(cg_create(&s, CG_PIDS, &o, &t, &e, &g), -1);
    assert_non_null(strstr(e.msg, "pids controller is not in the hierarchy"));
    o.hier = -1;
    assert_int_equal(cg_create(&s, CG_HUGETLB, &o, &t, &e, &g), -1); /* not one nslab makes */

    /* names: numbering skips taken names; duplicates and bad names refused */
    assert_string_equal(must_create(&s, CG_MEMORY, NULL, NULL, -1, &t)->name, "mem1");
    assert_string_equal(must_create(&s, CG_MEMORY, NULL, "mem2", -1, &t)->name, "mem2");
    assert_string_equal(must_create(&s, CG_MEMORY, NULL, NULL, -1, &t)->name, "mem3");
    assert_string_equal(must_create(&s, CG_PIDS, NULL, "web", -1, &t)->name, "web");
    o.name = "web";
    assert_int_equal(cg_create(&s, CG_MEMORY, &o, &t, &e, &g), -1);
    assert_int_equal(e.errnum, EEXIST);
    o.name = "../x";
    assert_int_equal(cg_create(&s, CG_MEMORY, &o, &t, &e, &g), -1);
    assert_int_equal(cg_lookup(&s, "nope", &g, &e), -1);
    assert_non_null(strstr(e.msg, "(it has: mem1, mem2, mem3, web)"));
    assert_int_equal(cg_lookup(&s, "web", &g, &e), 0);

    /* a limit of the wrong kind for a cgroup; raw files */
    assert_int_equal(cg_set_limit(&s, g, &lim, &t, &e), -1);
    assert_non_null(strstr(e.msg, "web is a pids cgroup, not memory"));
    assert_int_equal(cg_limit_parse(CG_PIDS, "9", &lim, &e), 0);
    assert_int_equal(cg_set_limit(&s, g, &lim, &t, &e), 0);
    assert_string_equal(read_at(g->dir, "pids.max"), "9");
    assert_int_equal(cg_file_write(&s, g, "pids.max", "max", &t, &e), 0);
    struct strbuf sb = {0};
    assert_int_equal(cg_file_read(g, "pids.max", &sb, &e), 0);
    assert_string_equal(sb_str(&sb), "max");
    sb_free(&sb);
    assert_int_equal(cg_file_read(g, "../pids.max", &sb, &e), -1);
    assert_int_equal(cg_file_write(&s, g, "", "1", &t, &e), -1);
    assert_int_equal(cg_file_read(g, "nosuch.file", &sb, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    assert_int_equal(cg_file_write(&s, g, "nosuch.file", "1", &t, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    sb_free(&sb);

    /* timeouts: the state is never reached */
    f->stuck = true;
    const struct cg_group *fz = must_create(&s, CG_FREEZER, NULL, NULL, -1, &t);
    assert_int_equal(cg_freeze(&s, fz, true, &t, &e), -1);
    assert_int_equal(e.errnum, ETIMEDOUT);
    assert_non_null(strstr(e.msg, "freezer.state still says FREEZING after 100 ms"));
    const struct cg_group *fz2 = must_create(&s, CG_FREEZER, NULL, NULL, f->L.unified, &t);
    assert_int_equal(cg_freeze(&s, fz2, true, &t, &e), -1);
    assert_non_null(strstr(e.msg, "cgroup.events still says frozen 0 after 100 ms"));
    f->stuck = false;

    assert_int_equal(cg_session_cleanup(&s, &t, &e), 0);
    assert_false(tree_has(f->paths.cgroup, "nslab.4242"));
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

static void test_two_sessions(void **state)
{
    struct fake *f = fake_hybrid();
    struct cg_session a, b;
    fake_session(f, &a, 1000);
    fake_session(f, &b, 1001);
    struct trace t = {0};
    const struct cg_group *ga = must_create(&a, CG_MEMORY, "1M", NULL, -1, &t);
    const struct cg_group *gb = must_create(&b, CG_MEMORY, "2M", NULL, -1, &t);
    assert_string_equal(ga->name, gb->name);
    assert_string_not_equal(ga->dir, gb->dir);
    assert_non_null(strstr(ga->dir, "/nslab.1000/mem1"));
    assert_non_null(strstr(gb->dir, "/nslab.1001/mem1"));
    assert_string_equal(read_at(ga->dir, "memory.limit_in_bytes"), "1048576");
    assert_string_equal(read_at(gb->dir, "memory.limit_in_bytes"), "2097152");
    char bdir[700];
    snprintf(bdir, sizeof bdir, "%s", gb->dir);
    assert_int_equal(cg_session_cleanup(&a, &t, NULL), 0);
    assert_true(exists(bdir)); /* the other session's is untouched */
    assert_int_equal(cg_session_cleanup(&b, &t, NULL), 0);
    assert_false(exists(bdir));
    cg_session_free(&a);
    cg_session_free(&b);
    trace_free(&t);
    fake_free(f);
}

/* --- the sweep ---------------------------------------------------------- */

static void fake_cgroup(struct fake *f, const char *rel, const char *procs)
{
    char dir[700];
    snprintf(dir, sizeof dir, "%s/%s", f->paths.cgroup, rel);
    mkdir(dir, 0755);
    fake_populate(f, dir, false);
    if (procs)
        write_at(dir, "cgroup.procs", procs);
}

static void fake_proc(struct fake *f, pid_t pid, const char *comm)
{
    char dir[600];
    snprintf(dir, sizeof dir, "%s/%d", f->paths.proc, pid);
    mkdir_p(dir);
    write_at(dir, "comm", comm);
}

/* /proc/PID/stat saying the process started at the epoch second `start`
 * (with /proc/stat's btime at 1000). */
static void fake_proc_started(struct fake *f, pid_t pid, const char *comm, long long start)
{
    char dir[600], stat[512];
    fake_proc(f, pid, comm);
    write_at(f->paths.proc, "stat", "cpu  1 2 3 4\nbtime 1000\nprocesses 9\n");
    snprintf(dir, sizeof dir, "%s/%d", f->paths.proc, pid);
    long long ticks = (start - 1000) * sysconf(_SC_CLK_TCK);
    snprintf(stat, sizeof stat,
             "%d (a (b) c) S 1 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %lld 1000 10\n", (int)pid,
             ticks);
    write_at(dir, "stat", stat);
}

static void test_sweep(void **state)
{
    struct fake *f = fake_hybrid();
    const char *cg = f->paths.cgroup;
    fake_cgroup(f, "memory/nslab-test/session/nslab.111", NULL); /* no process 111 */
    fake_cgroup(f, "memory/nslab-test/session/nslab.111/mem1", "555\n");
    fake_cgroup(f, "freezer/nslab.222", NULL); /* 222 is not nslab, and younger */
    fake_proc_started(f, 222, "bash\n", (long long)time(NULL) + 100);
    fake_cgroup(f, "freezer/nslab.223", NULL); /* nslab under valgrind: older */
    fake_proc_started(f, 223, "memcheck-amd64-\n", 1000);
    fake_cgroup(f, "freezer/nslab.333", NULL); /* a live nslab */
    fake_proc(f, 333, "nslab\n");
    fake_cgroup(f, "pids/nslab.4242", NULL); /* ourselves */
    fake_cgroup(f, "memory/nslab.notapid", NULL);
    fake_cgroup(f, "memory/other", NULL);
    fake_cgroup(f, "unified/nslab.444", "666\n"); /* v2, gone */
    fake_cgroup(f, "unified/nslab.444/freezer1", NULL);
    /* A live session of another PID namespace: no process 555 here, but it
     * holds its lock. */
    fake_cgroup(f, "memory/nslab.555", "777\n");
    char lp[700];
    snprintf(lp, sizeof lp, "%s/memory/nslab.555", cg);
    int lfd = open(lp, O_RDONLY | O_DIRECTORY);
    assert_true(lfd >= 0);
    assert_int_equal(flock(lfd, LOCK_EX), 0);
    /* A tree deeper than any fixed limit. */
    char deep[700] = "memory/nslab.666";
    fake_cgroup(f, deep, NULL);
    for (int k = 0; k < 40; k++) {
        size_t at = strlen(deep);
        snprintf(deep + at, sizeof deep - at, "/d");
        fake_cgroup(f, deep, NULL);
    }

    struct cg_sys sys = {.mkdir = fake_mkdir, .rmdir = fake_rmdir, .write = fake_write,
                         .kill = fake_kill, .ctx = f, .wait_ms = 100, .poll_ms = 1};
    struct trace t = {0};
    struct nsl_err e;
    assert_int_equal(cg_sweep(&f->L, &f->paths, &sys, 4242, &t, &e), 4);
    char p[700];
#define GONE(rel) (snprintf(p, sizeof p, "%s/%s", cg, rel), !exists(p))
    assert_true(GONE("memory/nslab-test/session/nslab.111"));
    assert_true(GONE("freezer/nslab.222"));
    assert_true(GONE("unified/nslab.444"));
    assert_true(GONE("memory/nslab.666"));
    assert_false(GONE("memory/nslab.555"));
    assert_false(GONE("freezer/nslab.333"));
    assert_false(GONE("freezer/nslab.223"));
    assert_false(GONE("pids/nslab.4242"));
    assert_false(GONE("memory/nslab.notapid"));
    assert_false(GONE("memory/other"));
    assert_false(GONE("memory/nslab-test/session"));
    assert_trace_has(&t, "# removed session: %s/freezer/nslab.222 (process 222 is bash, not nslab, and younger than the session)",
                     cg);
    assert_trace_has(&t, "# removed session: %s/memory/nslab-test/session/nslab.111 (no process 111)", cg);
    assert_trace_has(&t, "# kept session: %s/freezer/nslab.223 (nobody holds its lock, but process 223 (memcheck-amd64-) is older than it: an nslab without the lock, or a session of another PID namespace)", cg);
    assert_trace_has(&t, "kill(555, SIGKILL) = 0");
    assert_trace_has(&t, "write %s/unified/nslab.444/cgroup.kill \"1\" = 0", cg);
    assert_trace_has(&t, "rmdir(\"%s/memory/nslab-test/session/nslab.111/mem1\") = 0", cg);
    assert_int_equal(f->nkilled, 1);
    /* a second sweep finds nothing */
    trace_clear(&t);
    assert_int_equal(cg_sweep(&f->L, &f->paths, &sys, 4242, &t, &e), 0);
    assert_int_equal(t.n, 1); /* the note on nslab.223 again */
    /* Once the session of another PID namespace is gone, so is its lock. */
    close(lfd);
    trace_clear(&t);
    assert_int_equal(cg_sweep(&f->L, &f->paths, &sys, 4242, &t, &e), 1);
    assert_true(GONE("memory/nslab.555"));
#undef GONE
    trace_free(&t);
    fake_free(f);
}

/* A scope systemd delegated (Delegate=yes): nslab runs in its leaf
 * "shell"; the session parent goes beside it, controllers are enabled in
 * the scope and never above it (the slice is systemd's), and the sweep
 * looks into other nslab-<N>.scope of the slice only, for what is dead. */
static void test_delegated_scope(void **state)
{
    struct fake *f = fake_v2();
    const char *cg = f->paths.cgroup;
    char scope[700], leaf[720], want[760], self[32], p[760];
    fake_cgroup(f, "system.slice", NULL);
    snprintf(p, sizeof p, "%s/system.slice", cg);
    write_at(p, "cgroup.subtree_control", "memory pids"); /* systemd's, for the scope */
    fake_cgroup(f, "system.slice/nslab-4242.scope", NULL);
    snprintf(self, sizeof self, "%d\n", getpid());
    fake_cgroup(f, "system.slice/nslab-4242.scope/shell", self);
    snprintf(p, sizeof p, "%s/self", f->paths.proc);
    write_at(p, "cgroup", "0::/system.slice/nslab-4242.scope/shell\n");
    snprintf(scope, sizeof scope, "%s/system.slice/nslab-4242.scope", cg);
    snprintf(leaf, sizeof leaf, "%s/shell", scope);

    struct cg_session s;
    struct trace t = {0};
    struct nsl_err e;
    fake_session(f, &s, 4242);
    snprintf(s.deleg[0], sizeof s.deleg[0], "%.500s", scope);
    snprintf(s.deleg_leaf[0], sizeof s.deleg_leaf[0], "%.500s", leaf);
    const struct cg_group *g = must_create(&s, CG_PIDS, NULL, NULL, -1, &t);
    snprintf(want, sizeof want, "%s/nslab.4242/pids1", scope);
    assert_string_equal(g->dir, want);
    assert_string_equal(s.base[0], leaf);
    assert_true(has_word(read_at(scope, "cgroup.subtree_control"), "pids"));
    snprintf(p, sizeof p, "%s/system.slice", cg);
    assert_string_equal(read_at(p, "cgroup.subtree_control"), "memory pids");
    /* cpu is not delegated to the scope: refused, nothing written above it */
    trace_clear(&t);
    const struct cg_group *none = NULL;
    struct cg_create_opts o = CG_CREATE_OPTS_INIT;
    assert_int_equal(cg_create(&s, CG_CPU, &o, &t, &e, &none), -1);
    assert_non_null(strstr(e.msg, "cgroup.controllers does not list it"));
    assert_string_equal(read_at(p, "cgroup.subtree_control"), "memory pids");
    assert_string_equal(read_at(cg, "cgroup.subtree_control"), "cpu memory pids");

    /* a killed session's scope (its job 888 lives on), someone else's
     * scope with a dead-looking nslab.778, and this session's own */
    fake_cgroup(f, "system.slice/nslab-777.scope", NULL);
    fake_cgroup(f, "system.slice/nslab-777.scope/shell", NULL);
    fake_cgroup(f, "system.slice/nslab-777.scope/nslab.777", NULL);
    fake_cgroup(f, "system.slice/nslab-777.scope/nslab.777/pids1", "888\n");
    fake_cgroup(f, "system.slice/other.scope", NULL);
    fake_cgroup(f, "system.slice/other.scope/nslab.778", NULL);
    struct cg_sys sys = {.mkdir = fake_mkdir, .rmdir = fake_rmdir, .write = fake_write,
                         .kill = fake_kill, .ctx = f, .wait_ms = 100, .poll_ms = 1};
    trace_clear(&t);
    assert_int_equal(cg_sweep(&f->L, &f->paths, &sys, 4242, &t, &e), 1);
    snprintf(p, sizeof p, "%s/system.slice/nslab-777.scope/nslab.777", cg);
    assert_false(exists(p));
    assert_trace_has(&t, "write %s/pids1/cgroup.kill \"1\" = 0", p);
    snprintf(p, sizeof p, "%s/system.slice/nslab-777.scope/shell", cg);
    assert_true(exists(p)); /* the scope is systemd's: it goes once empty */
    snprintf(p, sizeof p, "%s/system.slice/other.scope/nslab.778", cg);
    assert_true(exists(p));
    snprintf(p, sizeof p, "%s/nslab.4242/pids1", scope);
    assert_true(exists(p));

    assert_int_equal(cg_session_cleanup(&s, &t, NULL), 0);
    snprintf(p, sizeof p, "%s/nslab.4242", scope);
    assert_false(exists(p));
    cg_session_free(&s);
    trace_free(&t);
    fake_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_fake),
        cmocka_unit_test(test_v2_create),
        cmocka_unit_test(test_v2_parent_placement),
        cmocka_unit_test(test_delegated_scope),
        cmocka_unit_test(test_v1_create),
        cmocka_unit_test(test_memory_limit_covers_swap),
        cmocka_unit_test(test_delete_busy),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_two_sessions),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_cpu_usage_hybrid),
        cmocka_unit_test(test_cpu_usage_v1_v2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

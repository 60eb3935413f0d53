#define _GNU_SOURCE
/* cgroup v2 (unified): one tree for every controller. A controller works in
 * a cgroup only when its parent lists it in cgroup.subtree_control, and a
 * cgroup that enables controllers for its children may not hold processes
 * itself (the "no internal processes" rule). Freezing and killing need no
 * controller: cgroup.freeze and cgroup.kill are core files of every
 * non-root cgroup. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/cgroup/cgroup_impl.h"
#include "i18n.h"

static int v2_prepare_parent(const struct cg_sys *s, const char *top, const char *parent,
                             enum cg_ctrl ctrl, struct trace *t, struct nsl_err *e)
{
    const char *name = cg_ctrl_info[ctrl].v2;
    if (!name) /* a core feature: nothing to enable */
        return 0;
    /* Walk up from parent to the first cgroup where the controller is
     * available (in its cgroup.controllers); enable it from there down. */
    enum { MAX_DEPTH = 64 };
    char *todo[MAX_DEPTH];
    size_t n = 0;
    cleanup_free char *dir = xstrdup(parent);
    int ret = 0;
    for (;;) {
        char text[1024];
        if (cg_read_text(dir, "cgroup.subtree_control", text, sizeof text) == 0 &&
            cg_words_have(text, name))
            break; /* already enabled here: the levels below need it */
        if (n == MAX_DEPTH) {
            ret = nsl_fail(e, ELOOP, "%s is nested too deep", parent);
            goto out;
        }
        todo[n++] = xstrdup(dir);
        if (cg_read_text(dir, "cgroup.controllers", text, sizeof text) == 0 &&
            cg_words_have(text, name))
            break; /* available here: enable it here */
        if (strcmp(dir, top) == 0 || strlen(dir) <= strlen(top)) {
            ret = nsl_fail(e, ENOENT,
                           "the %s controller is not available in this cgroup2 tree: %s/"
                           "cgroup.controllers does not list it",
                           name, top);
            goto out;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            ret = nsl_fail(e, ENOENT, "%s is not below %s", parent, top);
            goto out;
        }
        *slash = '\0';
    }
    char value[64];
    snprintf(value, sizeof value, "+%s", name);
    while (n > 0 && ret == 0) {
        const char *d = todo[n - 1];
        char hint[CG_PATH_MAX + 160];
        snprintf(hint, sizeof hint,
                 _("the kernel refuses this while %s holds processes itself (cgroup v2's "
                   "no-internal-processes rule)"),
                 d);
        ret = cg_write(s, t, d, "cgroup.subtree_control", value, hint, e);
        free(todo[--n]);
    }
out:
    while (n > 0)
        free(todo[--n]);
    return ret;
}

static int v2_init_dir(const struct cg_sys *s, const char *dir, enum cg_ctrl ctrl, struct trace *t,
                       struct nsl_err *e)
{
    return 0;
}

static int v2_set_limit(const struct cg_sys *s, const char *dir, const struct cg_limit *l,
                        struct trace *t, struct nsl_err *e)
{
    char value[160];
    switch (l->ctrl) {
    case CG_MEMORY:
        if (l->is_max)
            snprintf(value, sizeof value, "max");
        else
            snprintf(value, sizeof value, "%" PRIu64, l->value);
        if (cg_write(s, t, dir, "memory.max", value, NULL, e) < 0)
            return -1;
        /* The limit covers swap too: without memory.swap.max 0 a job over
         * memory.max would be swapped out rather than killed, on a machine
         * with swap (docker run -m allows as much swap again by default). */
        char swap[64];
        if (cg_read_text(dir, "memory.swap.max", swap, sizeof swap) < 0)
            return 0;
        return cg_write(s, t, dir, "memory.swap.max", l->is_max ? "max" : "0", NULL, e);
    case CG_CPU:
        if (l->is_max)
            snprintf(value, sizeof value, "max %" PRIu64, l->period);
        else
            snprintf(value, sizeof value, "%" PRIu64 " %" PRIu64, l->value, l->period);
        return cg_write(s, t, dir, "cpu.max", value, NULL, e);
    case CG_PIDS:
        if (l->is_max)
            snprintf(value, sizeof value, "max");
        else
            snprintf(value, sizeof value, "%" PRIu64, l->value);
        return cg_write(s, t, dir, "pids.max", value, NULL, e);
    case CG_CPUSET:
        return cg_write(s, t, dir, "cpuset.cpus", l->cpus,
                        "the CPUs must exist and be in the parent's cpuset.cpus.effective", e);
    default:
        return nsl_usage(e, "the %s controller takes no limit", cg_ctrl_info[l->ctrl].name);
    }
}

static int v2_set_weight(const struct cg_sys *s, const char *dir, unsigned weight,
                         struct trace *t, struct nsl_err *e)
{
    char value[32];
    snprintf(value, sizeof value, "%u", weight);
    return cg_write(s, t, dir, "cpu.weight", value, NULL, e);
}

/* cpu.max: "QUOTA PERIOD", QUOTA being "max" for no limit. */
static void v2_cpu_max(struct cg_stats *st, struct cg_files *kf, const char *dir)
{
    char buf[128];
    if (cg_read_kept(st, kf, dir, "cpu.max", buf, sizeof buf) < 0)
        return;
    cg_stats_add(st, "cpu.max", NULL, buf);
    char q[32];
    unsigned long long p;
    if (sscanf(buf, "%31s %llu", q, &p) != 2)
        return;
    st->period = (struct cg_num){.known = true, .v = p};
    if (strcmp(q, "max") == 0)
        st->limit = (struct cg_num){.known = true, .is_max = true, .v = UINT64_MAX};
    else
        st->limit = (struct cg_num){.known = true, .v = strtoull(q, NULL, 10)};
}

/* The lines of a multi-line file joined: "7:0 rbytes=0 wbytes=8388608 ...". */
static void v2_stat_lines(struct cg_stats *st, struct cg_files *kf, const char *dir,
                          const char *file)
{
    char buf[1024];
    if (cg_read_kept(st, kf, dir, file, buf, sizeof buf) < 0)
        return;
    for (char *p = strchr(buf, '\n'); p; p = strchr(p, '\n'))
        *p = ';';
    cg_stats_add(st, file, NULL, buf);
}

/* Bytes read and written on every device, from io.stat as read. */
static void v2_io_bytes(struct cg_stats *st)
{
    const char *text = cg_stats_get(st, "io.stat", NULL);
    if (!text)
        return;
    uint64_t sum = 0;
    for (const char *p = text; (p = strstr(p, "bytes=")); p += 6)
        if (p - text >= 1 && (p[-1] == 'r' || p[-1] == 'w'))
            sum += strtoull(p + 6, NULL, 10);
    st->usage = (struct cg_num){.known = true, .v = sum};
}

static int v2_read_stats(const char *dir, enum cg_ctrl ctrl, struct cg_files *kf,
                         struct cg_stats *st, struct nsl_err *e)
{
    *st = (struct cg_stats){.version = 2, .ctrl = ctrl, .frozen = -1};
    if (!kf && cg_dir_check(dir, e) < 0)
        return -1;
    switch (ctrl) {
    case CG_MEMORY:
        cg_stat_num(st, kf, dir, "memory.max", 0, &st->limit);
        cg_stat_num(st, kf, dir, "memory.current", 0, &st->usage);
        cg_stat_key(st, kf, dir, "memory.events", "max", 1, &st->max_hits);
        cg_stat_key(st, kf, dir, "memory.events", "oom_kill", 1, &st->oom_kill);
        break;
    case CG_CPU:
        v2_cpu_max(st, kf, dir);
        cg_stat_key(st, kf, dir, "cpu.stat", "usage_usec", 1, &st->usage);
        cg_stat_key(st, kf, dir, "cpu.stat", "nr_throttled", 1, &st->nr_throttled);
        cg_stat_key(st, kf, dir, "cpu.stat", "throttled_usec", 1, &st->throttled_usec);
        cg_stat_num(st, kf, dir, "cpu.weight", 0, &st->weight);
        break;
    case CG_CPUACCT:
    case CG_PERF_EVENT: /* what perf's task-clock is compared with */
        cg_stat_key(st, kf, dir, "cpu.stat", "usage_usec", 1, &st->usage);
        break;
    case CG_PIDS:
        cg_stat_num(st, kf, dir, "pids.max", 0, &st->limit);
        cg_stat_num(st, kf, dir, "pids.current", 0, &st->usage);
        cg_stat_key(st, kf, dir, "pids.events", "max", 1, &st->max_hits);
        break;
    case CG_CPUSET:
        if (cg_read_kept(st, kf, dir, "cpuset.cpus", st->cpus, sizeof st->cpus) == 0)
            cg_stats_add(st, "cpuset.cpus", NULL, st->cpus);
        break;
    case CG_IO:
        v2_stat_lines(st, kf, dir, "io.max");
        v2_stat_lines(st, kf, dir, "io.stat");
        v2_io_bytes(st);
        v2_stat_lines(st, kf, dir, "io.pressure");
        break;
    case CG_DEVICES: {
        /* no file: the kernel says how many device programs are attached */
        unsigned id;
        int n = cg_dev_prog_query(dir, &id);
        if (n >= 0) {
            char num[16];
            snprintf(num, sizeof num, "%d", n);
            cg_stats_add(st, "BPF_PROG_QUERY", "BPF_CGROUP_DEVICE", num);
        }
        break;
    }
    default:
        break;
    }
    struct cg_num frozen;
    cg_stat_key(st, kf, dir, "cgroup.events", "frozen", 1, &frozen);
    if (frozen.known)
        st->frozen = frozen.v ? 1 : 0;
    return cg_stats_finish(st, kf, dir, e);
}

static int v2_freeze(const struct cg_sys *s, const char *dir, bool frozen, struct trace *t,
                     struct nsl_err *e)
{
    const char *want = frozen ? "1" : "0";
    if (cg_write(s, t, dir, "cgroup.freeze", want,
                 "cgroup.freeze exists in every non-root cgroup from Linux 5.2 on", e) < 0)
        return -1;
    char last[128];
    if (cg_wait_value(s, dir, "cgroup.events", "frozen", want, last, sizeof last) < 0)
        return nsl_fail(e, ETIMEDOUT, "%s/cgroup.events still says frozen %s after %d ms", dir,
                        last, s->wait_ms);
    trace_note(t, "cgroup.events: frozen %s", want);
    return 0;
}

static int v2_attach(const struct cg_sys *s, const char *dir, pid_t pid, struct trace *t,
                     struct nsl_err *e)
{
    char value[32], hint[256] = "";
    snprintf(value, sizeof value, "%d", pid);
    if (cg_write(s, t, dir, "cgroup.procs", value, NULL, e) == 0)
        return 0;
    if (e && e->errnum == EBUSY)
        snprintf(hint, sizeof hint, "%s",
                 _("this cgroup enables controllers for its children in "
                   "cgroup.subtree_control, so it may not hold processes "
                   "(no-internal-processes rule)"));
    else if (e && e->errnum == ESRCH)
        snprintf(hint, sizeof hint, _("there is no process %d"), pid);
    if (hint[0])
        nsl_err_hint(e, hint);
    return -1;
}

static int v2_kill_all(const struct cg_sys *s, const char *dir, struct trace *t, struct nsl_err *e)
{
    char path[CG_PATH_MAX + 256];
    /* cgroup.kill (Linux 5.14) kills every process at once, also those
     * forking meanwhile; without it, one by one. */
    if (cg_join(path, sizeof path, dir, "cgroup.kill") == 0 && access(path, F_OK) == 0)
        return cg_write(s, t, dir, "cgroup.kill", "1", NULL, e);
    return cg_kill_pids(s, dir, t, e);
}

static int v2_set_io(const struct cg_sys *s, const char *dir, enum cg_io_what what,
                     unsigned major, unsigned minor, uint64_t value, struct trace *t,
                     struct nsl_err *e)
{
    static const char *const keys[CG_IO_N] = {"rbps", "wbps", "riops", "wiops"};
    char line[80];
    if (value)
        snprintf(line, sizeof line, "%u:%u %s=%" PRIu64, major, minor, keys[what], value);
    else
        snprintf(line, sizeof line, "%u:%u %s=max", major, minor, keys[what]);
    return cg_write(s, t, dir, "io.max", line,
                    "the device must be a block device the kernel knows", e);
}

/* No devices controller: the rules become a program (cgroup_devices.c)
 * that replaces the one attached before. */
static int v2_set_devices(const struct cg_sys *s, const char *dir, struct cg_dev_rules *rules,
                          bool allow, const struct cg_dev_rule *r, struct trace *t,
                          struct nsl_err *e)
{
    struct cg_dev_rules next = *rules;
    if (cg_dev_rules_apply(&next, allow, r, e) < 0)
        return -1;
    struct bpf_insn prog[CG_DEV_PROG_MAX];
    size_t n = cg_dev_prog_compile(&next, prog);
    cleanup_sb struct strbuf rl = {0};
    cg_dev_rules_format(&next, &rl);
    cleanup_sb struct strbuf joined = {0};
    for (const char *p = sb_str(&rl); *p; p++)
        sb_append(&joined, *p != '\n' ? (char[]){*p, 0} : p[1] ? ", " : "");
    trace_note(t, "rules: %s; as a BPF_PROG_TYPE_CGROUP_DEVICE program:", sb_str(&joined));
    if (!s->bpf_devices)
        return nsl_fail(e, ENOSYS, "no way to attach a device program here");
    if (s->bpf_devices(s->ctx, t, dir, prog, n, e) < 0)
        return -1;
    *rules = next;
    return 0;
}

const struct cg_backend cg_backend_v2 = {
    .version = 2,
    .name = "cgroup v2",
    .limit_files =
        {
            [CG_MEMORY] = "memory.max",
            [CG_CPU] = "cpu.max",
            [CG_PIDS] = "pids.max",
            [CG_CPUSET] = "cpuset.cpus",
            [CG_FREEZER] = "cgroup.freeze",
            [CG_PERF_EVENT] = "none (it counts with perf_event_open: cgperf)",
            [CG_CPUACCT] = "none (it counts: cpu.stat usage_usec)",
            [CG_DEVICES] = "a BPF_CGROUP_DEVICE program (bpf(2))",
            [CG_IO] = "io.max",
        },
    .freeze_file = "cgroup.freeze",
    .kill_how = "cgroup.kill",
    .weight_file = "cpu.weight",
    .prepare_parent = v2_prepare_parent,
    .init_dir = v2_init_dir,
    .set_limit = v2_set_limit,
    .set_weight = v2_set_weight,
    .read_stats = v2_read_stats,
    .freeze = v2_freeze,
    .attach = v2_attach,
    .kill_all = v2_kill_all,
    .set_devices = v2_set_devices,
    .set_io = v2_set_io,
};

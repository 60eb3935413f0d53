#define _GNU_SOURCE
/* cgroup v1 (legacy): one hierarchy per controller (or per group of
 * co-mounted ones), each with its own files. Nothing to enable in a parent,
 * but a cpuset admits no task until its cpuset.cpus and cpuset.mems are set,
 * and freezing is a controller of its own (freezer.state). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/cgroup/cgroup_impl.h"
#include "i18n.h"

/* v1 shows "no memory limit" as the largest page-aligned long. */
#define V1_MEMORY_UNLIMITED (1ULL << 62)

static int v1_prepare_parent(const struct cg_sys *s, const char *top, const char *parent,
                             enum cg_ctrl ctrl, struct trace *t, struct nsl_err *e)
{
    return 0;
}

/* Copy a cpuset file from the parent directory when dir's is still empty. */
static int cpuset_inherit(const struct cg_sys *s, const char *dir, const char *file,
                          struct trace *t, struct nsl_err *e)
{
    char mine[256], theirs[256];
    if (cg_read_text(dir, file, mine, sizeof mine) < 0)
        return nsl_fail_errno(e, errno, "cannot read %s/%s", dir, file);
    if (mine[0])
        return 0;
    cleanup_free char *parent = xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (!slash || slash == parent)
        return nsl_fail(e, EINVAL, "%s has no parent cgroup", dir);
    *slash = '\0';
    if (cg_read_text(parent, file, theirs, sizeof theirs) < 0)
        return nsl_fail_errno(e, errno, "cannot read %s/%s", parent, file);
    if (!theirs[0])
        return nsl_fail(e, EINVAL, "%s/%s is empty: nothing to copy", parent, file);
    return cg_write(s, t, dir, file, theirs, NULL, e);
}

static int v1_init_dir(const struct cg_sys *s, const char *dir, enum cg_ctrl ctrl, struct trace *t,
                       struct nsl_err *e)
{
    char path[CG_PATH_MAX + 256];
    /* Any cgroup of the cpuset hierarchy (it may be co-mounted with other
     * controllers) starts with empty cpus and mems, and v1 admits no task
     * into it until both are set. */
    if (cg_join(path, sizeof path, dir, "cpuset.mems") < 0 || access(path, F_OK) < 0)
        return 0;
    if (cpuset_inherit(s, dir, "cpuset.cpus", t, e) < 0 ||
        cpuset_inherit(s, dir, "cpuset.mems", t, e) < 0)
        return -1;
    return 0;
}

/* The limit holds on a machine with swap too: at the limit the kernel
 * would otherwise swap the cgroup's pages out rather than kill (docker run
 * -m allows as much swap again by default). memory.swappiness 0 keeps the
 * cgroup's reclaim off swap. (memory.memsw.limit_in_bytes would bound memory
 * plus swap, but a charge refused there is not counted in memory.failcnt.) */
static int v1_set_memory(const struct cg_sys *s, const char *dir, const struct cg_limit *l,
                         const char *value, struct trace *t, struct nsl_err *e)
{
    if (cg_write(s, t, dir, "memory.limit_in_bytes", value, NULL, e) < 0) {
        if (e && e->errnum == EBUSY)
            nsl_err_hint(e, "the cgroup uses more than that and the kernel could not reclaim it");
        return -1;
    }
    char cur[64];
    if (l->is_max || cg_read_text(dir, "memory.swappiness", cur, sizeof cur) < 0 ||
        strcmp(cur, "0") == 0)
        return 0;
    return cg_write(s, t, dir, "memory.swappiness", "0", NULL, e);
}

static int v1_set_limit(const struct cg_sys *s, const char *dir, const struct cg_limit *l,
                        struct trace *t, struct nsl_err *e)
{
    char value[64];
    switch (l->ctrl) {
    case CG_MEMORY:
        if (l->is_max)
            snprintf(value, sizeof value, "-1");
        else
            snprintf(value, sizeof value, "%" PRIu64, l->value);
        return v1_set_memory(s, dir, l, value, t, e);
    case CG_CPU:
        if (l->is_max)
            return cg_write(s, t, dir, "cpu.cfs_quota_us", "-1", NULL, e);
        snprintf(value, sizeof value, "%" PRIu64, l->period);
        if (cg_write(s, t, dir, "cpu.cfs_period_us", value, NULL, e) < 0)
            return -1;
        snprintf(value, sizeof value, "%" PRIu64, l->value);
        return cg_write(s, t, dir, "cpu.cfs_quota_us", value, NULL, e);
    case CG_PIDS:
        if (l->is_max)
            snprintf(value, sizeof value, "max");
        else
            snprintf(value, sizeof value, "%" PRIu64, l->value);
        return cg_write(s, t, dir, "pids.max", value, NULL, e);
    case CG_CPUSET:
        return cg_write(s, t, dir, "cpuset.cpus", l->cpus,
                        "the CPUs must exist and be in the parent's cpuset.cpus", e);
    default:
        return nsl_usage(e, "the %s controller takes no limit", cg_ctrl_info[l->ctrl].name);
    }
}

static int v1_set_weight(const struct cg_sys *s, const char *dir, unsigned weight,
                         struct trace *t, struct nsl_err *e)
{
    /* The kernel's own mapping between the two scales; 2 is v1's minimum. */
    unsigned long shares = (unsigned long)weight * 1024 / 100;
    char value[32];
    snprintf(value, sizeof value, "%lu", shares < 2 ? 2 : shares);
    return cg_write(s, t, dir, "cpu.shares", value, NULL, e);
}

/* A one-number file in nanoseconds, as microseconds. */
static void stat_ns(struct cg_stats *st, struct cg_files *kf, const char *dir, const char *file,
                    struct cg_num *out)
{
    cg_stat_num(st, kf, dir, file, 0, out);
    if (out->known && !out->is_max)
        out->v /= 1000;
}

static int v1_read_stats(const char *dir, enum cg_ctrl ctrl, struct cg_files *kf,
                         struct cg_stats *st, struct nsl_err *e)
{
    *st = (struct cg_stats){.version = 1, .ctrl = ctrl, .frozen = -1};
    if (!kf && cg_dir_check(dir, e) < 0)
        return -1;
    switch (ctrl) {
    case CG_MEMORY:
        cg_stat_num(st, kf, dir, "memory.limit_in_bytes", V1_MEMORY_UNLIMITED, &st->limit);
        cg_stat_num(st, kf, dir, "memory.usage_in_bytes", 0, &st->usage);
        cg_stat_num(st, kf, dir, "memory.failcnt", 0, &st->max_hits);
        cg_stat_key(st, kf, dir, "memory.oom_control", "oom_kill", 1, &st->oom_kill);
        break;
    case CG_CPU:
        cg_stat_num(st, kf, dir, "cpu.cfs_quota_us", 0, &st->limit);
        cg_stat_num(st, kf, dir, "cpu.cfs_period_us", 0, &st->period);
        cg_stat_key(st, kf, dir, "cpu.stat", "nr_throttled", 1, &st->nr_throttled);
        cg_stat_key(st, kf, dir, "cpu.stat", "throttled_time", 1000, &st->throttled_usec);
        cg_stat_num(st, kf, dir, "cpu.shares", 0, &st->weight);
        if (st->weight.known && !st->weight.is_max)
            st->weight.v = (st->weight.v * 100 + 512) / 1024;
        /* usage here only when cpuacct is mounted together with cpu; else
         * cg_group_stats reads it from the cpuacct cgroup beside */
        stat_ns(st, kf, dir, "cpuacct.usage", &st->usage);
        break;
    case CG_CPUACCT:
        stat_ns(st, kf, dir, "cpuacct.usage", &st->usage);
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
        /* bytes done, every device: the Total line */
        cg_stat_key(st, kf, dir, "blkio.throttle.io_service_bytes", "Total", 1, &st->usage);
        break;
    case CG_NET_CLS: {
        char id[32];
        if (cg_read_kept(st, kf, dir, "net_cls.classid", id, sizeof id) == 0)
            cg_stats_add(st, "net_cls.classid", NULL, id);
        break;
    }
    case CG_DEVICES: {
        /* one line per rule: shown as "a *:* rwm; c 1:3 rw" */
        char list[1024];
        if (cg_read_kept(st, kf, dir, "devices.list", list, sizeof list) == 0) {
            cleanup_sb struct strbuf shown = {0};
            for (const char *p = list; *p; p++)
                sb_append(&shown, *p == '\n' ? "; " : (char[]){*p, 0});
            cg_stats_add(st, "devices.list", NULL, sb_str(&shown));
        }
        break;
    }
    default:
        break;
    }
    char state[32];
    if (cg_read_kept(st, kf, dir, "freezer.state", state, sizeof state) == 0) {
        cg_stats_add(st, "freezer.state", NULL, state);
        st->frozen = strcmp(state, "FROZEN") == 0 ? 1 : strcmp(state, "FREEZING") == 0 ? 2 : 0;
    }
    return cg_stats_finish(st, kf, dir, e);
}

static int v1_freeze(const struct cg_sys *s, const char *dir, bool frozen, struct trace *t,
                     struct nsl_err *e)
{
    char path[CG_PATH_MAX + 256];
    if (cg_join(path, sizeof path, dir, "freezer.state") < 0 || access(path, F_OK) < 0)
        return nsl_fail(e, EINVAL,
                        "%s is not in the v1 freezer hierarchy: on cgroup v1 freezing is a "
                        "controller of its own (cgcreate freezer)",
                        dir);
    const char *want = frozen ? "FROZEN" : "THAWED";
    if (cg_write(s, t, dir, "freezer.state", want, NULL, e) < 0)
        return -1;
    /* FREEZING until every task has stopped */
    char last[128];
    if (cg_wait_value(s, dir, "freezer.state", NULL, want, last, sizeof last) < 0)
        return nsl_fail(e, ETIMEDOUT, "%s/freezer.state still says %s after %d ms", dir, last,
                        s->wait_ms);
    trace_note(t, "freezer.state: %s", want);
    return 0;
}

static int v1_attach(const struct cg_sys *s, const char *dir, pid_t pid, struct trace *t,
                     struct nsl_err *e)
{
    char value[32], hint[CG_PATH_MAX + 160] = "";
    snprintf(value, sizeof value, "%d", pid);
    if (cg_write(s, t, dir, "cgroup.procs", value, NULL, e) == 0)
        return 0;
    if (e && e->errnum == ENOSPC)
        snprintf(hint, sizeof hint,
                 _("cpuset.cpus or cpuset.mems of %s is empty, and v1 admits no task into a "
                   "cpuset without both"),
                 dir);
    else if (e && e->errnum == ESRCH)
        snprintf(hint, sizeof hint, _("there is no process %d"), pid);
    if (hint[0])
        nsl_err_hint(e, hint);
    return -1;
}

static int v1_kill_all(const struct cg_sys *s, const char *dir, struct trace *t, struct nsl_err *e)
{
    int r = cg_kill_pids(s, dir, t, e);
    /* A frozen v1 task does not act on SIGKILL until it is thawed. */
    char state[32];
    if (cg_read_text(dir, "freezer.state", state, sizeof state) == 0 &&
        strcmp(state, "THAWED") != 0 &&
        cg_write(s, t, dir, "freezer.state", "THAWED", NULL, r == 0 ? e : NULL) < 0)
        r = -1;
    return r;
}

static int v1_set_io(const struct cg_sys *s, const char *dir, enum cg_io_what what,
                     unsigned major, unsigned minor, uint64_t value, struct trace *t,
                     struct nsl_err *e)
{
    static const char *const files[CG_IO_N] = {
        "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
        "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
    char line[64];
    snprintf(line, sizeof line, "%u:%u %" PRIu64, major, minor, value);
    return cg_write(s, t, dir, files[what], line,
                    "the device must be a block device the kernel knows", e);
}

/* The kernel keeps the rules: one line to devices.allow or devices.deny. */
static int v1_set_devices(const struct cg_sys *s, const char *dir, struct cg_dev_rules *rules,
                          bool allow, const struct cg_dev_rule *r, struct trace *t,
                          struct nsl_err *e)
{
    cleanup_sb struct strbuf line = {0};
    if (r->type == 'a')
        sb_append(&line, "a");
    else
        cg_dev_rule_format(r, &line);
    struct cg_dev_rules next = *rules;
    if (cg_dev_rules_apply(&next, allow, r, e) < 0)
        return -1;
    if (cg_write(s, t, dir, allow ? "devices.allow" : "devices.deny", sb_str(&line),
                 allow ? "a cgroup may allow only what its parent allows" : NULL, e) < 0)
        return -1;
    *rules = next;
    return 0;
}

const struct cg_backend cg_backend_v1 = {
    .version = 1,
    .name = "cgroup v1",
    .limit_files =
        {
            [CG_DEVICES] = "devices.allow, devices.deny",
            [CG_NET_CLS] = "net_cls.classid",
            [CG_IO] = "blkio.throttle.{read,write}_{bps,iops}_device",
            [CG_MEMORY] = "memory.limit_in_bytes",
            [CG_CPU] = "cpu.cfs_quota_us, cpu.cfs_period_us",
            [CG_PIDS] = "pids.max",
            [CG_CPUSET] = "cpuset.cpus (and cpuset.mems)",
            [CG_FREEZER] = "freezer.state",
            [CG_PERF_EVENT] = "none (it counts with perf_event_open: cgperf)",
            [CG_CPUACCT] = "none (it counts: cpuacct.usage)",
        },
    .freeze_file = "freezer.state",
    .kill_how = "kill(2) each PID",
    .weight_file = "cpu.shares",
    .prepare_parent = v1_prepare_parent,
    .init_dir = v1_init_dir,
    .set_limit = v1_set_limit,
    .set_weight = v1_set_weight,
    .read_stats = v1_read_stats,
    .freeze = v1_freeze,
    .attach = v1_attach,
    .kill_all = v1_kill_all,
    .set_devices = v1_set_devices,
    .set_io = v1_set_io,
};

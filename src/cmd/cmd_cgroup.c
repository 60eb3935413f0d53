#define _GNU_SOURCE
/* Cgroups: cgcreate, cgset, cgget, cgattach, cgexec, cgfreeze, cgthaw,
 * cgdelete (cgls is in cmd_cgls.c). The shell itself makes the cgroups and
 * writes their files: cgroups do not depend on the namespaces the subject
 * is in. Only `spawn --cg` has the subject write the new child's PID, so
 * that the child is inside before it runs anything (spawn.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/loopdev.h"
#include "kernel/release.h"
#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "render/render.h"
#include "subject/subject.h"
#include "session/jobs.h"
#include "session/target.h"
#include "i18n.h"

/* Most handlers start the same way: cgroups must exist here, and the first
 * word names one. */
static int group_arg(struct nsl *sh, const char *word, struct cg_group *buf,
                     const struct cg_group **g)
{
    struct nsl_err e;
    if (cgroups_resolve(sh, word, buf, g, &e) < 0)
        return step_fail_err(sh, &e);
    return 0;
}

/* The cgroup a step is about, as the first fields of its result. */
static void group_json(struct nsl *sh, const struct cg_group *g)
{
    print_string(sh, PRINT_JSON, "name", NULL, g->name);
    print_string(sh, PRINT_JSON, "path", NULL, g->dir);
    print_int(sh, PRINT_JSON, "version", NULL, g->version);
    print_string(sh, PRINT_JSON, "controller", NULL, cg_ctrl_info[g->ctrl].name);
    if (g->acct[0])
        print_string(sh, PRINT_JSON, "cpuacct_path", NULL, g->acct);
}

/* The path of a file as the user should read it: relative to dir when it
 * is inside, else in full. */
static const char *short_path(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* The files cgcreate wrote: a line each, and in the result by name, those
 * of the cgroup itself ("files"), then its parents' ("parent_files", a
 * second pass over the same writes). */
struct written {
    struct nsl *sh;
    const struct cg_group *g;
    bool parents;
    int n;
};

static void print_written(void *ctx, const char *path, const char *value)
{
    struct written *w = ctx;
    const char *rel = short_path(path, w->g->dir);
    if (w->parents) {
        if (rel == path)
            print_string(w->sh, PRINT_JSON, path, NULL, value);
        return;
    }
    out_printf(w->sh, _("  wrote %-12s to %s\n"), value, rel);
    if (rel != path)
        print_string(w->sh, PRINT_JSON, rel, NULL, value);
    w->n++;
}

static void help_layout(struct nsl *sh)
{
    struct nsl_err e;
    if (cgroups_need(sh, &e) < 0) {
        out_printf(sh, _("\nOn this machine: %s\n"), e.msg);
        return;
    }
    struct strbuf sb = {0};
    cg_layout_format(&sh->cg->layout, &sb);
    out_printf(sh, _("\nOn this machine, %s"), sb_str(&sb));
    sb_free(&sb);
    out_printf(sh, _("The files cgcreate writes here:\n"));
    for (int c = 0; c < CG_NCREATE; c++) {
        int h = sh->cg->layout.ctrl_hier[c];
        if (h < 0)
            continue;
        const struct cg_backend *be = cg_backend_of(sh->cg->layout.hier[h].version);
        out_printf(sh, "  %-8s %s%s%s\n", cg_ctrl_info[c].name, be->limit_files[c],
                   c == CG_CPU ? "; weight: " : "", c == CG_CPU ? be->weight_file : "");
    }
}

void cmd_cg_help_more(struct nsl *sh)
{
    help_layout(sh);
}

/* --- cgcreate -------------------------------------------------------------- */

/* --stable: the session parents hold nslab's PID, and sit below whatever
 * cgroup this machine put nslab in; print "MOUNT/…/nslab.pid@N" instead. */
static void stable_session_paths(struct nsl *sh)
{
    struct nsl_cg *c = sh->cg;
    char pb[32], to[CG_PATH_MAX + 64];
    for (size_t h = 0; sh->opt.stable && h < c->layout.nhier; h++) {
        const char *parent = c->session.parent[h];
        if (!*parent)
            continue;
        snprintf(to, sizeof to, "%s/…/nslab.%s", c->layout.hier[h].mount,
                 fmt_pid(sh, sh->shell_pid, pb, sizeof pb));
        stable_subst_add(sh, parent, to);
    }
    /* The same parent as a process sees it in /proc/PID/cgroup. */
    char from[48];
    snprintf(from, sizeof from, "/nslab.%d/", (int)sh->shell_pid);
    snprintf(to, sizeof to, "/nslab.%s/", fmt_pid(sh, sh->shell_pid, pb, sizeof pb));
    stable_subst_add(sh, from, to);
    /* a hierarchy mounted nowhere is reached through nslab's descriptor */
    snprintf(from, sizeof from, "/proc/%d/fd/", (int)sh->shell_pid);
    snprintf(to, sizeof to, "/proc/%s/fd/", fmt_pid(sh, sh->shell_pid, pb, sizeof pb));
    stable_subst_add(sh, from, to);
}

int cmd_cgcreate(struct nsl *sh, int argc, char **argv)
{
    const char *words[2] = {NULL, NULL}, *name = NULL;
    bool v2 = false;
    int nw = 0;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (strcmp(a, "--name") == 0 || strncmp(a, "--name=", 7) == 0) {
            name = a[6] == '=' ? a + 7 : k + 1 < argc ? argv[++k] : NULL;
            if (!name)
                return step_usage(sh, "--name needs a name, e.g. --name web");
        } else if (strcmp(a, "--v2") == 0) {
            v2 = true;
        } else if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9')) {
            return step_usage(sh, "cgcreate: unknown option '%s' (--name NAME, --v2)", a);
        } else if (nw < 2) {
            words[nw++] = a;
        } else {
            return step_usage(sh, "usage: cgcreate CONTROLLER [LIMIT] [--name NAME] [--v2]");
        }
    }
    if (nw == 0)
        return step_usage(sh, "usage: cgcreate CONTROLLER [LIMIT] [--name NAME] [--v2] "
                              "(CONTROLLER: mem, cpu, pids, cpuset, freezer, devices, net_cls, io, perf_event or "
                              "cpuacct)");
    struct nsl_err e;
    enum cg_ctrl ctrl;
    if (cgroups_need(sh, &e) < 0 || cg_ctrl_parse(words[0], &ctrl, &e) < 0)
        return step_fail_err(sh, &e);
    struct cg_limit lim;
    struct cg_create_opts o = CG_CREATE_OPTS_INIT;
    o.name = name;
    if (words[1]) {
        if (cg_limit_parse(ctrl, words[1], &lim, &e) < 0)
            return step_fail_err(sh, &e);
        o.limit = &lim;
    }
    struct nsl_cg *c = sh->cg;
    if (!v2 && cgroups_hier_for(sh, ctrl, &sh->step.trace, &e) < 0)
        return step_fail_err(sh, &e);
    if (!v2 && ctrl == CG_PERF_EVENT && cgroups_perf_hier(sh, &sh->step.trace, &e) < 0)
        return step_fail_err(sh, &e);
    if (v2) {
        if (c->layout.unified < 0)
            return step_fail(sh, ENOENT, "--v2: there is no cgroup2 hierarchy here (%s layout)",
                             cg_mode_name(c->layout.mode));
        o.hier = c->layout.unified;
    }
    struct cg_writes wr = {0};
    const struct cg_group *g;
    cgroups_writes_begin(sh, &wr);
    int made = cg_create(&c->session, ctrl, &o, &sh->step.trace, &e, &g);
    cgroups_writes_end(sh, &wr);
    if (made < 0) {
        cg_writes_free(&wr);
        if (e.errnum == ENOENT && v2)
            nsl_err_hint(&e, "--v2 works for freezer and devices, which cgroup v2 does without a "
                             "controller");
        return step_fail_err(sh, &e);
    }
    stable_session_paths(sh);
    out_printf(sh, "%s: %s (%s, cgroup v%d)\n", g->name, g->dir, cg_ctrl_info[ctrl].name,
               g->version);
    group_json(sh, g);
    struct written w = {.sh = sh, .g = g};
    open_json_object(sh, "files");
    for (size_t k = 0; k < wr.n; k++)
        print_written(&w, wr.v[k].path, wr.v[k].value);
    close_json_object(sh);
    w.parents = true;
    open_json_object(sh, "parent_files");
    for (size_t k = 0; k < wr.n; k++)
        print_written(&w, wr.v[k].path, wr.v[k].value);
    close_json_object(sh);
    cg_writes_free(&wr);
    if (w.n == 0)
        out_printf(sh, _("  (no file written: the kernel's defaults apply)\n"));
    if (g->acct[0])
        out_printf(sh, _("  cpuacct is a hierarchy of its own here, so nslab made the matching "
                       "cpuacct cgroup %s too: it counts %s's CPU time (cgget %s usage), and "
                       "whatever joins %s joins it\n"),
                   g->acct, g->name, g->name, g->name);
    out_printf(sh, _("`cgexec %s PROGRAM` starts a job inside it; `cgattach %s` moves the subject "
                   "there.\n"), g->name, g->name);
    return 0;
}

/* --- cgset, cgget ---------------------------------------------------------- */

/* cgset's error, with the kernel's reason in a learner's words. */
static int set_fail(struct nsl *sh, struct nsl_err *e)
{
    if (e->usage) /* refused before the kernel saw it: no hint about the kernel */
        return step_fail_err(sh, e);
    switch (e->errnum) {
    case ENOENT:
        nsl_err_hint(e, "there is no such file in this cgroup (cgget lists the files nslab reads; "
                       "`!ls DIR` shows them all)");
        break;
    case EINVAL:
    case ERANGE:
        nsl_err_hint(e, "the kernel refused the value: see the file's format in the kernel's "
                       "cgroup documentation (cgroups(7))");
        break;
    case EACCES:
    case EPERM:
        nsl_err_hint(e, "the file is read-only, or only root in the initial user namespace "
                       "may write it");
        break;
    }
    return step_fail_err(sh, e);
}

/* What the step wrote (the recorder's wr), read back from the kernel: a
 * line each, and the result's "files" by name; wr is freed. */
static void print_readbacks(struct nsl *sh, const struct cg_group *g, struct cg_writes *wr)
{
    open_json_object(sh, "files");
    for (size_t k = 0; k < wr->n; k++) {
        const char *path = wr->v[k].path, *rel = short_path(path, g->dir);
        struct strbuf now = {0};
        struct nsl_err e;
        if (rel != path && cg_value_get(g, rel, &now, &e) == 0) {
            const char *nl = strchr(sb_str(&now), '\n');
            out_printf(sh, _("%s now reads %.*s%s\n"), rel,
                       nl ? (int)(nl - sb_str(&now)) : (int)now.len, sb_str(&now),
                       nl ? " ..." : "");
            print_string(sh, PRINT_JSON, rel, NULL, sb_str(&now));
        }
        sb_free(&now);
    }
    close_json_object(sh);
    cg_writes_free(wr);
}

/* --- the checks of cgattach and cgfreeze, shared with cgset ---------------- */

/* May pid go into g? Only the subject, its jobs and their children
 * (whatever is inside the session's cgroups at exit is killed), never nslab
 * itself, and not the subject into a frozen cgroup. */
static int attach_check(struct nsl *sh, const struct cg_group *g, pid_t pid)
{
    if (pid == sh->shell_pid)
        return step_fail(sh, EINVAL, "nslab itself (host) stays in the cgroups it started in, so "
                                     "every step can be compared with them; attach self or a job");
    if (!cgroups_pid_ours(sh, pid))
        return step_fail(sh, EPERM,
                         "process %d is not one of this session's: nslab moves only the subject, "
                         "its jobs and their children into its cgroups, because whatever is "
                         "inside them at exit is killed", (int)pid);
    struct strbuf fz = {0};
    bool frozen = pid == sh->subj.pid && cg_value_get(g, "frozen", &fz, NULL) == 0 &&
                  strcmp(sb_str(&fz), "0") != 0;
    sb_free(&fz);
    if (frozen)
        return step_fail(sh, EBUSY,
                         "%s is frozen: the subject would stop there and could carry out no "
                         "command, and nslab would wait for it forever; cgthaw %s first",
                         g->name, g->name);
    return 0;
}

/* Is the subject in g or below it? Frozen, it could answer no request, and
 * every later command would wait for it. */
static bool subject_within(struct nsl *sh, const struct cg_group *g)
{
    if (sh->subj.pid <= 0)
        return false;
    struct cg_pid_dirs *d = xcalloc(1, sizeof *d);
    bool in = false;
    if (cg_pid_dirs(&sh->cg->layout, &sh->paths, sh->subj.pid, d, NULL) == 0) {
        const char *dir = d->dir[g->hier];
        size_t n = strlen(g->dir);
        in = strncmp(dir, g->dir, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
    }
    free(d);
    return in;
}

static int freeze_check(struct nsl *sh, const struct cg_group *g)
{
    if (subject_within(sh, g))
        return step_fail(sh, EBUSY,
                         "the subject is in %s: frozen, it could carry out no command, and nslab "
                         "would wait for it forever; freeze a cgroup of jobs (cgexec %s ...), or "
                         "`reset` first for a subject outside", g->name, g->name);
    return 0;
}

/* cgroup.kill ends every process in g and below: only the session's may be
 * there. */
static int kill_check(struct nsl *sh, const struct cg_group *g)
{
    struct cg_stats st;
    struct nsl_err e;
    if (g->be->read_stats(g->dir, g->ctrl, NULL, &st, &e) < 0)
        return step_fail_err(sh, &e);
    pid_t foreign = 0;
    for (size_t k = 0; k < st.npids && !foreign; k++)
        if (!cgroups_pid_ours(sh, st.pids[k]))
            foreign = st.pids[k];
    cg_stats_free(&st);
    if (foreign)
        return step_fail(sh, EPERM,
                         "process %d in %s is not one of this session's, and cgroup.kill would "
                         "kill it: nslab kills only what the session started", (int)foreign,
                         g->name);
    return 0;
}

/* The files whose writes cgattach and cgfreeze make: cgset writes them
 * too, after the same checks. */
enum guarded_file { GF_NONE, GF_PROCS, GF_FREEZE_V1, GF_FREEZE_V2, GF_KILL };

static enum guarded_file guarded_file(const char *file)
{
    if (strcmp(file, "cgroup.procs") == 0 || strcmp(file, "tasks") == 0 ||
        strcmp(file, "cgroup.threads") == 0)
        return GF_PROCS;
    if (strcmp(file, "freezer.state") == 0)
        return GF_FREEZE_V1;
    if (strcmp(file, "cgroup.freeze") == 0)
        return GF_FREEZE_V2;
    if (strcmp(file, "cgroup.kill") == 0)
        return GF_KILL;
    return GF_NONE;
}

/* The value as the kernel reads it: surrounding white space is ignored. */
static char *value_stripped(const char *value)
{
    while (*value == ' ' || *value == '\t' || *value == '\n')
        value++;
    char *v = xstrdup(value);
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n'))
        v[--n] = '\0';
    return v;
}

static int cgset_check(struct nsl *sh, const struct cg_group *g, const char *file,
                       const char *value)
{
    enum guarded_file gf = guarded_file(file);
    if (gf == GF_NONE)
        return 0;
    cleanup_free char *v = value_stripped(value);
    switch (gf) {
    case GF_PROCS: {
        long pid;
        if (parse_long(v, 0, INT32_MAX, &pid) < 0)
            return step_fail(sh, EINVAL,
                             "%s takes one process ID, not '%s' (cgattach %s TARGET moves self "
                             "or %%N)", file, value, g->name);
        /* 0 is the writer itself: nslab. */
        return attach_check(sh, g, pid == 0 ? sh->shell_pid : (pid_t)pid);
    }
    case GF_FREEZE_V1:
        /* Anything but THAWED may freeze (the kernel decides): check. */
        return strcmp(v, "THAWED") == 0 ? 0 : freeze_check(sh, g);
    case GF_FREEZE_V2:
        return strcmp(v, "0") == 0 ? 0 : freeze_check(sh, g);
    case GF_KILL: {
        struct nsl_err e;
        if (kernel_need(&sh->paths, 5, 14, N_("cgroup.kill"), &e) < 0)
            return step_fail_err(sh, &e);
        return kill_check(sh, g);
    }
    case GF_NONE:
        break;
    }
    return 0;
}

/* After allow or deny: the rules as the kernel holds them (v1
 * devices.list) or as the program nslab attached encodes them (v2, with
 * what BPF_PROG_QUERY finds attached). */
static int devices_report(struct nsl *sh, const struct cg_group *g)
{
    cleanup_sb struct strbuf list = {0};
    struct nsl_err e;
    int nprog;
    unsigned id;
    if (cg_devices_show(&sh->cg->session, g, &list, &nprog, &id, &e) < 0)
        return step_fail_err(sh, &e);
    if (g->version == 1)
        out_printf(sh, _("devices.list now reads:\n"));
    else
        out_printf(sh, _("the rules of the program attached to %s:\n"), g->name);
    open_json_array(sh, "rules");
    for (const char *p = sb_str(&list); *p;) {
        size_t n = strcspn(p, "\n");
        cleanup_free char *line = xstrndup(p, n);
        out_printf(sh, "  %s\n", line);
        print_string(sh, PRINT_JSON, NULL, NULL, line);
        p += n + (p[n] ? 1 : 0);
    }
    close_json_array(sh);
    if (g->version == 1) {
        if (!list.len)
            out_printf(sh, _("  (empty: no device may be opened or made)\n"));
        else if (strcmp(sb_str(&list), "a *:* rwm\n") == 0)
            out_printf(sh, _("(v1 shows only \"a *:* rwm\" while everything is allowed by "
                             "default: the devices denied as exceptions are not listed)\n"));
        return 0;
    }
    print_int(sh, PRINT_JSON, "bpf_programs", NULL, nprog);
    out_printf(sh, _("BPF_PROG_QUERY: %d device program(s) attached to %s (id %u)\n"), nprog,
               g->name, id);
    return 0;
}

/* cgset N write_bps DEVICE SIZE and the other three throttles. */
static int cgset_io(struct nsl *sh, const char *name, enum cg_io_what io, const char *dev,
                    const char *value)
{
    struct cg_group buf;
    const struct cg_group *g;
    if (group_arg(sh, name, &buf, &g) < 0)
        return -1;
    struct nsl_err e = {0};
    unsigned maj, min;
    if (blockdev_parse(dev, &maj, &min, &e) < 0)
        return step_fail_err(sh, &e);
    bool bps = io == CG_IO_READ_BPS || io == CG_IO_WRITE_BPS;
    uint64_t v = 0;
    bool is_max = false;
    long n;
    if (strcmp(value, "max") == 0)
        is_max = true;
    else if (bps ? parse_size(value, &v, &is_max) < 0 : parse_long(value, 0, INT32_MAX, &n) < 0)
        return step_usage(sh, "%s takes %s, or max for none; not '%s'", cg_io_words[io],
                          bps ? "bytes per second with K, M or G (1M)" : "a number of IOs per "
                          "second", value);
    if (!bps && !is_max)
        v = (uint64_t)n;
    if (!is_max && v == 0)
        return step_usage(sh, "%s: a limit of 0 would stop every IO; max removes the limit",
                          cg_io_words[io]);
    struct cg_writes wr = {0};
    cgroups_writes_begin(sh, &wr);
    int r = cg_set_io(&sh->cg->session, g, io, maj, min, is_max ? 0 : v, &sh->step.trace, &e);
    cgroups_writes_end(sh, &wr);
    if (r < 0) {
        cg_writes_free(&wr);
        return set_fail(sh, &e);
    }
    group_json(sh, g);
    char mm[32];
    snprintf(mm, sizeof mm, "%u:%u", maj, min);
    print_string(sh, PRINT_JSON, "device", NULL, mm);
    print_readbacks(sh, g, &wr);
    return 0;
}

int cmd_cgset(struct nsl *sh, int argc, char **argv)
{
    enum cg_io_what io;
    if (argc == 5 && cg_io_what_parse(argv[2], &io) == 0)
        return cgset_io(sh, argv[1], io, argv[3], argv[4]);
    if (argc != 4)
        return step_usage(sh, "usage: cgset CGROUP FILE VALUE (FILE: a file name such as "
                              "memory.max, or limit, weight, allow, deny or classid) | cgset "
                              "CGROUP read_bps|write_bps|read_iops|write_iops DEVICE VALUE");
    if (cg_io_what_parse(argv[2], &io) == 0)
        return step_usage(sh, "usage: cgset CGROUP %s DEVICE VALUE (DEVICE: a block device or "
                              "MAJ:MIN)", argv[2]);
    struct cg_group buf;
    const struct cg_group *g;
    if (group_arg(sh, argv[1], &buf, &g) < 0)
        return -1;
    const char *file = argv[2], *value = argv[3];
    struct nsl_err e = {0};
    struct cg_session *s = &sh->cg->session;
    struct cg_writes wr = {0};
    int r;
    if (strcmp(file, "limit") == 0) {
        struct cg_limit lim;
        r = cg_limit_parse(g->ctrl, value, &lim, &e);
        if (r == 0) {
            cgroups_writes_begin(sh, &wr);
            r = cg_set_limit(s, g, &lim, &sh->step.trace, &e);
            cgroups_writes_end(sh, &wr);
        }
    } else if (strcmp(file, "weight") == 0) {
        long w;
        if (parse_long(value, CG_WEIGHT_MIN, CG_WEIGHT_MAX, &w) < 0)
            return step_usage(sh,
                              "a cpu weight is a number from %d to %d (default 100), "
                              "not '%s'",
                              CG_WEIGHT_MIN, CG_WEIGHT_MAX, value);
        cgroups_writes_begin(sh, &wr);
        r = cg_set_weight(s, g, (unsigned)w, &sh->step.trace, &e);
        cgroups_writes_end(sh, &wr);
    } else if (strcmp(file, "classid") == 0) {
        uint32_t id;
        if (cg_classid_parse(value, &id, &e) < 0)
            return step_fail_err(sh, &e);
        cgroups_writes_begin(sh, &wr);
        r = cg_set_classid(s, g, id, &sh->step.trace, &e);
        cgroups_writes_end(sh, &wr);
        if (r == 0)
            out_printf(sh, _("class ID %#x: tc's class %x:%x; packets of sockets its tasks make "
                             "carry it (nft: meta cgroup %u)\n"),
                       id, id >> 16, id & 0xffff, id);
    } else if (strcmp(file, "allow") == 0 || strcmp(file, "deny") == 0) {
        struct cg_dev_rule rule;
        if (cg_dev_rule_parse(value, &rule, &e) < 0)
            return step_fail_err(sh, &e);
        cgroups_writes_begin(sh, &wr);
        r = cg_set_device(s, g, file[0] == 'a', &rule, &sh->step.trace, &e);
        cgroups_writes_end(sh, &wr);
        cg_writes_free(&wr);
        if (r < 0)
            return step_fail_err(sh, &e);
        group_json(sh, g);
        return devices_report(sh, g);
    } else if (cg_key_is_abstract(file)) {
        return step_usage(sh,
                          "%s is read from the kernel, not set: cgset takes limit, "
                          "weight or a file name",
                          file);
    } else {
        if (cgset_check(sh, g, file, value) < 0)
            return -1;
        cgroups_writes_begin(sh, &wr);
        r = cg_file_write(s, g, file, value, &sh->step.trace, &e);
        cgroups_writes_end(sh, &wr);
    }
    if (r < 0) {
        cg_writes_free(&wr);
        return set_fail(sh, &e);
    }
    group_json(sh, g);
    print_readbacks(sh, g, &wr);
    return 0;
}

/* "  memory.limit_in_bytes   67108864" for each file the backend reads. */
static void print_stats(struct nsl *sh, const struct cg_stats *st)
{
    for (size_t i = 0; i < st->nreads; i++) {
        const struct cg_read *r = &st->reads[i];
        cleanup_free char *name = r->key ? xasprintf("%s:%s", r->file, r->key) : xstrdup(r->file);
        out_printf(sh, "  %-28s ", name);
        print_string(sh, PRINT_ANY, name, "%s\n", r->value);
    }
}

int cmd_cgget(struct nsl *sh, int argc, char **argv)
{
    if (argc < 2)
        return step_usage(sh, "usage: cgget CGROUP [FILE...]");
    struct cg_group buf;
    const struct cg_group *g;
    if (group_arg(sh, argv[1], &buf, &g) < 0)
        return -1;
    struct nsl_err e;
    /* The result is there even when a file cannot be read: the cgroup and
     * the files read before it. */
    group_json(sh, g);
    open_json_object(sh, "files");
    if (argc == 2) {
        struct cg_stats st;
        if (cg_group_stats(g, NULL, &st, &e) < 0)
            return step_fail_err(sh, &e);
        out_printf(sh, "%s: %s (%s, cgroup v%d)\n", g->name, g->dir, cg_ctrl_info[g->ctrl].name,
                   g->version);
        print_stats(sh, &st);
        cg_stats_free(&st);
        return 0;
    }
    for (int k = 2; k < argc; k++) {
        struct strbuf v = {0};
        if (cg_value_get(g, argv[k], &v, &e) < 0) {
            sb_free(&v);
            return step_fail_err(sh, &e);
        }
        if (strchr(sb_str(&v), '\n')) {
            out_printf(sh, "%s:\n", argv[k]);
            for (const char *p = sb_str(&v); *p;) {
                size_t n = strcspn(p, "\n");
                out_printf(sh, "  %.*s\n", (int)n, p);
                p += n + (p[n] ? 1 : 0);
            }
        } else {
            out_printf(sh, "%s: %s\n", argv[k], sb_str(&v));
        }
        print_string(sh, PRINT_JSON, argv[k], NULL, sb_str(&v));
        sb_free(&v);
    }
    return 0;
}

/* --- cgattach, cgexec, spawn --cg ------------------------------------------ */

int cmd_cgattach(struct nsl *sh, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return step_usage(sh, "usage: cgattach CGROUP [TARGET] (TARGET: self, %%N or a PID "
                              "of this session; default self)");
    struct cg_group buf;
    const struct cg_group *g;
    if (group_arg(sh, argv[1], &buf, &g) < 0)
        return -1;
    const char *word = argc == 3 ? argv[2] : "self";
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, word, 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    if (attach_check(sh, g, t.pid) < 0)
        return -1;
    if (cg_attach(&sh->cg->session, g, t.pid, &sh->step.trace, &e) < 0)
        return step_fail_err(sh, &e);
    char pb[32];
    if (t.is_self)
        out_printf(sh, _("the subject (pid %s) is now in %s\n"), fmt_pid(sh, t.pid, pb, sizeof pb),
                   g->name);
    else
        out_printf(sh, _("%s (pid %s) is now in %s\n"), word, fmt_pid(sh, t.pid, pb, sizeof pb),
                   g->name);
    if (t.is_self)
        out_printf(sh, _("Everything the subject starts from now on (spawn, !PROGRAM) is born in "
                       "%s too.\n"), g->name);
    group_json(sh, g);
    print_pid(sh, PRINT_JSON, "pid", NULL, t.pid);
    return 0;
}

int cmd_cgexec(struct nsl *sh, int argc, char **argv)
{
    if (argc < 3)
        return step_usage(sh, "usage: cgexec CGROUP PROGRAM [ARGS...]");
    /* exactly `spawn --cg CGROUP -- PROGRAM ARGS...` */
    char **v = xcalloc((size_t)argc + 4, sizeof *v);
    v[0] = "spawn";
    v[1] = "--cg";
    v[2] = argv[1];
    v[3] = "--";
    for (int k = 2; k < argc; k++)
        v[k + 2] = argv[k];
    int rc = cmd_spawn(sh, argc + 2, v);
    free(v);
    return rc;
}

/* A cpu cgroup's cpuacct twin (v1 mounts them apart) is a place too. */
static int spawn_place_acct(struct nsl *sh, const struct cg_group *g, int *hiers,
                            struct cg_spawn_places *out, struct nsl_err *e)
{
    for (int k = 0; k < out->n; k++)
        if (hiers[k] == g->acct_hier)
            return nsl_fail(e, EINVAL,
                            "%s counts its CPU time in the cpuacct cgroup %s, and %s is in that "
                            "hierarchy (%s) too: a process is in exactly one cgroup of each",
                            g->name, g->acct, out->names[k],
                            sh->cg->layout.hier[g->acct_hier].mount);
    if (out->n == CG_SPAWN_MAX)
        return nsl_fail(e, E2BIG, "--cg takes at most %d cgroups", CG_SPAWN_MAX);
    hiers[out->n] = g->acct_hier;
    snprintf(out->names[out->n], sizeof out->names[0], "%s (cpuacct)", g->name);
    snprintf(out->dir[out->n], sizeof out->dir[0], "%s", g->acct);
    out->version[out->n] = 1;
    out->n++;
    return 0;
}

int cg_spawn_places(struct nsl *sh, const char *list, struct cg_spawn_places *out,
                    struct nsl_err *e)
{
    memset(out, 0, sizeof *out);
    if (!list || !*list)
        return 0;
    cleanup_free char *copy = xstrdup(list);
    int hiers[CG_SPAWN_MAX] = {0};
    char *save = NULL;
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        struct cg_group buf;
        const struct cg_group *g;
        if (cgroups_resolve(sh, w, &buf, &g, e) < 0)
            return -1;
        for (int k = 0; k < out->n; k++)
            if (hiers[k] == g->hier)
                return nsl_fail(e, EINVAL,
                                "%s and %s are in the same hierarchy (%s), and a process is in "
                                "exactly one cgroup of each",
                                out->names[k], g->name, sh->cg->layout.hier[g->hier].mount);
        if (out->n == CG_SPAWN_MAX)
            return nsl_fail(e, E2BIG, "--cg takes at most %d cgroups", CG_SPAWN_MAX);
        /* A child placed in a frozen cgroup stops before it can run its
         * program, and spawn would wait for that forever. */
        struct strbuf fz = {0};
        bool frozen = cg_value_get(g, "frozen", &fz, NULL) == 0 && strcmp(sb_str(&fz), "0") != 0;
        sb_free(&fz);
        if (frozen)
            return nsl_fail(e, EBUSY,
                            "%s is frozen: a process started there would stop before it runs its "
                            "program, and spawn would wait for it forever; cgthaw %s first",
                            g->name, g->name);
        hiers[out->n] = g->hier;
        snprintf(out->names[out->n], sizeof out->names[0], "%s", g->name);
        int n = snprintf(out->dir[out->n], sizeof out->dir[0], "%s", g->dir);
        if (n < 0 || (size_t)n >= sizeof out->dir[0])
            return nsl_fail(e, ENAMETOOLONG, "the path of cgroup %s is too long", g->name);
        out->version[out->n] = g->version;
        out->n++;
        if (g->acct[0] && spawn_place_acct(sh, g, hiers, out, e) < 0)
            return -1;
    }
    return 0;
}

int cg_spawn_fail(struct nsl *sh, const struct cg_spawn_places *p, int which, int err,
                  const char *why, const char *prog)
{
    /* The backend's sentence carries the hint of a refused cgroup.procs
     * (kernel/cgroup/cgroup_v1.c, cgroup_v2.c); what only spawn can say
     * is added here. */
    const char *more = "";
    switch (err) {
    case EACCES:
    case EPERM:
        more = _("; the subject lacks the right to move processes there (after `unshare user` it "
               "is root only inside its user namespace: `reset`, or cgattach from the host)");
        break;
    case EAGAIN:
        more = _("; the pids limit of that cgroup is reached");
        break;
    case ENOENT:
        more = _("; the cgroup is gone (cgls lists this session's cgroups)");
        break;
    }
    return step_fail(sh, err, "cannot start %s in cgroup %s: %s%s; the child was ended before it "
                              "ran", prog, p->names[which], why, more);
}

/* --- cgfreeze, cgthaw ------------------------------------------------------ */

static int freeze_command(struct nsl *sh, int argc, char **argv, bool frozen)
{
    if (argc != 2)
        return step_usage(sh, "usage: %s CGROUP", argv[0]);
    struct cg_group buf;
    const struct cg_group *g;
    if (group_arg(sh, argv[1], &buf, &g) < 0)
        return -1;
    struct nsl_err e;
    if (frozen && freeze_check(sh, g) < 0)
        return -1;
    if (cg_freeze(&sh->cg->session, g, frozen, &sh->step.trace, &e) < 0)
        return step_fail_err(sh, &e);
    struct cg_stats st;
    size_t n = 0;
    if (g->be->read_stats(g->dir, g->ctrl, NULL, &st, NULL) == 0) {
        n = st.npids;
        cg_stats_free(&st);
    }
    if (frozen)
        out_printf(sh, _("%s is frozen: its %zu process%s stay%s stopped, whatever signal comes, "
                       "until cgthaw %s (%s says so)\n"),
                   g->name, n, n == 1 ? "" : "es", n == 1 ? "s" : "", g->name,
                   g->version == 2 ? "cgroup.events" : "freezer.state");
    else
        out_printf(sh, _("%s is thawed: its %zu process%s run%s again (%s says so)\n"), g->name, n,
                   n == 1 ? "" : "es", n == 1 ? "s" : "",
                   g->version == 2 ? "cgroup.events" : "freezer.state");
    group_json(sh, g);
    print_bool(sh, PRINT_JSON, "frozen", NULL, frozen);
    return 0;
}

int cmd_cgfreeze(struct nsl *sh, int argc, char **argv)
{
    return freeze_command(sh, argc, argv, true);
}

int cmd_cgthaw(struct nsl *sh, int argc, char **argv)
{
    return freeze_command(sh, argc, argv, false);
}

/* --- cgdelete -------------------------------------------------------------- */

int cmd_cgdelete(struct nsl *sh, int argc, char **argv)
{
    if (argc != 2)
        return step_usage(sh, "usage: cgdelete CGROUP");
    struct cg_group buf;
    const struct cg_group *g;
    if (group_arg(sh, argv[1], &buf, &g) < 0)
        return -1;
    struct cg_group copy = *g; /* g is freed once it is gone */
    struct nsl_err e;
    if (cg_delete(&sh->cg->session, g, false, &sh->step.trace, &e) == 0) {
        out_printf(sh, _("removed %s (%s)\n"), copy.name, copy.dir);
        group_json(sh, &copy);
        return 0;
    }
    if (e.errnum == EBUSY) {
        /* Say how to empty it: the message names the PIDs already. */
        struct cg_stats st;
        struct strbuf how = {0};
        if (copy.be->read_stats(copy.dir, copy.ctrl, NULL, &st, NULL) == 0) {
            for (size_t k = 0; k < st.npids; k++) {
                struct job *j = job_by_pid(sh, st.pids[k]);
                if (st.pids[k] == sh->subj.pid)
                    sb_printf(&how, "%s%s", how.len ? "; " : "",
                              _("the subject is inside (`reset` gives a fresh one outside)"));
                else if (j)
                    sb_printf(&how, "%s`kill -KILL %%%d`", how.len ? "; " : "", j->id);
            }
            cg_stats_free(&st);
        }
        if (how.len)
            nsl_err_hint(&e, sb_str(&how));
        else if (!strstr(e.msg, _("processes are still inside: ")))
            nsl_err_hint(&e, "it still has cgroups below it, or processes that are just exiting");
        sb_free(&how);
    }
    return step_fail_err(sh, &e);
}

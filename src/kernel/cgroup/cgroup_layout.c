#define _GNU_SOURCE
#include "kernel/cgroup/cgroup_layout.h"
#include "kernel/cgroup/cgroup_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "i18n.h"

/* Mount points are found under this path in mountinfo, whatever the
 * configured cgroup root is: a fake tree rebases them. */
#define CG_SYS_ROOT "/sys/fs/cgroup"

const struct cg_ctrl_info cg_ctrl_info[CG_NCTRL] = {
    [CG_MEMORY] = {.name = "memory", .alias = "mem", .prefix = "mem", .v1 = "memory",
                   .v2 = "memory", .limit_syntax = "SIZE: bytes with K, M or G, or max"},
    [CG_CPU] = {.name = "cpu", .prefix = "cpu", .v1 = "cpu", .v2 = "cpu",
                .limit_syntax = "50%, 0.5, QUOTA/PERIOD in microseconds, or max"},
    [CG_PIDS] = {.name = "pids", .prefix = "pids", .v1 = "pids", .v2 = "pids",
                 .limit_syntax = "a number of processes, or max"},
    [CG_CPUSET] = {.name = "cpuset", .prefix = "cpuset", .v1 = "cpuset", .v2 = "cpuset",
                   .limit_syntax = "a CPU list such as 0 or 0-1,3"},
    [CG_FREEZER] = {.name = "freezer", .prefix = "freezer", .v1 = "freezer", .v2_core = true,
                    .limit_syntax = "nothing (freezer takes no limit)"},
    [CG_NET_CLS] = {.name = "net_cls", .prefix = "net", .v1 = "net_cls",
                    .limit_syntax = "nothing (cgset N classid 0xMMMMmmmm sets its class ID)"},
    [CG_CPUACCT] = {.name = "cpuacct", .prefix = "cpuacct", .v1 = "cpuacct", .v2_core = true,
                    .limit_syntax = "nothing (cpuacct only counts)"},
    [CG_IO] = {.name = "io", .alias = "blkio", .prefix = "io", .v1 = "blkio", .v2 = "io",
               .limit_syntax = "nothing (cgset N write_bps DEVICE SIZE and the like)"},
    [CG_DEVICES] = {.name = "devices", .prefix = "dev", .v1 = "devices", .v2_core = true,
                    .limit_syntax = "nothing (cgset N deny|allow RULE sets its rules)"},
    [CG_PERF_EVENT] = {.name = "perf_event", .prefix = "perf", .v1 = "perf_event", .v2_core = true,
                       .limit_syntax = "nothing (cgperf N counts its tasks)"},
    [CG_HUGETLB] = {.name = "hugetlb", .prefix = "hugetlb", .v1 = "hugetlb", .v2 = "hugetlb"},
};

/* v1 subsystem names as they appear among a cgroup mount's super options
 * (the rest of the options, e.g. "xattr" or "clone_children", are not
 * controllers). */
static const char *const v1_subsystems[] = {
    "cpuset", "cpu",     "cpuacct", "io",      "blkio", "memory", "devices", "freezer",
    "net_cls", "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc", "debug",
};

int cg_ctrl_parse(const char *word, enum cg_ctrl *out, struct nsl_err *e)
{
    for (int c = 0; c < CG_NCREATE; c++) {
        const struct cg_ctrl_info *ci = &cg_ctrl_info[c];
        if (strcmp(word, ci->name) == 0 || (ci->alias && strcmp(word, ci->alias) == 0)) {
            *out = (enum cg_ctrl)c;
            return 0;
        }
    }
    return nsl_usage(
        e, "unknown cgroup controller '%s' (expected mem, cpu, pids, cpuset, freezer, devices, "
        "net_cls, io, perf_event or cpuacct)", word);
}

const char *cg_mode_name(enum cg_mode m)
{
    switch (m) {
    case CG_MODE_LEGACY: return "legacy";
    case CG_MODE_HYBRID: return "hybrid";
    case CG_MODE_UNIFIED: return "unified";
    default: return "none";
    }
}

/* --- mountinfo -------------------------------------------------------- */

struct mi_ent {
    char *mount, *root, *fstype, *super;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* Split one line in place. 0, or -1 when it lacks the " - " separator or a
 * field. */
static int mi_split(char *line, struct mi_ent *m)
{
    char *f[6] = {0};
    char *save = NULL;
    char *tok = strtok_r(line, " ", &save);
    for (int i = 0; i < 6 && tok; i++) {
        f[i] = tok;
        tok = strtok_r(NULL, " ", &save);
    }
    if (!f[5])
        return -1;
    /* Optional fields until the lone "-". */
    while (tok && strcmp(tok, "-") != 0)
        tok = strtok_r(NULL, " ", &save);
    if (!tok)
        return -1;
    m->fstype = strtok_r(NULL, " ", &save);
    char *source = strtok_r(NULL, " ", &save);
    m->super = strtok_r(NULL, " ", &save);
    if (!m->fstype || !source || !m->super)
        return -1;
    m->root = f[3];
    m->mount = f[4];
    unescape_octal(m->root);
    unescape_octal(m->mount);
    return 0;
}

/* Is p equal to dir or below it? */
static bool path_within(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return p[0] == '/';
    return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* Keep only the controller words of a v1 mount's super options, in order:
 * "rw,xattr,name=systemd" -> "name=systemd", "rw,cpu,cpuacct" -> "cpu,cpuacct". */
static void v1_ctrls_from_super(const char *super, char *out, size_t size)
{
    struct strbuf sb = {0};
    cleanup_free char *copy = xstrdup(super);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool keep = strncmp(tok, "name=", 5) == 0;
        for (size_t i = 0; !keep && i < ARRAY_SIZE(v1_subsystems); i++)
            keep = strcmp(tok, v1_subsystems[i]) == 0;
        if (keep)
            sb_printf(&sb, "%s%s", sb.len ? "," : "", tok);
    }
    snprintf(out, size, "%s", sb_str(&sb));
    sb_free(&sb);
}

static bool hier_seen(const struct cg_layout *L, int version, const char *ctrls)
{
    for (size_t i = 0; i < L->nhier; i++)
        if (L->hier[i].version == version && (version == 2 || strcmp(L->hier[i].ctrls, ctrls) == 0))
            return true;
    return false;
}

static void layout_reset(struct cg_layout *L)
{
    memset(L, 0, sizeof *L);
    L->unified = -1;
    for (int c = 0; c < CG_NCTRL; c++)
        L->ctrl_hier[c] = -1;
}

int cg_layout_parse_mountinfo(struct cg_layout *L, const char *text, const char *cgroup_root,
                              struct nsl_err *e)
{
    layout_reset(L);
    cleanup_free char *copy = xstrdup(text);
    cleanup_free struct mi_ent *v = NULL;
    size_t n = 0, cap = 0;
    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (!*line)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        if (mi_split(line, &v[n]) < 0)
            return nsl_fail(e, EINVAL, "cannot parse mountinfo line %d: no ' - ' separator",
                            lineno);
        n++;
    }

    for (size_t i = 0; i < n; i++) {
        const struct mi_ent *m = &v[i];
        int version = strcmp(m->fstype, "cgroup2") == 0 ? 2 : strcmp(m->fstype, "cgroup") == 0 ? 1 : 0;
        if (!version || !path_within(m->mount, CG_SYS_ROOT))
            continue;
        /* A later mount on this point or above it (within the cgroup root)
         * covers it: the kernel lists mounts in the order they were made. */
        bool hidden = false;
        for (size_t j = i + 1; j < n && !hidden; j++)
            hidden = path_within(v[j].mount, CG_SYS_ROOT) && path_within(m->mount, v[j].mount);
        if (hidden)
            continue;
        char ctrls[256] = "";
        if (version == 1)
            v1_ctrls_from_super(m->super, ctrls, sizeof ctrls);
        if (hier_seen(L, version, ctrls)) /* the same hierarchy mounted twice */
            continue;
        if (L->nhier == CG_MAX_HIER)
            break;
        struct cg_hier *h = &L->hier[L->nhier];
        int w = snprintf(h->mount, sizeof h->mount, "%s%s", cgroup_root,
                         m->mount + strlen(CG_SYS_ROOT));
        if (w < 0 || (size_t)w >= sizeof h->mount || strlen(m->root) >= sizeof h->root)
            return nsl_fail(e, ENAMETOOLONG, "cgroup mount point too long: %s", m->mount);
        snprintf(h->root, sizeof h->root, "%s", m->root);
        snprintf(h->ctrls, sizeof h->ctrls, "%s", ctrls);
        h->version = version;
        if (version == 2)
            L->unified = (int)L->nhier;
        L->nhier++;
    }
    return 0;
}

/* --- /proc/cgroups ----------------------------------------------------- */

static int ctrl_by_v1_name(const char *name)
{
    for (int c = 0; c < CG_NCTRL; c++)
        if (cg_ctrl_info[c].v1 && strcmp(cg_ctrl_info[c].v1, name) == 0)
            return c;
    if (strcmp(name, "io") == 0)
        return CG_IO;
    return -1;
}

int cg_parse_proc_cgroups(const char *text, unsigned *enabled, struct nsl_err *e)
{
    *enabled = 0;
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;
    int lineno = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (line[0] == '#' || !*line)
            continue;
        char name[64];
        int hier, num, en;
        if (sscanf(line, "%63s %d %d %d", name, &hier, &num, &en) != 4)
            return nsl_fail(e, EINVAL, "cannot parse /proc/cgroups line %d: '%s'", lineno, line);
        int c = ctrl_by_v1_name(name);
        if (c >= 0 && en)
            *enabled |= 1u << c;
    }
    return 0;
}

int cg_proc_cgroups_peers(const char *text, const char *subsys, char *out, size_t size)
{
    int want = -1;
    char name[64];
    int hier, num, en;
    for (int pass = 0; pass < 2; pass++) {
        out[0] = '\0';
        for (const char *p = text; *p;) {
            size_t len = strcspn(p, "\n");
            cleanup_free char *line = xstrndup(p, len);
            p += len + (p[len] ? 1 : 0);
            if (line[0] == '#' || sscanf(line, "%63s %d %d %d", name, &hier, &num, &en) != 4)
                continue;
            if (pass == 0 && strcmp(name, subsys) == 0)
                want = hier;
            if (pass == 1 && (strcmp(name, subsys) == 0 || (want > 0 && hier == want))) {
                size_t n = strlen(out);
                snprintf(out + n, size - n, "%s%s", n ? "," : "", name);
            }
        }
        if (want < 0)
            return -1;
    }
    return want;
}

/* --- assigning controllers --------------------------------------------- */

static bool list_has(const char *list, const char *seps, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, seps);
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        p += strspn(p, seps);
    }
    return false;
}

void cg_layout_assign(struct cg_layout *L, unsigned enabled, const char *v2_controllers)
{
    L->enabled = enabled;
    size_t nv1 = 0;
    for (size_t i = 0; i < L->nhier; i++) {
        struct cg_hier *h = &L->hier[i];
        h->mask = 0;
        if (h->version == 2 && v2_controllers) {
            /* one line of words: keep it as one line */
            snprintf(h->ctrls, sizeof h->ctrls, "%s", v2_controllers);
            chomp(h->ctrls);
        }
        for (int c = 0; c < CG_NCTRL; c++) {
            const struct cg_ctrl_info *ci = &cg_ctrl_info[c];
            bool has;
            if (h->version == 1)
                has = ci->v1 && list_has(h->ctrls, ",", ci->v1) && (enabled & (1u << c));
            else
                has = ci->v2_core || (ci->v2 && list_has(h->ctrls, " \n", ci->v2) &&
                                      (enabled & (1u << c)));
            if (has)
                h->mask |= 1u << c;
        }
        if (h->version == 1)
            nv1++;
    }
    /* A controller mounted on v1 is bound there; v2 gets only what is left
     * (its core features included). */
    for (int c = 0; c < CG_NCTRL; c++) {
        L->ctrl_hier[c] = -1;
        for (size_t i = 0; i < L->nhier && L->ctrl_hier[c] < 0; i++)
            if (L->hier[i].version == 1 && (L->hier[i].mask & (1u << c)))
                L->ctrl_hier[c] = (int)i;
        if (L->ctrl_hier[c] < 0 && L->unified >= 0 && (L->hier[L->unified].mask & (1u << c)))
            L->ctrl_hier[c] = L->unified;
    }
    bool v2 = L->unified >= 0;
    L->mode = nv1 && v2 ? CG_MODE_HYBRID : nv1 ? CG_MODE_LEGACY : v2 ? CG_MODE_UNIFIED : CG_MODE_NONE;
}

/* --- /proc/PID/cgroup -------------------------------------------------- */

void cg_proc_free(struct cg_proc *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].ctrls);
        free(p->v[i].path);
    }
    free(p->v);
    p->v = NULL;
    p->n = 0;
}

int cg_proc_parse(const char *text, struct cg_proc *out, struct nsl_err *e)
{
    out->v = NULL;
    out->n = 0;
    size_t cap = 0;
    int lineno = 0;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        lineno++;
        if (len) {
            /* "ID:CONTROLLERS:PATH"; the path may itself contain ':'. */
            const char *c1 = memchr(line, ':', len);
            const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
            cleanup_free char *id = c1 ? xstrndup(line, (size_t)(c1 - line)) : NULL;
            long idv;
            if (!c2 || parse_long(id, 0, 1 << 20, &idv) < 0 || c2[1] != '/') {
                cg_proc_free(out);
                return nsl_fail(e, EINVAL, "cannot parse /proc/PID/cgroup line %d: '%.*s'", lineno,
                                (int)(len > 200 ? 200 : len), line);
            }
            if (out->n == cap) {
                cap = cap ? cap * 2 : 16;
                out->v = xrealloc(out->v, cap * sizeof *out->v);
            }
            struct cg_member *m = &out->v[out->n++];
            m->id = (int)idv;
            m->ctrls = xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
            m->path = xstrndup(c2 + 1, (size_t)(line + len - c2 - 1));
        }
        line += len;
        if (*line == '\n')
            line++;
    }
    return 0;
}

const struct cg_member *cg_proc_find(const struct cg_proc *p, const struct cg_hier *h)
{
    for (size_t i = 0; i < p->n; i++) {
        const struct cg_member *m = &p->v[i];
        if (h->version == 2) {
            if (m->id == 0 && m->ctrls[0] == '\0')
                return m;
            continue;
        }
        if (m->id == 0 || !h->ctrls[0])
            continue;
        cleanup_free char *copy = xstrdup(m->ctrls);
        char *save = NULL;
        for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            if (list_has(h->ctrls, ",", tok))
                return m;
    }
    return NULL;
}

int cg_hier_dir(const struct cg_hier *h, const char *cgpath, char *buf, size_t size,
                struct nsl_err *e)
{
    const char *rest = cgpath;
    if (strcmp(h->root, "/") != 0) {
        if (!path_within(cgpath, h->root))
            return nsl_fail(e, ENOENT, "cgroup %s is not visible in %s (which shows %s)", cgpath,
                            h->mount, h->root);
        rest = cgpath + strlen(h->root);
    }
    if (strcmp(rest, "/") == 0)
        rest = "";
    int n = snprintf(buf, size, "%s%s", h->mount, rest);
    if (n < 0 || (size_t)n >= size)
        return nsl_fail(e, ENAMETOOLONG, "cgroup path too long: %s%s", h->mount, rest);
    return 0;
}

/* --- detection -------------------------------------------------------- */

static void statfs_check(struct cg_layout *L, const char *root)
{
    struct statfs sf;
    if (statfs(root, &sf) < 0) {
        snprintf(L->note, sizeof L->note, "statfs(%s) failed: %s", root, strerror(errno));
        return;
    }
    enum cg_mode want = L->mode;
    bool ok;
    const char *fs;
    if ((unsigned long)sf.f_type == CGROUP2_SUPER_MAGIC) {
        fs = "cgroup2";
        ok = want == CG_MODE_UNIFIED;
    } else if ((unsigned long)sf.f_type == TMPFS_MAGIC) {
        fs = "tmpfs";
        ok = want == CG_MODE_LEGACY || want == CG_MODE_HYBRID;
    } else if ((unsigned long)sf.f_type == CGROUP_SUPER_MAGIC) {
        fs = "cgroup";
        ok = want == CG_MODE_LEGACY;
    } else {
        fs = "neither tmpfs nor cgroup";
        ok = want == CG_MODE_NONE;
    }
    if (!ok) {
        snprintf(L->note, sizeof L->note,
                 "statfs(%s) says %s but /proc/self/mountinfo describes a %s layout", root, fs,
                 cg_mode_name(want));
        return;
    }
    if (L->unified >= 0 && statfs(L->hier[L->unified].mount, &sf) == 0 &&
        (unsigned long)sf.f_type != CGROUP2_SUPER_MAGIC)
        snprintf(L->note, sizeof L->note, "statfs(%s) is not cgroup2 as mountinfo says",
                 L->hier[L->unified].mount);
}

int cg_layout_detect(struct cg_layout *L, const struct nsl_paths *paths, struct nsl_err *e)
{
    char path[CG_PATH_MAX + 64];
    struct strbuf sb = {0};
    proc_path(paths, path, sizeof path, "self/mountinfo");
    if (cg_read_sb(path, &sb) < 0) {
        int err = errno;
        sb_free(&sb);
        return nsl_fail_errno(e, err, "cannot read %s", path);
    }
    int r = cg_layout_parse_mountinfo(L, sb_str(&sb), paths->cgroup, e);
    sb_free(&sb);
    if (r < 0)
        return -1;
    L->fake_root = strcmp(paths->cgroup, CG_SYS_ROOT) != 0;

    /* Without /proc/cgroups (a kernel may drop it one day), trust the
     * mounts: every controller counts as enabled. */
    unsigned enabled = ~0u;
    proc_path(paths, path, sizeof path, "cgroups");
    if (cg_read_sb(path, &sb) == 0 && cg_parse_proc_cgroups(sb_str(&sb), &enabled, e) < 0) {
        sb_free(&sb);
        return -1;
    }
    sb_free(&sb);

    bool have_v2 = false;
    if (L->unified >= 0) {
        snprintf(path, sizeof path, "%s/cgroup.controllers", L->hier[L->unified].mount);
        have_v2 = cg_read_sb(path, &sb) == 0;
    }
    cg_layout_assign(L, enabled, have_v2 ? sb_str(&sb) : NULL);
    sb_free(&sb);
    if (!L->fake_root)
        statfs_check(L, paths->cgroup);
    return 0;
}

int cg_layout_add_v1(struct cg_layout *L, const char *mount, const char *ctrls,
                     struct nsl_err *e)
{
    if (L->nhier == CG_MAX_HIER)
        return nsl_fail(e, ENOSPC, "nslab knows at most %d cgroup hierarchies", CG_MAX_HIER);
    struct cg_hier *h = &L->hier[L->nhier];
    *h = (struct cg_hier){.version = 1};
    snprintf(h->mount, sizeof h->mount, "%s", mount);
    snprintf(h->root, sizeof h->root, "/");
    snprintf(h->ctrls, sizeof h->ctrls, "%s", ctrls);
    int i = (int)L->nhier++;
    for (int c = 0; c < CG_NCTRL; c++) {
        const struct cg_ctrl_info *ci = &cg_ctrl_info[c];
        if (ci->v1 && list_has(ctrls, ",", ci->v1) && (L->enabled & (1u << c))) {
            h->mask |= 1u << c;
            if (L->ctrl_hier[c] < 0 || L->hier[L->ctrl_hier[c]].version == 2)
                L->ctrl_hier[c] = i;
        }
    }
    if (L->mode == CG_MODE_UNIFIED)
        L->mode = CG_MODE_HYBRID;
    else if (L->mode == CG_MODE_NONE)
        L->mode = CG_MODE_LEGACY;
    return i;
}

const struct cg_hier *cg_layout_hier(const struct cg_layout *L, enum cg_ctrl ctrl,
                                     struct nsl_err *e)
{
    if (L->ctrl_hier[ctrl] >= 0)
        return &L->hier[L->ctrl_hier[ctrl]];
    const struct cg_ctrl_info *ci = &cg_ctrl_info[ctrl];
    if (L->mode == CG_MODE_NONE)
        nsl_fail(e, ENOENT, "no cgroup filesystem is mounted under %s", CG_SYS_ROOT);
    else if (!ci->v2_core && !(L->enabled & (1u << ctrl)))
        nsl_fail(e, ENOENT, "the %s controller is disabled in this kernel (/proc/cgroups)", ci->name);
    else if (L->unified >= 0 && ci->v2)
        nsl_fail(e, ENOENT,
                 "the %s controller is not mounted: no v1 hierarchy holds it, and the v2 root's "
                 "cgroup.controllers (\"%s\") does not list %s",
                 ci->name, L->hier[L->unified].ctrls, ci->v2);
    else
        nsl_fail(e, ENOENT, "the %s controller is not mounted (no %s hierarchy here)", ci->name,
                 L->mode == CG_MODE_UNIFIED ? "v2 support for it" : "v1");
    return NULL;
}

void cg_layout_format(const struct cg_layout *L, struct strbuf *out)
{
    static const char *const what[] = {
        [CG_MODE_NONE] = N_("no cgroup filesystem found"),
        [CG_MODE_LEGACY] = N_("cgroup v1 only"),
        [CG_MODE_HYBRID] = N_("v1 controllers beside a cgroup2 mount"),
        [CG_MODE_UNIFIED] = N_("cgroup v2 only"),
    };
    sb_printf(out, _("cgroup layout: %s (%s)\n"), cg_mode_name(L->mode), _(what[L->mode]));
    for (int c = 0; c < CG_NCTRL; c++) {
        const struct cg_ctrl_info *ci = &cg_ctrl_info[c];
        int i = L->ctrl_hier[c];
        if (i < 0) {
            bool own = c < CG_NCREATE && ci->v1 && !ci->v2 && !ci->v2_core &&
                       (L->enabled & (1u << c));
            bool perf = c == CG_PERF_EVENT && (L->enabled & (1u << c));
            sb_printf(out, "  %-8s -   %s\n", ci->name,
                      own ? _("not mounted (cgcreate mounts a hierarchy of it nowhere)")
                      : perf ? _("not mounted (cgcreate mounts a hierarchy of it in the subject's "
                                 "mount namespace)")
                             : _("not available"));
            continue;
        }
        const struct cg_hier *h = &L->hier[i];
        sb_printf(out, "  %-8s v%d  %s", ci->name, h->version, h->mount);
        if (h->version == 2 && ci->v2_core)
            sb_append(out, c == CG_FREEZER   ? _(" (cgroup.freeze: no controller needed)")
                           : c == CG_DEVICES ? _(" (a BPF_CGROUP_DEVICE program: no controller needed)")
                           : c == CG_PERF_EVENT ? _(" (perf_event is implicit on v2: no controller needed)")
                                             : _(" (cpu.stat usage: no controller needed)"));
        sb_appendc(out, '\n');
    }
    for (size_t i = 0; i < L->nhier; i++) {
        const struct cg_hier *h = &L->hier[i];
        if (h->version == 1 && strncmp(h->ctrls, "name=", 5) == 0)
            sb_printf(out, _("  (v1 %s at %s: no controller)\n"), h->ctrls, h->mount);
        else if (h->version == 2 && L->mode == CG_MODE_HYBRID)
            sb_printf(out, _("  (v2 at %s holds: %s)\n"), h->mount, h->ctrls[0] ? h->ctrls : _("no controllers"));
    }
    if (L->note[0])
        sb_printf(out, _("  note: %s\n"), L->note);
}

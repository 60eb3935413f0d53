#define _GNU_SOURCE
/* id, uidmap, gidmap, setgroups: user namespaces. Everything here runs in
 * the shell, which stays in the host's user namespace: the parent of the
 * subject's after `unshare user`, which is where uid_map and gid_map are
 * written from (user_namespaces(7)), and a reader that sees every ID as the
 * host sees it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/handlers.h"
#include "kernel/sys_file.h"
#include "kernel/userns.h"
#include "subject/nshelper.h"
#include "render/render.h"
#include "session/target.h"
#include "i18n.h"

/* The ID the kernel shows for one a namespace does not map
 * (/proc/sys/kernel/overflowuid and overflowgid). */
static uint32_t overflow_id(struct nsl *sh, bool gid)
{
    char buf[32];
    long v;
    if (read_file_at(sh->procfd, gid ? "sys/kernel/overflowgid" : "sys/kernel/overflowuid", buf,
                     sizeof buf) > 0 &&
        parse_long(chomp(buf), 0, UINT32_MAX, &v) == 0)
        return (uint32_t)v;
    return 65534;
}

static int read_map(struct nsl *sh, pid_t pid, const char *file, struct idmap *m,
                    struct nsl_err *e)
{
    char rel[64];
    struct strbuf sb = {0};
    snprintf(rel, sizeof rel, "%d/%s", (int)pid, file);
    if (read_file_sb(sh->procfd, rel, &sb) < 0) {
        sb_free(&sb);
        return nsl_fail_errno(e, errno, "cannot read /proc/%d/%s", (int)pid, file);
    }
    int rc = idmap_parse(sb_str(&sb), m, e);
    sb_free(&sb);
    return rc;
}

const char *user_map_missing(struct nsl *sh, pid_t pid)
{
    if (pid <= 0 || ns_inode_of(sh, pid, NS_USER) == sh->host_ns[NS_USER].ino)
        return NULL;
    static const char *const maps[] = {"uid_map", "gid_map"};
    const char *missing = NULL;
    struct idmap *m = xcalloc(1, sizeof *m);
    for (size_t k = 0; k < ARRAY_SIZE(maps) && !missing; k++) {
        struct nsl_err e;
        m->n = 0;
        if (read_map(sh, pid, maps[k], m, &e) == 0 && m->n == 0)
            missing = maps[k];
    }
    free(m);
    return missing;
}

const char *user_map_fix(const char *missing)
{
    if (strcmp(missing, "uid_map") == 0)
        return "`uidmap 0 me 1`";
    /* Without CAP_SETGID in the parent, gid_map takes a write only after setgroups is denied. */
    return geteuid() == 0 ? "`gidmap 0 me 1`" : _("`setgroups deny`, then `gidmap 0 me 1`");
}

static void map_text(const struct idmap *m, struct strbuf *out)
{
    if (m->n == 0)
        sb_append(out, _("(not written yet: every ID shows as the overflow ID)"));
    for (size_t k = 0; k < m->n; k++)
        sb_printf(out, "%s%u %u %u", k ? ", " : "", m->v[k].inside, m->v[k].outside,
                  m->v[k].count);
}

/* A map line as JSON: [inside, outside, count]. */
static void map_line_json(struct nsl *sh, const char *key, const struct idmap_ext *x)
{
    unsigned long long v[] = {x->inside, x->outside, x->count};
    print_uint_array(sh, key, v, ARRAY_SIZE(v));
}

static void map_json(struct nsl *sh, const char *key, const struct idmap *m)
{
    open_json_array(sh, key);
    for (size_t k = 0; k < m->n; k++)
        map_line_json(sh, NULL, &m->v[k]);
    close_json_array(sh);
}

/* "0 inside = 65534 outside" for an ID the shell reads as `outside`. */
static int64_t id_line(struct nsl *sh, const char *what, uint32_t outside, const struct idmap *m,
                       bool same_ns, bool gid)
{
    int64_t inside = same_ns ? outside : idmap_inside(m, outside);
    open_json_object(sh, what);
    print_uint(sh, PRINT_JSON, "outside", NULL, outside);
    if (same_ns) {
        out_printf(sh, _("  %-10s %u (the host's user namespace: no mapping)\n"), what, outside);
    } else if (inside < 0) {
        uint32_t ov = overflow_id(sh, gid);
        out_printf(sh, _("  %-10s %u inside (the overflow ID: %u outside is not in %s)\n"), what, ov,
                   outside, gid ? "gid_map" : "uid_map");
        inside = ov;
        print_bool(sh, PRINT_JSON, "mapped", NULL, false);
    } else {
        out_printf(sh, _("  %-10s %lld inside = %u outside (in the host's user namespace)\n"), what,
                   (long long)inside, outside);
    }
    print_int(sh, PRINT_JSON, "inside", NULL, inside);
    close_json_object(sh);
    return inside;
}

static void caps_lines(struct nsl *sh, uint64_t caps, bool host_ns)
{
    char buf[24];
    int last = cap_count_known() - 1;
    if (read_file_at(sh->procfd, "sys/kernel/cap_last_cap", buf, sizeof buf) > 0) {
        long v;
        if (parse_long(chomp(buf), 0, 63, &v) == 0)
            last = (int)v;
    }
    int total = last + 1, have = 0;
    open_json_array(sh, "capabilities");
    for (int b = 0; b <= last; b++) {
        if (caps & (1ULL << b)) {
            have++;
            const char *n = cap_name(b);
            char nb[24];
            snprintf(nb, sizeof nb, "cap_%d", b);
            print_string(sh, PRINT_JSON, NULL, NULL, n ? n : nb);
        }
    }
    close_json_array(sh);
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)caps);
    print_string(sh, PRINT_JSON, "cap_eff", NULL, buf);
    const char *scope = host_ns ? _("over the host") : _("over what its user namespace owns");
    if (have == 0) {
        out_printf(sh, _("  %-10s no capabilities (CapEff %s)\n"), "caps", buf);
        return;
    }
    if (have == total) {
        out_printf(sh, _("  %-10s every capability (%d), %s (CapEff %s)\n"), "caps", total, scope,
                   buf);
        return;
    }
    /* Name the shorter list: what it has, or what it lacks. */
    bool list_missing = have > total / 2;
    out_printf(sh, _("  %-10s %d of %d capabilities, %s (CapEff %s)%s\n"), "caps", have, total, scope,
               buf,
               list_missing ? _("; all but:") : _(":"));
    struct strbuf line = {0};
    for (int b = 0; b <= last; b++) {
        if (((caps >> b) & 1) == list_missing)
            continue;
        const char *n = cap_name(b);
        char nb[24];
        snprintf(nb, sizeof nb, "cap_%d", b);
        if (line.len + strlen(n ? n : nb) > 62) {
            out_printf(sh, "  %-10s %s\n", "", sb_str(&line));
            sb_reset(&line);
        }
        sb_printf(&line, "%s%s", line.len ? " " : "", n ? n : nb);
    }
    if (line.len)
        out_printf(sh, "  %-10s %s\n", "", sb_str(&line));
    sb_free(&line);
}

/* The "user ns" line: the namespace, and who created it when it is not
 * the host's. */
static void user_ns_line(struct nsl *sh, pid_t pid, ino_t user_ino, bool same_ns)
{
    char rel[64], ib[32];
    print_ino(sh, PRINT_JSON, "user_ns", NULL, NS_USER, user_ino);
    print_bool(sh, PRINT_JSON, "host_user_ns", NULL, same_ns);
    if (same_ns) {
        out_printf(sh, "  %-10s ", "user ns");
        print_ino(sh, PRINT_FP, NULL, _("%s, the host's\n"), NS_USER, user_ino);
        return;
    }
    /* The uid that created the namespace, as the shell sees it. */
    snprintf(rel, sizeof rel, "%d/ns/user", (int)pid);
    int fd = openat(sh->procfd, rel, O_RDONLY | O_CLOEXEC);
    uid_t owner = (uid_t)-1;
    if (fd >= 0) {
        if (ioctl(fd, NS_GET_OWNER_UID, &owner) < 0)
            owner = (uid_t)-1;
        close(fd);
    }
    out_printf(sh, _("  %-10s %s, not the host's"), "user ns",
               fmt_ino(sh, NS_USER, user_ino, ib, sizeof ib));
    if (owner != (uid_t)-1) {
        /* The sentence's %u is an unsigned int: the text apart. */
        out_printf(sh, _("; created by uid %u (its owner)"), (unsigned)owner);
        print_uint(sh, PRINT_JSON, "owner_uid", NULL, owner);
    }
    out_printf(sh, "\n");
}

int cmd_id(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: id [TARGET]");
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, argc == 2 ? argv[1] : "self", 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    char rel[64], pb[32];
    const char *who = fmt_pid(sh, t.pid, pb, sizeof pb);
    struct strbuf status = {0};
    snprintf(rel, sizeof rel, "%d/status", (int)t.pid);
    if (read_file_sb(sh->procfd, rel, &status) < 0) {
        sb_free(&status);
        return step_fail_errno(sh, errno, "cannot read /proc/%s/status", who);
    }
    struct proc_creds c;
    int rc = proc_creds_parse(sb_str(&status), &c, &e);
    sb_free(&status);
    if (rc < 0)
        return step_fail_err(sh, &e);
    struct idmap *um = xcalloc(2, sizeof *um), *gm = um + 1;
    if (read_map(sh, t.pid, "uid_map", um, &e) < 0 || read_map(sh, t.pid, "gid_map", gm, &e) < 0) {
        free(um);
        proc_creds_free(&c);
        return step_fail_err(sh, &e);
    }
    char sg[32] = "";
    snprintf(rel, sizeof rel, "%d/setgroups", (int)t.pid);
    if (read_file_at(sh->procfd, rel, sg, sizeof sg) < 0)
        snprintf(sg, sizeof sg, "?");
    chomp(sg);

    ino_t user_ino = ns_inode_of(sh, t.pid, NS_USER);
    bool same_ns = user_ino == sh->host_ns[NS_USER].ino;
    out_printf(sh, "  %-10s ", "pid");
    print_pid(sh, PRINT_ANY, "pid", "%s", t.pid);
    out_printf(sh, "%s\n", t.is_self ? _(" (the subject)") : t.is_host ? _(" (the host)") : "");
    user_ns_line(sh, t.pid, user_ino, same_ns);
    id_line(sh, "uid", c.uid[1], um, same_ns, false);
    id_line(sh, "gid", c.gid[1], gm, same_ns, true);
    if (c.uid[0] != c.uid[1] || c.uid[1] != c.uid[2] || c.uid[2] != c.uid[3])
        out_printf(sh, "  %-10s real %u, effective %u, saved %u, fs %u (outside)\n", "", c.uid[0],
                   c.uid[1], c.uid[2], c.uid[3]);
    unsigned long long uids[4];
    for (int k = 0; k < 4; k++)
        uids[k] = c.uid[k];
    print_uint_array(sh, "uids_outside", uids, 4);
    struct strbuf g = {0};
    open_json_array(sh, "groups");
    for (size_t k = 0; k < c.ngroups; k++) {
        int64_t in = same_ns ? c.groups[k] : idmap_inside(gm, c.groups[k]);
        if (in < 0)
            in = overflow_id(sh, true);
        sb_printf(&g, "%s%lld", k ? " " : "", (long long)in);
        if (!same_ns)
            sb_printf(&g, " (=%u)", c.groups[k]);
        open_json_object(sh, NULL);
        print_int(sh, PRINT_JSON, "inside", NULL, in);
        print_uint(sh, PRINT_JSON, "outside", NULL, c.groups[k]);
        close_json_object(sh);
    }
    close_json_array(sh);
    out_printf(sh, "  %-10s %s\n", "groups", g.len ? sb_str(&g) : _("(none)"));
    sb_free(&g);
    struct strbuf mt = {0};
    map_text(um, &mt);
    out_printf(sh, "  %-10s %s\n", "uid_map", sb_str(&mt));
    sb_reset(&mt);
    map_text(gm, &mt);
    out_printf(sh, "  %-10s %s\n", "gid_map", sb_str(&mt));
    sb_free(&mt);
    out_printf(sh, "  %-10s %s\n", "setgroups", sg);
    map_json(sh, "uid_map", um);
    map_json(sh, "gid_map", gm);
    print_string(sh, PRINT_JSON, "setgroups", NULL, sg);
    caps_lines(sh, c.cap_eff, same_ns);
    free(um);
    proc_creds_free(&c);
    return 0;
}

/* Why the kernel refused a map write, in a learner's words. */
static int map_refused(struct nsl *sh, int err, bool gid, const char *who, bool written_before,
                       bool same_ns, const char *setgroups, const struct idmap_ext *x)
{
    const char *map = gid ? "gid_map" : "uid_map";
    if (same_ns)
        return step_fail_errno(sh, err, "%s is in the host's user namespace, whose %s was written "
                                        "when the system started; maps belong to new user "
                                        "namespaces (`unshare user --no-map` first)", who, map);
    if (err == EPERM && written_before)
        return step_fail_errno(sh, err, "the %s of %s was already written, and the kernel accepts "
                                        "one write per map, ever (`reset`, then `unshare user "
                                        "--no-map` for an unmapped namespace)", map, who);
    if (err == EPERM && geteuid() != 0 && gid && strcmp(setgroups, "allow") == 0)
        return step_fail_errno(sh, err, "an unprivileged process may write gid_map only after "
                                        "setgroups is denied, or the mapped group could drop "
                                        "supplementary groups it is denied by: `setgroups deny "
                                        "%s` first", who);
    if (err == EPERM && geteuid() != 0 &&
        (x->count != 1 || x->outside != (gid ? getegid() : geteuid())))
        return step_fail_errno(sh, err, "without CAP_%s in the parent user namespace a process may "
                                        "map only its own %s, once: OUTSIDE must be %u and COUNT "
                                        "1 (run nslab as root for other mappings)",
                               gid ? "SETGID" : "SETUID", gid ? "gid" : "uid",
                               (unsigned)(gid ? getegid() : geteuid()));
    if (err == EPERM)
        return step_fail_errno(sh, err, "the kernel refused to write %s of %s: the writer must be "
                                        "in that user namespace or its parent (after two `unshare "
                                        "user` the shell is neither) and have CAP_%s there",
                               map, who, gid ? "SETGID" : "SETUID");
    if (err == EINVAL)
        return step_fail_errno(sh, err, "the kernel rejected the map line for %s: ranges must not "
                                        "overlap, and OUTSIDE..OUTSIDE+COUNT-1 must be IDs the "
                                        "writer's namespace maps", who);
    return step_fail_errno(sh, err, "cannot write %s of %s", map, who);
}

static int map_command(struct nsl *sh, int argc, char **argv, bool gid)
{
    const char *map = gid ? "gid_map" : "uid_map";
    if (argc != 4 && argc != 5)
        return step_usage(sh, "usage: %s [TARGET] INSIDE OUTSIDE COUNT", argv[0]);
    int k = argc == 5 ? 2 : 1;
    struct target t;
    struct nsl_err e;
    struct idmap_ext x;
    /* OUTSIDE `me`: the ID nslab runs as, the one ID an unprivileged user
     * may map (so labs work for any user). */
    char me[16];
    snprintf(me, sizeof me, "%u", (unsigned)(gid ? getegid() : geteuid()));
    const char *outside = strcmp(argv[k + 1], "me") == 0 ? me : argv[k + 1];
    if (target_resolve(sh, argc == 5 ? argv[1] : "self", 0, &t, &e) < 0 ||
        idmap_args_parse(argv[k], outside, argv[k + 2], &x, &e) < 0)
        return step_fail_err(sh, &e);
    char pb[32], path[300], shown[96], val[64], sg[32] = "";
    const char *who = fmt_pid(sh, t.pid, pb, sizeof pb);
    struct idmap *before = xcalloc(1, sizeof *before);
    if (read_map(sh, t.pid, map, before, &e) < 0) {
        free(before);
        return step_fail_err(sh, &e);
    }
    bool written_before = before->n > 0;
    free(before);
    snprintf(path, sizeof path, "%d/setgroups", (int)t.pid);
    if (read_file_at(sh->procfd, path, sg, sizeof sg) < 0)
        sg[0] = '\0';
    chomp(sg);
    bool same_ns = ns_inode_of(sh, t.pid, NS_USER) == sh->host_ns[NS_USER].ino;

    proc_path(&sh->paths, path, sizeof path, "%d/%s", (int)t.pid, map);
    snprintf(shown, sizeof shown, "/proc/%s/%s", who, map);
    snprintf(val, sizeof val, "%u %u %u", x.inside, x.outside, x.count);
    if (sys_write_file_shown(&sh->step.trace, path, shown, val) < 0)
        return map_refused(sh, errno, gid, who, written_before, same_ns, sg, &x);
    out_printf(sh, _("%s of %s: %s inside = %s outside, %u ID%s. It can never be written "
                   "again.\n"), map, who, argv[k], outside, x.count, x.count == 1 ? "" : "s");
    /* The process keeps the IDs it had: say what they are now inside. */
    struct strbuf st = {0};
    struct proc_creds c;
    snprintf(path, sizeof path, "%d/status", (int)t.pid);
    if (read_file_sb(sh->procfd, path, &st) == 0 && proc_creds_parse(sb_str(&st), &c, &e) == 0) {
        uint32_t mine = gid ? c.gid[1] : c.uid[1];
        struct idmap one = {.v = {x}, .n = 1};
        int64_t in = idmap_inside(&one, mine);
        if (in >= 0)
            out_printf(sh, _("%s, %s %u outside, is now %s %lld inside.\n"), who, gid ? "gid" : "uid",
                       mine, gid ? "gid" : "uid", (long long)in);
        else
            out_printf(sh, _("%s keeps its %s %u, which the map does not cover: inside it still "
                           "shows as the overflow ID %u (a process there becomes a mapped ID only "
                           "by calling set%sid(2)).\n"), who, gid ? "gid" : "uid", mine,
                       overflow_id(sh, gid), gid ? "g" : "u");
        proc_creds_free(&c);
    }
    sb_free(&st);
    print_pid(sh, PRINT_JSON, "pid", NULL, t.pid);
    print_string(sh, PRINT_JSON, "map", NULL, map);
    map_line_json(sh, "line", &x);
    return 0;
}

int cmd_uidmap(struct nsl *sh, int argc, char **argv)
{
    return map_command(sh, argc, argv, false);
}

int cmd_gidmap(struct nsl *sh, int argc, char **argv)
{
    return map_command(sh, argc, argv, true);
}

int cmd_setgroups(struct nsl *sh, int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (strcmp(argv[1], "deny") != 0 && strcmp(argv[1], "allow") != 0))
        return step_usage(sh, "usage: setgroups deny|allow [TARGET]");
    struct target t;
    struct nsl_err e;
    if (target_resolve(sh, argc == 3 ? argv[2] : "self", 0, &t, &e) < 0)
        return step_fail_err(sh, &e);
    char pb[32], path[300], shown[96];
    const char *who = fmt_pid(sh, t.pid, pb, sizeof pb);
    struct idmap *gm = xcalloc(1, sizeof *gm);
    int mapped = read_map(sh, t.pid, "gid_map", gm, &e) == 0 && gm->n > 0;
    free(gm);
    bool same_ns = ns_inode_of(sh, t.pid, NS_USER) == sh->host_ns[NS_USER].ino;
    proc_path(&sh->paths, path, sizeof path, "%d/setgroups", (int)t.pid);
    snprintf(shown, sizeof shown, "/proc/%s/setgroups", who);
    if (sys_write_file_shown(&sh->step.trace, path, shown, argv[1]) < 0) {
        int err = errno;
        if (err == EPERM && same_ns)
            return step_fail_errno(sh, err, "%s is in the host's user namespace, where setgroups "
                                            "stays allowed; it belongs to new user namespaces",
                                   who);
        if (err == EPERM && mapped)
            return step_fail_errno(sh, err, "the gid_map of %s is already written: setgroups can "
                                            "change only before it is", who);
        if (err == EPERM)
            return step_fail_errno(sh, err, "cannot allow setgroups in %s's user namespace: an "
                                            "ancestor namespace denies it, and a child cannot "
                                            "allow what its parent denies", who);
        return step_fail_errno(sh, err, "cannot write /proc/%s/setgroups", who);
    }
    if (strcmp(argv[1], "deny") == 0)
        out_printf(sh, _("setgroups(2) is denied in %s's user namespace: now even an unprivileged "
                       "writer may map its own gid in gid_map, since no process there can drop "
                       "a group to escape a deny rule.\n"), who);
    else
        out_printf(sh, _("setgroups(2) stays allowed in %s's user namespace (only a writer with "
                       "CAP_SETGID in the parent may then write gid_map).\n"), who);
    print_pid(sh, PRINT_JSON, "pid", NULL, t.pid);
    print_string(sh, PRINT_JSON, "setgroups", NULL, argv[1]);
    return 0;
}

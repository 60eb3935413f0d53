#define _GNU_SOURCE
/* Skills that carry over: for each nslab command that has one, the command
 * of util-linux, iproute2 or cgroup-tools (bubblewrap for a container), or
 * the write to the kernel's file, that does the same outside nslab. One
 * table, beside the command table: `help CMD` prints its generic form, and
 * with --equivalents each step prints it with the step's own words, PIDs and
 * paths. Every option named here is one the tool's man page or --help lists
 * (util-linux 2.38, iproute2 6.1, cgroup-tools 2.0, bubblewrap 0.8); the
 * test runs each program with the options printed. */
#include "shell/equivalents.h"

#include <ctype.h>
#include <sched.h>
#include <string.h>

#include "i18n.h"
#include "kernel/cgroup/cgroup.h"
#include "session/cgroups.h"
#include "session/report.h"
#include "session/target.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void cut(struct strbuf *o, size_t len)
{
    o->len = len;
    if (o->buf)
        o->buf[len] = 0;
}

/* A word as a POSIX shell reads it back: quoted when it holds anything
 * but letters, digits and -_./:=,%+@ */
static void q(struct strbuf *o, const char *w)
{
    bool plain = *w != 0;
    for (const char *p = w; *p && plain; p++)
        plain = isalnum((unsigned char)*p) || strchr("-_./:=,%+@", *p);
    if (plain) {
        sb_append(o, w);
        return;
    }
    sb_appendc(o, '\'');
    for (const char *p = w; *p; p++) {
        if (*p == '\'')
            sb_append(o, "'\\''");
        else
            sb_appendc(o, *p);
    }
    sb_appendc(o, '\'');
}

static void words(struct strbuf *o, int argc, char **argv)
{
    for (int k = 0; k < argc; k++) {
        sb_appendc(o, ' ');
        q(o, argv[k]);
    }
}

/* The host PID of a TARGET word (NULL: the subject); 0 when it names none. */
static pid_t pid_of(struct nsl *sh, const char *word)
{
    struct target t;
    struct nsl_err e;
    if (!word)
        return sh->subj.pid;
    return target_resolve(sh, word, TARGET_ALLOW_DEAD, &t, &e) == 0 ? t.pid : 0;
}

/* A cgroup word as cgroup-tools name it: "memory:/nslab.42/mem1" (the path
 * below the hierarchy's mount), its directory in dir. false: unknown. */
static bool cg_spec(struct nsl *sh, const char *word, struct strbuf *spec, struct strbuf *dir,
                    const struct cg_group **gout)
{
    static struct cg_group buf;
    const struct cg_group *g;
    struct nsl_err e;
    if (!sh->cg || cgroups_resolve(sh, word, &buf, &g, &e) < 0 || g->hier < 0)
        return false;
    const char *mnt = sh->cg->layout.hier[g->hier].mount;
    size_t n = strlen(mnt);
    const char *rel = strncmp(g->dir, mnt, n) == 0 ? g->dir + n : g->dir;
    const struct cg_ctrl_info *ci = &cg_ctrl_info[g->ctrl];
    const char *ctrl = g->version == 2 ? ci->v2 : ci->v1;
    if (!ctrl)
        return false;
    sb_printf(spec, "%s:%s", ctrl, *rel ? rel : "/");
    if (dir)
        sb_append(dir, g->dir);
    if (gout)
        *gout = g;
    return true;
}

/* The same from the step's result ("path", "controller", "version"), for a
 * cgroup the step removed. */
static bool cg_spec_result(struct nsl *sh, struct strbuf *spec)
{
    const cJSON *r = sh->step.result;
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(r, "path");
    const cJSON *ctrl = cJSON_GetObjectItemCaseSensitive(r, "controller");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(r, "version");
    if (!sh->cg || !cJSON_IsString(path) || !cJSON_IsString(ctrl) || !cJSON_IsNumber(ver))
        return false;
    const struct cg_layout *l = &sh->cg->layout;
    size_t best = 0;
    for (size_t h = 0; h < l->nhier; h++) {
        size_t n = strlen(l->hier[h].mount);
        if (l->hier[h].version == ver->valueint && n > best &&
            strncmp(path->valuestring, l->hier[h].mount, n) == 0 && path->valuestring[n] == '/')
            best = n;
    }
    for (int c = 0; best && c < CG_NCTRL; c++) {
        const char *w = ver->valueint == 2 ? cg_ctrl_info[c].v2 : cg_ctrl_info[c].v1;
        if (w && strcmp(cg_ctrl_info[c].name, ctrl->valuestring) == 0) {
            sb_printf(spec, "%s:%s", w, path->valuestring + best);
            return true;
        }
    }
    return false;
}

/* --- one function per command: the lines, "\n" between ----------------- */

static void ns_options(struct strbuf *o, int flags, bool map)
{
    static const struct {
        int flag;
        const char *opt;
    } opts[] = {
        {CLONE_NEWNS, " --mount"},   {CLONE_NEWUTS, " --uts"},   {CLONE_NEWIPC, " --ipc"},
        {CLONE_NEWNET, " --net"},    {CLONE_NEWPID, " --pid"},   {CLONE_NEWCGROUP, " --cgroup"},
        {CLONE_NEWTIME, " --time"},  {CLONE_NEWUSER, " --user"},
    };
    for (size_t k = 0; k < ARRAY_SIZE(opts); k++)
        if (flags & opts[k].flag)
            sb_append(o, opts[k].opt);
    if ((flags & CLONE_NEWUSER) && map)
        sb_append(o, " --map-root-user");
    /* pid and time: only the children are in the new one */
    if (flags & (CLONE_NEWPID | CLONE_NEWTIME))
        sb_append(o, " --fork");
}

static bool eq_unshare(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    int flags = 0;
    bool map = true;
    const char *prop = NULL;
    for (int k = 1; k < argc; k++) {
        int f = 0;
        struct nsl_err e;
        if (strcmp(argv[k], "--no-map") == 0)
            map = false;
        else if (strcmp(argv[k], "--propagation") == 0 && k + 1 < argc)
            prop = argv[++k];
        else if (ns_flags_parse(argv[k], &f, &e) == 0)
            flags |= f;
    }
    sb_append(o, "unshare");
    ns_options(o, flags, map);
    if (prop) {
        sb_append(o, " --propagation ");
        q(o, prop);
    }
    return flags != 0;
}

static bool eq_setns(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc != 3)
        return false;
    int flags = 0;
    struct nsl_err e;
    if (ns_flags_parse(argv[1], &flags, &e) < 0)
        return false;
    if (strchr(argv[2], '/')) { /* setns TYPE PATH: the option takes the file */
        enum ns_slot s;
        if (ns_type_parse(argv[1], &s, &e) < 0)
            return false;
        sb_append(o, "nsenter");
        ns_options(o, flags & ~(CLONE_NEWPID | CLONE_NEWTIME), false);
        if (flags & CLONE_NEWPID)
            sb_append(o, " --pid");
        if (flags & CLONE_NEWTIME)
            sb_append(o, " --time");
        sb_appendc(o, '=');
        q(o, argv[2]);
        return true;
    }
    pid_t pid = pid_of(sh, argv[2]);
    if (!pid)
        return false;
    sb_printf(o, "nsenter --target %d", (int)pid);
    if (strcmp(argv[1], "all") == 0) {
        sb_append(o, " --all");
        return true;
    }
    ns_options(o, flags & ~(CLONE_NEWPID | CLONE_NEWTIME), false);
    if (flags & CLONE_NEWPID)
        sb_append(o, " --pid");
    if (flags & CLONE_NEWTIME)
        sb_append(o, " --time");
    return true;
}

static bool eq_spawn(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    int k = 1, flags = 0;
    const char *cg = NULL;
    for (; k < argc && argv[k][0] == '-'; k++) {
        struct nsl_err e;
        if (strcmp(argv[k], "--") == 0) {
            k++;
            break;
        }
        if (strcmp(argv[k], "--ns") == 0 && k + 1 < argc)
            ns_flags_parse(argv[++k], &flags, &e);
        else if (strcmp(argv[k], "--cg") == 0 && k + 1 < argc)
            cg = argv[++k];
    }
    if (k >= argc)
        return false;
    if (cg) {
        struct strbuf spec = {0};
        if (strchr(cg, ',') || !cg_spec(sh, cg, &spec, NULL, NULL)) {
            sb_free(&spec);
            return false;
        }
        sb_printf(o, "cgexec -g %s ", sb_str(&spec));
        sb_free(&spec);
    }
    if (flags) {
        sb_append(o, "unshare");
        ns_options(o, flags, true);
        if (!(flags & (CLONE_NEWPID | CLONE_NEWTIME)))
            sb_append(o, " --fork");
        sb_appendc(o, ' ');
    }
    q(o, argv[k]);
    words(o, argc - k - 1, argv + k + 1);
    sb_append(o, " &");
    return true;
}

/* !PROGRAM: argv[0] is the program */
static bool eq_bang(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc < 1)
        return false;
    sb_printf(o, "nsenter --target %d --all", (int)sh->subj.pid);
    words(o, argc, argv);
    return true;
}

static bool eq_kill(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    int k = 1;
    const char *sig = NULL;
    if (k < argc && argv[k][0] == '-' && argv[k][1] != '-')
        sig = argv[k++] + 1;
    /* --from inside: sent from within the PID namespace, by its number
     * there; kill(1) from the host is not the same */
    if (k >= argc || (k + 2 < argc && strcmp(argv[k + 2], "inside") == 0))
        return false;
    pid_t pid = pid_of(sh, argv[k]);
    if (!pid)
        return false;
    sb_append(o, "kill");
    if (sig) {
        sb_append(o, " -");
        q(o, sig);
    }
    sb_printf(o, " %d", (int)pid);
    return true;
}

static bool eq_same(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    q(o, argv[0]);
    words(o, argc - 1, argv + 1);
    return true;
}

static bool eq_cgcreate(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    /* what the step made and wrote, from its result */
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(sh->step.result, "name");
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(sh->step.result, "files");
    struct strbuf spec = {0};
    if (!cJSON_IsString(name) || !cg_spec(sh, name->valuestring, &spec, NULL, NULL)) {
        sb_free(&spec);
        return false;
    }
    sb_printf(o, "cgcreate -g %s", sb_str(&spec));
    const char *path = strchr(sb_str(&spec), ':') + 1;
    const cJSON *f;
    cJSON_ArrayForEach(f, files)
    {
        if (!cJSON_IsString(f))
            continue;
        sb_append(o, "\ncgset -r ");
        struct strbuf kv = {0};
        sb_printf(&kv, "%s=%s", f->string, f->valuestring);
        q(o, sb_str(&kv));
        sb_free(&kv);
        sb_appendc(o, ' ');
        q(o, path);
    }
    sb_free(&spec);
    return true;
}

/* cgset, cgget, cgattach, cgexec, cgdelete: the cgroup word first */
static bool eq_cgtool(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    struct strbuf spec = {0};
    bool gone = strcmp(argv[0], "cgdelete") == 0; /* resolved no more */
    if (argc < 2 || !(gone ? cg_spec_result(sh, &spec) : cg_spec(sh, argv[1], &spec, NULL, NULL))) {
        sb_free(&spec);
        return false;
    }
    const char *path = strchr(sb_str(&spec), ':') + 1;
    bool ok = true;
    if (strcmp(argv[0], "cgset") == 0 && argc == 4) {
        struct strbuf kv = {0};
        sb_printf(&kv, "%s=%s", argv[2], argv[3]);
        sb_append(o, "cgset -r ");
        q(o, sb_str(&kv));
        sb_appendc(o, ' ');
        q(o, path);
        sb_free(&kv);
    } else if (strcmp(argv[0], "cgget") == 0) {
        sb_append(o, "cgget");
        for (int k = 2; k < argc; k++) {
            if (cg_key_is_abstract(argv[k]))
                continue;
            sb_append(o, " -r ");
            q(o, argv[k]);
        }
        sb_printf(o, " -g %s", sb_str(&spec));
    } else if (strcmp(argv[0], "cgattach") == 0 && argc <= 3) {
        pid_t pid = pid_of(sh, argc == 3 ? argv[2] : NULL);
        sb_printf(o, "cgclassify -g %s %d", sb_str(&spec), (int)pid);
        ok = pid != 0;
    } else if (strcmp(argv[0], "cgexec") == 0 && argc >= 3) {
        sb_printf(o, "cgexec -g %s", sb_str(&spec));
        words(o, argc - 2, argv + 2);
        sb_append(o, " &");
    } else if (strcmp(argv[0], "cgdelete") == 0) {
        sb_printf(o, "cgdelete -g %s", sb_str(&spec));
    } else {
        ok = false;
    }
    sb_free(&spec);
    return ok;
}

/* cgfreeze, cgthaw: the file the kernel reads (cgroup-tools has no word) */
static bool eq_freeze(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    struct strbuf spec = {0}, dir = {0};
    const struct cg_group *g = NULL;
    bool ok = argc == 2 && cg_spec(sh, argv[1], &spec, &dir, &g);
    if (ok) {
        bool freeze = strcmp(argv[0], "cgfreeze") == 0;
        if (g->version == 2)
            sb_printf(o, "echo %d > ", freeze ? 1 : 0);
        else
            sb_printf(o, "echo %s > ", freeze ? "FROZEN" : "THAWED");
        q(o, sb_str(&dir));
        sb_append(o, g->version == 2 ? "/cgroup.freeze" : "/freezer.state");
    }
    sb_free(&spec);
    sb_free(&dir);
    return ok;
}

static bool eq_mount(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    const char *opts = NULL;
    char *pos[3];
    int n = 0;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "-o") == 0 && k + 1 < argc)
            opts = argv[++k];
        else if (n < 3)
            pos[n++] = argv[k];
    }
    if (n != 3)
        return false;
    sb_append(o, "mount -t ");
    q(o, pos[0]);
    if (opts) {
        sb_append(o, " -o ");
        q(o, opts);
    }
    words(o, 2, pos + 1);
    return true;
}

/* bind, umount, propagation: a flag at the end becomes an option */
static bool eq_mountflag(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    bool flag = argc > 1 && argv[argc - 1][0] == '-';
    int n = argc - 1 - flag;
    if (strcmp(argv[0], "bind") == 0 && n == 2) {
        sb_append(o, flag ? "mount --rbind" : "mount --bind");
        words(o, 2, argv + 1);
    } else if (strcmp(argv[0], "umount") == 0 && n == 1) {
        sb_append(o, flag ? "umount --lazy" : "umount");
        words(o, 1, argv + 1);
    } else if (strcmp(argv[0], "propagation") == 0 && n == 2) {
        sb_printf(o, "mount --make-%s", flag ? "r" : "");
        q(o, argv[1]);
        words(o, 1, argv + 2);
    } else {
        return false;
    }
    return true;
}

static bool eq_mounts(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    const char *in = NULL, *path = NULL;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--in") == 0 && k + 1 < argc)
            in = argv[++k];
        else
            path = argv[k];
    }
    pid_t pid = pid_of(sh, in);
    if (!pid)
        return false;
    sb_printf(o, "findmnt --task %d", (int)pid);
    if (path)
        words(o, 1, (char *[]){(char *)path});
    return true;
}

static bool eq_pin(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    enum ns_slot s;
    struct nsl_err e;
    if (argc < 3 || argc > 4 || ns_type_parse(argv[1], &s, &e) < 0)
        return false;
    pid_t pid = pid_of(sh, argc == 4 ? argv[3] : NULL);
    if (!pid)
        return false;
    sb_append(o, "touch");
    words(o, 1, argv + 2);
    sb_printf(o, "\nmount --bind /proc/%d/ns/%s", (int)pid, ns_info[s].file);
    words(o, 1, argv + 2);
    return true;
}

static bool eq_unpin(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc != 2)
        return false;
    sb_append(o, "umount");
    words(o, 1, argv + 1);
    return true;
}

static bool eq_ipc(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc == 2 && strcmp(argv[1], "ls") == 0)
        sb_append(o, "ipcs");
    else if (argc >= 3 && strcmp(argv[2], "msg") == 0)
        sb_append(o, "ipcmk --queue --mode 0600");
    else if (argc >= 3 && strcmp(argv[2], "shm") == 0)
        sb_append(o, "ipcmk --shmem 4096 --mode 0600");
    else if (argc >= 3 && strcmp(argv[2], "sem") == 0)
        sb_append(o, "ipcmk --semaphore 1 --mode 0600");
    else
        return false;
    return true;
}

/* uidmap, gidmap, setgroups: a write to the file under /proc/PID */
static bool eq_procfile(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    bool sg = strcmp(argv[0], "setgroups") == 0;
    int want = sg ? 2 : 4; /* words after the command, without TARGET */
    if (argc - 1 != want && argc - 1 != want + 1)
        return false;
    bool has_target = argc - 1 == want + 1;
    /* uidmap [TARGET] IN OUT COUNT; setgroups deny|allow [TARGET] */
    const char *tw = !has_target ? NULL : sg ? argv[2] : argv[1];
    pid_t pid = pid_of(sh, tw);
    if (!pid)
        return false;
    if (sg) {
        sb_append(o, "echo ");
        q(o, argv[1]);
    } else {
        int first = has_target ? 2 : 1;
        sb_printf(o, "echo '%s %s %s'", argv[first], argv[first + 1], argv[first + 2]);
    }
    sb_printf(o, " > /proc/%d/%s", (int)pid,
              sg ? "setgroups" : strcmp(argv[0], "uidmap") == 0 ? "uid_map" : "gid_map");
    return true;
}

static bool eq_timens(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc != 3)
        return false;
    sb_printf(o, "unshare --time --fork --%s", strcmp(argv[1], "boottime") == 0 ? "boottime" : "monotonic");
    words(o, 1, argv + 2);
    return true;
}

static bool eq_veth(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc != 3 && !(argc == 5 && strcmp(argv[3], "--peer-ns") == 0))
        return false;
    sb_append(o, "ip link add name"); /* "name": a NAME like "a" is no keyword then */
    words(o, 1, argv + 1);
    sb_append(o, " type veth peer name");
    words(o, 1, argv + 2);
    if (argc == 5) {
        pid_t pid = pid_of(sh, argv[4]);
        if (!pid)
            return false;
        sb_append(o, "\nip link set dev");
        words(o, 1, argv + 2);
        sb_printf(o, " netns %d", (int)pid);
    }
    return true;
}

static bool eq_link(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc == 3 && strcmp(argv[1], "up") == 0) {
        sb_append(o, "ip link set dev");
        words(o, 1, argv + 2);
        sb_append(o, " up");
        return true;
    }
    pid_t pid = pid_of(sh, argc == 2 ? argv[1] : NULL);
    if (!pid || argc > 2)
        return false;
    sb_printf(o, "nsenter --target %d --net ip link show", (int)pid);
    return true;
}

static bool eq_addr(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc != 5)
        return false;
    sb_append(o, "ip addr add");
    words(o, 3, argv + 2);
    return true;
}

/* caps drop|keep CAP,...: setpriv's names have no cap_ prefix */
static bool eq_caps(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc != 3 || (strcmp(argv[1], "drop") != 0 && strcmp(argv[1], "keep") != 0))
        return false;
    bool keep = strcmp(argv[1], "keep") == 0;
    struct strbuf list = {0};
    cleanup_free char *copy = xstrdup(argv[2]);
    char *save = NULL;
    if (keep)
        sb_append(&list, "-all");
    for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        if (strncasecmp(c, "cap_", 4) == 0)
            c += 4;
        for (char *p = c; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        sb_printf(&list, "%s%c%s", list.len ? "," : "", keep ? '+' : '-', c);
    }
    sb_printf(o, "setpriv --inh-caps %s --bounding-set %s -- $SHELL", sb_str(&list),
              sb_str(&list));
    sb_free(&list);
    return true;
}

static bool eq_lsns(struct nsl *sh, int argc, char **argv, struct strbuf *o)
{
    if (argc == 3 && strcmp(argv[1], "--tree") == 0) {
        /* --tree takes its word after '=' only (an optional argument) */
        sb_printf(o, "lsns --tree=parent --type %s", strcmp(argv[2], "user") == 0 ? "user" : "pid");
        return true;
    }
    if (argc == 2 && strcmp(argv[1], "all") == 0) {
        sb_append(o, "lsns");
        return true;
    }
    pid_t pid = pid_of(sh, argc == 2 ? argv[1] : NULL);
    if (!pid || argc > 2)
        return false;
    sb_printf(o, "lsns --task %d", (int)pid);
    return true;
}

/* The table. generic: the form help shows (the synopsis's words); note:
 * words about it (translated), or NULL. */
static const struct equivalent equivalents[] = {
    {"ls-ns", "lsns --task PID | lsns | lsns --tree=parent --type TYPE", NULL, eq_lsns},
    {"unshare", "unshare --uts --ipc --net --mount --pid --fork --cgroup --time --user "
                "--map-root-user [--propagation MODE]",
     N_("bubblewrap makes a whole sandbox in one go: bwrap --unshare-all --dev-bind / / "
        "$SHELL"),
     eq_unshare},
    {"setns", "nsenter --target PID --uts --net ... | nsenter --uts=PATH", NULL, eq_setns},
    {"spawn", "[cgexec -g CONTROLLER:PATH] [unshare --fork --TYPE...] PROGRAM [ARGS...] &",
     NULL, eq_spawn},
    {"!", "nsenter --target PID --all PROGRAM [ARGS...]", NULL, eq_bang},
    {"kill", "kill [-SIG] PID", NULL, eq_kill},
    {"hostname", "hostname [NAME]", NULL, eq_same},
    {"domainname", "domainname [NAME]", NULL, eq_same},
    {"cgcreate", "cgcreate -g CONTROLLER:PATH; cgset -r FILE=VALUE PATH", NULL, eq_cgcreate},
    {"cgset", "cgset -r FILE=VALUE PATH", NULL, eq_cgtool},
    {"cgget", "cgget [-r FILE...] -g CONTROLLER:PATH", NULL, eq_cgtool},
    {"cgattach", "cgclassify -g CONTROLLER:PATH PID", NULL, eq_cgtool},
    {"cgexec", "cgexec -g CONTROLLER:PATH PROGRAM [ARGS...] &", NULL, eq_cgtool},
    {"cgfreeze", "echo 1 > DIR/cgroup.freeze (v2) | echo FROZEN > DIR/freezer.state (v1)",
     NULL, eq_freeze},
    {"cgthaw", "echo 0 > DIR/cgroup.freeze (v2) | echo THAWED > DIR/freezer.state (v1)", NULL,
     eq_freeze},
    {"cgdelete", "cgdelete -g CONTROLLER:PATH", NULL, eq_cgtool},
    {"mounts", "findmnt --task PID [PATH]", NULL, eq_mounts},
    {"mount", "mount -t FSTYPE [-o OPTS] SOURCE TARGET", NULL, eq_mount},
    {"bind", "mount --bind SOURCE TARGET | mount --rbind SOURCE TARGET",
     N_("bubblewrap: bwrap --bind SOURCE TARGET ..."), eq_mountflag},
    {"umount", "umount [--lazy] TARGET", NULL, eq_mountflag},
    {"propagation", "mount --make-[r]MODE PATH", NULL, eq_mountflag},
    {"pin", "touch PATH; mount --bind /proc/PID/ns/TYPE PATH",
     N_("ip netns add NAME does the same for a network namespace, under /run/netns"), eq_pin},
    {"unpin", "umount PATH", NULL, eq_unpin},
    {"ipc", "ipcmk --queue | ipcmk --shmem 4096 | ipcmk --semaphore 1 [--mode 0600]; ipcs",
     N_("ipcmk always uses a random key: it takes no KEY"), eq_ipc},
    {"uidmap", "echo 'INSIDE OUTSIDE COUNT' > /proc/PID/uid_map",
     N_("newuidmap(1) of the uidmap package does it for an unprivileged user"), eq_procfile},
    {"gidmap", "echo 'INSIDE OUTSIDE COUNT' > /proc/PID/gid_map", NULL, eq_procfile},
    {"setgroups", "echo WORD > /proc/PID/setgroups", NULL, eq_procfile},
    {"timens", "unshare --time --fork --monotonic SECONDS", NULL, eq_timens},
    {"veth", "ip link add name NAME type veth peer name PEER; ip link set dev PEER netns PID", NULL,
     eq_veth},
    {"link", "ip link show | ip link set dev NAME up", NULL, eq_link},
    {"addr", "ip addr add CIDR dev NAME", NULL, eq_addr},
    {"chroot", "chroot DIR", NULL, eq_same},
    {"pivot_root", "pivot_root NEW PUT_OLD",
     N_("bubblewrap does the same for a container: bwrap --bind NEW / --proc /proc --dev /dev "
        "$SHELL"),
     eq_same},
    {"caps", "setpriv --inh-caps -CAP,... --bounding-set -CAP,... -- $SHELL", NULL, eq_caps},
    {"nnp", "setpriv --no-new-privs -- $SHELL", NULL, NULL},
};

const struct equivalent *equivalent_find(const char *cmd)
{
    for (size_t k = 0; k < ARRAY_SIZE(equivalents); k++)
        if (strcmp(equivalents[k].cmd, cmd) == 0)
            return &equivalents[k];
    return NULL;
}

void equivalent_help(struct nsl *sh, const char *cmd)
{
    const struct equivalent *q = equivalent_find(cmd);
    if (!q)
        return;
    out_printf(sh, _("Outside nslab: %s\n"), q->generic);
    if (q->note)
        out_printf(sh, "  (%s)\n", _(q->note));
}

bool equivalent_of(struct nsl *sh, const char *cmd, int argc, char **argv, struct strbuf *out)
{
    const struct equivalent *e = argc > 0 ? equivalent_find(cmd) : NULL;
    if (!e)
        return false;
    if (!e->fill) {
        sb_append(out, e->generic);
        return true;
    }
    size_t len = out->len;
    if (!e->fill(sh, argc, argv, out)) {
        cut(out, len);
        return false;
    }
    return true;
}

void equivalent_report(struct nsl *sh, const char *cmd, int argc, char **argv)
{
    struct step *st = &sh->step;
    if (!sh->opt.equivalents || !st->ok || !equivalent_of(sh, cmd, argc, argv, &st->equivalent))
        return;
    /* the text's lines; -J has them as the step's "equivalent" (render/json.c) */
    const char *p = sb_str(&st->equivalent);
    while (*p) {
        size_t n = strcspn(p, "\n");
        /* TRANSLATORS: before a command of util-linux, iproute2 or
         * cgroup-tools that does what the step did */
        sb_printf(&st->out, _("  outside nslab: %.*s\n"), (int)n, p);
        p += n + (p[n] == '\n');
    }
}

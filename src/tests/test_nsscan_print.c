#define _GNU_SOURCE
/* Unit tests of the scan's table, tree and JSON (render/nsscan_print.c), on
 * scans of a fake /proc tree, on hand-made trees, and, as root, on the real
 * tree with a child in a new PID namespace. */
/* layer: render */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/nsscan.h"
#include "render/nsscan_print.h"
#include "util.h"

/* ---- a fake /proc tree ---- */

/* Inodes of the initial namespaces, in ns_slot order (the *_for_children
 * slots are not written). */
static const ino_t base_ino[NS_NSLOTS] = {
    [NS_CGROUP] = 4026531835, [NS_IPC] = 4026531839,  [NS_MNT] = 4026531840,  [NS_NET] = 4026531992,
    [NS_PID] = 4026531836,    [NS_TIME] = 4026531834, [NS_USER] = 4026531837, [NS_UTS] = 4026531838,
};

struct fixture {
    char dir[64];
    int procfd;
};

static void write_at(const char *dir, const char *name, const char *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

/* PID/ns with one symlink per type ("uts -> uts:[N]", inodes from ino[] or
 * base_ino[] where ino[] is 0), PID/cmdline (len bytes, NULs inside),
 * PID/comm and PID/status with an NSpid line. */
static void fake_proc(struct fixture *fx, pid_t pid, const ino_t *ino, const char *cmdline,
                      size_t len, const char *comm, const char *nspid)
{
    char dir[128], ns[160], link[64], path[192];
    snprintf(dir, sizeof dir, "%s/%d", fx->dir, (int)pid);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(ns, sizeof ns, "%s/ns", dir);
    assert_int_equal(mkdir(ns, 0755), 0);
    for (int s = 0; s < NS_NSLOTS; s++) {
        if (!ns_is_type(s))
            continue;
        ino_t v = ino && ino[s] ? ino[s] : base_ino[s];
        snprintf(link, sizeof link, "%s:[%ju]", ns_info[s].name, (uintmax_t)v);
        snprintf(path, sizeof path, "%s/%s", ns, ns_info[s].file);
        assert_int_equal(symlink(link, path), 0);
    }
    write_at(dir, "cmdline", cmdline, len);
    char buf[128];
    snprintf(buf, sizeof buf, "%s\n", comm);
    write_at(dir, "comm", buf, strlen(buf));
    snprintf(buf, sizeof buf, "Name:\t%s\nNSpid:\t%s\nNSpgid:\t1\n", comm, nspid);
    write_at(dir, "status", buf, strlen(buf));
}

#define CMD(lit) lit, sizeof(lit) - 1

static int setup(void **state)
{
    struct fixture *fx = xcalloc(1, sizeof *fx);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/nsscan-test.XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    fx->procfd = open(fx->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(fx->procfd >= 0);
    *state = fx;
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    close(fx->procfd);
    nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(fx);
    return 0;
}

/* Init and a kernel thread in the initial namespaces; 100 and 30 share a new
 * net and uts namespace (30 is the lower PID though "100" sorts first as
 * text); 40 has vanished (its directory has no ns); other entries are not
 * processes. */
static void standard_tree(struct fixture *fx)
{
    fake_proc(fx, 1, NULL, CMD("/sbin/init\0splash\0"), "systemd", "1");
    fake_proc(fx, 2, NULL, CMD(""), "kthreadd", "2");
    ino_t own[NS_NSLOTS] = {[NS_NET] = 4026532200, [NS_UTS] = 4026532300};
    /* \000 (three octal digits) so the 1 after it is not read as octal. */
    fake_proc(fx, 100, own, CMD("sleep\000100\0"), "sleep", "100");
    fake_proc(fx, 30, own, CMD("sh\0-c\0x y\0"), "sh", "30");
    char path[128];
    snprintf(path, sizeof path, "%s/40", fx->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/sys", fx->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/self", fx->dir);
    assert_int_equal(symlink("30", path), 0);
}

static const struct nsscan_ns *find_ns(const struct nsscan *s, enum ns_slot type, ino_t ino)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].type == type && s->v[i].ino == ino)
            return &s->v[i];
    return NULL;
}

static void test_empty_proc(void **state)
{
    struct fixture *fx = *state;
    struct nsscan s;
    assert_int_equal(nsscan_all(fx->procfd, &s, NULL), 0);
    assert_int_equal(s.n, 0);
    struct strbuf sb = {0};
    nsscan_print_table(&s, NULL, &sb);
    assert_string_equal(sb_str(&sb), "NS TYPE NPROCS PID USERNS OWNER COMMAND\n");
    sb_free(&sb);
    nsscan_free(&s);
}

static void test_table_text(void **state)
{
    struct fixture *fx = *state;
    standard_tree(fx);
    struct nsscan s;
    assert_int_equal(nsscan_all(fx->procfd, &s, NULL), 0);
    struct strbuf sb = {0};
    nsscan_print_table(&s, NULL, &sb);
    assert_string_equal(sb_str(&sb), "        NS TYPE   NPROCS PID USERNS OWNER COMMAND\n"
                                     "4026531834 time        4   1      -     - /sbin/init splash\n"
                                     "4026531835 cgroup      4   1      -     - /sbin/init splash\n"
                                     "4026531836 pid         4   1      -     - /sbin/init splash\n"
                                     "4026531837 user        4   1      -     - /sbin/init splash\n"
                                     "4026531838 uts         2   1      -     - /sbin/init splash\n"
                                     "4026531839 ipc         4   1      -     - /sbin/init splash\n"
                                     "4026531840 mnt         4   1      -     - /sbin/init splash\n"
                                     "4026531992 net         2   1      -     - /sbin/init splash\n"
                                     "4026532200 net         2  30      -     - sh -c x y\n"
                                     "4026532300 uts         2  30      -     - sh -c x y\n");
    sb_free(&sb);
    nsscan_free(&s);
}

/* Labels as --stable makes them: the shell numbers them by appearance; a
 * fixed mapping is enough here. */
static const char *test_ino_label(void *ctx, enum ns_slot type, ino_t ino, char *buf, size_t size)
{
    snprintf(buf, size, "%s#%ju", ns_info[type].name, (uintmax_t)(ino % 100));
    return buf;
}

static const char *test_pid_label(void *ctx, pid_t pid, char *buf, size_t size)
{
    snprintf(buf, size, "pid@%d", (int)pid);
    return buf;
}

static const struct label_fmt test_labels = {test_ino_label, test_pid_label, NULL, NULL};

static void test_table_labels(void **state)
{
    struct fixture *fx = *state;
    ino_t own[NS_NSLOTS] = {[NS_NET] = 4026532200};
    fake_proc(fx, 30, own, CMD("sh\0"), "sh", "30");
    struct nsscan s;
    assert_int_equal(nsscan_all(fx->procfd, &s, NULL), 0);
    struct strbuf sb = {0};
    nsscan_print_table(&s, &test_labels, &sb);
    assert_string_equal(sb_str(&sb), "       NS TYPE   NPROCS    PID USERNS OWNER COMMAND\n"
                                     "  time#34 time        1 pid@30      -     - sh\n"
                                     "cgroup#35 cgroup      1 pid@30      -     - sh\n"
                                     "   pid#36 pid         1 pid@30      -     - sh\n"
                                     "  user#37 user        1 pid@30      -     - sh\n"
                                     "   uts#38 uts         1 pid@30      -     - sh\n"
                                     "   ipc#39 ipc         1 pid@30      -     - sh\n"
                                     "   mnt#40 mnt         1 pid@30      -     - sh\n"
                                     "    net#0 net         1 pid@30      -     - sh\n");
    sb_free(&sb);
    cJSON *j = nsscan_json(&s, &test_labels);
    char *txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(j, 7));
    assert_string_equal(txt, "{\"ns\":\"net#0\",\"type\":\"net\",\"nprocs\":1,\"pid\":\"pid@30\","
                             "\"userns\":null,\"owner_uid\":null,\"held_by\":null,\"command\":\"sh\"}");
    free(txt);
    cJSON_Delete(j);
    nsscan_free(&s);
}

/* A namespace no process is in, held by a bind mount (an nsfs line of a
 * mount namespace's mountinfo) or by a descriptor (a /proc/PID/fd link):
 * listed with NPROCS 0 and what holds it, in the text and the JSON. */
static void test_held(void **state)
{
    struct fixture *fx = *state;
    standard_tree(fx);
    char path[192];
    snprintf(path, sizeof path, "%s/1", fx->dir); /* the lowest PID of the mount namespace */
    const char *mi = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                     "77 1 0:4 net:[4026532999] /tmp/my\\040pins/netns rw - nsfs nsfs rw\n"
                     "78 1 0:4 net:[4026532200] /tmp/live rw - nsfs nsfs rw\n";
    write_at(path, "mountinfo", mi, strlen(mi));
    snprintf(path, sizeof path, "%s/100/fd", fx->dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/100/fd/5", fx->dir);
    assert_int_equal(symlink("uts:[4026532777]", path), 0);
    snprintf(path, sizeof path, "%s/100/fd/6", fx->dir);
    assert_int_equal(symlink("/dev/null", path), 0);
    struct nsscan s;
    assert_int_equal(nsscan_all(fx->procfd, &s, NULL), 0);
    assert_int_equal(s.n, 12); /* the 10 with processes, and two held */
    const struct nsscan_ns *m = find_ns(&s, NS_NET, 4026532999);
    assert_non_null(m);
    assert_int_equal(m->nprocs, 0);
    assert_int_equal(m->held, NSSCAN_HELD_MOUNT);
    assert_string_equal(m->held_path, "/tmp/my pins/netns");
    const struct nsscan_ns *d = find_ns(&s, NS_UTS, 4026532777);
    assert_non_null(d);
    assert_int_equal(d->held, NSSCAN_HELD_FD);
    assert_int_equal(d->held_fd, 5);
    assert_int_equal(d->held_pid, 100);
    /* 4026532200 has processes: not listed twice */
    assert_int_equal(find_ns(&s, NS_NET, 4026532200)->held, NSSCAN_HELD_NONE);
    struct strbuf sb = {0};
    nsscan_print_table(&s, NULL, &sb);
    assert_non_null(strstr(sb_str(&sb), "4026532777 uts         0          -     - (held by "
                                        "descriptor 5 of 100)\n"));
    assert_non_null(strstr(sb_str(&sb), "(held by a bind mount on /tmp/my pins/netns, in the "
                                        "mount namespace of 1)\n"));
    sb_free(&sb);
    cJSON *j = nsscan_json(&s, NULL);
    char *txt = cJSON_PrintUnformatted(cJSON_GetArrayItem(j, 11));
    assert_string_equal(txt, "{\"ns\":4026532999,\"type\":\"net\",\"nprocs\":0,\"pid\":null,"
                             "\"userns\":null,\"owner_uid\":null,\"held_by\":{\"mount\":"
                             "\"/tmp/my pins/netns\",\"pid\":1},\"command\":null}");
    free(txt);
    cJSON_Delete(j);
    nsscan_free(&s);
}

static void test_json(void **state)
{
    struct fixture *fx = *state;
    standard_tree(fx);
    struct nsscan s;
    assert_int_equal(nsscan_all(fx->procfd, &s, NULL), 0);
    cJSON *j = nsscan_json(&s, NULL);
    assert_true(cJSON_IsArray(j));
    assert_int_equal(cJSON_GetArraySize(j), 10);
    char *first = cJSON_PrintUnformatted(cJSON_GetArrayItem(j, 0));
    assert_string_equal(first, "{\"ns\":4026531834,\"type\":\"time\",\"nprocs\":4,\"pid\":1,"
                               "\"userns\":null,\"owner_uid\":null,\"held_by\":null,\"command\":\"/sbin/init splash\"}");
    char *last = cJSON_PrintUnformatted(cJSON_GetArrayItem(j, 9));
    assert_string_equal(last, "{\"ns\":4026532300,\"type\":\"uts\",\"nprocs\":2,\"pid\":30,"
                              "\"userns\":null,\"owner_uid\":null,\"held_by\":null,\"command\":\"sh -c x y\"}");
    free(first);
    free(last);
    cJSON_Delete(j);
    nsscan_free(&s);
}

/* ---- printing a tree built by hand ---- */

static struct nsscan_ns tree_node(enum ns_slot type, ino_t ino, int level, pid_t first, size_t n)
{
    struct nsscan_ns ns = {.type = type, .ino = ino, .level = level};
    ns.npids = n;
    ns.nprocs = (int)n;
    if (n == 0)
        return ns;
    ns.pids = xcalloc(n, sizeof *ns.pids);
    size_t shown = n > NSSCAN_TREE_PROCS ? NSSCAN_TREE_PROCS : n;
    ns.procs = xcalloc(shown, sizeof *ns.procs);
    for (size_t k = 0; k < n; k++)
        ns.pids[k] = first + (pid_t)k;
    for (size_t k = 0; k < shown; k++) {
        ns.procs[k].pid = ns.pids[k];
        ns.procs[k].ns_pid = level == 0 ? ns.pids[k] : (pid_t)k + 1;
        ns.procs[k].command = xasprintf("cmd%zu", k);
    }
    ns.nprocs_shown = shown;
    ns.command = xstrdup("cmd0");
    return ns;
}

static void test_tree_text_pid(void **state)
{
    struct nsscan s = {.n = 5, .v = xcalloc(5, sizeof(struct nsscan_ns))};
    s.v[0] = tree_node(NS_PID, 4026531836, 0, 1, 10);
    s.v[1] = tree_node(NS_PID, 4026532001, 1, 200, 1);
    s.v[2] = tree_node(NS_PID, 4026532002, 2, 300, 2);
    s.v[3] = tree_node(NS_PID, 4026532003, 1, 400, 0);
    s.v[3].for_children_of = 399;
    s.v[4] = tree_node(NS_PID, 4026532004, 2, 1000, 1);
    struct strbuf sb = {0};
    nsscan_print_tree(&s, NS_PID, NULL, &sb);
    assert_string_equal(sb_str(&sb),
                        "PID namespaces (each process: host PID → PID inside its namespace)\n"
                        "pid:[4026531836]  level 0, 10 processes\n"
                        "│ 1 → 1  cmd0\n"
                        "│ 2 → 2  cmd1\n"
                        "│ 3 → 3  cmd2\n"
                        "│ 4 → 4  cmd3\n"
                        "│ 5 → 5  cmd4\n"
                        "│ 6 → 6  cmd5\n"
                        "│ 7 → 7  cmd6\n"
                        "│ 8 → 8  cmd7\n"
                        "│ … and 2 more\n"
                        "├─pid:[4026532001]  level 1, 1 process\n"
                        "│ │ 200 → 1  cmd0\n"
                        "│ └─pid:[4026532002]  level 2, 2 processes\n"
                        "│     300 → 1  cmd0\n"
                        "│     301 → 2  cmd1\n"
                        "└─pid:[4026532003]  level 1, no process left (pid_for_children of 399)\n"
                        "  └─pid:[4026532004]  level 2, 1 process\n"
                        "      1000 → 1  cmd0\n");
    sb_reset(&sb);
    nsscan_print_tree(&s, NS_PID, &test_labels, &sb);
    assert_non_null(strstr(sb_str(&sb), "├─pid#1  level 1, 1 process\n│ │ pid@200 → 1  cmd0\n"));
    sb_free(&sb);

    cJSON *j = nsscan_tree_json(&s, NS_PID, NULL);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    cJSON *root = cJSON_GetArrayItem(j, 0);
    cJSON *kids = cJSON_GetObjectItem(root, "children");
    assert_int_equal(cJSON_GetArraySize(kids), 2);
    cJSON *k1 = cJSON_GetArrayItem(kids, 1);
    char *txt = cJSON_PrintUnformatted(k1);
    assert_string_equal(txt, "{\"ns\":4026532003,\"type\":\"pid\",\"level\":1,\"nprocs\":0,"
                             "\"pid_for_children_of\":399,\"processes\":[],\"children\":[{"
                             "\"ns\":4026532004,\"type\":\"pid\",\"level\":2,\"nprocs\":1,"
                             "\"processes\":[{\"pid\":1000,\"ns_pid\":1,\"command\":\"cmd0\"}],"
                             "\"children\":[]}]}");
    free(txt);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "processes")), 8);
    cJSON_Delete(j);
    nsscan_free(&s);
}

/* The session's processes are tagged; those beyond the listed ones are
 * named after "… and N more" (the root namespace lists kernel threads). */
static const char *test_role(void *ctx, pid_t pid, char *buf, size_t size)
{
    if (pid == 9)
        return "subject";
    if (pid == 10)
        return "nslab";
    if (pid == 200) {
        snprintf(buf, size, "%%%d", 1);
        return buf;
    }
    return NULL;
}

static void test_tree_text_roles(void **state)
{
    struct nsscan s = {.n = 2, .v = xcalloc(2, sizeof(struct nsscan_ns))};
    s.v[0] = tree_node(NS_PID, 4026531836, 0, 1, 10);
    s.v[1] = tree_node(NS_PID, 4026532001, 1, 200, 1);
    const struct label_fmt roles = {.role = test_role};
    struct strbuf sb = {0};
    nsscan_print_tree(&s, NS_PID, &roles, &sb);
    assert_non_null(strstr(sb_str(&sb), "│ 8 → 8  cmd7\n"
                                        "│ … and 2 more, among them 9 (subject), 10 (nslab)\n"
                                        "└─pid:[4026532001]  level 1, 1 process\n"
                                        "    200 → 1  cmd0  (%1)\n"));
    sb_free(&sb);
    nsscan_free(&s);
}

static void test_tree_text_user(void **state)
{
    struct nsscan s = {.n = 3, .v = xcalloc(3, sizeof(struct nsscan_ns))};
    s.v[0] = tree_node(NS_USER, 4026531837, 0, 1, 1);
    s.v[0].nowns = 2;
    s.v[0].owns = xcalloc(2, sizeof *s.v[0].owns);
    s.v[0].owns[0] = (struct nsscan_owned){NS_MNT, 4026531840, 1};
    s.v[0].owns[1] = (struct nsscan_owned){NS_NET, 4026531992, 1};
    s.v[1] = tree_node(NS_USER, 4026532010, 1, 0, 0);
    s.v[1].owner_uid = 1000;
    s.v[2] = tree_node(NS_USER, 4026532011, 2, 500, 1);
    s.v[2].owner_uid = 1000;
    s.v[2].nowns = 14;
    s.v[2].owns = xcalloc(14, sizeof *s.v[2].owns);
    for (int k = 0; k < 14; k++)
        s.v[2].owns[k] = (struct nsscan_owned){NS_NET, 4026532100 + (ino_t)k, 0};
    struct strbuf sb = {0};
    nsscan_print_tree(&s, NS_USER, NULL, &sb);
    assert_string_equal(
        sb_str(&sb),
        "user namespaces (owner uid, the namespaces each owns, its processes)\n"
        "user:[4026531837]  level 0, owner uid 0, 1 process\n"
        "│ owns mnt:[4026531840] net:[4026531992]\n"
        "│ 1  cmd0\n"
        "└─user:[4026532010]  level 1, owner uid 1000, no processes\n"
        "  └─user:[4026532011]  level 2, owner uid 1000, 1 process\n"
        "      owns net:[4026532100] net:[4026532101] net:[4026532102] net:[4026532103]\n"
        "           net:[4026532104] net:[4026532105] net:[4026532106] net:[4026532107]\n"
        "           net:[4026532108] net:[4026532109] net:[4026532110] net:[4026532111] … and 2 "
        "more\n"
        "      500  cmd0\n");
    sb_free(&sb);
    cJSON *j = nsscan_tree_json(&s, NS_USER, NULL);
    cJSON *root = cJSON_GetArrayItem(j, 0);
    cJSON_DeleteItemFromObject(root, "children");
    char *txt = cJSON_PrintUnformatted(root);
    assert_string_equal(txt, "{\"ns\":4026531837,\"type\":\"user\",\"level\":0,\"nprocs\":1,"
                             "\"owner_uid\":0,\"owns\":[{\"type\":\"mnt\",\"ns\":4026531840,"
                             "\"nprocs\":1},{\"type\":\"net\",\"ns\":4026531992,\"nprocs\":1}],"
                             "\"processes\":[{\"pid\":1,\"command\":\"cmd0\"}]}");
    free(txt);
    cJSON_Delete(j);
    nsscan_free(&s);
}

static void test_tree_text_empty(void **state)
{
    struct nsscan s = {0};
    struct strbuf sb = {0};
    nsscan_print_tree(&s, NS_PID, NULL, &sb);
    assert_non_null(strstr(sb_str(&sb), "(none visible)"));
    sb_free(&sb);
    cJSON *j = nsscan_tree_json(&s, NS_PID, NULL);
    assert_int_equal(cJSON_GetArraySize(j), 0);
    cJSON_Delete(j);
}

/* ---- the real /proc (root only) ---- */

static bool need_root(void)
{
    return geteuid() == 0;
}

/* A child that makes new namespaces and waits to be killed. flags: for
 * unshare(2) in the child; with CLONE_NEWPID the child forks a grandchild
 * (PID 1 of the new namespace) and reports its host PID. *victim: the
 * process in the new namespaces. */
struct helper {
    pid_t child, victim;
};

static bool helper_start(struct helper *h, int flags)
{
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    h->child = fork();
    assert_true(h->child >= 0);
    if (h->child == 0) {
        close(p[0]);
        pid_t report = getpid();
        if (unshare(flags) < 0)
            report = -errno;
        else if (flags & CLONE_NEWPID) {
            pid_t g = fork();
            if (g == 0) {
                close(p[1]);
                pause();
                _exit(0);
            }
            report = g;
        }
        if (write(p[1], &report, sizeof report) != sizeof report)
            _exit(1);
        close(p[1]);
        if (report > 0 && report != getpid())
            waitpid(report, NULL, 0);
        else
            pause();
        _exit(0);
    }
    close(p[1]);
    pid_t got = 0;
    ssize_t n = read(p[0], &got, sizeof got);
    close(p[0]);
    h->victim = n == sizeof got ? got : 0;
    return h->victim > 0;
}

static void helper_stop(struct helper *h)
{
    if (h->victim > 0 && h->victim != h->child)
        kill(h->victim, SIGKILL);
    kill(h->child, SIGKILL);
    waitpid(h->child, NULL, 0);
}

static void test_real_tree_pid(void **state)
{
    if (!need_root())
        skip();
    struct helper h;
    assert_true(helper_start(&h, CLONE_NEWPID));
    int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct ns_obs mine[NS_NSLOTS], inner[NS_NSLOTS];
    assert_int_equal(ns_read_all(procfd, getpid(), mine), 0);
    assert_int_equal(ns_read_all(procfd, h.victim, inner), 0);
    struct nsscan s;
    struct nsl_err e = {0};
    int rc = nsscan_tree(procfd, NS_PID, NSSCAN_TREE_PROCS, &s, &e);
    helper_stop(&h);
    if (rc < 0)
        fail_msg("%s", e.msg);

    const struct nsscan_ns *top = find_ns(&s, NS_PID, mine[NS_PID].ino);
    assert_non_null(top);
    assert_int_equal(top->level, 0);
    assert_int_equal(top->parent, 0);
    assert_ptr_equal(top, &s.v[0]);
    bool found_self = false;
    for (size_t k = 0; k < top->npids; k++)
        found_self |= top->pids[k] == getpid();
    assert_true(found_self);

    assert_int_not_equal(inner[NS_PID].ino, mine[NS_PID].ino);
    const struct nsscan_ns *sub = find_ns(&s, NS_PID, inner[NS_PID].ino);
    assert_non_null(sub);
    assert_int_equal(sub->level, 1);
    assert_int_equal(sub->parent, mine[NS_PID].ino);
    assert_int_equal(sub->nprocs, 1);
    assert_int_equal(sub->nprocs_shown, 1);
    assert_int_equal(sub->procs[0].pid, h.victim);
    assert_int_equal(sub->procs[0].ns_pid, 1);
    /* Depth-first: a namespace's children follow it. */
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i].level <= s.v[i - 1].level + 1);

    struct strbuf sb = {0};
    nsscan_print_tree(&s, NS_PID, NULL, &sb);
    char want[96];
    snprintf(want, sizeof want, "─pid:[%ju]  level 1, 1 process\n", (uintmax_t)sub->ino);
    assert_non_null(strstr(sb_str(&sb), want));
    sb_free(&sb);
    nsscan_free(&s);
    close(procfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_proc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_labels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_held, setup, teardown),
        cmocka_unit_test(test_tree_text_pid),
        cmocka_unit_test(test_tree_text_user),
        cmocka_unit_test(test_tree_text_roles),
        cmocka_unit_test(test_tree_text_empty),
        cmocka_unit_test(test_real_tree_pid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

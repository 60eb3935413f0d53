#define _GNU_SOURCE
/* Unit tests of the namespace scan (kernel/nsscan.c, nsscan_tree.c): every
 * namespace of every process of a fake /proc tree and of the real one,
 * grouped, and the tree of PID and user namespaces. Its printing is in
 * test_nsscan_print.c. */
/* layer: kernel */
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

#include <cjson/cJSON.h>

#include "kernel/nsscan.h"
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

static void test_all_groups(void **state)
{
    struct fixture *fx = *state;
    standard_tree(fx);
    struct nsscan s;
    struct nsl_err e = {0};
    assert_int_equal(nsscan_all(fx->procfd, &s, &e), 0);
    assert_int_equal(s.n, 10);

    /* lsns's order: by inode. */
    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i - 1].ino < s.v[i].ino);
    assert_int_equal(s.v[0].type, NS_TIME);
    assert_int_equal(s.v[9].type, NS_UTS);

    const struct nsscan_ns *mnt = find_ns(&s, NS_MNT, base_ino[NS_MNT]);
    assert_non_null(mnt);
    assert_int_equal(mnt->nprocs, 4);
    assert_int_equal(mnt->npids, 4);
    pid_t want[] = {1, 2, 30, 100};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(mnt->pids[i], want[i]);
    assert_string_equal(mnt->command, "/sbin/init splash");

    const struct nsscan_ns *net = find_ns(&s, NS_NET, base_ino[NS_NET]);
    assert_non_null(net);
    assert_int_equal(net->nprocs, 2);

    const struct nsscan_ns *newnet = find_ns(&s, NS_NET, 4026532200);
    assert_non_null(newnet);
    assert_int_equal(newnet->nprocs, 2);
    assert_int_equal(newnet->pids[0], 30);
    assert_int_equal(newnet->pids[1], 100);
    assert_string_equal(newnet->command, "sh -c x y");
    assert_non_null(find_ns(&s, NS_UTS, 4026532300));
    char *c100 = nsscan_command(fx->procfd, 100);
    assert_string_equal(c100, "sleep 100");
    free(c100);
    /* Tree fields stay empty in a flat scan. */
    assert_int_equal(newnet->parent, 0);
    assert_int_equal(newnet->level, 0);
    nsscan_free(&s);
    assert_null(s.v);
}

static void test_all_lowest_pid_gone(void **state)
{
    struct fixture *fx = *state;
    /* PID 5's links were read, but its cmdline is gone by the time the
     * command is read: PID 7 becomes the lowest. */
    ino_t own[NS_NSLOTS] = {[NS_IPC] = 4026532400};
    fake_proc(fx, 5, own, CMD("a\0"), "a", "5");
    fake_proc(fx, 7, own, CMD("b\0"), "b", "7");
    char path[128];
    snprintf(path, sizeof path, "%s/5/cmdline", fx->dir);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof path, "%s/5/comm", fx->dir);
    assert_int_equal(unlink(path), 0);
    struct nsscan s;
    assert_int_equal(nsscan_all(fx->procfd, &s, NULL), 0);
    const struct nsscan_ns *ipc = find_ns(&s, NS_IPC, 4026532400);
    assert_non_null(ipc);
    assert_int_equal(ipc->nprocs, 1);
    assert_int_equal(ipc->pids[0], 7);
    assert_string_equal(ipc->command, "b");
    nsscan_free(&s);
}

static void test_command(void **state)
{
    struct fixture *fx = *state;
    fake_proc(fx, 10, NULL, CMD(""), "kworker/0:1", "10");
    fake_proc(fx, 11, NULL, CMD("a\tb\0\xff\xfe\0c\0\0\0"), "x", "11");
    fake_proc(fx, 12, NULL, CMD("caf\xc3\xa9\0\xe2\x86\x92\0"), "x", "12");
    fake_proc(fx, 13, NULL, CMD("no-trailing-nul"), "x", "13");
    char *c;
    assert_non_null(c = nsscan_command(fx->procfd, 10));
    assert_string_equal(c, "[kworker/0:1]");
    free(c);
    assert_non_null(c = nsscan_command(fx->procfd, 11));
    assert_string_equal(c, "a\\x09b \\xff\\xfe c"); /* escaped, as every such byte */
    free(c);
    assert_non_null(c = nsscan_command(fx->procfd, 12));
    assert_string_equal(c, "caf\xc3\xa9 \xe2\x86\x92");
    free(c);
    assert_non_null(c = nsscan_command(fx->procfd, 13));
    assert_string_equal(c, "no-trailing-nul");
    free(c);
    assert_null(nsscan_command(fx->procfd, 99));
}

/* In a fake tree the links point nowhere: no namespace file can be opened. */
static void test_tree_fake_dangling(void **state)
{
    struct fixture *fx = *state;
    standard_tree(fx);
    struct nsscan s;
    struct nsl_err e = {0};
    assert_int_equal(nsscan_tree(fx->procfd, NS_PID, 8, &s, &e), -1);
    assert_int_equal(e.errnum, ENOENT);
    assert_non_null(strstr(e.msg, "cannot read the namespace hierarchy"));
    assert_non_null(strstr(e.msg, "/1/ns/pid"));
    assert_null(s.v);
    assert_int_equal(nsscan_tree(fx->procfd, NS_USER, 8, &s, &e), -1);
    assert_null(s.v);
}

/* Links that resolve to a regular file: the ioctls could only fail
 * (ENOTTY), so the tree says it needs a real /proc. */
static void test_tree_fake_regular_file(void **state)
{
    struct fixture *fx = *state;
    fake_proc(fx, 1, NULL, CMD("init\0"), "init", "1");
    char path[256];
    snprintf(path, sizeof path, "%s/1/ns/pid:[%ju]", fx->dir, (uintmax_t)base_ino[NS_PID]);
    write_at("/", path, "", 0);
    struct nsscan s;
    struct nsl_err e = {0};
    assert_int_equal(nsscan_tree(fx->procfd, NS_PID, 8, &s, &e), -1);
    assert_int_equal(e.errnum, ENOTTY);
    assert_non_null(strstr(e.msg, "is not a namespace file"));
    assert_null(s.v);
}

static void test_tree_bad_type(void **state)
{
    struct fixture *fx = *state;
    struct nsscan s;
    struct nsl_err e = {0};
    assert_int_equal(nsscan_tree(fx->procfd, NS_NET, 8, &s, &e), -1);
    assert_int_equal(e.errnum, EINVAL);
}

/* ---- printing a tree built by hand ---- */

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

static void test_real_all_vs_lsns(void **state)
{
    if (!need_root())
        skip();
    if (system("command -v lsns >/dev/null 2>&1") != 0)
        skip();
    struct helper h;
    assert_true(helper_start(&h, CLONE_NEWUTS | CLONE_NEWIPC));
    int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(procfd >= 0);
    struct nsscan s;
    struct nsl_err e = {0};
    assert_int_equal(nsscan_all(procfd, &s, &e), 0);
    struct ns_obs mine[NS_NSLOTS], child[NS_NSLOTS];
    assert_int_equal(ns_read_all(procfd, getpid(), mine), 0);
    assert_int_equal(ns_read_all(procfd, h.child, child), 0);

    /* -l: a flat list (lsns nests namespaces by process otherwise). */
    FILE *f = popen("lsns -J -l -o NS,TYPE,NPROCS,PID,COMMAND 2>/dev/null", "r");
    assert_non_null(f);
    struct strbuf sb = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_appendn(&sb, buf, n);
    assert_int_equal(pclose(f), 0);
    helper_stop(&h);
    cJSON *j = cJSON_Parse(sb_str(&sb));
    sb_free(&sb);
    assert_non_null(j);
    cJSON *list = cJSON_GetObjectItem(j, "namespaces");
    assert_true(cJSON_IsArray(list));

    for (size_t i = 1; i < s.n; i++)
        assert_true(s.v[i - 1].ino < s.v[i].ino);

    int checked = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        ino_t ino = (ino_t)cJSON_GetObjectItem(it, "ns")->valuedouble;
        const char *type = cJSON_GetObjectItem(it, "type")->valuestring;
        enum ns_slot slot;
        assert_int_equal(ns_type_parse(type, &slot, NULL), 0);
        bool own = mine[slot].ino == ino;
        bool childs = (slot == NS_UTS || slot == NS_IPC) && child[slot].ino == ino;
        if (!own && !childs)
            continue;
        const struct nsscan_ns *ns = find_ns(&s, slot, ino);
        assert_non_null(ns);
        /* The lowest PID of the test's own namespaces is old and stable;
         * their counts move with lsns and its shell, so only the child's
         * namespaces (one process, the child) are compared in full. */
        assert_int_equal(ns->pids[0], (pid_t)cJSON_GetObjectItem(it, "pid")->valuedouble);
        if (childs) {
            assert_int_equal(ns->nprocs, (int)cJSON_GetObjectItem(it, "nprocs")->valuedouble);
            assert_int_equal(ns->nprocs, 1);
            assert_int_equal(ns->pids[0], h.child);
            cJSON *cmd = cJSON_GetObjectItem(it, "command");
            if (cJSON_IsString(cmd))
                assert_string_equal(ns->command, cmd->valuestring);
        }
        checked++;
    }
    /* 8 own namespaces (those lsns can see) and the child's 2. */
    assert_int_equal(checked, 10);
    cJSON_Delete(j);
    nsscan_free(&s);
    close(procfd);
}

static void test_real_tree_user(void **state)
{
    if (!need_root())
        skip();
    struct helper h;
    assert_true(helper_start(&h, CLONE_NEWUSER | CLONE_NEWUTS));
    int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct ns_obs mine[NS_NSLOTS], inner[NS_NSLOTS];
    assert_int_equal(ns_read_all(procfd, getpid(), mine), 0);
    assert_int_equal(ns_read_all(procfd, h.child, inner), 0);
    struct nsscan s;
    struct nsl_err e = {0};
    int rc = nsscan_tree(procfd, NS_USER, 0, &s, &e);
    helper_stop(&h);
    if (rc < 0)
        fail_msg("%s", e.msg);
    const struct nsscan_ns *top = find_ns(&s, NS_USER, mine[NS_USER].ino);
    assert_non_null(top);
    assert_int_equal(top->level, 0);
    assert_int_equal(top->nprocs_shown, top->npids); /* max_procs 0: all */
    const struct nsscan_ns *sub = find_ns(&s, NS_USER, inner[NS_USER].ino);
    assert_non_null(sub);
    assert_int_equal(sub->level, 1);
    assert_int_equal(sub->parent, top->ino);
    assert_int_equal(sub->owner_uid, geteuid());
    assert_int_equal(sub->nowns, 1);
    assert_int_equal(sub->owns[0].type, NS_UTS);
    assert_int_equal(sub->owns[0].ino, inner[NS_UTS].ino);
    /* Every other namespace is owned by one user namespace at most (our
     * own may be owned by one above those we can see). */
    size_t owned = 0, mine_owned = 0;
    for (size_t i = 0; i < s.n; i++) {
        for (size_t k = 0; k < s.v[i].nowns; k++) {
            assert_int_not_equal(s.v[i].owns[k].type, NS_USER);
            owned++;
            mine_owned += s.v[i].owns[k].ino == mine[NS_NET].ino;
        }
    }
    assert_true(owned >= 1);
    assert_true(mine_owned <= 1);
    nsscan_free(&s);
    close(procfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_lowest_pid_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tree_fake_dangling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tree_fake_regular_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tree_bad_type, setup, teardown),
        cmocka_unit_test(test_real_all_vs_lsns),
        cmocka_unit_test(test_real_tree_user),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

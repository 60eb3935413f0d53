#define _GNU_SOURCE
/* Unit tests of the namespace table and its parsers (kernel/ns.c), and of
 * ns_read_all on a fake /proc tree and on the real one. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/ns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const char *const types[8] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};
static const int all_flags = CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET |
                             CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWUSER | CLONE_NEWUTS;

/* --- the table ---------------------------------------------------------- */

static void test_table_order(void **state)
{
    /* The entries of /proc/PID/ns as ls(1) lists them. */
    static const char *const files[NS_NSLOTS] = {
        "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
        "time", "time_for_children", "user", "uts",
    };
    assert_int_equal(NS_NSLOTS, 10);
    assert_int_equal(ARRAY_SIZE(ns_info), 10);
    for (int i = 0; i < NS_NSLOTS; i++) {
        assert_non_null(ns_info[i].name);
        assert_string_equal(ns_info[i].file, files[i]);
        if (i > 0)
            assert_true(strcmp(ns_info[i - 1].file, ns_info[i].file) < 0);
    }
    assert_string_equal(ns_info[NS_PID4C].file, "pid_for_children");
    assert_string_equal(ns_info[NS_TIME4C].file, "time_for_children");
}

static void test_table_types(void **state)
{
    int seen = 0, ntypes = 0;
    for (int i = 0; i < NS_NSLOTS; i++) {
        const struct ns_info *ni = &ns_info[i];
        assert_non_null(ni->flag_name);
        assert_non_null(ni->isolates);
        assert_non_null(ni->man);
        assert_non_null(strstr(ni->man, "_namespaces(7)"));
        assert_true(ni->flag != 0);
        assert_int_equal(__builtin_popcount((unsigned)ni->flag), 1);
        if (ni->for_children)
            continue;
        ntypes++;
        assert_true(ns_is_type(i));
        assert_int_equal(ni->base, i);
        assert_string_equal(ni->name, ni->file);
        assert_string_equal(ni->name, types[ntypes - 1]);
        /* Each type's flag is its own. */
        assert_int_equal(seen & ni->flag, 0);
        seen |= ni->flag;
    }
    assert_int_equal(ntypes, 8);
    assert_int_equal(seen, all_flags);

    assert_string_equal(ns_info[NS_UTS].flag_name, "CLONE_NEWUTS");
    assert_int_equal(ns_info[NS_UTS].flag, CLONE_NEWUTS);
    assert_string_equal(ns_info[NS_MNT].flag_name, "CLONE_NEWNS");
    assert_int_equal(ns_info[NS_MNT].flag, CLONE_NEWNS);
    assert_string_equal(ns_info[NS_TIME].flag_name, "CLONE_NEWTIME");
    assert_string_equal(ns_info[NS_CGROUP].flag_name, "CLONE_NEWCGROUP");
}

static void test_table_for_children(void **state)
{
    static const struct {
        enum ns_slot slot, base;
    } pairs[] = {{NS_PID4C, NS_PID}, {NS_TIME4C, NS_TIME}};
    int n = 0;
    for (int i = 0; i < NS_NSLOTS; i++)
        n += ns_info[i].for_children;
    assert_int_equal(n, 2);
    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        const struct ns_info *ni = &ns_info[pairs[i].slot];
        assert_true(ni->for_children);
        assert_false(ns_is_type(pairs[i].slot));
        assert_int_equal(ni->base, pairs[i].base);
        assert_true(ns_is_type(ni->base));
        assert_int_equal(ni->flag, ns_info[ni->base].flag);
        assert_string_equal(ni->flag_name, ns_info[ni->base].flag_name);
        assert_string_equal(ni->man, ns_info[ni->base].man);
    }
}

/* The table must name exactly the entries this kernel shows. */
static void test_table_matches_proc(void **state)
{
    DIR *d = opendir("/proc/self/ns");
    if (!d) {
        print_message("no /proc/self/ns here: %s\n", strerror(errno));
        skip();
        return; /* not reached */
    }
    int found[NS_NSLOTS] = {0};
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        int i;
        for (i = 0; i < NS_NSLOTS; i++)
            if (strcmp(ns_info[i].file, de->d_name) == 0)
                break;
        if (i == NS_NSLOTS) {
            closedir(d);
            fail_msg("/proc/self/ns/%s is not in ns_info", de->d_name);
            return; /* not reached: fail_msg ends the test */
        }
        found[i]++;
    }
    closedir(d);
    for (int i = 0; i < NS_NSLOTS; i++)
        if (found[i] != 1)
            fail_msg("ns_info slot %s: %d entries in /proc/self/ns", ns_info[i].file, found[i]);
}

static void test_setns_order(void **state)
{
    int count[NS_NSLOTS] = {0};
    for (size_t i = 0; i < ARRAY_SIZE(ns_setns_order); i++) {
        enum ns_slot s = ns_setns_order[i];
        assert_in_range(s, 0, NS_NSLOTS - 1);
        assert_true(ns_is_type(s));
        count[s]++;
    }
    for (int i = 0; i < NS_NSLOTS; i++)
        assert_int_equal(count[i], ns_is_type(i) ? 1 : 0);
    /* User first, so the others are entered with the capabilities it gives. */
    assert_int_equal(ns_setns_order[0], NS_USER);
}

/* --- ns_type_parse ------------------------------------------------------- */

static void test_type_parse(void **state)
{
    static const struct {
        const char *word;
        enum ns_slot slot;
    } cases[] = {
        {"cgroup", NS_CGROUP}, {"ipc", NS_IPC},   {"mnt", NS_MNT},   {"net", NS_NET},
        {"pid", NS_PID},       {"time", NS_TIME}, {"user", NS_USER}, {"uts", NS_UTS},
        {"mount", NS_MNT},     {"network", NS_NET},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        enum ns_slot s = NS_NSLOTS;
        struct nsl_err e = {0};
        if (ns_type_parse(cases[i].word, &s, &e) != 0)
            fail_msg("\"%s\" rejected: %s", cases[i].word, e.msg);
        assert_int_equal(s, cases[i].slot);
    }
}

static void type_bad(const char *word)
{
    enum ns_slot s = NS_NSLOTS;
    struct nsl_err e = {0};
    if (ns_type_parse(word, &s, &e) != -1)
        fail_msg("\"%s\" accepted as a type", word);
    assert_int_equal(s, NS_NSLOTS);
    assert_int_equal(e.errnum, EINVAL);
    char want[128];
    snprintf(want, sizeof want, "'%s'", word);
    assert_non_null(strstr(e.msg, want));
    /* The message lists the words that would have worked. */
    assert_non_null(strstr(e.msg, "cgroup ipc mnt net pid time user uts"));
    assert_null(strchr(e.msg, '\n'));
    /* And a NULL error is fine. */
    assert_int_equal(ns_type_parse(word, &s, NULL), -1);
}

static void test_type_parse_rejects(void **state)
{
    type_bad("pid_for_children");
    type_bad("time_for_children");
    type_bad("foo");
    type_bad("UTS");
    type_bad("ut");
    type_bad("uts ");
    type_bad("");
    type_bad("all"); /* a list word, not one type */
}

/* --- ns_flags_parse ------------------------------------------------------ */

static void test_flags_parse(void **state)
{
    static const struct {
        const char *list;
        int flags;
    } cases[] = {
        {"uts", CLONE_NEWUTS},
        {"uts,net", CLONE_NEWUTS | CLONE_NEWNET},
        {"uts net", CLONE_NEWUTS | CLONE_NEWNET},
        {"uts, net", CLONE_NEWUTS | CLONE_NEWNET},
        {"mount,network", CLONE_NEWNS | CLONE_NEWNET},
        {"pid,pid", CLONE_NEWPID},
        {"all", all_flags},
        {"all,uts", all_flags},
        {"time", CLONE_NEWTIME},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int f = -1;
        struct nsl_err e = {0};
        if (ns_flags_parse(cases[i].list, &f, &e) != 0)
            fail_msg("\"%s\" rejected: %s", cases[i].list, e.msg);
        assert_int_equal(f, cases[i].flags);
    }
}

static void test_flags_parse_rejects(void **state)
{
    static const char *const bad[] = {
        "",        " ",        ",",    "foo",  "uts,foo",  "pid_for_children",
        "uts;net", "uts,,net", ",uts", "uts,", "uts, ,net"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        int f = 12345;
        struct nsl_err e = {0};
        if (ns_flags_parse(bad[i], &f, &e) != -1)
            fail_msg("\"%s\" accepted as %#x", bad[i], f);
        assert_int_equal(f, 12345);
        assert_int_equal(e.errnum, EINVAL);
        assert_true(e.msg[0] != '\0');
        assert_non_null(strstr(e.msg, "cgroup ipc mnt net pid time user uts"));
    }
    struct nsl_err e = {0};
    int f;
    assert_int_equal(ns_flags_parse("uts,foo", &f, &e), -1);
    assert_non_null(strstr(e.msg, "'foo'"));
    assert_int_equal(ns_flags_parse("", &f, NULL), -1);
}

/* --- ns_link_parse ------------------------------------------------------- */

static void test_link_parse(void **state)
{
    ino_t ino = 0;
    assert_int_equal(ns_link_parse("uts:[4026531838]", &ino), 0);
    assert_int_equal(ino, 4026531838u);
    assert_int_equal(ns_link_parse("pid_for_children:[4026532178]", &ino), 0);
    assert_int_equal(ino, 4026532178u);
    assert_int_equal(ns_link_parse("net:[1]", &ino), 0);
    assert_int_equal(ino, 1);
    assert_int_equal(ns_link_parse("mnt:[18446744073709551615]", &ino), 0);
    assert_true(ino == (ino_t)18446744073709551615ull);
}

static void test_link_parse_rejects(void **state)
{
    static const char *const bad[] = {
        "uts:[]", "uts:[12", "x", "uts:[0]", "", "uts:[12]x", "uts:[12]]", "uts:[x]",
        "uts:[-1]", "uts:[ 12]", "uts:[+12]", "uts:[1 ]", "uts:[0x10]",
        "uts:[18446744073709551616]",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        ino_t ino = 77;
        if (ns_link_parse(bad[i], &ino) != -1)
            fail_msg("\"%s\" accepted as inode %llu", bad[i], (unsigned long long)ino);
        assert_int_equal(ino, 77);
    }
}

/* --- ns_read_all --------------------------------------------------------- */

struct fake_proc {
    char root[64];
    int fd;
};

static void fake_link(struct fake_proc *fp, const char *rel, const char *target)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fp->root, rel);
    if (symlink(target, path) < 0)
        fail_msg("symlink %s: %s", path, strerror(errno));
}

static void fake_mkdir(struct fake_proc *fp, const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", fp->root, rel);
    if (mkdir(path, 0755) < 0)
        fail_msg("mkdir %s: %s", path, strerror(errno));
}

/* <root>/123: a process with every entry but pid_for_children (as right
 * after unshare(CLONE_NEWPID)); <root>/124: a process whose uts link is
 * garbage; <root>/125: a process without an ns directory. */
static int fake_proc_setup(void **state)
{
    struct fake_proc *fp = xcalloc(1, sizeof *fp);
    snprintf(fp->root, sizeof fp->root, "/tmp/nslab-test-ns.XXXXXX");
    if (!mkdtemp(fp->root)) {
        free(fp);
        return -1;
    }
    fake_mkdir(fp, "123");
    fake_mkdir(fp, "123/ns");
    char rel[64], target[64];
    for (int i = 0; i < NS_NSLOTS; i++) {
        if (i == NS_PID4C)
            continue;
        snprintf(rel, sizeof rel, "123/ns/%s", ns_info[i].file);
        snprintf(target, sizeof target, "%s:[%ld]", ns_info[ns_info[i].base].name,
                 4026531830L + i);
        fake_link(fp, rel, target);
    }
    fake_mkdir(fp, "124");
    fake_mkdir(fp, "124/ns");
    fake_link(fp, "124/ns/uts", "garbage");
    fake_link(fp, "124/ns/net", "net:[4026531840]");
    fake_mkdir(fp, "125");
    fp->fd = open(fp->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fp->fd < 0)
        return -1;
    *state = fp;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    return remove(path);
}

static int fake_proc_teardown(void **state)
{
    struct fake_proc *fp = *state;
    close(fp->fd);
    /* Depth first, without following the fake links. */
    int r = nftw(fp->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(fp);
    return r;
}

static void test_read_all_fake(void **state)
{
    struct fake_proc *fp = *state;
    struct ns_obs obs[NS_NSLOTS];
    memset(obs, 0xff, sizeof obs);
    assert_int_equal(ns_read_all(fp->fd, 123, obs), 0);
    for (int i = 0; i < NS_NSLOTS; i++) {
        if (i == NS_PID4C) {
            assert_int_equal(obs[i].ino, 0);
            assert_int_equal(obs[i].err, ENOENT); /* "pending" */
            continue;
        }
        if (obs[i].err != 0)
            fail_msg("slot %s: %s", ns_info[i].file, strerror(obs[i].err));
        assert_int_equal(obs[i].ino, 4026531830L + i);
    }
}

static void test_read_all_bad_link(void **state)
{
    struct fake_proc *fp = *state;
    struct ns_obs obs[NS_NSLOTS];
    assert_int_equal(ns_read_all(fp->fd, 124, obs), 0);
    assert_int_equal(obs[NS_UTS].ino, 0);
    assert_int_equal(obs[NS_UTS].err, EINVAL);
    assert_int_equal(obs[NS_NET].ino, 4026531840u);
    assert_int_equal(obs[NS_NET].err, 0);
    assert_int_equal(obs[NS_IPC].ino, 0);
    assert_int_equal(obs[NS_IPC].err, ENOENT);
}

static void test_read_all_missing(void **state)
{
    struct fake_proc *fp = *state;
    struct ns_obs obs[NS_NSLOTS];
    /* A process without readable entries still exists. */
    assert_int_equal(ns_read_all(fp->fd, 125, obs), 0);
    for (int i = 0; i < NS_NSLOTS; i++) {
        assert_int_equal(obs[i].ino, 0);
        assert_int_equal(obs[i].err, ENOENT);
    }
    /* A PID that is not there at all. */
    errno = 0;
    assert_int_equal(ns_read_all(fp->fd, 999, obs), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(obs[NS_UTS].ino, 0);
}

static void test_read_all_self(void **state)
{
    int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    char link[128];
    if (procfd < 0 || readlink("/proc/self/ns/uts", link, sizeof link) < 0) {
        if (procfd >= 0)
            close(procfd);
        print_message("no readable /proc/self/ns here\n");
        skip();
    }
    struct ns_obs obs[NS_NSLOTS];
    assert_int_equal(ns_read_all(procfd, getpid(), obs), 0);
    close(procfd);
    for (int i = 0; i < NS_NSLOTS; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns_info[i].file);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n < 0) {
            assert_int_equal(obs[i].err, errno);
            assert_int_equal(obs[i].ino, 0);
            continue;
        }
        link[n] = '\0';
        assert_int_equal(obs[i].err, 0);
        ino_t want;
        assert_int_equal(ns_link_parse(link, &want), 0);
        assert_int_equal(obs[i].ino, want);
        /* The link names the namespace's own inode. */
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(obs[i].ino, st.st_ino);
    }
}

static void test_slots_of_flags(void **state)
{
    assert_int_equal(ns_slots_of_flags(CLONE_NEWUTS), 1u << NS_UTS);
    assert_int_equal(ns_slots_of_flags(CLONE_NEWUTS | CLONE_NEWNET),
                     (1u << NS_UTS) | (1u << NS_NET));
    /* unshare pid changes only pid_for_children, setns time both time
     * links: a type takes its *_for_children link along. */
    assert_int_equal(ns_slots_of_flags(CLONE_NEWPID), (1u << NS_PID) | (1u << NS_PID4C));
    assert_int_equal(ns_slots_of_flags(CLONE_NEWTIME), (1u << NS_TIME) | (1u << NS_TIME4C));
    assert_int_equal(ns_slots_of_flags(CLONE_NEWNS), 1u << NS_MNT);
    assert_int_equal(ns_slots_of_flags(CLONE_NEWUSER), NS_ALL_SLOTS);
    assert_int_equal(ns_slots_of_flags(CLONE_NEWUSER | CLONE_NEWUTS), NS_ALL_SLOTS);
    assert_int_equal(ns_slots_of_flags(all_flags), NS_ALL_SLOTS);
    assert_int_equal(ns_slots_of_flags(0), 0);
    for (int s = 0; s < NS_NSLOTS; s++)
        assert_true(ns_slots_of_flags(ns_info[s].flag) & (1u << s));
}

/* A directory descriptor of /proc/PID/ns kept open (as nslab keeps its
 * subject's) reads the namespaces of the moment, not those of the moment it
 * was opened; once the process is gone it reads nothing, even if the PID
 * were used again. Needs root for unshare(CLONE_NEWUTS). */
static void test_read_dir_kept(void **state)
{
    if (geteuid() != 0) {
        print_message("needs root (unshare of a UTS namespace)\n");
        skip();
    }
    int go[2], done[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done), 0);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char c;
        if (read(go[0], &c, 1) != 1 || unshare(CLONE_NEWUTS) < 0)
            _exit(1);
        if (write(done[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(1);
        _exit(0);
    }
    char rel[64];
    snprintf(rel, sizeof rel, "/proc/%d/ns", (int)child);
    int nsfd = open(rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_true(nsfd >= 0);
    struct ns_obs before[NS_NSLOTS], after[NS_NSLOTS], mine[NS_NSLOTS];
    assert_int_equal(ns_read_dir(nsfd, before), NS_NSLOTS);
    int procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    assert_int_equal(ns_read_all(procfd, getpid(), mine), 0);
    assert_int_equal(before[NS_UTS].ino, mine[NS_UTS].ino);

    char c;
    assert_int_equal(write(go[1], "x", 1), 1);
    assert_int_equal(read(done[0], &c, 1), 1);
    assert_int_equal(ns_read_dir(nsfd, after), NS_NSLOTS);
    assert_true(after[NS_UTS].ino != 0);
    assert_true(after[NS_UTS].ino != before[NS_UTS].ino);
    assert_int_equal(after[NS_NET].ino, before[NS_NET].ino);

    assert_int_equal(write(go[1], "x", 1), 1);
    int st;
    assert_int_equal(waitpid(child, &st, 0), child);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(ns_read_dir(nsfd, after), 0);
    assert_int_equal(after[NS_UTS].ino, 0);
    assert_true(after[NS_UTS].err != 0);
    close(nsfd);
    close(procfd);
    close(go[0]), close(go[1]), close(done[0]), close(done[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_order),
        cmocka_unit_test(test_table_types),
        cmocka_unit_test(test_table_for_children),
        cmocka_unit_test(test_table_matches_proc),
        cmocka_unit_test(test_setns_order),
        cmocka_unit_test(test_type_parse),
        cmocka_unit_test(test_type_parse_rejects),
        cmocka_unit_test(test_flags_parse),
        cmocka_unit_test(test_flags_parse_rejects),
        cmocka_unit_test(test_link_parse),
        cmocka_unit_test(test_link_parse_rejects),
        cmocka_unit_test_setup_teardown(test_read_all_fake, fake_proc_setup, fake_proc_teardown),
        cmocka_unit_test_setup_teardown(test_read_all_bad_link, fake_proc_setup,
                                        fake_proc_teardown),
        cmocka_unit_test_setup_teardown(test_read_all_missing, fake_proc_setup,
                                        fake_proc_teardown),
        cmocka_unit_test(test_read_all_self),
        cmocka_unit_test(test_slots_of_flags),
        cmocka_unit_test(test_read_dir_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

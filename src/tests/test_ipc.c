#define _GNU_SOURCE
/* Unit tests of System V IPC (kernel/ipc.c): the /proc/sysvipc parser on
 * literal texts, key parsing, and, as root, the traced wrappers in a fresh
 * IPC namespace of a child process (the host's is never touched). */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/ipc.h"

static const char msg_text[] =
    "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      "
    "stime      rtime      ctime\n"
    "      4660          0   600           0          0     0     0     0     0     0     0      "
    "    0          0 1795987325\n"
    "         0      32769   644          12          2    10    11  1000  1000  1000  1000      "
    "    5          6 1795987326\n";

static const char shm_text[] =
    "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid "
    "     atime      dtime      ctime                   rss                  swap\n"
    "-2009325403          0   644                  4096 22353     0      0     0     0     0     0 "
    "         0          0 1795987325                     0                     0\n";

static const char sem_text[] = "       key      semid perms      nsems   uid   gid  cuid  cgid      "
                               "otime      ctime\n"
                               "1281803031          0   644          2     0     0     0     0  "
                               "        0 1795987325\n";

static void test_parse_msg(void **state)
{
    struct ipc_list l = {0};
    struct nsl_err e;
    assert_int_equal(sysvipc_parse(IPC_KIND_MSG, msg_text, &l, &e), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.v[0].key, 0x1234);
    assert_int_equal(l.v[0].id, 0);
    assert_int_equal(l.v[0].perms, 0600);
    assert_int_equal(l.v[0].ctime, 1795987325LL);
    assert_int_equal(l.v[1].key, IPC_PRIVATE);
    assert_int_equal(l.v[1].id, 32769);
    assert_int_equal(l.v[1].perms, 0644);
    assert_int_equal(l.v[1].a, 12); /* bytes */
    assert_int_equal(l.v[1].b, 2);  /* messages */
    assert_int_equal(l.v[1].uid, 1000);
    assert_int_equal(l.v[1].kind, IPC_KIND_MSG);
    ipc_list_free(&l);
}

static void test_parse_shm_sem_append(void **state)
{
    struct ipc_list l = {0};
    struct nsl_err e;
    assert_int_equal(sysvipc_parse(IPC_KIND_SHM, shm_text, &l, &e), 0);
    assert_int_equal(sysvipc_parse(IPC_KIND_SEM, sem_text, &l, &e), 0);
    assert_int_equal(l.n, 2);
    /* Keys are printed as signed ints; ipcs shows them as 0x883c20a5. */
    assert_int_equal((unsigned)l.v[0].key, 0x883c20a5u);
    assert_int_equal(l.v[0].a, 4096);
    assert_int_equal(l.v[0].b, 0);
    assert_int_equal(l.v[1].kind, IPC_KIND_SEM);
    assert_int_equal((unsigned)l.v[1].key, 0x4c66c317u);
    assert_int_equal(l.v[1].a, 2);
    ipc_list_free(&l);
}

static void test_parse_header_only_and_errors(void **state)
{
    struct ipc_list l = {0};
    struct nsl_err e;
    const char *hdr = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  "
                      "cuid  cgid      stime      rtime      ctime\n";
    assert_int_equal(sysvipc_parse(IPC_KIND_MSG, hdr, &l, &e), 0);
    assert_int_equal(l.n, 0);
    assert_int_equal(sysvipc_parse(IPC_KIND_MSG, "", &l, &e), -1);
    assert_non_null(strstr(e.msg, "/proc/sysvipc/msg"));
    /* The msg header given to the sem parser lacks semid and nsems. */
    assert_int_equal(sysvipc_parse(IPC_KIND_SEM, hdr, &l, &e), -1);
    assert_non_null(strstr(e.msg, "semid"));
    char bad[512];
    snprintf(bad, sizeof bad, "%s 12x 0 600 0 0 0 0 0 0 0 0 0 0 1\n", hdr);
    assert_int_equal(sysvipc_parse(IPC_KIND_MSG, bad, &l, &e), -1);
    assert_non_null(strstr(e.msg, "12x"));
    snprintf(bad, sizeof bad, "%s 1 2 600\n", hdr);
    assert_int_equal(sysvipc_parse(IPC_KIND_MSG, bad, &l, &e), -1);
    assert_non_null(strstr(e.msg, "too few"));
    assert_int_equal(l.n, 0);
    ipc_list_free(&l);
}

static void test_kind_and_key(void **state)
{
    enum ipc_kind k;
    key_t key;
    struct nsl_err e;
    assert_int_equal(ipc_kind_parse("msg", &k), 0);
    assert_int_equal(k, IPC_KIND_MSG);
    assert_int_equal(ipc_kind_parse("sem", &k), 0);
    assert_int_equal(k, IPC_KIND_SEM);
    assert_int_equal(ipc_kind_parse("queue", &k), -1);
    assert_int_equal(ipc_key_parse("0x1234", &key, &e), 0);
    assert_int_equal(key, 0x1234);
    assert_int_equal(ipc_key_parse("4660", &key, &e), 0);
    assert_int_equal(key, 4660);
    assert_int_equal(ipc_key_parse("2147483647", &key, &e), 0);
    static const char *const bad[] = {"0", "0x", "-5", "+5", "2147483648", "12abc", "", "0x1g",
                                      "99999999999999999999"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(ipc_key_parse(bad[i], &key, &e), -1);
        assert_int_equal(e.errnum, EINVAL);
    }
}

/* In a child in a new IPC namespace: create, see it in /proc/sysvipc, the
 * EEXIST of a second IPC_EXCL, stat, remove; every call traced. */
static int child_ipc(void)
{
    if (unshare(CLONE_NEWIPC) < 0)
        return 10;
    struct trace t = {0};
    for (int k = 0; k < IPC_NKINDS; k++) {
        int id = sys_ipc_get(&t, k, 0x1234, IPC_CREAT | IPC_EXCL | 0600);
        if (id < 0)
            return 11;
        if (sys_ipc_get(&t, k, 0x1234, IPC_CREAT | IPC_EXCL | 0600) != -1 || errno != EEXIST)
            return 12;
        key_t key;
        uid_t cuid;
        long long ctime;
        if (ipc_stat(k, id, &key, &cuid, &ctime) < 0 || key != 0x1234 || ctime <= 0)
            return 13;
        char path[64];
        struct strbuf sb = {0};
        struct ipc_list l = {0};
        struct nsl_err e;
        snprintf(path, sizeof path, "/proc/sysvipc/%s", ipc_kind_names[k]);
        if (read_file_sb(AT_FDCWD, path, &sb) < 0 || sysvipc_parse(k, sb_str(&sb), &l, &e) < 0 ||
            l.n != 1 || l.v[0].id != id || l.v[0].key != 0x1234)
            return 14;
        sb_free(&sb);
        ipc_list_free(&l);
        if (sys_ipc_rmid(&t, k, id) < 0 || ipc_stat(k, id, &key, &cuid, &ctime) == 0)
            return 15;
    }
    if (t.n != 9)
        return 16;
    struct strbuf out = {0};
    trace_ent_format(&t.v[0], &out, NULL, NULL);
    if (strcmp(sb_str(&out), "msgget(0x00001234, IPC_CREAT|IPC_EXCL|0600) = 0") != 0)
        return 17;
    sb_reset(&out);
    trace_ent_format(&t.v[1], &out, NULL, NULL);
    if (!strstr(sb_str(&out), "= -1 EEXIST"))
        return 18;
    sb_reset(&out);
    trace_ent_format(&t.v[5], &out, NULL, NULL);
    if (strcmp(sb_str(&out), "shmctl(0, IPC_RMID) = 0") != 0)
        return 19;
    sb_free(&out);
    trace_free(&t);
    return 0;
}

static void test_real_ipc_namespace(void **state)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: creating an IPC namespace needs root\n");
        skip();
    }
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_ipc());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_msg),
        cmocka_unit_test(test_parse_shm_sem_append),
        cmocka_unit_test(test_parse_header_only_and_errors),
        cmocka_unit_test(test_kind_and_key),
        cmocka_unit_test(test_real_ipc_namespace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

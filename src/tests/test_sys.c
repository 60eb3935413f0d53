#define _GNU_SOURCE
/* Unit tests of kernel/sys.c: the flag formatting, the paths of /proc and
 * the cgroup root, and the traced wrappers that are safe to call in a
 * test. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sys.h"
#include "kernel/trace.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The format of entry i of t, in a static buffer for easy comparison. */
static const char *fmt_ent(const struct trace *t, size_t i,
                           const char *(*pidfmt)(void *ctx, pid_t pid), void *ctx)
{
    static char line[512];
    struct strbuf sb = {0};
    assert_true(i < t->n);
    trace_ent_format(&t->v[i], &sb, pidfmt, ctx);
    snprintf(line, sizeof line, "%s", sb_str(&sb));
    sb_free(&sb);
    return line;
}

/* --- recording and formatting ------------------------------------------- */

/* --- trace_extend -------------------------------------------------------- */

/* --- wire format -------------------------------------------------------- */

#define BAD(lit, why) unpack_bad(lit, sizeof(lit) - 1, why)

/* --- sys.h: flags, paths and harmless traced calls ----------------------- */

static const char *flags_str(int flags)
{
    static char buf[256];
    struct strbuf sb = {0};
    clone_flags_format(flags, &sb);
    snprintf(buf, sizeof buf, "%s", sb_str(&sb));
    sb_free(&sb);
    return buf;
}

static void test_clone_flags_format(void **state)
{
    assert_string_equal(flags_str(CLONE_NEWUTS), "CLONE_NEWUTS");
    assert_string_equal(flags_str(CLONE_NEWNS), "CLONE_NEWNS");
    assert_string_equal(flags_str(CLONE_NEWTIME), "CLONE_NEWTIME");
    /* In the namespace table's order, whatever order the bits are given in. */
    assert_string_equal(flags_str(CLONE_NEWUTS | CLONE_NEWPID), "CLONE_NEWPID|CLONE_NEWUTS");
    assert_string_equal(flags_str(CLONE_NEWNS | SIGCHLD), "CLONE_NEWNS|SIGCHLD");
    assert_string_equal(flags_str(SIGCHLD), "SIGCHLD");
    assert_string_equal(flags_str(CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNS | CLONE_NEWNET |
                                  CLONE_NEWPID | CLONE_NEWTIME | CLONE_NEWUSER | CLONE_NEWUTS),
                        "CLONE_NEWCGROUP|CLONE_NEWIPC|CLONE_NEWNS|CLONE_NEWNET|CLONE_NEWPID|"
                        "CLONE_NEWTIME|CLONE_NEWUSER|CLONE_NEWUTS");
    /* Bits without a name are shown in hex, not dropped. */
    assert_string_equal(flags_str(CLONE_NEWUTS | CLONE_VM), "CLONE_NEWUTS|0x100");
    assert_string_equal(flags_str(0), "0");
}

static void test_paths(void **state)
{
    struct nsl_paths p;
    char buf[300];

    unsetenv("NSLAB_PROC_ROOT");
    unsetenv("NSLAB_CGROUP_ROOT");
    paths_init(&p);
    assert_string_equal(p.proc, "/proc");
    assert_string_equal(p.cgroup, "/sys/fs/cgroup");
    assert_string_equal(proc_path(&p, buf, sizeof buf, "%d/ns/%s", 42, "uts"), "/proc/42/ns/uts");
    assert_string_equal(cgroup_path(&p, buf, sizeof buf, "memory/nslab.%d", 7),
                        "/sys/fs/cgroup/memory/nslab.7");

    /* Fake trees made in a private temp directory (root's own when run as
     * root, so trusted even by a privileged run). */
    char dir[] = "/tmp/nslab-paths.XXXXXX", fproc[64], fcg[64], want[128];
    assert_non_null(mkdtemp(dir));
    snprintf(fproc, sizeof fproc, "%s/proc", dir);
    snprintf(fcg, sizeof fcg, "%s/cg", dir);
    assert_int_equal(mkdir(fproc, 0755), 0);
    assert_int_equal(mkdir(fcg, 0755), 0);
    setenv("NSLAB_PROC_ROOT", fproc, 1);
    setenv("NSLAB_CGROUP_ROOT", fcg, 1);
    paths_init(&p);
    snprintf(want, sizeof want, "%s/self/mountinfo", fproc);
    assert_string_equal(proc_path(&p, buf, sizeof buf, "self/mountinfo"), want);
    snprintf(want, sizeof want, "%s/unified", fcg);
    assert_string_equal(cgroup_path(&p, buf, sizeof buf, "unified"), want);

    /* A tree others may write: a privileged run takes the real roots. */
    assert_int_equal(chmod(fproc, 0777), 0);
    paths_init(&p);
    assert_string_equal(p.proc, running_privileged() ? "/proc" : fproc);
    rmdir(fproc);
    rmdir(fcg);
    rmdir(dir);

    /* An empty variable means the default. */
    setenv("NSLAB_PROC_ROOT", "", 1);
    paths_init(&p);
    assert_string_equal(p.proc, "/proc");
    unsetenv("NSLAB_PROC_ROOT");
    unsetenv("NSLAB_CGROUP_ROOT");

    /* Too long for the buffer: truncated, still a string. */
    char small[8];
    assert_string_equal(proc_path(&p, small, sizeof small, "self/ns/uts"), "/proc/s");
}

static void test_sys_write_file(void **state)
{
    char dir[] = "/tmp/nslab-test-trace.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/memory.max", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);

    struct trace t = {0};
    errno = 0;
    assert_int_equal(sys_write_file(&t, path, "67108864"), 0);
    char buf[32];
    assert_int_equal(read_file_at(AT_FDCWD, path, buf, sizeof buf), 8);
    assert_string_equal(buf, "67108864");
    char want[160];
    snprintf(want, sizeof want, "write %s \"67108864\" = 0", path);
    assert_string_equal(fmt_ent(&t, 0, NULL, NULL), want);

    /* The file must exist: cgroup files are never created by writing. */
    char missing[64];
    snprintf(missing, sizeof missing, "%s/pids.max", dir);
    assert_int_equal(sys_write_file(&t, missing, "10"), -1);
    assert_int_equal(errno, ENOENT); /* preserved for the caller */
    snprintf(want, sizeof want, "write %s \"10\" = -1 ENOENT (No such file or directory)",
             missing);
    assert_string_equal(fmt_ent(&t, 1, NULL, NULL), want);
    assert_int_equal(access(missing, F_OK), -1);

    trace_free(&t);
    unlink(path);
    rmdir(dir);
}

static void test_sys_harmless_calls(void **state)
{
    struct trace t = {0};
    /* unshare(0) changes nothing and succeeds. */
    assert_int_equal(sys_unshare(&t, 0), 0);
    assert_string_equal(fmt_ent(&t, 0, NULL, NULL), "unshare(0) = 0");

    errno = 0;
    assert_int_equal(sys_setns(&t, -1, "/proc/1/ns/uts", CLONE_NEWUTS), -1);
    assert_int_equal(errno, EBADF);
    assert_string_equal(fmt_ent(&t, 1, NULL, NULL),
                        "setns(/proc/1/ns/uts, CLONE_NEWUTS) = -1 EBADF (Bad file descriptor)");

    /* Signal 0 to ourselves only checks that we exist. */
    assert_int_equal(sys_kill(&t, getpid(), 0), 0);
    assert_string_equal(t.v[2].call, "kill");

    /* A NULL trace records nothing but still performs the call. */
    assert_int_equal(sys_unshare(NULL, 0), 0);
    assert_int_equal(t.n, 3);
    trace_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clone_flags_format),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_sys_write_file),
        cmocka_unit_test(test_sys_harmless_calls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _GNU_SOURCE
/* kernel/mount/mount_watch.c: the kernel's signal that a mount table
 * changed, polled on a kept /proc/PID/mountinfo descriptor.
 *
 * What needs no privilege runs everywhere (no process, a process that is
 * gone). The rest runs only as root and only in a child that first makes a
 * mount namespace of its own, private from the host, and mounts only under
 * a temporary directory in /tmp; the host's mountinfo is compared before
 * and after. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/mount/mount_watch.h"
#include "util.h"

static struct nsl_paths paths;

/* Checks inside the child: print and give up (cmocka's asserts belong to
 * the parent). */
#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #cond, what);                   \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

static void test_no_process(void **state)
{
    (void)state;
    paths_init(&paths);
    struct mount_watch w = {0};
    assert_true(mount_watch_changed(&w, &paths, 0));
    assert_int_equal(w.fd, 0);
    assert_true(mount_watch_changed(&w, &paths, -1));
    assert_int_equal(w.fd, 0);
    mount_watch_close(&w);
}

static void test_gone_process(void **state)
{
    (void)state;
    paths_init(&paths);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    struct mount_watch w = {0};
    /* A PID that is gone answers "read again", every time, holding nothing. */
    assert_true(mount_watch_changed(&w, &paths, pid));
    assert_true(mount_watch_changed(&w, &paths, pid));
    assert_int_equal(w.fd, 0);
}

typedef int (*child_fn)(const char *dir);

static char *host_mountinfo(void)
{
    struct strbuf sb = {0};
    assert_int_equal(read_file_sb(AT_FDCWD, "/proc/self/mountinfo", &sb), 0);
    return sb_steal(&sb);
}

static void in_private_ns(child_fn fn)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: mount tests need root\n");
        skip();
    }
    paths_init(&paths);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/nslab-test-watch.XXXXXX");
    assert_non_null(mkdtemp(dir));
    char *before = host_mountinfo();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Nothing else may happen before the namespace is private. */
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
            perror("private mount namespace");
            _exit(3);
        }
        _exit(fn(dir) == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    /* The child's mounts died with its namespace. */
    rmdir(dir);
    char *after = host_mountinfo();
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Mount, remount, move and unmount are each reported once, to the next
 * call; calls without a change between them report nothing. */
static int child_signals(const char *dir)
{
    struct mount_watch w = {0};
    pid_t self = getpid();
    CHECK(mount_watch_changed(&w, &paths, self), "the first call must answer true");
    CHECK(w.fd > 0, "the descriptor is kept");
    CHECK(!mount_watch_changed(&w, &paths, self), "nothing changed");
    CHECK(!mount_watch_changed(&w, &paths, self), "still nothing changed");

    CHECK(mount("watch", dir, "tmpfs", 0, "size=64k") == 0, strerror(errno));
    CHECK(mount_watch_changed(&w, &paths, self), "a mount");
    CHECK(!mount_watch_changed(&w, &paths, self), "reported once");

    CHECK(mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0, strerror(errno));
    CHECK(mount_watch_changed(&w, &paths, self), "a remount");
    CHECK(!mount_watch_changed(&w, &paths, self), "reported once");

    /* Two changes between calls: one answer. */
    CHECK(umount(dir) == 0, strerror(errno));
    CHECK(mount("watch2", dir, "tmpfs", 0, "size=64k") == 0, strerror(errno));
    CHECK(mount_watch_changed(&w, &paths, self), "an unmount and a mount");
    CHECK(!mount_watch_changed(&w, &paths, self), "reported once");

    /* The caller's reading failed: the next call answers true. */
    mount_watch_forget(&w);
    CHECK(w.fd == 0, "forget closes");
    CHECK(mount_watch_changed(&w, &paths, self), "after forget");
    CHECK(!mount_watch_changed(&w, &paths, self), "watched again");

    CHECK(umount(dir) == 0, strerror(errno));
    CHECK(mount_watch_changed(&w, &paths, self), "an unmount");
    mount_watch_close(&w);
    CHECK(w.fd == 0 && w.pid == 0, "close empties the watch");
    return 0;
}

static void test_signals(void **state)
{
    (void)state;
    in_private_ns(child_signals);
}

/* Another mount namespace (the process unshared) or another process: the
 * kept descriptor belongs to the old one, so the answer is true, once. */
static int child_other_ns(const char *dir)
{
    struct mount_watch w = {0};
    pid_t self = getpid();
    CHECK(mount_watch_changed(&w, &paths, self), "first call");
    CHECK(!mount_watch_changed(&w, &paths, self), "nothing changed");
    ino_t old = w.mntns;

    CHECK(unshare(CLONE_NEWNS) == 0, strerror(errno));
    CHECK(mount_watch_changed(&w, &paths, self), "another mount namespace");
    CHECK(w.mntns != old, "the watch follows the new namespace");
    CHECK(!mount_watch_changed(&w, &paths, self), "then nothing changed");
    /* A mount in the new namespace is seen through the new descriptor. */
    CHECK(mount("watch", dir, "tmpfs", 0, "size=64k") == 0, strerror(errno));
    CHECK(mount_watch_changed(&w, &paths, self), "a mount in the new namespace");

    int ready[2];
    CHECK(pipe(ready) == 0, strerror(errno));
    pid_t kid = fork();
    CHECK(kid >= 0, strerror(errno));
    if (kid == 0) {
        char c;
        close(ready[1]);
        (void)!read(ready[0], &c, 1); /* until the parent closes */
        _exit(0);
    }
    close(ready[0]);
    CHECK(mount_watch_changed(&w, &paths, kid), "another process");
    CHECK(w.pid == kid, "the watch follows the process");
    CHECK(!mount_watch_changed(&w, &paths, kid), "the same process, nothing changed");
    close(ready[1]);
    waitpid(kid, NULL, 0);
    CHECK(mount_watch_changed(&w, &paths, kid), "the process is gone");
    mount_watch_close(&w);
    return 0;
}

static void test_other_ns(void **state)
{
    (void)state;
    in_private_ns(child_other_ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_process),
        cmocka_unit_test(test_gone_process),
        cmocka_unit_test(test_signals),
        cmocka_unit_test(test_other_ns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

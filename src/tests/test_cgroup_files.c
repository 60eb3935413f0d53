#define _GNU_SOURCE
/* Unit tests of kernel/cgroup_files.c, the descriptors the observation
 * keeps open: a kept descriptor reads what the file says now, a missing
 * file is told as open(2) would (and stays missing only where that is
 * promised), reads go to the end of a file larger than a page, and a sweep
 * closes what was not read. On a temporary directory and this process's
 * /proc/self/cgroup (read kept and afresh, the two must agree); no root. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/cgroup/cgroup_files.h"

struct fx {
    char dir[64];
    char path[128];
};

static void put(const char *path, const char *text)
{
    /* In place (same inode), as a kernel file changes under a reader. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/nslab-cgfiles.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/pids.max", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void test_kept_reads_now(void **state)
{
    struct fx *f = *state;
    struct cg_files k = {0};
    struct strbuf sb = {0};
    put(f->path, "64\n");
    assert_int_equal(cg_files_read(&k, f->path, CGF_ONE_RECORD, &sb), 0);
    assert_string_equal(sb.buf, "64\n");
    put(f->path, "max\n");
    assert_int_equal(cg_files_read(&k, f->path, CGF_ONE_RECORD, &sb), 0);
    assert_string_equal(sb.buf, "max\n");
    assert_int_equal(k.n, 1); /* one descriptor, read again */
    char buf[3];
    assert_int_equal(cg_files_read_buf(&k, f->path, 0, buf, sizeof buf), 2);
    assert_string_equal(buf, "ma"); /* truncated as read_file_at does */
    sb_free(&sb);
    cg_files_free(&k);
}

static void test_missing(void **state)
{
    struct fx *f = *state;
    struct cg_files k = {0};
    struct strbuf sb = {0};
    errno = 0;
    assert_int_equal(cg_files_read(&k, f->path, 0, &sb), -1);
    assert_int_equal(errno, ENOENT);
    assert_string_equal(sb.buf, "");
    /* Without CGF_ABSENT_FINAL a file that appears is read. */
    put(f->path, "1\n");
    assert_int_equal(cg_files_read(&k, f->path, 0, &sb), 0);
    assert_string_equal(sb.buf, "1\n");
    unlink(f->path);
    /* With it (v1: files fixed at mount), missing stays missing. */
    char other[160];
    snprintf(other, sizeof other, "%s/freezer.state", f->dir);
    assert_int_equal(cg_files_read(&k, other, CGF_ABSENT_FINAL, &sb), -1);
    assert_int_equal(errno, ENOENT);
    put(other, "THAWED\n");
    errno = 0;
    assert_int_equal(cg_files_read(&k, other, CGF_ABSENT_FINAL, &sb), -1);
    assert_int_equal(errno, ENOENT);
    unlink(other);
    sb_free(&sb);
    cg_files_free(&k);
}

static void test_large_and_sweep(void **state)
{
    struct fx *f = *state;
    struct cg_files k = {0};
    struct strbuf sb = {0}, want = {0};
    for (int i = 0; i < 3000; i++)
        sb_printf(&want, "%d\n", 100000 + i);
    put(f->path, want.buf);
    assert_int_equal(cg_files_read(&k, f->path, 0, &sb), 0);
    assert_int_equal(sb.len, want.len);
    assert_string_equal(sb.buf, want.buf);
    assert_int_equal(cg_files_read(&k, "/proc/self/cgroup", CGF_ONE_RECORD, &sb), 0);
    struct strbuf fresh = {0};
    assert_int_equal(read_file_sb(AT_FDCWD, "/proc/self/cgroup", &fresh), 0);
    assert_string_equal(sb.buf, fresh.buf);
    assert_int_equal(k.n, 2);
    cg_files_sweep(&k); /* both read since: both stay */
    assert_int_equal(k.n, 2);
    assert_int_equal(cg_files_read(&k, f->path, 0, &sb), 0);
    cg_files_sweep(&k); /* /proc/self/cgroup was not read: closed */
    assert_int_equal(k.n, 1);
    assert_string_equal(k.v[0].path, f->path);
    sb_free(&sb);
    sb_free(&want);
    sb_free(&fresh);
    cg_files_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kept_reads_now, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_and_sweep, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _GNU_SOURCE
/* The session's mount state on the shell side: paths, $SCRATCH, which host
 * mounts a step made (a pure decision on tables), and the scratch directory
 * going away at exit. No mounts are made here (scenarios do that). */
/* layer: session */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd_mount.h"

static void norm(const char *in, const char *want)
{
    char *got = path_normalize(in);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_paths(void **state)
{
    norm("/", "/");
    norm("//", "/");
    norm("/a//b/./c/", "/a/b/c");
    norm("/a/b/../c", "/a/c");
    norm("/..", "/");
    norm("/a/..", "/");
    norm("/tmp/with space", "/tmp/with space");
    norm("rel/path", NULL);
    norm("", NULL);
    norm(NULL, NULL);
    assert_true(path_is_under("/a/b", "/a"));
    assert_true(path_is_under("/a", "/a"));
    assert_false(path_is_under("/ab", "/a"));
    assert_true(path_is_under("/x", "/"));
    assert_false(path_is_under("/a", "/a/b"));
}

static void parse(const char *text, struct mount_table *t)
{
    struct nsl_err e = {0};
    memset(t, 0, sizeof *t);
    if (mountinfo_parse(text, strlen(text), t, &e) < 0)
        fail_msg("%s", e.msg);
}

#define HOST "20 1 254:0 / / rw - ext4 /dev/vda rw\n"

static void test_track(void **state)
{
    struct mount_session ms = {0};
    struct mount_table h0, h1, s1, h2;
    parse(HOST, &h0);
    /* The step added 30 in the subject (another namespace) and a copy, 50,
     * arrived in the host's through a peer group; 51 appeared at the same
     * moment but is someone else's (another filesystem). */
    parse(HOST "50 20 0:40 / /p/x rw shared:2 - tmpfs t rw\n"
               "51 20 0:41 / /q rw - tmpfs other rw\n",
          &h1);
    parse(HOST "30 20 0:40 / /p/x rw shared:2 - tmpfs t rw\n", &s1);
    int added[] = {30};
    mount_session_track(&ms, &h0, &h1, &s1, added, 1);
    assert_int_equal(ms.n_rec, 1);
    assert_int_equal(ms.rec[0].id, 50);
    assert_string_equal(ms.rec[0].target, "/p/x");
    assert_true(mount_ids_has(&ms.created, 50));
    assert_false(mount_ids_has(&ms.created, 51));
    /* Nothing added: nothing new is the session's. */
    mount_session_track(&ms, &h0, &h1, &s1, NULL, 0);
    assert_int_equal(ms.n_rec, 1);
    /* 50 vanished (unmounted); its ID reused by another filesystem. */
    parse(HOST "50 20 0:47 / /z rw - tmpfs z rw\n", &h2);
    mount_session_track(&ms, &h1, &h2, &s1, NULL, 0);
    assert_int_equal(ms.n_rec, 0);
    assert_false(mount_ids_has(&ms.created, 50));
    mount_table_free(&h0);
    mount_table_free(&h1);
    mount_table_free(&s1);
    mount_table_free(&h2);
    free(ms.rec);
    mount_ids_free(&ms.created);
}

static void test_scratch(void **state)
{
    char top[] = "/tmp/nslab-test-scratch.XXXXXX";
    assert_non_null(mkdtemp(top));
    setenv("TMPDIR", top, 1);
    struct nsl sh;
    memset(&sh, 0, sizeof sh);
    paths_init(&sh.paths);

    char *argv[] = {xstrdup("mount"), xstrdup("-o"), xstrdup("lowerdir=$SCRATCH/l,upperdir=$SCRATCH/u"),
                    xstrdup("plain"), xstrdup("$SCRATCH"), NULL};
    assert_int_equal(scratch_expand(&sh, 1, 5, argv), 0);
    assert_non_null(sh.mnt);
    const char *dir = sh.mnt->scratch;
    assert_non_null(dir);
    assert_int_equal(strncmp(dir, top, strlen(top)), 0);
    assert_non_null(strstr(dir, "/nslab-scratch."));
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    char *want = xasprintf("lowerdir=%s/l,upperdir=%s/u", dir, dir);
    assert_string_equal(argv[2], want);
    free(want);
    assert_string_equal(argv[3], "plain");
    assert_string_equal(argv[4], dir);
    assert_string_equal(argv[0], "mount");
    /* The mkdir is in the step's trace, once. */
    assert_int_equal(sh.step.trace.n, 1);
    assert_string_equal(sh.step.trace.v[0].call, "mkdir");
    /* The same directory the next time. */
    char *again[] = {xstrdup("x"), xstrdup("$SCRATCH/a"), NULL};
    assert_int_equal(scratch_expand(&sh, 1, 2, again), 0);
    assert_int_equal(sh.step.trace.n, 1);
    assert_int_equal(strncmp(again[1], dir, strlen(dir)), 0);

    /* At exit it goes, with what is in it (overlay leaves a mode-000
     * directory; root removes it anyway, others get a warning). */
    char *sub = xasprintf("%s/a/b", dir);
    char *a = xasprintf("%s/a", dir);
    assert_int_equal(mkdir(a, 0755), 0);
    assert_int_equal(mkdir(sub, 0755), 0);
    char *file = xasprintf("%s/f", sub);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    char *kept = xstrdup(dir);
    struct strbuf warn = {0};
    mount_session_end(&sh, &warn);
    assert_null(sh.mnt);
    assert_int_equal(access(kept, F_OK), -1);
    assert_string_equal(sb_str(&warn), "");
    assert_int_equal(rmdir(top), 0);

    for (int k = 0; argv[k]; k++)
        free(argv[k]);
    for (int k = 0; again[k]; k++)
        free(again[k]);
    free(sub);
    free(a);
    free(file);
    free(kept);
    sb_free(&warn);
    trace_free(&sh.step.trace);
    unsetenv("TMPDIR");
}

static void test_scratch_fails(void **state)
{
    struct nsl sh;
    memset(&sh, 0, sizeof sh);
    paths_init(&sh.paths);
    setenv("TMPDIR", "/nonexistent-nslab-dir", 1);
    char *argv[] = {xstrdup("x"), xstrdup("$SCRATCH"), NULL};
    assert_int_equal(scratch_expand(&sh, 1, 2, argv), -1);
    assert_non_null(strstr(sh.step.err.msg, "scratch directory"));
    /* The word stays as it was: nothing half-made. */
    assert_string_equal(argv[1], "$SCRATCH");
    free(argv[0]);
    free(argv[1]);
    struct strbuf warn = {0};
    mount_session_end(&sh, &warn);
    sb_free(&warn);
    trace_free(&sh.step.trace);
    unsetenv("TMPDIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_track),
        cmocka_unit_test(test_scratch),
        cmocka_unit_test(test_scratch_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

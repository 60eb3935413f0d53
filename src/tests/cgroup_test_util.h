/* Helpers shared by the cgroup tests: fixtures, files of a fake or real
 * tree, trace lines. Included by test_cgroup.c and test_cgroup_fake.c only
 * (each test program is one .c file). */
#ifndef NSLAB_TEST_CGROUP_UTIL_H
#define NSLAB_TEST_CGROUP_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel/cgroup/cgroup.h"
#include "kernel/cgroup/cgroup_impl.h" /* cg_read_pids, cg_read_text, cg_key_value */

#define MAYBE_UNUSED __attribute__((unused))

/* src/tests/fixtures/cgroup: relative to the repo root, where make runs
 * the tests, or found from the test binary (REPO/BUILD/tests/NAME). */
MAYBE_UNUSED static const char *fixture_dir(void)
{
    static __thread char dir[600];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "src/tests/fixtures/cgroup");
    if (access(dir, F_OK) == 0)
        return dir;
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int i = 0; i < 3; i++) { /* drop NAME, tests and BUILD */
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
        }
        snprintf(dir, sizeof dir, "%s/src/tests/fixtures/cgroup", exe);
    }
    return dir;
}

MAYBE_UNUSED static char *fixture(const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", fixture_dir(), name);
    struct strbuf sb = {0};
    if (read_file_sb(AT_FDCWD, path, &sb) < 0)
        fail_msg("cannot read fixture %s: %s", path, strerror(errno));
    return sb_steal(&sb);
}

MAYBE_UNUSED static void write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

MAYBE_UNUSED static void write_at(const char *dir, const char *file, const char *text)
{
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    write_text(path, text);
}

/* The file's text without trailing newlines; "" when missing. Static
 * buffer: use before the next call. */
MAYBE_UNUSED static const char *read_at(const char *dir, const char *file)
{
    static __thread char buf[4096];
    char path[2200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (read_file_at(AT_FDCWD, path, buf, sizeof buf) < 0)
        return "";
    return chomp(buf);
}

MAYBE_UNUSED static void mkdir_p(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

MAYBE_UNUSED static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        struct stat sb;
        if (lstat(sub, &sb) == 0 && S_ISDIR(sb.st_mode))
            rm_rf(sub);
        else
            unlink(sub);
    }
    closedir(d);
    rmdir(path);
}

MAYBE_UNUSED static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* All trace lines, one per line. */
MAYBE_UNUSED static char *trace_text(const struct trace *t)
{
    struct strbuf sb = {0};
    for (size_t i = 0; i < t->n; i++) {
        trace_ent_format(&t->v[i], &sb, NULL, NULL);
        sb_appendc(&sb, '\n');
    }
    return sb_steal(&sb);
}

MAYBE_UNUSED static void assert_trace_has(const struct trace *t, const char *fmt, ...) PRINTF(2, 3);
MAYBE_UNUSED static void assert_trace_has(const struct trace *t, const char *fmt, ...)
{
    struct strbuf want = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&want, fmt, ap);
    va_end(ap);
    cleanup_free char *text = trace_text(t);
    struct strbuf line = {0};
    sb_printf(&line, "%s\n", sb_str(&want));
    if (!strstr(text, sb_str(&line)))
        fail_msg("trace lacks\n  %s\ntrace:\n%s", sb_str(&want), text);
    sb_free(&want);
    sb_free(&line);
}

MAYBE_UNUSED static const struct cg_group *must_create(struct cg_session *s, enum cg_ctrl ctrl,
                                          const char *limit, const char *name, int hier,
                                          struct trace *t)
{
    struct nsl_err e = {0};
    struct cg_limit lim;
    struct cg_create_opts o = CG_CREATE_OPTS_INIT;
    o.name = name;
    o.hier = hier;
    if (limit) {
        if (cg_limit_parse(ctrl, limit, &lim, &e) < 0)
            fail_msg("limit %s: %s", limit, e.msg);
        o.limit = &lim;
    }
    const struct cg_group *g = NULL;
    if (cg_create(s, ctrl, &o, t, &e, &g) < 0)
        fail_msg("cg_create %s: %s", cg_ctrl_info[ctrl].name, e.msg);
    return g;
}

/* Is anything named nslab.<pid> left below dir? */
MAYBE_UNUSED static bool tree_has(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *de;
    while (!found && (de = readdir(d))) {
        if (de->d_type != DT_DIR || de->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, de->d_name);
        found = strcmp(de->d_name, name) == 0 || tree_has(sub, name);
    }
    closedir(d);
    return found;
}

/* Where the hierarchy holding c is mounted, or "-". */
MAYBE_UNUSED static const char *mount_of(const struct cg_layout *L, enum cg_ctrl c)
{
    return L->ctrl_hier[c] < 0 ? "-" : L->hier[L->ctrl_hier[c]].mount;
}

#endif

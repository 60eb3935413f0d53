#define _GNU_SOURCE
/* Mount mechanisms and the host guard.
 *
 * Pure parts (options, propagation words) run everywhere; the guard's
 * decision table is in test_mount_guard.c. The mechanisms run only as root and only in a child that
 * first makes a mount namespace of its own, private from the host
 * (unshare(CLONE_NEWNS) then MS_REC|MS_PRIVATE on /), and mounts only under
 * a temporary directory in /tmp. The parent never leaves the host's mount
 * namespace; it reads the host's mountinfo before any test and checks, as
 * the last test, that it is byte-identical afterwards. */
/* layer: kernel */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/mount/mount.h"
#include "kernel/mount/mountinfo.h"

/* ---- pure: options, propagation words, ID sets ---- */

static void opts(const char *in, unsigned long want_flags, const char *want_data)
{
    unsigned long flags = 12345;
    char *data = (char *)1;
    struct nsl_err e = {0};
    assert_int_equal(mount_opts_parse(in, &flags, &data, &e), 0);
    assert_int_equal(flags, want_flags);
    if (want_data)
        assert_string_equal(data, want_data);
    else
        assert_null(data);
    free(data);
}

static void test_opts_parse(void **state)
{
    opts(NULL, 0, NULL);
    opts("", 0, NULL);
    opts("ro,nosuid,nodev,noexec", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    opts("rw,size=1M,mode=700", 0, "size=1M,mode=700");
    opts("lowerdir=/l1:/l2,upperdir=/u,workdir=/w", 0,
         "lowerdir=/l1:/l2,upperdir=/u,workdir=/w");
    opts("ro,lowerdir=/l,noexec,upperdir=/u", MS_RDONLY | MS_NOEXEC, "lowerdir=/l,upperdir=/u");
    opts("ro,rw", 0, NULL);
    opts("defaults,noatime,nodiratime", MS_NOATIME | MS_NODIRATIME, NULL);
    opts(",,size=1M,,", 0, "size=1M");
    opts("bind", MS_BIND, NULL);
    opts("rbind,ro", MS_BIND | MS_REC | MS_RDONLY, NULL);
    opts("remount,ro", MS_REMOUNT | MS_RDONLY, NULL);
    opts("relatime,strictatime,lazytime,sync,dirsync,silent",
         MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_SYNCHRONOUS | MS_DIRSYNC | MS_SILENT,
         NULL);

    unsigned long flags;
    char *data;
    struct nsl_err e = {0};
    assert_int_equal(mount_opts_parse("size=1M,rshared", &flags, &data, &e), -1);
    assert_null(data);
    assert_non_null(strstr(e.msg, "'rshared' is a propagation type"));
    assert_non_null(strstr(e.msg, "`propagation shared TARGET`"));
    assert_int_equal(mount_opts_parse("private", &flags, &data, &e), -1);
    assert_int_equal(mount_opts_parse("unbindable", &flags, &data, &e), -1);
}

static void test_prop_parse(void **state)
{
    static const struct {
        const char *word;
        enum mount_prop prop;
        unsigned long flag;
    } rows[] = {
        {"shared", MOUNT_PROP_SHARED, MS_SHARED},
        {"slave", MOUNT_PROP_SLAVE, MS_SLAVE},
        {"private", MOUNT_PROP_PRIVATE, MS_PRIVATE},
        {"unbindable", MOUNT_PROP_UNBINDABLE, MS_UNBINDABLE},
    };
    for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
        enum mount_prop p;
        assert_int_equal(mount_prop_parse(rows[i].word, &p, NULL), 0);
        assert_int_equal(p, rows[i].prop);
        assert_string_equal(mount_prop_name(p), rows[i].word);
        assert_int_equal(mount_prop_flag(p), rows[i].flag);
    }
    struct nsl_err e = {0};
    enum mount_prop p;
    assert_int_equal(mount_prop_parse("rshared", &p, &e), -1);
    assert_string_equal(e.msg, "unknown propagation type 'rshared': use shared, slave, private "
                               "or unbindable");
    assert_int_equal(mount_prop_parse("Shared", &p, NULL), -1);
    assert_int_equal(mount_prop_parse("", &p, NULL), -1);
}

static void test_ids(void **state)
{
    struct mount_ids s = {0};
    assert_false(mount_ids_has(&s, 1));
    assert_false(mount_ids_has(NULL, 1));
    for (int i = 1; i <= 20; i++)
        mount_ids_add(&s, i);
    mount_ids_add(&s, 5);
    assert_int_equal(s.n, 20);
    mount_ids_remove(&s, 5);
    mount_ids_remove(&s, 99);
    assert_int_equal(s.n, 19);
    assert_false(mount_ids_has(&s, 5));
    assert_true(mount_ids_has(&s, 20));
    mount_ids_free(&s);
    assert_int_equal(s.n, 0);
}

/* Which rule a refused mount in a user namespace broke: proc and sysfs need
 * one already visible whole (a mount of the filesystem's root), no less
 * read-only, else their namespace's owner; cgroup hierarchies their cgroup
 * namespace's. */
static void test_userns_eperm_hint(void **state)
{
    static const char host[] =
        "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
        "23 1 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"
        "24 1 254:0 / / rw - ext4 /dev/vda rw\n";
    /* After pivot_root: the old root is gone; a bind of a part of proc
     * (its root is not the filesystem's) does not count as whole. */
    static const char pivoted[] =
        "69 45 0:41 / / rw - overlay overlay rw\n"
        "70 69 0:21 /sys /p rw - proc proc rw\n";
    /* A container's own sysfs, read-only (its superblock too). */
    static const char ro[] =
        "69 45 0:41 / / rw - overlay overlay rw\n"
        "71 69 0:44 / /sys ro,nosuid - sysfs sysfs ro\n";
    struct mount_table h = {0}, p = {0}, r = {0};
    struct nsl_err e = {0};
    assert_int_equal(mountinfo_parse(host, strlen(host), &h, &e), 0);
    assert_int_equal(mountinfo_parse(pivoted, strlen(pivoted), &p, &e), 0);
    assert_int_equal(mountinfo_parse(ro, strlen(ro), &r, &e), 0);
    assert_non_null(strstr(mount_userns_eperm_hint("proc", 0, &p), "before pivot_root"));
    assert_non_null(strstr(mount_userns_eperm_hint("sysfs", 0, &p), "before pivot_root"));
    assert_non_null(strstr(mount_userns_eperm_hint("sysfs", 0, &r), "-o ro"));
    assert_non_null(strstr(mount_userns_eperm_hint("sysfs", MS_RDONLY, &r), "network namespace"));
    assert_non_null(strstr(mount_userns_eperm_hint("proc", 0, &h), "child born in the new one"));
    assert_non_null(strstr(mount_userns_eperm_hint("sysfs", 0, &h), "network namespace"));
    assert_non_null(strstr(mount_userns_eperm_hint("cgroup", 0, &h), "cgroup namespace"));
    assert_non_null(strstr(mount_userns_eperm_hint("cgroup2", 0, &p), "cgroup namespace"));
    assert_null(mount_userns_eperm_hint("tmpfs", 0, &h));
    assert_null(mount_userns_eperm_hint(NULL, 0, &h));
    mount_table_free(&h);
    mount_table_free(&p);
    mount_table_free(&r);
}

/* ---- as root, in a private mount namespace made by a child ---- */

struct env {
    char dir[64]; /* a fresh directory under /tmp, made by the parent */
    ino_t made;   /* the child's mount namespace: "the session made it" */
    int procfd;   /* /proc, where the guard finds the other namespaces */
    struct nsl_paths paths;
};

/* Checks inside the child: say what failed and let the parent's assert
 * see the exit code. */
#define CHECK(cond, ...)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                      \
            fputc('\n', stderr);                                                               \
            return -1;                                                                         \
        }                                                                                      \
    } while (0)

static int rm_ent(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

typedef int (*child_fn)(const struct env *env);

static void in_private_ns(child_fn fn)
{
    if (geteuid() != 0) {
        fprintf(stderr, "skipped: mount tests need root\n");
        skip();
    }
    struct env env = {.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    assert_true(env.procfd >= 0);
    snprintf(env.dir, sizeof env.dir, "/tmp/nslab-test-mount.XXXXXX");
    assert_non_null(mkdtemp(env.dir));
    paths_init(&env.paths);

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
        struct stat st;
        if (stat("/proc/self/ns/mnt", &st) < 0)
            _exit(3);
        env.made = st.st_ino;
        _exit(fn(&env) == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(env.procfd);
    /* The child's mounts died with its namespace: what is left is plain
     * directories on the host's /tmp. FTW_MOUNT: never cross into a mount. */
    nftw(env.dir, rm_ent, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    assert_int_equal(access(env.dir, F_OK), -1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static struct mount_ctx ctx_for(const struct env *env, struct trace *tr)
{
    return (struct mount_ctx){
        .paths = &env->paths,
        .trace = tr,
        .made_mntns = &env->made,
        .n_made_mntns = 1,
        .procfd = env->procfd,
    };
}

/* The propagation text and ID of the mount at path in pid's table (0: the
 * caller's own, read now). *prop is "" when nothing is mounted there. */
static int mount_at(const struct env *env, pid_t pid, const char *path, char *prop, size_t size)
{
    struct mount_table t = {0};
    struct nsl_err e = {0};
    if (mountinfo_read(&env->paths, pid, &t, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        return -1;
    }
    const struct mount_ent *m = mount_table_find_target(&t, path);
    int id = m ? m->id : 0;
    struct strbuf sb = {0};
    if (m)
        mount_propagation_format(m, NULL, &sb);
    snprintf(prop, size, "%s", sb_str(&sb));
    sb_free(&sb);
    mount_table_free(&t);
    return id;
}

static int relations_of(const struct env *env, pid_t self_pid, pid_t other_pid,
                        const char *path, char *out, size_t size)
{
    struct mount_table a = {0}, b = {0};
    if (mountinfo_read(&env->paths, self_pid, &a, NULL) < 0 ||
        mountinfo_read(&env->paths, other_pid, &b, NULL) < 0)
        return -1;
    const struct mount_ent *m = mount_table_find_target(&a, path);
    struct strbuf sb = {0};
    if (m)
        mount_relations_format(&a, &b, m, NULL, "; ", &sb);
    snprintf(out, size, "%s", sb_str(&sb));
    sb_free(&sb);
    mount_table_free(&a);
    mount_table_free(&b);
    return m ? 0 : -1;
}

/* A second mount namespace: a child that unshares CLONE_NEWNS only (so its
 * copies of shared mounts stay peers) and waits until *gate closes. */
static pid_t second_ns(int *gate)
{
    int ready[2], g[2];
    if (pipe(ready) < 0 || pipe(g) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(g[1]);
        char c = unshare(CLONE_NEWNS) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        while (read(g[0], &c, 1) > 0) {
        }
        _exit(c == 'n' ? 1 : 0);
    }
    close(ready[1]);
    close(g[0]);
    char c = 'n';
    if (pid < 0 || read(ready[0], &c, 1) != 1 || c != 'y') {
        close(ready[0]);
        close(g[1]);
        return -1;
    }
    close(ready[0]);
    *gate = g[1];
    return pid;
}

static int ns_fd(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
    return open(path, O_RDONLY | O_CLOEXEC);
}

static int end_second_ns(pid_t pid, int gate)
{
    close(gate);
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* KERNEL-NOTES' verified sequence, through nslab's mechanisms and parser. */
static int seq_child(const struct env *env)
{
    struct trace tr = {0};
    struct mount_ctx c = ctx_for(env, &tr);
    struct mount_result r = {0};
    struct nsl_err e = {0};
    char d[128], sub[160], prop[64], prop2[64], rel[512], want[512];
    snprintf(d, sizeof d, "%s/d", env->dir);
    CHECK(mkdir(d, 0755) == 0, "mkdir %s", d);

    CHECK(mount_fs(&c, "tmpfs", "nslab-d", d, "size=1M", &r, &e) == 0, "%s", e.msg);
    CHECK(!r.before && r.after && r.n_added == 1 && r.added[0] == r.after_id, "%s", r.after);
    int a_id = mount_at(env, 0, d, prop, sizeof prop);
    CHECK(a_id == r.after_id && strcmp(prop, "private") == 0, "%d %s", a_id, prop);

    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, d, false, &r, &e) == 0, "%s", e.msg);
    mount_at(env, 0, d, prop, sizeof prop);
    int group;
    CHECK(sscanf(prop, "shared:%d", &group) == 1, "%s", prop);
    snprintf(want, sizeof want, " shared:%d - tmpfs", group);
    CHECK(!strstr(r.before, " shared:") && strstr(r.after, want), "%s -> %s", r.before, r.after);
    CHECK(r.n_added == 0 && r.n_removed == 0, "%zu %zu", r.n_added, r.n_removed);

    /* The second namespace sees shared:N for its copy: the same group. */
    int gate;
    pid_t b = second_ns(&gate);
    CHECK(b > 0, "second namespace");
    int b_id = mount_at(env, b, d, prop2, sizeof prop2);
    snprintf(want, sizeof want, "shared:%d", group);
    CHECK(b_id > 0 && b_id != a_id && strcmp(prop2, want) == 0, "%s", prop2);
    ino_t a_ns, b_ns;
    CHECK(mntns_inode(&env->paths, 0, &a_ns) == 0 && mntns_inode(&env->paths, b, &b_ns) == 0,
          "ns");
    CHECK(a_ns != b_ns, "two namespaces");
    /* Both are the "session's": mounts may travel between them. */
    ino_t made2[2] = {env->made, b_ns};
    c.made_mntns = made2;
    c.n_made_mntns = 2;
    CHECK(relations_of(env, 0, b, d, rel, sizeof rel) == 0, "relations");
    snprintf(want, sizeof want, "peer of mount %d in mnt ns %llu", b_id, (unsigned long long)b_ns);
    CHECK(strcmp(rel, want) == 0, "%s", rel);

    /* While both are peers a mount travels both ways (here: from B). */
    int fd_a = ns_fd(getpid()), fd_b = ns_fd(b);
    CHECK(fd_a >= 0 && fd_b >= 0, "ns fds");
    snprintf(sub, sizeof sub, "%s/peer", d);
    CHECK(mkdir(sub, 0755) == 0, "mkdir");
    CHECK(setns(fd_b, CLONE_NEWNS) == 0, "setns b");
    CHECK(mount_fs(&c, "tmpfs", "from-b", sub, NULL, &r, &e) == 0, "%s", e.msg);
    CHECK(setns(fd_a, CLONE_NEWNS) == 0, "setns a");
    CHECK(mount_at(env, 0, sub, prop, sizeof prop) > 0, "B's mount did not reach A");
    CHECK(mount_umount(&c, sub, 0, &r, &e) == 0, "%s", e.msg);
    CHECK(r.before && !r.after && r.n_removed == 1 && r.removed[0] == r.before_id, "umount");
    CHECK(mount_at(env, b, sub, prop, sizeof prop) == 0, "umount did not propagate to B");

    /* make-slave in the second: master:N there, A stays shared:N. */
    CHECK(setns(fd_b, CLONE_NEWNS) == 0, "setns b");
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SLAVE, d, false, &r, &e) == 0, "%s", e.msg);
    snprintf(want, sizeof want, " master:%d - tmpfs", group);
    CHECK(r.after && strstr(r.after, want) && r.after_id == b_id, "%s", r.after);
    /* (While this process is in B's namespace, its own /proc/PID/mountinfo
     * shows B's table too: A's is read once back home.) */
    mount_at(env, 0, d, prop2, sizeof prop2);
    snprintf(want, sizeof want, "master:%d", group);
    CHECK(strcmp(prop2, want) == 0, "%s", prop2);

    /* A mount in the slave does not reach the master... */
    snprintf(sub, sizeof sub, "%s/fromB", d);
    CHECK(mkdir(sub, 0755) == 0, "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "from-b", sub, NULL, &r, &e) == 0, "%s", e.msg);
    CHECK(setns(fd_a, CLONE_NEWNS) == 0, "setns a");
    mount_at(env, 0, d, prop, sizeof prop);
    snprintf(want, sizeof want, "shared:%d", group);
    CHECK(strcmp(prop, want) == 0, "%s", prop);
    /* B's view of its relation: it receives from A's mount. */
    CHECK(relations_of(env, b, 0, d, rel, sizeof rel) == 0, "relations");
    snprintf(want, sizeof want, "receives from peer group %d (mount %d in mnt ns %llu)", group,
             a_id, (unsigned long long)a_ns);
    CHECK(strcmp(rel, want) == 0, "%s", rel);
    CHECK(mount_at(env, 0, sub, prop, sizeof prop) == 0, "B's mount reached A");
    CHECK(mount_at(env, b, sub, prop, sizeof prop) > 0, "B lost its mount");
    /* ...a mount in the master reaches the slave. */
    snprintf(sub, sizeof sub, "%s/fromA", d);
    CHECK(mkdir(sub, 0755) == 0, "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "from-a", sub, NULL, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_at(env, b, sub, prop, sizeof prop) > 0, "A's mount did not reach B");
    CHECK(relations_of(env, 0, b, d, rel, sizeof rel) == 0, "relations");
    snprintf(want, sizeof want, "propagates to mount %d in mnt ns %llu (a slave)", b_id,
             (unsigned long long)b_ns);
    CHECK(strcmp(rel, want) == 0, "%s", rel);

    /* make-private in the first stops propagation. */
    CHECK(mount_set_propagation(&c, MOUNT_PROP_PRIVATE, d, false, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_at(env, 0, d, prop, sizeof prop) == a_id && strcmp(prop, "private") == 0, "%s",
          prop);
    CHECK(relations_of(env, 0, b, d, rel, sizeof rel) == 0 &&
              strcmp(rel, "private: no propagation") == 0,
          "%s", rel);
    snprintf(sub, sizeof sub, "%s/fromA2", d);
    CHECK(mkdir(sub, 0755) == 0, "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "from-a2", sub, NULL, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_at(env, b, sub, prop, sizeof prop) == 0, "A's mount reached B after private");
    /* B's slave has lost its master: the kernel makes it private. */
    mount_at(env, b, d, prop2, sizeof prop2);
    CHECK(strcmp(prop2, "private") == 0, "%s", prop2);

    /* make-unbindable: bind fails with EINVAL, explained. */
    CHECK(mount_set_propagation(&c, MOUNT_PROP_UNBINDABLE, d, false, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_at(env, 0, d, prop, sizeof prop) && strcmp(prop, "unbindable") == 0, "%s", prop);
    snprintf(sub, sizeof sub, "%s/w", d);
    CHECK(mkdir(sub, 0755) == 0, "mkdir");
    trace_clear(&tr);
    CHECK(mount_bind(&c, d, sub, false, &r, &e) == -1, "bind of an unbindable mount worked");
    CHECK(e.errnum == EINVAL && strstr(e.msg, "which is unbindable"), "%s", e.msg);
    CHECK(tr.n == 1 && tr.v[0].ret == -1 && tr.v[0].err == EINVAL, "trace");
    CHECK(!r.after && r.n_added == 0, "a failed bind has no after");

    CHECK(end_second_ns(b, gate) == 0, "second namespace ended badly");
    close(fd_a);
    close(fd_b);
    mount_result_free(&r);
    trace_free(&tr);
    return 0;
}

static void test_propagation_sequence(void **state)
{
    in_private_ns(seq_child);
}

static int file_has(const char *path, const char *text)
{
    char buf[256];
    ssize_t n = read_file_at(AT_FDCWD, path, buf, sizeof buf);
    return n >= 0 && strcmp(buf, text) == 0;
}

static int put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int opts_child(const struct env *env)
{
    struct trace tr = {0};
    struct mount_ctx c = ctx_for(env, &tr);
    struct mount_result r = {0};
    struct nsl_err e = {0};
    char d[128], path[5][192];
    snprintf(d, sizeof d, "%s/d", env->dir);
    CHECK(mkdir(d, 0755) == 0, "mkdir");

    CHECK(mount_fs(&c, "tmpfs", "opt", d, "nosuid,nodev,noexec,size=1M,mode=700", &r, &e) == 0,
          "%s", e.msg);
    struct mount_table t = {0};
    CHECK(mountinfo_parse(r.after, strlen(r.after), &t, &e) == 0, "%s", e.msg);
    CHECK(strncmp(t.v[0].opts, "rw,nosuid,nodev,noexec", 22) == 0, "%s", t.v[0].opts);
    CHECK(strstr(t.v[0].super_opts, "size=1024k") && strstr(t.v[0].super_opts, "mode=700"),
          "%s", t.v[0].super_opts);
    CHECK(strcmp(t.v[0].source, "opt") == 0 && strcmp(r.target, d) == 0, "%s", r.target);
    mount_table_free(&t);
    const struct trace_ent *te = trace_last(&tr);
    CHECK(te && strcmp(te->call, "mount") == 0 &&
              strstr(te->args, "MS_NOSUID|MS_NODEV|MS_NOEXEC") &&
              strstr(te->args, "\"size=1M,mode=700\""),
          "%s", te ? te->args : "");

    /* remount,ro acts on the mount at d (REMOUNT in the guard). */
    CHECK(mount_fs(&c, "tmpfs", "opt", d, "remount,ro,size=2M", &r, &e) == 0, "%s", e.msg);
    CHECK(r.before_id == r.after_id && strstr(r.after, " ro,") && strstr(r.after, "size=2048k"),
          "%s", r.after);
    CHECK(mount_umount(&c, d, 0, &r, &e) == 0, "%s", e.msg);

    /* Unknown filesystem type: ENODEV, with where to look. */
    CHECK(mount_fs(&c, "nosuchfs", NULL, d, NULL, &r, &e) == -1, "nosuchfs mounted");
    CHECK(e.errnum == ENODEV && strstr(e.msg, "/proc/filesystems"), "%s", e.msg);
    CHECK(!r.after && !r.before && trace_last(&tr)->ret == -1, "result of a failed mount");
    /* A target that does not exist: named, before any call. */
    size_t n = tr.n;
    snprintf(path[0], sizeof path[0], "%s/missing", env->dir);
    CHECK(mount_fs(&c, "tmpfs", NULL, path[0], NULL, &r, &e) == -1 && e.errnum == ENOENT &&
              strstr(e.msg, "cannot mount on ") && tr.n == n,
          "%s", e.msg);
    CHECK(mount_fs(&c, "tmpfs", NULL, d, "rslave", &r, &e) == -1 && tr.n == n, "rslave");

    /* overlay: writing a lower file through the merged view copies it up. */
    CHECK(mount_fs(&c, "tmpfs", "ov", d, NULL, &r, &e) == 0, "%s", e.msg);
    static const char *const names[] = {"lower", "upper", "work", "merged"};
    for (int i = 0; i < 4; i++) {
        snprintf(path[i], sizeof path[i], "%s/%s", d, names[i]);
        CHECK(mkdir(path[i], 0755) == 0, "mkdir %s", path[i]);
    }
    char file[256], opts[800];
    snprintf(file, sizeof file, "%s/lower/f", d);
    CHECK(put(file, "lower\n") == 0, "put");
    snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s", path[0], path[1], path[2]);
    CHECK(mount_fs(&c, "overlay", "overlay", path[3], opts, &r, &e) == 0, "%s", e.msg);
    CHECK(strstr(r.after, " - overlay overlay ") && strstr(trace_last(&tr)->args, opts), "%s",
          r.after);
    snprintf(file, sizeof file, "%s/upper/f", d);
    CHECK(access(file, F_OK) == -1, "upper has f before a write");
    snprintf(file, sizeof file, "%s/merged/f", d);
    CHECK(file_has(file, "lower\n") && put(file, "changed\n") == 0, "merged");
    snprintf(file, sizeof file, "%s/upper/f", d);
    CHECK(file_has(file, "changed\n"), "no copy-up");
    snprintf(file, sizeof file, "%s/lower/f", d);
    CHECK(file_has(file, "lower\n"), "lower changed");

    mount_result_free(&r);
    trace_free(&tr);
    return 0;
}

static void test_mount_options_overlay(void **state)
{
    in_private_ns(opts_child);
}

static int bind_child(const struct env *env)
{
    struct trace tr = {0};
    struct mount_ctx c = ctx_for(env, &tr);
    struct mount_result r = {0};
    struct nsl_err e = {0};
    char d[128], dsub[160], b1[128], b2[128], b2sub[160], plain[128], prop[64];
    snprintf(d, sizeof d, "%s/d", env->dir);
    snprintf(dsub, sizeof dsub, "%s/d/sub", env->dir);
    snprintf(b1, sizeof b1, "%s/b1", env->dir);
    snprintf(b2, sizeof b2, "%s/b2", env->dir);
    snprintf(b2sub, sizeof b2sub, "%s/b2/sub", env->dir);
    snprintf(plain, sizeof plain, "%s/plain", env->dir);
    CHECK(mkdir(d, 0755) == 0 && mkdir(b1, 0755) == 0 && mkdir(b2, 0755) == 0 &&
              mkdir(plain, 0755) == 0,
          "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "d", d, NULL, &r, &e) == 0, "%s", e.msg);
    CHECK(mkdir(dsub, 0755) == 0, "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "dsub", dsub, NULL, &r, &e) == 0, "%s", e.msg);

    /* Plain bind: the submount stays behind; -r takes it along. */
    CHECK(mount_bind(&c, d, b1, false, &r, &e) == 0, "%s", e.msg);
    CHECK(r.n_added == 1 && r.after_id == r.added[0] && !r.before, "bind");
    char b1sub[160];
    snprintf(b1sub, sizeof b1sub, "%s/sub", b1);
    CHECK(mount_at(env, 0, b1sub, prop, sizeof prop) == 0, "plain bind took the submount");
    CHECK(mount_bind(&c, d, b2, true, &r, &e) == 0, "%s", e.msg);
    CHECK(r.n_added == 2, "rbind added %zu", r.n_added);
    CHECK(mount_at(env, 0, b2sub, prop, sizeof prop) > 0, "rbind lost the submount");
    CHECK(strstr(trace_last(&tr)->args, "MS_BIND|MS_REC"), "%s", trace_last(&tr)->args);

    /* umount: busy with a submount below, then fine bottom-up. */
    CHECK(mount_umount(&c, b2, 0, &r, &e) == -1 && e.errnum == EBUSY &&
              strstr(e.msg, "still in use"),
          "%s", e.msg);
    CHECK(mount_umount(&c, b2sub, 0, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_umount(&c, b2, 0, &r, &e) == 0, "%s", e.msg);
    CHECK(r.before && !r.after && r.n_removed == 1 && r.removed[0] == r.before_id, "umount");
    CHECK(strstr(trace_last(&tr)->args, "\"") && strstr(trace_last(&tr)->args, ", 0"), "%s",
          trace_last(&tr)->args);
    /* A stack: umount uncovers the mount below, shown as "after". */
    CHECK(mount_fs(&c, "tmpfs", "top", b1, NULL, &r, &e) == 0, "%s", e.msg);
    int top = r.after_id, under = r.before_id;
    CHECK(top && under && top != under, "stack");
    CHECK(mount_umount(&c, b1, MNT_DETACH, &r, &e) == 0, "%s", e.msg);
    CHECK(r.before_id == top && r.after_id == under, "%d %d", r.before_id, r.after_id);
    CHECK(strstr(trace_last(&tr)->args, "MNT_DETACH"), "%s", trace_last(&tr)->args);

    /* Not a mount point: umount and propagation say so before any call. */
    size_t n = tr.n;
    CHECK(mount_umount(&c, plain, 0, &r, &e) == -1 && e.errnum == EINVAL &&
              strstr(e.msg, "is not a mount point") && tr.n == n,
          "%s", e.msg);
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, plain, true, &r, &e) == -1, "plain");
    char want[1024];
    struct mount_table t = {0};
    CHECK(mountinfo_read(&env->paths, 0, &t, &e) == 0, "%s", e.msg);
    const struct mount_ent *in = mount_table_find_containing(&t, plain);
    CHECK(in, "no mount holds %s", plain);
    snprintf(want, sizeof want,
             "%s is not a mount point (it lies in mount %d on %s, whose propagation is "
             "private): propagation belongs to mounts, not to directories; make it a mount "
             "point of its own first with `bind %s %s`, then `propagation shared %s`",
             plain, in->id, in->target, plain, plain, plain);
    mount_table_free(&t);
    CHECK(e.errnum == EINVAL && strcmp(e.msg, want) == 0 && tr.n == n, "%s", e.msg);
    /* Following the advice works. */
    CHECK(mount_bind(&c, plain, plain, false, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, plain, false, &r, &e) == 0, "%s", e.msg);
    CHECK(r.before && strstr(r.after, " shared:"), "%s", r.after);
    /* Missing source: named. */
    snprintf(want, sizeof want, "%s/nothing", env->dir);
    CHECK(mount_bind(&c, want, plain, false, &r, &e) == -1 && e.errnum == ENOENT &&
              strstr(e.msg, "cannot bind-mount "),
          "%s", e.msg);

    /* Recursive propagation reaches the submounts. */
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, d, true, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_at(env, 0, dsub, prop, sizeof prop) && strncmp(prop, "shared:", 7) == 0, "%s",
          prop);
    mount_result_free(&r);
    trace_free(&tr);
    return 0;
}

static void test_bind_umount(void **state)
{
    in_private_ns(bind_child);
}

static int escape_child(const struct env *env)
{
    struct trace tr = {0};
    struct mount_ctx c = ctx_for(env, &tr);
    struct mount_result r = {0};
    struct nsl_err e = {0};
    char d[128];
    snprintf(d, sizeof d, "%s/a b\tc\\d", env->dir);
    CHECK(mkdir(d, 0755) == 0, "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "my src", d, NULL, &r, &e) == 0, "%s", e.msg);
    CHECK(strstr(r.after, "a\\040b\\011c\\134d") && strstr(r.after, "my\\040src"), "%s", r.after);
    struct mount_table t = {0};
    CHECK(mountinfo_parse(r.after, strlen(r.after), &t, &e) == 0, "%s", e.msg);
    CHECK(strcmp(t.v[0].target, d) == 0 && strcmp(t.v[0].source, "my src") == 0, "%s",
          t.v[0].target);
    mount_table_free(&t);
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, d, false, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_umount(&c, d, 0, &r, &e) == 0, "%s", e.msg);
    mount_result_free(&r);
    trace_free(&tr);
    return 0;
}

static void test_escaped_paths(void **state)
{
    in_private_ns(escape_child);
}

/* The guard inside the mechanisms: pretend this private namespace is the
 * host's, then pretend another namespace is, one that shares a peer group. */
/* The options of the mount at path in pid's table ("" when none). */
static void opts_at(const struct env *env, pid_t pid, const char *path, char *out, size_t size)
{
    struct mount_table t = {0};
    const struct mount_ent *m = NULL;
    if (mountinfo_read(&env->paths, pid, &t, NULL) == 0)
        m = mount_table_find_target(&t, path);
    snprintf(out, size, "%s %s", m ? m->opts : "", m ? m->super_opts : "");
    mount_table_free(&t);
}

/* The guard inside the mechanisms: pretend this private namespace is the
 * host's (the session made none), then make it the session's, with a
 * second namespace (not the session's) that shares a peer group, then one
 * that mounts the same filesystem. */
static int guard_child(const struct env *env)
{
    struct trace tr = {0};
    struct mount_ids created = {0};
    struct mount_ctx c = ctx_for(env, &tr);
    struct mount_result r = {0};
    struct nsl_err e = {0};
    char d[128], sub[160], sub2[160], prop[64], opts[256];
    snprintf(d, sizeof d, "%s/d", env->dir);
    snprintf(sub, sizeof sub, "%s/d/sub", env->dir);
    snprintf(sub2, sizeof sub2, "%s/d/sub2", env->dir);
    CHECK(mkdir(d, 0755) == 0, "mkdir");
    c.n_made_mntns = 0;
    c.created = &created;

    CHECK(mount_fs(&c, "tmpfs", "g", d, NULL, &r, &e) == -1 && tr.n == 0, "not refused");
    CHECK(strstr(e.msg, "refusing to mount on ") && strstr(e.msg, "`unshare mnt`"), "%s", e.msg);
    c.allow_host_changes = true;
    CHECK(mount_fs(&c, "tmpfs", "g", d, NULL, &r, &e) == 0, "%s", e.msg);
    c.allow_host_changes = false;
    for (size_t i = 0; i < r.n_added; i++)
        mount_ids_add(&created, r.added[i]);
    CHECK(mkdir(sub, 0755) == 0 && mkdir(sub2, 0755) == 0, "mkdir");
    CHECK(mount_fs(&c, "tmpfs", "g", sub, NULL, &r, &e) == 0, "%s", e.msg);
    int sub_id = r.after_id;
    /* sub was made by "this session" but not recorded: umount refused. */
    CHECK(mount_umount(&c, sub, 0, &r, &e) == -1 && strstr(e.msg, "refusing to unmount"), "%s",
          e.msg);
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, d, true, &r, &e) == -1 &&
              strstr(e.msg, "below it"),
          "%s", e.msg);
    CHECK(mount_set_propagation(&c, MOUNT_PROP_SHARED, d, false, &r, &e) == 0, "%s", e.msg);
    mount_ids_add(&created, sub_id);
    CHECK(mount_umount(&c, sub, 0, &r, &e) == 0, "%s", e.msg);
    mount_ids_remove(&created, sub_id);

    /* Now this namespace is the session's, and a second namespace B, which
     * the session did not make, shares d's peer group: a mount under d
     * would reach it. */
    c.n_made_mntns = 1;
    int gate;
    pid_t b = second_ns(&gate);
    CHECK(b > 0, "second namespace");
    size_t n = tr.n;
    CHECK(mount_fs(&c, "tmpfs", "g", sub2, NULL, &r, &e) == -1 && tr.n == n, "not refused");
    CHECK(strstr(e.msg, "so the change would reach the host") &&
              strstr(e.msg, "`propagation private "),
          "%s", e.msg);
    c.allow_host_changes = true;
    CHECK(mount_fs(&c, "tmpfs", "g", sub2, NULL, &r, &e) == 0, "%s", e.msg);
    c.allow_host_changes = false;
    CHECK(mount_at(env, b, sub2, prop, sizeof prop) > 0, "did not propagate");
    CHECK(mount_umount(&c, sub2, 0, &r, &e) == -1 && strstr(e.msg, "refusing to unmount"), "%s",
          e.msg);
    CHECK(mount_set_propagation(&c, MOUNT_PROP_PRIVATE, d, false, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_umount(&c, sub2, 0, &r, &e) == 0, "%s", e.msg);
    CHECK(mount_at(env, b, sub2, prop, sizeof prop) > 0, "private d still propagated");
    /* B mounts d's filesystem too: a remount of it (its superblock) would
     * change B's d; a remount with MS_BIND changes this namespace's only. */
    n = tr.n;
    CHECK(mount_fs(&c, "tmpfs", "none", d, "remount,ro,size=2M", &r, &e) == -1 && tr.n == n,
          "a remount of a filesystem B mounts too was not refused");
    CHECK(strstr(e.msg, "refusing to remount ") && strstr(e.msg, "without bind") &&
              strstr(e.msg, "remount,bind"),
          "%s", e.msg);
    CHECK(mount_fs(&c, "tmpfs", "none", d, "remount,bind,ro", &r, &e) == 0, "%s", e.msg);
    opts_at(env, 0, d, opts, sizeof opts);
    CHECK(strncmp(opts, "ro,", 3) == 0, "%s", opts);
    opts_at(env, b, d, opts, sizeof opts);
    CHECK(strncmp(opts, "rw,", 3) == 0 && !strstr(opts, "size="), "B's d: %s", opts);
    CHECK(end_second_ns(b, gate) == 0, "second namespace ended badly");
    /* Only this namespace mounts it now: the filesystem is the session's. */
    CHECK(mount_fs(&c, "tmpfs", "none", d, "remount,rw,size=2M", &r, &e) == 0, "%s", e.msg);
    opts_at(env, 0, d, opts, sizeof opts);
    CHECK(strstr(opts, "size=2048k"), "%s", opts);

    /* No /proc to find the other namespaces in: the check cannot be made,
     * and says so. */
    c.procfd = -1;
    CHECK(mount_fs(&c, "tmpfs", "none", d, "remount,size=3M", &r, &e) == -1 &&
              strstr(e.msg, "cannot check whether this change would reach the host"),
          "%s", e.msg);
    mount_ids_free(&created);
    mount_result_free(&r);
    trace_free(&tr);
    return 0;
}

static void test_guard_in_mechanisms(void **state)
{
    in_private_ns(guard_child);
}

/* ---- the host's mount table, before and after everything ---- */

static void test_host_unchanged(void **state)
{
    const struct strbuf *before = *state;
    struct strbuf now = {0};
    assert_int_equal(read_file_sb(AT_FDCWD, "/proc/self/mountinfo", &now), 0);
    assert_string_equal(sb_str(&now), sb_str(before));
    sb_free(&now);
}

int main(void)
{
    struct strbuf host = {0};
    if (read_file_sb(AT_FDCWD, "/proc/self/mountinfo", &host) < 0 || host.len == 0) {
        perror("/proc/self/mountinfo");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts_parse),
        cmocka_unit_test(test_prop_parse),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_userns_eperm_hint),
        cmocka_unit_test(test_propagation_sequence),
        cmocka_unit_test(test_mount_options_overlay),
        cmocka_unit_test(test_bind_umount),
        cmocka_unit_test(test_escaped_paths),
        cmocka_unit_test(test_guard_in_mechanisms),
    };
    const struct CMUnitTest last[] = {
        cmocka_unit_test_prestate(test_host_unchanged, &host),
    };
    int failed = cmocka_run_group_tests_name("mount", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("host mount table unchanged", last, NULL, NULL);
    sb_free(&host);
    return failed;
}

#define _GNU_SOURCE
#include "kernel/rootfs.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/sys_file.h"

const char *const rootfs_dirs[] = {"bin", "dev", "etc", "proc", "sys", "tmp"};
const size_t rootfs_ndirs = ARRAY_SIZE(rootfs_dirs);

void namelist_free(struct namelist *l)
{
    for (size_t k = 0; k < l->n; k++)
        free(l->v[k]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == '[' || c == ']'))
            return false;
    }
    return true;
}

int busybox_applets_parse(const char *text, struct namelist *out, struct nsl_err *e)
{
    memset(out, 0, sizeof *out);
    unsigned line = 0;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        if (n && !name_ok(p, n)) {
            cleanup_free char *bad = xstrndup(p, n > 64 ? 64 : n);
            cleanup_free char *q = str_quoted(bad);
            namelist_free(out);
            return nsl_fail(e, 0, "line %u of the applet list: %s is not a file name", line, q);
        }
        if (n && !(n == 7 && memcmp(p, "busybox", 7) == 0)) {
            out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
            out->v[out->n++] = xstrndup(p, n);
        }
        p += n + (nl ? 1 : 0);
    }
    if (!out->n)
        return nsl_fail(e, 0, "the applet list names no applet");
    return 0;
}

int elf_interp_fd(int fd, char *buf, size_t size)
{
    Elf64_Ehdr h;
    if (pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h || memcmp(h.e_ident, ELFMAG, SELFMAG) != 0 ||
        h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_phentsize != sizeof(Elf64_Phdr))
        return -1;
    for (unsigned k = 0; k < h.e_phnum; k++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof ph, (off_t)(h.e_phoff + k * sizeof ph)) != (ssize_t)sizeof ph)
            return -1;
        if (ph.p_type != PT_INTERP)
            continue;
        size_t n = ph.p_filesz < size ? (size_t)ph.p_filesz : size - 1;
        if (!size || pread(fd, buf, n, (off_t)ph.p_offset) != (ssize_t)n)
            return -1;
        buf[n] = '\0';
        return 1;
    }
    return 0;
}

int elf_is_static(const char *path, struct nsl_err *e)
{
    cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return nsl_fail_errno(e, errno, "cannot open %s", path);
    char interp[256];
    int r = elf_interp_fd(fd, interp, sizeof interp);
    if (r < 0)
        return nsl_fail(e, 0, "%s is not a 64-bit ELF program", path);
    return r == 0;
}

/* Its applets, as `busybox --list` prints them (no shell: execv). */
static int busybox_list(const char *busybox, struct namelist *out, struct nsl_err *e)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return nsl_fail_errno(e, errno, "cannot make a pipe");
    pid_t pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return nsl_fail_errno(e, errno, "cannot fork");
    }
    if (pid == 0) {
        dup2(pfd[1], STDOUT_FILENO);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execv(busybox, (char *[]){(char *)busybox, "--list", NULL});
        _exit(127);
    }
    close(pfd[1]);
    cleanup_sb struct strbuf sb = {0};
    char buf[4096];
    ssize_t n;
    while ((n = read(pfd[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            sb_appendn(&sb, buf, (size_t)n);
    close(pfd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return nsl_fail(e, 0, "`%s --list` failed", busybox);
    return busybox_applets_parse(sb_str(&sb), out, e);
}

/* dir must be missing (made here) or an empty directory. */
static int dir_fresh(const char *dir, struct trace *t, struct nsl_err *e)
{
    struct stat st;
    if (lstat(dir, &st) < 0) {
        if (errno != ENOENT)
            return nsl_fail_errno(e, errno, "cannot look at %s", dir);
        if (sys_mkdir(t, dir, 0755) < 0)
            return nsl_fail_errno(e, errno, "cannot make %s", dir);
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return nsl_fail(e, ENOTDIR, "%s is not a directory", dir);
    DIR *d = opendir(dir);
    if (!d)
        return nsl_fail_errno(e, errno, "cannot read %s", dir);
    struct dirent *de;
    bool empty = true;
    while (empty && (de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            empty = false;
    closedir(d);
    if (!empty)
        return nsl_fail(e, ENOTEMPTY,
                        "%s is not empty: a busybox root is laid out only in a new or empty "
                        "directory (use `image %s` to take it as it is)",
                        dir, dir);
    return 0;
}

static int links_make(const char *dir, const struct namelist *apps, struct trace *t,
                      size_t *made, struct nsl_err *e)
{
    struct trace quiet = {0};
    *made = 0;
    for (size_t k = 0; k < apps->n; k++) {
        cleanup_free char *lp = xasprintf("%s/bin/%s", dir, apps->v[k]);
        int rc = sys_symlink(k == 0 ? t : &quiet, "busybox", lp);
        if (rc < 0 && errno == EEXIST)
            continue;
        if (rc < 0) {
            int err = errno;
            trace_free(&quiet);
            return nsl_fail_errno(e, err, "cannot link %s", lp);
        }
        (*made)++;
    }
    trace_free(&quiet);
    if (*made > 1)
        trace_note(t, "and %zu more symlink(\"busybox\", \"%s/bin/APPLET\"), one per applet",
                   *made - 1, dir);
    return 0;
}

int rootfs_busybox(const char *busybox, const char *dir, struct trace *t, size_t *applets,
                   struct nsl_err *e)
{
    int st = elf_is_static(busybox, e);
    if (st < 0)
        return nsl_err_hint(e, "install busybox-static"), -1;
    if (st == 0)
        return nsl_fail(e, 0,
                        "%s is linked dynamically: inside the new root it would not find its "
                        "libraries (install Debian's busybox-static, a static build)",
                        busybox);
    struct namelist apps = {0};
    if (busybox_list(busybox, &apps, e) < 0 || dir_fresh(dir, t, e) < 0) {
        namelist_free(&apps);
        return -1;
    }
    int rc = -1;
    cleanup_free char *bb = xasprintf("%s/bin/busybox", dir);
    cleanup_free char *pw = xasprintf("%s/etc/passwd", dir);
    cleanup_free char *gr = xasprintf("%s/etc/group", dir);
    for (size_t k = 0; k < rootfs_ndirs; k++) {
        cleanup_free char *p = xasprintf("%s/%s", dir, rootfs_dirs[k]);
        bool tmp = strcmp(rootfs_dirs[k], "tmp") == 0;
        if (sys_mkdir(t, p, tmp ? 0777 : 0755) < 0 || (tmp && sys_chmod(t, p, 01777) < 0)) {
            nsl_fail_errno(e, errno, "cannot make %s", p);
            goto out;
        }
    }
    if (sys_copy_file(t, busybox, bb, 0755) < 0) {
        nsl_fail_errno(e, errno, "cannot copy %s to %s", busybox, bb);
        goto out;
    }
    if (links_make(dir, &apps, t, applets, e) < 0)
        goto out;
    if (sys_create_file(t, pw, 0644,
                        "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n") <
            0 ||
        sys_create_file(t, gr, 0644, "root:x:0:\nnogroup:x:65534:\n") < 0) {
        nsl_fail_errno(e, errno, "cannot write %s/etc", dir);
        goto out;
    }
    rc = 0;
out:
    namelist_free(&apps);
    return rc;
}

int rootfs_inspect(const char *dir, struct rootfs_check *out, struct nsl_err *e)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    if (stat(dir, &st) < 0)
        return nsl_fail_errno(e, errno, "cannot use %s as a root", dir);
    if (!S_ISDIR(st.st_mode))
        return nsl_fail(e, ENOTDIR, "%s is not a directory: a root filesystem is a directory",
                        dir);
    for (size_t k = 0; k < rootfs_ndirs; k++) {
        cleanup_free char *p = xasprintf("%s/%s", dir, rootfs_dirs[k]);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            out->dirs |= 1u << k;
    }
    cleanup_free char *sh = xasprintf("%s/bin/sh", dir);
    out->has_sh = access(sh, X_OK) == 0;
    return 0;
}

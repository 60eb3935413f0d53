#define _GNU_SOURCE
/* `ls-ns all`, second half: namespaces that no process is in, yet live
 * because a bind mount of their file or an open descriptor holds them
 * (namespaces(7): a namespace is freed when its last process, mount and
 * descriptor are gone). Found as lsns finds them: nsfs mounts in each
 * mount namespace's mountinfo, and the /proc/PID/fd links. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "kernel/nsscan_int.h"

void nsscan_owner_of_fd(int fd, struct nsscan_ns *ns)
{
    cleanup_fd int ufd = ioctl(fd, NS_GET_USERNS);
    struct stat st;
    if (ufd >= 0 && fstat(ufd, &st) == 0)
        ns->owner = st.st_ino;
    int of = ns->type == NS_USER ? fd : ufd;
    uid_t uid = (uid_t)-1; /* set for valgrind, which does not know the ioctl */
    if (of >= 0 && ioctl(of, NS_GET_OWNER_UID, &uid) == 0) {
        ns->owner_uid = uid;
        ns->owner_uid_known = true;
    }
}

/* "net:[4026532251]" (a mountinfo ROOT or an fd link) -> type and inode. */
static bool held_parse(const char *text, enum ns_slot *type, ino_t *ino)
{
    const char *colon = strchr(text, ':');
    if (!colon || ns_link_parse(text, ino) < 0)
        return false;
    for (int s = 0; s < NS_NSLOTS; s++)
        if (ns_is_type(s) && strlen(ns_info[s].name) == (size_t)(colon - text) &&
            strncmp(text, ns_info[s].name, (size_t)(colon - text)) == 0) {
            *type = (enum ns_slot)s;
            return true;
        }
    return false;
}

static bool listed(const struct nsscan *s, enum ns_slot type, ino_t ino)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].ino == ino && s->v[i].type == type)
            return true;
    return false;
}

/* A new entry for a namespace only something other than a process holds. */
static struct nsscan_ns *held_add(struct nsscan *s, enum ns_slot type, ino_t ino, pid_t pid)
{
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    struct nsscan_ns *ns = &s->v[s->n++];
    *ns = (struct nsscan_ns){.type = type, .ino = ino, .held_pid = pid};
    return ns;
}

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape(char *p)
{
    char *w = p;
    for (char *r = p; *r;) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
            r += 4;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
}

/* One mountinfo line: ROOT (field 4), TARGET (field 5) and FSTYPE (after
 * " - "), cut in place. false when the line lacks them. */
static bool mi_fields(char *line, char **root, char **target, char **fstype)
{
    char *save = NULL, *f[5] = {0};
    char *tok = strtok_r(line, " ", &save);
    for (int i = 0; i < 5 && tok; i++, tok = strtok_r(NULL, " ", &save))
        f[i] = tok;
    while (tok && strcmp(tok, "-") != 0)
        tok = strtok_r(NULL, " ", &save);
    *fstype = tok ? strtok_r(NULL, " ", &save) : NULL;
    if (!f[4] || !*fstype)
        return false;
    unescape(f[3]);
    unescape(f[4]);
    *root = f[3], *target = f[4];
    return true;
}

/* The nsfs mounts of pid's mount namespace. */
static void held_mounts(int procfd, pid_t pid, struct nsscan *s)
{
    char rel[48];
    struct strbuf text = {0};
    snprintf(rel, sizeof rel, "%d/mountinfo", (int)pid);
    if (read_file_sb(procfd, rel, &text) < 0) {
        sb_free(&text);
        return;
    }
    char *save = NULL;
    for (char *line = strtok_r(text.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *root, *target, *fstype;
        enum ns_slot type;
        ino_t ino;
        if (!mi_fields(line, &root, &target, &fstype) || strcmp(fstype, "nsfs") != 0 ||
            !held_parse(root, &type, &ino) || listed(s, type, ino))
            continue;
        struct nsscan_ns *ns = held_add(s, type, ino, pid);
        ns->held = NSSCAN_HELD_MOUNT;
        ns->held_path = xstrdup(target);
        cleanup_free char *at = xasprintf("%d/root%s", (int)pid, target);
        cleanup_fd int fd = openat(procfd, at, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            nsscan_owner_of_fd(fd, ns);
    }
    sb_free(&text);
}

/* The descriptors of pid that are namespace files. */
static void held_fds(int procfd, pid_t pid, struct nsscan *s)
{
    char rel[48];
    snprintf(rel, sizeof rel, "%d/fd", (int)pid);
    int dfd = openat(procfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        char link[128];
        ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof link - 1);
        if (n <= 0)
            continue;
        link[n] = '\0';
        enum ns_slot type;
        ino_t ino;
        if (!held_parse(link, &type, &ino) || listed(s, type, ino))
            continue;
        struct nsscan_ns *ns = held_add(s, type, ino, pid);
        ns->held = NSSCAN_HELD_FD;
        ns->held_fd = atoi(de->d_name);
        cleanup_fd int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            nsscan_owner_of_fd(fd, ns);
    }
    closedir(d);
}

static int ns_cmp(const void *pa, const void *pb)
{
    const struct nsscan_ns *a = pa, *b = pb;
    if (a->ino != b->ino)
        return a->ino < b->ino ? -1 : 1;
    return (a->type > b->type) - (a->type < b->type);
}

void nsscan_add_held(int procfd, struct nsscan *s)
{
    size_t n0 = s->n;
    /* One process of each mount namespace, and every process (for its
     * descriptors): the members of the entries found so far. */
    for (size_t i = 0; i < n0; i++)
        if (s->v[i].type == NS_MNT && s->v[i].npids > 0)
            held_mounts(procfd, s->v[i].pids[0], s);
    cleanup_free pid_t *pids = NULL;
    size_t npids = 0;
    for (size_t i = 0; i < n0; i++)
        if (s->v[i].type == NS_PID)
            for (size_t k = 0; k < s->v[i].npids; k++) {
                pids = xrealloc(pids, (npids + 1) * sizeof *pids);
                pids[npids++] = s->v[i].pids[k];
            }
    for (size_t k = 0; k < npids; k++)
        held_fds(procfd, pids[k], s);
    if (s->n > n0)
        qsort(s->v, s->n, sizeof *s->v, ns_cmp);
}

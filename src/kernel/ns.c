#define _GNU_SOURCE
#include "kernel/ns.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>
#include <unistd.h>

#include "i18n.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NS(slot, nm, fl, iso, mn)                                                                  \
    [slot] = {.name = nm, .file = nm, .flag = fl, .flag_name = #fl, .isolates = iso, .man = mn,    \
              .base = slot}

const struct ns_info ns_info[NS_NSLOTS] = {
    NS(NS_CGROUP, "cgroup", CLONE_NEWCGROUP, "the root of the cgroup tree a process sees",
       "cgroup_namespaces(7)"),
    NS(NS_IPC, "ipc", CLONE_NEWIPC, "System V IPC objects and POSIX message queues",
       "ipc_namespaces(7)"),
    NS(NS_MNT, "mnt", CLONE_NEWNS, "the mount table (mount points)", "mount_namespaces(7)"),
    NS(NS_NET, "net", CLONE_NEWNET, "network devices, addresses, routes, ports, firewall",
       "network_namespaces(7)"),
    NS(NS_PID, "pid", CLONE_NEWPID, "process IDs", "pid_namespaces(7)"),
    [NS_PID4C] = {.name = "pid_for_children", .file = "pid_for_children", .flag = CLONE_NEWPID,
                  .flag_name = "CLONE_NEWPID",
                  .isolates = N_("the PID namespace this process's next children are born in"),
                  .man = "pid_namespaces(7)", .for_children = true, .base = NS_PID},
    NS(NS_TIME, "time", CLONE_NEWTIME, "the CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets",
       "time_namespaces(7)"),
    [NS_TIME4C] = {.name = "time_for_children", .file = "time_for_children",
                   .flag = CLONE_NEWTIME, .flag_name = "CLONE_NEWTIME",
                   .isolates = N_("the time namespace this process's next children are born in"),
                   .man = "time_namespaces(7)", .for_children = true, .base = NS_TIME},
    NS(NS_USER, "user", CLONE_NEWUSER, "user and group IDs, capabilities",
       "user_namespaces(7)"),
    NS(NS_UTS, "uts", CLONE_NEWUTS, "the hostname and NIS domain name", "uts_namespaces(7)"),
};

/* nsenter(1) enters the user namespace first (so the others are entered
 * with the capabilities it grants), then cgroup, ipc, uts, net, pid, mnt
 * and time. */
const enum ns_slot ns_setns_order[8] = {NS_USER, NS_CGROUP, NS_IPC, NS_UTS,
                                        NS_NET,  NS_PID,    NS_MNT, NS_TIME};

static const char *const type_words = "cgroup ipc mnt net pid time user uts (or all)";

int ns_type_parse(const char *word, enum ns_slot *out, struct nsl_err *e)
{
    if (strcmp(word, "mount") == 0)
        word = "mnt";
    else if (strcmp(word, "network") == 0)
        word = "net";
    for (int i = 0; i < NS_NSLOTS; i++) {
        if (ns_is_type(i) && strcmp(ns_info[i].name, word) == 0) {
            *out = i;
            return 0;
        }
    }
    return nsl_usage(e, "unknown namespace type '%s' (types: %s)", word, type_words);
}

int ns_flags_parse(const char *list, int *flags, struct nsl_err *e)
{
    cleanup_free char *copy = xstrdup(list);
    int f = 0;
    bool any = false;
    /* Items separated by commas (white space also separates words); an
     * empty item (",uts", "uts,,net", "uts,") is a typo, not nothing. */
    char *item = copy;
    for (;;) {
        char *comma = strchr(item, ',');
        if (comma)
            *comma = '\0';
        char *save = NULL;
        bool here = false;
        for (char *w = strtok_r(item, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
            here = any = true;
            if (strcmp(w, "all") == 0) {
                for (int i = 0; i < NS_NSLOTS; i++)
                    if (ns_is_type(i))
                        f |= ns_info[i].flag;
                continue;
            }
            enum ns_slot s;
            if (ns_type_parse(w, &s, e) < 0)
                return -1;
            f |= ns_info[s].flag;
        }
        if (!here && (comma || any))
            return nsl_usage(e, "an empty item in the list of namespace types '%s' (types: %s)",
                             list, type_words);
        if (!comma)
            break;
        item = comma + 1;
    }
    if (!any)
        return nsl_usage(e, "no namespace type given (types: %s)", type_words);
    *flags = f;
    return 0;
}

int ns_link_parse(const char *link, ino_t *ino)
{
    const char *open = strchr(link, '[');
    /* strtoull alone would take " 12", "+12" and even "-1" (as 2^64-1). */
    if (!open || !isdigit((unsigned char)open[1]))
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(open + 1, &end, 10);
    if (errno || end == open + 1 || *end != ']' || end[1] != '\0' || v == 0)
        return -1;
    *ino = (ino_t)v;
    return 0;
}

int ns_read_slot(int nsfd, enum ns_slot s, struct ns_obs *out)
{
    char link[128];
    ssize_t n = readlinkat(nsfd, ns_info[s].file, link, sizeof link - 1);
    out->ino = 0;
    out->err = 0;
    if (n < 0) {
        out->err = errno;
        return -1;
    }
    link[n] = '\0';
    if (ns_link_parse(link, &out->ino) < 0) {
        out->err = EINVAL;
        return -1;
    }
    return 0;
}

int ns_read_dir(int nsfd, struct ns_obs out[NS_NSLOTS])
{
    int present = 0;
    for (int i = 0; i < NS_NSLOTS; i++)
        if (ns_read_slot(nsfd, i, &out[i]) == 0)
            present++;
    return present;
}

unsigned ns_slots_of_flags(int flags)
{
    if (flags & CLONE_NEWUSER)
        return NS_ALL_SLOTS;
    unsigned slots = 0;
    /* A type and its *_for_children link share the flag: both are taken
     * (unshare pid changes only pid_for_children, setns time both). */
    for (int i = 0; i < NS_NSLOTS; i++)
        if (flags & ns_info[i].flag)
            slots |= 1u << i;
    return slots;
}

int ns_read_all(int procfd, pid_t pid, struct ns_obs out[NS_NSLOTS])
{
    char path[32];
    int present = 0;
    snprintf(path, sizeof path, "%d/ns", (int)pid);
    /* One lookup of PID/ns, then each link relative to it, rather than ten
     * walks of the whole path. */
    int nsfd = openat(procfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (nsfd >= 0) {
        present = ns_read_dir(nsfd, out);
        close(nsfd);
    } else {
        int err = errno;
        for (int i = 0; i < NS_NSLOTS; i++)
            out[i] = (struct ns_obs){.ino = 0, .err = err};
    }
    if (present == 0) {
        /* Either the process is gone or its ns directory is unreadable. */
        snprintf(path, sizeof path, "%d", (int)pid);
        if (faccessat(procfd, path, F_OK, 0) < 0)
            return -1;
    }
    return 0;
}

int ns_open_file(int procfd, pid_t pid, const char *path, int *type)
{
    cleanup_free char *rel =
        xasprintf("%d/%s/%s", (int)pid, path[0] == '/' ? "root" : "cwd", path);
    int fd = openat(procfd, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int t = ioctl(fd, NS_GET_NSTYPE);
    if (t < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    *type = t;
    return fd;
}

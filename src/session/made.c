#define _GNU_SOURCE
/* Undoing at exit what the session made (see made.h). */
#include "session/made.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>

#include "session/cgroups.h"
#include "i18n.h"
#include "kernel/keys.h"
#include "kernel/rtnl.h"
#include "subject/nshelper.h"
#include "subject/subject.h"
#include "cmd/cmd_mount.h"

struct session_made *made_get(struct nsl *sh)
{
    if (!sh->made)
        sh->made = xcalloc(1, sizeof *sh->made);
    return sh->made;
}

void made_add_ipc(struct nsl *sh, const struct made_ipc *o)
{
    struct session_made *m = made_get(sh);
    m->ipc = xrealloc(m->ipc, (m->nipc + 1) * sizeof *m->ipc);
    m->ipc[m->nipc++] = *o;
}

void made_add_loop(struct nsl *sh, const struct loopdev *d)
{
    struct session_made *m = made_get(sh);
    m->loop = xrealloc(m->loop, (m->nloop + 1) * sizeof *m->loop);
    m->loop[m->nloop++] = *d;
}

void made_add_key(struct nsl *sh, int32_t id)
{
    struct session_made *m = made_get(sh);
    for (size_t k = 0; k < m->nkeys; k++)
        if (m->keys[k] == id)
            return; /* added again under its name: the same key, updated */
    m->keys = xrealloc(m->keys, (m->nkeys + 1) * sizeof *m->keys);
    m->keys[m->nkeys++] = id;
}

void made_add_net(struct nsl *sh, const struct made_net *n)
{
    struct session_made *m = made_get(sh);
    m->net = xrealloc(m->net, (m->nnet + 1) * sizeof *m->net);
    m->net[m->nnet++] = *n;
}

bool made_is_device(struct nsl *sh, int ifindex)
{
    if (!sh->made)
        return false;
    for (size_t k = 0; k < sh->made->nnet; k++)
        if (sh->made->net[k].what == MADE_NET_DEVICE && sh->made->net[k].ifindex == ifindex)
            return true;
    return false;
}

/* Remove the object if it is still the one the session made: its id may
 * have been freed (ipcrm) and reused by someone else's object since. */
static int ipc_remove_checked(void *arg, struct trace *t, struct strbuf *out)
{
    const struct made_ipc *o = arg;
    key_t key;
    uid_t cuid;
    long long ctime;
    if (ipc_stat(o->kind, o->id, &key, &cuid, &ctime) < 0)
        return 0; /* already gone */
    /* Not the creator uid: it reads differently from another user
     * namespace. Key and creation time tell the object apart. */
    if (key != o->key || ctime != o->ctime)
        return 0;
    return sys_ipc_rmid(t, o->kind, o->id);
}

/* A process still in IPC namespace ino (none of the session's: they have
 * ended), or 0 when the namespace has ended too. */
static pid_t pid_in_ipc_ns(struct nsl *sh, ino_t ino)
{
    int fd = openat(sh->procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    pid_t found = 0;
    struct dirent *de;
    while (!found && (de = readdir(d))) {
        pid_t pid;
        if (parse_pid(de->d_name, &pid) == 0 && ns_inode_of(sh, pid, NS_IPC) == ino)
            found = pid;
    }
    closedir(d);
    return found;
}

static int undo_ipc(struct nsl *sh, struct trace *t)
{
    struct session_made *m = sh->made;
    int failed = 0;
    for (size_t k = 0; k < m->nipc; k++) {
        struct made_ipc *o = &m->ipc[k];
        struct strbuf out = {0};
        int err = 0;
        if (o->ns == sh->host_ns[NS_IPC].ino) {
            /* The shell never leaves the host's IPC namespace. */
            if (nshelper_run_here(t, ipc_remove_checked, o, &out, &err) < 0)
                failed++;
        } else {
            /* A namespace the session did not make (it entered it with
             * setns) outlives the session: remove from inside. */
            pid_t pid = pid_in_ipc_ns(sh, o->ns);
            struct nsl_err e;
            if (pid > 0 && nshelper_run(sh, t, pid, NS_IPC, ipc_remove_checked, o, &out, &err, &e) < 0)
                failed++;
        }
        sb_free(&out);
    }
    return failed;
}

static int undo_net(struct nsl *sh, struct trace *t)
{
    struct session_made *m = sh->made;
    if (m->nnet == 0)
        return 0;
    struct rtnl *r;
    struct nsl_err e;
    if (rtnl_open(&r, &e) < 0)
        return (int)m->nnet;
    int failed = 0;
    /* Addresses and links brought up first, in reverse order, then the
     * devices (deleting one end of a veth pair deletes both). */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = m->nnet; k-- > 0;) {
            struct made_net *n = &m->net[k];
            if ((pass == 0) == (n->what == MADE_NET_DEVICE))
                continue;
            int ifindex;
            /* Still the same device? (It may have gone with its pair.) */
            if (rtnl_link_get(r, n->name, &ifindex, NULL) < 0 || ifindex != n->ifindex)
                continue;
            int rc = 0;
            if (n->what == MADE_NET_DEVICE)
                rc = rtnl_link_del(r, t, n->ifindex, n->name, NULL);
            else if (made_is_device(sh, n->ifindex))
                continue; /* goes with its device */
            else if (n->what == MADE_NET_ADDR)
                rc = rtnl_addr_change(r, t, true, n->ifindex, n->name, &n->addr, NULL);
            else
                rc = rtnl_link_set_up(r, t, n->ifindex, n->name, false, NULL);
            if (rc < 0 && errno != ENODEV && errno != EADDRNOTAVAIL)
                failed++;
        }
    }
    rtnl_close(r);
    return failed;
}

int made_undo(struct nsl *sh, struct trace *t)
{
    struct session_made *m = sh->made;
    if (!m)
        return 0;
    int failed = undo_ipc(sh, t) + undo_net(sh, t);
    for (size_t k = 0; k < m->nloop; k++)
        loopdev_release(t, &m->loop[k]);
    /* The shell is in the host's user namespace, with the subject's uid:
     * its user keyring is the one they went into. One already gone
     * (ENOENT: unlinked by hand) is not a failure. */
    for (size_t k = 0; k < m->nkeys; k++)
        if (sys_unlink_user_key(t, m->keys[k]) < 0 && errno != ENOENT && errno != ENOKEY &&
            errno != EKEYREVOKED)
            failed++;
    free(m->keys);
    free(m->loop);
    free(m->ipc);
    free(m->net);
    free(m);
    sh->made = NULL;
    return failed;
}

/* One count in words: "1 job", "2 jobs". */
static void count_words(struct strbuf *out, size_t n, const char *one, const char *many)
{
    if (n == 0)
        return;
    if (out->len)
        sb_append(out, ", ");
    sb_printf(out, n == 1 ? _(one) : _(many), n);
}

size_t made_alive_summary(struct nsl *sh, struct strbuf *out)
{
    size_t jobs = 0, ipc = 0, dev = 0;
    for (size_t k = 0; k < sh->jobs.n; k++)
        if (sh->jobs.v[k].state == JOB_RUNNING || sh->jobs.v[k].state == JOB_STOPPED)
            jobs++;
    size_t cgroups = sh->cg ? sh->cg->session.n : 0;
    size_t mounts = sh->mnt ? sh->mnt->n_rec : 0;
    for (size_t k = 0; sh->made && k < sh->made->nipc; k++) {
        const struct made_ipc *o = &sh->made->ipc[k];
        key_t key;
        uid_t cuid;
        long long ctime;
        /* Those in the host's IPC namespace (the shell's) can be looked at
         * from here; one the user removed is not counted. */
        if (o->ns != sh->host_ns[NS_IPC].ino ||
            (ipc_stat(o->kind, o->id, &key, &cuid, &ctime) == 0 && key == o->key &&
             ctime == o->ctime))
            ipc++;
    }
    for (size_t k = 0; sh->made && k < sh->made->nnet; k++) {
        const struct made_net *n = &sh->made->net[k];
        /* The shell is in the host's network namespace, where they are. */
        if (n->what == MADE_NET_DEVICE && (int)if_nametoindex(n->name) == n->ifindex)
            dev++;
    }
    count_words(out, jobs, N_("%zu job"), N_("%zu jobs"));
    count_words(out, cgroups, N_("%zu cgroup"), N_("%zu cgroups"));
    count_words(out, mounts, N_("%zu mount in the host's mount namespace"),
                N_("%zu mounts in the host's mount namespace"));
    count_words(out, dev, N_("%zu network device in the host's namespace"),
                N_("%zu network devices in the host's namespace"));
    count_words(out, ipc, N_("%zu IPC object"), N_("%zu IPC objects"));
    size_t loops = sh->made ? sh->made->nloop : 0;
    count_words(out, loops, N_("%zu loop device"), N_("%zu loop devices"));
    size_t keys = sh->made ? sh->made->nkeys : 0;
    count_words(out, keys, N_("%zu key in the host's user keyring"),
                N_("%zu keys in the host's user keyring"));
    return jobs + cgroups + mounts + dev + ipc + loops + keys;
}

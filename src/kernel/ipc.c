#define _GNU_SOURCE
#include "kernel/ipc.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

const char *const ipc_kind_names[IPC_NKINDS] = {"msg", "shm", "sem"};
const char *const ipc_kind_titles[IPC_NKINDS] = {N_("message queue"), N_("shared memory segment"),
                                                 N_("semaphore set")};

int ipc_kind_parse(const char *w, enum ipc_kind *out)
{
    for (int k = 0; k < IPC_NKINDS; k++) {
        if (strcmp(w, ipc_kind_names[k]) == 0) {
            *out = k;
            return 0;
        }
    }
    return -1;
}

int ipc_key_parse(const char *w, key_t *out, struct nsl_err *e)
{
    char *end;
    errno = 0;
    bool hex = w[0] == '0' && (w[1] == 'x' || w[1] == 'X');
    if (!*w || w[0] == '-' || w[0] == '+' || (hex && !w[2]))
        goto bad;
    unsigned long long v = strtoull(w, &end, hex ? 16 : 10);
    if (errno || *end || v == 0 || v > INT_MAX)
        goto bad;
    *out = (key_t)v;
    return 0;
bad:
    return nsl_usage(e,
                     "'%s' is not an IPC key: give a number from 1 to 2147483647, in decimal or "
                     "as hex like 0x1234 (or no KEY for IPC_PRIVATE)",
                     w);
}

/* Column names of /proc/sysvipc/KIND that nslab reads. */
enum col { C_KEY, C_ID, C_PERMS, C_UID, C_GID, C_CUID, C_CGID, C_A, C_B, C_CTIME, C_NCOLS };

static const char *const col_names[IPC_NKINDS][C_NCOLS] = {
    [IPC_KIND_MSG] = {"key", "msqid", "perms", "uid", "gid", "cuid", "cgid", "cbytes", "qnum",
                      "ctime"},
    [IPC_KIND_SHM] = {"key", "shmid", "perms", "uid", "gid", "cuid", "cgid", "size", "nattch",
                      "ctime"},
    [IPC_KIND_SEM] = {"key", "semid", "perms", "uid", "gid", "cuid", "cgid", "nsems", NULL,
                      "ctime"},
};

#define MAX_FIELDS 32

static size_t split_fields(char *line, char **f)
{
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(line, " \t", &save); w && n < MAX_FIELDS; w = strtok_r(NULL, " \t", &save))
        f[n++] = w;
    return n;
}

int sysvipc_parse(enum ipc_kind kind, const char *text, struct ipc_list *out, struct nsl_err *e)
{
    cleanup_free char *copy = xstrdup(text);
    char *save = NULL;
    char *line = strtok_r(copy, "\n", &save);
    if (!line)
        return nsl_fail(e, EINVAL, "/proc/sysvipc/%s is empty (no header line)",
                        ipc_kind_names[kind]);
    char *f[MAX_FIELDS];
    size_t nh = split_fields(line, f);
    int at[C_NCOLS];
    for (int c = 0; c < C_NCOLS; c++) {
        at[c] = -1;
        for (size_t k = 0; k < nh && col_names[kind][c]; k++)
            if (strcmp(f[k], col_names[kind][c]) == 0)
                at[c] = (int)k;
        if (at[c] < 0 && col_names[kind][c])
            return nsl_fail(e, EINVAL, "/proc/sysvipc/%s has no column '%s' in its header",
                            ipc_kind_names[kind], col_names[kind][c]);
    }
    int lineno = 1;
    while ((line = strtok_r(NULL, "\n", &save))) {
        lineno++;
        size_t n = split_fields(line, f);
        if (n == 0)
            continue;
        long long v[C_NCOLS] = {0};
        for (int c = 0; c < C_NCOLS; c++) {
            if (at[c] < 0)
                continue;
            if ((size_t)at[c] >= n)
                return nsl_fail(e, EINVAL, "/proc/sysvipc/%s line %d has %zu fields, too few",
                                ipc_kind_names[kind], lineno, n);
            char *end;
            errno = 0;
            v[c] = c == C_PERMS ? strtoll(f[at[c]], &end, 8) : strtoll(f[at[c]], &end, 10);
            if (errno || *end || end == f[at[c]])
                return nsl_fail(e, EINVAL, "/proc/sysvipc/%s line %d: '%s' is not a number",
                                ipc_kind_names[kind], lineno, f[at[c]]);
        }
        out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        struct ipc_obj *o = &out->v[out->n++];
        *o = (struct ipc_obj){.kind = kind,
                              .key = (key_t)v[C_KEY],
                              .id = (int)v[C_ID],
                              .perms = (unsigned)v[C_PERMS],
                              .uid = (uid_t)v[C_UID],
                              .gid = (gid_t)v[C_GID],
                              .cuid = (uid_t)v[C_CUID],
                              .cgid = (gid_t)v[C_CGID],
                              .a = (unsigned long long)v[C_A],
                              .b = (unsigned long long)v[C_B],
                              .ctime = v[C_CTIME]};
    }
    return 0;
}

void ipc_list_free(struct ipc_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void flags_format(int flags, struct strbuf *sb)
{
    if (flags & IPC_CREAT)
        sb_append(sb, "IPC_CREAT|");
    if (flags & IPC_EXCL)
        sb_append(sb, "IPC_EXCL|");
    sb_printf(sb, "0%o", (unsigned)flags & 0777);
}

static void key_format(key_t key, struct strbuf *sb)
{
    if (key == IPC_PRIVATE)
        sb_append(sb, "IPC_PRIVATE");
    else
        sb_printf(sb, "0x%08x", (unsigned)key);
}

int sys_ipc_get(struct trace *t, enum ipc_kind kind, key_t key, int flags)
{
    cleanup_sb struct strbuf a = {0};
    key_format(key, &a);
    int r;
    switch (kind) {
    case IPC_KIND_MSG:
        sb_append(&a, ", ");
        r = msgget(key, flags);
        break;
    case IPC_KIND_SHM:
        sb_printf(&a, ", %d, ", IPC_SHM_SIZE);
        r = shmget(key, IPC_SHM_SIZE, flags);
        break;
    default:
        sb_printf(&a, ", %d, ", IPC_SEM_NSEMS);
        r = semget(key, IPC_SEM_NSEMS, flags);
        break;
    }
    int err = errno;
    flags_format(flags, &a);
    static const char *const calls[] = {"msgget", "shmget", "semget"};
    return trace_call(t, calls[kind], r, err, 0, "%s", sb_str(&a));
}

int sys_ipc_rmid(struct trace *t, enum ipc_kind kind, int id)
{
    int r;
    switch (kind) {
    case IPC_KIND_MSG:
        r = msgctl(id, IPC_RMID, NULL);
        break;
    case IPC_KIND_SHM:
        r = shmctl(id, IPC_RMID, NULL);
        break;
    default:
        r = semctl(id, 0, IPC_RMID);
        break;
    }
    int err = errno;
    static const char *const calls[] = {"msgctl", "shmctl", "semctl"};
    return trace_call(t, calls[kind], r, err, 0,
                      kind == IPC_KIND_SEM ? "%d, 0, IPC_RMID" : "%d, IPC_RMID", id);
}

int ipc_stat(enum ipc_kind kind, int id, key_t *key, uid_t *cuid, long long *ctime)
{
    switch (kind) {
    case IPC_KIND_MSG: {
        struct msqid_ds d;
        if (msgctl(id, IPC_STAT, &d) < 0)
            return -1;
        *key = d.msg_perm.__key;
        *cuid = d.msg_perm.cuid;
        *ctime = (long long)d.msg_ctime;
        return 0;
    }
    case IPC_KIND_SHM: {
        struct shmid_ds d;
        if (shmctl(id, IPC_STAT, &d) < 0)
            return -1;
        *key = d.shm_perm.__key;
        *cuid = d.shm_perm.cuid;
        *ctime = (long long)d.shm_ctime;
        return 0;
    }
    default: {
        struct semid_ds d;
        if (semctl(id, 0, IPC_STAT, &d) < 0)
            return -1;
        *key = d.sem_perm.__key;
        *cuid = d.sem_perm.cuid;
        *ctime = (long long)d.sem_ctime;
        return 0;
    }
    }
}

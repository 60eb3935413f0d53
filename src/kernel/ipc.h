/* System V IPC objects (svipc(7)): message queues, shared memory segments
 * and semaphore sets. They belong to the IPC namespace of the process that
 * creates them, and /proc/sysvipc/{msg,shm,sem} list the objects of the
 * *reader's* IPC namespace. The parser is pure (it takes the file's text);
 * the wrappers that create or remove objects are traced. */
#ifndef NSLAB_IPC_H
#define NSLAB_IPC_H

#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "kernel/trace.h"

enum ipc_kind { IPC_KIND_MSG, IPC_KIND_SHM, IPC_KIND_SEM, IPC_NKINDS };

/* "msg", "shm", "sem" (the words users type and the /proc/sysvipc files). */
extern const char *const ipc_kind_names[IPC_NKINDS];
/* What each kind is, for people: "message queue". */
extern const char *const ipc_kind_titles[IPC_NKINDS];

/* The size nslab gives a new shared memory segment, and the number of
 * semaphores in a new set: the smallest useful ones. */
#define IPC_SHM_SIZE 4096
#define IPC_SEM_NSEMS 1

/* One object as /proc/sysvipc shows it. */
struct ipc_obj {
    enum ipc_kind kind;
    key_t key; /* 0 is IPC_PRIVATE */
    int id;
    unsigned perms;
    uid_t uid, cuid;
    gid_t gid, cgid;
    /* msg: used bytes and messages; shm: size and attachments; sem: nsems, 0 */
    unsigned long long a, b;
    long long ctime;
};

struct ipc_list {
    struct ipc_obj *v;
    size_t n;
};

/* 0 and *out, or -1 when w is not msg, shm or sem. */
int ipc_kind_parse(const char *w, enum ipc_kind *out);
/* A KEY word: a number (decimal, or hex with 0x) from 1 to 0x7fffffff, as
 * ipcs prints keys. 0 or -1 with an error naming the word. */
int ipc_key_parse(const char *w, key_t *out, struct nsl_err *e);

/* Append the objects in the text of /proc/sysvipc/KIND (a header line that
 * names the columns, then one object per line) to out. Columns are found by
 * their header names, so kernels that add columns still parse. 0 or -1. */
int sysvipc_parse(enum ipc_kind kind, const char *text, struct ipc_list *out, struct nsl_err *e);
void ipc_list_free(struct ipc_list *l);

/* msgget / shmget(IPC_SHM_SIZE) / semget(IPC_SEM_NSEMS) with flags
 * (IPC_CREAT|IPC_EXCL|mode), traced as `msgget(0x00001234, IPC_CREAT|IPC_EXCL|0600) = 32768`.
 * Returns the id or -1 (errno). */
int sys_ipc_get(struct trace *t, enum ipc_kind kind, key_t key, int flags);
/* msgctl/shmctl/semctl(id, IPC_RMID), traced. */
int sys_ipc_rmid(struct trace *t, enum ipc_kind kind, int id);
/* IPC_STAT of an object (not traced: a read): its key, creator uid and
 * creation-or-change time, to recognise it later. 0 or -1 (errno). */
int ipc_stat(enum ipc_kind kind, int id, key_t *key, uid_t *cuid, long long *ctime);

#endif

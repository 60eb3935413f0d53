#define _GNU_SOURCE
/* IPC on the subject's side: System V objects are made in, and
 * /proc/sysvipc shows, the caller's IPC namespace (ipc new, ipc ls). */
#include <errno.h>
#include <fcntl.h>
#include <sys/ipc.h>

#include "subject/ops.h"

#define IPC_MODE 0600

_Static_assert(sizeof(struct ipc_req) <= SUBJ_ARGS_MAX, "ipc_req");

void ipc_req_pack(struct subj_req *rq, const struct ipc_req *r)
{
    subj_req_init(rq, SOP_IPC, r, sizeof *r);
}

static void ipc_new(const struct ipc_req *rq, struct subj_rep *rep)
{
    if (rq->kind < 0 || rq->kind >= IPC_NKINDS) {
        rep->ret = -1;
        rep->err = EINVAL;
        return;
    }
    /* IPC_EXCL: only an object this call created becomes the session's,
     * to remove at exit; an existing key is an error. */
    int id = sys_ipc_get(&rep->trace, rq->kind, rq->key, IPC_CREAT | IPC_EXCL | IPC_MODE);
    rep->ret = id;
    rep->err = id < 0 ? errno : 0;
    key_t key;
    uid_t cuid;
    struct ipc_rep out = {0};
    if (id >= 0 && ipc_stat(rq->kind, id, &key, &cuid, &out.ctime) == 0)
        subj_rep_set(rep, &out, sizeof out);
}

void op_ipc(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct ipc_req rq;
    subj_msg_args(m, &rq, sizeof rq);
    if (rq.what == IPC_NEW)
        return ipc_new(&rq, rep);
    rep->ret = 0;
    for (int k = 0; k < IPC_NKINDS; k++) {
        char path[300];
        proc_path(&cx->sh->paths, path, sizeof path, "sysvipc/%s", ipc_kind_names[k]);
        if (read_file_sb(AT_FDCWD, path, &rep->data) < 0) {
            rep->ret = -1;
            rep->err = errno;
            return;
        }
        sb_appendc(&rep->data, '\0');
    }
}

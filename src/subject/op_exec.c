#define _GNU_SOURCE
/* EXEC on the subject's side: the subject becomes PROGRAM, as a container
 * runtime's init does once the container is set up (runc init, crun): the
 * same process, so PROGRAM keeps its PID (1 in a new PID namespace), its
 * namespaces, root, capabilities, no_new_privs, seccomp filter and
 * cgroups. Its request socket closes with a successful execve (close on
 * exec): that end of file is the shell's answer. A failed exec is answered
 * as any request, and the subject goes on serving. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "subject/ops.h"

struct exec_args {
    int argc;
};
_Static_assert(sizeof(struct exec_args) <= SUBJ_ARGS_MAX, "exec_args");

void exec_req_pack(struct subj_req *rq, const struct exec_req *r)
{
    struct exec_args a;
    memset(&a, 0, sizeof a);
    a.argc = r->argc;
    subj_req_init(rq, SOP_EXEC, &a, sizeof a);
    for (int k = 0; k < r->argc; k++)
        subj_req_str(rq, r->argv[k]);
}

void op_exec(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct exec_args a;
    subj_msg_args(m, &a, sizeof a);
    rep->ret = -1;
    if (a.argc < 1 || a.argc != m->nstr) {
        rep->err = EINVAL;
        return;
    }
    char **argv = m->str;
    argv[a.argc] = NULL;
    /* As a job: stdin from /dev/null (stdout on stderr under -J, which
     * stdout carries), its signals at their defaults (the subject ignores
     * the terminal's and blocks SIGCHLD). All undone when exec fails; the
     * copies kept for that close with a successful exec. */
    int in = fcntl(0, F_DUPFD_CLOEXEC, 3), out = fcntl(1, F_DUPFD_CLOEXEC, 3);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        close(null);
    }
    if (cx->sh->opt.json)
        dup2(2, 1);
    subj_reset_signals();
    i18n_restore_env();
    subj_exec_program(cx, NULL, a.argc, argv, false, -1);
    rep->err = errno;
    subject_signals(cx);
    if (in >= 0) {
        dup2(in, 0);
        close(in);
    }
    if (out >= 0) {
        dup2(out, 1);
        close(out);
    }
    trace_add(&rep->trace, "execvp", -1, rep->err, 0, "\"%s\"", argv[0]);
}

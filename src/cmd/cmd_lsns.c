#define _GNU_SOURCE
/* ls-ns all and ls-ns --tree: the system-wide views, from kernel/nsscan. */
#include "cmd/cmd_lsns.h"
#include "session/report.h"

#include "kernel/nsscan.h"
#include "render/nsscan_print.h"
#include "subject/subject.h"
#include "session/jobs.h"

static const char *ino_cb(void *ctx, enum ns_slot type, ino_t ino, char *buf, size_t size)
{
    return fmt_ino(ctx, type, ino, buf, size);
}

static const char *pid_cb(void *ctx, pid_t pid, char *buf, size_t size)
{
    return fmt_pid(ctx, pid, buf, size);
}

/* The shell, the subject and running jobs, tagged in the tree. */
static const char *role_cb(void *ctx, pid_t pid, char *buf, size_t size)
{
    struct nsl *sh = ctx;
    if (pid == sh->shell_pid)
        return "nslab";
    if (pid == sh->subj.pid)
        return "subject";
    const struct job *j = job_by_pid(sh, pid);
    if (!j || (j->state != JOB_RUNNING && j->state != JOB_STOPPED))
        return NULL;
    snprintf(buf, size, "%%%d", j->id);
    return buf;
}

static struct label_fmt labels_of(struct nsl *sh)
{
    /* Without --stable the callbacks print plain numbers anyway; skip them. */
    struct label_fmt f = {.role = role_cb, .ctx = sh};
    if (sh->opt.stable)
        f = (struct label_fmt){.ino = ino_cb, .pid = pid_cb, .ctx = sh, .role = role_cb};
    return f;
}

int ls_ns_all(struct nsl *sh)
{
    struct nsscan s = {0};
    struct nsl_err e;
    if (nsscan_all(sh->procfd, &s, &e) < 0)
        return step_fail_err(sh, &e);
    struct label_fmt f = labels_of(sh);
    nsscan_print_table(&s, &f, &sh->step.out);
    sh->step.result = nsscan_json(&s, &f);
    nsscan_free(&s);
    return 0;
}

int ls_ns_tree(struct nsl *sh, enum ns_slot type)
{
    struct nsscan s = {0};
    struct nsl_err e;
    if (nsscan_tree(sh->procfd, type, sh->opt.json ? 0 : NSSCAN_TREE_PROCS, &s, &e) < 0)
        return step_fail_err(sh, &e);
    struct label_fmt f = labels_of(sh);
    nsscan_print_tree(&s, type, &f, &sh->step.out);
    sh->step.result = nsscan_tree_json(&s, type, &f);
    nsscan_free(&s);
    return 0;
}

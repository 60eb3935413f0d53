#define _GNU_SOURCE
#include "session/confine.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "kernel/caps.h"
#include "kernel/userns.h"

struct confine_session *confine_session(struct nsl *sh)
{
    struct confine_session *c = sh->confine;
    if (c && c->subject == sh->subj.pid)
        return c;
    confine_free(sh);
    c = sh->confine = xcalloc(1, sizeof *c);
    c->subject = sh->subj.pid;
    return c;
}

/* The subject's user namespace now (0 when unreadable). */
static ino_t subject_userns(struct nsl *sh)
{
    struct ns_obs o = {0};
    if (sh->subj.nsfd <= 0 || ns_read_slot(sh->subj.nsfd, NS_USER, &o) < 0)
        return 0;
    return o.ino;
}

void confine_note_caps(struct nsl *sh, uint64_t dropped)
{
    struct confine_session *c = confine_session(sh);
    ino_t userns = subject_userns(sh);
    for (int b = 0; b < 64; b++)
        if ((dropped & (1ULL << b)) &&
            (!(c->dropped & (1ULL << b)) || c->drop_userns[b] != userns)) {
            c->drop_step[b] = sh->step.number;
            c->drop_userns[b] = userns;
        }
    c->dropped |= dropped;
}

void confine_note_nnp(struct nsl *sh)
{
    struct confine_session *c = confine_session(sh);
    if (!c->nnp)
        c->nnp_step = sh->step.number;
    c->nnp = true;
}

void confine_note_seccomp(struct nsl *sh, const struct seccomp_deny *d)
{
    struct confine_session *c = confine_session(sh);
    c->rules = xrealloc(c->rules, (c->nrules + d->n) * sizeof *c->rules);
    for (size_t k = 0; k < d->n; k++) {
        struct confine_rule *r = &c->rules[c->nrules++];
        snprintf(r->name, sizeof r->name, "%s", d->name[k]);
        r->err = d->err;
        r->step = sh->step.number;
    }
}

/* The system call behind a trace entry's name (execvp is execve). */
static const char *syscall_of(const char *call)
{
    if (strcmp(call, "execvp") == 0)
        return "execve";
    return call;
}

void confine_explain(struct nsl *sh)
{
    struct confine_session *c = sh->confine;
    if (!c || c->subject != sh->subj.pid)
        return;
    const struct trace *t = &sh->step.trace;
    const struct trace_ent *bad = NULL;
    for (size_t k = t->n; k-- > 0 && !bad;)
        if (!(t->v[k].flags & TRACE_NOTE) && t->v[k].ret < 0)
            bad = &t->v[k];
    if (!bad)
        return;
    const char *sc = syscall_of(bad->call);
    /* The newest rule for the call wins: it is the filter the kernel ran
     * first (the last one loaded). */
    for (size_t k = c->nrules; k-- > 0;) {
        const struct confine_rule *r = &c->rules[k];
        if (strcmp(r->name, sc) != 0 || r->err != bad->err)
            continue;
        char hint[256];
        snprintf(hint, sizeof hint,
                 _("denied by the subject's seccomp filter: its rule for %s(2) returns %s "
                   "(step %d)"),
                 r->name, errno_name(r->err), r->step);
        nsl_err_hint(&sh->step.err, hint);
        return;
    }
    int cap = bad->err == EPERM ? cap_needed_by(bad->call) : -1;
    /* A drop holds in the user namespace it was made in: one made since
     * gave the subject every capability again, over what that one owns. */
    if (cap >= 0 && (c->dropped & (1ULL << cap)) && c->drop_userns[cap] == subject_userns(sh)) {
        char hint[256];
        snprintf(hint, sizeof hint,
                 _("%s(2) needs %s, which the subject dropped (step %d): neither it nor its "
                   "children can have it again in this user namespace"),
                 bad->call, cap_name(cap), c->drop_step[cap]);
        nsl_err_hint(&sh->step.err, hint);
    }
}

void confine_free(struct nsl *sh)
{
    if (!sh->confine)
        return;
    free(sh->confine->rules);
    free(sh->confine);
    sh->confine = NULL;
}

#define _GNU_SOURCE
/* The NDJSON shapes of SPEC §5. One object per step, one per event. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "session/cgroups.h"
#include "render/mounts_print.h"
#include "render/render.h"

cJSON *render_subject_json(const struct render_ctx *rc, const struct observation *obs)
{
    const struct snapshot *before = obs->before, *now = obs->now;
    cJSON *subj = cJSON_CreateObject();
    cJSON_AddItemToObject(subj, "pid", render_json_pid(rc, now->pid));
    cJSON *ns = cJSON_AddObjectToObject(subj, "ns");
    for (int s = 0; s < NS_NSLOTS && now->valid; s++) {
        cJSON *o = cJSON_AddObjectToObject(ns, ns_info[s].name);
        cJSON_AddItemToObject(o, "inode", render_json_ino(rc, s, now->ns[s].ino));
        cJSON_AddItemToObject(o, "host", render_json_ino(rc, s, obs->host[s].ino));
        cJSON_AddBoolToObject(o, "differs", snapshot_differs(now, obs->host, s));
        cJSON_AddBoolToObject(o, "changed", before && snapshot_changed(before, now, s));
        if (!now->ns[s].ino) {
            bool pending = ns_info[s].for_children && now->ns[s].err == ENOENT;
            cJSON_AddBoolToObject(o, "pending", pending);
            cJSON_AddStringToObject(o, "errno", errno_name(now->ns[s].err));
        }
    }
    return subj;
}

static const char *pidfmt_cb(void *ctx, pid_t pid)
{
    static char buf[32];
    return rc_pid(ctx, pid, buf, sizeof buf);
}

cJSON *render_step_json(const struct render_ctx *rc, const struct step *st,
                        const struct observation *obs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "step", st->number);
    if (st->line > 0)
        cJSON_AddNumberToObject(o, "line", st->line);
    else
        cJSON_AddNullToObject(o, "line");
    cJSON_AddStringToObject(o, "command", st->command ? st->command : "");
    cJSON_AddBoolToObject(o, "ok", st->ok);
    if (st->ok) {
        cJSON_AddNullToObject(o, "errno");
        cJSON_AddNullToObject(o, "error");
    } else {
        if (st->err.errnum)
            cJSON_AddStringToObject(o, "errno", errno_name(st->err.errnum));
        else
            cJSON_AddNullToObject(o, "errno");
        cJSON_AddStringToObject(o, "error", st->err.msg);
    }
    cJSON_AddStringToObject(o, "output", sb_str(&st->out));
    cJSON *tr = cJSON_AddArrayToObject(o, "trace");
    for (size_t k = 0; k < st->trace.n; k++) {
        const struct trace_ent *te = &st->trace.v[k];
        cJSON *e = cJSON_CreateObject();
        if (te->flags & TRACE_NOTE) {
            cJSON_AddStringToObject(e, "note", te->args);
        } else {
            cJSON_AddStringToObject(e, "call", te->call);
            struct strbuf a = {0};
            trace_args_format(te, &a, pidfmt_cb, (void *)rc);
            cJSON_AddStringToObject(e, "args", sb_str(&a));
            sb_free(&a);
            if ((te->flags & TRACE_RET_PID) && te->ret > 0 && rc->opt->stable)
                cJSON_AddStringToObject(e, "ret", pidfmt_cb((void *)rc, (pid_t)te->ret));
            else
                cJSON_AddNumberToObject(e, "ret", te->ret < 0 ? -1 : (double)te->ret);
            if (te->ret < 0)
                cJSON_AddStringToObject(e, "errno", errno_name(te->err));
            else
                cJSON_AddNullToObject(e, "errno");
        }
        cJSON_AddItemToArray(tr, e);
    }
    if (st->result)
        cJSON_AddItemReferenceToObject(o, "result", st->result);
    else
        cJSON_AddNullToObject(o, "result");
    /* Every step has the same keys (SPEC §5), so a program reading the
     * stream needs no per-command cases: the subject is there even for
     * steps whose text hides the observation block (jobs, show, say). */
    if (obs && obs->now)
        cJSON_AddItemToObject(o, "subject", render_subject_json(rc, obs));
    if (obs && obs->cg)
        cJSON_AddItemToObject(o, "cgroups", render_cg_json(rc, obs->cg));
    else
        cJSON_AddArrayToObject(o, "cgroups");
    if (obs && obs->mounts)
        cJSON_AddItemToObject(o, "mounts", render_mounts_observation_json(rc, obs->mounts));
    /* --equivalents: on every step, [] when it has none */
    if (rc->opt->equivalents) {
        cJSON *eq = cJSON_AddArrayToObject(o, "equivalent");
        const char *p = sb_str(&st->equivalent);
        while (*p) {
            size_t n = strcspn(p, "\n");
            char *line = xstrndup(p, n);
            cJSON_AddItemToArray(eq, cJSON_CreateString(line));
            free(line);
            p += n + (p[n] == '\n');
        }
    }
    return o;
}

cJSON *render_event_json(const struct render_ctx *rc, const struct nsl_event *ev)
{
    cJSON *o = cJSON_CreateObject();
    const char *kind = "report";
    switch (ev->kind) {
    case EV_EXITED:
        kind = WIFSIGNALED(ev->status) ? "killed" : "exited";
        break;
    case EV_STOPPED:
        kind = "stopped";
        break;
    case EV_CONTINUED:
        kind = "continued";
        break;
    }
    cJSON_AddStringToObject(o, "event", kind);
    if (ev->job)
        cJSON_AddNumberToObject(o, "job", ev->job);
    cJSON_AddItemToObject(o, "pid", render_json_pid(rc, ev->pid));
    if (ev->kind == EV_EXITED && WIFSIGNALED(ev->status))
        cJSON_AddStringToObject(o, "signal", signal_name(WTERMSIG(ev->status)));
    else if (ev->kind == EV_EXITED)
        cJSON_AddNumberToObject(o, "status", WEXITSTATUS(ev->status));
    else if (ev->kind == EV_STOPPED)
        cJSON_AddStringToObject(o, "signal", signal_name(WSTOPSIG(ev->status)));
    if (ev->kind == EV_TEXT)
        cJSON_AddStringToObject(o, "text", ev->text ? ev->text : "");
    return o;
}

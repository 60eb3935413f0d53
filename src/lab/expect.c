#define _GNU_SOURCE
/* expect: the assertions of labs (SPEC §4.9). A lab is a script of the shell
 * itself, checked by its own expect lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session/cgroups.h"
#include "commands.h"
#include "cmd/cmd_mount.h"
#include "observe/observe.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/jobs.h"
#include "session/target.h"
#include "cmd/cmd_net.h"
#include "i18n.h"

/* Every ns slot name (for_children too) and the type aliases. */
static int slot_parse(const char *w, enum ns_slot *out, struct nsl_err *e)
{
    for (int s = 0; s < NS_NSLOTS; s++) {
        if (strcmp(ns_info[s].name, w) == 0) {
            *out = s;
            return 0;
        }
    }
    return ns_type_parse(w, out, e);
}

static char *join(int argc, char **argv)
{
    struct strbuf sb = {0};
    for (int k = 0; k < argc; k++)
        sb_printf(&sb, "%s%s", k ? " " : "", argv[k]);
    return sb_steal(&sb);
}

/* expect cg CGROUP FILE VALUE | expect cg CGROUP has TARGET */
static int expect_cg(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    if (argc != 4)
        return nsl_usage(e, "usage: expect cg CGROUP FILE VALUE | expect cg CGROUP has TARGET");
    struct cg_group buf;
    const struct cg_group *g;
    if (cgroups_resolve(sh, argv[1], &buf, &g, e) < 0)
        return -1;
    struct strbuf have = {0};
    int held;
    if (strcmp(argv[2], "has") == 0) {
        struct target t;
        events_poll(sh, 0);
        if (target_resolve(sh, argv[3], TARGET_ALLOW_DEAD, &t, e) < 0 ||
            cg_value_get(g, "cgroup.procs", &have, e) < 0) {
            sb_free(&have);
            return -1;
        }
        held = 0;
        char *save = NULL;
        cleanup_free char *copy = xstrdup(sb_str(&have));
        for (char *w = strtok_r(copy, " \n", &save); w && !held; w = strtok_r(NULL, " \n", &save))
            held = atoi(w) == (int)t.pid;
        if (!held)
            sb_printf(why, _("%s (pid %d) is not in %s"), argv[3], (int)t.pid, g->name);
        sb_free(&have);
        return held;
    }
    if (cg_value_get(g, argv[2], &have, e) < 0) {
        sb_free(&have);
        return -1;
    }
    struct strbuf inner = {0};
    held = cg_value_match(g->ctrl, argv[2], sb_str(&have), argv[3], &inner, e);
    if (held == 0)
        sb_printf(why, _("in %s, %s"), g->name, sb_str(&inner));
    sb_free(&inner);
    sb_free(&have);
    return held;
}

/* Evaluate once. Returns 1 held, 0 not held (why filled), -1 malformed. */
static int evaluate(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    const char *what = argv[0];
    if (strcmp(what, "not") == 0) {
        if (argc < 2 || strcmp(argv[1], "not") == 0)
            return nsl_usage(e, "usage: expect not CONDITION");
        struct strbuf inner = {0};
        int r = evaluate(sh, argc - 1, argv + 1, &inner, e);
        sb_free(&inner);
        if (r == 1)
            sb_printf(why, _("it holds"));
        return r < 0 ? -1 : !r;
    }
    struct last_step *l = &sh->last;
    char b1[32], b2[32];

    if (strcmp(what, "ok") == 0 || strcmp(what, "fail") == 0) {
        bool want_ok = what[0] == 'o';
        if (argc > (want_ok ? 1 : 2))
            return nsl_usage(e, "usage: expect ok | expect fail [ERRNO]");
        if (!l->valid)
            return nsl_usage(e, "expect %s: there is no previous step to check", what);
        if (!l->ok && l->usage)
            return nsl_usage(e,
                             "expect %s: the previous step (line %d) was a usage error of the "
                             "lab, not a failure of the kernel, and a usage error is never "
                             "expected: fix that line",
                             what, l->line);
        if (want_ok) {
            if (!l->ok)
                sb_printf(why, _("the previous step failed (%s)"),
                          l->errnum ? errno_name(l->errnum) : "no errno");
            return l->ok;
        }
        if (l->ok) {
            sb_printf(why, _("the previous step succeeded"));
            return 0;
        }
        if (argc == 2 && (!l->errnum || strcmp(errno_name(l->errnum), argv[1]) != 0)) {
            sb_printf(why, _("it failed with %s, not %s"), l->errnum ? errno_name(l->errnum) : "no errno",
                      argv[1]);
            return 0;
        }
        return 1;
    }
    if (strcmp(what, "ns") == 0) {
        enum ns_slot s;
        if (argc != 3)
            return nsl_usage(e, "usage: expect ns TYPE host|new|changed|same");
        if (slot_parse(argv[1], &s, e) < 0)
            return -1;
        const char *st = argv[2];
        if (strcmp(st, "host") == 0 || strcmp(st, "new") == 0) {
            struct snapshot *now = &sh->prev;
            bool differs = snapshot_differs(sh, now, s);
            if (differs == (st[0] == 'n'))
                return 1;
            const struct ns_obs *o = &now->ns[s];
            sb_printf(why,
                      differs ? _("the subject's %s namespace is another one (%s), host's %s")
                              : _("the subject's %s namespace is the host's (%s), host's %s"),
                      ns_info[s].name, o->ino ? fmt_ino(sh, s, o->ino, b1, sizeof b1) : "pending",
                      fmt_ino(sh, s, sh->host_ns[s].ino, b2, sizeof b2));
            return 0;
        }
        if (strcmp(st, "changed") == 0 || strcmp(st, "same") == 0) {
            if (!l->valid)
                return nsl_usage(e, "expect ns: there is no previous step to compare");
            bool changed = snapshot_changed(&l->before, &l->after, s);
            if (changed == (st[0] == 'c'))
                return 1;
            if (changed)
                sb_printf(why, _("the %s namespace changed in the previous step"), ns_info[s].name);
            else
                sb_printf(why, _("the %s namespace did not change in the previous step"),
                          ns_info[s].name);
            return 0;
        }
        return nsl_usage(e, "expect ns %s: say host, new, changed or same, not '%s'", argv[1], st);
    }
    if (strcmp(what, "alive") == 0 || strcmp(what, "dead") == 0) {
        bool want_alive = what[0] == 'a';
        if (argc < 2 || argc > (want_alive ? 2 : 3))
            return nsl_usage(e, "usage: expect alive TARGET | expect dead TARGET [SIG]");
        int sig = 0;
        if (argc == 3 && (sig = parse_signal(argv[2])) < 0)
            return nsl_usage(e, "unknown signal '%s'", argv[2]);
        struct target t;
        events_poll(sh, 0);
        if (target_resolve(sh, argv[1], TARGET_ALLOW_DEAD, &t, e) < 0)
            return -1;
        bool alive;
        if (t.job)
            alive = t.job->state == JOB_RUNNING || t.job->state == JOB_STOPPED;
        else
            alive = pid_alive(sh, t.pid);
        if (alive == want_alive) {
            if (!want_alive && sig && t.job && !(t.job->state == JOB_KILLED && t.job->status == sig)) {
                sb_printf(why, _("%s ended, but %s"), argv[1], job_state_text(t.job, b1, sizeof b1));
                return 0;
            }
            if (!want_alive && sig && !t.job) {
                sb_printf(why, _("%s is not a job of this session, so how it ended is unknown"),
                          argv[1]);
                return 0;
            }
            return 1;
        }
        if (t.job)
            sb_printf(why, "%s: %s", argv[1], job_state_text(t.job, b1, sizeof b1));
        else
            sb_printf(why, alive ? _("%s is alive") : _("%s is not alive"), argv[1]);
        return 0;
    }
    if (strcmp(what, "output") == 0) {
        if (argc < 2)
            return nsl_usage(e, "usage: expect output TEXT");
        if (!l->valid)
            return nsl_usage(e, "expect output: there is no previous step");
        cleanup_free char *text = join(argc - 1, argv + 1);
        if (l->output && strstr(l->output, text))
            return 1;
        sb_printf(why, _("the previous step's output does not contain \"%s\""), text);
        return 0;
    }
    if (strcmp(what, "event") == 0) {
        if (argc < 2)
            return nsl_usage(e, "usage: expect event TEXT");
        cleanup_free char *text = join(argc - 1, argv + 1);
        unsigned long from = l->valid ? l->evseq : 0;
        if (sh->evseq > EVLOG_SIZE && from < sh->evseq - EVLOG_SIZE)
            from = sh->evseq - EVLOG_SIZE;
        for (unsigned long s = from; s < sh->evseq; s++)
            if (events_log_has(sh, s, text))
                return 1;
        sb_printf(why, _("no event since the previous step began contains \"%s\""), text);
        return 0;
    }
    if (strcmp(what, "hostname") == 0) {
        if (argc != 2)
            return nsl_usage(e, "usage: expect hostname NAME");
        cleanup_subj_req struct subj_req rq = {0};
        uts_req_pack(&rq, &(struct uts_req){.what = UTS_READ});
        cleanup_subj_rep struct subj_rep rep = {0};
        if (subject_call(sh, &rq, &rep, e) < 0)
            return -1;
        /* A read: no trace line belongs to the lab's output. */
        trace_clear(&sh->step.trace);
        struct uts_rep names;
        subj_rep_get(&rep, &names, sizeof names);
        int held = strcmp(names.hostname, argv[1]) == 0;
        if (!held)
            sb_printf(why, _("the subject's hostname is \"%s\""), names.hostname);
        return held;
    }
    if (strcmp(what, "link") == 0) {
        if (argc != 2 && argc != 3)
            return nsl_usage(e, "usage: expect link NAME [TARGET]");
        struct net_links links = {0};
        ino_t ns;
        const char *how;
        if (net_links_of(sh, argc == 3 ? argv[2] : "self", &links, &ns, &how, e) < 0)
            return -1;
        /* A read: no trace line belongs to the lab's output. */
        trace_clear(&sh->step.trace);
        int held = net_links_find_name(&links, argv[1]) != NULL;
        if (!held)
            sb_printf(why, _("there is no device %s in the network namespace of %s"), argv[1],
                      argc == 3 ? argv[2] : "the subject");
        net_links_free(&links);
        return held;
    }
    if (strcmp(what, "cg") == 0)
        return expect_cg(sh, argc, argv, why, e);
    if (strcmp(what, "mount") == 0 || strcmp(what, "no") == 0)
        return mount_expect(sh, argc, argv, why, e);
    const char *forms = "ok, fail, ns, alive, dead, output, event, hostname, cg, mount, "
                        "no mount, link, not";
    return nsl_usage(e, "unknown expect condition '%s' (%s)", what, forms);
}

int cmd_expect(struct nsl *sh, int argc, char **argv)
{
    double within = 0;
    if (argc >= 3 && strcmp(argv[argc - 2], "within") == 0) {
        char *end;
        within = strtod(argv[argc - 1], &end);
        if (*end || end == argv[argc - 1] || !(within >= 0 && within <= 3600))
            return step_usage(sh, "within takes seconds from 0 to 3600, not '%s'", argv[argc - 1]);
        argc -= 2;
    }
    if (argc < 2)
        return step_usage(sh, "usage: expect CONDITION [within SECONDS] (help expect)");
    struct nsl_err e;
    struct strbuf why = {0};
    int64_t deadline = now_ms() + (int64_t)(within * 1000);
    int held;
    for (;;) {
        sb_reset(&why);
        held = evaluate(sh, argc - 1, argv + 1, &why, &e);
        if (held != 0 || now_ms() >= deadline)
            break;
        if (events_poll(sh, 50) < 0)
            break;
        observe_subject(sh, &sh->prev);
    }
    cleanup_free char *cond = join(argc - 1, argv + 1);
    if (held < 0) {
        sb_free(&why);
        return step_fail_err(sh, &e);
    }
    cJSON *res = cJSON_CreateObject();
    cJSON_AddBoolToObject(res, "held", held == 1);
    sh->step.result = res;
    if (held) {
        /* The failure this expect is about was expected: it does not stop
         * the script nor count in the exit status. */
        if (strcmp(argv[1], "fail") == 0 || (strcmp(argv[1], "not") == 0 && argc > 2 &&
                                             strcmp(argv[2], "ok") == 0))
            sh->pending_fail = false;
        out_printf(sh, _("%s✓%s expect %s (line %d)\n"), col(sh, C_GREEN), col(sh, C_RESET), cond,
                   sh->step.line);
        sb_free(&why);
        return 0;
    }
    out_printf(sh, _("%s✗%s expect %s (line %d): %s\n"), col(sh, C_RED), col(sh, C_RESET), cond,
               sh->step.line, sb_str(&why));
    step_fail(sh, 0, "expect %s did not hold: %s", cond, sb_str(&why));
    sh->step.expect_failed = true;
    sb_free(&why);
    return -1;
}

#define _GNU_SOURCE
/* expect: the assertions of labs (SPEC §4.9). A lab is a script of the shell
 * itself, checked by its own expect lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "cmd/cmd_mount.h"
#include "cmd/cmd_net.h"
#include "cmd/cmd_uts.h"
#include "observe/observe.h"
#include "render/render.h"
#include "subject/ops.h"
#include "session/jobs.h"
#include "session/target.h"
#include "i18n.h"
#include "lab/lab.h"
#include "kernel/ns.h"

static char *join(int argc, char **argv)
{
    struct strbuf sb = {0};
    for (int k = 0; k < argc; k++)
        sb_printf(&sb, "%s%s", k ? " " : "", argv[k]);
    return sb_steal(&sb);
}

/* --- the rows about the previous step (struct last_step) --------------- */

/* The previous step exists and its failure, if any, is the kernel's. */
static int last_step_judgeable(const struct last_step *l, const char *what, struct nsl_err *e)
{
    if (!l->valid)
        return nsl_usage(e, "expect %s: there is no previous step to check", what);
    if (!l->ok && l->usage)
        return nsl_usage(e,
                         "expect %s: the previous step (line %d) was a usage error of the "
                         "lab, not a failure of the kernel, and a usage error is never "
                         "expected: fix that line",
                         what, l->line);
    return 0;
}

/* expect ok */
static int expect_ok(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    const struct last_step *l = &sh->last;
    if (last_step_judgeable(l, argv[0], e) < 0)
        return -1;
    if (!l->ok)
        sb_printf(why, _("the previous step failed (%s)"),
                  l->errnum ? errno_name(l->errnum) : "no errno");
    return l->ok;
}

/* expect fail [ERRNO] */
static int expect_fail(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                       struct nsl_err *e)
{
    const struct last_step *l = &sh->last;
    if (last_step_judgeable(l, argv[0], e) < 0)
        return -1;
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

/* expect output TEXT */
static int expect_output(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                         struct nsl_err *e)
{
    const struct last_step *l = &sh->last;
    if (!l->valid)
        return nsl_usage(e, "expect output: there is no previous step");
    cleanup_free char *text = join(argc - 1, argv + 1);
    if (l->output && strstr(l->output, text))
        return 1;
    sb_printf(why, _("the previous step's output does not contain \"%s\""), text);
    return 0;
}

/* expect event TEXT: the event log (sh->evlog, filled as events are
 * queued) since the previous step began. */
static int expect_event(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                        struct nsl_err *e)
{
    const struct last_step *l = &sh->last;
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

/* expect result KEY VALUE: a field of the previous step's structured
 * answer (what -J shows as "result"; a.b for a field of an object in it),
 * compared as expect cg compares: a value, or >N, <=N, != ... */
static int expect_result(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                         struct nsl_err *e)
{
    const struct last_step *l = &sh->last;
    if (!l->valid)
        return nsl_usage(e, "expect result: there is no previous step");
    return expect_result_in(l->result, argv, why, e);
}

static int expect_not(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                      struct nsl_err *e);

/* --- the table ---------------------------------------------------------- */

typedef int expect_fn(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                      struct nsl_err *e);
typedef int rec_expect_fn(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                          struct nsl_err *e);

/* One form of expect: its first word; the words it takes, its own counted
 * (max -1: any number); the usage error when their number is wrong (NULL:
 * the row checks its words itself); the row, which lives beside the domain
 * it judges. A row returns 1 held, 0 not held (why filled), -1 malformed or
 * failed (e filled). The order is the order of the list in the error for an
 * unknown form. */
static int record_expect_not(const struct rec_view *v, int argc, char **argv,
                             struct strbuf *why, struct nsl_err *e);

/* One form of expect: its first word; the words it takes, its own counted
 * (max -1: any number); the usage error when their number is wrong (NULL:
 * the row checks its words itself); the row, which lives beside the domain
 * it judges; its row on a record (expect_record.c), or NULL with what the
 * form needs that a record does not carry. A row returns 1 held, 0 not held
 * (why filled), -1 malformed or failed (e filled). The order is the order
 * of the list in the error for an unknown form. */
static const struct expect_form {
    const char *name, *shown;
    int min_argc, max_argc;
    const char *usage;
    expect_fn *run;
    rec_expect_fn *on_record;
    const char *needs;
} expect_forms[] = {
    {"ok", NULL, 1, 1, N_("usage: expect ok | expect fail [ERRNO]"), expect_ok, record_expect_ok,
     NULL},
    {"fail", NULL, 1, 2, N_("usage: expect ok | expect fail [ERRNO]"), expect_fail,
     record_expect_fail, NULL},
    {"ns", NULL, 3, 3, N_("usage: expect ns TYPE host|new|changed|same"), snapshot_expect,
     record_expect_ns, NULL},
    {"alive", NULL, 2, 2, N_("usage: expect alive TARGET | expect dead TARGET [SIG]"),
     target_expect_alive, NULL, N_("whether a process is alive")},
    {"dead", NULL, 2, 3, N_("usage: expect alive TARGET | expect dead TARGET [SIG]"),
     target_expect_alive, NULL, N_("whether a process is alive")},
    {"output", NULL, 2, -1, N_("usage: expect output TEXT"), expect_output, record_expect_output,
     NULL},
    {"event", NULL, 2, -1, N_("usage: expect event TEXT"), expect_event, NULL,
     N_("the text of the session's events")},
    {"hostname", NULL, 2, 2, N_("usage: expect hostname NAME"), uts_expect_hostname, NULL,
     N_("the subject's hostname")},
    {"cg", NULL, 4, 4, N_("usage: expect cg CGROUP FILE VALUE | expect cg CGROUP has TARGET"),
     cgroups_expect, record_expect_cg, NULL},
    {"mount", NULL, 0, -1, NULL, mount_expect, NULL, N_("the subject's mount table")},
    {"no", "no mount", 0, -1, NULL, mount_expect, NULL, N_("the subject's mount table")},
    {"link", NULL, 2, 3, N_("usage: expect link NAME [TARGET]"), net_expect_link, NULL,
     N_("the network links")},
    {"result", NULL, 3, 3, N_("usage: expect result KEY VALUE"), expect_result,
     record_expect_result, NULL},
    {"not", NULL, 2, -1, N_("usage: expect not CONDITION"), expect_not, record_expect_not, NULL},
};

static const struct expect_form *expect_form_find(const char *name)
{
    for (size_t k = 0; k < ARRAY_SIZE(expect_forms); k++)
        if (strcmp(expect_forms[k].name, name) == 0)
            return &expect_forms[k];
    return NULL;
}

/* Evaluate once. Returns 1 held, 0 not held (why filled), -1 malformed. */
static int evaluate(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    const struct expect_form *f = expect_form_find(argv[0]);
    if (!f) {
        cleanup_sb struct strbuf forms = {0};
        for (size_t k = 0; k < ARRAY_SIZE(expect_forms); k++)
            sb_printf(&forms, "%s%s", k ? ", " : "",
                      expect_forms[k].shown ? expect_forms[k].shown : expect_forms[k].name);
        return nsl_usage(e, "unknown expect condition '%s' (%s)", argv[0], sb_str(&forms));
    }
    if (f->usage && (argc < f->min_argc || (f->max_argc >= 0 && argc > f->max_argc)))
        return nsl_usage(e, "%s", _(f->usage));
    return f->run(sh, argc, argv, why, e);
}

int expect_evaluate(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e)
{
    return evaluate(sh, argc, argv, why, e);
}

/* expect not CONDITION: the condition's opposite (a malformed one stays
 * malformed); "not not" is refused. */
static int expect_not(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                      struct nsl_err *e)
{
    if (strcmp(argv[1], "not") == 0)
        return nsl_usage(e, "usage: expect not CONDITION");
    cleanup_sb struct strbuf inner = {0};
    int r = evaluate(sh, argc - 1, argv + 1, &inner, e);
    if (r == 1)
        sb_printf(why, _("it holds"));
    return r < 0 ? -1 : !r;
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
    cleanup_sb struct strbuf why = {0};
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
    if (held < 0)
        return step_fail_err(sh, &e);
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
        return 0;
    }
    out_printf(sh, _("%s✗%s expect %s (line %d): %s\n"), col(sh, C_RED), col(sh, C_RESET), cond,
               sh->step.line, sb_str(&why));
    step_fail(sh, 0, "expect %s did not hold: %s", cond, sb_str(&why));
    sh->step.expect_failed = true;
    return -1;
}

/* --- checking an expect without running it (nslab --lint) ---------------- */

/* The nearest of words to w (within a third of its length), or NULL. */
static const char *nearest(const char *w, const char *const *words, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t k = 0; k < n; k++) {
        size_t d = edit_distance(w, words[k]);
        if (d < best_d) {
            best_d = d;
            best = words[k];
        }
    }
    size_t len = strlen(w);
    return best_d <= (len <= 4 ? 1 : len <= 8 ? 2 : 3) ? best : NULL;
}

static void did_you_mean(struct strbuf *msg, const char *near)
{
    if (near)
        sb_printf(msg, _(" (did you mean '%s'?)"), near);
}

static int lint_ns(int argc, char **argv, struct strbuf *msg)
{
    const char *types[NS_NSLOTS];
    size_t n = 0;
    for (int s = 0; s < NS_NSLOTS; s++)
        types[n++] = ns_info[s].name;
    bool known = false;
    for (size_t k = 0; k < n; k++)
        known |= strcmp(argv[1], types[k]) == 0;
    known |= strcmp(argv[1], "mount") == 0 || strcmp(argv[1], "network") == 0;
    if (!known) {
        sb_printf(msg, _("expect ns: unknown namespace type '%s'"), argv[1]);
        did_you_mean(msg, nearest(argv[1], types, n));
        return -1;
    }
    static const char *const states[] = {"host", "new", "changed", "same"};
    for (size_t k = 0; k < ARRAY_SIZE(states); k++)
        if (strcmp(argv[2], states[k]) == 0)
            return 0;
    sb_printf(msg, _("expect ns %s: unknown state '%s' (host, new, changed or same)"), argv[1],
              argv[2]);
    did_you_mean(msg, nearest(argv[2], states, ARRAY_SIZE(states)));
    return -1;
}

static int lint_cg(int argc, char **argv, struct strbuf *msg)
{
    const char *keys[64];
    size_t n = 0;
    for (size_t k = 0; cg_abstract_key(k) && n < ARRAY_SIZE(keys) - 1; k++)
        keys[n++] = cg_abstract_key(k);
    keys[n++] = "has";
    const char *key = argv[2];
    /* A real file of the hierarchy (memory.max, cpu.stat) has a dot. */
    if (strchr(key, '.'))
        return 0;
    for (size_t k = 0; k < n; k++)
        if (strcmp(key, keys[k]) == 0)
            return 0;
    sb_printf(msg, _("expect cg %s: unknown key '%s' (`help expect` lists them)"), argv[1], key);
    did_you_mean(msg, nearest(key, keys, n));
    return -1;
}

int expect_lint(int argc, char **argv, struct strbuf *msg)
{
    if (argc >= 3 && strcmp(argv[argc - 2], "within") == 0) {
        char *end;
        double w = strtod(argv[argc - 1], &end);
        if (*end || end == argv[argc - 1] || !(w >= 0 && w <= 3600)) {
            sb_printf(msg, _("within takes seconds from 0 to 3600, not '%s'"), argv[argc - 1]);
            return -1;
        }
        argc -= 2;
    }
    if (argc < 2) {
        sb_printf(msg, "%s", _("usage: expect CONDITION [within SECONDS] (help expect)"));
        return -1;
    }
    argc--;
    argv++;
    for (;;) {
        const struct expect_form *f = expect_form_find(argv[0]);
        if (!f) {
            const char *names[ARRAY_SIZE(expect_forms)];
            for (size_t k = 0; k < ARRAY_SIZE(expect_forms); k++)
                names[k] = expect_forms[k].name;
            sb_printf(msg, _("unknown expect condition '%s'"), argv[0]);
            did_you_mean(msg, nearest(argv[0], names, ARRAY_SIZE(names)));
            return -1;
        }
        if (f->usage && (argc < f->min_argc || (f->max_argc >= 0 && argc > f->max_argc))) {
            sb_printf(msg, "%s", _(f->usage));
            return -1;
        }
        if (f->run == expect_not) {
            if (strcmp(argv[1], "not") == 0) {
                sb_printf(msg, "%s", _("usage: expect not CONDITION"));
                return -1;
            }
            argc--;
            argv++;
            continue;
        }
        if (f->run == snapshot_expect)
            return lint_ns(argc, argv, msg);
        if (f->run == cgroups_expect)
            return lint_cg(argc, argv, msg);
        return 0;
    }
}

/* --- judging on a record (nslab grade) ---------------------------------- */

int expect_record_check(int argc, char **argv, struct strbuf *msg)
{
    if (expect_lint(argc, argv, msg) < 0)
        return -1;
    if (argc >= 3 && strcmp(argv[argc - 2], "within") == 0) {
        sb_printf(msg, "%s", _("within waits for the kernel; a record is graded as it was written"));
        return -1;
    }
    argc--;
    argv++;
    while (strcmp(argv[0], "not") == 0) {
        argc--;
        argv++;
    }
    const struct expect_form *f = expect_form_find(argv[0]);
    if (!f->on_record) {
        sb_printf(msg, _("expect %s needs %s, which a record does not carry: not graded"),
                  f->shown ? f->shown : f->name, _(f->needs));
        return -1;
    }
    if (f->run == cgroups_expect && (strcmp(argv[2], "has") == 0 || !strchr(argv[2], '.'))) {
        sb_printf(msg, _("expect cg %s %s: a record keeps the cgroup's files, not nslab's keys "
                         "or its processes: name a file (e.g. pids.max); not graded"),
                  argv[1], argv[2]);
        return -1;
    }
    return 0;
}

int expect_on_record(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e)
{
    const struct expect_form *f = expect_form_find(argv[0]);
    if (!f || !f->on_record)
        return nsl_usage(e, "expect %s cannot be judged on a record", argv[0]);
    if (f->usage && (argc < f->min_argc || (f->max_argc >= 0 && argc > f->max_argc)))
        return nsl_usage(e, "%s", _(f->usage));
    return f->on_record(v, argc, argv, why, e);
}

static int record_expect_not(const struct rec_view *v, int argc, char **argv,
                             struct strbuf *why, struct nsl_err *e)
{
    cleanup_sb struct strbuf inner = {0};
    int r = expect_on_record(v, argc - 1, argv + 1, &inner, e);
    if (r == 1)
        sb_printf(why, "%s", _("it holds"));
    return r < 0 ? -1 : !r;
}

#define _GNU_SOURCE
/* Unit tests of the JSON shapes of SPEC §5 (render/json.c): a step object
 * built from a hand-made struct nsl, its trace entries, the subject's
 * namespace table, --stable labels, and event objects. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "nslab.h"
#include "observe/observe.h"
#include "render/render.h"
#include "subject/subject.h"
#include "session/jobs.h"

/* The host's inodes as on a typical machine. */
static const ino_t host_ino[NS_NSLOTS] = {
    [NS_CGROUP] = 4026531835, [NS_IPC] = 4026531839,   [NS_MNT] = 4026531832,
    [NS_NET] = 4026531833,    [NS_PID] = 4026531836,   [NS_PID4C] = 4026531836,
    [NS_TIME] = 4026531834,   [NS_TIME4C] = 4026531834, [NS_USER] = 4026531837,
    [NS_UTS] = 4026531838,
};

static int setup(void **state)
{
    struct nsl *sh = xcalloc(1, sizeof *sh);
    sh->opt.trace = true;
    sh->shell_pid = 4000;
    sh->subj.pid = 4242;
    for (int s = 0; s < NS_NSLOTS; s++)
        sh->host_ns[s].ino = host_ino[s];
    sh->step.number = 3;
    sh->step.line = 5;
    sh->step.command = xstrdup("unshare uts");
    sh->step.ok = true;
    sh->step.observed = true;
    *state = sh;
    return 0;
}

static int teardown(void **state)
{
    struct nsl *sh = *state;
    free(sh->step.command);
    trace_free(&sh->step.trace);
    sb_free(&sh->step.out);
    if (sh->step.result)
        cJSON_Delete(sh->step.result);
    labels_free(&sh->labels);
    free(sh);
    return 0;
}

/* The step's object as render_step gives it, from the namespaces before and
 * after (NULL: none). */
static cJSON *step_json(struct nsl *sh, const struct snapshot *before, const struct snapshot *now)
{
    struct render_ctx rc = render_ctx_of(sh);
    /* What observe_step hands render when only the namespaces were seen. */
    struct observation obs = {.before = before, .now = now, .host = sh->host_ns};
    return render_step_json(&rc, &sh->step, &obs);
}

static cJSON *event_json(struct nsl *sh, const struct nsl_event *ev)
{
    struct render_ctx rc = render_ctx_of(sh);
    return render_event_json(&rc, ev);
}

/* A snapshot of the subject: the host's namespaces, except what the
 * caller changes. */
static struct snapshot host_snapshot(const struct nsl *sh)
{
    struct snapshot s = {.pid = sh->subj.pid, .valid = true};
    for (int k = 0; k < NS_NSLOTS; k++)
        s.ns[k].ino = host_ino[k];
    return s;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        fail_msg("no key \"%s\"", key);
    return v;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    if (!cJSON_IsNumber(v))
        fail_msg("\"%s\" is not a number", key);
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    if (!cJSON_IsString(v))
        fail_msg("\"%s\" is not a string", key);
    return v->valuestring;
}

static bool boolean(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    if (!cJSON_IsBool(v))
        fail_msg("\"%s\" is not a boolean", key);
    return cJSON_IsTrue(v);
}

static void is_null(const cJSON *o, const char *key)
{
    if (!cJSON_IsNull(get(o, key)))
        fail_msg("\"%s\" is not null", key);
}

/* The object's keys, in order, are exactly those given (NULL-terminated). */
static void keys_are(const cJSON *o, ...)
{
    va_list ap;
    va_start(ap, o);
    const cJSON *c = o->child;
    for (const char *k; (k = va_arg(ap, const char *)); c = c->next) {
        if (!c) {
            fail_msg("key \"%s\" missing at the end", k);
            break; /* not reached: fail_msg ends the test */
        }
        if (strcmp(c->string, k) != 0)
            fail_msg("key \"%s\" where \"%s\" was expected", c->string, k);
    }
    va_end(ap);
    if (c)
        fail_msg("unexpected key \"%s\"", c->string);
}

/* --- the step object --------------------------------------------------- */

static void test_step_keys_and_types(void **state)
{
    struct nsl *sh = *state;
    struct snapshot before = host_snapshot(sh), now = before;
    now.ns[NS_UTS].ino = 4026532178;
    trace_add(&sh->step.trace, "unshare", 0, 0, 0, "%s", "CLONE_NEWUTS");
    sb_append(&sh->step.out, "uts: a namespace of its own\n");

    cJSON *o = step_json(sh, &before, &now);
    keys_are(o, "step", "line", "command", "ok", "errno", "error", "output", "trace", "result",
             "subject", "cgroups", (char *)NULL);
    assert_int_equal(num(o, "step"), 3);
    assert_int_equal(num(o, "line"), 5);
    assert_string_equal(str(o, "command"), "unshare uts");
    assert_true(boolean(o, "ok"));
    is_null(o, "errno");
    is_null(o, "error");
    assert_string_equal(str(o, "output"), "uts: a namespace of its own\n");
    is_null(o, "result");
    assert_true(cJSON_IsArray(get(o, "cgroups")));
    assert_int_equal(cJSON_GetArraySize(get(o, "cgroups")), 0);

    const cJSON *tr = get(o, "trace");
    assert_true(cJSON_IsArray(tr));
    assert_int_equal(cJSON_GetArraySize(tr), 1);
    const cJSON *t0 = cJSON_GetArrayItem(tr, 0);
    keys_are(t0, "call", "args", "ret", "errno", (char *)NULL);
    assert_string_equal(str(t0, "call"), "unshare");
    assert_string_equal(str(t0, "args"), "CLONE_NEWUTS");
    assert_int_equal(num(t0, "ret"), 0);
    is_null(t0, "errno");

    /* The whole object prints as one line. */
    char *line = cJSON_PrintUnformatted(o);
    assert_null(strchr(line, '\n'));
    assert_non_null(strstr(line, "\"step\":3,\"line\":5,\"command\":\"unshare uts\",\"ok\":true"));
    cJSON_free(line);
    cJSON_Delete(o);
}

static void test_step_failed(void **state)
{
    struct nsl *sh = *state;
    struct snapshot now = host_snapshot(sh);
    sh->step.ok = false;
    sh->step.err.errnum = EPERM;
    snprintf(sh->step.err.msg, sizeof sh->step.err.msg, "unshare failed; run `unshare user` first");
    trace_add(&sh->step.trace, "unshare", -1, EPERM, 0, "%s", "CLONE_NEWUTS");

    cJSON *o = step_json(sh, &now, &now);
    assert_false(boolean(o, "ok"));
    assert_string_equal(str(o, "errno"), "EPERM");
    assert_string_equal(str(o, "error"), "unshare failed; run `unshare user` first");
    const cJSON *t0 = cJSON_GetArrayItem(get(o, "trace"), 0);
    assert_int_equal(num(t0, "ret"), -1);
    assert_string_equal(str(t0, "errno"), "EPERM");
    cJSON_Delete(o);

    /* Errors that are not the kernel's: errno null, error still there. */
    sh->step.err.errnum = 0;
    o = step_json(sh, &now, &now);
    is_null(o, "errno");
    assert_string_equal(str(o, "error"), "unshare failed; run `unshare user` first");
    cJSON_Delete(o);

    /* Other errno names. */
    static const struct {
        int err;
        const char *name;
    } names[] = {{ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINVAL, "EINVAL"}, {ENOSPC, "ENOSPC"}};
    for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
        sh->step.err.errnum = names[k].err;
        o = step_json(sh, &now, &now);
        assert_string_equal(str(o, "errno"), names[k].name);
        cJSON_Delete(o);
    }
}

static void test_step_no_line_no_subject(void **state)
{
    struct nsl *sh = *state;
    /* Interactive steps have no script line: null. */
    sh->step.line = 0;
    free(sh->step.command);
    sh->step.command = NULL;
    cJSON *o = step_json(sh, NULL, NULL);
    is_null(o, "line");
    assert_string_equal(str(o, "command"), "");
    assert_string_equal(str(o, "output"), "");
    assert_int_equal(cJSON_GetArraySize(get(o, "trace")), 0);
    /* Without a snapshot there is no table to show. */
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "subject"));
    cJSON_Delete(o);

    /* A step that hides the observation in text still has it in JSON. */
    struct snapshot now = host_snapshot(sh);
    sh->step.observed = false;
    o = step_json(sh, NULL, &now);
    assert_non_null(cJSON_GetObjectItemCaseSensitive(o, "subject"));
    cJSON_Delete(o);
}

static void test_step_result(void **state)
{
    struct nsl *sh = *state;
    struct snapshot now = host_snapshot(sh);
    cJSON *res = cJSON_CreateObject();
    cJSON_AddNumberToObject(res, "job", 1);
    cJSON_AddNumberToObject(res, "pid", 4243);
    cJSON_AddNumberToObject(res, "ns_pid", 1);
    sh->step.result = res;
    cJSON *o = step_json(sh, &now, &now);
    const cJSON *r = get(o, "result");
    keys_are(r, "job", "pid", "ns_pid", (char *)NULL);
    assert_int_equal(num(r, "job"), 1);
    assert_int_equal(num(r, "pid"), 4243);
    /* The step object refers to the result; deleting it leaves the step's. */
    cJSON_Delete(o);
    assert_int_equal(num(sh->step.result, "job"), 1);
}

static void test_trace_entries(void **state)
{
    struct nsl *sh = *state;
    struct snapshot now = host_snapshot(sh);
    trace_add(&sh->step.trace, "clone3", 4243, 0, TRACE_RET_PID, "%s", "{flags=CLONE_NEWPID}");
    trace_add(&sh->step.trace, "write", 0, 0, 0, "%s", "/proc/4243/uid_map \"0 0 1\"");
    trace_add(&sh->step.trace, "setns", -1, EINVAL, 0, "%s", "/proc/1/ns/user, CLONE_NEWUSER");
    trace_add(&sh->step.trace, "kill", 0, 0, TRACE_ARG_PID, "%d, SIGKILL", 4243);
    trace_note(&sh->step.trace, "the subject process had died");

    cJSON *o = step_json(sh, &now, &now);
    const cJSON *tr = get(o, "trace");
    assert_int_equal(cJSON_GetArraySize(tr), 5);
    const cJSON *t = cJSON_GetArrayItem(tr, 0);
    assert_string_equal(str(t, "call"), "clone3");
    assert_int_equal(num(t, "ret"), 4243);
    is_null(t, "errno");
    t = cJSON_GetArrayItem(tr, 1);
    assert_string_equal(str(t, "args"), "/proc/4243/uid_map \"0 0 1\"");
    t = cJSON_GetArrayItem(tr, 2);
    assert_int_equal(num(t, "ret"), -1);
    assert_string_equal(str(t, "errno"), "EINVAL");
    t = cJSON_GetArrayItem(tr, 3);
    assert_string_equal(str(t, "args"), "4243, SIGKILL");
    /* A note is not a call. */
    t = cJSON_GetArrayItem(tr, 4);
    keys_are(t, "note", (char *)NULL);
    assert_string_equal(str(t, "note"), "the subject process had died");
    cJSON_Delete(o);
}

/* --- the subject's namespace table -------------------------------------- */

static void test_subject_table(void **state)
{
    struct nsl *sh = *state;
    struct snapshot before = host_snapshot(sh), now = before;
    now.ns[NS_UTS].ino = 4026532178;
    /* After unshare pid: pid_for_children cannot be read yet. */
    now.ns[NS_PID4C].ino = 0;
    now.ns[NS_PID4C].err = ENOENT;
    /* An entry unreadable for another reason is not pending. */
    now.ns[NS_NET].ino = 0;
    now.ns[NS_NET].err = EACCES;
    before.ns[NS_IPC].ino = 4026532999; /* ipc came back to the host's */

    cJSON *o = step_json(sh, &before, &now);
    const cJSON *subj = get(o, "subject");
    keys_are(subj, "pid", "ns", (char *)NULL);
    assert_int_equal(num(subj, "pid"), 4242);
    const cJSON *ns = get(subj, "ns");
    keys_are(ns, "cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time",
             "time_for_children", "user", "uts", (char *)NULL);

    const cJSON *e = get(ns, "uts");
    keys_are(e, "inode", "host", "differs", "changed", (char *)NULL);
    assert_true(num(e, "inode") == 4026532178.0);
    assert_true(num(e, "host") == 4026531838.0);
    assert_true(boolean(e, "differs"));
    assert_true(boolean(e, "changed"));

    e = get(ns, "mnt");
    keys_are(e, "inode", "host", "differs", "changed", (char *)NULL);
    assert_true(num(e, "inode") == num(e, "host"));
    assert_false(boolean(e, "differs"));
    assert_false(boolean(e, "changed"));

    e = get(ns, "ipc");
    assert_false(boolean(e, "differs"));
    assert_true(boolean(e, "changed"));

    e = get(ns, "pid_for_children");
    keys_are(e, "inode", "host", "differs", "changed", "pending", "errno", (char *)NULL);
    is_null(e, "inode");
    assert_true(num(e, "host") == 4026531836.0);
    assert_true(boolean(e, "differs"));
    assert_true(boolean(e, "changed"));
    assert_true(boolean(e, "pending"));
    assert_string_equal(str(e, "errno"), "ENOENT");

    e = get(ns, "net");
    is_null(e, "inode");
    assert_false(boolean(e, "pending"));
    assert_string_equal(str(e, "errno"), "EACCES");
    cJSON_Delete(o);

    /* No previous snapshot: nothing is marked changed. */
    o = step_json(sh, NULL, &now);
    ns = get(get(o, "subject"), "ns");
    for (const cJSON *c = ns->child; c; c = c->next)
        assert_false(boolean(c, "changed"));
    cJSON_Delete(o);
}

static void test_subject_gone(void **state)
{
    struct nsl *sh = *state;
    /* The subject died: a pid, an empty table. */
    struct snapshot now = {.pid = 4242, .valid = false};
    cJSON *o = step_json(sh, NULL, &now);
    const cJSON *subj = get(o, "subject");
    assert_int_equal(num(subj, "pid"), 4242);
    assert_int_equal(cJSON_GetArraySize(get(subj, "ns")), 0);
    cJSON_Delete(o);
}

/* --- --stable ------------------------------------------------------------ */

static void test_stable_labels(void **state)
{
    struct nsl *sh = *state;
    sh->opt.stable = true;
    struct snapshot before = host_snapshot(sh), now = before;
    now.ns[NS_UTS].ino = 4026532178;
    now.ns[NS_PID4C].ino = 4026532180;
    trace_add(&sh->step.trace, "clone3", 4243, 0, TRACE_RET_PID, "%s", "{flags=0}");
    trace_add(&sh->step.trace, "kill", 0, 0, TRACE_ARG_PID, "%d, SIGKILL", 4243);
    trace_add(&sh->step.trace, "unshare", -1, EPERM, TRACE_RET_PID, "%s", "CLONE_NEWUTS");

    cJSON *o = step_json(sh, &before, &now);
    const cJSON *tr = get(o, "trace");
    /* The first PID labelled is the first one met: the clone's child. */
    assert_string_equal(str(cJSON_GetArrayItem(tr, 0), "ret"), "pid@1");
    assert_string_equal(str(cJSON_GetArrayItem(tr, 1), "args"), "pid@1, SIGKILL");
    /* A failed call returns -1, never a label. */
    assert_int_equal(num(cJSON_GetArrayItem(tr, 2), "ret"), -1);

    const cJSON *subj = get(o, "subject");
    assert_string_equal(str(subj, "pid"), "pid@2");
    const cJSON *ns = get(subj, "ns");
    /* Inodes are labelled per type, in order of first appearance. */
    assert_string_equal(str(get(ns, "cgroup"), "inode"), "cgroup#1");
    assert_string_equal(str(get(ns, "uts"), "inode"), "uts#1");
    assert_string_equal(str(get(ns, "uts"), "host"), "uts#2");
    /* pid_for_children shares the pid type's labels. */
    assert_string_equal(str(get(ns, "pid"), "inode"), "pid#1");
    assert_string_equal(str(get(ns, "pid"), "host"), "pid#1");
    assert_string_equal(str(get(ns, "pid_for_children"), "inode"), "pid#2");
    assert_string_equal(str(get(ns, "pid_for_children"), "host"), "pid#1");
    assert_string_equal(str(get(ns, "time_for_children"), "inode"), "time#1");
    cJSON_Delete(o);

    /* The same values keep their labels in the next step. */
    o = step_json(sh, &now, &now);
    assert_string_equal(str(get(o, "subject"), "pid"), "pid@2");
    assert_string_equal(str(get(get(get(o, "subject"), "ns"), "uts"), "inode"), "uts#1");
    assert_string_equal(str(cJSON_GetArrayItem(get(o, "trace"), 0), "ret"), "pid@1");
    cJSON_Delete(o);
}

static void test_json_pid_ino(void **state)
{
    struct nsl *sh = *state;
    cJSON *v = json_pid(sh, 4242);
    assert_true(cJSON_IsNumber(v) && v->valuedouble == 4242);
    cJSON_Delete(v);
    v = json_ino(sh, NS_NET, 4026531833);
    assert_true(cJSON_IsNumber(v) && v->valuedouble == 4026531833.0);
    cJSON_Delete(v);
    v = json_ino(sh, NS_NET, 0);
    assert_true(cJSON_IsNull(v));
    cJSON_Delete(v);

    sh->opt.stable = true;
    v = json_pid(sh, 4242);
    assert_string_equal(v->valuestring, "pid@1");
    cJSON_Delete(v);
    v = json_pid(sh, 77);
    assert_string_equal(v->valuestring, "pid@2");
    cJSON_Delete(v);
    v = json_pid(sh, 4242);
    assert_string_equal(v->valuestring, "pid@1");
    cJSON_Delete(v);
    /* No process: a plain number even in --stable. */
    v = json_pid(sh, 0);
    assert_true(cJSON_IsNumber(v) && v->valuedouble == 0);
    cJSON_Delete(v);
    v = json_pid(sh, -1);
    assert_true(cJSON_IsNumber(v));
    cJSON_Delete(v);

    v = json_ino(sh, NS_NET, 4026531833);
    assert_string_equal(v->valuestring, "net#1");
    cJSON_Delete(v);
    v = json_ino(sh, NS_NET, 4026532000);
    assert_string_equal(v->valuestring, "net#2");
    cJSON_Delete(v);
    /* Labels count per type: a pid inode is pid#1 whatever came before. */
    v = json_ino(sh, NS_PID4C, 4026531836);
    assert_string_equal(v->valuestring, "pid#1");
    cJSON_Delete(v);
    v = json_ino(sh, NS_PID, 4026531836);
    assert_string_equal(v->valuestring, "pid#1");
    cJSON_Delete(v);
    v = json_ino(sh, NS_UTS, 0);
    assert_true(cJSON_IsNull(v));
    cJSON_Delete(v);
}

/* --- events ------------------------------------------------------------------- */

static void test_events(void **state)
{
    struct nsl *sh = *state;
    /* A job as the session's table holds it (render reads, never adds). */
    struct job job = {.id = 1, .pid = 4243, .cmd = (char *)"sleep 30", .state = JOB_RUNNING};
    struct job *j = &job;
    sh->jobs = (struct jobs){.v = j, .n = 1, .cap = 1, .next_id = 1};

    /* An event is queued with its job resolved (session/events.c). */
    struct nsl_event ev = {.kind = EV_EXITED, .pid = 4243, .status = W_EXITCODE(3, 0),
                           .job = j->id, .cmd = j->cmd};
    cJSON *o = event_json(sh, &ev);
    keys_are(o, "event", "job", "pid", "status", (char *)NULL);
    assert_string_equal(str(o, "event"), "exited");
    assert_int_equal(num(o, "job"), 1);
    assert_int_equal(num(o, "pid"), 4243);
    assert_int_equal(num(o, "status"), 3);
    assert_null(cJSON_GetObjectItemCaseSensitive(o, "step"));
    cJSON_Delete(o);

    ev.status = SIGKILL; /* killed by a signal, no core */
    o = event_json(sh, &ev);
    keys_are(o, "event", "job", "pid", "signal", (char *)NULL);
    assert_string_equal(str(o, "event"), "killed");
    assert_string_equal(str(o, "signal"), "KILL");
    cJSON_Delete(o);

    ev.kind = EV_STOPPED;
    ev.status = W_STOPCODE(SIGSTOP);
    o = event_json(sh, &ev);
    assert_string_equal(str(o, "event"), "stopped");
    assert_string_equal(str(o, "signal"), "STOP");
    cJSON_Delete(o);

    ev.kind = EV_CONTINUED;
    ev.status = 0xffff;
    o = event_json(sh, &ev);
    keys_are(o, "event", "job", "pid", (char *)NULL);
    assert_string_equal(str(o, "event"), "continued");
    cJSON_Delete(o);

    /* A process that is no job (an orphan reaped by init): no "job". */
    struct nsl_event text = {.kind = EV_TEXT, .pid = 999, .text = "reaped pid 7 (exit 0)"};
    o = event_json(sh, &text);
    keys_are(o, "event", "pid", "text", (char *)NULL);
    assert_string_equal(str(o, "event"), "report");
    assert_string_equal(str(o, "text"), "reaped pid 7 (exit 0)");
    cJSON_Delete(o);

    /* --stable labels the PID in events too. */
    sh->opt.stable = true;
    ev.kind = EV_EXITED;
    ev.status = SIGTERM;
    o = event_json(sh, &ev);
    assert_string_equal(str(o, "pid"), "pid@1");
    assert_string_equal(str(o, "signal"), "TERM");
    cJSON_Delete(o);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_step_keys_and_types),
        T(test_step_failed),
        T(test_step_no_line_no_subject),
        T(test_step_result),
        T(test_trace_entries),
        T(test_subject_table),
        T(test_subject_gone),
        T(test_stable_labels),
        T(test_json_pid_ino),
        T(test_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

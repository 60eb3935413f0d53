#define _GNU_SOURCE
/* The cgroup commands (cmd/cmd_cgroup.c): the commands, the observation
 * and its rendering run on fake v2, v1 and hybrid trees through the fake
 * kernel of cgroup_fake.h (so the v2 paths this machine cannot show,
 * memory.max and cgroup.subtree_control with real controllers, are covered
 * too). */
/* layer: cmd */
#include <cjson/cJSON.h>
#include <signal.h>
#include <sys/wait.h>

#include "cgroup_fake.h"
#include "session/cgroups.h"
#include "cmd/handlers.h"
#include "render/render.h"
#include "subject/subject.h"
#include "session/jobs.h"

/* --- pure ----------------------------------------------------------------- */

/* --- a shell on a fake tree ---------------------------------------------- */

struct tsh {
    struct fake *f;
    struct nsl sh;
};

static struct tsh *tsh_new(struct fake *f)
{
    struct tsh *t = xcalloc(1, sizeof *t);
    t->f = f;
    struct nsl *sh = &t->sh;
    sh->paths = f->paths;
    sh->procfd = open(f->paths.proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
    sh->exe_fd = -1;
    sh->shell_pid = getppid(); /* the test process plays the subject */
    sh->subj.pid = -1; /* no subject: nothing of its own to observe */
    sh->subj.ctl = sh->subj.evt = -1;
    struct nsl_cg *c = xcalloc(1, sizeof *c);
    c->layout = f->L;
    c->ready = true;
    fake_session(f, &c->session, 4242);
    c->session.layout = &c->layout;
    assert_int_equal(cg_pid_dirs(&c->layout, &f->paths, 0, &c->host, NULL), 0);
    sh->cg = c;
    return t;
}

/* The step so far, then a fresh one. */
static void step_clear(struct nsl *sh)
{
    sb_free(&sh->step.out);
    trace_free(&sh->step.trace);
    if (sh->step.result)
        cJSON_Delete(sh->step.result);
    sh->step.result = NULL;
    memset(&sh->step.err, 0, sizeof sh->step.err);
}

static void tsh_free(struct tsh *t)
{
    struct strbuf errors = {0};
    cgroups_free(&t->sh, &errors);
    assert_string_equal(sb_str(&errors), "");
    sb_free(&errors);
    step_clear(&t->sh);
    jobs_free(&t->sh);
    labels_free(&t->sh.labels);
    close(t->sh.procfd);
    fake_free(t->f);
    free(t);
}

/* The handlers under test, by name (the command table is the shell's, a
 * layer above). */
static const struct {
    const char *name;
    int (*run)(struct nsl *sh, int argc, char **argv);
} handlers[] = {
    {"cgcreate", cmd_cgcreate}, {"cgset", cmd_cgset},       {"cgget", cmd_cgget},
    {"cgattach", cmd_cgattach}, {"cgexec", cmd_cgexec},     {"cgfreeze", cmd_cgfreeze},
    {"cgthaw", cmd_cgthaw},     {"cgdelete", cmd_cgdelete}, {"cgls", cmd_cgls},
};

/* Run one command line (words split on spaces); its result. */
static int run(struct nsl *sh, const char *line)
{
    step_clear(sh);
    char *copy = xstrdup(line), *argv[16], *save = NULL;
    int argc = 0;
    for (char *w = strtok_r(copy, " ", &save); w && argc < 15; w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    argv[argc] = NULL;
    if (argc == 0) {
        fail_msg("an empty command line in this test");
        free(copy);
        return -1;
    }
    int (*fn)(struct nsl *, int, char **) = NULL;
    for (size_t k = 0; k < sizeof handlers / sizeof handlers[0]; k++)
        if (strcmp(handlers[k].name, argv[0]) == 0)
            fn = handlers[k].run;
    if (!fn) {
        fail_msg("no handler %s in this test", argv[0]);
        free(copy);
        return -1;
    }
    int r = fn(sh, argc, argv);
    free(copy);
    return r;
}

static void must_run(struct nsl *sh, const char *line)
{
    if (run(sh, line) < 0)
        fail_msg("%s: %s", line, sh->step.err.msg);
}

static void out_has(struct nsl *sh, const char *text)
{
    if (!strstr(sb_str(&sh->step.out), text))
        fail_msg("output lacks \"%s\":\n%s", text, sb_str(&sh->step.out));
}

static const struct cg_group *group(struct nsl *sh, const char *name)
{
    const struct cg_group *g = cg_find(&sh->cg->session, name);
    assert_non_null(g);
    return g;
}

static void test_commands_v2(void **state)
{
    struct tsh *t = tsh_new(fake_v2());
    struct nsl *sh = &t->sh;

    /* cgcreate on v2 enables the controller in the parent, shows both writes */
    must_run(sh, "cgcreate mem 64M");
    const struct cg_group *mem = group(sh, "mem1");
    out_has(sh, "mem1: ");
    out_has(sh, "(memory, cgroup v2)");
    out_has(sh, "to memory.max");
    out_has(sh, "wrote +memory");
    out_has(sh, "/cgroup.subtree_control");
    assert_string_equal(read_at(mem->dir, "memory.max"), "67108864");
    cJSON *files = cJSON_GetObjectItem(sh->step.result, "files");
    assert_string_equal(cJSON_GetObjectItem(files, "memory.max")->valuestring, "67108864");
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(sh->step.result, "parent_files")) >= 1);

    /* cgset: limit and weight by the version-neutral words */
    must_run(sh, "cgcreate cpu 20% --name box");
    const struct cg_group *box = group(sh, "box");
    assert_string_equal(read_at(box->dir, "cpu.max"), "20000 100000");
    /* v2: --name of one of the session's cgroups adds a controller to it */
    must_run(sh, "cgcreate pids 20 --name box");
    assert_string_equal(read_at(box->dir, "pids.max"), "20");
    out_has(sh, "wrote +pids");
    assert_int_equal(run(sh, "cgcreate pids 30 --name box"), -1);
    assert_non_null(strstr(sh->step.err.msg, "has the pids controller already"));
    assert_string_equal(read_at(box->dir, "pids.max"), "20");
    must_run(sh, "cgset box weight 400");
    assert_string_equal(read_at(box->dir, "cpu.weight"), "400");
    out_has(sh, "cpu.weight now reads 400");
    must_run(sh, "cgset mem1 limit 32M");
    assert_string_equal(read_at(mem->dir, "memory.max"), "33554432");
    must_run(sh, "cgset mem1 memory.max 16777216");
    assert_string_equal(read_at(mem->dir, "memory.max"), "16777216");
    out_has(sh, "memory.max now reads 16777216");
    must_run(sh, "cgset mem1 limit 32M");
    assert_int_equal(run(sh, "cgset mem1 weight 5"), -1);
    assert_non_null(strstr(sh->step.err.msg, "only cpu cgroups have a weight"));
    assert_int_equal(run(sh, "cgset box weight 0"), -1);
    assert_int_equal(run(sh, "cgset mem1 oom_kill 3"), -1);
    assert_int_equal(run(sh, "cgset mem1 limit"), -1);

    /* values */
    struct strbuf v = {0};
    struct nsl_err e;
    assert_int_equal(cg_value_get(mem, "limit", &v, &e), 0);
    assert_string_equal(sb_str(&v), "33554432");
    sb_reset(&v);
    assert_int_equal(cg_value_get(box, "limit", &v, &e), 0);
    assert_string_equal(sb_str(&v), "20000 100000");
    sb_reset(&v);
    assert_int_equal(cg_value_get(box, "weight", &v, &e), 0);
    assert_string_equal(sb_str(&v), "400");
    sb_reset(&v);
    write_at(mem->dir, "memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n");
    assert_int_equal(cg_value_get(mem, "oom_kill", &v, &e), 0);
    assert_string_equal(sb_str(&v), "1");
    sb_reset(&v);
    assert_int_equal(cg_value_get(mem, "limit_hits", &v, &e), 0);
    assert_string_equal(sb_str(&v), "7");
    sb_reset(&v);
    assert_int_equal(cg_value_get(mem, "memory.events:max", &v, &e), 0);
    assert_string_equal(sb_str(&v), "7");
    sb_reset(&v);
    assert_int_equal(cg_value_get(mem, "memory.events:nope", &v, &e), -1);
    assert_int_equal(cg_value_get(mem, "frozen", &v, &e), 0); /* v2: every cgroup */
    assert_string_equal(sb_str(&v), "0");
    sb_reset(&v);
    assert_int_equal(cg_value_get(mem, "no.such.file", &v, &e), -1);
    assert_int_equal(cg_value_get(mem, "../escape", &v, &e), -1);
    sb_free(&v);

    /* cgget */
    must_run(sh, "cgget mem1");
    out_has(sh, "memory.max");
    out_has(sh, "memory.events:oom_kill");
    must_run(sh, "cgget mem1 memory.events limit");
    out_has(sh, "memory.events:\n  low 0\n");
    out_has(sh, "limit: 33554432");

    /* one cgroup per hierarchy for spawn --cg: on v2 there is one hierarchy */
    must_run(sh, "cgcreate pids 5");
    struct cg_spawn_places p;
    assert_int_equal(cg_spawn_places(sh, "mem1,pids1", &p, &e), -1);
    assert_non_null(strstr(e.msg, "same hierarchy"));
    assert_int_equal(cg_spawn_places(sh, "pids1", &p, &e), 0);
    assert_int_equal(p.n, 1);
    /* the backend attaches: the cgroup's directory and its version */
    size_t dl = strlen(p.dir[0]);
    assert_true(dl > 6 && strcmp(p.dir[0] + dl - 6, "/pids1") == 0);
    assert_int_equal(p.version[0], 2);
    assert_int_equal(cg_spawn_places(sh, "", &p, &e), 0);
    assert_int_equal(p.n, 0);
    assert_int_equal(cg_spawn_places(sh, "nope", &p, &e), -1);
    assert_non_null(strstr(e.msg, "it has: mem1, box, pids1"));

    /* help says what was found (what `help cgcreate` adds to the table's
     * text) */
    step_clear(sh);
    cmd_cg_help_more(sh);
    out_has(sh, "cgroup layout: unified");
    out_has(sh, "memory   memory.max");
    out_has(sh, "weight: cpu.weight");
    tsh_free(t);
}

static void test_commands_v1(void **state)
{
    struct tsh *t = tsh_new(fake_hybrid());
    struct nsl *sh = &t->sh;
    must_run(sh, "cgcreate cpu 50%");
    const struct cg_group *cpu = group(sh, "cpu1");
    out_has(sh, "to cpu.cfs_quota_us");
    out_has(sh, "to cpu.cfs_period_us");
    out_has(sh, "so nslab made the matching cpuacct cgroup");
    must_run(sh, "cgset cpu1 weight 400");
    assert_string_equal(read_at(cpu->dir, "cpu.shares"), "4096");
    struct strbuf v = {0};
    struct nsl_err e;
    assert_int_equal(cg_value_get(cpu, "weight", &v, &e), 0);
    assert_string_equal(sb_str(&v), "400"); /* back on v2's scale */
    sb_reset(&v);
    assert_int_equal(cg_value_get(cpu, "limit", &v, &e), 0);
    assert_string_equal(sb_str(&v), "50000 100000");
    sb_reset(&v);
    /* cpu and cpuacct are separate hierarchies here: cgcreate made the
     * cpuacct cgroup of the same name, and said so; usage is its count */
    write_at(cpu->acct, "cpuacct.usage", "7000");
    assert_int_equal(cg_value_get(cpu, "usage", &v, &e), 0);
    assert_string_equal(sb_str(&v), "7");
    sb_reset(&v);
    must_run(sh, "cgcreate mem 64M");
    const struct cg_group *mem = group(sh, "mem1");
    write_at(mem->dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    assert_int_equal(cg_value_get(mem, "oom_kill", &v, &e), 0);
    assert_string_equal(sb_str(&v), "2");
    sb_reset(&v);
    /* on v1 only the freezer hierarchy freezes */
    assert_int_equal(cg_value_get(mem, "frozen", &v, &e), -1);
    assert_non_null(strstr(e.msg, "cgcreate freezer"));
    assert_int_equal(run(sh, "cgfreeze mem1"), -1);
    assert_non_null(strstr(sh->step.err.msg, "freezer"));
    must_run(sh, "cgcreate freezer");
    must_run(sh, "cgfreeze freezer1");
    out_has(sh, "freezer1 is frozen");
    assert_string_equal(read_at(group(sh, "freezer1")->dir, "freezer.state"), "FROZEN");
    assert_int_equal(cg_value_get(group(sh, "freezer1"), "frozen", &v, &e), 0);
    assert_string_equal(sb_str(&v), "1");
    must_run(sh, "cgthaw freezer1");
    /* --v2 on a hybrid system: the cgroup2 mount's freezer */
    must_run(sh, "cgcreate freezer --v2");
    out_has(sh, "(freezer, cgroup v2)");
    assert_int_equal(run(sh, "cgcreate mem --v2"), -1);
    assert_non_null(strstr(sh->step.err.msg, "--v2 works for freezer"));
    /* two hierarchies: one --cg list */
    struct cg_spawn_places p;
    assert_int_equal(cg_spawn_places(sh, "mem1,cpu1,freezer1", &p, &e), 0);
    assert_int_equal(p.n, 4); /* cpu1's cpuacct cgroup too */
    assert_string_equal(p.dir[2], group(sh, "cpu1")->acct);
    must_run(sh, "cgcreate cpuacct");
    assert_int_equal(cg_spawn_places(sh, "cpu1,cpuacct1", &p, &e), -1);
    assert_int_equal(cg_spawn_places(sh, "cpuacct1,cpu1", &p, &e), -1);
    assert_non_null(strstr(e.msg, "counts its CPU time in the cpuacct cgroup"));
    assert_int_equal(cg_spawn_places(sh, "freezer1,freezer2", &p, &e), 0); /* v1 and v2 */
    must_run(sh, "cgcreate freezer");
    assert_int_equal(cg_spawn_places(sh, "freezer1,freezer3", &p, &e), -1);
    sb_free(&v);
    tsh_free(t);
}

static void test_bad_input(void **state)
{
    struct tsh *t = tsh_new(fake_v2());
    struct nsl *sh = &t->sh;
    static const char *const bad[] = {
        "cgcreate",           "cgcreate disk",          "cgcreate mem 64Q",
        "cgcreate mem 1 2",   "cgcreate mem --name",    "cgcreate mem --name a/b",
        "cgcreate freezer 5", "cgcreate mem --bogus",   "cgset",
        "cgset nope limit 1", "cgget",                  "cgattach",
        "cgexec mem1",        "cgfreeze",               "cgdelete",
        "cgls a b",           "cgcreate mem --name nslab.1",
        "cgcreate cpuacct 5",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (run(sh, bad[i]) != -1)
            fail_msg("'%s' was accepted", bad[i]);
        assert_true(sh->step.err.msg[0]);
    }
    assert_int_equal(sh->cg->session.n, 0); /* no half-made cgroup */
    must_run(sh, "cgcreate mem --name web");
    assert_int_equal(run(sh, "cgcreate mem --name web"), -1);
    assert_non_null(strstr(sh->step.err.msg, "has the memory controller already"));
    /* CGROUP words */
    struct cg_group buf;
    const struct cg_group *g;
    struct nsl_err e;
    assert_int_equal(cgroups_resolve(sh, "/web", &buf, &g, &e), -1);
    assert_non_null(strstr(e.msg, "not an absolute path"));
    assert_int_equal(cgroups_resolve(sh, "web/../x", &buf, &g, &e), -1);
    assert_int_equal(cgroups_resolve(sh, "web//x", &buf, &g, &e), -1);
    assert_int_equal(cgroups_resolve(sh, "web/sub", &buf, &g, &e), -1);
    assert_non_null(strstr(e.msg, "is not a directory"));
    char sub[1200];
    snprintf(sub, sizeof sub, "%s/sub", group(sh, "web")->dir);
    mkdir(sub, 0755);
    fake_populate(t->f, sub, false);
    assert_int_equal(cgroups_resolve(sh, "web/sub", &buf, &g, &e), 0);
    assert_string_equal(g->dir, sub);
    assert_string_equal(g->name, "web/sub");
    /* cgls shows it as a tree; cgdelete removes it (only below the session's) */
    must_run(sh, "cgls");
    out_has(sh, "  web ");
    out_has(sh, "    sub ");
    must_run(sh, "cgdelete web/sub");
    assert_false(exists(sub));
    assert_int_equal(sh->cg->session.n, 1);
    tsh_free(t);
}

/* Without a layout, every cgroup command says why, and nothing crashes. */
static void test_no_layout(void **state)
{
    struct nsl sh = {0};
    struct nsl_cg *c = xcalloc(1, sizeof *c);
    snprintf(c->why, sizeof c->why, "no cgroup filesystem is mounted");
    sh.cg = c;
    static const char *const cmds[] = {"cgls", "cgcreate mem", "cgget x", "cgset x limit 1",
                                       "cgfreeze x", "cgdelete x"};
    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        assert_int_equal(run(&sh, cmds[i]), -1);
        assert_non_null(strstr(sh.step.err.msg, "no cgroup filesystem is mounted"));
    }
    struct cg_snap s;
    cg_snap_take(&sh, NULL, &s);
    assert_int_equal(s.n, 0);
    struct strbuf out = {0};
    struct render_ctx rc = render_ctx_of(&sh);
    render_cg_observation(&rc, &s, &out);
    assert_string_equal(sb_str(&out), "");
    sb_free(&out);
    cg_snap_free(&s);
    step_clear(&sh);
    struct strbuf errors = {0};
    cgroups_free(&sh, &errors);
    assert_null(sh.cg);
    sb_free(&errors);
}

/* --- the observation ------------------------------------------------------ */

static const struct cg_obs *obs_of(const struct cg_snap *s, const char *name)
{
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->v[k].name, name) == 0)
            return &s->v[k];
    fail_msg("no observation of %s", name);
    return NULL;
}

static void test_observation(void **state)
{
    struct tsh *t = tsh_new(fake_v2());
    struct nsl *sh = &t->sh;
    struct nsl_cg *c = sh->cg;
    cgroups_observe_step(sh); /* as at start: nothing yet */
    assert_true(c->now.taken);
    assert_int_equal(c->now.n, 0);

    must_run(sh, "cgcreate mem 64M");
    cgroups_observe_step(sh);
    const struct cg_obs *o = obs_of(&c->now, "mem1");
    assert_true(o->ok && (o->marks & CGM_NEW));
    struct strbuf line = {0};
    struct render_ctx rc = render_ctx_of(sh);
    render_cg_line(&rc, o, &line);
    assert_non_null(strstr(sb_str(&line), "cgroup mem1 (memory, v2): limit 64M, usage 0 (0%)"));
    assert_non_null(strstr(sb_str(&line), "oom_kill 0"));
    assert_non_null(strstr(sb_str(&line), "no processes"));
    assert_non_null(strstr(sb_str(&line), "<- new"));

    /* nothing changed: no mark */
    cgroups_observe_step(sh);
    o = obs_of(&c->now, "mem1");
    assert_int_equal(o->marks, 0);
    sb_reset(&line);
    render_cg_line(&rc, o, &line);
    assert_null(strstr(sb_str(&line), "<-"));

    /* the kernel's OOM killer struck, usage moved, a process came */
    const char *dir = group(sh, "mem1")->dir;
    write_at(dir, "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    write_at(dir, "memory.current", "33554432");
    write_at(dir, "cgroup.procs", "4243\n");
    cgroups_observe_step(sh);
    o = obs_of(&c->now, "mem1");
    assert_true(o->marks & CGM_OOM);
    assert_true(o->marks & CGM_HITS);
    assert_true(o->marks & CGM_USAGE);
    assert_true(o->marks & CGM_PROCS);
    assert_false(o->marks & CGM_LIMIT);
    sb_reset(&line);
    render_cg_line(&rc, o, &line);
    assert_non_null(strstr(sb_str(&line), "usage 32M (50%)"));
    assert_non_null(strstr(sb_str(&line), "procs 4243"));
    assert_non_null(strstr(sb_str(&line), "<- changed: limit hits, oom_kill, procs"));
    assert_null(strstr(sb_str(&line), "usage,")); /* a gauge: never marked */

    /* JSON: real file names, keyed files as objects, what changed */
    cJSON *arr = render_cg_json(&rc, &c->now);
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    cJSON *j = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(cJSON_GetObjectItem(j, "name")->valuestring, "mem1");
    assert_string_equal(cJSON_GetObjectItem(j, "path")->valuestring, dir);
    assert_int_equal(cJSON_GetObjectItem(j, "version")->valueint, 2);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "session")));
    cJSON *files = cJSON_GetObjectItem(j, "files");
    assert_string_equal(cJSON_GetObjectItem(files, "memory.max")->valuestring, "67108864");
    cJSON *ev = cJSON_GetObjectItem(files, "memory.events");
    assert_true(cJSON_IsObject(ev));
    assert_string_equal(cJSON_GetObjectItem(ev, "oom_kill")->valuestring, "1");
    char *changed = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "changed"));
    assert_non_null(strstr(changed, "\"memory.events:oom_kill\""));
    assert_non_null(strstr(changed, "\"memory.current\""));
    assert_non_null(strstr(changed, "\"cgroup.procs\""));
    assert_null(strstr(changed, "memory.max"));
    cJSON_free(changed);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "pids")), 1);
    cJSON_Delete(arr);

    /* cgls: a bar, within 80 columns */
    must_run(sh, "cgcreate pids 10");
    must_run(sh, "cgcreate cpu 20%");
    write_at(group(sh, "pids1")->dir, "pids.current", "5");
    must_run(sh, "cgls");
    out_has(sh, "cgroup layout: unified");
    out_has(sh, "[##########..........]  50%");
    out_has(sh, "Session parents (removed at exit):");
    for (const char *p = sb_str(&sh->step.out); *p;) {
        size_t n = strcspn(p, "\n");
        /* paths may be long; table rows may not */
        if (!memchr(p, '/', n) && n > 80)
            fail_msg("a line of %zu columns: %.*s", n, (int)n, p);
        p += n + (p[n] ? 1 : 0);
    }
    must_run(sh, "cgls mem1");
    out_has(sh, "Its files:");
    out_has(sh, "memory.events:oom_kill");
    sb_free(&line);
    tsh_free(t);
}

/* A job killed by SIGKILL while a memory cgroup's oom_kill went up: an
 * event says so, once. */
static void test_oom_note(void **state)
{
    struct tsh *t = tsh_new(fake_hybrid());
    struct nsl *sh = &t->sh;
    must_run(sh, "cgcreate mem 64M");
    struct job *j = job_add(sh, 4243, "stress mem 200M");
    struct subj_event ev = {.kind = EV_EXITED, .pid = j->pid, .status = SIGKILL};
    struct subj_event note;
    assert_false(cgroups_oom_note(sh, &ev, &note)); /* no OOM kill counted */
    const char *dir = group(sh, "mem1")->dir;
    write_at(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    struct subj_event exited = {.kind = EV_EXITED, .pid = j->pid, .status = 0};
    assert_false(cgroups_oom_note(sh, &exited, &note)); /* not killed */
    assert_true(cgroups_oom_note(sh, &ev, &note));
    assert_int_equal(note.kind, EV_TEXT);
    assert_int_equal(note.pid, 4243);
    assert_non_null(strstr(note.text, "OOM kill in mem1"));
    assert_non_null(strstr(note.text, "memory.oom_control oom_kill 0 -> 1; limit 64M"));
    assert_false(cgroups_oom_note(sh, &ev, &note)); /* told once */
    tsh_free(t);
}

/* cgdelete of a busy cgroup: the kernel's EBUSY, who is inside, what to do. */
static void test_delete_busy_hint(void **state)
{
    struct tsh *t = tsh_new(fake_hybrid());
    struct nsl *sh = &t->sh;
    must_run(sh, "cgcreate pids 5");
    struct job *j = job_add(sh, 4243, "stress fork 10");
    write_at(group(sh, "pids1")->dir, "cgroup.procs", "4243\n");
    assert_int_equal(run(sh, "cgdelete pids1"), -1);
    assert_int_equal(sh->step.err.errnum, EBUSY);
    assert_non_null(strstr(sh->step.err.msg, "still inside: 4243"));
    assert_non_null(strstr(sh->step.err.msg, "`kill -KILL %1`"));
    assert_int_equal(sh->cg->session.n, 1);
    write_at(group(sh, "pids1")->dir, "cgroup.procs", "");
    must_run(sh, "cgdelete pids1");
    out_has(sh, "removed pids1");
    assert_int_equal(sh->cg->session.n, 0);
    (void)j;
    tsh_free(t);
}

/* cgattach: only this session's processes, never into a frozen cgroup. */
static void test_attach_rules(void **state)
{
    struct tsh *t = tsh_new(fake_v2());
    struct nsl *sh = &t->sh;
    sh->subj.pid = getpid(); /* stands in for the subject */
    must_run(sh, "cgcreate freezer");
    assert_int_equal(run(sh, "cgattach freezer1 host"), -1);
    assert_non_null(strstr(sh->step.err.msg, "stays in the cgroups it started in"));
    /* PID 1 as the fake /proc shows it: not a descendant of the shell */
    char one[700];
    snprintf(one, sizeof one, "%s/1", t->f->paths.proc);
    mkdir_p(one);
    write_at(one, "stat", "1 (init) S 0 1 1 0 -1 4194560\n");
    assert_int_equal(run(sh, "cgattach freezer1 1"), -1);
    assert_int_equal(sh->step.err.errnum, EPERM);
    must_run(sh, "cgfreeze freezer1");
    assert_int_equal(run(sh, "cgattach freezer1"), -1);
    assert_int_equal(sh->step.err.errnum, EBUSY);
    assert_non_null(strstr(sh->step.err.msg, "is frozen"));
    must_run(sh, "cgthaw freezer1");
    must_run(sh, "cgattach freezer1");
    out_has(sh, "the subject (pid ");
    char self[32];
    snprintf(self, sizeof self, "%d", getpid());
    assert_string_equal(read_at(group(sh, "freezer1")->dir, "cgroup.procs"), self);
    tsh_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands_v2),  cmocka_unit_test(test_commands_v1),
        cmocka_unit_test(test_bad_input),    cmocka_unit_test(test_no_layout),
        cmocka_unit_test(test_observation),  cmocka_unit_test(test_oom_note),
        cmocka_unit_test(test_delete_busy_hint), cmocka_unit_test(test_attach_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

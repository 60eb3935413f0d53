#define _GNU_SOURCE
/* Unit tests of the text rendering every step does (render/text.c): the
 * observation block and the prompt. The expected texts are literal, so a
 * faster way of building them must give the same bytes. */
/* layer: render */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nslab.h"
#include "render/render.h"
#include "subject/subject.h"

/* A shell state with host namespaces 4026531830 + slot and a subject 4242
 * in all of them. */
static struct nsl *sh_new(bool color, bool stable)
{
    struct nsl *sh = xcalloc(1, sizeof *sh);
    sh->opt.color = color;
    sh->opt.stable = stable;
    sh->subj.pid = 4242;
    for (int s = 0; s < NS_NSLOTS; s++)
        sh->host_ns[s].ino = 4026531830ull + (unsigned)ns_info[s].base;
    return sh;
}

static void sh_del(struct nsl *sh)
{
    labels_free(&sh->labels);
    free(sh);
}

static struct snapshot snap_host(const struct nsl *sh)
{
    struct snapshot sn = {.pid = 4242, .valid = true};
    memcpy(sn.ns, sh->host_ns, sizeof sn.ns);
    return sn;
}

/* The namespaces block for a step from a to b (a NULL: nothing before). */
static void observation_text(struct nsl *sh, const struct snapshot *a, const struct snapshot *b,
                             struct strbuf *out)
{
    struct render_ctx rc = render_ctx_of(sh);
    struct observation obs = {.before = a, .now = b, .host = sh->host_ns};
    render_observation(&rc, &obs, out);
}

static void test_observation_compact(void **state)
{
    struct nsl *sh = sh_new(false, false);
    struct snapshot a = snap_host(sh), b = a;
    struct strbuf out = {0};
    observation_text(sh, &a, &b, &out);
    assert_string_equal(sb_str(&out),
                        "  ns of subject 4242: all ten the host's (8 types, pid and time "
                        "for children)\n");
    sb_free(&out);
    sh_del(sh);
}

/* render_wrap: lines broken between words, continuations indented two
 * more; colour takes no column; a word longer than a line stays whole;
 * Chinese breaks between characters. */
static void test_wrap(void **state)
{
    struct strbuf o = {0};
    sb_append(&o, "short line\n  one two three four five six seven eight nine ten eleven\n");
    render_wrap(&o, 24);
    assert_string_equal(sb_str(&o), "short line\n"
                                    "  one two three four\n"
                                    "    five six seven eight\n"
                                    "    nine ten eleven\n");
    sb_reset(&o);
    sb_append(&o, "\033[1mbold\033[0m words here and there again");
    render_wrap(&o, 20);
    assert_string_equal(sb_str(&o), "\033[1mbold\033[0m words here and\n  there again");
    sb_reset(&o);
    sb_append(&o, "a /a/very/long/path/that/never/breaks/in/the/middle b");
    render_wrap(&o, 20);
    assert_string_equal(sb_str(&o), "a\n  /a/very/long/path/that/never/breaks/in/the/middle\n  b");
    sb_reset(&o);
    sb_append(&o, "提示：一二三四五六七八九十一二三四五");
    render_wrap(&o, 20);
    assert_string_equal(sb_str(&o), "提示：一二三四五六七\n  八九十一二三四五");
    sb_reset(&o);
    /* Fullwidth punctuation takes two columns as well. */
    sb_append(&o, "一二三四五六七（八）：九十");
    render_wrap(&o, 20);
    assert_string_equal(sb_str(&o), "一二三四五六七（八）\n  ：九十");
    sb_reset(&o);
    sb_append(&o, "no wrap below twenty columns at all, ever");
    render_wrap(&o, 10);
    assert_string_equal(sb_str(&o), "no wrap below twenty columns at all, ever");
    sb_free(&o);
}

static void test_observation_table(void **state)
{
    struct nsl *sh = sh_new(false, false);
    struct snapshot a = snap_host(sh), b = a;
    b.ns[NS_UTS].ino = 4026532178;          /* changed and differs */
    a.ns[NS_NET].ino = b.ns[NS_NET].ino = 4026532300; /* differs, unchanged */
    b.ns[NS_PID4C] = (struct ns_obs){.ino = 0, .err = ENOENT}; /* pending */
    b.ns[NS_TIME4C] = (struct ns_obs){.ino = 0, .err = EACCES};
    struct strbuf out = {0};
    observation_text(sh, &a, &b, &out);
    assert_string_equal(
        sb_str(&out),
        "  NAMESPACE          SUBJECT 4242     HOST\n"
        "  cgroup             4026531830       same\n"
        "  ipc                4026531831       same\n"
        "  mnt                4026531832       same\n"
        "  net                4026532300       4026531833\n"
        "  pid                4026531834       same\n"
        "  pid_for_children   pending          4026531834    <- changed\n"
        "  time               4026531836       same\n"
        "  time_for_children  (EACCES)         4026531836    <- changed\n"
        "  user               4026531838       same\n"
        "  uts                4026532178       4026531839    <- changed\n"
        "  (pending: the new PID namespace has no process yet, so the kernel cannot show it; "
        "the next `spawn` becomes its PID 1)\n");
    sb_free(&out);
    sh_del(sh);
}

static void test_observation_colour_stable(void **state)
{
    struct nsl *sh = sh_new(true, true);
    struct snapshot a = snap_host(sh), b = a;
    b.ns[NS_UTS].ino = 4026532178;
    struct strbuf out = {0};
    observation_text(sh, &a, &b, &out);
    const char *want =
        "  \033[2mNAMESPACE          SUBJECT pid@1    HOST\033[0m\n"
        "  cgroup             cgroup#1         same\n"
        "  ipc                ipc#1            same\n"
        "  mnt                mnt#1            same\n"
        "  net                net#1            same\n"
        "  pid                pid#1            same\n"
        "  pid_for_children   pid#1            same\n"
        "  time               time#1           same\n"
        "  time_for_children  time#1           same\n"
        "  user               user#1           same\n"
        "  \033[36muts                uts#1            uts#2\033[0m         "
        "\033[33m\033[1m<- changed\033[0m\n";
    assert_string_equal(sb_str(&out), want);
    sb_free(&out);
    sh_del(sh);
}

static void test_observation_no_subject(void **state)
{
    struct nsl *sh = sh_new(false, false);
    struct snapshot b = {.pid = -1};
    struct strbuf out = {0};
    observation_text(sh, NULL, &b, &out);
    assert_string_equal(sb_str(&out), "  (no subject process: `reset` starts one)\n");
    sb_free(&out);
    sh_del(sh);
}

static void test_prompt(void **state)
{
    struct nsl *sh = sh_new(false, false);
    sh->prev = snap_host(sh);
    struct strbuf out = {0};
    render_prompt(sh, &out, false);
    assert_string_equal(sb_str(&out), "nslab 4242> ");
    sb_reset(&out);
    sh->prev.ns[NS_UTS].ino = 1;
    sh->prev.ns[NS_PID4C].ino = 2;
    render_prompt(sh, &out, false);
    assert_string_equal(sb_str(&out), "nslab 4242 [pid> uts]> ");
    sb_free(&out);
    sh_del(sh);
}

/* With colour, for readline (invisible markers around the codes), --stable. */
static void test_prompt_colour(void **state)
{
    struct nsl *sh = sh_new(true, true);
    sh->prev = snap_host(sh);
    sh->prev.ns[NS_NET].ino = 1;
    struct strbuf out = {0};
    render_prompt(sh, &out, true);
    assert_string_equal(sb_str(&out), "\001\033[1m\002nslab pid@1 [\001\033[36m\002net"
                                      "\001\033[0m\033[1m\002]> \001\033[0m\002");
    sb_reset(&out);
    render_prompt(sh, &out, false);
    assert_string_equal(sb_str(&out),
                        "\033[1mnslab pid@1 [\033[36mnet\033[0m\033[1m]> \033[0m");
    sb_free(&out);
    sh_del(sh);
}

static void test_render_without_shell(void **state)
{
    struct nsl_opts opt = {.stable = true};
    struct labels labels = {0};
    struct job job = {.id = 1, .pid = 4300, .cmd = "sleep 9"};
    struct jobs jobs = {.v = &job, .n = 1};
    struct render_ctx rc = {.opt = &opt, .labels = &labels, .subject = 4242, .jobs = &jobs};
    struct ns_obs host[NS_NSLOTS] = {{0}};
    struct snapshot before = {.pid = 4242, .valid = true};
    for (int s = 0; s < NS_NSLOTS; s++)
        before.ns[s] = host[s] = (struct ns_obs){.ino = 4026531830ull + (unsigned)ns_info[s].base};
    struct snapshot now = before;
    now.ns[NS_UTS].ino = 4026532001;
    struct observation obs = {.before = &before, .now = &now, .host = host};
    struct strbuf out = {0};
    render_observation(&rc, &obs, &out);
    assert_non_null(strstr(sb_str(&out), "SUBJECT pid@1"));
    assert_non_null(strstr(sb_str(&out), "  uts                uts#1            uts#2         <- changed\n"));

    /* A cgroup's processes: the subject is self, a job %N, others a PID. */
    pid_t pids[] = {4242, 4300, 999};
    struct cg_obs o = {.name = "box", .version = 2, .ctrl = CG_PIDS, .ok = true, .hier = -1};
    o.st.pids = pids;
    o.st.npids = 3;
    sb_reset(&out);
    render_cg_line(&rc, &o, &out);
    assert_non_null(strstr(sb_str(&out), "cgroup box (pids, v2)"));
    assert_non_null(strstr(sb_str(&out), "procs self %1 pid@2"));

    /* An event of the job names it (the session resolved the job when it
     * queued the event). */
    struct nsl_event ev = {.kind = EV_EXITED, .pid = 4300, .status = 0, .job = 1,
                           .cmd = (char *)"sleep 9"};
    sb_reset(&out);
    render_event_text(&rc, &ev, &out, true);
    assert_string_equal(sb_str(&out), "[%1 sleep 9] exited with status 0");
    sb_free(&out);
    labels_free(&labels);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_observation_compact),
        cmocka_unit_test(test_observation_table),
        cmocka_unit_test(test_observation_colour_stable),
        cmocka_unit_test(test_observation_no_subject),
        cmocka_unit_test(test_prompt),
        cmocka_unit_test(test_prompt_colour),
        cmocka_unit_test(test_render_without_shell),
        cmocka_unit_test(test_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

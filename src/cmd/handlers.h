/* The command handlers (cmd/ and lab/): one function per command, called
 * through the table (shell/commands.c), and what handlers share. A handler
 * returns 0 (ok) or -1 (failed, sh->step.err filled), and reports through
 * session/report.h. */
#ifndef NSLAB_HANDLERS_H
#define NSLAB_HANDLERS_H

#include "nslab.h"
#include "session/report.h"

int cmd_exit(struct nsl *sh, int argc, char **argv);
int cmd_explain(struct nsl *sh, int argc, char **argv);
int cmd_record(struct nsl *sh, int argc, char **argv);
int cmd_say(struct nsl *sh, int argc, char **argv);
int cmd_require(struct nsl *sh, int argc, char **argv);
int cmd_pause(struct nsl *sh, int argc, char **argv);
int cmd_show(struct nsl *sh, int argc, char **argv);
int cmd_ps(struct nsl *sh, int argc, char **argv);
int cmd_observe(struct nsl *sh, int argc, char **argv);
int cmd_trace(struct nsl *sh, int argc, char **argv);
int cmd_theme(struct nsl *sh, int argc, char **argv);
int cmd_equivalents(struct nsl *sh, int argc, char **argv);
int cmd_expect(struct nsl *sh, int argc, char **argv);
int cmd_goal(struct nsl *sh, int argc, char **argv);
int cmd_check(struct nsl *sh, int argc, char **argv);
int cmd_hint(struct nsl *sh, int argc, char **argv);
int cmd_solution(struct nsl *sh, int argc, char **argv);
int cmd_ls_ns(struct nsl *sh, int argc, char **argv);
int cmd_unshare(struct nsl *sh, int argc, char **argv);
int cmd_setns(struct nsl *sh, int argc, char **argv);
int cmd_enter(struct nsl *sh, int argc, char **argv);
int cmd_spawn(struct nsl *sh, int argc, char **argv);
int cmd_run(struct nsl *sh, int argc, char **argv); /* !PROGRAM */
int cmd_jobs(struct nsl *sh, int argc, char **argv);
int cmd_wait(struct nsl *sh, int argc, char **argv);
int cmd_kill(struct nsl *sh, int argc, char **argv);
int cmd_reset(struct nsl *sh, int argc, char **argv);
int cmd_hostname(struct nsl *sh, int argc, char **argv);
int cmd_domainname(struct nsl *sh, int argc, char **argv);
int cmd_cgcreate(struct nsl *sh, int argc, char **argv);
int cmd_cgset(struct nsl *sh, int argc, char **argv);
int cmd_cgget(struct nsl *sh, int argc, char **argv);
int cmd_cgattach(struct nsl *sh, int argc, char **argv);
int cmd_cgexec(struct nsl *sh, int argc, char **argv);
int cmd_cgfreeze(struct nsl *sh, int argc, char **argv);
int cmd_cgthaw(struct nsl *sh, int argc, char **argv);
int cmd_cgdelete(struct nsl *sh, int argc, char **argv);
int cmd_blockdev(struct nsl *sh, int argc, char **argv);
int cmd_cgperf(struct nsl *sh, int argc, char **argv);
int cmd_cgls(struct nsl *sh, int argc, char **argv);
void cmd_cg_help_more(struct nsl *sh); /* the cgroup layout, for help cgcreate/cgls */
int cmd_mounts(struct nsl *sh, int argc, char **argv);
int cmd_mount(struct nsl *sh, int argc, char **argv);
int cmd_bind(struct nsl *sh, int argc, char **argv);
int cmd_umount(struct nsl *sh, int argc, char **argv);
int cmd_pin(struct nsl *sh, int argc, char **argv);
int cmd_unpin(struct nsl *sh, int argc, char **argv);
int cmd_propagation(struct nsl *sh, int argc, char **argv);
int cmd_scratch(struct nsl *sh, int argc, char **argv);
int cmd_ipc(struct nsl *sh, int argc, char **argv);
int cmd_id(struct nsl *sh, int argc, char **argv);
int cmd_uidmap(struct nsl *sh, int argc, char **argv);
int cmd_gidmap(struct nsl *sh, int argc, char **argv);
/* "uid_map" or "gid_map" when PID is in a user namespace of its own whose
 * map is not written yet (the kernel then refuses to create a user namespace
 * there: EPERM), else NULL. */
const char *user_map_missing(struct nsl *sh, pid_t pid);
/* The commands that write that map, e.g. "`setgroups deny`, then `gidmap 0 me 1`". */
const char *user_map_fix(const char *missing);
int cmd_setgroups(struct nsl *sh, int argc, char **argv);
int cmd_timens(struct nsl *sh, int argc, char **argv);
int cmd_clock(struct nsl *sh, int argc, char **argv);
int cmd_veth(struct nsl *sh, int argc, char **argv);
int cmd_link(struct nsl *sh, int argc, char **argv);
int cmd_addr(struct nsl *sh, int argc, char **argv);
int cmd_bridge(struct nsl *sh, int argc, char **argv);
int cmd_graph(struct nsl *sh, int argc, char **argv);
int cmd_serve(struct nsl *sh, int argc, char **argv);
/* Start (or move) the projector view on spec; *url is where to point a
 * browser (with its token off loopback); recording: the page's title says
 * it shows a recorded session (--replay). serve_end stops it. */
int serve_begin(struct nsl *sh, const char *spec, bool recording, const char **url,
                struct nsl_err *e);
void serve_end(struct nsl *sh);
int cmd_image(struct nsl *sh, int argc, char **argv);
int cmd_chroot(struct nsl *sh, int argc, char **argv);
int cmd_pivot_root(struct nsl *sh, int argc, char **argv);
int cmd_caps(struct nsl *sh, int argc, char **argv);
int cmd_nnp(struct nsl *sh, int argc, char **argv);
int cmd_seccomp(struct nsl *sh, int argc, char **argv);
int cmd_keys(struct nsl *sh, int argc, char **argv);
int cmd_container(struct nsl *sh, int argc, char **argv);
int cmd_key(struct nsl *sh, int argc, char **argv);

#endif

#define _GNU_SOURCE
/* The one command table. Help, completion and docs/commands.md come from
 * these rows; keep each row's text true to its handler. */
#include "commands.h"

#include <string.h>

const struct command commands[] = {
    /* --- observation --- */
    {.name = "ls-ns",
     .synopsis = "ls-ns [TARGET|all] | ls-ns --tree pid|user",
     .summary = "a process's namespaces beside the host's; every namespace; or their tree",
     .help = "ls-ns shows TARGET's namespace inodes (default: the subject) beside the\n"
             "host's: two processes are in the same namespace exactly when the inodes of\n"
             "their /proc/PID/ns links are equal.\n"
             "ls-ns all lists every namespace on the system, as lsns(8) does: NS, TYPE,\n"
             "NPROCS, PID (the lowest in it) and COMMAND.\n"
             "ls-ns --tree pid|user draws the hierarchy of PID or user namespaces, found\n"
             "with the NS_GET_PARENT and NS_GET_USERNS ioctls, with the processes in each.",
     .mechanism = "readlink(2) of /proc/PID/ns/*; ioctl(2) NS_GET_PARENT, NS_GET_USERNS",
     .man = "namespaces(7), ioctl_ns(2), lsns(8)",
     .run = cmd_ls_ns,
     .complete = "@target|all",
     .options = "--tree"},
    {.name = "show",
     .synopsis = "show",
     .summary = "the observation block again",
     .help = "show prints the subject's namespace table again: each of the eight types\n"
             "plus pid_for_children and time_for_children, marked where it differs from\n"
             "the host's.",
     .mechanism = "readlink(2) of /proc/PID/ns/*",
     .man = "namespaces(7)",
     .run = cmd_show,
     .flags = CMD_NO_OBSERVE},

    /* --- namespaces --- */
    {.name = "unshare",
     .synopsis = "unshare TYPE... [--propagation private|slave|shared|unchanged] [--no-map]",
     .summary = "move the subject into new namespaces",
     .help = "unshare calls unshare(2) in the subject with one CLONE_NEW* flag per TYPE\n"
             "(cgroup ipc mnt net pid time user uts, or all).\n"
             "pid and time are special: the subject itself stays where it is and only\n"
             "pid_for_children / time_for_children change; the next spawned process is\n"
             "born in the new namespace (as its PID 1, for pid).\n"
             "mnt: like unshare(1), every mount of the new namespace is then made private\n"
             "(mount(\"none\", \"/\", MS_REC|MS_PRIVATE)) so nothing mounted later leaks to\n"
             "the host through a shared peer group; --propagation slave|shared picks\n"
             "another mode and unchanged keeps the copied propagation.\n"
             "user: the subject's uid and gid are mapped to root inside (as unshare -r):\n"
             "setgroups is denied and uid_map/gid_map written; --no-map leaves them unmapped.",
     .mechanism = "unshare(2)",
     .man = "unshare(2), namespaces(7), unshare(1)",
     .run = cmd_unshare,
     .complete = "@type...",
     .options = "--propagation --no-map"},
    {.name = "setns",
     .synopsis = "setns TYPE|all TARGET",
     .summary = "move the subject into TARGET's namespace(s)",
     .help = "setns opens /proc/TARGET/ns/TYPE and calls setns(2) in the subject. With\n"
             "all, it enters every namespace of TARGET that differs from the subject's,\n"
             "in the order nsenter(1) uses (user first, then cgroup ipc uts net pid mnt\n"
             "time). TARGET: self, host, a PID, or %N (a job).\n"
             "setns pid, like unshare pid, changes only pid_for_children.",
     .mechanism = "setns(2)",
     .man = "setns(2), nsenter(1)",
     .run = cmd_setns,
     .complete = "@type|all @target"},
    {.name = "spawn",
     .synopsis = "spawn [--ns TYPES] [--] PROGRAM [ARGS...]",
     .summary = "start a child of the subject (a job), optionally in new namespaces",
     .help = "spawn clones a child of the subject, with new namespaces for TYPES (a comma\n"
             "list), and runs PROGRAM in it: a builtin (sleep [SECONDS]) or an external\n"
             "program started with execvp(3), never through a shell. It prints the job\n"
             "number %N, the host PID and the PID inside the child's PID namespace.\n"
             "After `unshare pid`, the first spawned child is PID 1 of the new namespace.",
     .mechanism = "clone(2) with CLONE_NEW* flags, execvp(3)",
     .man = "clone(2), execve(2)",
     .run = cmd_spawn,
     .complete = "@command @file...",
     .options = "--ns --"},
    {.name = "!",
     .synopsis = "!PROGRAM [ARGS...]",
     .summary = "run a program inside the subject's namespaces and wait for it",
     .help = "!PROGRAM runs PROGRAM (with execvp(3), never through a shell) as a child of\n"
             "the subject, so it sees the subject's namespaces, and waits for it.\n"
             "Interactively it gets the terminal: `!bash` opens a shell inside the\n"
             "namespaces and exiting it returns to nslab. In JSON mode its output is\n"
             "captured into the step's output and its status into result.",
     .mechanism = "clone(2), execvp(3), waitpid(2)",
     .man = "execve(2), wait(2)",
     .run = cmd_run,
     .complete = "@command @file..."},
    {.name = "jobs",
     .synopsis = "jobs",
     .summary = "the spawned processes and their state",
     .help = "jobs lists the processes spawn started: %N, host PID, PID inside its PID\n"
             "namespace, state (running, stopped, exited N, killed by SIG) and command.",
     .mechanism = "waitpid(2) in the subject, reported as events",
     .man = "wait(2)",
     .run = cmd_jobs,
     .flags = CMD_NO_OBSERVE},
    {.name = "wait",
     .synopsis = "wait %N [SECONDS]",
     .summary = "wait for a job to end (Ctrl-C interrupts)",
     .help = "wait blocks until job %N has ended and prints how it ended. With SECONDS it\n"
             "gives up after that long. Ctrl-C interrupts the wait, not the job.",
     .mechanism = "waitpid(2) in the subject",
     .man = "wait(2)",
     .run = cmd_wait,
     .complete = "@job"},
    {.name = "kill",
     .synopsis = "kill [-SIG] TARGET",
     .summary = "send a signal (default TERM) from the host",
     .help = "kill sends SIG (a name like KILL or TERM, or a number; default TERM) to\n"
             "TARGET from the shell, which is in the host's PID namespace, then says\n"
             "whether TARGET is still alive. The init of a PID namespace ignores every\n"
             "signal it has no handler for, except SIGKILL and SIGSTOP sent from an\n"
             "ancestor namespace (pid_namespaces(7)).",
     .mechanism = "kill(2)",
     .man = "kill(2), signal(7), pid_namespaces(7)",
     .run = cmd_kill,
     .complete = "@target",
     .options = "-KILL -TERM -INT -HUP -STOP -CONT -USR1"},
    {.name = "reset",
     .synopsis = "reset",
     .summary = "end the subject and its children; start a fresh one in the host's namespaces",
     .help = "reset kills every job and the subject, then starts a fresh subject in the\n"
             "host's namespaces. It is the way back after `unshare user`, which setns\n"
             "cannot undo (a process cannot re-enter an ancestor user namespace).",
     .mechanism = "kill(2), fork(2)",
     .man = "user_namespaces(7)",
     .run = cmd_reset},

    /* --- UTS --- */
    {.name = "hostname",
     .synopsis = "hostname [NAME]",
     .summary = "show or set the subject's hostname",
     .help = "hostname prints the hostname the subject sees; with NAME it sets it with\n"
             "sethostname(2). The hostname belongs to the UTS namespace: after\n"
             "`unshare uts` the change stays inside.",
     .mechanism = "sethostname(2), uname(2)",
     .man = "sethostname(2), uts_namespaces(7)",
     .run = cmd_hostname},
    {.name = "domainname",
     .synopsis = "domainname [NAME]",
     .summary = "show or set the subject's NIS domain name",
     .help = "domainname prints the NIS domain name the subject sees; with NAME it sets\n"
             "it with setdomainname(2). Like the hostname it belongs to the UTS namespace.",
     .mechanism = "setdomainname(2), uname(2)",
     .man = "setdomainname(2), uts_namespaces(7)",
     .run = cmd_domainname},

    /* --- labs --- */
    {.name = "say",
     .synopsis = "say TEXT...",
     .summary = "print narration",
     .help = "say prints its words as narration (labs use it to explain each step).",
     .run = cmd_say,
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "pause",
     .synopsis = "pause",
     .summary = "wait for Enter (interactive only)",
     .help = "pause waits for Enter when nslab reads a terminal; in a script it does\n"
             "nothing, so labs replay unattended.",
     .run = cmd_pause,
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "expect",
     .synopsis = "expect CONDITION [within SECONDS]",
     .summary = "check the state; a failure makes the exit status 3",
     .help = "expect checks a condition and prints a check mark or a cross with its line:\n"
             "  expect ok | expect fail [ERRNO]    the previous step succeeded / failed\n"
             "  expect ns TYPE host | new          the subject's TYPE namespace is the\n"
             "                                     host's / another one\n"
             "  expect ns TYPE changed | same      it changed / not in the previous step\n"
             "  expect alive TARGET                a process lives\n"
             "  expect dead TARGET [SIG]           it has ended (killed by SIG)\n"
             "  expect output TEXT                 the previous step's output has TEXT\n"
             "  expect hostname NAME               the subject's hostname is NAME\n"
             "  expect not CONDITION               the condition does not hold\n"
             "  expect ... within SECONDS          poll until it holds, up to SECONDS\n"
             "The previous step is the last command other than expect, say and pause.\n"
             "A failed step followed by an expect fail (or expect not ok) that holds was\n"
             "expected: it neither stops a script nor counts in the exit status.",
     .run = cmd_expect,
     .complete = "ok|fail|ns|alive|dead|output|hostname|not @type|@target host|new|changed|same",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "observe",
     .synopsis = "observe ns|cgroup|mounts|all|none[,...]",
     .summary = "choose what the observation after each step shows",
     .help = "observe sets what follows every step: ns (the namespace table), cgroup,\n"
             "mounts, all or none; a comma list combines them (as --observe).",
     .run = cmd_observe,
     .complete = "ns|cgroup|mounts|all|none",
     .flags = CMD_NO_OBSERVE},
    {.name = "trace",
     .synopsis = "trace on|off",
     .summary = "show or hide the syscall lines of each step",
     .help = "trace off hides the lines that show each syscall and file write a step\n"
             "performed (as --no-trace); trace on shows them again.",
     .run = cmd_trace,
     .complete = "on|off",
     .flags = CMD_NO_OBSERVE},
    {.name = "help",
     .synopsis = "help [COMMAND]",
     .summary = "list the commands, or explain one",
     .help = "help lists every command; help COMMAND shows its synopsis, what it does,\n"
             "the kernel mechanism it uses and the man pages to read.",
     .run = cmd_help,
     .complete = "@command",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "exit",
     .synopsis = "exit [STATUS]",
     .summary = "end the session (and everything it started)",
     .help = "exit ends nslab: every process it started is killed and everything it made\n"
             "is removed. STATUS (default: the status so far) is nslab's exit status.",
     .run = cmd_exit,
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
};

const size_t commands_count = ARRAY_SIZE(commands);

void commands_markdown(FILE *f)
{
    fputs("# nslab commands\n\n"
          "Generated from the command table (src/commands.c) by `nslab --dump-commands`;\n"
          "do not edit by hand (`make docs` regenerates it, and a test fails when it is stale).\n\n"
          "| command | does |\n|---|---|\n",
          f);
    for (size_t k = 0; k < commands_count; k++) {
        /* A '|' inside a table cell must be escaped, even within code. */
        fputs("| `", f);
        for (const char *p = commands[k].synopsis; *p; p++)
            fputs(*p == '|' ? "\\|" : (char[]){*p, 0}, f);
        fprintf(f, "` | %s |\n", commands[k].summary);
    }
    for (size_t k = 0; k < commands_count; k++) {
        const struct command *c = &commands[k];
        fprintf(f, "\n## %s\n\n```\n%s\n```\n\n%s\n", c->name, c->synopsis, c->help);
        if (c->mechanism)
            fprintf(f, "\nKernel mechanism: %s.\n", c->mechanism);
        if (c->man)
            fprintf(f, "Read: %s.\n", c->man);
    }
}

const struct command *command_find(const char *name)
{
    if (strcmp(name, "quit") == 0)
        name = "exit";
    for (size_t k = 0; k < commands_count; k++)
        if (strcmp(commands[k].name, name) == 0)
            return &commands[k];
    return NULL;
}

const char *command_suggest(const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t k = 0; k < commands_count; k++) {
        size_t d = edit_distance(name, commands[k].name);
        /* A prefix is a strong hint too ("host" -> hostname). */
        if (strncmp(commands[k].name, name, strlen(name)) == 0 && strlen(name) >= 2)
            d = d < 2 ? d : 1;
        if (d < best_d) {
            best_d = d;
            best = commands[k].name;
        }
    }
    size_t len = strlen(name);
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    return best_d <= limit ? best : NULL;
}

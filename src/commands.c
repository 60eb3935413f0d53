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

    /* --- IPC --- */
    {.name = "ipc",
     .synopsis = "ipc new msg|shm|sem [KEY] | ipc ls",
     .summary = "create a System V IPC object in the subject's IPC namespace; list them",
     .help = "ipc new creates a System V object in the subject, so in its IPC namespace: a\n"
             "message queue (msgget(2)), a shared memory segment of 4096 bytes (shmget(2))\n"
             "or a set of one semaphore (semget(2)), with IPC_CREAT|IPC_EXCL and mode 0600.\n"
             "KEY (decimal, or hex like 0x1234) names it within its namespace; without KEY\n"
             "it is IPC_PRIVATE. The same key can name another object in another IPC\n"
             "namespace: that is the isolation.\n"
             "ipc ls lists the objects the subject sees: it reads /proc/sysvipc/msg, shm\n"
             "and sem in the subject, because those files show the reader's IPC namespace.\n"
             "Objects live as long as their IPC namespace. Those the session made in the\n"
             "host's (which never ends) are removed with IPC_RMID when nslab exits.",
     .mechanism = "msgget(2), shmget(2), semget(2); /proc/sysvipc/*; msgctl(2) IPC_RMID",
     .man = "svipc(7), ipc_namespaces(7), ipcs(1)",
     .run = cmd_ipc,
     .complete = "new|ls msg|shm|sem"},

    /* --- user and time --- */
    {.name = "id",
     .synopsis = "id [TARGET]",
     .summary = "a process's uid, gid, groups, capabilities and ID maps",
     .help = "id shows TARGET's (default: the subject's) user namespace and who created it,\n"
             "its uid and gid as seen inside that namespace and in the host's (translated\n"
             "through uid_map and gid_map; an ID the map does not cover shows as the\n"
             "overflow ID 65534), its groups, /proc/PID/uid_map, gid_map and setgroups,\n"
             "and its effective capabilities (CapEff in /proc/PID/status) by name.\n"
             "Capabilities count only over what the process's user namespace owns: root\n"
             "inside a new user namespace has them all, over its own namespaces only.",
     .mechanism = "/proc/PID/status, /proc/PID/uid_map, gid_map; ioctl(2) NS_GET_OWNER_UID",
     .man = "user_namespaces(7), capabilities(7), credentials(7)",
     .run = cmd_id,
     .complete = "@target"},
    {.name = "uidmap",
     .synopsis = "uidmap [TARGET] INSIDE OUTSIDE COUNT",
     .summary = "write /proc/PID/uid_map of a new user namespace",
     .help = "uidmap writes the line \"INSIDE OUTSIDE COUNT\" to TARGET's (default: the\n"
             "subject's) /proc/PID/uid_map, from the shell, which is in the parent user\n"
             "namespace: uids OUTSIDE..OUTSIDE+COUNT-1 of the parent appear as\n"
             "INSIDE..INSIDE+COUNT-1 inside. A map can be written once; the kernel refuses\n"
             "a second write (EPERM) and bad ranges (EINVAL). Without root, only your own\n"
             "uid can be mapped, with COUNT 1; OUTSIDE `me` means that uid (the one nslab\n"
             "runs as). `unshare user --no-map` leaves the maps to write by hand.",
     .mechanism = "write(2) to /proc/PID/uid_map",
     .man = "user_namespaces(7)",
     .run = cmd_uidmap,
     .complete = "@target"},
    {.name = "gidmap",
     .synopsis = "gidmap [TARGET] INSIDE OUTSIDE COUNT",
     .summary = "write /proc/PID/gid_map of a new user namespace",
     .help = "gidmap writes \"INSIDE OUTSIDE COUNT\" to TARGET's /proc/PID/gid_map, as\n"
             "uidmap does for uids (OUTSIDE `me`: nslab's own gid). Without root,\n"
             "`setgroups deny` must come first: a process that may call setgroups(2)\n"
             "could drop a group that a file's permissions deny it by.",
     .mechanism = "write(2) to /proc/PID/gid_map",
     .man = "user_namespaces(7)",
     .run = cmd_gidmap,
     .complete = "@target"},
    {.name = "setgroups",
     .synopsis = "setgroups deny|allow [TARGET]",
     .summary = "write /proc/PID/setgroups of a new user namespace",
     .help = "setgroups writes deny or allow to TARGET's (default: the subject's)\n"
             "/proc/PID/setgroups: whether setgroups(2) is permitted in its user namespace.\n"
             "It can change only before gid_map is written, and an unprivileged writer of\n"
             "gid_map needs it denied first.",
     .mechanism = "write(2) to /proc/PID/setgroups",
     .man = "user_namespaces(7), setgroups(2)",
     .run = cmd_setgroups,
     .complete = "deny|allow @target"},
    {.name = "timens",
     .synopsis = "timens monotonic|boottime SECONDS",
     .summary = "set a clock offset of the subject's new time namespace",
     .help = "timens writes \"CLOCK SECONDS 0\" to the subject's /proc/PID/timens_offsets,\n"
             "which holds the offsets of its time_for_children namespace. After `unshare\n"
             "time` the subject stays in its time namespace and only time_for_children is\n"
             "new; its offsets can be set until the first process enters it (the next\n"
             "spawn). After that the kernel refuses with EACCES: a running process must\n"
             "never see its clocks jump. Offsets apply to CLOCK_MONOTONIC and\n"
             "CLOCK_BOOTTIME only (not the wall clock); SECONDS may be negative.",
     .mechanism = "write(2) to /proc/PID/timens_offsets",
     .man = "time_namespaces(7), clock_gettime(2)",
     .run = cmd_timens,
     .complete = "monotonic|boottime"},
    {.name = "clock",
     .synopsis = "clock [TARGET]",
     .summary = "CLOCK_MONOTONIC and CLOCK_BOOTTIME as TARGET sees them, and the host",
     .help = "clock reads CLOCK_MONOTONIC and CLOCK_BOOTTIME as TARGET (default: the\n"
             "subject) sees them, beside the host's, and their difference. It measures:\n"
             "a process in TARGET's time namespace calls clock_gettime(2) (the subject\n"
             "when it is in it; otherwise a short-lived helper that enters it with setns),\n"
             "while the shell reads the host's clocks just before and after. When entering\n"
             "is refused, it says so and computes the value from /proc/PID/timens_offsets.",
     .mechanism = "clock_gettime(2), setns(2) with CLONE_NEWTIME",
     .man = "time_namespaces(7), clock_gettime(2)",
     .run = cmd_clock,
     .complete = "@target"},

    /* --- network --- */
    {.name = "veth",
     .synopsis = "veth NAME PEER [--peer-ns TARGET]",
     .summary = "create a veth pair, the peer in TARGET's network namespace",
     .help = "veth creates a pair of virtual Ethernet devices, NAME and PEER, joined like\n"
             "the two ends of a cable, with an RTM_NEWLINK request on a netlink socket the\n"
             "subject opens (so NAME is in the subject's network namespace). With\n"
             "--peer-ns, PEER is created in TARGET's network namespace (IFLA_NET_NS_FD,\n"
             "a file descriptor of /proc/TARGET/ns/net). A veth end disappears with its\n"
             "namespace, and takes its peer with it. Pairs with an end in the host's\n"
             "namespace are deleted when nslab exits.",
     .mechanism = "rtnetlink RTM_NEWLINK (kind veth, VETH_INFO_PEER, IFLA_NET_NS_FD)",
     .man = "veth(4), rtnetlink(7), network_namespaces(7), ip-link(8)",
     .run = cmd_veth,
     .options = "--peer-ns"},
    {.name = "link",
     .synopsis = "link [TARGET] | link up NAME",
     .summary = "the network devices of TARGET's namespace; bring a device up",
     .help = "link lists the devices of TARGET's (default: the subject's) network\n"
             "namespace with their state, flags, MAC address and addresses, from\n"
             "RTM_GETLINK and RTM_GETADDR dumps. A netlink socket answers for the namespace\n"
             "it was opened in, so the dump is made by a process inside: the subject, the\n"
             "shell (for the host's), or a helper that enters TARGET's namespace.\n"
             "link up NAME sets IFF_UP on NAME in the subject's namespace (RTM_NEWLINK), as\n"
             "`ip link set NAME up` does.",
     .mechanism = "rtnetlink RTM_GETLINK, RTM_GETADDR, RTM_NEWLINK",
     .man = "rtnetlink(7), netdevice(7), ip-link(8)",
     .run = cmd_link,
     .complete = "up|@target"},
    {.name = "addr",
     .synopsis = "addr add CIDR dev NAME",
     .summary = "add an address to a device in the subject's network namespace",
     .help = "addr add gives device NAME of the subject's network namespace the address\n"
             "CIDR (IPv4 or IPv6 with a prefix length, e.g. 10.200.0.1/24) with an\n"
             "RTM_NEWADDR request, as `ip addr add CIDR dev NAME` does; the kernel adds the\n"
             "route to the subnet. Addresses added to host devices the session did not\n"
             "make are removed when nslab exits.",
     .mechanism = "rtnetlink RTM_NEWADDR",
     .man = "rtnetlink(7), ip-address(8)",
     .run = cmd_addr,
     .complete = "add"},

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
             "  expect link NAME [TARGET]          network device NAME exists in TARGET's\n"
             "                                     (default: the subject's) namespace\n"
             "  expect not CONDITION               the condition does not hold\n"
             "  expect ... within SECONDS          poll until it holds, up to SECONDS\n"
             "The previous step is the last command other than expect, say and pause.\n"
             "A failed step followed by an expect fail (or expect not ok) that holds was\n"
             "expected: it neither stops a script nor counts in the exit status.",
     .run = cmd_expect,
     .complete = "ok|fail|ns|alive|dead|output|hostname|link|not @type|@target host|new|changed|same",
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

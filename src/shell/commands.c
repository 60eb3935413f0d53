#define _GNU_SOURCE
/* The one command table. Help, completion and docs/commands.md come from
 * these rows, and `help` (at the end) reads them back; keep each row's text
 * true to its handler. */
#include "shell/commands.h"
#include "shell/equivalents.h"

#include <string.h>

#include "i18n.h"
#include "render/render.h"

const struct command commands[] = {
    /* --- observation --- */
    {.name = "ls-ns",
     .synopsis = "ls-ns [TARGET|all] | ls-ns --tree pid|user",
     .summary = N_("a process's namespaces beside the host's; every namespace; or their tree"),
     .help = N_("ls-ns shows TARGET's namespace inodes (default: the subject) beside the\n"
             "host's: two processes are in the same namespace exactly when the inodes of\n"
             "their /proc/PID/ns links are equal.\n"
             "ls-ns all lists every namespace on the system, as lsns(8) does: NS, TYPE,\n"
             "NPROCS, PID (the lowest in it), USERNS (the user namespace that owns it,\n"
             "NS_GET_USERNS: for a user namespace, its parent; lsns's ONS), OWNER (the uid\n"
             "that owns it: NS_GET_OWNER_UID of a user namespace, of its owner for the\n"
             "other types) and COMMAND. A namespace no process is in, kept by a bind\n"
             "mount of its file (`pin`) or an open descriptor, is listed too, saying which.\n"
             "ls-ns --tree pid|user draws the hierarchy of PID or user namespaces, found\n"
             "with the NS_GET_PARENT and NS_GET_USERNS ioctls, with the processes in each."),
     .mechanism = "readlink(2) of /proc/PID/ns/*; ioctl(2) NS_GET_PARENT, NS_GET_USERNS, "
                  "NS_GET_OWNER_UID",
     .man = "namespaces(7), ioctl_ns(2), lsns(8)",
     .run = cmd_ls_ns,
     .complete = "@target|all",
     .options = "--tree=pid|user"},
    {.name = "ps",
     .synopsis = "ps [TARGET]",
     .summary = N_("the processes of a PID namespace, with their PID at every level"),
     .help = N_("ps lists the processes of TARGET's PID namespace (default: the subject's) as\n"
             "they are numbered there: PID, PPID (0 when the parent is outside), the host\n"
             "PID, state, and the NSpid chain of /proc/PID/status, which gives a process's\n"
             "PID in each namespace from the outermost to its own. A namespace also sees\n"
             "the processes of the namespaces nested in it. When TARGET's children are\n"
             "born in another PID namespace (after `unshare pid` or `setns pid`), ps lists\n"
             "that one."),
     .mechanism = "/proc/PID/status (NSpid, PPid, State), ioctl(2) NS_GET_PARENT",
     .man = "pid_namespaces(7), proc(5)",
     .run = cmd_ps,
     .complete = "@target"},
    {.name = "show",
     .synopsis = "show",
     .summary = N_("the observation block again"),
     .help = N_("show prints the subject's namespace table again: each of the eight types\n"
             "plus pid_for_children and time_for_children, marked where it differs from\n"
             "the host's, and the session's cgroups. With -J its step's \"cgroups\" holds\n"
             "those cgroups (so do jobs's and graph's), as its text lists them."),
     .mechanism = "readlink(2) of /proc/PID/ns/*",
     .man = "namespaces(7)",
     .run = cmd_show,
     .flags = CMD_NO_OBSERVE},
    {.name = "graph",
     .synopsis = "graph [FILE]",
     .summary = N_("write the session (processes, namespaces, cgroups) as a Graphviz DOT picture"),
     .help = N_("graph writes the session as a Graphviz DOT graph to FILE (mode 0644, never\n"
             "through a symbolic link), or as the step's output when FILE is - or absent.\n"
             "It draws the shell (the host), the subject and every running job (%N, with\n"
             "its PID) as boxes, and each namespace they are in as an ellipse coloured by\n"
             "type, labelled with its inode from /proc/PID/ns/*. The host's namespaces\n"
             "are drawn once, in a cluster the shell points at; a process has an arrow\n"
             "only to each namespace in which it differs from the host (dashed: the\n"
             "pid_for_children or time_for_children where its children are born). PID\n"
             "and user namespaces point at their parent, found with the NS_GET_PARENT\n"
             "ioctl as ls-ns --tree does. The session's cgroups (below nslab.PID) are\n"
             "folders, one cluster per hierarchy, joined by dotted lines to the\n"
             "processes their cgroup.procs lists.\n"
             "Render it with `dot -Tsvg FILE -o graph.svg` (Graphviz); -J gives the file\n"
             "name and the number of nodes and edges."),
     .mechanism = "readlink(2) of /proc/PID/ns/*; ioctl(2) NS_GET_PARENT; read of cgroup.procs",
     .man = "namespaces(7), ioctl_ns(2), cgroups(7), dot(1)",
     .run = cmd_graph,
     .complete = "@file",
     .flags = CMD_NO_OBSERVE},

    /* --- namespaces --- */
    {.name = "unshare",
     .synopsis = "unshare TYPE... [--propagation private|slave|shared|unchanged] [--no-map]",
     .summary = N_("move the subject into new namespaces"),
     .help = N_("unshare calls unshare(2) in the subject with one CLONE_NEW* flag per TYPE\n"
             "(cgroup ipc mnt net pid time user uts, or all).\n"
             "pid and time are special: the subject itself stays where it is and only\n"
             "pid_for_children / time_for_children change; the next spawned process is\n"
             "born in the new namespace (as its PID 1, for pid).\n"
             "mnt: like unshare(1), every mount of the new namespace is then made private\n"
             "(mount(\"none\", \"/\", MS_REC|MS_PRIVATE)) so nothing mounted later leaks to\n"
             "the original mount namespace through a shared peer group (systemd makes\n"
             "every mount shared at boot); --propagation slave|shared picks\n"
             "another mode and unchanged keeps the copied propagation.\n"
             "user: the subject's uid and gid are mapped to root inside (as unshare -r):\n"
             "setgroups is denied and uid_map/gid_map written; --no-map leaves them unmapped."),
     .mechanism = "unshare(2)",
     .man = "unshare(2), namespaces(7), unshare(1)",
     .run = cmd_unshare,
     .complete = "@types...",
     .options = "--propagation=private|slave|shared|unchanged --no-map"},
    {.name = "setns",
     .synopsis = "setns TYPE[,TYPE...]|all TARGET | setns TYPE PATH",
     .summary = N_("move the subject into TARGET's namespace(s)"),
     .help = N_("setns opens /proc/TARGET/ns/TYPE and calls setns(2) in the subject, for\n"
             "each TYPE of a comma list (pid,mnt) in the order below. With\n"
             "all, it enters every namespace of TARGET that differs from the subject's,\n"
             "in the order nsenter(1) uses (user first, then cgroup ipc uts net pid mnt\n"
             "time). TARGET: self, host, a PID, or %N (a job).\n"
             "setns pid, like unshare pid, changes only pid_for_children; the next child\n"
             "gets the next free PID there, since the namespace already has its init.\n"
             "setns time, unlike unshare time, moves the subject itself: its clocks change.\n"
             "setns TYPE PATH enters the namespace whose file is at PATH in the subject's\n"
             "mount namespace (one `pin` made, as ip netns exec does), after checking its\n"
             "type with ioctl NS_GET_NSTYPE."),
     .mechanism = "setns(2); ioctl(2) NS_GET_NSTYPE",
     .man = "setns(2), nsenter(1)",
     .run = cmd_setns,
     .complete = "@types @target"},
    {.name = "enter",
     .synopsis = "enter TARGET [TYPE,...]",
     .summary = N_("join TARGET's namespaces and go on as a new subject born inside them"),
     .help = N_("enter is nsenter(1) for the subject: a child of the subject joins TARGET's\n"
             "namespaces with setns(2) (all that differ, or the TYPEs of a comma list,\n"
             "in setns's order), then clones the new subject with CLONE_PARENT, so it is\n"
             "born in the PID namespace it joined: a PID namespace applies only to\n"
             "children. From then on the new subject performs every command; `unshare\n"
             "pid` and `spawn` there nest one level deeper (the kernel allows 32). The\n"
             "subject before it stays as its parent: it serves no more requests, and\n"
             "still reaps and reports the jobs it started. A refused setns changes\n"
             "nothing. If the init of the new subject's PID namespace exits, the kernel\n"
             "kills the subject with it, and `reset` starts a fresh one in the host's\n"
             "namespaces, ending them all. TARGET: self, host, a PID, or %N (a job)."),
     .mechanism = "setns(2), clone(2) CLONE_PARENT",
     .man = "nsenter(1), setns(2), pid_namespaces(7)",
     .run = cmd_enter,
     .complete = "@target @types"},
    {.name = "spawn",
     .synopsis = "spawn [--ns TYPES] [--cg CGROUP] [--] PROGRAM [ARGS...]",
     .summary = N_("start a child of the subject (a job), optionally in new namespaces or cgroups"),
     .help = N_("spawn clones a child of the subject, with new namespaces for TYPES (a comma\n"
             "list), and runs PROGRAM in it: a builtin (below) or an external\n"
             "program started with execvp(3), never through a shell. It prints the job\n"
             "number %N, the host PID and the PID inside the child's PID namespace.\n"
             "--cg CGROUP (a comma list, one cgroup per hierarchy: mem1,pids1) puts the\n"
             "child into those cgroups before it runs anything: the subject writes the\n"
             "child's PID to each cgroup.procs between clone and letting it go, so even\n"
             "its first allocation is counted there (cgexec CGROUP PROGRAM is the same).\n"
             "Builtins: sleep [SECONDS] (forever by default; fractions like 0.2 too);\n"
             "init [--trap SIG,...], a PID 1 that reaps every child and reports it, with\n"
             "handlers only for the signals named (TERM, INT, HUP or QUIT make it exit\n"
             "cleanly; others are reported); orphan [SECONDS], which forks a child and\n"
             "exits, so the child is re-parented to its namespace's init; escape [SECONDS],\n"
             "which tries the classic way out of a chroot and reports whether the root\n"
             "moved, then stays (so /proc/PID/root can be read); and loads for\n"
             "cgroups:\n"
             "  stress mem SIZE        allocates SIZE bytes and touches every page, then\n"
             "                         holds them (a memory limit below SIZE ends in an\n"
             "                         OOM kill); SIZE at most half the machine's memory\n"
             "  stress cpu SECONDS [CPU]  spins for SECONDS (on CPU only, if given), then\n"
             "                         reports the CPU time it got\n"
             "  stress fork N          forks N (at most 1000) sleeping children, reports a\n"
             "                         fork refused (EAGAIN under pids.max), holds them; on\n"
             "                         SIGTERM it kills and reaps them, and they die with it\n"
             "  stress io PATH SIZE    writes SIZE (at most 1G) to PATH with O_DIRECT, past\n"
             "                         the page cache (an io throttle holds it back), and\n"
             "                         reports the rate\n"
             "With --ns pid,mnt the child gets a /proc of its own (as unshare\n"
             "--mount-proc): it makes every mount private, then mounts proc on /proc.\n"
             "After `unshare pid`, the first spawned child is PID 1 of the new namespace."),
     .mechanism = "clone3(2) with CLONE_NEW* flags, write(2) to cgroup.procs, execvp(3)",
     .man = "clone(2), execve(2), pid_namespaces(7), cgroups(7)",
     .run = cmd_spawn,
     .complete = "@program @file...",
     .options = "--ns=@types --cg=@cgroups --"},
    {.name = "!",
     .synopsis = "!PROGRAM [ARGS...]",
     .summary = N_("run a program inside the subject's namespaces and wait for it"),
     .help = N_("!PROGRAM runs PROGRAM (with execvp(3), never through a shell) as a child of\n"
             "the subject, so it sees the subject's namespaces, and waits for it.\n"
             "Interactively it gets the terminal: `!bash` opens a shell inside the\n"
             "namespaces and exiting it returns to nslab. Ctrl-C goes to the program;\n"
             "Ctrl-Z stops it and keeps it as a stopped job %N (`kill %N` ends it,\n"
             "`kill -CONT %N` lets it run on in the background). In JSON mode its\n"
             "output is captured into the step's output and its status into result."),
     .mechanism = "clone(2), execvp(3), waitpid(2)",
     .man = "execve(2), wait(2)",
     .run = cmd_run,
     .complete = "@file..."},
    {.name = "jobs",
     .synopsis = "jobs",
     .summary = N_("the spawned processes and their state"),
     .help = N_("jobs lists the processes spawn started: %N, host PID, PID inside its PID\n"
             "namespace, state (running, stopped, exited N, killed by SIG) and command."),
     .mechanism = "waitpid(2) in the subject, reported as events",
     .man = "wait(2)",
     .run = cmd_jobs,
     .flags = CMD_NO_OBSERVE},
    {.name = "wait",
     .synopsis = "wait %N [SECONDS]",
     .summary = N_("wait for a job to end (Ctrl-C interrupts)"),
     .help = N_("wait blocks until job %N has ended and prints how it ended. With SECONDS it\n"
             "gives up after that long. Ctrl-C interrupts the wait, not the job."),
     .mechanism = "waitpid(2) in the subject",
     .man = "wait(2)",
     .run = cmd_wait,
     .complete = "@job"},
    {.name = "kill",
     .synopsis = "kill [-SIG] TARGET [--from host|inside|%N]",
     .summary = N_("send a signal (default TERM), from the host or from inside TARGET's PID namespace"),
     .help = N_("kill sends SIG (a name like KILL or TERM, or a number; default TERM) to\n"
             "TARGET, then says whether TARGET is still alive and which rule applied.\n"
             "--from host (the default) sends it from the shell, in the host's PID\n"
             "namespace. --from inside sends it from a process inside TARGET's PID\n"
             "namespace: a short-lived helper joins that namespace with setns(2), forks,\n"
             "and the child, numbered there, calls kill(2). --from %N does the same from\n"
             "inside job N's PID namespace, which must be TARGET's or an ancestor of it\n"
             "(any level: the helper is the shell's, in the host's PID namespace).\n"
             "The kernel drops a signal the init (PID 1) of a PID namespace has no\n"
             "handler for when any process of that namespace sends it, even root, even\n"
             "SIGKILL. From an ancestor namespace a handled signal is delivered (docker\n"
             "stop's SIGTERM), an unhandled one is dropped, except SIGKILL and SIGSTOP,\n"
             "which are forced on it (pid_namespaces(7)). Whether it has a handler is\n"
             "read from SigCgt in /proc/PID/status."),
     .mechanism = "kill(2); setns(2) + fork(2) for --from inside and --from %N",
     .man = "kill(2), signal(7), pid_namespaces(7)",
     .run = cmd_kill,
     .complete = "@target",
     .options = "-KILL -TERM -INT -HUP -STOP -CONT -USR1 --from=host|inside|%N"},
    {.name = "reset",
     .synopsis = "reset",
     .summary = N_("end the subject and its children; start a fresh one in the host's namespaces"),
     .help = N_("reset kills every job and the subject, then starts a fresh subject in the\n"
             "host's namespaces. It is the way back after `unshare user`, which setns\n"
             "cannot undo (a process cannot re-enter an ancestor user namespace), and\n"
             "after `enter`: the subjects it left behind end too."),
     .mechanism = "kill(2), fork(2)",
     .man = "user_namespaces(7)",
     .run = cmd_reset},

    /* --- UTS --- */
    {.name = "hostname",
     .synopsis = "hostname [NAME]",
     .summary = N_("show or set the subject's hostname"),
     .help = N_("hostname prints the hostname the subject sees; with NAME it sets it with\n"
             "sethostname(2). The hostname belongs to the UTS namespace: after\n"
             "`unshare uts` the change stays inside. In a UTS namespace this session did\n"
             "not create (the host's, or one entered with setns) setting it would rename\n"
             "the machine, so nslab refuses unless started with --allow-host-changes."),
     .mechanism = "sethostname(2), uname(2)",
     .man = "sethostname(2), uts_namespaces(7)",
     .run = cmd_hostname},
    {.name = "domainname",
     .synopsis = "domainname [NAME]",
     .summary = N_("show or set the subject's NIS domain name"),
     .help = N_("domainname prints the NIS domain name the subject sees; with NAME it sets\n"
             "it with setdomainname(2). Like the hostname it belongs to the UTS namespace,\n"
             "and nslab sets it only in one this session created (`unshare uts`) unless\n"
             "started with --allow-host-changes."),
     .mechanism = "setdomainname(2), uname(2)",
     .man = "setdomainname(2), uts_namespaces(7)",
     .run = cmd_domainname},

    /* --- cgroups --- */
    {.name = "cgls",
     .synopsis = "cgls [CGROUP]",
     .summary = N_("the cgroup layout found, and the tree of this session's cgroups with usage"),
     .help = N_("cgls says which hierarchy and cgroup version holds each controller (found at\n"
             "start from /proc/self/mountinfo, /proc/cgroups and the v2 root's\n"
             "cgroup.controllers), and where the session parent is: in a scope systemd\n"
             "delegated to nslab (Delegate=yes) where systemd is the init, else under\n"
             "the cgroup nslab runs in or the root. Then it lists this session's cgroups\n"
             "as a tree (with any cgroups made below them): limit, usage with a bar\n"
             "against the limit, the counters that matter (limit hits, oom_kill,\n"
             "throttling, frozen) and the number of processes. cgls CGROUP shows one\n"
             "cgroup, its subtree and every file nslab reads from it."),
     .mechanism = "reads of cgroup files (memory.max or memory.limit_in_bytes, cpu.stat, ...)",
     .man = "cgroups(7), systemd-cgls(1)",
     .run = cmd_cgls,
     .complete = "@cgroup",
     .help_more = cmd_cg_help_more},
    {.name = "cgcreate",
     .synopsis = "cgcreate CONTROLLER [LIMIT] [--name NAME] [--v2]",
     .summary = N_("make a cgroup under this session's parent and set its limit"),
     .help = N_("cgcreate makes a cgroup (mkdir in the hierarchy that holds CONTROLLER) under\n"
             "this session's parent nslab.<PID>, made on first use under the cgroup nslab\n"
             "runs in (or the hierarchy's root), and writes its limit. It prints the name\n"
             "(mem1, cpu1, ... or NAME), the path and each file written.\n"
             "CONTROLLER and LIMIT:\n"
             "  mem | memory   SIZE: bytes with K, M or G, or max\n"
             "  cpu            50%, 0.5 (of one CPU), QUOTA/PERIOD in microseconds, or max\n"
             "  pids           a number of processes, or max\n"
             "  cpuset         a CPU list: 0, 0-1,3\n"
             "  freezer        no limit: cgfreeze and cgthaw act on it\n"
             "  devices        no limit: cgset NAME deny|allow RULE sets its rules\n"
             "  net_cls        no limit: cgset NAME classid ID sets its class ID\n"
             "  io | blkio     no limit: cgset NAME write_bps DEVICE SIZE and the like\n"
             "  cpuacct        no limit: it counts CPU time (cgget NAME usage)\n"
             "  perf_event     no limit: cgperf NAME counts what its tasks do\n"
             "cgroup v2 writes memory.max, cpu.max, pids.max, and first enables the\n"
             "controller in the parent's cgroup.subtree_control (shown); v1 writes\n"
             "memory.limit_in_bytes, cpu.cfs_quota_us and cpu.cfs_period_us, pids.max,\n"
             "and copies cpuset.mems from the parent. --v2 makes it in the cgroup2 mount of\n"
             "a hybrid system (for freezer: cgroup.freeze needs no controller; for devices:\n"
             "v2 has no devices controller, a BPF program attached to the cgroup decides).\n"
             "net_cls is a v1 controller only: where no mount shows it, nslab mounts a\n"
             "hierarchy of it nowhere (fsopen, fsmount: a detached mount, reached as\n"
             "/proc/<nslab's PID>/fd/N), so the host's mount table stays as it was.\n"
             "perf_event is implicit on cgroup v2 (every cgroup2 directory counts); where\n"
             "no v1 hierarchy holds it and there is no cgroup2 mount, nslab has the subject\n"
             "mount one in its own mount namespace (refused in the host's: `unshare mnt`\n"
             "first) and keeps its root open.\n"
             "A memory limit also keeps the cgroup off swap (v2 memory.swap.max 0, v1\n"
             "memory.swappiness 0), so that it ends in an OOM kill on a machine with\n"
             "swap too (docker run -m allows as much swap again by default).\n"
             "Where v1 mounts cpuacct in a hierarchy of its own (not with cpu), cgcreate\n"
             "cpu also makes the cpuacct cgroup of the same name, says so, and puts\n"
             "whatever joins the one into the other: its cpuacct.usage is the cpu\n"
             "cgroup's usage (on v2, cpu.stat usage_usec counts in every cgroup).\n"
             "Every cgroup of the session is removed at exit."),
     .mechanism = "mkdir(2) in cgroupfs, write(2) to its limit files",
     .man = "cgroups(7)",
     .run = cmd_cgcreate,
     .complete = "mem|cpu|pids|cpuset|freezer|devices|net_cls|io|perf_event",
     .options = "--name= --v2",
     .help_more = cmd_cg_help_more},
    {.name = "cgset",
     .synopsis = "cgset CGROUP FILE VALUE | cgset CGROUP write_bps DEVICE VALUE",
     .summary = N_("write a cgroup file (or its limit, cpu weight or device rules), then read it back"),
     .help = N_("cgset writes VALUE to FILE of CGROUP (a name cgcreate printed, or a path\n"
             "below one) and reads the file back. FILE is a file name (memory.max,\n"
             "pids.max, cpu.shares, ...), or one of two words that work on every\n"
             "version: limit (VALUE in cgcreate's LIMIT syntax, written to the real\n"
             "files) and weight (a cpu cgroup's share against its siblings, 1 to 10000,\n"
             "default 100: cpu.weight on v2, cpu.shares = weight*1024/100 on v1).\n"
             "A devices cgroup takes deny and allow, with a rule in v1's syntax TYPE\n"
             "MAJOR:MINOR ACCESS (TYPE c, b or a for all; * for any number; ACCESS some of\n"
             "r, w, m), e.g. cgset dev1 deny 'c 1:3 w'. v1 writes it to devices.deny or\n"
             "devices.allow and shows devices.list (which shows only \"a *:* rwm\" while\n"
             "the default allows). v2 has no such files: nslab keeps the rules, compiles\n"
             "them to a BPF_PROG_TYPE_CGROUP_DEVICE program (its instructions in the trace)\n"
             "and attaches it with bpf(2) in place of the one before, as runc and crun do;\n"
             "BPF_PROG_QUERY shows it attached. A job of the cgroup then gets EPERM from\n"
             "open(2) of a device it may not use.\n"
             "A net_cls cgroup takes classid: 0xMMMMmmmm (tc's class MAJOR:MINOR in hex,\n"
             "0x100001 is 10:1) or a decimal number of 32 bits, written to\n"
             "net_cls.classid; the packets of sockets its tasks make carry it (nft: meta\n"
             "cgroup).\n"
             "An io cgroup takes cgset CGROUP read_bps|write_bps|read_iops|write_iops\n"
             "DEVICE VALUE: DEVICE a block device (blockdev makes one) or MAJ:MIN, VALUE\n"
             "bytes per second (with K, M or G) or IOs per second, or max for none. v1\n"
             "writes blkio.throttle.write_bps_device \"MAJ:MIN VALUE\" (and the like), v2\n"
             "io.max \"MAJ:MIN wbps=VALUE\". Weights are not offered: blkio.weight and\n"
             "io.weight need the BFQ scheduler, not built into this kernel.\n"
             "The files cgattach and cgfreeze write get their checks: cgroup.procs, tasks\n"
             "and cgroup.threads take a PID of this session's processes only (never\n"
             "nslab's own, nor 0); freezer.state and cgroup.freeze never freeze the\n"
             "subject's cgroup; cgroup.kill only a cgroup that holds nothing but this\n"
             "session's processes."),
     .mechanism = "write(2) to a cgroup file; bpf(2) BPF_PROG_LOAD and BPF_PROG_ATTACH (v2 devices)",
     .man = "cgroups(7), bpf(2)",
     .run = cmd_cgset,
     .complete = "@cgroup limit|weight|allow|deny|classid|read_bps|write_bps|read_iops|write_iops|@cgfiles"},
    {.name = "cgget",
     .synopsis = "cgget CGROUP [FILE...]",
     .summary = N_("read a cgroup's files"),
     .help = N_("cgget CGROUP prints every file nslab reads from the cgroup, by its real name\n"
             "(file:key for one line of a flat-keyed file such as memory.events).\n"
             "cgget CGROUP FILE... prints those files; FILE:KEY one line of one; and the\n"
             "words limit, usage, procs, oom_kill, limit_hits, throttled, frozen, weight,\n"
             "cpus and classid (in hex) read the value they name whatever the cgroup\n"
             "version. usage of a cpu or cpuacct cgroup is its CPU time in microseconds:\n"
             "v2 cpu.stat usage_usec, v1 cpuacct.usage (nanoseconds) / 1000, read from\n"
             "the cpuacct cgroup cgcreate cpu made beside it where cpuacct is mounted apart."),
     .mechanism = "read(2) of cgroup files",
     .man = "cgroups(7)",
     .run = cmd_cgget,
     .complete = "@cgroup @cgkeys|@cgfiles..."},
    {.name = "cgattach",
     .synopsis = "cgattach CGROUP [TARGET]",
     .summary = N_("move a process of this session into a cgroup (default: the subject)"),
     .help = N_("cgattach writes TARGET's PID to CGROUP's cgroup.procs, which moves the whole\n"
             "process (all its threads) there. TARGET: self (default: the subject, so\n"
             "everything it starts later is born inside), %N, or a PID of this session's\n"
             "processes; nslab moves no other process, since whatever is inside its\n"
             "cgroups at exit is killed. A process is in exactly one cgroup of each\n"
             "hierarchy: moving it leaves the one it was in."),
     .mechanism = "write(2) of a PID to cgroup.procs",
     .man = "cgroups(7)",
     .run = cmd_cgattach,
     .complete = "@cgroup @target"},
    {.name = "cgexec",
     .synopsis = "cgexec CGROUP PROGRAM [ARGS...]",
     .summary = N_("start a job inside a cgroup (spawn --cg CGROUP PROGRAM)"),
     .help = N_("cgexec is `spawn --cg CGROUP PROGRAM [ARGS...]`: a child of the subject, put\n"
             "into CGROUP (a comma list for several hierarchies) before it runs PROGRAM.\n"
             "Builtins such as stress mem 100M, stress cpu 5 and stress fork 20 show\n"
             "what the limits do (help spawn)."),
     .mechanism = "clone3(2), write(2) to cgroup.procs, execvp(3)",
     .man = "cgroups(7), clone(2)",
     .run = cmd_cgexec,
     .complete = "@cgroups @program @file..."},
    {.name = "cgfreeze",
     .synopsis = "cgfreeze CGROUP",
     .summary = N_("freeze every process of a cgroup, and wait until they are"),
     .help = N_("cgfreeze stops every process of CGROUP at once, and waits until the kernel\n"
             "says they all are: v2 writes 1 to cgroup.freeze (any cgroup) and waits for\n"
             "\"frozen 1\" in cgroup.events; v1 writes FROZEN to freezer.state (only in the\n"
             "freezer hierarchy: cgcreate freezer) and waits until it reads FROZEN, not\n"
             "FREEZING. Frozen processes receive no CPU time; signals wait for the thaw,\n"
             "except that on v2 SIGKILL ends a frozen process at once."),
     .mechanism = "write(2) to cgroup.freeze (v2) or freezer.state (v1)",
     .man = "cgroups(7)",
     .run = cmd_cgfreeze,
     .complete = "@cgroup"},
    {.name = "cgthaw",
     .synopsis = "cgthaw CGROUP",
     .summary = N_("let a frozen cgroup's processes run again"),
     .help = N_("cgthaw writes 0 to cgroup.freeze (v2) or THAWED to freezer.state (v1) and\n"
             "waits until the kernel reports the cgroup thawed."),
     .mechanism = "write(2) to cgroup.freeze (v2) or freezer.state (v1)",
     .man = "cgroups(7)",
     .run = cmd_cgthaw,
     .complete = "@cgroup"},
    {.name = "cgdelete",
     .synopsis = "cgdelete CGROUP",
     .summary = N_("remove a cgroup (the kernel refuses while processes are inside)"),
     .help = N_("cgdelete removes CGROUP with rmdir(2) (its subdirectories first). The kernel\n"
             "refuses with EBUSY while processes are inside; cgdelete then says which\n"
             "(PID and command) and how to end or move them. It kills nothing itself."),
     .mechanism = "rmdir(2) in cgroupfs",
     .man = "cgroups(7)",
     .run = cmd_cgdelete,
     .complete = "@cgroup"},
    {.name = "blockdev",
     .synopsis = "blockdev [SIZE]",
     .summary = N_("make a loop device of the session's own, for the io controller"),
     .help = N_("blockdev makes a file of SIZE (default 64M, sparse) in the session's scratch\n"
             "directory and attaches a free loop device to it (LOOP_CTL_GET_FREE, then\n"
             "LOOP_CONFIGURE with LO_FLAGS_AUTOCLEAR). It prints the device's path and\n"
             "MAJ:MIN, and links $SCRATCH/blockdevN to it, a name that stays the same in\n"
             "a lab. nslab holds the device open until the session ends; then the kernel\n"
             "detaches it (autoclear, also when nslab is killed) and the scratch directory\n"
             "goes with the file. cgset CGROUP write_bps DEVICE SIZE throttles a cgroup's\n"
             "writes to it, stress io DEVICE SIZE writes to it with O_DIRECT."),
     .mechanism = "ioctl(2) LOOP_CTL_GET_FREE and LOOP_CONFIGURE on /dev/loop-control, /dev/loopN",
     .man = "loop(4), losetup(8)",
     .run = cmd_blockdev},
    {.name = "cgperf",
     .synopsis = "cgperf CGROUP [SECONDS]",
     .summary = N_("count what a perf_event cgroup's tasks do: task-clock, switches, faults"),
     .help = N_("cgperf counts, for SECONDS (1 to 60, default 1), the task-clock (CPU time),\n"
             "context switches and page faults of exactly the tasks of CGROUP, a cgroup of\n"
             "the hierarchy that holds perf_event (cgcreate perf_event; on cgroup v2 every\n"
             "cgroup). It opens software counters with perf_event_open(2) and\n"
             "PERF_FLAG_PID_CGROUP, the cgroup's directory as the pid argument. The kernel\n"
             "counts a cgroup only on one CPU at a time, so there is a counter per event\n"
             "and online CPU (the trace says so), summed. A task outside the cgroup is not\n"
             "counted, however busy; nslab waits the SECONDS out, then shows the sums."),
     .mechanism = "perf_event_open(2) with PERF_FLAG_PID_CGROUP, one counter per CPU",
     .man = "perf_event_open(2), perf-stat(1) (-G), cgroups(7)",
     .run = cmd_cgperf,
     .complete = "@cgroup"},
    /* --- mount namespaces and propagation --- */
    {.name = "mounts",
     .synopsis = "mounts [PATH] [--in TARGET]",
     .summary = N_("the subject's mount table, with propagation in words; or two side by side"),
     .help = N_("mounts shows the subject's mount table from /proc/PID/mountinfo: ID, PARENT,\n"
             "TARGET, FSTYPE, SOURCE and PROPAGATION (shared:N, master:N, private,\n"
             "unbindable). Under each mount that propagates, its peer groups are resolved\n"
             "into words, across the host's and every job's mount namespace: \"peer of\n"
             "mount 41 in mnt ns 4026532177\", \"receives from peer group 3 (...)\".\n"
             "Mounts with the same shared:N are one peer group: a mount made below one of\n"
             "them appears below all. master:N marks a slave: it receives from group N,\n"
             "never sends. With PATH, only the mount that holds PATH and those below it.\n"
             "--in TARGET puts TARGET's mount namespace beside the subject's, by mount\n"
             "point, with an arrow for each pair: <-> peers (both ways), --> or <-- one way\n"
             "(slave), none (private). /proc/PID/mounts, the older file, shows the same\n"
             "mounts without IDs and propagation."),
     .mechanism = "read /proc/PID/mountinfo",
     .man = "proc(5) (/proc/pid/mountinfo), mount_namespaces(7), findmnt(8)",
     .run = cmd_mounts,
     .complete = "@file",
     .options = "--in=@target"},
    {.name = "mount",
     .synopsis = "mount FSTYPE SOURCE TARGET [-o OPTS]",
     .summary = N_("mount(2) a filesystem in the subject's mount namespace"),
     .help = N_("mount calls mount(2) in the subject: FSTYPE (tmpfs, proc, overlay, ...) from\n"
             "SOURCE (a device, or any name for virtual filesystems) on TARGET, a\n"
             "directory that must exist. OPTS as mount(8) takes them: flag words (ro,\n"
             "nosuid, nodev, noexec, ...) become mount flags, the rest is handed to the\n"
             "filesystem, e.g. -o lowerdir=L,upperdir=U,workdir=W for overlay. It shows\n"
             "TARGET's mountinfo line before and after.\n"
             "In a mount namespace this session did not create (the host's, or one\n"
             "entered with setns) nslab refuses (run `unshare mnt` first), unless started\n"
             "with --allow-host-changes; in one it created it refuses a mount that a\n"
             "shared peer group would carry into another namespace, and a remount without\n"
             "bind (-o remount,ro changes the filesystem itself, its superblock, in every\n"
             "namespace) of a filesystem mounted outside the session's namespaces:\n"
             "-o remount,bind,ro changes that one mount only.\n"
             "A cgroup2 mount from the host's cgroup namespace sets the options of the\n"
             "machine's one v2 hierarchy (nsdelegate, memory_recursiveprot, ...) for every\n"
             "mount of it, in any mount namespace: nslab refuses one whose options differ\n"
             "from those the live cgroup2 mount shows (give them with -o, or `unshare\n"
             "cgroup` first: from a new cgroup namespace the kernel leaves them alone).\n"
             "$SCRATCH in any word is the session's scratch directory (see `scratch`)."),
     .mechanism = "mount(2)",
     .man = "mount(2), mount(8), mount_namespaces(7)",
     .run = cmd_mount,
     .complete = "tmpfs|proc|overlay|sysfs|mqueue none|tmpfs|proc|overlay @file",
     .options = "-o="},
    {.name = "bind",
     .synopsis = "bind SOURCE TARGET [-r]",
     .summary = N_("bind-mount SOURCE on TARGET (recursive with -r)"),
     .help = N_("bind calls mount(2) with MS_BIND in the subject: the tree at SOURCE appears\n"
             "at TARGET too. With -r (MS_BIND|MS_REC) the mounts below SOURCE come along,\n"
             "except unbindable ones, which a recursive bind leaves out. `bind P P` makes a\n"
             "directory a mount point of its own, so its propagation can be changed.\n"
             "An unbindable SOURCE makes mount(2) fail with EINVAL. The host guard\n"
             "applies as for mount."),
     .mechanism = "mount(2) with MS_BIND (|MS_REC)",
     .man = "mount(2), mount_namespaces(7)",
     .run = cmd_bind,
     .complete = "@file @file",
     .options = "-r"},
    {.name = "umount",
     .synopsis = "umount TARGET [-l]",
     .summary = N_("umount2(2) the mount on TARGET"),
     .help = N_("umount calls umount2(2) in the subject on the top mount at TARGET; -l\n"
             "detaches it lazily (MNT_DETACH) when it is busy. Under a shared mount the\n"
             "unmount propagates to the peers like a mount does. The host guard applies."),
     .mechanism = "umount2(2)",
     .man = "umount(2), mount_namespaces(7)",
     .run = cmd_umount,
     .complete = "@file",
     .options = "-l"},
    {.name = "propagation",
     .synopsis = "propagation shared|slave|private|unbindable PATH [-r]",
     .summary = N_("change how mount events propagate to and from the mount at PATH"),
     .help = N_("propagation calls mount(2) with MS_SHARED, MS_SLAVE, MS_PRIVATE or\n"
             "MS_UNBINDABLE (|MS_REC with -r, for every mount below PATH too) in the\n"
             "subject, and shows PATH's mountinfo line before and after.\n"
             "shared: a peer group; a mount made below any member appears below all.\n"
             "slave: receives from its former peer group, sends nothing back; a mount\n"
             "can be shared and a slave at once (shared:N master:M).\n"
             "private: neither sends nor receives. unbindable: private, and it cannot be\n"
             "bind-mounted (bind fails with EINVAL).\n"
             "Propagation belongs to mounts, not directories: where PATH is not a mount\n"
             "point, make it one with `bind PATH PATH` first. The host guard applies."),
     .mechanism = "mount(2) with MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE",
     .man = "mount_namespaces(7), mount(2)",
     .run = cmd_propagation,
     .complete = "shared|slave|private|unbindable @file",
     .options = "-r"},
    {.name = "scratch",
     .synopsis = "scratch",
     .summary = N_("print this session's scratch directory (made on first use)"),
     .help = N_("scratch prints a directory of this session's own for mount experiments\n"
             "(made with mkdir on first use, under $TMPDIR or /tmp). Write it as $SCRATCH in\n"
             "any command: `!mkdir $SCRATCH/a`, `mount tmpfs t $SCRATCH/a`. At exit nslab\n"
             "unmounts what the session mounted under it in the host's mount namespace and\n"
             "removes it. In the host's mount namespace the guard refuses mounts there\n"
             "too: `unshare mnt` first (mounts in that namespace vanish with it)."),
     .mechanism = "mkdir(2)",
     .man = "mount_namespaces(7)",
     .run = cmd_scratch},
    {.name = "pin",
     .synopsis = "pin TYPE PATH [TARGET]",
     .summary = N_("keep TARGET's namespace alive: bind-mount its namespace file on PATH"),
     .help = N_("pin bind-mounts TARGET's /proc/PID/ns/TYPE (default: the subject's) on the\n"
             "file PATH, made when it is not there, in the subject's mount namespace, as\n"
             "`ip netns add` does. A namespace lives while a process is in it, a mount\n"
             "of its file exists, or a descriptor of it is open: pinned, it outlives\n"
             "all its processes (`ls-ns all` lists it, held by the mount), and\n"
             "`setns TYPE PATH` enters it. `unpin PATH` lets it go. The host guard\n"
             "applies as for bind (`unshare mnt` first); pins in a mount namespace\n"
             "the session made end with it at exit. nslab opens the file and the\n"
             "subject mounts /proc/self/fd/N: the link itself names no path."),
     .mechanism = "open(2) of /proc/PID/ns/TYPE, mount(2) with MS_BIND",
     .man = "namespaces(7), mount(2), ip-netns(8)",
     .run = cmd_pin,
     .complete = "@type @file @target"},
    {.name = "unpin",
     .synopsis = "unpin PATH",
     .summary = N_("unmount a namespace pinned on PATH"),
     .help = N_("unpin unmounts (umount2(2)) the namespace file pinned on PATH; anything\n"
             "else mounted there is refused. The namespace is freed at once if no\n"
             "process is in it and nothing else holds it (a network namespace takes its\n"
             "devices with it: a veth's peer goes too). The file PATH stays."),
     .mechanism = "umount2(2)",
     .man = "namespaces(7), umount(2)",
     .run = cmd_unpin,
     .complete = "@file"},
    /* --- IPC --- */
    {.name = "ipc",
     .synopsis = "ipc new msg|shm|sem [KEY] | ipc ls",
     .summary = N_("create a System V IPC object in the subject's IPC namespace; list them"),
     .help = N_("ipc new creates a System V object in the subject, so in its IPC namespace: a\n"
             "message queue (msgget(2)), a shared memory segment of 4096 bytes (shmget(2))\n"
             "or a set of one semaphore (semget(2)), with IPC_CREAT|IPC_EXCL and mode 0600.\n"
             "KEY (decimal, or hex like 0x1234) names it within its namespace; without KEY\n"
             "it is IPC_PRIVATE. The same key can name another object in another IPC\n"
             "namespace: that is the isolation.\n"
             "ipc ls lists the objects the subject sees: it reads /proc/sysvipc/msg, shm\n"
             "and sem in the subject, because those files show the reader's IPC namespace.\n"
             "Objects live as long as their IPC namespace. Those the session made in the\n"
             "host's (which never ends) are removed with IPC_RMID when nslab exits."),
     .mechanism = "msgget(2), shmget(2), semget(2); /proc/sysvipc/*; msgctl(2) IPC_RMID",
     .man = "svipc(7), ipc_namespaces(7), ipcs(1)",
     .run = cmd_ipc,
     .complete = "new|ls msg|shm|sem"},

    /* --- user and time --- */
    {.name = "id",
     .synopsis = "id [TARGET]",
     .summary = N_("a process's uid, gid, groups, capabilities and ID maps"),
     .help = N_("id shows TARGET's (default: the subject's) user namespace and who created it,\n"
             "its uid and gid as seen inside that namespace and in the host's (translated\n"
             "through uid_map and gid_map; an ID the map does not cover shows as the\n"
             "overflow ID 65534), its groups, /proc/PID/uid_map, gid_map and setgroups,\n"
             "and its effective capabilities (CapEff in /proc/PID/status) by name.\n"
             "Capabilities count only over what the process's user namespace owns: root\n"
             "inside a new user namespace has them all, over its own namespaces only."),
     .mechanism = "/proc/PID/status, /proc/PID/uid_map, gid_map; ioctl(2) NS_GET_OWNER_UID",
     .man = "user_namespaces(7), capabilities(7), credentials(7)",
     .run = cmd_id,
     .complete = "@target"},
    {.name = "uidmap",
     .synopsis = "uidmap [TARGET] INSIDE OUTSIDE COUNT",
     .summary = N_("write /proc/PID/uid_map of a new user namespace"),
     .help = N_("uidmap writes the line \"INSIDE OUTSIDE COUNT\" to TARGET's (default: the\n"
             "subject's) /proc/PID/uid_map, from the shell, which is in the parent user\n"
             "namespace: uids OUTSIDE..OUTSIDE+COUNT-1 of the parent appear as\n"
             "INSIDE..INSIDE+COUNT-1 inside. A map can be written once; the kernel refuses\n"
             "a second write (EPERM) and bad ranges (EINVAL). Without root, only your own\n"
             "uid can be mapped, with COUNT 1; OUTSIDE `me` means that uid (the one nslab\n"
             "runs as). `unshare user --no-map` leaves the maps to write by hand."),
     .mechanism = "write(2) to /proc/PID/uid_map",
     .man = "user_namespaces(7)",
     .run = cmd_uidmap,
     .complete = "@target"},
    {.name = "gidmap",
     .synopsis = "gidmap [TARGET] INSIDE OUTSIDE COUNT",
     .summary = N_("write /proc/PID/gid_map of a new user namespace"),
     .help = N_("gidmap writes \"INSIDE OUTSIDE COUNT\" to TARGET's /proc/PID/gid_map, as\n"
             "uidmap does for uids (OUTSIDE `me`: nslab's own gid). Without root,\n"
             "`setgroups deny` must come first: a process that may call setgroups(2)\n"
             "could drop a group that a file's permissions deny it by."),
     .mechanism = "write(2) to /proc/PID/gid_map",
     .man = "user_namespaces(7)",
     .run = cmd_gidmap,
     .complete = "@target"},
    {.name = "setgroups",
     .synopsis = "setgroups deny|allow [TARGET]",
     .summary = N_("write /proc/PID/setgroups of a new user namespace"),
     .help = N_("setgroups writes deny or allow to TARGET's (default: the subject's)\n"
             "/proc/PID/setgroups: whether setgroups(2) is permitted in its user namespace.\n"
             "It can change only before gid_map is written, and an unprivileged writer of\n"
             "gid_map needs it denied first."),
     .mechanism = "write(2) to /proc/PID/setgroups",
     .man = "user_namespaces(7), setgroups(2)",
     .run = cmd_setgroups,
     .complete = "deny|allow @target"},
    {.name = "timens",
     .synopsis = "timens monotonic|boottime SECONDS",
     .summary = N_("set a clock offset of the subject's new time namespace"),
     .help = N_("timens writes \"CLOCK SECONDS 0\" to the subject's /proc/PID/timens_offsets,\n"
             "which holds the offsets of its time_for_children namespace. After `unshare\n"
             "time` the subject stays in its time namespace and only time_for_children is\n"
             "new; its offsets can be set until the first process enters it (the next\n"
             "spawn). After that the kernel refuses with EACCES: a running process must\n"
             "never see its clocks jump. Offsets apply to CLOCK_MONOTONIC and\n"
             "CLOCK_BOOTTIME only (not the wall clock); SECONDS may be negative."),
     .mechanism = "write(2) to /proc/PID/timens_offsets",
     .man = "time_namespaces(7), clock_gettime(2)",
     .run = cmd_timens,
     .complete = "monotonic|boottime"},
    {.name = "clock",
     .synopsis = "clock [TARGET]",
     .summary = N_("CLOCK_MONOTONIC and CLOCK_BOOTTIME as TARGET sees them, and the host"),
     .help = N_("clock reads CLOCK_MONOTONIC and CLOCK_BOOTTIME as TARGET (default: the\n"
             "subject) sees them, beside the host's, and their difference. It measures:\n"
             "a process in TARGET's time namespace calls clock_gettime(2) (the subject\n"
             "when it is in it; otherwise a short-lived helper that enters it with setns),\n"
             "while the shell reads the host's clocks just before and after. When entering\n"
             "is refused, it says so and computes the value from /proc/PID/timens_offsets."),
     .mechanism = "clock_gettime(2), setns(2) with CLONE_NEWTIME",
     .man = "time_namespaces(7), clock_gettime(2)",
     .run = cmd_clock,
     .complete = "@target"},

    /* --- network --- */
    {.name = "veth",
     .synopsis = "veth NAME PEER [--peer-ns TARGET]",
     .summary = N_("create a veth pair, the peer in TARGET's network namespace"),
     .help = N_("veth creates a pair of virtual Ethernet devices, NAME and PEER, joined like\n"
             "the two ends of a cable, with an RTM_NEWLINK request on a netlink socket the\n"
             "subject opens (so NAME is in the subject's network namespace). With\n"
             "--peer-ns, PEER is created in TARGET's network namespace (IFLA_NET_NS_FD,\n"
             "a file descriptor of /proc/TARGET/ns/net). A veth end disappears with its\n"
             "namespace, and takes its peer with it. Pairs with an end in the host's\n"
             "namespace are deleted when nslab exits."),
     .mechanism = "rtnetlink RTM_NEWLINK (kind veth, VETH_INFO_PEER, IFLA_NET_NS_FD)",
     .man = "veth(4), rtnetlink(7), network_namespaces(7), ip-link(8)",
     .run = cmd_veth,
     .options = "--peer-ns=@target"},
    {.name = "link",
     .synopsis = "link [TARGET] | link up NAME | link master DEV BRIDGE | link nomaster DEV",
     .summary = N_("the network devices of TARGET's namespace; bring a device up; a bridge's "
                   "ports"),
     .help = N_("link lists the devices of TARGET's (default: the subject's) network\n"
             "namespace with their state, flags, MAC address and addresses, from\n"
             "RTM_GETLINK and RTM_GETADDR dumps. A netlink socket answers for the namespace\n"
             "it was opened in, so the dump is made by a process inside: the subject, the\n"
             "shell (for the host's), or a helper that enters TARGET's namespace.\n"
             "link up NAME sets IFF_UP on NAME in the subject's namespace (RTM_NEWLINK), as\n"
             "`ip link set NAME up` does, then waits (at most 2 s) until the kernel reports\n"
             "NAME and its veth peer operational (LOWER_UP, operstate UP): the kernel\n"
             "activates a device's queue shortly after its carrier, and drops what is sent\n"
             "before. It says how long that took, or that there is no carrier yet.\n"
             "link master DEV BRIDGE makes DEV a port of the bridge BRIDGE (IFLA_MASTER),\n"
             "as `ip link set DEV master BRIDGE` does; link nomaster DEV takes it out.\n"
             "Both only in a network namespace this session made; `link` shows each\n"
             "port's bridge (master)."),
     .mechanism = "rtnetlink RTM_GETLINK, RTM_GETADDR, RTM_NEWLINK (IFLA_MASTER)",
     .man = "rtnetlink(7), netdevice(7), ip-link(8)",
     .run = cmd_link,
     .complete = "up|master|nomaster|@target"},
    {.name = "addr",
     .synopsis = "addr add CIDR dev NAME",
     .summary = N_("add an address to a device in the subject's network namespace"),
     .help = N_("addr add gives device NAME of the subject's network namespace the address\n"
             "CIDR (IPv4 or IPv6 with a prefix length, e.g. 10.200.0.1/24) with an\n"
             "RTM_NEWADDR request, as `ip addr add CIDR dev NAME` does; the kernel adds the\n"
             "route to the subnet. Addresses added to host devices the session did not\n"
             "make are removed when nslab exits."),
     .mechanism = "rtnetlink RTM_NEWADDR",
     .man = "rtnetlink(7), ip-address(8)",
     .run = cmd_addr,
     .complete = "add"},
    {.name = "bridge",
     .synopsis = "bridge [NAME]",
     .summary = N_("create a bridge in the subject's network namespace; list bridges and ports"),
     .help = N_("bridge NAME creates a Linux bridge, a virtual switch, in the subject's\n"
             "network namespace with an RTM_NEWLINK request (kind bridge), as `ip link\n"
             "add NAME type bridge` does. `link master DEV NAME` makes devices its ports\n"
             "(the host ends of containers' veths); `link up NAME` and `addr add` make it\n"
             "the containers' gateway. Only in a network namespace this session made\n"
             "(`unshare net` first): the bridge ends with it, when the session's\n"
             "processes end. Without NAME, lists the bridges and their ports."),
     .mechanism = "rtnetlink RTM_NEWLINK (kind bridge), RTM_GETLINK",
     .man = "ip-link(8), bridge(8), rtnetlink(7)",
     .run = cmd_bridge},

    /* --- a root filesystem and changing root --- */
    {.name = "image",
     .synopsis = "image [busybox [DIR] | DIR]",
     .summary = N_("lay out a minimal root filesystem from busybox, or take a directory as one"),
     .help = N_("image busybox lays out a minimal root in DIR (default $SCRATCH/rootfs; new\n"
             "or empty): the directories bin dev etc proc sys tmp, bin/busybox copied\n"
             "from the host's static build (/bin/busybox, Debian's busybox-static), a\n"
             "link bin/APPLET -> busybox for every applet it lists (sh, ls, mount, ...),\n"
             "and etc/passwd and etc/group with root and nobody. A dynamic busybox is\n"
             "refused: inside the new root it would not find its libraries.\n"
             "image DIR takes a directory you have as the root, and says which of those\n"
             "directories and bin/sh it lacks. Without words it prints the image.\n"
             "Next: `chroot DIR`, or `unshare mnt`, `bind DIR DIR`, `pivot_root`."),
     .mechanism = "mkdir(2), copy_file_range(2), symlink(2), open(2), write(2)",
     .man = "busybox(1), chroot(2), pivot_root(2)",
     .run = cmd_image,
     .complete = "busybox|@file @file",
     .flags = CMD_NO_OBSERVE},
    {.name = "chroot",
     .synopsis = "chroot DIR",
     .summary = N_("change the subject's root directory with chroot(2)"),
     .help = N_("chroot calls chroot(2) in the subject, then chdir(\"/\") as chroot(8) does:\n"
             "from then on the subject's paths, and those of every child it makes, start\n"
             "at DIR (`!ls /` lists DIR). Only the root of path lookups changes: the\n"
             "mount namespace and its table stay as they were, and a process that keeps\n"
             "CAP_SYS_CHROOT can leave: `spawn escape` does the classic trick (chroot\n"
             "into a subdirectory with the working directory left above it, chdir(\"..\")\n"
             "up to the top, chroot(\".\")). Containers use pivot_root instead. The shell\n"
             "itself never changes root; `reset` gives a fresh subject."),
     .mechanism = "chroot(2), chdir(2)",
     .man = "chroot(2), chroot(8)",
     .run = cmd_chroot,
     .complete = "@file"},
    {.name = "pivot_root",
     .synopsis = "pivot_root NEW PUT_OLD",
     .summary = N_("make NEW the root mount of the subject's mount namespace; unmount the old"),
     .help = N_("pivot_root calls pivot_root(2) in the subject: the mount at NEW becomes the\n"
             "root of the subject's mount namespace and the old root is moved to PUT_OLD;\n"
             "then chdir(\"/\") and umount2(PUT_OLD, MNT_DETACH), so the old root is gone\n"
             "from the namespace and nothing above NEW is left (`spawn escape` stays\n"
             "inside). nslab refuses it outside a mount namespace this session made\n"
             "(`unshare mnt` first). The kernel's rules, each named when it refuses:\n"
             "NEW and PUT_OLD are directories; no mount involved is shared (/ private or\n"
             "slave: `unshare mnt` makes it so); NEW is a mount point (`bind NEW NEW`)\n"
             "and not on the root's mount; the current root is a mount point (not after\n"
             "a chroot into a plain directory); PUT_OLD is at or under NEW."),
     .mechanism = "pivot_root(2), chdir(2), umount2(2) with MNT_DETACH",
     .man = "pivot_root(2), pivot_root(8), mount_namespaces(7)",
     .run = cmd_pivot_root,
     .complete = "@file @file"},
    {.name = "caps",
     .synopsis = "caps [TARGET] | caps drop CAP[,CAP...] | caps keep CAP[,CAP...]",
     .summary = N_("show a process's capability sets; take capabilities from the subject"),
     .help = N_("caps shows TARGET's (default: the subject's) five capability sets by name,\n"
             "as /proc/PID/status has them: effective (what the kernel checks),\n"
             "permitted (what it may make effective), inheritable, bounding (the limit\n"
             "for every exec) and ambient; then no_new_privs and its seccomp mode.\n"
             "caps drop CAP,... takes those capabilities from the subject for good: lowered\n"
             "from ambient, dropped from the bounding set (prctl PR_CAPBSET_DROP, which\n"
             "needs CAP_SETPCAP, so it comes first), then capset(2) without them. caps keep\n"
             "CAP,... drops every other one. A child the subject makes inherits the sets,\n"
             "and with the bounding set reduced not even a setuid program gets them back,\n"
             "in this user namespace: a new one (unshare user) starts with every\n"
             "capability again, over what it owns.\n"
             "Names as capabilities(7) writes them: CAP_SYS_ADMIN, cap_sys_admin or\n"
             "sys_admin. A later step refused for a dropped capability says so."),
     .mechanism = "read /proc/PID/status; prctl(2) PR_CAP_AMBIENT, PR_CAPBSET_DROP; capset(2)",
     .man = "capabilities(7), prctl(2), capset(2)",
     .run = cmd_caps,
     .complete = "drop|keep|@target",
     .flags = CMD_NO_OBSERVE},
    {.name = "nnp",
     .synopsis = "nnp",
     .summary = N_("set no_new_privs on the subject (inherited by its children)"),
     .help = N_("nnp calls prctl(PR_SET_NO_NEW_PRIVS, 1) in the subject: from then on execve(2)\n"
             "grants nothing (setuid and setgid bits and file capabilities are ignored), for\n"
             "the subject and every child it makes; nothing can clear it. It also lets a\n"
             "process without CAP_SYS_ADMIN load a seccomp filter. NoNewPrivs in\n"
             "/proc/PID/status turns 1."),
     .mechanism = "prctl(2) PR_SET_NO_NEW_PRIVS",
     .man = "prctl(2), seccomp(2)",
     .run = cmd_nnp,
     .flags = CMD_NO_OBSERVE},
    {.name = "seccomp",
     .synopsis = "seccomp deny SYSCALL[,SYSCALL...] [--errno ERRNO] | seccomp default [--errno ERRNO]",
     .summary = N_("load a seccomp filter on the subject: the system calls named fail with ERRNO"),
     .help = N_("seccomp deny builds a filter with libseccomp (default: allow; each SYSCALL:\n"
             "fail with ERRNO, EPERM unless --errno says otherwise, as a name or a number)\n"
             "and loads it on the subject with seccomp(2); the subject and every child it\n"
             "makes from then on run under it, and filters only add up. seccomp default\n"
             "denies what a container runtime's default profile denies a container:\n"
             "kernel modules, reboot, the clocks, the keyring, mount, umount2, pivot_root,\n"
             "unshare and setns, ptrace and process_vm_*, bpf, perf_event_open, ...\n"
             "(then nslab's own `mount` or `unshare` in the subject fail too: `reset`).\n"
             "Namespace flags of clone(2) and clone3(2) are not filtered here (spawn --ns\n"
             "still works). Loading needs no_new_privs (`nnp`) or CAP_SYS_ADMIN. Seccomp in\n"
             "/proc/PID/status turns 2 (filter). A later step refused by a rule says which.\n"
             "The calls the subject needs to answer nslab (read, write, sendmsg, poll, ...)\n"
             "are refused by name."),
     .mechanism = "seccomp(2) SECCOMP_SET_MODE_FILTER through libseccomp",
     .man = "seccomp(2), seccomp_rule_add(3), syscalls(2)",
     .run = cmd_seccomp,
     .complete = "deny|default",
     .options = "--errno="},

    {.name = "keys",
     .synopsis = "keys [TARGET]",
     .summary = N_("the keyrings TARGET sees: its session keyring, its user keyring and its keys"),
     .help = N_("keys lists the keyrings a process sees (default: the subject): its session\n"
             "keyring and the user keyring of its uid in its user namespace, with the keys\n"
             "linked in that one, and how many keys /proc/keys shows it. What a process\n"
             "sees depends on who asks, so the subject reads its own; for another TARGET a\n"
             "helper with nslab's uid enters TARGET's user namespace and reads there (the\n"
             "shell itself, for a TARGET in the shell's user namespace). Since Linux 5.3\n"
             "the user keyring belongs to a user namespace: uid 0 of a new user namespace\n"
             "has a user keyring of its own, even when it is the same uid outside. Asking\n"
             "for the session keyring of a process that has none installs its uid's\n"
             "user-session keyring (_uid_ses.N), as the kernel does on first access."),
     .mechanism = "keyctl(2) KEYCTL_GET_KEYRING_ID, KEYCTL_DESCRIBE, KEYCTL_READ (libkeyutils); /proc/keys",
     .man = "keyrings(7), user-keyring(7), session-keyring(7), keyctl(2)",
     .run = cmd_keys,
     .complete = "@target",
     .flags = CMD_NO_OBSERVE},
    {.name = "key",
     .synopsis = "key add NAME DATA | key find NAME",
     .summary = N_("add a user key to the subject's user keyring, or look one up there"),
     .help = N_("key add calls add_key(2) in the subject: a key of type \"user\" named NAME\n"
             "holding DATA (1 to 32767 bytes), linked into the subject's user keyring\n"
             "(KEY_SPEC_USER_KEYRING; a key of that name there is replaced). key find\n"
             "searches that keyring with keyctl(KEYCTL_SEARCH) and shows the key and its\n"
             "data; ENOKEY when there is none. NAME is 1 to 4095 bytes. The user keyring\n"
             "is the one of the subject's uid in its user namespace: after `unshare user`\n"
             "a key added on the host is not found, and one added inside is not found on\n"
             "the host."),
     .mechanism = "add_key(2), keyctl(2) KEYCTL_SEARCH and KEYCTL_READ (libkeyutils)",
     .man = "add_key(2), keyctl(2), user-keyring(7), keyrings(7)",
     .run = cmd_key,
     .complete = "add|find",
     .flags = CMD_NO_OBSERVE},
    {.name = "container",
     .synopsis = "container run [--rootfs DIR|busybox] [--ns TYPES] [--hostname H] [--mem SIZE] "
                 "[--pids N] [--cpu PCT] [--caps LIST] [--seccomp default|none] [--bridge NAME "
                 "ADDR] [--rootless] -- PROGRAM [ARGS...] | container ls",
     .summary = N_("build a container in one command, every step of the manual path traced"),
     .help = N_("container run does what container-from-scratch.lab does by hand, in order,\n"
             "each step shown with its command line and traced by the same handler:\n"
             "  cgcreate for --mem, --pids, --cpu (on cgroup v2 one cgroup cN holds\n"
             "  them all; on v1 one per hierarchy: cN-mem, cN-pids, cN-cpu);\n"
             "  image busybox (or --rootfs DIR: image DIR), the overlay's lower layer;\n"
             "  clone3 of the container's first process with the namespaces of --ns\n"
             "  (default mnt,uts,ipc,net,pid,cgroup; mnt and pid always), placed in those\n"
             "  cgroups before it runs, its mounts made private; it serves nslab's\n"
             "  requests from then on, a subject of the container's own;\n"
             "  hostname H (default the container's name);\n"
             "  mount overlay: the image under a writable layer in the scratch directory;\n"
             "  a tmpfs on /dev with null, zero, random, urandom, tty (mknod; --rootless\n"
             "  binds the host's, as no device can be made in a user namespace), a\n"
             "  devpts of its own and /dev/ptmx;\n"
             "  proc and sysfs at the new root, mounted by the container's PID 1 before\n"
             "  pivot_root (in a user namespace the kernel mounts them only where one is\n"
             "  fully visible: the host's, until the old root goes); pivot_root to it,\n"
             "  the old root unmounted lazily;\n"
             "  --bridge NAME ADDR: veth vcN/eth0 from the session's subject (where the\n"
             "  bridge is, made with `bridge`) into the container, vcN a port of NAME,\n"
             "  ADDR on eth0, lo and eth0 up;\n"
             "  caps keep LIST (default: the capabilities runtimes keep), nnp, seccomp\n"
             "  default (--seccomp none: no filter);\n"
             "  execve: the first process becomes PROGRAM, a program of the container's\n"
             "  root (as runc's init does), so PROGRAM is PID 1 of its PID namespace.\n"
             "The container is a job %N (kill %N ends it; reset ends every one; enter %N\n"
             "joins its namespaces, as docker exec does, with the session's privileges). A step\n"
             "that fails stops the build: the half-made container's process is killed,\n"
             "taking its namespaces and mounts along. --rootless adds a user namespace\n"
             "in which the container is root (uid 0 inside = your uid outside):\n"
             "cgroups then only where you may write them (a delegated subtree); a limit\n"
             "that cannot be set fails with cgcreate's reason. container ls lists the\n"
             "containers with their state, namespaces, root, cgroups and address."),
     .mechanism = "clone3(2), mount(2) overlay/tmpfs/devpts/proc/sysfs, pivot_root(2), capset(2), "
                  "prctl(2), seccomp(2), execve(2)",
     .man = "runc(8), crun(1), bwrap(1), systemd-nspawn(1)",
     .run = cmd_container,
     .complete = "run|ls",
     .options = "--rootfs --ns=@types --hostname --mem --pids --cpu --caps --seccomp --bridge "
                "--rootless --"},

    /* --- labs --- */
    {.name = "say",
     .synopsis = "say TEXT...",
     .summary = N_("print narration"),
     .help = N_("say prints its words as narration (labs use it to explain each step).\n"
             "With --lang zh the words are looked up in the Chinese catalog, which\n"
             "holds every lab's say lines (docs/i18n/zh_CN/labs.po), and printed as\n"
             "they are when it has no translation."),
     .run = cmd_say,
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "pause",
     .synopsis = "pause",
     .summary = N_("wait for Enter (in a terminal only)"),
     .help = N_("pause waits for Enter at the prompt, and in a lab run by hand in a\n"
             "terminal (`nslab labs/uts.lab`), so a class can talk about what it just\n"
             "saw. Without a terminal, with -c or -J, or when the script comes on\n"
             "standard input, it does nothing, so labs replay unattended."),
     .run = cmd_pause,
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "expect",
     .synopsis = "expect CONDITION [within SECONDS]",
     .summary = N_("check the state; a failure makes the exit status 3"),
     .help = N_("expect checks a condition and prints a check mark or a cross with its line:\n"
             "  expect ok | expect fail [ERRNO]    the previous step succeeded / failed\n"
             "  expect ns TYPE host | new          the subject's TYPE namespace is the\n"
             "                                     host's / another one\n"
             "  expect ns TYPE changed | same      it changed / not in the previous step\n"
             "  expect alive TARGET                a process lives\n"
             "  expect dead TARGET [SIG]           it has ended (killed by SIG)\n"
             "  expect output TEXT                 the previous step's output has TEXT\n"
             "  expect event TEXT                  an event since the previous step began\n"
             "                                     has TEXT (\"reaped pid 3\")\n"
             "  expect hostname NAME               the subject's hostname is NAME\n"
             "  expect cg CGROUP FILE VALUE        a file of the cgroup holds VALUE (its\n"
             "                                     first word compared); FILE:KEY for one\n"
             "                                     line of a flat-keyed file; VALUE may be\n"
             "                                     >N, >=N, <N, <=N or !=N (sizes: 64M).\n"
             "                                     FILE may be a word that works on v1 and\n"
             "                                     v2 alike: limit (VALUE as cgcreate's\n"
             "                                     LIMIT), usage, procs (how many),\n"
             "                                     oom_kill, limit_hits, throttled, frozen\n"
             "                                     (0 or 1), weight, cpus\n"
             "  expect cg CGROUP has TARGET        TARGET is in the cgroup (cgroup.procs)\n"
             "  expect mount PATH [PROPAGATION] [in TARGET]\n"
             "                                     something is mounted on PATH (absolute)\n"
             "                                     in the subject's (or TARGET's) mount\n"
             "                                     namespace; PROPAGATION: shared, slave,\n"
             "                                     private or unbindable\n"
             "  expect no mount PATH [in TARGET]   nothing is mounted on PATH there\n"
             "  expect link NAME [TARGET]          network device NAME exists in TARGET's\n"
             "                                     (default: the subject's) namespace\n"
             "  expect result KEY VALUE            a field of the previous step's result\n"
             "                                     (-J's \"result\"; a.b inside an object)\n"
             "                                     holds VALUE, compared as in expect cg\n"
             "  expect not CONDITION               the condition does not hold\n"
             "  expect ... within SECONDS          poll until it holds, up to SECONDS\n"
             "The previous step is the last command other than expect, say and pause.\n"
             "A failed step followed by an expect fail (or expect not ok) that holds was\n"
             "expected: it neither stops a script nor counts in the exit status."),
     .run = cmd_expect,
     .complete = "ok|fail|ns|alive|dead|output|event|hostname|cg|mount|no|link|result|not; "
                 "ns: @type host|new|changed|same; alive: @target; dead: @anytarget @signal; "
                 "cg: @cgroup @cgkeys|has|@cgfiles @has-target; "
                 "mount: @file shared|slave|private|unbindable|in in|@target @target; "
                 "no: mount @file in @target; link: @none @target; not: @again",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    /* --- challenges (lab/challenge.c) --- */
    {.name = "goal",
     .synopsis = "goal [TEXT]",
     .summary = N_("a challenge's goal: stated in its file, shown again at the prompt"),
     .help = N_("In a challenge file (a file whose first statement is goal), goal TEXT states\n"
             "what to achieve, not how. At the prompt, goal alone shows it again."),
     .run = cmd_goal,
     .complete = "@none",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "check",
     .synopsis = "check [NAME CONDITION...]",
     .summary = N_("evaluate a challenge's checks against the kernel's state now"),
     .help = N_("In a challenge file, check NAME CONDITION defines a named check: CONDITION\n"
             "is any expect condition (help expect); several lines with one NAME must all\n"
             "hold. At the prompt, check alone evaluates every check now and reports each\n"
             "held or not, then whether the challenge is solved (-J: a result\n"
             "{\"checks\": [{\"name\": N, \"held\": true|false}], \"solved\": true|false}). A\n"
             "check that fails reveals the next hint. Checks come from the file only: the\n"
             "learner cannot add one."),
     .run = cmd_check,
     .complete = "@none",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "hint",
     .synopsis = "hint [TEXT]",
     .summary = N_("reveal a challenge's next hint"),
     .help = N_("In a challenge file, each hint TEXT line is one hint, in order. At the\n"
             "prompt, hint alone reveals the next one (a failed check does too)."),
     .run = cmd_hint,
     .complete = "@none",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "solution",
     .synopsis = "solution [COMMAND]",
     .summary = N_("show a challenge's reference solution (noted in the record)"),
     .help = N_("In a challenge file, each solution COMMAND line is one command of a\n"
             "reference solution. At the prompt, solution alone shows them; that it was\n"
             "shown is noted in the step's JSON (solution_shown) and in the end object."),
     .run = cmd_solution,
     .complete = "@none",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "require",
     .synopsis = "require cgroup v1|v2 | require kernel MAJOR.MINOR",
     .summary = N_("skip the rest of a lab where the machine lacks what it shows"),
     .help = N_("require states what a lab needs: cgroup v1 (hierarchies of cgroup v1, a\n"
             "legacy or hybrid layout), cgroup v2 (the controllers on cgroup v2, a unified\n"
             "layout) or kernel MAJOR.MINOR (that Linux release or a later one, from\n"
             "/proc/sys/kernel/osrelease). When it holds, one line says so. When it does\n"
             "not, one line says what is needed and what this machine has, and a script\n"
             "ends there with status 0: the lab is skipped, not failed. At the prompt\n"
             "the session goes on."),
     .mechanism = "/proc/self/mountinfo, /proc/cgroups, uname(2)",
     .run = cmd_require,
     .complete = "cgroup|kernel; cgroup: v1|v2",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "observe",
     .synopsis = "observe ns|cgroup|mounts|all|changed|none[,...]",
     .summary = N_("choose what the observation after each step shows"),
     .help = N_("observe sets what follows every step: ns (the namespace table), cgroup,\n"
             "mounts, all or none; a comma list combines them (as --observe).\n"
             "changed keeps, of the parts chosen, only the rows the step changed: the\n"
             "namespaces it entered or left, the cgroups it made or whose limit, events\n"
             "or processes changed, the mounts it added, removed or changed; a step that\n"
             "changed nothing prints no block. changed alone means all,changed; observe\n"
             "all shows every row again, and show the whole table at any time. -J is not\n"
             "filtered: each step's object keeps every row, with its \"changed\" marker."),
     .run = cmd_observe,
     .complete = "ns|cgroup|mounts|all|changed|none",
     .flags = CMD_NO_OBSERVE},
    {.name = "trace",
     .synopsis = "trace on|off",
     .summary = N_("show or hide the syscall lines of each step"),
     .help = N_("trace off hides the lines that show each syscall and file write a step\n"
             "performed (as --no-trace); trace on shows them again."),
     .run = cmd_trace,
     .complete = "on|off",
     .flags = CMD_NO_OBSERVE},
    {.name = "theme",
     .synopsis = "theme [default|high-contrast]",
     .summary = N_("choose the colours (high-contrast: for projectors and light backgrounds)"),
     .help = N_("theme high-contrast prints no dim text and no yellow or cyan, which a\n"
             "projector or a light background washes out: secondary text in the\n"
             "terminal's own colour, what differs from the host bold and underlined,\n"
             "\"<- changed\" in reverse video, failures and successes in bold red and\n"
             "green (as --theme high-contrast). theme default goes back; theme alone\n"
             "names the current one. Without colour (--no-color, NO_COLOR, output that\n"
             "is no terminal) no theme prints any colour."),
     .run = cmd_theme,
     .complete = "default|high-contrast",
     .flags = CMD_NO_OBSERVE},
    {.name = "equivalents",
     .synopsis = "equivalents on|off",
     .summary = N_("show after each step the everyday command that does the same"),
     .help = N_("equivalents on prints after each step that has one the command of\n"
             "util-linux, iproute2 or cgroup-tools (or a write to the file the kernel\n"
             "reads) that does the same outside nslab, with the step's own words, PIDs\n"
             "and paths (as --equivalents); -J adds it to the step as \"equivalent\".\n"
             "equivalents off stops. help COMMAND always shows it."),
     .run = cmd_equivalents,
     .complete = "on|off",
     .flags = CMD_NO_OBSERVE},
    {.name = "explain",
     .synopsis = "explain [TOPIC]",
     .summary = N_("a short explanation of a mechanism (explain alone lists the topics)"),
     .help = N_("explain prints a short explanation of a mechanism, with the man pages to\n"
             "read and the lab that shows it: each namespace type (uts ipc pid mnt net\n"
             "user time cgroup), namespaces, pid1, userns, propagation, cow, cgroups and\n"
             "each controller (memory cpu pids cpuset freezer). The texts are files under\n"
             "docs/explain/, in English and Chinese."),
     .run = cmd_explain,
     .complete = "@topic",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "record",
     .synopsis = "record FILE | record off | record --cast FILE|off",
     .summary = N_("also write every step from now on as JSON to FILE"),
     .help = N_("record FILE writes every following step (and event) to FILE as one JSON\n"
             "object per line, the same objects -J prints, while the session goes on as\n"
             "before; each also carries the text the terminal showed (\"shown\"), and a\n"
             "step's line the session's graph (\"graph\", as graph draws it), so\n"
             "nslab --replay FILE shows the session again, without root (with --serve\n"
             "PORT, on the projector view too). The file starts with a header (nslab's\n"
             "version, the lab, the time, the user, the host, the kernel, the cgroup\n"
             "layout) and each line is chained to the one before by SHA-256, so an\n"
             "edited or truncated record shows (tamper-evident, not cheat-proof). A\n"
             "teacher collects the files and grades them with nslab grade RUBRIC\n"
             "FILE... (or counts the learner's own expect lines with\n"
             "scripts/check-records). record off ends the file and stops.\n"
             "record --cast FILE writes what the terminal shows from now on, with\n"
             "its times, as an asciicast v2 file (asciinema play FILE, or the asciinema\n"
             "web player); record --cast off stops it. FILE is a new file, or a regular\n"
             "file of yours (never a link, a FIFO or a device); if a write to it fails,\n"
             "recording stops with an error and the session's status is 1."),
     .run = cmd_record,
     .complete = "@file",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "serve",
     .synopsis = "serve [ADDR:]PORT | serve off",
     .summary = N_("show the session live in a browser (for a projector)"),
     .help = N_("serve PORT shows the session in a browser at http://127.0.0.1:PORT/ while\n"
             "the terminal is used as usual: the graph of processes, namespaces and\n"
             "cgroups (as graph draws it, laid out by Graphviz), the last step's text\n"
             "with the changed rows marked, and a timeline of steps to click back\n"
             "through; each step and event appears within moments. Big type, high\n"
             "contrast. The page only shows: it takes no command. serve ADDR:PORT\n"
             "serves on another address (0.0.0.0: every one), and then every request\n"
             "needs the random token in the printed URL. A viewer that does not read\n"
             "is dropped; the terminal never waits for one. serve off stops; PORT 0\n"
             "takes a free port. nslab --serve [ADDR:]PORT does the same at start."),
     .run = cmd_serve,
     .complete = "off",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "help",
     .synopsis = "help [COMMAND]",
     .summary = N_("list the commands, or explain one"),
     .help = N_("help lists every command; help COMMAND shows its synopsis, what it does,\n"
             "the kernel mechanism it uses and the man pages to read. In a terminal, a\n"
             "text taller than the screen (help, explain) is shown a page at a time:\n"
             "Space the next page, Enter one more line, q the rest left unshown."),
     .run = cmd_help,
     .complete = "@command",
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
    {.name = "exit",
     .synopsis = "exit [STATUS]",
     .summary = N_("end the session (and everything it started)"),
     .help = N_("exit ends nslab: every process it started is killed and everything it made\n"
             "is removed. STATUS (default: the status so far) is nslab's exit status.\n"
             "At the prompt Ctrl-D on an empty line does the same; while jobs, cgroups or\n"
             "other things of the session are alive, the first Ctrl-D says so and a\n"
             "second one ends the session. Ctrl-C never ends it."),
     .run = cmd_exit,
     .flags = CMD_NOT_A_STEP | CMD_NO_OBSERVE},
};

const size_t commands_count = ARRAY_SIZE(commands);

void commands_markdown(FILE *f)
{
    fputs("# nslab commands\n\n"
          "Generated from the command table (src/shell/commands.c) by `nslab --dump-commands`;\n"
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

/* help: the table read back, row by row or one row in full. */
/* The man pages nslab cites that have a translation in the catalog's
 * language (manpages-zh has only signal(7) of them); every other page is
 * marked as English only, so a reader knows what waits at the link. In
 * English the mark is not translated and nothing is added. */
static const char *const translated_pages[] = {"signal(7)", NULL};

static void print_man(struct nsl *sh, const char *man)
{
    /* TRANSLATORS: appended to a man page reference that exists only in
     * English, as in "pid_namespaces(7)（英文）". */
    static const char en_only[] = N_("(English only)");
    const char *mark = _(en_only);
    if (mark == en_only) {
        out_printf(sh, _("Read: %s\n"), man);
        return;
    }
    struct strbuf sb = {0};
    const char *p = man;
    while (*p) {
        size_t n = strcspn(p, ",");
        char page[128];
        snprintf(page, sizeof page, "%.*s", (int)n, p);
        bool translated = strchr(page, '(') == NULL;
        for (int k = 0; translated_pages[k] && !translated; k++)
            translated = strcmp(page, translated_pages[k]) == 0;
        sb_printf(&sb, "%s%s", page, translated ? "" : mark);
        p += n;
        if (*p == ',') {
            sb_printf(&sb, ",");
            p++;
            while (*p == ' ') {
                sb_printf(&sb, " ");
                p++;
            }
        }
    }
    out_printf(sh, _("Read: %s\n"), sb_str(&sb));
    sb_free(&sb);
}

int cmd_help(struct nsl *sh, int argc, char **argv)
{
    if (argc > 2)
        return step_usage(sh, "usage: help [COMMAND]");
    sh->page_step = true;
    if (argc == 2) {
        const char *name = argv[1][0] == '!' ? "!" : argv[1];
        const struct command *c = command_find(name);
        if (!c) {
            const char *s = command_suggest(name);
            if (s)
                return step_usage(sh, "no command '%s' (did you mean '%s'?)", name, s);
            return step_usage(sh, "no command '%s' (`help` lists them)", name);
        }
        out_printf(sh, "%s%s%s\n    %s\n\n%s\n", col(sh, C_BOLD), c->synopsis, col(sh, C_RESET),
                   T_(c->summary), T_(c->help));
        if (c->mechanism)
            out_printf(sh, _("\nKernel mechanism: %s\n"), c->mechanism);
        if (c->man)
            print_man(sh, c->man);
        equivalent_help(sh, c->name);
        if (c->help_more)
            c->help_more(sh);
        return 0;
    }
    out_printf(sh, _("Commands (help COMMAND for details):\n"));
    for (size_t k = 0; k < commands_count; k++)
        out_printf(sh, "  %-34s %s\n", commands[k].synopsis, T_(commands[k].summary));
    out_printf(sh, _("\nTYPE: cgroup ipc mnt net pid time user uts (mount, network), or all.\n"
                     "TARGET: self (the subject), host, a host PID, or %%N (a job).\n"));
    return 0;
}

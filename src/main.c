#define _GNU_SOURCE
/* nslab: options, modes, exit codes (SPEC §1). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "session/confine.h"
#include "session/container.h"
#include "session/cgroups.h"
#include "cmd/cmd_mount.h"
#include "cmd/handlers.h"
#include "session/made.h"
#include "session/made_ns.h"
#include "shell/commands.h"
#include "i18n.h"
#include "lab/lab.h"
#include "observe/observe.h"
#include "render/render.h"
#include "shell/grade.h"
#include "shell/replay.h"
#include "shell/shell.h"
#include "subject/subject.h"
#include "session/jobs.h"

static volatile sig_atomic_t got_signal, intr_echoed;

static void on_signal(int sig)
{
    got_signal = sig;
    /* Ctrl-C while a step runs: the terminal, in its usual (canonical)
     * mode, echoes ^C where the cursor is; the next thing nslab prints
     * starts a new line (render/text.c, shell/repl.c). At the prompt
     * readline has the echo off and ends the line itself. */
    struct termios t;
    if (sig == SIGINT && tcgetattr(0, &t) == 0 && (t.c_lflag & ECHO) && (t.c_lflag & ECHOCTL))
        intr_echoed = 1;
}

static void usage(FILE *f)
{
    fputs(_("Usage: nslab [OPTIONS] [SCRIPT]\n"
          "An interactive shell for learning how containers are built from Linux kernel\n"
          "mechanisms: every step shows the syscalls it made and the namespaces it changed.\n"
          "\n"
          "  -c, --command TEXT     run the commands in TEXT (';' or newlines between), then exit\n"
          "  -f, --file FILE        replay a lab script (- is standard input); same as SCRIPT\n"
          "  -J, --json             one JSON object per step on stdout (NDJSON)\n"
          "  -k, --keep-going       in a script, go on after a failed step\n"
          "  -q, --quiet            no observation block after each step\n"
          "      --observe LIST     what to show after each step: ns,cgroup,mounts,all,none;\n"
          "                         changed: only the rows the step changed\n"
          "      --no-trace         do not print the syscall lines of each step\n"
          "      --no-color         no colour (also with NO_COLOR, or when stdout is no tty)\n"
          "      --theme default|high-contrast  colours; high-contrast: no dim text, for\n"
          "                         projectors and light backgrounds\n"
          "      --equivalents      after each step, the util-linux, iproute2 or\n"
          "                         cgroup-tools command that does the same\n"
          "      --allow-host-changes  permit mount and hostname changes in namespaces\n"
          "                            this session did not create (the host's)\n"
          "      --stable           print inodes and PIDs as stable labels (uts#1, pid@2)\n"
          "      --lang en|zh       language of help, explanations, errors and narration\n"
          "                         (default: from LC_ALL, LC_MESSAGES or LANG)\n"
          "      --serve [ADDR:]PORT  show the session live in a browser (127.0.0.1 unless\n"
          "                         ADDR; off loopback, only with the printed token)\n"
          "      --replay RECORD    show a session recorded with `record FILE` again, one\n"
          "                         step per key (all at once when stdin is no terminal);\n"
          "                         needs no root and touches nothing; with --serve, on\n"
          "                         the projector view too\n"
          "      --from N           run a lab's steps before step N quietly, then go on\n"
          "                         (--from line:L: before line L)\n"
          "      --stay             after the lab, the prompt, in its final state (the\n"
          "                         default in a terminal)\n"
          "      --no-stay          end with the lab\n"
          "      --lint LAB...      check labs without running them, then exit\n"
          "      --challenge FILE   take up the challenge in FILE (as FILE alone, when its\n"
          "                         first statement is goal)\n"
          "  -h, --help             this help\n"
          "  -V, --version          the version\n"
          "\n"
          "Exit status: 0 every step succeeded, 1 a step failed, 2 usage error,\n"
          "3 an expect did not hold. Inside nslab, `help` lists the commands.\n"),
          f);
    fputs(_("\nnslab grade [--csv | -J] RUBRIC RECORD... grades records made by `record FILE`\n"
            "by an instructor's rubric (nslab grade --help).\n"),
          f);
}

enum { OPT_OBSERVE = 256, OPT_NO_TRACE, OPT_NO_COLOR, OPT_ALLOW_HOST, OPT_STABLE, OPT_DUMP,
       OPT_LANG, OPT_REPLAY, OPT_SERVE, OPT_FROM, OPT_STAY, OPT_NO_STAY, OPT_LINT,
       OPT_CHALLENGE, OPT_THEME, OPT_EQUIVALENTS };

static void install_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocking read or poll must return so the loop can
     * act on the signal. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Taking the terminal back from a foreground program. */
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);
}

static int sh_init(struct nsl *sh)
{
    paths_init(&sh->paths);
    sh->procfd = open(sh->paths.proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (sh->procfd < 0) {
        fprintf(stderr, _("nslab: cannot open %s: %s\n"), sh->paths.proc, strerror(errno));
        return -1;
    }
    sh->shell_pid = getpid();
    /* Held open so builtins can be executed in any mount namespace. */
    sh->exe_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (ns_read_all(sh->procfd, sh->shell_pid, sh->host_ns) < 0) {
        fprintf(stderr, _("nslab: cannot read %s/%d/ns: %s\n"), sh->paths.proc, (int)sh->shell_pid,
                strerror(errno));
        return -1;
    }
    /* Orphans of the subject's children come to us, not to the system's
     * init, so nothing nslab started outlives it unseen. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    sh->subj.pid = -1;
    sh->subj.ctl = sh->subj.evt = -1;
    sh->interrupted = (volatile int *)&got_signal;
    sh->intr_echoed = (volatile int *)&intr_echoed;
    sh->exit_request = -1;
    /* Cgroups: the layout once, and the sweep of dead sessions before this
     * one makes anything. */
    cleanup_sb struct strbuf notes = {0};
    cgroups_init(sh, &notes);
    /* Then, with their processes gone, dead sessions' scratch directories. */
    scratch_sweep(&sh->paths, &notes);
    fputs(sb_str(&notes), stderr);
    struct nsl_err e;
    if (subject_start(sh, &e) < 0) {
        fprintf(stderr, "nslab: %s\n", e.msg);
        return -1;
    }
    observe_subject(sh, &sh->prev);
    cgroups_observe_step(sh);
    return 0;
}

static void sh_free(struct nsl *sh)
{
    serve_end(sh); /* no viewer sees the session taken down */
    i18n_done();
    subject_stop(sh, NULL);
    /* The jobs are dead: now the cgroups they were in can go. */
    cleanup_sb struct strbuf errors = {0};
    cgroups_free(sh, &errors);
    fputs(sb_str(&errors), stderr);
    /* The namespaces it made end with the last descriptor on them. */
    made_ns_free(sh);
    /* With every process gone: undo host mounts, remove the scratch dir. */
    cleanup_sb struct strbuf warn = {0};
    mount_session_end(sh, &warn);
    fputs(sb_str(&warn), stderr);
    /* And what else it made in the host's namespaces: IPC objects, veths. */
    made_undo(sh, NULL);
    jobs_free(sh);
    confine_free(sh);
    containers_free(sh);
    free(sh->step.command);
    trace_free(&sh->step.trace);
    sb_free(&sh->step.out);
    cg_snap_free(&sh->step.cgroups);
    if (sh->step.result)
        cJSON_Delete(sh->step.result);
    free(sh->last.output);
    cJSON_Delete(sh->last.result);
    labels_free(&sh->labels);
    events_free(sh);
    if (sh->record && fclose(sh->record) != 0)
        fprintf(stderr, _("nslab: recording to %s: the last write failed: %s\n"), sh->record_name,
                strerror(errno));
    free(sh->record_name);
    if (sh->cast && fclose(sh->cast) != 0)
        fprintf(stderr, _("nslab: recording to %s: the last write failed: %s\n"), sh->cast_name,
                strerror(errno));
    free(sh->cast_name);
    cJSON_Delete(sh->shown);
    challenge_free(sh->chal);
    if (sh->procfd >= 0)
        close(sh->procfd);
    if (sh->exe_fd >= 0)
        close(sh->exe_fd);
}

/* What the command line asked for, beside the options kept in sh->opt. */
struct invocation {
    const char *command; /* -c TEXT */
    const char *file;    /* -f FILE or SCRIPT ("-": standard input) */
    const char *replay;  /* --replay RECORD */
    const char *serve;   /* --serve [ADDR:]PORT */
    bool no_color, want_help;
    bool lint;     /* --lint: the arguments are labs to check */
    bool challenge; /* --challenge FILE, or FILE's first statement is goal */
    int stay;      /* --stay 1, --no-stay 0, -1 the default */
};

/* Not an exit status: go on. */
#define GO_ON (-1)

static const struct option longopts[] = {
    {"command", required_argument, NULL, 'c'},
    {"file", required_argument, NULL, 'f'},
    {"json", no_argument, NULL, 'J'},
    {"keep-going", no_argument, NULL, 'k'},
    {"quiet", no_argument, NULL, 'q'},
    {"observe", required_argument, NULL, OPT_OBSERVE},
    {"no-trace", no_argument, NULL, OPT_NO_TRACE},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"no-colour", no_argument, NULL, OPT_NO_COLOR},
    {"allow-host-changes", no_argument, NULL, OPT_ALLOW_HOST},
    {"stable", no_argument, NULL, OPT_STABLE},
    {"dump-commands", no_argument, NULL, OPT_DUMP},
    {"lang", required_argument, NULL, OPT_LANG},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"serve", required_argument, NULL, OPT_SERVE},
    {"from", required_argument, NULL, OPT_FROM},
    {"stay", no_argument, NULL, OPT_STAY},
    {"no-stay", no_argument, NULL, OPT_NO_STAY},
    {"lint", no_argument, NULL, OPT_LINT},
    {"challenge", required_argument, NULL, OPT_CHALLENGE},
    {"theme", required_argument, NULL, OPT_THEME},
    {"equivalents", no_argument, NULL, OPT_EQUIVALENTS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {0},
};

/* The state before any option: the defaults, the language from the
 * environment. */
static void sh_defaults(struct nsl *sh, struct invocation *inv)
{
    memset(sh, 0, sizeof *sh);
    sh->procfd = sh->exe_fd = -1;
    sh->opt.trace = true;
    sh->lang = i18n_lang_from_env();
    i18n_init(sh->lang);
    sh->opt.observe = OBS_NS | OBS_CGROUP;
    *inv = (struct invocation){.no_color = getenv("NO_COLOR") != NULL, .stay = -1};
}

/* --theme WORD: GO_ON, or the exit status. */
static int theme_option(struct nsl *sh, const char *word)
{
    if (theme_parse(word, &sh->opt.theme) == 0)
        return GO_ON;
    fprintf(stderr, _("nslab: --theme takes default or high-contrast (nslab --help)\n"));
    return EXIT_USAGE;
}

/* One option c (its argument in optarg). GO_ON, or the exit status. */
static int apply_option(int c, char **argv, struct nsl *sh, struct invocation *inv)
{
    switch (c) {
    case 'c':
        inv->command = optarg;
        break;
    case 'f':
        inv->file = optarg;
        break;
    case 'J':
        sh->opt.json = true;
        break;
    case 'k':
        sh->opt.keep_going = true;
        break;
    case 'q':
        sh->opt.quiet = true;
        break;
    case OPT_OBSERVE: {
        struct nsl_err e;
        if (observe_parse(optarg, &sh->opt.observe, &e) < 0) {
            fprintf(stderr, _("nslab: --observe: %s\n"), e.msg);
            return EXIT_USAGE;
        }
        break;
    }
    case OPT_NO_TRACE:
        sh->opt.trace = false;
        break;
    case OPT_NO_COLOR:
        inv->no_color = true;
        break;
    case OPT_ALLOW_HOST:
        sh->opt.allow_host_changes = true;
        break;
    case OPT_STABLE:
        sh->opt.stable = true;
        break;
    case OPT_THEME:
        return theme_option(sh, optarg);
    case OPT_EQUIVALENTS:
        sh->opt.equivalents = true;
        break;
    case OPT_LANG:
        if (strcmp(optarg, "en") != 0 && strcmp(optarg, "zh") != 0) {
            fprintf(stderr, _("nslab: --lang takes en or zh (nslab --help)\n"));
            return EXIT_USAGE;
        }
        sh->lang = strcmp(optarg, "zh") == 0 ? "zh" : "en";
        i18n_init(sh->lang);
        break;
    case OPT_REPLAY:
        inv->replay = optarg;
        break;
    case OPT_SERVE:
        inv->serve = optarg;
        break;
    case OPT_FROM: {
        long n;
        bool line = strncmp(optarg, "line:", 5) == 0;
        if (parse_long(optarg + (line ? 5 : 0), 1, 1000000, &n) < 0) {
            fprintf(stderr, _("nslab: --from takes a step number N or line:L (nslab --help)\n"));
            return EXIT_USAGE;
        }
        sh->from_step = line ? 0 : (int)n;
        sh->from_line = line ? (int)n : 0;
        break;
    }
    case OPT_STAY:
    case OPT_NO_STAY:
        inv->stay = c == OPT_STAY;
        break;
    case OPT_LINT:
        inv->lint = true;
        break;
    case OPT_CHALLENGE:
        inv->file = optarg;
        inv->challenge = true;
        break;
    case OPT_DUMP:
        commands_markdown(stdout);
        return EXIT_OK;
    case 'h':
        inv->want_help = true; /* after --lang, wherever it comes */
        break;
    case 'V':
        printf("nslab %s\n", NSLAB_VERSION);
        return EXIT_OK;
    default:
        if (optopt && strchr("cf", optopt))
            fprintf(stderr, _("nslab: option -%c needs an argument (nslab --help)\n"), optopt);
        else
            fprintf(stderr, _("nslab: unknown option '%s' (nslab --help)\n"), argv[optind - 1]);
        return EXIT_USAGE;
    }
    return GO_ON;
}

/* nslab --lint LAB...: each lab's problems, then their count. */
static int lint_files(int n, char **files)
{
    if (n == 0) {
        fprintf(stderr, _("nslab: --lint needs the labs to check (nslab --help)\n"));
        return EXIT_USAGE;
    }
    int problems = 0;
    for (int k = 0; k < n; k++) {
        cleanup_sb struct strbuf out = {0};
        problems += shell_lint_file(files[k], &out);
        fputs(sb_str(&out), stdout);
    }
    if (problems)
        printf(_("%d problem(s) in %d file(s)\n"), problems, n);
    else
        printf(_("%d file(s) checked: no problem\n"), n);
    return problems ? EXIT_STEP_FAILED : EXIT_OK;
}

/* Options, then the mode they ask for: help, one script, -c or a script.
 * GO_ON, or the exit status. */
static int parse_command_line(int argc, char **argv, struct nsl *sh, struct invocation *inv)
{
    int c;
    opterr = 0;
    /* Options may follow the script too (nslab LAB --from 5). */
    while ((c = getopt_long(argc, argv, "c:f:JkqhV", longopts, NULL)) != -1) {
        int status = apply_option(c, argv, sh, inv);
        if (status != GO_ON)
            return status;
    }
    if (inv->want_help) {
        usage(stdout);
        return EXIT_OK;
    }
    if (inv->lint)
        return lint_files(argc - optind, argv + optind);
    if (optind < argc) {
        if (inv->file || optind + 1 < argc) {
            fprintf(stderr, _("nslab: give one script (nslab --help)\n"));
            return EXIT_USAGE;
        }
        inv->file = argv[optind];
    }
    if (inv->replay && (inv->command || inv->file || sh->opt.json)) {
        fprintf(stderr, _("nslab: --replay shows a record: no -c, -J or script with it "
                          "(nslab --help)\n"));
        return EXIT_USAGE;
    }
    if (inv->command && inv->file) {
        fprintf(stderr, _("nslab: -c and a script do not go together (nslab --help)\n"));
        return EXIT_USAGE;
    }
    bool lab = inv->file && strcmp(inv->file, "-") != 0;
    if ((sh->from_step || sh->from_line || inv->stay == 1) && !lab) {
        fprintf(stderr, _("nslab: --from and --stay go with a lab file (nslab --help)\n"));
        return EXIT_USAGE;
    }
    return GO_ON;
}

/* A script file (not "-"), read whole into script and opened from memory as
 * *in: a file descriptor's offset is shared with every child forked while it
 * is open, and a child that flushes its copy of the stream moves the
 * parent's reading back. GO_ON (*in NULL without a file), or the exit
 * status. */
static int open_script(const char *file, struct strbuf *script, FILE **in)
{
    *in = NULL;
    if (!file || strcmp(file, "-") == 0)
        return GO_ON;
    if (read_file_sb(AT_FDCWD, file, script) < 0) {
        fprintf(stderr, _("nslab: cannot open %s: %s\n"), file, strerror(errno));
        return EXIT_USAGE;
    }
    *in = fmemopen(script->len ? script->buf : (char *)"", script->len, "r");
    if (!*in) {
        fprintf(stderr, _("nslab: cannot read %s: %s\n"), file, strerror(errno));
        return EXIT_USAGE;
    }
    return GO_ON;
}

/* The mode's effects on the session: interactive, pausing, colour. */
static void settle_mode(struct nsl *sh, const struct invocation *inv, const struct strbuf *script)
{
    sh->interactive = !inv->command && !inv->file && isatty(0);
    sh->pausing = !sh->opt.json && isatty(0) && isatty(1) &&
                  (sh->interactive || (inv->file && strcmp(inv->file, "-") != 0));
    sh->opt.color = !inv->no_color && !sh->opt.json && isatty(1);
    /* A lab run by hand in a terminal leaves the learner at the prompt. */
    bool lab = inv->file && strcmp(inv->file, "-") != 0;
    sh->stay = lab && (inv->stay == 1 || (inv->stay < 0 && !sh->opt.json && isatty(0) && isatty(1)));
    /* A challenge is worked at the prompt: the terminal is nslab's. */
    if (lab && (inv->challenge || lab_is_challenge(sb_str(script)))) {
        sh->stay = isatty(0);
        sh->pausing = false;
    }
}

static void greet(struct nsl *sh)
{
    char pb[32];
    printf(_("nslab %s: see containers being built from kernel mechanisms. `help` lists the "
             "commands.\nThe subject (the process commands act on) is pid %s, in the host's "
             "namespaces.%s\n"),
           NSLAB_VERSION, fmt_pid(sh, sh->subj.pid, pb, sizeof pb),
           geteuid() ? _("\nNot root: `unshare user` first gives you root inside a user "
                         "namespace.")
                     : "");
}

/* --serve: the projector view from the start, its address on stderr (stdout
 * may be -J's). */
static int start_serving(struct nsl *sh, const char *spec)
{
    const char *url;
    struct nsl_err e;
    if (serve_begin(sh, spec, false, &url, &e) < 0) {
        fprintf(stderr, "nslab: %s\n", e.msg);
        return -1;
    }
    fprintf(stderr, _("nslab: the projector view: %s\n"), url);
    shell_serve_publish(sh, false);
    return 0;
}

/* A lab's header (title, duration, prerequisites, what you will see) as
 * it starts (labs/README.md, "The header"), wrapped to the terminal (80 columns when there is none). */
static void print_lab_header(struct nsl *sh, const struct strbuf *script)
{
    struct lab_header h;
    lab_header_parse(sb_str(script), &h);
    /* A script that is no lab (its comments no lab header) starts as it is. */
    if (!h.duration && !h.see) {
        lab_header_free(&h);
        return;
    }
    struct winsize ws;
    int width = ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20 ? ws.ws_col : 80;
    lab_header_print(sh, &h, stdout, width);
    lab_header_free(&h);
}

/* The lab's summary line was printed before the prompt it stayed at. */
static bool stayed;

/* After a lab: what replaying before --from left unsaid; then, with
 * --stay, the summary and the prompt (or more commands from standard
 * input) in the lab's final state. */
static void lab_after(struct nsl *sh, const struct invocation *inv)
{
    if (sh->replaying) {
        sh->replaying = false;
        const struct step_failure *f = &sh->replay_failed;
        char where[64];
        if (sh->from_step)
            snprintf(where, sizeof where, _("step %d"), sh->from_step);
        else
            snprintf(where, sizeof where, _("line %d"), sh->from_line);
        if (f->number && shell_exit_status(sh) != 0)
            printf(_("replaying before %s: step %d (line %d) failed: %s\n"), where, f->number,
                   f->line, f->err.msg);
        else
            printf(_("the lab ended before %s: nothing was left to run\n"), where);
    }
    int sig = got_signal;
    if (!sh->stay || sh->want_exit || sig == SIGTERM || sig == SIGHUP || sig == SIGINT)
        return;
    stayed = true;
    render_summary(sh);
    sh->interactive = isatty(0);
    if (sh->interactive) {
        printf(_("The lab is over; you are at the prompt in its final state (`exit` or Ctrl-D "
                 "ends the session).\n"));
        fflush(stdout);
        sh->pausing = !sh->opt.json && isatty(1);
        shell_interactive(sh);
    } else {
        shell_run_script(sh, stdin, "<stdin>");
    }
}

/* A challenge: its file read quietly (the statements define the goal,
 * checks, hints and solution; other commands set the scene), the goal
 * shown, then the learner's commands from the terminal or standard input. */
static void challenge_run(struct nsl *sh, const struct invocation *inv, FILE *in)
{
    sh->chal->loading = true;
    sh->replaying = true;
    shell_run_script(sh, in, inv->file);
    fclose(in);
    sh->replaying = false;
    sh->chal->loading = false;
    const struct step_failure *f = &sh->replay_failed;
    if (shell_exit_status(sh) != 0 || got_signal) {
        if (f->number)
            fprintf(stderr, _("nslab: the challenge %s could not be set up: line %d failed: %s\n"),
                    inv->file, f->line, f->err.msg);
        return;
    }
    if (!sh->chal->goal || !sh->chal->nchecks) {
        fprintf(stderr, _("nslab: %s is no challenge: it needs a goal and at least one check\n"),
                inv->file);
        shell_count_failure(sh, EXIT_USAGE);
        return;
    }
    render_challenge_start(sh, inv->file);
    sh->interactive = isatty(0);
    if (sh->interactive) {
        sh->pausing = !sh->opt.json && isatty(1);
        shell_interactive(sh);
    } else {
        shell_run_script(sh, stdin, "<stdin>");
    }
}

/* Run the session in its mode: -c TEXT, the script in, standard input, or
 * the terminal. Closes in. */
static void run_session(struct nsl *sh, const struct invocation *inv, FILE *in)
{
    if (inv->command) {
        /* The same reader as scripts: line checks, continuation, bail. */
        FILE *cf = fmemopen((void *)inv->command, strlen(inv->command), "r");
        if (cf) {
            shell_run_script(sh, cf, "-c");
            fclose(cf);
        }
    } else if (in && sh->chal) {
        challenge_run(sh, inv, in);
    } else if (in) {
        shell_run_script(sh, in, inv->file);
        fclose(in);
        lab_after(sh, inv);
    } else if (!sh->interactive) {
        shell_run_script(sh, stdin, "<stdin>");
    } else {
        greet(sh);
        shell_interactive(sh);
    }
}

/* The exit status, then the last object of every run (-J) and a script's
 * summary line. */
static int end_session(struct nsl *sh, const struct invocation *inv)
{
    /* `exit N` sets the status of a session that had no failure; after one,
     * the status reports the first failure (SPEC §1). */
    int status = shell_exit_status(sh);
    if (sh->exit_request >= 0 && status == 0)
        status = sh->exit_request;
    int sig = got_signal;
    if (sig == SIGTERM || sig == SIGHUP || (sig == SIGINT && !sh->interactive))
        status = 128 + sig;
    if (sh->chal && sh->chal->goal && sh->chal->nchecks && !sh->chal->loading) {
        /* Solved: every check held at a `check`, or holds now. */
        if (!sh->chal->solved && !got_signal)
            sh->chal->solved = challenge_solved_now(sh);
        render_challenge_end(sh);
        if (!sh->chal->solved && status == 0)
            status = EXIT_EXPECT;
    }
    render_end(sh, status, !sh->interactive && !inv->command && !stayed && !sh->chal);
#ifdef NSLAB_BENCH
    fprintf(stderr, "nslab-bench: steps %d trace+observation %lld ns\n", sh->step_count,
            sh->bench_obs_ns);
#endif
    return status;
}

/* --replay RECORD [--serve [ADDR:]PORT]: the record shown again, with
 * --serve on the projector view too (its address on stderr). */
static int replay_session(struct nsl *sh, const struct invocation *inv)
{
    if (inv->serve) {
        const char *url;
        struct nsl_err e;
        if (serve_begin(sh, inv->serve, true, &url, &e) < 0) {
            fprintf(stderr, "nslab: %s\n", e.msg);
            return EXIT_USAGE;
        }
        fprintf(stderr, _("nslab: the projector view: %s\n"), url);
    }
    int status = replay_run(inv->replay, !inv->no_color && isatty(1), sh->serve);
    serve_end(sh);
    return status;
}

int main(int argc, char **argv)
{
    if (getenv(BUILTIN_ENV))
        return builtin_main(argc, argv);
    struct nsl sh;
    struct invocation inv;
    sh_defaults(&sh, &inv);
    /* nslab grade RUBRIC RECORD...: files only, like --replay. */
    if (argc > 1 && strcmp(argv[1], "grade") == 0)
        return grade_main(argc - 1, argv + 1);
    int status = parse_command_line(argc, argv, &sh, &inv);
    if (status != GO_ON)
        return status;
    /* A record is only read: no subject, no terminal group, nothing made. */
    if (inv.replay)
        return replay_session(&sh, &inv);
    cleanup_sb struct strbuf script = {0};
    FILE *in;
    status = open_script(inv.file, &script, &in);
    if (status != GO_ON)
        return status;
    settle_mode(&sh, &inv, &script);

    install_signals();
    term_init(&sh);
    if (sh_init(&sh) < 0) {
        if (in)
            fclose(in);
        sh_free(&sh);
        term_done(&sh);
        return EXIT_STEP_FAILED;
    }
    if (inv.serve && start_serving(&sh, inv.serve) < 0) {
        if (in)
            fclose(in);
        sh_free(&sh);
        term_done(&sh);
        return EXIT_USAGE;
    }
    if (in && (inv.challenge || lab_is_challenge(sb_str(&script))))
        sh.chal = xcalloc(1, sizeof *sh.chal);
    if (in && !sh.opt.json)
        print_lab_header(&sh, &script);
    run_session(&sh, &inv, in);
    status = end_session(&sh, &inv);
    sh_free(&sh);
    term_done(&sh);
    return status;
}

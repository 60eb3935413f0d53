/* The one command table. Each row holds everything about a command: its
 * name, synopsis, help text, the kernel mechanism and man page it uses, the
 * handler and how its arguments complete. `help`, completion and
 * docs/commands.md are generated from it. The shell dispatches through it;
 * it sits above the handlers (cmd/, lab/), which never call it. */
#ifndef NSLAB_COMMANDS_H
#define NSLAB_COMMANDS_H

#include "cmd/handlers.h"

/* Returned by handlers: 0 ok, -1 failed (sh->step.err filled). `exit` sets
 * sh->want_exit. */
typedef int (*cmd_fn)(struct nsl *sh, int argc, char **argv);

enum cmd_flags {
    CMD_NOT_A_STEP = 1 << 0, /* say, pause, expect: not "the previous step" */
    CMD_NO_OBSERVE = 1 << 1, /* never followed by the observation block */
};

struct command {
    const char *name;
    const char *synopsis;  /* "unshare TYPE... [--propagation MODE]" */
    const char *summary;   /* one line for `help` */
    const char *help;      /* paragraphs for `help CMD` */
    const char *mechanism; /* "unshare(2) with CLONE_NEW* flags" */
    const char *man;       /* "unshare(2), namespaces(7)" */
    cmd_fn run;
    /* Completion of arguments by position, space separated; the last one
     * repeats when it ends in "...". Alternatives by '|': literal words
     * ("on|off") and classes: @type (a namespace type), @types (a comma
     * list of them, or all), @target (self, host, a live job), @anytarget
     * (any job too), @job (a live job), @cgroup, @cgroups (a comma list),
     * @cgkeys (the words of cgget and expect cg), @cgfiles (the files of the
     * cgroup named first), @program (a builtin, then programs on PATH),
     * @command, @file, @signal, @topic, @none. After ';', "WORD: SPEC"
     * completes the words after a first argument WORD (expect cg ...), and
     * "WORD: @again" starts over after it (expect not ...). */
    const char *complete;
    /* Option words for completion; "--ns=@types" takes a value completed as
     * the class after '=' ("--name=": a value nothing completes); "--" ends
     * the options. */
    const char *options;
    unsigned flags;
    /* More for `help CMD` that depends on this machine (e.g. the cgroup
     * layout found), printed with out_printf; NULL for none. */
    void (*help_more)(struct nsl *sh);
};

extern const struct command commands[];
extern const size_t commands_count;

const struct command *command_find(const char *name);
/* docs/commands.md, from the table. */
void commands_markdown(FILE *f);
/* The nearest command name for "did you mean", or NULL. */
const char *command_suggest(const char *name);

/* Handlers (each lives beside its mechanism, under src/cmd/). */
int cmd_help(struct nsl *sh, int argc, char **argv);

#endif

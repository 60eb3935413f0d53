/* The commands of util-linux, iproute2, cgroup-tools (and bubblewrap) that
 * do what an nslab command does: one table (equivalents.c) beside the
 * command table, read by `help CMD` and, with --equivalents, by each step. */
#ifndef NSLAB_EQUIVALENTS_H
#define NSLAB_EQUIVALENTS_H

#include <stdbool.h>

#include "nslab.h"

struct equivalent {
    const char *cmd;     /* the nslab command */
    const char *generic; /* its form for help, with the synopsis's words */
    const char *note;    /* words about it (N_(), translated when shown), or NULL */
    /* the step's own form into out (lines separated by '\n'); false: none
     * for these words. NULL: the generic form is the step's too. */
    bool (*fill)(struct nsl *sh, int argc, char **argv, struct strbuf *out);
};

const struct equivalent *equivalent_find(const char *cmd);
/* For `help CMD`: "Outside nslab: ..." and its note, when CMD has one. */
void equivalent_help(struct nsl *sh, const char *cmd);
/* The equivalent of the step of command cmd with words argv (for "!",
 * argv[0] is the program), after its handler ran. */
bool equivalent_of(struct nsl *sh, const char *cmd, int argc, char **argv, struct strbuf *out);
/* With --equivalents, after a step that succeeded: its equivalent into
 * sh->step.equivalent and a line each into its output ("  outside nslab:
 * ..."); -J writes the step's "equivalent" array from it. */
void equivalent_report(struct nsl *sh, const char *cmd, int argc, char **argv);

#endif

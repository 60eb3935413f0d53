#define _GNU_SOURCE
/* The terminal under job control, as an interactive shell holds it.
 *
 * A terminal delivers Ctrl-C to its foreground process group and stops any
 * other group that reads from it (SIGTTIN). nslab reads its prompt from the
 * terminal and hands it to a `!PROGRAM` for as long as that runs, so the
 * terminal's foreground group must be nslab's whenever it reads a line:
 *
 *   - at start, an nslab that holds the terminal but shares its process
 *     group with its parent (under `make run`, a script) takes a group of
 *     its own, as bash -i does, so Ctrl-C at the prompt reaches nslab alone
 *     and not make; it gives the terminal back at exit;
 *   - the group is known before the subject is forked (the subject hands
 *     the terminal back to it when a `!PROGRAM` ends or stops);
 *   - before every line it reads, nslab takes the terminal back if it is
 *     still held by a group of the session (a program killed while a child
 *     of its own held the terminal). */
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "shell/shell.h"

void term_init(struct nsl *sh)
{
    sh->shell_pgrp = getpgrp();
    if ((!sh->interactive && !sh->stay) || !isatty(0) || tcgetpgrp(0) != getpgrp())
        return; /* started in the background: the first read stops nslab until `fg` */
    if (getpgrp() != getpid()) {
        pid_t orig = getpgrp();
        /* SIGTTOU is ignored (main.c): tcsetpgrp from the new, not yet
         * foreground group is allowed. */
        if (setpgid(0, 0) == 0) {
            if (tcsetpgrp(0, getpid()) == 0)
                sh->tty_orig_pgrp = orig;
            else
                setpgid(0, orig);
        }
        sh->shell_pgrp = getpgrp();
    }
    sh->tty_owner = true;
}

void term_reclaim(struct nsl *sh)
{
    if (!sh->interactive || !isatty(0))
        return;
    pid_t fg = tcgetpgrp(0);
    if (!sh->tty_owner) {
        /* Started in the background and brought to the foreground since
         * (`fg`): from now on the terminal is nslab's to keep. */
        sh->tty_owner = fg == sh->shell_pgrp;
        return;
    }
    /* Held by the session leader (the shell nslab was started from): it
     * moved nslab to the background, which is its business. */
    if (fg < 0 || fg == sh->shell_pgrp || fg == tcgetsid(0))
        return;
    tcsetpgrp(0, sh->shell_pgrp);
}

void term_done(struct nsl *sh)
{
    if (!sh->tty_owner || sh->tty_orig_pgrp <= 0 || !isatty(0))
        return;
    if (tcgetpgrp(0) == sh->shell_pgrp)
        tcsetpgrp(0, sh->tty_orig_pgrp);
    setpgid(0, sh->tty_orig_pgrp);
}

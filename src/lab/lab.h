/* Labs beside their commands: a lab's header (labs/README.md, "The
 * header"), the comment lines before its first command, printed when the
 * lab starts and checked by --lint; and the check of an expect line
 * without running it. */
#ifndef NSLAB_LAB_LAB_H
#define NSLAB_LAB_LAB_H

#include "nslab.h"

struct lab_header {
    char *title;    /* the first line, "# Title: what it shows", without "# " */
    char *requires; /* "# requires: ..." */
    char *duration; /* "# duration: N minutes" */
    char *prereq;   /* "# prerequisites: ..." */
    char *see;      /* the "# What you will see:" paragraph, joined in one line */
    int lines;      /* how many lines the header takes */
};

/* Reads the header of text (a lab or challenge file). Fields absent stay
 * NULL. */
void lab_header_parse(const char *text, struct lab_header *h);
void lab_header_free(struct lab_header *h);
/* What the header lacks or gets wrong, one line each into problems (each
 * "LINE: message"); the number of problems. */
int lab_header_check(const struct lab_header *h, struct strbuf *problems);
/* The header as the lab starts: title, duration, prerequisites and what
 * the learner will see, in the session's language (the values through the
 * labs' catalog), wrapped to width. */
void lab_header_print(struct nsl *sh, const struct lab_header *h, FILE *f, int width);

/* expect's words (argv[0] "expect") checked without evaluating them: the
 * form, its number of words, the namespace types and states, the cgroup
 * keys, each unknown word with a "did you mean". 0, or -1 with the problem
 * in msg. */
int expect_lint(int argc, char **argv, struct strbuf *msg);

/* Is text a challenge: is its first statement `goal`? */
bool lab_is_challenge(const char *text);

/* Evaluates one expect condition (argv[0] its form: "ns", "alive", ...)
 * now: 1 held, 0 not (why filled), -1 malformed or not judgeable (e). */
int expect_evaluate(struct nsl *sh, int argc, char **argv, struct strbuf *why, struct nsl_err *e);

/* Challenges (challenge.c): the next hint into the step's report; whether
 * every check holds now (at the end of the session); the challenge freed. */
void challenge_next_hint(struct nsl *sh);
bool challenge_solved_now(struct nsl *sh);
void challenge_free(struct challenge *c);

#endif

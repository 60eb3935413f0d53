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

/* A recorded session as expect's rows on a record read it (nslab grade):
 * one recorded step (a JSON object of the record: "ok", "errno", "output",
 * "subject"."ns"), or NULL when none was, and the session's cgroups as last
 * recorded up to it (an object: name -> the cgroup's recorded object). */
struct cJSON;
struct rec_view {
    const struct cJSON *step;
    const struct cJSON *cgroups;
};
/* expect's words (argv[0] "expect") checked as expect_lint checks them, and
 * whether a record carries what the condition needs: 0, or -1 with the one
 * line that says why not in msg. */
int expect_record_check(int argc, char **argv, struct strbuf *msg);
/* The condition (argv[0] its form) judged on v: 1 held, 0 not (why), -1
 * malformed (e). */
int expect_on_record(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e);
/* The rows (expect_record.c). */
int record_expect_ok(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e);
int record_expect_fail(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                       struct nsl_err *e);
int record_expect_output(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                         struct nsl_err *e);
int record_expect_ns(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e);
int record_expect_cg(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                     struct nsl_err *e);
int record_expect_result(const struct rec_view *v, int argc, char **argv, struct strbuf *why,
                         struct nsl_err *e);
/* expect result KEY VALUE (argv[1], argv[2]) on a step's structured result. */
int expect_result_in(const struct cJSON *result, char **argv, struct strbuf *why,
                     struct nsl_err *e);

/* Challenges (challenge.c): the next hint into the step's report; whether
 * every check holds now (at the end of the session); the challenge freed. */
void challenge_next_hint(struct nsl *sh);
bool challenge_solved_now(struct nsl *sh);
void challenge_free(struct challenge *c);

#endif

/* nslab grade RUBRIC RECORD...: an instructor's conditions judged on
 * learners' records (docs/grading.md). Reads files only: no subject, no
 * kernel state, no privilege. */
#ifndef NSLAB_GRADE_H
#define NSLAB_GRADE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* How a record's chain was found (grade_verify). */
enum rec_state {
    REC_INTACT,
    REC_EDITED,    /* a line's chain does not match: edited, removed, moved */
    REC_TRUNCATED, /* no end object closes it */
    REC_UNCHAINED, /* no header: an older nslab's record, or none at all */
};

/* Checks the chain of a record's text (render.h, struct record_header):
 * its state, and for any other than REC_INTACT the line it names (1-based)
 * and one line saying why in msg. */
enum rec_state grade_verify(const char *text, size_t len, size_t *line, struct strbuf *msg);

/* argv[0] is "grade": options (--csv, -J, --lang), RUBRIC, RECORD...
 * The exit status: 0 every record intact, 1 one is not, 2 a usage error, an
 * unreadable file or a rubric line in error. */
int grade_main(int argc, char **argv);

#endif

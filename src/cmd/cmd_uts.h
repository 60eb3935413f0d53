/* The UTS names beyond the hostname/domainname handlers (commands.h). */
#ifndef NSLAB_CMD_UTS_H
#define NSLAB_CMD_UTS_H

#include "nslab.h"

/* expect's row "hostname": expect hostname NAME, argv[0] "hostname", argc 2
 * (expect's table checks it); asks the subject for its hostname. 1 held, 0
 * not (why filled), -1 with e filled. */
int uts_expect_hostname(struct nsl *sh, int argc, char **argv, struct strbuf *why,
                        struct nsl_err *e);

#endif

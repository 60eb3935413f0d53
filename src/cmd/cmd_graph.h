/* The session's graph as `graph` draws it, for other outputs (the
 * projector view, render/serve.h). */
#ifndef NSLAB_CMD_GRAPH_H
#define NSLAB_CMD_GRAPH_H

#include "nslab.h"

/* Appends the DOT text of the session now to dot: 0, or -1 with e. */
int graph_session_dot(struct nsl *sh, struct strbuf *dot, struct nsl_err *e);

#endif

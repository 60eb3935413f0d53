#define _GNU_SOURCE
/* TIME on the subject's side: read the subject's clocks (it is in the time
 * namespace in question), or write an offset to its own timens_offsets,
 * which belong to its time_for_children namespace (clock, timens). */
#include <errno.h>
#include <inttypes.h>

#include "subject/ops.h"

_Static_assert(sizeof(struct time_req) <= SUBJ_ARGS_MAX, "time_req");

void time_req_pack(struct subj_req *rq, const struct time_req *r)
{
    subj_req_init(rq, SOP_TIME, r, sizeof *r);
}

void op_time(struct subj_ctx *cx, const struct subj_msg *m, struct subj_rep *rep)
{
    struct time_req rq;
    subj_msg_args(m, &rq, sizeof rq);
    if (rq.what == TIME_READ) {
        struct time_rep out;
        clocks_read(&out.clocks);
        subj_rep_set(rep, &out, sizeof out);
        rep->ret = 0;
        return;
    }
    char path[300], val[64];
    /* /proc/self: the file is the writer's own, and its offsets are those
     * of the writer's time_for_children namespace. */
    proc_path(&cx->sh->paths, path, sizeof path, "self/timens_offsets");
    snprintf(val, sizeof val, "%s %" PRId64 " 0", timens_clock_word(rq.clock), rq.seconds);
    rep->ret = sys_write_file(&rep->trace, path, val);
    rep->err = rep->ret < 0 ? errno : 0;
}

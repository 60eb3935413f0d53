#define _GNU_SOURCE
/* cgperf: what the tasks of one perf_event cgroup do, counted by the
 * kernel's perf events in cgroup mode (kernel/perf.c). */
#include <errno.h>
#include <string.h>

#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/perf.h"
#include "session/cgroups.h"
#include "session/report.h"

int cmd_cgperf(struct nsl *sh, int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return step_usage(sh, "usage: cgperf CGROUP [SECONDS] (SECONDS: 1 to 60, default 1)");
    long secs = 1;
    if (argc == 3 && parse_long(argv[2], 1, 60, &secs) < 0)
        return step_usage(sh, "SECONDS must be a whole number from 1 to 60, not '%s' (usage: "
                              "cgperf CGROUP [SECONDS])", argv[2]);
    struct nsl_err e;
    struct cg_group buf;
    const struct cg_group *g;
    if (cgroups_need(sh, &e) < 0 || cgroups_resolve(sh, argv[1], &buf, &g, &e) < 0)
        return step_fail_err(sh, &e);
    int ph = sh->cg->layout.ctrl_hier[CG_PERF_EVENT];
    if (ph < 0)
        return step_fail(sh, ENOENT, "no hierarchy here holds perf_event: `cgcreate perf_event` "
                                     "makes a cgroup of one");
    if (g->hier != ph)
        return step_usage(sh, "%s is a %s cgroup of a hierarchy without perf_event: "
                              "`cgcreate perf_event` makes one to count", g->name,
                          cg_ctrl_info[g->ctrl].name);
    struct perf_counts pc;
    if (perf_cgroup_count(&sh->step.trace, g->dir, "/sys/devices/system/cpu/online",
                          (unsigned)secs * 1000u, &pc, &e) < 0)
        return step_fail_err(sh, &e);
    print_string(sh, PRINT_ANY, "name", "%s: ", g->name);
    print_string(sh, PRINT_JSON, "path", NULL, g->dir);
    print_int(sh, PRINT_JSON, "version", NULL, g->version);
    print_uint(sh, PRINT_ANY, "seconds", _("counted for %llu s"), (unsigned long long)secs);
    print_uint(sh, PRINT_ANY, "cpus", _(" on %llu CPUs (a counter per CPU, summed)\n"),
               (unsigned long long)pc.ncpus);
    print_uint(sh, PRINT_JSON, "enabled_ns", NULL, (unsigned long long)pc.enabled_ns);
    out_printf(sh, "  %-17s %.3f s\n", perf_names[PERF_TASK_CLOCK],
               (double)pc.v[PERF_TASK_CLOCK] / 1e9);
    print_uint(sh, PRINT_JSON, perf_keys[PERF_TASK_CLOCK], NULL,
               (unsigned long long)pc.v[PERF_TASK_CLOCK]);
    for (int w = PERF_CONTEXT_SWITCHES; w < PERF_NWHAT; w++) {
        out_printf(sh, "  %-17s ", perf_names[w]);
        print_uint(sh, PRINT_ANY, perf_keys[w], "%llu\n", (unsigned long long)pc.v[w]);
    }
    return 0;
}

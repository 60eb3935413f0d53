#define _GNU_SOURCE
/* /proc/PID/cgroup, /proc/cgroups, the cgroup mounts of mountinfo, and the
 * LIMIT and NAME words of cgcreate. */
#include "kernel/cgroup/cgroup.h"
#include "kernel/cgroup/cgroup_layout.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct nsl_err e;
    struct cg_proc p = {0};
    if (cg_proc_parse(s, &p, &e) == 0)
        cg_proc_free(&p);
    unsigned enabled;
    (void)cg_parse_proc_cgroups(s, &enabled, &e);
    struct cg_layout *L = calloc(1, sizeof *L);
    if (!L)
        abort();
    (void)cg_layout_parse_mountinfo(L, s, "/sys/fs/cgroup", &e);
    free(L);
    for (int c = 0; c < CG_NCTRL; c++) {
        struct cg_limit lim;
        if (cg_limit_parse(c, s, &lim, &e) == 0) {
            struct strbuf sb = {0};
            cg_limit_format(&lim, &sb);
            sb_free(&sb);
        }
    }
    (void)cg_name_check(s, &e);
    free(s);
    return 0;
}

#define _GNU_SOURCE
/* /proc/PID/mountinfo, and the helpers that work on a parsed table. */
#include "kernel/mount/mountinfo.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mount_table t = {0};
    struct nsl_err e;
    if (mountinfo_parse((const char *)data, size, &t, &e) == 0) {
        struct strbuf sb = {0};
        for (size_t k = 0; k < t.n; k++) {
            mount_propagation_format(&t.v[k], NULL, &sb);
            mount_relations_format(&t, &t, &t.v[k], NULL, "; ", &sb);
            (void)mount_table_find_target(&t, t.v[k].target);
            (void)mount_table_find_containing(&t, t.v[k].target);
        }
        sb_free(&sb);
    }
    mount_table_free(&t);
    char *s = fuzz_cstr(data, size);
    free(mountinfo_unescape(s));
    free(s);
    return 0;
}

#define _GNU_SOURCE
/* The words of commands: sizes, signals, PIDs, namespace types, mount
 * options; and the subject's trace wire format. */
#include "kernel/mount/mount.h"
#include "kernel/ns.h"
#include "kernel/trace.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    uint64_t v;
    bool is_max;
    if (parse_size(s, &v, &is_max) == 0) {
        char buf[32];
        format_size(v, SIZE_EXACT, buf, sizeof buf);
    }
    (void)parse_signal(s);
    pid_t pid;
    (void)parse_pid(s, &pid);
    struct nsl_err e;
    int flags;
    (void)ns_flags_parse(s, &flags, &e);
    ino_t ino;
    (void)ns_link_parse(s, &ino);
    unsigned long mflags;
    char *mdata = NULL;
    if (mount_opts_parse(s, &mflags, &mdata, &e) == 0)
        free(mdata);
    size_t bad;
    (void)utf8_valid((const char *)data, size, &bad);
    struct trace t = {0};
    (void)trace_unpack(&t, (const char *)data, size);
    trace_free(&t);
    free(s);
    return 0;
}

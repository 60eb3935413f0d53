#define _GNU_SOURCE
/* Builtin programs for spawn: they run in the spawned child, so they see its
 * namespaces, and they can report events to the shell through evt_fd. */
#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "subject.h"

static int builtin_sleep(int argc, char **argv, int evt_fd)
{
    long secs = -1;
    if (argc > 2 || (argc == 2 && parse_long(argv[1], 0, 365L * 86400, &secs) < 0))
        return 2;
    if (secs < 0) {
        for (;;)
            pause();
    }
    struct timespec ts = {.tv_sec = secs};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 0;
}

static const struct {
    const char *name;
    builtin_fn fn;
} builtins[] = {
    {"sleep", builtin_sleep},
};

int builtin_main(int argc, char **argv)
{
    builtin_fn fn = builtin_find(argv[0]);
    const char *fdenv = getenv(BUILTIN_EVT_ENV);
    long evt = -1;
    if (!fdenv || parse_long(fdenv, 0, 1 << 20, &evt) < 0)
        evt = -1;
    unsetenv(BUILTIN_ENV);
    unsetenv(BUILTIN_EVT_ENV);
    if (!fn)
        return 127;
    prctl(PR_SET_NAME, argv[0]);
    return fn(argc, argv, (int)evt);
}

builtin_fn builtin_find(const char *name)
{
    for (size_t k = 0; k < ARRAY_SIZE(builtins); k++)
        if (strcmp(builtins[k].name, name) == 0)
            return builtins[k].fn;
    return NULL;
}

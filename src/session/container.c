#define _GNU_SOURCE
/* container run's words and the session's table of containers. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/caps.h"
#include "kernel/ns.h"
#include "session/container.h"
#include "util.h"

struct container_table {
    struct container *v;
    size_t n;
};

/* --OPT VALUE or --OPT=VALUE: the value, or NULL when a is not --OPT. */
static const char *opt_value(const char *opt, int argc, char **argv, int *k, bool *missing)
{
    size_t n = strlen(opt);
    const char *a = argv[*k];
    if (!a || strncmp(a, opt, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*k + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*k];
}

static bool word_ok(const char *w)
{
    return w && *w && w[0] != '-';
}

/* One --OPTION of container run at argv[*k]: 1 taken, 0 not an option
 * of these, -1 with e filled. */
static int opt_one(int argc, char **argv, int *k, struct container_opts *o, struct nsl_err *e)
{
    static const char *const one[] = {"--rootfs", "--ns", "--hostname", "--mem", "--pids",
                                      "--cpu",    "--caps", "--seccomp"};
    const char **slot[] = {&o->rootfs, NULL, &o->hostname, &o->mem, &o->pids, &o->cpu, &o->caps, NULL};
    for (size_t i = 0; i < ARRAY_SIZE(one); i++) {
        bool missing = false;
        const char *v = opt_value(one[i], argc, argv, k, &missing);
        if (missing || (v && !*v))
            return nsl_usage(e, "container run: %s needs a value", one[i]);
        if (!v)
            continue;
        if (strcmp(one[i], "--ns") == 0) {
            if (ns_flags_parse(v, &o->ns_flags, e) < 0)
                return -1;
        } else if (strcmp(one[i], "--seccomp") == 0) {
            if (strcmp(v, "default") != 0 && strcmp(v, "none") != 0)
                return nsl_usage(e, "container run: --seccomp takes default or none, not '%s'", v);
            o->seccomp = strcmp(v, "default") == 0;
        } else if (strcmp(one[i], "--caps") == 0) {
            uint64_t mask;
            if (cap_list_parse(v, &mask, e) < 0)
                return -1;
            *slot[i] = v;
        } else {
            *slot[i] = v;
        }
        return 1;
    }
    if (strcmp(argv[*k], "--bridge") == 0) {
        if (*k + 2 >= argc || !word_ok(argv[*k + 1]) || !word_ok(argv[*k + 2]))
            return nsl_usage(e, "container run: --bridge needs a bridge and an address, e.g. "
                                "--bridge br0 10.0.0.2/24");
        o->bridge = argv[++*k];
        o->addr = argv[++*k];
        if (!strchr(o->addr, '/'))
            return nsl_usage(e, "container run: the address '%s' needs its prefix length, e.g. "
                                "%s/24", o->addr, o->addr);
        return 1;
    }
    if (strcmp(argv[*k], "--rootless") == 0) {
        o->rootless = true;
        return 1;
    }
    return 0;
}

int container_opts_parse(int argc, char **argv, struct container_opts *o, struct nsl_err *e)
{
    memset(o, 0, sizeof *o);
    o->seccomp = true;
    int k = 1;
    for (; k < argc; k++) {
        if (strcmp(argv[k], "--") == 0) {
            k++;
            break;
        }
        int r = opt_one(argc, argv, &k, o, e);
        if (r < 0)
            return -1;
        if (r == 0 && argv[k][0] == '-')
            return nsl_usage(e, "container run: unknown option '%s' (`help container`)", argv[k]);
        if (r == 0)
            break;
    }
    if (k >= argc)
        return nsl_usage(e, "container run: no program (container run [OPTIONS] -- PROGRAM "
                            "[ARGS...])");
    o->argc = argc - k;
    o->argv = argv + k;
    if (!o->rootfs)
        o->rootfs = "busybox";
    if (!o->ns_flags && ns_flags_parse(CONTAINER_DEFAULT_NS, &o->ns_flags, e) < 0)
        return -1;
    /* Without these the container would be no container: its root, its
     * /proc, its mounts. */
    if ((o->ns_flags & (CLONE_NEWNS | CLONE_NEWPID)) != (CLONE_NEWNS | CLONE_NEWPID))
        return nsl_usage(e, "container run: --ns must include mnt and pid (its root and its "
                            "/proc need them)");
    if (o->bridge && !(o->ns_flags & CLONE_NEWNET))
        return nsl_usage(e, "container run: --bridge needs a network namespace of its own "
                            "(net in --ns)");
    if (o->hostname && !(o->ns_flags & CLONE_NEWUTS))
        return nsl_usage(e, "container run: --hostname needs a UTS namespace of its own (uts in "
                            "--ns)");
    if (o->rootless)
        o->ns_flags |= CLONE_NEWUSER;
    return 0;
}

static struct container_table *table(struct nsl *sh)
{
    if (!sh->containers)
        sh->containers = xcalloc(1, sizeof *sh->containers);
    return sh->containers;
}

struct container *container_add(struct nsl *sh)
{
    struct container_table *t = table(sh);
    t->v = xrealloc(t->v, (t->n + 1) * sizeof *t->v);
    struct container *c = &t->v[t->n++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "c%zu", t->n);
    return c;
}

size_t container_count(const struct nsl *sh)
{
    return sh->containers ? sh->containers->n : 0;
}

struct container *container_at(struct nsl *sh, size_t k)
{
    return k < container_count(sh) ? &sh->containers->v[k] : NULL;
}

void containers_free(struct nsl *sh)
{
    if (!sh->containers)
        return;
    free(sh->containers->v);
    free(sh->containers);
    sh->containers = NULL;
}

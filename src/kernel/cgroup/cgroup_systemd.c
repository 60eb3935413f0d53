#define _GNU_SOURCE
/* A scope with Delegate=yes from systemd: see cgroup_systemd.h. */
#include "kernel/cgroup/cgroup_systemd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#include "i18n.h"
#include "kernel/cgroup/cgroup_impl.h"

const char *cg_deleg_why_text(enum cg_deleg_why why)
{
    switch (why) {
    case CG_DELEG_UNASKED:
        return N_("systemd was not asked");
    case CG_DELEG_OK:
        return N_("delegated by systemd");
    case CG_DELEG_NO_SYSTEMD:
        return N_("systemd is not the init here");
    case CG_DELEG_FAKE_ROOT:
        return N_("a cgroup tree given by NSLAB_CGROUP_ROOT, not the system's");
    case CG_DELEG_LEGACY:
        return N_("no unified or name=systemd hierarchy for systemd to delegate");
    case CG_DELEG_BUS:
        return N_("systemd's system bus could not be reached");
    case CG_DELEG_REFUSED:
        return N_("systemd refused the scope");
    case CG_DELEG_NOT_MOVED:
        return N_("systemd made the scope but did not move nslab into it");
    case CG_DELEG_LEAF:
        return N_("nslab could not move itself into a leaf of the scope");
    }
    return "";
}

static int why(struct cg_deleg *out, enum cg_deleg_why w, const char *detail)
{
    out->ok = false;
    out->why = w;
    snprintf(out->detail, sizeof out->detail, "%s", detail ? detail : "");
    return -1;
}

/* Is systemd PID 1 of this PID namespace? Then the PID systemd is given
 * names this very process: in a PID namespace of its own, nslab's PID
 * means another process to systemd, and nothing is asked. */
static bool systemd_is_init(const struct nsl_paths *paths)
{
    char path[300], comm[64];
    proc_path(paths, path, sizeof path, "1/comm");
    return read_file_at(AT_FDCWD, path, comm, sizeof comm) >= 0 &&
           strcmp(chomp(comm), "systemd") == 0;
}

/* StartTransientUnit(unit, "fail", [Description, Delegate, PIDs,
 * CollectMode], []): systemd makes the scope and moves pid into it. */
static int start_scope(sd_bus *bus, const char *unit, pid_t pid, sd_bus_error *err)
{
    sd_bus_message *m = NULL, *reply = NULL;
    int r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
                                           "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager",
                                           "StartTransientUnit");
    if (r >= 0)
        r = sd_bus_message_append(m, "ss", unit, "fail");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'a', "(sv)");
    if (r >= 0)
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "Description", "s",
                                  "nslab session (cgroups delegated to nslab)", "Delegate", "b", 1,
                                  "PIDs", "au", 1, (uint32_t)pid, "CollectMode", "s",
                                  "inactive-or-failed");
    if (r >= 0)
        r = sd_bus_message_close_container(m);
    if (r >= 0)
        r = sd_bus_message_append(m, "a(sa(sv))", 0);
    if (r >= 0)
        r = sd_bus_call(bus, m, 10 * 1000 * 1000, err, &reply);
    sd_bus_message_unref(reply);
    sd_bus_message_unref(m);
    return r;
}

/* The scope's cgroup as systemd names it (its ControlGroup property: the
 * mapping of unit names to cgroup paths is systemd's, not public API), ""
 * until systemd has made it. */
static void control_group(sd_bus *bus, const char *unit, char *out, size_t size)
{
    sd_bus_error err = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *path = NULL;
    char *cg = NULL;
    out[0] = '\0';
    if (sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "GetUnit", &err, &reply, "s",
                           unit) >= 0 &&
        sd_bus_message_read(reply, "o", &path) >= 0 &&
        sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path,
                                   "org.freedesktop.systemd1.Scope", "ControlGroup", &err,
                                   &cg) >= 0)
        snprintf(out, size, "%s", cg);
    free(cg);
    sd_bus_message_unref(reply);
    sd_bus_error_free(&err);
}

/* systemd moves the process when the scope's start job runs, just after
 * the call returns: wait until the scope has its cgroup and
 * /proc/PID/cgroup puts pid there, in hierarchy hier (5 s). */
static bool wait_moved(sd_bus *bus, const struct cg_layout *L, const struct nsl_paths *paths,
                       int hier, pid_t pid, const char *unit, struct cg_pid_dirs *own)
{
    char cg[CG_PATH_MAX];
    for (int i = 0; i < 500; i++) {
        control_group(bus, unit, cg, sizeof cg);
        if (cg[0] && cg_pid_dirs(L, paths, pid, own, NULL) == 0 &&
            strcmp(own->cgpath[hier], cg) == 0)
            return true;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

/* The hierarchy systemd delegates in: the unified one (pure v2, hybrid),
 * else its own name=systemd (legacy v1), -1 when there is neither. */
static int systemd_hier(const struct cg_layout *L)
{
    if (L->unified >= 0)
        return L->unified;
    for (size_t h = 0; h < L->nhier; h++)
        if (L->hier[h].version == 1 && strstr(L->hier[h].ctrls, "name=systemd"))
            return (int)h;
    return -1;
}

int cg_systemd_delegate(const struct cg_layout *L, const struct nsl_paths *paths,
                        const struct cg_sys *sys, pid_t pid, struct trace *t,
                        struct cg_deleg *out)
{
    memset(out, 0, sizeof *out);
    out->hier = -1;
    if (L->fake_root)
        return why(out, CG_DELEG_FAKE_ROOT, NULL);
    if (sd_booted() <= 0 || !systemd_is_init(paths))
        return why(out, CG_DELEG_NO_SYSTEMD, NULL);
    int hier = systemd_hier(L);
    if (hier < 0)
        return why(out, CG_DELEG_LEGACY, NULL);
    sd_bus *bus = NULL;
    int r = sd_bus_open_system(&bus);
    if (r < 0)
        return why(out, CG_DELEG_BUS, strerror(-r));
    snprintf(out->unit, sizeof out->unit, "nslab-%d.scope", (int)pid);
    sd_bus_error err = SD_BUS_ERROR_NULL;
    r = start_scope(bus, out->unit, pid, &err);
    trace_note(t, "asked systemd (StartTransientUnit over D-Bus) for %s with Delegate=yes "
                  "holding process %d: %s",
               out->unit, (int)pid, r < 0 ? (err.message ? err.message : strerror(-r)) : "done");
    if (r < 0) {
        why(out, CG_DELEG_REFUSED, err.message ? err.message : strerror(-r));
        sd_bus_error_free(&err);
        sd_bus_flush_close_unref(bus);
        return -1;
    }
    sd_bus_error_free(&err);
    struct cg_pid_dirs *own = xcalloc(1, sizeof *own);
    bool moved = wait_moved(bus, L, paths, hier, pid, out->unit, own);
    sd_bus_flush_close_unref(bus);
    int ret = -1;
    if (!moved) {
        why(out, CG_DELEG_NOT_MOVED, NULL);
        goto done;
    }
    out->hier = hier;
    snprintf(out->dir, sizeof out->dir, "%s", own->dir[hier]);
    if (L->hier[hier].version == 1) {
        /* v1 lets a cgroup hold processes and children: nslab stays in the
         * scope, and so in its cgroups of the v1 controller hierarchies
         * systemd delegates with it (cpu, cpuacct, blkio, memory, devices,
         * pids), where its session parents go then. */
        out->ok = true;
        out->why = CG_DELEG_OK;
        ret = 0;
        goto done;
    }
    int w = snprintf(out->leaf, sizeof out->leaf, "%s/%s", out->dir, CG_SCOPE_LEAF);
    char num[32];
    snprintf(num, sizeof num, "%d", (int)pid);
    struct nsl_err e = {0};
    if (w < 0 || (size_t)w >= sizeof out->leaf) {
        why(out, CG_DELEG_LEAF, "the path is too long");
    } else if (sys->mkdir(sys->ctx, t, out->leaf, 0755) < 0 && errno != EEXIST) {
        why(out, CG_DELEG_LEAF, strerror(errno));
    } else if (cg_write(sys, t, out->leaf, "cgroup.procs", num, NULL, &e) < 0) {
        why(out, CG_DELEG_LEAF, e.msg);
    } else {
        out->ok = true;
        out->why = CG_DELEG_OK;
        ret = 0;
    }
done:
    free(own);
    return ret;
}

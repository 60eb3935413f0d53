#define _GNU_SOURCE
/* require: a lab states what the machine must have for it to mean anything
 * (a cgroup layout, a kernel version). When that is missing, the lab is
 * skipped: one line says what it needs and what this machine has, and a
 * script ends there with status 0 (nothing failed: the lab does not apply).
 * At the prompt the line is printed and the session goes on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/handlers.h"
#include "i18n.h"
#include "kernel/release.h"
#include "session/cgroups.h"
#include "session/report.h"

static const char *layout_words(enum cg_mode m)
{
    switch (m) {
    case CG_MODE_UNIFIED:
        return _("the unified layout (cgroup v2 only)");
    case CG_MODE_HYBRID:
        return _("the hybrid layout (v1 hierarchies beside cgroup v2)");
    case CG_MODE_LEGACY:
        return _("the legacy layout (cgroup v1 only)");
    case CG_MODE_NONE:
        break;
    }
    return _("no cgroup filesystem");
}

static void require_report(struct nsl *sh, bool met, const char *needs, const char *have)
{
    print_bool(sh, PRINT_JSON, "met", NULL, met);
    print_string(sh, PRINT_JSON, "needs", NULL, needs);
    print_string(sh, PRINT_JSON, "have", NULL, have);
    if (met) {
        out_printf(sh, "require: ");
        out_printf(sh, _("%s: yes, %s\n"), needs, have);
        return;
    }
    out_printf(sh, "require: ");
    out_printf(sh, _("skipped: this needs %s; this machine has %s.\n"), needs, have);
    if (sh->step.file) {
        sh->want_exit = true;
        sh->exit_request = 0;
    }
}

int cmd_require(struct nsl *sh, int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "cgroup") == 0 &&
        (strcmp(argv[2], "v1") == 0 || strcmp(argv[2], "v2") == 0)) {
        enum cg_mode m = sh->cg && sh->cg->ready ? sh->cg->layout.mode : CG_MODE_NONE;
        bool v1 = strcmp(argv[2], "v1") == 0;
        bool met = v1 ? (m == CG_MODE_LEGACY || m == CG_MODE_HYBRID) : m == CG_MODE_UNIFIED;
        require_report(sh, met,
                       v1 ? _("cgroup v1 hierarchies (a legacy or hybrid layout)")
                          : _("cgroup v2 holding the controllers (a unified layout)"),
                       layout_words(m));
        return 0;
    }
    int major, minor, n = 0;
    if (argc == 3 && strcmp(argv[1], "kernel") == 0 &&
        sscanf(argv[2], "%d.%d%n", &major, &minor, &n) == 2 && argv[2][n] == '\0') {
        struct kernel_release r;
        char needs[64], have[128];
        if (kernel_release_read(&sh->paths, &r) < 0)
            return step_fail_errno(sh, errno, "cannot read the kernel release");
        snprintf(needs, sizeof needs, _("Linux %d.%d or later"), major, minor);
        snprintf(have, sizeof have, "Linux %s", r.text);
        require_report(sh, kernel_release_at_least(&r, major, minor), needs, have);
        return 0;
    }
    return step_usage(sh, "usage: require cgroup v1|v2 | require kernel MAJOR.MINOR");
}

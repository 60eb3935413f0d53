# shellcheck shell=bash
# Which nslab cgroups belong to the binary under test ($NSLAB): one rule for
# the runner's leftover check (run-integration.sh) and for scenarios that
# count cgroups (through scenarios/lib.sh). Sourced, not run.

# nslab_cgroups MAXDEPTH: the nslab.* directories under /sys/fs/cgroup, at
# most MAXDEPTH levels down, sorted, one per line. A session's cgroup is
# nslab.<PID of its shell>; one whose shell is alive and runs another binary
# belongs to another checkout's session on the same machine (a developer's,
# a second worktree's), not to this run, and is left out.
nslab_cgroups()
{
    local d pid exe
    exe=$(readlink -f "$NSLAB")
    find /sys/fs/cgroup -maxdepth "$1" -type d -name 'nslab.*' 2>/dev/null | sort |
        while IFS= read -r d; do
            pid=${d##*/nslab.}
            if [[ $pid =~ ^[0-9]+$ ]] && [ -e "/proc/$pid" ] &&
                [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$exe" ]; then
                continue
            fi
            printf '%s\n' "$d"
        done
}

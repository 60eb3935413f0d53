#!/usr/bin/env bash
# The -J steps of show, jobs and graph carry the session's cgroups, as
# show's text lists them: each cgroup of the session (by cgcreate's name
# and path), its member PIDs equal to the kernel's cgroup.procs, a cgroup
# made in between counted at once, and none after cgdelete. On any layout.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

# cg_list: "NAME PATH PID,PID" for each session cgroup of the last step.
cg_list() {
    python3 -c '
import json, sys
for c in json.loads(sys.argv[1])["cgroups"]:
    if c.get("session"):
        print(c["name"], c["path"], ",".join(str(p) for p in sorted(c["pids"])))' "$reply"
}
# kernel_procs DIR: the PIDs of DIR/cgroup.procs, sorted, comma-separated.
kernel_procs() { sort -n "$1/cgroup.procs" | paste -sd, -; }

nslab_start
nslab_send "cgcreate mem 64M"
[ "${J[ok]}" = true ] || skip "no memory cgroup here: ${J[error]}"
mem=$(jv result.path)
nslab_send_ok "cgcreate pids 10"
pids=$(jv result.path)
# Where memory and pids are hierarchies of their own (v1) a process is in a
# cgroup of each; where one hierarchy holds both (v2) it is in one cgroup,
# and pids1 stays empty.
if [ "$(findmnt -no TARGET -T "$mem")" != "$(findmnt -no TARGET -T "$pids")" ]; then
    nslab_send_ok "spawn --cg mem1,pids1 sleep 100"
else
    nslab_send_ok "spawn --cg mem1 sleep 100"
fi
job=$(jv result.pid)

for cmd in show jobs graph; do
    nslab_send_ok "$cmd"
    want="mem1 $mem $(kernel_procs "$mem")
pids1 $pids $(kernel_procs "$pids")"
    assert_eq "$want" "$(cg_list)" "the session's cgroups in $cmd's -J step"
    assert_contains "$(kernel_procs "$mem")" "$job" "the kernel's cgroup.procs"
done
nslab_send_ok "show"
assert_contains "$(jv output)" "cgroup mem1" "show's text"

nslab_send_ok "kill -KILL %1"
nslab_send_ok "wait %1"
nslab_send_ok "cgdelete pids1"
for cmd in show jobs graph; do
    nslab_send_ok "$cmd"
    assert_eq "mem1 $mem " "$(cg_list)" "$cmd after cgdelete pids1"
done
nslab_stop
echo "json-cgroups: ok"

#!/usr/bin/env bash
# CPU time of a cgroup (cgget N usage, the observation's "used"), against the
# kernel's own counters, on this machine's layout and on pure v2:
#   here    `cgcreate cpu`: where v1 mounts cpuacct apart from cpu (this
#           project's machines), the cpuacct cgroup of the same name exists
#           and holds the job too; a busy job's usage grows and equals
#           cpuacct.usage / 1000 (or cpu.stat usage_usec on v2, or
#           cpuacct.usage in a cpu,cpuacct hierarchy); a busy job outside
#           adds nothing; cgdelete removes both cgroups. `cgcreate cpuacct`
#           counts a job too.
#   pure v2 cgroup2 over /sys/fs/cgroup in a private mount namespace:
#           `cgcreate cpuacct` (cpu.stat is a core file) counts a busy job,
#           equal to the kernel's usage_usec (where the machine is pure v2
#           already, "here" was that).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
own_mount_ns "$@"
require_nslab

# usage_of DIR VERSION: the kernel's CPU time of cgroup DIR in µs.
usage_of() {
    if [ "$2" = 2 ]; then
        awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"
    else
        echo $(($(cat "$1/cpuacct.usage") / 1000))
    fi
}

nslab_start
nslab_send_ok "cgls"
cpu_v=$(jv result.layout.controllers.cpu.version)
acct_v=$(jv result.layout.controllers.cpuacct.version)

# 1. cgcreate cpu
nslab_send_ok "cgcreate cpu"
cpu=$(jv result.path)
[ -d "$cpu" ] || fail "cgcreate printed $cpu, which is not a directory"
counter=$cpu counter_v=$cpu_v
if [ "$cpu_v" = 1 ] && [ ! -e "$cpu/cpuacct.usage" ] && [ "$acct_v" = 1 ]; then
    # cpuacct is a hierarchy of its own: the cgroup of the same name there
    acct=$(jv result.cpuacct_path)
    [ -d "$acct" ] || fail "no cpuacct cgroup $acct beside $cpu"
    assert_eq "$(basename "$cpu")" "$(basename "$acct")" "the cpuacct cgroup's name"
    assert_contains "$(jv output)" "matching cpuacct cgroup" "cgcreate says so"
    counter=$acct counter_v=1
fi
before=$(usage_of "$counter" "$counter_v")
nslab_send_ok "cgget cpu1 usage"
assert_eq "$before" "$(jv result.files.usage)" "usage of the new cgroup"

# A busy job outside adds nothing; a busy job inside counts.
nslab_send_ok "spawn stress cpu 1"
nslab_send_ok "wait %1"
assert_eq "$before" "$(usage_of "$counter" "$counter_v")" "the kernel's count after a job outside"
nslab_send_ok "spawn --cg cpu1 stress cpu 1"
job=$(jv result.pid)
grep -qx "$job" "$counter/cgroup.procs" || fail "job $job is not in $counter/cgroup.procs"
nslab_send_ok "wait %2"
after=$(usage_of "$counter" "$counter_v")
# How much CPU a second's spin gets depends on the machine's load: only
# that it grew is asserted, and that nslab reads the kernel's number.
[ "$after" -gt "$before" ] || fail "the kernel's count did not grow ($before -> $after µs) for a second's spin"
nslab_send_ok "cgget cpu1 usage"
assert_eq "$after" "$(jv result.files.usage)" "cgget cpu1 usage against the kernel"
nslab_send_ok "cgcreate cpuacct"
acct1=$(jv result.path)
nslab_send_ok "cgexec cpuacct1 stress cpu 1"
nslab_send_ok "wait %3"
a=$(usage_of "$acct1" "$acct_v")
[ "$a" -gt 0 ] || fail "cpuacct1 counted nothing for a second's spin"
nslab_send_ok "cgget cpuacct1 usage"
assert_eq "$a" "$(jv result.files.usage)" "cgget cpuacct1 usage"
nslab_send_ok "cgdelete cpu1"
[ ! -e "$cpu" ] || fail "cgdelete left $cpu"
[ "$counter" = "$cpu" ] || [ ! -e "$counter" ] || fail "cgdelete left the cpuacct cgroup $counter"
nslab_stop

# 2. pure v2: cpuacct needs no controller there. Where /sys/fs/cgroup is
# cgroup2 already, part 1 ran on pure v2 (and the kernel would refuse the
# same superblock twice on one mount point: EBUSY).
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    echo "cgroup-usage: ok (pure v2 here: cpu v$cpu_v, cpuacct v$acct_v)"
    exit 0
fi
findmnt -rn -t cgroup2 >/dev/null || skip "no cgroup2 to compare with"
# With the live options: from the initial cgroup namespace a cgroup2 mount
# sets the options of the machine's one v2 hierarchy.
v2_opts=$(findmnt -rn -t cgroup2 -o FS-OPTIONS | head -n 1)
mount -t cgroup2 -o "$v2_opts" none /sys/fs/cgroup || skip "cannot mount cgroup2 here"
on_exit umount /sys/fs/cgroup
nslab_start
nslab_send_ok "cgcreate cpuacct"
acct=$(jv result.path)
assert_eq 2 "$(jv result.version)" "cpuacct's version on pure v2"
nslab_send_ok "spawn --cg cpuacct1 stress cpu 1"
nslab_send_ok "wait %1"
a=$(usage_of "$acct" 2)
[ "$a" -gt 0 ] || fail "cpu.stat counted nothing on pure v2"
nslab_send_ok "cgget cpuacct1 usage"
assert_eq "$a" "$(jv result.files.usage)" "cgget cpuacct1 usage on pure v2"
nslab_stop
echo "cgroup-usage: ok (here: cpu v$cpu_v, cpuacct v$acct_v; and pure v2)"

#!/usr/bin/env bash
# perf_event (cgperf) against the kernel, on this machine's layout and on a
# legacy (v1 only) view of it:
#   here    `cgcreate perf_event` twice: "in" holds a busy job, "out" none,
#           while a second busy job runs outside both. cgperf in counts
#           task-clock and context switches > 0, and on v2 no more CPU time
#           than the kernel's cpu.stat usage_usec of the cgroup grew by over
#           the same step; cgperf out counts 0 of each, the busy job outside
#           included. Bad input (no such cgroup, SECONDS 0, 61, absurd, not a
#           number, a cgroup without perf_event): one line, nothing made.
#   legacy  tmpfs over /sys/fs/cgroup with only v1 cpuacct, in a private
#           mount namespace of the test: no perf_event hierarchy. cgcreate
#           perf_event is refused while the subject is in the mount
#           namespace nslab started in (which mounts nothing), then after
#           `unshare mnt` mounts one in the subject's mount namespace only,
#           and counts there; after exit the kernel releases the hierarchy.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
own_mount_ns "$@"
require_nslab

usage_usec() { awk '$1 == "usage_usec" { print $2 }' "$1/cpu.stat"; }
entries() { find "$1" -mindepth 1 -maxdepth 1 -type d | sort; }

# 1. this machine's layout
nslab_start -k
nslab_send_ok "cgcreate perf_event --name in"
in=$(jv result.path) v=$(jv result.version)
[ -d "$in" ] || fail "cgcreate printed $in, which is not a directory"
nslab_send_ok "cgcreate perf_event --name out"
out=$(jv result.path)
parent=$(dirname "$in")
nslab_send_ok "cgexec in stress cpu 8"
inside=$(jv result.pid)
grep -qx "$inside" "$in/cgroup.procs" || fail "job $inside is not in $in/cgroup.procs"
nslab_send_ok "spawn stress cpu 8"
outside=$(jv result.pid)
! grep -qx "$outside" "$in/cgroup.procs" "$out/cgroup.procs" || fail "job $outside is inside"

[ "$v" = 2 ] && u0=$(usage_usec "$in")
nslab_send_ok "cgperf in 2"
[ "$v" = 2 ] && u1=$(usage_usec "$in")
tc=$(jv result.task_clock_ns) cs=$(jv result.context_switches)
assert_eq 2 "$(jv result.seconds)" "seconds counted"
assert_eq "$(nproc --all 2>/dev/null || nproc)" "$(jv result.cpus)" "CPUs counted on"
[ "$tc" -gt 0 ] || fail "task-clock of a cgroup with a busy job: $tc"
[ "$cs" -gt 0 ] || fail "context switches of a cgroup with a busy job: $cs"
assert_contains "$(jv trace.3.note)" "each online CPU" "the trace says a counter per CPU"
if [ "$v" = 2 ]; then
    # the counters ran within the step: at most what cpu.stat grew by
    # meanwhile (1 ms for the two clocks' rounding)
    grew=$((u1 - u0))
    [ $((tc / 1000)) -le $((grew + 1000)) ] ||
        fail "task-clock $((tc / 1000)) µs is more than cpu.stat usage_usec grew by ($grew µs)"
fi
nslab_send_ok "cgperf out 1"
assert_eq 0 "$(jv result.task_clock_ns)" "task-clock of a cgroup without a task"
assert_eq 0 "$(jv result.context_switches)" "context switches of a cgroup without a task"
assert_eq 0 "$(jv result.page_faults)" "page faults of a cgroup without a task"

# bad input: one line, nothing made, the session goes on
before=$(entries "$parent")
nslab_send_ok "cgcreate pids --name nope"
pids_dir=$(jv result.path)
before=$(entries "$parent")
for bad in "cgperf nosuch" "cgperf in 0" "cgperf in 61" "cgperf in 99999999999999999999" \
    "cgperf in 1x" "cgperf" "cgperf in 1 2"; do
    nslab_send_fails "$bad"
    err=$(jv error)
    [ "$(wc -l <<<"$err")" = 1 ] || fail "'$bad': not one line: $err"
done
if [ "$(dirname "$pids_dir")" != "$parent" ] || [ "$v" = 1 ]; then
    nslab_send_fails "cgperf nope"
    assert_contains "$(jv error)" "without perf_event" "cgperf of a pids cgroup"
fi
assert_eq "$before" "$(entries "$parent")" "the session's cgroups after bad input"
nslab_send_ok "cgls"
nslab_stop

# 2. legacy: no perf_event hierarchy, and no cgroup2
grep -q $'^perf_event\t0\t' /proc/cgroups || skip "perf_event is bound to a hierarchy here"
mount -t tmpfs none /sys/fs/cgroup || skip "cannot mount a tmpfs on /sys/fs/cgroup here"
on_exit umount -l /sys/fs/cgroup
mkdir /sys/fs/cgroup/cpuacct
mount -t cgroup -o cpuacct none /sys/fs/cgroup/cpuacct || skip "cannot mount v1 cpuacct here"
mine=$(grep -c . /proc/self/mountinfo)
nslab_start -k
nslab_send_ok "cgls"
[ -z "${J[result.layout.controllers.perf_event.version]-}" ] ||
    fail "perf_event has a hierarchy in the legacy view before cgcreate"
nslab_send_fails "cgcreate perf_event --name in" EPERM
assert_contains "$(jv error)" "unshare mnt" "the refusal says what to do"
assert_eq "$mine" "$(grep -c . /proc/self/mountinfo)" "mounts of the namespace nslab started in"
! grep -q perf_event /proc/self/mountinfo || fail "a perf_event mount in the test's namespace"
nslab_send_ok "unshare mnt"
nslab_send_ok "cgcreate perf_event --name in"
assert_eq 1 "$(jv result.version)" "a v1 perf_event cgroup"
in=$(jv result.path)
subj=$(jv subject.pid 2>/dev/null || pgrep -P "$nslab_pid" -o)
grep -q " - cgroup cgroup [^ ]*perf_event" "/proc/$subj/mountinfo" ||
    fail "no perf_event hierarchy in the subject's mount namespace"
! grep -q perf_event /proc/self/mountinfo || fail "the perf_event mount reached the test's namespace"
nslab_send_ok "cgcreate perf_event --name out"
nslab_send_ok "cgexec in stress cpu 6"
inside=$(jv result.pid)
grep -qx "$inside" "$in/cgroup.procs" || fail "job $inside is not in $in/cgroup.procs"
nslab_send_ok "spawn stress cpu 6"
nslab_send_ok "cgperf in 1"
[ "$(jv result.task_clock_ns)" -gt 0 ] || fail "task-clock of the v1 cgroup with a busy job"
nslab_send_ok "cgperf out 1"
assert_eq 0 "$(jv result.task_clock_ns)" "task-clock of the empty v1 cgroup"
nslab_stop
# the kernel releases the hierarchy once nslab let go of it
for _ in $(seq 100); do
    grep -q $'^perf_event\t0\t' /proc/cgroups && break
    sleep 0.1
done
grep -q $'^perf_event\t0\t' /proc/cgroups || fail "the perf_event hierarchy outlived the session"
echo "cgroup-perf: ok (here: perf_event v$v; and legacy)"

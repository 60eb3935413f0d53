#!/usr/bin/env bash
# cgset writes any file of the session's cgroups, but the files that
# cgattach and cgfreeze write go through their checks (SPEC §6):
#  - cgroup.procs, tasks: only the session's processes (never one the test
#    started, never nslab itself: "0"); a foreign process stays where it
#    was and survives nslab's exit;
#  - freezer.state FROZEN, cgroup.freeze 1: never over the subject (which
#    would hang the session forever): refused, and the session answers the
#    next step (bounded by NSLAB_STEP_TIMEOUT); nor does spawn --cg (cgexec)
#    start a job in a frozen cgroup, where it would stop before it runs;
#  - cgroup.kill: only when every process inside is the session's.
# Checked against cgroup.procs, /proc/PID/cgroup and the freeze files.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
export NSLAB_STEP_TIMEOUT=20

sleep 300 &
foreign=$!
on_exit kill -KILL "$foreign"
foreign_cg=$(cat "/proc/$foreign/cgroup")

nslab_start -k
nslab_send_ok "cgls"
mode=$(jv result.layout.mode)
pids_v=$(jv result.layout.controllers.pids.version)
[ "$pids_v" = 1 ] || [ "$pids_v" = 2 ] || skip "no pids controller here ($mode layout)"

# 1. Moving processes: the session's only.
nslab_send_ok "cgcreate pids --name p1"
p1=$(jv result.path)
nslab_send "cgset p1 cgroup.procs $foreign"
assert_eq false "$(jv ok)" "cgset cgroup.procs of a foreign process"
assert_eq EPERM "$(jv errno)" "cgset cgroup.procs of a foreign process: errno"
assert_contains "$(jv error)" "not one of this session's" "the refusal says why"
grep -qx "$foreign" "$p1/cgroup.procs" && fail "the foreign process was moved into p1"
if [ -f "$p1/tasks" ]; then
    nslab_send "cgset p1 tasks $foreign"
    assert_eq false "$(jv ok)" "cgset tasks of a foreign process"
    grep -qx "$foreign" "$p1/tasks" && fail "the foreign process was moved into p1 (tasks)"
fi
nslab_send "cgset p1 cgroup.procs 0"
assert_eq false "$(jv ok)" "cgset cgroup.procs 0 (nslab itself)"
grep -qx "$nslab_pid" "$p1/cgroup.procs" && fail "nslab itself was moved into p1"
nslab_send "cgset p1 cgroup.procs $nslab_pid"
assert_eq false "$(jv ok)" "cgset cgroup.procs of nslab's own PID"
nslab_send "cgset p1 cgroup.procs %1"
assert_eq false "$(jv ok)" "cgset cgroup.procs with a word that is no PID"
nslab_send_ok "spawn sleep 100"
job=$(jv result.pid)
nslab_send_ok "cgset p1 cgroup.procs $job"
grep -qx "$job" "$p1/cgroup.procs" || fail "the session's job was not moved into p1"

# 2. Freezing: never the subject's cgroup; the session goes on.
nslab_send_ok "cgcreate freezer --name f1"
f1=$(jv result.path)
nslab_send_ok "cgattach f1"
if [ -f "$f1/freezer.state" ]; then
    nslab_send "cgset f1 freezer.state FROZEN"
    state=$(cat "$f1/freezer.state")
else
    nslab_send "cgset f1 cgroup.freeze 1"
    state=$(awk '$1 == "frozen" { print $2 }' "$f1/cgroup.events")
fi
assert_eq false "$(jv ok)" "freezing the subject's cgroup with cgset"
assert_eq EBUSY "$(jv errno)" "freezing the subject's cgroup with cgset: errno"
assert_contains "$(jv error)" "the subject is in f1" "the refusal names the subject"
[ "$state" = FROZEN ] || [ "$state" = 1 ] && fail "f1 was frozen with the subject inside"
nslab_send_ok "hostname"
# A job's cgroup may be frozen; a new job cannot start in it (it would stop
# before its program runs, and spawn would wait forever).
nslab_send_ok "cgcreate freezer --name f4"
nslab_send_ok "cgexec f4 sleep 100"
nslab_send_ok "cgfreeze f4"
nslab_send "spawn --cg f4 sleep 5"
assert_eq false "$(jv ok)" "spawn --cg into a frozen cgroup"
assert_eq EBUSY "$(jv errno)" "spawn --cg into a frozen cgroup: errno"
nslab_send "cgexec f4 sleep 5"
assert_eq false "$(jv ok)" "cgexec into a frozen cgroup"
nslab_send_ok "cgthaw f4"

# 3. v2's files in a hybrid system's cgroup2 mount: cgroup.freeze, cgroup.kill.
if [ "$mode" = hybrid ]; then
    nslab_send_ok "cgcreate freezer --v2 --name f2"
    f2=$(jv result.path)
    nslab_send_ok "cgattach f2"
    nslab_send "cgset f2 cgroup.freeze 1"
    assert_eq false "$(jv ok)" "cgset f2 cgroup.freeze 1 over the subject"
    assert_eq 0 "$(awk '$1 == "frozen" { print $2 }' "$f2/cgroup.events")" "f2 is not frozen"
    nslab_send_ok "hostname"
    nslab_send_ok "cgcreate freezer --v2 --name f3"
    f3=$(jv result.path)
    nslab_send_ok "cgexec f3 sleep 100"
    victim=$(jv result.pid)
    victim_job=$(jv result.job)
    # Someone else puts a process of theirs there: cgroup.kill would kill it.
    home=$(awk -F: '$1 == "0" { print $3 }' <<<"$foreign_cg")
    echo "$foreign" >"$f3/cgroup.procs"
    nslab_send "cgset f3 cgroup.kill 1"
    assert_eq false "$(jv ok)" "cgroup.kill with a foreign process inside"
    assert_contains "$(jv error)" "process $foreign" "the refusal names the foreign process"
    kill -0 "$foreign" || fail "the foreign process was killed by cgroup.kill"
    echo "$foreign" >"/sys/fs/cgroup/unified$home/cgroup.procs"
    nslab_send_ok "cgset f3 cgroup.kill 1"
    nslab_send_ok "expect dead %$victim_job within 5"
    kill -0 "$victim" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$victim/status" &&
        fail "cgroup.kill left the session's job alive"
fi

nslab_stop
# (exit status 1: the refused steps count as failed ones under -k)
kill -0 "$foreign" || fail "the foreign process did not survive nslab's exit"
# Per hierarchy: the cgroup it was in at the start. Other sessions on the
# machine may mount or drop a v1 hierarchy meanwhile (net_cls, perf_event): a
# hierarchy gone from /proc/PID/cgroup is no move, and in a new one it is at
# the root.
while IFS=: read -r id ctl path; do
    was=$(awk -F: -v id="$id" -v ctl="$ctl" '$1 == id && $2 == ctl { print $3 }' <<<"$foreign_cg")
    [ -n "$was" ] || was=/
    assert_eq "$was" "$path" "the foreign process's cgroup in hierarchy $id ($ctl)"
done <"/proc/$foreign/cgroup"
echo "cgset-guard: ok"

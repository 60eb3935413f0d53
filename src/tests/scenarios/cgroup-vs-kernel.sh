#!/usr/bin/env bash
# Cgroups: what nslab does and reports (cgcreate, cgset, cgexec, cgattach,
# cgfreeze, cgdelete, the observation) against the kernel's own files on
# this machine's real hierarchies: limits read back, the OOM kill counted in
# memory.oom_control or memory.events, throttling in cpu.stat, the freeze
# state in freezer.state or cgroup.events, cgroup.procs membership, a busy
# cgroup refused with its PIDs named, and nothing left after exit.
# nslab is driven step by step through a pipe.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

coproc NSL { exec "$NSLAB" -J -k 2>"$tmpdir/stderr"; }
nslab_pid=$NSL_PID
on_exit sh -c "kill -KILL $nslab_pid 2>/dev/null || true"

# step CMD: send one command, print its step object (events are skipped).
step() {
    printf '%s\n' "$1" >&"${NSL[1]}"
    local line
    while IFS= read -r -t 60 line <&"${NSL[0]}"; do
        case "$line" in *'"step":'*) printf '%s\n' "$line"; return 0 ;; esac
    done
    fail "no answer to '$1' (stderr: $(cat "$tmpdir/stderr"))"
}
# ok_step CMD: step, and fail unless it succeeded; print the step object.
ok_step() {
    local s
    s=$(step "$1")
    [ "$(json_get "$s" ok)" = true ] || fail "'$1' failed: $(json_get "$s" error)"
    printf '%s\n' "$s"
}
# value FILE [KEY]: a kernel file's text, or the value of KEY in it.
value() {
    if [ $# -eq 2 ]; then awk -v k="$2" '$1 == k { print $2 }' "$1"; else cat "$1"; fi
}
# the element of a step's "cgroups" array for NAME, as JSON
cg_of() {
    python3 -c 'import json,sys; print(json.dumps([c for c in json.loads(sys.argv[1])["cgroups"] if c["name"] == sys.argv[2]][0]))' "$1" "$2"
}
# jkey JSON KEY...: the value under these keys (which may contain dots, as
# cgroup file names do), printed as json_get prints it.
jkey() {
    python3 -c '
import json, sys
v = json.loads(sys.argv[1])
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if isinstance(v, str) else json.dumps(v))' "$@" || fail "no ${*:2} in the JSON"
}
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

s=$(ok_step "cgls")
mode=$(json_get "$s" result.layout.mode)
mem_v=$(json_get "$s" result.layout.controllers.memory.version)
[ "$mem_v" = 1 ] || [ "$mem_v" = 2 ] || skip "no memory controller here ($mode layout)"
dirs=()

# 1. memory: the limit as the kernel reads it back; an OOM kill counted.
s=$(ok_step "cgcreate mem 64M")
mem=$(json_get "$s" result.path)
dirs+=("$mem")
[ -d "$mem" ] || fail "cgcreate printed $mem, which is not a directory"
case $mem_v in
1) limit_file=memory.limit_in_bytes oom_file=memory.oom_control ;;
2) limit_file=memory.max oom_file=memory.events ;;
esac
assert_eq 67108864 "$(value "$mem/$limit_file")" "the kernel's $limit_file"
assert_eq 67108864 "$(jkey "$s" result files "$limit_file")" "cgcreate's result"
assert_contains "$(json_get "$s" trace)" "$mem/$limit_file" "the trace names the real file"
s=$(ok_step "cgset mem1 limit 32M")
assert_eq 33554432 "$(value "$mem/$limit_file")" "the limit after cgset"
s=$(ok_step "cgset mem1 limit 64M")

s=$(ok_step "cgexec mem1 sleep")
napper=$(json_get "$s" result.pid)
grep -qx "$napper" "$mem/cgroup.procs" || fail "job $napper is not in $mem/cgroup.procs"
c=$(cg_of "$s" mem1)
assert_eq "[$napper]" "$(jkey "$c" pids)" "the observation's member PIDs"
ok_step "kill -KILL %1" >/dev/null
s=$(ok_step "cgexec mem1 stress mem 200M")
job=$(json_get "$s" result.pid)
s=$(ok_step "expect dead %2 KILL within 30")
s=$(ok_step "expect event \"OOM kill in mem1\" within 3")
kernel_ooms=$(value "$mem/$oom_file" oom_kill)
[ "$kernel_ooms" -ge 1 ] || fail "the kernel counted no OOM kill in $mem/$oom_file"
s=$(ok_step "cgget mem1")
assert_eq "$kernel_ooms" "$(jkey "$s" result files "$oom_file:oom_kill")" "nslab's oom_kill"
c=$(cg_of "$s" mem1)
assert_eq "$kernel_ooms" "$(jkey "$c" files "$oom_file" oom_kill)" "the observation's oom_kill"
s=$(ok_step "expect cg mem1 oom_kill $kernel_ooms")

# 2. cpu: the quota in the kernel's files; throttling counted in cpu.stat.
if s=$(step "cgcreate cpu 20%") && [ "$(json_get "$s" ok)" = true ]; then
    cpu=$(json_get "$s" result.path)
    dirs+=("$cpu")
    if [ -f "$cpu/cpu.max" ]; then
        assert_eq "20000 100000" "$(value "$cpu/cpu.max")" "cpu.max"
    else
        assert_eq 20000 "$(value "$cpu/cpu.cfs_quota_us")" "cpu.cfs_quota_us"
        assert_eq 100000 "$(value "$cpu/cpu.cfs_period_us")" "cpu.cfs_period_us"
    fi
    ok_step "cgexec cpu1 stress cpu 2" >/dev/null
    ok_step "expect dead %3 within 10" >/dev/null
    throttled=$(value "$cpu/cpu.stat" nr_throttled)
    [ "$throttled" -gt 0 ] || fail "cpu.stat counts no throttling after 2 s at 20%"
    s=$(ok_step "cgget cpu1 throttled")
    assert_eq "$throttled" "$(json_get "$s" result.files.throttled)" "nslab's nr_throttled"
    ok_step "cgset cpu1 weight 400" >/dev/null
    if [ -f "$cpu/cpu.weight" ]; then
        assert_eq 400 "$(value "$cpu/cpu.weight")" "cpu.weight"
    else
        assert_eq 4096 "$(value "$cpu/cpu.shares")" "cpu.shares for weight 400"
    fi
fi

# 3. pids: fork refused past pids.max, counted in pids.events.
s=$(ok_step "cgcreate pids 5")
pids=$(json_get "$s" result.path)
dirs+=("$pids")
assert_eq 5 "$(value "$pids/pids.max")" "pids.max"
s=$(ok_step "cgexec pids1 stress fork 10")
forker=$(json_get "$s" result.pid)
ok_step "expect event EAGAIN within 5" >/dev/null
assert_eq 5 "$(value "$pids/pids.current")" "pids.current"
[ "$(value "$pids/pids.events" max)" -ge 1 ] || fail "pids.events counts no refused fork"
assert_eq 5 "$(wc -l <"$pids/cgroup.procs")" "processes in pids1"
grep -qx "$forker" "$pids/cgroup.procs" || fail "stress fork is not in pids1"
s=$(ok_step "cgget pids1 procs usage")
assert_eq 5 "$(json_get "$s" result.files.procs)" "nslab's count"

# 4. a busy cgroup is refused, its processes named; nothing is killed.
s=$(step "cgdelete pids1")
assert_eq false "$(json_get "$s" ok)" "cgdelete of a busy cgroup"
assert_eq EBUSY "$(json_get "$s" errno)" "the kernel's refusal"
assert_contains "$(json_get "$s" error)" "$forker (stress)" "the error names who is inside"
[ -d "$pids" ] || fail "the busy cgroup was removed"
alive "$forker" || fail "cgdelete killed a process"

# 5. freezing: the kernel's freeze state, and the processes stopped.
s=$(ok_step "cgcreate freezer")
frz=$(json_get "$s" result.path)
dirs+=("$frz")
s=$(ok_step "cgexec freezer1 sleep")
sleeper=$(json_get "$s" result.pid)
ok_step "cgfreeze freezer1" >/dev/null
if [ -f "$frz/freezer.state" ]; then
    assert_eq FROZEN "$(value "$frz/freezer.state")" "freezer.state"
else
    assert_eq 1 "$(value "$frz/cgroup.events" frozen)" "cgroup.events frozen"
fi
ok_step "expect cg freezer1 frozen 1" >/dev/null
ok_step "cgthaw freezer1" >/dev/null
if [ -f "$frz/freezer.state" ]; then
    assert_eq THAWED "$(value "$frz/freezer.state")" "freezer.state after cgthaw"
else
    assert_eq 0 "$(value "$frz/cgroup.events" frozen)" "cgroup.events after cgthaw"
fi

# 6. v2's core files in a hybrid system's cgroup2 mount.
if [ "$mode" = hybrid ]; then
    s=$(ok_step "cgcreate freezer --v2")
    frz2=$(json_get "$s" result.path)
    dirs+=("$frz2")
    assert_eq 2 "$(json_get "$s" result.version)" "--v2 makes a v2 cgroup"
    s=$(ok_step "cgexec freezer2 sleep")
    sleeper2=$(json_get "$s" result.pid)
    assert_eq "$sleeper2" "$(cat "$frz2/cgroup.procs")" "cgroup.procs of the v2 cgroup"
    s=$(ok_step "cgfreeze freezer2")
    assert_contains "$(json_get "$s" trace)" "$frz2/cgroup.freeze" "the v2 freeze file"
    assert_eq 1 "$(value "$frz2/cgroup.events" frozen)" "cgroup.events frozen on the v2 mount"
    # left frozen: the exit must still end it (cgroup.kill) and remove the cgroup
fi

# 7. cgattach: the subject moves; its /proc/PID/cgroup agrees.
s=$(ok_step "cgattach mem1")
subject=$(json_get "$s" result.pid)
grep -qx "$subject" "$mem/cgroup.procs" || fail "the subject is not in $mem/cgroup.procs"
rel=${mem#/sys/fs/cgroup/memory}
[ "$mem_v" = 2 ] && rel=${mem#/sys/fs/cgroup/unified} && rel=${rel#/sys/fs/cgroup}
grep -q ":$rel\$" "/proc/$subject/cgroup" || fail "/proc/$subject/cgroup does not show $rel"
c=$(cg_of "$s" mem1)
assert_eq true "$(json_get "$c" subject_inside)" "the observation says the subject is inside"
s=$(step "cgattach mem1 1")
assert_eq EPERM "$(json_get "$s" errno)" "cgattach of a process not of this session"

# 8. exit: every cgroup removed, every process ended.
printf 'exit\n' >&"${NSL[1]}"
wait "$nslab_pid" || true
for d in "${dirs[@]}"; do
    [ ! -e "$d" ] || fail "$d outlived the session"
    [ ! -e "$(dirname "$d")" ] || fail "the session parent $(dirname "$d") outlived the session"
done
for p in "$job" "$forker" "$sleeper" "${sleeper2:-}"; do
    [ -z "$p" ] || ! alive "$p" || fail "process $p outlived the session"
done
echo "cgroup-vs-kernel: ok ($mode layout)"

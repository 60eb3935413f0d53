#!/usr/bin/env bash
# Jobs against the kernel: kill -KILL %N really ends the process and jobs
# says how; wait %N returns when the job ends; a program that is not there
# fails with ENOENT and leaves no job and no process; and nothing nslab
# started (subject, jobs, the orphans they leave) outlives it, whether it
# ends at end of input or by SIGTERM.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v setsid >/dev/null || skip "needs setsid (util-linux)"

started=() # every PID nslab started, to check after it has gone

# A cleanup for when the test fails before nslab has ended them.
kill_quietly()
{
    kill -KILL "$1" 2>/dev/null || true
}

# gone PID: the process has ended and been reaped (kill -0 also succeeds on
# a zombie), waiting up to 5 s for the kernel and init to get there.
gone()
{
    local i
    for ((i = 0; i < 50; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# orphans_of PID: the PIDs whose parent is PID and whose command is sleep.
orphans_of()
{
    local st rest
    for st in /proc/[0-9]*/stat; do
        rest=$(cat "$st" 2>/dev/null) || continue
        # "PID (comm) S PPID ...": comm may hold spaces, so cut at ") ".
        [[ $rest == *"(sleep) "* ]] || continue
        rest=${rest##*) }
        set -- $rest
        [ "$2" = "$target_ppid" ] && echo "${st//[^0-9]/}"
    done
}

# find_orphan: the sleep that `spawn setsid sleep ...` leaves behind, now a
# child of nslab (a child subreaper). Sets orphan.
find_orphan()
{
    local i
    target_ppid=$nslab_pid
    orphan=""
    for ((i = 0; i < 50; i++)); do
        orphan=$(orphans_of)
        [ -n "$orphan" ] && break
        sleep 0.1
    done
    [ -n "$orphan" ] || fail "no orphaned sleep re-parented to nslab ($nslab_pid)"
    [ "$(wc -w <<<"$orphan")" -eq 1 ] || fail "several orphans of nslab: $orphan"
    on_exit kill_quietly "$orphan"
}

# --- a session --------------------------------------------------------------
nslab_start -k
nslab_send_ok "show"
started=("$(jv subject.pid)")

# kill -KILL %1: the process is gone, jobs says how it ended.
nslab_send_ok "spawn sleep 30"
p1=$(jv result.pid)
started+=("$p1")
kill -0 "$p1" 2>/dev/null || fail "the spawned sleep $p1 is not running"
assert_eq "$(jv subject.pid)" "$(awk '/^PPid:/ { print $2 }' "/proc/$p1/status")" "a job is a child of the subject"
nslab_send_ok "kill -KILL %1"
assert_eq false "$(jv result.alive)" "kill -KILL %1: result.alive"
assert_eq KILL "$(jv result.signal)" "kill -KILL %1: result.signal"
assert_eq kill "$(jv trace.0.call)" "kill -KILL %1: the trace"
assert_eq "$p1, SIGKILL" "$(jv trace.0.args)" "kill -KILL %1: the trace's arguments"
# nslab says it has ended: the kernel must agree at once, reaped and all.
! kill -0 "$p1" 2>/dev/null || fail "kill -KILL %1 says ended, but $p1 is still there: $(cat /proc/"$p1"/stat 2>/dev/null)"
[ ! -e "/proc/$p1" ] || fail "/proc/$p1 is still there after kill -KILL %1"
nslab_send_ok "jobs"
assert_eq 1 "$(jv result.#)" "jobs: one job"
assert_eq "$p1" "$(jv result.0.pid)" "jobs: the job's PID"
assert_eq "killed by SIGKILL" "$(jv result.0.state)" "jobs: the state after kill -KILL"
events="${nslab_events[*]}"
assert_contains "$events" "\"event\":\"killed\",\"job\":1,\"pid\":$p1,\"signal\":\"KILL\"" "the killed event"

# wait %2 returns when a 1-second sleep ends, not before.
nslab_send_ok "spawn sleep 1"
p2=$(jv result.pid)
started+=("$p2")
job2=$(jv result.job)
t0=$EPOCHREALTIME
nslab_send_ok "wait %$job2"
t1=$EPOCHREALTIME
assert_eq "$job2" "$(jv result.job)" "wait: result.job"
assert_eq 0 "$(jv result.status)" "wait: the sleep's exit status"
[ "$(( (${t1/./} - ${t0/./}) / 1000 ))" -ge 500 ] ||
    fail "wait %$job2 returned after $(( (${t1/./} - ${t0/./}) / 1000 )) ms, before sleep 1 could end"
! kill -0 "$p2" 2>/dev/null || fail "wait returned but $p2 is still there"
nslab_send_ok "jobs"
assert_eq "exited 0" "$(jv result.1.state)" "jobs: the state after wait"

# A program that is not there: ENOENT, no job, no process.
for prog in /nonexistent/nslab-no-such-program nslab-no-such-program-in-path; do
    nslab_send "spawn $prog"
    assert_eq false "$(jv ok)" "spawn $prog"
    assert_eq ENOENT "$(jv errno)" "spawn $prog: errno"
    assert_contains "$(jv error)" "$prog" "spawn $prog: names the program"
    assert_eq clone3 "$(jv trace.0.call)" "spawn $prog: the clone"
    p=$(jv trace.0.ret)
    assert_eq execvp "$(jv trace.1.call)" "spawn $prog: the exec"
    assert_eq -1 "$(jv trace.1.ret)" "spawn $prog: the exec failed"
    assert_eq ENOENT "$(jv trace.1.errno)" "spawn $prog: the exec's errno"
    gone "$p" || fail "spawn $prog left its child $p behind"
    nslab_send_ok "jobs"
    assert_eq 2 "$(jv result.#)" "spawn $prog added a job"
done

# More to clean up at the end: a running job, an orphan (setsid forks and
# its parent exits; in the host's PID namespace the orphan goes to nslab,
# a child subreaper), and a PID 1 with a second process in its namespace.
nslab_send_ok "spawn sleep 300"
started+=("$(jv result.pid)")
nslab_send_ok "spawn setsid sleep 300"
find_orphan
started+=("$orphan")
nslab_send_ok "unshare pid"
nslab_send_ok "spawn sleep"
started+=("$(jv result.pid)")
nslab_send_ok "spawn sleep 300"
started+=("$(jv result.pid)")
assert_eq 2 "$(jv result.ns_pid)" "the second process of the new PID namespace"
# reset ends the subject and what it started.
old_subject=$(jv subject.pid)
nslab_send_ok "spawn sleep 300"
before_reset=$(jv result.pid)
nslab_send_ok "reset"
started+=("$(jv subject.pid)")
gone "$old_subject" || fail "reset left the old subject $old_subject"
gone "$before_reset" || fail "reset left the job $before_reset"
nslab_send_ok "spawn sleep 300"
started+=("$(jv result.pid)")

nslab_stop
assert_eq 1 "$nslab_status" "nslab's exit status (two spawns failed)"
for p in "${started[@]}"; do
    gone "$p" || fail "process $p, started by nslab, outlived it: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
done

# --- SIGTERM to nslab while it waits for input --------------------------------
nslab_start
nslab_send_ok "spawn sleep"
started=("$(jv subject.pid)" "$(jv result.pid)")
nslab_send_ok "spawn --ns pid,net,uts sleep 300"
started+=("$(jv result.pid)")
nslab_send_ok "spawn setsid sleep 300"
find_orphan
started+=("$orphan")
pid=$nslab_pid
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
nslab_pid=""
exec {nslab_in}>&- {nslab_out}<&-
assert_eq 143 "$status" "nslab's exit status after SIGTERM (128 + 15)"
for p in "${started[@]}"; do
    gone "$p" || fail "process $p, started by nslab, outlived its SIGTERM: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
done

#!/usr/bin/env bash
# The observation after every step against the kernel's own /proc/PID/ns.
# nslab reads the subject's links through a directory kept open and, after a
# step that sent no request able to change them, keeps its last reading once
# one link confirms the subject is still there, and after unshare or setns
# re-reads only the slots of the types entered (docs/performance.md). This
# checks, step by step through a pipe, that what each step shows is what
# readlink says right after: across unshare and setns, the pending
# pid_for_children and its first fork, reset, and a subject killed from
# outside. Each step is checked against the kernel, so a request that
# marks too few slots shows up as a stale entry.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

coproc NSL { exec "$NSLAB" -J -k 2>"$tmpdir/stderr"; }
nslab_pid=$NSL_PID
on_exit sh -c "kill -KILL $nslab_pid 2>/dev/null || true"

# step CMD: send one command, print its step object (events are skipped).
step()
{
    printf '%s\n' "$1" >&"${NSL[1]}"
    local line
    while IFS= read -r -t 20 line <&"${NSL[0]}"; do
        case "$line" in *'"step":'*) printf '%s\n' "$line"; return 0 ;; esac
    done
    fail "no answer to '$1' (stderr: $(cat "$tmpdir/stderr"))"
}

# check CMD: run CMD as a step, then compare each of the ten entries its
# observation shows with readlink of the subject's /proc/PID/ns (an entry
# the kernel will not show must be null there).
check()
{
    local s pid slot want got
    s=$(step "$1")
    pid=$(json_get "$s" subject.pid)
    for slot in cgroup ipc mnt net pid pid_for_children time time_for_children user uts; do
        want=$(readlink "/proc/$pid/ns/$slot" 2>/dev/null || true)
        want=${want#*[}
        want=${want%]}
        got=$(json_get "$s" "subject.ns.$slot.inode")
        [ "$got" = null ] && got=
        assert_eq "$want" "$got" "after '$1', $slot of subject $pid"
    done
    echo "$1" >>"$tmpdir/checked"
    printf '%s\n' "$s"
}

check "hostname" >/dev/null
check "unshare uts" >/dev/null
check "hostname inside" >/dev/null
check "ls-ns" >/dev/null
check "setns uts host" >/dev/null
# A change that leaves uts alone, then steps that send no such request.
check "unshare ipc net" >/dev/null
check "hostname" >/dev/null
check "ls-ns" >/dev/null
check "setns all host" >/dev/null
# pid_for_children: pending after unshare pid, readable from the first fork.
s=$(check "unshare pid")
assert_eq true "$(json_get "$s" subject.ns.pid_for_children.pending)" "pending after unshare pid"
check "hostname" >/dev/null
s=$(check "spawn sleep 60")
assert_eq 1 "$(json_get "$s" result.ns_pid)" "the first process after unshare pid is PID 1"
check "kill -KILL %1" >/dev/null
check "hostname" >/dev/null
# Each request marks only the slots it may change: more types at once, the
# time pair, entering several, a user namespace (which marks them all).
ok()
{
    local s
    s=$(check "$1")
    assert_eq true "$(json_get "$s" ok)" "'$1' succeeds"
}
ok "unshare mnt cgroup"
ok "unshare time"
ok "ls-ns"
ok "setns all host"
ok "spawn --ns net,ipc sleep 60"
ok "setns net %2"
ok "setns ipc %2"
ok "unshare time"
ok "setns time host"
ok "unshare user"
ok "hostname"
check "reset" >/dev/null
check "unshare uts" >/dev/null
# The subject killed behind nslab's back: the next step must not show the
# namespaces it had.
s=$(step "hostname")
subject=$(json_get "$s" subject.pid)
kill -KILL "$subject"
for _ in $(seq 50); do
    grep -q '^State:[[:space:]]*Z' "/proc/$subject/status" 2>/dev/null && break
    sleep 0.02
done
check "ls-ns" >/dev/null
check "hostname" >/dev/null
check "reset" >/dev/null
check "hostname" >/dev/null
# End of input: nslab ends its subject and jobs and exits 0 (-k: no failed
# step counts, the killed subject's was expected here).
eval "exec ${NSL[1]}>&-"
wait "$nslab_pid" || true
echo "observe-vs-kernel: $(wc -l <"$tmpdir/checked") steps, every observation as the kernel shows it"

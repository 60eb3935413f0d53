#!/usr/bin/env bash
# `enter TARGET [TYPE,...]`: the subject joins TARGET's namespaces and goes
# on as a new subject born inside them, so `unshare pid; spawn init; enter
# %1; unshare pid; spawn init` nests PID namespaces from inside, to the
# kernel's limit. Checked against the kernel: NSpid in /proc/PID/status,
# the namespace links, a signal's effect on the target (kill --from %N),
# the subject's namespaces after `reset` (against /proc/1/ns), no process
# left after exit. Bad input: one clear line, nothing changed.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

nspid_of() { sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$1/status" | tr -s '\t ' ' '; }
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
nslink() { readlink "/proc/$1/ns/$2"; }

nslab_start -k
nslab_send_ok "ls-ns"
first_subject=${J[subject.pid]}
seen=("$first_subject")

# 1. Two levels: an init in a new PID namespace, the subject entering it,
#    a second init made from there. Its NSpid has three numbers.
nslab_send_ok "unshare pid"
nslab_send_ok "spawn init"
init1=${J[result.pid]}
nslab_send_ok "enter %1"
subj1=${J[result.subject]}
assert_eq "$subj1" "${J[subject.pid]}" "the step's subject is the new one"
assert_eq "$(nslink "$init1" pid)" "$(nslink "$subj1" pid)" "the new subject is in %1's PID namespace"
assert_eq 2 "$(nspid_of "$subj1" | wc -w)" "the new subject's NSpid has two numbers"
assert_eq "$(nspid_of "$subj1" | awk '{print $NF}')" "${J[result.ns_pid]}" "its PID inside"
assert_eq "$first_subject" "$(awk '/^PPid:/ {print $2}' "/proc/$subj1/status")" \
    "the subject before it is its parent"
seen+=("$init1" "$subj1")
nslab_send_ok "unshare pid"
nslab_send_ok "spawn init"
init2=${J[result.pid]}
assert_eq 3 "$(nspid_of "$init2" | wc -w)" "the second-level init's NSpid has three numbers"
assert_eq 1 "$(nspid_of "$init2" | awk '{print $NF}')" "it is PID 1 of its namespace"
assert_eq "$subj1" "$(awk '/^PPid:/ {print $2}' "/proc/$init2/status")" "its parent is the new subject"
assert_eq "$(nspid_of "$init2" | awk '{print $NF}')" "${J[result.ns_pid]}" "the job's ns_pid"
seen+=("$init2")

# 2. A sleeper at the second level, signalled from inside %1's namespace
#    (an ancestor of its own): it ends.
nslab_send_ok "spawn sleep 300"
sleeper=${J[result.pid]}
sleeper_job=${J[result.job]}
assert_eq 3 "$(nspid_of "$sleeper" | wc -w)" "the sleeper's NSpid"
seen+=("$sleeper")
nslab_send_ok "kill %$sleeper_job --from %1"
for _ in $(seq 50); do alive "$sleeper" || break; sleep 0.1; done
alive "$sleeper" && fail "SIGTERM from inside %1's namespace did not end the sleeper"
alive "$init1" || fail "%1 died"

# 3. Deeper, to the kernel's limit: each level one more NSpid number.
job=2
level=2
while [ "$level" -lt 32 ]; do
    nslab_send_ok "enter %$job"
    seen+=("${J[result.subject]}")
    assert_eq "$level" "${J[result.level]}" "the subject's level after enter %$job"
    nslab_send "unshare pid"
    [ "${J[ok]}" = true ] || break
    nslab_send_ok "spawn init"
    job=${J[result.job]}
    seen+=("${J[result.pid]}")
    level=$((level + 1))
    assert_eq $((level + 1)) "$(nspid_of "${J[result.pid]}" | wc -w)" "NSpid at level $level"
done
assert_eq 32 "$level" "nested to the kernel's limit"
deep_init=${J[result.pid]}
deep_job=$job
# One more is refused by the kernel (ENOSPC); the session goes on.
nslab_send_ok "enter %$deep_job"
seen+=("${J[result.subject]}")
nslab_send_fails "unshare pid" ENOSPC

# 4. kill --from %N at a deep level: a stop signal sent from inside the
#    deepest init's own namespace to a sleeper there; the kernel shows it
#    stopped. Then SIGKILL from %2's namespace, 30 levels above it.
nslab_send_ok "spawn sleep 300"
deep_sleeper=${J[result.pid]}
deep_sleeper_job=${J[result.job]}
seen+=("$deep_sleeper")
assert_eq 33 "$(nspid_of "$deep_sleeper" | wc -w)" "the deepest sleeper's NSpid"
nslab_send_ok "kill -STOP %$deep_sleeper_job --from %$deep_job"
assert_contains "$(grep '^State:' "/proc/$deep_sleeper/status")" "T (stopped)" "stopped from inside"
nslab_send_ok "kill -KILL %$deep_sleeper_job --from %2"
for _ in $(seq 50); do alive "$deep_sleeper" || break; sleep 0.1; done
alive "$deep_sleeper" && fail "SIGKILL from %2's namespace did not end the deepest sleeper"

# 5. Bad input: one clear line, nothing changed.
subject=${J[subject.pid]}
before=$(nslink "$subject" pid; nslink "$subject" pid_for_children)
nslab_send_fails "enter"
assert_contains "${J[error]}" "usage: enter" "enter without a target"
nslab_send_fails "enter %$sleeper_job" ESRCH
assert_contains "${J[error]}" "has already ended" "enter a dead job"
nslab_send_fails "enter %1 pid,bogus"
assert_contains "${J[error]}" "unknown namespace type 'bogus'" "enter an unknown type"
# The kernel's refusal: the host's PID namespace is above the subject's.
nslab_send_fails "enter host pid" EINVAL
# kill --from a job whose namespace is not above the target's.
nslab_send_fails "kill %1 --from %2" EINVAL
alive "$init1" || fail "kill --from %2 to %1 was refused, yet %1 died"
nslab_send_ok "ls-ns"
assert_eq "$subject" "${J[subject.pid]}" "the subject is the same after the refusals"
assert_eq "$before" "$(nslink "$subject" pid; nslink "$subject" pid_for_children)" \
    "its PID namespaces are the same after the refusals"

# 6. reset: a fresh subject in the host's namespaces, every nested one gone.
nslab_send_ok "reset"
fresh=${J[subject.pid]}
# /proc/1's where this machine lets root read its links (a sandbox may
# not), else those of the shell, which never leaves the host's.
host=1
nslink 1 pid >/dev/null 2>&1 || host=$nslab_pid
for t in cgroup mnt net pid pid_for_children time user; do
    assert_eq "$(nslink "$host" "$t")" "$(nslink "$fresh" "$t")" "$t of the fresh subject is /proc/$host's"
done
for t in ipc uts; do # the runner's own, as nslab's shell's
    assert_eq "$(nslink "$nslab_pid" "$t")" "$(nslink "$fresh" "$t")" "$t of the fresh subject"
done
# gone: none left running or as a zombie
gone() {
    local p left
    for _ in $(seq 100); do
        left=""
        for p in "$@"; do [ -e "/proc/$p" ] && left+=" $p"; done
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    fail "left behind:$left"
}
gone "${seen[@]}"

# 7. The init of the entered namespace dies: the kernel kills the subject
#    with it; the next step starts a fresh one in the host's namespaces.
nslab_send_ok "unshare pid"
nslab_send_ok "spawn init"
doomed_job=$(jv result.job)
doomed=("${J[result.pid]}")
nslab_send_ok "enter %$doomed_job"
doomed+=("${J[result.subject]}")
nslab_send_ok "kill -KILL %$doomed_job"
gone "${doomed[@]}"
nslab_send_ok "ls-ns"
revived=${J[subject.pid]}
assert_eq "$(nslink "$host" pid)" "$(nslink "$revived" pid)" "the revived subject's PID namespace"
gone "$fresh"

# 8. Again, then exit: nothing of it is left.
nslab_send_ok "unshare pid"
nslab_send_ok "spawn init"
again=("${J[result.pid]}")
nslab_send_ok "enter %$(jv result.job)"
again+=("${J[result.subject]}")
nslab_send_ok "spawn --ns pid sleep 300"
again+=("${J[result.pid]}")
assert_eq 3 "$(nspid_of "${J[result.pid]}" | wc -w)" "spawn --ns pid from an entered subject"
nslab_stop
assert_eq 1 "$nslab_status" "exit status (steps failed on purpose)"
gone "${again[@]}" "$revived"
echo "ok: enter nests PID namespaces from inside to the kernel's limit; kill --from %N; reset"

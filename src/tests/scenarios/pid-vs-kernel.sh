#!/usr/bin/env bash
# PID namespaces: what nslab reports (spawn, ps, kill) against the kernel's own
# view: NSpid chains in /proc/PID/status, liveness by kill -0, and no zombie
# left behind by init's reaping. nslab is driven step by step through a pipe.
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
    while IFS= read -r -t 20 line <&"${NSL[0]}"; do
        case "$line" in *'"step":'*) printf '%s\n' "$line"; return 0 ;; esac
    done
    fail "no answer to '$1' (stderr: $(cat "$tmpdir/stderr"))"
}
nspid_of() { sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$1/status" | tr -s '\t ' ' '; }
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# 1. spawn into a new PID namespace: ns_pid 1, as the kernel numbers it.
s=$(step "spawn --ns pid init")
assert_eq true "$(json_get "$s" ok)" "spawn init"
init=$(json_get "$s" result.pid)
assert_eq 1 "$(json_get "$s" result.ns_pid)" "init's ns_pid"
assert_eq "$init 1" "$(nspid_of "$init")" "NSpid of init"

# 2. a second process in that namespace.
step "setns pid %1" >/dev/null
s=$(step "spawn sleep")
sleeper=$(json_get "$s" result.pid)
assert_eq "$(nspid_of "$sleeper" | awk '{print $NF}')" "$(json_get "$s" result.ns_pid)" "sleeper's ns_pid"

# 3. a third level, made from inside by util-linux unshare.
s=$(step "spawn unshare --pid --fork sleep 300")
unshare_pid=$(json_get "$s" result.pid)
deep=""
for _ in $(seq 50); do
    deep=$(pgrep -P "$unshare_pid" || true)
    [ -n "$deep" ] && break
    sleep 0.1
done
[ -n "$deep" ] || fail "unshare --fork made no child"

# 4. ps of each namespace against /proc/PID/status.
check_ps() { # JSON of a ps step, level
    local json=$1 level=$2 n i host chain pid ppid hostppid want_ppid
    n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["result"]["processes"]))' "$json")
    [ "$n" -gt 0 ] || fail "ps listed nothing"
    for ((i = 0; i < n; i++)); do
        host=$(json_get "$json" "result.processes.$i.host_pid")
        [ -d "/proc/$host" ] || continue
        chain=$(python3 -c 'import json,sys; print(" ".join(map(str, json.loads(sys.argv[1])["result"]["processes"][int(sys.argv[2])]["nspid"])))' "$json" "$i")
        assert_eq "$(nspid_of "$host")" "$chain" "NSpid chain of $host"
        pid=$(json_get "$json" "result.processes.$i.pid")
        assert_eq "$(nspid_of "$host" | cut -s -d' ' -f$((level + 1)))" "$pid" "PID of $host at level $level"
        ppid=$(json_get "$json" "result.processes.$i.ppid")
        hostppid=$(awk '/^PPid:/ {print $2}' "/proc/$host/status")
        # cut -s: a parent with no PID at this level (outside) prints nothing.
        want_ppid=$(nspid_of "$hostppid" 2>/dev/null | cut -s -d' ' -f$((level + 1)))
        assert_eq "${want_ppid:-0}" "$ppid" "PPID of $host at level $level"
    done
}
s=$(step "ps")
assert_eq 1 "$(json_get "$s" result.level)" "ps level of the first namespace"
check_ps "$s" 1
assert_contains "$(json_get "$s" output)" "sleep 300" "ps sees the nested namespace's process"
s=$(step "ps $deep")
assert_eq 2 "$(json_get "$s" result.level)" "ps level of the nested namespace"
check_ps "$s" 2
assert_eq 3 "$(nspid_of "$deep" | wc -w)" "three levels of NSpid"

# 5. reaping: an orphan is re-parented to init and reaped; no zombie stays.
s=$(step "spawn orphan 1")
sleep 2.5
for p in $(pgrep -P "$init" || true); do
    ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null || fail "zombie $p under init"
done

# 6. signals: SIGKILL from inside is ignored by init, from the host it is not.
s=$(step "kill -KILL %1 --from inside")
assert_eq true "$(json_get "$s" result.alive)" "nslab says init survived SIGKILL from inside"
alive "$init" || fail "init died of SIGKILL from inside"
s=$(step "kill -TERM %1")
assert_eq true "$(json_get "$s" result.alive)" "init ignores SIGTERM from the host"
alive "$init" || fail "init died of SIGTERM without a handler"
s=$(step "kill -KILL %1")
assert_eq false "$(json_get "$s" result.alive)" "nslab says init died"
! alive "$init" || fail "init survived SIGKILL from the host"
# Its namespace dies with it.
for p in "$sleeper" "$unshare_pid" "$deep"; do
    for _ in $(seq 20); do alive "$p" || break; sleep 0.1; done
    ! alive "$p" || fail "process $p outlived its namespace's init"
done
s=$(step "spawn sleep")
assert_eq ENOMEM "$(json_get "$s" errno)" "spawn into a namespace whose init died"

# 7. a trapped SIGTERM from inside is delivered and init exits.
step "reset" >/dev/null
s=$(step "spawn --ns pid init --trap TERM")
init2=$(json_get "$s" result.pid)
s=$(step "kill -TERM %$(json_get "$s" result.job) --from inside")
assert_eq true "$(json_get "$s" result.handled)" "nslab reads init's handler from SigCgt"
for _ in $(seq 20); do alive "$init2" || break; sleep 0.1; done
! alive "$init2" || fail "init with a TERM handler did not exit"

# 8. exit: nothing nslab started is left.
printf 'exit\n' >&"${NSL[1]}"
wait "$nslab_pid" || true
for p in "$init" "$sleeper" "$unshare_pid" "$deep" "$init2"; do
    ! alive "$p" || fail "process $p outlived the session"
done
echo "pid-vs-kernel: ok"

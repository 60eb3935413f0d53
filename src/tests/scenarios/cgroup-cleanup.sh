#!/usr/bin/env bash
# No cgroup is left behind: after `exit`, after end of input, after SIGTERM
# and SIGHUP (nslab cleans up itself), and after SIGKILL (it cannot: its
# jobs die with it, and the next nslab to start removes the cgroups of the
# session whose process is gone). Two sessions at once never touch each
# other's cgroups.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# A session as a coprocess; start_session sets sess_pid, and sess_dirs and
# sess_jobs (its cgroup directories and job PIDs) after make_cgroups.
start_session() {
    coproc SESS { exec "$NSLAB" -J -k 2>>"$tmpdir/stderr"; }
    sess_pid=$SESS_PID
    on_exit sh -c "kill -KILL $sess_pid 2>/dev/null || true"
    sess_dirs=() sess_jobs=()
}
step() {
    printf '%s\n' "$1" >&"${SESS[1]}"
    local line
    while IFS= read -r -t 30 line <&"${SESS[0]}"; do
        case "$line" in *'"step":'*) printf '%s\n' "$line"; return 0 ;; esac
    done
    fail "no answer to '$1' (stderr: $(cat "$tmpdir/stderr"))"
}
ok_step() {
    local s
    s=$(step "$1")
    is_ok "$s" || fail "'$1' failed: $(json_get "$s" error)"
    printf '%s\n' "$s"
}
# Without python (slow to start here): did the step succeed, and a plain
# field of its result (name, path, pid: never containing '"' or ',').
is_ok() { [[ $1 == *'"ok":true,'* ]]; }
rfield() { sed -nE 's/.*"result":\{[^}]*"'"$2"'":"?([^",}]*).*/\1/p' <<<"$1"; }
# cgroups in several hierarchies, each with a job inside, and a frozen one
make_cgroups() {
    local s c
    for c in "mem 64M" "pids 20" freezer; do
        s=$(step "cgcreate $c")
        is_ok "$s" || continue # a controller this machine lacks
        sess_dirs+=("$(rfield "$s" path)")
        s=$(ok_step "cgexec $(rfield "$s" name) sleep")
        sess_jobs+=("$(rfield "$s" pid)")
    done
    [ ${#sess_dirs[@]} -gt 0 ] || skip "no cgroup could be made here"
    s=$(step "cgfreeze freezer1")
    # the subject inside one of them too
    ok_step "cgattach $(basename "${sess_dirs[0]}")" >/dev/null
    for d in "${sess_dirs[@]}"; do
        [ -d "$d" ] || fail "cgcreate printed $d, which is not a directory"
    done
}
# check_gone WHAT: none of the session's cgroups, parents or jobs remain
check_gone() {
    local d p
    for d in "${sess_dirs[@]}"; do
        [ ! -e "$d" ] || fail "$1: $d is left behind"
        [ ! -e "$(dirname "$d")" ] || fail "$1: the parent $(dirname "$d") is left behind"
    done
    for p in "${sess_jobs[@]}"; do
        for _ in $(seq 20); do alive "$p" || break; sleep 0.1; done
        ! alive "$p" || fail "$1: job $p outlived the session"
    done
}

# 1. exit
start_session
make_cgroups
printf 'exit\n' >&"${SESS[1]}"
wait "$sess_pid" || true
check_gone "after exit"

# 2. end of input
start_session
make_cgroups
exec {SESS[1]}>&-
wait "$sess_pid" || true
check_gone "after end of input"

# 3. SIGTERM and SIGHUP: exit status 128+N after the usual clean-up
for sig in TERM HUP; do
    start_session
    make_cgroups
    kill -"$sig" "$sess_pid"
    status=0
    wait "$sess_pid" || status=$?
    assert_eq $((128 + $(kill -l "$sig"))) "$status" "exit status after SIG$sig"
    check_gone "after SIG$sig"
done

# 4. two sessions at once; then SIGKILL of one: its cgroups stay until the
# next nslab starts, which removes them and says so (on a systemd host,
# systemd removes them with the session's scope); the other's are kept.
start_session
make_cgroups
other_pid=$sess_pid other_dirs=("${sess_dirs[@]}")
exec {other_in}>&"${SESS[1]}" {other_out}<&"${SESS[0]}"
start_session
make_cgroups
for d in "${other_dirs[@]}"; do
    [ -d "$d" ] || fail "a second session removed the first one's $d"
done
# On a systemd host the session runs in a scope systemd delegated to it
# (nslab-PID.scope): once its processes are gone, systemd removes the
# scope with every cgroup in it, as it does for any unit; the sweep finds
# nothing left then.
delegated=false
grep -q "/nslab-$sess_pid\.scope/" "/proc/$sess_pid/cgroup" && delegated=true
kill -KILL "$sess_pid"
wait "$sess_pid" || true
if ! $delegated; then
    for d in "${sess_dirs[@]}"; do
        [ -d "$d" ] || fail "$d vanished although its nslab was killed (what removed it?)"
    done
fi
"$NSLAB" -q -c "cgls" >"$tmpdir/next.out" 2>"$tmpdir/next.err" || fail "the next nslab failed: $(cat "$tmpdir/next.err")"
if ! $delegated; then
    assert_contains "$(cat "$tmpdir/next.err")" "removed the cgroups of a session that is gone" "the sweep's report"
    assert_contains "$(cat "$tmpdir/next.err")" "nslab.$sess_pid" "the sweep names the session"
fi
for _ in $(seq 50); do
    left=0
    for d in "${sess_dirs[@]}"; do [ -d "$d" ] && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
done
check_gone "after SIGKILL and a new start"
for d in "${other_dirs[@]}"; do
    [ -d "$d" ] || fail "the sweep removed $d of a live session"
done
printf 'exit\n' >&"$other_in"
wait "$other_pid" || true
sess_dirs=("${other_dirs[@]}") sess_jobs=()
check_gone "after the other session's exit"
echo "cgroup-cleanup: ok"

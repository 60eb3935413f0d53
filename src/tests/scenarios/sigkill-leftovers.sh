#!/usr/bin/env bash
# SIGKILL of nslab: the orphan builtin's child dies with it (it follows its
# adopter, nslab's shell, with PR_SET_PDEATHSIG), in a cgroup of the
# session or not. Left are what no process of nslab is left to undo: the
# background child of `sh -c "sleep N & wait"` (here in a cgroup of the
# session), a job frozen by the v1 freezer (a frozen task does not act on
# the SIGKILL its parent's death sends; one frozen by v2's cgroup.freeze
# does, and dies), nested cgroups, and the scratch directory. The next
# start removes all of it that is in the dead session's cgroups, thawing
# frozen ones first, and its scratch directory: checked in /proc, the
# cgroup tree and the file system. On any layout (under systemd the
# session's cgroups are in its delegated scope).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

export TMPDIR=$tmpdir # the scratch directory lands here
fifo=$tmpdir/in
mkfifo "$fifo"
# A mount namespace of the test's own: nslab's "host" mount namespace.
unshare --mount --propagation private -- "$NSLAB" -k -J <"$fifo" >"$tmpdir/out" 2>"$tmpdir/err" &
nsl=$!
exec 7>"$fifo"
printf '%s\n' "spawn orphan 300" "cgcreate pids 50 --name k" "cgexec k orphan 300" \
    "cgexec k sh -c 'sleep 300 & wait'" "cgcreate freezer --name fz" "cgexec fz sleep 300" \
    "cgfreeze fz" "cgcreate pids --name nest" "scratch" '!sleep 0.5' '!true' >&7
for _ in $(seq 100); do grep -q '"command":"!true"' "$tmpdir/out" && break; sleep 0.1; done
grep -q '"command":"!true"' "$tmpdir/out" ||
    fail "the session did not get through its script: $(tail -3 "$tmpdir/err")"
grep -q '"ok":false' "$tmpdir/out" && fail "a step failed: $(grep '"ok":false' "$tmpdir/out" | head -1)"
scratch=$(grep -o "$tmpdir/nslab-scratch\.[A-Za-z0-9]*" "$tmpdir/out" | head -1)
[ -n "$scratch" ] && [ -d "$scratch" ] || fail "no scratch directory in $tmpdir"
# step_result COMMAND KEY: KEY of the result of the script's step COMMAND.
step_result() { json_get "$(grep -F "\"command\":\"$1\"" "$tmpdir/out" | head -n 1)" "result.$2"; }
# Nested cgroups below one of the session's, as a learner might make.
path=$(step_result "cgcreate pids --name nest" path)
[ -d "$path" ] || fail "no $path"
fz=$(step_result "cgcreate freezer --name fz" path)
frozen=$(cat "$fz/cgroup.procs")
[ -n "$frozen" ] || fail "no job in $fz"
v1_freezer=false
[ -f "$fz/freezer.state" ] && v1_freezer=true
for _ in $(seq 5); do path=$path/sub; mkdir "$path"; done
# Every process in the session's cgroups, in every hierarchy (in systemd's
# scope for the session, on v2: system.slice/nslab-PID.scope/nslab.PID).
dirs=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "nslab.$nsl")
[ -n "$dirs" ] || fail "no cgroup nslab.$nsl"
procs() { for d in $dirs; do find "$d" -name cgroup.procs -exec cat {} +; done | sort -un; }
for _ in $(seq 50); do [ "$(procs | wc -l)" -ge 4 ] && break; sleep 0.1; done
inside=$(procs)
[ "$(echo "$inside" | wc -l)" -ge 4 ] ||
    fail "expected a job, 2 grandchildren and a frozen job in the cgroups, got: $inside"

# The orphan builtin's child outside any cgroup of the session.
for _ in $(seq 50); do [ "$(grep -c 'orphan-child: pid' "$tmpdir/out")" -ge 2 ] && break; sleep 0.1; done
free_orphan=""
for o in $(grep -o 'orphan-child: pid [0-9]*' "$tmpdir/out" | awk '{print $3}'); do
    echo "$inside" | grep -qx "$o" || free_orphan=$o
done
[ -n "$free_orphan" ] && kill -0 "$free_orphan" 2>/dev/null ||
    fail "no running orphan-child outside the session's cgroups ($(grep -o 'orphan-child: pid [0-9]*' "$tmpdir/out" | tr '\n' ' '))"

kill -KILL "$nsl"
exec 7>&-
wait "$nsl" 2>/dev/null || true
sleep 0.5
# What SIGKILL leaves (so this test can fail): grandchildren, the frozen job.
# The orphan builtin's child dies with the shell that adopted it.
for _ in $(seq 30); do kill -0 "$free_orphan" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$free_orphan" 2>/dev/null || fail "orphan-child $free_orphan, in no cgroup of the session, outlived its SIGKILLed nslab"
if ! $v1_freezer; then
    for _ in $(seq 30); do kill -0 "$frozen" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$frozen" 2>/dev/null || fail "job $frozen, frozen by cgroup.freeze (v2), outlived the SIGKILL"
fi
left=""
for p in $inside; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
if [ -z "$left" ]; then
    # Any nslab that starts on this machine meanwhile (another checkout's
    # tests, a developer's session) rightly sweeps the dead session first:
    # then its cgroups go too, and this run has nothing left to show.
    for _ in $(seq 30); do
        gone=true
        for d in $dirs; do [ -d "$d" ] && gone=false; done
        $gone && skip "another nslab started on this machine swept the killed session before this test's own start could (run it alone)"
        sleep 0.1
    done
    fail "SIGKILL left nothing running: this test proves nothing here"
fi
[ -d "$scratch" ] || fail "SIGKILL removed the scratch directory: this test proves nothing here"

# The next start removes it all.
"$NSLAB" -q -c 'hostname' >/dev/null 2>"$tmpdir/err2" || true
for p in $left; do
    for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
        comm=$(cat "/proc/$p/comm" 2>/dev/null || true)
        state=$(awk '/^State:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
        fail "process $p ($comm, state $state) of the killed session outlived the next start: $(cat "$tmpdir/err2")"
    fi
done
for d in $dirs; do
    [ ! -d "$d" ] || fail "cgroup $d of the killed session outlived the next start: $(cat "$tmpdir/err2")"
done
[ ! -e "$scratch" ] ||
    fail "scratch directory $scratch of the killed session outlived the next start: $(cat "$tmpdir/err2")"
[ ! -e "$scratch.lock" ] || fail "$scratch.lock outlived the next start"
grep -q "removed the scratch directory of a session that is gone: $scratch" "$tmpdir/err2" ||
    fail "the next start did not say it removed $scratch: $(cat "$tmpdir/err2")"
$v1_freezer && what="a frozen job (v1), " || what="(the job frozen by v2's cgroup.freeze died with nslab) "
echo "sigkill-leftovers: grandchildren, ${what}nested cgroups and the scratch directory removed by the next start"

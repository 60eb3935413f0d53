#!/usr/bin/env bash
# The sweep at start removes only what is provably a dead session's:
# 1. A live session in another PID namespace (under unshare -p, where its
#    nslab has a PID that no process of the host has) keeps its job and its
#    cgroups while another nslab starts on the host: the session's lock on
#    its cgroup directory, not its PID, says it is alive.
# 2. Without root, a start reports only what it really removed: a dead
#    root session's cgroup it cannot remove is never called removed.
# 3. A dead session's cgroup tree 40 levels deep is removed whole.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v unshare >/dev/null || skip "no unshare(1)"
pids_root=/sys/fs/cgroup/pids
[ -d "$pids_root" ] || pids_root=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
[ -n "$pids_root" ] && [ -d "$pids_root" ] || skip "no pids or v2 cgroup hierarchy"

# A PID no process of the host has (it may be taken meanwhile; then the
# test proves less, and says so).
free_pid() {
    local p
    for p in $(seq "$1" 30000); do
        [ -e "/proc/$p" ] || { echo "$p"; return; }
    done
}

# --- 1. a live session in another PID namespace -------------------------
# start_session: a session in a new PID namespace with a cgroup job; sets
# p, dir, job, ush. Returns 1 when its cgroup vanished before this test
# looked (an older nslab started meanwhile elsewhere on this machine swept
# it: the very defect tested here), after ending the session.
start_session() {
    p=$(free_pid 400)
    fifo=$tmpdir/in.$1
    mkfifo "$fifo"
    # Inside the new PID namespace, the next PID handed out is $p: nslab's.
    unshare -p -f --mount-proc -- bash -c \
        "echo $((p - 1)) >/proc/sys/kernel/ns_last_pid && exec 9<'$fifo' && '$NSLAB' -k -J <&9" \
        >"$tmpdir/out" 2>"$tmpdir/err" &
    ush=$!
    exec 7>"$fifo"
    printf '%s\n' "cgcreate pids 20 --name live" "cgexec live sleep 300" '!true' >&7
    for _ in $(seq 100); do grep -q '"command":"!true"' "$tmpdir/out" && break; sleep 0.1; done
    grep -q '"command":"!true"' "$tmpdir/out" ||
        fail "the session in a PID namespace did not get through its script: $(tail -3 "$tmpdir/err")"
    grep -q '"command":"cgcreate pids 20 --name live","ok":true' "$tmpdir/out" ||
        fail "cgcreate failed in the session in a PID namespace: $(grep cgcreate "$tmpdir/out" | head -c 300)"
    dir=$(find "$pids_root" -maxdepth 3 -type d -name "nslab.$p" | head -1)
    job=$(cat "$dir/live/cgroup.procs" 2>/dev/null | head -1)
    if [ -z "$dir" ] || [ -z "$job" ]; then
        echo exit >&7
        exec 7>&-
        wait "$ush" 2>/dev/null || true
        return 1
    fi
}
# end_session: the session in a PID namespace reads its last line.
end_session() {
    echo exit >&7
    exec 7>&-
    wait "$ush" 2>/dev/null || true
}
tries=0
while :; do
    tries=$((tries + 1))
    # Until every nslab on this machine has the lock, an older one started
    # meanwhile elsewhere may sweep the live session first.
    [ "$tries" -le 6 ] || skip "6 times, an nslab of an older version elsewhere on this machine swept the test's live session before the test could look"
    start_session "$tries" || { echo "note: the session's cgroup vanished before the test looked; again" >&2; continue; }
    [ -e "/proc/$p" ] && echo "note: PID $p was taken on the host meanwhile" >&2
    # Another nslab starts on the host.
    "$NSLAB" -q -c 'hostname' >/dev/null 2>"$tmpdir/err2" || fail "a start on the host failed: $(cat "$tmpdir/err2")"
    if grep -q "gone: .*nslab.$p" "$tmpdir/err2"; then
        fail "a start on the host judged the live session's $dir gone: $(cat "$tmpdir/err2")"
    fi
    if [ ! -d "$dir" ] || ! kill -0 "$job" 2>/dev/null; then
        # Not this start (it names every cgroup it removes): an older nslab
        # started elsewhere on this machine meanwhile.
        echo "note: $dir or job $job vanished, though this start removed nothing; again" >&2
        end_session
        continue
    fi
    break
done
# The session ends: then its cgroups go.
end_session
for _ in $(seq 50); do [ -d "$dir" ] || break; sleep 0.1; done
[ ! -d "$dir" ] || fail "the session in a PID namespace left $dir at exit"
! kill -0 "$job" 2>/dev/null || fail "job $job outlived its session"

# --- 2. without root, only real removals are reported --------------------
q=$(free_pid 700)
dead=$pids_root/nslab.$q
# A dead root session's cgroups (no process $q), made under another name
# and renamed at the last moment, so no other nslab sweeps them first.
# cgroup v2 refuses to rename a cgroup (EPERM): there the tree is made
# under its final name at once.
mkdir "$pids_root/sweeptest.$$" "$pids_root/sweeptest.$$/left"
if ! mv "$pids_root/sweeptest.$$" "$dead" 2>/dev/null; then
    rmdir "$pids_root/sweeptest.$$/left" "$pids_root/sweeptest.$$"
    mkdir "$dead" "$dead/left"
fi
chmod 755 "$tmpdir"
bin=$tmpdir/nslab
install -m 755 "$NSLAB" "$bin"
[ -d "$dead" ] || skip "another nslab on this machine swept $dead at once"
(cd "$tmpdir" && HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$bin" -q -c 'hostname' >/dev/null 2>"$tmpdir/err3") || true
if grep -q "removed the cgroups of a session that is gone: $dead" "$tmpdir/err3" && [ -d "$dead" ]; then
    rmdir "$dead/left" "$dead"
    fail "as nobody, nslab said it removed $dead, which is still there: $(cat "$tmpdir/err3")"
fi
if [ -d "$dead" ]; then
    grep -q "could not remove the cgroups of a session that is gone" "$tmpdir/err3" || {
        rmdir "$dead/left" "$dead"
        fail "as nobody, nslab did not say it could not remove $dead: $(cat "$tmpdir/err3")"
    }
    rmdir "$dead/left" "$dead"
fi

# --- 3. a dead session's tree 40 levels deep -----------------------------
r=$(free_pid 900)
dead=$pids_root/nslab.$r
path=$pids_root/sweeptest.$$ # renamed at the last moment, as above
mkdir "$path"
for _ in $(seq 40); do path=$path/d; mkdir "$path"; done
if ! mv "$pids_root/sweeptest.$$" "$dead" 2>/dev/null; then
    find "$pids_root/sweeptest.$$" -depth -type d -exec rmdir {} +
    path=$dead
    mkdir "$path"
    for _ in $(seq 40); do path=$path/d; mkdir "$path"; done
fi
"$NSLAB" -q -c 'hostname' >/dev/null 2>"$tmpdir/err4" || true
if [ -d "$dead" ]; then
    find "$dead" -depth -type d -exec rmdir {} + 2>/dev/null || true
    fail "a dead session's 40-deep cgroup tree was not removed: $(cat "$tmpdir/err4")"
fi
echo "sweep: a live session in a PID namespace kept, only real removals reported, a 40-deep tree removed"

#!/usr/bin/env bash
# The host guard and the exit path (SPEC §6), in mount namespaces this test
# made: nslab starts inside one (`unshare --mount --propagation private`),
# which is then "the host's" mount namespace as far as nslab can tell.
#  1. Without --allow-host-changes, nslab refuses to mount, unmount or change
#     propagation there, and refuses a mount in its own namespace that a
#     shared peer group would carry back; the table stays byte-identical.
#  2. With --allow-host-changes, the mounts the session made there (under
#     the scratch directory and elsewhere, and copies that propagation
#     brought in) are gone after `exit`, after SIGTERM and after SIGHUP, the
#     scratch directory is removed, and a mount that was there before stays.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
before_host=$(cat /proc/self/mountinfo)

# --- 1. the guard -----------------------------------------------------------
out=$(in_mount_ns '
set -eu
mkdir -p "$T/g/keep" "$T/g/new" "$T/g/shared/x"
mount -t tmpfs keep "$T/g/keep"
mount --bind "$T/g/shared" "$T/g/shared"
mount --make-shared "$T/g/shared"
before=$(cat /proc/self/mountinfo)
run "mount tmpfs x $T/g/new; umount $T/g/keep; propagation private $T/g/shared; bind $T/g/keep $T/g/new; mount tmpfs x $T/g/keep -o remount,ro"
run "unshare mnt --propagation unchanged; mount tmpfs leak $T/g/shared/x; unshare mnt; mount tmpfs fine $T/g/shared/x"
[ "$before" = "$(cat /proc/self/mountinfo)" ] && echo "TABLE SAME" || echo "TABLE CHANGED"
')
for cmd in "mount tmpfs x $tmpdir/g/new" "umount $tmpdir/g/keep" "propagation private $tmpdir/g/shared" \
    "bind $tmpdir/g/keep $tmpdir/g/new" "mount tmpfs x $tmpdir/g/keep -o remount,ro"; do
    line=$(grep -F "$cmd|" <<<"$out") || fail "no step '$cmd' in: $out"
    assert_contains "$line" "|False|refusing to" "the guard refuses '$cmd'"
    assert_contains "$line" "\`unshare mnt\`" "the refusal suggests unshare mnt"
done
line=$(grep -F "mount tmpfs leak" <<<"$out")
assert_contains "$line" "|False|refusing to" "a mount that would propagate to the host is refused"
assert_contains "$line" "peer group" "the refusal names the peer group"
line=$(grep -F "mount tmpfs fine" <<<"$out")
assert_contains "$line" "|True|" "after unshare mnt (private) the same mount is fine"
assert_contains "$out" "TABLE SAME" "the guard left the host's table as it was"

# --- 2. what the session made is undone at exit ------------------------------
# cleanup_case HOW: make mounts with --allow-host-changes, end nslab by HOW
# (exit, TERM, HUP), then check the namespace nslab ran in.
cleanup_case() {
    in_mount_ns '
set -eu
how='"$1"'
D=$T/c-$how
mkdir -p "$D/keep" "$D/mine" "$D/sh"
mount -t tmpfs keep "$D/keep"
mount --bind "$D/sh" "$D/sh"
mount --make-shared "$D/sh"
mkdir -p "$D/sh/prop"
before=$(cat /proc/self/mountinfo)
mkfifo "$D/in"
"$NSLAB" -J -k --allow-host-changes <"$D/in" >"$D/out" 2>"$D/err" &
nslab=$!
exec 3>"$D/in"
send() { printf "%s\n" "$1" >&3; }
send "scratch"
send "!mkdir \$SCRATCH/a \$SCRATCH/b \$SCRATCH/a2"
send "mount tmpfs s-a \$SCRATCH/a"
send "bind \$SCRATCH/a \$SCRATCH/b"
send "mount tmpfs s-a2 \$SCRATCH/a"
send "mount tmpfs mine $D/mine"
send "mount tmpfs over-keep $D/keep"
send "unshare mnt --propagation unchanged"
send "mount tmpfs propagated $D/sh/prop"
send "setns mnt host"
send "mounts"
for _ in $(seq 100); do
    [ "$(grep -c "\"step\"" "$D/out" 2>/dev/null)" -ge 11 ] && break
    sleep 0.1
done
scratch=$(python3 -c "
import json,sys
for l in open(sys.argv[1]):
    o=json.loads(l)
    if o.get(\"command\")==\"scratch\": print(o[\"result\"][\"path\"])
" "$D/out")
during=$(cat /proc/self/mountinfo)
case $how in
exit) send "exit" ;;
TERM) kill -TERM $nslab ;;
HUP) kill -HUP $nslab ;;
esac
exec 3>&-
wait $nslab || true
echo "SCRATCH=$scratch"
echo "DURING_SCRATCH=$(grep -c "$scratch" <<<"$during" || true)"
echo "DURING_MINE=$(grep -c " $D/mine " <<<"$during" || true)"
echo "DURING_PROP=$(grep -c " $D/sh/prop " <<<"$during" || true)"
[ -e "$scratch" ] && echo "SCRATCH LEFT" || echo "SCRATCH GONE"
[ "$before" = "$(cat /proc/self/mountinfo)" ] && echo "TABLE SAME" || {
    echo "TABLE CHANGED"; diff <(echo "$before") /proc/self/mountinfo || true; }
grep -c "^" "$D/err" >/dev/null || true
cat "$D/err"
'
}
for how in exit TERM HUP; do
    out=$(cleanup_case "$how")
    assert_contains "$out" "DURING_SCRATCH=3" "$how: three mounts under scratch while running"
    assert_contains "$out" "DURING_MINE=1" "$how: the mount outside scratch while running"
    assert_contains "$out" "DURING_PROP=1" "$how: the propagated copy while running"
    assert_contains "$out" "SCRATCH GONE" "$how: the scratch directory is removed"
    assert_contains "$out" "TABLE SAME" "$how: every mount the session made is undone, the rest kept"
    [[ $out == *"nslab: "* ]] && fail "$how: nslab warned at exit: $out"
done

assert_eq "$before_host" "$(cat /proc/self/mountinfo)" "this test's own mount table changed"
echo "mount-guard-cleanup: ok"

#!/usr/bin/env bash
# The host guard knows every mount namespace the session did not create,
# and what a remount without MS_BIND changes (SPEC §6), checked from
# outside nslab, in mount namespaces this test made:
#  1. After `unshare mnt`, `mount none none DIR -o remount,ro` (or
#     remount,size=...) of a filesystem mounted outside the session's
#     namespaces is refused: it would change the filesystem itself (its
#     superblock), which the outer namespace shares. The outer tmpfs stays
#     writable, with its size. `-o remount,bind,ro` (a per-mount flag) still
#     works on the session's copy, and a tmpfs the session mounted itself
#     may be remounted.
#  2. nslab started in an inner mount namespace: `setns mnt <a process of
#     the outer one>` lands in a namespace the session did not create, so
#     mount, bind, umount and remount are refused there; the outer table
#     (/proc/PID/mountinfo of a process in it) is unchanged.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v findmnt >/dev/null || skip "needs findmnt (util-linux)"
before_host=$(cat /proc/self/mountinfo)

# --- 1. remounts after unshare mnt --------------------------------------------
out=$(in_mount_ns '
set -eu
mkdir -p "$T/r"
mount -t tmpfs -o size=1M outer "$T/r"
run "unshare mnt; mount none none $T/r -o remount,ro"
touch "$T/r/after-ro" && echo "OUTER WRITABLE" || echo "OUTER READ-ONLY"
run "unshare mnt; mount none none $T/r -o remount,size=4k"
echo "OUTER SUPER $(findmnt -n -o FS-OPTIONS "$T/r")"
run "unshare mnt; mount none none $T/r -o remount,bind,ro; !touch $T/r/inside; expect fail"
echo "OUTER OPTIONS $(findmnt -n -o OPTIONS "$T/r")"
touch "$T/r/after-bind" && echo "OUTER STILL WRITABLE" || echo "OUTER READ-ONLY AFTER BIND"
run "unshare mnt; scratch; !mkdir \$SCRATCH/own; mount tmpfs own \$SCRATCH/own -o size=1M; mount none none \$SCRATCH/own -o remount,size=2M; !grep -w own /proc/self/mountinfo; expect output size=2048k"
')
line=$(grep -F "mount none none $tmpdir/r -o remount,ro|" <<<"$out") || fail "no remount,ro step in: $out"
assert_contains "$line" "|False|refusing to remount $tmpdir/r" "a remount,ro of the outer filesystem is refused"
assert_contains "$line" "superblock" "the refusal says what a remount changes"
assert_contains "$line" "remount,bind" "the refusal points to a per-mount remount"
assert_contains "$out" "OUTER WRITABLE" "the outer tmpfs is still writable after remount,ro"
line=$(grep -F "remount,size=4k|" <<<"$out") || fail "no remount,size step in: $out"
assert_contains "$line" "|False|refusing to remount" "a remount,size of the outer filesystem is refused"
super=$(grep "^OUTER SUPER" <<<"$out")
assert_contains "$super" "size=1024k" "the outer tmpfs keeps its size"
assert_contains "$super" "OUTER SUPER rw" "the outer filesystem stays rw"
line=$(grep -F "remount,bind,ro|" <<<"$out") || fail "no remount,bind,ro step in: $out"
assert_contains "$line" "|True|" "remount,bind,ro of the session's copy works"
line=$(grep -F "!touch $tmpdir/r/inside|" <<<"$out") || fail "no touch step in: $out"
assert_contains "$line" "|False|" "the session's copy is read-only after remount,bind,ro"
assert_contains "$(grep "^OUTER OPTIONS" <<<"$out")" "OUTER OPTIONS rw" "the outer mount stays rw"
assert_contains "$out" "OUTER STILL WRITABLE" "the outer tmpfs is writable after remount,bind,ro inside"
line=$(grep -F "remount,size=2M|" <<<"$out") || fail "no remount of the session's tmpfs in: $out"
assert_contains "$line" "|True|" "a tmpfs the session mounted may be remounted"
line=$(grep -F "expect output size=2048k|" <<<"$out") || fail "no expect step in: $out"
assert_contains "$line" "|True|" "the session's tmpfs was resized"

# --- 2. setns into an outer mount namespace ---------------------------------------
out=$(in_mount_ns '
set -eu
mkdir -p "$T/o/m"
mount -t tmpfs outer-o "$T/o"
mkdir -p "$T/o/m"
sleep 300 &
outer=$!
trap "kill $outer" EXIT
before=$(cat /proc/$outer/mountinfo)
unshare --mount --propagation private "$NSLAB" -J -k -c "setns mnt $outer; mount tmpfs x $T/o/m; bind $T/o $T/o/m; umount $T/o; mount none none $T/o -o remount,bind,ro; mount none none $T/o -o remount,ro; propagation shared $T/o; unshare mnt; mount tmpfs mine $T/o/m; expect mount $T/o/m" 2>/dev/null | steps
[ "$before" = "$(cat /proc/$outer/mountinfo)" ] && echo "OUTER TABLE SAME" || {
    echo "OUTER TABLE CHANGED"; diff <(echo "$before") /proc/$outer/mountinfo || true; }
touch "$T/o/w" && echo "OUTER WRITABLE" || echo "OUTER READ-ONLY"
')
line=$(grep -F "setns mnt " <<<"$out") || fail "no setns step in: $out"
assert_contains "$line" "|True|" "setns mnt into the outer namespace"
for cmd in "mount tmpfs x $tmpdir/o/m" "bind $tmpdir/o $tmpdir/o/m" "umount $tmpdir/o" \
    "mount none none $tmpdir/o -o remount,bind,ro" "mount none none $tmpdir/o -o remount,ro" \
    "propagation shared $tmpdir/o"; do
    line=$(grep -F "$cmd|" <<<"$out") || fail "no step '$cmd' in: $out"
    assert_contains "$line" "|False|refusing to" "the guard refuses '$cmd' in the outer namespace"
    assert_contains "$line" "did not create" "the refusal says the session did not create it"
done
line=$(grep -F "mount tmpfs mine" <<<"$out") || fail "no mount after unshare mnt in: $out"
assert_contains "$line" "|True|" "after unshare mnt, a namespace of the session's own, mounts work"
assert_contains "$out" "OUTER TABLE SAME" "the outer namespace's mount table is unchanged"
assert_contains "$out" "OUTER WRITABLE" "the outer tmpfs is still writable"

assert_eq "$before_host" "$(cat /proc/self/mountinfo)" "this test's own mount table changed"
echo "host-guard-namespaces: ok"

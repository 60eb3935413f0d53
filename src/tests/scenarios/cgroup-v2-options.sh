#!/usr/bin/env bash
# A cgroup2 mount made from the host's cgroup namespace sets the options
# of the machine's one v2 hierarchy (nsdelegate, memory_recursiveprot, ...)
# for every mount of it, even inside a mount namespace of the session's:
# on a systemd host a bare mount would drop nsdelegate. Checked against
# the kernel (the options findmnt shows on the live cgroup2 mount):
#   - a mount whose options differ is refused, mounts nothing, and the
#     hierarchy's options stay as they were;
#   - one with the live options mounts, and they stay;
#   - after `unshare cgroup` one with other options mounts, and the kernel
#     leaves the hierarchy's options alone.
# Should the guard let the first through, the exit puts the options back
# (a mount with the live ones, from this test's own mount namespace).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
own_mount_ns "$@"
require_nslab
# Outside the initial cgroup namespace (the kernel numbers it 0xEFFFFFFB,
# PROC_CGROUP_INIT_INO) the kernel applies no options: nothing to see here.
[ "$(stat -Lc %i /proc/self/ns/cgroup)" = $((0xEFFFFFFB)) ] ||
    skip "not in the initial cgroup namespace"

live_options() { findmnt -rn -t cgroup2 -o FS-OPTIONS | head -n 1; }
live=$(live_options)
[ -n "$live" ] || skip "no cgroup2 is mounted here"
# The hierarchy's options: rw and ro are the mount's.
root=$(tr , '\n' <<<"$live" | grep -vx 'rw\|ro' | paste -sd, -) || true
# Other options: the live ones with nsdelegate toggled.
if tr , '\n' <<<"$root" | grep -qx nsdelegate; then
    other=$(tr , '\n' <<<"$root" | grep -vx nsdelegate | paste -sd, -) || true
else
    other=${root:+$root,}nsdelegate
fi
with() { [ -n "$1" ] && printf ' -o %s' "$1"; true; }

mkdir "$tmpdir/restore" "$tmpdir/a" "$tmpdir/b" "$tmpdir/c"
on_exit umount "$tmpdir/restore"
on_exit mount -t cgroup2 -o "$live" none "$tmpdir/restore"

# mounted_in PID DIR: the fstype of the mount on DIR in PID's table, if any.
mounted_in() { awk -v d="$2" '$5 == d { for (i = 7; $i != "-"; i++) ; print $(i + 1) }' "/proc/$1/mountinfo"; }

nslab_start -k
nslab_send_ok "unshare mnt"
subject=$(jv subject.pid)
nslab_send_fails "mount cgroup2 none $tmpdir/a$(with "$other")"
assert_eq "$live" "$(live_options)" "the hierarchy's options after a refused mount with '$other'"
assert_eq "" "$(mounted_in "$subject" "$tmpdir/a")" "what the refused mount left on $tmpdir/a"

nslab_send_ok "mount cgroup2 none $tmpdir/b$(with "$root")"
assert_eq cgroup2 "$(mounted_in "$subject" "$tmpdir/b")" "the mount on $tmpdir/b"
assert_eq "$live" "$(live_options)" "the hierarchy's options after a mount with the live ones"

nslab_send_ok "unshare cgroup"
nslab_send_ok "mount cgroup2 none $tmpdir/c$(with "$other")"
assert_eq cgroup2 "$(mounted_in "$subject" "$tmpdir/c")" "the mount on $tmpdir/c"
assert_eq "$live" "$(live_options)" "the hierarchy's options after a mount from a new cgroup namespace"
nslab_stop
echo "cgroup-v2-options: ok (live '$live'; refused '$other' from the host's cgroup namespace)"

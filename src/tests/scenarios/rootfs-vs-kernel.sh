#!/usr/bin/env bash
# A root filesystem and the two ways into it, checked against the kernel:
# `image busybox` lays out files stat(1) sees; `chroot` moves the subject's
# /proc/PID/root and `spawn escape` climbs out of it to the host's /;
# `pivot_root` (refused outside a mount namespace the session made, and by
# the kernel's rules, each named) leaves the subject a mount table of the
# new root alone, from which `spawn escape` stays inside. The roots are
# compared by device and inode (stat -L of /proc/PID/root), never by what
# nslab prints. All in a mount namespace this test made.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
[ -x /bin/busybox ] || skip "needs /bin/busybox (busybox-static)"

TMPDIR=$tmpdir nslab_session unshare --mount --propagation private "$NSLAB" -J -k
# devino PATH: "dev:ino" of what PATH leads to.
devino() { stat -L -c '%d:%i' "$1"; }
host_root=$(devino /)

# --- 1. image ------------------------------------------------------------
nslab_send_ok "image busybox"
P=$(jv result.path)
[ -d "$P" ] || fail "image busybox: $P is no directory"
for d in bin dev etc proc sys tmp; do
    [ -d "$P/$d" ] || fail "image busybox made no $d"
done
assert_eq 1777 "$(stat -c %a "$P/tmp")" "mode of tmp"
cmp -s /bin/busybox "$P/bin/busybox" || fail "bin/busybox is not a copy of /bin/busybox"
[ -x "$P/bin/busybox" ] || fail "bin/busybox is not executable"
assert_eq busybox "$(readlink "$P/bin/sh")" "bin/sh links to busybox"
nlinks=$(find "$P/bin" -type l -lname busybox | wc -l)
assert_eq "$(/bin/busybox --list | grep -vcx busybox)" "$nlinks" "one link per applet"
assert_eq "$nlinks" "$(jv result.applets)" "the applets counted"
grep -q '^root:x:0:0:' "$P/etc/passwd" || fail "etc/passwd has no root"
# The image's shell runs there: busybox is static.
assert_eq ok "$(chroot "$P" /bin/sh -c 'echo ok')" "a shell in the image"
# Bad input: one line, nothing changed.
before=$(find "$P" | sort | md5sum)
nslab_send_fails "image busybox"
nslab_send_fails "image busybox $P/etc" ENOTEMPTY
nslab_send_fails "image $P/etc/passwd" ENOTDIR
nslab_send_fails "image $tmpdir/no-such-dir" ENOENT
nslab_send_fails "image busybox a b"
assert_eq "$before" "$(find "$P" | sort | md5sum)" "refused image steps changed files"
nslab_send_ok "image"
assert_eq "$P" "$(jv result.path)" "the image after refusals"
nslab_send_ok "image $P/etc"
assert_eq "$P/etc" "$(jv result.path)" "image DIR takes a directory"
assert_eq 6 "$(jv result.missing.#)" "etc has none of the root's directories"
nslab_send_ok "image $P"
assert_eq 0 "$(jv result.missing.#)" "the busybox root lacks nothing"
assert_eq true "$(jv result.has_sh)" "the busybox root has bin/sh"

# --- 2. pivot_root refused outside the session's mount namespace -----------
nslab_send_fails "pivot_root $P $P/bin"
subj=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["subject"]["pid"])' "$reply")
assert_eq "$host_root" "$(devino "/proc/$subj/root")" "a refused pivot_root moved the root"

# --- 3. chroot, and the way out ------------------------------------------
nslab_send_ok "unshare mnt"
nslab_send_ok "chroot $P"
assert_eq "$(devino "$P")" "$(devino "/proc/$subj/root")" "chroot: the subject's root"
nslab_send_ok "!ls /bin/busybox"
nslab_send_ok "spawn escape"
esc=$(jv result.pid)
assert_eq "$host_root" "$(devino "/proc/$esc/root")" "escape from a chroot reaches the host's /"
nslab_send_ok "kill -KILL %$(jv result.job)"
nslab_send_fails "chroot /no-such-dir" ENOENT
assert_eq "$(devino "$P")" "$(devino "/proc/$subj/root")" "a refused chroot moved the root"

# --- 4. pivot_root: the kernel's rules, then the real thing ---------------
nslab_send_ok "reset"
subj=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["subject"]["pid"])' "$reply")
nslab_send_ok "unshare mnt"
mkdir -p "$P/old"
nslab_send_fails "pivot_root $P $P/old" EBUSY
assert_eq same-mount "$(jv result.rule)" "NEW not a mount point, on /'s mount"
nslab_send_ok "bind $P $P"
nslab_send_fails "pivot_root $P $P/nope" ENOENT
assert_eq missing "$(jv result.rule)" "PUT_OLD missing"
nslab_send_fails "pivot_root $P $P/etc/passwd" ENOTDIR
assert_eq not-dir "$(jv result.rule)" "PUT_OLD a file"
nslab_send_fails "pivot_root $P/bin $P/old" EINVAL
assert_eq new-not-mount "$(jv result.rule)" "NEW below a mount point"
nslab_send_ok "propagation shared /"
nslab_send_fails "pivot_root $P $P/old" EINVAL
assert_eq shared "$(jv result.rule)" "/ shared"
nslab_send_ok "propagation private /"
assert_eq "$host_root" "$(devino "/proc/$subj/root")" "refused pivot_roots moved the root"
nslab_send_ok "pivot_root $P $P/old"
assert_eq "$(devino "$P")" "$(devino "/proc/$subj/root")" "pivot_root: the subject's root"
# Its mount table: the new root alone, the old one gone (lazily unmounted).
assert_eq "/" "$(awk '{print $5}' "/proc/$subj/mountinfo")" "the mounts left after pivot_root"
nslab_send_ok "spawn escape"
esc=$(jv result.pid) escjob=$(jv result.job)
assert_eq "$(devino "$P")" "$(devino "/proc/$esc/root")" "escape after pivot_root stays inside"
# Mounting inside the new root, which has no /proc of its own yet.
nslab_send_ok "mount tmpfs dev /dev -o mode=755"
assert_eq "tmpfs" "$(awk '$5 == "/dev" { for (i = 7; $i != "-"; i++) ; print $(i + 1) }' "/proc/$subj/mountinfo")" \
    "a tmpfs on the new root's /dev"
nslab_send_ok "kill -KILL %$escjob"
nslab_stop
[ ! -e "$P" ] || fail "the image in the scratch directory outlived the session"

#!/usr/bin/env bash
# A container built by nobody, compared with the kernel: labs/rootless-container.lab
# replays green as nobody (setpriv) and leaves nothing behind (no process of
# its binary, no scratch directory, the host's mount table as it was); the
# same steps driven one at a time leave a process whose kernel state is the
# container's: uid 0 inside = 65534 outside in a user namespace nobody owns,
# its root the overlay over the busybox image with /proc, /sys, the bound
# devices and devpts, CapEff/CapBnd as kept, NoNewPrivs 1, Seccomp 2; after
# the session its mount namespace is gone. cgcreate as nobody is refused
# (EACCES) and makes nothing; a refused proc/sysfs/cgroup mount in a user
# namespace names the kernel's rule, and unshare refused there does not tell
# the subject to `unshare user`. Needs root only to become nobody.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" -gt 0 ] ||
    skip "user namespaces are disabled (user.max_user_namespaces = 0)"
[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" != 0 ] ||
    skip "unprivileged user namespaces are disabled"
setpriv --reuid=65534 --regid=65534 --clear-groups unshare -r true 2>/dev/null ||
    skip "nobody cannot create a user namespace here"
[ -x /bin/busybox ] && ! LC_ALL=C file -L /bin/busybox 2>/dev/null | grep -q dynamic ||
    skip "needs a static /bin/busybox (busybox-static)"

nobody=65534
as_nobody=(setpriv --reuid=$nobody --regid=$nobody --clear-groups env HOME=/nonexistent)
chmod 755 "$tmpdir"
bin=$tmpdir/nslab
install -m 755 "$NSLAB" "$bin"
install -m 644 labs/rootless-container.lab "$tmpdir/rootless-container.lab"
cd "$tmpdir"

status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
procs_of_bin() { for p in /proc/[0-9]*; do [ "$(readlink "$p/exe" 2>/dev/null)" = "$bin" ] && echo "${p#/proc/}"; done; true; }
nobody_scratch() { find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'nslab-scratch.*' -uid $nobody 2>/dev/null | sort; }
scratch_mounts() { grep -c 'nslab-scratch' /proc/self/mountinfo || true; }

# --- the lab as nobody ---------------------------------------------------------------
scratch_before=$(nobody_scratch)
mounts_before=$(md5sum </proc/self/mountinfo)
"${as_nobody[@]}" "$bin" "$tmpdir/rootless-container.lab" >"$tmpdir/lab.out" 2>&1 ||
    fail "labs/rootless-container.lab as nobody failed: $(tail -n 15 "$tmpdir/lab.out")"
grep -q "✗" "$tmpdir/lab.out" && fail "the lab as nobody: an expect did not hold: $(grep -m3 '✗' "$tmpdir/lab.out")"
assert_contains "$(cat "$tmpdir/lab.out")" "0 failed" "the lab's summary"
assert_eq "" "$(procs_of_bin)" "processes of the lab's binary after the lab"
assert_eq "$scratch_before" "$(nobody_scratch)" "nobody's scratch directories after the lab"
assert_eq "$mounts_before" "$(md5sum </proc/self/mountinfo)" "the host's mount table after the lab"

# --- the same steps, one at a time: the kernel's view of the container -----------------
nslab_session "${as_nobody[@]}" "$bin" -J -k
nslab_send_ok "unshare user,mnt,uts,ipc,net,pid"
subj=$(jv subject.pid)
assert_eq "0 $nobody 1" "$(xargs </proc/"$subj"/uid_map)" "kernel: the subject's uid_map"
nslab_step_ok "spawn init" >/dev/null
nslab_step_ok "image busybox" >/dev/null
nslab_send_ok "scratch"
scratch=$(jv result.path)
[ -d "$scratch/rootfs/bin" ] || fail "no image in the scratch directory $scratch"
for c in "!mkdir $scratch/upper $scratch/work $scratch/box" \
    "mount overlay overlay $scratch/box -o lowerdir=$scratch/rootfs,upperdir=$scratch/upper,workdir=$scratch/work" \
    "!sh -c 'echo box > $scratch/box/etc/hostname'" \
    "!mount -t proc proc $scratch/box/proc" \
    "mount sysfs sysfs $scratch/box/sys -o ro,nosuid,nodev,noexec" \
    "mount tmpfs dev $scratch/box/dev -o nosuid,mode=755" \
    "!touch $scratch/box/dev/null $scratch/box/dev/zero $scratch/box/dev/tty" \
    "bind /dev/null $scratch/box/dev/null" \
    "bind /dev/zero $scratch/box/dev/zero" \
    "bind /dev/tty $scratch/box/dev/tty" \
    "!mkdir $scratch/box/dev/pts" \
    "mount devpts devpts $scratch/box/dev/pts -o newinstance,ptmxmode=0666,mode=620" \
    "!mkdir $scratch/box/.old" \
    "pivot_root $scratch/box $scratch/box/.old"; do
    nslab_step_ok "$c" >/dev/null
done
[ -f "$scratch/upper/etc/hostname" ] || fail "kernel: the write through the overlay is not in the upper directory"
[ -e "$scratch/rootfs/etc/hostname" ] && fail "kernel: the write through the overlay reached the image"

# The kernel's rules for sysfs and cgroups in a user namespace, named: a
# new sysfs no less read-only than the one visible, which is; a cgroup
# hierarchy only for a cgroup namespace of its own.
nslab_send_fails "mount sysfs sysfs /tmp" EPERM
assert_contains "$(jv error)" "add -o ro" "a refused rw sysfs mount says why"
nslab_step_ok "mount sysfs sysfs /tmp -o ro" >/dev/null
nslab_step_ok "umount /tmp" >/dev/null
nslab_send_fails "mount cgroup cgroup /tmp -o pids" EPERM
assert_contains "$(jv error)" "cgroup namespace" "a refused cgroup mount says why"

# cgcreate as nobody: nothing is delegated on this machine (the tree is root's).
for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do
    [ -d "$d" ] || continue
    if setpriv --reuid=$nobody --regid=$nobody --clear-groups test -w "$d"; then
        echo "note: $d is writable by nobody; the cgcreate check is skipped"
        break
    fi
    nslab_send_fails "cgcreate pids 16" EACCES
    assert_contains "$(jv error)" "Permission denied" "cgcreate's refusal"
    [ -e "$d/nslab.$nslab_pid" ] && fail "kernel: cgcreate as nobody left $d/nslab.$nslab_pid"
    break
done

nslab_step_ok "caps keep cap_chown,cap_kill,cap_setuid,cap_setgid,cap_net_bind_service,cap_sys_chroot" >/dev/null
nslab_step_ok "nnp" >/dev/null
nslab_step_ok "seccomp default" >/dev/null
nslab_send_ok "spawn sleep 600"
box=$(jv result.pid)
assert_eq "00000000000404e1" "$(status_field "$box" CapEff)" "kernel: the container's CapEff"
assert_eq "00000000000404e1" "$(status_field "$box" CapBnd)" "kernel: the container's CapBnd"
assert_eq 1 "$(status_field "$box" NoNewPrivs)" "kernel: the container's NoNewPrivs"
assert_eq 2 "$(status_field "$box" Seccomp)" "kernel: the container's Seccomp"
assert_eq "$nobody" "$(status_field "$box" Uid)" "kernel: the container's uid outside"
assert_eq "0 $nobody 1" "$(xargs </proc/"$box"/uid_map)" "kernel: the container's uid_map"
[ "$(readlink /proc/"$box"/ns/user)" != "$(readlink /proc/self/ns/user)" ] ||
    fail "kernel: the container is in the host's user namespace"
nspid=$(awk '$1 == "NSpid:" { print $NF }' /proc/"$box"/status)
[ "$nspid" -gt 1 ] && [ "$nspid" -lt 100 ] || fail "kernel: the container's PID inside is $nspid"
# Its root: the overlay, with the image's busybox and nothing of the host's.
mi=/proc/$box/mountinfo
assert_eq overlay "$(awk '$5 == "/" { for (i = 7; $i != "-"; i++); print $(i + 1) }' "$mi")" "kernel: the container's root filesystem"
for t in /proc /sys /dev /dev/null /dev/zero /dev/tty /dev/pts; do
    awk -v t="$t" '$5 == t { f = 1 } END { exit !f }' "$mi" || fail "kernel: nothing on $t in the container's mount table"
done
assert_eq 8 "$(wc -l <"$mi")" "kernel: the container's mounts (root, proc, sys, dev, three devices, pts)"
awk '$5 ~ /^\/(home|usr|var|boot|run)/ { exit 1 }' "$mi" || fail "kernel: a host mount is in the container's table: $(cat "$mi")"
[ -x "/proc/$box/root/bin/busybox" ] || fail "kernel: no bin/busybox under the container's root"
assert_eq box "$(cat /proc/"$box"/root/etc/hostname)" "kernel: /etc/hostname in the container's root"
mntns=$(readlink /proc/"$box"/ns/mnt)
# unshare refused inside a user namespace: no advice to `unshare user` again.
nslab_step_ok "reset" >/dev/null
nslab_step_ok "unshare user" >/dev/null
nslab_step_ok "caps drop sys_admin" >/dev/null
nslab_send_fails "unshare uts" EPERM
case $(jv error) in
*"run \`unshare user\` first"*) fail "unshare refused in a user namespace advises unshare user: $(jv error)" ;;
esac
# pivot_root in the wrong order: with the old root gone, no proc or sysfs is
# visible whole, so neither can be mounted, and nslab says so.
nslab_step_ok "reset" >/dev/null
for c in "unshare user,mnt,net,pid" "spawn init" "bind $scratch/rootfs $scratch/rootfs" \
    "!mkdir -p $scratch/rootfs/.old" "pivot_root $scratch/rootfs $scratch/rootfs/.old"; do
    nslab_step_ok "$c" >/dev/null
done
nslab_send_fails "mount sysfs sysfs /sys" EPERM
assert_contains "$(jv error)" "mount it before pivot_root" "a refused sysfs mount after pivot_root says why"
nslab_send_fails "mount proc proc /proc" EPERM
assert_contains "$(jv error)" "mount it before pivot_root" "a refused proc mount after pivot_root says why"
nslab_stop

# --- nothing left --------------------------------------------------------------------
[ -e /proc/"$box" ] && [ "$(readlink /proc/"$box"/ns/mnt 2>/dev/null)" = "$mntns" ] &&
    fail "the container process $box is still alive"
for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mntns" ] && fail "process ${p#/proc/} is still in the container's mount namespace"
done
[ -e "$scratch" ] && fail "the scratch directory $scratch is still there"
assert_eq "" "$(procs_of_bin)" "processes of the binary after the session"
assert_eq 0 "$(scratch_mounts)" "mounts of a scratch directory in the host's table"
exit 0

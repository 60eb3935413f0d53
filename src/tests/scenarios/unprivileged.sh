#!/usr/bin/env bash
# Without root (nslab run as nobody): a namespace that needs privilege fails
# with a sentence that points to `unshare user`; `unshare user` works and
# maps nobody to root inside (uid_map "0 65534 1"), after which unshare uts
# and hostname work; reset brings back a subject in the host's user
# namespace. Needs root only to become nobody (setpriv).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" -gt 0 ] ||
    skip "user namespaces are disabled (user.max_user_namespaces = 0)"
if [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
    skip "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"
fi

# nobody must be able to run the binary: a copy in a directory it can enter.
chmod 755 "$tmpdir"
bin=$tmpdir/nslab
install -m 755 "$NSLAB" "$bin"
nobody=65534
host_hostname=$(hostname)

# Run from a directory nobody can read, with a HOME it cannot write.
cd "$tmpdir"
HOME=/nonexistent nslab_session setpriv --reuid=$nobody --regid=$nobody --clear-groups "$bin" -J -k
nslab_send_ok "show"
assert_eq "$nobody" "$(awk '/^Uid:/ { print $2 }' "/proc/$nslab_pid/status")" "nslab runs as nobody"
subj=$(jv subject.pid)
assert_eq "$nobody" "$(awk '/^Uid:/ { print $2 }' "/proc/$subj/status")" "the subject runs as nobody"

# Privilege needed: one sentence that says what to do.
nslab_send "unshare uts"
assert_eq false "$(jv ok)" "unshare uts as nobody"
assert_eq EPERM "$(jv errno)" "unshare uts as nobody: errno"
assert_contains "$(jv error)" "unshare user" "unshare uts as nobody: the hint"
assert_contains "$(jv error)" "CAP_SYS_ADMIN" "unshare uts as nobody: the capability"
assert_eq "$(kernel_ino "$nslab_pid" uts)" "$(kernel_ino "$subj" uts)" "kernel: a failed unshare uts changed nothing"
nslab_send "spawn --ns uts sleep"
assert_eq false "$(jv ok)" "spawn --ns uts as nobody"
assert_eq EPERM "$(jv errno)" "spawn --ns uts as nobody: errno"
assert_contains "$(jv error)" "unshare user" "spawn --ns uts as nobody: the hint"

# unshare user: root inside, nobody outside.
nslab_send_ok "unshare user"
subj=$(jv subject.pid)
[ "$(kernel_ino "$subj" user)" != "$(kernel_ino "$nslab_pid" user)" ] ||
    fail "kernel: unshare user left the subject in the host's user namespace"
assert_eq "$(kernel_ino "$subj" user)" "$(jv subject.ns.user.inode)" "subject.ns.user after unshare user"
assert_eq "0 $nobody 1" "$(xargs <"/proc/$subj/uid_map")" "uid_map after unshare user as nobody"
assert_eq "0 $nobody 1" "$(xargs <"/proc/$subj/gid_map")" "gid_map after unshare user as nobody"
assert_eq deny "$(cat "/proc/$subj/setgroups")" "setgroups after unshare user as nobody"

# Root inside may make the namespaces its user namespace owns.
nslab_send_ok "unshare uts"
[ "$(kernel_ino "$subj" uts)" != "$(kernel_ino "$nslab_pid" uts)" ] ||
    fail "kernel: unshare uts inside the user namespace did nothing"
assert_eq "$(kernel_ino "$subj" uts)" "$(jv subject.ns.uts.inode)" "subject.ns.uts after unshare uts"
nslab_send_ok "hostname nslab-unpriv"
assert_contains "$(jv output)" "nslab-unpriv" "hostname inside"
assert_eq "$host_hostname" "$(hostname)" "the host's hostname"
nslab_send_ok "!hostname"
assert_contains "$(jv output)" "nslab-unpriv" "a program run inside sees the hostname"

# setns cannot go back to an ancestor user namespace; reset can.
nslab_send "setns user host"
assert_eq false "$(jv ok)" "setns user host from inside"
assert_contains "$(jv error)" "reset" "setns user host: points to reset"
nslab_send_ok "reset"
newsubj=$(jv subject.pid)
[ "$newsubj" != "$subj" ] || fail "reset kept the subject"
[ ! -e "/proc/$subj" ] || fail "reset left the old subject $subj"
for name in $ns_entries; do
    assert_eq "$(kernel_ino "$nslab_pid" "$name")" "$(kernel_ino "$newsubj" "$name")" \
        "kernel: after reset the subject's $name is the host's"
    assert_eq "$(kernel_ino "$nslab_pid" "$name")" "$(jv "subject.ns.$name.inode")" \
        "after reset subject.ns.$name is the host's"
done
assert_eq "$nobody" "$(awk '/^Uid:/ { print $2 }' "/proc/$newsubj/status")" "the new subject runs as nobody"
nslab_send_ok "hostname"
assert_contains "$(jv output)" "$host_hostname" "hostname after reset"

nslab_stop
assert_eq 1 "$nslab_status" "nslab's exit status (steps failed)"

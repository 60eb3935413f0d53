#!/usr/bin/env bash
# A feature the running kernel is too old for is refused up front, in one
# line that names the release it needs and the one running, and nothing
# changes (time namespaces: 5.6, cgroup.kill: 5.14): nslab played on an older kernel through NSLAB_KERNEL_RELEASE
# (what /proc/sys/kernel/osrelease would say), checked against the kernel
# (the subject's /proc/PID/ns/time stays the host's). A lab that needs a
# newer kernel (time.lab: 5.6) is skipped with its reason, status 0. On the
# real release the same commands work.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"
top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
host_time=$(readlink /proc/self/ns/time)

export NSLAB_KERNEL_RELEASE=5.4.0-150-generic
nslab_start -k
for cmd in "unshare time" "unshare uts time" "spawn --ns time sleep 5" "setns time host" \
           "timens boottime 5" "clock"; do
    nslab_send_fails "$cmd" ENOSYS
    assert_contains "$(jv error)" "needs Linux 5.6 or later; this kernel is Linux 5.4.0-150-generic" \
        "'$cmd' on 5.4 says which release it needs"
    assert_eq "[]" "$(jv trace)" "'$cmd' on 5.4 made no call"
    subj=$(jv subject.pid)
done
assert_eq "$host_time" "$(readlink "/proc/$subj/ns/time")" "kernel: the subject's time namespace is the host's"
assert_eq "$(readlink /proc/self/ns/uts)" "$(readlink "/proc/$subj/ns/uts")" \
    "kernel: 'unshare uts time' refused as a whole (no uts namespace either)"
nslab_send_ok "unshare uts"
nslab_stop

# cgroup.kill came in 5.14: on 5.10 cgset refuses it before writing.
export NSLAB_KERNEL_RELEASE=5.10.0-33-amd64
nslab_start -k
nslab_send "cgcreate pids"
if [ "${J[ok]}" = true ]; then
    cg=$(jv result.name)
    nslab_send "spawn --cg $cg sleep 30"
    pid=$(jv result.pid)
    nslab_send_fails "cgset $cg cgroup.kill 1" ENOSYS
    assert_contains "$(jv error)" "cgroup.kill needs Linux 5.14 or later; this kernel is Linux 5.10.0-33-amd64" \
        "cgset cgroup.kill on 5.10 says which release it needs"
    kill -0 "$pid" 2>/dev/null || fail "kernel: the job was killed although cgset refused"
fi
nslab_stop

out=$(NSLAB_KERNEL_RELEASE=5.4.0-150-generic "$NSLAB" "$top/labs/time.lab" 2>&1) || fail "time.lab on 5.4 did not end with status 0: $(tail -n 3 <<<"$out")"
assert_contains "$out" "require: skipped: this needs Linux 5.6 or later; this machine has Linux 5.4.0-150-generic." \
    "time.lab on 5.4 says why it is skipped"
! grep -q 'Step 1' <<<"$out" || fail "time.lab went on past its require on 5.4"

unset NSLAB_KERNEL_RELEASE
nslab_start -k
nslab_send_ok "unshare time"
subj=$(jv subject.pid)
[ "$(readlink "/proc/$subj/ns/time_for_children")" != "$host_time" ] ||
    fail "kernel: on the real release unshare time made no time namespace"
nslab_stop
echo "kernel-version: ok"

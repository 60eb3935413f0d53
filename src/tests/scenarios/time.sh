#!/usr/bin/env bash
# Time namespaces, compared with the kernel: `timens` writes what
# /proc/PID/timens_offsets then shows (for the subject's time_for_children,
# and for the child that entered it); `clock` measures the difference the
# kernel's offsets make, as /proc/uptime read inside (nsenter -T) shows it;
# EACCES after a process entered, explained, with the offsets unchanged.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel"

offset_of() { awk -v c="$2" '$1 == c { print $2 }' "/proc/$1/timens_offsets"; }
# |a - b| <= tolerance
near() { python3 -c 'import sys; a, b, t = map(float, sys.argv[1:]); sys.exit(abs(a - b) > t)' "$@"; }

nslab_start -k
nslab_send_fails "timens boottime 5" EINVAL
assert_contains "$(jv error)" "unshare time" "timens before unshare time says what to do"
assert_eq "[]" "$(jv trace)" "nothing was written to the host's time namespace"

nslab_send_ok "unshare time"
subj=$(jv subject.pid)
nslab_send_ok "timens boottime 86400"
assert_eq write "$(jv trace.0.call)" "timens is a traced write"
assert_eq '/proc/self/timens_offsets "boottime 86400 0"' "$(jv trace.0.args)" "timens writes the kernel's file"
assert_eq 86400 "$(offset_of "$subj" boottime)" "kernel: the offsets of the subject's time_for_children"
nslab_send_ok "timens monotonic 7200"
assert_eq 7200 "$(offset_of "$subj" monotonic)" "kernel: the monotonic offset"
nslab_send_ok "clock"
assert_eq host "$(jv result.method)" "the subject itself stays in the host's time namespace"

nslab_send_ok "spawn sleep"
job=$(jv result.pid)
assert_eq "$(readlink "/proc/$subj/ns/time_for_children")" "$(readlink "/proc/$job/ns/time")" \
    "kernel: the job is in the new time namespace"
assert_eq 86400 "$(offset_of "$job" boottime)" "kernel: the job's boottime offset"
assert_eq 7200 "$(offset_of "$job" monotonic)" "kernel: the job's monotonic offset"

nslab_send_ok "clock %1"
# The kernel's own view from inside, read at once (each JSON lookup below
# starts python, which takes long enough to matter): /proc/uptime follows
# CLOCK_BOOTTIME.
inside=$(nsenter -t "$job" -T cat /proc/uptime | cut -d' ' -f1)
host=$(cut -d' ' -f1 /proc/uptime)
assert_eq measured "$(jv result.method)" "clock %1 is measured"
assert_eq fork "$(jv trace.0.call)" "a helper was forked"
assert_eq setns "$(jv trace.1.call)" "the helper entered the namespace"
assert_contains "$(jv trace.1.args)" "/ns/time, CLONE_NEWTIME" "setns into the job's time namespace"
near "$(jv result.difference.boottime)" 86400 0.5 ||
    fail "clock %1: boottime differs by $(jv result.difference.boottime), not 86400"
near "$(jv result.difference.monotonic)" 7200 0.5 ||
    fail "clock %1: monotonic differs by $(jv result.difference.monotonic), not 7200"
assert_eq 86400 "$(jv result.offsets.boottime)" "clock reports the kernel's offsets"
assert_contains "$(jv output)" "+86400 s" "clock prints the difference"
near "$(python3 -c "print($inside - $host)")" 86400 1 || fail "kernel: uptime inside is $inside, host $host"
near "$(jv result.target.boottime)" "$inside" 2 || fail "clock %1 boottime $(jv result.target.boottime) vs /proc/uptime inside $inside"

nslab_send_fails "timens boottime 10" EACCES
assert_contains "$(jv error)" "already entered" "EACCES explained"
assert_eq 86400 "$(offset_of "$job" boottime)" "kernel: the frozen offset did not change"

nslab_send_ok "setns time %1"
nslab_send_ok "clock"
assert_eq measured "$(jv result.method)" "the subject measures its own namespace"
assert_eq "[]" "$(jv trace)" "no helper for the subject's own namespace"
near "$(jv result.difference.boottime)" 86400 0.5 || fail "clock after setns time"

nslab_send_ok "reset"
nslab_send_ok "unshare time"
nslab_send_fails "timens monotonic -4000000000" ERANGE
for bad in "timens" "timens realtime 5" "timens boottime x" "timens boottime 1.5" \
    "timens boottime 99999999999" "clock a b" "clock nosuch"; do
    nslab_send "$bad"
    assert_eq false "$(jv ok)" "'$bad' must fail"
    assert_eq EINVAL "$(jv errno)" "'$bad' errno"
done
nslab_stop
exit 0

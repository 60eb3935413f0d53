#!/usr/bin/env bash
# record FILE writes the same objects as -J, and scripts/check-records reads
# them back: which expect steps held, with the exit status a teacher's
# script can use.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

rec=$tmpdir/session.jsonl
set +e
"$NSLAB" -q -k -c "record $rec; unshare uts; expect ns uts new; hostname lab; expect hostname nope; expect ok; record off; expect ok" >/dev/null 2>&1
set -e
json_valid "$(cat "$rec")"
# Everything after `record off` stays out of the file.
assert_eq 3 "$(grep -c '"command":"expect' "$rec")" "expect steps recorded"
set +e
report=$(scripts/check-records "$rec")
rc=$?
set -e
assert_eq 1 "$rc" "check-records exit status with a failed expect"
assert_contains "$report" "PASS line 1: expect ns uts new" "a held expect"
assert_contains "$report" "FAIL line 1: expect hostname nope" "a failed expect"
assert_contains "$report" "$rec: 2 passed, 1 failed" "the summary"
# A session where every expect held.
"$NSLAB" -q -c "record $rec; hostname; expect ok" >/dev/null
scripts/check-records --summary "$rec" >/dev/null || fail "check-records failed on a clean session"
# -q skips the cgroup observation nobody sees, but a recording shows it:
# the step recorded after a quiet start lists the session's cgroup with the
# limit the kernel holds.
"$NSLAB" -q -c "cgcreate pids 50 --name q1; cgset q1 limit 40; record $rec; cgset q1 limit 30" >/dev/null ||
    fail "a quiet session with a cgroup failed"
last=$(grep '"command":"cgset q1 limit 30"' "$rec")
[ -n "$last" ] || fail "the recorded cgset step is missing"
cgs=$(json_get "$last" cgroups)
assert_contains "$cgs" '"q1"' "the recorded step's cgroups"
assert_contains "$cgs" '30' "the recorded step's pids limit"
echo "record-check: ok"

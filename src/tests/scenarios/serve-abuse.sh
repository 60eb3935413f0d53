#!/usr/bin/env bash
# The projector view's server under bad requests while the session goes on
# (src/tests/browser/serve_abuse.py): unknown paths, POST, a 64 KiB header,
# 200 viewers that never read during 20 steps (each step answered, the
# viewers dropped after the timeout), no or a wrong token off loopback, bad
# addresses for `serve`, `serve off`. In a network namespace the test makes,
# where a veth carries 10.199.0.1 (an address that is not loopback).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v ss >/dev/null || skip "needs ss (iproute2)"

out=$(unshare --net -- bash -c '
    set -e
    ip link set lo up
    ip link add nsl0 type veth peer name nsl1
    ip addr add 10.199.0.1/24 dev nsl0
    ip link set nsl0 up
    ip link set nsl1 up
    exec python3 "$1" "$2"' - "$(dirname "$0")/../browser/serve_abuse.py" "$NSLAB" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "$(printf '%s\n' "$out" | grep -c '^FAIL') case(s) failed (see above)"

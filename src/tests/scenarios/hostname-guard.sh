#!/usr/bin/env bash
# The host's names have a guard (SPEC §6): `hostname NAME` and `domainname
# NAME` in a UTS namespace the session did not create (the one nslab
# started in, or another one entered with setns) are refused unless
# --allow-host-changes; after `unshare uts`, or in a job's namespace from
# `spawn --ns uts`, they work. Checked with hostname(1) and domainname(1) in
# UTS namespaces this test made (`unshare --uts`), never the machine's.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
machine=$(hostname)

out=$(NSLAB=$NSLAB unshare --uts bash -c '
set -eu
hostname guard-orig
domainname guard-dom
# A process in another UTS namespace the session did not make.
unshare --uts sh -c "hostname other-orig; exec sleep 300" &
other=$!
trap "kill $other" EXIT
for _ in $(seq 50); do [ "$(readlink /proc/$other/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && break; sleep 0.1; done
"$NSLAB" -J -k -c "hostname evil; domainname evil; hostname; setns uts $other; hostname evil2; setns uts host; spawn --ns uts sleep 100; setns uts %1; hostname jobname; expect hostname jobname; setns uts host; unshare uts; hostname fine; domainname fine; expect hostname fine" 2>/dev/null | python3 -c "
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if \"step\" in o:
        print(\"%s|%s|%s\" % (o[\"command\"], o[\"ok\"], o[\"error\"]))
"
echo "AFTER $(hostname) $(domainname) $(nsenter -t $other -u hostname)"
"$NSLAB" -J --allow-host-changes -c "hostname allowed" >/dev/null 2>&1 || true
echo "ALLOWED $(hostname)"
')
for cmd in "hostname evil" "domainname evil" "hostname evil2"; do
    line=$(grep -F "$cmd|" <<<"$out") || fail "no step '$cmd' in: $out"
    assert_contains "$line" "|False|refusing to set the" "'$cmd' in a UTS namespace the session did not create"
    assert_contains "$line" "\`unshare uts\`" "the refusal suggests unshare uts"
done
for cmd in "hostname|" "setns uts " "hostname jobname|" "expect hostname jobname|" "hostname fine|" \
    "domainname fine|" "expect hostname fine|"; do
    line=$(grep -F "$cmd" <<<"$out" | head -1) || fail "no step '$cmd' in: $out"
    assert_contains "$line" "|True|" "'$cmd' works"
done
assert_contains "$out" "AFTER guard-orig guard-dom other-orig" "the names outside the session's UTS namespaces are unchanged"
assert_contains "$out" "ALLOWED allowed" "--allow-host-changes lifts the guard"
assert_eq "$machine" "$(hostname)" "this test's own hostname changed"
echo "hostname-guard: ok"

#!/usr/bin/env bash
# `nslab --lint` passes every shipped lab and challenge, and catches planted mistakes
# without running anything: an unknown command (with a "did you mean"), a
# command given too many or too few words, unknown expect forms, namespace
# types, states and cgroup keys (each with a "did you mean"), a header
# without its lines; exit status 1 then, 0 on clean labs. No root needed:
# nothing runs.
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"
require_nslab

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
out=$("$NSLAB" --lint "$top"/labs/*.lab "$top"/challenges/*.chal 2>&1) ||
    fail "a shipped lab or challenge does not pass --lint: $out"

cat >"$tmpdir/planted.lab" <<'LAB'
# Planted: mistakes for the linter
# duration: 5 minutes
#
say "A lab with a mistake on every line below."
hostnam planted
hostname a b
unshare
expect ns utx new
expect ns uts neww
expect cg g limt 5
expect outptu planted
expect not not ok
expect ok within soon
check planted-check ns uts neww
solution "hostnam planted"
LAB
rc=0
out=$("$NSLAB" --lint "$tmpdir/planted.lab" 2>&1) || rc=$?
assert_eq 1 "$rc" "--lint's exit status on the planted lab; output: $out"
f=$tmpdir/planted.lab
for want in \
    "$f:3: no '# prerequisites:' line" \
    "$f:3: no '# What you will see:' paragraph" \
    "$f:5: unknown command 'hostnam' (did you mean 'hostname'?)" \
    "$f:6: hostname takes 0 to 1 word(s), not 2" \
    "$f:7: unshare takes at least 1 word(s), not 0" \
    "$f:8: expect ns: unknown namespace type 'utx' (did you mean 'uts'?)" \
    "$f:9: expect ns uts: unknown state 'neww'" \
    "$f:10: expect cg g: unknown key 'limt'" \
    "$f:11: unknown expect condition 'outptu' (did you mean 'output'?)" \
    "$f:12: usage: expect not CONDITION" \
    "$f:13: within takes seconds" \
    "$f:14: check planted-check: expect ns uts: unknown state 'neww'" \
    "$f:15: unknown command 'hostnam' (did you mean 'hostname'?)"; do
    assert_contains "$out" "$want" "--lint on the planted lab"
done
assert_eq 13 "$(grep -c "^$f:" <<<"$out")" "problems found (one per planted mistake)"
echo "lab-lint: every shipped lab passes --lint; every planted mistake is caught"

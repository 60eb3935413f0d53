#!/usr/bin/env bash
# Lab navigation without a terminal (labs/README.md): a lab prints its
# header first and each `say` once (never its command echoed); `--from N`
# (or line:L) runs the steps before N quietly, in text and in -J, and goes
# on from N with their effects in place; `--stay` reads more commands from
# standard input in the lab's final state; a step that fails while
# replaying is named. The state is the kernel's: the hostname the subject's
# own program reads (!cat /proc/sys/kernel/hostname), its uts inode against
# /proc/self/ns/uts. Root: the lab makes a UTS namespace.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
require_root

lab=$tmpdir/nav.lab
cat >"$lab" <<'LAB'
# Navigation: a lab for the tests
# duration: 1 minute
# prerequisites: none
#
# What you will see: a hostname of the subject's own, set in two steps.

say "First a UTS namespace: nav-said-once."
unshare uts
hostname nav-one
pause
say "Then another name."
hostname nav-two
expect hostname nav-two
say "Summary: two names."
LAB

# --- the header, say once ---------------------------------------------------
out=$("$NSLAB" -q "$lab" </dev/null 2>&1) || fail "the lab failed: $out"
[ "$(head -n 1 <<<"$out")" = "== Navigation: a lab for the tests ==" ] ||
    fail "the first line is not the title: $(head -n 3 <<<"$out")"
assert_contains "$out" "Duration: 1 minute. Prerequisites: none." "the header"
assert_contains "$out" "What you will see: a hostname of the subject's own" "the header"
assert_eq 1 "$(grep -c 'nav-said-once' <<<"$out")" "lines with the say text"
! grep -q '> say ' <<<"$out" || fail "a say command was echoed: $(grep '> say ' <<<"$out")"
assert_contains "$out" "8 steps, 1 expect held, 0 failed" "the summary line"

# --- --from N in text: nothing before step N shown, its effects there --------
out=$(printf '!cat /proc/sys/kernel/hostname\n' |
    "$NSLAB" -q "$lab" --from 5 --stay 2>&1) || fail "--from 5 --stay failed: $out"
! grep -q 'nav-one\|nav-said-once\|unshare' <<<"$out" ||
    fail "a step before --from 5 was shown: $out"
assert_contains "$out" "(steps 1 to 4 replayed quietly; going on from step 5, line 11)" "--from 5"
# The program the subject runs after the lab reads the lab's last hostname.
assert_eq nav-two "$(grep -x 'nav-[a-z]*' <<<"$out" | tail -n 1)" "the hostname after --stay"

# --- --from line:L through -J: no object for the replayed steps -------------
json=$(printf '!cat /proc/sys/kernel/hostname\nls-ns\n' |
    "$NSLAB" -J "$lab" --from line:12 --stay 2>/dev/null) || fail "--from line:12 -J failed"
json_valid "$json"
first=$(grep -m1 '"step"' <<<"$json")
assert_eq 6 "$(json_get "$first" step)" "the first step object after --from line:12"
assert_eq "hostname nav-two" "$(json_get "$first" command)" "its command"
bang=$(grep '"command":"!cat' <<<"$json")
assert_eq nav-two "$(json_get "$bang" output | tr -d '\n')" "what the subject's hostname is"
# The subject's uts namespace, as the kernel numbers it, is not the host's:
# the replayed `unshare uts` happened.
ls=$(grep '"command":"ls-ns"' <<<"$json")
[ "$(json_get "$ls" subject.ns.uts.inode)" != "$(kernel_ino self uts)" ] ||
    fail "the subject is in the host's uts namespace after the replay"

# --- a step that fails while replaying is named -----------------------------
sed 's/^hostname nav-one$/hostname bad\/name-that-is-far-too-long-for-the-kernel-to-take-as-a-hostname-really/' \
    "$lab" >"$tmpdir/bad.lab"
rc=0
out=$("$NSLAB" -q "$tmpdir/bad.lab" --from 7 </dev/null 2>&1) || rc=$?
assert_eq 1 "$rc" "exit status when a replayed step fails; output: $out"
assert_contains "$out" "replaying before step 7: step 3 (line 9) failed" "the replay failure"

# --- usage ------------------------------------------------------------------
rc=0
"$NSLAB" -c 'show' --from 3 >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "--from without a lab file"
rc=0
"$NSLAB" "$lab" --from zero >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "--from zero"
echo "lab-nav: header, say once, --from in text and -J, --stay, replay failures"

#!/usr/bin/env bash
# A full run of the mount labs and the mount unit tests leaves the host's
# mount table byte-identical: /proc/self/mountinfo is compared before and
# after each (mount IDs, propagation, options, everything). The labs run as
# users run them, in the host's mount namespace (each makes its own with
# `unshare mnt`). Each mount scenario (mounts-vs-kernel, propagation-vs-kernel,
# mount-guard-cleanup) compares the table before and after itself the same way.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
top=$(cd "$(dirname "$0")/../../.." && pwd)
before=$(cat /proc/self/mountinfo)
# Scratch directories go to a directory of this test's own, to be counted.
mkdir "$tmpdir/tmp"
export TMPDIR=$tmpdir/tmp
for lab in mount-ns propagation overlay-cow; do
    "$NSLAB" "$top/labs/$lab.lab" >"$tmpdir/$lab.out" 2>&1 ||
        fail "labs/$lab.lab failed: $(tail -n 5 "$tmpdir/$lab.out")"
    assert_eq "$before" "$(cat /proc/self/mountinfo)" "labs/$lab.lab changed the host's mount table"
done
for t in test_mount test_mount_session; do
    bin=$(dirname "$NSLAB")/tests/$t
    [ -x "$bin" ] || continue
    "$bin" >"$tmpdir/$t.out" 2>&1 || fail "$t failed: $(tail -n 5 "$tmpdir/$t.out")"
    assert_eq "$before" "$(cat /proc/self/mountinfo)" "$t changed the host's mount table"
done
# No scratch directory is left behind either.
assert_eq "" "$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'nslab-scratch.*')" \
    "scratch directories left behind"
echo "mounts-host-untouched: ok"

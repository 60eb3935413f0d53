#!/usr/bin/env bash
# nslab --replay shows a session recorded with `record FILE` again, without
# root and without the kernel: for every lab, the replay of its record (as
# user nobody, with /proc and the cgroup tree pointed at nothing) writes
# exactly what the live session wrote, stdout and stderr. A record made
# with -J shows each step's command and output; a file that is no record is
# refused with status 2.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"

chmod 755 "$tmpdir"
# As nobody, from a directory nobody may read, nothing of root's at hand.
replay()
{
    NSLAB_PROC_ROOT=/nonexistent NSLAB_CGROUP_ROOT=/nonexistent \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$NSLAB" --replay "$@" </dev/null
}

n=0
for lab in labs/*.lab; do
    name=$(basename "$lab" .lab)
    rec=$tmpdir/$name.jsonl
    # The record begins with the lab's first line: record is the line before.
    set +e
    { printf 'record %s\n' "$rec"; cat "$lab"; } | "$NSLAB" - >"$tmpdir/live.out" 2>"$tmpdir/live.err"
    set -e
    [ -s "$rec" ] || fail "$name: nothing recorded"
    chmod 644 "$rec"
    replay "$rec" >"$tmpdir/replay.out" 2>"$tmpdir/replay.err" ||
        fail "$name: --replay failed: $(head -c 500 "$tmpdir/replay.err")"
    diff -u "$tmpdir/live.out" "$tmpdir/replay.out" >&2 ||
        fail "$name: the replay's stdout is not the live session's (diff above)"
    diff -u "$tmpdir/live.err" "$tmpdir/replay.err" >&2 ||
        fail "$name: the replay's stderr is not the live session's (diff above)"
    n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no lab found under labs/"

# A record of a -J session: the commands and their output.
rec=$tmpdir/json.jsonl
"$NSLAB" -J -c "record $rec; hostname; bogus-word" >/dev/null 2>&1 || true
chmod 644 "$rec"
out=$(replay "$rec" 2>&1) || fail "--replay of a -J record failed: $out"
assert_contains "$out" "> hostname" "a -J record's step"
assert_contains "$out" "$(hostname)" "a -J record's output"
assert_contains "$out" "bogus-word" "a -J record's failed step"

# Not a record: one line, status 2.
printf 'hello\n' >"$tmpdir/not.jsonl"
chmod 644 "$tmpdir/not.jsonl"
set +e
out=$(replay "$tmpdir/not.jsonl" 2>&1)
rc=$?
set -e
assert_eq 2 "$rc" "--replay of a file that is no record"
assert_contains "$out" "line 1 is not a JSON object" "the refusal"
echo "replay-labs: $n labs replayed as recorded"

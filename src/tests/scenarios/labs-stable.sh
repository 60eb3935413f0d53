#!/usr/bin/env bash
# Every lab replays green with --stable -q and shows labels, never inodes or
# host PIDs. A lab whose header says "# transcript: stable" must also print
# the same bytes on every replay (docs and golden tests rely on those); labs
# that show asynchronous events (init reaping, process states) cannot.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
labs=("$top"/labs/*.lab)
[ -e "${labs[0]}" ] || fail "no labs under $top/labs"

ran=0
stable=0
for lab in "${labs[@]}"; do
    name=${lab#"$top"/}
    # A lab's header says when it needs root (as run-integration.sh reads it).
    if [ "$(id -u)" -ne 0 ] &&
        awk '!/^[[:space:]]*(#|$)/ { exit } /^#[[:space:]]*requires:.*root/ { f = 1 } END { exit !f }' "$lab"; then
        echo "note: $name needs root, not replayed"
        continue
    fi
    for run in 1 2; do
        rc=0
        "$NSLAB" --stable -q "$lab" >"$tmpdir/out.$run" 2>"$tmpdir/err.$run" </dev/null || rc=$?
        assert_eq 0 "$rc" "$name (run $run) exit status; stderr: $(head -c 500 "$tmpdir/err.$run")"
    done
    [ -s "$tmpdir/out.1" ] || fail "$name printed nothing"
    if awk '!/^[[:space:]]*(#|$)/ { exit } /^#[[:space:]]*transcript:[[:space:]]*stable/ { f = 1 } END { exit !f }' "$lab"; then
        # Expected failures (accepted by `expect fail`) print their error:
        # part of the transcript, so stable too.
        cmp -s "$tmpdir/err.1" "$tmpdir/err.2" ||
            fail "$name: two runs differ on stderr: $(diff "$tmpdir/err.1" "$tmpdir/err.2" | head -5)"
        cmp -s "$tmpdir/out.1" "$tmpdir/out.2" ||
            fail "$name: two --stable runs differ: $(diff "$tmpdir/out.1" "$tmpdir/out.2" | head -n 10)"
        stable=$((stable + 1))
    fi
    out=$(cat "$tmpdir/out.1")
    # Labels, not numbers: no inode (they have ten digits) and no raw
    # subject PID in the prompt.
    [[ ! $out =~ [0-9]{8,} ]] || fail "$name: a long number in a --stable transcript: ${BASH_REMATCH[0]}"
    [[ $out =~ (^|$'\n')"nslab pid@"[0-9]+ ]] || fail "$name: the prompt has no PID label"
    [[ $out != *"✗"* ]] || fail "$name: an expect failed: $(grep '✗' <<<"$out")"
    # -q: no namespace table.
    [[ $out != *"ns of subject"* && $out != *"NAMESPACE          SUBJECT"* ]] ||
        fail "$name: -q still prints the observation"
    ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "every lab needs root"
[ "$stable" -gt 0 ] || fail "no lab declares a stable transcript"
echo "labs-stable: $ran labs replayed with labels, $stable byte-identical"

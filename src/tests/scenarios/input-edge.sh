#!/usr/bin/env bash
# Input at the edges: a continued line over the limit is one error and
# nothing of it runs; a UTF-8 byte order mark before the first line is
# skipped; bytes that are not UTF-8 or are control characters, in a
# hostname or a mount path, are shown escaped (\xNN): every -J line is
# valid JSON and the terminal never gets them raw.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab

# --- a continued line over 64 KiB ----------------------------------------
lab=$tmpdir/long.lab
python3 - "$lab" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("say before\n")
    f.write("say " + "x" * 40000 + " \\\n")
    f.write("y" * 30000 + " \\\n")
    f.write("say tail-of-the-long-line\n")
    f.write("say after\n")
EOF
rc=0
"$NSLAB" -q "$lab" >"$tmpdir/out" 2>"$tmpdir/err" || rc=$?
assert_eq 1 "$rc" "an over-long continued line: exit status"
grep -q "^before$" "$tmpdir/out" || fail "the line before did not run"
! grep -q "^tail-of-the-long-line" "$tmpdir/out" || fail "the tail of the over-long line ran as a command"
! grep -q "^x" "$tmpdir/out" || fail "the head of the over-long line ran"
assert_contains "$(cat "$tmpdir/err")" "$lab:2:" "the error names where the line starts"
rc=0
"$NSLAB" -q -k "$lab" >"$tmpdir/out" 2>/dev/null || rc=$?
assert_eq 1 "$rc" "-k, an over-long continued line: exit status"
grep -q "^after$" "$tmpdir/out" || fail "-k: the line after did not run"
! grep -q "^tail-of-the-long-line" "$tmpdir/out" || fail "-k: the tail of the over-long line ran"
# A continued line under the limit still runs as one command.
printf 'say one \\\n  two\n' >"$tmpdir/short.lab"
assert_eq "one two" "$("$NSLAB" -q "$tmpdir/short.lab" | grep -Ev '^nslab|^[0-9]+ steps?, ')" "a continued line"

# --- a byte order mark ------------------------------------------------------
printf '\xef\xbb\xbfsay bom-skipped\nsay second\n' >"$tmpdir/bom.lab"
rc=0
out=$("$NSLAB" -q "$tmpdir/bom.lab" 2>"$tmpdir/err") || rc=$?
assert_eq 0 "$rc" "a lab starting with a BOM: exit status ($(cat "$tmpdir/err"))"
assert_eq "bom-skipped
second" "$(grep -Ev '^nslab|^[0-9]+ steps?, ' <<<"$out")" "a lab starting with a BOM: both lines ran"

# --- bytes nslab did not write: escaped ------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    # A hostname with a byte that is not UTF-8 and an escape sequence, set in
    # a UTS namespace of this test's own.
    name_py='import socket; socket.sethostname(b"a\xffb\x1b[2Jc")'
    rc=0
    unshare --uts sh -c 'python3 -c "$1" && "$2" -J -c "hostname"' sh "$name_py" "$NSLAB" \
        >"$tmpdir/json" 2>"$tmpdir/err" || rc=$?
    assert_eq 0 "$rc" "-J hostname with strange bytes: exit status ($(cat "$tmpdir/err"))"
    python3 - "$tmpdir/json" <<'EOF' || fail "-J wrote a line that is not valid JSON (UTF-8)"
import json, sys
for line in open(sys.argv[1], "rb"):
    o = json.loads(line.decode("utf-8"))
    if o.get("command") == "hostname":
        assert o["output"] == "a\\xffb\x1b[2Jc\n", repr(o["output"])
EOF
    unshare --uts sh -c 'python3 -c "$1" && "$2" -q -c "hostname"' sh "$name_py" "$NSLAB" \
        >"$tmpdir/text" 2>&1
    ! grep -q $'\x1b' "$tmpdir/text" || fail "text mode printed a raw escape character"
    grep -qF 'a\xffb\x1b[2Jc' "$tmpdir/text" || fail "text mode: the hostname not shown escaped: $(cat -v "$tmpdir/text")"

    # A mount path with a control character, in a mount namespace of this
    # test's own: `mounts` shows it escaped, -J stays valid.
    odd=$tmpdir/$'odd\x07dir\xfe'
    mkdir "$odd"
    unshare -m --propagation private sh -c '
        mount -t tmpfs nslab-test "$1" || exit 77
        "$2" -q -c "mounts" >"$3/mtext" 2>&1
        "$2" -J -c "mounts" >"$3/mjson" 2>/dev/null' sh "$odd" "$NSLAB" "$tmpdir" || true
    [ -s "$tmpdir/mtext" ] || skip "could not mount a tmpfs in a new mount namespace"
    ! grep -q $'\x07' "$tmpdir/mtext" || fail "mounts printed a raw control character"
    grep -qF 'odd\x07dir\xfe' "$tmpdir/mtext" || fail "mounts: the path not shown escaped"
    python3 - "$tmpdir/mjson" <<'EOF' || fail "-J mounts wrote invalid JSON"
import json, sys
for line in open(sys.argv[1], "rb"):
    json.loads(line.decode("utf-8"))
EOF
fi
# An error echoing what was typed shows it escaped (an ESC typed in a script).
rc=0
printf 'hostnme\x1b[2J\n' | "$NSLAB" -q >/dev/null 2>"$tmpdir/err" || rc=$?
assert_eq 1 "$rc" "an unknown command with an escape character: exit status"
! grep -q $'\x1b' "$tmpdir/err" || fail "an error echoed a raw escape character"
echo "PASS $scenario"

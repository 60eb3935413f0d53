#!/usr/bin/env bash
# record --cast FILE writes what the terminal showed as asciicast v2:
# asciinema's own parser (asciinema cat) reads it and prints exactly what
# the session printed after the record step (stdout and stderr as the
# terminal had them), the times never go back, record --cast off ends it,
# and a FIFO is refused as for record FILE.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v asciinema >/dev/null || skip "needs asciinema (scripts/install-deps.sh)"
command -v script >/dev/null || skip "needs script (util-linux): asciinema cat wants a terminal"

cast=$tmpdir/s.cast
set +e
printf '%s\n' "record --cast $cast" "unshare uts" "hostname castle" "!sleep 0.3" "bogus" \
    "spawn sleep 0.1" "wait %1" "record --cast off" "hostname" |
    "$NSLAB" -k - >"$tmpdir/live" 2>&1
set -e
# What the terminal showed after the echo of the record step, up to the
# echo of record --cast off.
sed '1d' "$tmpdir/live" | sed '/> record --cast off$/q' >"$tmpdir/expected"
[ -s "$tmpdir/expected" ] || fail "the live session printed nothing"
script -qec "asciinema cat $cast" /dev/null >"$tmpdir/cat.raw" ||
    fail "asciinema cat refused the cast: $(tail -3 "$tmpdir/cat.raw")"
tr -d '\r' <"$tmpdir/cat.raw" >"$tmpdir/cat"
diff -u "$tmpdir/expected" "$tmpdir/cat" >&2 ||
    fail "the cast does not show what the terminal showed (diff above)"
# The header, and times that never go back.
python3 - "$cast" <<'PY' || fail "the cast's header or times"
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
h = json.loads(lines[0])
assert h["version"] == 2 and h["width"] > 0 and h["height"] > 0, h
t = [json.loads(l)[0] for l in lines[1:]]
assert t and all(a <= b for a, b in zip(t, t[1:])), t
assert all(json.loads(l)[1] == "o" for l in lines[1:])
PY
mkfifo "$tmpdir/fifo"
set +e
out=$("$NSLAB" -c "record --cast $tmpdir/fifo" 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "record --cast to a FIFO"
assert_contains "$out" "not a regular file" "the refusal"
echo "record-cast: ok"

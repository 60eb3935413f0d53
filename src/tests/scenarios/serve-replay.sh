#!/usr/bin/env bash
# A recording on the projector view in a real browser
# (src/tests/browser/serve_replay.py): a session recorded with `record FILE`
# is replayed with --replay FILE --serve, one step per key through a
# pseudo-terminal; headless Chromium's DOM shows each step's command, the
# namespace the record says it made in the graph, its changed row, and the
# recording's timeline; b, / and q work; a record without "graph" (an older
# nslab's) still draws the subject's namespaces. Needs no root: as root,
# nslab runs as nobody (setpriv) when nobody can run it. The screenshot is
# kept in build/test-artifacts/serve-replay.png.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
command -v chromium >/dev/null || skip "needs chromium (scripts/install-deps.sh)"

runas=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups -- "$NSLAB" --version >/dev/null 2>&1; then
    runas=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
    chmod 0777 "$tmpdir"
fi
shot=${NSLAB_ARTIFACTS:-build/test-artifacts}/serve-replay.png
out=$(python3 "$(dirname "$0")/../browser/serve_replay.py" "$NSLAB" "$tmpdir" "$shot" \
    "${runas[@]}" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "the recording on the page in the browser (see above)"
[ -s "$shot" ] || fail "no screenshot at $shot"

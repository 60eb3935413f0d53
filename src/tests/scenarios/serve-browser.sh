#!/usr/bin/env bash
# The projector view in a real browser (src/tests/browser/serve_browser.py):
# headless Chromium loads the page nslab --serve gives on loopback; after
# `unshare uts` and `unshare ipc` the DOM shows each new namespace (its inode
# read from /proc/PID/ns) in the graph and the changed row marked, within a
# second of nslab's answer; the timeline shows an earlier step again; under
# --lang zh the page's words are Chinese. The screenshot is kept in
# build/test-artifacts/serve.png.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v chromium >/dev/null || skip "needs chromium (scripts/install-deps.sh)"

shot=${NSLAB_ARTIFACTS:-build/test-artifacts}/serve.png
out=$(python3 "$(dirname "$0")/../browser/serve_browser.py" "$NSLAB" "$shot" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "the page in the browser (see above)"
[ -s "$shot" ] || fail "no screenshot at $shot"

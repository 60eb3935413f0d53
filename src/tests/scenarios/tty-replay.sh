#!/usr/bin/env bash
# nslab --replay in a terminal shows one recorded step per key, goes back,
# finds a step by its command and ends on q (src/tests/pty/tty_replay.py).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
python3 -c 'import os, pty; os.close(os.openpty()[0])' 2>/dev/null ||
    skip "needs pseudo-terminals (python3's pty module and /dev/ptmx)"
command -v bash >/dev/null || skip "needs bash"

out=$(python3 "$(dirname "$0")/../pty/tty_replay.py" "$NSLAB" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "$(printf '%s\n' "$out" | grep -c '^FAIL') case(s) failed (see above)"

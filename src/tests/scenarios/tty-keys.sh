#!/usr/bin/env bash
# Ctrl-C and Ctrl-D at the prompt of a terminal (src/tests/pty/tty_keys.py):
# Ctrl-C twice leaves the session alive and drops a half-typed line; it
# interrupts wait and pause; Ctrl-D ends a session with nothing alive, and
# with a live job (and, as root, a cgroup) warns first and ends it only the
# second time, with the job's process and the cgroup gone.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
python3 -c 'import os, pty; os.close(os.openpty()[0])' 2>/dev/null ||
    skip "needs pseudo-terminals (python3's pty module and /dev/ptmx)"
command -v bash >/dev/null || skip "needs bash"

out=$(python3 "$(dirname "$0")/../pty/tty_keys.py" "$NSLAB" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "$(printf '%s\n' "$out" | grep -c '^FAIL') case(s) failed (see above)"

#!/usr/bin/env bash
# !PROGRAM in a terminal under bash -i with job control (src/tests/pty/tty_bang.py):
# 50 rounds of !bash/exit and !sleep 0.2 (with and without --no-trace, a fresh
# subject every other round), Ctrl-C inside !sleep 30, Ctrl-Z inside !bash and
# on !sleep 30, a program killed while it held the terminal, and `make run`;
# after each, the kernel says nslab is not stopped and its process group is
# the terminal's foreground group (/proc/PID/stat: state, tpgid).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
python3 -c 'import os, pty; os.close(os.openpty()[0])' 2>/dev/null ||
    skip "needs pseudo-terminals (python3's pty module and /dev/ptmx)"
command -v bash >/dev/null || skip "needs bash"

out=$(python3 "$(dirname "$0")/../pty/tty_bang.py" "$NSLAB" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "$(printf '%s\n' "$out" | grep -c '^FAIL') case(s) failed (see above)"

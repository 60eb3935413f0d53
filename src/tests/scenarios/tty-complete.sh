#!/usr/bin/env bash
# Tab completion by each word's meaning, typed in a terminal
# (src/tests/pty/tty_complete.py): programs after spawn, cgexec NAME and !;
# comma lists of namespace types; all; live jobs only after kill and wait;
# the keys of expect cg and the files of cgget (as root: they need a cgroup).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
python3 -c 'import os, pty; os.close(os.openpty()[0])' 2>/dev/null ||
    skip "needs pseudo-terminals (python3's pty module and /dev/ptmx)"
command -v bash >/dev/null || skip "needs bash"

out=$(python3 "$(dirname "$0")/../pty/tty_complete.py" "$NSLAB" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "$(printf '%s\n' "$out" | grep -c '^FAIL') case(s) failed (see above)"

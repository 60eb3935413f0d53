#!/usr/bin/env bash
# A lab in a terminal (src/tests/pty/tty_lab.py): Ctrl-C at a pause names the
# step to resume from, `--from N` resumes there with the steps before it
# replayed quietly, and the learner stays at the prompt in the lab's final
# state (checked with nsenter and /proc); a challenge is worked at the
# prompt, its check reading what the learner did; `help`, taller than an
# 80x24 screen, is paged. Root: UTS namespaces.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
require_root
python3 -c 'import os, pty; os.close(os.openpty()[0])' 2>/dev/null ||
    skip "needs pseudo-terminals (python3's pty module and /dev/ptmx)"
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"

out=$(python3 "$(dirname "$0")/../pty/tty_lab.py" "$NSLAB" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 0 ] || fail "$(printf '%s\n' "$out" | grep -c '^FAIL') case(s) failed (see above)"

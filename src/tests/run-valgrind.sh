#!/usr/bin/env bash
# Replay every lab under valgrind memcheck (the shell and the subject, which
# is a fork of it; builtins and external programs are other binaries and not
# traced). Fails on any memory error or definite leak. A lab that uses a
# syscall valgrind does not know (valgrind 3.19 lacks setdomainname) cannot
# run under it: reported as skipped, naming the syscall.
set -uo pipefail
: "${NSLAB:?NSLAB must name the nslab binary}"
# shellcheck source=src/tests/time-scale.sh
source "$(dirname "${BASH_SOURCE[0]}")/time-scale.sh"
# make valgrind runs after scripts/install-deps.sh, which installs it: a
# missing valgrind is a broken install, not a reason to pass.
if ! command -v valgrind >/dev/null; then
    echo "valgrind: not installed (scripts/install-deps.sh installs it)" >&2
    exit 1
fi
passed=0 failed=0 skipped=0
for lab in labs/*.lab; do
    if [ "$(id -u)" -ne 0 ] && grep -q '^#[[:space:]]*requires:.*root' "$lab"; then
        skipped=$((skipped + 1))
        continue
    fi
    out=$(mktemp) err=$(mktemp)
    timeout $((300 * time_scale)) valgrind -q --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite --error-exitcode=9 "$NSLAB" -q "$lab" \
        >"$out" 2>"$err" </dev/null
    rc=$?
    if grep -q 'unhandled amd64-linux syscall' "$err"; then
        echo "SKIP $lab (valgrind lacks syscall $(sed -n 's/.*unhandled amd64-linux syscall: \([0-9]*\).*/\1/p' "$err" | head -1))"
        skipped=$((skipped + 1))
    elif [ $rc -eq 0 ]; then
        echo "PASS $lab"
        passed=$((passed + 1))
    else
        echo "FAIL $lab (exit $rc)"
        grep -E '^==[0-9]+==' "$err" | head -30
        tail -5 "$out"
        failed=$((failed + 1))
    fi
    rm -f "$out" "$err"
done
echo "valgrind: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]

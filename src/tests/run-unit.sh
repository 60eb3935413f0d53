#!/usr/bin/env bash
# Run cmocka test programs and sum up their results.
#
#   src/tests/run-unit.sh BIN...
#
# Each program's output is streamed as it runs. The counts are cmocka's own
# per-test counts, read from its summary lines; a program that ends without a
# summary (it crashed, was killed, or is not a cmocka program) or that exits
# non-zero without reporting a failed test (valgrind found errors) counts as
# one more failed test, so nothing that went wrong can add up to "0 failed".
# The last line is exactly "unit: N passed, N failed"; the exit status is 1
# when anything failed.
#
# NSLAB_VALGRIND=1 runs every program under valgrind; a definite leak or any
# memory error makes that program fail.
set -uo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 TEST_BINARY..." >&2
    exit 2
fi

runner=()
if [ "${NSLAB_VALGRIND:-0}" = 1 ]; then
    if ! command -v valgrind >/dev/null; then
        echo "run-unit: NSLAB_VALGRIND=1 but valgrind is not installed" >&2
        exit 2
    fi
    runner=(valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 -q)
fi
# cmocka writes its progress to stdout and its errors to stderr; line
# buffering keeps the two in program order once they share a pipe.
# stdbuf works by preloading a tiny library ahead of everything, which
# AddressSanitizer's start-up check would refuse although the two get on.
linebuf=()
if command -v stdbuf >/dev/null; then
    linebuf=(stdbuf -oL -eL)
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
fi

# Under make asan: what Graphviz and fontconfig keep is not nslab's leak.
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lsan.supp"

log=$(mktemp "${TMPDIR:-/tmp}/nslab-unit.XXXXXX")
trap 'rm -f "$log"' EXIT

passed=0 failed=0 skipped=0
broken=()

for bin in "$@"; do
    echo "== $bin"
    if [ ! -x "$bin" ]; then
        echo "run-unit: $bin: not an executable file"
        failed=$((failed + 1))
        broken+=("$bin (not executable)")
        continue
    fi
    # A user's CMOCKA_MESSAGE_OUTPUT=xml would hide the lines counted below.
    CMOCKA_MESSAGE_OUTPUT=STDOUT "${linebuf[@]}" "${runner[@]}" "$bin" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}

    # Summary lines: "[  PASSED  ] 3 test(s)." and "[  FAILED  ] 1 test(s), listed below:".
    # A program may run several groups, so every summary line is added.
    p=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test\(s\)\..*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
    f=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test\(s\).*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
    s=$(sed -nE 's/^\[  SKIPPED \] ([0-9]+) test\(s\).*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
    summaries=$(grep -cE '^\[==========\] [0-9]+ test\(s\) run\.' "$log")

    why=""
    if [ "$rc" -gt 128 ]; then
        why="killed by signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
    elif [ "$summaries" -eq 0 ]; then
        why="ended (status $rc) without a cmocka summary"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        if [ "$rc" -eq 9 ] && [ ${#runner[@]} -gt 0 ]; then
            why="valgrind reported errors or definite leaks"
        else
            why="exited with status $rc"
        fi
    fi
    if [ -n "$why" ]; then
        # Tests that completed before a crash still count as passed.
        if [ "$summaries" -eq 0 ]; then
            p=$(grep -cE '^\[       OK \] ' "$log")
        fi
        echo "run-unit: $bin: $why"
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    if [ "$f" -gt 0 ]; then
        broken+=("$bin")
    fi
done

if [ ${#broken[@]} -gt 0 ]; then
    echo "unit: failing programs: ${broken[*]}"
fi
if [ "$skipped" -gt 0 ]; then
    echo "unit: $skipped skipped (see the SKIPPED lines above)"
fi
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

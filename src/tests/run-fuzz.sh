#!/usr/bin/env bash
# Run each libFuzzer harness for FUZZ_SECONDS seconds, starting from its seed
# corpus in src/tests/fuzz/corpus/NAME (copied: the run does not change the
# tree). Reports the executions run, and fails on any crash, leak or
# sanitizer report (libFuzzer then leaves the input as a crash-* file in
# build-fuzz/fuzz-artifacts/).
set -uo pipefail
secs=${FUZZ_SECONDS:-8}
passed=0 failed=0 total=0
art=build-fuzz/fuzz-artifacts
mkdir -p "$art"
for bin in "$@"; do
    name=$(basename "$bin")
    work=$(mktemp -d)
    seeds=src/tests/fuzz/corpus/$name
    [ -d "$seeds" ] && cp -r "$seeds/." "$work/"
    log=$(mktemp)
    "$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$art/$name-" "$work" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs=${execs:-0}
    total=$((total + execs))
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        echo "PASS $name: $execs executions in ${secs}s, corpus $(ls "$work" | wc -l) inputs"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $rc):"
        grep -E "ERROR|SUMMARY|runtime error|crash-|leak-" "$log" | head -20
    fi
    rm -rf "$work" "$log"
done
echo "fuzz: $total executions"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]

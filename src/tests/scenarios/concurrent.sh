#!/usr/bin/env bash
# Four sessions replaying labs at the same time all pass: per-session names
# (cgroup parents nslab.<PID>, scratch directories, job numbers) never
# collide, and nothing of any session is left afterwards.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

# Labs that make cgroups, mounts, namespaces and jobs; each session replays
# them in a different order so different steps overlap.
labs=(labs/uts.lab labs/pid.lab labs/cgroup-pids.lab labs/mount-ns.lab)
# Other sessions on the machine (a developer's, another checkout's tests) have
# cgroup parents of their own: only what appears during this test counts.
# A parent of a live session of another binary is not this test's either
# (the runner's rule, sessions.bash).
list_parents()
{
    nslab_cgroups 6
}
before=$(list_parents)
pids=()
for s in 0 1 2 3; do
    (
        for k in 0 1 2 3; do
            lab=${labs[$(((s + k) % 4))]}
            [ -f "$lab" ] || continue
            if ! "$NSLAB" -q "$lab" >"$tmpdir/out.$s.$k" 2>&1; then
                echo "session $s: $lab failed" >"$tmpdir/fail.$s"
                exit 1
            fi
        done
    ) &
    pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=1; done
if [ $failed -ne 0 ]; then
    for f in "$tmpdir"/fail.*; do
        [ -f "$f" ] || continue
        cat "$f"
        s=${f##*.}
        tail -n 15 "$tmpdir"/out."$s".* | grep -E "✗|:[0-9]+: " | head -5
    done
    fail "a concurrent session failed"
fi
left=$(comm -13 <(printf '%s\n' "$before") <(list_parents) | sed '/^$/d' | wc -l)
assert_eq 0 "$left" "cgroup parents left after four concurrent sessions"
echo "concurrent: 4 sessions x ${#labs[@]} labs passed"

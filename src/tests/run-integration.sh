#!/usr/bin/env bash
# Integration tests: nslab itself, run the way users run it.
#
#   NSLAB=/abs/path/to/nslab src/tests/run-integration.sh [--lint] [TEST...]
#
# Tests are (a) every lab, labs/*.lab, replayed as `"$NSLAB" labs/X.lab`
# (passes when nslab exits 0; a lab whose header has a `# requires: root`
# line is skipped when not run as root), and (b) every scenario script
# src/tests/scenarios/*.sh except lib.sh (passes on exit 0, is skipped on
# exit 77). With --lint, the tests are instead the checks of the docs and
# the code, src/tests/lint/*.sh (run the same way). TEST arguments pick
# some tests of either kind by path.
#
# Each test gets NSLAB_TEST_TIMEOUT seconds (default 120), or what its
# header's "# test-timeout: SECONDS" line gives, when more; five times that
# on a machine emulated without KVM (time-scale.sh). Afterwards the
# runner checks that the tests left nothing behind: cgroups named nslab.*,
# processes named nslab, mounts whose target mentions nslab. The last line
# is exactly "integration: N passed, N failed, N skipped" ("lint: ..." with
# --lint); the exit status
# is 1 when anything failed or there was nothing to run, 2 on usage errors.
set -uo pipefail

suite=integration
if [ "${1:-}" = --lint ]; then
    suite=lint
    shift
fi
if [ -z "${NSLAB:-}" ]; then
    echo "usage: NSLAB=/path/to/nslab $0 [--lint] [TEST...]" >&2
    exit 2
fi
# Tests run from the top of the tree, so a relative NSLAB is resolved first.
case $NSLAB in
/*) ;;
*) NSLAB=$PWD/$NSLAB ;;
esac
if [ ! -x "$NSLAB" ] || [ -d "$NSLAB" ]; then
    echo "run-integration: NSLAB=$NSLAB is not an executable file" >&2
    exit 2
fi
export NSLAB
# The tests compare English output: a developer's zh_CN locale must not turn
# the narration Chinese (i18n.sh asks for Chinese itself).
export LC_ALL=C.UTF-8 LANGUAGE=
unset LC_MESSAGES LANG
# The same under `sudo make test` as under root: sudo's variables make a
# root nslab write its files for that user; a test that wants them sets them.
unset SUDO_UID SUDO_GID SUDO_USER SUDO_COMMAND

timeout_s=${NSLAB_TEST_TIMEOUT:-120}
if ! [[ $timeout_s =~ ^[1-9][0-9]*$ ]]; then
    echo "run-integration: NSLAB_TEST_TIMEOUT=$timeout_s is not a number of seconds" >&2
    exit 2
fi

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=src/tests/time-scale.sh
source "$top/src/tests/time-scale.sh"
requested=()
for t in "$@"; do
    # Accept paths relative to where the runner was started or to the top.
    if [ -e "$t" ]; then
        t=$(realpath --relative-to="$top" "$t")
    fi
    requested+=("$t")
done
cd "$top" || exit 2
export NSLAB_TOP=$top
# Under make asan: what Graphviz and fontconfig keep is not nslab's leak.
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$top/src/tests/lsan.supp"

is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

# shellcheck source=sessions.bash
source "$top/src/tests/sessions.bash"

log=$(mktemp "${TMPDIR:-/tmp}/nslab-integration.XXXXXX")
trap 'rm -f "$log"' EXIT

# --- what is left behind ---------------------------------------------------

# One line per thing; the runner compares the lists from before and after.
leftover_cgroups()
{
    nslab_cgroups 3
}

leftover_processes()
{
    # Only processes running the binary under test (its builtins included,
    # which re-execute it): other checkouts' nslab sessions on the same
    # machine are not this run's leftovers.
    local pid exe
    exe=$(readlink -f "$NSLAB")
    for pid in /proc/[0-9]*; do
        [ "$(readlink "$pid"/exe 2>/dev/null)" = "$exe" ] || continue
        echo "pid ${pid#/proc/}: $(tr '\0' ' ' <"$pid"/cmdline 2>/dev/null)"
    done
}

leftover_mounts()
{
    # Field 5 of mountinfo is the mount point, as seen from this (the host's)
    # mount namespace.
    # The filesystem type follows the "-" that ends the optional fields.
    awk '$5 ~ /nslab/ {
        for (i = 7; i < NF && $i != "-"; i++) ;
        print "mount " $5 " (" $(i + 1) ")"
    }' /proc/self/mountinfo | sort
}

leftovers()
{
    leftover_cgroups
    leftover_processes
    leftover_mounts
}

# Lines of $2 that are not in $1.
new_lines()
{
    comm -13 <(printf '%s\n' "$1" | sort) <(printf '%s\n' "$2" | sort) | sed '/^$/d'
}

# --- the tests ---------------------------------------------------------------

tests=()
if [ ${#requested[@]} -gt 0 ]; then
    candidates=(labs/*.lab src/tests/scenarios/*.sh src/tests/lint/*.sh)
elif [ "$suite" = lint ]; then
    candidates=(src/tests/lint/*.sh)
else
    candidates=(labs/*.lab src/tests/scenarios/*.sh)
fi
for f in "${candidates[@]}"; do
    [ -f "$f" ] || continue
    [ "$f" = src/tests/scenarios/lib.sh ] && continue
    if [ ${#requested[@]} -gt 0 ]; then
        want=false
        for r in "${requested[@]}"; do
            [ "$r" = "$f" ] && want=true
        done
        $want || continue
    fi
    tests+=("$f")
done
for r in "${requested[@]}"; do
    found=false
    for f in "${tests[@]}"; do
        [ "$r" = "$f" ] && found=true
    done
    if ! $found; then
        echo "run-integration: no test named $r (tests are labs/*.lab, src/tests/scenarios/*.sh and src/tests/lint/*.sh)" >&2
        exit 2
    fi
done

passed=0 failed=0 skipped=0

if [ ${#tests[@]} -eq 0 ]; then
    echo "run-integration: no tests found (${candidates[*]}) under $top"
    echo "$suite: 0 passed, 0 failed, 0 skipped"
    exit 1
fi

# A lab's header is its leading block of comment and blank lines.
lab_requires_root()
{
    awk '!/^[[:space:]]*(#|$)/ { exit }
         /^#[[:space:]]*requires:/ && /(:|[[:space:],])root([[:space:],]|$)/ { found = 1 }
         END { exit !found }' "$1"
}

# Run one test with its output in $log; sets rc.
run_one()
{
    local start=$SECONDS
    # The braces keep bash's own "Segmentation fault" line out of the way:
    # the FAIL line says it.
    # As root, each test runs in a UTS and an IPC namespace of its own: what
    # nslab calls "the host" is then a throwaway copy, so no test, however
    # wrong, can rename this machine or leave IPC objects in its namespace.
    local guard=()
    [ "$(id -u)" -eq 0 ] && unshare --uts --ipc true 2>/dev/null && guard=(unshare --uts --ipc --)
    # A test that replays every lab (as lint/i18n.sh does) says how long it
    # may take in its header: "# test-timeout: SECONDS", when more.
    local limit=$timeout_s own
    own=$(sed -n '1,30s/^# test-timeout: \([1-9][0-9]*\).*/\1/p' "${!#}" 2>/dev/null | head -n 1)
    [ -n "$own" ] && [ "$own" -gt "$limit" ] && limit=$own
    limit=$((limit * time_scale))
    { timeout --kill-after=5 "$limit" "${guard[@]}" "$@" </dev/null >"$log" 2>&1; rc=$?; } 2>/dev/null
    # 124: ended by timeout's SIGTERM; 137 after the full time: by its SIGKILL.
    if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ $((SECONDS - start)) -ge "$limit" ]; }; then
        rc=timeout
    fi
}

report_failure()
{
    local name=$1 why=$2
    echo "FAIL $name ($why)"
    tail -n 30 "$log" | sed 's/^/    /'
    failed=$((failed + 1))
}

before=$(leftovers)

for t in "${tests[@]}"; do
    case $t in
    labs/*)
        if ! $is_root && lab_requires_root "$t"; then
            echo "SKIP $t (needs root)"
            skipped=$((skipped + 1))
            continue
        fi
        run_one "$NSLAB" "$t"
        ;;
    *)
        run_one bash "$t"
        ;;
    esac
    # A lab whose `require` does not hold ends with status 0 and one line
    # saying what it needs and what this machine has: a skip, not a pass.
    if [ "$rc" = 0 ] && [[ $t == labs/* ]] && grep -q '^require: skipped: ' "$log"; then
        echo "SKIP $t ($(sed -n 's/^require: skipped: //p' "$log" | tail -n 1))"
        skipped=$((skipped + 1))
        continue
    fi
    case $rc in
    0)
        echo "PASS $t"
        passed=$((passed + 1))
        ;;
    77)
        if [[ $t == labs/* ]]; then
            report_failure "$t" "exit status 77"
            continue
        fi
        # lib.sh's skip prints "SKIP NAME: REASON".
        reason=$(sed -nE 's/^SKIP [^ ]+: (.*)/\1/p' "$log" | tail -n 1)
        echo "SKIP $t (${reason:-exit status 77})"
        skipped=$((skipped + 1))
        ;;
    timeout)
        report_failure "$t" "timed out"
        ;;
    *)
        if [ "$rc" -gt 128 ]; then
            report_failure "$t" "killed by signal $(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))"
        else
            report_failure "$t" "exit status $rc"
        fi
        ;;
    esac
done

# Processes of a test that was just killed may take a moment to go, so the
# check waits a little for what is new before calling it a leak.
left=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=$(new_lines "$before" "$(leftovers)")
    [ -z "$left" ] && break
    sleep 0.5
done
if [ -n "$left" ]; then
    echo "FAIL cleanup: the tests left these behind:"
    printf '%s\n' "$left" | sed 's/^/    /'
    failed=$((failed + 1))
fi
old=$(leftovers)
old=$(comm -12 <(printf '%s\n' "$before" | sort) <(printf '%s\n' "$old" | sort) | sed '/^$/d')
if [ -n "$old" ]; then
    echo "note: these were already there before the tests started (not counted):"
    printf '%s\n' "$old" | sed 's/^/    /'
fi

echo "$suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

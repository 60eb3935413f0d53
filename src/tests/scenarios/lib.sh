# shellcheck shell=bash
# Helpers for scenario tests. A scenario is a bash script in this directory
# that starts with
#
#     # shellcheck source=lib.sh
#     source "$(dirname "$0")/lib.sh"
#
# and exits 0 when it passes, 77 when it cannot run here (skipped), anything
# else when it fails. run-integration.sh runs each one from the top of the
# tree, with NSLAB set to the absolute path of the binary under test.
#
# Sourcing this file turns on `set -euo pipefail`, makes a private temporary
# directory ($tmpdir), and skips the scenario when python3 (used for JSON)
# is missing.

set -euo pipefail

# The scenario's name, used in every message it prints.
scenario=$(basename "$0")

# skip REASON: the scenario cannot run here; exit 77 (run-integration.sh
# reports it as "SKIP path (REASON)", reading the line printed here).
skip()
{
    echo "SKIP $scenario: $*" >&2
    exit 77
}

# require_root: skip unless running as root.
require_root()
{
    [ "$(id -u)" -eq 0 ] || skip "needs root"
}

# require_nslab: fail unless $NSLAB names the nslab binary to test.
require_nslab()
{
    if [ -z "${NSLAB:-}" ] || [ ! -x "$NSLAB" ]; then
        fail "NSLAB must name the nslab binary (got '${NSLAB:-}'); run through make integration"
    fi
}

# fail MSG: print "FAIL scenario: MSG" on stderr and exit 1.
fail()
{
    echo "FAIL $scenario: $*" >&2
    exit 1
}

# assert_eq EXPECTED ACTUAL MSG: fail with MSG unless the two strings are equal.
assert_eq()
{
    [ "$#" -eq 3 ] || fail "assert_eq needs EXPECTED ACTUAL MSG (got $# arguments)"
    [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# assert_contains HAYSTACK NEEDLE MSG: fail with MSG unless NEEDLE occurs in
# HAYSTACK (a plain substring, not a pattern).
assert_contains()
{
    [ "$#" -eq 3 ] || fail "assert_contains needs HAYSTACK NEEDLE MSG (got $# arguments)"
    [[ $1 == *"$2"* ]] || fail "$3: '$2' not found in: $1"
}

# nslab_json ARGS...: run "$NSLAB" -J ARGS... (stdin passes through, so
# `printf 'unshare uts\n' | nslab_json -` works); prints nslab's NDJSON and
# returns its exit status.
nslab_json()
{
    require_nslab
    "$NSLAB" -J "$@"
}

# json_get JSON PATH: print the value at PATH in the one JSON document JSON.
# PATH is dot-separated keys and list indices: "trace.0.call", "subject.ns.uts.inode";
# "" is the whole document. Strings print raw, everything else as JSON
# (true, null, 3, {...}). A missing key fails with a message naming PATH.
json_get()
{
    [ "$#" -eq 2 ] || fail "json_get needs JSON PATH (got $# arguments)"
    python3 -c '
import json, sys
doc, path = sys.argv[1], sys.argv[2]
try:
    v = json.loads(doc)
except ValueError as e:
    sys.exit("json_get: not JSON (%s): %.200s" % (e, doc))
for key in [k for k in path.split(".") if k != ""]:
    try:
        v = v[int(key)] if isinstance(v, list) else v[key]
    except (KeyError, IndexError, ValueError, TypeError):
        sys.exit("json_get: no %r in: %.200s" % (path, doc))
print(v if isinstance(v, str) else json.dumps(v))
' "$1" "$2" || fail "json_get '$2' failed"
}

# json_step NDJSON N: print the object (one line) whose "step" is N, from
# NDJSON output of nslab -J; fails when there is none.
json_step()
{
    [ "$#" -eq 2 ] || fail "json_step needs NDJSON N (got $# arguments)"
    python3 -c '
import json, sys
want = int(sys.argv[2])
for line in sys.argv[1].splitlines():
    if not line.strip():
        continue
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("json_step: a line is not JSON (%s): %.200s" % (e, line))
    if isinstance(obj, dict) and obj.get("step") == want:
        print(line)
        sys.exit(0)
sys.exit("json_step: no step %d in the output" % want)
' "$1" "$2" || fail "json_step $2 failed"
}

# json_valid NDJSON: fail unless every non-empty line is a JSON object.
json_valid()
{
    [ "$#" -eq 1 ] || fail "json_valid needs NDJSON (got $# arguments)"
    python3 -c '
import json, sys
for n, line in enumerate(sys.argv[1].splitlines(), 1):
    if line.strip() and not isinstance(json.loads(line), dict):
        sys.exit("line %d is not a JSON object" % n)
' "$1" || fail "output is not NDJSON"
}

# on_exit CMD...: run CMD at exit (last registered first), before $tmpdir is
# removed; e.g. `on_exit kill "$pid"`. Failures of CMD are ignored.
_on_exit=()
on_exit()
{
    _on_exit+=("$(printf '%q ' "$@")")
}

_lib_cleanup()
{
    local status=$? i
    for ((i = ${#_on_exit[@]} - 1; i >= 0; i--)); do
        eval "${_on_exit[i]}" || true
    done
    # --one-file-system: never delete through a mount a test left under it.
    [ -n "${tmpdir:-}" ] && rm -rf --one-file-system "$tmpdir"
    exit "$status"
}

command -v python3 >/dev/null || skip "needs python3 (for JSON)"

# tmpdir: a private directory for this scenario, removed at exit.
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/nslab-test.XXXXXX")
trap _lib_cleanup EXIT

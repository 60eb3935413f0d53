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

# shellcheck source=../sessions.bash
source "$(dirname "${BASH_SOURCE[0]}")/../sessions.bash"

command -v python3 >/dev/null || skip "needs python3 (for JSON)"

# tmpdir: a private directory for this scenario, removed at exit.
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/nslab-test.XXXXXX")
trap _lib_cleanup EXIT

# own_mount_ns "$@" (after require_root): for a scenario that mounts. It
# starts the scenario again, with its arguments, in a mount namespace made
# for it with private propagation, and there fails unless that namespace
# differs from the one it was started in (named before the exec: PID 1's
# may be unreadable, in a container).
own_mount_ns()
{
    if [ -z "${NSLAB_OUTER_MNTNS:-}" ]; then
        local outer
        outer=$(readlink /proc/self/ns/mnt)
        trap - EXIT
        rm -rf --one-file-system "$tmpdir"
        exec unshare --mount --propagation private env NSLAB_OUTER_MNTNS="$outer" \
            bash "$0" "$@"
    fi
    [ "$(readlink /proc/self/ns/mnt)" != "$NSLAB_OUTER_MNTNS" ] ||
        fail "refusing to mount in the mount namespace it was started in"
}

# --- driving one nslab session step by step ---------------------------------
#
#     nslab_start            # "$NSLAB" -J, commands through a pipe
#     nslab_send "unshare uts"
#     json_get "$reply" subject.pid
#     nslab_stop             # end of input; $nslab_status is its exit status
#
# One session at a time. nslab_pid is the PID of nslab itself (the host
# column of every step), nslab_err the file that collects its stderr, and
# nslab_events the event lines ({"event":...}) read so far, in order. The
# session is ended (SIGTERM) at exit if the scenario did not stop it. Start
# background processes of the test with nslab_bg CMD... (sets $bg_pid): a
# plain `CMD &` would inherit the session's pipe and keep nslab from seeing
# the end of its input.

nslab_pid=""
nslab_events=()

# nslab_session CMD...: start CMD (a command that execs nslab -J, e.g.
# `setpriv ... "$NSLAB" -J`) reading commands from a pipe.
nslab_session()
{
    [ -z "$nslab_pid" ] || fail "nslab_session: a session (pid $nslab_pid) is still running"
    local dir
    dir=$(mktemp -d "$tmpdir/session.XXXXXX")
    # Readable by all: nslab may run as another user (setpriv).
    chmod 755 "$dir"
    mkfifo "$dir/in" "$dir/out"
    nslab_err=$dir/err
    nslab_events=()
    # A simple command run in the background is exec'd by the forked shell,
    # so $! is the PID of the command itself.
    "$@" <"$dir/in" >"$dir/out" 2>"$nslab_err" &
    nslab_pid=$!
    exec {nslab_in}>"$dir/in" {nslab_out}<"$dir/out"
    if [ ${#_on_exit[@]} -eq 0 ] || [[ ${_on_exit[0]} != _nslab_cleanup* ]]; then
        # Registered first, so it runs last: after the scenario's own cleanups.
        _on_exit=("_nslab_cleanup" "${_on_exit[@]}")
    fi
}

# nslab_start ARGS...: nslab_session "$NSLAB" -J ARGS...
nslab_start()
{
    require_nslab
    nslab_session "$NSLAB" -J "$@"
}

# nslab_send COMMAND: write one command line, read until the step object it
# produces, put that line in $reply and json_load it into J (events before
# it go to nslab_events). Fails when nslab exits, says nothing for
# NSLAB_STEP_TIMEOUT seconds (default 30), or answers for another command.
nslab_send()
{
    [ "$#" -eq 1 ] || fail "nslab_send needs one COMMAND (got $# arguments)"
    [ -n "$nslab_pid" ] || fail "nslab_send '$1': no session (nslab_start first)"
    kill -0 "$nslab_pid" 2>/dev/null ||
        fail "nslab_send '$1': nslab has exited; its stderr: $(cat "$nslab_err")"
    printf '%s\n' "$1" >&"$nslab_in"
    local line
    while :; do
        IFS= read -r -t "${NSLAB_STEP_TIMEOUT:-30}" line <&"$nslab_out" ||
            fail "no step from nslab after '$1'; its stderr: $(cat "$nslab_err")"
        case $line in
        '{"step":'*) break ;;
        '{"event":'*) nslab_events+=("$line") ;;
        *) fail "nslab printed a line that is neither a step nor an event: $line" ;;
        esac
    done
    reply=$line
    json_load "$reply"
    [ "${J[command]-}" = "$1" ] || fail "nslab_send '$1': the step is for another command: $reply"
}

# nslab_send_ok COMMAND: nslab_send, then fail unless the step succeeded.
nslab_send_ok()
{
    nslab_send "$1"
    [ "${J[ok]}" = true ] || fail "'$1' failed: ${J[error]}"
}

# nslab_send_fails COMMAND [ERRNO]: nslab_send, then fail unless the step
# failed (with errno ERRNO when given).
nslab_send_fails()
{
    nslab_send "$1"
    [ "${J[ok]}" = false ] || fail "'$1' succeeded, but should have failed"
    [ -z "${2:-}" ] || assert_eq "$2" "${J[errno]-}" "errno of '$1'"
}

# nslab_bg CMD...: start CMD in the background, without the session's pipe
# ends; $bg_pid is its PID, killed at exit.
nslab_bg()
{
    if [ -n "$nslab_pid" ]; then
        "$@" {nslab_in}>&- {nslab_out}<&- &
    else
        "$@" &
    fi
    bg_pid=$!
    on_exit kill "$bg_pid"
}

# nslab_veth_pair DEV PEER: in the running session, a veth pair from the
# subject's network namespace (DEV) to a new one (PEER): a sleeping job in a
# network namespace of its own, then `veth DEV PEER --peer-ns %JOB`. Sets
# veth_job to the job's PID; $reply and J are the veth step's.
nslab_veth_pair()
{
    [ "$#" -eq 2 ] || fail "nslab_veth_pair needs DEV PEER (got $# arguments)"
    nslab_send_ok "spawn --ns net sleep 300"
    # shellcheck disable=SC2034 # for the scenarios
    veth_job=$(jv result.pid)
    nslab_send_ok "veth $1 $2 --peer-ns %$(jv result.job)"
}

# nslab_step COMMAND: like nslab_send, but only prints the step's JSON line
# (no json_load, no event kept): for scenarios of a hundred steps, where a
# python start per step is slow on small machines. Usable in $(...).
nslab_step()
{
    printf '%s\n' "$1" >&"$nslab_in"
    local line
    while IFS= read -r -t "${NSLAB_STEP_TIMEOUT:-30}" line <&"$nslab_out"; do
        case "$line" in '{"step":'*) printf '%s\n' "$line"; return 0 ;; esac
    done
    fail "no answer to '$1' (stderr: $(cat "$nslab_err"))"
}

# nslab_step_ok COMMAND: nslab_step, failing unless the step succeeded
# (checked without python).
nslab_step_ok()
{
    local s
    s=$(nslab_step "$1")
    [[ $s == *'"ok":true,'* ]] || fail "'$1' failed: $(json_get "$s" error)"
    printf '%s\n' "$s"
}

# nslab_stop: close nslab's input, collect the events it prints on the way
# out, wait for it; sets nslab_status to its exit status.
nslab_stop()
{
    [ -n "$nslab_pid" ] || fail "nslab_stop: no session"
    exec {nslab_in}>&-
    local line
    while IFS= read -r -t "${NSLAB_STEP_TIMEOUT:-30}" line <&"$nslab_out"; do
        case $line in
        '{"event":'*) nslab_events+=("$line") ;;
        *) fail "nslab printed after its input ended: $line" ;;
        esac
    done
    exec {nslab_out}<&-
    # shellcheck disable=SC2034 # for the scenarios
    {
        nslab_status=0
        wait "$nslab_pid" || nslab_status=$?
    }
    nslab_pid=""
}

# nslab_kill [SIGNAL]: end the session by SIGNAL (default TERM) instead of
# the end of its input, and wait for it; sets nslab_status.
nslab_kill()
{
    [ -n "$nslab_pid" ] || fail "nslab_kill: no session"
    kill "-${1:-TERM}" "$nslab_pid" 2>/dev/null || true
    exec {nslab_in}>&- {nslab_out}<&-
    # shellcheck disable=SC2034 # for the scenarios
    {
        nslab_status=0
        wait "$nslab_pid" 2>/dev/null || nslab_status=$?
    }
    nslab_pid=""
}

_nslab_cleanup()
{
    [ -n "$nslab_pid" ] || return 0
    nslab_kill TERM
}

# json_load JSON: parse one JSON document into the associative array J,
# one entry per leaf, keyed by the paths json_get takes ("ok",
# "subject.ns.uts.inode", "result.namespaces.0.type") and printed as
# json_get prints them; a list also gets "PATH.#", its length. One python
# run per document (python starts slowly), then plain lookups.
declare -gA J=()
json_load()
{
    [ "$#" -eq 1 ] || fail "json_load needs JSON (got $# arguments)"
    J=()
    local k v flat=$tmpdir/.json_load
    python3 -c '
import json, sys
try:
    doc = json.loads(sys.argv[1])
except ValueError as e:
    sys.exit("json_load: not JSON (%s): %.200s" % (e, sys.argv[1]))
def walk(path, v):
    if isinstance(v, dict) and v:
        for k, x in v.items():
            walk(path + [k], x)
        return
    if isinstance(v, list):
        out(path + ["#"], str(len(v)))
        for i, x in enumerate(v):
            walk(path + [str(i)], x)
        if v:
            return
    out(path, v if isinstance(v, str) else json.dumps(v))
def out(path, text):
    sys.stdout.write(".".join(path) + "\0" + text + "\0")
walk([], doc)
' "$1" >"$flat" || fail "json_load failed"
    while IFS= read -r -d '' k && IFS= read -r -d '' v; do
        J[$k]=$v
    done <"$flat"
}

# jv PATH: the value at PATH of the last json_load, failing when absent.
jv()
{
    [ -n "${J[$1]+x}" ] || fail "no '$1' in the JSON (have: ${!J[*]})"
    printf '%s\n' "${J[$1]}"
}

# in_mount_ns SCRIPT: run bash SCRIPT in a new private mount namespace made
# for the test (nslab started there takes it for the host's), with NSLAB, T
# (= $tmpdir) and TMPDIR exported; prints what SCRIPT prints. In SCRIPT,
# `steps` turns nslab -J output on its stdin into one "COMMAND|OK|ERROR" line
# per step (OK is True or False), and `run "CMDS"` runs nslab -J -k -c CMDS
# through it.
in_mount_ns()
{
    [ "$#" -eq 1 ] || fail "in_mount_ns needs SCRIPT (got $# arguments)"
    NSLAB=$NSLAB T=$tmpdir TMPDIR=$tmpdir unshare --mount --propagation private \
        bash -c "$_in_mount_ns_lib$1"
}
_in_mount_ns_lib='
steps() { python3 -c "
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if \"step\" in o:
        print(\"%s|%s|%s\" % (o[\"command\"], o[\"ok\"], o[\"error\"]))
"; }
run() { "$NSLAB" -J -k -c "$1" 2>/dev/null | steps; }
'

# ns_entries: the ten entries of /proc/PID/ns, in the kernel's order.
# shellcheck disable=SC2034 # for the scenarios
ns_entries="cgroup ipc mnt net pid pid_for_children time time_for_children user uts"
# shellcheck disable=SC2034 # for the scenarios
ns_types="cgroup ipc mnt net pid time user uts"

# kernel_ino PID ENTRY: the inode of /proc/PID/ns/ENTRY as the kernel shows
# it (readlink), or "none" when the link cannot be read (pid_for_children
# of a PID namespace without processes).
kernel_ino()
{
    local link
    if ! link=$(readlink "/proc/$1/ns/$2" 2>/dev/null); then
        echo none
        return 0
    fi
    # pid_for_children links read "pid:[N]", time_for_children "time:[N]".
    [[ $link =~ ^${2%_for_children}:\[([0-9]+)\]$ ]] ||
        fail "readlink /proc/$1/ns/$2 gave '$link'"
    echo "${BASH_REMATCH[1]}"
}

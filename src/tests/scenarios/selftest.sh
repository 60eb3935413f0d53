#!/usr/bin/env bash
# The scenario helpers test themselves, so a broken assert cannot make every
# other scenario pass. Needs neither root nor nslab.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# expect_fail MSG CMD...: CMD (a lib.sh helper) must exit non-zero when run
# in a subshell. Its own FAIL line is hidden: it is the expected outcome.
expect_fail()
{
    local msg=$1
    shift
    if ("$@") 2>/dev/null >/dev/null; then
        fail "$msg"
    fi
}

# assert_eq
assert_eq abc abc "equal strings"
assert_eq "" "" "empty strings"
expect_fail "assert_eq accepted unequal values" assert_eq abc abd "x"
expect_fail "assert_eq accepted a prefix" assert_eq abc ab "x"
expect_fail "assert_eq accepted a missing MSG" assert_eq abc abc

# The failure message names the scenario, the expectation and the value.
msg=$( (assert_eq one two "the numbers") 2>&1 || true)
assert_eq "FAIL selftest.sh: the numbers: expected 'one', got 'two'" "$msg" "assert_eq message"

# assert_contains: substrings, never patterns.
assert_contains "unshare(CLONE_NEWUTS) = 0" "CLONE_NEWUTS" "substring"
assert_contains "a*b" "*" "a literal star"
expect_fail "assert_contains accepted a missing needle" assert_contains "abc" "x" "m"
expect_fail "assert_contains treated the needle as a pattern" assert_contains "abc" "a*c" "m"

# fail exits 1; skip exits 77 with the line run-integration.sh reads.
set +e
(fail "boom") 2>/dev/null
assert_eq 1 "$?" "fail's exit status"
out=$( (skip "needs a unicorn") 2>&1)
status=$?
set -e
assert_eq 77 "$status" "skip's exit status"
assert_eq "SKIP selftest.sh: needs a unicorn" "$out" "skip's message"

# require_root skips exactly when not root.
set +e
(require_root) 2>/dev/null
status=$?
set -e
if [ "$(id -u)" -eq 0 ]; then
    assert_eq 0 "$status" "require_root as root"
else
    assert_eq 77 "$status" "require_root without root"
fi

# tmpdir exists, is private to this run, and on_exit runs before it goes.
[ -d "$tmpdir" ] || fail "tmpdir $tmpdir is not a directory"
assert_contains "$tmpdir" "nslab-test." "tmpdir name"
probe=$tmpdir/probe
# shellcheck disable=SC2016
bash -c 'source "$1/lib.sh"; echo "$tmpdir" >"$2"; on_exit cp "$tmpdir/seen" "$2.on_exit"; on_exit touch "$tmpdir/seen"' \
    child "$(dirname "$0")" "$probe" 2>/dev/null
child_tmp=$(cat "$probe")
[ -e "$child_tmp" ] && fail "tmpdir $child_tmp was not removed at exit"
[ -e "$probe.on_exit" ] || fail "on_exit commands did not run in reverse order before cleanup"

# JSON helpers.
line='{"step":2,"ok":false,"errno":"EPERM","trace":[{"call":"unshare","ret":-1}],"result":null}'
assert_eq unshare "$(json_get "$line" trace.0.call)" "json_get into a list"
assert_eq -1 "$(json_get "$line" trace.0.ret)" "json_get a number"
assert_eq false "$(json_get "$line" ok)" "json_get a boolean"
assert_eq null "$(json_get "$line" result)" "json_get null"
assert_eq EPERM "$(json_get "$line" errno)" "json_get a string prints it raw"
expect_fail "json_get found a missing key" json_get "$line" trace.1.call
expect_fail "json_get accepted bad JSON" json_get "{oops" ok
ndjson=$(printf '%s\n' '{"step":1,"ok":true}' '{"event":"reaped"}' "$line")
json_valid "$ndjson"
assert_eq "$line" "$(json_step "$ndjson" 2)" "json_step picks by step number"
expect_fail "json_step found a missing step" json_step "$ndjson" 3
expect_fail "json_valid accepted a non-object" json_valid '[1]'

# nslab_json refuses to run without a binary.
# shellcheck disable=SC2016
expect_fail "nslab_json ran without NSLAB" env -u NSLAB bash -c \
    'source "$1/lib.sh"; nslab_json -c show' child "$(dirname "$0")"

# json_load flattens one document into J; jv fails on a missing path.
json_load '{"step":3,"ok":true,"errno":null,"output":"a\nb","trace":[],"result":{"namespaces":[{"type":"uts","inode":7}]},"subject":{"ns":{}}}'
assert_eq 3 "${J[step]}" "json_load a number"
assert_eq true "${J[ok]}" "json_load a boolean"
assert_eq null "${J[errno]}" "json_load null"
assert_eq $'a\nb' "${J[output]}" "json_load keeps newlines in strings"
assert_eq 0 "${J[trace.#]}" "json_load the length of an empty list"
assert_eq "[]" "${J[trace]}" "json_load an empty list"
assert_eq "{}" "${J[subject.ns]}" "json_load an empty object"
assert_eq 1 "${J[result.namespaces.#]}" "json_load a list's length"
assert_eq uts "$(jv result.namespaces.0.type)" "jv into a list"
assert_eq 7 "$(jv result.namespaces.0.inode)" "jv a number"
expect_fail "jv found a missing key" jv result.namespaces.1.type
expect_fail "json_load accepted bad JSON" json_load '{oops'

# kernel_ino reads the kernel's links; "none" for what cannot be read.
[[ $(kernel_ino $$ uts) =~ ^[0-9]+$ ]] || fail "kernel_ino of the test's own uts"
assert_eq "$(stat -L -c %i /proc/$$/ns/pid)" "$(kernel_ino $$ pid_for_children)" "kernel_ino pid_for_children"
assert_eq none "$(kernel_ino 999999999 uts)" "kernel_ino of a missing process"

# A session with a stand-in for nslab: it answers each line with an event
# and a step echoing the command; "quiet" gets no step, "other" a step for
# another command.
fake=$tmpdir/fake-nslab
cat >"$fake" <<'FAKE'
#!/usr/bin/env bash
echo $$ >"${0%/*}/fake.pid"
n=0
while IFS= read -r l; do
    n=$((n + 1))
    echo '{"event":"exited","pid":1}'
    case $l in
    quiet) ;;
    other) echo "{\"step\":$n,\"command\":\"x\",\"ok\":true}" ;;
    bad) echo "{\"step\":$n,\"command\":\"bad\",\"ok\":false,\"error\":\"no\"}" ;;
    eperm) echo "{\"step\":$n,\"command\":\"eperm\",\"ok\":false,\"errno\":\"EPERM\",\"error\":\"no\"}" ;;
    *) echo "{\"step\":$n,\"command\":\"$l\",\"ok\":true}" ;;
    esac
done
echo '{"event":"killed","pid":2}'
exit 4
FAKE
chmod +x "$fake"
nslab_session "$fake"
nslab_send "hello"
assert_eq "$(cat "$tmpdir/fake.pid")" "$nslab_pid" "nslab_pid is the command itself"
assert_eq hello "${J[command]}" "nslab_send loads the step into J"
assert_eq 1 "${#nslab_events[@]}" "nslab_send keeps the event before the step"
nslab_send_ok "again"
assert_eq 2 "$(jv step)" "nslab_send_ok"
expect_fail "nslab_send_ok accepted a failed step" nslab_send_ok bad
nslab_send_fails bad
nslab_send_fails eperm EPERM
expect_fail "nslab_send_fails accepted a step that succeeded" nslab_send_fails fine
expect_fail "nslab_send_fails accepted another errno" nslab_send_fails eperm ENOENT
NSLAB_STEP_TIMEOUT=1 expect_fail "nslab_send took a step for another command" nslab_send other
NSLAB_STEP_TIMEOUT=1 expect_fail "nslab_send did not time out" nslab_send quiet
nslab_stop
assert_eq 4 "$nslab_status" "nslab_stop's exit status"
assert_contains "${nslab_events[*]}" '"event":"killed"' "nslab_stop collects the last events"
expect_fail "nslab_send without a session" nslab_send hello

# nslab_kill ends a session by a signal, not by the end of its input.
nslab_session "$fake"
nslab_send_ok "hello"
killed=$nslab_pid
nslab_kill TERM
assert_eq 143 "$nslab_status" "nslab_kill's exit status (SIGTERM)"
assert_eq "" "$nslab_pid" "no session after nslab_kill"
kill -0 "$killed" 2>/dev/null && fail "nslab_kill left the session running"
expect_fail "nslab_kill without a session" nslab_kill

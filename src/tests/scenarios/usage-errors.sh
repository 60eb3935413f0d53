#!/usr/bin/env bash
# A usage error is the lab's own mistake, never a failure `expect fail`
# accepts; and the small messages and validations a class meets first.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab

# run TEXT [ARGS...]: TEXT as a script on stdin; sets rc, out, err.
run()
{
    local text=$1
    shift
    rc=0
    printf '%s\n' "$text" | "$NSLAB" "$@" >"$tmpdir/out" 2>"$tmpdir/err" || rc=$?
    out=$(cat "$tmpdir/out")
    err=$(cat "$tmpdir/err")
}

# --- expect fail never accepts a usage error ------------------------------
for bad in 'spawn --ns pdi sleep' 'hostnme' 'spawn sleep abc' 'cgcreate mem 64Q' \
    'veth a/b c' 'unshare uts --bogus'; do
    run "$bad
expect fail
say passed" -q
    assert_eq 1 "$rc" "'$bad' + expect fail: exit status"
    [[ $out != *passed* ]] || fail "'$bad' + expect fail: the script went on"
    assert_contains "$err" "<stdin>:2:" "'$bad' + expect fail: FILE:LINE of the expect"
    assert_contains "$err" "a usage error is never expected" "'$bad' + expect fail: the reason"
done
# Not even with -k, nor as `expect not ok`.
run 'spawn --ns pdi sleep
expect not ok
say after' -q -k
assert_eq 1 "$rc" "-k: usage error + expect not ok: exit status"
assert_contains "$err" "a usage error is never expected" "-k: expect not ok after a usage error"
assert_contains "$out" "after" "-k: the script goes on"

# A step that ran and failed is still expected: a program's failure...
run '!false
expect fail
say passed' -q
assert_eq 0 "$rc" "!false + expect fail: exit status ($err)"
assert_contains "$out" "passed" "!false + expect fail: the script goes on"
# ... and the kernel's (a second write of a map: EPERM).
if [ "$(id -u)" -eq 0 ]; then
    run 'unshare user
uidmap 0 0 1
expect fail EPERM
say passed' -q
    assert_eq 0 "$rc" "second uidmap + expect fail EPERM: exit status ($err)"
    assert_contains "$out" "passed" "a kernel failure is expected"
fi

# --- a usage error shows no observation block before the error -----------
run 'unshare bogus'
assert_eq 1 "$rc" "unshare bogus: exit status"
[[ $out != *NAMESPACE* && $out != *"all ten"* ]] ||
    fail "a usage error printed the observation: $out"
run 'hostname'
[[ $out == *NAMESPACE* || $out == *"all ten"* ]] ||
    fail "a good step shows its observation (so the check above means something): $out"

# --- spawn's builtins take their own arguments, with their own usage ------
run 'spawn sleep 0.2
wait %1 5
expect event "exited"' -q
assert_eq 0 "$rc" "spawn sleep 0.2 ($err)"
run 'spawn sleep -5' -q
assert_eq 1 "$rc" "spawn sleep -5: exit status"
assert_contains "$err" "spawn sleep [SECONDS]" "spawn sleep -5: sleep's own usage"
[[ $err != *SIG:* && $err != *--trap* ]] || fail "spawn sleep -5 shows init's usage: $err"
run 'spawn orphan abc' -q
assert_eq 1 "$rc" "spawn orphan abc: exit status"
assert_contains "$err" "spawn orphan [SECONDS]" "spawn orphan abc: orphan's own usage"
[[ $err != *SIG:* && $err != *--trap* ]] || fail "spawn orphan abc shows init's usage: $err"

# --- message and validation nits -----------------------------------------
run 'timens bogus 1' -q
assert_eq 1 "$rc" "timens bogus: exit status"
[[ $err != *"is not a clock a time"* ]] || fail "timens bogus: the broken sentence: $err"
assert_contains "$err" "monotonic" "timens bogus: names the clocks"

run 'mounts /nonexistent/nslab-test' -q
assert_eq 1 "$rc" "mounts of a missing path: exit status"
assert_contains "$err" "ENOENT" "mounts of a missing path: says why"

run 'setns uts,,net self' -q
assert_eq 1 "$rc" "setns uts,,net: exit status"
assert_contains "$err" "empty item" "setns uts,,net: names the mistake"
run 'spawn --ns pid, sleep 1' -q
assert_eq 1 "$rc" "spawn --ns pid,: exit status"

# Quotes inside the trace's arguments are escaped (-J: the trace as data).
out=$(printf '%s\n' "spawn /bin/echo 'say \"hi\"'" | "$NSLAB" -J 2>/dev/null)
args=$(json_get "$(head -n1 <<<"$out")" "trace.1.args")
assert_contains "$args" '"say \"hi\""' "a quote in a trace argument"

if [ "$(id -u)" -eq 0 ]; then
    run 'cgcreate mem 64M
cgset mem1 ../x v' -q
    assert_eq 1 "$rc" "cgset ../x: exit status"
    [[ $err != *"kernel refused"* ]] || fail "cgset ../x blames the kernel: $err"
    assert_contains "$err" "not a file name" "cgset ../x: a usage error"

    run 'spawn --ns pid sleep
kill --from inside %1' -q
    assert_contains "$out" "helper process" "kill --from inside names its helper"

    # As another user: cgcreate says root is needed; a user namespace with
    # uid_map alone names the missing gid_map.
    if command -v setpriv >/dev/null; then
        asnobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups "$NSLAB")
        rc=0
        (cd / && printf 'cgcreate pids 5\n' | "${asnobody[@]}" -q) >/dev/null 2>"$tmpdir/err" || rc=$?
        err=$(cat "$tmpdir/err")
        assert_eq 1 "$rc" "cgcreate as nobody: exit status"
        assert_contains "$err" "run nslab as root" "cgcreate as nobody: the way out"
        rc=0
        (cd / && printf 'unshare user --no-map\nuidmap 0 me 1\nunshare user\n' |
            "${asnobody[@]}" -q) >/dev/null 2>"$tmpdir/err" || rc=$?
        err=$(cat "$tmpdir/err")
        if [[ $err == *"unshare user --no-map"* || $err == *"uid_map"*EPERM* && $err != *gid_map* ]]; then
            fail "uidmap alone, then unshare user: $err"
        fi
        if [[ $err == *EPERM* ]]; then
            assert_contains "$err" "gid_map" "the EPERM after uidmap alone names gid_map"
        fi
    fi
fi

# --- make run: the session's status is reported, not make's error --------
if [ -x build/nslab ] && [ "$NSLAB" -ef build/nslab ] && command -v make >/dev/null; then
    rc=0
    make -s -q build/nslab 2>/dev/null || true
    make -s --no-print-directory -o build/nslab -o build/locale/zh_CN/LC_MESSAGES/nslab.mo \
        run ARGS="-q -c hostnme" >"$tmpdir/out" 2>"$tmpdir/err" </dev/null || rc=$?
    err=$(cat "$tmpdir/err")
    assert_eq 0 "$rc" "make run after a failed session: make's status"
    [[ $err != *"Error 1"* ]] || fail "make run printed make's error: $err"
    assert_contains "$err" "status 1" "make run: the session's status is shown"
fi
echo "PASS $scenario"

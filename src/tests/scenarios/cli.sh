#!/usr/bin/env bash
# The command line of SPEC §1 and the bad input of §6: exit statuses,
# -k, where a script stops and what it says, the four ways to give a
# script, -c, the tokenizer as users meet it, the echo, bad lines,
# --stable, the keys of -J, --no-trace and -q. Nothing here needs root.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab

# run ARGS...: run nslab with stdin from $stdin_file (default /dev/null);
# sets rc, out, err (files $tmpdir/out, $tmpdir/err keep them whole).
stdin_file=/dev/null
run()
{
    rc=0
    "$NSLAB" "$@" <"$stdin_file" >"$tmpdir/out" 2>"$tmpdir/err" || rc=$?
    out=$(cat "$tmpdir/out")
    err=$(cat "$tmpdir/err")
}

# stderr_lines N MSG: the last run wrote exactly N lines on stderr.
stderr_lines()
{
    assert_eq "$1" "$(wc -l <"$tmpdir/err")" "$2: lines on stderr (stderr: $err)"
}

# --- exit statuses --------------------------------------------------------
run -c hostname
assert_eq 0 "$rc" "-c hostname: exit status"
assert_contains "$out" "$(hostname)" "-c hostname: output"
stderr_lines 0 "-c hostname"

run -c hostnme
assert_eq 1 "$rc" "unknown command: exit status"
stderr_lines 1 "unknown command"
assert_contains "$err" "did you mean 'hostname'" "unknown command: the suggestion"
assert_contains "$err" "hostnme" "unknown command: names the word"

run -c 'frobnicate'
assert_eq 1 "$rc" "unknown command without a near name: exit status"
stderr_lines 1 "unknown command without a near name"

run --bogus
assert_eq 2 "$rc" "--bogus: exit status"
stderr_lines 1 "--bogus"
assert_contains "$err" "--bogus" "--bogus: names the option"
run --observe bogus -c hostname
assert_eq 2 "$rc" "--observe bogus: exit status"
run "$tmpdir/no-such-script.lab"
assert_eq 2 "$rc" "a missing script: exit status"
assert_contains "$err" "no-such-script.lab" "a missing script: names it"
run -c hostname "$tmpdir/x.lab"
assert_eq 2 "$rc" "-c and a script: exit status"
run -c
assert_eq 2 "$rc" "-c without TEXT: exit status"

run -c 'expect ns uts new'
assert_eq 3 "$rc" "an expect that does not hold: exit status"
# Told once: the ✗ line on stdout, nothing on stderr.
stderr_lines 0 "an expect that does not hold"
assert_eq 1 "$(grep -c '✗' "$tmpdir/out")" "an expect that does not hold: its ✗ line"
run -c 'expect ns uts host'
assert_eq 0 "$rc" "an expect that holds: exit status"

run --version
assert_eq 0 "$rc" "--version: exit status"
assert_contains "$out" "nslab " "--version"
run --help
assert_eq 0 "$rc" "--help: exit status"
assert_contains "$out" "Usage: nslab" "--help"

# --- -k: go on, but report the first failure -------------------------------
# A failure is counted when the next real step comes (say, pause and expect
# may run between, so an `expect fail` can accept it): the script stops
# before that step.
run -c 'hostnme; say between; unshare uts; say after; expect ns uts new; say end'
assert_eq 1 "$rc" "no -k: exit status"
[[ $out == *between* ]] || fail "say right after a failure did not run: $out"
[[ $out != *"unshare uts"* && $out != *after* ]] || fail "without -k the step after a failure ran: $out"

run -k -c 'hostnme; say after; expect ns uts new; say end'
assert_eq 1 "$rc" "-k: the first failure (a step) gives the status"
assert_contains "$out" "after" "-k: the command after the failure ran"
assert_contains "$out" "end" "-k: the last command ran"
assert_contains "$out" "✗" "-k: the failing expect ran"
# The unknown command on stderr; the expect's ✗ once, on stdout only.
stderr_lines 1 "-k, two failures"
assert_eq 1 "$(cat "$tmpdir/out" "$tmpdir/err" | grep -c "✗\|did not hold")" \
    "-k: the failed expect is told once"

run -k -c 'expect ns uts new; hostnme; say end'
assert_eq 3 "$rc" "-k: the first failure (an expect) gives the status"
assert_contains "$out" "end" "-k after an expect: the last command ran"

# --- a script stops at its first failure, naming FILE:LINE ----------------
script=$tmpdir/stop.lab
cat >"$script" <<'EOF'
# line 1: a comment
say one

say two \
    continued
bogus-command    # line 6 (the continuation above is lines 4-5)
jobs
EOF
run "$script"
assert_eq 1 "$rc" "a failing script: exit status"
stderr_lines 1 "a failing script"
[[ $err == "$script:6: "* ]] || fail "a failing script: stderr should start with '$script:6: ', got: $err"
assert_contains "$err" "bogus-command" "a failing script: names the command"
assert_contains "$out" "one" "a failing script: the steps before ran"
assert_contains "$out" "two continued" "a failing script: the continued line ran"
[[ $out != *"no jobs"* ]] || fail "a failing script went on after its failure: $out"

# The same through stdin: the name is <stdin>, the line the same.
stdin_file=$script run
stdin_file=/dev/null
assert_eq 1 "$rc" "a failing script on stdin: exit status"
[[ $err == "<stdin>:6: "* ]] || fail "a failing script on stdin: expected '<stdin>:6: ...', got: $err"

# --- four ways to give a script, all the same -----------------------------
script=$tmpdir/same.lab
cat >"$script" <<'EOF'
# one script, four ways in
say hello
hostname
spawn sleep 30
ls-ns %1
jobs
kill -KILL %1
jobs
EOF
run --stable "$script"
assert_eq 0 "$rc" "nslab FILE: exit status (stderr: $err)"
want=$out
[ -n "$want" ] || fail "nslab FILE printed nothing"
run --stable -f "$script"
assert_eq 0 "$rc" "nslab -f FILE: exit status"
assert_eq "$want" "$out" "nslab -f FILE prints what nslab FILE prints"
stdin_file=$script run --stable -f -
assert_eq 0 "$rc" "nslab -f -: exit status"
assert_eq "$want" "$out" "nslab -f - prints what nslab FILE prints"
rc=0
out=$(cat "$script" | "$NSLAB" --stable 2>"$tmpdir/err") || rc=$?
stdin_file=/dev/null
assert_eq 0 "$rc" "piped stdin: exit status"
assert_eq "$want" "$out" "piped stdin prints what nslab FILE prints"

# --- --stable: two runs print the same bytes --------------------------------
run --stable "$script"
cp "$tmpdir/out" "$tmpdir/stable1"
run --stable "$script"
cmp -s "$tmpdir/stable1" "$tmpdir/out" ||
    fail "--stable: two runs differ: $(diff "$tmpdir/stable1" "$tmpdir/out" | head -n 10)"
assert_contains "$out" "pid@1" "--stable labels PIDs"
[[ ! $out =~ [0-9]{7,} ]] || fail "--stable still prints a long number (an inode?): $out"
run -J --stable "$script"
cp "$tmpdir/out" "$tmpdir/stable1"
run -J --stable "$script"
cmp -s "$tmpdir/stable1" "$tmpdir/out" ||
    fail "--stable -J: two runs differ: $(diff "$tmpdir/stable1" "$tmpdir/out" | head -n 10)"
# Without --stable the PIDs are there, so two runs differ: the comparison
# above can fail.
run "$script"
cp "$tmpdir/out" "$tmpdir/plain1"
run "$script"
cmp -s "$tmpdir/plain1" "$tmpdir/out" && fail "two runs without --stable print the same"

# --- -c 'a; b': two steps --------------------------------------------------
run -J -c 'say a; say b'
assert_eq 0 "$rc" "-c 'a; b': exit status"
json_valid "$out"
assert_eq 2 "$(grep -c '^{"step":' <<<"$out")" "-c 'a; b': steps"
json_load "$(json_step "$out" 1)"
assert_eq "say a" "$(jv command)" "-c 'a; b': the first command"
assert_eq a "$(jv output)" "-c 'a; b': the first output"
json_load "$(json_step "$out" 2)"
assert_eq "say b" "$(jv command)" "-c 'a; b': the second command"

# --- words, quotes, comments, continuation ----------------------------------
script=$tmpdir/words.lab
cat >"$script" <<'EOF'
say "two  spaces" 'single # not a comment' a#b # trailing remark
say one \
  two
say ""  end
say 'back\slash' "q\"uote" x\ y
    # an indented comment line
say last;say after-semicolon
EOF
run -J "$script"
assert_eq 0 "$rc" "words: exit status (stderr: $err)"
json_valid "$out"
expect_output()
{
    json_load "$(json_step "$out" "$1")"
    assert_eq "$2" "$(jv line)" "words: line of step $1"
    assert_eq "$3" "$(jv output)" "words: output of step $1"
}
expect_output 1 1 "two  spaces single # not a comment a#b"
json_load "$(json_step "$out" 1)"
[[ $(jv command) != *remark* ]] || fail "words: the comment is part of the command: $(jv command)"
expect_output 2 2 "one two"
expect_output 3 4 " end"
expect_output 4 5 'back\slash q"uote x y'
expect_output 5 7 "last"
expect_output 6 7 "after-semicolon"
assert_eq 6 "$(grep -c '^{"step":' <<<"$out")" "words: steps"

# --- script mode echoes each command after the prompt, except say ----------
# (say's text is the narration: printed once, its command not echoed)
run -c 'say hi; ls-ns self'
assert_eq 0 "$rc" "echo: exit status"
echo_line=$(grep -E '^nslab [0-9]+> ls-ns self$' <<<"$out") ||
    fail "echo: no 'nslab PID> ls-ns self' line in: $out"
prompt_pid=${echo_line#nslab }
prompt_pid=${prompt_pid%%>*}
# ls-ns self names the subject's PID in its header: the prompt's PID.
assert_contains "$out" "PID $prompt_pid " "echo: the prompt shows the subject's PID"
! grep -q "say hi" <<<"$out" || fail "echo: the say command was echoed: $out"
assert_eq hi "$(head -n 1 <<<"$out")" "echo: say's text, once, first"
run -J -c 'say hi'
[[ $out != *"nslab "*"> say hi"* ]] || fail "-J echoed the command into the JSON stream"

# --- bad input lines: one line on stderr each; -k goes on -----------------
bad_line()
{
    local what=$1 needle=$2
    stdin_file=$tmpdir/bad run -k -q
    assert_eq 1 "$rc" "$what: exit status"
    stderr_lines 1 "$what"
    [[ $err == "<stdin>:2: "* ]] || fail "$what: the message should start with '<stdin>:2: ', got: ${err:0:200}"
    assert_contains "$err" "$needle" "$what: the message"
    assert_contains "$out" "before" "$what: the line before ran"
    assert_contains "$out" "after" "$what: -k went on to the next line"
    [[ $out != *smuggled* ]] || fail "$what: the bad line ran"
    # Without -k the script stops there.
    stdin_file=$tmpdir/bad run -q
    assert_eq 1 "$rc" "$what without -k: exit status"
    [[ $out != *after* ]] || fail "$what without -k: the script went on"
}
printf 'say before\nsay smuggled\0nul\nsay after\n' >"$tmpdir/bad"
bad_line "a NUL byte" "NUL"
printf 'say before\nsay smuggled\xff\nsay after\n' >"$tmpdir/bad"
bad_line "a byte that is not UTF-8" "UTF-8"
{
    printf 'say before\nsay smuggled'
    head -c 1048576 /dev/zero | tr '\0' x
    printf '\nsay after\n'
} >"$tmpdir/bad"
bad_line "a line of 1 MB" "too long"
# Valid UTF-8 beyond ASCII is fine.
run -c 'say ünïcödé ✓'
assert_eq 0 "$rc" "UTF-8 text: exit status"
assert_contains "$out" "ünïcödé ✓" "UTF-8 text: output"
# -c TEXT gets the same check.
run -k -q -c $'say smuggled\xff; say after'
assert_eq 1 "$rc" "-c with a byte that is not UTF-8: exit status"
stderr_lines 1 "-c with a byte that is not UTF-8"
assert_contains "$err" "UTF-8" "-c with a byte that is not UTF-8: the message"
[[ $out != *smuggled* ]] || fail "-c with a byte that is not UTF-8 ran"
# An unterminated quote: one line, with its line number.
printf 'say before\nsay "open\n' >"$tmpdir/bad"
stdin_file=$tmpdir/bad run -q
assert_eq 1 "$rc" "an unterminated quote: exit status"
stderr_lines 1 "an unterminated quote"
assert_contains "$err" "unterminated" "an unterminated quote: the message"
assert_contains "$err" ":2:" "an unterminated quote: the line"

# --- -J: every line is an object with the keys of SPEC §5 -----------------
script=$tmpdir/json.lab
cat >"$script" <<'EOF'
say hello
hostname
show
spawn sleep 30
jobs
ls-ns %1
kill -KILL %1
hostnme
expect ok
spawn /nonexistent/program
help hostname
wait %1
EOF
run -J -k "$script"
assert_eq 1 "$rc" "-J script: exit status"
python3 - "$out" <<'EOF' || fail "-J: the objects do not have the shape of SPEC §5"
import json, re, sys
lines = sys.argv[1].splitlines()
steps = 0
for n, line in enumerate(lines, 1):
    o = json.loads(line)
    where = "line %d (%s)" % (n, line[:80])
    assert isinstance(o, dict), where
    if "event" in o:
        assert isinstance(o["event"], str) and "step" not in o, where
        continue
    steps += 1
    keys = ["step", "line", "command", "ok", "errno", "error", "output", "trace", "result",
            "subject", "cgroups"]
    missing = [k for k in keys if k not in o]
    assert not missing, "%s: missing %s" % (where, missing)
    assert o["step"] == steps, "%s: step %r, expected %d" % (where, o["step"], steps)
    assert isinstance(o["line"], int) and o["line"] == steps, where
    assert isinstance(o["command"], str) and o["command"], where
    assert isinstance(o["ok"], bool), where
    if o["ok"]:
        assert o["errno"] is None and o["error"] is None, where
    else:
        assert isinstance(o["error"], str) and o["error"] and "\n" not in o["error"], where
        assert o["errno"] is None or re.fullmatch(r"E[A-Z0-9]+", o["errno"]), where
    assert isinstance(o["output"], str), where
    assert isinstance(o["trace"], list), where
    for t in o["trace"]:
        if "note" in t:
            continue
        assert set(t) == {"call", "args", "ret", "errno"}, "%s: trace keys %s" % (where, sorted(t))
        assert isinstance(t["call"], str) and isinstance(t["args"], str), where
        assert isinstance(t["ret"], int), where
        if t["ret"] < 0:
            assert re.fullmatch(r"E[A-Z0-9]+", t["errno"]), where
        else:
            assert t["errno"] is None, where
    s = o["subject"]
    assert isinstance(s, dict) and isinstance(s["pid"], int) and s["pid"] > 0, where
    assert len(s["ns"]) == 10, where
    for name, e in s["ns"].items():
        for k in ("inode", "host"):
            assert isinstance(e[k], int) or (k == "inode" and e[k] is None), where
        assert isinstance(e["differs"], bool) and isinstance(e["changed"], bool), where
    assert isinstance(o["cgroups"], list), where
assert steps == 12, "%d steps, expected 12" % steps
EOF
json_load "$(json_step "$out" 4)"
assert_eq 1 "$(jv result.job)" "-J: spawn's result.job"
assert_eq clone3 "$(jv trace.0.call)" "-J: spawn's trace"
json_load "$(json_step "$out" 8)"
assert_eq false "$(jv ok)" "-J: the unknown command failed"
json_load "$(json_step "$out" 10)"
assert_eq ENOENT "$(jv errno)" "-J: a missing program's errno"

# --- --no-trace and -q ----------------------------------------------------
cmds='spawn sleep 30; kill -KILL %1; hostname'
run -c "$cmds"
assert_eq 0 "$rc" "default output: exit status"
assert_contains "$out" "  -> clone3(" "default output: the trace of spawn"
assert_contains "$out" "  -> kill(" "default output: the trace of kill"
assert_contains "$out" "ns of subject" "default output: the namespace table"
run --no-trace -c "$cmds"
assert_eq 0 "$rc" "--no-trace: exit status"
[[ $out != *"-> "* ]] || fail "--no-trace still prints trace lines: $out"
assert_contains "$out" "[%1] pid" "--no-trace keeps the command's output"
assert_contains "$out" "ns of subject" "--no-trace keeps the namespace table"
run -q -c "$cmds"
assert_eq 0 "$rc" "-q: exit status"
[[ $out != *"ns of subject"* && $out != *NAMESPACE* ]] || fail "-q still prints the namespace table: $out"
assert_contains "$out" "  -> clone3(" "-q keeps the trace"
assert_contains "$out" "$(hostname)" "-q keeps the command's output"

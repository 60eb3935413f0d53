#!/usr/bin/env bash
# Every wait of the shell ends when it should (SPEC §5, §6):
# - `!PROGRAM` ends when PROGRAM exits, not when the last holder of its
#   output pipe closes it (`!sh -c "sleep 25 &"`);
# - SIGTERM and SIGHUP during a wait (`!sleep`, `wait %N`, `pause`, the next
#   line of input) end the session within seconds, status 128+signal, with nothing
#   of it left in /proc or the cgroup tree;
# - SIGINT stops the wait (the program gets SIGINT, a child that cannot get
#   ready under `spawn` is given up), and a script then ends;
# - with -J, an event is written while nslab waits for input, and the last
#   object of every run is {"event":"end",...} with the exit status;
# - `exit 0` after a failed step still reports the failure;
# - a script ends with its summary line;
# - after `unshare pid`, the first process is said to be PID 1 there, its
#   exit that the namespace is gone, and the ENOMEM hint offers `reset` only.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

# descendants PID: every process below PID (orphans come back to nslab, a
# child subreaper, so they are there too).
descendants()
{
    python3 - "$1" <<'PY'
import os, sys
kids = {}
for d in os.listdir('/proc'):
    if not d.isdigit():
        continue
    try:
        s = open('/proc/%s/stat' % d).read()
    except OSError:
        continue
    ppid = int(s[s.rindex(')') + 2:].split()[1])
    kids.setdefault(ppid, []).append(int(d))
todo, out = [int(sys.argv[1])], []
while todo:
    for c in kids.get(todo.pop(), []):
        out.append(c)
        todo.append(c)
print(' '.join(map(str, out)))
PY
}

kill_quiet() { kill -KILL "$1" 2>/dev/null; }

# The python helper of 3b calls descendants through this file.
declare -f descendants >"$tmpdir/descendants.sh"
export WAITS_SELF=$tmpdir/descendants.sh

n=0
# start ARGS...: nslab ARGS reading from a FIFO held open on fd 7 (so input
# never ends by itself); $pid, $out, $err.
start()
{
    n=$((n + 1))
    mkfifo "$tmpdir/in.$n"
    out=$tmpdir/out.$n
    err=$tmpdir/err.$n
    "$NSLAB" "$@" <"$tmpdir/in.$n" >"$out" 2>"$err" &
    pid=$!
    on_exit kill_quiet "$pid"
    exec 7>"$tmpdir/in.$n"
}

# await_line PATTERN SECONDS WHAT: fail unless a line of $out matches the
# grep -E PATTERN within SECONDS.
await_line()
{
    local t
    for ((t = 0; t < $2 * 20; t++)); do
        grep -Eq -- "$1" "$out" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "$3: nothing matching $1 within $2 s; stdout: $(tail -c 600 "$out"); stderr: $(cat "$err")"
}

# await_child COMM: wait (up to 10 s) until a process COMM runs below nslab.
await_child()
{
    local t p
    for ((t = 0; t < 200; t++)); do
        for p in $(descendants "$pid"); do
            [ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$1" ] && return 0
        done
        sleep 0.05
    done
    fail "no $1 process below nslab $pid"
}

# ended_within SECONDS WHAT: nslab must have exited within SECONDS; sets
# $status.
ended_within()
{
    local t
    for ((t = 0; t < $1 * 20; t++)); do
        kill -0 "$pid" 2>/dev/null || break
        # a zombie of ours counts as ended
        [ "$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null)" = Z ] && break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' /proc/"$pid"/stat 2>/dev/null)" != Z ]; then
        fail "$2: nslab still runs $1 s later; stderr: $(cat "$err")"
    fi
    status=0
    wait "$pid" || status=$?
    exec 7>&-
}

# nothing_left WHAT PIDS: none of PIDS alive, no cgroup of the session.
nothing_left()
{
    local p t left
    for p in $2; do
        for ((t = 0; t < 40; t++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
        ! kill -0 "$p" 2>/dev/null || fail "$1: process $p ($(cat /proc/"$p"/cmdline | tr '\0' ' ')) outlived the session"
    done
    left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "nslab.$pid" 2>/dev/null | head -1)
    [ -z "$left" ] || fail "$1: cgroup left: $left"
}

# last_is_end STATUS WHAT: the last line of $out is the end object with
# that status.
last_is_end()
{
    local last
    last=$(tail -n 1 "$out")
    [ "$(json_get "$last" event)" = end ] || fail "$2: the last object is not the end: $last"
    assert_eq "$1" "$(json_get "$last" status)" "$2: status in the end object"
}

# 1. A program that leaves a background child holding its output.
start -J
printf '%s\n' '!sh -c "sleep 25 &"' >&7
await_line '"command":"!sh -c' 5 '!sh -c "sleep 25 &" returns when sh exits'
left=$(descendants "$pid")
exec 7>&-
ended_within 5 "end of input after !sh"
assert_eq 0 "$status" "exit status after !sh -c \"sleep 25 &\""
last_is_end 0 "!sh, end of input"
nothing_left "!sh -c \"sleep 25 &\"" "$left"

# 2, 3. SIGTERM or SIGHUP while `!sleep` or `wait %N` waits.
for way in "TERM !sleep 20" "HUP wait" "TERM wait"; do
    sig=${way%% *}
    start -J
    case $way in
    *sleep*)
        printf '%s\n' '!sleep 20' >&7
        await_child sleep
        ;;
    *wait)
        printf '%s\n' 'spawn sleep 300' 'wait %1' 'say after the wait' >&7
        await_line '"command":"spawn sleep 300"' 10 "$way: spawn"
        sleep 0.3 # into the wait
        ;;
    esac
    left=$(descendants "$pid")
    kill -"$sig" "$pid"
    ended_within 3 "SIG$sig during ${way#* }"
    want=$((128 + $(kill -l "$sig")))
    assert_eq "$want" "$status" "exit status after SIG$sig during ${way#* }"
    ! grep -q '"command":"say after the wait"' "$out" || fail "$way: the script went on after SIG$sig"
    last_is_end "$want" "SIG$sig during ${way#* }"
    nothing_left "SIG$sig during ${way#* }" "$left"
done

# 3b. The same at a terminal: SIGTERM while `!sleep 20` has the terminal.
python3 - "$NSLAB" "$tmpdir/pty.pids" <<'PY' || fail "SIGTERM during !sleep 20 at a terminal"
import os, pty, select, signal, subprocess, sys, time
nslab, pidfile = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(nslab, [nslab, '-q', '--no-trace'])
def read_for(seconds):
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                os.read(fd, 4096)
            except OSError:
                return
def below(root):
    out = subprocess.run(['bash', '-c', 'source "$0"; descendants "$1"', os.environ['WAITS_SELF'], str(root)],
                         capture_output=True, text=True).stdout.split()
    return out
read_for(1.0)
os.write(fd, b'!sleep 20\n')
sleep = None
for _ in range(100):
    read_for(0.1)
    kids = below(pid)
    if any(open('/proc/%s/comm' % k).read().strip() == 'sleep' for k in kids if os.path.exists('/proc/%s/comm' % k)):
        sleep = kids
        break
if not sleep:
    sys.exit('no sleep below nslab at the terminal')
open(pidfile, 'w').write(' '.join([str(pid)] + sleep) + '\n')
t0 = time.time()
os.kill(pid, signal.SIGTERM)
while time.time() - t0 < 5:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        code = os.waitstatus_to_exitcode(st)
        if code != 143:
            sys.exit('status %d after SIGTERM, not 143' % code)
        sys.exit(0)
    read_for(0.05)
os.kill(pid, signal.SIGKILL)
sys.exit('nslab at a terminal still runs 5 s after SIGTERM during !sleep 20')
PY
read -r pid left <"$tmpdir/pty.pids"
nothing_left "SIGTERM during !sleep 20 at a terminal" "$left"

# 3c. SIGHUP while a lab run at a terminal waits at `pause`.
printf '%s\n' 'say before' 'pause' 'say after the pause' >"$tmpdir/pause.lab"
python3 - "$NSLAB" "$tmpdir/pause.lab" <<'PY' || fail "SIGHUP during pause at a terminal"
import os, pty, select, signal, sys, time
nslab, lab = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(nslab, [nslab, '-q', '--no-trace', lab])
seen, t0 = b'', time.time()
while b'(press Enter' not in seen:
    if time.time() - t0 > 10:
        os.kill(pid, signal.SIGKILL)
        sys.exit('no pause prompt: %r' % seen)
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        seen += os.read(fd, 4096)
t0 = time.time()
os.kill(pid, signal.SIGHUP)
while time.time() - t0 < 3:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        code = os.waitstatus_to_exitcode(st)
        sys.exit(0 if code == 129 else 'status %d after SIGHUP, not 129' % code)
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            seen += os.read(fd, 4096)
        except OSError:
            pass
os.kill(pid, signal.SIGKILL)
sys.exit('nslab still waits at pause 3 s after SIGHUP')
PY

# 4. SIGINT during `!sleep 20`: the program is interrupted, the step says
# so, and the script ends with 130.
start -J
printf '%s\n' '!sleep 20' 'say after' >&7
await_child sleep
left=$(descendants "$pid")
kill -INT "$pid"
await_line '"command":"!sleep 20"' 3 "SIGINT during !sleep 20 stops the wait"
step=$(grep '"command":"!sleep 20"' "$out")
assert_eq false "$(json_get "$step" ok)" "!sleep 20 interrupted: ok"
assert_eq INT "$(json_get "$step" result.signal)" "!sleep 20 interrupted: the program's end"
ended_within 3 "SIGINT during !sleep 20"
assert_eq 130 "$status" "exit status of a script after SIGINT"
last_is_end 130 "SIGINT during !sleep"
nothing_left "SIGINT during !sleep" "$left"

# 4b. spawn --cg into a frozen cgroup would wait forever for a child that
# cannot run: it is refused at once, and the session still ends on SIGTERM.
start -J
printf '%s\n' 'cgcreate freezer --name frz' 'cgfreeze frz' 'spawn --cg frz sleep 1' >&7
await_line '"command":"cgfreeze frz","ok":true' 10 "cgfreeze"
await_line '"command":"spawn --cg frz sleep 1","ok":false' 3 "spawn --cg into a frozen cgroup is refused at once"
left=$(descendants "$pid")
kill -TERM "$pid"
ended_within 5 "SIGTERM after a refused spawn into a frozen cgroup"
assert_eq 143 "$status" "exit status after SIGTERM"
last_is_end 143 "SIGTERM after a refused spawn into a frozen cgroup"
nothing_left "SIGTERM after a refused spawn into a frozen cgroup" "$left"

# 5. An event while nslab waits for the next line, without a word written.
start -J
printf '%s\n' 'spawn sleep 1' >&7
await_line '"command":"spawn sleep 1"' 10 "spawn sleep 1"
await_line '^\{"event":"exited","job":1' 4 "the exit of %1 while nslab waits for input"
# 6. SIGTERM while it waits for input: the end object, 143.
kill -TERM "$pid"
ended_within 3 "SIGTERM while waiting for input"
assert_eq 143 "$status" "exit status after SIGTERM at the prompt of a script"
last_is_end 143 "SIGTERM while waiting for input"

# 7. The end object at the end of input and after a failure that stops the
# script, with its counts.
out=$tmpdir/eof.json
printf '%s\n' 'spawn sleep 1' 'expect ok' 'expect fail' 'kill %1' |
    "$NSLAB" -J -k >"$out" 2>/dev/null || status=$?
last=$(tail -n 1 "$out")
assert_eq end "$(json_get "$last" event)" "end of input: the last object"
assert_eq 3 "$(json_get "$last" status)" "end of input: status (an expect failed)"
assert_eq 4 "$(json_get "$last" steps)" "end of input: steps"
assert_eq 1 "$(json_get "$last" failed)" "end of input: failed"
assert_eq 1 "$(json_get "$last" expects.held)" "end of input: expects held"
assert_eq 1 "$(json_get "$last" expects.failed)" "end of input: expects failed"
status=0
printf '%s\n' 'setns uts 999999' 'say never' | "$NSLAB" -J >"$out" 2>/dev/null || status=$?
assert_eq 1 "$status" "a failed step stops the script"
last=$(tail -n 1 "$out")
assert_eq end "$(json_get "$last" event)" "after a failure: the last object"
assert_eq 1 "$(json_get "$last" status)" "after a failure: status"
assert_eq 1 "$(json_get "$last" failed)" "after a failure: failed"

# 8. `exit 0` after a failed step (-k): the status reports the failure.
status=0
printf '%s\n' 'setns uts 999999' 'exit 0' | "$NSLAB" -q -k >/dev/null 2>&1 || status=$?
assert_eq 1 "$status" "exit 0 after a failed step"
status=0
printf '%s\n' 'say fine' 'exit 4' | "$NSLAB" -q >/dev/null 2>&1 || status=$?
assert_eq 4 "$status" "exit 4 after no failure"

# 9. A script's last line is its summary.
last=$(printf '%s\n' 'say hi' 'ls-ns' 'expect ok' | "$NSLAB" -q --no-trace | tail -n 1)
assert_eq "3 steps, 1 expect held, 0 failed" "$last" "a script's summary line"

# 10. A pending PID namespace: its first process is its PID 1, and with it
# the namespace ends; then only `reset` helps.
out=$tmpdir/pidns.txt
printf '%s\n' 'unshare pid' '!true' 'spawn sleep 1' |
    "$NSLAB" -q --no-trace >"$out" 2>"$tmpdir/pidns.err" || true
grep -q 'true was the first process of the PID namespace `unshare pid` made' "$out" ||
    fail "!true after unshare pid does not say it is PID 1 there: $(cat "$out")"
grep -q '^\[pid [0-9]*\] was PID 1 of the PID namespace `unshare pid` made, and has exited: that namespace is gone' "$out" ||
    fail "no event line says the pending namespace is gone: $(cat "$out")"
grep -q 'ENOMEM' "$tmpdir/pidns.err" || fail "spawn after the init's exit: $(cat "$tmpdir/pidns.err")"
! grep -q 'unshare pid' "$tmpdir/pidns.err" ||
    fail "the ENOMEM hint offers unshare pid, which fails with EINVAL: $(cat "$tmpdir/pidns.err")"
out=$tmpdir/pidns2.json
printf '%s\n' 'unshare pid' 'spawn sleep 1' 'wait %1' | "$NSLAB" -J >"$out" 2>/dev/null
grep -q '"text":"was PID 1 of the PID namespace `unshare pid` made, and has exited' "$out" ||
    fail "no event when the pending namespace's PID 1 (a job) exits: $(cat "$out")"

echo "waits: every wait ended when it should; end objects and summaries in place"

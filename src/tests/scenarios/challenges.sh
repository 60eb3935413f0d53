#!/usr/bin/env bash
# Every shipped challenge (challenges/*.chal) is solved by its own solution
# and not solved by a near miss, through -J as a program drives it: the
# check step's result {"checks": [{"name", "held"}], "solved"}, the end
# object's challenge.solved and the exit status (0 solved, 3 not). A
# failed check reveals the next hint; `hint` the one after; `solution` is
# noted in the end object; the learner cannot add a check; --challenge
# refuses a file with no goal. Where the kernel can be asked, it is: the
# near miss of uts-host-net really left the host's network (the subject's
# net inode against /proc/self/ns/net).
# Root: the challenges make namespaces and cgroups.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
require_root

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
chal=$top/challenges
[ -f "$chal/uts-host-net.chal" ] || fail "no challenges under $chal"

# solution FILE: the commands of FILE's reference solution, one a line.
solution()
{
    sed -n 's/^solution "\(.*\)"$/\1/p' "$1"
}

# attempt FILE [ARGS]: the learner's commands on stdin, then `check`; sets
# $json (nslab's NDJSON) and $rc.
attempt()
{
    local file=$1
    shift
    rc=0
    json=$({ cat; echo check; } | "$NSLAB" -J "$@" "$file" 2>"$tmpdir/err") || rc=$?
    json_valid "$json"
}

# verdict: "solved" from the last check's result and the end object.
last_check() { grep '"command":"check"' <<<"$json" | tail -n 1; }
end_object() { grep '"event":"end"' <<<"$json"; }

ran=0
for f in "$chal"/*.chal; do
    name=$(basename "$f" .chal)
    # Solved by its solution.
    attempt "$f" < <(solution "$f")
    [ -n "$(last_check)" ] || fail "$name: no check step; stderr: $(head -c 300 "$tmpdir/err")"
    assert_eq true "$(json_get "$(last_check)" result.solved)" "$name solved by its solution: $(last_check)"
    held=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1])["result"]; print(all(c["held"] for c in r["checks"]), len(r["checks"]))' "$(last_check)")
    [[ $held == "True "[1-9]* ]] || fail "$name: not every check held: $(last_check)"
    assert_eq true "$(json_get "$(end_object)" challenge.solved)" "$name: the end object"
    assert_eq 0 "$rc" "$name solved: exit status; stderr: $(cat "$tmpdir/err")"
    ran=$((ran + 1))
done

# Near misses: one per challenge, each a step short of the goal.
near()
{
    local name=$1 args=$2
    shift 2
    attempt "$chal/$name.chal" $args < <(printf "%s\n" "$@")
    assert_eq false "$(json_get "$(last_check)" result.solved)" "$name near miss: $(last_check)"
    assert_eq false "$(json_get "$(end_object)" challenge.solved)" "$name near miss: the end object"
    [ "$rc" -ne 0 ] || fail "$name near miss: exit status 0"
}
near uts-host-net "" "unshare uts net" "hostname island" "ls-ns"
# The kernel's view: the subject's net namespace was not the host's.
inode=$(json_get "$(grep '"command":"ls-ns"' <<<"$json")" subject.ns.net.inode)
[ "$inode" != "$(kernel_ino self net)" ] ||
    fail "uts-host-net near miss: the subject was in the host's net namespace ($inode)"
assert_eq 3 "$rc" "uts-host-net near miss: exit status 3 (not solved)"
near oom-32m "" "cgcreate mem 64M --name box" "cgexec box stress mem 100M" "wait %1 30"
near freezer-thaw "" "kill -KILL %1" "cgthaw ice" "wait %1 10"
# A new job started in lim instead of moving the running one.
near pids-limit "" "cgcreate pids 5 --name lim" "cgexec lim sleep 600"
near net-ping "-k" "setns net %1" "veth a0 b0 --peer-ns %2" "addr add 10.0.9.1/24 dev a0" \
    "link up a0" "setns net %2" "addr add 10.0.9.2/24 dev b0" "setns net %1" \
    "!ping -c 1 -W 1 10.0.9.2"
# Both mounts made, B's copy left shared: b-to-a reaches A too.
near one-way-mount "" 'setns mnt %1' 'mount tmpfs a $SCRATCH/a-to-b' 'setns mnt %2' \
    'mount tmpfs b $SCRATCH/b-to-a'

# A failed check reveals the next hint; `hint` the one after; the solution
# shown is noted; a check typed at the prompt is refused (checks come from
# the file); goal shows the goal.
attempt "$chal/uts-host-net.chal" -k < <(printf "check\nhint\nsolution\ncheck cheat ok\ngoal\n")
first=$(grep -m1 '"command":"check"' <<<"$json")
assert_eq false "$(json_get "$first" result.solved)" "the first check"
assert_eq 1 "$(json_get "$first" result.next_hint.hint)" "the first failed check's hint"
hints=$(grep '"command":"hint"' <<<"$json")
assert_eq 2 "$(json_get "$hints" result.hint)" "hint after a failed check"
assert_eq true "$(json_get "$(grep '"command":"solution"' <<<"$json")" result.solution_shown)" "solution step"
assert_eq true "$(json_get "$(end_object)" challenge.solution_shown)" "solution noted in the end object"
cheat=$(grep '"command":"check cheat ok"' <<<"$json")
assert_eq false "$(json_get "$cheat" ok)" "a check typed at the prompt"
grep -q '"checks":\["own-uts","hostname","host-network"\]' <<<"$json" ||
    fail "the challenge event does not list the file's checks (and only them): $(grep '"event":"challenge"' <<<"$json")"
assert_contains "$(json_get "$(grep '"command":"goal"' <<<"$json")" result.goal)" "hostname island" "goal"

# Text: the goal is shown first, then the learner's commands.
out=$(printf 'unshare uts\nhostname island\ncheck\n' |
    "$NSLAB" -q --challenge "$chal/uts-host-net.chal" 2>&1) || fail "--challenge: $out"
assert_contains "$out" "Goal: Give the subject the hostname island" "the goal in text"
assert_contains "$out" "Solved: every check holds." "check in text"
assert_contains "$out" "Challenge solved." "the verdict"

# A file with no goal is no challenge for --challenge.
printf '# x\nshow\n' >"$tmpdir/none.chal"
rc=0
out=$("$NSLAB" --challenge "$tmpdir/none.chal" </dev/null 2>&1) || rc=$?
assert_eq 2 "$rc" "--challenge on a file without goal; output: $out"
echo "challenges: $ran solved by their solutions, each failed by a near miss"

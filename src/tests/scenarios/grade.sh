#!/usr/bin/env bash
# nslab grade: a class of records made by nslab, graded by a rubric the
# learners never saw (text, CSV, JSON); a learner's own `expect` lines earn
# no mark; an edited, reordered or truncated record is found (exit 1, the
# line named); rubric mistakes are one clear line each; a condition a
# record cannot carry is said, not faked. The truths are the records
# themselves and the machine (uname, the uid the record was made for).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

check_records=$PWD/scripts/check-records
cd "$tmpdir"
# Three learners. alice does the work; bob only types expect lines (that
# hold or not, in his session); carol does half and ends on a failed step.
"$NSLAB" -q -k -c "record alice.jsonl; unshare uts; hostname lab-7f3q; cgcreate pids 50 --name q1; cgset q1 limit 30" \
    >/dev/null 2>&1 || true
SUDO_UID=65534 SUDO_GID=65534 "$NSLAB" -q -k -c \
    "record bob.jsonl; hostname; expect ok; expect output lab-7f3q; expect ns uts new" >/dev/null 2>&1 || true
"$NSLAB" -q -k -c "record carol.jsonl; unshare uts; kill -TERM 999999" >/dev/null 2>&1 || true
for f in alice bob carol; do
    [ -s "$f.jsonl" ] || fail "$f's record was not written"
done
json_valid "$(cat alice.jsonl)"

# The header: this machine's kernel, the user the record is for.
hdr=$(head -n 1 bob.jsonl)
assert_eq "$(uname -r)" "$(json_get "$hdr" kernel)" "the header's kernel"
assert_eq 65534 "$(json_get "$hdr" uid)" "the header's uid (SUDO_UID)"
assert_eq "$(getent passwd 65534 | cut -d: -f1)" "$(json_get "$hdr" user)" "the header's user"

cat >rubric.txt <<'RUBRIC'
# what the instructor checks, unseen by the class
uts: ns uts new
named: at some step: output lab-7f3q
limit: cg q1 pids.max 30
clean: ok
RUBRIC

set +e
text=$("$NSLAB" grade rubric.txt alice.jsonl bob.jsonl carol.jsonl 2>err.txt)
rc=$?
set -e
assert_eq 0 "$rc" "grade's exit status with every record intact"
assert_eq "" "$(cat err.txt)" "nothing on stderr for a clean class"
assert_contains "$text" "root (alice.jsonl" "alice's section"
assert_contains "$text" "(bob.jsonl" "bob's section"
assert_contains "$text" "uts: held by 2 of 3" "the per-condition line of uts"
assert_contains "$text" "named: held by 1 of 3" "bob's expect output lab-7f3q earned nothing"
assert_contains "$text" "clean: held by 2 of 3" "carol's last step failed"

csv=$("$NSLAB" grade --csv rubric.txt alice.jsonl bob.jsonl carol.jsonl)
nobody=$(getent passwd 65534 | cut -d: -f1)
expect_csv="learner,uid,record,status,line,uts,named,limit,clean,marks
root,0,alice.jsonl,intact,,1,1,1,1,4
$nobody,65534,bob.jsonl,intact,,0,0,0,1,1
root,0,carol.jsonl,intact,,1,0,0,0,1"
assert_eq "$expect_csv" "$csv" "the CSV report"

json=$("$NSLAB" grade -J rubric.txt alice.jsonl bob.jsonl carol.jsonl)
json_valid "$json"
marks=$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
for l in r["learners"]:
    print(l["header"]["user"], l["status"], " ".join(f"{m['"'"'name'"'"']}={int(m['"'"'held'"'"'])}" for m in l["marks"]), l["held"])
print(r["intact"], [c["held_by"] for c in r["conditions"]])' "$json")
assert_eq "root intact uts=1 named=1 limit=1 clean=1 4
$nobody intact uts=0 named=0 limit=0 clean=1 1
root intact uts=1 named=0 limit=0 clean=0 1
True [2, 1, 1, 2]" "$marks" "the JSON report"

# A field of a recorded step's result (expect result): alice's cgcreate made
# q1, nobody else's did.
printf 'made: at some step: result name q1\n' >result.rubric
assert_eq "1,0,0" \
    "$("$NSLAB" grade --csv result.rubric alice.jsonl bob.jsonl carol.jsonl | tail -n +2 | cut -d, -f6 | paste -sd,)" \
    "expect result judged on the recorded results"

# Typing `expect ok` and `expect ns uts new` earns no mark: a rubric of
# just those conditions, on a session that only typed them.
"$NSLAB" -q -k -c "record cheat.jsonl; hostname; kill -TERM 999999; expect fail; expect ns uts new; expect ok" \
    >/dev/null 2>&1 || true
printf 'clean: ok\nuts: at some step: ns uts new\nsaid: at some step: output expect\n' >cheat.rubric
assert_eq "root,0,cheat.jsonl,intact,,0,0,0,0" \
    "$("$NSLAB" grade --csv cheat.rubric cheat.jsonl | tail -n 1)" "expect lines earn no mark"

# An edited record: one field of line 3 changed.
python3 -c '
import sys
lines = open("carol.jsonl").read().split("\n")
lines[2] = lines[2].replace("\"ok\":true", "\"ok\":false", 1)
open("edited.jsonl", "w").write("\n".join(lines))'
cmp -s carol.jsonl edited.jsonl && fail "the edit changed nothing"
set +e
out=$("$NSLAB" grade rubric.txt alice.jsonl edited.jsonl 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "grade's exit status with an edited record"
assert_contains "$out" "edited.jsonl: not graded: line 3 does not match the chain" "the edited line named"
# Reordered: lines 2 and 3 swapped.
{ sed -n 1p alice.jsonl; sed -n 3p alice.jsonl; sed -n 2p alice.jsonl; sed -n '4,$p' alice.jsonl; } >moved.jsonl
cmp -s alice.jsonl moved.jsonl && fail "the move changed nothing"
set +e
out=$("$NSLAB" grade --csv rubric.txt moved.jsonl 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "grade's exit status with reordered lines"
assert_contains "$out" "moved.jsonl,edited,2" "the moved line named (CSV)"
# Truncated: the end object gone; then a line cut in half.
head -n -1 alice.jsonl >short.jsonl
head -c -40 alice.jsonl >cut.jsonl
set +e
out=$("$NSLAB" grade -J rubric.txt short.jsonl cut.jsonl 2>err.txt)
rc=$?
set -e
assert_eq 1 "$rc" "grade's exit status with truncated records"
assert_contains "$(cat err.txt)" "short.jsonl: no end object after line" "a missing end"
assert_contains "$(cat err.txt)" "cut.jsonl: line $(wc -l <alice.jsonl) is cut off" "a line cut off"
assert_eq "truncated truncated False" "$(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); print(*[l["status"] for l in r["learners"]], r["intact"])' "$out")" \
    "the JSON report of truncated records"
# check-records verifies the chain too; --replay still shows the new format.
set +e
out=$("$check_records" edited.jsonl)
rc=$?
set -e
assert_eq 1 "$rc" "check-records' exit status with an edited record"
assert_contains "$out" "NOT INTACT: edited at line 3" "check-records names the line"
assert_contains "$("$NSLAB" --replay alice.jsonl)" "hostname lab-7f3q" "--replay reads a chained record"
# An older record (no header, no chain) is refused by grade, in one line.
python3 -c '
import json
out = []
for l in open("alice.jsonl").read().splitlines()[1:]:
    o = json.loads(l); o.pop("chain"); out.append(json.dumps(o))
open("old.jsonl", "w").write("\n".join(out) + "\n")'
set +e
out=$("$NSLAB" grade rubric.txt old.jsonl 2>&1)
rc=$?
set -e
assert_eq 1 "$rc" "grade's exit status with an older record"
assert_contains "$out" "old.jsonl: not graded: line 1 is no record header" "an older record refused"
assert_contains "$("$NSLAB" --replay old.jsonl)" "hostname lab-7f3q" "--replay still reads an older record"

# Rubric mistakes: one line each, naming the rubric's line; nothing graded.
printf 'ok: ok\nno colon here\nns: ns utz new\nok: ok\nlater: at some step ok\n' >bad.rubric
set +e
"$NSLAB" grade bad.rubric alice.jsonl >out.txt 2>err.txt
rc=$?
set -e
assert_eq 2 "$rc" "grade's exit status with rubric errors"
assert_eq "" "$(cat out.txt)" "nothing graded with rubric errors"
assert_eq 4 "$(wc -l <err.txt)" "one line per rubric error"
assert_contains "$(cat err.txt)" "bad.rubric:2: a rubric line is NAME: CONDITION" "no colon"
assert_contains "$(cat err.txt)" "bad.rubric:3: expect ns: unknown namespace type 'utz' (did you mean 'uts'?)" \
    "expect's own grammar"
assert_contains "$(cat err.txt)" "bad.rubric:4: ok is named twice" "a name twice"
assert_contains "$(cat err.txt)" "bad.rubric:5: write \"at some step:\"" "at some step without its colon"
# A form whose state a record does not carry: said once, not graded.
printf 'host: hostname lab-7f3q\nalive: at some step: alive %%1\nuts: ns uts new\n' >carry.rubric
out=$("$NSLAB" grade --csv carry.rubric alice.jsonl 2>err.txt)
assert_eq 2 "$(wc -l <err.txt)" "one line per rubric line that cannot be graded"
assert_contains "$(cat err.txt)" "carry.rubric:1: expect hostname needs the subject's hostname, which a record does not carry" \
    "hostname is not carried"
assert_eq "root,0,alice.jsonl,intact,,,,1,1" "$(echo "$out" | tail -n 1)" "the graded one graded, the others empty"
echo "grade: ok"

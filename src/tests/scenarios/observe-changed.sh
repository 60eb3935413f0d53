#!/usr/bin/env bash
# `observe changed`: after a step that changes one namespace the block holds
# that row alone (its inodes checked against readlink of /proc/PID/ns), a
# step that changes none prints no block, and `show` and `observe all` still
# give the whole table. -J keeps every row whatever the setting. Root: UTS.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
require_root

out=$(printf '%s\n' 'observe changed' 'unshare uts' '!readlink /proc/self/ns/uts' \
    'hostname x1' 'show' 'observe' 'observe all' 'unshare ipc' |
    "$NSLAB" --no-trace - 2>&1) || fail "the script failed: $out"
printf '%s\n' "$out"

# The lines each step printed, by its echoed command.
block()
{
    printf '%s\n' "$out" | awk -v c="$1" '
        /^nslab [0-9]+( \[[^]]*\])?> / { on = (substr($0, index($0, "> ") + 2) == c); next }
        on { print }'
}
rows() { printf '%s\n' "$1" | grep -E '^  (cgroup|ipc|mnt|net|pid|pid_for_children|time|time_for_children|user|uts) ' || true; }

b=$(block 'unshare uts')
r=$(rows "$b")
assert_eq 1 "$(printf '%s\n' "$r" | grep -c .)" "rows after 'unshare uts' under observe changed"
read -r name subj host _ <<<"$r"
assert_eq uts "$name" "the one row"
kern=$(block '!readlink /proc/self/ns/uts')
assert_eq "uts:[$subj]" "$kern" "the row's inode against the subject's /proc/PID/ns/uts"
hostns=$(readlink /proc/self/ns/uts)
assert_eq "uts:[$host]" "$hostns" "the row's HOST column against the host's uts"
assert_contains "$r" "<- changed" "the row is marked changed"

[ -z "$(rows "$(block '!readlink /proc/self/ns/uts')")" ] || fail "a step that changed nothing printed rows"
[ -z "$(block 'hostname x1' | grep -E 'NAMESPACE|ns of subject' || true)" ] ||
    fail "hostname (no namespace changed) printed a table under observe changed"
assert_eq 10 "$(rows "$(block show)" | grep -c .)" "show gives the whole table"
assert_contains "$(block observe)" "changed" "observe names the setting"
assert_eq 10 "$(rows "$(block 'unshare ipc')" | grep -c .)" "observe all: the whole table again"

# -J: every row, the "changed" marker on the one that changed.
j=$(printf '%s\n' 'observe changed' 'unshare uts' | "$NSLAB" -J - 2>/dev/null) || fail "-J failed"
s=$(json_step "$j" 2)
assert_eq true "$(json_get "$s" subject.ns.uts.changed)" "-J: uts changed"
assert_eq false "$(json_get "$s" subject.ns.ipc.changed)" "-J: ipc is still there, not changed"
echo "ok"

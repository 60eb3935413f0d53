#!/usr/bin/env bash
# The mount observation (--observe all) against the kernel when the mounts
# change behind nslab's back. nslab reads the subject's mountinfo again
# only when the kernel signals a change (poll(2) on a kept descriptor), when
# a request may have changed its mounts, or while a job runs (a change of
# propagation alone raises no signal; docs/performance.md). Here the test
# itself mounts, remounts and unmounts in the subject's mount namespace
# (nsenter: no request of nslab's), and a job changes a propagation; each
# following step that sends no mount request must show what
# /proc/PID/mountinfo says: the added, changed and removed mount IDs, the
# options and propagation, and the count of mounts. nslab runs in a mount
# namespace this test made, and makes its own (unshare mnt) first.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
check="python3 $(dirname "$0")/mountinfo_check.py"
before_host=$(cat /proc/self/mountinfo)

TMPDIR=$tmpdir nslab_session unshare --mount --propagation private "$NSLAB" -J -k --observe all
ok() { nslab_step_ok "$1"; }

ok "unshare mnt" >/dev/null
scratch=$(json_get "$(ok scratch)" result.path)
ok "!mkdir $scratch/a $scratch/b" >/dev/null
subj=$(json_get "$(ok hostname)" subject.pid)
inside() { nsenter --target "$subj" --mount -- "$@" || fail "nsenter $*: failed"; }
# mountinfo of the subject: the ID, the options of the mount on PATH; the count.
kid() { awk -v t="$1" '$5 == t {print $1}' "/proc/$subj/mountinfo" | tail -1; }
kopts() { awk -v t="$1" '$5 == t {print $6}' "/proc/$subj/mountinfo" | tail -1; }
kcount() { wc -l <"/proc/$subj/mountinfo"; }

# step CMD: a step that sends no mount request; its observation must count
# the mounts the kernel lists.
step()
{
    local s
    s=$(ok "$1")
    assert_eq "$(kcount)" "$(json_get "$s" mounts.count)" "after '$1': mounts counted"
    printf '%s\n' "$s"
}

# Nothing changed: nothing shown, several times over.
for c in hostname ls-ns hostname; do
    s=$(step "$c")
    assert_eq "[] [] []" "$(json_get "$s" mounts.added) $(json_get "$s" mounts.removed) $(json_get "$s" mounts.changed)" \
        "'$c' after no change"
done

# A mount made outside nslab, seen at the next step.
inside mount -t tmpfs -o size=1M watch-a "$scratch/a"
id=$(kid "$scratch/a")
[ -n "$id" ] || fail "the kernel shows no mount on $scratch/a"
s=$(step "hostname")
assert_eq "$id" "$(json_get "$s" mounts.added.0.id)" "a mount made from outside, seen by hostname"
assert_eq "$scratch/a" "$(json_get "$s" mounts.added.0.target)" "its mount point"
s=$(step "ls-ns")
assert_eq "[]" "$(json_get "$s" mounts.added)" "shown once"

# A remount: the options the kernel now shows.
inside mount -o remount,bind,ro "$scratch/a"
s=$(step "ls-ns")
assert_eq "$id" "$(json_get "$s" mounts.changed.0.id)" "a remount from outside"
assert_eq "$(kopts "$scratch/a")" "$(json_get "$s" mounts.changed.0.options_after)" \
    "the options are the kernel's"

# Two mounts and an unmount between two steps.
inside mount -t tmpfs watch-b "$scratch/b"
inside mount -t tmpfs watch-b2 "$scratch/b"
inside umount "$scratch/a"
s=$(step "hostname")
assert_eq "$id" "$(json_get "$s" mounts.removed.0.id)" "an unmount from outside"
want=$(awk -v t="$scratch/b" '$5 == t {print $1}' "/proc/$subj/mountinfo" | sort | tr '\n' ' ')
got=$(printf '%s\n' "$(json_get "$s" mounts.added.0.id)" "$(json_get "$s" mounts.added.1.id)" |
    sort | tr '\n' ' ')
assert_eq "$want" "$got" "the two mounts added on b"
top=$(kid "$scratch/b")

# nslab's own request changes a propagation (no signal either).
s=$(step "propagation unbindable $scratch/b")
assert_eq "$top" "$(json_get "$s" mounts.changed.0.id)" "a propagation request"
assert_eq "$($check prop "$subj" "$scratch/b")" "$(json_get "$s" mounts.changed.0.propagation_after)" \
    "the propagation is the kernel's"

# A job changes a propagation (no signal from the kernel for that): seen
# by the next step while the job runs.
ok "spawn sh -c 'while [ ! -e $scratch/go ]; do sleep 0.05; done; mount --make-shared $scratch/b; exec sleep 60'" >/dev/null
s=$(step "hostname")
assert_eq "[]" "$(json_get "$s" mounts.changed)" "nothing changed yet"
touch "$scratch/go"
for ((k = 0; k < 200; k++)); do
    [[ $($check prop "$subj" "$scratch/b") == shared:* ]] && break
    sleep 0.05
done
want=$($check prop "$subj" "$scratch/b")
[[ $want == shared:* ]] || fail "the job did not make $scratch/b shared within 10 s"
s=$(step "ls-ns")
assert_eq "$top" "$(json_get "$s" mounts.changed.0.id)" "a job's propagation change"
assert_eq "$want" "$(json_get "$s" mounts.changed.0.propagation_after)" \
    "the propagation is the kernel's"
ok "kill -KILL %1" >/dev/null

# After reset: a new subject, its table read afresh, then watched again.
ok "reset" >/dev/null
subj=$(json_get "$(ok hostname)" subject.pid)
step "ls-ns" >/dev/null
inside mount -t tmpfs watch-c "$scratch/a"
s=$(step "hostname")
assert_eq "$(kid "$scratch/a")" "$(json_get "$s" mounts.added.0.id)" "watched again after reset"
inside umount "$scratch/a"
s=$(step "ls-ns")
assert_eq "[]" "$(json_get "$s" mounts.added)" "nothing added by the unmount"

nslab_stop
assert_eq "$before_host" "$(cat /proc/self/mountinfo)" "this test's own mount table changed"
echo "mount-watch-vs-kernel: ok"

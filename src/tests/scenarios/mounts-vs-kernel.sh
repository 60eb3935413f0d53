#!/usr/bin/env bash
# `mounts` against the kernel: nslab's table (JSON) compared with the
# subject's /proc/PID/mountinfo read here and with findmnt -J; `mounts --in`
# compared with both namespaces' mountinfo; the `mounts` observation with the
# mount the kernel made. Escaped paths (\040), shared, slave and unbindable
# mounts are in the table. nslab runs in a mount namespace this test made,
# and makes its own (unshare mnt) before mounting anything.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v findmnt >/dev/null || skip "needs findmnt (util-linux)"
check="python3 $(dirname "$0")/mountinfo_check.py"
before_host=$(cat /proc/self/mountinfo)

# The scratch directory goes under $tmpdir, so even a killed run leaves none.
TMPDIR=$tmpdir nslab_session unshare --mount --propagation private "$NSLAB" -J -k
step() { nslab_step "$1"; }
ok() { nslab_step_ok "$1"; }

ok "unshare mnt" >/dev/null
scratch=$(json_get "$(ok scratch)" result.path)
ok "!mkdir $scratch/a $scratch/b $scratch/u '$scratch/with space'" >/dev/null
ok "bind \$SCRATCH \$SCRATCH" >/dev/null
ok "propagation shared \$SCRATCH" >/dev/null
job=$(ok "spawn --ns mnt sleep")
jobpid=$(json_get "$job" result.pid)
s=$(ok "mount tmpfs t-a \$SCRATCH/a -o size=1M,noexec")
subj=$(json_get "$(ok 'mounts')" result.pid)
# The mount step reports the kernel's own line before and after.
assert_eq null "$(json_get "$s" result.before)" "before: nothing mounted on a"
kline=$(awk -v t="$scratch/a" '$5 == t' "/proc/$subj/mountinfo")
assert_eq "$kline" "$(json_get "$s" result.after)" "the after line is mountinfo's"
assert_eq "$(awk '{print $1}' <<<"$kline")" "$(json_get "$s" result.id)" "the new mount's ID"
ok "mount tmpfs 'with space' '\$SCRATCH/with space'" >/dev/null
ok "bind \$SCRATCH/a \$SCRATCH/b" >/dev/null
ok "propagation slave \$SCRATCH/b" >/dev/null
ok "bind \$SCRATCH/u \$SCRATCH/u" >/dev/null
ok "propagation unbindable \$SCRATCH/u" >/dev/null

# The whole table, field by field, against mountinfo and findmnt.
s=$(ok "mounts")
$check table "$s" "$subj" || fail "mounts differs from /proc/$subj/mountinfo"
$check findmnt "$s" "$(findmnt -J -l --task "$subj" -o ID,PARENT,TARGET,FSTYPE,SOURCE,PROPAGATION)" ||
    fail "mounts differs from findmnt"
grep -q 'with\\040space' "/proc/$subj/mountinfo" || fail "the kernel did not escape the space"

# Relations name the peer in the job's namespace by its real ID and inode.
peer=$(awk -v t="$scratch/a" '$5 == t {print $1}' "/proc/$jobpid/mountinfo")
jobns=$(stat -L -c %i "/proc/$jobpid/ns/mnt")
[ -n "$peer" ] || fail "the job's namespace did not receive the mount on a"
s=$(ok "mounts \$SCRATCH/a")
assert_contains "$(json_get "$s" result.mounts.0.relations)" "peer of mount $peer in mnt ns $jobns" \
    "relation of a"
assert_eq "$scratch/a" "$(json_get "$s" result.mounts.0.target)" "mounts PATH shows PATH's mount"

# A PATH that is no mount point: the mount that holds it comes first (a
# path that does not exist at all is an error: usage-errors.sh).
ok "!mkdir \$SCRATCH/u/plain-dir" >/dev/null
s=$(ok "mounts \$SCRATCH/u/plain-dir")
assert_eq "$scratch/u" "$(json_get "$s" result.mounts.0.target)" "the holder of a plain path"

# Side by side: every row and every arrow against the two mountinfo files.
s=$(ok "mounts --in %1")
$check compare "$s" "$subj" "$jobpid" || fail "mounts --in differs from the kernel's tables"
s=$(ok "mounts \$SCRATCH --in %1")
$check compare "$s" "$subj" "$jobpid" || fail "mounts PATH --in differs from the kernel's tables"
assert_contains "$s" '"relation":"peers"' "a shared mount and its copy are peers"
assert_contains "$s" '"relation":"receives"' "b, a slave, receives"
s=$(ok "mounts --in host")
$check compare "$s" "$subj" "$nslab_pid" || fail "mounts --in host differs"
s=$(ok "mounts --in self")
assert_eq true "$(json_get "$s" result.same_namespace)" "--in self: one namespace"

# The observation: the mount the kernel made, in the step's "mounts" key.
ok "observe mounts" >/dev/null
ok "!mkdir $scratch/obs" >/dev/null
s=$(ok "mount tmpfs obs \$SCRATCH/obs")
kid=$(awk -v t="$scratch/obs" '$5 == t {print $1}' "/proc/$subj/mountinfo")
assert_eq "$kid" "$(json_get "$s" mounts.added.0.id)" "observed added mount"
assert_eq "[]" "$(json_get "$s" mounts.removed)" "nothing removed"
s=$(ok "propagation private \$SCRATCH/obs")
assert_eq "$kid" "$(json_get "$s" mounts.changed.0.id)" "observed propagation change"
assert_eq "$($check prop "$subj" "$scratch/obs")" "$(json_get "$s" mounts.changed.0.propagation_after)" \
    "observed propagation is the kernel's"
s=$(ok "umount \$SCRATCH/obs")
assert_eq "$kid" "$(json_get "$s" mounts.removed.0.id)" "observed removal"
s=$(ok "setns mnt host")
assert_eq true "$(json_get "$s" mounts.namespace_changed)" "observed namespace change"

# Bad arguments: one clear error each, nothing half-made.
for bad in "mounts relative/path" "mounts --in" "mounts --in nosuchjob" "mounts / /x" \
    "mount tmpfs" "bind /a" "propagation sideways /" "umount" "mount tmpfs x /tmp -o"; do
    s=$(step "$bad")
    assert_eq false "$(json_get "$s" ok)" "'$bad' must fail"
done

nslab_stop
assert_eq "$before_host" "$(cat /proc/self/mountinfo)" "this test's own mount table changed"
echo "mounts-vs-kernel: ok"

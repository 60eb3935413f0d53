#!/usr/bin/env bash
# The same nslab on other cgroup layouts than this machine's, made real in a
# private mount namespace (nothing reaches the host's mounts):
#   pure v2  cgroup2 mounted over /sys/fs/cgroup (KERNEL-NOTES: no controller
#            is available to it here, since v1 holds them; freeze and kill
#            work): cgls and help say "unified", cgcreate freezer makes a v2
#            cgroup at the root's nslab.<PID>, cgfreeze writes cgroup.freeze
#            and the kernel's cgroup.events says frozen, cgcreate mem is
#            refused with the reason; the freezer, namespace and devices
#            labs pass (devices: a BPF_CGROUP_DEVICE program), and the v1
#            hierarchy lab is skipped with its reason.
#   pure v1  a tmpfs over /sys/fs/cgroup with this machine's v1 hierarchies
#            mounted again on it, and no cgroup2: cgls says "legacy", and
#            every cgroup lab passes unchanged (the v2 hierarchy lab is
#            skipped with its reason).
# The cgroups themselves are made in the real hierarchies, and nslab must
# remove them all.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
own_mount_ns "$@"
require_nslab

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}

# On a machine that is pure v2 already (a systemd one, as in make test-vm),
# every other test runs on that layout, with its controllers: a cgroup2
# mounted again here would be the same tree, not the controller-less one
# this test expects.
[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] ||
    skip "this machine is pure cgroup v2 already: the other tests run on that layout"

# The v1 hierarchies as mounted now: "MOUNTPOINT CONTROLLERS" lines (none
# is not an error: findmnt then fails).
v1_mounts=$( (findmnt -rn -t cgroup -o TARGET,FS-OPTIONS || true) |
    awk '{ n = split($2, o, ","); c = "";
           for (i = 1; i <= n; i++)
               if (o[i] ~ /^(cpu|cpuacct|cpuset|memory|pids|freezer|blkio|devices|hugetlb)$/)
                   c = c (c ? "," : "") o[i];
           if (c) print $1, c }')

# --- pure v2 -------------------------------------------------------------------
findmnt -rn -t cgroup2 >/dev/null || skip "this kernel has no cgroup2 mounted to compare with"
# With the live cgroup2's options: the kernel applies a cgroup2 mount's
# options (nsdelegate, memory_recursiveprot, ...) to the machine's one v2
# hierarchy, and systemd's hybrid layout sets some.
v2_opts=$(findmnt -rn -t cgroup2 -o FS-OPTIONS | head -n 1)
mount -t cgroup2 -o "$v2_opts" none /sys/fs/cgroup || skip "cannot mount cgroup2 here"

coproc NSL { exec "$NSLAB" -J -k 2>"$tmpdir/stderr"; }
nslab_pid=$NSL_PID
on_exit sh -c "kill -KILL $nslab_pid 2>/dev/null || true"
step() {
    printf '%s\n' "$1" >&"${NSL[1]}"
    local line
    while IFS= read -r -t 30 line <&"${NSL[0]}"; do
        case "$line" in *'"step":'*) printf '%s\n' "$line"; return 0 ;; esac
    done
    fail "no answer to '$1' (stderr: $(cat "$tmpdir/stderr"))"
}

s=$(step "cgls")
assert_eq unified "$(json_get "$s" result.layout.mode)" "cgls on pure v2"
assert_eq /sys/fs/cgroup "$(json_get "$s" result.layout.controllers.freezer.mount)" "the freezer's hierarchy"
assert_eq 2 "$(json_get "$s" result.layout.controllers.freezer.version)" "the freezer's version"
assert_contains "$(json_get "$s" output)" "cgroup layout: unified (cgroup v2 only)" "cgls's text"
s=$(step "help cgcreate")
assert_contains "$(json_get "$s" output)" "freezer  v2  /sys/fs/cgroup (cgroup.freeze" "help cgcreate"
s=$(step "cgcreate freezer")
assert_eq true "$(json_get "$s" ok)" "cgcreate freezer on pure v2"
frz=$(json_get "$s" result.path)
# The session parent is made at the root, or (systemd's hybrid layout in
# the make test-vm guest) below the cgroup nslab runs in, as the unified
# line of /proc/self/cgroup names it.
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
own=${own%/}
parent=/sys/fs/cgroup/nslab.$nslab_pid
[ "$frz" = "$parent/freezer1" ] || parent=/sys/fs/cgroup$own/nslab.$nslab_pid
assert_eq "$parent/freezer1" "$frz" "where the cgroup is made (at the root or below $own)"
assert_eq 2 "$(json_get "$s" result.version)" "its version"
s=$(step "cgexec freezer1 sleep")
sleeper=$(json_get "$s" result.pid)
assert_eq "$sleeper" "$(cat "$frz/cgroup.procs")" "cgroup.procs"
s=$(step "cgfreeze freezer1")
assert_contains "$(json_get "$s" trace)" "$frz/cgroup.freeze" "the file cgfreeze writes"
assert_eq "frozen 1" "$(grep '^frozen' "$frz/cgroup.events")" "the kernel's cgroup.events"
s=$(step "expect cg freezer1 frozen 1")
assert_eq true "$(json_get "$s" ok)" "expect cg ... frozen 1"
s=$(step "cgcreate mem 64M")
assert_eq false "$(json_get "$s" ok)" "cgcreate mem where v1 holds memory"
assert_contains "$(json_get "$s" error)" "cgroup.controllers" "the refusal says why"
# left frozen on purpose: the exit must end it (cgroup.kill) and remove it
printf 'exit\n' >&"${NSL[1]}"
wait "$nslab_pid" || true
[ ! -e "$parent" ] || fail "the v2 session parent outlived the session"
! kill -0 "$sleeper" 2>/dev/null || fail "the frozen job outlived the session"

for lab in cgroup-freezer cgroup-ns cgroup-devices; do
    "$NSLAB" "$top/labs/$lab.lab" >"$tmpdir/$lab.out" 2>&1 ||
        fail "labs/$lab.lab on pure v2: $(grep -E '✗|:[0-9]+: ' "$tmpdir/$lab.out" | head -3)"
done
# The v1 hierarchy lab does not apply here: its `require cgroup v1` says
# why in one line and ends it, status 0, before its first step.
"$NSLAB" "$top/labs/cgroup-hierarchy.lab" >"$tmpdir/hier.out" 2>&1 ||
    fail "labs/cgroup-hierarchy.lab on pure v2 failed: $(grep -E '✗|:[0-9]+: ' "$tmpdir/hier.out" | head -3)"
grep -q '^require: skipped: .*unified layout' "$tmpdir/hier.out" ||
    fail "labs/cgroup-hierarchy.lab on pure v2 does not say why it is skipped: $(tail -n 3 "$tmpdir/hier.out")"
! grep -q 'Step 1' "$tmpdir/hier.out" || fail "labs/cgroup-hierarchy.lab went on past its require on pure v2"
umount /sys/fs/cgroup

# --- pure v1 -------------------------------------------------------------------
[ -n "$v1_mounts" ] || { echo "cgroup-layouts: ok (pure v2; no v1 hierarchy to test legacy)"; exit 0; }
mount -t tmpfs -o mode=755 none /sys/fs/cgroup
while read -r target ctrls; do
    dir=/sys/fs/cgroup/$(basename "$target")
    mkdir -p "$dir"
    mount -t cgroup -o "$ctrls" none "$dir" || fail "cannot mount the v1 hierarchy $ctrls again"
done <<<"$v1_mounts"
s=$("$NSLAB" -J -c cgls 2>"$tmpdir/stderr") || fail "cgls on pure v1: $(cat "$tmpdir/stderr")"
s=$(json_step "$s" 1) # the step; the end object follows it
assert_eq legacy "$(json_get "$s" result.layout.mode)" "cgls on pure v1"
for lab in "$top"/labs/cgroup-*.lab; do
    name=$(basename "$lab")
    ctrl=$(sed -nE 's/^# requires:.*the (memory|cpu|pids) controller.*/\1/p' "$lab")
    if [ -n "$ctrl" ] && ! grep -qw "$ctrl" <<<"$v1_mounts"; then
        continue # this machine has no v1 hierarchy for it
    fi
    "$NSLAB" "$lab" >"$tmpdir/$name.out" 2>&1 ||
        fail "labs/$name on pure v1: $(grep -E '✗|:[0-9]+: ' "$tmpdir/$name.out" | head -3)"
done
grep -q '^require: skipped: .*legacy layout' "$tmpdir/cgroup-hierarchy-v2.lab.out" ||
    fail "labs/cgroup-hierarchy-v2.lab on pure v1 does not say why it is skipped: $(tail -n 3 "$tmpdir/cgroup-hierarchy-v2.lab.out")"
! grep -q 'Step 1' "$tmpdir/cgroup-hierarchy-v2.lab.out" || fail "labs/cgroup-hierarchy-v2.lab went on past its require on pure v1"
echo "cgroup-layouts: ok (pure v2 and pure v1)"

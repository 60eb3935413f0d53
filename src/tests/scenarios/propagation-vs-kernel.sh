#!/usr/bin/env bash
# Propagation beyond the labs, each result read back from the kernel's own
# /proc/PID/mountinfo (never from nslab): recursive propagation changes and
# binds, a chain of three namespaces (shared -> shared slave -> slave), and
# mounts in and under unbindable trees, with util-linux's mount(8) as a
# second opinion on the errors. All inside a mount namespace this test made,
# in which nslab makes its own namespaces before mounting.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
check="python3 $(dirname "$0")/mountinfo_check.py"
before_host=$(cat /proc/self/mountinfo)

# The scratch directory goes under $tmpdir, so even a killed run leaves none.
TMPDIR=$tmpdir nslab_session unshare --mount --propagation private "$NSLAB" -J -k
step() { nslab_step "$1"; }
ok() { nslab_step_ok "$1"; }
# kprop PID PATH: the propagation of the last mount on PATH in mountinfo
# (the top one: no path here has stacked mounts), "none" without one.
kprop() {
    awk -v t="$2" '$5 == t {
        p = ""
        for (i = 7; $i != "-"; i++) p = p (p == "" ? "" : " ") $i
        found = p == "" ? "private" : p
    } END { print found == "" ? "none" : found }' "/proc/$1/mountinfo"
}
# khas PID PATH: something is mounted on PATH in PID's namespace.
khas() { awk -v t="$2" '$5 == t { f = 1 } END { exit !f }' "/proc/$1/mountinfo"; }

ok "unshare mnt" >/dev/null
S=$(json_get "$(ok scratch)" result.path)
subj=$(json_get "$(ok 'mounts /')" result.pid)
ok "!mkdir -p $S/t1 $S/copy $S/one $S/chain/x $S/chain/y $S/chain/z $S/u/dir $S/u/sub $S/ub $S/ubr" >/dev/null
ok "bind \$SCRATCH \$SCRATCH" >/dev/null

# --- 1. recursive flags ---------------------------------------------------
ok "mount tmpfs t1 \$SCRATCH/t1" >/dev/null
ok "!mkdir $S/t1/t2" >/dev/null
ok "mount tmpfs t2 \$SCRATCH/t1/t2" >/dev/null
ok "propagation shared \$SCRATCH -r" >/dev/null
for p in "$S" "$S/t1" "$S/t1/t2"; do
    [[ $(kprop "$subj" "$p") == shared:* ]] || fail "-r did not make $p shared: $(kprop "$subj" "$p")"
done
g1=$(kprop "$subj" "$S/t1") g2=$(kprop "$subj" "$S/t1/t2")
[ "$g1" != "$g2" ] || fail "two mounts made shared got one peer group ($g1)"
ok "propagation private \$SCRATCH/t1" >/dev/null
assert_eq private "$(kprop "$subj" "$S/t1")" "without -r: only t1"
assert_eq "$g2" "$(kprop "$subj" "$S/t1/t2")" "without -r: t2 keeps its group"
# A slave needs a master: copies in another namespace keep the groups alive.
peers=$(json_get "$(ok 'spawn --ns mnt sleep')" result.job)
ok "propagation slave \$SCRATCH -r" >/dev/null
assert_eq private "$(kprop "$subj" "$S/t1")" "a private mount made a slave stays private"
assert_eq "master:${g2#shared:}" "$(kprop "$subj" "$S/t1/t2")" "-r slave: t2 receives from its group"
ok "kill -KILL %$peers" >/dev/null
ok "propagation private \$SCRATCH -r" >/dev/null
for p in "$S" "$S/t1" "$S/t1/t2"; do
    assert_eq private "$(kprop "$subj" "$p")" "private -r: $p"
done
# A recursive bind copies the tree; nslab's added IDs are the kernel's new ones.
before=$($check ids "$subj" "$S/copy")
s=$(ok "bind \$SCRATCH/t1 \$SCRATCH/copy -r")
after=$($check ids "$subj" "$S/copy")
assert_eq "" "$before" "nothing under copy before"
assert_eq "$after" "$(python3 -c 'import json,sys; print(" ".join(map(str, sorted(json.loads(sys.argv[1])["result"]["added"]))))' "$s")" \
    "bind -r: added IDs"
khas "$subj" "$S/copy/t2" || fail "bind -r did not copy t2"
s=$(ok "bind \$SCRATCH/t1 \$SCRATCH/one")
assert_eq 1 "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["result"]["added"]))' "$s")" \
    "a plain bind adds one mount"
khas "$subj" "$S/one/t2" && fail "a plain bind copied t2"
# umount of a tree: EBUSY, explained; -l detaches it.
s=$(step "umount \$SCRATCH/copy")
assert_eq EBUSY "$(json_get "$s" errno)" "umount of a mount with mounts below"
assert_contains "$(json_get "$s" error)" "other mounts sit below it" "EBUSY explained"
ok "umount \$SCRATCH/copy -l" >/dev/null
khas "$subj" "$S/copy" && fail "umount -l left copy mounted"

# --- 2. a chain: A (shared) -> B (shared and slave) -> C (slave) ----------
job() { json_get "$1" result.job; }
ok "bind \$SCRATCH/chain \$SCRATCH/chain" >/dev/null
ok "propagation shared \$SCRATCH/chain" >/dev/null
s=$(ok 'spawn sleep') && a=$(json_get "$s" result.pid) && ja=$(job "$s")
ok "unshare mnt --propagation unchanged" >/dev/null
ok "propagation slave \$SCRATCH/chain" >/dev/null
ok "propagation shared \$SCRATCH/chain" >/dev/null
s=$(ok 'spawn sleep') && b=$(json_get "$s" result.pid) && jb=$(job "$s")
[[ $(kprop "$b" "$S/chain") == "shared:"*" master:"* ]] || fail "B is not a shared slave: $(kprop "$b" "$S/chain")"
jn=$(job "$(ok "spawn --ns mnt sleep")")
ok "setns mnt %$jn" >/dev/null
ok "propagation slave \$SCRATCH/chain" >/dev/null
s=$(ok 'spawn sleep') && c=$(json_get "$s" result.pid) && jc=$(job "$s")
[[ $(kprop "$c" "$S/chain") == master:* ]] || fail "C is not a slave: $(kprop "$c" "$S/chain")"
# Mount in A: reaches B and, through B, C.
ok "setns mnt %$ja" >/dev/null
ok "mount tmpfs x \$SCRATCH/chain/x" >/dev/null
khas "$b" "$S/chain/x" || fail "A's mount did not reach B"
khas "$c" "$S/chain/x" || fail "A's mount did not reach C through B"
s=$(ok "mounts \$SCRATCH/chain --in %$jc")
$check compare "$s" "$a" "$c" "$b" || fail "A beside C differs from the kernel"
assert_contains "$s" '"relation":"sends"' "A sends to C through the chain"
# Mount in B: reaches C, not A.
ok "setns mnt %$jb" >/dev/null
ok "mount tmpfs y \$SCRATCH/chain/y" >/dev/null
khas "$c" "$S/chain/y" || fail "B's mount did not reach C"
khas "$a" "$S/chain/y" && fail "B's mount reached A, its master"
s=$(ok "mounts \$SCRATCH/chain")
assert_contains "$s" "receives from peer group" "B receives"
assert_contains "$s" "propagates to mount" "B sends on to C"
s=$(ok "mounts \$SCRATCH/chain --in %$ja")
$check compare "$s" "$b" "$a" "$c" || fail "B beside A differs from the kernel"
# Mount in C: stays in C.
ok "setns mnt %$jc" >/dev/null
ok "mount tmpfs z \$SCRATCH/chain/z" >/dev/null
khas "$a" "$S/chain/z" && fail "C's mount reached A"
khas "$b" "$S/chain/z" && fail "C's mount reached B"
khas "$c" "$S/chain/z" || fail "C's mount is not in C"
# An unmount in A travels the chain too.
ok "setns mnt %$ja" >/dev/null
ok "umount \$SCRATCH/chain/x" >/dev/null
khas "$c" "$S/chain/x" && fail "A's unmount did not reach C"

# --- 3. unbindable trees ---------------------------------------------------
ok "setns mnt %$ja" >/dev/null
ok "bind \$SCRATCH/u \$SCRATCH/u" >/dev/null
ok "mount tmpfs sub \$SCRATCH/u/sub" >/dev/null
ok "propagation unbindable \$SCRATCH/u" >/dev/null
assert_eq unbindable "$(kprop "$a" "$S/u")" "u is unbindable"
# A mount below an unbindable one is an ordinary mount: it can be bound.
ok "bind \$SCRATCH/u/sub \$SCRATCH/ub" >/dev/null
khas "$a" "$S/ub" || fail "bind of a mount under an unbindable one"
# A plain directory inside the unbindable mount cannot: EINVAL, as mount(8) says.
s=$(step "bind \$SCRATCH/u/dir \$SCRATCH/ubr")
assert_eq EINVAL "$(json_get "$s" errno)" "bind from inside an unbindable mount"
assert_contains "$(json_get "$s" error)" "unbindable" "EINVAL explained"
if nsenter -t "$a" -m mount --bind "$S/u/dir" "$S/ubr" 2>/dev/null; then
    fail "mount(8) could bind what nslab could not"
fi
khas "$a" "$S/ubr" && fail "a failed bind left a mount"
# A recursive bind of the parent leaves the unbindable subtree out.
ok "!mkdir -p $S/tree" >/dev/null
s=$(ok "bind \$SCRATCH \$SCRATCH/tree -r")
assert_contains "$(json_get "$s" output)" "not copied: mount" "the skipped mount is named"
khas "$a" "$S/tree/u" && fail "bind -r copied an unbindable mount"
khas "$a" "$S/tree/u/sub" && fail "bind -r copied a mount below an unbindable one"
khas "$a" "$S/tree/ub" || fail "bind -r left out a bindable mount"
# A new namespace copies the unbindable mount: as an unbindable one up to
# Linux 6.12 at least (measured on 5.10, 6.1 and 6.12), as a private one on
# 6.18. Either way nothing propagates between them, and nslab reports what
# the kernel did.
jd=$(job "$(ok "spawn --ns mnt sleep")")
s=$(ok "mounts \$SCRATCH/u --in %$jd")
assert_contains "$s" '"relation":"none"' "an unbindable mount and its copy do not propagate"
e=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["result"]["right"]["pid"])' "$s")
case $(kprop "$e" "$S/u") in
private | unbindable) ;;
*) fail "the copy of an unbindable mount: expected private or unbindable, got '$(kprop "$e" "$S/u")'" ;;
esac
$check compare "$s" "$a" "$e" || fail "unbindable beside its copy differs from the kernel"

nslab_stop
assert_eq "$before_host" "$(cat /proc/self/mountinfo)" "this test's own mount table changed"
echo "propagation-vs-kernel: ok"

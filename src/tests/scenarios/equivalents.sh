#!/usr/bin/env bash
# Skills that carry over: `help CMD` names the util-linux, iproute2,
# cgroup-tools or bubblewrap command that does the same, and with
# --equivalents each step gives it with its own words, PIDs and paths. Each
# printed command is then run for real, in namespaces (or a cgroup below the
# session's parent) this test made, and must do what nslab's step did, as the
# kernel tells: the hostname, a veth pair with its address, a tmpfs mount,
# a pids limit, a message queue, a capability bounding set.
# Root: namespaces, cgroups.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
require_root
for p in unshare nsenter ip mount umount findmnt lsns ipcmk ipcs setpriv hostname; do
    command -v "$p" >/dev/null || skip "needs $p"
done

# --- help: every program an "Outside nslab" line names is installed -------
for c in ls-ns unshare setns spawn '!' kill hostname cgcreate cgset cgget cgattach cgexec \
    cgdelete mounts mount bind umount propagation pin unpin ipc timens veth link addr chroot \
    pivot_root caps nnp; do
    h=$("$NSLAB" -c "help $c" 2>&1) || fail "help $c failed: $h"
    line=$(printf '%s\n' "$h" | grep '^Outside nslab: ') || fail "help $c names no equivalent: $h"
    # the first word of each alternative (| or ;), and after cgexec -g X:Y
    for prog in $(printf '%s\n' "${line#Outside nslab: }" | tr '|;' '\n\n' |
        sed -E 's/^ *\[?(cgexec -g [^ ]+ )?//; s/^\[?unshare[^]]*\] *//' | awk '{print $1}'); do
        case $prog in echo | PROGRAM | '') continue ;; esac
        case $prog in cg*) command -v cgcreate >/dev/null || continue ;; esac
        command -v "$prog" >/dev/null || fail "help $c names $prog, which is not installed"
    done
done
assert_contains "$("$NSLAB" -c 'help pivot_root')" "bwrap --bind NEW /" "help pivot_root: bubblewrap"
if command -v bwrap >/dev/null; then
    bwrap --unshare-all --dev-bind / / true || fail "help unshare's bwrap line does not run"
fi

# eq STEPJSON: the step's equivalents, one a line.
eq()
{
    python3 -c 'import json,sys; e = json.loads(sys.argv[1])["equivalent"]; assert e; print("\n".join(e))' "$1" ||
        fail "no equivalent in: $1"
}

nslab_start --equivalents
s=$(nslab_step_ok 'unshare uts,net')
subj=$(json_get "$s" subject.pid)
e=$(eq "$s")
assert_eq "unshare --uts --net" "$e" "unshare's equivalent"
$e -- true || fail "'$e -- true' failed"

e=$(eq "$(nslab_step_ok 'hostname eqbox')")
assert_eq "eqbox" "$(unshare --uts -- sh -c "$e >/dev/null && uname -n")" "'$e' in a new UTS namespace"
assert_eq "eqbox" "$(nsenter --target "$subj" --uts uname -n)" "nslab's hostname step"

e=$(eq "$(nslab_step_ok '!true')")
assert_eq "nsenter --target $subj --all true" "$e" "!true's equivalent"
$e || fail "'$e' failed"

# The network: veth, link up, addr add, run one after another in a new one.
net=""
for c in 'veth a b' 'link up a' 'addr add 10.77.0.1/24 dev a'; do
    net+="$(eq "$(nslab_step_ok "$c")") && "
done
printf 'network equivalents: %s\n' "$net"
theirs=$(unshare --net -- sh -c "${net}ip -o -4 addr show dev a && ip -o link show b")
ours=$(nsenter --target "$subj" --net sh -c 'ip -o -4 addr show dev a && ip -o link show b')
assert_contains "$theirs" "10.77.0.1/24" "the equivalents' address"
assert_contains "$ours" "10.77.0.1/24" "nslab's address"
assert_contains "$theirs" "b@a" "the equivalents' veth peer"

e=$(eq "$(nslab_step_ok 'setns uts host')")
[[ $e == "nsenter --target "*" --uts" ]] || fail "setns's equivalent: $e"
$e true || fail "'$e true' failed"

for c in 'ls-ns' 'ls-ns all' 'ls-ns --tree pid'; do
    e=$(eq "$(nslab_step_ok "$c")")
    out=$($e 2>&1) || fail "'$e' failed: $out"
    [[ $out != *invalid* ]] || fail "'$e': $out"
done

# Mounts, in a mount namespace of their own on both sides.
nslab_step_ok 'unshare mnt' >/dev/null
mkdir -p "$tmpdir/m"
mnt=""
for c in "mount tmpfs none $tmpdir/m -o size=1m" "propagation private $tmpdir/m" \
    "bind $tmpdir/m $tmpdir/m -r"; do
    mnt+="$(eq "$(nslab_step_ok "$c")") && "
done
printf 'mount equivalents: %s\n' "$mnt"
theirs=$(unshare --mount -- sh -c "${mnt}findmnt -n -o FSTYPE,PROPAGATION --target $tmpdir/m")
ours=$(nsenter --target "$subj" --mount findmnt -n -o FSTYPE,PROPAGATION --target "$tmpdir/m")
assert_eq "$ours" "$theirs" "the mount equivalents against nslab's (findmnt)"
e=$(eq "$(nslab_step_ok "umount $tmpdir/m -l")")
assert_eq "umount --lazy $tmpdir/m" "$e" "umount -l's equivalent"

e=$(eq "$(nslab_step_ok 'ipc new msg')")
assert_eq 1 "$(unshare --ipc -- sh -c "$e >/dev/null && ipcs -q" | grep -c '0x')" "'$e' made one queue"

e=$(eq "$(nslab_step_ok 'caps drop sys_admin,CAP_NET_RAW')")
printf 'caps: %s\n' "$e"
theirs=$(${e% \$SHELL} grep CapBnd /proc/self/status)
ours=$(grep CapBnd "/proc/$subj/status")
assert_eq "$ours" "$theirs" "the bounding set setpriv leaves against the subject's"

# Cgroups: the equivalents make a cgroup beside nslab's, below the session's
# parent, and it reads as nslab's does.
if command -v cgcreate >/dev/null && [ "$(json_get "$(nslab_step 'cgcreate pids 5')" ok)" = true ]; then
    s=$(nslab_step_ok 'cgget pids1')
    dir=$(json_get "$s" result.path)
    e=$(eq "$(nslab_step_ok 'cgset pids1 pids.max 7')")
    made=$(eq "$(nslab_step_ok 'cgcreate pids 5 --name eqref')")
    printf 'cgroup equivalents: %s / %s\n' "$made" "$e"
    on_exit sh -c "rmdir ${dir%/*}/eqtest 2>/dev/null || true"
    while IFS= read -r l; do ${l//eqref/eqtest} || fail "'$l' failed"; done <<<"$made"
    ${e//pids1/eqtest} || fail "'$e' failed"
    assert_eq "$(cat "$dir/pids.max")" "$(cat "${dir%/*}/eqtest/pids.max")" "pids.max: nslab's pids1 and the equivalents' cgroup"
    assert_eq 7 "$(cat "${dir%/*}/eqtest/pids.max")" "cgset's equivalent"
    e=$(eq "$(nslab_step_ok 'cgdelete eqref')")
    ${e//eqref/eqtest} || fail "'$e' failed"
    [ ! -d "${dir%/*}/eqtest" ] || fail "cgdelete's equivalent left the cgroup"
fi

# With --equivalents every step has the key, [] when there is none.
assert_eq "[]" "$(json_get "$(nslab_step_ok 'jobs')" equivalent)" "a step with no equivalent"
# -J without --equivalents: no "equivalent" anywhere.
out=$(printf 'unshare uts\n' | "$NSLAB" -J 2>/dev/null)
[[ $out != *'"equivalent"'* ]] || fail "an equivalent without --equivalents"
# at the prompt: equivalents on|off
out=$(printf 'equivalents on\nunshare uts\nequivalents off\nunshare ipc\n' | "$NSLAB" --no-trace - 2>&1)
assert_contains "$out" "outside nslab: unshare --uts" "equivalents on"
[[ $out != *"outside nslab: unshare --ipc"* ]] || fail "equivalents off still printed one"
nslab_stop
echo ok

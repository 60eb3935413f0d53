#!/usr/bin/env bash
# On a systemd host, nslab's session parent lives in a scope systemd made
# for it with Delegate=yes (systemd's rules for a foreign cgroup tree), in
# every layout:
# 1. the scope nslab-PID.scope is delegated (systemctl); on v2 nslab's own
#    process is in a leaf of the scope's cgroup and the session parent
#    nslab.PID beside that leaf, pids enabled in the scope's
#    cgroup.subtree_control; on v1 (hybrid, legacy) nslab is in the
#    scope's cgroups, pids's among them (systemd delegates the v1
#    controllers it manages), and the session parent there.
# 2. When the session ends, the scope and every cgroup of it are gone.
# 3. A session killed by SIGKILL leaves its scope with a process inside (a
#    job's orphan): the next session removes its nslab.PID (the orphan is
#    killed), and then the scope goes by itself; a scope of someone else
#    that holds a cgroup named like a dead session's is not touched.
# 4. systemd logged no error about any of it.
# Checked against the kernel (/proc/PID/cgroup, the cgroup tree) and
# systemd (systemctl show, journalctl). Skips where systemd is not the init.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
[ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && [ -d /run/systemd/system ] ||
    skip "systemd is not the init here (PID 1 is $(cat /proc/1/comm 2>/dev/null)): nothing delegates"
command -v systemctl >/dev/null || skip "no systemctl"
[ -S /run/dbus/system_bus_socket ] ||
    skip "systemd runs without a system bus (no /run/dbus/system_bus_socket): nslab cannot ask it for a scope, and keeps its session parent as without systemd"
# mnt_of cgroup2|SUBSYS: where that hierarchy is mounted ("" when not).
mnt_of() {
    awk -v want="$1" '{
        split($0, a, " - "); split(a[2], b, " "); split(a[1], c, " ")
        if (want == "cgroup2" && b[1] == "cgroup2") { print c[5]; exit }
        n = split(b[3], o, ",")
        if (b[1] == "cgroup") for (i = 1; i <= n; i++) if (o[i] == want) { print c[5]; exit }
    }' /proc/self/mountinfo
}
# cg_path PID v2|SUBSYS: the cgroup of PID there, as /proc/PID/cgroup says.
cg_path() {
    if [ "$2" = v2 ]; then
        sed -n 's/^0:://p' "/proc/$1/cgroup"
    else
        awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup"
    fi
}
unit_state() { systemctl show -p ActiveState --value "$1" 2>/dev/null; }
unit_cg() { systemctl show -p ControlGroup --value "$1" 2>/dev/null; }
v2=$(mnt_of cgroup2)
pidsmnt=$(mnt_of pids) # v1 pids (hybrid, legacy), else "" (pids is v2's)
# systemd delegates in the unified hierarchy, or on legacy v1 in its own.
if [ -n "$v2" ]; then smnt=$v2 shier=v2; else smnt=$(mnt_of name=systemd) shier=name=systemd; fi
[ -n "$smnt" ] || skip "neither a unified nor a name=systemd hierarchy is mounted"
# The directory of a session's pids cgroups' parent, for the scope of
# ControlGroup $1 and nslab PID $2.
pids_parent() { if [ -n "$pidsmnt" ]; then echo "$pidsmnt$1/nslab.$2"; else echo "$v2$1/nslab.$2"; fi; }
since=$(date '+%Y-%m-%d %H:%M:%S')
sleep 1

# --- 1. a live session -------------------------------------------------
nslab_start
p=$nslab_pid
nslab_send_ok "cgcreate pids 20 --name d1"
unit=nslab-$p.scope
assert_eq yes "$(systemctl show -p Delegate --value "$unit")" "Delegate of $unit"
assert_eq active "$(unit_state "$unit")" "ActiveState of $unit"
cg=$(unit_cg "$unit")
scope=$smnt$cg
[ -n "$cg" ] && [ -d "$scope" ] || fail "$unit has no cgroup directory ($scope)"
own=$smnt$(cg_path "$p" "$shier")
if [ "$shier" = v2 ]; then
    # v2: nslab sits in a leaf of the scope, so the scope may enable
    # controllers for the session parent beside it
    [ "${own%/*}" = "$scope" ] || fail "nslab ($p) is in $own, not in a leaf of $scope"
    [ "$(find "$own" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 0 ] ||
        fail "nslab's own cgroup $own has children: it is not a leaf"
else
    assert_eq "$scope" "$own" "nslab's cgroup in the name=systemd hierarchy"
fi
# The session parent of the pids cgroup: in the scope's cgroup of the
# hierarchy that holds pids (v2: beside nslab's leaf; v1: systemd
# delegates pids with the scope, and nslab runs there).
parent=$(pids_parent "$cg" "$p")
[ -f "$parent/d1/pids.max" ] || fail "d1 is not at $parent/d1: $(find /sys/fs/cgroup -type d -name "nslab.$p")"
assert_eq "$parent" "$(find "${pidsmnt:-$v2}" -type d -name "nslab.$p")" "the session parent, and no other, in the hierarchy of pids"
if [ -z "$pidsmnt" ]; then
    grep -qw pids "$scope/cgroup.subtree_control" ||
        fail "pids is not enabled in $scope/cgroup.subtree_control: $(cat "$scope/cgroup.subtree_control")"
else
    assert_eq "$pidsmnt$cg" "$pidsmnt$(cg_path "$p" pids)" "nslab's pids cgroup (v1), systemd's scope there"
fi
nslab_send_ok "cgls"
assert_eq "$unit" "$(jv result.delegation.unit)" "cgls -J delegation.unit"

# --- 2. the session ends: its scope goes ----------------------------------
nslab_stop
for _ in $(seq 50); do [ -d "$scope" ] || [ -d "$parent" ] || break; sleep 0.1; done
[ ! -d "$scope" ] || fail "$scope is still there after the session ended: $(find "$scope")"
[ ! -d "$parent" ] || fail "$parent is still there after the session ended"
case $(unit_state "$unit") in active | activating) fail "$unit is still $(unit_state "$unit")" ;; esac

# --- 3. a killed session ----------------------------------------------------
# Someone else's delegated scope, holding a cgroup named like a dead
# session's: never nslab's to remove.
other=other-$$.scope
systemd-run --quiet --scope --unit="$other" -p Delegate=yes sleep 300 &
run_pid=$!
on_exit kill "$run_pid"
for _ in $(seq 100); do [ "$(unit_state "$other")" = active ] && [ -n "$(unit_cg "$other")" ] && break; sleep 0.1; done
odir=$smnt$(unit_cg "$other")
[ -d "$odir" ] || fail "systemd-run's scope $other has no cgroup directory ($odir)"
mkdir "$odir/nslab.999999"
on_exit rmdir "$odir/nslab.999999"

nslab_start
k=$nslab_pid
nslab_send_ok "cgcreate pids 20 --name d2"
# A job's orphan: the jobs themselves die with the subject, which dies
# with nslab, but a process they left behind lives on in d2.
nslab_send_ok "cgexec d2 sh -c 'sleep 300 & exit 0'"
kcg=$(unit_cg "nslab-$k.scope")
kscope=$smnt$kcg
kparent=$(pids_parent "$kcg" "$k")
job=""
for _ in $(seq 50); do
    job=$(cat "$kparent/d2/cgroup.procs")
    [ "$(echo "$job" | wc -w)" -eq 1 ] && [ "$(cat "/proc/$job/comm" 2>/dev/null)" = sleep ] && break
    sleep 0.1
done
[ "$(cat "/proc/$job/comm" 2>/dev/null)" = sleep ] || fail "no orphaned sleep alone in $kparent/d2: $job"
on_exit kill -KILL "$job"
nslab_kill KILL
# The orphan keeps the killed session's scope alive.
sleep 0.5
kill -0 "$job" 2>/dev/null || fail "the orphan $job died with its nslab: nothing left to sweep"
assert_eq active "$(unit_state "nslab-$k.scope")" "the killed session's scope"
"$NSLAB" -q -c 'hostname' >/dev/null 2>"$tmpdir/err" || fail "the next start failed: $(cat "$tmpdir/err")"
for _ in $(seq 50); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$job" 2>/dev/null || fail "the next start left the dead session's orphan $job alive: $(cat "$tmpdir/err")"
for _ in $(seq 50); do [ -d "$kscope" ] || break; sleep 0.1; done
[ ! -d "$kscope" ] || fail "the dead session's scope $kscope is still there: $(find "$kscope")"
[ -d "$odir/nslab.999999" ] || fail "an nslab start removed $odir/nslab.999999, in a scope that is not nslab's"
assert_eq active "$(unit_state "$other")" "someone else's scope $other"

# --- 4. nothing systemd complained about ------------------------------------
journalctl --since "$since" -p warning --no-pager -o short 2>/dev/null | grep -i 'nslab' >"$tmpdir/journal" || true
[ ! -s "$tmpdir/journal" ] || fail "systemd logged warnings about nslab: $(head -5 "$tmpdir/journal")"
echo "systemd-delegate: session parent in a delegated scope $unit, gone at exit; a killed session's scope swept, another's left alone; no warnings in the journal"

#!/usr/bin/env bash
# On a systemd host, nslab's session parent lives in a scope systemd made
# for it with Delegate=yes (systemd's rules for a foreign cgroup tree), in
# the hierarchy systemd delegates (the unified one, pure v2 or hybrid):
# 1. nslab's own process is in a leaf of the scope nslab-PID.scope, which
#    systemd says is delegated, and the session parent nslab.PID is beside
#    that leaf, inside the scope; a controller enabled for a cgroup is
#    enabled in the scope's cgroup.subtree_control, not above it.
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
v2=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
[ -n "$v2" ] || skip "no unified (v2) hierarchy: on a legacy v1 layout systemd delegates only name=systemd, which holds no controller, and nslab keeps its session parent as without systemd"
since=$(date '+%Y-%m-%d %H:%M:%S')
sleep 1

# The cgroup of process $1 in the unified hierarchy, as a directory.
v2_dir() { echo "$v2$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }
unit_state() { systemctl show -p ActiveState --value "$1" 2>/dev/null; }

# --- 1. a live session -------------------------------------------------
nslab_start
p=$nslab_pid
nslab_send_ok "cgcreate pids 20 --name d1"
unit=nslab-$p.scope
own=$(v2_dir "$p")
scope=${own%/*}
[ "${scope##*/}" = "$unit" ] ||
    fail "nslab ($p) is in $own, not in a leaf of a scope $unit"
[ "$(find "$own" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 0 ] ||
    fail "nslab's own cgroup $own has children: it is not a leaf"
assert_eq yes "$(systemctl show -p Delegate --value "$unit")" "Delegate of $unit"
assert_eq active "$(unit_state "$unit")" "ActiveState of $unit"
# The session parent in the unified hierarchy: beside nslab's leaf.
found=$(find "$v2" -type d -name "nslab.$p")
assert_eq "$scope/nslab.$p" "$found" "the session parent nslab.$p in the unified hierarchy"
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    # pure v2: pids1 works, enabled in the scope itself
    [ -f "$scope/nslab.$p/d1/pids.max" ] || fail "$scope/nslab.$p/d1 has no pids.max"
    grep -qw pids "$scope/cgroup.subtree_control" ||
        fail "pids is not enabled in $scope/cgroup.subtree_control: $(cat "$scope/cgroup.subtree_control")"
fi
nslab_send_ok "cgls"
assert_eq "$unit" "$(jv result.delegation.unit)" "cgls -J delegation.unit"

# --- 2. the session ends: its scope goes ----------------------------------
nslab_stop
for _ in $(seq 50); do [ -d "$scope" ] || break; sleep 0.1; done
[ ! -d "$scope" ] || fail "$scope is still there after the session ended: $(find "$scope")"
case $(unit_state "$unit") in active | activating) fail "$unit is still $(unit_state "$unit")" ;; esac

# --- 3. a killed session ----------------------------------------------------
# Someone else's delegated scope, holding a cgroup named like a dead
# session's: never nslab's to remove.
other=other-$$.scope
systemd-run --quiet --scope --unit="$other" -p Delegate=yes sleep 300 &
run_pid=$!
on_exit kill "$run_pid"
for _ in $(seq 100); do [ "$(unit_state "$other")" = active ] && break; sleep 0.1; done
odir=$(v2_dir "$run_pid")
[ "${odir##*/}" = "$other" ] || fail "systemd-run's sleep is in $odir, not in $other"
mkdir "$odir/nslab.999999"
on_exit rmdir "$odir/nslab.999999"

nslab_start
k=$nslab_pid
nslab_send_ok "cgcreate pids 20 --name d2"
# A job's orphan: the jobs themselves die with the subject, which dies
# with nslab, but a process they left behind lives on in d2.
nslab_send_ok "cgexec d2 sh -c 'sleep 300 & exit 0'"
kscope=$(v2_dir "$k")
kscope=${kscope%/*}
job=""
for _ in $(seq 50); do
    job=$(cat "$kscope/nslab.$k/d2/cgroup.procs")
    [ "$(echo "$job" | wc -w)" -eq 1 ] && [ "$(cat "/proc/$job/comm" 2>/dev/null)" = sleep ] && break
    sleep 0.1
done
[ "$(cat "/proc/$job/comm" 2>/dev/null)" = sleep ] || fail "no orphaned sleep alone in $kscope/nslab.$k/d2: $job"
on_exit kill -KILL "$job"
nslab_kill KILL
# The orphan keeps the killed session's scope alive.
sleep 0.5
kill -0 "$job" 2>/dev/null || fail "the orphan $job died with its nslab: nothing left to sweep"
assert_eq active "$(unit_state "nslab-$k.scope")" "the killed session's scope"
"$NSLAB" -q -c 'hostname' >/dev/null 2>"$tmpdir/err" || fail "the next start failed: $(cat "$tmpdir/err")"
for _ in $(seq 50); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$job" 2>/dev/null || fail "the next start left the dead session's job $job alive: $(cat "$tmpdir/err")"
for _ in $(seq 50); do [ -d "$kscope" ] || break; sleep 0.1; done
[ ! -d "$kscope" ] || fail "the dead session's scope $kscope is still there: $(find "$kscope")"
[ -d "$odir/nslab.999999" ] || fail "an nslab start removed $odir/nslab.999999, in a scope that is not nslab's"
assert_eq active "$(unit_state "$other")" "someone else's scope $other"

# --- 4. nothing systemd complained about ------------------------------------
journalctl --since "$since" -p warning --no-pager -o short 2>/dev/null | grep -i 'nslab' >"$tmpdir/journal" || true
[ ! -s "$tmpdir/journal" ] || fail "systemd logged warnings about nslab: $(head -5 "$tmpdir/journal")"
echo "systemd-delegate: session parent in a delegated scope $unit, gone at exit; a killed session's scope swept, another's left alone; no warnings in the journal"

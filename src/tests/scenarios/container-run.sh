#!/usr/bin/env bash
# container run, checked against the kernel's view of the process it leaves
# (/proc/PID/{mountinfo,status,cgroup,uid_map}, nsenter, ping), never
# against nslab's words:
#  1. Its root is the busybox image under an overlay (the root mount of its
#     mount namespace, lowerdir the image); it is PID 1 of its PID
#     namespace and its /proc shows only that namespace; its hostname is
#     the one asked; its capability sets are the default kept ones,
#     NoNewPrivs 1, Seccomp 2; its cgroups hold it with the asked limits;
#     it holds no descriptor nslab opened.
#  2. A denied syscall fails with EPERM by the seccomp filter (kept
#     CAP_SYS_ADMIN, so not by the capabilities): unshare(CLONE_NEWNET) in
#     a container with --seccomp default fails, with --seccomp none works.
#  3. Two containers on a bridge of the session's network namespace ping
#     each other and the bridge's address.
#  4. --rootless as nobody: uid 0 inside is nobody outside (uid_map), the
#     same root, PID 1 and sets.
#  5. Bad input: one line, nothing made (no new job, no new cgroup).
#  6. Nothing is left after the session: no process, no mount of the
#     scratch in the host's table, no cgroup; after SIGTERM and SIGHUP too.
# Addresses are 10.204.x.y between namespaces this test's session made.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
command -v ping >/dev/null || skip "needs ping (iputils-ping)"
[ -x /bin/busybox ] || skip "needs /bin/busybox (busybox-static)"

tag=$(printf '%04x' $(($$ % 65536)))

status_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
nspid_last() { awk '$1 == "NSpid:" { print $NF }' "/proc/$1/status"; }
# root_mount PID: "FSTYPE OPTIONS" of the mount at "/" in PID's mount table.
root_mount()
{
    awk '$5 == "/" { for (i = 7; $i != "-"; i++) ; print $(i + 1), $(i + 3) }' "/proc/$1/mountinfo" |
        tail -n 1
}
# cg_file PID CONTROLLER FILE: FILE of PID's cgroup holding CONTROLLER (v1
# or v2), read from the cgroup mounts.
cg_file()
{
    local pid=$1 ctl=$2 file=$3 line path mnt
    line=$(awk -F: -v c="$ctl" '$2 ~ "(^|,)" c "(,|$)" { print $3; exit }' "/proc/$pid/cgroup")
    if [ -n "$line" ]; then
        mnt=$(awk -v c="$ctl" '$3 == "cgroup" && $4 ~ "(^|,)" c "(,|$)" { print $2; exit }' /proc/mounts)
    else
        line=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
        mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
    fi
    path="$mnt$line"
    cat "$path/$file"
}

nslab_start -k

# --- 5. bad input first: nothing made ----------------------------------------
for bad in "container run" "container run --rootfs /nonexistent$tag -- sleep 1" \
    "container run --caps cap_bogus -- sleep 1" "container run --seccomp maybe -- sleep 1" \
    "container run --ns uts -- sleep 1" "container run --bridge br0 10.0.0.1 -- sleep 1" \
    "container nope"; do
    nslab_send_fails "$bad"
    [[ ${J[error]} != *$'\n'* ]] || fail "'$bad': the error is not one line: ${J[error]}"
done
nslab_send_ok "jobs"
assert_eq 0 "$(python3 -c 'import json, sys; r = json.loads(sys.argv[1])["result"]; print(len(r if isinstance(r, list) else r["jobs"]))' "$reply")" \
    "jobs after bad input"

# --- 1. one container, checked --------------------------------------------------
nslab_send_ok "container run --mem 64M --pids 20 --hostname box$tag -- sleep 600"
pid=$(jv result.pid)
image=$(jv result.image)
[ -n "$pid" ] && kill -0 "$pid" || fail "no container process: $reply"
read -r fstype opts <<<"$(root_mount "$pid")"
assert_eq overlay "$fstype" "the filesystem at / of the container"
assert_contains "$opts" "lowerdir=$image" "the overlay's lower layer"
[ -x "/proc/$pid/root/bin/busybox" ] || fail "no busybox in the container's root"
assert_eq 1 "$(nspid_last "$pid")" "the container's PID inside its PID namespace"
assert_eq 1 "$(find "/proc/$pid/root/proc" -maxdepth 1 -name '[0-9]*' -printf '%f\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
    "the processes its /proc shows"
assert_eq "box$tag" "$(nsenter -t "$pid" -u hostname)" "its hostname"
assert_eq 00000000a80425fb "$(status_field "$pid" CapEff)" "CapEff (the default kept set)"
assert_eq 00000000a80425fb "$(status_field "$pid" CapBnd)" "CapBnd"
assert_eq 1 "$(status_field "$pid" NoNewPrivs)" "NoNewPrivs"
assert_eq 2 "$(status_field "$pid" Seccomp)" "Seccomp (a filter)"
assert_eq 20 "$(cg_file "$pid" pids pids.max)" "pids.max of its cgroup"
mem=$(cg_file "$pid" memory memory.max 2>/dev/null || cg_file "$pid" memory memory.limit_in_bytes)
assert_eq 67108864 "$mem" "the memory limit of its cgroup"
cgdir_pids=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ || $1 == "0" { print $3; exit }' "/proc/$pid/cgroup")
# No descriptor of nslab's own reaches the program: beyond 0-2 it holds
# only what nslab itself was started with (the test's environment).
for fd in /proc/"$pid"/fd/*; do
    n=${fd##*/}
    [ "$n" -le 2 ] && continue
    [ "$(readlink "$fd")" = "$(readlink "/proc/$nslab_pid/fd/$n" 2>/dev/null)" ] ||
        fail "the container's program has descriptor $n ($(readlink "$fd")) that nslab opened"
done
for ns in mnt pid net uts ipc; do
    [ "$(stat -L -c %i "/proc/$pid/ns/$ns")" != "$(stat -L -c %i "/proc/self/ns/$ns")" ] ||
        fail "the container shares the $ns namespace of the host"
done

# --- 2. the seccomp filter, not the capabilities, denies unshare ------------------
nslab_send_ok "container run --caps cap_sys_admin -- unshare -n true"
denied_job=$(jv result.job)
nslab_send_ok "container run --caps cap_sys_admin --seccomp none -- unshare -n true"
allowed_job=$(jv result.job)
sleep 0.5
nslab_send_ok "jobs"
states=$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])["result"]
r = r if isinstance(r, list) else r["jobs"]
print(" ".join("%d=%s" % (j["job"], j["state"].replace(" ", "_")) for j in r))' "$reply")
assert_contains "$states" "$denied_job=exited_1" "unshare under the filter"
assert_contains "$states" "$allowed_job=exited_0" "unshare without the filter"
grep -q 'unshare(0x40000000): Operation not permitted' "$nslab_err" ||
    fail "the denied unshare did not fail with EPERM: $(cat "$nslab_err")"

# --- 3. two containers on a bridge -------------------------------------------------
nslab_send_ok "unshare net"
nslab_send_ok "spawn sleep 600"
nslab_send_ok "bridge br$tag"
nslab_send_ok "addr add 10.204.0.1/24 dev br$tag"
nslab_send_ok "link up br$tag"
nslab_send_ok "container run --bridge br$tag 10.204.0.2/24 -- sleep 600"
p1=$(jv result.pid)
nslab_send_ok "container run --bridge br$tag 10.204.0.3/24 -- sleep 600"
p2=$(jv result.pid)
nsenter -t "$p2" -n ping -c 1 -W 2 10.204.0.2 >/dev/null || fail "container 2 cannot ping container 1"
nsenter -t "$p1" -n ping -c 1 -W 2 10.204.0.3 >/dev/null || fail "container 1 cannot ping container 2"
nsenter -t "$p1" -n ping -c 1 -W 2 10.204.0.1 >/dev/null || fail "container 1 cannot ping the bridge"
nsenter -t "$p1" -n ip -j link show eth0 | grep -q '"operstate":"UP"' || fail "eth0 of container 1 is not UP"

nslab_send_ok "container ls"
python3 -c '
import json, sys
r = json.loads(sys.argv[1])["result"]["containers"]
assert len(r) == 5, r
' "$reply" || fail "container ls does not list the five containers: $reply"

scratch=$(dirname "$image")
nslab_stop

# --- 6. nothing left ---------------------------------------------------------------
for p in "$pid" "$p1" "$p2"; do
    ! kill -0 "$p" 2>/dev/null || fail "container process $p is still alive after the session"
done
! grep -q "$scratch" /proc/self/mountinfo || fail "a mount of $scratch is left in the host's table"
[ ! -e "$scratch" ] || fail "the scratch directory $scratch is left"
if [ -n "$cgdir_pids" ]; then
    ! find /sys/fs/cgroup -maxdepth 6 -type d -path "*$cgdir_pids" 2>/dev/null | grep -q . ||
        fail "the container's cgroup $cgdir_pids is left"
fi

# --- 6b. and after SIGTERM and SIGHUP -----------------------------------------------
for sig in TERM HUP; do
    nslab_start -k
    nslab_send_ok "container run --pids 10 -- sleep 600"
    sp=$(jv result.pid)
    sscratch=$(dirname "$(jv result.image)")
    nslab_kill "$sig"
    for _ in $(seq 50); do kill -0 "$sp" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$sp" 2>/dev/null || fail "the container is alive after SIG$sig to nslab"
    [ ! -e "$sscratch" ] || fail "the scratch directory is left after SIG$sig"
done

# --- 4. --rootless as nobody ---------------------------------------------------------
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" = 0 ] ||
    [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
    skip "user namespaces are not open to unprivileged users here (the root parts passed)"
fi
nobody_tmp=$(mktemp -d /tmp/nslab-ctr-nobody.XXXXXX)
on_exit rm -rf "$nobody_tmp"
chmod 777 "$nobody_tmp"
chmod o+x "$tmpdir"
nslab_session setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$nobody_tmp" TMPDIR="$nobody_tmp" "$NSLAB" -J -k
nslab_send_ok "container run --rootless -- sleep 600"
rp=$(jv result.pid)
assert_eq "0 65534 1" "$(awk '{ print $1, $2, $3 }' "/proc/$rp/uid_map")" "uid_map of the rootless container"
assert_eq 65534 "$(awk '$1 == "Uid:" { print $2 }' "/proc/$rp/status")" "its uid outside"
read -r fstype opts <<<"$(root_mount "$rp")"
assert_eq overlay "$fstype" "the rootless container's root"
assert_eq 1 "$(nspid_last "$rp")" "its PID inside"
assert_eq 00000000a80425fb "$(status_field "$rp" CapEff)" "its CapEff (over its user namespace)"
assert_eq 2 "$(status_field "$rp" Seccomp)" "its Seccomp"
nslab_stop
! kill -0 "$rp" 2>/dev/null || fail "the rootless container is alive after the session"
echo "container-run: ok"

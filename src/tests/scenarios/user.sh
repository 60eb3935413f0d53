#!/usr/bin/env bash
# User namespaces, compared with the kernel: nslab run as nobody (setpriv);
# `id` against /proc/PID/status, uid_map, gid_map, setgroups, the
# NS_GET_OWNER_UID ioctl and what `id` says inside; capability names against
# setpriv's; `unshare user` against `unshare -r`; uidmap, gidmap and
# setgroups write what the kernel then shows, and each refusal (EPERM) is
# explained; labs/user.lab replays green as nobody. Needs root only to
# become nobody.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" -gt 0 ] ||
    skip "user namespaces are disabled (user.max_user_namespaces = 0)"
[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" != 0 ] ||
    skip "unprivileged user namespaces are disabled"

nobody=65534
as_nobody=(setpriv --reuid=$nobody --regid=$nobody --clear-groups)
# nobody must be able to run the binary and read the lab.
chmod 755 "$tmpdir"
bin=$tmpdir/nslab
install -m 755 "$NSLAB" "$bin"
install -m 644 labs/user.lab "$tmpdir/user.lab"
cd "$tmpdir"
export HOME=/nonexistent

status_field() { awk -v f="$2:" '$1 == f { print $3 }' "/proc/$1/status"; }
map_of() { xargs <"/proc/$1/$2"; }
# JSON map [[0,65534,1]] as "0 65534 1"
json_map() { python3 -c 'import json,sys; print(" ".join(" ".join(map(str,l)) for l in json.loads(sys.argv[1])))' "$(json_get "$reply" "result.$1")"; }
owner_uid()
{
    python3 -c '
import fcntl, os, struct, sys
fd = os.open("/proc/%s/ns/user" % sys.argv[1], os.O_RDONLY)
buf = fcntl.ioctl(fd, 0xb704, b"\0\0\0\0")   # NS_GET_OWNER_UID
print(struct.unpack("I", buf)[0])' "$1"
}
# Capability names by bit, from setpriv, where the bounding set is full (a
# new user namespace: the host's root may lack some).
mapfile -t cap_names < <("${as_nobody[@]}" unshare -r setpriv --dump |
    sed -n 's/^Capability bounding set: //p' | tr ',' '\n')
[ "${#cap_names[@]}" -ge 38 ] || skip "setpriv --dump does not list a full bounding set"
kernel_caps()
{
    local eff bit out=()
    eff=$((16#$(awk '$1 == "CapEff:" { print $2 }' "/proc/$1/status")))
    for ((bit = 0; bit < ${#cap_names[@]}; bit++)); do
        ((eff >> bit & 1)) && out+=("cap_${cap_names[bit]}")
    done
    echo "${out[*]}"
}
nslab_caps() { python3 -c 'import json,sys; print(" ".join(json.loads(sys.argv[1])["result"]["capabilities"]))' "$reply"; }

nslab_session "${as_nobody[@]}" "$bin" -J -k

# --- nobody in the host's user namespace ----------------------------------------
nslab_send_ok "id"
subj=$(jv subject.pid)
assert_eq "$nobody" "$(status_field "$subj" Uid)" "the subject runs as nobody"
assert_eq true "$(jv result.host_user_ns)" "id: the host's user namespace"
assert_eq "$nobody" "$(jv result.uid.outside)" "id: uid"
assert_eq "$(kernel_caps "$subj")" "$(nslab_caps)" "id: no capabilities, as CapEff says"
assert_eq "$(map_of "$subj" uid_map)" "$(json_map uid_map)" "id: the host's uid_map"

# --- unshare user: as unshare -r -----------------------------------------------------
nslab_send_ok "unshare user"
nslab_send_ok "id"
assert_eq false "$(jv result.host_user_ns)" "id after unshare user: a new user namespace"
assert_eq "$(readlink "/proc/$subj/ns/user" | tr -dc 0-9)" "$(jv result.user_ns)" "id: the user namespace inode"
assert_eq "$nobody" "$(owner_uid "$subj")" "kernel: the owner of the new user namespace"
assert_eq "$nobody" "$(jv result.owner_uid)" "id: the owner uid"
assert_eq "0 $nobody 1" "$(map_of "$subj" uid_map)" "kernel: uid_map after unshare user"
assert_eq "$(map_of "$subj" uid_map)" "$(json_map uid_map)" "id: uid_map is the kernel's"
assert_eq "$(map_of "$subj" gid_map)" "$(json_map gid_map)" "id: gid_map is the kernel's"
assert_eq "$(cat "/proc/$subj/setgroups")" "$(jv result.setgroups)" "id: setgroups is the kernel's"
want_map=$("${as_nobody[@]}" unshare -r cat /proc/self/uid_map | xargs)
assert_eq "$want_map" "$(json_map uid_map)" "uid_map as unshare -r makes it"
want_uid=$("${as_nobody[@]}" unshare -r id -u)
assert_eq "$want_uid" "$(jv result.uid.inside)" "uid inside, as unshare -r id -u says"
assert_eq "$nobody" "$(jv result.uid.outside)" "uid outside"
assert_eq "$(kernel_caps "$subj")" "$(nslab_caps)" "id: capabilities, as CapEff says"
assert_contains "$(jv output)" "every capability" "id: all capabilities inside"
# What a process inside (a child of the subject) says itself.
nslab_send_ok "!id -u"
assert_eq "0" "$(jv output | tr -d '\n')" "id -u inside"
nslab_send_ok "!id -g"
assert_eq "0" "$(jv output | tr -d '\n')" "id -g inside"
nslab_send_fails "uidmap 0 $nobody 1" EPERM
assert_contains "$(jv error)" "one write per map" "a second uid_map write, explained"
nslab_send_fails "setgroups allow" EPERM
assert_contains "$(jv error)" "gid_map" "setgroups after gid_map, explained"
nslab_send_fails "uidmap host 0 0 1" EPERM
assert_contains "$(jv error)" "host's user namespace" "the host's map, explained"

# --- --no-map: the maps by hand ---------------------------------------------------
nslab_send_ok "reset"
nslab_send_ok "unshare user --no-map"
subj=$(jv subject.pid)
nslab_send_ok "id"
assert_eq "" "$(map_of "$subj" uid_map)" "kernel: no uid_map yet"
assert_eq "" "$(json_map uid_map)" "id: no uid_map yet"
assert_eq "$(cat /proc/sys/kernel/overflowuid)" "$(jv result.uid.inside)" "unmapped: the overflow uid"
assert_eq false "$(jv result.uid.mapped)" "unmapped"
nslab_send_fails "uidmap 0 0 1" EPERM
assert_contains "$(jv error)" "only its own uid" "mapping another uid unprivileged, explained"
nslab_send_fails "uidmap 0 $nobody 2" EPERM
nslab_send_fails "gidmap 0 $nobody 1" EPERM
assert_contains "$(jv error)" "setgroups deny" "gid_map before setgroups deny, explained"
assert_eq "" "$(map_of "$subj" gid_map)" "kernel: the refused gid_map is unwritten"
nslab_send_ok "uidmap 0 me 1"
assert_eq "write" "$(jv trace.0.call)" "uidmap is a traced write"
assert_eq "/proc/$subj/uid_map \"0 $nobody 1\"" "$(jv trace.0.args)" "uidmap writes the kernel's file"
assert_eq "0 $nobody 1" "$(map_of "$subj" uid_map)" "kernel: uid_map written by uidmap"
nslab_send_ok "setgroups deny"
assert_eq deny "$(cat "/proc/$subj/setgroups")" "kernel: setgroups deny"
nslab_send_ok "gidmap self 0 $nobody 1"
assert_eq "0 $nobody 1" "$(map_of "$subj" gid_map)" "kernel: gid_map written by gidmap"
nslab_send_ok "id"
assert_eq 0 "$(jv result.uid.inside)" "root inside after the maps"
assert_eq 0 "$(jv result.gid.inside)" "gid 0 inside after the maps"

# --- bad input --------------------------------------------------------------------
for bad in "uidmap" "uidmap 0 1" "uidmap 0 x 1" "uidmap 0 0 0" "uidmap -1 0 1" "uidmap 0 0 1 2 3" \
    "gidmap 0 4294967295 1" "setgroups" "setgroups maybe" "id self self" "uidmap nosuch 0 0 1"; do
    nslab_send "$bad"
    assert_eq false "$(jv ok)" "'$bad' must fail"
    assert_eq EINVAL "$(jv errno)" "'$bad' errno"
done
dead=$(sh -c 'echo $$')
nslab_send "id $dead"
assert_eq ESRCH "$(jv errno)" "id of a PID that does not exist"
nslab_stop

# --- labs/user.lab as nobody ----------------------------------------------------------
"${as_nobody[@]}" "$bin" "$tmpdir/user.lab" >"$tmpdir/lab.out" 2>&1 ||
    fail "labs/user.lab as nobody failed: $(tail -n 15 "$tmpdir/lab.out")"
grep -q "✗" "$tmpdir/lab.out" && fail "labs/user.lab as nobody: an expect did not hold"

# --- as root: a mapping only a privileged writer may make ---------------------------
nslab_session "$bin" -J -k
nslab_send_ok "unshare user --no-map"
subj=$(jv subject.pid)
nslab_send_ok "uidmap 0 100000 65536"
assert_eq "0 100000 65536" "$(map_of "$subj" uid_map)" "kernel: a 65536-ID map written as root"
nslab_send_ok "id"
# The subject is still uid 0 outside, which the map does not cover.
assert_eq false "$(jv result.uid.mapped)" "root outside is not in the map"
assert_contains "$(jv output)" "overflow" "id says the uid is the overflow ID"
nslab_stop
exit 0

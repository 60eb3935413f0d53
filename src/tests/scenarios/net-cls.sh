#!/usr/bin/env bash
# net_cls against the kernel: `cgcreate net_cls` (through a hierarchy nslab
# mounts nowhere when no mount shows net_cls, as here), `cgset N classid
# 0x100001` read back from net_cls.classid, and an nft rule `meta cgroup
# 0x100001 counter` in the session's own network namespace that counts the
# packets of a job of the cgroup (3 pings) and not those of the subject
# outside it (2 pings): the kernel's own counter, read with nft -j. A class
# ID out of range: one line, the file unchanged. After exit the hierarchy
# is released (it would otherwise keep net_cls bound).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nft >/dev/null || skip "needs nft"
grep -q '^net_cls' /proc/cgroups || skip "no net_cls in this kernel"

hier_of_net_cls() { awk '$1 == "net_cls" { print $2 }' /proc/cgroups; }

nslab_start -k
nslab_send_ok "cgcreate net_cls --name web"
dir=$(jv result.path)
[ -d "$dir" ] || fail "$dir is not a directory"
assert_eq 1 "$(jv result.version)" "net_cls is a v1 controller"
hier=$(hier_of_net_cls)
[ "$hier" != 0 ] || fail "/proc/cgroups binds net_cls to no hierarchy while the session has one"

nslab_send_ok "cgset web classid 0x100001"
assert_eq 1048577 "$(cat "$dir/net_cls.classid")" "the kernel's net_cls.classid"
nslab_send_ok "cgget web classid"
assert_eq 0x100001 "$(jv result.files.classid)" "cgget web classid"

nslab_send_fails "cgset web classid 0x100000000"
assert_eq 1 "$(printf '%s\n' "${J[error]}" | wc -l)" "lines of the error"
assert_contains "${J[error]}" "out of range" "the error"
assert_eq 1048577 "$(cat "$dir/net_cls.classid")" "net_cls.classid after a refused value"

# the session's own network namespace, with the counting rule
nslab_send_ok "unshare net"
subj=$(jv subject.pid)
in_net() { nsenter --net="/proc/$subj/ns/net" "$@"; }
[ "$(readlink "/proc/$subj/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
    fail "the subject is still in the host's network namespace"
in_net ip link set lo up
in_net nft add table inet nslabtest
in_net nft add chain inet nslabtest out '{ type filter hook output priority 0; }'
in_net nft add rule inet nslabtest out meta cgroup 0x100001 counter

nslab_send_ok "cgexec web sh -c 'ping -c 3 -q 127.0.0.1 >/dev/null'"
job=$(jv result.job)
nslab_send_ok "wait %$job"
nslab_send_ok "!sh -c 'ping -c 2 -q 127.0.0.1 >/dev/null'"
packets=$(in_net nft -j list chain inet nslabtest out | python3 -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    for e in o.get("rule", {}).get("expr", []):
        if "counter" in e:
            print(e["counter"]["packets"])')
assert_eq 3 "$packets" "packets counted by meta cgroup 0x100001 (3 from the job, none of the subject's 2)"

nslab_stop
for _ in $(seq 50); do
    [ "$(hier_of_net_cls)" != "$hier" ] && break
    sleep 0.1
done
[ "$(hier_of_net_cls)" != "$hier" ] || fail "the net_cls hierarchy $hier outlived the session"
exit 0

#!/usr/bin/env bash
# Network namespaces, compared with iproute2: `veth`, `link up` and `addr add`
# make what `ip -j link` / `ip -j addr` run inside the namespaces (nsenter -n)
# then show, and `link [TARGET]` lists exactly those devices; refusals are
# explained; what the session made in the host's network namespace (veths,
# an address and an `up` on a device it did not make) is undone at exit, also
# on SIGTERM. No packet is sent: no address is ever reachable from the host.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v ip >/dev/null || skip "needs ip (iproute2)"
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"

# "IFINDEX NAME MAC MTU UP|DOWN IPV4..." per device, sorted: from nslab's
# result or from ip -j addr. IPv6 addresses are left out: the kernel adds
# link-local ones on its own schedule.
nslab_links()
{
    python3 -c '
import json, sys
out = []
for d in json.loads(sys.argv[1])["result"]["links"]:
    v4 = sorted("%s/%d" % (a["local"], a["prefixlen"]) for a in d["addr_info"] if a["family"] == "inet")
    up = "UP" if "UP" in d["flags"].split(",") else "DOWN"
    out.append(" ".join([str(d["ifindex"]), d["ifname"], d["address"], str(d["mtu"]), up] + v4))
print("\n".join(sorted(out)))' "$reply"
}

ip_links()
{
    python3 -c '
import json, sys
out = []
for d in json.loads(sys.argv[1]):
    v4 = sorted("%s/%d" % (a["local"], a["prefixlen"]) for a in d.get("addr_info", []) if a["family"] == "inet")
    up = "UP" if "UP" in d["flags"] else "DOWN"
    out.append(" ".join([str(d["ifindex"]), d["ifname"], d["address"], str(d["mtu"]), up] + v4))
print("\n".join(sorted(out)))' "$1"
}

same_as_ip()
{
    local pid=$1 what=$2 want got
    want=$(ip_links "$(nsenter -t "$pid" -n ip -j addr)")
    got=$(nslab_links)
    [ "$want" = "$got" ] || fail "$what differs from ip -j addr inside:
nslab:
$got
ip:
$want"
}

in_host() { ip -j link show "$1" >/dev/null 2>&1; }

# Names of this run (at most 15 bytes), so parallel tests cannot collide.
tag=$(printf '%04x' $(($$ % 65536)))
ha=n6a$tag hb=n6b$tag qa=n6q$tag qb=n6p$tag pa=n6c$tag pb=n6d$tag tx=n6t$tag ty=n6u$tag sa=n6s$tag sb=n6r$tag
del_link() { ip link del "$1" 2>/dev/null || true; }
on_exit del_link "$tx"
on_exit del_link "$sa"
on_exit del_link "$qa"

nslab_start -k

# --- two namespaces and a veth between them ------------------------------------------
nslab_send_ok "unshare net"
subj=$(jv subject.pid)
nslab_veth_pair v0 v1
job=$veth_job
assert_eq RTM_NEWLINK "$(jv trace.0.call)" "veth traces its netlink request"
assert_contains "$(jv trace.0.args)" "veth name=v0 peer=v1 netns_fd=" "the request, readably"
assert_contains "$(jv trace.0.args)" "/proc/$job/ns/net" "the peer's namespace in the trace"
assert_eq "$(nsenter -t "$subj" -n ip -j link show v0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])')" \
    "$(jv result.ifindex)" "kernel: v0 in the subject's namespace"
nsenter -t "$job" -n ip link show v1 >/dev/null 2>&1 || fail "kernel: v1 is not in the job's namespace"
nsenter -t "$subj" -n ip link show v1 >/dev/null 2>&1 && fail "kernel: v1 is in the subject's namespace"
nslab_send_ok "addr add 10.200.0.1/24 dev v0"
assert_eq "10.200.0.1/24 dev v0" "$(jv trace.0.args)" "RTM_NEWADDR in the trace"
nslab_send_ok "link up v0"
nslab_send_ok "link"
same_as_ip "$subj" "link"
assert_eq veth "$(python3 -c 'import json,sys; print([d for d in json.loads(sys.argv[1])["result"]["links"] if d["ifname"] == "v0"][0]["kind"])' "$reply")" \
    "link: v0 is a veth"
nslab_send_ok "link %1"
assert_eq fork "$(jv trace.0.call)" "link %1 forks a helper"
same_as_ip "$job" "link %1"
nslab_send_ok "link host"
same_as_ip "$nslab_pid" "link host"

# --- refusals and bad input ------------------------------------------------------------
nslab_send_fails "addr add 10.200.0.1/24 dev v0" EEXIST
assert_eq "RTM_NEWADDR" "$(jv trace.0.call)" "the refused request is traced"
nslab_send_fails "link up nosuch" ENODEV
assert_contains "$(jv error)" "no device nosuch" "ENODEV explained"
nslab_send_fails "addr add 10.200.0.3/24 dev nosuch" ENODEV
nslab_send_fails "veth v0 x" EEXIST
nsenter -t "$subj" -n ip link show x >/dev/null 2>&1 && fail "a refused veth left its peer behind"
for bad in "veth" "veth a" "veth a a" "veth a b c" "veth a234567890123456 b" "veth a/b c" \
    "veth a b --peer-ns" "veth a b --peer" "link up" "link a b" "addr" "addr add 10.0.0.1 dev v0" \
    "addr add 10.0.0.1/24 v0" "addr add 10.0.0.1/33 dev v0" "addr del 10.0.0.1/24 dev v0"; do
    nslab_send "$bad"
    assert_eq false "$(jv ok)" "'$bad' must fail"
    assert_eq EINVAL "$(jv errno)" "'$bad' errno"
done

# --- the host's network namespace: undone at exit ---------------------------------------
nslab_send_ok "veth $pa $pb --peer-ns host"
in_host "$pb" || fail "kernel: the peer is not in the host's namespace"
in_host "$pa" && fail "kernel: $pa should be in the subject's namespace"
nslab_send_ok "setns net host"
nslab_send_ok "veth $ha $hb"
in_host "$ha" && in_host "$hb" || fail "kernel: the veth pair is not in the host's namespace"
# A pair the test made itself, its far end in a namespace of the test: nslab
# brings the host end up and gives it an address; both are undone at exit.
nslab_bg unshare --net sleep 300
sleep 0.2
ip link add "$tx" type veth peer name "$ty" netns "$bg_pid"
nslab_send_ok "link up $tx"
# A pair from the host to the test's namespace, which outlives the session:
# the host end must be deleted by nslab, not by a namespace ending.
nslab_send_ok "veth $qa $qb --peer-ns $bg_pid"
in_host "$qa" || fail "kernel: $qa is not in the host's namespace"
nslab_send_ok "addr add 10.200.9.1/30 dev $tx"
ip -j addr show "$tx" | grep -q '"local":"10.200.9.1"' || fail "kernel: the address is not on $tx"
ip -j link show "$tx" | grep -q '"UP"' || fail "kernel: $tx is not up"
nslab_stop
assert_eq 1 "$nslab_status" "exit status (-k: the refused steps)"
for d in "$ha" "$hb" "$pb" "$qa"; do
    in_host "$d" && fail "the session's veth $d is left in the host's namespace after exit"
done
in_host "$tx" || fail "nslab deleted $tx, which it did not make"
ip -j addr show "$tx" | grep -q '10.200.9.1' && fail "the session's address on $tx is left after exit"
ip -j link show "$tx" | python3 -c 'import json,sys; sys.exit("UP" in json.load(sys.stdin)[0]["flags"])' ||
    fail "$tx is still up after exit"
ip link del "$tx"

# --- SIGTERM still cleans up --------------------------------------------------------------
nslab_start -k
nslab_send_ok "veth $sa $sb"
in_host "$sa" || fail "kernel: $sa is not in the host's namespace"
nslab_kill TERM
in_host "$sa" && fail "SIGTERM left the session's veth $sa in the host's namespace"
exit 0

#!/usr/bin/env bash
# Bridges for containers, checked with iproute2 from inside the session's
# namespaces (nsenter -n via /proc/PID/ns/net):
#  1. `bridge NAME` makes a device of kind bridge in the subject's network
#     namespace; `link master DEV BRIDGE` makes DEV its port (ip -j: master
#     = the bridge), `link nomaster` takes it out; `bridge` and `link` list
#     what ip lists.
#  2. Two "containers" (jobs, each in a network namespace of its own made
#     by the session) with veths whose peers are ports of one bridge ping
#     each other and the bridge's address (ping run by the test, in their
#     namespaces).
#  3. Bad input: a name too long, a name taken, a missing device, a bridge
#     that is not one: one line, nothing changed (ip -j link in the namespace reads the same); in the host's
#     network namespace (and one entered with setns that the session did
#     not make) bridge and link master are refused, and the host's devices
#     stay as they were.
#  4. Nothing is left after the session ends: at the end of its input, on
#     SIGTERM and on SIGHUP, no network namespace of the session (nor its
#     bridge) remains.
# All addresses are 10.203.x.y between namespaces this test's sessions made.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v ip >/dev/null || skip "needs ip (iproute2)"
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"
command -v ping >/dev/null || skip "needs ping (iputils-ping)"

tag=$(printf '%04x' $(($$ % 65536)))
br=nb$tag ha=ha$tag hb=hb$tag ea=ea$tag eb=eb$tag

# links PID: "NAME KIND MASTER" per device of PID's network namespace, sorted.
links()
{
    nsenter -t "$1" -n ip -j -d link show | python3 -c '
import json, sys
out = []
for d in json.load(sys.stdin):
    kind = d.get("linkinfo", {}).get("info_kind", "-")
    out.append("%s %s %s" % (d["ifname"], kind, d.get("master", "-")))
print("\n".join(sorted(out)))'
}

# host_links: this run's device names found in the host's network namespace
# (other tests may add and remove theirs meanwhile), and lo's master.
host_links()
{
    ip -j link show | python3 -c '
import json, sys
mine = set(sys.argv[1:])
print(" ".join(sorted(d["ifname"] for d in json.load(sys.stdin) if d["ifname"] in mine or d.get("master") in mine)))' \
        "$br" "$ha" "$hb" "$ea" "$eb"
}

net_ino() { stat -L -c %i "/proc/$1/ns/net"; }

# gone INODE...: no process of the machine is in one of these network
# namespaces with a device named $br (a namespace that ended may lend its
# inode to a new one: the name, unique to this run, tells them apart).
gone()
{
    local p ino want
    for p in /proc/[0-9]*; do
        ino=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
        for want in "$@"; do
            [ "$ino" = "$want" ] || continue
            nsenter -t "${p#/proc/}" -n ip link show "$br" >/dev/null 2>&1 &&
                fail "namespace $want with $br is still alive (pid ${p#/proc/}) after the session"
        done
    done
    return 0
}

one_line() { [[ $1 != *$'\n'* && -n $1 ]] || fail "$2: not one line: '$1'"; }

host_before=$(host_links)

# --- 3a. the host's network namespace: refused ---------------------------------
nslab_start -k
nslab_send_fails "bridge $br"
assert_contains "$(jv error)" "refusing to create a bridge" "bridge in the host's namespace is refused"
one_line "$(jv error)" "the refusal"
ip link show "$br" >/dev/null 2>&1 && fail "bridge made $br in the host's network namespace"
nslab_send_fails "link master lo $br"
assert_contains "$(jv error)" "refusing to make a device a bridge's port" "link master in the host's namespace"
nslab_send_fails "link nomaster lo"
assert_contains "$(jv error)" "refusing" "link nomaster in the host's namespace"
assert_eq "$host_before" "$(host_links)" "the host's devices after the refusals"

# --- 1. a bridge and its ports ---------------------------------------------------
nslab_send_ok "unshare net"
subj=$(jv subject.pid)
nslab_send_ok "spawn sleep 300" # %1 keeps the bridge's namespace while the subject visits others
nslab_send_ok "bridge $br"
assert_eq RTM_NEWLINK "$(jv trace.0.call)" "bridge traces its netlink request"
assert_eq "bridge name=$br" "$(jv trace.0.args)" "the request, readably"
assert_contains "$(links "$subj")" "$br bridge -" "kernel: $br is a bridge in the subject's namespace"
assert_eq "$(nsenter -t "$subj" -n ip -j link show "$br" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])')" \
    "$(jv result.ifindex)" "the bridge's ifindex"
nslab_send_ok "spawn --ns net sleep 300"
ca=$(jv result.pid)
nslab_send_ok "spawn --ns net sleep 300"
cb=$(jv result.pid)
nslab_send_ok "veth $ha $ea --peer-ns %2"
nslab_send_ok "veth $hb $eb --peer-ns %3"
nslab_send_ok "link master $ha $br"
assert_contains "$(jv trace.0.args)" "master=" "link master traces IFLA_MASTER"
assert_eq "$br" "$(jv result.master)" "link master's result"
nslab_send_ok "link master $hb $br"
got=$(links "$subj")
assert_contains "$got" "$ha veth $br" "kernel: $ha's master is $br"
assert_contains "$got" "$hb veth $br" "kernel: $hb's master is $br"
nslab_send_ok "bridge"
assert_eq "$br" "$(jv result.0.name)" "bridge lists $br"
assert_eq "$ha $hb" "$(jv result.0.ports.0) $(jv result.0.ports.1)" "bridge lists its ports"
nslab_send_ok "link"
want=$(nsenter -t "$subj" -n ip -j link show | python3 -c 'import json,sys; print(" ".join(sorted("%s:%s" % (d["ifname"], d.get("master", "-")) for d in json.load(sys.stdin))))')
mine=$(python3 -c 'import json,sys; print(" ".join(sorted("%s:%s" % (d["ifname"], d.get("master", "-")) for d in json.loads(sys.argv[1])["result"]["links"])))' "$reply")
assert_eq "$want" "$mine" "link shows each device's master as ip does"
# nomaster, and back
nslab_send_ok "link nomaster $hb"
assert_contains "$(links "$subj")" "$hb veth -" "kernel: $hb has no master after nomaster"
nslab_send_ok "link master $hb $br"

# --- 3b. bad input in the session's namespace: nothing changed -------------------
before=$(links "$subj")
nslab_send_fails "bridge a234567890123456"
one_line "$(jv error)" "a name too long"
assert_contains "$(jv error)" "1 to 15 bytes" "a name too long says the limit"
nslab_send_fails "bridge $br" EEXIST
one_line "$(jv error)" "an existing name"
assert_contains "$(jv error)" "already exists" "an existing name says so"
nslab_send_fails "link master nope$tag $br" ENODEV
one_line "$(jv error)" "a missing device"
assert_contains "$(jv error)" "there is no device nope$tag" "a missing device is named"
nslab_send_fails "link master $ha nobr$tag" ENODEV
assert_contains "$(jv error)" "there is no bridge nobr$tag" "a missing bridge is named"
nslab_send_fails "link master $ha $hb"
one_line "$(jv error)" "a non-bridge"
assert_contains "$(jv error)" "$hb is not a bridge (its kind: veth)" "a master that is not a bridge"
nslab_send_fails "link master $ha"
assert_contains "$(jv error)" "usage: link master DEV BRIDGE" "link master without a bridge"
assert_eq "$before" "$(links "$subj")" "the namespace's devices after the bad input"

# --- 2. two containers ping each other over the bridge ---------------------------
nslab_send_ok "addr add 10.203.0.1/24 dev $br"
for d in "$br" "$ha" "$hb"; do nslab_send_ok "link up $d"; done
nslab_send_ok "setns net %2"
nslab_send_ok "addr add 10.203.0.11/24 dev $ea"
nslab_send_ok "link up $ea"
nslab_send_ok "setns net %3"
nslab_send_ok "addr add 10.203.0.12/24 dev $eb"
nslab_send_ok "link up $eb"
nslab_send_ok "!env LC_ALL=C ping -c 1 -W 2 10.203.0.11"
nsenter -t "$ca" -n ping -c 1 -W 2 10.203.0.12 >/dev/null || fail "container a cannot ping container b over $br"
nsenter -t "$cb" -n ping -c 1 -W 2 10.203.0.11 >/dev/null || fail "container b cannot ping container a over $br"
nsenter -t "$ca" -n ping -c 1 -W 2 10.203.0.1 >/dev/null || fail "container a cannot ping the bridge's address"
nsenter -t "$cb" -n ping -c 1 -W 2 10.203.0.1 >/dev/null || fail "container b cannot ping the bridge's address"
# and the path is the bridge: without $hb as its port, b is cut off.
nslab_send_ok "setns net %1"
nslab_send_ok "link nomaster $hb"
nsenter -t "$ca" -n ping -c 1 -W 1 10.203.0.12 >/dev/null 2>&1 && fail "container a still reaches b with $hb out of the bridge"
nslab_send_ok "link master $hb $br"
inos="$(net_ino "$subj") $(net_ino "$ca") $(net_ino "$cb")"
nslab_stop
assert_eq 1 "$nslab_status" "exit status (-k: the refused steps)"
# shellcheck disable=SC2086
gone $inos
assert_eq "$host_before" "$(host_links)" "the host's devices after the session"

# --- 4. SIGTERM and SIGHUP -------------------------------------------------------
for sig in TERM HUP; do
    nslab_start -k
    nslab_send_ok "unshare net"
    subj=$(jv subject.pid)
    nslab_send_ok "bridge $br"
    nslab_send_ok "spawn --ns net sleep 300"
    ca=$(jv result.pid)
    nslab_send_ok "veth $ha $ea --peer-ns %1"
    nslab_send_ok "link master $ha $br"
    inos="$(net_ino "$subj") $(net_ino "$ca")"
    nslab_kill "$sig"
    # shellcheck disable=SC2086
    gone $inos
done
assert_eq "$host_before" "$(host_links)" "the host's devices after SIGTERM and SIGHUP"
echo "bridge: a bridge with two containers' veths as ports, pings across it, refusals, nothing left"

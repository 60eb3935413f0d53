#!/usr/bin/env bash
# `link up` returns once the kernel reports the device and its veth peer
# operational (LOWER_UP and operstate UP, read with ip -j from inside each
# namespace right after the step), and says so; a device whose peer is
# still down says it has no carrier, at once. The ping of net.lab right
# after `link up` then finds both queues active. Ten rounds, each with a
# fresh pair of namespaces made by the session.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v ip >/dev/null || skip "needs ip (iproute2)"
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"

# oper PID DEV: "operstate flags..." of DEV in PID's network namespace.
oper()
{
    nsenter -t "$1" -n ip -j link show "$2" |
        python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; print(d["operstate"], ",".join(d["flags"]))'
}

for round in $(seq 10); do
    nslab_start -q
    nslab_send_ok "spawn --ns net sleep 300"
    a=$(jv result.pid)
    nslab_send_ok "setns net %1"
    nslab_veth_pair lu0 lu1
    b=$veth_job
    nslab_send_ok "link up lu0"
    assert_eq false "$(jv result.operational)" "round $round: lu0 with its peer down is not operational"
    assert_contains "$(jv output)" "no carrier" "round $round: link up lu0 says why"
    nslab_send_ok "setns net %2"
    nslab_send_ok "link up lu1"
    # Right after the step, the kernel's view from inside each namespace.
    sb=$(oper "$b" lu1)
    sa=$(oper "$a" lu0)
    assert_eq true "$(jv result.operational)" "round $round: link up lu1 reports operational ($sb)"
    assert_contains "$(jv output)" "operational" "round $round: link up lu1 says so"
    [[ $sb == "UP "*LOWER_UP* ]] || fail "round $round: right after link up, lu1 reads '$sb'"
    [[ $sa == "UP "*LOWER_UP* ]] || fail "round $round: right after link up, its peer lu0 reads '$sa'"
    nslab_stop
done
echo "link-up: 10 rounds, link up returned with both ends operational"

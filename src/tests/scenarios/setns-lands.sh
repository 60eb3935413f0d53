#!/usr/bin/env bash
# setns lands in exactly the target's namespaces: after `spawn --ns` of all
# eight types, `setns all %1` gives the subject the child's inodes (for pid
# and time: pid_for_children / time_for_children are the child's pid /
# time), as readlink /proc/*/ns shows them; `setns TYPE %N` for one type
# moves that one entry and nothing else.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

alltypes=uts,ipc,net,mnt,pid,cgroup,time,user

# compare_json_kernel WHAT: every entry of the step's subject.ns (in J) is
# what /proc/SUBJECT/ns shows.
compare_json_kernel()
{
    local subj name
    subj=$(jv subject.pid)
    for name in $ns_entries; do
        assert_eq "$(kernel_ino "$subj" "$name")" "$(jv "subject.ns.$name.inode")" \
            "$1: subject.ns.$name.inode against /proc/$subj/ns/$name"
    done
}

# spawn_all: spawn a sleeper in new namespaces of every type; sets child
# (host PID) and job (%N), and checks the kernel put it in eight new ones.
spawn_all()
{
    local t
    nslab_send_ok "spawn --ns $alltypes sleep"
    child=$(jv result.pid)
    job=$(jv result.job)
    assert_eq 1 "$(jv result.ns_pid)" "the child is PID 1 of its new PID namespace"
    for t in $ns_types; do
        [ "$(kernel_ino "$child" "$t")" != "$(kernel_ino "$nslab_pid" "$t")" ] ||
            fail "spawn --ns $alltypes: the child $child is in the host's $t namespace"
    done
}

# The entry of the subject that setns TYPE changes: for pid, only
# pid_for_children; for time, time_for_children (and, as the kernel does
# for setns, time itself).
landing_entry()
{
    case $1 in
    pid) echo pid_for_children ;;
    time) echo time_for_children ;;
    *) echo "$1" ;;
    esac
}

nslab_start

# --- setns all ---------------------------------------------------------
spawn_all
nslab_send_ok "setns all %$job"
subj=$(jv subject.pid)
compare_json_kernel "setns all"
for t in $ns_types; do
    want=$(kernel_ino "$child" "$t")
    got=$(kernel_ino "$subj" "$(landing_entry "$t")")
    assert_eq "$want" "$got" "setns all: the subject's $(landing_entry "$t") is the child's $t"
done
# A process never changes its own PID namespace.
assert_eq "$(kernel_ino "$nslab_pid" pid)" "$(kernel_ino "$subj" pid)" "setns all: the subject's own pid"
# Eight setns calls, user first as nsenter does, each on the child's link.
assert_eq 8 "$(jv trace.#)" "setns all: number of trace entries"
i=0
for t in user cgroup ipc uts net pid mnt time; do
    assert_eq setns "$(jv trace.$i.call)" "setns all: trace entry $i"
    assert_contains "$(jv trace.$i.args)" "/proc/$child/ns/$t," "setns all: trace entry $i"
    assert_eq 0 "$(jv trace.$i.ret)" "setns all: return of trace entry $i"
    i=$((i + 1))
done
# What the step says agrees with the kernel: time moved the subject itself.
if [ "$(kernel_ino "$subj" time)" != "$(kernel_ino "$nslab_pid" time)" ]; then
    [[ $(jv output) != *"only time_for_children"* ]] ||
        fail "setns all says only time_for_children changed, but /proc/$subj/ns/time changed too"
fi

# The next child of the subject is born in all of the child's namespaces:
# PID 2 of its PID namespace.
nslab_send_ok "spawn sleep"
second=$(jv result.pid)
assert_eq 2 "$(jv result.ns_pid)" "a child spawned after setns all, inside the first one's pid ns"
for t in $ns_types; do
    assert_eq "$(kernel_ino "$child" "$t")" "$(kernel_ino "$second" "$t")" \
        "a child spawned after setns all: its $t namespace"
done

# Nothing left to enter: setns all again makes no call.
nslab_send_ok "setns all %$job"
assert_eq 0 "$(jv trace.#)" "setns all into namespaces the subject has: trace"

# --- one type at a time --------------------------------------------------
for t in $ns_types; do
    nslab_send_ok "reset"
    spawn_all
    nslab_send_ok "setns $t %$job"
    subj=$(jv subject.pid)
    compare_json_kernel "setns $t"
    entry=$(landing_entry "$t")
    assert_eq "$(kernel_ino "$child" "$t")" "$(kernel_ino "$subj" "$entry")" \
        "setns $t: the subject's $entry is the child's $t"
    assert_eq 1 "$(jv trace.#)" "setns $t: one call"
    assert_eq "setns" "$(jv trace.0.call)" "setns $t: the call"
    assert_contains "$(jv trace.0.args)" "/proc/$child/ns/$t," "setns $t: the link it opened"
    assert_eq true "$(jv "subject.ns.$entry.changed")" "setns $t: $entry marked changed"
    for name in $ns_entries; do
        [ "$name" = "$entry" ] && continue
        # The kernel moves the caller's own time namespace on setns.
        [ "$t" = time ] && [ "$name" = time ] && continue
        assert_eq "$(kernel_ino "$nslab_pid" "$name")" "$(kernel_ino "$subj" "$name")" \
            "setns $t: the subject's $name is still the host's"
        assert_eq false "$(jv "subject.ns.$name.changed")" "setns $t: $name marked changed"
    done
    if [ "$t" = time ]; then
        [[ $(jv output) != *"only time_for_children"* ]] ||
            fail "setns time says only time_for_children changed, but the kernel moved the subject's time namespace too"
    fi
done

# Back to the host's namespaces, one by one, where setns can.
nslab_send_ok "reset"
spawn_all
nslab_send_ok "setns net %$job"
nslab_send_ok "setns net host"
compare_json_kernel "setns net host"
assert_eq "$(kernel_ino "$nslab_pid" net)" "$(jv subject.ns.net.inode)" "setns net host: back in the host's"

nslab_stop
assert_eq 0 "$nslab_status" "nslab's exit status"

#!/usr/bin/env bash
# ls-ns TARGET answers with the kernel's view of that process: result.target
# is its host PID and result.namespaces[] gives, for each of the ten
# /proc/PID/ns entries, the inode readlink shows and the host's (nslab's
# own) inode. Targets: self, host, %N, a numeric PID.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

# check_ls_ns WORD PID: the step in J is `ls-ns WORD` and describes PID.
check_ls_ns()
{
    local word=$1 pid=$2 i=0 name
    assert_eq "$pid" "$(jv result.target)" "ls-ns $word: result.target"
    assert_eq 10 "$(jv result.namespaces.#)" "ls-ns $word: number of namespaces"
    for name in $ns_entries; do
        assert_eq "$name" "$(jv "result.namespaces.$i.type")" "ls-ns $word: entry $i"
        local want
        want=$(kernel_ino "$pid" "$name")
        [ "$want" = none ] && want=null
        assert_eq "$want" "$(jv "result.namespaces.$i.inode")" "ls-ns $word: $name inode (/proc/$pid/ns/$name)"
        assert_eq "$(kernel_ino "$nslab_pid" "$name")" "$(jv "result.namespaces.$i.host_inode")" \
            "ls-ns $word: $name host_inode (/proc/$nslab_pid/ns/$name)"
        i=$((i + 1))
    done
}

# -k: the failing steps at the end must not end the session.
nslab_start -k

# The subject in namespaces of its own, so self and host differ.
nslab_send_ok "unshare uts ipc net"
subj=$(jv subject.pid)
nslab_send_ok "ls-ns self"
check_ls_ns self "$subj"
nslab_send_ok "ls-ns"
check_ls_ns "(no target)" "$subj"
[ "$(jv result.namespaces.9.inode)" != "$(jv result.namespaces.9.host_inode)" ] ||
    fail "ls-ns self after unshare uts: uts is the host's"

nslab_send_ok "ls-ns host"
check_ls_ns host "$nslab_pid"

# A job in new namespaces of every type, by job number and by PID.
nslab_send_ok "spawn --ns uts,ipc,net,mnt,pid,cgroup,time,user sleep"
child=$(jv result.pid)
job=$(jv result.job)
nslab_send_ok "ls-ns %$job"
check_ls_ns "%$job" "$child"
for i in 0 1 2 3 4 6 8 9; do
    [ "$(jv result.namespaces.$i.inode)" != "$(jv result.namespaces.$i.host_inode)" ] ||
        fail "ls-ns %$job: $(jv result.namespaces.$i.type) is the host's"
done
nslab_send_ok "ls-ns $child"
check_ls_ns "$child" "$child"

# Any process of the host, e.g. this test.
nslab_send_ok "ls-ns $$"
check_ls_ns "$$" "$$"

# A PID namespace without a process yet: the subject's pid_for_children
# cannot be read, and ls-ns says so rather than inventing an inode.
nslab_send_ok "unshare pid"
nslab_send_ok "ls-ns self"
check_ls_ns "self after unshare pid" "$subj"
assert_eq null "$(jv result.namespaces.5.inode)" "ls-ns self after unshare pid: pid_for_children"

# Bad targets fail with the errno, and the session goes on.
# PID_MAX_LIMIT itself is never a PID (PIDs stay below pid_max <= it).
nslab_send "ls-ns 4194304"
assert_eq false "$(jv ok)" "ls-ns of a missing PID"
assert_eq ESRCH "$(jv errno)" "ls-ns of a missing PID: errno"
nslab_send "ls-ns %99"
assert_eq false "$(jv ok)" "ls-ns of a missing job"
assert_eq ESRCH "$(jv errno)" "ls-ns of a missing job: errno"
nslab_send "ls-ns nobody"
assert_eq false "$(jv ok)" "ls-ns of a bad word"
assert_eq EINVAL "$(jv errno)" "ls-ns of a bad word: errno"
nslab_send_ok "ls-ns host"
check_ls_ns "host after errors" "$nslab_pid"

nslab_stop
assert_eq 1 "$nslab_status" "nslab's exit status after failed steps"

#!/usr/bin/env bash
# The namespace table nslab prints (-J subject.ns) is the kernel's: after
# `unshare TYPE` for each of the eight types, every one of the ten entries
# equals readlink /proc/SUBJECT/ns/ENTRY, read while the session is alive,
# and the host column equals /proc/NSLAB/ns/ENTRY. pid_for_children is
# pending until the first spawn, then is the child's PID namespace.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

nslab_start

# check_table WHAT CHANGED...: the step in $reply against the kernel. Every
# entry's inode is the subject's, every host inode nslab's own; "differs"
# is exactly inode != host; "changed" is set for the entries named.
check_table()
{
    local what=$1
    shift
    local subj name ino host kino khost want_changed n=0 k
    subj=$(jv subject.pid)
    [ "$subj" != "$nslab_pid" ] || fail "$what: the subject is nslab itself ($subj)"
    for k in "${!J[@]}"; do
        [[ $k == subject.ns.*.inode ]] && n=$((n + 1))
    done
    assert_eq 10 "$n" "$what: number of entries in subject.ns"
    for name in $ns_entries; do
        ino=$(jv "subject.ns.$name.inode")
        host=$(jv "subject.ns.$name.host")
        kino=$(kernel_ino "$subj" "$name")
        khost=$(kernel_ino "$nslab_pid" "$name")
        assert_eq "$khost" "$host" "$what: host inode of $name (/proc/$nslab_pid/ns/$name)"
        if [ "$kino" = none ]; then
            assert_eq null "$ino" "$what: $name is unreadable in /proc/$subj/ns, but nslab shows"
        else
            assert_eq "$kino" "$ino" "$what: inode of $name (/proc/$subj/ns/$name)"
        fi
        if [ "$ino" = "$host" ]; then
            assert_eq false "$(jv "subject.ns.$name.differs")" "$what: $name is the host's but marked differs"
        else
            assert_eq true "$(jv "subject.ns.$name.differs")" "$what: $name is not the host's but not marked differs"
        fi
        want_changed=false
        [[ " $* " == *" $name "* ]] && want_changed=true
        assert_eq "$want_changed" "$(jv "subject.ns.$name.changed")" "$what: 'changed' of $name"
        if [ "$name" = pid_for_children ] && [ "$ino" = null ]; then
            assert_eq true "$(jv "subject.ns.$name.pending")" "$what: unreadable pid_for_children is not marked pending"
            assert_eq ENOENT "$(jv "subject.ns.$name.errno")" "$what: errno of the pending pid_for_children"
        else
            assert_eq false "${J[subject.ns.$name.pending]-false}" "$what: $name marked pending"
        fi
    done
}

# The fresh subject: all ten entries the host's.
nslab_send_ok "show"
check_table "start"
for name in $ns_entries; do
    assert_eq "$(kernel_ino "$$" "$name")" "$(kernel_ino "$nslab_pid" "$name")" \
        "nslab runs in the test's $name namespace"
done

for type in $ns_types; do
    nslab_send_ok "unshare $type"
    subj=$(jv subject.pid)
    case $type in
    pid)
        # The subject stays; pid_for_children has no process to show yet.
        check_table "unshare pid" pid_for_children
        assert_eq none "$(kernel_ino "$subj" pid_for_children)" "kernel: pid_for_children after unshare pid"
        assert_eq "$(kernel_ino "$nslab_pid" pid)" "$(kernel_ino "$subj" pid)" "kernel: subject's own pid ns"
        nslab_send_ok "spawn sleep"
        child=$(jv result.pid)
        assert_eq 1 "$(jv result.ns_pid)" "the first child is PID 1 of the new namespace"
        check_table "spawn after unshare pid" pid_for_children
        newpid=$(kernel_ino "$child" pid)
        assert_eq "$newpid" "$(jv subject.ns.pid_for_children.inode)" \
            "pid_for_children is the child's pid namespace (/proc/$child/ns/pid)"
        [ "$newpid" != "$(kernel_ino "$nslab_pid" pid)" ] || fail "the child is in the host's pid namespace"
        assert_eq "1" "$(awk '/^NSpid:/ { print $NF }' "/proc/$child/status")" "NSpid of the child, inside"
        ;;
    time)
        # Like pid: only time_for_children, but it reads at once.
        check_table "unshare time" time_for_children
        [ "$(kernel_ino "$subj" time_for_children)" != "$(kernel_ino "$nslab_pid" time)" ] ||
            fail "kernel: unshare time did not make a time namespace"
        assert_eq "$(kernel_ino "$nslab_pid" time)" "$(kernel_ino "$subj" time)" "kernel: subject's own time ns"
        ;;
    *)
        check_table "unshare $type" "$type"
        [ "$(kernel_ino "$subj" "$type")" != "$(kernel_ino "$nslab_pid" "$type")" ] ||
            fail "kernel: unshare $type left the subject in the host's $type namespace"
        ;;
    esac
    if [ "$type" = user ]; then
        # Mapped as unshare -r does: root inside is root (uid 0) outside.
        assert_eq "0 0 1" "$(xargs </proc/"$subj"/uid_map)" "uid_map after unshare user as root"
        assert_eq "0 0 1" "$(xargs </proc/"$subj"/gid_map)" "gid_map after unshare user as root"
    fi
    # show re-reads the same state: nothing changed in that step.
    nslab_send_ok "show"
    check_table "show after unshare $type"

    nslab_send_ok "reset"
    newsubj=$(jv subject.pid)
    [ "$newsubj" != "$subj" ] || fail "reset kept subject $subj"
    [ ! -e "/proc/$subj" ] || fail "reset left the old subject $subj alive"
    changed=""
    case $type in
    pid) changed=pid_for_children ;;
    time) changed=time_for_children ;;
    *) changed=$type ;;
    esac
    check_table "reset after unshare $type" $changed
done

nslab_stop
assert_eq 0 "$nslab_status" "nslab's exit status"

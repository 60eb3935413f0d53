#!/usr/bin/env bash
# caps, nnp and seccomp, checked against the kernel: /proc/PID/status of the
# subject and of a child spawned after (CapEff, CapPrm, CapBnd, CapAmb,
# NoNewPrivs, Seccomp, Seccomp_filters), the errno a denied system call
# gets in a program of the subject's (python3's own sethostname, its exit
# status the errno), and nslab's own step refused with that errno and the
# rule named. Bad input changes none of those fields. The shell's own
# status never changes. In a UTS namespace the session made.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v python3 >/dev/null || skip "needs python3"

nslab_start -k
# field PID NAME: the value of NAME: in /proc/PID/status.
field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
shell_status=$(grep -E '^(Cap|NoNewPrivs|Seccomp)' "/proc/$nslab_pid/status")
nslab_send_ok "caps"
subj=$(jv result.pid)
assert_eq "$(field "$subj" CapEff)" "$(jv result.effective.hex)" "caps shows CapEff"
assert_eq "$(field "$subj" CapBnd)" "$(jv result.bounding.hex)" "caps shows CapBnd"
assert_eq 0 "$(field "$subj" Seccomp)" "no filter at first"
had_eff=$(field "$subj" CapEff)

# --- bad input: nothing changes ------------------------------------------
for bad in "caps drop cap_sys_admn" "caps drop sys_admin,,kill" "caps keep nothing" \
    "seccomp deny nosuchcall" "seccomp deny mkdir --errno EWHAT" "seccomp deny read" \
    "seccomp deny" "caps drop"; do
    nslab_send_fails "$bad"
    assert_eq "$had_eff" "$(field "$subj" CapEff)" "'$bad' changed CapEff"
    assert_eq 0 "$(field "$subj" Seccomp)" "'$bad' loaded a filter"
done
nslab_send_fails "caps drop cap_sys_admn"
assert_contains "${J[error]}" "cap_sys_admin" "a misspelling names the closest capability"

# --- caps drop: every set, and a child inherits ----------------------------
nslab_send_ok "unshare uts"
nslab_send_ok "caps drop sys_admin,CAP_NET_RAW"
sysadmin=$(( 1 << 21 )) netraw=$(( 1 << 13 ))
for f in CapEff CapPrm CapBnd CapInh CapAmb; do
    v=$((16#$(field "$subj" "$f")))
    [ $(( v & (sysadmin | netraw) )) -eq 0 ] || fail "caps drop: $f still has them ($(field "$subj" $f))"
done
[ $(( 16#$(field "$subj" CapEff) & (1 << 18) )) -ne 0 ] || fail "caps drop took cap_sys_chroot too"
nslab_send_ok "spawn sleep 60"
kid=$(jv result.pid)
assert_eq "$(field "$subj" CapBnd)" "$(field "$kid" CapBnd)" "the child's bounding set"
[ $(( 16#$(field "$kid" CapEff) & sysadmin )) -eq 0 ] || fail "the child has CAP_SYS_ADMIN"
nslab_send_ok "kill -KILL %$(jv result.job)"
# A step that needs the dropped capability: the kernel's EPERM, the cause named.
nslab_send_fails "hostname dropped" EPERM
assert_contains "${J[error]}" "needs cap_sys_admin, which the subject dropped" "the dropped capability named"
nslab_send_ok "caps keep cap_sys_chroot,cap_setpcap"
assert_eq 0000000000040100 "$(field "$subj" CapEff)" "caps keep: CapEff"
assert_eq 0000000000040100 "$(field "$subj" CapBnd)" "caps keep: CapBnd"

# --- nnp and seccomp ------------------------------------------------------
nslab_send_ok "reset"
subj=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["subject"]["pid"])' "$reply")
nslab_send_ok "unshare uts"
assert_eq 0 "$(field "$subj" NoNewPrivs)" "NoNewPrivs before nnp"
nslab_send_ok "nnp"
assert_eq 1 "$(field "$subj" NoNewPrivs)" "NoNewPrivs after nnp"
nslab_send_ok "seccomp deny sethostname --errno EACCES"
assert_eq 2 "$(field "$subj" Seccomp)" "Seccomp mode after a filter"
assert_eq 1 "$(field "$subj" Seccomp_filters)" "one filter"
# A program of the subject's: the kernel's errno, as its exit status.
nslab_send "!python3 -c 'import ctypes,sys; l=ctypes.CDLL(None, use_errno=True); sys.exit(ctypes.get_errno() if l.sethostname(b\"x\", 1) else 0)'"
assert_eq 13 "$(jv result.status)" "sethostname's errno in a child (EACCES)"
nslab_send_fails "hostname denied" EACCES
assert_contains "${J[error]}" "seccomp" "the seccomp rule named"
assert_contains "${J[error]}" "sethostname" "the system call named"
nslab_send_ok "seccomp default"
assert_eq 2 "$(field "$subj" Seccomp_filters)" "filters add up"
nslab_send_fails "unshare net" EPERM
assert_contains "${J[error]}" "seccomp" "the default list's rule named"
nslab_send "!python3 -c 'import ctypes,sys; l=ctypes.CDLL(None, use_errno=True); sys.exit(ctypes.get_errno() if l.unshare(0x40000000) else 0)'"
assert_eq 1 "$(jv result.status)" "unshare's errno in a child (EPERM)"

# The shell itself never changed.
assert_eq "$shell_status" "$(grep -E '^(Cap|NoNewPrivs|Seccomp)' "/proc/$nslab_pid/status")" \
    "the shell's own capabilities and filters"
nslab_stop

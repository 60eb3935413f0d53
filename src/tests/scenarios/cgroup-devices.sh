#!/usr/bin/env bash
# The devices controller against the kernel: `cgset N deny 'c 1:3 w'` makes
# the kernel refuse a job of the cgroup an open of /dev/null for writing
# with EPERM, `cgset N allow ...` lets it through again, on v1 (devices.deny,
# devices.allow; devices.list read back from the kernel) and on v2 (a
# BPF_CGROUP_DEVICE program attached with bpf(2): on a hybrid machine in the
# cgroup2 mount, `cgcreate devices --v2`). The errno is the one the job's
# own open(2) got, written to a file by the job itself. A rule that does
# not parse: one clear line, the kernel's rules unchanged. Nothing left
# after exit.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

# The job: open /dev/null for writing, and record the errno's name (or ok).
cat >"$tmpdir/open.py" <<'EOF'
import errno, os, sys
try:
    os.close(os.open("/dev/null", os.O_WRONLY))
    r = "ok"
except OSError as e:
    r = errno.errorcode[e.errno]
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(r)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
EOF
# the interpreter itself: a wrapper script (pyenv's) would need /dev/null
py=$(python3 -c 'import sys; print(sys.executable)')
n=0
# opens CGROUP: what an open of /dev/null for writing gets inside CGROUP,
# in $got (not printed: nslab_send must run in this shell)
opens() {
    n=$((n + 1))
    local out=$tmpdir/r$n
    nslab_send_ok "cgexec $1 $py $tmpdir/open.py $out"
    for _ in $(seq 100); do
        [ -e "$out" ] && break
        sleep 0.1
    done
    [ -e "$out" ] || fail "the job in $1 did not report within 10 s"
    got=$(cat "$out")
}

nslab_start -k
nslab_send_ok "cgls"
mode=$(jv result.layout.mode)
dev_v=$(jv result.layout.controllers.devices.version 2>/dev/null || echo "")
dirs=()

# check VERSION CREATE-ARGS: one devices cgroup through its whole story.
check() {
    local v=$1 name=d$1
    nslab_send_ok "cgcreate devices --name $name${2:+ $2}"
    assert_eq "$v" "$(jv result.version)" "cgroup version of $name"
    local dir
    dir=$(jv result.path)
    dirs+=("$dir")
    [ -d "$dir" ] || fail "$dir is not a directory"
    opens "$name"; assert_eq ok "$got" "open(/dev/null, O_WRONLY) in a fresh $name"

    nslab_send_ok "cgset $name deny 'c 1:3 w'"
    if [ "$v" = 1 ]; then
        # v1 lists only "a *:* rwm" while the default allows
        assert_eq "a *:* rwm" "$(cat "$dir/devices.list")" "the kernel's devices.list"
        assert_eq "a *:* rwm" "$(jv result.rules.0)" "cgset's rules"
    else
        assert_eq "deny c 1:3 w" "$(jv result.rules.1)" "cgset's rules"
    fi
    opens "$name"; assert_eq EPERM "$got" "open(/dev/null, O_WRONLY) after deny c 1:3 w ($name)"

    # a rule that does not parse: one line, nothing changed
    nslab_send_fails "cgset $name allow 'c 1:3'"
    assert_eq 1 "$(printf '%s\n' "${J[error]}" | wc -l)" "lines of the error"
    assert_contains "${J[error]}" "TYPE MAJOR:MINOR ACCESS" "the error"
    opens "$name"; assert_eq EPERM "$got" "open(/dev/null) after a refused rule ($name)"

    nslab_send_ok "cgset $name allow 'c 1:3 w'"
    opens "$name"; assert_eq ok "$got" "open(/dev/null, O_WRONLY) after allow c 1:3 w ($name)"

    # the other way round: deny all, allow only what is listed
    nslab_send_ok "cgset $name deny a"
    nslab_send_ok "cgset $name allow 'c 1:3 r'"
    if [ "$v" = 1 ]; then
        assert_eq "c 1:3 r" "$(cat "$dir/devices.list")" "the kernel's devices.list"
    fi
    opens "$name"; assert_eq EPERM "$got" "open for writing with only 'c 1:3 r' allowed ($name)"
    nslab_send_ok "cgset $name allow 'c 1:3 w'"
    opens "$name"; assert_eq ok "$got" "open for writing with 'c 1:3 rw' allowed ($name)"
}

ran=0
if [ "$dev_v" = 1 ]; then
    check 1 ""
    ran=$((ran + 1))
fi
if [ "$dev_v" = 2 ]; then
    check 2 ""
    ran=$((ran + 1))
elif [ "$mode" = hybrid ]; then
    check 2 --v2
    ran=$((ran + 1))
fi
[ "$ran" -gt 0 ] || skip "no devices controller and no cgroup2 here ($mode layout)"

# allow/deny belong to devices cgroups; a bad controller word says so
nslab_send_ok "cgcreate pids --name p1"
nslab_send_fails "cgset p1 deny 'c 1:3 w'"
assert_contains "${J[error]}" "devices cgroup" "the error"

nslab_stop
for d in "${dirs[@]}"; do
    [ ! -e "$d" ] || fail "$d is left after exit"
done
exit 0

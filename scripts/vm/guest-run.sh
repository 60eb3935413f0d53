#!/usr/bin/env bash
# Runs inside the test-vm guest (started by nslab-guest.service, as root):
# replays the labs and the kernel scenario tests with the host's build from
# the shared checkout (/nslab), writes what it saw to
# /nslab/build/vm/results/LAYOUT/, and powers the guest off whatever happens.
# The kernel command line names the layout (nslab.run=LAYOUT) and may name
# the tests (nslab.tests=a.lab,b.sh, paths below the checkout), or a script
# to run instead of them (nslab.exec=PATH below the checkout, called with
# the results' folder: its output goes to exec.log, its status to status).
set -uo pipefail
trap 'sync; systemctl poweroff --force --force' EXIT

layout=unknown tests="" exec=""
for w in $(cat /proc/cmdline); do
    case $w in
    nslab.run=*) layout=${w#nslab.run=} ;;
    nslab.tests=*) tests=${w#nslab.tests=} ;;
    nslab.exec=*) exec=${w#nslab.exec=} ;;
    esac
done
top=/nslab
out=$top/build/vm/results/$layout
rm -rf "$out"
mkdir -p "$out"

{
    echo "kernel: $(uname -r)"
    echo "systemd: $(systemctl --version | head -n 1)"
    echo "cgroup mounts:"
    findmnt -rn -t cgroup,cgroup2 -o TARGET,FSTYPE,OPTIONS | sed 's/^/    /'
    echo "/proc/self/cgroup:"
    sed 's/^/    /' /proc/self/cgroup
} >"$out/machine.txt" 2>&1

cd "$top" || exit 1
if [ -n "$exec" ]; then
    NSLAB=$top/build/nslab bash "$exec" "$out" >"$out/exec.log" 2>&1
    echo "$?" >"$out/status"
    echo "exec: $exec" >"$out/tests.log"
    exit
fi
list=()
if [ -n "$tests" ]; then
    IFS=, read -r -a list <<<"$tests"
else
    list=(labs/*.lab)
    for f in src/tests/scenarios/*-vs-kernel.sh src/tests/scenarios/cgroup-*.sh \
             src/tests/scenarios/{cgset-guard,sweep,systemd-delegate,time,user,net,ipc,setns-lands,json-cgroups,grade,sigkill-leftovers}.sh; do
        [ -f "$f" ] && list+=("$f")
    done
fi

start=$SECONDS
NSLAB=$top/build/nslab NSLAB_TEST_TIMEOUT=${NSLAB_TEST_TIMEOUT:-120} \
    bash src/tests/run-integration.sh "${list[@]}" >"$out/tests.log" 2>&1
echo "$?" >"$out/status"
echo "$((SECONDS - start))" >"$out/seconds"

# Nothing of nslab may stay in the guest's cgroup tree.
find /sys/fs/cgroup -mindepth 1 -type d \( -name 'nslab.[0-9]*' -o -name 'nslab-[0-9]*.scope' \) >"$out/leftover-cgroups.txt" 2>/dev/null
journalctl -b -p warning --no-pager >"$out/journal-warnings.txt" 2>&1

#!/usr/bin/env bash
# make test-vm: replay the labs and the kernel scenario tests in a Debian 12
# guest (kernel 6.1, systemd) booted three ways, and say per cgroup layout
# what passed. The image is built once (build/vm, scripts/vm/build-image.sh);
# each boot runs it with -snapshot, so the image never changes. The checkout
# is shared into the guest over 9p and the host's build/nslab runs there
# (the same Debian 12 userland): nothing is compiled under emulation.
# QEMU uses KVM when a probe boot shows it works, else TCG emulation; user
# networking only. Every QEMU it starts is waited for or killed by its PID.
#
# Environment: VM_LAYOUTS (default "v2 hybrid legacy"), VM_TESTS (a comma
# list of tests, default: every lab and the kernel scenario tests),
# VM_EXEC (a script below the checkout to run in the guest instead of the
# tests; its output lands in build/vm/results/LAYOUT/exec.log),
# VM_IMAGE=backports|bullseye (boot bookworm-backports' kernel or Debian
# 11's instead of 6.1: its own image, build/vm-backports, ...),
# VM_IMAGE=server (a plain Debian 12 server, for make test-vm-fresh),
# VM_MEM (MiB, 2048), VM_ACCEL=kvm|tcg (skip the probe),
# VM_TIMEOUT (seconds per boot, 3600), VM_CI (make test's run: a guest
# that cannot be made here is a skip, not a failure).
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vm=$top/build/vm
[ -n "${VM_IMAGE:-}" ] && vm=$top/build/vm-$VM_IMAGE
layouts=${VM_LAYOUTS:-v2 hybrid legacy}
boot_timeout=${VM_TIMEOUT:-3600}

[ "$(id -u)" -eq 0 ] || { echo "test-vm: run as root (the guest's tests need it too)"; exit 77; }
[ -x "$top/build/nslab" ] || [ "${VM_IMAGE:-}" = server ] ||
    { echo "test-vm: build/nslab is missing: run make first"; exit 2; }

# Under make test (VM_CI=1) a guest that cannot be made here is skipped,
# saying why; run by hand, it is a failure.
cannot()
{
    if [ -n "${VM_CI:-}" ]; then
        echo "test-vm: skipped: $1"
        exit 0
    fi
    echo "test-vm: $1"
    exit 1
}
# A machine that is itself emulated (QEMU without KVM, as the guest of
# make test-vm-fresh is) would emulate a guest inside its emulation, far
# beyond the hour make test allows; nested KVM inside it does not exist.
if [ -n "${VM_CI:-}" ] && [ "$(systemd-detect-virt --vm 2>/dev/null)" = qemu ]; then
    echo "test-vm: skipped: this machine is itself emulated by QEMU without KVM (systemd-detect-virt --vm: qemu); a guest inside it would be emulated twice"
    exit 0
fi
bash "$top/scripts/install-deps.sh" --vm ||
    cannot "qemu-system-x86 and mmdebstrap cannot be installed here"
bash "$top/scripts/vm/build-image.sh" "$vm" ${VM_IMAGE:-} ||
    cannot "the guest image could not be built here (Debian's package registry unreachable?)"

pids=()
cleanup()
{
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

qemu_base=(qemu-system-x86_64 -nodefaults -no-user-config -nographic -no-reboot
           -m "${VM_MEM:-2048}" -smp 2 -kernel "$vm/vmlinuz")

# KVM works when a guest kernel started with it prints its first line soon;
# on this kind of machine nested KVM may hang at boot instead.
probe_kvm()
{
    [ -w /dev/kvm ] || return 1
    local log
    log=$(mktemp)
    "${qemu_base[@]}" -enable-kvm -cpu host -serial "file:$log" \
        -append "console=ttyS0 panic=-1" >/dev/null 2>&1 &
    local p=$! ok=1
    pids+=("$p")
    for _ in $(seq 40); do
        if grep -q "Linux version" "$log" 2>/dev/null; then ok=0; break; fi
        kill -0 "$p" 2>/dev/null || break
        sleep 0.5
    done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
    rm -f "$log"
    return $ok
}

accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
    if (probe_kvm) 2>/dev/null; then accel=kvm; else accel=tcg; fi
fi
case $accel in
kvm) accel_args=(-enable-kvm -cpu host) ;;
*) accel=tcg accel_args=(-accel tcg,thread=multi -cpu max) ;;
esac
echo "test-vm: QEMU with $accel"

declare -A cmdline=(
    [v2]=""
    [hybrid]="systemd.unified_cgroup_hierarchy=0"
    [legacy]="systemd.unified_cgroup_hierarchy=0 systemd.legacy_systemd_cgroup_controller=1"
)

total=0 bad=0
summary=()
for layout in $layouts; do
    [ -n "${cmdline[$layout]+x}" ] || { echo "test-vm: no layout named $layout (v2, hybrid, legacy)"; exit 2; }
    run=${VM_IMAGE:+$VM_IMAGE-}$layout # the results' name: v2, backports-v2, ...
    res=$top/build/vm/results/$run
    rm -rf "$res"
    mkdir -p "$top/build/vm/results"
    tests_arg=${VM_TESTS:+ nslab.tests=$VM_TESTS}${VM_EXEC:+ nslab.exec=$VM_EXEC}
    # the server image's network lines name the card eth0 (build-image.sh)
    [ "${VM_IMAGE:-}" != server ] || tests_arg+=" net.ifnames=0"
    start=$SECONDS
    echo "test-vm: booting the guest ($layout)..."
    timeout --kill-after=10 "$boot_timeout" "${qemu_base[@]}" "${accel_args[@]}" \
        -initrd "$vm/initrd.img" -snapshot \
        -drive "file=$vm/rootfs.img,format=raw,if=virtio" \
        -virtfs "local,path=$top,mount_tag=nslab,security_model=none,id=nslab" \
        -nic user,model=virtio-net-pci \
        -serial "file:$top/build/vm/console-$run.log" \
        -append "root=/dev/vda rw console=ttyS0 panic=-1 nslab.run=$run ${cmdline[$layout]}$tests_arg" \
        >/dev/null 2>&1 &
    p=$!
    pids+=("$p")
    wait "$p"
    secs=$((SECONDS - start))
    total=$((total + secs))
    if [ ! -f "$res/status" ]; then
        echo "test-vm: $layout: the guest ended without results (console: build/vm/console-$run.log)"
        bad=$((bad + 1))
        summary+=("$run: no results ($secs s)")
        continue
    fi
    sed -n 's/^\(PASS\|FAIL\|SKIP\) /\1 /p' "$res/tests.log" | sed "s/^/  [$run] /"
    [ ! -f "$res/exec.log" ] || sed "s/^/  [$run] /" "$res/exec.log"
    line=$(tail -n 1 "$res/tests.log")
    left=$(wc -l 2>/dev/null <"$res/leftover-cgroups.txt" || echo 0)
    [ "$left" -eq 0 ] || echo "  [$run] FAIL cgroups of nslab left in the guest: $(tr '\n' ' ' <"$res/leftover-cgroups.txt")"
    if [ "$(cat "$res/status")" != 0 ] || [ "$left" -ne 0 ]; then
        bad=$((bad + 1))
    fi
    summary+=("$run ($(sed -n 's/^kernel: //p' "$res/machine.txt")): $line; $left nslab cgroups left; $secs s")
done

echo "test-vm summary ($accel, ${total} s):"
printf '  %s\n' "${summary[@]}"
[ "$bad" -eq 0 ]

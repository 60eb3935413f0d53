# Sourced by the test runners. Their time limits guard against a hung test,
# not a slow one (speed is scripts/bench.sh's to measure). On a machine that
# QEMU emulates without KVM (systemd-detect-virt --vm says qemu, as in the
# guest of make test-vm-fresh) everything runs several times slower, so
# there each limit is multiplied by time_scale.
# shellcheck shell=bash
time_scale=1
[ "$(systemd-detect-virt --vm 2>/dev/null)" != qemu ] || time_scale=5

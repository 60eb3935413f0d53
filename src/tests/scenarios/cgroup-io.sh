#!/usr/bin/env bash
# The io controller against the kernel: `blockdev` attaches a loop device
# (the kernel's /sys/block/loopN/loop/backing_file names the session's
# file; its MAJ:MIN is the one printed), `cgset N write_bps DEVICE 4M`
# writes the kernel's throttle file (v1 blkio.throttle.write_bps_device, v2
# io.max), and `stress io` with O_DIRECT in the cgroup is held near 4M/s
# (at most 6M/s by its own clock) while the kernel counts its 8M in
# blkio.throttle.io_service_bytes or io.stat. Bad input (a size of 0, a
# file that is not a block device, a limit of 0): one line, nothing made or
# changed. After exit the loop device is detached and the cgroup gone.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
[ -e /dev/loop-control ] || skip "no /dev/loop-control"

nslab_start -k
nslab_send_fails "blockdev 0"
assert_eq 1 "$(printf '%s\n' "${J[error]}" | wc -l)" "lines of the error"
nslab_send_ok "blockdev 64M"
dev=$(jv result.path) mm=$(jv result.dev) file=$(jv result.file) link=$(jv result.link)
name=$(basename "$dev")
assert_eq "$file" "$(cat "/sys/block/$name/loop/backing_file")" "the kernel's backing file of $dev"
assert_eq "$mm" "$(cat "/sys/block/$name/dev")" "MAJ:MIN of $dev"
assert_eq 1 "$(cat "/sys/block/$name/loop/autoclear")" "autoclear of $dev"
assert_eq "$dev" "$(readlink "$link")" "the link"

nslab_send_ok "cgls"
io_v=$(jv result.layout.controllers.io.version 2>/dev/null || echo "")
[ -n "$io_v" ] || skip "no io controller here"
nslab_send_ok "cgcreate io --name disk"
dir=$(jv result.path)

nslab_send_fails "cgset disk write_bps /etc/passwd 4M"
assert_contains "${J[error]}" "not a block device" "the error"
nslab_send_fails "cgset disk write_bps $link 0"
assert_eq 1 "$(printf '%s\n' "${J[error]}" | wc -l)" "lines of the error"

nslab_send_ok "cgset disk write_bps $link 4M"
if [ "$io_v" = 1 ]; then
    assert_eq "$mm 4194304" "$(cat "$dir/blkio.throttle.write_bps_device")" "the kernel's throttle"
else
    assert_contains "$(cat "$dir/io.max")" "$mm rbps=max wbps=4194304" "the kernel's io.max"
fi

nslab_send_ok "cgexec disk stress io $link 8M"
job=$(jv result.job)
NSLAB_STEP_TIMEOUT=60 nslab_send_ok "wait %$job"
nslab_send_ok "jobs" # the job's last report comes before the next step
if [ "$io_v" = 1 ]; then
    written=$(awk -v d="$mm" '$1 == d && $2 == "Write" { print $3 }' "$dir/blkio.throttle.io_service_bytes")
else
    written=$(awk -v d="$mm" '$1 == d { for (i = 2; i <= NF; i++) if ($i ~ /^wbytes=/) { sub("wbytes=", "", $i); print $i } }' "$dir/io.stat")
fi
assert_eq 8388608 "$written" "bytes the kernel counts written to $dev in disk"
rate=$(printf '%s\n' "${nslab_events[@]}" | sed -n 's/.*stress io: wrote .*(\([0-9]*\) bytes\/s).*/\1/p' | tail -1)
[ -n "$rate" ] || fail "the job reported no rate; events: ${nslab_events[*]}"
[ "$rate" -le $((6 << 20)) ] || fail "the throttled job wrote at $rate bytes/s, over 6M/s with a 4M/s limit"

nslab_stop
[ ! -e "$dir" ] || fail "$dir is left after exit"
for _ in $(seq 50); do
    [ -e "/sys/block/$name/loop/backing_file" ] || break
    sleep 0.1
done
[ ! -e "/sys/block/$name/loop/backing_file" ] || fail "$dev is still attached after exit"
exit 0

#!/usr/bin/env bash
# pin, unpin, setns TYPE PATH and ls-ns all's held namespaces against the
# kernel: a network namespace pinned on a file in the session's mount
# namespace keeps its inode (the subject's mountinfo has the nsfs mount of
# net:[INODE], and entering it from outside through that file shows its
# veth) after its only process died; ls-ns all lists it with no process,
# held by that mount; setns by the file lands the subject in that inode
# (readlink); after unpin no mountinfo and no process holds the inode, and
# the veth end in the subject's namespace is gone. Bad input (a directory,
# a path that is not an ns file, a type that does not match, an unknown
# type) is one line, nothing changed; the host's mount table never sees a
# pin; nothing is left after exit.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nsenter >/dev/null || skip "no nsenter here"

host_mi=$(sed 's/^[0-9]* [0-9]* //' /proc/self/mountinfo | sort)
nslab_start -k
nslab_send_ok "unshare mnt,net"
subj=$(jv subject.pid)
nslab_send_ok "spawn --ns net sleep 300"
job=$(jv result.pid)
b=$(stat -L -c %i "/proc/$job/ns/net")
nslab_send_ok "veth v0 v1 --peer-ns %1"
nslab_send_ok "scratch"
scratch=$(jv result.path)

# Bad input first: one error each, nothing mounted.
nslab_send_fails "pin net $scratch %1" EISDIR
nslab_send_fails "pin bogus $scratch/x %1"
nslab_send_fails "unpin $scratch"
nslab_send_fails "setns net $scratch/none" ENOENT
grep -q nsfs "/proc/$subj/mountinfo" && fail "a refused pin left an nsfs mount"

nslab_send_ok "pin net $scratch/b %1"
assert_eq "$b" "$(jv result.ns)" "the pinned namespace's inode in the result"
grep -q " net:\[$b\] $scratch/b .* - nsfs " "/proc/$subj/mountinfo" ||
    fail "no nsfs mount of net:[$b] on $scratch/b in the subject's mountinfo"
nslab_send_fails "setns uts $scratch/b" EINVAL

nslab_send_ok "kill -KILL %1"
nslab_send_ok "wait %1"
for p in /proc/[0-9]*; do
    [ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" = "$b" ] && fail "process ${p#/proc/} is still in net:[$b]"
done
# Alive without processes: enter it through the pinned file, from outside.
nsenter -t "$subj" -m -- nsenter --net="$scratch/b" ip -o link show v1 >/dev/null ||
    fail "net:[$b] cannot be entered through $scratch/b, or lost v1"
nsenter -t "$subj" -n ip -o link show v0 >/dev/null || fail "v0 lost its peer while B was pinned"

nslab_send_ok "ls-ns all"
python3 - "$reply" "$b" "$scratch/b" <<'EOF' || fail "ls-ns all does not show the pinned namespace as held"
import json, sys
rows = json.loads(sys.argv[1])["result"]
r = [x for x in rows if x["ns"] == int(sys.argv[2]) and x["type"] == "net"]
sys.exit(0 if r and r[0]["nprocs"] == 0 and r[0]["held_by"] and
         r[0]["held_by"].get("mount") == sys.argv[3] else 1)
EOF

nslab_send_ok "spawn sleep 300"
nslab_send_ok "setns net $scratch/b"
assert_eq "$b" "$(stat -L -c %i "/proc/$subj/ns/net")" "the subject's net namespace after setns by file"
nslab_send_ok "setns net %2"

nslab_send_ok "unpin $scratch/b"
grep -q nsfs "/proc/$subj/mountinfo" && fail "unpin left the nsfs mount"
gone=no
for _ in $(seq 100); do
    nsenter -t "$subj" -n ip link show v0 >/dev/null 2>&1 || { gone=yes; break; }
    sleep 0.05
done
assert_eq yes "$gone" "v0 gone after unpin (its peer's namespace freed)"
nslab_send_ok "ls-ns all"
python3 -c '
import json, sys
rows = json.loads(sys.argv[1])["result"]
sys.exit(1 if any(x["ns"] == int(sys.argv[2]) and x["type"] == "net" for x in rows) else 0)' "$reply" "$b" ||
    fail "net:[$b] is still listed after unpin"
nslab_send_fails "setns net $scratch/b" ENOTTY
nslab_stop
assert_eq "$host_mi" "$(sed 's/^[0-9]* [0-9]* //' /proc/self/mountinfo | sort)" "the host's mount table"
[ ! -e "$scratch" ] || fail "the scratch directory $scratch was left"
echo "ns-pin: ok"

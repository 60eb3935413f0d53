#!/usr/bin/env bash
# `ls-ns all` shows each namespace's owning user namespace and the uid that
# owns it, as the kernel says: the owning user namespace equals lsns's ONS
# column for every namespace both list, and the owner uid is
# NS_GET_OWNER_UID (read here by python's ioctl) of the user namespace
# itself, or of its owner for other types. A user namespace made by uid
# 65534 (with a UTS namespace it owns) shows 65534 for both; the host's
# show 0; the initial user namespace has no owner. Text and -J agree.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v lsns >/dev/null || skip "no lsns here"
lsns -o ONS -n >/dev/null 2>&1 || skip "this lsns has no ONS column"

# A user namespace of uid 65534, owning a UTS namespace, with a process in it.
nslab_bg setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user --uts sleep 300
pid=$bg_pid
for _ in $(seq 50); do
    [ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] && break
    sleep 0.1
done
[ "$(readlink "/proc/$pid/ns/user")" != "$(readlink /proc/self/ns/user)" ] ||
    skip "an unprivileged user namespace could not be made here"
userns=$(stat -L -c %i "/proc/$pid/ns/user")
utsns=$(stat -L -c %i "/proc/$pid/ns/uts")

out=$("$NSLAB" -J -c "ls-ns all" 2>"$tmpdir/err") || fail "ls-ns all failed: $(cat "$tmpdir/err")"
step=$(json_step "$out" 1)
lsns -J -o NS,TYPE,ONS >"$tmpdir/lsns.json" || fail "lsns failed"

python3 - "$step" "$tmpdir/lsns.json" "$userns" "$utsns" <<'EOF' || fail "ls-ns all disagrees with the kernel (above)"
import fcntl, json, os, struct, sys
NS_GET_USERNS, NS_GET_OWNER_UID = 0xb701, 0xb704
step = json.loads(sys.argv[1])
rows = step["result"]
ons = {(n["ns"], n["type"]): n["ons"] for n in json.load(open(sys.argv[2]))["namespaces"]}
userns, utsns = int(sys.argv[3]), int(sys.argv[4])
bad = []
def owner_uid(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        buf = bytearray(4)
        fcntl.ioctl(fd, NS_GET_OWNER_UID, buf)
        return struct.unpack("I", buf)[0]
    finally:
        os.close(fd)
def kernel_owner(pid, typ):
    path = "/proc/%d/ns/%s" % (pid, typ)
    if typ == "user":
        return owner_uid(path)
    fd = os.open(path, os.O_RDONLY)
    try:
        ufd = fcntl.ioctl(fd, NS_GET_USERNS)
    finally:
        os.close(fd)
    try:
        return owner_uid("/proc/self/fd/%d" % ufd)
    finally:
        os.close(ufd)
compared = 0
for r in rows:
    key = (r["ns"], r["type"])
    if key in ons:
        want = ons[key] or None
        if r["userns"] != want:
            bad.append("%s %s: userns %s, lsns ONS %s" % (r["type"], r["ns"], r["userns"], want))
        compared += 1
    try:
        k = kernel_owner(r["pid"], r["type"])
    except (OSError, TypeError):
        continue  # gone since
    if r["owner_uid"] != k:
        bad.append("%s %s: owner_uid %s, the kernel %s" % (r["type"], r["ns"], r["owner_uid"], k))
by = {(r["ns"], r["type"]): r for r in rows}
for key, uid in (((userns, "user"), 65534), ((utsns, "uts"), 65534)):
    if key not in by:
        bad.append("%s %s not listed" % (key[1], key[0]))
    elif by[key]["owner_uid"] != uid:
        bad.append("%s %s: owner_uid %s, want %d" % (key[1], key[0], by[key]["owner_uid"], uid))
if by.get((utsns, "uts"), {}).get("userns") != userns:
    bad.append("the test's uts namespace is not owned by its user namespace")
if compared < 8:
    bad.append("only %d namespaces compared with lsns" % compared)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF

# The text table says the same for the test's namespaces.
text=$("$NSLAB" -c "ls-ns all" 2>&1) || fail "ls-ns all (text) failed"
header=$(grep -m1 "NS TYPE" <<<"$text")
[[ $header == *"USERNS OWNER COMMAND"* ]] || fail "no USERNS and OWNER columns: '$header'"
line=$(awk -v n="$utsns" '$1 == n && $2 == "uts"' <<<"$text")
[ "$(awk '{ print $5, $6 }' <<<"$line")" = "$userns 65534" ] ||
    fail "the text row of the test's uts namespace: '$line'"
echo "ls-ns-owner: ok"

#!/usr/bin/env bash
# IPC namespaces: `ipc new` creates in the subject's IPC namespace and `ipc
# ls` lists exactly what the kernel shows there (/proc/sysvipc read from
# inside with nsenter, and ipcs); objects the session made in the host's
# namespace, or in a namespace it entered but did not make, are removed at
# exit (also on SIGTERM); bad input is one clear error.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"

# Keys of this run only: other tests may use IPC at the same time.
base=$((0x6e000000 + ($$ % 4096) * 16))
k1=$(printf '0x%08x' "$base")
k2=$(printf '0x%08x' $((base + 1)))
k3=$(printf '0x%08x' $((base + 2)))
k4=$(printf '0x%08x' $((base + 3)))

# "KIND KEY ID PERMS" lines, sorted, from /proc/sysvipc texts or nslab's JSON.
kernel_objects()
{
    local pid=$1
    python3 - "$(nsenter -t "$pid" -i cat /proc/sysvipc/msg)" "$(nsenter -t "$pid" -i cat /proc/sysvipc/shm)" \
        "$(nsenter -t "$pid" -i cat /proc/sysvipc/sem)" <<'PY'
import sys
out = []
for kind, text in zip(("msg", "shm", "sem"), sys.argv[1:]):
    lines = text.splitlines()
    head = lines[0].split()
    for l in lines[1:]:
        f = dict(zip(head, l.split()))
        idcol = {"msg": "msqid", "shm": "shmid", "sem": "semid"}[kind]
        out.append("%s 0x%08x %s %s" % (kind, int(f["key"]) & 0xffffffff, f[idcol], f["perms"]))
print("\n".join(sorted(out)))
PY
}

nslab_objects()
{
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])["result"]
print("\n".join(sorted("%s 0x%08x %d %s" % (o["kind"], o["key"] & 0xffffffff, o["id"], o["perms"])
                       for o in r["objects"])))' "$reply"
}

host_has_key()
{
    grep -qE "^ *$(($1)) " /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem
}

nslab_start -k

# --- a new IPC namespace: nslab's list is the kernel's -------------------------
nslab_send_ok "unshare ipc"
subj=$(jv subject.pid)
nslab_send_ok "ipc new msg $k1"
assert_contains "$(jv trace.0.args)" "IPC_CREAT|IPC_EXCL|0600" "msgget flags in the trace"
assert_eq msgget "$(jv trace.0.call)" "the trace names msgget"
nslab_send_ok "ipc new shm $k1"
nslab_send_ok "ipc new sem $k1"
nslab_send_ok "ipc new msg"
nslab_send_ok "ipc ls"
[ "$(nslab_objects)" = "$(kernel_objects "$subj")" ] ||
    fail "ipc ls differs from /proc/sysvipc inside: nslab:
$(nslab_objects)
kernel:
$(kernel_objects "$subj")"
assert_eq 4 "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["result"]["objects"]))' "$reply")" \
    "four objects in the new namespace"
msqid=$(nsenter -t "$subj" -i ipcs -q | awk -v k="$k1" '$1 == k { print $2 }')
assert_contains "$(nslab_objects)" "msg $k1 $msqid 600" "ipcs inside shows the queue's id"
host_has_key "$k1" && fail "an object of the new IPC namespace shows in the host's /proc/sysvipc"
nslab_send_fails "ipc new msg $k1" EEXIST
assert_contains "$(jv error)" "already exists" "EEXIST explained"
assert_eq msgget "$(jv trace.0.call)" "the refused msgget is traced"

# --- the host's IPC namespace: visible there, removed at exit ------------------
nslab_send_ok "setns ipc host"
nslab_send_ok "ipc ls"
assert_eq "$(nslab_objects)" "$(kernel_objects "$nslab_pid")" "ipc ls in the host's namespace"
nslab_send_ok "ipc new msg $k2"
nslab_send_ok "ipc new shm $k2"
nslab_send_ok "ipc new sem $k2"
host_has_key "$k2" || fail "the object made in the host's IPC namespace is not in /proc/sysvipc"
assert_eq 3 "$(grep -cE "^ *$((k2)) " /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem | awk -F: '{ s += $2 } END { print s }')" \
    "three objects with key $k2 in the host's namespace"

# --- a namespace the session did not make: it outlives nslab -------------------
nslab_bg unshare --ipc sleep 300
foreign=$bg_pid
for _ in $(seq 50); do
    [ "$(readlink /proc/$foreign/ns/ipc)" != "$(readlink /proc/self/ns/ipc)" ] && break
    sleep 0.1
done
nslab_send_ok "setns ipc $foreign"
nslab_send_ok "ipc new msg $k3"
nsenter -t "$foreign" -i ipcs -q | grep -q "$k3" || fail "the queue is not in the foreign namespace"

# --- bad input: one error each, nothing made -------------------------------------
for bad in "ipc" "ipc new" "ipc new queue" "ipc new msg 0" "ipc new msg 0x" "ipc new msg -1" \
    "ipc new msg 99999999999" "ipc new msg 1 2" "ipc ls extra" "ipc rm"; do
    nslab_send "$bad"
    assert_eq false "$(jv ok)" "'$bad' must fail"
    assert_eq EINVAL "$(jv errno)" "'$bad' errno"
done

nslab_stop
assert_eq 1 "$nslab_status" "nslab's exit status (-k: the refused steps)"
host_has_key "$k2" && fail "objects the session made in the host's IPC namespace are left after exit"
nsenter -t "$foreign" -i ipcs -q | grep -q "$k3" &&
    fail "the queue made in a namespace the session entered is left after exit"

# --- SIGTERM still cleans up ------------------------------------------------------
nslab_start -k
nslab_send_ok "ipc new shm $k4"
host_has_key "$k4" || fail "the segment is not in the host's namespace"
nslab_kill TERM
host_has_key "$k4" && fail "SIGTERM left the session's segment in the host's IPC namespace"
exit 0

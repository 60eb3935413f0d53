#!/usr/bin/env bash
# Every way a session can end (exit, end of input, SIGTERM, SIGHUP, SIGINT,
# SIGKILL then a new start) after it made processes (a PID namespace with
# an orphan, a cgroup job), cgroups, a mount in the host's mount namespace
# (with --allow-host-changes, inside a mount namespace this test made), a
# veth and an IPC object in the host's namespaces, and its scratch
# directory: nothing is left (SPEC §6). After SIGKILL only what SPEC §6
# promises is checked: the processes died with it and the next start removes
# its cgroups.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v ip >/dev/null || skip "no ip(8)"

session_script() { # $1: a tag for names
    printf '%s\n' "spawn --ns pid init" "setns pid %1" "spawn orphan 60" "spawn sleep 300" \
        "reset" "cgcreate pids 20 --name cl$1" "cgexec cl$1 sleep 300" "scratch" \
        'mount tmpfs cleanup $SCRATCH' "veth clv$1 clp$1" "ipc new shm 0x6e5$1" "!true"
}

shm_key_present() { # $1 hex key
    awk -v k="$(printf '%d' "$1")" 'NR > 1 && $1 == k {f = 1} END {exit !f}' /proc/sysvipc/shm
}

check_gone() { # $1 way, $2 nslab pid, $3 tag, $4 full (1) or SIGKILL (0)
    local way=$1 pid=$2 tag=$3 full=$4 p left=""
    for _ in $(seq 50); do
        left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "nslab.$pid" 2>/dev/null | head -1)
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] || fail "$way: cgroup left: $left"
    for p in $(cat "$tmpdir/pids.$tag"); do
        for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        ! kill -0 "$p" 2>/dev/null || fail "$way: process $p outlived the session"
    done
    [ "$full" = 1 ] || return 0
    ! ip link show "clv$tag" >/dev/null 2>&1 || fail "$way: veth clv$tag left in the host's namespace"
    ! shm_key_present "0x6e5$tag" || fail "$way: shm object 0x6e5$tag left"
    local dir
    dir=$(cat "$tmpdir/scratch.$tag")
    [ -n "$dir" ] || fail "$way: the session printed no scratch directory"
    [ ! -e "$dir" ] || fail "$way: scratch directory $dir left"
}

n=0
for way in exit eof term hup int kill; do
    n=$((n + 1))
    tag=$n
    fifo=$tmpdir/in.$tag
    mkfifo "$fifo"
    # A mount namespace of the test's own: nslab's "host" mount namespace.
    unshare --mount --propagation private -- "$NSLAB" -k -J --allow-host-changes <"$fifo" \
        >"$tmpdir/out.$tag" 2>"$tmpdir/err.$tag" &
    nsl=$! # unshare execs nslab: same PID
    exec 7>"$fifo"
    session_script "$tag" >&7
    for _ in $(seq 100); do grep -q '"command":"!true"' "$tmpdir/out.$tag" && break; sleep 0.1; done
    grep -q '"command":"!true"' "$tmpdir/out.$tag" ||
        fail "$way: the session did not get through its script: $(tail -3 "$tmpdir/err.$tag")"
    [ "$(cat /proc/"$nsl"/comm 2>/dev/null)" = nslab ] || fail "$way: pid $nsl is not nslab"
    # Every PID the session reported (jobs, subjects), to check after.
    python3 - "$tmpdir/out.$tag" >"$tmpdir/pids.$tag" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    r = o.get("result")
    if isinstance(r, dict) and isinstance(r.get("pid"), int):
        print(r["pid"])
    s = o.get("subject") or {}
    if isinstance(s.get("pid"), int):
        print(s["pid"])
PY
    grep -o '/tmp/nslab-scratch\.[A-Za-z0-9]*' "$tmpdir/out.$tag" | head -1 >"$tmpdir/scratch.$tag" || true
    case $way in
    exit) echo exit >&7 ;;
    eof) ;;
    term) kill -TERM "$nsl" ;;
    hup) kill -HUP "$nsl" ;;
    int) kill -INT "$nsl" ;;
    kill) kill -KILL "$nsl" ;;
    esac
    exec 7>&-
    wait "$nsl" 2>/dev/null || true
    if [ "$way" = kill ]; then
        # The next start sweeps the dead session's cgroups.
        "$NSLAB" -q -c 'hostname' >/dev/null 2>&1 || true
        # What SIGKILL leaves in the host's namespaces (SPEC promises only
        # the cgroups), the test removes itself.
        ip link del "clv$tag" 2>/dev/null || true
        id=$(awk -v k="$(printf '%d' "0x6e5$tag")" 'NR > 1 && $1 == k {print $2}' /proc/sysvipc/shm)
        [ -z "$id" ] || ipcrm -m "$id" 2>/dev/null || true
        check_gone "$way" "$nsl" "$tag" 0
    else
        check_gone "$way" "$nsl" "$tag" 1
    fi
done
echo "cleanup-all: $n ways of ending a session, nothing left"

#!/usr/bin/env bash
# Files a root session writes for its user: the history (~/.nslab_history)
# and `record FILE`. Neither follows a planted symbolic link, neither writes
# another user's file, a FIFO or a device; the history never lands in the
# current directory; a failed write of a record is reported.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

# --- the history file: a session in a terminal (two lines typed, then exit)
cat >"$tmpdir/term.py" <<'EOF'
import os, pty, select, sys, time
cwd, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execv(argv[0], argv)
def drain(t):
    end = time.time() + t
    while time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                if not os.read(fd, 4096):
                    return
            except OSError:
                return
drain(1.0)
for line in (b"hostname\r", b"exit\r"):
    os.write(fd, line)
    drain(0.5)
end = time.time() + 20
while time.time() < end:
    if os.waitpid(pid, os.WNOHANG)[0]:
        sys.exit(0)
    drain(0.2)
os.kill(pid, 9)
sys.exit("nslab in a terminal did not end within 20 s")
EOF
term()  # DIR ENV...: a terminal session started in DIR with ENV set
{
    local dir=$1
    shift
    env "$@" python3 "$tmpdir/term.py" "$dir" "$NSLAB"
}
mkdir -p "$tmpdir/cwd" "$tmpdir/home"

# A planted link to a file of root's: the file is untouched.
echo "root's own" >"$tmpdir/target"
chmod 600 "$tmpdir/target"
ln -s "$tmpdir/target" "$tmpdir/home/.nslab_history"
term "$tmpdir/cwd" HOME="$tmpdir/home"
assert_eq "root's own" "$(cat "$tmpdir/target")" "the file behind a planted history link"
assert_eq 600 "$(stat -c %a "$tmpdir/target")" "its mode"
[ -L "$tmpdir/home/.nslab_history" ] || fail "the planted link was replaced"

# A hard link to a file of root's in another user's home: untouched too.
mkdir -p "$tmpdir/other"
chown nobody "$tmpdir/other"
ln "$tmpdir/target" "$tmpdir/other/.nslab_history"
term "$tmpdir/cwd" HOME="$tmpdir/other" SUDO_UID=65534 SUDO_GID=65534
assert_eq "root's own" "$(cat "$tmpdir/target")" "the file behind a planted hard link"
rm "$tmpdir/other/.nslab_history"

# Through sudo: the history is made as the user's.
term "$tmpdir/cwd" HOME="$tmpdir/other" SUDO_UID=65534 SUDO_GID=65534
[ -f "$tmpdir/other/.nslab_history" ] || fail "no history written for the sudo user"
assert_eq 65534 "$(stat -c %u "$tmpdir/other/.nslab_history")" "the history's owner under sudo"
assert_contains "$(cat "$tmpdir/other/.nslab_history")" "hostname" "the history's lines"

# Without HOME: not in the current directory.
term "$tmpdir/cwd" -u HOME SUDO_UID=65534 SUDO_GID=65534
[ ! -e "$tmpdir/cwd/.nslab_history" ] || fail "without HOME the history landed in the current directory"

# --- record FILE ------------------------------------------------------------
rec()  # FILE: record to FILE; sets rc, err
{
    rc=0
    (cd "$tmpdir" && timeout 20 "$NSLAB" -q -c "record $1; hostname") >/dev/null 2>"$tmpdir/err" ||
        rc=$?
    err=$(cat "$tmpdir/err")
}
mkfifo "$tmpdir/fifo"
rec fifo
assert_eq 1 "$rc" "record to a FIFO: exit status"
assert_contains "$err" "FIFO" "record to a FIFO: says why"
rec /dev/full
assert_eq 1 "$rc" "record to /dev/full: exit status"
assert_contains "$err" "regular file" "record to /dev/full: says why"
echo theirs >"$tmpdir/theirs"
chown nobody "$tmpdir/theirs"
rec theirs
assert_eq 1 "$rc" "record to another user's file: exit status"
assert_eq theirs "$(cat "$tmpdir/theirs")" "another user's file is untouched"
ln -s "$tmpdir/target" "$tmpdir/reclink"
rec reclink
assert_eq 1 "$rc" "record through a symbolic link: exit status"
assert_eq "root's own" "$(cat "$tmpdir/target")" "the file behind a record link"
rec fresh.jsonl
assert_eq 0 "$rc" "record to a new file ($err)"
json_valid "$(cat "$tmpdir/fresh.jsonl")"

# A full filesystem (a 4 KiB tmpfs in a mount namespace of this test's own):
# the failed write is reported and the status says so.
mkdir -p "$tmpdir/small"
rc=0
unshare -m --propagation private sh -c '
    mount -t tmpfs -o size=4k nslab-test "$1" || exit 77
    "$2" -q -c "record $1/r.jsonl; say 1; say 2; say 3; say 4; say 5; say 6; say 7; say 8"
' sh "$tmpdir/small" "$NSLAB" >/dev/null 2>"$tmpdir/err" || rc=$?
[ "$rc" -ne 77 ] || skip "cannot mount a tmpfs in a new mount namespace"
assert_eq 1 "$rc" "record on a full filesystem: exit status"
assert_contains "$(cat "$tmpdir/err")" "ENOSPC" "record on a full filesystem: the error"
echo "PASS $scenario"

#!/usr/bin/env bash
# Bad input: each malformed line gets exactly one clear line on stderr, the
# exact exit status, no crash, and the session goes on (with -k the next
# command still runs). Inputs are printf %b strings; "|" separates the
# expected exit status from the input.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

long64=$(printf 'x%.0s' $(seq 65))
cases=(
    "1|frob"
    "1|hostnme"
    "1|UNSHARE uts"
    "1|unshare"
    "1|unshare foo"
    "1|unshare uts,foo"
    "1|unshare uts --propagation"
    "1|unshare mnt --propagation sideways"
    "1|unshare --bogus uts"
    "1|unshare pid\nunshare pid"
    "1|setns"
    "1|setns uts"
    "1|setns uts 999999999"
    "1|setns uts 0"
    "1|setns uts -1"
    "1|setns uts %99"
    "1|setns uts %abc"
    "1|setns foo host"
    "1|setns uts host extra"
    "1|setns uts,,bogus host"
    "1|spawn sleep 0\nwait %1\nsetns uts %1"
    "1|ls-ns 4194000"
    "1|ls-ns %7"
    "1|ls-ns --tree net"
    "1|ls-ns --tree pid extra"
    "1|ls-ns a b"
    "1|spawn"
    "1|spawn --ns"
    "1|spawn --ns foo sleep"
    "1|spawn --bogus sleep"
    "1|spawn /nonexistent/prog"
    "1|spawn sleep abc"
    "1|spawn sleep 1 2"
    "1|spawn sleep -1"
    "1|spawn sleep 1e99"
    "1|spawn init --trap FOO"
    "1|spawn init --trap KILL"
    "1|spawn init --trap"
    "1|spawn orphan -1"
    "1|unshare pid\nspawn sleep 0\nwait %1\nspawn sleep"
    "1|!"
    "1|!/nonexistent/prog"
    "1|!false"
    "1|jobs extra"
    "1|wait"
    "1|wait %1"
    "1|wait 1"
    "1|spawn sleep 5\nwait %1 abc"
    "1|spawn sleep 5\nwait %1 1"
    "1|kill"
    "1|kill -FOO 1"
    "1|kill -KILL"
    "1|kill -KILL 999999999"
    "1|kill host"
    "1|kill self"
    "1|kill %5"
    "1|spawn sleep\nkill -TERM %1 --from sideways"
    "1|spawn sleep\nkill -TERM %1 %1"
    "1|reset extra"
    "1|hostname a b"
    "1|hostname ''"
    "1|hostname $long64"
    "1|domainname a b"
    "1|expect"
    "1|expect bogus"
    "1|expect ns"
    "1|expect ns foo host"
    "1|expect ns uts sideways"
    "1|expect alive"
    "1|expect alive nobody"
    "1|hostname\nexpect dead %1 FOO"
    "1|hostname\nexpect ok within abc"
    "1|hostname\nexpect ok within -1"
    "1|hostname\nexpect ok within 99999"
    "1|expect not"
    "1|expect not not ok"
    "1|hostname\nexpect output"
    "1|expect event"
    "1|observe bogus"
    "1|observe ns,bogus"
    "1|trace maybe"
    "1|help nosuch"
    "1|help a b"
    "1|exit abc"
    "1|exit 300"
    "1|ps a b"
    "1|ps 999999999"
    "1|show extra"
    "1|say \"unterminated"
    "1|say 'unterminated"
    "1|hostname\\0x"
    "1|hostname \\xff\\xfe"
    "1|\\xc0\\x80"
    "1|pin"
    "1|pin net"
    "1|pin bogus \$SCRATCH/x"
    "1|pin net /tmp"
    "1|pin net \$SCRATCH/x %99"
    "1|pin net \$SCRATCH/x self extra"
    "1|pin net \$SCRATCH/x"
    "1|unpin"
    "1|unpin /"
    "1|unpin /nonexistent/x"
    "1|setns net /etc/hostname"
    "1|setns net,uts /proc/self/ns/net"
    "1|setns uts /proc/self/ns/net"
    "1|cgcreate cpuacct 5"
    "3|expect ns uts new"
    "3|hostname\nexpect fail"
)

n=0
for c in "${cases[@]}"; do
    want=${c%%|*}
    input=${c#*|}
    # One extra line proves the session goes on after the bad one.
    printf '%b\nsay SESSION-GOES-ON\n' "$input" >"$tmpdir/in"
    set +e
    timeout 30 "$NSLAB" -k -q --no-trace "$tmpdir/in" >"$tmpdir/out" 2>"$tmpdir/err"
    got=$?
    set -e
    what="input $(printf '%q' "$input")"
    assert_eq "$want" "$got" "exit status of $what (stderr: $(cat "$tmpdir/err"))"
    if [ "$want" = 3 ]; then
        # A failed expect is told once: its ✗ line, on stdout.
        assert_eq 0 "$(wc -l <"$tmpdir/err")" "stderr lines of $what: $(cat "$tmpdir/err")"
        assert_eq 1 "$(grep -c '✗' "$tmpdir/out")" "✗ lines of $what"
    else
        assert_eq 1 "$(wc -l <"$tmpdir/err")" "stderr lines of $what: $(cat "$tmpdir/err")"
    fi
    grep -q '^SESSION-GOES-ON$' "$tmpdir/out" || fail "the session did not go on after $what"
    ! grep -qiE 'sanitizer|segmentation|core dumped' "$tmpdir/err" || fail "crash on $what"
    n=$((n + 1))
done

# Lines no command can mean: a NUL byte, a 1 MB line, 10000 nested quotes.
printf 'hostname\0x\nsay SESSION-GOES-ON\n' >"$tmpdir/in"
head -c 1048576 /dev/zero | tr '\0' a >"$tmpdir/big"
{ cat "$tmpdir/big"; printf '\nsay SESSION-GOES-ON\n'; } >"$tmpdir/in2"
{ for _ in $(seq 10000); do printf '"'"'"; done; printf '\nsay SESSION-GOES-ON\n'; } >"$tmpdir/in3"
for f in in in2 in3; do
    set +e
    timeout 30 "$NSLAB" -k -q "$tmpdir/$f" >"$tmpdir/out" 2>"$tmpdir/err"
    got=$?
    set -e
    assert_eq 1 "$got" "exit status of $f"
    assert_eq 1 "$(wc -l <"$tmpdir/err")" "stderr lines of $f: $(head -c 300 "$tmpdir/err")"
    grep -q '^SESSION-GOES-ON$' "$tmpdir/out" || fail "the session did not go on after $f"
    n=$((n + 1))
done
echo "bad-input: $n malformed inputs, each one stderr line, the session going on"

#!/usr/bin/env bash
# Colour themes under a pseudo-terminal (script(1)): the default theme dims
# secondary text (SGR 2); --theme high-contrast, and `theme high-contrast` at
# the prompt, print no SGR 2 and no yellow or cyan; NO_COLOR wins over any
# theme (no escape sequence at all). Root: a UTS namespace.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab
require_root
command -v script >/dev/null || skip "needs script(1) (util-linux) for a pseudo-terminal"

# tty ARGS...: nslab ARGS run with a terminal as stdout; its output.
tty()
{
    local cmd q
    cmd=$(printf '%q ' "$NSLAB" "$@")
    script -qec "$cmd" /dev/null </dev/null 2>&1 || true
}
# sgr_params TEXT: every parameter of every SGR sequence, one a line.
sgr_params()
{
    printf '%s' "$1" | python3 -c '
import re, sys
for m in re.finditer(r"\x1b\[([0-9;]*)m", sys.stdin.read()):
    for p in (m.group(1) or "0").split(";"):
        print(int(p or 0))'
}
steps='unshare uts; hostname hc; expect ok; expect hostname other; ls-ns'

def=$(tty -k -c "$steps")
printf '%s\n' "$def" | head -20
# Into a variable first: grep -q may end before the reader has written all,
# and under pipefail its broken pipe would fail the test.
p=$(sgr_params "$def")
grep -qx 2 <<<"$p" || fail "the default theme printed no dim text (is this a terminal?)"

hc=$(tty -k --theme high-contrast -c "$steps")
printf '%s\n' "$hc" | head -20
p=$(sgr_params "$hc")
[ -n "$p" ] || fail "high-contrast printed no colour at all"
! printf '%s\n' "$p" | grep -qxE '2|33|36' || fail "high-contrast printed dim, yellow or cyan: $(printf '%s\n' "$p" | sort -u | tr '\n' ' ')"

at=$(tty -k -c "theme high-contrast; $steps; theme")
p=$(sgr_params "${at#*theme high-contrast}")
! printf '%s\n' "$p" | grep -qxE '2|33|36' || fail "theme high-contrast at the prompt still printed dim, yellow or cyan"
assert_contains "$at" "theme high-contrast" "theme names the current one"

nc=$(NO_COLOR=1 tty -k --theme high-contrast -c "$steps")
[[ $nc != *$'\e'* ]] || fail "NO_COLOR with a theme still printed escape sequences"
assert_contains "$nc" "hc" "the session ran under NO_COLOR"

rc=0
"$NSLAB" --theme pastel -c 'hostname' >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "an unknown theme is a usage error"
echo ok

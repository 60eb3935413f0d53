#!/usr/bin/env bash
# The README's way on a new machine: a user clones the checkout (theirs),
# then `sudo make run` builds it as root (build/ is root's) and runs it as
# root. A privileged nslab reads printf formats and texts only from where
# nobody but root, or whoever could replace the binary it runs, could have
# written them. Here, in a copy laid out that way (a checkout owned by
# nobody, root's build inside it): the Chinese catalog beside the binary is
# read (`help` in Chinese) and so are the explanations (`explain mnt`); once
# a third user owns them, neither is.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
top=$(cd "$(dirname "$0")/../../.." && pwd)
nobody=65534 third=4242

co=$tmpdir/checkout
mkdir -p "$co/build" "$co/docs"
chmod 755 "$tmpdir"
cp "$NSLAB" "$co/build/nslab"
cp -r "$(dirname "$NSLAB")/locale" "$co/build/locale"
cp -r "$top/docs/explain" "$co/docs/explain"
chown "$nobody" "$co"
chown -R "$nobody" "$co/docs"

has_chinese() { python3 -c 'import re,sys; sys.exit(0 if re.search("[\u4e00-\u9fff]", sys.stdin.read()) else 1)'; }
run() { env -u NSLAB_LOCALEDIR -u NSLAB_DATA "$co/build/nslab" --lang zh -q --no-trace -c "$1" 2>&1; }

run help | has_chinese || fail "root's nslab in a user's checkout: help is not in Chinese: $(run help | head -n 2)"
out=$(run "explain mnt") || fail "root's nslab in a user's checkout: explain mnt failed: $out"

chown -R "$third" "$co/build/locale" "$co/docs"
! run help | has_chinese || fail "a catalog a third user owns was read by root's nslab"
! run "explain mnt" >/dev/null || fail "explanations a third user owns were read by root's nslab"
echo "sudo-checkout: ok"

#!/usr/bin/env bash
# Keyrings and user namespaces, compared with the kernel through keyctl(1)
# (keyutils), run outside nslab: `key add` on the host puts the key in the
# user keyring keyctl sees there (@u); after `unshare user` (uid 0 inside is
# the same uid outside) `key find` of it fails with ENOKEY, while a key
# added inside is in the user keyring a process in that user namespace
# sees (nsenter -U keyctl) and not in the host's. `keys` names those
# keyrings as the kernel does. Bad input (key add without data, a name or
# data past the kernel's limits, keys of a dead job): one clear line,
# nothing reached the kernel, no key made. At exit the key added to the
# host's user keyring is gone.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v keyctl >/dev/null || skip "needs keyctl (keyutils)"
command -v nsenter >/dev/null || skip "needs nsenter (util-linux)"

outside=nslab-keys-$$-host
inside=nslab-keys-$$-inside
unlink_host_key() { keyctl unlink "$(keyctl search @u user "$outside" 2>/dev/null)" @u 2>/dev/null; }
on_exit unlink_host_key
# The keys of this test that /proc/keys shows the caller.
ours() { grep -c "nslab-keys-$$" /proc/keys || true; }

# Reading a key's data needs possession: its keyring reachable from the
# reader's session keyring. A login session's keyring links the user keyring
# (pam_keyinit); a service's does not (systemd's KeyringMode=private, as in
# the test-vm guest), and there neither keyctl nor nslab may read the data.
# Give this shell the login kind, which nslab inherits.
keyctl new_session >/dev/null && keyctl link @u @s ||
    fail "could not make a session keyring that links the user keyring"

nslab_start -k
nslab_send_ok "keys"
assert_eq "$(keyctl id @u)" "$(jv result.user_keyring.id)" "keys: the host's user keyring, as keyctl names it"
assert_eq subject "$(jv result.reader)" "the subject read its own keyrings"
nslab_send_ok "key add $outside hostdata"
host_key=$(jv result.id)
assert_eq add_key "$(jv trace.0.call)" "key add is a traced add_key(2)"
assert_eq "$host_key" "$(keyctl search @u user "$outside")" "kernel: the key is in the host's user keyring"
assert_eq hostdata "$(keyctl pipe "$host_key")" "kernel: the key holds the data"
nslab_send_ok "key find $outside"
assert_eq "$host_key" "$(jv result.id)" "key find on the host finds it"
assert_eq hostdata "$(jv result.data)" "key find shows its data"

# A new user namespace whose uid 0 is uid 0 outside: another user keyring.
nslab_send_ok "unshare user"
nslab_send_ok "keys"
inner_ring=$(jv result.user_keyring.id)
[ "$inner_ring" != "$(keyctl id @u)" ] || fail "the new user namespace shows the host's user keyring"
assert_eq 0 "$(jv result.user_keyring.uid)" "uid 0 inside"
nslab_send_fails "key find $outside" ENOKEY
nslab_send_ok "key add $inside insidedata"
inner_key=$(jv result.id)
nslab_send_ok "key find $inside"
assert_eq "$inner_key" "$(jv result.id)" "found inside"
nslab_send_ok "spawn sleep 300"
job=$(jv result.pid)

# The kernel, from outside nslab: keyctl in the host's user namespace and in
# the job's.
keyctl search @u user "$inside" >/dev/null 2>&1 && fail "kernel: the key added inside is in the host's user keyring"
assert_eq "$inner_key" "$(nsenter -U -t "$job" keyctl search @u user "$inside")" \
    "kernel: keyctl in the job's user namespace finds the key added inside"
assert_eq "$inner_ring" "$(nsenter -U -t "$job" keyctl id @u)" "kernel: the job's user keyring is the one keys named"
nsenter -U -t "$job" keyctl search @u user "$outside" >/dev/null 2>&1 &&
    fail "kernel: the host's key is found in the new user namespace"

nslab_send_ok "keys %1"
assert_eq helper "$(jv result.reader)" "a helper read %1's keyrings"
assert_eq "$inner_ring" "$(jv result.user_keyring.id)" "keys %1: the user keyring of its user namespace"
assert_contains "$reply" "\"id\":$inner_key," "keys %1 lists the key added inside"
nslab_send_ok "keys host"
assert_eq "$(keyctl id @u)" "$(jv result.user_keyring.id)" "keys host: the host's user keyring"
assert_contains "$reply" "\"id\":$host_key," "keys host lists the host's key"
[[ $reply != *"\"id\":$inner_key,"* ]] || fail "keys host lists the key added inside"

# Bad input: one clear line, nothing reached the kernel, no key made.
before=$(ours)
check_bad()
{
    nslab_send_fails "$1"
    local err
    err=$(jv error)
    [ -n "$err" ] && [[ $err != *$'\n'* ]] || fail "'${1:0:40}': not one clear line: $err"
    assert_eq "[]" "$(jv trace)" "'${1:0:40}' reached the kernel"
}
check_bad "key add $inside-2"
check_bad "key add $(printf 'n%.0s' {1..4096}) data"
check_bad "key add $inside-3 $(printf 'd%.0s' {1..32768})"
check_bad "key find"
check_bad "key list"
assert_eq "$before" "$(ours)" "kernel: /proc/keys shows no new key of the test"
nslab_send_ok "kill %1"
nslab_send_ok "wait %1"
check_bad "keys %1"
assert_contains "$(jv error)" "%1" "keys of a dead job names the job"
nslab_send_ok "key find $inside"
nslab_stop
# Nothing left: exit unlinked the key it added to the host's user keyring.
keyctl search @u user "$outside" >/dev/null 2>&1 && fail "kernel: the host's key outlived the session"
echo "PASS $scenario"

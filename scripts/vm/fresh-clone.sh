#!/usr/bin/env bash
# Runs inside the plain Debian 12 server guest of `make test-vm-fresh` (as
# root, from scripts/vm/guest-run.sh): the installer's user, learner, follows
# the README on a machine with nothing of nslab's. First what a server lacks
# for it (git, make: the README's first line), then a fresh clone of the
# shared checkout's HEAD, then `sudo make run` fed a short script, then
# `sudo make test`. Each step's output goes to its own file beside exec.log;
# the script fails at the first step that fails.
set -uo pipefail
out=$1
as_learner() { runuser -u learner -- env -C /home/learner HOME=/home/learner "$@"; }

step()
{
    local name=$1 start=$SECONDS rc
    shift
    echo "== $name: $*"
    "$@" >"$out/$name.log" 2>&1
    rc=$?
    echo "== $name: status $rc, $((SECONDS - start)) s"
    tail -n 5 "$out/$name.log" | sed 's/^/   | /'
    [ "$rc" -eq 0 ] || exit "$rc"
}

echo "machine: $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -r), $(nproc) CPUs, $(df -h --output=avail / | tail -1) free"
step packages-before dpkg-query -W -f='${Package}\n'
echo "   $(wc -l <"$out/packages-before.log") packages installed; gcc: $(command -v gcc || echo none), make: $(command -v make || echo none), git: $(command -v git || echo none)"

# The README's prerequisite line, as the user types it.
step apt-update as_learner sudo apt-get update
step prerequisites as_learner sudo apt-get install -y git make
# The clone comes from a bundle of the shared checkout (made here as root,
# who owns the share), as from a remote: only what is committed.
branch=$(git -C /nslab symbolic-ref -q --short HEAD)
git -C /nslab bundle create /tmp/nslab.bundle HEAD ${branch:+"$branch"} >/dev/null 2>&1 &&
    chmod 644 /tmp/nslab.bundle || { echo "fresh-clone: cannot bundle /nslab"; exit 1; }
step clone as_learner git clone /tmp/nslab.bundle nslab

cat >/tmp/session.nsl <<'NSL'
unshare uts
hostname fresh-clone
ls-ns
cgcreate pids 20
cgls
NSL
run_session() { as_learner sh -c 'cd nslab && sudo make run </tmp/session.nsl'; }
step make-run run_session
grep -q 'fresh-clone' "$out/make-run.log" || { echo "fresh-clone: make run's session did not show the new hostname"; exit 1; }

run_tests() { as_learner sh -c 'cd nslab && sudo make test'; }
step make-test run_tests

#!/usr/bin/env bash
# A root session obeys no test hook and no catalog another user could have
# written: a planted cgroup tree does not make it kill a process, a planted
# message catalog does not give it printf formats (%p, %n); and a catalog
# root did install is used only where a translation has the conversions of
# its English original.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab
command -v msgfmt >/dev/null || skip "needs msgfmt (gettext)"

# --- NSLAB_CGROUP_ROOT: a tree nobody's, listing a live process as the
# --- member of a dead session's cgroups.
plant=$tmpdir/plant
mkdir -p "$plant"
chmod 777 "$plant"
sleep 300 &
victim=$!
for h in pids memory freezer cpuset cpu,cpuacct unified systemd; do
    mkdir -p "$plant/cg/$h/nslab.999999"
    echo "$victim" >"$plant/cg/$h/nslab.999999/cgroup.procs"
    echo "$victim" >"$plant/cg/$h/nslab.999999/tasks"
done
chown -R nobody "$plant/cg"
NSLAB_CGROUP_ROOT=$plant/cg "$NSLAB" -q -c hostname >/dev/null 2>"$tmpdir/err" || true
sleep 0.3
kill -0 "$victim" 2>/dev/null ||
    fail "a root session swept (killed) a process listed in a planted NSLAB_CGROUP_ROOT: $(cat "$tmpdir/err")"
[ -d "$plant/cg/pids/nslab.999999" ] || fail "a root session removed a planted cgroup tree"

# NSLAB_PROC_ROOT of the same kind is ignored too: the session works.
mkdir -p "$plant/proc"
chmod 777 "$plant/proc"
out=$(NSLAB_PROC_ROOT=$plant/proc "$NSLAB" -q -c hostname 2>&1) ||
    fail "a planted NSLAB_PROC_ROOT was obeyed: $out"
assert_contains "$out" "$(hostname)" "hostname with a planted NSLAB_PROC_ROOT"
kill "$victim"
wait "$victim" 2>/dev/null || true

# --- NSLAB_LOCALEDIR: a catalog whose translation is a format of its own.
catalog()  # DIR MSGSTR: a zh_CN catalog translating the unknown-command message
{
    mkdir -p "$1/zh_CN/LC_MESSAGES"
    cat >"$1/x.po" <<EOF
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

msgid "unknown command '%s' (\`help\` lists the commands)"
msgstr "$2"
EOF
    msgfmt -o "$1/zh_CN/LC_MESSAGES/nslab.mo" "$1/x.po"
}
probe()  # DIR: run an unknown command in Chinese with that catalog; sets rc, err
{
    rc=0
    NSLAB_LOCALEDIR=$1 "$NSLAB" --lang zh -q -c bogus-word >/dev/null 2>"$tmpdir/err" || rc=$?
    err=$(cat "$tmpdir/err")
}

# Another user's catalog: not read at all.
evil=$tmpdir/evil
catalog "$evil" "LEAK %p %p %p"
chown -R nobody "$evil"
probe "$evil"
assert_eq 1 "$rc" "a planted catalog: exit status"
[[ $err != *LEAK* ]] || fail "a root session used another user's catalog: $err"
assert_contains "$err" "bogus-word" "a planted catalog: the message still names the word"

# Root's own catalog, with a translation that does not carry the
# original's conversions: that translation is refused, English is used.
mine=$tmpdir/mine
catalog "$mine" "LEAK %p %p %p"
probe "$mine"
assert_eq 1 "$rc" "root's catalog with a bad format: exit status"
[[ $err != *LEAK* ]] || fail "a translation with other conversions was used as a format: $err"
assert_contains "$err" "unknown command 'bogus-word'" "the English original instead"
catalog "$mine" "WRITE %s %n"
probe "$mine"
assert_eq 1 "$rc" "a translation with %n: exit status (not a crash)"
[[ $err != *WRITE* ]] || fail "a translation with %n was used: $err"
# And a good translation of the same message is used.
catalog "$mine" "GOOD 未知命令 %s"
probe "$mine"
assert_contains "$err" "GOOD 未知命令 bogus-word" "a translation with the same conversions"
echo "PASS $scenario"

#!/usr/bin/env bash
# Every lab passes on a Chinese learner's machine: under the zh_CN.UTF-8
# locale, nslab speaks Chinese (chosen from the locale, as there) and the
# programs a lab runs with `!` inherit that locale, so `stat`, `cat`, `ping`
# ... answer in Chinese too. An expect line that matched such a program's
# English words fails here. (The runner replays the labs under C.UTF-8 and
# i18n.sh with --lang zh; this is the third way a learner runs them.)
# Skipped when this machine has no zh_CN.UTF-8 locale: scripts/install-deps.sh
# generates it.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_nslab

# Does the C library have the locale? (locale -a lists it as zh_CN.utf8.)
have=$(LC_ALL=zh_CN.UTF-8 locale 2>&1 >/dev/null) && true
if [ -n "$have" ] || ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
    skip "the zh_CN.UTF-8 locale is not generated on this machine (scripts/install-deps.sh generates it)"
fi

# The locale really changes what programs say, or this test checks nothing.
zh_err=$(LC_ALL=zh_CN.UTF-8 cat /nonexistent-nslab-locale-check 2>&1) && true
c_err=$(LC_ALL=C cat /nonexistent-nslab-locale-check 2>&1) && true
[ "$zh_err" != "$c_err" ] || skip "programs answer in English even under zh_CN.UTF-8 here (no Chinese messages installed)"

n=0 failed=()
for l in labs/*.lab; do
    if [ "$(id -u)" -ne 0 ] && grep -Eq '^#[[:space:]]*requires:.*root' "$l"; then
        continue
    fi
    if ! env -u LANGUAGE -u LC_MESSAGES LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 \
        "$NSLAB" --no-color "$l" > "$tmpdir/out" 2>&1; then
        failed+=("$l: $(grep -m3 '^✗' "$tmpdir/out" | tr '\n' ' ')")
    fi
    n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no lab replayed"
if [ "${#failed[@]}" -gt 0 ]; then
    printf '%s\n' "${failed[@]}" >&2
    fail "${#failed[@]} of $n labs fail under LC_ALL=zh_CN.UTF-8"
fi
# nslab did speak Chinese there (the locale chose it).
out=$(env -u LANGUAGE LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 "$NSLAB" -q --no-trace -c help)
python3 -c 'import re,sys; sys.exit(0 if re.search("[\u4e00-\u9fff]", sys.stdin.read()) else 1)' <<<"$out" ||
    fail "under LC_ALL=zh_CN.UTF-8 nslab's help is not in Chinese"
echo "ok: $n labs pass under LC_ALL=zh_CN.UTF-8"

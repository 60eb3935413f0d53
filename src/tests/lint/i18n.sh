#!/usr/bin/env bash
# Chinese (--lang zh, or a zh_* locale): every translatable string has a
# translation, every command's help comes out in Chinese, error sentences
# and lab narration too, and English stays the default.
# test-timeout: 360 (it replays every lab in Chinese: over two minutes on a busy
# machine, and under ASan)
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"
require_nslab
command -v xgettext >/dev/null || skip "xgettext (package gettext) is missing"

has_cjk() { python3 -c 'import re,sys; sys.exit(0 if re.search("[\u4e00-\u9fff]", sys.stdin.read()) else 1)'; }

# 1. The PO files cover every string the sources and labs have now, and
#    none is fuzzy (a guess msgmerge made, never shown by gettext).
for part in commands messages labs; do
    po=docs/i18n/zh_CN/$part.po
    scripts/i18n-pot "$part" > "$tmpdir/$part.pot" 2>/dev/null || fail "scripts/i18n-pot $part failed"
    msgcmp "$po" "$tmpdir/$part.pot" 2> "$tmpdir/msgcmp" ||
        fail "$po lacks translations (make po, then translate): $(head -5 "$tmpdir/msgcmp")"
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid' || true)
    [ "$fuzzy" -eq 0 ] || fail "$po has $fuzzy fuzzy entries"
    msgfmt --check -o /dev/null "$po" || fail "$po: msgfmt --check fails"
done

# 2. Every command's help, in Chinese with --lang zh and with LANG=zh_CN,
#    and in English without.
mapfile -t cmds < <("$NSLAB" --dump-commands | sed -n 's/^## \(.*\)/\1/p')
[ "${#cmds[@]}" -gt 30 ] || fail "found only ${#cmds[@]} commands in --dump-commands"
for c in "${cmds[@]}"; do
    # (the first line is the echoed prompt, then the synopsis, the summary)
    zh=$(LANG=C LC_ALL= "$NSLAB" --lang zh -q --no-trace -c "help $c" | sed 1d) ||
        fail "help $c failed in Chinese"
    summary=$(sed -n 2p <<<"$zh")
    has_cjk <<<"$summary" || fail "help $c: the summary is not in Chinese: $summary"
    body=$(sed -n '4,$p' <<<"$zh")
    has_cjk <<<"$body" || fail "help $c: the help text is not in Chinese"
    en=$(LANG=C LC_ALL= "$NSLAB" -q --no-trace -c "help $c")
    ! has_cjk <<<"$en" || fail "help $c is not in English by default"
done
# A man page that exists only in English says so in Chinese; signal(7) has
# a Chinese translation, and English adds nothing.
# (the "Read:" line; the command's equivalent outside nslab follows it)
read_zh=$(LANG=C LC_ALL= "$NSLAB" --lang zh -q --no-trace -c "help kill" | grep -F '参阅')
grep -qF 'pid_namespaces(7)（英文）' <<<"$read_zh" || fail "help kill in Chinese: no 英文 mark: $read_zh"
grep -qF 'signal(7),' <<<"$read_zh" || fail "help kill in Chinese: signal(7) is marked: $read_zh"
read_en=$(LANG=C LC_ALL= "$NSLAB" -q --no-trace -c "help kill" | grep "^Read: ")
[ "$read_en" = "Read: kill(2), signal(7), pid_namespaces(7)" ] || fail "help kill in English: $read_en"
out=$(LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 "$NSLAB" -q --no-trace -c help)
has_cjk <<<"$out" || fail "LANG=zh_CN.UTF-8 does not select Chinese"
out=$(LC_ALL= LC_MESSAGES= LANG=zh_CN.UTF-8 "$NSLAB" --lang en -q --no-trace -c help)
! has_cjk <<<"$out" || fail "--lang en does not override LANG=zh_CN.UTF-8"
out=$(LANG=C "$NSLAB" --lang zh --help)
has_cjk <<<"$out" || fail "nslab --lang zh --help is not in Chinese"

# 3. Error sentences: one line on stderr, in Chinese; the session goes on.
err=$("$NSLAB" --lang zh -q --no-trace -k -c 'lsns; unshare nosuchtype; say ok' 2>&1 >/dev/null) && true
[ "$(wc -l <<<"$err")" -eq 2 ] || fail "expected two error lines, got: $err"
while IFS= read -r line; do
    has_cjk <<<"$line" || fail "error sentence not in Chinese: $line"
done <<<"$err"

# The command words nslab knows, which stay English in Chinese text.
"$NSLAB" --dump-commands | sed -n 's/^## \(.*\)/\1/p' | tr ' ' '\n' | sort -u > "$tmpdir/words"
[ "$(wc -l < "$tmpdir/words")" -gt 30 ] || fail "found too few command words"

# 4. Every lab passes in Chinese too: its expect lines check the kernel's
#    facts, not nslab's English (commands and keywords are the same).
nzh=0
for l in labs/*.lab; do
    if [ "$(id -u)" -ne 0 ] && grep -Eq '^#[[:space:]]*requires:.*root' "$l"; then
        continue
    fi
    "$NSLAB" --lang zh --no-color "$l" > "$tmpdir/zh.out" 2>&1 ||
        fail "$l fails in Chinese: $(grep -m3 '^✗' "$tmpdir/zh.out")"
    # ... and says nothing in English but names (scripts/zh-english).
    scripts/zh-english --words "$tmpdir/words" < "$tmpdir/zh.out" > "$tmpdir/english" ||
        fail "$l in Chinese still prints English: $(head -5 "$tmpdir/english")"
    nzh=$((nzh + 1))
done
[ "$nzh" -gt 0 ] || fail "no lab replayed in Chinese"

# 5. Lab narration: a replayed lab says every `say` line in Chinese.
lab=labs/user.lab
out=$("$NSLAB" --lang zh --no-color "$lab" 2>/dev/null) || fail "$lab fails with --lang zh"
n=0
while IFS= read -r said; do
    # The say line as the lab has it (quotes and escapes), through the lexer.
    en=$(LANG=C "$NSLAB" -q --no-trace -c "$said" | tail -n 1)
    zh=$(LANG=C "$NSLAB" --lang zh -q --no-trace -c "$said" | tail -n 1)
    [ "$zh" != "$en" ] || fail "$lab: no Chinese for: $en"
    assert_contains "$out" "$zh" "$lab narration in Chinese"
    n=$((n + 1))
done < <(grep '^say "' "$lab")
[ "$n" -gt 5 ] || fail "$lab has only $n say lines"
# 6. Every kind of line nslab writes (tables, events, results, cgls,
#    mounts, id, ipc, clock) comes out in Chinese: the checker itself
#    finds English (else it could pass anything), then the fixture's
#    transcript holds none.
printf '%s\n' 'nslab 1> jobs' '  ns of subject 7: all ten the host'"'"'s' |
    scripts/zh-english --words "$tmpdir/words" > /dev/null &&
    fail "scripts/zh-english does not flag an English line"
printf '%s\n' 'nslab 1> !echo hello world' 'hello world' '  -> kill(7, SIGTERM) = 0' \
    '[%1 stress cpu 1] 已退出，退出状态 0' 'mnt ns 4026531840：mount namespace' |
    scripts/zh-english --words "$tmpdir/words" > "$tmpdir/english" ||
    fail "scripts/zh-english flags names or a program's output: $(cat "$tmpdir/english")"
if [ "$(id -u)" -eq 0 ]; then
    "$NSLAB" --lang zh --no-color src/tests/fixtures/zh/commands.nsl > "$tmpdir/cmds.out" 2>&1 ||
        fail "src/tests/fixtures/zh/commands.nsl fails in Chinese: $(grep -m3 ':[0-9]*: ' "$tmpdir/cmds.out")"
    scripts/zh-english --words "$tmpdir/words" < "$tmpdir/cmds.out" > "$tmpdir/english" ||
        fail "commands in Chinese still print English: $(head -5 "$tmpdir/english")"

    # 7. -J does not change with the language: the same objects, but for
    #    "output" and "error" (the text, as shown) and the values a replay
    #    cannot repeat (numbers, the scratch directory).
    for lang in en zh; do
        "$NSLAB" --stable -J --lang "$lang" src/tests/fixtures/zh/json.nsl > "$tmpdir/json.$lang" 2>&1 ||
            fail "src/tests/fixtures/zh/json.nsl fails with --lang $lang"
    done
    python3 - "$tmpdir/json.en" "$tmpdir/json.zh" <<'PY' || fail "-J differs between --lang en and zh"
import json, re, sys
def load(path):
    def norm(v):
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items() if k not in ("output", "error")}
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return 0
        if isinstance(v, str):
            return re.sub(r"\d+", "0", re.sub(r"nslab-scratch\.\w+", "S", v))
        return v
    return [norm(json.loads(l)) for l in open(path, encoding="utf-8") if l.startswith("{")]
a, b = load(sys.argv[1]), load(sys.argv[2])
for x, y in zip(a, b):
    if x != y:
        sys.exit("first difference:\n%s\n%s" % (json.dumps(x)[:400], json.dumps(y)[:400]))
sys.exit(0 if len(a) == len(b) and a else "%d objects, %d" % (len(a), len(b)))
PY
fi
echo "ok: ${#cmds[@]} commands' help, errors, $nzh labs and $lab's $n say lines in Chinese"

#!/usr/bin/env bash
# One vocabulary in Chinese: every zh text (the PO translations, the explain
# texts in docs/explain/zh, Chinese documents) uses the terms of
# docs/glossary.zh-CN.md, never a spelling its "避免" column lists
# (scripts/glossary-check). First, the checker itself is seen to catch a
# dispreferred term, in a msgstr and in a text, and to leave msgids alone.
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"

[ -f docs/glossary.zh-CN.md ] || fail "docs/glossary.zh-CN.md is missing"

# 1. The checker fails on a planted term and names its place.
cat > "$tmpdir/t.po" <<'PO'
msgid "The kernel re-parents the orphan to the namespace's init."
msgstr "内核把这个孤儿进程过继给该命名空间的 init。"

msgid "命名空间 in a msgid is the source text, not a translation"
msgstr "namespace"
PO
printf '孤儿进程会被 init 收养。\n每个控制器控制一种资源。\n' > "$tmpdir/t.txt"
out=$(scripts/glossary-check "$tmpdir/t.po" "$tmpdir/t.txt") && fail "glossary-check passed texts with 过继, 命名空间 and 控制器: $out"
assert_contains "$out" "t.po:2: '过继'" "the adopted term in a msgstr"
assert_contains "$out" "t.po:2: '命名空间'" "namespace translated in a msgstr"
assert_contains "$out" "t.txt:2: '控制器'" "controller in a text"
[ "$(grep -c "^$tmpdir/t.po" <<<"$out")" -eq 2 ] || fail "glossary-check flags a msgid or misses a msgstr: $out"
printf '孤儿进程会被 init 收养。\n' > "$tmpdir/ok.txt"
scripts/glossary-check "$tmpdir/ok.txt" >/dev/null || fail "glossary-check flags a text that follows the glossary"
# In a markdown document, code (commands, expect lines, output) stays as it
# is; the prose around it is checked.
printf '# 标题

`expect output "every capability"` 检查能力。

```
capability
```

内核把孤儿进程过继给 init。
' > "$tmpdir/t.md"
out=$(scripts/glossary-check "$tmpdir/t.md") && fail "glossary-check passed 过继 in a document's prose"
assert_contains "$out" "t.md:9: '过继'" "the adopted term in a document's prose"
[ "$(grep -c "^$tmpdir/t.md" <<<"$out")" -eq 1 ] || fail "glossary-check flags a document's code: $out"

# 2. The zh texts it checks by default include the Chinese documents beside
#    the English ones, wherever they are.
list=$(scripts/glossary-check --list) || fail "glossary-check --list failed"
for f in README.zh-CN.md docs/tutorial.zh-CN.md labs/README.zh-CN.md docs/coverage.zh-CN.md \
    docs/i18n/zh_CN/messages.po; do
    grep -qxF "$f" <<<"$list" || fail "glossary-check does not check $f"
done

# 3. nslab's own zh texts follow the glossary.
out=$(scripts/glossary-check) || fail "zh texts use terms the glossary avoids:
$(head -n 40 <<<"$out")"
echo "ok: the zh texts follow docs/glossary.zh-CN.md"

#!/usr/bin/env bash
# The Chinese documents stay twins of the English ones (scripts/zh-twins):
# README.zh-CN.md, docs/tutorial.zh-CN.md, labs/README.zh-CN.md and
# docs/coverage.zh-CN.md exist, link to and from their originals, and have
# the same level-2 and level-3 headings (by count), the same commands in
# code spans and blocks, the same tables (rows, and cells that are code:
# labs, expect lines) and transcript markers. First, the checker itself is
# seen to catch a missing twin and each kind of drift, and to pass a
# faithful translation. Reads files only: no root needed.
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
check=$top/scripts/zh-twins

cat > "$tmpdir/en.md" <<'MD'
# Doc

[中文](zh.md)

Run `sudo build/nslab labs/uts.lab`, then `unshare uts` and
`hostname container-1`.

## One

```sh
sudo make run     # builds and starts nslab
```

## Two

| lab | what |
|---|---|
| `uts.lab` | a hostname |
| `pid.lab` | PID 1 |

```
nslab pid@1> say "Hello."
Hello.
```
MD
cat > "$tmpdir/zh.md" <<'MD'
# 文档

[English](en.md)

先运行 `sudo build/nslab --lang zh labs/uts.lab`，再运行 `unshare uts` 和
`hostname container-1`。

## 一

```sh
sudo make run     # 构建并启动 nslab
```

## 二

| 实验 | 内容 |
|---|---|
| `uts.lab` | 主机名 |
| `pid.lab` | PID 1 |

```
nslab pid@1> say "你好。"
你好。
```
MD
out=$("$check" "$tmpdir/en.md" "$tmpdir/zh.md") || fail "zh-twins flags a faithful translation: $out"

# Each planted drift is caught and named.
plant()
{
    local what=$1 expect=$2
    shift 2
    mkdir -p "$tmpdir/bad"
    sed "$@" "$tmpdir/zh.md" > "$tmpdir/bad/zh.md"
    out=$("$check" "$tmpdir/en.md" "$tmpdir/bad/zh.md") && fail "zh-twins passed a twin with $what: $out"
    assert_contains "$out" "$expect" "zh-twins on $what"
}
plant "a missing heading" "1 level-2 (##) headings, the English has 2" -e 's/^## 二$/二/'
plant "a command left out" "lacks the command \`unshare uts\`" -e 's/`unshare uts` 和//'
plant "a command changed" "has a command the English lacks: \`hostname container-2\`" -e 's/container-1/container-2/'
plant "a fenced command changed" "lacks the command \`sudo make run\`" -e 's/^sudo make run /sudo make test/'
plant "a table row lost" "table 1 has 2 rows, the English 3" -e '/^| `pid.lab`/d'
plant "a table's code cell changed" "table 1, row 3, column 1: \`net.lab\` where the English has \`pid.lab\`" -e 's/`pid.lab`/`net.lab`/'
plant "no link back" "no link to en.md" -e 's/(en.md)/(other.md)/'
out=$("$check" "$tmpdir/en.md" "$tmpdir/none/zh.md") && fail "zh-twins passed a missing twin"
assert_contains "$out" "none/zh.md: missing" "zh-twins on a missing twin"

# nslab's own documents and their twins.
out=$("$check") || fail "the Chinese documents drifted from the English (translate the change):
$out"
echo "ok: $out"

#!/usr/bin/env bash
# The transcripts of docs/tutorial.md and of its Chinese twin
# docs/tutorial.zh-CN.md are real: this script replays docs/tutorial.nsl with
# `nslab --stable --lang en` and again with `--lang zh` (as root: it makes
# namespaces and a cgroup) and puts the output of each part of the script
# into the tutorial of that language. Both pages run the one script, so they
# show the same commands.
#
#   scripts/tutorial.sh           rewrite the transcripts of both pages
#   scripts/tutorial.sh --check   fail (exit 1) when they differ from a fresh run
#
# NSLAB names the binary (default build/nslab). `make tutorial` runs the
# first form, src/tests/lint/tutorial.sh the second.
#
# How the two files fit together: in docs/tutorial.nsl, a line "#> NAME"
# starts part NAME, and every other line that is not blank or a comment is
# one command. In docs/tutorial.md, the lines
#     <!-- transcript NAME -->
#     <!-- end transcript -->
# enclose part NAME's output (stdout and stderr, as a terminal shows them),
# which this script writes as a fenced block. The output is cut where the
# echo of each part's first command begins ("nslab pid@1> COMMAND").
#
# Parts named cgroup-* show the machine's cgroup layout (v1 or v2 file names
# and paths). The tutorial records the layout its transcript was made on (the
# first lines of `cgls`) between "<!-- cgroup layout" and "-->". On a
# machine with another layout, --check compares every other part byte for
# byte and only requires the cgroup parts to run green, and says so.
set -euo pipefail

check=false
case ${1:-} in
--check) check=true ;;
"") ;;
*)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
NSLAB=${NSLAB:-$top/build/nslab}
script=docs/tutorial.nsl
# The pages, as "LANG DOC".
pages=("en docs/tutorial.md" "zh docs/tutorial.zh-CN.md")
if [ ! -x "$NSLAB" ]; then
    echo "tutorial: $NSLAB is not built (make first)" >&2
    exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "tutorial: the session needs root (sudo make tutorial)" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nslab-tutorial.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The data files and roots of this tree, whatever the caller's environment;
# $lang is the page's language.
lang=en
run_nslab()
{
    env -u NSLAB_DATA -u NSLAB_PROC_ROOT -u NSLAB_CGROUP_ROOT -u NO_COLOR \
        "$NSLAB" --stable --lang "$lang" "$@"
}

# This machine's cgroup layout, as cgls reports it (in English: the pages
# record it in a comment).
run_nslab -q --no-trace -c cgls </dev/null |
    awk '/^cgroup layout:/ { on = 1 } /^This session/ { on = 0 } on' >"$tmp/layout"
[ -s "$tmp/layout" ] || { echo "tutorial: cgls printed no layout" >&2; exit 1; }

# The tutorial with transcripts (and layout) put in: $1 is the layout file,
# $2 the directory of out.NAME files (and of the list "parts"), $3 "blank"
# to replace the cgroup parts by a placeholder (to compare across layouts).
splice()
{
    awk -v layout="$1" -v dir="$2" -v blank="${3:-}" -v parts="$out/parts" '
        BEGIN { while ((getline p < parts) > 0) want[p] = 1 }
        skip && /^<!-- end transcript -->$/ { skip = 0 }
        skip && /^-->$/ && inlayout { skip = 0; inlayout = 0 }
        skip { next }
        /^<!-- cgroup layout/ {
            print; while ((getline l < layout) > 0) print l
            skip = 1; inlayout = 1; next
        }
        /^<!-- transcript [^ ]+ -->$/ {
            name = $3; print
            if (!(name in want)) { print "tutorial: " FILENAME " has no part " name " in the script" > "/dev/stderr"; bad = 1 }
            seen[name] = 1
            print "```"
            if (blank != "" && name ~ /^cgroup-/) print "(depends on the cgroup layout)"
            else while ((getline l < (dir "/out." name)) > 0) print l
            print "```"
            skip = 1; next
        }
        { print }
        END {
            for (p in want) if (!(p in seen)) { print "tutorial: part " p " has no <!-- transcript " p " --> in " FILENAME > "/dev/stderr"; bad = 1 }
            if (skip) { print "tutorial: an unterminated transcript or layout block in " FILENAME > "/dev/stderr"; bad = 1 }
            exit bad
        }' "$doc"
}

# One page: replay the script in $lang, cut its output into parts in
# $out, then rewrite $doc or compare it with them.
one_page()
{
    out=$tmp/$lang
    mkdir -p "$out"
    if [ ! -f "$doc" ]; then
        echo "tutorial: no $doc (the $lang page of the tutorial)" >&2
        exit 1
    fi
    # The session. The path is given as the script names it, since failed
    # steps print "docs/tutorial.nsl:LINE:".
    local rc=0
    run_nslab "$script" >"$out/out" 2>&1 </dev/null || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "tutorial: $script exited with status $rc under --lang $lang; its output ends:" >&2
        tail -n 20 "$out/out" | sed 's/^/    /' >&2
        exit 1
    fi
    if grep -q '✗' "$out/out"; then
        echo "tutorial: an expect failed under --lang $lang: $(grep '✗' "$out/out")" >&2
        exit 1
    fi

    # Cut the output into parts: out.NAME, and "NAME" lines in order in parts.
    awk -v dir="$out" '
        FNR == NR {
            if ($0 ~ /^#> /) { part = substr($0, 4); print part > (dir "/parts"); next }
            if ($0 ~ /^[[:space:]]*(#|$)/) next
            sub(/^[[:space:]]+/, ""); sub(/[[:space:]]+$/, "")
            if (part == "") { print "tutorial: a command before the first #> line: " $0 > "/dev/stderr"; bad = 1; exit }
            ncmd++; cmd[ncmd] = $0; first[ncmd] = (part != last) ? part : ""; last = part
            next
        }
        {
            # The echo of the next command: "nslab LABEL[ [TYPES]]> COMMAND".
            if (j < ncmd && substr($0, 1, 6) == "nslab " &&
                substr($0, length($0) - length(cmd[j + 1]) - 1) == "> " cmd[j + 1]) {
                j++
                if (first[j] != "") cur = first[j]
            }
            if (cur == "") { print "tutorial: output before the first command: " $0 > "/dev/stderr"; bad = 1; exit }
            print > (dir "/out." cur)
        }
        END {
            if (!bad && j < ncmd) { print "tutorial: the output has no echo of: " cmd[j + 1] > "/dev/stderr"; bad = 1 }
            exit bad
        }' "$script" "$out/out"

    splice "$tmp/layout" "$out" >"$out/fresh.md"
    if ! $check; then
        cp "$out/fresh.md" "$doc"
        echo "tutorial: $doc rewritten from a fresh run of $script (--lang $lang)"
        return 0
    fi

    # The layout the transcript was made on.
    awk '/^<!-- cgroup layout/ { on = 1; next } on && /^-->$/ { exit } on' "$doc" >"$out/layout.doc"
    if cmp -s "$tmp/layout" "$out/layout.doc"; then
        if ! cmp -s "$out/fresh.md" "$doc"; then
            echo "tutorial: $doc differs from a fresh --stable --lang $lang run of $script (make tutorial):" >&2
            diff -u "$doc" "$out/fresh.md" | head -n 40 >&2
            exit 1
        fi
        echo "tutorial: every transcript of $doc equals a fresh run"
        return 0
    fi
    # Another layout: compare all but the cgroup parts (both sides spliced
    # the same way, the page's own transcripts taken out of it first).
    splice "$out/layout.doc" "$out" blank >"$out/fresh.blank"
    mkdir -p "$out/doc"
    awk -v dir="$out/doc" '
        /^<!-- transcript [^ ]+ -->$/ { name = $3; getline; on = 1; next }
        on && /^```$/ { on = 0; next }
        on { print > (dir "/out." name) }' "$doc"
    splice "$out/layout.doc" "$out/doc" blank >"$out/doc.blank"
    if ! cmp -s "$out/fresh.blank" "$out/doc.blank"; then
        echo "tutorial: $doc differs from a fresh --stable --lang $lang run of $script outside the cgroup parts (make tutorial):" >&2
        diff -u "$out/doc.blank" "$out/fresh.blank" | head -n 40 >&2
        exit 1
    fi
    echo "tutorial: the transcripts of $doc equal a fresh run, except the cgroup parts: made on another cgroup layout (they ran green)"
}

for page in "${pages[@]}"; do
    lang=${page%% *}
    doc=${page#* }
    one_page
done

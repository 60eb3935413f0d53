#!/usr/bin/env bash
# docs/nslab.1 cannot go stale: it renders without a single groff warning,
# its OPTIONS are exactly the options `nslab --help` lists (long and short,
# both ways), its COMMANDS name every command of the command table and
# nothing else, its ENVIRONMENT names every variable the code reads and
# nothing else, and `make install` puts it in share/man/man1. No root needed.
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"
require_nslab

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
page=$top/docs/nslab.1
[ -f "$page" ] || fail "no man page at docs/nslab.1"
command -v groff >/dev/null ||
    fail "groff is missing: scripts/install-deps.sh installs it (groff-base)"

# --- it renders, warning-free ---------------------------------------------------
for dev in utf8 ascii; do
    warn=$(groff -man -T"$dev" -ww -z "$page" 2>&1) || fail "groff -T$dev failed: $warn"
    [ -z "$warn" ] || fail "groff -T$dev warns: $warn"
done
text=$(groff -man -Tutf8 -ww "$page" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g')
assert_contains "$text" "EXIT STATUS" "the rendered page"

# The tag lines (the line after .TP) of one section of the roff source, with
# \- as -.
section_tags()
{
    awk -v sec="$1" '
        /^\.SH / { on = ($0 == ".SH " sec); next }
        on && /^\.TP/ { tag = 1; next }
        on && tag { print; tag = 0 }' "$page" | sed 's/\\-/-/g'
}

# --- OPTIONS: exactly those of --help -------------------------------------------
help=$("$NSLAB" --help)
help_opts=$(grep -E '^ +-' <<<"$help" | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' |
    sed 's/^[ ,]*//' | sort -u)
man_opts=$(section_tags OPTIONS | grep -oE '(^|[ ,"])--?[a-zA-Z][a-zA-Z-]*' |
    sed 's/^[ ,"]*//' | sort -u)
[ -n "$help_opts" ] || fail "found no option in nslab --help"
missing=$(comm -23 <(echo "$help_opts") <(echo "$man_opts"))
extra=$(comm -13 <(echo "$help_opts") <(echo "$man_opts"))
[ -z "$missing" ] || fail "options in nslab --help but not in the man page's OPTIONS: $missing"
[ -z "$extra" ] || fail "options in the man page's OPTIONS but not in nslab --help: $extra"

# --- COMMANDS: exactly the command table ----------------------------------------
table=$("$NSLAB" --dump-commands | sed -n 's/^## //p' | sort -u)
[ -n "$table" ] || fail "nslab --dump-commands lists no command"
# Tags are ".B name", ".BR a ", " b" or ".BI ! PROGRAM" (the ! command).
man_cmds=$(section_tags COMMANDS | sed -E 's/^\.BI ! .*/!/; s/^\.(B|BR) //; s/" *, *"/ /g; s/"//g' |
    tr ' ' '\n' | sed '/^$/d' | sort -u)
missing=$(comm -23 <(echo "$table") <(echo "$man_cmds"))
extra=$(comm -13 <(echo "$table") <(echo "$man_cmds"))
[ -z "$missing" ] || fail "commands of the table missing from the man page's COMMANDS: $missing"
[ -z "$extra" ] || fail "the man page's COMMANDS names what is no command: $extra"

# --- ENVIRONMENT: exactly what the code reads -----------------------------------
code_env=$(cd "$top" && find src -name '*.[ch]' -not -path 'src/tests/*' -print0 |
    xargs -0 grep -ohE 'getenv\("[A-Z_]+"\)|"NSLAB_[A-Z_]+"|"(LC_[A-Z]+|LANG)"' |
    grep -oE '[A-Z][A-Z_]+' | grep -v '^getenv$' | sort -u)
man_env=$(section_tags ENVIRONMENT | sed -E 's/^\.[A-Z]+ //' | grep -oE '[A-Z][A-Z_]+' | sort -u)
[ -n "$code_env" ] || fail "found no environment variable in the code"
missing=$(comm -23 <(echo "$code_env") <(echo "$man_env"))
extra=$(comm -13 <(echo "$code_env") <(echo "$man_env"))
[ -z "$missing" ] || fail "variables the code reads but the man page's ENVIRONMENT lacks: $missing"
[ -z "$extra" ] || fail "the man page's ENVIRONMENT names what the code never reads: $extra"

# --- make install puts it where man looks ---------------------------------------
# The build directory of the binary under test, so make neither rebuilds nor
# mixes build flavours (-o: take the binary as it is).
case $NSLAB in
"$top"/*/nslab)
    b=${NSLAB#"$top"/}
    b=${b%/nslab}
    dest=$tmpdir/root
    out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top" --no-print-directory \
        -o "$b/nslab" install B="$b" PREFIX=/usr DESTDIR="$dest" 2>&1) ||
        fail "make install failed: $out"
    cmp -s "$page" "$dest/usr/share/man/man1/nslab.1" ||
        fail "make install did not install docs/nslab.1 as usr/share/man/man1/nslab.1"
    [ -x "$dest/usr/bin/nslab" ] || fail "make install did not install usr/bin/nslab"
    ;;
*)
    echo "note: $NSLAB is not a build of $top: make install not tried"
    ;;
esac
echo "manpage: renders clean; options, commands and environment match the program; installed"

#!/usr/bin/env bash
# scripts/check-layers measures what it claims: small C trees of its own are
# compiled in a temporary directory, and the script must find the circle
# planted in one (naming its files and the edge that closes it) and exit 1,
# and pass the same files arranged without a circle. Its other limits (long
# functions, cJSON calls in src/cmd, declared layers) and its usage errors
# are each seen to fire, and so is a circle of folders without one of files.
# A lint/tool test: no root, no nslab session.
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"

top=$PWD
cl=$top/scripts/check-layers
[ -x "$cl" ] || fail "scripts/check-layers is missing or not executable"
cc=${CC:-cc}
command -v "$cc" >/dev/null || skip "no C compiler ($cc)"
command -v nm >/dev/null || skip "nm (binutils) is missing"
command -v ctags-universal >/dev/null || command -v ctags >/dev/null ||
    skip "ctags is missing (universal-ctags)"

# put TREE FILE TEXT: write TEXT to TREE/src/FILE.
put()
{
    mkdir -p "$(dirname "$1/src/$2")"
    printf '%s\n' "$3" > "$1/src/$2"
}

# build TREE: compile every TREE/src/**.c to TREE/build/src/**.o, the way
# the Makefile lays out objects.
build()
{
    local c o
    while IFS= read -r c; do
        o=$1/build/${c#"$1"/}
        o=${o%.c}.o
        mkdir -p "$(dirname "$o")"
        "$cc" -std=gnu11 -O2 -c -o "$o" "$c" || fail "cannot compile fixture $c"
    done < <(find "$1/src" -name '*.c' | sort)
}

# check TREE ARGS...: run check-layers on TREE; sets $out and $rc.
check()
{
    local tree=$1
    shift
    rc=0
    out=$(cd "$tree" && "$cl" --src "$tree/src" "$@" 2>&1) || rc=$?
}

# 1. A circle of three files over two folders: a.c -> sub/b.c -> c.c -> a.c.
t=$tmpdir/circle
put "$t" a.c 'int b_run(int); int a_helper(int x) { return x + 1; } int a_run(int x) { return b_run(x); }'
put "$t" sub/b.c 'int c_run(int); int b_run(int x) { return c_run(x) * 2; }'
put "$t" c.c 'int a_helper(int); int c_run(int x) { return a_helper(x) - 3; }'
build "$t"
check "$t"
assert_eq 1 "$rc" "check-layers on a tree with a circle"
assert_contains "$out" "circle 1: 3 files" "the circle and its size"
assert_contains "$out" "files: src/a.c src/c.c src/sub/b.c" "the circle's files"
assert_contains "$out" "circle of 3 files over src/ src/sub/" "the circle across folders"
assert_contains "$out" "folder circle: src/ src/sub/" "the folder circle"
assert_contains "$out" "check-layers: FAIL" "the verdict"
# One edge closes it: the call back from c.c, named with its symbol.
assert_contains "$out" "edges that close it (1;" "one closing edge"
closing=$(sed -n '/edges that close it/{n;s/^ *//;p}' <<<"$out")
assert_eq "src/c.c -> src/a.c : a_helper" "$closing" "the edge that closes the circle"

# 2. The files without the call back, c.c moved below src/sub/ (left in
# src/, the folders would still make a circle): no circle, exit 0.
t=$tmpdir/clean
put "$t" a.c 'int b_run(int); int a_run(int x) { return b_run(x); }'
put "$t" sub/b.c 'int c_run(int); int b_run(int x) { return c_run(x) * 2; }'
put "$t" sub/c.c 'int c_run(int x) { return x - 3; }'
build "$t"
check "$t"
assert_eq 0 "$rc" "check-layers on a tree without a circle (output: $out)"
assert_contains "$out" "largest circle: 0 files" "the summary of a clean tree"
assert_contains "$out" "check-layers: OK" "the verdict on a clean tree"

# With c.c left in src/, no file circle but a folder circle: src/ -> src/sub/
# -> src/.
t=$tmpdir/folders
put "$t" a.c 'int b_run(int); int a_run(int x) { return b_run(x); }'
put "$t" sub/b.c 'int c_run(int); int b_run(int x) { return c_run(x) * 2; }'
put "$t" c.c 'int c_run(int x) { return x - 3; }'
build "$t"
check "$t"
assert_eq 1 "$rc" "check-layers on folders that make a circle"
assert_contains "$out" "largest circle: 0 files" "no circle of files"
assert_contains "$out" "folder circle: src/ src/sub/" "the folder circle"
assert_contains "$out" "FAIL: a circle of 2 folders" "the verdict on the folder circle"

# 3. A circle of three files in one folder is within the default limit of 3,
# and over --max-circle 2.
t=$tmpdir/small
put "$t" x.c 'int y(int); int x(int v) { return v ? y(v - 1) : 0; }'
put "$t" y.c 'int z(int); int y(int v) { return v ? z(v - 1) : 1; }'
put "$t" z.c 'int x(int); int z(int v) { return v ? x(v - 1) : 2; }'
build "$t"
check "$t"
assert_eq 0 "$rc" "a 3-file circle in one folder with the default limit (output: $out)"
assert_contains "$out" "circle 1: 3 files" "the small circle is still reported"
check "$t" --max-circle 2
assert_eq 1 "$rc" "a 3-file circle with --max-circle 2"
assert_contains "$out" "a circle of 3 files (limit 2)" "the limit named in the verdict"

# 4. A declared order: an edge up is reported; so is a file in no layer.
printf '# top first\nsrc/a.c\nsrc/sub/\n' > "$tmpdir/order.txt"
check "$tmpdir/clean" --layers "$tmpdir/order.txt"
assert_eq 0 "$rc" "edges that point down the declared order (output: $out)"
# A file's own name beats its folder: sub/c.c sits above sub/b.c.
printf 'src/sub/c.c\nsrc/sub/\nsrc/a.c\n' > "$tmpdir/up.txt"
check "$tmpdir/clean" --layers "$tmpdir/up.txt"
assert_eq 1 "$rc" "edges that point up the declared order"
assert_contains "$out" "src/a.c -> src/sub/b.c : b_run (layer 2 -> 1)" "an upward edge"
assert_contains "$out" "src/sub/b.c -> src/sub/c.c : c_run (layer 1 -> 0)" "an upward edge to a file placed by name"
assert_contains "$out" "upward edges: 2" "both upward edges"
# shellcheck disable=SC2016 # backquotes, not an expansion
printf 'Text.\n\n```layers\nsrc/a.c\nsrc/sub/b.c\n```\n' > "$tmpdir/doc.md"
check "$tmpdir/clean" --layers "$tmpdir/doc.md"
assert_eq 1 "$rc" "a file in no declared layer"
assert_contains "$out" "not placed: src/sub/c.c" "the unplaced file, read from a layers block"

# 5. Long functions (ctags) and cJSON calls in src/cmd/, comments and strings
# not counted.
t=$tmpdir/long
body=$(for i in $(seq 1 118); do printf '    v += %d;\n' "$i"; done)
put "$t" long.c "int long_one(int v)
{
$body
    return v;
}"
put "$t" cjson_decl.h 'void *cJSON_CreateObject(void); void cJSON_Delete(void *);'
put "$t" cmd/h.c '#include "../cjson_decl.h"
/* cJSON_CreateArray() in a comment */
const char *h_text = "cJSON_Parse(x)";
void h(void) { void *o = cJSON_CreateObject(); cJSON_Delete(o); cJSON_Delete(cJSON_CreateObject()); }'
build "$t"
check "$t"
assert_eq 1 "$rc" "a function of 122 lines"
assert_contains "$out" " 122  long_one  src/long.c:1" "the long function, its length and place"
assert_contains "$out" "total 4 in 1 of 1 handler files" "cJSON calls counted in code only"
check "$t" --max-function 122 --max-cjson 4
assert_eq 0 "$rc" "the same tree within raised limits (output: $out)"
check "$t" --max-function 122 --max-cjson 3
assert_eq 1 "$rc" "4 cJSON calls over --max-cjson 3"
assert_contains "$out" "4 cJSON calls in handlers (limit 3)" "the cJSON limit in the verdict"

# 6. Usage errors exit 2: a bad option, a tree not built.
check "$tmpdir/clean" --max-circle many
assert_eq 2 "$rc" "a bad option value"
rm -rf "$tmpdir/clean/build"
check "$tmpdir/clean"
assert_eq 2 "$rc" "a tree without objects"
assert_contains "$out" "build first" "the advice to build"

echo "check-layers: the circle, the limits and the declared order are measured"

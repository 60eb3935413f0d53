#!/usr/bin/env bash
# docs/commands.md is generated from the command table: fail when it is stale
# (someone changed a help text without `make docs`).
. "$(dirname "$0")/../scenarios/lib.sh"
require_nslab
fresh=$("$NSLAB" --dump-commands)
assert_eq "$fresh" "$(cat docs/commands.md)" "docs/commands.md is stale: run make docs"
# Every command of the table has a help text that names its man page.
for c in $("$NSLAB" --dump-commands | sed -n 's/^## //p'); do
    [ "$c" = "!" ] && continue
    out=$("$NSLAB" -q --no-trace -c "help $c") || fail "help $c failed"
    assert_contains "$out" "$c" "help $c"
done

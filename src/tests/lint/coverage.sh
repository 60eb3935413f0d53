#!/usr/bin/env bash
# docs/coverage.md stays true: every row of its claims table names a lab that
# exists and an expect line that is, verbatim, a line of that lab (so `make
# test`, which replays every lab, proves it), and no row lacks one.
# Reads files only: no root needed. COVERAGE_DOC and LABS_DIR override the
# paths (to test this test).
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
doc=${COVERAGE_DOC:-$top/docs/coverage.md}
labs=${LABS_DIR:-$top/labs}
[ -f "$doc" ] || fail "no $doc"

python3 - "$doc" "$labs" <<'EOF' || fail "$doc is not true to the labs (above)"
import os, re, sys

doc, labs = sys.argv[1], sys.argv[2]
lines = open(doc, encoding="utf-8").read().splitlines()

def cells(line):
    # Split a table row on the pipes that are not escaped (\|).
    parts = re.split(r"(?<!\\)\|", line.strip())
    return [p.strip().replace("\\|", "|") for p in parts[1:-1]]

header = None
rows = []
for n, line in enumerate(lines, 1):
    if not line.startswith("|"):
        header = None if not line.strip() else header
        continue
    c = cells(line)
    if header is None:
        header = [h.lower() for h in c]
        continue
    if all(re.fullmatch(r":?-+:?", x) for x in c):
        continue
    if "lab" in header and "expect" in header:
        rows.append((n, dict(zip(header, c)), len(c) == len(header)))

problems = []
if not rows:
    problems.append("no claims table (columns Lab and Expect) in %s" % doc)
cache = {}
for n, row, complete in rows:
    where = "line %d (%s)" % (n, row.get("claim", "?")[:60])
    if not complete:
        problems.append("%s: the row does not have the table's columns" % where)
        continue
    m = re.fullmatch(r"`(?:labs/)?([\w.-]+\.lab)`", row["lab"])
    if not m:
        problems.append("%s: the Lab cell is not one `NAME.lab`: %r" % (where, row["lab"]))
        continue
    lab = m.group(1)
    path = os.path.join(labs, lab)
    if not os.path.isfile(path):
        problems.append("%s: no lab %s" % (where, lab))
        continue
    e = re.fullmatch(r"`(expect .+)`", row["expect"])
    if not e:
        problems.append("%s: no expect line (the Expect cell must be one `expect ...`)" % where)
        continue
    if lab not in cache:
        cache[lab] = {l.strip() for l in open(path, encoding="utf-8")}
    if e.group(1) not in cache[lab]:
        problems.append("%s: %s has no line `%s`" % (where, lab, e.group(1)))
for p in problems:
    print("  " + p)
if not problems:
    print("coverage: %d rows, each an expect line of its lab" % len(rows))
sys.exit(1 if problems else 0)
EOF

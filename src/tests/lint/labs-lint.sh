#!/usr/bin/env bash
# Every lab is written the same way (WIRING.md, "Labs"), so that learners
# know what to expect and the translator can extract its narration:
#   - a header comment: a title line, `# requires:` when it needs root (read
#     exactly as run-integration.sh reads it; a lab any user may run may
#     name what else it needs there without the word root),
#     `# duration: N minutes`,
#     `# prerequisites:`, and a "What you will see" paragraph;
#   - a `say` before the first command, at least one `pause`, and a closing
#     `say "Summary: ..."` after the last command;
#   - every say line is ONE double-quoted string: say "...";
#   - a row in labs/README.md's table whose time matches the duration and
#     whose needs say root exactly when the header does, below the rows of
#     its prerequisites (the table is in teaching order).
# A lab needs root when it uses a privileged command before its first
# `unshare user` (the one namespace an unprivileged process may make).
# Reads files only: no root needed. LABS_DIR overrides the labs directory
# (the tests of this test use it).
# shellcheck source=../scenarios/lib.sh
source "$(dirname "$0")/../scenarios/lib.sh"

top=${NSLAB_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
dir=${LABS_DIR:-$top/labs}
[ -f "$dir/README.md" ] || fail "no $dir/README.md"

python3 - "$dir" <<'EOF' || fail "labs break the lab conventions (above)"
import glob, os, re, sys

d = sys.argv[1]
labs = sorted(glob.glob(os.path.join(d, "*.lab")))
if not labs:
    sys.exit("no labs in %s" % d)
readme = open(os.path.join(d, "README.md"), encoding="utf-8").read()
rows = {}
for line in readme.splitlines():
    m = re.match(r"^\|\s*`([^`]+\.lab)`\s*\|(.*)\|\s*$", line)
    if m:
        rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]

# Commands that change the machine or enter namespaces: root only, unless a
# user namespace of the lab's own came first.
PRIV = re.compile(r"^(cgcreate|cgset|cgattach|cgexec|cgfreeze|cgthaw|cgdelete|mount|bind|umount|"
                  r"propagation|veth|addr|timens|setns|ipc new|spawn --ns|hostname \S|domainname \S|"
                  r"unshare (?!user))")
# The requires test of run-integration.sh: "root" as a word after the colon.
REQ_ROOT = re.compile(r"^#\s*requires:.*(:|[\s,])root([\s,]|$)")
SAY = re.compile(r'^say "([^"\\]|\\.)*"$')

problems = []
for path in labs:
    name = os.path.basename(path)
    lines = open(path, encoding="utf-8").read().splitlines()
    header = []
    for l in lines:
        if l.strip() and not l.startswith("#"):
            break
        header.append(l)
    def bad(msg):
        problems.append("%s: %s" % (name, msg))
    if (not header or not re.match(r"^# \S", header[0])
            or re.match(r"^#\s*(requires|duration|prerequisites|transcript|What you will see):", header[0])):
        bad("the first line is not a title comment ('# Title: what it shows')")
    needs_root = any(REQ_ROOT.match(l) for l in header)
    # A lab for any user may say what else it needs (user namespaces), but
    # a line that mentions root must name it as run-integration.sh reads it.
    if any(re.match(r"^#\s*requires:.*root", l, re.I) for l in header) and not needs_root:
        bad("'# requires:' does not name root as run-integration.sh reads it")
    dur = [l for l in header if re.match(r"^# duration: \d+ minutes?$", l)]
    if not dur:
        bad("no '# duration: N minutes' line in the header")
    if not any(re.match(r"^# prerequisites: \S", l) for l in header):
        bad("no '# prerequisites:' line in the header")
    if not any(l.startswith("# What you will see:") for l in header):
        bad("no 'What you will see:' paragraph in the header")

    cmds = [l.strip() for l in lines[len(header):] if l.strip() and not l.strip().startswith("#")]
    for c in cmds:
        if (c == "say" or c.startswith("say ")) and not SAY.match(c):
            bad('a say line is not one double-quoted string: %s' % c)
    if not cmds or not cmds[0].startswith("say "):
        bad("the first command is not a say (narrate before acting)")
    if "pause" not in cmds:
        bad("no pause (stop where a class should look and discuss)")
    tail = []
    for c in reversed(cmds):
        if not c.startswith("say "):
            break
        tail.append(c)
    if not any(c.startswith('say "Summary: ') for c in tail):
        bad('it does not end with a say "Summary: ..." after its last command')

    privileged = False
    for c in cmds:
        if c.startswith("unshare user"):
            break
        if c.startswith("!") or c.startswith("say ") or c.startswith("expect "):
            continue
        if PRIV.match(c):
            privileged = True
            break
    if privileged and not needs_root:
        bad("it uses privileged commands (such as '%s') but its header has no '# requires: root'" % c)
    if not privileged and needs_root:
        bad("its header says it requires root, but nothing before 'unshare user' needs it")

    row = rows.get(name)
    if row is None:
        bad("it is not in the table of labs/README.md")
        continue
    if len(row) < 3:
        bad("its README row has no time and needs columns")
        continue
    time, needs = row[-2], row[-1]
    if dur:
        mins = re.search(r"\d+", dur[0]).group(0)
        if time != "%s min" % mins:
            bad("README says '%s', the header '%s'" % (time, dur[0][2:]))
    if needs_root != bool(re.match(r"^root\b", needs)):
        bad("README needs '%s' do not match the header (root: %s)" % (needs, needs_root))
    for pre in re.findall(r"labs/([\w.-]+\.lab)", " ".join(l for l in header if l.startswith("# prerequisites:"))):
        if pre not in rows or list(rows).index(pre) >= list(rows).index(name):
            bad("its prerequisite %s does not come before it in labs/README.md" % pre)
for name in rows:
    if not os.path.exists(os.path.join(d, name)):
        problems.append("README.md lists %s, which does not exist" % name)

for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF
# Under Chinese, a man page reference says when the page exists only in
# English (manpages-zh translates signal(7) alone of the pages cited): every
# page of an explanation's 参考 line, and every section-7 page named in the
# narration's translation, is followed by （英文 or ，英文.
python3 - "$top" <<'EOF' || fail "a Chinese man page reference does not say it is English only (above)"
import glob, os, re, sys
top = sys.argv[1]
ZH_PAGES = {"signal(7)"}
REF = re.compile(r"([a-z][a-z0-9_.-]*\([1-8]\))")
problems = []
def check(where, text, only7):
    for m in REF.finditer(text):
        page = m.group(1)
        if page in ZH_PAGES or (only7 and not page.endswith("(7)")):
            continue
        if not re.match(r"[（，]英文", text[m.end():]):
            problems.append("%s: %s is not marked （英文）" % (where, page))
for path in sorted(glob.glob(os.path.join(top, "docs/explain/zh/*.txt"))):
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.startswith("参考"):
            check("%s:%d" % (os.path.relpath(path, top), n), line, False)
po = os.path.join(top, "docs/i18n/zh_CN/labs.po")
for n, line in enumerate(open(po, encoding="utf-8"), 1):
    if line.startswith("msgstr "):
        check("docs/i18n/zh_CN/labs.po:%d" % n, line, True)
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF
echo "labs-lint: every lab follows the conventions"

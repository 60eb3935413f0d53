#!/usr/bin/env bash
# `graph FILE` against the kernel: in a session with its own uts and net, a
# job in a new PID namespace and (where cgroups work) a memory cgroup holding
# the job, the DOT file is well-formed (a digraph header, balanced braces
# outside strings, closed strings, every edge between declared nodes; and
# `dot -Tsvg` accepts it when Graphviz is installed), its node and edge
# counts are the -J result's, every namespace it shows the subject and the
# job in is readlink /proc/PID/ns/ENTRY (an arrow where it differs from the
# host's, the host cluster otherwise), the job's PID namespace points at its
# parent (the subject's), the cgroup is drawn joined to the job, the
# step-output form (`graph -`) is the same text, and a symbolic link is
# refused.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_root
require_nslab

nslab_start

nslab_send_ok "unshare uts,net"
subj=$(jv subject.pid)
nslab_send_ok "spawn --ns pid sleep 100"
job=$(jv result.pid)
[ "$(jv result.ns_pid)" = 1 ] || fail "the job is not PID 1 of a new PID namespace"

cgroup=no
nslab_send "cgcreate mem 64M"
if [ "${J[ok]}" = true ]; then
    cgroup=$(jv result.name)
    nslab_send_ok "cgattach $cgroup %1"
    grep -q "/nslab.$nslab_pid/$cgroup\$" "/proc/$job/cgroup" ||
        fail "the kernel does not show %1 in $cgroup: $(cat "/proc/$job/cgroup")"
fi

dot_file=$tmpdir/session.dot
nslab_send_ok "graph $dot_file"
assert_eq "$dot_file" "$(jv result.file)" "file in the result"
nodes=$(jv result.nodes)
edges=$(jv result.edges)
[ -f "$dot_file" ] || fail "graph did not write $dot_file"
mode=$(stat -c %a "$dot_file")
assert_eq 644 "$mode" "mode of the DOT file"

# The same graph as the step's output.
nslab_send_ok "graph -"
assert_eq null "$(jv result.file)" "file of graph -"
[ "$(jv output)" = "$(cat "$dot_file")" ] || fail "graph - printed another text than graph FILE wrote"

# Never through a symbolic link.
ln -s "$tmpdir/elsewhere" "$tmpdir/link.dot"
nslab_send "graph $tmpdir/link.dot"
assert_eq false "$(jv ok)" "graph to a symbolic link"
assert_eq ELOOP "$(jv errno)" "errno of graph to a symbolic link"
[ ! -e "$tmpdir/elsewhere" ] || fail "graph wrote through a symbolic link"

# What the kernel says, for the checker: ENTRY=INODE lines of both processes.
for who in "subject:$subj" "job:$job"; do
    for name in $ns_entries; do
        echo "${who%%:*} $name $(kernel_ino "${who#*:}" "$name")"
    done
done >"$tmpdir/kernel"

python3 - "$dot_file" "$tmpdir/kernel" "$subj" "$job" "$nodes" "$edges" "$cgroup" <<'EOF' ||
import re, sys

path, kfile, subj, job, nodes, edges, cgroup = sys.argv[1:]
text = open(path, encoding="utf-8").read()

def fail(msg):
    sys.exit("graph.sh: %s" % msg)

# Well-formed: header, balanced braces outside strings, closed strings.
body = re.sub(r"^(//[^\n]*\n)*", "", text)
if not body.startswith("digraph nslab {\n") or not text.endswith("}\n"):
    fail("no 'digraph nslab {' header or no closing brace")
depth, in_str, i = 0, False, 0
while i < len(text):
    c = text[i]
    if in_str:
        if c == "\n":
            fail("a newline inside a quoted string")
        if c == "\\":
            i += 1
        elif c == '"':
            in_str = False
    elif c == '"':
        in_str = True
    elif c == "{":
        depth += 1
    elif c == "}":
        depth -= 1
        if depth < 0:
            fail("a '}' without its '{'")
    i += 1
if in_str or depth:
    fail("unbalanced: in_str=%s depth=%d" % (in_str, depth))

# Nodes (id -> label) and edges (from, to, attributes).
node_re = re.compile(r'^\s*([pnc]\d+) \[(.*)\];$')
edge_re = re.compile(r'^\s*([pnc]\d+) -> ([pnc]\d+) \[(.*)\];$')
label_re = re.compile(r'label="((?:[^"\\]|\\.)*)"')
labels, edge_list, cluster, host = {}, [], None, set()
for line in text.splitlines():
    s = line.strip()
    if s.startswith("subgraph "):
        cluster = s.split()[1]
    elif s == "}":
        cluster = None
    m = edge_re.match(line)
    if m:
        edge_list.append((m.group(1), m.group(2), m.group(3)))
        continue
    m = node_re.match(line)
    if m:
        lm = label_re.search(m.group(2))
        if not lm:
            fail("node %s has no label" % m.group(1))
        labels[m.group(1)] = lm.group(1).replace("\\n", "\n")
        if cluster == "cluster_host":
            host.add(m.group(1))
if len(labels) != int(nodes):
    fail("%d nodes in the file, %s in the result" % (len(labels), nodes))
if len(edge_list) != int(edges):
    fail("%d edges in the file, %s in the result" % (len(edge_list), edges))
for a, b, _ in edge_list:
    if a not in labels or b not in labels:
        fail("edge %s -> %s to an undeclared node" % (a, b))

def proc_node(title_prefix, pid):
    for k, v in labels.items():
        lines = v.split("\n")
        if k.startswith("p") and lines[0].startswith(title_prefix) and \
                re.match(r"PID %s\b" % pid, lines[1]):
            return k
    fail("no process node '%s' with PID %s; nodes: %s" % (title_prefix, pid, labels))

def ns_of(node):
    t, ino = labels[node].split("\n")
    return t, ino

kernel = {}
for line in open(kfile):
    who, name, ino = line.split()
    kernel[(who, name)] = ino

host_ns = {ns_of(n)[0]: ns_of(n)[1] for n in host}
if len(host_ns) != 8:
    fail("the host cluster has %d types: %s" % (len(host_ns), host_ns))

for who, title, pid in (("subject", "subject", subj), ("job", "%1 ", job)):
    node = proc_node(title, pid)
    out = {}
    for a, b, attrs in edge_list:
        if a != node:
            continue
        t, ino = ns_of(b)
        m = re.search(r'label="(\w+_for_children)"', attrs)
        out[m.group(1) if m else t] = ino
    for name in "cgroup ipc mnt net pid time user uts".split():
        want = kernel[(who, name)]
        have = out.get(name, host_ns[name])
        if have != want:
            fail("%s %s: the graph says %s, /proc/%s/ns/%s is %s" % (who, name, have, pid, name, want))
    for name in ("pid_for_children", "time_for_children"):
        want = kernel[(who, name)]
        base = name.split("_")[0]
        have = out.get(name, out.get(base, host_ns[base]))
        if want != "none" and have != want:
            fail("%s %s: the graph says %s, the kernel %s" % (who, name, have, want))

# The job's PID namespace (new) has the subject's as its parent.
job_node = proc_node("%1 ", job)
job_pid_ns = [b for a, b, _ in edge_list if a == job_node and ns_of(b)[0] == "pid"]
if len(job_pid_ns) != 1:
    fail("the job has %d arrows to pid namespaces" % len(job_pid_ns))
parents = [b for a, b, attrs in edge_list if a == job_pid_ns[0] and "parent" in attrs]
if len(parents) != 1 or ns_of(parents[0])[1] != kernel[("subject", "pid")]:
    fail("the job's PID namespace does not point at its parent %s" % kernel[("subject", "pid")])

if cgroup != "no":
    cg = [k for k, v in labels.items() if k.startswith("c") and v.split("\n")[0] == cgroup]
    if len(cg) != 1:
        fail("no single cgroup node %s: %s" % (cgroup, labels))
    if not any(a == cg[0] and b == job_node for a, b, _ in edge_list):
        fail("cgroup %s is not joined to the job" % cgroup)
EOF
    fail "the DOT file does not match the kernel (file: $(cat "$dot_file"))"

if command -v dot >/dev/null; then
    dot -Tsvg "$dot_file" -o "$tmpdir/session.svg" 2>"$tmpdir/dot.err" ||
        fail "dot -Tsvg refused the file: $(cat "$tmpdir/dot.err")"
    [ ! -s "$tmpdir/dot.err" ] || fail "dot -Tsvg warned: $(cat "$tmpdir/dot.err")"
fi


nslab_stop

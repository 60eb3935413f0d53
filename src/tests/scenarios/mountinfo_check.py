#!/usr/bin/env python3
"""The kernel's side of the mount scenarios: parse /proc/PID/mountinfo
independently of nslab and compare it with what nslab reported.

    mountinfo_check.py table JSON PID            nslab's `mounts` result vs mountinfo
    mountinfo_check.py findmnt JSON FINDMNT_JSON nslab's `mounts` result vs findmnt -J -l
    mountinfo_check.py compare JSON PID_A PID_B [PID...]
                                                 `mounts --in` rows vs both mountinfos
                                                 (more PIDs: namespaces a chain runs through)
    mountinfo_check.py prop PID PATH             the propagation of the top mount at PATH
                                                 (shared:N master:M | private | unbindable)
    mountinfo_check.py ids PID [PREFIX]          the mount IDs at or below PREFIX, sorted
    mountinfo_check.py has PID PATH              exit 0 when something is mounted on PATH

Exits 1 with a message naming the difference; prints nothing on success
unless the command prints a value."""
import json
import os
import re
import sys


def unescape(s):
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)


def mountinfo(pid):
    out = []
    with open("/proc/%s/mountinfo" % pid) as f:
        for line in f.read().splitlines():
            left, right = line.split(" - ", 1)
            a = left.split(" ")
            b = right.split(" ")
            m = {"id": int(a[0]), "parent": int(a[1]), "dev": a[2], "root": unescape(a[3]),
                 "target": unescape(a[4]), "options": a[5], "shared": None, "master": None,
                 "propagate_from": None, "unbindable": False, "fstype": b[0],
                 "source": unescape(b[1]), "line": line}
            for opt in a[6:]:
                if opt == "unbindable":
                    m["unbindable"] = True
                elif ":" in opt:
                    k, v = opt.split(":", 1)
                    m[k] = int(v)
            out.append(m)
    return out


def top(table, path):
    """The top of the stack of mounts at path, as nslab picks it."""
    at = [m for m in table if m["target"] == path]
    for m in at:
        if not any(o["parent"] == m["id"] and o["target"] == path for o in at):
            return m
    return at[-1] if at else None


def prop(m):
    parts = []
    if m["shared"]:
        parts.append("shared:%d" % m["shared"])
    if m["master"]:
        parts.append("master:%d" % m["master"])
    if m["propagate_from"]:
        parts.append("propagate_from:%d" % m["propagate_from"])
    if m["unbindable"]:
        parts.append("unbindable")
    return " ".join(parts) or "private"


def die(msg):
    sys.exit("mountinfo_check: " + msg)


def check_table(doc, pid):
    res = json.loads(doc)["result"]
    kern = {m["id"]: m for m in mountinfo(pid)}
    if res["count"] != len(kern):
        die("nslab counts %d mounts, the kernel %d" % (res["count"], len(kern)))
    if len(res["mounts"]) != len(kern):
        die("nslab lists %d mounts, the kernel %d" % (len(res["mounts"]), len(kern)))
    ino = os.stat("/proc/%s/ns/mnt" % pid).st_ino
    if res["mntns"] != ino:
        die("mntns %s, the kernel's %d" % (res["mntns"], ino))
    for m in res["mounts"]:
        k = kern.get(m["id"])
        if not k:
            die("nslab shows mount %d, the kernel has none" % m["id"])
        for key in ("parent", "target", "root", "fstype", "source", "options", "shared",
                    "master", "propagate_from", "unbindable", "dev"):
            if m[key] != k[key]:
                die("mount %d: %s is %r in nslab, %r in mountinfo" % (m["id"], key, m[key], k[key]))
        if m["propagation"] != prop(k):
            die("mount %d: propagation %r, mountinfo says %r" % (m["id"], m["propagation"], prop(k)))
        if not m["relations"]:
            die("mount %d has no relations" % m["id"])


def check_findmnt(doc, fm):
    res = json.loads(doc)["result"]
    fms = {f["id"]: f for f in json.loads(fm)["filesystems"]}
    if len(fms) != len(res["mounts"]):
        die("findmnt lists %d mounts, nslab %d" % (len(fms), len(res["mounts"])))
    for m in res["mounts"]:
        f = fms.get(m["id"])
        if not f:
            die("findmnt has no mount %d" % m["id"])
        if f["parent"] != m["parent"] or f["target"] != m["target"] or f["fstype"] != m["fstype"]:
            die("mount %d: findmnt %r, nslab %r" % (m["id"], f, m))
        # findmnt adds the root of a bind mount in brackets: /dev/vda[/tmp/x].
        if not (f["source"] or "").startswith(m["source"]):
            die("mount %d: findmnt's source %r, nslab's %r" % (m["id"], f["source"], m["source"]))
        want = set()
        if m["shared"]:
            want.add("shared")
        if m["master"]:
            want.add("slave")
        if m["unbindable"]:
            want.add("unbindable")
        if not m["shared"]:
            want.add("private")
        got = set(f["propagation"].split(","))
        if m["unbindable"]:
            got.discard("private")
            want.discard("private")
        if got != want:
            die("mount %d: findmnt's propagation %r, nslab's %r" % (m["id"], f["propagation"],
                                                                      m["propagation"]))


def reached(g, tabs):
    out = {g}
    grew = True
    while grew:
        grew = False
        for t in tabs:
            for m in t:
                if m["shared"] and m["master"] in out and m["shared"] not in out:
                    out.add(m["shared"])
                    grew = True
    return out


def relation(a, b, tabs):
    if a is None:
        return "only_right"
    if b is None:
        return "only_left"
    if a["shared"] and a["shared"] == b["shared"]:
        return "peers"
    ab = bool(a["shared"]) and bool({b["master"], b["shared"]} & reached(a["shared"], tabs))
    ba = bool(b["shared"]) and bool({a["master"], a["shared"]} & reached(b["shared"], tabs))
    if ab and ba:
        return "peers"
    if ab:
        return "sends"
    if ba:
        return "receives"
    if a["master"] and a["master"] == b["master"]:
        return "siblings"
    return "none"


def check_compare(doc, pa, pb, more):
    res = json.loads(doc)["result"]
    ta, tb = mountinfo(pa), mountinfo(pb)
    tabs = [ta, tb] + [mountinfo(p) for p in more]
    targets = {r["target"] for r in res["rows"]}
    for r in res["rows"]:
        a, b = top(ta, r["target"]), top(tb, r["target"])
        for side, m in (("left", a), ("right", b)):
            got = r[side]
            if (got is None) != (m is None) or (m and got["id"] != m["id"]):
                die("%s: %s side is %r, mountinfo has %r" % (r["target"], side, got, m and m["id"]))
            if m and got["propagation"] != prop(m):
                die("%s: %s propagation %r, mountinfo %r" % (r["target"], side, got["propagation"],
                                                            prop(m)))
        want = relation(a, b, tabs)
        if r["relation"] != want:
            die("%s: relation %r, the kernel's tables say %r" % (r["target"], r["relation"], want))
    return targets


def main():
    cmd = sys.argv[1]
    if cmd == "table":
        check_table(sys.argv[2], sys.argv[3])
    elif cmd == "findmnt":
        check_findmnt(sys.argv[2], sys.argv[3])
    elif cmd == "compare":
        check_compare(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif cmd == "prop":
        m = top(mountinfo(sys.argv[2]), sys.argv[3])
        print(prop(m) if m else "none")
    elif cmd == "ids":
        pre = sys.argv[3] if len(sys.argv) > 3 else "/"
        ids = sorted(m["id"] for m in mountinfo(sys.argv[2])
                     if m["target"] == pre or m["target"].startswith(pre.rstrip("/") + "/"))
        print(" ".join(map(str, ids)))
    elif cmd == "has":
        sys.exit(0 if top(mountinfo(sys.argv[2]), sys.argv[3]) else 1)
    else:
        die("unknown command " + cmd)


main()

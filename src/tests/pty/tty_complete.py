"""Tab completion at nslab's prompt, in a terminal: each word completes by
its meaning (a program, a comma list of namespace types, a live job, a
cgroup's files, a key of expect cg). Each case types a prefix and Tab and
waits for readline to show the completed word.

    python3 tty_complete.py NSLAB
"""

import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import CTRL_C, Failure, TAB, Term  # noqa: E402

NSLAB = os.path.abspath(sys.argv[1])
ROOT = os.geteuid() == 0
PROG = "nslabttyprog"  # a program only this test's PATH has


def completes(t, typed, shown, tabs=1, rx=None):
    """Typing `typed` and Tab shows `shown` (the line as completed, or the
    list a second Tab prints; rx: a pattern instead); then the line is
    dropped."""
    start = len(t.out)
    t.send(typed)
    t.expect(re.escape(typed), what="the echo of %r" % typed)
    t.send(TAB * tabs)
    t.mark = start  # the completed word begins with what was typed
    t.expect(rx or re.escape(shown), what="%r completed to %r" % (typed, rx or shown))
    t.send(CTRL_C)
    t.expect_prompt()


def never_offers(t, typed, listed, word):
    """Two Tabs after `typed` list the candidates, `listed` among them (once
    it shows, the list is complete); word is not among them."""
    start = len(t.out)
    t.send(typed)
    t.expect(re.escape(typed))
    t.send(TAB * 2)
    t.mark = start
    t.expect(r"\s%s\s" % re.escape(listed), what="the list of candidates")
    shown = t.out[start:]
    t.send(CTRL_C)
    t.expect_prompt()
    if re.search(r"(^|\s)%s(\s|$)" % re.escape(word), shown):
        raise Failure("%r offered %r\n%s" % (typed, word, t.tail()))


def main():
    bindir = tempfile.mkdtemp(prefix="nslab-tty-bin.")
    prog = os.path.join(bindir, PROG)
    with open(prog, "w") as f:
        f.write("#!/bin/sh\nexit 0\n")
    os.chmod(prog, 0o755)
    failed = 0
    try:
        with Term(env={"PATH": bindir + ":/usr/sbin:/usr/bin:/sbin:/bin"}) as t:
            t.run_nslab(NSLAB, "-q", "--no-trace")
            # Jobs: %1 has ended (wait saw it), %2 lives.
            t.send("spawn sleep 0\r")
            t.expect_prompt()
            t.send("wait %1\r")
            t.expect_prompt()
            t.send("spawn sleep 1000\r")
            t.expect_prompt()
            cases = [
                ("spawn: a builtin", lambda: completes(t, "spawn orph", "spawn orphan ")),
                ("spawn: a program on PATH",
                 lambda: completes(t, "spawn nslabttyp", "spawn %s " % PROG)),
                ("spawn: the builtins first, then PATH",
                 lambda: completes(t, "spawn st", None, tabs=2, rx=r"spawn st\x07*\r\nstress ")),
                ("spawn --ns TYPES: the program after the option's value",
                 lambda: completes(t, "spawn --ns pid orph", "orphan ")),
                ("!: a program on PATH", lambda: completes(t, "!nslabttyp", "!%s " % PROG)),
                ("spawn --ns: a comma list", lambda: completes(t, "spawn --ns pid,ut", "pid,uts ")),
                ("spawn --ns=: a comma list", lambda: completes(t, "spawn --ns=pid,ne",
                                                                "--ns=pid,net ")),
                ("spawn --ns: the types not yet listed",
                 lambda: completes(t, "spawn --ns pid,", "pid,cgroup", tabs=2)),
                ("setns: a comma list", lambda: completes(t, "setns uts,ne", "uts,net ")),
                ("unshare: all", lambda: completes(t, "unshare al", "unshare all ")),
                ("spawn --ns: all", lambda: completes(t, "spawn --ns al", "--ns all ")),
                ("kill: a live job", lambda: completes(t, "kill %", "kill %2 ")),
                ("wait: a live job", lambda: completes(t, "wait %", "wait %2 ")),
                ("kill: no ended job", lambda: never_offers(t, "kill ", "self", "%1")),
            ]
            if ROOT:
                t.send("cgcreate pids 10\r")
                t.expect_prompt()
                cases += [
                    ("cgexec NAME: a builtin",
                     lambda: completes(t, "cgexec pids1 orph", "cgexec pids1 orphan ")),
                    ("cgexec NAME: a program on PATH",
                     lambda: completes(t, "cgexec pids1 nslabttyp", "cgexec pids1 %s " % PROG)),
                    ("expect cg NAME: a key",
                     lambda: completes(t, "expect cg pids1 oom", "expect cg pids1 oom_kill ")),
                    ("expect cg NAME: frozen",
                     lambda: completes(t, "expect cg pids1 fro", "expect cg pids1 frozen ")),
                    ("cgget NAME: its files",
                     lambda: completes(t, "cgget pids1 pids.ma", "cgget pids1 pids.max ")),
                ]
            else:
                print("note: the cgroup cases need root (cgcreate): not run")
            for name, fn in cases:
                try:
                    fn()
                    print("ok   %s" % name)
                except Exception as e:  # noqa: BLE001
                    failed += 1
                    print("FAIL %s: %s" % (name, e))
                    t.send(CTRL_C)
                    try:
                        t.expect_prompt()
                    except Failure:
                        pass
                sys.stdout.flush()
            t.send("exit\r")
            t.expect_nslab_ended()
    finally:
        shutil.rmtree(bindir)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""A recording on the projector view, in a real browser: a session is
recorded with `record FILE` (as an unprivileged user: `unshare user`
first), then `nslab --replay FILE --serve 127.0.0.1:0` is driven by keys
through a pseudo-terminal, as a presenter does; after each key headless
Chromium's DOM shows that step: its command, the namespace it made (the
inode the record holds, which the kernel gave) in the graph, its row
marked changed, the recording's steps in the timeline in order. `b` goes
back, `/` finds a step by its command, `q` ends. A record without the
"graph" field (an older nslab) still draws the subject's namespaces.

    python3 serve_replay.py NSLAB DIR SCREENSHOT.png [RUNAS...]

RUNAS: a command prefix that runs nslab without root (setpriv ...).
"""

import json
import os
import pty
import re
import select
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

NSLAB, DIR, SHOT, RUNAS = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
WITHIN = 2.0  # seconds from a key to the DOM showing its step
SCRIPT = ["unshare user", "unshare uts", "hostname lab1", "unshare ipc"]


def record(path):
    text = "record %s\n%s\n" % (path, "\n".join(SCRIPT))
    p = subprocess.run(RUNAS + [NSLAB, "-"], input=text, text=True, capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        raise SystemExit("FAIL the recorded session: %s%s" % (p.stdout, p.stderr))
    steps = [json.loads(line) for line in open(path) if line.strip()]
    return [o for o in steps if "step" in o]


class Replay:
    """nslab --replay --serve on a pseudo-terminal: keys in, the terminal
    drained (a presenter's screen) so nslab never waits on it."""

    def __init__(self, path):
        master, slave = pty.openpty()
        self.p = subprocess.Popen(RUNAS + [NSLAB, "--replay", path, "--serve", "127.0.0.1:0"],
                                  stdin=slave, stdout=slave, stderr=subprocess.PIPE, text=True)
        os.close(slave)
        self.master = master
        self.screen = b""
        threading.Thread(target=self.drain, daemon=True).start()
        line = self.p.stderr.readline()
        m = re.search(r"http://\S+", line)
        if not m:
            raise SystemExit("FAIL no URL from --replay --serve: %r" % line)
        self.url = m.group(0)

    def drain(self):
        while True:
            r, _, _ = select.select([self.master], [], [], 1)
            if r:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.screen += data

    def key(self, k):
        os.write(self.master, k.encode())

    def end(self):
        self.key("q")
        try:
            rc = self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            raise SystemExit("FAIL nslab --replay --serve did not end on q within 10 s")
        assert rc == 0, rc
        os.close(self.master)


def shows(command, ino=None, changed=None):
    js = ("document.getElementById('now') && "
          "document.getElementById('now').textContent.includes(%s)" % json.dumps(command))
    if ino:
        js += (" && document.querySelector('#graph svg') && "
               "document.querySelector('#graph svg').textContent.includes('%d')" % ino)
    if changed:
        js += (" && [...document.querySelectorAll('#shown .changed')].some("
               "e => /^  %s\\s/.test(e.textContent))" % changed)
    return js


def timeline(tab):
    return tab.eval("[...document.querySelectorAll('#timeline button')].map(b => b.textContent)")


def walk(steps, path, shot):
    r = Replay(path)
    with Browser() as b:
        tab = b.open(r.url)
        first = steps[0]["command"]
        tab.wait_for(shows(first), 20, "the first step %r" % first)
        print("ok   the page shows the first step: %s" % first)
        title = tab.eval("document.getElementById('title').textContent")
        assert "recorded" in title, title
        print("ok   the page says it shows a recording: %s" % title)
        for o in steps[1:]:
            cmd = o["command"]
            kind = cmd.split()[1] if cmd.startswith("unshare ") else None
            ino = o["subject"]["ns"][kind]["inode"] if kind else None
            r.key("\n")
            tab.wait_for(shows(cmd, ino, kind), WITHIN,
                         "step %r%s within %.1f s of its key" %
                         (cmd, " with %s namespace %s" % (kind, ino) if kind else "", WITHIN))
            print("ok   a key: the page shows %r%s" %
                  (cmd, ", %s namespace %d in the graph, its row changed" % (kind, ino)
                   if kind else ""))
        got = timeline(tab)
        assert [re.sub(r"^\d+ ", "", t) for t in got] == [o["command"] for o in steps], got
        print("ok   the timeline holds the recording's steps in order: %s" % got)
        r.key("b")
        tab.wait_for(shows(steps[-2]["command"]), WITHIN, "b: the step before")
        assert timeline(tab) == got, timeline(tab)
        print("ok   b shows the step before again, the timeline unchanged")
        r.key("/")
        r.key("hostname\n")
        tab.wait_for(shows("hostname lab1"), WITHIN, "/hostname: the step found")
        print("ok   / finds the step by its command")
        if shot:
            tab.screenshot(shot)
            print("ok   screenshot %s" % shot)
    r.end()
    print("ok   q ends the replay")


def main():
    path = os.path.join(DIR, "session.rec")
    steps = record(path)
    assert [o["command"] for o in steps[1:]] == SCRIPT, steps
    walk(steps, path, SHOT)

    # An older nslab's record: no "graph"; the subject's namespaces still drawn.
    old = os.path.join(DIR, "old.rec")
    with open(path) as f, open(old, "w") as out:
        for line in f:
            o = json.loads(line)
            o.pop("graph", None)
            out.write(json.dumps(o) + "\n")
    os.chmod(old, 0o644)
    r = Replay(old)
    with Browser() as b:
        tab = b.open(r.url)
        tab.wait_for(shows(steps[0]["command"]), 20, "the old record's first step")
        for o in steps[1:]:
            r.key("\n")
        last = steps[-1]
        ino = last["subject"]["ns"]["ipc"]["inode"]
        tab.wait_for(shows(last["command"], ino, "ipc"), WITHIN,
                     "the old record's last step with ipc namespace %d" % ino)
        print("ok   a record without graph: the page draws ipc namespace %d" % ino)
    r.end()


main()

"""The projector view in a real browser: nslab --serve on loopback, driven
through a pipe with -J; headless Chromium shows the page; after each step
the DOM shows the new namespace (the inode the kernel gives in
/proc/PID/ns) in the graph and the changed row marked, within a second of
nslab answering the step; a job's exit comes as an event. A screenshot is kept. Then --lang zh: the page's
words are Chinese.

    python3 serve_browser.py NSLAB SCREENSHOT.png
"""

import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

NSLAB, SHOT = sys.argv[1], sys.argv[2]
WITHIN = 1.0  # seconds from nslab's answer to the DOM showing it


class Session:
    def __init__(self, *args):
        self.p = subprocess.Popen([NSLAB, "-J", "--serve", "127.0.0.1:0", *args, "-"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, bufsize=1)
        line = self.p.stderr.readline()
        m = re.search(r"http://\S+", line)
        if not m:
            raise SystemExit("FAIL no URL from --serve: %r" % line)
        self.url = m.group(0)

    def step(self, command):
        self.p.stdin.write(command + "\n")
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("FAIL nslab ended during %r" % command)
            o = json.loads(line)
            if o.get("command") == command:
                return o

    def end(self):
        self.p.stdin.close()
        self.p.wait(30)


def ns_inode(pid, kind):
    return int(re.search(r"\[(\d+)\]", os.readlink("/proc/%d/ns/%s" % (pid, kind))).group(1))


def main():
    s = Session()
    with Browser() as b:
        tab = b.open(s.url)
        tab.wait_for("document.querySelectorAll('#timeline button').length >= 1", 20,
                     "the page's first state")
        for kind in ("uts", "ipc"):
            o = s.step("unshare " + kind)
            assert o["ok"], o
            t0 = time.monotonic()
            pid = o["subject"]["pid"]
            ino = ns_inode(pid, kind)  # the kernel's word, not nslab's
            assert o["subject"]["ns"][kind]["inode"] == ino, (o, ino)
            shown = ("document.querySelector('#graph svg') && "
                     "document.querySelector('#graph svg').textContent.includes('%d') && "
                     "[...document.querySelectorAll('#shown .changed')].some("
                     "e => /^  %s\\s/.test(e.textContent)) && "
                     "document.getElementById('now').textContent.includes('unshare %s')"
                     % (ino, kind, kind))
            tab.wait_for(shown, WITHIN - (time.monotonic() - t0),
                         "the new %s namespace %d in the page within %.1f s" % (kind, ino, WITHIN))
            print("ok   the page shows %s namespace %d, its row marked changed" % (kind, ino))
        # An event (a job ends while nslab waits for the next line) comes too.
        o = s.step("spawn sleep 0.3")
        assert o["ok"], o
        tab.wait_for("[...document.querySelectorAll('#timeline button.event')].length > 0 && "
                     "document.getElementById('shown').textContent.includes('exited')", 5,
                     "the job's exit in the page")
        print("ok   the page shows the job's exit as an event")
        steps = tab.eval("document.querySelectorAll('#timeline button').length")
        assert steps >= 3, steps
        # The timeline goes back: the first unshare's state again.
        tab.eval("[...document.querySelectorAll('#timeline button')]"
                 ".find(b => b.textContent.includes('unshare uts')).click()")
        tab.wait_for("document.getElementById('now').textContent.includes('unshare uts')", 2,
                     "the timeline's earlier step")
        print("ok   the timeline shows an earlier step again")
        tab.eval("[...document.querySelectorAll('#timeline button')].pop().click()")
        time.sleep(0.2)
        tab.screenshot(SHOT)
        print("ok   screenshot %s" % SHOT)
    s.end()

    z = Session("--lang", "zh")
    with Browser() as b:
        tab = b.open(z.url)
        tab.wait_for("document.querySelectorAll('#timeline button').length >= 1", 20,
                     "the page's first state (zh)")
        title = tab.eval("document.getElementById('title').textContent")
        lang = tab.eval("document.documentElement.lang")
        assert re.search(r"[\u4e00-\u9fff]", title) and lang == "zh", (title, lang)
        print("ok   --lang zh: the page says %s" % title)
    z.end()


main()

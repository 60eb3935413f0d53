"""A headless Chromium for tests, driven through the DevTools protocol on a
pipe (--remote-debugging-pipe: JSON messages ended by NUL on descriptors 3
and 4), so nothing but python3 and chromium is needed.

    with Browser() as b:
        tab = b.open("http://127.0.0.1:8080/")
        tab.eval("document.title")
        tab.screenshot("build/x.png")
"""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time


class BrowserError(Exception):
    pass


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Tab:
    def __init__(self, browser, session):
        self.b, self.session = browser, session

    def call(self, method, **params):
        return self.b.call(method, session=self.session, **params)

    def eval(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise BrowserError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait_for(self, expression, seconds, what):
        """Evaluate until it is true; returns the seconds it took."""
        start = time.monotonic()
        while True:
            if self.eval(expression):
                return time.monotonic() - start
            if time.monotonic() - start > seconds:
                raise BrowserError("waited %.1f s for %s" % (seconds, what))
            time.sleep(0.02)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


class Browser:
    def __init__(self, width=1600, height=1000, timeout=30):
        exe = find_chromium()
        if not exe:
            raise BrowserError("no chromium")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="nslab-chromium.")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def fds():
            # dup2 leaves the copies inheritable (close-on-exec off).
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking",
                "--remote-debugging-pipe", "--user-data-dir=" + self.profile,
                "--window-size=%d,%d" % (width, height), "about:blank"]
        # pass_fds keeps 3 and 4, made after the fork, from close_fds.
        self.proc = subprocess.Popen(args, preexec_fn=fds, pass_fds=(to_r, from_w, 3, 4),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.next_id = 0
        self.buf = b""

    def _send(self, msg):
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")

    def _recv(self, deadline):
        import select
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("chromium did not answer")
            r, _, _ = select.select([self.from_r], [], [], left)
            if r:
                data = os.read(self.from_r, 1 << 20)
                if not data:
                    raise BrowserError("chromium ended")
                self.buf += data
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self._send(msg)
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._recv(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise BrowserError("%s: %s" % (method, m["error"]))
                return m.get("result", {})

    def open(self, url):
        target = self.call("Target.createTarget", url=url)["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        return Tab(self, session)

    def close(self):
        try:
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_w, self.from_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

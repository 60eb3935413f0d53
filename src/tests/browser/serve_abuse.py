"""The projector view's server under bad requests, and the session going on
meanwhile. Runs in a network namespace of its own (serve-abuse.sh makes it):
a dummy device there carries 10.199.0.1, an address that is not loopback.

  - loopback: unknown path 404, POST 405, a 64 KiB header refused, HEAD 200;
    200 connections to /events that never read while 20 steps run: each
    step answers (within 5 s), and a new viewer is still served;
  - off loopback (10.199.0.1): no token 403, a wrong one 403, the printed
    one 200; nothing listens on 127.0.0.1 then;
  - `serve` at the prompt: bad addresses refused with the session going
    on, `serve off` closes the port.

    python3 serve_abuse.py NSLAB
"""

import http.client
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse

NSLAB = sys.argv[1]
failed = 0


def check(cond, what):
    global failed
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failed += 1


class Session:
    def __init__(self, *args):
        self.p = subprocess.Popen([NSLAB, "-J", "-k", *args, "-"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  bufsize=1)
        self.url = None
        if "--serve" in args:
            line = self.p.stderr.readline()
            m = re.search(r"http://\S+", line)
            if not m:
                raise SystemExit("FAIL no URL from --serve: %r" % line)
            self.url = urllib.parse.urlsplit(m.group(0))

    def step(self, command, seconds=5):
        t0 = time.monotonic()
        self.p.stdin.write(command + "\n")
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise SystemExit("FAIL nslab ended during %r" % command)
            o = json.loads(line)
            if o.get("command") == command:
                return o, time.monotonic() - t0

    def end(self):
        self.p.stdin.close()
        rc = self.p.wait(30)
        return rc


def request(host, port, method, path, headers=None):
    c = http.client.HTTPConnection(host, port, timeout=10)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read(4096) if path.split("?")[0] != "/events" else r.read(10)
        return r.status, body
    except (ConnectionError, http.client.HTTPException, socket.timeout) as e:
        return None, str(e).encode()
    finally:
        c.close()


def server_connections(port):
    """Established connections of the server's side of port (ss(8))."""
    out = subprocess.run(["ss", "-Htn", "state", "established", "( sport = :%d )" % port],
                         capture_output=True, text=True).stdout
    return len([l for l in out.splitlines() if l.strip()])


def loopback():
    s = Session("--serve", "127.0.0.1:0")
    h, p = s.url.hostname, s.url.port
    check(request(h, p, "GET", "/nope")[0] == 404, "an unknown path: 404")
    check(request(h, p, "GET", "/../../etc/passwd")[0] == 404, "a path out of the tree: 404")
    check(request(h, p, "POST", "/")[0] == 405, "POST (the page takes no command): 405")
    check(request(h, p, "HEAD", "/")[0] == 200, "HEAD /: 200")
    st, _ = request(h, p, "GET", "/", {"X-Huge": "a" * 65536})
    check(st != 200, "a 64 KiB header is refused (status %s)" % st)
    # 200 viewers that never read a byte, each with a small receive buffer.
    hung = []
    for _ in range(200):
        k = socket.socket()
        k.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        k.connect((h, p))
        k.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        hung.append(k)
    o, _ = s.step("unshare uts")
    check(o["ok"], "unshare uts with them connected")
    slowest, good = 0.0, 0
    for i in range(20):
        o, took = s.step("hostname viewer-%d-%s" % (i, "x" * 40))
        slowest = max(slowest, took)
        good += o["ok"]
    check(good == 20 and slowest < 5,
          "20 steps with 200 viewers that never read: %d succeeded, the slowest took %.2f s"
          % (good, slowest))
    check(request(h, p, "GET", "/")[0] == 200, "a new viewer is still served")
    # The viewers that never read are dropped (after SERVE_TIMEOUT, 10 s).
    deadline = time.monotonic() + 25
    while time.monotonic() < deadline and server_connections(p) > 0:
        time.sleep(0.5)
    left = server_connections(p)
    check(left == 0, "the viewers that never read were dropped (%d left)" % left)
    for k in hung:
        k.close()
    check(s.end() == 0, "the session ends with status 0")


def off_loopback():
    s = Session("--serve", "10.199.0.1:0")
    h, p = s.url.hostname, s.url.port
    token = urllib.parse.parse_qs(s.url.query).get("token", [""])[0]
    check(re.fullmatch(r"[0-9a-f]{32}", token) is not None, "off loopback a random token is printed")
    check(request(h, p, "GET", "/")[0] == 403, "no token: 403")
    check(request(h, p, "GET", "/events")[0] == 403, "no token for /events: 403")
    check(request(h, p, "GET", "/?token=" + "0" * 32)[0] == 403, "a wrong token: 403")
    check(request(h, p, "GET", "/?token=" + token[:-1])[0] == 403, "a token cut short: 403")
    check(request(h, p, "GET", "/?token=" + token)[0] == 200, "the printed token: 200")
    check(request(h, p, "GET", "/events?token=" + token)[0] == 200, "the token for /events: 200")
    k = socket.socket()
    refused = k.connect_ex(("127.0.0.1", p)) != 0
    k.close()
    check(refused, "nothing listens on 127.0.0.1:%d" % p)
    o, _ = s.step("hostname")
    check(o["ok"], "the session goes on")
    check(s.end() == 0, "the session ends with status 0")


def at_prompt():
    s = Session()
    for bad in ("99999", "1.2.3.4.5:80", "localhost:80", ":80", "80:"):
        o, _ = s.step("serve " + bad)
        check(not o["ok"], "serve %s is refused" % bad)
    o, _ = s.step("serve 127.0.0.1:0")
    url = urllib.parse.urlsplit((o.get("result") or {}).get("url", ""))
    check(o["ok"] and url.port, "serve 127.0.0.1:0 gives its URL")
    check(request("127.0.0.1", url.port, "GET", "/")[0] == 200, "the page is served")
    o, _ = s.step("serve off")
    k = socket.socket()
    closed = k.connect_ex(("127.0.0.1", url.port)) != 0
    k.close()
    check(o["ok"] and closed, "serve off closes the port")
    o, _ = s.step("hostname")
    check(o["ok"], "the session goes on")
    check(s.end() == 1, "the session ends with status 1 (the refused serve steps)")


loopback()
off_loopback()
at_prompt()
sys.exit(1 if failed else 0)

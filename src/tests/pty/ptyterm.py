"""A terminal for tests: an interactive bash with job control in a fresh
pseudo-terminal, driven the way a person types, and read back through the
kernel's own view of the terminal and its processes.

    from ptyterm import Term, CTRL_C
    with Term() as t:                    # bash -i in a new session and pty
        t.run_nslab(nslab, "-q")         # started by bash, as a job of its own
        t.send("!sleep 30\\r")
        t.wait_fg_not(t.nslab_pgrp())    # the program has the terminal
        t.send(CTRL_C)
        t.expect_prompt()                # nslab's prompt is back
        t.check_nslab_reading()          # the kernel says nslab holds the terminal

Every wait is for something to appear or to become true, with a generous
deadline (a loaded machine is slow, never wrong); nothing sleeps a fixed
time to let something happen. A failure raises Failure with the tail of
what the terminal showed.
"""

import os
import pty
import re
import select
import shutil
import signal
import sys
import tempfile
import time

CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_U = "\x15"
CTRL_Z = "\x1a"
TAB = "\t"

OUTER_PROMPT = "__outer__$ "
# nslab's prompt: "nslab 1234> " or "nslab 1234 [uts mnt]> " at the end of
# what was shown.
NSLAB_PROMPT = r"nslab [0-9a-z@#]+( \[[^\]\n]*\])?> $"

DEFAULT_TIMEOUT = float(os.environ.get("PTY_TIMEOUT", "30"))


class Failure(Exception):
    pass


def proc_stat(pid):
    """Fields of /proc/PID/stat by name, or None when PID is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # "PID (comm) S PPID PGRP SESSION TTY_NR TPGID ...": comm may hold
    # anything, so the fields are counted from the last ')'.
    rest = text[text.rindex(")") + 2:].split()
    return {
        "state": rest[0],
        "ppid": int(rest[1]),
        "pgrp": int(rest[2]),
        "session": int(rest[3]),
        "tpgid": int(rest[5]),
    }


def proc_exe(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return None


def children(pid):
    """PIDs whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st and st["ppid"] == pid:
                out.append(int(d))
    return out


def session_pids(sid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st and st["session"] == sid:
                out.append(int(d))
    return out


class Term:
    def __init__(self, argv=None, env=None, rows=50, cols=200, timeout=DEFAULT_TIMEOUT):
        self.timeout = timeout
        self.out = ""  # everything the terminal showed
        self.mark = 0  # expect() looks from here on
        self.nslab_pid = None
        # check_nslab_reading looks for bash's "Stopped" from here on (a
        # test moves it past a Stopped line of an inner shell's own job).
        self.stopped_check_from = 0
        argv = argv or ["bash", "--norc", "--noprofile", "-i"]
        # A home of its own: nslab keeps its history there.
        self.home = tempfile.mkdtemp(prefix="pty-home.")
        e = dict(os.environ)
        e.update({"HOME": self.home, "PS1": OUTER_PROMPT, "PS2": "> ", "TERM": "dumb", "NO_COLOR": "1",
                  "INPUTRC": "/dev/null", "HISTFILE": "/dev/null", "PROMPT_COMMAND": ""})
        if env:
            e.update(env)
        # pty.fork: the child is the leader of a new session whose
        # controlling terminal is the new pty, as a login shell's is.
        pid, fd = pty.fork()
        if pid == 0:
            try:
                import fcntl, struct, termios
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execvpe(argv[0], argv, e)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.expect_outer()

    # --- reading and writing ------------------------------------------------

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            raise Failure("the terminal was closed\n" + self.tail())
        self.out += data.decode("utf-8", "replace")
        return True

    def drain(self, seconds=0.0):
        """Read what is there (waiting up to seconds for more)."""
        end = time.monotonic() + seconds
        while self._read(max(0.0, end - time.monotonic())):
            pass

    def send(self, text):
        self.mark = len(self.out)
        os.write(self.fd, text.encode())

    def tail(self, n=1500):
        return "--- the terminal showed (last %d chars) ---\n%s\n---" % (n, self.out[-n:])

    def expect(self, pattern, timeout=None, what=None):
        """Wait until pattern (a regex) matches what was shown since the last
        send(); returns the match."""
        deadline = time.monotonic() + (timeout or self.timeout)
        rx = re.compile(pattern, re.S)
        while True:
            m = rx.search(self.out, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("waited %.0fs for %s\n%s" % (timeout or self.timeout,
                                                         what or repr(pattern), self.tail()))
            self._read(min(left, 0.5))

    def expect_outer(self, timeout=None):
        return self.expect(re.escape(OUTER_PROMPT) + "$", timeout, "bash's prompt")

    def expect_prompt(self, timeout=None):
        return self.expect(NSLAB_PROMPT, timeout, "nslab's prompt")

    def wait_until(self, cond, what, timeout=None):
        """Poll cond() (reading the terminal meanwhile) until it is true."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            v = cond()
            if v:
                return v
            if time.monotonic() > deadline:
                raise Failure("waited %.0fs until %s\n%s" % (timeout or self.timeout, what,
                                                           self.tail()))
            self._read(0.05)

    # --- nslab under the shell ---------------------------------------------

    def run_nslab(self, nslab, *args, binary=None):
        """Start nslab from bash (a job of its own, as a user does: the
        command line is nslab ARGS, or another command running the nslab
        binary, `make run`) and wait for its first prompt; returns the PID of
        nslab's shell."""
        quoted = " ".join("'%s'" % a.replace("'", "'\\''") for a in (nslab,) + args)
        self.send("%s; echo __status=$?\r" % quoted)
        self.expect_prompt()
        real = os.path.realpath(binary or nslab)

        def find():
            # nslab's shell: a descendant of bash running the binary whose
            # parent does not (the subject and builtins are its children).
            todo = [self.pid]
            while todo:
                p = todo.pop()
                for c in children(p):
                    st = proc_stat(c)
                    if proc_exe(c) == real and st and proc_exe(st["ppid"]) != real:
                        return c
                    todo.append(c)
            return None

        self.nslab_pid = self.wait_until(find, "nslab runs under bash")
        return self.nslab_pid

    def nslab_stat(self):
        st = proc_stat(self.nslab_pid)
        if st is None:
            raise Failure("nslab (pid %d) is gone\n%s" % (self.nslab_pid, self.tail()))
        return st

    def nslab_pgrp(self):
        return self.nslab_stat()["pgrp"]

    def tpgid(self):
        """The terminal's foreground process group, as the kernel has it."""
        return proc_stat(self.pid)["tpgid"]

    def wait_fg_not(self, pgrp, what="another group has the terminal"):
        return self.wait_until(lambda: self.tpgid() != pgrp and self.tpgid(), what)

    def check_nslab_reading(self):
        """nslab is at its prompt as the kernel sees it: not stopped, and
        its process group is the terminal's foreground group."""
        st = self.nslab_stat()
        if st["state"] in "Tt":
            raise Failure("nslab is stopped (state %s)\n%s" % (st["state"], self.tail()))
        if self.tpgid() != st["pgrp"]:
            raise Failure("the terminal's foreground group is %d, not nslab's (%d)\n%s" %
                          (self.tpgid(), st["pgrp"], self.tail()))
        if "Stopped" in self.out[self.stopped_check_from:]:
            raise Failure("bash reported a stopped job\n" + self.tail())

    def expect_nslab_ended(self, status=None, timeout=None):
        """bash's prompt is back and nslab's process is gone."""
        m = self.expect(r"__status=(\d+)\r?\n", timeout, "nslab to end")
        self.expect_outer(timeout)
        pid = self.nslab_pid
        self.wait_until(lambda: proc_stat(pid) is None, "nslab's process is gone")
        if status is not None and int(m.group(1)) != status:
            raise Failure("nslab ended with status %s, not %d\n%s" % (m.group(1), status,
                                                                     self.tail()))
        return int(m.group(1))

    # --- the end ------------------------------------------------------------

    def close(self):
        """Hang up the terminal (SIGHUP to the session), then make sure
        every process of its session has ended."""
        sid = self.pid
        try:
            os.close(self.fd)
        except OSError:
            pass
        deadline = time.monotonic() + 15
        while True:
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
            except ChildProcessError:
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
            time.sleep(0.05)
        deadline = time.monotonic() + 15
        while session_pids(sid):
            if time.monotonic() > deadline:
                for p in session_pids(sid):
                    try:
                        os.kill(p, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(0.05)
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def run_tests(tests):
    """Runs each (name, function) of tests, printing ok or FAIL with the
    reason; exits 1 when any failed (an error in a test is a failure)."""
    failed = 0
    for name, fn in tests:
        try:
            fn()
            print("ok   %s" % name)
        except Exception as e:  # noqa: BLE001 (a test error is a failure too)
            failed += 1
            print("FAIL %s: %s" % (name, e))
        sys.stdout.flush()
    sys.exit(1 if failed else 0)

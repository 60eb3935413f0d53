"""!PROGRAM in a terminal under bash -i with job control: however the
program ends (exit, Ctrl-C, Ctrl-Z, killed), nslab has the terminal back
and is not stopped, by the kernel's account (/proc/PID/stat: state, tpgid).

    python3 tty_bang.py NSLAB [ROUNDS]
"""

import os
import shutil
import signal
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import CTRL_C, CTRL_Z, Failure, Term, proc_stat, children, run_tests  # noqa: E402

NSLAB = os.path.abspath(sys.argv[1])
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 50
INNER = "inner-bash:"
INNER_BASH = "!env PS1=%s bash --norc --noprofile\r" % INNER


def round_bash(t):
    t.send(INNER_BASH)
    t.expect(INNER + "$", what="the inner bash's prompt")
    t.send("exit\r")
    t.expect_prompt()
    t.check_nslab_reading()


def round_sleep(t):
    t.send("!sleep 0.2\r")
    t.expect_prompt()
    t.check_nslab_reading()


def test_rounds(trace_opts):
    """ROUNDS of !bash/exit and of !sleep 0.2; every other round a `reset`
    starts a fresh subject (the process that hands the terminal back)."""
    with Term() as t:
        t.run_nslab(NSLAB, "-q", *trace_opts)
        for r in range(ROUNDS):
            round_bash(t)
            round_sleep(t)
            if r % 2:
                t.send("reset\r")
                t.expect_prompt()
        t.send("exit\r")
        t.expect_nslab_ended(0)


def fg_runs(t, name):
    """The PID leading the terminal's foreground group once that process
    runs the program name (exec'd: a key pressed before would reach the
    forked child, not the program), else None."""
    fg = t.tpgid()
    try:
        return fg if fg > 0 and os.path.basename(os.readlink("/proc/%d/exe" % fg)) == name else None
    except OSError:
        return None


def wait_program(t, name):
    """The PID of the foreground program once it holds the terminal."""
    return t.wait_until(lambda: fg_runs(t, name), "%s has the terminal" % name)


def test_ctrl_c():
    """Ctrl-C inside !sleep 30 ends sleep, not nslab."""
    with Term() as t:
        t.run_nslab(NSLAB, "-q")
        t.send("!sleep 30\r")
        pid = wait_program(t, "sleep")
        t.send(CTRL_C)
        t.expect_prompt(timeout=20)
        t.wait_until(lambda: proc_stat(pid) is None or proc_stat(pid)["state"] == "Z",
                     "sleep has ended")
        t.check_nslab_reading()
        t.send("exit\r")
        t.expect_nslab_ended()


def test_ctrl_z():
    """Ctrl-Z inside !bash stops the inner bash's job (its business); Ctrl-Z
    on !sleep 30 stops sleep, which becomes a stopped job of nslab."""
    with Term() as t:
        t.run_nslab(NSLAB, "-q")
        t.send(INNER_BASH)
        t.expect(INNER + "$")
        t.send("sleep 40\r")
        inner = wait_program(t, "sleep")
        t.send(CTRL_Z)
        t.expect("Stopped", what="the inner bash reporting its stopped job")
        t.expect(INNER + "$")
        t.send("exit\r")
        t.expect("stopped jobs", what="bash's warning")
        t.expect(INNER + "$")
        t.send("exit\r")
        t.expect_prompt()
        # The inner bash's "Stopped" line was about its own job.
        t.stopped_check_from = len(t.out)
        t.check_nslab_reading()
        t.wait_until(lambda: proc_stat(inner) is None or proc_stat(inner)["state"] == "Z",
                     "the inner bash's stopped sleep ended with it (SIGHUP)")

        t.send("!sleep 30\r")
        pid = wait_program(t, "sleep")
        t.send(CTRL_Z)
        t.expect_prompt(timeout=20)
        st = proc_stat(pid)
        if st is None or st["state"] not in "Tt":
            raise Failure("sleep is not stopped after Ctrl-Z: %r\n%s" % (st, t.tail()))
        t.check_nslab_reading()
        t.send("jobs\r")
        t.expect(r"%%1 +%d .*stopped by SIGTSTP" % pid, what="the stopped job in `jobs`")
        t.expect_prompt()
        t.send("kill -KILL %1\r")
        t.expect_prompt()
        t.wait_until(lambda: proc_stat(pid) is None or proc_stat(pid)["state"] == "Z",
                     "the stopped job was killed")
        t.send("exit\r")
        t.expect_nslab_ended()


def test_killed():
    """A program killed from outside while its own child held the terminal:
    nslab takes the terminal back."""
    with Term() as t:
        t.run_nslab(NSLAB, "-q")
        t.send(INNER_BASH)
        t.expect(INNER + "$")
        inner_bash = t.tpgid()
        t.send("sleep 60\r")
        sleeper = wait_program(t, "sleep")
        os.kill(inner_bash, signal.SIGKILL)
        t.expect_prompt()
        t.check_nslab_reading()
        try:
            os.kill(sleeper, signal.SIGKILL)
        except ProcessLookupError:
            pass
        t.send("!sleep 30\r")
        pid = wait_program(t, "sleep")
        os.kill(pid, signal.SIGKILL)
        t.expect_prompt()
        t.check_nslab_reading()
        t.send("!no-such-program-here\r")
        t.expect_prompt()
        t.check_nslab_reading()
        t.send("exit\r")
        t.expect_nslab_ended()


def test_make_run():
    """Under `make run` (nslab in make's process group): Ctrl-C at the
    prompt reaches nslab alone, and !PROGRAM comes back each time."""
    if not shutil.which("make"):
        print("note: no make here: the `make run` case was not run")
        return
    d = tempfile.mkdtemp(prefix="nslab-tty-make.")
    with open(os.path.join(d, "Makefile"), "w") as f:
        f.write("run:\n\t'%s' -q\n" % NSLAB.replace("'", "'\\''"))
    try:
        with Term() as t:
            t.run_nslab("make", "-s", "-C", d, "run", binary=NSLAB)
            for _ in range(5):
                round_bash(t)
                round_sleep(t)
            t.send(CTRL_C)
            t.expect_prompt()
            t.send("!sleep 30\r")
            wait_program(t, "sleep")
            t.send(CTRL_C)
            t.expect_prompt()
            t.check_nslab_reading()
            t.send("exit 0\r")
            t.expect_nslab_ended()
            if "Interrupt" in t.out:
                raise Failure("make saw the Ctrl-C\n" + t.tail())
    finally:
        os.unlink(os.path.join(d, "Makefile"))
        os.rmdir(d)


TESTS = [
    ("%d rounds of !bash/exit and !sleep 0.2" % ROUNDS, lambda: test_rounds([])),
    ("the same with --no-trace", lambda: test_rounds(["--no-trace"])),
    ("Ctrl-C inside !sleep 30", test_ctrl_c),
    ("Ctrl-Z inside !bash and on !sleep 30", test_ctrl_z),
    ("a program killed while it or its child held the terminal", test_killed),
    ("under make run", test_make_run),
]

if __name__ == "__main__":
    run_tests(TESTS)

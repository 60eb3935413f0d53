"""Ctrl-C and Ctrl-D at nslab's prompt, in a terminal under bash -i.

Ctrl-C never ends a session: it drops the half-typed line and interrupts a
running `wait` or `pause`. Ctrl-D on an empty line ends it, but when jobs or
cgroups of the session are alive the first Ctrl-D only says so; a second
one ends it (and them). Checked against the kernel: nslab's process, its
job's process, the cgroup directory, the hostname.

    python3 tty_keys.py NSLAB
"""

import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import CTRL_C, CTRL_D, Failure, Term, proc_stat, run_tests  # noqa: E402

NSLAB = os.path.abspath(sys.argv[1])
ROOT = os.geteuid() == 0


def hostname():
    with open("/proc/sys/kernel/hostname") as f:
        return f.read().strip()


def alive(pid):
    st = proc_stat(pid)
    return st is not None and st["state"] != "Z"


def job_pid(t, n):
    """The host PID spawn printed for job %n ("[%1] pid 1234 ...")."""
    m = re.search(r"\[%%%d\] pid (\d+)" % n, t.out)
    if not m:
        raise Failure("no PID for job %%%d\n%s" % (n, t.tail()))
    return int(m.group(1))


def test_ctrl_c_at_prompt():
    with Term() as t:
        t.run_nslab(NSLAB, "-q")
        before = hostname()
        for _ in range(2):
            t.send(CTRL_C)
            t.expect_prompt()
        # A half-typed line, once readline has it (the terminal itself
        # throws away what nobody read yet), is dropped by Ctrl-C.
        t.send("hostname tty-half-typed")
        t.expect("hostname tty-half-typed")
        t.send(CTRL_C)
        t.expect_prompt()
        t.send("\r")
        t.expect_prompt()
        # A continued line is dropped whole.
        t.send("hostname \\\r")
        t.expect(r"\.\.\. $")
        t.send(CTRL_C)
        t.expect_prompt()
        t.send("tty-continued\r")
        t.expect_prompt()
        if hostname() != before:
            raise Failure("a dropped line ran: hostname is now %s\n%s" % (hostname(), t.tail()))
        t.check_nslab_reading()
        # Ctrl-C interrupts wait and pause, not the session.
        t.send("spawn sleep 100\r")
        t.expect_prompt()
        pid = job_pid(t, 1)
        t.send("wait %1\r")
        t.expect("wait %1\r\n")
        t.send(CTRL_C)
        t.expect_prompt()
        if not alive(pid):
            raise Failure("Ctrl-C in wait ended the job\n" + t.tail())
        t.send("pause\r")
        t.expect(r"press Enter")
        t.send(CTRL_C)
        t.expect_prompt()
        t.check_nslab_reading()
        t.send("exit\r")
        t.expect_nslab_ended()
        t.wait_until(lambda: not alive(pid), "the job ended with the session")


def test_ctrl_d_nothing_alive():
    with Term() as t:
        t.run_nslab(NSLAB, "-q")
        t.send(CTRL_D)
        t.expect_nslab_ended(0)


def test_ctrl_d_live_job():
    with Term() as t:
        t.run_nslab(NSLAB, "-q")
        t.send("spawn sleep 100\r")
        t.expect_prompt()
        pid = job_pid(t, 1)
        cg = None
        if ROOT:
            t.send("cgcreate pids 10\r")
            m = t.expect(r"(/sys/fs/cgroup/\S*/pids1)\b")
            cg = m.group(1)
            t.expect_prompt()
            if not os.path.isdir(cg):
                raise Failure("no cgroup directory %s\n%s" % (cg, t.tail()))
        t.send(CTRL_D)
        want = r"1 job, 1 cgroup: Ctrl-D again" if ROOT else r"1 job: Ctrl-D again"
        t.expect(want, what="the warning: " + want)
        t.expect_prompt()
        t.check_nslab_reading()
        if not alive(pid):
            raise Failure("the first Ctrl-D ended the job\n" + t.tail())
        # Anything typed in between: the next Ctrl-D warns again.
        t.send("jobs\r")
        t.expect_prompt()
        t.send(CTRL_D)
        t.expect(want)
        t.expect_prompt()
        t.send(CTRL_D)
        t.expect_nslab_ended(0)
        t.wait_until(lambda: not alive(pid), "the job ended with the session")
        if cg:
            t.wait_until(lambda: not os.path.isdir(cg), "the cgroup was removed")


TESTS = [
    ("Ctrl-C at the prompt, in wait and in pause", test_ctrl_c_at_prompt),
    ("Ctrl-D with nothing alive", test_ctrl_d_nothing_alive),
    ("Ctrl-D with a live job (and a cgroup as root)", test_ctrl_d_live_job),
]

if __name__ == "__main__":
    run_tests(TESTS)

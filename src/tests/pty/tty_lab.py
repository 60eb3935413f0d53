"""A lab run by hand in a terminal (labs/README.md, "Running a lab"):
Ctrl-C at a pause ends it and says the step to resume from; `--from N`
replays the steps before N quietly (their commands never shown, their
effects there all the same) and goes on; at the end the learner stays at
the prompt in the lab's final state; a challenge is worked at the prompt.
Checked against the kernel: the
subject's UTS namespace and hostname, read with nsenter(1) and /proc.

    python3 tty_lab.py NSLAB
"""

import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import CTRL_C, CTRL_D, Failure, Term, children, proc_exe, run_tests  # noqa: E402

NSLAB = os.path.abspath(sys.argv[1])
LAB = """# Navigation: a lab for the terminal tests
# duration: 1 minute
# prerequisites: none
#
# What you will see: a hostname of the subject's own, set in two steps.

say "First the subject gets a UTS namespace: nav-said-once."
unshare uts
hostname nav-one
expect hostname nav-one
pause
say "Then another name."
hostname nav-two
expect hostname nav-two
pause
say "Summary: two names."
"""


def subject_of(nslab_pid):
    """The subject: nslab's child running nslab."""
    real = os.path.realpath(NSLAB)
    for c in children(nslab_pid):
        if proc_exe(c) == real:
            return c
    return None


def uts_of(pid):
    return os.readlink("/proc/%d/ns/uts" % pid)


def hostname_in(pid):
    return subprocess.run(["nsenter", "-t", str(pid), "-u", "hostname"], check=True,
                          capture_output=True, text=True).stdout.strip()


def start_lab(t, path, *args):
    quoted = " ".join("'%s'" % a for a in (NSLAB, path) + args)
    t.send("%s; echo __status=$?\r" % quoted)
    t.expect(r"press Enter to go on", what="the lab's first pause")
    t.nslab_pid = t.wait_until(lambda: [c for c in children(t.pid)
                                        if proc_exe(c) == os.path.realpath(NSLAB)],
                               "nslab runs under bash")[0]


def with_lab(fn):
    def run():
        d = tempfile.mkdtemp(prefix="tty-lab.")
        path = os.path.join(d, "nav.lab")
        with open(path, "w") as f:
            f.write(LAB)
        try:
            fn(path)
        finally:
            os.unlink(path)
            os.rmdir(d)
    return run


@with_lab
def test_ctrl_c_at_pause_then_from(path):
    with Term() as t:
        start_lab(t, path)
        # The header, and each say once: its text, never its command echoed.
        if "== Navigation: a lab for the terminal tests ==" not in t.out:
            raise Failure("no header title\n" + t.tail())
        if t.out.count("nav-said-once") != 1:
            raise Failure("the say text is not shown exactly once\n" + t.tail())
        subj = subject_of(t.nslab_pid)
        if hostname_in(subj) != "nav-one":
            raise Failure("the first steps did not run: hostname %r" % hostname_in(subj))
        t.send(CTRL_C)
        m = t.expect(r"stopped at step (\d+) \(line (\d+)\): `nslab (\S+) --from (\d+)` resumes")
        step, line, lab, again = m.groups()
        if lab != path or step != again or line != "11":
            raise Failure("the resume line names step %s line %s of %s, --from %s" %
                          (step, line, lab, again))
        t.expect_nslab_ended(130)
        # Resumed: the steps before it run quietly, the pause waits again.
        t.mark = len(t.out)
        start_lab(t, path, "--from", step)
        shown = t.out[t.mark:]
        if "hostname nav-one" in shown or "nav-said-once" in shown:
            raise Failure("a step before --from %s was shown\n%s" % (step, t.tail()))
        subj = subject_of(t.nslab_pid)
        if uts_of(subj) == uts_of(os.getpid()) or hostname_in(subj) != "nav-one":
            raise Failure("the replayed steps did not happen (uts %s, hostname %s)" %
                          (uts_of(subj), hostname_in(subj)))
        t.send("\r")
        t.expect(r"press Enter to go on")
        t.send("\r")
        # --stay (the default in a terminal): the prompt, in the final state.
        t.expect(r"\d+ steps, \d+ expects held, 0 failed")
        t.expect(r"nslab [0-9a-z@#]+ \[uts\]> $", what="the prompt after the lab")
        if hostname_in(subj) != "nav-two" or subject_of(t.nslab_pid) != subj:
            raise Failure("not the lab's final state at the prompt")
        t.send("hostname\r")
        t.expect(r"nav-two")
        t.expect_prompt()
        t.send(CTRL_D)
        t.expect_nslab_ended(0)


@with_lab
def test_no_stay(path):
    with Term() as t:
        start_lab(t, path, "--no-stay")
        t.send("\r")
        t.expect(r"press Enter to go on")
        t.send("\r")
        t.expect(r"\d+ steps, \d+ expects held, 0 failed")
        t.expect_nslab_ended(0)


def test_challenge_at_the_prompt():
    """A challenge in a terminal: the goal, then the prompt; the learner's
    commands change the kernel's state, which `check` reads."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    chal = os.path.join(top, "challenges", "uts-host-net.chal")
    with open("/proc/sys/kernel/hostname") as f:
        host = f.read().strip()
    with Term() as t:
        t.send("'%s' '%s'; echo __status=$?\r" % (NSLAB, chal))
        t.expect(r"Goal: Give the subject the hostname island")
        t.expect_prompt()
        t.nslab_pid = t.wait_until(lambda: [c for c in children(t.pid)
                                            if proc_exe(c) == os.path.realpath(NSLAB)],
                                   "nslab runs under bash")[0]
        t.send("check\r")
        t.expect(r"Not yet: \d of 3 checks hold\.")
        t.expect(r"Hint 1 of 3: ")
        t.expect_prompt()
        t.send("unshare uts\r")
        t.expect_prompt()
        t.send("hostname island\r")
        t.expect_prompt()
        subj = subject_of(t.nslab_pid)
        if hostname_in(subj) != "island" or uts_of(subj) == uts_of(os.getpid()):
            raise Failure("the learner's commands did not reach the kernel")
        t.send("check\r")
        t.expect(r"Solved: every check holds\.")
        t.expect_prompt()
        t.send(CTRL_D)
        t.expect(r"Challenge solved\.")
        t.expect_nslab_ended(0)
    with open("/proc/sys/kernel/hostname") as f:
        if f.read().strip() != host:
            raise Failure("the host's hostname changed")


def display_cols(line):
    """Columns a line takes in the terminal (East Asian characters two)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def check_fits(t, start, lab, width, words=True,
               summary=r"^  ns of subject \S+: all ten the host's"):
    """Every line shown since start fits width, and every word of the lab's
    narration is shown whole (a line broken mid-word would split one)."""
    shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", t.out[start:]).replace("\r", "")
    # The command line typed at the shell is the user's, wrapped by the
    # terminal, and as long as the checkout's path: only nslab's lines count.
    lines = [l for l in shown.split("\n") if "echo __status=$?" not in l]
    wide = [l for l in lines if display_cols(l) > width]
    if wide:
        raise Failure("%d line(s) wider than %d columns, e.g. %r" % (len(wide), width, wide[0]))
    tokens = set(shown.split())
    with open(lab) as f:
        says = re.findall(r'^say "(.*)"$', f.read(), re.M) if words else []
    for text in says:
        for word in text.replace('\\"', '"').split():
            if word not in tokens:
                raise Failure("the word %r of the narration is not shown whole" % word)
    if not re.search(summary, shown, re.M):
        raise Failure("no one-line summary of the namespaces")


def test_80_columns():
    """On an 80-column terminal no line is wider than the terminal, so none
    breaks mid-word; the one-line summary of the namespaces fits too."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    lab = os.path.join(top, "labs", "uts.lab")
    with Term(cols=80, rows=24) as t:
        start = len(t.out)
        t.send("'%s' --no-stay '%s' </dev/null; echo __status=$?\r" % (NSLAB, lab))
        t.expect(r"__status=0", timeout=120)
        check_fits(t, start, lab, 80)
        # Chinese: two columns a character, broken between characters.
        start = len(t.out)
        t.send("'%s' --lang zh --no-stay '%s' </dev/null; echo __status=$?\r" % (NSLAB, lab))
        t.expect(r"__status=0", timeout=120)
        check_fits(t, start, lab, 80, words=False,
                   summary=r"^  主体 \S+ 的 namespace：十项全是宿主机的")


def test_help_pages():
    """On an 80x24 terminal `help` (every command, taller than the screen)
    is shown a page at a time: a screenful less one line, then the prompt;
    Space shows the next page, q leaves the rest unshown and the session
    goes on; a help that fits shows no prompt."""
    with Term(cols=80, rows=24) as t:
        t.run_nslab(NSLAB, "-q")
        start = len(t.out)
        t.send("help\r")
        t.expect(r"-- more")
        shown = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", t.out[start:]).replace("\r", "")
        lines = shown.split("\n")
        # the typed line, 23 lines of help, the prompt on the 24th
        if len(lines) > 25:
            raise Failure("%d lines before the first prompt (the screen has 24)" % len(lines))
        if "Commands (help COMMAND for details)" not in shown:
            raise Failure("the first page is not help's start\n" + t.tail())
        t.send(" ")
        t.expect(r"-- more")
        t.send("q")
        t.expect_prompt()
        if "TARGET: self (the subject)" in t.out[start:]:
            raise Failure("q showed the rest of help anyway\n" + t.tail())
        start = len(t.out)
        t.send("help hostname\r")
        t.expect_prompt()
        if "-- more" in t.out[start:]:
            raise Failure("a help that fits the screen was paged\n" + t.tail())
        t.send("exit\r")
        t.expect_nslab_ended(0)


run_tests([
    ("Ctrl-C at a pause says where to resume; --from resumes there; --stay", test_ctrl_c_at_pause_then_from),
    ("--no-stay ends with the lab", test_no_stay),
    ("a challenge at the prompt: goal, check, hint, solved", test_challenge_at_the_prompt),
    ("80 columns: no line wider, no word broken", test_80_columns),
    ("help taller than the terminal is paged", test_help_pages),
])

"""nslab --replay in a terminal: one recorded step per key. It starts with
the first step only; Enter shows the next, b the one before, / and a word
the next step whose command has it, q ends with status 0. No root: the
record is written here, as `record FILE` writes one.

    python3 tty_replay.py NSLAB
"""

import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyterm import Failure, Term, run_tests  # noqa: E402

NSLAB = os.path.abspath(sys.argv[1])
STEPS = [("unshare uts", "FIRST-STEP-OUTPUT"), ("hostname castle", "SECOND-STEP-OUTPUT"),
         ("ls-ns", "THIRD-STEP-OUTPUT")]


def write_record(path):
    with open(path, "w", encoding="utf-8") as f:
        for n, (cmd, out) in enumerate(STEPS, 1):
            shown = [{"echo": "nslab 42> %s\n" % cmd}, {"out": out + "\n"}]
            f.write(json.dumps({"step": n, "command": cmd, "ok": True, "output": out + "\n",
                                "shown": shown}) + "\n")
        f.write(json.dumps({"event": "end", "status": 0, "shown": [{"out": "3 steps\n"}]}) + "\n")


def test_keys():
    d = tempfile.mkdtemp(prefix="replay.")
    rec = os.path.join(d, "r.jsonl")
    write_record(rec)
    with Term() as t:
        t.send("'%s' --replay '%s'; echo __status=$?\r" % (NSLAB, rec))
        t.expect(r"FIRST-STEP-OUTPUT.*\[step 1 of 3", what="the first step and the keys")
        t.drain(0.3)
        if "SECOND-STEP-OUTPUT" in t.out:
            raise Failure("the second step was shown before a key\n" + t.tail())
        t.send("\r")
        t.expect(r"hostname castle\r?\nSECOND-STEP-OUTPUT.*\[step 2 of 3", what="step 2")
        t.send("b")
        t.expect(r"unshare uts\r?\nFIRST-STEP-OUTPUT.*\[step 1 of 3", what="step 1 again")
        t.send("/")
        t.expect("search for a command: ", what="the search prompt")
        t.send("ls-ns\r")
        t.expect(r"THIRD-STEP-OUTPUT\r?\n3 steps.*\[step 3 of 3", what="the step found")
        t.send("q")
        t.expect(r"__status=0", what="status 0 after q")
        t.expect_outer()
    os.remove(rec)
    os.rmdir(d)


run_tests([("replay: one step per key, back, search, quit", test_keys)])

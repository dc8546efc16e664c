"""The differential fuzzer (tests/differential.py): the compiled core against
its pure-Python twin, step by step, over seeded random operations on all
three containers; the twin alone against what holds for any
implementation; and threads sharing containers and iterators.

The load is a number of operations, BACKPORTS_WEAKREF_FUZZ_OPERATIONS
(a few seconds on CPython by default; in a child interpreter, whose small
heap keeps collections cheap), in sequences of LENGTH operations
from the seeds BACKPORTS_WEAKREF_FUZZ_SEED, +1, +2...; a divergence names
its seed and step, which reproduce it anywhere:

    BACKPORTS_WEAKREF_FUZZ_OPERATIONS=200000 \
        python -m pytest tests/test_differential.py
    python tools/fuzz.py --seconds 600          # or --seed N to replay one

Every divergence met in a run is listed, the first in full.
"""
from __future__ import absolute_import

import json
import os
import re
import time

import pytest

import cores
import differential
from backports.weakref import _compat
from support import JYTHON, PYPY, STRESS_SECONDS, STRESS_THREADS, run_python

LENGTH = 200
# Operations per run: a few seconds a test. The seeds run in a child of
# their own, whose heap is the fuzzer's alone: each step's full collection
# then costs microseconds, where in the test process (its thousands of
# collected tests; no gc.freeze() before 3.7, a walk of every object on
# free-threaded 3.13) it took milliseconds, 8 to 30 times the whole run.
# Collections are slower on PyPy, and slower still on Jython.
OPERATIONS = differential.operations_budget(
    1000 if JYTHON else 8000 if PYPY else 24000)
SEED = differential.first_seed()

FUZZ = '''
import json
import sys
sys.path.insert(0, sys.argv[1])
import differential
print(json.dumps(differential.run_budget(
    int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
    sys.argv[5].split(","))))
'''


def fuzz(cores_compared, record_property, name):
    """Run OPERATIONS operations from SEED on, compared (two cores) or
    checked (one), in a child; fail listing each seed's divergence."""
    here = os.path.dirname(os.path.abspath(__file__))
    started = time.time()
    rc, out, err = run_python(FUZZ, here, str(SEED), str(OPERATIONS),
                              str(LENGTH), ",".join(cores_compared))
    elapsed = time.time() - started
    assert rc == 0, "the fuzzer's child: exit status %d\n%s%s" % (
        rc, out[-3000:], err[-3000:])
    operations, last_seed, found = json.loads(out.splitlines()[-1])
    record_property("load", "%s: %d operations, seeds %d-%d, %.1f s "
                    "(%d a second), %d divergent seeds" % (
                        name, operations, SEED, last_seed, elapsed,
                        operations / max(elapsed, 1e-9), len(found)))
    assert not found, "%d of %d seeds diverge:\n%s\n\nthe first:\n%s" % (
        len(found), last_seed - SEED + 1,
        "\n".join(text.splitlines()[0] for text in found), found[0])


@pytest.mark.skipif("compiled" not in cores.CORES,
                    reason="no compiled core here: the twin alone is "
                    "checked below")
def test_the_compiled_core_against_the_twin(record_property):
    fuzz(["compiled", "pure"], record_property, "fuzz compiled vs pure")


def test_the_twin_alone_holds_what_any_implementation_must(record_property):
    # Where the twin is the only core (PyPy, Jython, no compiler) this is
    # the fuzzer's check; beside the compiled core it checks the twin too.
    fuzz(["pure"], record_property, "fuzz pure alone")


CHURN = '''
import sys
try:
    import faulthandler
    faulthandler.enable()     # a crash shows where, in the test's report
    # And a child that hangs shows where, and ends (3.3+).
    faulthandler.dump_traceback_later(float(sys.argv[4]) + 120, exit=True)
except (ImportError, AttributeError):
    pass
sys.path.insert(0, sys.argv[1])
import cores
import differential
core = cores.CORES[0]
assert core == sys.argv[2], core
operations, problems = differential.churn(core, int(sys.argv[3]),
                                          float(sys.argv[4]),
                                          int(sys.argv[5]))
print("operations: %d" % operations)
for problem in sorted(set(problems)):
    print("problem: " + problem)
'''


# At most this many children for the thread test, where the interpreter's
# own collector may crash one (COLLECTOR_CRASHES_UNDER_CHURN).
CHURN_ATTEMPTS = 3
# How faulthandler reports a crash inside a collection.
CRASHED_COLLECTING = re.compile(r"Current thread [^\n]*\n\s+Garbage-collecting")


def crashed_in_the_collector(rc, err):
    """Whether a child died as the interpreter's own collector is known to
    crash under churn, with the stdlib's containers alike."""
    return (_compat.COLLECTOR_CRASHES_UNDER_CHURN and rc < 0
            and CRASHED_COLLECTING.search(err) is not None)


def test_only_a_crash_inside_the_collector_is_allowed():
    report = ("Fatal Python error: Segmentation fault\n\n"
              "Thread 0x2 (most recent call first):\n"
              "  File \"differential.py\", line 1 in work\n\n"
              "Current thread 0x1 (most recent call first):\n"
              "  Garbage-collecting\n"
              "  File \"support.py\", line 75 in collect\n")
    elsewhere = report.replace("  Garbage-collecting\n", "")
    assert crashed_in_the_collector(-11, report) is \
        _compat.COLLECTOR_CRASHES_UNDER_CHURN
    assert not crashed_in_the_collector(-11, elsewhere)
    assert not crashed_in_the_collector(1, report)


@pytest.mark.parametrize("core", cores.CORES)
def test_threads_share_containers_and_iterators(core, record_property):
    # In a child: on free-threaded builds this crashed the compiled core.
    here = os.path.dirname(os.path.abspath(__file__))
    threads = max(STRESS_THREADS, 2)
    collector_crashes = 0
    for attempt in range(CHURN_ATTEMPTS):
        rc, out, err = run_python(CHURN, here, core, str(SEED + attempt),
                                  str(STRESS_SECONDS), str(threads),
                                  env=cores.child_environ(core))
        if not crashed_in_the_collector(rc, err):
            break
        collector_crashes += 1
    assert rc == 0, "the child on the %s core: exit status %d\n%s%s" % (
        core, rc, out, err[-3000:])
    lines = out.splitlines()
    problems = [line for line in lines if line.startswith("problem: ")]
    assert problems == [], problems
    operations = int(lines[0].split()[1])
    assert operations > threads * 10
    record_property("load", "fuzz threads on %s: %d operations, %d threads, "
                    "%.1f s%s" % (core, operations, threads, STRESS_SECONDS,
                                  ", after %d crash(es) in the interpreter's "
                                  "collector" % collector_crashes
                                  if collector_crashes else ""))

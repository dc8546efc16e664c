"""Reference-count leaks, test by test, on a debug CPython.

    python3 tools/matrix.py --only cpython3.15d    # as CI: suite, then this
    bash tools/sid_chroot.sh run .matrix/sid \\
        .matrix/envs/cpython3.15d/bin/python tools/refcounts.py [PYTEST ARGS...]

Runs the container tests (or the tests named) under pytest, and after each
test's own run calls it again, WARM_UP times to fill caches, then RUNS
times, reading ``sys.gettotalrefcount()`` (a debug build's count of every
reference the interpreter holds) around each of those: a test that leaks
leaves the count higher after every run, as CPython's own ``regrtest -R``
judges. A test that grows in each of those runs is run 40, then 400, then
4,000 times more and measured again (some caches take thousands of calls to
settle); growing still, it leaked. Prints the tests whose count moved and
the slowest to repeat, and exits 1 if any test leaked, else with pytest's
own status: the matrix's debug leg (tools/interpreters.json's "after")
fails on either.

Tests driven by hypothesis are run once only (each run is a new search), as
are those of NOT_OURS (the interpreter's own growth);
tests that need a fresh process do their work in a child and are cheap to
repeat; a test that fails when run again on the fixtures it used up
(``del objs[:5]``) counts as run once. The compiled core is what is
checked (the tests' other legs, the pure twin's and the stdlib's, are
deselected), or the twin where BACKPORTS_WEAKREF_NO_EXTENSIONS is set.
tests/test_leaks.py covers long create/destroy runs
(BACKPORTS_WEAKREF_LEAK_CYCLES=1000000); tools/build_313d.sh builds a debug
CPython 3.13, whose public containers are all ours (3.14+ gives the
interpreter's own dicts under the public names).
"""
from __future__ import absolute_import, print_function

import gc
import inspect
import os
import sys
import time

import pytest

WARM_UP = 2
LONG_WARM_UPS = (40, 400, 4000)
RUNS = 4
# What a test may add per run and still count as flat: interned strings,
# type caches and free lists settle within the warm-up, but a few counts
# move with the order the collector frees things in.
NOISE = 0
SLOWEST = 10

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(os.path.dirname(HERE), "tests")
CONTAINER_TESTS = ["test_weak_dicts.py", "test_weakset.py",
                   "test_containers_fixes.py", "test_containers_iteration.py",
                   "test_bad_input.py", "test_free_threading.py",
                   "test_core.py", "test_leaks.py"]


def leaked(deltas):
    return all(delta > NOISE for delta in deltas)


def total():
    gc.collect()
    gc.collect()
    return sys.gettotalrefcount()


def _measure(run):
    # The count after one run is the count before the next: RUNS + 1
    # readings, each behind two full collections, which cost most of the
    # time on a debug build.
    counts = [0] * (RUNS + 1)
    counts[0] = total()
    for index in range(RUNS):
        run()
        counts[index + 1] = total()
    return [after - before for before, after in zip(counts, counts[1:])]


def _nothing():
    pass


def _ignore(unraisable):
    pass


# What measuring itself adds to the count (the int `before`, and so on):
# measured around a function that does nothing, and taken off.
_BASELINE = None


def measure(run):
    """The growth of the total reference count over each of RUNS runs."""
    global _BASELINE
    if _BASELINE is None:
        _measure(_nothing)
        _BASELINE = _measure(_nothing)
    # What lives now (pytest, hypothesis, the modules, this test's
    # fixtures) is frozen out of the collections (3.7+), which then walk
    # only what the runs made: a tenth of the time, or less. The
    # references those objects hold still count in the total, and they go
    # back to the collector afterwards, dead ones included.
    freeze = getattr(gc, "freeze", None)
    if freeze:
        gc.collect()
        freeze()
    # An error a callback raises on purpose (a test's odd _remove) is
    # reported to sys.unraisablehook, where pytest (8.4+) keeps each report
    # and its traceback until the test ends: not the code's leak. The
    # repeats' reports go nowhere; the test's own run reported them.
    hook = getattr(sys, "unraisablehook", None)
    if hook:
        sys.unraisablehook = _ignore
    try:
        deltas = _measure(run)
    finally:
        if freeze:
            gc.unfreeze()
        if hook:
            sys.unraisablehook = hook
    return [delta - base for delta, base in zip(deltas, _BASELINE)]


# Tests whose growth is the interpreter's: on the debug CPython 3.15,
# pickle.loads(pickle.dumps(obj)) of a plain instance of a test's class
# grows the total count by one or two a run too, with none of our code in
# it. A test whose id or source has one of these runs once, as hypothesis's
# do (a CI run once counted [1, 1, 2, 1] for a test that pickles a weak dict
# and its referents, flat when run with its own module alone).
NOT_OURS = ("pickle.loads(",)


def _source(function):
    """The source of a test function, or "" where it has none to read."""
    try:
        return inspect.getsource(function)
    except (TypeError, OSError):
        return ""


def leg(item):
    """The leg a test runs on (tests/conftest.py), or None."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    marked = item.get_closest_marker("core")
    return params.get("containers") or (marked.args[0] if marked else None)


class RefcountPlugin(object):
    def __init__(self):
        self.results = []
        self.once = []
        self.seconds = {}       # nodeid: (seconds repeating it, runs)

    def pytest_collection_modifyitems(self, config, items):
        """The imported core's tests alone: its C is what this counts."""
        from backports.weakref import _core
        kept = [item for item in items
                if leg(item) in (None, _core.IMPLEMENTATION)]
        deselected = [item for item in items if item not in kept]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        outcome = yield
        if outcome.excinfo is not None:
            return          # failed or skipped: nothing to repeat
        function = getattr(item, "obj", None)
        if getattr(function, "is_hypothesis_test", False) or any(
                text in item.nodeid or text in _source(function)
                for text in NOT_OURS):
            self.results.append((item.nodeid, None))
            return
        properties = len(item.user_properties)
        started, runs = time.time(), [0]

        def run():
            runs[0] += 1
            item.runtest()
            # What record_property adds each run is the report's, not a leak.
            del item.user_properties[properties:]

        try:
            for _ in range(WARM_UP):
                run()
            deltas = measure(run)
            for more in LONG_WARM_UPS:
                if not leaked(deltas):
                    break
                # Caches that fill a little per call settle after some
                # hundreds or thousands of calls (the test of a C method's
                # argument errors under pytest.raises grows by a few
                # references per run for about 2,000 runs, then stays
                # flat): a test still growing after all of these leaks.
                for _ in range(more):
                    run()
                deltas = measure(run)
        except Exception:  # e.g. it used up a fixture: it runs once only
            self.once.append(item.nodeid)
            return
        finally:
            self.seconds[item.nodeid] = (time.time() - started, runs[0])
        self.results.append((item.nodeid, deltas))

    def leaks(self):
        return [(nodeid, deltas) for nodeid, deltas in self.results
                if deltas and leaked(deltas)]

    def report(self):
        checked = [r for r in self.results if r[1] is not None]
        print("\nrefcounts: %d tests run %d more times each (after %d "
              "warm-up runs); run once: %d driven by hypothesis, %d that "
              "cannot run twice on the same fixtures"
              % (len(checked), RUNS, WARM_UP,
                 len(self.results) - len(checked), len(self.once)))
        for nodeid, deltas in checked:
            if any(deltas):
                print("  %s: %s" % (nodeid, deltas))
        # Where the time went: a test repeated thousands of times (still
        # growing after the first warm-ups) or slow in itself.
        slowest = sorted(self.seconds.items(), key=lambda item: -item[1][0])
        print("slowest to repeat:")
        for nodeid, (seconds, runs) in slowest[:SLOWEST]:
            print("  %.1f s, %d runs: %s" % (seconds, runs, nodeid))
        leaks = self.leaks()
        if leaks:
            print("LEAKS (the count grew after every run):")
            for nodeid, deltas in leaks:
                print("  %s: %s" % (nodeid, deltas))
        else:
            print("no test leaked: the total reference count came back "
                  "after every run of every test")


def main(argv):
    if not hasattr(sys, "gettotalrefcount"):
        print("tools/refcounts.py needs a debug CPython (--with-pydebug; "
              "tools/build_313d.sh)", file=sys.stderr)
        return 2
    args = list(argv)
    # Options alone (tools/matrix.py passes on its "-- -x -k store"): still
    # the container tests.
    if not any(os.path.exists(arg.split("::")[0]) for arg in args
               if not arg.startswith("-")):
        args += [os.path.join(TESTS, name) for name in CONTAINER_TESTS]
    plugin = RefcountPlugin()
    # Not -q: pytest's closing "=== N passed in S s ===" line is what
    # tools/matrix.py counts, as for its pytest runs.
    status = pytest.main(["-p", "no:cacheprovider", "-ra"] + args,
                         plugins=[plugin])
    plugin.report()
    return 1 if plugin.leaks() else int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

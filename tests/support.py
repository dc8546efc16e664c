"""What every test module shares: waiting for the collector, child interpreters.

On CPython an object dies at its last ``del``; on PyPy only at a collection;
on Jython the JVM clears it at a collection and a "reaper" thread runs the
callbacks a little later. ``collect_until`` hides all three.

One more Jython trap: a function keeps the last sequence it unpacked alive
(``a, b = make()`` holds the tuple), so tests keep an object that must die in
one plain variable or attribute and ``del`` that.
"""
from __future__ import absolute_import

import contextlib
import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
import traceback
import weakref

from backports.weakref import _compat

JYTHON = sys.platform.startswith("java")
PYPY = "__pypy__" in sys.builtin_module_names
PY2 = sys.version_info[0] == 2
# Whether the interpreter's threads run Python code at the same time (no
# GIL): free-threaded CPython and Jython.
THREADS_RUN_AT_ONCE = JYTHON or _compat.FREE_THREADED
# CPython frees an object at its last reference; PyPy and Jython at a
# collection.
REFERENCE_COUNTED = not (JYTHON or PYPY)

# Long enough for Jython's reaper thread under load; CPython needs none of it.
# The reaper runs every callback in turn: in a full CI run a backlog left by
# the heavier tests once kept a death's callback waiting past 10 s there.
COLLECT_TIMEOUT = 30.0 if JYTHON else 10.0


def collect_until(condition, timeout=COLLECT_TIMEOUT):
    """Collect garbage until ``condition()`` is true; fail after *timeout* s.

    Returns normally once the condition holds, raises AssertionError when it
    still does not hold at the deadline.
    """
    # On CPython an object dies at its last reference, so most conditions
    # hold before any collection, which costs tens of milliseconds on the
    # test process's heap, thousands of times a run. Elsewhere objects die
    # only at collections, and one already true may be the result of a
    # partial one (PyPy's nursery): a full collection comes first there.
    if REFERENCE_COUNTED and condition():
        return
    deadline = time.time() + timeout
    pause = 0.001
    while True:
        gc.collect()
        if condition():
            return
        if time.time() >= deadline:
            raise AssertionError("condition still false after %.1f s of "
                                 "collecting: %r" % (timeout, condition))
        # Give another thread (Jython's reaper) the chance to run callbacks.
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def wait_for_callbacks(timeout=COLLECT_TIMEOUT):
    """Collect until every callback of a reference cleared so far has run.

    Jython's reaper thread runs callbacks one at a time, in order, some time
    after the collection that cleared their referents: once a sentinel's
    callback, queued after them, has run, so have they. Elsewhere the first
    collection is enough.
    """
    ran = []

    class Sentinel(object):
        pass

    sentinel_ref = weakref.ref(Sentinel(), ran.append)
    collect_until(lambda: ran, timeout)
    del sentinel_ref


def collect():
    """One full collection, enough on every interpreter for what a test
    deleted to be dead (callbacks on Jython may still be pending)."""
    for _ in range(3 if PYPY else 1):
        gc.collect()


def run_python(code, *args, **kwargs):
    """Run *code* in a child of this interpreter; return (rc, stdout, stderr).

    The child sees the same sys.path, so it imports the backports.weakref
    under test. Keyword arguments, besides Popen's: ``env`` (variables to
    add), ``options`` (interpreter options, placed before ``-c``),
    ``path_first`` (folders the child searches before that sys.path) and
    ``raw`` (return stdout and stderr as bytes, undecoded).
    """
    options = list(kwargs.pop("options", ()))
    env = dict(os.environ)
    entries = list(kwargs.pop("path_first", ())) + sys.path
    path = os.pathsep.join(entry for entry in entries if entry)
    env["JYTHONPATH" if JYTHON else "PYTHONPATH"] = path
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(kwargs.pop("env", {}))
    raw = kwargs.pop("raw", False)
    process = subprocess.Popen(
        [sys.executable] + options + ["-c", textwrap.dedent(code)] + list(args),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kwargs)
    out, err = process.communicate()
    if raw:
        return process.returncode, out, err
    return (process.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"))


# -- threads ------------------------------------------------------------------

# How long and how wide the thread tests run: a short run by default, longer
# where objects die only at a collection; the free-threaded entry of the
# matrix asks for more (tools/soak.py runs soaks).
STRESS_SECONDS = float(os.environ.get("BACKPORTS_WEAKREF_STRESS_SECONDS") or
                       (1.5 if JYTHON or PYPY else 0.75))
STRESS_THREADS = int(os.environ.get("BACKPORTS_WEAKREF_STRESS_THREADS") or 4)
# A test's threads must all be done within this, or it fails.
JOIN_TIMEOUT = 120.0
# Rounds of race_rounds() for the insert-once races: fewer on Jython, whose
# racers spin for each other on real threads, among its slow collections.
RACE_ROUNDS = int(os.environ.get("BACKPORTS_WEAKREF_RACE_ROUNDS") or
                  (50 if JYTHON else 200))


def run_threads(function, arguments):
    """Call ``function(argument)`` for each argument, each in a thread of
    its own, all released at once; wait (boundedly) for every one, then fail
    with the first traceback any of them raised."""
    failures = []
    start = threading.Event()

    def guarded(argument):
        start.wait()
        try:
            function(argument)
        except BaseException:
            failures.append(traceback.format_exc())

    threads = [threading.Thread(target=guarded, args=(argument,))
               for argument in arguments]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    assert not failures, "a thread failed:\n" + failures[0]


class _RoundGate(object):
    """A barrier for *parties* threads (threading.Barrier is 3.2+): each
    wait() returns once all have arrived. The waiters block on a lock the
    last arrival releases, and each passes it on at once: a condition's
    notify_all lets them go one by one through its own lock, and Python 2's
    timed waits poll every 50 ms. (Python 2 and Jython cannot bound a lock
    wait: race_rounds bounds its daemon threads instead.)"""

    def __init__(self, parties):
        self.parties, self.arrived = parties, 0
        self.count_lock = threading.Lock()
        self.release = self._closed()

    @staticmethod
    def _closed():
        release = threading.Lock()
        release.acquire()
        return release

    def wait(self):
        with self.count_lock:
            release = self.release
            self.arrived += 1
            if self.arrived == self.parties:
                self.arrived, self.release = 0, self._closed()
                release.release()
                return
        if PY2 or JYTHON:
            release.acquire()
        elif not release.acquire(True, JOIN_TIMEOUT):
            raise AssertionError("a racer never arrived")
        release.release()


def race_rounds(threads, rounds, body):
    """Race *threads* threads, *rounds* times: in each round every thread
    calls ``body(round, thread)`` once, all released together. Returns, for
    each round, the list of what each thread's call returned; fails if a
    thread fails, or if they are not all done within JOIN_TIMEOUT. The
    threads live across rounds, so a round costs no thread start."""
    gate = _RoundGate(threads)
    results = [[None] * threads for _ in range(rounds)]
    failures = []
    out = [0] * rounds
    count_lock = threading.Lock()

    def racer(index):
        try:
            for number in range(rounds):
                gate.wait()
                # The gate lets its waiters go one after another: where
                # threads run at once, spin, yielding, until all are out,
                # so that they call body together. Under a GIL they take
                # turns anyway, and 16 spinners cost seconds a test (and
                # three times that beside another busy process).
                with count_lock:
                    out[number] += 1
                while out[number] < threads and THREADS_RUN_AT_ONCE:
                    time.sleep(0)
                results[number][index] = body(number, index)
        except BaseException:
            failures.append(traceback.format_exc())

    started = [threading.Thread(target=racer, args=(index,))
               for index in range(threads)]
    deadline = time.time() + JOIN_TIMEOUT
    for thread in started:
        thread.daemon = True    # a hung one must not hang the exit too
        thread.start()
    for thread in started:
        thread.join(max(0, deadline - time.time()))
    assert not failures, "a racer failed:\n" + failures[0]
    assert not any(thread.is_alive() for thread in started), "a racer hangs"
    return results


def run_for(seconds, body, *helpers):
    """Call ``body()`` in a loop for *seconds* while each of *helpers*
    (functions taking a stop event) runs in a thread of its own; then stop
    them and re-raise the first error any of them hit."""
    stop = threading.Event()
    errors = []

    def guarded(helper):
        def run():
            try:
                helper(stop)
            except Exception as error:  # reported by the calling thread
                errors.append(error)
        return run

    started = [threading.Thread(target=guarded(helper)) for helper in helpers]
    for thread in started:
        thread.start()
    try:
        deadline = time.time() + seconds
        while time.time() < deadline and not errors:
            body()
    finally:
        stop.set()
        for thread in started:
            thread.join(JOIN_TIMEOUT)
    if errors:
        raise errors[0]


def keep_collecting(stop):
    """A run_for() helper: collect again and again until stopped, yielding
    to the other threads between collections."""
    while not stop.is_set():
        gc.collect()
        time.sleep(0.0001)


@contextlib.contextmanager
def switch_interval(seconds):
    """Have the interpreter switch threads every *seconds* meanwhile (more
    interleavings); Python 2 counts bytecodes instead."""
    if hasattr(sys, "getswitchinterval"):
        previous = sys.getswitchinterval()
        sys.setswitchinterval(seconds)
        try:
            yield
        finally:
            sys.setswitchinterval(previous)
    elif hasattr(sys, "getcheckinterval"):
        previous = sys.getcheckinterval()
        sys.setcheckinterval(1 if seconds < 1e-3 else 100)
        try:
            yield
        finally:
            sys.setcheckinterval(previous)
    else:   # Jython: the JVM schedules its threads itself
        yield


class UnraisableRecorder(object):
    """Within ``with``, records ("Type: message") what weakref callbacks
    raise, where sys.unraisablehook exists (3.8+); elsewhere such errors go
    to stderr, which the tests that care capture."""

    def __init__(self):
        self.seen = []

    def __enter__(self):
        self.previous = getattr(sys, "unraisablehook", None)
        if self.previous is not None:
            sys.unraisablehook = self.record
        return self

    def record(self, info):
        self.seen.append("%s: %s" % (info.exc_type.__name__, info.exc_value))

    def __exit__(self, *exc_info):
        if self.previous is not None:
            sys.unraisablehook = self.previous

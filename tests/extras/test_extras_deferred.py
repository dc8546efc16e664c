"""finalize_with_options(..., defer=True) (issue 22): the callback never runs
inside the collector or inside another callback, so it may take a lock the
collecting thread holds; it runs soon after, exactly once, on the worker
thread, and at exit if still due."""
from __future__ import absolute_import

import gc
import os
import threading

from backports.weakref import _compat
from backports.weakref.extras import finalize_with_options
from support import JYTHON, PYPY, collect_until, run_python, run_threads

THREADS = 8
# Each round forces a collection of the young generation. Free-threaded
# 3.13's collector has no generations (every collection is a full one,
# about 14 ms in the suite's process): a tenth of the rounds there. Jython's
# is the JVM's System.gc() (1,000 rounds took 102 s in a CI run), and PyPy
# under pytest took 41 s for 300 (8 threads queueing on the lock and its
# GIL; PyPy 3.11 in CI's chroot once ran past JOIN_TIMEOUT with 1,000): a
# fiftieth there, a hundredth on PyPy.
ROUNDS = int(os.environ.get("BACKPORTS_WEAKREF_DEFER_ROUNDS") or
             (100 if PYPY else 200 if JYTHON else
              1000 if _compat.FREE_THREADED else 10000))


class Cyclic(object):
    """Freed only by the collector: it refers to itself."""

    def __init__(self):
        self.me = self


def test_deferred_callbacks_take_the_lock_the_collector_holds():
    lock = threading.Lock()
    ran = []
    threads_seen = set()

    def callback(number):
        with lock:              # held by whoever forced the collection
            ran.append(number)
            threads_seen.add(threading.current_thread().name)

    def rounds(thread):
        for number in range(thread, ROUNDS, THREADS):
            obj = Cyclic()
            finalize_with_options(obj, callback, (number,), defer=True)
            with lock:
                del obj
                gc.collect(0)   # the young generation holds obj

    run_threads(rounds, range(THREADS))
    collect_until(lambda: len(ran) >= ROUNDS)
    print("\ndeferred finalizers: %d rounds from %d threads, %d callbacks, "
          "no hang" % (ROUNDS, THREADS, len(ran)))
    assert sorted(ran) == list(range(ROUNDS))
    assert threads_seen == set(["backports.weakref deferred finalizers"])


def test_a_deferred_callback_runs_once_even_when_called_meanwhile():
    ran = []
    obj = Cyclic()
    finalizer = finalize_with_options(obj, ran.append, ("done",), defer=True)
    assert finalizer.alive
    assert finalizer() is None and ran == ["done"]    # now, in the caller
    assert not finalizer.alive
    del obj
    gc.collect()
    assert finalizer() is None and ran == ["done"]


def test_due_callbacks_run_at_exit():
    code = """
        import gc
        from backports.weakref.extras import finalize_with_options

        class Cyclic(object):
            def __init__(self):
                self.me = self

        import sys

        def say(word):
            # One write: on Jython the worker thread's line and the exit
            # pass's could otherwise interleave.
            sys.stdout.write(word + "\\n")

        kept = Cyclic()
        finalize_with_options(kept, say, ("alive at exit",), defer=True)
        finalize_with_options(Cyclic(), say, ("died",), defer=True)
        gc.collect()
        raise SystemExit(0)
    """
    rc, out, err = run_python(code)
    assert rc == 0, err
    assert sorted(out.split("\n")[:2]) == ["alive at exit", "died"], out

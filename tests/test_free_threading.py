"""What must hold without a GIL (free-threaded CPython 3.13t), tested on every
interpreter: finalize's registry, WeakMethod and the weak containers' removal
callbacks hammered from several threads at once, and, on a free-threaded
build, that importing us leaves the GIL off.

The thread churn of the containers is tests/test_stress_threads.py; these
tests aim at the other shared state. Their length and thread count follow
BACKPORTS_WEAKREF_STRESS_SECONDS and BACKPORTS_WEAKREF_STRESS_THREADS (the
matrix raises both for 3.13t).
"""
from __future__ import absolute_import

import gc
import os
import subprocess
import sys
import sysconfig
import threading
import time

import pytest

import containers_impl
from backports import weakref
from backports.weakref import _compat
from support import (JOIN_TIMEOUT, STRESS_THREADS,
                     UnraisableRecorder, collect_until, run_threads)

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
THREADS = STRESS_THREADS


class Target(object):
    def method(self, value):
        return value


@pytest.mark.skipif(not FREE_THREADED, reason="not a free-threaded build")
def test_importing_us_leaves_the_gil_off():
    # Without PYTHON_GIL=0, an extension module not declared free-threading
    # safe would switch the GIL back on at import: we must not be one.
    env = dict(os.environ)
    env.pop("PYTHON_GIL", None)
    env["PYTHONPATH"] = os.pathsep.join(entry for entry in sys.path if entry)
    code = ("import sys, backports.weakref, backports.weakref.extras; "
            "print(sys._is_gil_enabled())")
    out = subprocess.check_output([sys.executable, "-c", code], env=env)
    assert out.decode().strip() == "False"
    assert not sys._is_gil_enabled()


def test_the_compat_flag_knows_a_free_threaded_build():
    # Read from the built-in _sysconfig (sysconfig costs milliseconds to
    # import); it must agree with sysconfig.
    assert _compat.FREE_THREADED == FREE_THREADED


@pytest.mark.skipif(not _compat.DICT_GET_IS_SLOW_FROM_OTHER_THREADS,
                    reason="dict.get() takes no lock here")
def test_weak_value_lookups_from_another_thread_take_no_dict_lock():
    # On 3.13t, dict.get() locks the dict (about 7 us from a thread that
    # does not own it); get() and `in` look up with d[k] there. A dict whose
    # get() refuses to run shows which one they call, from a worker thread
    # as a server's request threads would.
    class NoGet(dict):
        def get(self, *args):
            raise AssertionError("dict.get called")

    obj = Target()
    container = weakref.WeakValueDictionary({1: obj})
    container.data = NoGet(container.data)
    results = []
    thread = threading.Thread(target=lambda: results.extend(
        [container.get(1), container.get(2, "absent"), 1 in container,
         2 in container]))
    thread.start()
    thread.join(JOIN_TIMEOUT)
    assert results == [obj, "absent", True, False]


@pytest.mark.skipif(not hasattr(weakref, "finalize"), reason="no finalize")
def test_finalizers_made_called_and_detached_from_many_threads():
    # finalize keeps every live finalizer in one class-level registry that
    # all threads add to and remove from.
    calls = [0] * THREADS
    seconds = containers_impl.stress_seconds()
    deadline = time.time() + seconds
    made = [0] * THREADS

    lock = threading.Lock()

    def count(number):
        # A callback runs in whichever thread drops the last reference.
        with lock:
            calls[number] += 1

    def work(number):
        keep = []
        while time.time() < deadline:
            obj = Target()
            f = weakref.finalize(obj, count, number)
            made[number] += 1
            step = made[number] % 4
            if step == 0:
                f()                          # called by hand
                assert not f.alive
            elif step == 1:
                assert f.detach() is not None    # never runs
                count(number)
            elif step == 2:
                keep.append(obj)             # dies below, at the end
            del obj                          # step 3: dies now
            if len(keep) > 50:
                del keep[:]

    with UnraisableRecorder() as unraisable:
        run_threads(work, range(THREADS))
        collect_until(lambda: sum(calls) == sum(made))
    assert unraisable.seen == []
    assert calls == made
    print("finalize: %d finalizers, %d threads, %.1f s"
          % (sum(made), THREADS, seconds))


@pytest.mark.skipif(not hasattr(weakref, "WeakMethod"), reason="no WeakMethod")
def test_weak_methods_shared_between_threads_while_their_objects_die():
    shared = [Target() for _ in range(64)]
    methods = [weakref.WeakMethod(obj.method) for obj in shared]
    seconds = containers_impl.stress_seconds()
    deadline = time.time() + seconds
    operations = [0] * THREADS

    def work(number):
        while time.time() < deadline:
            for index, method in enumerate(methods):
                bound = method()
                if bound is not None:
                    assert bound(index) == index
                    if number == 0 and index % 2:
                        shared[index] = None     # dies while others look
                else:
                    assert method() is None
                other = Target()
                assert weakref.WeakMethod(other.method) == \
                    weakref.WeakMethod(other.method)
                hash(weakref.WeakMethod(other.method))
                assert method == method
                operations[number] += 1
            if number == 0:
                shared[:] = [Target() for _ in shared]
                methods[:] = [weakref.WeakMethod(obj.method)
                              for obj in shared]

    with UnraisableRecorder() as unraisable:
        run_threads(work, range(THREADS))
    assert unraisable.seen == []
    print("WeakMethod: %d operations, %d threads, %.1f s"
          % (sum(operations), THREADS, seconds))


@pytest.mark.parametrize("kind", ["WeakValueDictionary",
                                  "WeakKeyDictionary", "WeakSet"])
def test_entries_dying_in_many_threads_at_once_all_leave(kind):
    # Each thread fills the one container, then drops its objects at the
    # same moment as the others: the removal callbacks run concurrently.
    container = getattr(weakref, kind)()
    rounds = [0] * THREADS
    seconds = containers_impl.stress_seconds()
    deadline = time.time() + seconds
    gate = threading.Barrier(THREADS) if hasattr(threading, "Barrier") else None

    def work(number):
        while True:
            objects = [Target() for _ in range(100)]
            for index, obj in enumerate(objects):
                if kind == "WeakValueDictionary":
                    container[(number, index)] = obj
                elif kind == "WeakKeyDictionary":
                    container[obj] = (number, index)
                else:
                    container.add(obj)
            obj = None
            if gate is not None:
                gate.wait(JOIN_TIMEOUT)
            del objects[:]                 # all die now, in every thread
            if number == 0:
                gc.collect()
            rounds[number] += 1
            if gate is None:                   # Python 2: no Barrier
                if time.time() >= deadline:
                    return
                continue
            # All threads stop after the same round, as thread 0 says.
            if number == 0:
                stop_flag[0] = time.time() >= deadline
            gate.wait(JOIN_TIMEOUT)
            if stop_flag[0]:
                return

    stop_flag = [False]
    with UnraisableRecorder() as unraisable:
        run_threads(work, range(THREADS))
        collect_until(lambda: len(container) == 0 and not container.data)
    assert unraisable.seen == []
    assert list(container) == []
    print("%s: %d rounds of %d x 100 deaths, %.1f s"
          % (kind, min(rounds), THREADS, seconds))


@pytest.mark.parametrize("kind", ["WeakValueDictionary",
                                  "WeakKeyDictionary", "WeakSet"])
def test_snapshots_taken_while_other_threads_mutate(kind):
    # Half the threads store and remove entries without pause; the others
    # iterate every view, each loop starting from a snapshot (a list or a
    # dict copy) taken while the mutators run: no loop may raise, and every
    # member it yields is one that was stored. (Before 3.14 the stdlib's
    # loops raise "changed size during iteration" here.)
    container = getattr(containers_impl.weakref, kind)()
    objects = [Target() for _ in range(64)]
    loops = [0] * THREADS
    seconds = containers_impl.stress_seconds()

    def mutate(number):
        step = number
        # Each thread runs for its seconds from its own start: on a loaded
        # machine a thread may start well after the others.
        deadline = time.time() + seconds
        while time.time() < deadline:
            obj = objects[step % 64]
            gone = objects[(step * 7) % 64]
            if kind == "WeakValueDictionary":
                container[step % 64] = obj
                container.pop((step * 7) % 64, None)
            elif kind == "WeakKeyDictionary":
                container[obj] = step
                container.pop(gone, None)
            else:
                container.add(obj)
                container.discard(gone)
            step += 1

    def iterate(number):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if kind == "WeakSet":
                members = list(container) + list(container.copy())
            else:
                keys = list(container.keys()) + list(container.copy())
                values = list(container.values())
                members = keys + values + [k for k, _ in container.items()]
            for member in members:
                assert member in objects or isinstance(member, int)
            loops[number] += 1

    run_threads(lambda number: (mutate if number % 2 else iterate)(number),
                range(THREADS))
    assert all(loops[number] for number in range(0, THREADS, 2)), loops
    print("%s: %d snapshot loops beside %d mutating threads, %.1f s"
          % (kind, sum(loops), THREADS // 2, seconds))

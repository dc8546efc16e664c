"""Thread churn: several threads insert, delete, kill, look up, iterate, copy
and collect on the same three weak containers for a bounded time. Afterwards
every live object is present, no dead entry remains once collected, len() is
exact, and no thread (nor any weakref callback) raised.

The default suite runs a short churn; ``python tools/soak.py --seconds 300
--threads 16`` runs the same one for minutes.
"""
from __future__ import absolute_import

import gc
import random
import threading
import time
import traceback

from containers_impl import (TWIN_SHARE_OF_STRESS, Obj, shortened_for_twin,
                             stress_seconds, weakref)
from support import (JOIN_TIMEOUT, JYTHON, STRESS_THREADS,
                     UnraisableRecorder, collect_until, switch_interval)

class Churn(object):
    """The shared containers, each thread's own live objects, and what went
    wrong. ``run()`` churns; ``verify()`` checks the end state."""

    def __init__(self, threads, seed=0):
        self.values = weakref.WeakValueDictionary()   # (thread, n) -> obj
        self.keys = weakref.WeakKeyDictionary()       # obj -> (thread, n)
        self.members = weakref.WeakSet()
        self.live = [{} for _ in range(threads)]      # per thread: key -> obj
        self.operations = [0] * threads
        self.errors = []
        self.seed = seed
        self.stop = threading.Event()

    def worker(self, number):
        rng = random.Random(self.seed * 1000 + number)
        live = self.live[number]
        counter = 0
        steps = 0
        try:
            while not self.stop.is_set():
                # A collection costs tens of ms in a test process: rare.
                operation = rng.randrange(200)
                if operation < 60:
                    counter += 1
                    self.insert(live, (number, counter))
                elif operation < 80 and live:
                    self.delete(live, rng.choice(sorted(live)))
                elif operation < 110 and live:
                    del live[rng.choice(sorted(live))]     # kill
                elif operation < 140:
                    self.iterate()
                elif operation < 160:
                    self.copy()
                elif operation < 175:
                    self.contend(("shared", rng.randrange(4)))
                elif operation == 175:
                    gc.collect()
                else:
                    self.lookup(live)
                steps += 1
        except BaseException:
            self.errors.append("thread %d: %s" % (number,
                                                  traceback.format_exc()))
        finally:
            self.operations[number] = steps

    def insert(self, live, key):
        obj = Obj(key)
        live[key] = obj
        self.values[key] = obj
        self.keys[obj] = key
        self.members.add(obj)

    def delete(self, live, key):
        obj = live.pop(key)
        del self.values[key]
        del self.keys[obj]
        self.members.remove(obj)

    def contend(self, key):
        """Every thread sets and pops the same few keys, whose values
        nobody else holds: whatever comes back is a live, right value."""
        obj = Obj(key)
        got = self.values.setdefault(key, obj)
        assert got is not None and got.value == key
        got = self.values.get(key)
        assert got is None or got.value == key
        popped = self.values.pop(key, None)
        assert popped is None or popped.value == key
        self.members.add(obj)
        self.members.discard(obj)

    def iterate(self):
        for key, obj in self.values.items():
            assert obj.value == key
        for obj, key in self.keys.items():
            assert obj.value == key
        for obj in self.members:
            assert isinstance(obj, Obj)

    def copy(self):
        for key, obj in self.values.copy().items():
            assert obj.value == key
        for obj, key in self.keys.copy().items():
            assert obj.value == key
        assert all(isinstance(obj, Obj) for obj in self.members.copy())

    def lookup(self, live):
        for key, obj in list(live.items())[:5]:
            assert self.values[key] is obj
            assert self.keys[obj] == key
            assert obj in self.members
        assert len(self.values) >= len(live)

    def run(self, seconds):
        threads = [threading.Thread(target=self.worker, args=(number,))
                   for number in range(len(self.live))]
        for thread in threads:
            thread.daemon = True
            thread.start()
        self.stop.wait(seconds)
        self.stop.set()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
            assert not thread.is_alive(), "a churning thread hangs"

    def verify(self):
        assert not self.errors, "\n".join(self.errors)
        expected = {}
        for live in self.live:
            expected.update(live)
        collect_until(lambda: len(self.values) == len(expected)
                      and len(self.keys) == len(expected)
                      and len(self.members) == len(expected))
        # The shared keys' values are dead: their entries must be gone.
        assert sorted(self.values) == sorted(expected)
        for key, obj in expected.items():
            assert self.values[key] is obj
            assert self.keys[obj] == key
        assert sorted(map(id, self.keys)) == sorted(map(id, expected.values()))
        assert (sorted(map(id, self.members))
                == sorted(map(id, expected.values())))
        return len(expected)


def churn(seconds, threads, seed=0):
    """Run one churn; return (operations, objects live at the end,
    unraisable errors)."""
    state = Churn(threads, seed)
    # Threads switch often: more interleavings.
    with switch_interval(1e-4), UnraisableRecorder() as unraisable:
        state.run(seconds)
        survivors = state.verify()
    return sum(state.operations), survivors, unraisable.seen


def test_thread_churn(capsys, record_property):
    seconds = stress_seconds()
    operations, survivors, unraisable = churn(seconds, STRESS_THREADS)
    assert not unraisable, unraisable
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Exception" not in err, err
    # 100 a thread at least; the twin beside the compiled core, given a
    # share of the time, a share of them.
    assert operations > shortened_for_twin(STRESS_THREADS * 100,
                                           TWIN_SHARE_OF_STRESS)
    record_property("load", "thread churn: %d operations, %d threads, "
                    "%.1f s, %d objects live at the end"
                    % (operations, STRESS_THREADS, seconds, survivors))


def test_a_value_stored_while_its_stale_entry_is_removed_stays():
    # Each round leaves stale entries (values dead; on Jython their callbacks
    # run later, on the reaper thread), then at once stores live values under
    # the same keys, by each way of storing: removing a stale entry must
    # never take the new one with it. Before stores took the reaper's lock,
    # Jython lost a store or two here in about two runs of three.
    seconds = 5.0 if JYTHON else 0.3   # only Jython's callbacks race us
    values = weakref.WeakValueDictionary()
    keys = list(range(1000))
    deadline = time.time() + seconds
    rounds = lost = 0
    while time.time() < deadline or not rounds:
        for key in keys:
            values[key] = Obj(key)             # dead once collected
        gc.collect()
        live = dict((key, Obj(key)) for key in keys)
        for key in keys:
            if key % 3 == 0:
                values[key] = live[key]
            elif key % 3 == 1:
                values.setdefault(key, live[key])
            else:
                values.update([(key, live[key])])
        lost += sum(1 for key in keys if values.get(key) is not live[key])
        rounds += 1
    assert lost == 0, "%d of %d stores lost" % (lost, rounds * len(keys))

"""Snapshot iteration, as from CPython 3.14 (gh-89967, gh-123089), for all
three containers.

Whatever happens to a container while it is iterated (the loop adds or
removes entries, a collection kills some, another thread mutates it), the
loop never raises, and every entry alive from start to end is seen exactly
once. Point these tests at the interpreter's own ``weakref`` with
``BACKPORTS_WEAKREF_CONTAINERS=stdlib``: before 3.14 they fail.
"""
from __future__ import absolute_import

import gc
import threading

import pytest

from containers_impl import (ALL_CONTAINERS, Filled, Obj, newest_behaviour,
                             stress_seconds)
from support import (PY2, collect, collect_until, run_for,
                     switch_interval)

STABLE = range(0, 5)     # alive throughout every loop
DOOMED = range(5, 10)    # removed or killed by the loop body


def iteration_methods(kind):
    """(kind, method name) for every way *kind* can be iterated."""
    if kind == "WeakSet":
        return [(kind, "__iter__")]
    names = ["__iter__", "keys", "values", "items"]
    if kind == "WeakValueDictionary":
        names.append("itervaluerefs")
    if PY2:
        names += ["iterkeys", "itervalues", "iteritems"]
        if kind == "WeakKeyDictionary":
            names.append("iterkeyrefs")
    return [(kind, name) for name in names]


ALL_ITERATIONS = [pair for kind in ALL_CONTAINERS
                  for pair in iteration_methods(kind)]


def number_of(kind, method, produced):
    """The Obj value an iteration step stands for (None: a dead ref)."""
    if method == "itervaluerefs":
        obj = produced()
        return None if obj is None else obj.value
    if method in ("items", "iteritems"):
        produced = produced[0] if kind == "WeakKeyDictionary" else produced[1]
    elif kind == "WeakKeyDictionary" and method in ("values", "itervalues"):
        return produced
    if kind == "WeakValueDictionary" and method in ("__iter__", "keys",
                                                    "iterkeys"):
        return produced
    if method == "iterkeyrefs":
        produced = produced()
        if produced is None:
            return None
    return produced.value


@newest_behaviour("NATIVE_CONTAINERS_ITERATE_SNAPSHOTS")
@pytest.mark.parametrize("kind, method", ALL_ITERATIONS)
def test_loop_body_adds_removes_and_kills(kind, method):
    filled = Filled(kind)
    doomed = dict((n, filled.objects[n]) for n in DOOMED)
    stable = [filled.objects[n] for n in STABLE]
    del filled.objects[:]
    added = []
    seen = []
    for produced in getattr(filled.container, method)():
        seen.append(number_of(kind, method, produced))
        produced = None
        # Add an entry, remove one, kill one: none of it may upset the loop.
        new = Obj(100 + len(added))
        added.append(new)
        filled.add(new)
        if doomed:
            filled.discard(doomed.pop(min(doomed)))
        if doomed:
            del doomed[max(doomed)]
            collect()
        for obj in stable:
            assert filled.lookup(obj)
        for obj in list(doomed.values()):
            filled.lookup(obj)
    assert sorted(n for n in seen if n in STABLE) == list(STABLE)
    assert not doomed
    expected = len(stable) + len(added)
    collect_until(lambda: len(filled.container) == expected)


@pytest.mark.parametrize("kind, method", ALL_ITERATIONS)
def test_collection_during_iteration(kind, method):
    filled = Filled(kind, count=50)
    keep = filled.objects[::2]
    iterator = iter(getattr(filled.container, method)())
    first = number_of(kind, method, next(iterator))
    del filled.objects[:]
    collect()
    # A generator expression: Python 2's list comprehension would leak
    # (and keep alive) its last item.
    rest = list(number_of(kind, method, produced) for produced in iterator)
    assert sorted(n for n in [first] + rest
                  if n is not None and n % 2 == 0) == [o.value for o in keep]
    del iterator    # Jython's exhausted generator keeps its last item
    collect_until(lambda: len(filled.container) == len(keep))


@newest_behaviour("NATIVE_CONTAINERS_ITERATE_SNAPSHOTS")
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_clear_inside_loop(kind):
    filled = Filled(kind)
    count = 0
    for _ in filled.container:
        filled.container.clear()
        assert len(filled.container) == 0
        count += 1
    # The snapshot still held every entry, and all were alive.
    assert count == len(filled.objects)


@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_abandoned_iterator_leaves_no_trace(kind):
    filled = Filled(kind)
    iterator = iter(filled.container)
    next(iterator)
    del filled.objects[-1]
    collect_until(lambda: len(filled.container) == len(filled.objects))
    del iterator
    extra = Obj(99)
    filled.add(extra)
    assert len(filled.container) == len(filled.objects) + 1


MEMBERS = 300
HANDSHAKE_TIMEOUT = 10.0


@newest_behaviour("NATIVE_CONTAINERS_ITERATE_SNAPSHOTS")
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_threaded_mutation_during_iteration(kind):
    """Another thread mutates the container all the time, and for certain
    halfway through every pass: each pass still sees every stable entry
    exactly once, and nothing raises."""
    filled = Filled(kind, count=MEMBERS)
    stable = list(filled.objects)
    wanted = sorted(obj.value for obj in stable)
    your_turn = threading.Event()   # main thread, mid-pass: mutate now
    mutated = threading.Event()     # other thread: a whole round is done

    def mutate(stop):
        number = MEMBERS
        try:
            while not stop.is_set():
                asked = your_turn.is_set()
                number += 1
                kept = Obj(number)
                filled.add(kept)          # grows the dict or set
                filled.add(Obj(-number))  # dies at once (CPython)
                filled.discard(kept)      # shrinks it again
                if number % 50 == 0:
                    gc.collect()
                if asked:
                    your_turn.clear()
                    mutated.set()
        finally:
            mutated.set()   # a failing mutator must not leave a pass waiting

    def one_pass():
        if kind == "WeakValueDictionary":
            iteration = (value for key, value in filled.container.items())
        else:
            iteration = iter(filled.container)
        seen = []
        for obj in iteration:
            seen.append(obj.value)
            if len(seen) == MEMBERS // 2:
                mutated.clear()
                your_turn.set()
                assert mutated.wait(HANDSHAKE_TIMEOUT), "no mutation came"
        assert sorted(n for n in seen if 0 <= n < MEMBERS) == wanted
        passes.append(1)

    passes = []
    with switch_interval(1e-6):
        run_for(stress_seconds(), one_pass, mutate)
    assert passes

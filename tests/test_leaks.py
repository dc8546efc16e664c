"""No leaks: many create/use/destroy cycles of each container, finalize and
WeakMethod leave memory flat, and none of them makes a reference cycle that
would keep a container, a finalizer or a callback alive until the cyclic
collector runs.

Memory is CPython 3's count of allocated blocks (``sys.getallocatedblocks``:
as exact as tracemalloc for "does it grow", without tracemalloc's threefold
slow-down of 10**5 cycles); when it grows, tracemalloc names the lines that
allocated. Elsewhere: the collector's object count, or on Jython (which has
neither) the finalize registry. On a debug CPython (``--with-pydebug``:
tools/build_313d.sh) the total reference count must stay flat too.

Each cycle goes through every hot path of the compiled core (stores, the
lookups, pop, setdefault, update, the three iterations, copy, the removal
callback); BACKPORTS_WEAKREF_LEAK_CYCLES sets the number of cycles (the
debug-build run of the matrix uses 10**6), of which the pure twin beside the
compiled core runs a fifth.
"""
from __future__ import absolute_import

import gc
import os
import sys
import time

import pytest

from containers_impl import (TWIN_SHARE_OF_LEAK_CYCLES, Obj,
                             shortened_for_twin, weakref, weakrefable)
from support import JYTHON, PYPY, collect_until

# 10**5 cycles on CPython; PyPy and Jython run their weakrefs far slower.
CYCLES = int(os.environ.get("BACKPORTS_WEAKREF_LEAK_CYCLES") or
             (10 ** 4 if JYTHON else 2 * 10 ** 4 if PYPY else 10 ** 5))
WARM_UP = 1000
# Flat: far less than one block or object per cycle (caches and free lists
# of the interpreter account for a few hundred).
MAX_GROWTH = 1000
REFCOUNTING = not PYPY and not JYTHON

# CPython 3.4+; PyPy has the function but it answers 0.
ALLOCATED_BLOCKS = (getattr(sys, "getallocatedblocks", None)
                    if REFCOUNTING else None)
# Debug builds of CPython only.
TOTAL_REFCOUNT = getattr(sys, "gettotalrefcount", None)


def ignore(*args, **kwargs):
    return None


class Target(object):
    def method(self):
        return self


def use_value_dictionary():
    container = weakref.WeakValueDictionary()
    value = Obj(1)
    other = Obj(2)
    container["key"] = value
    assert container["key"] is value
    assert "key" in container and "no" not in container
    assert container.get("key") is value and container.get("no") is None
    container.update({"other": other}, more=other)
    assert container.setdefault("other", value) is other
    assert container.pop("more") is other and container.pop("no", 1) == 1
    try:
        container["no"]
    except KeyError:
        pass
    del container["other"]
    list(container.values())
    list(container.keys())
    next(iter(container.items()))     # an abandoned iterator
    container.copy()
    del value, other                   # the entry dies: its callback runs
    return container


def use_key_dictionary():
    container = weakref.WeakKeyDictionary()
    key = Obj(1)
    other = Obj(2)
    container[key] = 1
    assert container[key] == 1
    assert key in container and 1 not in container
    assert container.get(key) == 1 and container.get(other, 2) == 2
    container.update({other: 2})
    assert container.setdefault(other, 3) == 2
    assert container.pop(other) == 2 and container.pop(other, 4) == 4
    try:
        container[other]
    except KeyError:
        pass
    list(container.values())
    list(container.keys())
    next(iter(container.items()))
    container.copy()
    del key, other
    return container


def use_set():
    container = weakref.WeakSet()
    member = Obj(1)
    other = Obj(2)
    container.add(member)
    assert member in container and 1 not in container
    container.update([other])
    container.discard(other)
    try:
        container.remove(other)
    except KeyError:
        pass
    len(container)
    list(container)
    next(iter(container))
    container.copy()
    del member, other
    return container


def use_finalize():
    obj = Obj(1)
    finalizer = weakref.finalize(obj, ignore, 1, key=2)
    finalizer.peek()
    finalizer.atexit = False
    repr(finalizer)
    del obj                            # the callback runs
    return finalizer


def use_detached_finalize():
    obj = Obj(1)
    finalizer = weakref.finalize(obj, ignore)
    finalizer.detach()
    return finalizer


def use_weak_method():
    target = Target()
    method = weakref.WeakMethod(target.method, ignore)
    assert method() == target.method
    hash(method)
    del target                         # the callback runs
    return method


USES = [use_value_dictionary, use_key_dictionary, use_set, use_finalize,
        use_detached_finalize, use_weak_method]
IDS = [use.__name__[4:] for use in USES]


def repeat(use, count):
    for _ in range(count):
        use()
    if not REFCOUNTING:
        gc.collect()


def object_count():
    gc.collect()
    return len(gc.get_objects())


def allocation_sites(use, cycles):
    """Where *use* allocates what it keeps in *cycles* / 10, per
    tracemalloc, for the failure message."""
    import tracemalloc
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        repeat(use, cycles // 10)
        gc.collect()
        stats = tracemalloc.take_snapshot().compare_to(before, "lineno")
    finally:
        tracemalloc.stop()
    return "\n".join(str(stat) for stat in stats[:5])


def growth(use, cycles):
    """(growth after *cycles* cycles, unit)."""
    repeat(use, WARM_UP)
    if TOTAL_REFCOUNT is not None:
        gc.collect()
        before, blocks = TOTAL_REFCOUNT(), ALLOCATED_BLOCKS()
        repeat(use, cycles)
        gc.collect()
        refs = TOTAL_REFCOUNT() - before
        if refs > MAX_GROWTH:
            return refs, "references"
        return ALLOCATED_BLOCKS() - blocks, "blocks (%+d references)" % refs
    if ALLOCATED_BLOCKS is not None:
        gc.collect()
        before = ALLOCATED_BLOCKS()
        repeat(use, cycles)
        gc.collect()
        return ALLOCATED_BLOCKS() - before, "blocks"
    if not JYTHON:   # Jython's gc.get_objects() raises NotImplementedError
        before = object_count()
        repeat(use, cycles)
        return object_count() - before, "objects"
    # Jython: every 100th thing used must die, and the finalize registry
    # must not grow.
    registry = weakref.finalize._registry
    before = len(registry)
    samples = []
    for cycle in range(cycles):
        used = use()
        if cycle % 100 == 0:
            samples.append(weakref.ref(used))
        del used
    collect_until(lambda: len(registry) <= before
                  and all(sample() is None for sample in samples))
    return 0, "sampled survivors of %d" % len(samples)


@pytest.mark.parametrize("use", USES, ids=IDS)
def test_memory_stays_flat(use, record_property):
    started = time.time()
    # The pure twin beside the compiled core runs fewer: Python code leaks
    # by keeping references, one or more a cycle, which shows as plainly in
    # fewer cycles (the many are for the compiled core's C).
    cycles = shortened_for_twin(CYCLES, TWIN_SHARE_OF_LEAK_CYCLES)
    grown, unit = growth(use, cycles)
    if grown > MAX_GROWTH and unit.startswith("blocks"):
        raise AssertionError("%d blocks more after %d cycles; tracemalloc:\n%s"
                             % (grown, cycles, allocation_sites(use, cycles)))
    assert grown <= MAX_GROWTH, "%d %s more after %d cycles" % (grown, unit,
                                                               cycles)
    record_property("load", "leaks %s: %d cycles in %.1f s, %+d %s"
                    % (use.__name__[4:], cycles, time.time() - started,
                       grown, unit))


@pytest.mark.skipif(not REFCOUNTING,
                    reason="only reference counting frees outside cycles")
@pytest.mark.parametrize("use", USES, ids=IDS)
def test_no_reference_cycles(use):
    gc.collect()
    gc.disable()
    try:
        used = use()
        if weakrefable(used):    # 3.10+'s own finalize has no __weakref__
            dead = weakref.ref(used)
            del used
            assert dead() is None, "kept alive by a reference cycle"
        for _ in range(100):
            use()
        assert gc.collect() == 0, "cycles were made"
    finally:
        gc.enable()


@pytest.mark.parametrize("use", USES, ids=IDS)
def test_what_was_used_dies(use):
    """Every interpreter, reference counting or not: a collection frees a
    used container, finalizer or WeakMethod."""
    used = use()
    if not weakrefable(used):
        assert not used.alive
        pytest.skip("3.10+'s own finalize has no __weakref__")
    dead = weakref.ref(used)
    del used
    collect_until(lambda: dead() is None)


def test_callbacks_of_a_dead_container_do_nothing():
    members = [Obj(n) for n in range(3)]
    container = weakref.WeakSet(members)
    values = weakref.WeakValueDictionary(enumerate(members))
    keys = weakref.WeakKeyDictionary(dict.fromkeys(members, 1))
    dead = [weakref.ref(container), weakref.ref(values), weakref.ref(keys)]
    del container, values, keys
    collect_until(lambda: all(ref() is None for ref in dead))
    del members[:]                    # their callbacks find no container
    collect_until(lambda: True)
    assert sys.exc_info()[0] is None

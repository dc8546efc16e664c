"""Every upstream fix the weak containers carry, one test each, and the two
places where ours are right and CPython still is not (gh-74876)."""
from __future__ import absolute_import

import copy
import gc
import pickle
import re

import pytest

import backports.weakref
from containers_impl import (ALL_CONTAINERS, DICTS, Filled, Obj, RefCycle,
                             newest_behaviour, stress_seconds, weakref)
from support import (JYTHON, PY2, PYPY, collect, collect_until,
                     keep_collecting, run_for, run_python)

# -- len() is exact --------------------------------------------------------

@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_len_exact_once_the_collector_has_run(kind):
    filled = Filled(kind, count=10)
    probe = weakref.ref(filled.objects[0])
    del filled.objects[:4]
    # Once the referents are dead, len() counts none of them: on Jython their
    # callbacks may still be waiting for the reaper thread.
    collect_until(lambda: probe() is None)
    assert len(filled.container) == 6
    assert bool(filled.container)
    probe = weakref.ref(filled.objects[-1])
    del filled.objects[:]
    collect_until(lambda: probe() is None)
    assert len(filled.container) == 0
    assert not filled.container


@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_len_while_callbacks_arrive(kind):
    # On Jython len() drops dead entries itself while the reaper thread's
    # callbacks remove the same ones: neither may trip over the other.
    for _ in range(5):
        filled = Filled(kind, count=500)
        keep = filled.objects[:10]
        del filled.objects[:]
        collect_until(lambda: len(filled.container) == len(keep))


@newest_behaviour("NATIVE_CONTAINERS_ITERATE_SNAPSHOTS")
@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_len_during_iteration_never_negative(kind):
    filled = Filled(kind, count=10)
    for produced in filled.container:
        n = len(filled.container)
        if filled.objects:
            filled.discard(filled.objects.pop())   # explicit removal
        if filled.objects:
            del filled.objects[0]                  # removal by the collector
            collect()
        assert 0 <= len(filled.container) <= n
    del produced    # it may be the last reference to a removed entry's key
    collect_until(lambda: len(filled.container) == len(filled.objects))


@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_len_with_cycles_and_live_iterator(kind):
    filled = Filled(kind, count=0)
    cycles = [RefCycle() for _ in range(20)]
    for cycle in cycles:
        cycle.value = id(cycle)
        filled.add(cycle)
    iterator = iter(filled.container)
    next(iterator)
    del cycles, cycle
    collect_until(lambda: len(filled.container) <= 1)
    del iterator
    collect_until(lambda: len(filled.container) == 0)


# -- bpo-28427: a stale callback never removes a newer value ---------------

def test_stale_value_callback_keeps_newer_value():
    d = weakref.WeakValueDictionary()
    old = Obj("old")
    new = Obj("new")
    d[10] = old
    stale = d.data[10]       # keeps the old KeyedRef alive, callback armed
    d[10] = new
    del old
    collect_until(lambda: stale() is None)
    assert d[10] is new
    # However late the callback comes (Jython: from the reaper thread), it
    # finds a live value under its key and leaves it.
    d._remove(stale)
    assert d[10] is new
    assert len(d) == 1


def test_threaded_stale_value_callbacks_keep_newer_values():
    d = weakref.WeakValueDictionary()

    def store_and_check():
        for _ in range(200):
            value = RefCycle()
            d[10] = value
            assert len(d) == 1 and d[10] is value
            value = None

    run_for(stress_seconds(), store_and_check, keep_collecting)


# -- bpo-19542: a dead, not yet removed entry is absent ----------------------

def _with_dead_entry():
    """A WeakValueDictionary whose key 1 holds a dead ref no callback will
    remove: what a collection in another thread (or Jython's deferred
    callbacks) leaves for a moment."""
    d = weakref.WeakValueDictionary()
    doomed = Obj(1)
    d.data[1] = weakref.KeyedRef(doomed, None, 1)
    del doomed
    collect_until(lambda: d.data[1]() is None)
    return d


def test_dead_entry_is_absent():
    d = _with_dead_entry()
    assert 1 not in d
    assert d.get(1) is None
    assert d.get(1, "default") == "default"
    with pytest.raises(KeyError):
        d[1]
    assert list(d.keys()) == [] and list(d.items()) == []


def test_setdefault_replaces_dead_entry():
    d = _with_dead_entry()
    fresh = Obj(2)
    assert d.setdefault(1, fresh) is fresh
    assert d[1] is fresh


def test_pop_of_dead_entry():
    d = _with_dead_entry()
    assert d.pop(1, "default") == "default"
    d = _with_dead_entry()
    with pytest.raises(KeyError):
        d.pop(1)
    assert 1 not in d.data


def test_popitem_skips_dead_entry():
    d = _with_dead_entry()
    live = Obj(2)
    d[2] = live
    assert d.popitem() == (2, live)
    with pytest.raises(KeyError):
        d.popitem()


def test_threaded_setdefault_and_pop_never_give_none():
    d = weakref.WeakValueDictionary()

    def setdefault_and_pop():
        for _ in range(200):
            got = d.setdefault(10, RefCycle())
            assert got is not None
            got = None
            d[11] = RefCycle()
            assert d.pop(11, 11) is not None

    run_for(stress_seconds(), setdefault_and_pop, keep_collecting)


# -- bpo-35615: copies are safe while entries die ---------------------------

@newest_behaviour("NATIVE_WEAK_DICT_COPIES_SURVIVE_DEATHS")
@pytest.mark.parametrize("deep", [False, True])
@pytest.mark.parametrize("kind", DICTS)
def test_copy_while_another_thread_kills_entries(kind, deep):
    filled = Filled(kind, count=2000)
    objects = filled.objects

    def kill(stop):
        while objects and not stop.is_set():
            del objects[-20:]
            gc.collect()

    def copy_once():
        duplicate = (copy.deepcopy(filled.container) if deep
                     else copy.copy(filled.container))
        assert len(duplicate) <= 2000

    run_for(stress_seconds() / 2, copy_once, kill)


@pytest.mark.parametrize("kind", ALL_CONTAINERS)
def test_copy_while_the_collector_runs(kind):
    filled = Filled(kind, count=0)
    for _ in range(300):
        cycle = RefCycle()
        cycle.value = id(cycle)
        filled.add(cycle)      # each dies at a collection, maybe mid-copy
    del cycle
    # CPython: collect at every allocation, so entries die mid-copy. PyPy
    # and Jython have no thresholds; there the copies just run.
    has_thresholds = hasattr(gc, "set_threshold") and not JYTHON
    previous = gc.get_threshold() if has_thresholds else None
    try:
        if previous:
            gc.set_threshold(1, 1, 1)
        for duplicate in (copy.copy(filled.container),
                          copy.deepcopy(filled.container),
                          filled.container.copy()):
            assert len(duplicate) <= 300
    finally:
        if previous:
            gc.set_threshold(*previous)


# -- bpo-44962 and bpo-29519: callbacks never complain ---------------------

STALE_CALLBACKS = """
from support import collect_until
from containers_impl import Obj, weakref

# A key callback for an entry already deleted (bpo-44962).
keys = weakref.WeakKeyDictionary()
key = Obj(1)
keys[key] = 1
refs = keys.keyrefs()        # keeps the ref, and its callback, alive
del keys[key]
del key
collect_until(lambda: refs[0]() is None)

# The same for a value callback, and a member callback.
values = weakref.WeakValueDictionary()
value = Obj(2)
values[1] = value
value_refs = values.valuerefs()
del values[1]
members = weakref.WeakSet()
member = Obj(3)
members.add(member)
member_refs = list(members.data)
members.clear()
del value, member
collect_until(lambda: value_refs[0]() is None and member_refs[0]() is None)
print("done")
"""


@newest_behaviour("NATIVE_STALE_CALLBACKS_ARE_QUIET")
def test_stale_callbacks_print_nothing():
    rc, out, err = run_python(STALE_CALLBACKS)
    assert (rc, out.strip(), err) == (0, "done", "")


SHUTDOWN = """
import sys
from support import collect_until
from containers_impl import Obj, weakref
import backports.weakref._dicts, backports.weakref._weakset

objs = [Obj(n) for n in range(3)]
values = weakref.WeakValueDictionary((obj.value, obj) for obj in objs)
keys = weakref.WeakKeyDictionary((obj, obj.value) for obj in objs)
members = weakref.WeakSet(objs)
# What Python 2 and CPython < 3.4 do at shutdown: module globals become None.
for module in (backports.weakref._dicts, backports.weakref._weakset,
               sys.modules[weakref.WeakSet.__module__]):
    for name in list(vars(module)):
        if not name.startswith("__"):
            setattr(module, name, None)
del objs[:]
collect_until(lambda: not (values.data or keys.data or members.data))
print("done")
"""


def test_callbacks_work_with_module_globals_gone():
    # bpo-29519: no "Exception ignored", every dead entry still removed.
    rc, out, err = run_python(SHUTDOWN)
    assert (rc, out.strip(), err) == (0, "done", "")


# -- gh-74876: copies of a WeakSet are independent ---------------------------

@pytest.mark.parametrize("make_copy", [
    pytest.param(copy.copy, id="copy", marks=newest_behaviour(
        "NATIVE_WEAKSET_COPIES_ARE_INDEPENDENT")),
    pytest.param(copy.deepcopy, id="deepcopy", marks=newest_behaviour(
        "NATIVE_WEAKSET_DEEPCOPIES_ARE_INDEPENDENT"))])
def test_weakset_copies_are_independent(make_copy):
    objs = [Obj(n) for n in range(4)]
    original = weakref.WeakSet(objs[:2])
    duplicate = make_copy(original)
    assert duplicate == original
    assert duplicate.data is not original.data
    duplicate.add(objs[2])
    original.add(objs[3])
    assert sorted(o.value for o in original) == [0, 1, 3]
    assert sorted(o.value for o in duplicate) == [0, 1, 2]
    duplicate.clear()
    assert len(original) == 3
    duplicate.update(objs[:3])
    # Each set's members leave that set when they die (CPython's deepcopy has
    # the copy's callbacks discard from the original).
    del objs[:]
    collect_until(lambda: len(original) == 0 and len(duplicate) == 0)


def test_weakset_deepcopy_keeps_members_copies_state():
    member = Obj(1)
    s = weakref.WeakSet([member])
    s.note = [s]             # a cycle through the copied state
    duplicate = copy.deepcopy(s)
    assert list(duplicate) == [member] and list(duplicate)[0] is member
    assert duplicate.note[0] is duplicate


@newest_behaviour("NATIVE_WEAKSET_PICKLES")
def test_weakset_pickles_members_strongly_referenced_elsewhere():
    members = [Obj(1), Obj(2)]
    s = weakref.WeakSet(members)
    s.note = "kept"
    loaded_members, loaded = pickle.loads(pickle.dumps((members, s)))
    assert type(loaded) is type(s)
    assert sorted(loaded, key=lambda o: o.value) == loaded_members
    assert loaded.note == "kept"


@pytest.mark.parametrize("name", DICTS)
@newest_behaviour("NATIVE_WEAK_DICTS_PICKLE")
def test_weak_dicts_pickle_entries_strongly_referenced_elsewhere(name):
    # The WeakSet's rule (tests/test_pickling.py has the rest).
    objs = [Obj(1), Obj(2)]
    values_are_weak = name == "WeakValueDictionary"
    d = getattr(weakref, name)(
        (obj.value, obj) if values_are_weak else (obj, obj.value)
        for obj in objs)
    loaded_objs, loaded = pickle.loads(pickle.dumps((objs, d)))
    assert type(loaded) is type(d)
    assert sorted(loaded.items()) == sorted(d.items())
    weakly_held = loaded.values() if values_are_weak else loaded.keys()
    assert sorted(map(id, weakly_held)) == sorted(map(id, loaded_objs))


# -- the gate table ----------------------------------------------------------

@pytest.mark.parametrize("name", ALL_CONTAINERS)
def test_our_containers_say_what_the_interpreters_lack(name):
    if backports.weakref._origin(name) == "native":
        pytest.skip("the interpreter's own (tests/test_gates.py says where)")
    reason = backports.weakref._reason(name)
    assert reason.startswith("the interpreter's own lacks "), reason
    assert getattr(backports.weakref, name).__module__ == "backports.weakref"
    if name == "WeakSet" and not JYTHON:
        # Still wrong in CPython and PyPy, whatever the release (Jython's
        # own WeakSet is a Java set, whose copies are its own).
        assert "gh-74876" in reason


def test_keyed_ref_is_the_interpreters_or_extends_it():
    import weakref as stdlib_weakref
    ours = backports.weakref.KeyedRef
    assert issubclass(ours, stdlib_weakref.KeyedRef)
    assert (ours is stdlib_weakref.KeyedRef) == (
        backports.weakref._origin("KeyedRef") == "native")
    assert backports.weakref._reason("KeyedRef")


@pytest.mark.skipif(PYPY, reason="PyPy's ref repr has no referent address")
def test_keyed_ref_repr_is_a_refs():
    value = Obj(1)
    d = weakref.WeakValueDictionary({1: value})
    wr = d.data[1]
    assert isinstance(wr, weakref.KeyedRef) and wr.key == 1
    assert re.match(r"^<weakref at 0x[0-9a-f]+; to '(containers_impl\.)?Obj' "
                    r"at 0x[0-9a-f]+>$", repr(wr)), repr(wr)
    del value
    collect_until(lambda: wr() is None)
    assert re.match(r"^<weakref at 0x[0-9a-f]+; dead>$", repr(wr)), repr(wr)


@pytest.mark.skipif(not PY2, reason="Python 2 only")
def test_python2_has_no_dict_views_surprises():
    d = weakref.WeakValueDictionary()
    assert d.keys() == [] and d.items() == [] and d.values() == []

"""Which weak containers the container tests exercise, and objects to store.

The container tests run on each core of ``backports.weakref`` present
(tests/cores.py: the compiled core and the pure twin on CPython, the twin
elsewhere), each a "leg" named in the test id (``[compiled]``, ``[pure]``),
and also against the interpreter's own ``weakref`` (the "stdlib" leg, as
multidict runs one suite against both its implementations) where the
interpreter's own containers lack only what ours add: CPython 3.14 and
later. Set
``BACKPORTS_WEAKREF_COMPARE_STDLIB=1`` to run that leg on any interpreter.
A test that needs a behaviour of the newest CPython's containers names the
gate's flag with ``@newest_behaviour(FLAG)``; on the stdlib leg it is then an
expected failure (strict) wherever the interpreter's own containers lack it,
so the leg checks the flags themselves: an unmarked test failing there, or a
marked one passing, means the gate table is wrong.

conftest.py swaps ``weakref`` in this module and in each test module for the
pure and stdlib legs, and sets ``child_environ()`` for the test's duration,
so that a child interpreter is on the same leg.
"""
from __future__ import absolute_import

import os
import weakref as stdlib_weakref

import pytest

import backports.weakref
import cores
from backports.weakref import _compat
from support import STRESS_SECONDS

# Jython notes for test writers: `a, b = X(), Y()` keeps the tuple in a hidden
# local (create what must die one per statement), and an exhausted generator
# keeps its last locals (drop the iterator).

LEG_VARIABLE = "BACKPORTS_WEAKREF_CONTAINERS"
NO_EXTENSIONS_VARIABLE = cores.NO_EXTENSIONS_VARIABLE
# Where the interpreter's own containers are candidates for the gate table,
# and on request on any Python 3. (Python 2's own differ in more ways than
# the gates name: they are UserDicts, with other reprs and no WeakMethod.)
COMPARE_WITH_STDLIB = _compat.NATIVE_CONTAINERS_ITERATE_SNAPSHOTS or (
    not _compat.PY2 and os.environ.get("BACKPORTS_WEAKREF_COMPARE_STDLIB")
    not in (None, "", "0"))
# The test modules whose tests also run on the stdlib leg (conftest.py
# names those that run once, on the imported core alone).
COMPARED_MODULES = ["test_bad_input", "test_containers_fixes",
                    "test_containers_iteration", "test_insert_once",
                    "test_model_containers",
                    "test_weak_dicts", "test_weakset"]

# What the tests use as `weakref`: ours, or (in a child started for the
# stdlib leg) the interpreter's own. conftest.py swaps it in the parent.
weakref = (stdlib_weakref if os.environ.get(LEG_VARIABLE) == "stdlib"
           else backports.weakref)


def against_stdlib():
    """Whether this test runs on the stdlib leg."""
    return weakref is stdlib_weakref


def core():
    """The core of the containers this test exercises, "compiled" or
    "pure"; None on the stdlib leg."""
    return None if against_stdlib() else weakref._core.IMPLEMENTATION


def child_environ():
    """The environment a child interpreter needs to be on the same leg."""
    if against_stdlib():
        return {LEG_VARIABLE: "stdlib"}
    if core() != cores.IMPORTED:
        return {NO_EXTENSIONS_VARIABLE: "1"}
    return {}


# The pure twin's share of a thread test's time and of a leak test's cycles
# where it runs beside the compiled core (CPython): the same Python code runs
# them at full length on PyPy and Jython, and CI's two processors are shared
# by every interpreter's run. (In the days of a second process per CPython,
# its thread tests ran 0.4 s of the compiled core's 0.75, 2 s of 3.13t's 5,
# and its leak tests 2*10**4 cycles of 10**5.)
TWIN_SHARE_OF_STRESS = 0.5
TWIN_SHARE_OF_LEAK_CYCLES = 0.2


def shortened_for_twin(amount, share):
    """*amount* of a test's load, or *share* of it where this test runs the
    pure twin beside the compiled core."""
    if core() == "pure" and "compiled" in cores.CORES:
        return type(amount)(amount * share)
    return amount


def stress_seconds():
    """How long this test's thread loops run (support.STRESS_SECONDS)."""
    return shortened_for_twin(STRESS_SECONDS, TWIN_SHARE_OF_STRESS)


def newest_behaviour(flag, strict=True):
    """Mark a test that needs the newest CPython's behaviour *flag* (a
    ``NATIVE_*`` flag of backports.weakref._compat, behind the gates).
    ``strict=False`` for a test that exposes the lack only on some runs
    (random steps)."""
    if not hasattr(_compat, flag):
        raise AssertionError("no such flag in _compat: %s" % flag)
    return pytest.mark.newest_behaviour(flag, strict=strict)


ALL_CONTAINERS = ["WeakValueDictionary", "WeakKeyDictionary", "WeakSet"]
DICTS = ["WeakValueDictionary", "WeakKeyDictionary"]


def weakrefable(obj):
    """Whether the interpreter can weakly reference *obj* (Jython: almost
    anything; CPython: no list, int, str or None)."""
    try:
        stdlib_weakref.ref(obj)
    except TypeError:
        return False
    return True


class Obj(object):
    """Weakly referenceable, hashable and equal by value."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Obj) and self.value == other.value

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.value)

    def __lt__(self, other):
        return self.value < other.value

    def __repr__(self):
        return "Obj(%r)" % (self.value,)


class RefCycle(object):
    """Dies only when the cyclic collector runs (CPython)."""

    def __init__(self):
        self.cycle = self


class Filled(object):
    """A container of *kind* holding *count* live objects.

    ``objects[i]`` is the i-th referent; the container maps key i to it
    (WeakValueDictionary), it to i (WeakKeyDictionary) or holds it (WeakSet).
    ``items()`` gives what iterating the container yields for the live ones.
    """

    def __init__(self, kind, count=10):
        self.kind = kind
        self.objects = [Obj(n) for n in range(count)]
        self.container = getattr(weakref, kind)()
        for obj in self.objects:
            self.add(obj)

    def add(self, obj):
        if self.kind == "WeakValueDictionary":
            self.container[obj.value] = obj
        elif self.kind == "WeakKeyDictionary":
            self.container[obj] = obj.value
        else:
            self.container.add(obj)

    def discard(self, obj):
        if self.kind == "WeakValueDictionary":
            self.container.pop(obj.value, None)
        elif self.kind == "WeakKeyDictionary":
            self.container.pop(obj, None)
        else:
            self.container.discard(obj)

    def key_of(self, obj):
        """What iterating the container yields for *obj*."""
        return obj.value if self.kind == "WeakValueDictionary" else obj

    def lookup(self, obj):
        """Exercise len, in, get and [] on *obj*'s entry; True if present."""
        c = self.container
        len(c)
        if self.kind == "WeakSet":
            return obj in c
        key = self.key_of(obj)
        present = key in c
        c.get(key)
        try:
            c[key]
        except KeyError:
            pass
        return present

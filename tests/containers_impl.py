"""Which weak containers the container tests exercise, and objects to store.

The tests run against ``backports.weakref``; with the environment variable
``BACKPORTS_WEAKREF_CONTAINERS=stdlib`` they run against the interpreter's
own ``weakref`` instead, to show what its containers get wrong (CPython 3.13's
fail the snapshot-iteration tests; 3.14's also fail the update(**kwargs)
one; 3.14 and 3.15 fail only the gh-74876 ones).
"""
from __future__ import absolute_import

import os
import weakref as stdlib_weakref

import backports.weakref

# Jython notes for test writers: `a, b = X(), Y()` keeps the tuple in a hidden
# local (create what must die one per statement), and an exhausted generator
# keeps its last locals (drop the iterator).

AGAINST_STDLIB = os.environ.get("BACKPORTS_WEAKREF_CONTAINERS") == "stdlib"
weakref = stdlib_weakref if AGAINST_STDLIB else backports.weakref

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

"""What Jython 2.7 needs beyond the flags: imported only where a Jython flag
(REFS_ARE_IDENTITY_KEYS, DICT_POP_CAN_RACE, CALLBACKS_ARE_DEFERRED,
REF_SUBCLASS_*, REF_EQ_DISPATCHES_TO_SUBCLASS, ATEXIT_NEEDS_A_JVM_HOOK)
says so.

Jython's weak references are Java objects: dicts and sets compare them by
identity, the JVM's reaper thread runs their callbacks late, a ref
subclass prints as a plain object, and ``dict.pop`` is not atomic.
"""
from __future__ import absolute_import

import threading
import weakref as _stdlib

from . import defined_attribute

ref = _stdlib.ref


class ReferentKeyRef(object):
    """A weak reference that a dict or set compares by its referent, as
    CPython compares its refs: what weak keys and members are made of here.
    Called, hashed, compared and shown as a ref would be."""

    __slots__ = ("_ref", "_callback", "_hash", "__weakref__")

    def __init__(self, obj, callback=None):
        self._callback = callback
        self._hash = None
        self._ref = ref(obj, None if callback is None else self._referent_died)

    def _referent_died(self, _):
        self._callback(self)

    def __call__(self):
        return self._ref()

    def __hash__(self):
        if self._hash is None:
            obj = self._ref()
            if obj is None:
                raise TypeError("weak object has gone away")
            self._hash = hash(obj)
        return self._hash

    def __eq__(self, other):
        if not isinstance(other, ReferentKeyRef):
            return NotImplemented
        mine, theirs = self._ref(), other._ref()
        if mine is None or theirs is None:
            return self is other
        return mine == theirs

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self):
        return repr(self._ref)


# -- dict pops that cannot race ------------------------------------------------

# Every pop of a weak container's entry takes this lock, so two never race,
# and so does every store into a WeakValueDictionary: the reaper's removal of
# a dead entry checks, then deletes, and a store landing in between would be
# deleted with it. Reentrant: a key's __eq__ or __hash__, run under the lock,
# may itself use a weak container.
POP_LOCK = threading.RLock()


def under_pop_lock(method):
    """*method*, run holding POP_LOCK."""
    def locked(*args, **kwargs):
        with POP_LOCK:
            return method(*args, **kwargs)
    locked.__name__ = method.__name__
    locked.__doc__ = method.__doc__
    return locked


# The lock is bound as a default below: callbacks may run at interpreter
# shutdown, after module globals are gone (bpo-29519).

def pop_ref(data, key, _lock=POP_LOCK):
    """``data.pop(key)``: KeyError when absent."""
    with _lock:
        return data.pop(key)


def pop_weak_key(self, key, *default):
    """WeakKeyDictionary.pop. Jython's dict.pop finds the key, then removes
    it, and hands back a null (an unbound name in its caller) when the
    removal finds nothing: when a ref compared along the way changed its
    equality meanwhile, its referent dying. A lookup and a delete cannot."""
    data, wr = self.data, ReferentKeyRef(key)
    with POP_LOCK:
        try:
            value = data[wr]
        except KeyError:
            if default:
                return default[0]
            raise KeyError(wr)      # as dict.pop words it elsewhere
        try:
            del data[wr]
        except KeyError:
            pass
        return value


def pop_if_present(data, key, _lock=POP_LOCK):
    """``data.pop(key, None)``."""
    with _lock:
        return data.pop(key, None)


def delete_if_same(data, key, expected, _lock=POP_LOCK):
    """Delete ``data[key]`` while it is *expected*, leaving a newer value."""
    with _lock:
        if data.get(key) is expected:
            try:
                del data[key]
            except KeyError:
                pass


# -- callbacks that run late -----------------------------------------------------

def purge_first(cls, names):
    """Make each method *names* of *cls* drop dead entries (``_purge()``)
    before it runs: a dead entry outlives the collection that killed its
    referent until the reaper thread gets to its callback."""
    def wrap(method):
        def purged(self, *args):
            self._purge()
            return method(self, *args)
        purged.__name__ = method.__name__
        purged.__doc__ = method.__doc__
        return purged

    for name in names:
        setattr(cls, name, wrap(defined_attribute(cls, name)))


# -- refs shown and compared as CPython's -------------------------------------------

def ref_repr(reference, referent):
    """``repr()`` of a ref to *referent* (None once dead) in CPython's words,
    with the referent's type qualified by its module, except for builtins
    and __main__, as 3.13 and later print it."""
    if referent is None:
        return "<weakref at %#x; dead>" % id(reference)
    cls = type(referent)
    name = getattr(cls, "__qualname__", cls.__name__)
    if cls.__module__ not in ("builtins", "__builtin__", "__main__"):
        name = "%s.%s" % (cls.__module__, name)
    return "<weakref at %#x; to '%s' at %#x>" % (id(reference), name,
                                                 id(referent))


class KeyedRef(_stdlib.KeyedRef):
    """Jython's KeyedRef (a ref that also carries ``key``), shown as CPython
    shows any ref rather than as a generic object."""

    __module__ = "backports.weakref"
    __slots__ = ()

    def __repr__(self):
        return ref_repr(self, self())


def same_referent(first, second):
    """What CPython's ref.__eq__ answers for two refs: live referents compare
    with ==, a dead one equals nothing but its own ref. (Jython's own
    calls == on the refs again, recursing into a subclass's __eq__.)"""
    first_referent = ref.__call__(first)
    second_referent = ref.__call__(second)
    if first_referent is None or second_referent is None:
        return first is second
    return first_referent == second_referent


def referent_hash(self):
    """``__hash__`` for a ref subclass: the referent's hash, remembered for
    after its death, as CPython's ref does (Jython's hashes the ref). The
    subclass needs a ``_referent_hash`` slot."""
    try:
        return self._referent_hash
    except AttributeError:
        referent = ref.__call__(self)
        if referent is None:
            raise TypeError("weak object has gone away")
        self._referent_hash = hash(referent)
        return self._referent_hash


# -- the end of the program --------------------------------------------------------

def add_jvm_exit_hook(func):
    """Have the JVM call *func* as it shuts down: Jython 2.7.3 runs atexit
    functions only when the program ends with SystemExit."""
    from java.lang import Runtime, Thread
    Runtime.getRuntime().addShutdownHook(Thread(func))

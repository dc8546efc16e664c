"""``WeakValueDictionary`` and ``WeakKeyDictionary`` as the newest CPython
has them.

Both keep their entries in a plain dict (``data``) and let the native
``ref`` callbacks remove dead ones. As from 3.14 (gh-89967, gh-123089), they
iterate a snapshot made in one C-level call, so a loop never raises however
the dict changes meanwhile; with no pending-removal bookkeeping, ``len()``
is simply the size of ``data``. Where only the keys or only the values are
needed, the snapshot is a list of them: on CPython a list is made as fast
as a dict copy and iterated faster (about 3 ns less per entry); where both
are, it is ``dict.copy()``, as building a list of pairs costs a tuple per
entry.
"""
from __future__ import absolute_import

import weakref as _stdlib

from . import _compat
from ._arguments import split_self_and_one
from ._compat.abcs import Mapping as _Mapping
from ._compat.abcs import MutableMapping as _MutableMapping
from ._compat.generics import subscriptable
from ._entries import key_ref, pop_ref, remove_dead_weakref

if _compat.REF_SUBCLASS_REPR_IS_GENERIC:
    from ._compat.jython import KeyedRef
else:
    KeyedRef = _stdlib.KeyedRef

ref = _stdlib.ref

# KeyedRef's __new__ and __init__ are Python code (two frames and a super()
# call per entry); made like this, by ref's own C __new__ and a slot store,
# the same KeyedRef costs half as much to store (see docs/benchmarks.md).
_new_ref = ref.__new__

if _compat.PY2:
    # A snapshot is iterated once: no need for 2.x's list-building items().
    _items = dict.iteritems
    # But values() builds its list in one C call, where list(itervalues())
    # first asks the iterator for a length hint, whose bound method can
    # start a collection, whose callbacks can let another thread change
    # the dict mid-snapshot ("dictionary changed size during iteration").
    _values = dict.values
else:
    _items = dict.items
    _values = dict.values

# What the newest CPython raises for WeakKeyDictionary.update(**kwargs),
# before storing anything, on every interpreter (even where a str can be
# weakly referenced): a keyword's name would be the key.
_KEYWORDS_REFUSED = ("Keyword arguments are not supported: "
                     "cannot create weak reference to 'str' object")


# -- what both weak dicts share, bound into each class body below -----------

def _repr(self):
    return "<%s at %#x>" % (self.__class__.__name__, id(self))


def _ior(self, other):
    self.update(other)
    return self


def _or(self, other):
    if isinstance(other, _Mapping):
        c = self.copy()
        c.update(other)
        return c
    return NotImplemented


def _ror(self, other):
    if isinstance(other, _Mapping):
        c = self.__class__()
        c.update(other)
        c.update(self)
        return c
    return NotImplemented


def _update_arguments(qualname, args, kwargs):
    """(self, other) for ``update(self, other=None, /, **kwargs)``."""
    if len(args) == 2:
        return args
    return split_self_and_one(qualname, args, kwargs)


def _pairs(other):
    """The (key, value) pairs of *other*, a mapping or pairs, or None."""
    if other is None:
        return ()
    if not hasattr(other, "items"):
        other = dict(other)
    return other.items()


@subscriptable
class WeakValueDictionary(_MutableMapping):
    """A mapping whose values are held through weak references: an entry
    leaves the mapping when its value is no longer referenced elsewhere."""

    __module__ = "backports.weakref"

    def __init__(*args, **kwargs):
        if 0 < len(args) < 3:
            self = args[0]
            other = args[1] if len(args) == 2 else ()
        else:
            self, other = split_self_and_one("WeakValueDictionary.__init__",
                                             args, kwargs)

        # Everything the callback needs is bound as a default: it may run
        # at interpreter shutdown, after module globals are gone (bpo-29519).
        def remove(wr, selfref=ref(self),
                   _atomic_removal=remove_dead_weakref):
            self = selfref()
            if self is not None:
                # The collector may call this at any moment: a newer value
                # stored under the same key must survive (bpo-28427).
                _atomic_removal(self.data, wr.key)

        self._remove = remove
        self.data = {}
        self.update(other, **kwargs)

    def __getitem__(self, key):
        o = self.data[key]()
        if o is None:
            raise KeyError(key)
        return o

    def __delitem__(self, key):
        del self.data[key]

    def __len__(self):
        return len(self.data)

    if _compat.DICT_GET_IS_SLOW_FROM_OTHER_THREADS:
        def __contains__(self, key):
            try:
                wr = self.data[key]
            except KeyError:
                return False
            return wr() is not None
    else:
        def __contains__(self, key):
            # get(), not a caught KeyError: raising costs more than the
            # lookup.
            wr = self.data.get(key)
            return wr is not None and wr() is not None

    __repr__ = _repr

    def __setitem__(self, key, value):
        wr = _new_ref(KeyedRef, value, self._remove)
        wr.key = key
        self.data[key] = wr

    def copy(self):
        new = WeakValueDictionary()
        data, remove = new.data, new._remove
        for key, wr in _items(self.data.copy()):
            o = wr()
            if o is not None:
                wr = _new_ref(KeyedRef, o, remove)
                wr.key = key
                data[key] = wr
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        from copy import deepcopy
        new = self.__class__()
        for key, wr in _items(self.data.copy()):
            o = wr()
            if o is not None:
                new[deepcopy(key, memo)] = o
        return new

    if _compat.DICT_GET_IS_SLOW_FROM_OTHER_THREADS:
        def get(self, key, default=None):
            try:
                wr = self.data[key]
            except KeyError:
                return default
            o = wr()
            return default if o is None else o
    else:
        def get(self, key, default=None):
            wr = self.data.get(key)
            if wr is None:
                return default
            o = wr()
            if o is None:
                # Dead, its callback not run yet (Jython): absent.
                return default
            return o

    def items(self):
        for k, wr in _items(self.data.copy()):
            v = wr()
            if v is not None:
                yield k, v

    def keys(self):
        for k, wr in _items(self.data.copy()):
            if wr() is not None:
                yield k

    __iter__ = keys

    def itervaluerefs(self):
        """Iterate over the weak references to the values, as they were when
        iteration began. A reference may be dead by the time it is used:
        check what calling it returns."""
        for wr in list(_values(self.data)):
            yield wr

    def values(self):
        for wr in list(_values(self.data)):
            obj = wr()
            if obj is not None:
                yield obj

    def popitem(self):
        while True:
            key, wr = self.data.popitem()
            o = wr()
            if o is not None:
                return key, o

    def pop(self, key, *args):
        try:
            o = pop_ref(self.data, key)()
        except KeyError:
            o = None
        if o is None:
            # Absent, or dead with its callback still to come (bpo-19542).
            if args:
                return args[0]
            raise KeyError(key)
        return o

    def setdefault(self, key, default=None):
        try:
            o = self.data[key]()
        except KeyError:
            o = None
        if o is None:
            # A dead entry counts as absent (bpo-19542).
            self.data[key] = KeyedRef(default, self._remove, key)
            return default
        return o

    def update(*args, **kwargs):
        self, other = _update_arguments("WeakValueDictionary.update", args,
                                        kwargs)
        d = self.data
        remove = self._remove
        for key, o in _pairs(other):
            wr = _new_ref(KeyedRef, o, remove)
            wr.key = key
            d[key] = wr
        for key, o in kwargs.items():
            wr = _new_ref(KeyedRef, o, remove)
            wr.key = key
            d[key] = wr

    def valuerefs(self):
        """A list of the weak references to the values. A reference may be
        dead by the time it is used: check what calling it returns."""
        return list(_values(self.data))

    __ior__ = _ior
    __or__ = _or
    __ror__ = _ror

    def _purge(self):
        data = self.data
        for key, wr in list(_items(data)):
            if wr() is None:
                remove_dead_weakref(data, key)


@subscriptable
class WeakKeyDictionary(_MutableMapping):
    """A mapping whose keys are held through weak references: an entry
    leaves the mapping when its key is no longer referenced elsewhere."""

    __module__ = "backports.weakref"

    def __init__(*args, **kwargs):
        if kwargs or not 0 < len(args) < 3:
            self, other = split_self_and_one("WeakKeyDictionary.__init__",
                                             args, kwargs, "dict")
        else:
            self = args[0]
            other = args[1] if len(args) == 2 else None
        self.data = {}

        def remove(k, selfref=ref(self)):
            self = selfref()
            if self is not None:
                # Already gone when deleted explicitly: no error (bpo-44962).
                # (del, not pop: Jython's pop is not atomic.)
                try:
                    del self.data[k]
                except KeyError:
                    pass

        self._remove = remove
        if other is not None:
            self.update(other)

    def __delitem__(self, key):
        del self.data[key_ref(key)]

    def __getitem__(self, key):
        return self.data[key_ref(key)]

    def __len__(self):
        return len(self.data)

    __repr__ = _repr

    def __setitem__(self, key, value):
        self.data[key_ref(key, self._remove)] = value

    def copy(self):
        new = WeakKeyDictionary()
        data, remove = new.data, new._remove
        for key, value in _items(self.data.copy()):
            o = key()
            if o is not None:
                data[key_ref(o, remove)] = value
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        from copy import deepcopy
        new = self.__class__()
        for key, value in _items(self.data.copy()):
            o = key()
            if o is not None:
                new[o] = deepcopy(value, memo)
        return new

    def get(self, key, default=None):
        return self.data.get(key_ref(key), default)

    def __contains__(self, key):
        try:
            wr = key_ref(key)
        except TypeError:
            return False
        return wr in self.data

    def items(self):
        for wr, value in _items(self.data.copy()):
            key = wr()
            if key is not None:
                yield key, value

    def keys(self):
        for wr in list(self.data):
            obj = wr()
            if obj is not None:
                yield obj

    __iter__ = keys

    def values(self):
        for wr, value in _items(self.data.copy()):
            if wr() is not None:
                yield value

    def keyrefs(self):
        """A list of the weak references to the keys. A reference may be
        dead by the time it is used: check what calling it returns."""
        return list(self.data)

    def popitem(self):
        while True:
            key, value = self.data.popitem()
            o = key()
            if o is not None:
                return o, value

    def pop(self, key, *args):
        return self.data.pop(key_ref(key), *args)

    def setdefault(self, key, default=None):
        return self.data.setdefault(key_ref(key, self._remove), default)

    def update(*args, **kwargs):
        self, other = _update_arguments("WeakKeyDictionary.update", args,
                                        kwargs)
        if kwargs:
            raise TypeError(_KEYWORDS_REFUSED)
        d = self.data
        remove = self._remove
        for key, value in _pairs(other):
            d[key_ref(key, remove)] = value

    __ior__ = _ior
    __or__ = _or
    __ror__ = _ror

    def _purge(self):
        data = self.data
        for wr in list(data):
            if wr() is None:
                try:
                    del data[wr]
                except KeyError:
                    pass


if _compat.PY2:
    from ._compat.py2 import give_mapping_methods, iterkeyrefs
    give_mapping_methods(WeakValueDictionary)
    give_mapping_methods(WeakKeyDictionary)
    WeakKeyDictionary.iterkeyrefs = iterkeyrefs

if _compat.DICT_POP_CAN_RACE:
    from ._compat.jython import under_pop_lock
    # Stores hold the lock the reaper's removals hold (see POP_LOCK).
    for _name in ("__setitem__", "setdefault", "update"):
        setattr(WeakValueDictionary, _name,
                under_pop_lock(WeakValueDictionary.__dict__[_name]))
    del _name

if _compat.CALLBACKS_ARE_DEFERRED:
    from ._compat.jython import purge_first
    purge_first(WeakValueDictionary, ["__len__"])
    purge_first(WeakKeyDictionary, ["__len__"])

"""``WeakValueDictionary`` and ``WeakKeyDictionary`` as CPython 3.14 has them.

Both keep their entries in a plain dict (``data``) and let the native
``ref`` callbacks remove dead ones. Like 3.14 (gh-89967, gh-123089) they
iterate a snapshot, made in one C-level call, so a loop never raises however
the dict changes meanwhile; with no pending-removal bookkeeping, ``len()`` is
simply the size of ``data``. Where only the keys or only the values are
needed, the snapshot is a list of them: on CPython a list is made as fast as
a dict copy and iterated faster (about 3 ns less per entry); where both are,
it is ``dict.copy()``, as building a list of pairs costs a tuple per entry.
"""
from __future__ import absolute_import

import weakref as _stdlib

from . import _compat
from ._weakset import (key_ref, purge_first, split_self_and_one,
                       subscriptable)

# The ABCs' own modules, which `weakref` has already loaded: importing
# `collections` would add about 1 ms to our import time.
if _compat.PY2:
    from _abcoll import Mapping as _Mapping
    from _abcoll import MutableMapping as _MutableMapping
else:
    from _collections_abc import Mapping as _Mapping
    from _collections_abc import MutableMapping as _MutableMapping

ref = _stdlib.ref

if _compat.REF_SUBCLASS_REPR_IS_GENERIC:
    class KeyedRef(_stdlib.KeyedRef):
        """The interpreter's KeyedRef (a ref that also carries ``key``),
        shown as 3.14 shows any ref rather than as a generic object."""

        __module__ = "backports.weakref"
        __slots__ = ()

        def __repr__(self):
            return _compat.ref_repr(self, self())
else:
    KeyedRef = _stdlib.KeyedRef

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

if _compat.DICT_POP_CAN_RACE:
    import threading

    # Every pop of an entry goes through this lock, so two never race, and
    # so does every store into a WeakValueDictionary: the reaper's removal
    # of a dead entry checks, then deletes, and a store landing in between
    # would be deleted with it. Reentrant: a key's __eq__ or __hash__, run
    # under the lock, may itself use a weak dict.
    _pop_lock = threading.RLock()

    def _under_pop_lock(method):
        """*method*, run holding the lock."""
        def locked(*args, **kwargs):
            with _pop_lock:
                return method(*args, **kwargs)
        locked.__name__ = method.__name__
        locked.__doc__ = method.__doc__
        return locked

    # The lock is bound as a default: callbacks may run at shutdown, with
    # module globals gone (bpo-29519).
    def pop_ref(data, key, _lock=_pop_lock):
        with _lock:
            return data.pop(key)

    def delitem_if_value_is(data, key, value, _lock=_pop_lock):
        """Delete ``data[key]`` if it is *value*, leaving a newer value be."""
        with _lock:
            if data.get(key) is value:
                try:
                    del data[key]
                except KeyError:
                    pass
else:
    pop_ref = dict.pop
    if _compat.HAS_DELITEM_IF_VALUE_IS:
        from __pypy__ import delitem_if_value_is
    else:
        def delitem_if_value_is(data, key, value):
            """Delete ``data[key]`` if it is *value*.

            No atomic compare-and-delete here: pop, then put back whatever
            newer value another thread stored in the meantime.
            """
            found = data.pop(key, None)
            if found is not None and found is not value:
                data.setdefault(key, found)

if _compat.HAS_REMOVE_DEAD_WEAKREF:
    from _weakref import _remove_dead_weakref
else:
    def _remove_dead_weakref(data, key,
                             _delitem_if_value_is=delitem_if_value_is):
        """Delete ``data[key]`` if it holds a dead reference (bpo-28427).

        A callback may call this at shutdown, with globals gone (bpo-29519).
        """
        wr = data.get(key)
        if wr is not None and wr() is None:
            _delitem_if_value_is(data, key, wr)


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


# Python 2's dict conventions: lists from keys(), values() and items().
def _items_list(self):
    return list(self.iteritems())


def _keys_list(self):
    return list(self.iterkeys())


def _values_list(self):
    return list(self.itervalues())


def _has_key(self, key):
    return key in self


def _update_arguments(qualname, args, kwargs):
    """(self, the other mapping's items, or none) for
    ``update(self, other=None, /, **kwargs)``."""
    if len(args) == 2:
        self, other = args
    else:
        self, other = split_self_and_one(qualname, args, kwargs)
    if other is None:
        return self, ()
    if not hasattr(other, "items"):
        other = dict(other)
    return self, other.items()


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
                   _atomic_removal=_remove_dead_weakref):
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

    def __contains__(self, key):
        # get(), not a caught KeyError: raising costs more than the lookup.
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

    if _compat.PY2:
        iteritems, iterkeys, itervalues = items, keys, values
        items, keys, values = _items_list, _keys_list, _values_list
        has_key = _has_key

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
        self, pairs = _update_arguments("WeakValueDictionary.update", args,
                                        kwargs)
        d = self.data
        remove = self._remove
        for key, o in pairs:
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

    if _compat.DICT_POP_CAN_RACE:
        # Stores hold the lock the reaper's removals hold (see _pop_lock).
        __setitem__ = _under_pop_lock(__setitem__)
        setdefault = _under_pop_lock(setdefault)
        update = _under_pop_lock(update)

    __ior__ = _ior
    __or__ = _or
    __ror__ = _ror

    def _purge(self):
        data = self.data
        for key, wr in list(_items(data)):
            if wr() is None:
                _remove_dead_weakref(data, key)


def _keyword_key_error(name, reason):
    # 3.14 says only "cannot create weak reference to 'str' object".
    return TypeError("keyword argument %r cannot be a WeakKeyDictionary "
                     "key: %s" % (name, reason))


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

    if _compat.PY2:
        iteritems, iterkeys, itervalues = items, keys, values
        items, keys, values = _items_list, _keys_list, _values_list
        has_key = _has_key

        def iterkeyrefs(self):
            """Iterate over the weak references to the keys, as they were
            when iteration began; any may be dead by the time it is used."""
            for wr in list(self.data):
                yield wr

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
        self, pairs = _update_arguments("WeakKeyDictionary.update", args,
                                        kwargs)
        d = self.data
        remove = self._remove
        for key, value in pairs:
            d[key_ref(key, remove)] = value
        for name, value in kwargs.items():
            try:
                wr = key_ref(name, remove)
            except TypeError as error:
                reason = error
            else:
                d[wr] = value
                continue
            # Raised outside the except block: nothing chained.
            raise _keyword_key_error(name, reason)

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


if _compat.CALLBACKS_ARE_DEFERRED:
    purge_first(WeakValueDictionary, ["__len__"])
    purge_first(WeakKeyDictionary, ["__len__"])

"""The pure-Python twin of the compiled core: the hot paths of the weak
containers, as Python code.

``WeakValueDictionaryBase``, ``WeakKeyDictionaryBase`` and ``WeakSetBase``
hold what every lookup, store, removal and loop runs through: the removal
callback, ``[]``, ``in``, ``len``, ``get``, ``pop``, ``setdefault``, the
snapshot iteration of keys, values, items and members, and the per-entry
loops of ``copy()`` and ``update()``. The public classes (``_dicts``,
``_weakset``) derive from these or from the C types of the same names in
``_speedups``, whichever ``_core`` chose, and keep everything else.

This module is the specification of those C types: same methods, same
results, same errors. Where the C code meets a call shape it does not
handle itself (keyword arguments, a wrong number of arguments, an item
that is not a pair), it calls the method of the same name here, so that
even the wording of its errors is this code's.

As from 3.14 (gh-89967, gh-123089), every loop iterates a snapshot made in
one C-level call, so a loop never raises however the container changes
meanwhile; with no pending-removal bookkeeping, ``len()`` is simply the
size of ``data``. Where only the keys, values or members are needed, the
snapshot is a list of them: on CPython a list is made as fast as a copy and
iterated faster (about 3 ns less per entry); where both are, it is
``dict.copy()``, as building a list of pairs costs a tuple per entry.
"""
from __future__ import absolute_import

import weakref as _stdlib

from . import _compat
from ._entries import key_ref, live_referents, pop_ref, remove_dead_weakref

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
_listed = list

if _compat.LISTS_OF_A_CHANGING_DICT_REPEAT:
    # A snapshot taken while other threads change the container: through
    # a copy, which has each key once.
    def _values(data):
        return data.copy().values()

    def _listed(data):
        return list(data.copy())


# Each container's state: "data", the underlying dict or set, and
# "_remove", the callback of its references. Slots, here and in the C
# types: an instance __dict__ of the C type's own would keep CPython 3.11+
# from specialising method calls on it (about 30 ns each); the public
# classes still have a __dict__ for what users store on them.
_STATE = ("data", "_remove")


def _pairs(other):
    """The (key, value) pairs of *other*, a mapping or pairs, or None."""
    if other is None:
        return ()
    items = getattr(other, "items", None)
    if items is None:
        return dict(other).items()
    return items()


def unpack_pair(item):
    """*item* as (key, value), with the errors of ``key, value = item``: what
    the C core asks of an item that is not a 2-tuple."""
    key, value = item
    return key, value


def _named_as(public_name):
    """Class decorator: the methods say *public_name* (the class users see)
    in their names, and so in the errors Python words from them."""
    def rename(cls):
        if _compat.PY2:  # no __qualname__, and errors name the function only
            return cls
        for name, member in vars(cls).items():
            # (Aliases such as __iter__ = keys keep the name they were
            # defined with.)
            if getattr(member, "__name__", None) == name and \
                    hasattr(member, "__code__"):
                member.__qualname__ = "%s.%s" % (public_name, name)
        return cls
    return rename


@_named_as("WeakValueDictionary")
class WeakValueDictionaryBase(object):
    """The hot paths of ``WeakValueDictionary``."""

    __slots__ = _STATE

    def _init_entries(self):
        """Give the container its empty ``data`` and its ``_remove``."""
        # Everything the callback needs is bound as a default: it may run
        # at interpreter shutdown, after module globals are gone (bpo-29519).
        def remove(wr, container_ref=ref(self),
                   _drop_if_dead=remove_dead_weakref):
            container = container_ref()
            if container is not None:
                # The collector may call this at any moment: a newer value
                # stored under the same key must survive (bpo-28427).
                _drop_if_dead(container.data, wr.key)

        self._remove = remove
        self.data = {}

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

    def __setitem__(self, key, value):
        wr = _new_ref(KeyedRef, value, self._remove)
        wr.key = key
        self.data[key] = wr

    def _copy_into(self, new):
        """Store each live entry into *new*, an empty container."""
        data, remove = new.data, new._remove
        for key, wr in _items(self.data.copy()):
            o = wr()
            if o is not None:
                wr = _new_ref(KeyedRef, o, remove)
                wr.key = key
                data[key] = wr

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

    def values(self):
        return live_referents(lambda: list(_values(self.data)))

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
        if o is not None:
            return o
        # Absent, or dead (bpo-19542): insert once. The stdlib's check,
        # then store, lets two threads racing on one key each store and
        # return their own default; data.setdefault is one step, so every
        # racer gets the entry stored first, and a dead one found there is
        # removed only while it is still that dead one (issue 22).
        entry = _new_ref(KeyedRef, default, self._remove)
        entry.key = key
        while True:
            wr = self.data.setdefault(key, entry)
            if wr is entry:
                return default
            o = wr()
            if o is not None:
                return o
            remove_dead_weakref(self.data, key)

    def _store_pairs(self, other):
        """Store the pairs of *other* (a mapping, pairs, or None): what
        ``update()`` does once it has its arguments."""
        d = self.data
        remove = self._remove
        for key, o in _pairs(other):
            wr = _new_ref(KeyedRef, o, remove)
            wr.key = key
            d[key] = wr


@_named_as("WeakKeyDictionary")
class WeakKeyDictionaryBase(object):
    """The hot paths of ``WeakKeyDictionary``."""

    __slots__ = _STATE

    def _init_entries(self):
        """Give the container its empty ``data`` and its ``_remove``."""
        self.data = {}

        def remove(key_ref, container_ref=ref(self)):
            container = container_ref()
            if container is not None:
                # Already gone when deleted explicitly: no error (bpo-44962).
                # (del, not pop: Jython's pop is not atomic.)
                try:
                    del container.data[key_ref]
                except KeyError:
                    pass

        self._remove = remove

    def __delitem__(self, key):
        del self.data[key_ref(key)]

    def __getitem__(self, key):
        return self.data[key_ref(key)]

    def __len__(self):
        return len(self.data)

    def __setitem__(self, key, value):
        self.data[key_ref(key, self._remove)] = value

    def _copy_into(self, new):
        """Store each live entry into *new*, an empty container."""
        data, remove = new.data, new._remove
        for key, value in _items(self.data.copy()):
            o = key()
            if o is not None:
                data[key_ref(o, remove)] = value

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
        return live_referents(lambda: _listed(self.data))

    __iter__ = keys

    def values(self):
        for wr, value in _items(self.data.copy()):
            if wr() is not None:
                yield value

    def pop(self, key, *args):
        return self.data.pop(key_ref(key), *args)

    def setdefault(self, key, default=None):
        # Insert-once as it stands: one dict.setdefault, and a dead key's
        # entry never equals a live key's reference, so it cannot be
        # returned in the live key's place.
        return self.data.setdefault(key_ref(key, self._remove), default)

    def _store_pairs(self, other):
        """Store the pairs of *other* (a mapping, pairs, or None): what
        ``update()`` does once it has its arguments."""
        d = self.data
        remove = self._remove
        for key, value in _pairs(other):
            d[key_ref(key, remove)] = value


@_named_as("WeakSet")
class WeakSetBase(object):
    """The hot paths of ``WeakSet``."""

    __slots__ = _STATE

    def _init_entries(self):
        """Give the set its empty ``data`` and its ``_remove``."""
        self.data = set()

        def _remove(member_ref, container_ref=ref(self)):
            container = container_ref()
            if container is not None:
                container.data.discard(member_ref)

        self._remove = _remove

    def __iter__(self):
        # The snapshot is a list: as fast to make as a set copy, and faster
        # to iterate (no hash table to walk).
        return live_referents(lambda: _listed(self.data))

    def __len__(self):
        return len(self.data)

    def __contains__(self, item):
        try:
            wr = key_ref(item)
        except TypeError:
            return False
        return wr in self.data

    def add(self, item):
        self.data.add(key_ref(item, self._remove))

    def _copy_into(self, new):
        """Add each live member to *new*, an empty set: a copy made from
        the references themselves, with no generator step and no method
        call per member."""
        add, remove = new.data.add, new._remove
        for itemref in list(self.data):
            item = itemref()
            if item is not None:
                add(key_ref(item, remove))

    def remove(self, item):
        self.data.remove(key_ref(item))

    def discard(self, item):
        self.data.discard(key_ref(item))

    def update(self, other):
        add = type(self).add
        # (Python 2's class attribute is an unbound method.)
        if getattr(add, "__func__", add) not in UNCHANGED_ADDS:
            # As CPython: a subclass's add() sees every element.
            for element in other:
                self.add(element)
            return
        # Otherwise add()'s one line inlined: copy(), union() and the
        # constructor make no method call per member.
        add, remove = self.data.add, self._remove
        for element in other:
            add(key_ref(element, remove))


if _compat.GENERATORS_BREAK_WHEN_SHARED:
    from ._compat.shared_generators import guard_iterators
    for _base in (WeakValueDictionaryBase, WeakKeyDictionaryBase):
        guard_iterators(_base, ["items", "keys", "values"])
        _base.__iter__ = _base.keys
    guard_iterators(WeakSetBase, ["__iter__"])
    del _base


# The add() methods of the two cores' WeakSetBase: a class whose add is one
# of them has not overridden it, whichever core it stands on (_core appends
# the compiled core's), so update() takes the same road on both.
UNCHANGED_ADDS = [WeakSetBase.__dict__["add"]]

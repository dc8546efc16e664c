"""Weak containers that find their keys and members by identity.

``WeakKeyDictionary`` and ``WeakSet`` hash their keys and compare them with
``==``: unhashable objects cannot be keys, and objects with element-wise
``__eq__`` (arrays, ``eq=True`` dataclasses) collide or raise. These file each
entry under ``id(key)`` instead (gh-88306).

An ``id()`` is reused once its object is gone, so an entry is the weak
reference to its key: a lookup accepts it only when it still refers to that
very object, and the removal callback deletes the entry only while the dict
still holds that very (dead) reference, never a newer entry filed at the same
address.
"""
from __future__ import absolute_import

import weakref as _stdlib

from .. import _compat
from .._compat.abcs import ItemsView, MutableMapping, MutableSet, ValuesView
from .._entries import delete_if_same, remove_dead_weakref
from ._common import SameMembersCopy

ref = _stdlib.ref
KeyedRef = _stdlib.KeyedRef

# What a weak value reference returns once its value is gone.
_GONE = object()


class _Entry(ref):
    """The weak reference to a key, filed under its ``id()`` (``.key``, as
    in ``KeyedRef``), carrying what the container stores for it
    (``.value``). No constructor of its own: building one stays C code."""

    __slots__ = ("key", "value")


# The callbacks are made by these factories, not inside __init__: there they
# would see __init__'s locals, and on Jython a closure keeps its whole
# defining frame alive, initial contents included. Defaults bind what they
# need: a callback may run at interpreter shutdown, after module globals are
# gone (bpo-29519).

def _key_remover(table_ref, _remove_dead=remove_dead_weakref):
    def remove_key(entry):
        table = table_ref()
        if table is not None:
            # Deletes only a dead reference: a live entry for a new object
            # at the same address stays.
            _remove_dead(table._data, entry.key)
    return remove_key


def _value_remover(table_ref, _delete_if_same=delete_if_same):
    def remove_value(value_ref):
        table = table_ref()
        if table is not None:
            entry = table._data.get(value_ref.key)
            # The key may have a newer value by now: leave that one.
            if entry is not None and entry.value is value_ref:
                _delete_if_same(table._data, value_ref.key, entry)
    return remove_value


class _IdentityTable(object):
    """The entries of an identity-keyed container and how they die.

    ``_data`` maps ``id(key)`` to an ``_Entry``. Subclasses that hold their
    values weakly too store a weak reference in ``entry.value``, set
    ``_values_are_weak`` and override ``_wrap_value`` and ``_unwrap_value``.
    """

    _values_are_weak = False

    def __init__(self):
        self._data = {}
        self._remove_key = _key_remover(ref(self))

    def _wrap_value(self, key_id, value):
        return value

    def _unwrap_value(self, stored):
        return stored

    def _file(self, obj, value):
        key_id = id(obj)
        if self._values_are_weak:
            value = self._wrap_value(key_id, value)
        entry = _Entry(obj, self._remove_key)
        entry.key = key_id
        entry.value = value
        self._data[key_id] = entry

    def _entry_of(self, obj):
        """The live entry whose key is *obj* itself, else None."""
        entry = self._data.get(id(obj))
        if entry is not None and entry() is obj:
            return entry
        return None

    def _live_items(self):
        """(key, value) of the entries alive when iteration began; one
        C-level copy, so the loop never raises whatever happens meanwhile."""
        unwrap = self._unwrap_value
        for entry in list(self._data.values()):
            obj = entry()
            if obj is not None:
                value = unwrap(entry.value)
                if value is not _GONE:
                    yield obj, value

    def _entry_is_dead(self, entry):
        return entry() is None or \
            self._unwrap_value(entry.value) is _GONE

    def _purge(self):
        # Where callbacks are deferred (Jython), dead entries wait for the
        # reaper thread; drop them before counting.
        for entry in list(self._data.values()):
            if self._entry_is_dead(entry):
                delete_if_same(self._data, entry.key, entry)

    def __len__(self):
        return len(self._data)

    def keyrefs(self):
        """The weak references to the keys (or members). Any may be dead by
        the time it is used: check what calling it returns."""
        return [entry for entry in list(self._data.values())
                if not self._entry_is_dead(entry)]

    def clear(self):
        self._data.clear()

    __hash__ = None


class _SnapshotItemsView(ItemsView):
    __slots__ = ()

    def __iter__(self):
        return self._mapping._live_items()


class _SnapshotValuesView(ValuesView):
    __slots__ = ()

    def __iter__(self):
        for _, value in self._mapping._live_items():
            yield value


class WeakIdentityKeyDictionary(_IdentityTable, MutableMapping):
    """A mapping that holds its keys weakly and finds them by identity.

    Any weakly referenceable object can be a key, hashable or not; two
    distinct keys never clash however their ``__eq__`` answers. An entry
    leaves when its key dies. Iteration works on a snapshot.
    """

    def __init__(self, other=None):
        _IdentityTable.__init__(self)
        if other is not None:
            self.update(other)

    def __getitem__(self, key):
        # The hottest path: _entry_of and _unwrap_value written out.
        entry = self._data.get(id(key))
        if entry is not None and entry() is key:
            value = entry.value
            if not self._values_are_weak:
                return value
            value = self._unwrap_value(value)
            if value is not _GONE:
                return value
        raise KeyError(key)

    def __setitem__(self, key, value):
        # A new entry every time, stored at once: a callback running in the
        # middle finds either the old entry or the new, never half of one.
        self._file(key, value)

    def __delitem__(self, key):
        entry = self._entry_of(key)
        if entry is None:
            raise KeyError(key)
        delete_if_same(self._data, entry.key, entry)

    def __contains__(self, key):
        entry = self._entry_of(key)
        return entry is not None and \
            self._unwrap_value(entry.value) is not _GONE

    def __iter__(self):
        for key, _ in self._live_items():
            yield key

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def pop(self, key, *default):
        if len(default) > 1:
            raise TypeError("pop expected at most 2 arguments, got %d"
                            % (len(default) + 1))
        entry = self._entry_of(key)
        value = _GONE
        if entry is not None:
            value = self._unwrap_value(entry.value)
            delete_if_same(self._data, entry.key, entry)
        if value is _GONE:
            if default:
                return default[0]
            raise KeyError(key)
        return value

    def popitem(self):
        while True:
            try:
                _, entry = self._data.popitem()
            except KeyError:
                raise KeyError("popitem(): dictionary is empty")
            key = entry()
            value = self._unwrap_value(entry.value)
            if key is not None and value is not _GONE:
                return key, value

    def setdefault(self, key, default=None):
        value = self.get(key, _GONE)
        if value is _GONE:
            self[key] = value = default
        return value

    def copy(self):
        new = self.__class__()
        for key, value in self._live_items():
            new[key] = value
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        # Keys stay the same objects: a copy of a key would have no other
        # reference and die at once.
        from copy import deepcopy
        new = self.__class__()
        memo[id(self)] = new
        for key, value in self._live_items():
            new[key] = deepcopy(value, memo)
        return new

    def __eq__(self, other):
        # Mapping's __eq__ builds dicts, which would hash the keys.
        if not isinstance(other, WeakIdentityKeyDictionary):
            return NotImplemented
        mine = list(self._live_items())
        if len(mine) != len(other):
            return False
        for key, value in mine:
            if other.get(key, _GONE) != value:
                return False
        return True

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __repr__(self):
        return "%s({%s})" % (type(self).__name__, ", ".join(
            "%r: %r" % pair for pair in self._live_items()))

    if _compat.PY2:
        def iteritems(self):
            return self._live_items()

        def itervalues(self):
            for _, value in self._live_items():
                yield value

        iterkeys = __iter__

        def items(self):
            return list(self._live_items())

        def values(self):
            return list(self.itervalues())

        def keys(self):
            return list(self)

        def has_key(self, key):
            return key in self
    else:
        def items(self):
            return _SnapshotItemsView(self)

        def values(self):
            return _SnapshotValuesView(self)


class WeakIdentityKeyValueDictionary(WeakIdentityKeyDictionary):
    """A ``WeakIdentityKeyDictionary`` that holds its values weakly too: an
    entry leaves when its key or its value dies, whichever is first."""

    def __init__(self, other=None):
        WeakIdentityKeyDictionary.__init__(self, other=None)
        self._remove_value = _value_remover(ref(self))
        if other is not None:
            self.update(other)

    _values_are_weak = True

    def _wrap_value(self, key_id, value):
        return KeyedRef(value, self._remove_value, key_id)

    def _unwrap_value(self, stored):
        value = stored()
        return _GONE if value is None else value

    def valuerefs(self):
        """The weak references to the values; any may be dead by the time
        it is used."""
        return [entry.value for entry in self.keyrefs()]


class WeakIdentitySet(SameMembersCopy, _IdentityTable, MutableSet):
    """A set that holds its members weakly and tells them apart by
    identity: unhashable objects can be members, and two distinct objects
    are two members even when they compare equal. Iteration works on a
    snapshot."""

    def __init__(self, members=None):
        _IdentityTable.__init__(self)
        if members is not None:
            for member in members:
                self.add(member)

    @classmethod
    def _from_iterable(cls, members):
        return cls(members)

    def __contains__(self, member):
        return self._entry_of(member) is not None

    def __iter__(self):
        for member, _ in self._live_items():
            yield member

    def add(self, member):
        if self._entry_of(member) is None:
            self._file(member, None)

    def discard(self, member):
        entry = self._entry_of(member)
        if entry is not None:
            delete_if_same(self._data, entry.key, entry)


if _compat.CALLBACKS_ARE_DEFERRED:
    from .._compat.jython import purge_first
    purge_first(_IdentityTable, ["__len__"])

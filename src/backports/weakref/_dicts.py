"""``WeakValueDictionary`` and ``WeakKeyDictionary`` as the newest CPython
has them.

Both keep their entries in a plain dict (``data``) and let the native
``ref`` callbacks remove dead ones; they iterate a snapshot, as from 3.14
(gh-89967, gh-123089). Their hot paths (lookup, store, removal, iteration,
the loops of ``copy()`` and ``update()``) are in the base classes that
``_core`` chose: the compiled core or its pure-Python twin (``_pure``, which
says how they work). What is here is the same for both: construction and
argument errors, ``repr``, ``copy()``'s class, ``deepcopy``, pickling,
``|``, the reference views, and the shapes Python 2 and Jython need.
"""
from __future__ import absolute_import

from . import _compat
from ._arguments import split_self_and_one
from ._copying import set_state, state_without_entries
from ._compat.abcs import Mapping as _Mapping
from ._compat.abcs import MutableMapping as _MutableMapping
from ._compat.generics import subscriptable
from ._core import WeakKeyDictionaryBase, WeakValueDictionaryBase
from ._entries import remove_dead_weakref

if _compat.PY2:
    # A snapshot is iterated once: no need for 2.x's list-building items().
    _items = dict.iteritems
else:
    _items = dict.items
_values = dict.values

# What the newest CPython raises for WeakKeyDictionary.update(**kwargs),
# before storing anything, on every interpreter (even where a str can be
# weakly referenced): a keyword's name would be the key.
_KEYWORDS_REFUSED = ("Keyword arguments are not supported: "
                     "cannot create weak reference to 'str' object")


# -- what both weak dicts share ------------------------------------------------

class _WeakMapping(_MutableMapping):
    """The methods the two weak dicts have in common, after their core base
    in the method resolution order (the base defines none of them).

    ``_plain`` is the class ``copy()`` makes, the stdlib's whatever the
    class of self (as CPython's copy()); ``_values_are_weak`` which side of
    an entry is a weak reference in ``data``.
    """

    __slots__ = ()

    def __repr__(self):
        return "<%s at 0x%x>" % (type(self).__name__, id(self))

    def copy(self):
        duplicate = self._plain()
        self._copy_into(duplicate)
        return duplicate

    __copy__ = copy

    def __deepcopy__(self, memo):
        # The weakly held side stays the same object: a copy of it would
        # have no other reference, and die at once.
        from copy import deepcopy
        result = self.__class__()
        memo[id(self)] = result
        values_are_weak = self._values_are_weak
        for stored_key, stored_value in _items(self.data.copy()):
            alive = (stored_value if values_are_weak else stored_key)()
            if alive is None:
                continue   # dead: nothing of the entry is copied
            if values_are_weak:
                result[deepcopy(stored_key, memo)] = alive
            else:
                result[alive] = deepcopy(stored_value, memo)
        state = self.__getstate__()
        if state is not None:
            set_state(result, deepcopy(state, memo))
        return result

    def popitem(self):
        # A dead entry popped on the way is one that was leaving anyway.
        while True:
            stored_key, stored_value = self.data.popitem()
            if self._values_are_weak:
                value = stored_value()
                if value is not None:
                    return stored_key, value
            else:
                key = stored_key()
                if key is not None:
                    return key, stored_value

    def __ior__(self, other):
        self.update(other)
        return self

    def __or__(self, other):
        if isinstance(other, _Mapping):
            c = self.copy()
            c.update(other)
            return c
        return NotImplemented

    def __ror__(self, other):
        if isinstance(other, _Mapping):
            c = self.__class__()
            c.update(other)
            c.update(self)
            return c
        return NotImplemented

    __getstate__ = state_without_entries

    def __reduce__(self):
        # The rule of _copying, as the WeakSet's: an empty container from
        # the class, its state, then each live pair stored by d[k] = v
        # (pickle's SETITEMS, every protocol), after the container is
        # memoised, so a key or value whose state leads back to it loads.
        return (type(self), (), self.__getstate__(), None,
                iter(list(self.items())))


@subscriptable
class WeakValueDictionary(WeakValueDictionaryBase, _WeakMapping):
    """A mapping whose values are held through weak references: an entry
    leaves the mapping when its value is no longer referenced elsewhere."""

    __module__ = "backports.weakref"

    def __init__(*args, **kwargs):
        self, other = split_self_and_one("WeakValueDictionary.__init__",
                                         args, kwargs, default=())
        self._init_entries()
        self.update(other, **kwargs)

    _values_are_weak = True

    def itervaluerefs(self):
        """Iterate over the weak references to the values, as they were when
        iteration began. A reference may be dead by the time it is used:
        check what calling it returns."""
        for wr in list(_values(self.data)):
            yield wr

    def update(*args, **kwargs):
        self, other = split_self_and_one("WeakValueDictionary.update",
                                         args, kwargs)
        self._store_pairs(other)
        if kwargs:
            self._store_pairs(kwargs)

    def valuerefs(self):
        """A list of the weak references to the values. A reference may be
        dead by the time it is used: check what calling it returns."""
        return list(_values(self.data))

    def _purge(self):
        data = self.data
        for key, wr in list(_items(data)):
            if wr() is None:
                remove_dead_weakref(data, key)


@subscriptable
class WeakKeyDictionary(WeakKeyDictionaryBase, _WeakMapping):
    """A mapping whose keys are held through weak references: an entry
    leaves the mapping when its key is no longer referenced elsewhere."""

    __module__ = "backports.weakref"

    def __init__(*args, **kwargs):
        self, other = split_self_and_one("WeakKeyDictionary.__init__",
                                         args, kwargs, "dict")
        self._init_entries()
        if other is not None:
            self.update(other)

    _values_are_weak = False

    def keyrefs(self):
        """A list of the weak references to the keys. A reference may be
        dead by the time it is used: check what calling it returns."""
        return list(self.data)

    def update(*args, **kwargs):
        self, other = split_self_and_one("WeakKeyDictionary.update",
                                         args, kwargs)
        if kwargs:
            raise TypeError(_KEYWORDS_REFUSED)
        self._store_pairs(other)

    def _purge(self):
        data = self.data
        for wr in list(data):
            if wr() is None:
                try:
                    del data[wr]
                except KeyError:
                    pass


WeakValueDictionary._plain = WeakValueDictionary
WeakKeyDictionary._plain = WeakKeyDictionary

if _compat.PY2:
    from ._compat.py2 import give_mapping_methods, iterkeyrefs
    give_mapping_methods(WeakValueDictionary)
    give_mapping_methods(WeakKeyDictionary)
    WeakKeyDictionary.iterkeyrefs = iterkeyrefs

if _compat.DICT_POP_CAN_RACE:
    from ._compat.jython import under_pop_lock
    # Stores hold the lock the reaper's removals hold (see POP_LOCK).
    for _name in ("__setitem__", "setdefault", "update"):
        setattr(WeakValueDictionary, _name, under_pop_lock(
            _compat.defined_attribute(WeakValueDictionary, _name)))
    del _name
    from ._compat.jython import pop_weak_key
    WeakKeyDictionary.pop = pop_weak_key

if _compat.CALLBACKS_ARE_DEFERRED:
    from ._compat.jython import purge_first
    purge_first(WeakValueDictionary, ["__len__"])
    purge_first(WeakKeyDictionary, ["__len__"])

"""``WeakValueDictionary`` and ``WeakKeyDictionary`` as the newest CPython
has them.

Both keep their entries in a plain dict (``data``) and let the native
``ref`` callbacks remove dead ones; they iterate a snapshot, as from 3.14
(gh-89967, gh-123089). Their hot paths (lookup, store, removal, iteration,
the loops of ``copy()`` and ``update()``) are in the base classes that
``_core`` chose: the compiled core or its pure-Python twin (``_pure``, which
says how they work). What is here is the same for both: construction and
argument errors, ``repr``, ``copy()``'s class, ``deepcopy``, ``|``, the
reference views, and the shapes Python 2 and Jython need.
"""
from __future__ import absolute_import

from . import _compat
from ._arguments import split_self_and_one
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


# -- what both weak dicts share, bound into each class body below -----------

def _repr(self):
    return "<%s at 0x%x>" % (type(self).__name__, id(self))


def _copied(self, cls):
    """*self*'s live entries in a new *cls*: the stdlib's class, whatever
    the class of self (as CPython's copy())."""
    duplicate = cls()
    self._copy_into(duplicate)
    return duplicate


def _deep_copied(self, memo, deep_keys):
    """``__deepcopy__``: a new container of self's class holding the live
    entries, their keys (weak dicts by value) or their values (by key)
    copied deeply; the weakly held side stays the same object, which a
    copy would leave with no other reference."""
    from copy import deepcopy
    result = self.__class__()
    for stored_key, stored_value in _items(self.data.copy()):
        alive = (stored_value if deep_keys else stored_key)()
        if alive is None:
            continue   # dead: nothing of the entry is copied
        if deep_keys:
            result[deepcopy(stored_key, memo)] = alive
        else:
            result[alive] = deepcopy(stored_value, memo)
    return result


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


def _reduce_ex(self, protocol):
    # A weak dict pickles no more than the stdlib's does (its callback is a
    # local function), with one error whichever core is active: the
    # compiled core's callback is no function, and would fail otherwise.
    raise TypeError("cannot pickle %r object" % type(self).__name__)


def _update_arguments(qualname, args, kwargs):
    """(self, other) for ``update(self, other=None, /, **kwargs)``."""
    if len(args) == 2:
        return args
    return split_self_and_one(qualname, args, kwargs)


@subscriptable
class WeakValueDictionary(WeakValueDictionaryBase, _MutableMapping):
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
        self._init_entries()
        self.update(other, **kwargs)

    __repr__ = _repr

    def copy(self):
        return _copied(self, WeakValueDictionary)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return _deep_copied(self, memo, deep_keys=True)

    def itervaluerefs(self):
        """Iterate over the weak references to the values, as they were when
        iteration began. A reference may be dead by the time it is used:
        check what calling it returns."""
        for wr in list(_values(self.data)):
            yield wr

    def popitem(self):
        while True:
            key, value_ref = self.data.popitem()
            value = value_ref()
            if value is not None:
                return key, value

    def update(*args, **kwargs):
        self, other = _update_arguments("WeakValueDictionary.update", args,
                                        kwargs)
        self._store_pairs(other)
        if kwargs:
            self._store_pairs(kwargs)

    def valuerefs(self):
        """A list of the weak references to the values. A reference may be
        dead by the time it is used: check what calling it returns."""
        return list(_values(self.data))

    __ior__ = _ior
    __or__ = _or
    __ror__ = _ror
    __reduce_ex__ = _reduce_ex

    def _purge(self):
        data = self.data
        for key, wr in list(_items(data)):
            if wr() is None:
                remove_dead_weakref(data, key)


@subscriptable
class WeakKeyDictionary(WeakKeyDictionaryBase, _MutableMapping):
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
        self._init_entries()
        if other is not None:
            self.update(other)

    __repr__ = _repr

    def copy(self):
        return _copied(self, WeakKeyDictionary)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return _deep_copied(self, memo, deep_keys=False)

    def keyrefs(self):
        """A list of the weak references to the keys. A reference may be
        dead by the time it is used: check what calling it returns."""
        return list(self.data)

    def popitem(self):
        while True:
            key_ref, value = self.data.popitem()
            key = key_ref()
            if key is not None:
                return key, value

    def update(*args, **kwargs):
        self, other = _update_arguments("WeakKeyDictionary.update", args,
                                        kwargs)
        if kwargs:
            raise TypeError(_KEYWORDS_REFUSED)
        self._store_pairs(other)

    __ior__ = _ior
    __or__ = _or
    __ror__ = _ror
    __reduce_ex__ = _reduce_ex

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
        setattr(WeakValueDictionary, _name, under_pop_lock(
            _compat.defined_attribute(WeakValueDictionary, _name)))
    del _name

if _compat.CALLBACKS_ARE_DEFERRED:
    from ._compat.jython import purge_first
    purge_first(WeakValueDictionary, ["__len__"])
    purge_first(WeakKeyDictionary, ["__len__"])

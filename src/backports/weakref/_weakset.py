"""``WeakSet`` as CPython 3.14 has it, and what the weak dicts share with it.

3.14 iterates a snapshot of the underlying set (gh-89967, gh-123089), so
adding, discarding or losing members while a loop runs never raises and
never skips a member that stays alive. Unlike 3.14, ``copy.copy()`` and
``copy.deepcopy()`` give a set of their own (gh-74876): the underlying set
and its removal callback are not part of the copied state.
"""
from __future__ import absolute_import

import weakref as _stdlib

from . import _compat
from ._arguments import (missing_positional, multiple_values,
                         too_many_positional, unexpected_keyword)

# The ABCs' own modules, which `weakref` has already loaded: importing
# `collections` would add about 1 ms to our import time.
if _compat.PY2:
    from _abcoll import MutableSet as _MutableSet
else:
    from _collections_abc import MutableSet as _MutableSet

if _compat.HAS_GENERIC_ALIAS:
    from types import GenericAlias as _NativeGenericAlias

ref = _stdlib.ref
_MISSING = object()


class _KeyRef(object):
    """A weak reference that a dict or set compares by its referent.

    Jython's own refs compare by identity inside a dict or set, so there
    weak keys and members are these: called, hashed, compared and shown
    as a ref would be.
    """

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
        if not isinstance(other, _KeyRef):
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


# What weak keys and members are made of.
key_ref = _KeyRef if _compat.REFS_ARE_IDENTITY_KEYS else ref


# -- helpers the weak dicts share ---------------------------------------------

def split_self_and_one(qualname, args, kwargs, name=None, default=None):
    """(self, value) from ``f(*args, **kwargs)`` for an ``f(self, x=default)``.

    *name* is the keyword that may also pass x, None when x is
    positional-only (*kwargs* are then the caller's business). Callers take
    the common shapes themselves and come here for the rest, which raises
    the errors that 3.14's parser words.
    """
    if not args:
        raise missing_positional(qualname, ["self"])
    if len(args) > 2:
        raise too_many_positional(qualname, 1, 2, len(args))
    value = args[1] if len(args) == 2 else _MISSING
    if name is not None:
        for key in kwargs:
            if key != name:
                raise unexpected_keyword(qualname, key)
            if value is not _MISSING:
                raise multiple_values(qualname, key)
            value = kwargs[key]
    return args[0], default if value is _MISSING else value


class _GenericAlias(object):
    """What ``types.GenericAlias`` gives on 3.9+, for older interpreters:
    ``WeakSet[T]`` records its origin and arguments, and calling it makes an
    instance of the origin."""

    def __init__(self, origin, args):
        if not isinstance(args, tuple):
            args = (args,)
        self.__origin__ = origin
        self.__args__ = args
        self.__parameters__ = ()

    def __call__(self, *args, **kwargs):
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except (AttributeError, TypeError):  # as GenericAlias: best effort
            pass
        return result

    def __mro_entries__(self, bases):
        return (self.__origin__,)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self.__origin__, name)

    def __eq__(self, other):
        if not isinstance(other, _GenericAlias):
            return NotImplemented
        return (self.__origin__ is other.__origin__
                and self.__args__ == other.__args__)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        return hash(self.__origin__) ^ hash(self.__args__)

    def __instancecheck__(self, obj):
        raise TypeError("isinstance() argument 2 cannot be a "
                        "parameterized generic")

    def __subclasscheck__(self, cls):
        raise TypeError("issubclass() argument 2 cannot be a "
                        "parameterized generic")

    def __reduce__(self):
        import operator
        return operator.getitem, (self.__origin__, self.__args__)

    def __repr__(self):
        if not self.__args__:
            return "%s[()]" % _type_repr(self.__origin__)
        return "%s[%s]" % (_type_repr(self.__origin__),
                           ", ".join(_type_repr(arg) for arg in self.__args__))


def _type_repr(obj):
    if obj is Ellipsis:
        return "..."
    if isinstance(obj, type):
        name = getattr(obj, "__qualname__", obj.__name__)
        if obj.__module__ in ("builtins", "__builtin__"):
            return name
        return "%s.%s" % (obj.__module__, name)
    return repr(obj)


def subscriptable(cls):
    """Class decorator: ``cls[T]`` gives a generic alias, as 3.14's does."""
    if _compat.HAS_GENERIC_ALIAS:
        cls.__class_getitem__ = classmethod(_NativeGenericAlias)
        return cls
    if _compat.HAS_CLASS_GETITEM:
        cls.__class_getitem__ = classmethod(_GenericAlias)
        return cls

    # Before PEP 560 only a metaclass can make a class subscriptable.
    def __getitem__(cls, params):
        return _GenericAlias(cls, params)

    meta = type(cls)
    subscriptable_meta = meta("Subscriptable" + meta.__name__, (meta,),
                              {"__getitem__": __getitem__})
    body = dict(cls.__dict__)
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    return subscriptable_meta(cls.__name__, cls.__bases__, body)


def purge_first(cls, names):
    """Make each method *names* of *cls* drop dead entries before it runs.

    Only where callbacks are deferred (Jython): there a dead entry outlives
    the collection that killed its referent until the reaper thread runs.
    """
    def wrap(method):
        def purged(self, *args):
            self._purge()
            return method(self, *args)
        purged.__name__ = method.__name__
        purged.__doc__ = method.__doc__
        return purged

    for name in names:
        setattr(cls, name, wrap(cls.__dict__[name]))


# -- WeakSet ------------------------------------------------------------------

def _slot_names(cls):
    """Names of the __slots__ of *cls* and its bases, mangled as stored."""
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = "_%s%s" % (klass.__name__.lstrip("_"), name)
            names.append(name)
    return names


def _set_state(obj, state):
    """Give *obj* the *state* that ``__getstate__`` returned, as copy does."""
    setstate = getattr(obj, "__setstate__", None)
    if setstate is not None:
        setstate(state)
        return
    slot_state = None
    if isinstance(state, tuple) and len(state) == 2:
        state, slot_state = state
    if state:
        obj.__dict__.update(state)
    if slot_state:
        for name, value in slot_state.items():
            setattr(obj, name, value)


@subscriptable
class WeakSet(object):
    """A set that holds its members through weak references: a member
    leaves the set when it is no longer referenced elsewhere."""

    __module__ = "backports.weakref"

    def __init__(*args, **kwargs):
        if kwargs or not 0 < len(args) < 3:
            self, data = split_self_and_one("WeakSet.__init__", args, kwargs,
                                            "data")
        else:
            self = args[0]
            data = args[1] if len(args) == 2 else None
        self.data = set()

        def _remove(item, selfref=ref(self)):
            self = selfref()
            if self is not None:
                self.data.discard(item)

        self._remove = _remove
        if data is not None:
            self.update(data)

    def __iter__(self):
        # The snapshot is a list: as fast to make as a set copy, and faster
        # to iterate (no hash table to walk).
        for itemref in list(self.data):
            item = itemref()
            if item is not None:
                # Until resumed or closed, the generator holds `item`.
                yield item

    def __len__(self):
        return len(self.data)

    def __contains__(self, item):
        try:
            wr = key_ref(item)
        except TypeError:
            return False
        return wr in self.data

    def __getstate__(self):
        # 3.14 also copies `data` and `_remove`, so a copy shares the
        # original's underlying set (gh-74876): they are left out here.
        state = dict(self.__dict__)
        state.pop("data", None)
        state.pop("_remove", None)
        slots = {}
        for name in _slot_names(type(self)):
            try:
                slots[name] = getattr(self, name)
            except AttributeError:
                pass
        if slots:
            return state or None, slots
        return state or None

    def __reduce__(self):
        return self.__class__, (list(self),), self.__getstate__()

    def __deepcopy__(self, memo):
        # The members stay the same objects (a deep copy of them would have
        # no other reference and die at once); the rest of the state is
        # copied deeply, as for any object.
        from copy import deepcopy
        new = self.__class__(self)
        memo[id(self)] = new
        state = self.__getstate__()
        if state is not None:
            _set_state(new, deepcopy(state, memo))
        return new

    def add(self, item):
        self.data.add(key_ref(item, self._remove))

    def clear(self):
        self.data.clear()

    def copy(self):
        if type(self) is not WeakSet:
            # As 3.14: a subclass's constructor makes its copies.
            return self.__class__(self)
        # The same copy made from the references themselves: no generator
        # step and no method call per member.
        new = WeakSet()
        add, remove = new.data.add, new._remove
        for itemref in list(self.data):
            item = itemref()
            if item is not None:
                add(key_ref(item, remove))
        return new

    def pop(self):
        while True:
            try:
                itemref = self.data.pop()
            except KeyError:
                # As 3.14's `raise ... from None`: the set's own KeyError
                # stays the context, but hidden.
                error = KeyError("pop from empty WeakSet")
                error.__cause__ = None
                error.__suppress_context__ = True
                raise error
            item = itemref()
            if item is not None:
                return item

    def remove(self, item):
        self.data.remove(key_ref(item))

    def discard(self, item):
        self.data.discard(key_ref(item))

    def update(self, other):
        if type(self).add != WeakSet.add:
            # As 3.14: a subclass's add() sees every element.
            for element in other:
                self.add(element)
            return
        # Otherwise add()'s one line inlined: copy(), union() and the
        # constructor make no method call per member.
        add, remove = self.data.add, self._remove
        for element in other:
            add(key_ref(element, remove))

    def __ior__(self, other):
        self.update(other)
        return self

    def difference(self, other):
        newset = self.copy()
        newset.difference_update(other)
        return newset
    __sub__ = difference

    def difference_update(self, other):
        self.__isub__(other)

    def __isub__(self, other):
        if self is other:
            self.data.clear()
        else:
            self.data.difference_update(key_ref(item) for item in other)
        return self

    def intersection(self, other):
        return self.__class__(item for item in other if item in self)
    __and__ = intersection

    def intersection_update(self, other):
        self.__iand__(other)

    def __iand__(self, other):
        self.data.intersection_update(key_ref(item) for item in other)
        return self

    def issubset(self, other):
        return self.data.issubset(key_ref(item) for item in other)
    __le__ = issubset

    def __lt__(self, other):
        return self.data < set(map(key_ref, other))

    def issuperset(self, other):
        return self.data.issuperset(key_ref(item) for item in other)
    __ge__ = issuperset

    def __gt__(self, other):
        return self.data > set(map(key_ref, other))

    def __eq__(self, other):
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.data == set(map(key_ref, other))

    if _compat.PY2:
        def __ne__(self, other):
            equal = self.__eq__(other)
            return equal if equal is NotImplemented else not equal

    __hash__ = None

    def symmetric_difference(self, other):
        newset = self.copy()
        newset.symmetric_difference_update(other)
        return newset
    __xor__ = symmetric_difference

    def symmetric_difference_update(self, other):
        self.__ixor__(other)

    def __ixor__(self, other):
        if self is other:
            self.data.clear()
        else:
            self.data.symmetric_difference_update(
                key_ref(item, self._remove) for item in other)
        return self

    def union(self, other):
        return self.__class__(e for s in (self, other) for e in s)
    __or__ = union

    def isdisjoint(self, other):
        return len(self.intersection(other)) == 0

    if _compat.PY2:
        def __repr__(self):
            # 3.x's set repr, which 3.14 shows: {...}, or set() when empty.
            if not self.data:
                return "set()"
            return "{%s}" % ", ".join(repr(wr) for wr in self.data)
    else:
        def __repr__(self):
            return repr(self.data)

    def _purge(self):
        for wr in list(self.data):
            if wr() is None:
                self.data.discard(wr)


if _compat.CALLBACKS_ARE_DEFERRED:
    purge_first(WeakSet, ["__len__", "__repr__", "__eq__", "__lt__",
                          "__gt__", "issubset", "issuperset"])
    WeakSet.__le__ = WeakSet.__dict__["issubset"]
    WeakSet.__ge__ = WeakSet.__dict__["issuperset"]

_MutableSet.register(WeakSet)

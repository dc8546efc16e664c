"""``WeakSet`` as the newest CPython has it, copies made right.

As from 3.14, it iterates a snapshot of the underlying set (gh-89967,
gh-123089), so adding, discarding or losing members while a loop runs never
raises and never skips a member that stays alive. Unlike CPython's,
``copy.copy()`` and ``copy.deepcopy()`` give a set of their own (gh-74876,
still open upstream): the underlying set and its removal callback are not
part of the copied state; and a WeakSet pickles, as its members.

The hot paths (``add``, ``in``, ``len``, ``discard``, iteration, the loops
of ``copy()`` and ``update()``) are in the base class that ``_core`` chose:
the compiled core or its pure-Python twin (``_pure``); the set algebra,
comparisons, copying and pickling here are the same for both.
"""
from __future__ import absolute_import

from itertools import chain

from . import _compat
from ._arguments import split_self_and_one
from ._compat.abcs import MutableSet as _MutableSet
from ._compat.generics import subscriptable
from ._copying import apply_state, state_without_entries
from ._core import WeakSetBase
from ._entries import key_ref


@subscriptable
class WeakSet(WeakSetBase):
    """A set that holds its members through weak references: a member
    leaves the set when it is no longer referenced elsewhere."""

    __module__ = "backports.weakref"

    def __init__(*args, **kwargs):
        self, data = split_self_and_one("WeakSet.__init__", args, kwargs,
                                        "data")
        self._init_entries()
        if data is not None:
            self.update(data)

    __getstate__ = state_without_entries

    def __reduce__(self):
        # The members travel in the state, which pickle applies once the
        # empty set is memoised and the members are whole: a member whose
        # own state leads back to the set then loads once, and is hashable
        # when added. (A WeakSet has no method that pickle's item opcodes
        # could call, and as constructor arguments a member would be added
        # before its state is set.)
        return type(self), (), (self.__getstate__(), list(self))

    def __setstate__(self, state):
        """Take what ``__reduce__`` put in a pickle: ``(the instance's own
        state, the members)``."""
        own_state, members = state
        apply_state(self, own_state)
        self.update(members)

    def __deepcopy__(self, memo):
        # The members stay the same objects (a deep copy of them would have
        # no other reference and die at once); the rest of the state is
        # copied deeply, as for any object.
        from copy import deepcopy
        duplicate = type(self)(self)
        memo[id(self)] = duplicate
        duplicate.__setstate__((deepcopy(self.__getstate__(), memo), ()))
        return duplicate

    def clear(self):
        self.data.clear()

    def copy(self):
        if type(self) is not WeakSet:
            # As CPython: a subclass's constructor makes its copies.
            return type(self)(self)
        duplicate = WeakSet()
        self._copy_into(duplicate)
        return duplicate

    def pop(self):
        while True:
            try:
                member_ref = self.data.pop()
            except KeyError:
                # As CPython's `raise ... from None`: the set's own KeyError
                # stays the context, but hidden.
                error = KeyError("pop from empty WeakSet")
                error.__cause__ = None
                error.__suppress_context__ = True
                raise error
            member = member_ref()
            if member is not None:
                return member

    def __ior__(self, other):
        self.update(other)
        return self

    def _updated_copy(self, update, other):
        # A copy changed by its own (maybe overridden) update method.
        result = self.copy()
        getattr(result, update)(other)
        return result

    def _update_data(self, other, update, make_ref):
        # s -= s and s ^= s empty the set: cleared, never iterated while
        # they change it.
        if self is other:
            self.data.clear()
        else:
            getattr(self.data, update)(make_ref(item) for item in other)
        return self

    def difference(self, other):
        return self._updated_copy("difference_update", other)
    __sub__ = difference

    def __isub__(self, other):
        return self._update_data(other, "difference_update", key_ref)

    def difference_update(self, other):
        self.__isub__(other)

    def intersection(self, other):
        return type(self)(member for member in other if member in self)
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
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.data == set(map(key_ref, other))

    __hash__ = None

    def symmetric_difference(self, other):
        return self._updated_copy("symmetric_difference_update", other)
    __xor__ = symmetric_difference

    def symmetric_difference_update(self, other):
        self.__ixor__(other)

    def __ixor__(self, other):
        # What it adds stays a member: its references call back.
        return self._update_data(other, "symmetric_difference_update",
                                 lambda item: key_ref(item, self._remove))

    def union(self, other):
        # Built by the class from one lazy iterable, as CPython's is.
        return type(self)(chain(self, other))
    __or__ = union

    def isdisjoint(self, other):
        return not self.intersection(other)

    def __repr__(self):
        return repr(self.data)

    def _purge(self):
        for member_ref in list(self.data):
            if member_ref() is None:
                self.data.discard(member_ref)


if _compat.PY2:
    from ._compat.py2 import ne_from_eq, set_repr

    def __repr__(self):
        # Python 3's set repr, which the newest CPython shows.
        return set_repr(self.data)

    WeakSet.__ne__ = ne_from_eq
    WeakSet.__repr__ = __repr__
    del __repr__

if _compat.CALLBACKS_ARE_DEFERRED:
    from ._compat.jython import purge_first
    purge_first(WeakSet, ["__len__", "__repr__", "__eq__", "__lt__",
                          "__gt__", "issubset", "issuperset"])
    WeakSet.__le__ = WeakSet.__dict__["issubset"]
    WeakSet.__ge__ = WeakSet.__dict__["issuperset"]

_MutableSet.register(WeakSet)

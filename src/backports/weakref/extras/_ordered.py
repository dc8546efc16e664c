"""Weak collections that keep an order: ``OrderedWeakSet`` and ``WeakList``."""
from __future__ import absolute_import

import itertools
import threading
import weakref as _stdlib
from operator import itemgetter

from .. import _compat
from .._compat.abcs import MutableSequence, MutableSet
from .._entries import key_ref, live_referents, pop_if_present
from ._common import SameMembersCopy

ref = _stdlib.ref


# Callbacks come from these factories rather than from closures in
# __init__, which on Jython would keep __init__'s frame (and the initial
# members) alive. Defaults bind what a callback running at interpreter
# shutdown needs (bpo-29519).

def _member_remover(set_ref, _pop_if_present=pop_if_present):
    def remove(member_ref):
        ordered_set = set_ref()
        if ordered_set is not None:
            # A dead reference equals only itself: a newer member that
            # compares equal keeps its own entry.
            _pop_if_present(ordered_set._data, member_ref)
    return remove


def _death_marker(list_ref):
    def mark_dead(_):
        weak_list = list_ref()
        if weak_list is not None:
            weak_list._has_dead = True
    return mark_dead


class OrderedWeakSet(SameMembersCopy, MutableSet):
    """A ``WeakSet`` that remembers the order in which members were first
    added. Members are told apart by ``hash`` and ``==``, as in a set;
    adding one again keeps its place. Iteration works on a snapshot."""

    def __init__(self, members=None):
        # Member reference -> serial number. Where dicts keep insertion
        # order the serial is unused; elsewhere (Python 2) it is the order.
        self._data = {}
        self._serials = itertools.count()
        self._remove = _member_remover(ref(self))
        if members is not None:
            self.update(members)

    @classmethod
    def _from_iterable(cls, members):
        return cls(members)

    def _member_refs(self):
        """The member references, oldest first, as they are now."""
        if _compat.DICTS_KEEP_INSERTION_ORDER:
            return list(self._data)
        numbered = sorted(self._data.items(), key=itemgetter(1))
        return [member_ref for member_ref, _ in numbered]

    def __iter__(self):
        return live_referents(self._member_refs)

    def __reversed__(self):
        return live_referents(lambda: reversed(self._member_refs()))

    def __len__(self):
        return len(self._data)

    def __contains__(self, member):
        try:
            return key_ref(member) in self._data
        except TypeError:   # cannot be weakly referenced: not a member
            return False

    def add(self, member):
        # setdefault is one atomic step: a member added twice keeps its
        # first place even when two threads race.
        self._data.setdefault(key_ref(member, self._remove),
                              next(self._serials))

    def discard(self, member):
        try:
            pop_if_present(self._data, key_ref(member))
        except TypeError:
            pass

    def update(self, members):
        for member in members:
            self.add(member)

    def pop(self, last=True):
        """Remove and return the newest member (the oldest when *last* is
        false), as ``OrderedDict.popitem`` does."""
        member_refs = self._member_refs()
        if not last:
            member_refs.reverse()
        while member_refs:
            member = member_refs.pop()()
            if member is not None:
                self.discard(member)
                return member
        raise KeyError("pop from an empty OrderedWeakSet")

    def clear(self):
        self._data.clear()

    def _purge(self):
        for member_ref in list(self._data):
            if member_ref() is None:
                pop_if_present(self._data, member_ref)

    __hash__ = None


class WeakList(SameMembersCopy, MutableSequence):
    """A list that holds its items through weak references: an item that
    dies leaves every position it held, and the items after it move up.

    Indexes count the items alive when an operation starts. Slicing, ``+``
    and ``*`` give ``WeakList`` objects; ``==`` compares the live items with
    another ``WeakList`` or a ``list``. Iteration works on a snapshot.
    Every operation is safe from several threads.
    """

    def __init__(self, items=()):
        self._refs = []
        # Callbacks only raise this flag: the list itself changes only
        # under the lock, in operations, so an index computed after a purge
        # stays valid however many items die meanwhile.
        self._has_dead = False
        self._lock = threading.RLock()
        self._mark_dead = _death_marker(ref(self))
        self.extend(items)

    def _ref(self, item):
        return ref(item, self._mark_dead)

    def _purge(self):
        """Drop dead references; call with the lock held."""
        if self._has_dead or _compat.CALLBACKS_ARE_DEFERRED:
            # Lowered first: an item dying during the purge raises it again.
            self._has_dead = False
            self._refs[:] = [item_ref for item_ref in self._refs
                             if item_ref() is not None]

    def _items(self):
        """The live items, as a list of strong references."""
        items = []
        for item_ref in list(self._refs):
            item = item_ref()
            if item is not None:
                items.append(item)
        return items

    def __len__(self):
        with self._lock:
            self._purge()
            return len(self._refs)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.__class__(self._items()[index])
        if not self._has_dead and not _compat.CALLBACKS_ARE_DEFERRED:
            # Nothing to purge: no lock needed to read one reference.
            item = self._refs[index]()
            if item is not None:
                return item
        with self._lock:
            while True:
                self._purge()
                item = self._refs[index]()
                if item is not None:
                    return item
                self._has_dead = True   # died just now: look again

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            new_refs = [self._ref(item) for item in value]
        else:
            new_refs = self._ref(value)
        with self._lock:
            self._purge()
            self._refs[index] = new_refs

    def __delitem__(self, index):
        with self._lock:
            self._purge()
            del self._refs[index]

    def insert(self, index, item):
        item_ref = self._ref(item)
        with self._lock:
            self._purge()
            self._refs.insert(index, item_ref)

    def append(self, item):
        item_ref = self._ref(item)
        with self._lock:
            self._refs.append(item_ref)

    def extend(self, items):
        if items is self:
            items = self._items()
        new_refs = [self._ref(item) for item in items]
        with self._lock:
            self._refs.extend(new_refs)

    def __iter__(self):
        return live_referents(lambda: list(self._refs))

    def __reversed__(self):
        return live_referents(lambda: reversed(list(self._refs)))

    def __contains__(self, item):
        return item in self._items()

    def index(self, item, *start_stop):
        return self._items().index(item, *start_stop)

    def count(self, item):
        return self._items().count(item)

    def remove(self, item):
        with self._lock:
            self._purge()
            for position, item_ref in enumerate(self._refs):
                candidate = item_ref()
                if candidate is item or (candidate is not None and
                                         candidate == item):
                    del self._refs[position]
                    return
        raise ValueError("WeakList.remove(x): x not in list")

    def pop(self, index=-1):
        with self._lock:
            while True:
                self._purge()
                if not self._refs:
                    raise IndexError("pop from empty list")
                item = self._refs.pop(index)()
                if item is not None:
                    return item

    def clear(self):
        with self._lock:
            del self._refs[:]

    def reverse(self):
        with self._lock:
            self._purge()
            self._refs.reverse()

    def sort(self, key=None, reverse=False):
        """Sort the live items in place, stably, as ``list.sort`` does."""
        with self._lock:
            # Strong references while the key and comparisons run.
            pairs = [(item_ref(), item_ref) for item_ref in self._refs]
            pairs = [pair for pair in pairs if pair[0] is not None]
            if key is None:
                order = itemgetter(0)
            else:
                def order(pair):
                    return key(pair[0])
            pairs.sort(key=order, reverse=reverse)
            self._refs[:] = [item_ref for _, item_ref in pairs]

    def __eq__(self, other):
        if isinstance(other, WeakList):
            return self._items() == other._items()
        if isinstance(other, list):
            return self._items() == other
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None

    def __add__(self, other):
        if not isinstance(other, (WeakList, list)):
            return NotImplemented
        return self.__class__(self._items() + list(other))

    def __radd__(self, other):
        if not isinstance(other, list):
            return NotImplemented
        return self.__class__(other + self._items())

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __mul__(self, times):
        return self.__class__(self._items() * times)

    __rmul__ = __mul__

    def __imul__(self, times):
        with self._lock:
            self._purge()
            self._refs *= times
        return self


if _compat.CALLBACKS_ARE_DEFERRED:
    from .._compat.jython import purge_first
    purge_first(OrderedWeakSet, ["__len__"])

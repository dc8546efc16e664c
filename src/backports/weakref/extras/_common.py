"""What several extras share: dict removals that callbacks may race, and
how weak collections copy and show themselves."""
from __future__ import absolute_import

import threading

from .. import _compat

if _compat.DICT_POP_CAN_RACE:
    _POP_LOCK = threading.Lock()

    def pop_if_present(data, key):
        """``data.pop(key, None)``, safe when another thread pops too."""
        with _POP_LOCK:
            return data.pop(key, None)
else:
    def pop_if_present(data, key):
        """``data.pop(key, None)``, safe when another thread pops too."""
        return data.pop(key, None)

if _compat.HAS_DELITEM_IF_VALUE_IS:
    from __pypy__ import delitem_if_value_is as delete_if_same
else:
    def delete_if_same(data, key, expected):
        """Delete ``data[key]`` if it is *expected*.

        No atomic compare-and-delete here: pop, then put back whatever
        another thread stored under the key in the meantime.
        """
        found = pop_if_present(data, key)
        if found is not None and found is not expected:
            data.setdefault(key, found)

if _compat.HAS_REMOVE_DEAD_WEAKREF:
    from _weakref import _remove_dead_weakref as remove_dead_weakref
else:
    def remove_dead_weakref(data, key):
        """Delete ``data[key]`` if it holds a dead reference."""
        found = data.get(key)
        if found is not None and found() is None:
            delete_if_same(data, key, found)


class SameMembersCopy(object):
    """``copy``, ``copy.copy``, ``copy.deepcopy`` and ``repr`` for a weak
    collection built from an iterable of its members.

    A deep copy holds the same members, as ``WeakSet``'s does: a copy of a
    member would have no other reference and die at once.
    """

    __slots__ = ()

    def copy(self):
        return self.__class__(self)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __repr__(self):
        return "%s([%s])" % (type(self).__name__,
                             ", ".join(repr(member) for member in self))

"""What several extras share: how weak collections copy and show
themselves. (How their entries are made and dropped is the mirror's own:
``backports.weakref._entries``.)"""
from __future__ import absolute_import


class SameMembersCopy(object):
    """``copy``, ``copy.copy``, ``copy.deepcopy`` and ``repr`` for a weak
    collection built from an iterable of its members.

    A deep copy holds the same members, as ``WeakSet``'s does: a copy of a
    member would have no other reference and die at once.
    """

    __slots__ = ()

    def copy(self):
        return type(self)(self)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __repr__(self):
        return "%s([%s])" % (type(self).__name__,
                             ", ".join(repr(member) for member in self))

"""Weak dicts that make missing values with a factory, as ``defaultdict``
does: the ``__missing__`` hook that the stdlib's weak dicts never call
(gh-75437)."""
from __future__ import absolute_import

from .. import WeakKeyDictionary, WeakValueDictionary


def _take_factory(qualname, default_factory):
    if default_factory is not None and not callable(default_factory):
        raise TypeError("%s: first argument must be callable or None"
                        % qualname)
    return default_factory


class _DefaultFactory(object):
    """What both dicts add: ``default_factory`` and ``__missing__``.

    Mixed in before the weak dict, whose ``__getitem__`` raises KeyError
    for a missing key; ``get``, ``in`` and ``setdefault`` never call the
    factory, as with ``defaultdict``.
    """

    default_factory = None

    def __getitem__(self, key):
        try:
            return super(_DefaultFactory, self).__getitem__(key)
        except KeyError:
            pass
        # Outside the except block: the factory's errors are not chained.
        return self.__missing__(key)

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        self[key] = value
        return value

    def copy(self):
        new = self.__class__(self.default_factory)
        new.update(super(_DefaultFactory, self).copy())
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        new = super(_DefaultFactory, self).__deepcopy__(memo)
        new.default_factory = self.default_factory
        return new

    def __repr__(self):
        return "<%s at %#x; default_factory=%r>" % (
            type(self).__name__, id(self), self.default_factory)


class WeakKeyDefaultDictionary(_DefaultFactory, WeakKeyDictionary):
    """``WeakKeyDictionary(other)`` whose missing keys get
    ``default_factory()`` on ``d[key]``."""

    def __init__(self, default_factory=None, *args, **kwargs):
        self.default_factory = _take_factory("WeakKeyDefaultDictionary",
                                             default_factory)
        WeakKeyDictionary.__init__(self, *args, **kwargs)


class WeakValueDefaultDictionary(_DefaultFactory, WeakValueDictionary):
    """``WeakValueDictionary(other)`` whose missing keys get
    ``default_factory()`` on ``d[key]``. The dict holds the new value only
    weakly: it stays while the caller keeps what ``d[key]`` returned."""

    def __init__(self, default_factory=None, *args, **kwargs):
        self.default_factory = _take_factory("WeakValueDefaultDictionary",
                                             default_factory)
        WeakValueDictionary.__init__(self, *args, **kwargs)

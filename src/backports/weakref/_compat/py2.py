"""What Python 2 (CPython 2.7 and Jython) needs beyond the flags: imported
only where ``PY2`` says so.

A Python 2 dict-like answers ``keys()``, ``values()`` and ``items()`` with
lists, has ``iter*()`` and ``has_key()``, and compares with ``cmp()`` as a
dict does; and ``!=`` is not derived from ``==``.
"""
from __future__ import absolute_import

import types

from . import defined_attribute
from .abcs import Mapping


def give_mapping_methods(cls):
    """Give *cls*, whose ``items()``, ``keys()`` and ``values()`` are
    iterators in Python 3's way, Python 2's dict methods around them."""
    for name in ("items", "keys", "values"):
        iterate = defined_attribute(cls, name)
        setattr(cls, "iter" + name, iterate)
        setattr(cls, name, _listing(iterate))
    cls.has_key = _has_key
    cls.__cmp__ = _cmp
    return cls


def _listing(iterate):
    def listed(self):
        return list(iterate(self))
    listed.__name__ = iterate.__name__
    return listed


def _has_key(self, key):
    return key in self


def _cmp(self, other):
    # As cmp() of two dicts (the shorter is smaller, then the smallest
    # differing key decides), over the entries alive now.
    if isinstance(other, Mapping):
        other = dict(other.iteritems() if hasattr(other, "iteritems")
                     else other.items())
    return cmp(dict(self.iteritems()), other)  # noqa: F821 (Python 2)


def iterkeyrefs(self):
    """Iterate over the weak references to the keys, as they were when
    iteration began; any may be dead by the time it is used."""
    for key_ref in list(self.data):
        yield key_ref


def ne_from_eq(self, other):
    """``__ne__`` as the negation of ``__eq__``, which Python 3 derives."""
    equal = self.__eq__(other)
    return equal if equal is NotImplemented else not equal


def set_repr(data):
    """Python 3's repr of a set holding *data*: ``{...}``, or ``set()``."""
    if not data:
        return "set()"
    return "{%s}" % ", ".join(repr(item) for item in data)


def bind(function, instance):
    """A bound method: Python 2's also records the instance's class."""
    return types.MethodType(function, instance, type(instance))


def move_to_end(ordered, key):
    """``OrderedDict.move_to_end``, which Python 2's OrderedDict lacks."""
    ordered[key] = ordered.pop(key)


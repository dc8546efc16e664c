"""Weak-reference tools beyond the stdlib, kept apart from the mirror.

``backports.weakref`` is the newest CPython's ``weakref`` (the release
``_specification.NEWEST`` names) and nothing more; what
projects keep rebuilding on top of it lives here, under names the stdlib
does not use:

* ``WeakIdentityKeyDictionary``, ``WeakIdentityKeyValueDictionary`` and
  ``WeakIdentitySet``: keys and members found by identity (gh-88306);
* ``OrderedWeakSet`` and ``WeakList``: weak collections that keep an order;
* ``weak_callable`` (``WeakCallable``): a weak reference to any callable;
* ``weak_lru_cache``: a method cache that does not keep instances alive;
* ``WeakKeyDefaultDictionary`` and ``WeakValueDefaultDictionary``: weak
  dicts with a default factory (gh-75437);
* ``finalize_with_options``: finalizers that skip forked children or warn
  about referencing their own object;
* ``WeakValueCache``: a weak-value cache with a strong window of the most
  recently used, and a ``get_or_create`` that calls its factory once.
"""
from __future__ import absolute_import

from ._cache import CacheInfo, weak_lru_cache
from ._callable import WeakCallable, weak_callable
from ._defaults import WeakKeyDefaultDictionary, WeakValueDefaultDictionary
from ._finalize import (FinalizerReferencesObjectWarning,
                        finalize_with_options)
from ._identity import (WeakIdentityKeyDictionary,
                        WeakIdentityKeyValueDictionary, WeakIdentitySet)
from ._ordered import OrderedWeakSet, WeakList
from ._value_cache import WeakValueCache

__all__ = ["WeakIdentityKeyDictionary", "WeakIdentityKeyValueDictionary",
           "WeakIdentitySet", "OrderedWeakSet", "WeakList", "WeakCallable",
           "weak_callable", "weak_lru_cache", "CacheInfo",
           "WeakKeyDefaultDictionary", "WeakValueDefaultDictionary",
           "finalize_with_options", "FinalizerReferencesObjectWarning",
           "WeakValueCache"]

# One stable home in reprs and pickles, whichever private file holds them.
for _name in __all__:
    _obj = globals()[_name]
    try:
        _obj.__module__ = __name__
    except (AttributeError, TypeError):
        pass
del _name, _obj

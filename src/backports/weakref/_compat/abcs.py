"""The collections ABCs, from the module that ``weakref`` itself has already
loaded: importing ``collections`` would add about 1 ms to our import."""
from __future__ import absolute_import

from . import PY2

if PY2:
    from _abcoll import (ItemsView, Mapping, MutableMapping,
                         MutableSequence, MutableSet, ValuesView)
else:
    from _collections_abc import (ItemsView, Mapping, MutableMapping,
                                  MutableSequence, MutableSet, ValuesView)

__all__ = ["ItemsView", "Mapping", "MutableMapping", "MutableSequence",
           "MutableSet", "ValuesView"]

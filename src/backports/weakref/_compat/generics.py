"""``Class[T]`` for our classes, as the newest CPython's give it."""
from __future__ import absolute_import

from . import HAS_GENERIC_ALIAS

if HAS_GENERIC_ALIAS:
    from types import GenericAlias

    def subscriptable(cls):
        """Class decorator: ``cls[T]`` gives a ``types.GenericAlias``."""
        cls.__class_getitem__ = classmethod(GenericAlias)
        return cls
else:
    from .py38 import subscriptable

__all__ = ["subscriptable"]

"""``finalize`` with two opt-in safeguards the stdlib leaves to its users:
skipping callbacks in a child after ``fork()``, and warning about a
finalizer that can never run because it keeps its own object alive."""
from __future__ import absolute_import

import functools
import os
import types
import warnings

from .. import finalize
from .._copying import slot_names


class FinalizerReferencesObjectWarning(RuntimeWarning):
    """The callback of a finalizer, or one of its arguments, references the
    object: the finalizer keeps the object alive, so it runs at exit at
    best, never when the object would otherwise have died."""


class _ParentProcessFinalize(finalize):
    """A finalizer whose callback runs only in the process that made it.

    A forked child inherits every finalizer and, without this, runs each
    callback again: at its own exit or when its copy of the object dies.
    There this finalizer just dies.
    """

    __slots__ = ("_creator_pid",)

    def __call__(self, _=None):
        if os.getpid() != self._creator_pid:
            self._registry.pop(self, None)
            return None
        return finalize.__call__(self, _)


# Things whose references lead everywhere (module globals, classes) and
# would make every finalizer look guilty; functions are entered only
# through their closures and defaults.
_OPAQUE_TYPES = (types.ModuleType, type, type(None), bool, int, float,
                 complex, str, bytes, type(u""), types.CodeType)
_SEARCH_LIMIT = 10000


def _direct_references(obj):
    """What *obj* refers to, as far as a finalizer's reach matters."""
    if isinstance(obj, (tuple, list, set, frozenset)):
        return list(obj)
    if isinstance(obj, dict):
        return list(obj.keys()) + list(obj.values())
    if isinstance(obj, functools.partial):
        return [obj.func, obj.args, obj.keywords]
    if isinstance(obj, types.FunctionType):
        found = [getattr(obj, "__defaults__", None),
                 getattr(obj, "__kwdefaults__", None)]
        for cell in getattr(obj, "__closure__", None) or ():
            try:
                found.append(cell.cell_contents)
            except ValueError:  # an empty cell
                pass
        return found
    if isinstance(obj, types.MethodType):
        return [obj.__self__, obj.__func__]
    found = []
    instance_self = getattr(obj, "__self__", None)
    if instance_self is not None and not isinstance(instance_self,
                                                    types.ModuleType):
        found.append(instance_self)   # a builtin type's bound method
    instance_dict = getattr(obj, "__dict__", None)
    if isinstance(instance_dict, dict):
        found.append(instance_dict)
    for name in slot_names(type(obj)):
        found.append(getattr(obj, name, None))
    return found


def references(container, target):
    """Whether *target* can be reached from *container* through containers,
    closures, defaults, bound methods, partials and instance attributes
    (not through module globals or classes). Searches at most 10,000
    objects."""
    seen = set()
    pending = [container]
    while pending and len(seen) < _SEARCH_LIMIT:
        obj = pending.pop()
        if obj is target:
            return True
        if id(obj) in seen or isinstance(obj, _OPAQUE_TYPES):
            continue
        seen.add(id(obj))
        pending.extend(_direct_references(obj))
    return False


def finalize_with_options(obj, func, args=(), kwargs=None,
                          skip_in_forked_child=False,
                          warn_if_self_referencing=False):
    """``finalize(obj, func, *args, **kwargs)`` with opt-in safeguards.

    *skip_in_forked_child*: in a child process made by ``fork()``, the
    callback does not run (the finalizer dies silently), at exit or when
    the child's copy of *obj* dies.
    *warn_if_self_referencing*: warn with ``FinalizerReferencesObjectWarning``
    when *func*, *args* or *kwargs* reference *obj*.

    Returns the finalizer, an instance of ``backports.weakref.finalize``.
    """
    kwargs = dict(kwargs or {})
    if warn_if_self_referencing and references((func, args, kwargs), obj):
        warnings.warn(
            "the callback of this finalizer or its arguments reference the "
            "object (%s), which then cannot die before exit"
            % type(obj).__name__,
            FinalizerReferencesObjectWarning, stacklevel=2)
    if skip_in_forked_child:
        finalizer = _ParentProcessFinalize(obj, func, *args, **kwargs)
        finalizer._creator_pid = os.getpid()
        return finalizer
    return finalize(obj, func, *args, **kwargs)

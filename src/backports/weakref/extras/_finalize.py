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
from . import _deferred


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
        return super(_ParentProcessFinalize, self).__call__(_)


class _Due(object):
    """A deferred finalizer's callback, queued for the worker."""

    __slots__ = ("finalizer",)

    def __init__(self, finalizer):
        self.finalizer = finalizer

    def __call__(self):
        # The next __call__ in the finalizer's MRO, called as the program
        # would: runs the callback if still due (exactly once: the first
        # caller takes it from the registry).
        super(_DeferredFinalize, self.finalizer).__call__()

    def forget(self):
        """Drop the finalizer without running it (a forked child's copy)."""
        self.finalizer._registry.pop(self.finalizer, None)


class _DeferredFinalize(finalize):
    """A finalizer whose callback, when its object dies, runs on the
    deferred-finalizer worker thread rather than inside the collector.
    Called by the program (or by the exit pass), it runs at once, as any
    finalizer; until its callback has run it stays ``alive``."""

    __slots__ = ()

    def __call__(self, _=None):
        if _ is None:
            return super(_DeferredFinalize, self).__call__()
        _deferred.submit(_Due(self))
        return None


class _DeferredParentProcessFinalize(_DeferredFinalize,
                                     _ParentProcessFinalize):
    """Both: deferred, and skipped in a forked child."""

    __slots__ = ()


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
                          warn_if_self_referencing=False, defer=False):
    """``finalize(obj, func, *args, **kwargs)`` with opt-in safeguards.

    *skip_in_forked_child*: in a child process made by ``fork()``, the
    callback does not run (the finalizer dies silently), at exit or when
    the child's copy of *obj* dies.
    *warn_if_self_referencing*: warn with ``FinalizerReferencesObjectWarning``
    when *func*, *args* or *kwargs* reference *obj*.
    *defer*: when *obj* dies, the callback runs soon after on one worker
    thread of the process, never inside the collector or another callback
    (so it may take locks the collecting thread holds); still due at exit,
    it runs then.

    Returns the finalizer, an instance of ``backports.weakref.finalize``.
    """
    kwargs = dict(kwargs or {})
    if warn_if_self_referencing and references((func, args, kwargs), obj):
        warnings.warn(
            "the callback of this finalizer or its arguments reference the "
            "object (%s), which then cannot die before exit"
            % type(obj).__name__,
            FinalizerReferencesObjectWarning, stacklevel=2)
    cls = {(False, False): finalize,
           (True, False): _ParentProcessFinalize,
           (False, True): _DeferredFinalize,
           (True, True): _DeferredParentProcessFinalize}[
               bool(skip_in_forked_child), bool(defer)]
    finalizer = cls(obj, func, *args, **kwargs)
    if skip_in_forked_child:
        finalizer._creator_pid = os.getpid()
    if defer:
        # After the finalizer: the worker's exit hook, registered later
        # than finalize's, runs before it (atexit runs newest first).
        _deferred.start()
    return finalizer

"""``WeakMethod`` as the newest CPython has it, for interpreters whose own
differs.

Where the interpreter has a WeakMethod (3.4-3.9, PyPy), ours subclasses it,
so ``isinstance(ours, weakref.WeakMethod)`` holds and the two compare equal
when they reference the same method. Python 2 and Jython have none: ours
then subclasses ``ref`` directly.
"""
from __future__ import absolute_import

import weakref as _stdlib

from ._arguments import (missing_positional, multiple_values,
                         too_many_positional, unexpected_keyword)
from ._compat import (HAS_NATIVE_WEAKMETHOD, METHODS_RECORD_CLASS,
                      REF_EQ_DISPATCHES_TO_SUBCLASS,
                      REF_INIT_SAYS_TAKES_NO_KEYWORD_ARGUMENTS,
                      REF_SUBCLASS_HASH_IS_IDENTITY,
                      REF_SUBCLASS_REPR_IS_GENERIC, UNBOUND_METHODS_EXIST)
from ._compat.generics import subscriptable

if REF_SUBCLASS_HASH_IS_IDENTITY:
    from ._compat.jython import referent_hash as _referent_hash
if REF_SUBCLASS_REPR_IS_GENERIC:
    from ._compat.jython import ref_repr

_ref = _stdlib.ref
_QUALNAME = "WeakMethod.__new__"

if HAS_NATIVE_WEAKMETHOD:
    # Comparing with the stdlib's own WeakMethod works both ways.
    _Base = _stdlib.WeakMethod
    _BASE_SLOTS = ()  # the stdlib's class already has ours
else:
    _Base = _ref
    _BASE_SLOTS = ("_func_ref", "_meth_type", "_alive", "__weakref__")
    if REF_SUBCLASS_HASH_IS_IDENTITY:
        _BASE_SLOTS += ("_referent_hash",)


if REF_EQ_DISPATCHES_TO_SUBCLASS:
    from ._compat.jython import same_referent as _same_referent
else:
    _same_referent = _ref.__eq__


def _parse_new_arguments(args, kwargs):
    """(cls, meth, callback) from ``__new__(cls, meth, callback=None)``."""
    if len(args) > 3:
        raise too_many_positional(_QUALNAME, 2, 3, len(args))
    values = dict(zip(("cls", "meth", "callback"), args))
    for name in kwargs:
        if name not in ("meth", "callback"):
            raise unexpected_keyword(_QUALNAME, name)
        if name in values:
            raise multiple_values(_QUALNAME, name)
        values[name] = kwargs[name]
    missing = [name for name in ("cls", "meth") if name not in values]
    if missing:
        raise missing_positional(_QUALNAME, missing)
    return values["cls"], values["meth"], values.get("callback")


# What __new__ finds when *meth* has no __self__ or __func__.
_NOT_A_METHOD = object()


@subscriptable
class WeakMethod(_Base):
    """A weak reference to a bound method, alive while both its instance
    and its function are.

    ``ref(obj.method)`` dies at once: each attribute access makes a new
    bound method. ``WeakMethod(obj.method)`` holds the instance and the
    function weakly instead; calling it gives a new bound method, or None
    once either has died, and *callback* is called with it at that moment.
    """

    __module__ = "backports.weakref"
    __slots__ = _BASE_SLOTS

    def __new__(*args, **kwargs):
        if not kwargs and 1 < len(args) < 4:
            # WeakMethod(meth) or WeakMethod(meth, callback): no parsing.
            cls, meth = args[0], args[1]
            callback = args[2] if len(args) == 3 else None
        else:
            cls, meth, callback = _parse_new_arguments(args, kwargs)
        # Inlined rather than a helper: this is every creation's path.
        try:
            instance = meth.__self__
            function = meth.__func__
        except AttributeError:
            instance = function = _NOT_A_METHOD
        if instance is _NOT_A_METHOD or (UNBOUND_METHODS_EXIST and
                                         instance is None):
            # Not a bound method (Python 2's unbound one has no instance).
            # Raised outside any except block: no chained context, as
            # CPython's.
            raise TypeError("argument should be a bound method, not {}"
                            .format(type(meth)))

        def on_part_death(_dead, callback=callback):
            # Reached through a weakref to self: a strong one would be a cycle.
            self = self_ref()
            if self is not None and self._alive:
                self._alive = False
                if callback is not None:
                    callback(self)

        self = _ref.__new__(cls, instance, on_part_death)
        # The stdlib's WeakMethod keeps these three slots, which ours shares
        # where it derives from it.
        self._func_ref, self._meth_type, self._alive = (
            _ref(function, on_part_death), type(meth), True)
        self_ref = _ref(self)
        return self

    if not REF_INIT_SAYS_TAKES_NO_KEYWORD_ARGUMENTS:
        def __init__(*args, **kwargs):
            # __new__ did the work; what is left is ref.__init__'s one
            # check, which CPython makes after __new__ accepted them.
            if kwargs:
                raise TypeError("ref() takes no keyword arguments")

    def __call__(self):
        instance = _ref.__call__(self)
        function = self._func_ref()
        if instance is None or function is None:
            return None
        if METHODS_RECORD_CLASS:
            return self._meth_type(function, instance, instance.__class__)
        return self._meth_type(function, instance)

    def __eq__(self, other):
        if not _is_weak_method(other):
            return NotImplemented
        if not (self._alive and other._alive):
            return self is other
        return (_same_referent(self, other) and
                self._func_ref == other._func_ref)

    def __ne__(self, other):
        if not _is_weak_method(other):
            return NotImplemented
        if not (self._alive and other._alive):
            return self is not other
        return (not _same_referent(self, other) or
                self._func_ref != other._func_ref)

    __hash__ = _referent_hash if REF_SUBCLASS_HASH_IS_IDENTITY else \
        _ref.__hash__

    if REF_SUBCLASS_REPR_IS_GENERIC:
        def __repr__(self):
            # The instance, not the rebuilt bound method, as CPython shows.
            return ref_repr(self, _ref.__call__(self))


def _is_weak_method(obj):
    return isinstance(obj, _Base if HAS_NATIVE_WEAKMETHOD else WeakMethod)

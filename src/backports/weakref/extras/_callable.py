"""``weak_callable``: a weak reference to any callable, for subscriber lists.

``ref(obj.method)`` dies at once (the bound method is a temporary) and
``WeakMethod`` takes bound methods only. ``weak_callable`` takes what signal
and event libraries are handed: functions, bound methods (also of builtin
types and of classes, as classmethod access gives), ``functools.partial``
objects wrapping any of these, and other callable objects.
"""
from __future__ import absolute_import

import functools
import types
import weakref as _stdlib

from .. import _compat

ref = _stdlib.ref


class _StrongRef(object):
    """Stands in for a weak reference where strong fallback was asked for:
    always returns its object."""

    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __call__(self):
        return self._obj


def _weak_or_strong(obj, callback, strong_fallback):
    """A weak reference to *obj*, or a ``_StrongRef`` when *obj* cannot be
    weakly referenced and *strong_fallback* is true."""
    try:
        return ref(obj, callback)
    except TypeError:
        if not strong_fallback:
            raise
        return _StrongRef(obj)


def _bound_parts(func):
    """(instance, how to rebind a function to it) for a bound method,
    else None. Builtin functions whose ``__self__`` is their module (or
    None) are not bound methods."""
    instance = getattr(func, "__self__", None)
    if instance is None or isinstance(instance, types.ModuleType):
        return None
    function = getattr(func, "__func__", None)
    if function is not None:
        return instance, function
    # A method of a builtin type: find the descriptor on the class, and
    # bind it again with __get__ each time.
    name = getattr(func, "__name__", None)
    descriptor = getattr(type(instance), name, None) if name else None
    if descriptor is None or not hasattr(descriptor, "__get__"):
        return None
    return instance, descriptor


class WeakCallable(object):
    """A weak reference to a callable: ``WeakCallable(func, callback=None,
    strong_fallback=False, weak_arguments=False)``, the same as
    ``weak_callable`` with those arguments (see there).

    Calling it calls the target with the given arguments while every weakly
    held part lives, and raises ``ReferenceError`` after. ``target()``
    returns an equivalent strong callable, or None once dead.
    """

    __slots__ = ("_instance_ref", "_function", "_function_ref",
                 "_arg_refs", "_keywords", "_key", "_hash", "_pending",
                 "__weakref__")

    if hasattr(types, "GenericAlias"):
        # WeakCallable[str] at runtime too (3.9+), as the stub's Generic
        # lets annotations say, and as the other extras classes allow.
        __class_getitem__ = classmethod(types.GenericAlias)

    # Constructible, as its stub and its place in __all__ promise: the
    # class was once only made by weak_callable(), and WeakCallable(f) then
    # failed (object.__init__ takes no arguments).
    def __init__(self, func, callback=None, strong_fallback=False,
                 weak_arguments=False):
        # A staticmethod object is callable only from 3.10 on: unwrap first.
        func, arguments, keywords = _unwrap(func)
        if not callable(func):
            raise TypeError("weak_callable() argument must be callable, not %r"
                            % type(func).__name__)
        self._pending = [callback]
        on_part_death = _DeathReporter()
        on_part_death.owner_ref = ref(self)

        bound = _bound_parts(func)
        if bound is None:
            self._instance_ref = self._function = None
            self._function_ref = _weak_or_strong(func, on_part_death,
                                                 strong_fallback)
            # Functions and instances compare by identity, as bound methods do
            # since 3.8.
            identity = [id(func)]
        else:
            self._instance_ref = _weak_or_strong(bound[0], on_part_death,
                                                 strong_fallback)
            self._function = bound[1]
            self._function_ref = None
            identity = [id(bound[0]), id(bound[1])]
        hashed = tuple(identity)

        if arguments is None:
            self._arg_refs = self._keywords = None
            self._key = (tuple(identity), None)
        else:
            self._keywords = keywords
            self._arg_refs = [_weak_or_strong(arg, on_part_death, True)
                              if weak_arguments else _StrongRef(arg)
                              for arg in arguments]
            # Weakly held arguments compare by identity, strong ones with ==.
            strong_args = []
            for arg_ref in self._arg_refs:
                if isinstance(arg_ref, _StrongRef):
                    strong_args.append(arg_ref())
                else:
                    identity.append(id(arg_ref()))
            self._key = (tuple(identity),
                         (strong_args, sorted(keywords.items())))
            hashed += (len(arguments),)
        self._hash = hash(hashed)

    def __call__(*args, **kwargs):
        self = args[0]
        target = self.target()
        if target is None:
            raise ReferenceError("weakly referenced callable is dead")
        return target(*args[1:], **kwargs)

    def target(self):
        """The callable, rebuilt from its parts while they all live."""
        if self._instance_ref is not None:
            instance = self._instance_ref()
            if instance is None:
                return None
            function = self._function.__get__(instance, type(instance))
        else:
            function = self._function_ref()
            if function is None:
                return None
        if self._arg_refs is None:
            return function
        args = []
        for arg_ref in self._arg_refs:
            arg = arg_ref()
            if arg is None:
                return None
            args.append(arg)
        return functools.partial(function, *args, **self._keywords)

    @property
    def alive(self):
        """Whether every weakly held part still lives."""
        return self._pending is not None and self.target() is not None

    @property
    def is_weak(self):
        """False when some part is held strongly (strong fallback)."""
        parts = [self._instance_ref, self._function_ref] + \
            list(self._arg_refs or ())
        return not any(isinstance(part, _StrongRef) for part in parts)

    def __eq__(self, other):
        if not isinstance(other, WeakCallable):
            return NotImplemented
        if self is other:
            return True
        if not self.alive or not other.alive:
            return False    # a dead reference equals only itself, as ref
        return self._key == other._key

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self):
        # Fixed at creation, so a dead one can still leave a set.
        return self._hash

    def __repr__(self):
        target = self.target()
        if target is None:
            return "<%s at %#x; dead>" % (type(self).__name__, id(self))
        return "<%s at %#x; to %r>" % (type(self).__name__, id(self), target)


class _DeathReporter(object):
    """The callback of every weakly held part of one ``WeakCallable``.

    It reaches the ``WeakCallable`` through a weak reference (a strong one
    would be a cycle) and is a plain object, not a closure: on Jython a
    closure keeps its whole defining frame alive, targets included.
    """

    __slots__ = ("owner_ref",)

    def __call__(self, _dead):
        owner = self.owner_ref()
        if owner is None:
            return
        try:
            # Popping is the one atomic step that lets exactly one dying
            # part report the death, whichever thread it dies in.
            report = owner._pending.pop()
        except (AttributeError, IndexError):
            return
        owner._pending = None
        if report is not None:
            report(owner)


def _unwrap(func):
    """(function, partial arguments or None, partial keywords or None)."""
    arguments = keywords = None
    while isinstance(func, functools.partial):
        # A partial of a partial is one partial: the outer one's keywords
        # win, its positional arguments come after the inner one's.
        arguments = func.args + (arguments or ())
        merged = dict(func.keywords or {})
        merged.update(keywords or {})
        keywords = merged
        func = func.func
    if isinstance(func, staticmethod):
        func = func.__func__
    if _compat.UNBOUND_METHODS_EXIST and \
            getattr(func, "__func__", None) is not None and \
            getattr(func, "__self__", False) is None:
        # Python 2's Class.method, a fresh object at each access: what
        # Python 3 gives there is the function itself.
        func = func.__func__
    return func, arguments, keywords


def weak_callable(func, callback=None, strong_fallback=False,
                  weak_arguments=False):
    """Return a ``WeakCallable`` that calls *func* while its targets live.

    What is held weakly: a plain function or callable object itself; the
    instance (or class) of a bound method, whose function stays strong so
    that it can be bound again; for a ``functools.partial``, whatever its
    function needs, and with *weak_arguments* also each positional argument
    that can be weakly referenced (the others, and keywords, stay strong).

    *callback*, if given, is called once with the ``WeakCallable`` when the
    first weakly held part dies. A part that cannot be weakly referenced
    raises TypeError, unless *strong_fallback* is true: it is then held
    strongly (``is_weak`` tells).
    """
    return WeakCallable(func, callback, strong_fallback, weak_arguments)

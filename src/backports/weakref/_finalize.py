"""``finalize`` as the newest CPython has it, for interpreters whose own
differs.

Two shapes, chosen by what the interpreter already has:

* CPython 3.6-3.9 and PyPy have a ``weakref.finalize`` that differs from the
  newest only in how ``__init__`` takes its arguments. Ours subclasses it and
  replaces ``__init__`` alone, so both kinds live in the stdlib's registry and
  run at exit together, newest first, in one sequence.
* CPython 2.7 and Jython have none, so ours stands alone.
"""
from __future__ import absolute_import

import atexit
import itertools
import sys
import weakref as _stdlib

from . import _compat
from ._arguments import missing_positional

if _compat.ATEXIT_NEEDS_A_JVM_HOOK:
    from ._compat.jython import add_jvm_exit_hook


def register_exit_hook(func):
    """Have *func* called once the program ends (it must be idempotent)."""
    atexit.register(func)
    if _compat.ATEXIT_NEEDS_A_JVM_HOOK:
        add_jvm_exit_hook(func)


_DOC = """Call ``func(*args, **kwargs)`` once, when *obj* dies.

    ``finalize(obj, func, /, *args, **kwargs)`` registers the call and
    returns the finalizer, which holds *obj* only weakly. The call happens
    at the first of: *obj* being collected, the finalizer being called
    (which returns the callback's result), or the end of the program while
    ``atexit`` is true (finalizers still due then run newest first). After
    that, or after ``detach()``, the finalizer is dead and calling it
    returns None. Keywords named ``obj``, ``func`` or ``self`` reach the
    callback.
    """

_INIT_PARAMETERS = ("self", "obj", "func")


def _split_init_arguments(args):
    """Return (self, obj, func, extra positionals), the newest CPython's way.

    ``obj`` and ``func`` are positional-only, so keyword arguments of any
    name (``obj``, ``func`` and ``self`` included) belong to the callback.
    """
    if len(args) < len(_INIT_PARAMETERS):
        raise missing_positional("finalize.__init__",
                                 _INIT_PARAMETERS[len(args):])
    return args[0], args[1], args[2], args[3:]


if _compat.HAS_NATIVE_FINALIZE:

    _Native = _stdlib.finalize

    class finalize(_Native):
        __doc__ = _DOC
        __module__ = "backports.weakref"
        __slots__ = ()

        def __init__(*args, **kwargs):
            if len(args) < 3:
                _split_init_arguments(args)  # raises the newest's error
            # What the stdlib's __init__ does, done here: calling it would
            # cost a second frame per finalizer, and it would take keywords
            # named obj or func as its own, where the newest passes them on.
            # Attributes are looked up on self, as CPython does, and set on the
            # stdlib's class, whose _exitfunc reads them.
            self = args[0]
            if not self._registered_with_atexit:
                # Two threads may both register: _exitfunc is idempotent.
                register_exit_hook(self._exitfunc)
                _Native._registered_with_atexit = True
            # The fields the stdlib's methods read, filled as its own
            # __init__ fills them.
            info = self._Info()
            info.weakref = _stdlib.ref(args[1], self)
            info.func, info.args, info.kwargs = args[2], args[3:], kwargs or None
            info.atexit, info.index = True, next(self._index_iter)
            registry = self._registry
            registry[self] = info
            if not _Native._dirty:
                # Stored only when it changes: every store to a class
                # attribute empties the interpreter's attribute cache for
                # the class and its subclasses.
                _Native._dirty = True

else:

    class _Registration(object):
        """What a live finalizer needs. The finalizer object keeps nothing
        itself, so it can never be part of a cycle with its referent."""

        __slots__ = ("referent", "callback", "arguments", "keywords",
                     "at_exit", "serial")

    class finalize(object):
        __doc__ = _DOC
        __module__ = "backports.weakref"
        __slots__ = ()

        # Class-level state, shared by every finalizer (and subclass):
        # finalizer -> _Registration while it is alive, ...
        _registry = {}
        # ... where the exit pass is in the program's life, ...
        _exit_hook_set = False
        _program_ended = False
        # ... the order of creation, and whether finalizers were made since
        # the exit pass last looked.
        _serials = itertools.count()
        _registry_grew = False

        def __init__(*args, **kwargs):
            self, obj, func, callback_args = _split_init_arguments(args)
            if not finalize._exit_hook_set:
                # Two threads may both register: the exit pass is
                # idempotent.
                register_exit_hook(finalize._run_at_exit)
                finalize._exit_hook_set = True
            registration = _Registration()
            registration.referent = _stdlib.ref(obj, self)
            registration.callback = func
            registration.arguments = callback_args
            registration.keywords = kwargs or None
            registration.at_exit = True
            registration.serial = next(finalize._serials)
            finalize._registry[self] = registration
            if not finalize._registry_grew:
                # As in the subclass above: a class store empties the
                # attribute cache, so it is made only when needed.
                finalize._registry_grew = True

        def __call__(self, _=None):
            """Run the callback now, if still due, and return its result;
            the finalizer is dead afterwards. None if it already was."""
            registration = finalize._registry.pop(self, None)
            if registration is not None and not finalize._program_ended:
                return registration.callback(*registration.arguments,
                                             **(registration.keywords or {}))

        def _live_state(self):
            """(registration, referent) while alive, else (None, None)."""
            registration = finalize._registry.get(self)
            if registration is None:
                return None, None
            referent = registration.referent()
            if referent is None:
                return None, None
            return registration, referent

        def detach(self):
            """Cancel the callback: return ``(obj, func, args, kwargs)`` and
            leave the finalizer dead, or None if it already was."""
            registration, referent = self._live_state()
            # Only the caller whose pop succeeds may report the detachment.
            if registration is not None and \
                    finalize._registry.pop(self, None) is not None:
                return (referent, registration.callback,
                        registration.arguments, registration.keywords or {})
            return None

        def peek(self):
            """``(obj, func, args, kwargs)`` while the callback is due,
            else None; the finalizer stays as it is."""
            registration, referent = self._live_state()
            if registration is None:
                return None
            return (referent, registration.callback, registration.arguments,
                    registration.keywords or {})

        @property
        def alive(self):
            """True until the callback has run or been detached."""
            return self in finalize._registry

        def _get_atexit(self):
            registration = finalize._registry.get(self)
            return registration is not None and registration.at_exit

        def _set_atexit(self, value):
            registration = finalize._registry.get(self)
            if registration is not None:
                registration.at_exit = bool(value)

        atexit = property(_get_atexit, _set_atexit,
                          doc="Whether a finalizer still due when the "
                          "program ends runs then (default True).")
        del _get_atexit, _set_atexit

        def __repr__(self):
            registration, referent = self._live_state()
            if registration is None:
                return "<%s object at %#x; dead>" % (type(self).__name__,
                                                     id(self))
            return "<%s object at %#x; for %r at %#x>" % (
                type(self).__name__, id(self), type(referent).__name__,
                id(referent))

        @classmethod
        def _due_at_exit(cls):
            """The live finalizers still marked to run at exit, oldest first."""
            due = sorted((registration.serial, finalizer)
                         for finalizer, registration
                         in list(finalize._registry.items())
                         if registration.at_exit)
            return [finalizer for _, finalizer in due]

        @classmethod
        def _run_at_exit(cls):
            # Called once the program ends, after non-daemon threads were
            # joined: every finalizer still due runs, newest first.
            import gc
            pause_collector = False
            try:
                if not finalize._registry:
                    return
                if _compat.GC_CAN_BE_DISABLED and gc.isenabled():
                    # No collection may run a finalizer behind our back.
                    pause_collector = True
                    gc.disable()
                queue = None
                while True:
                    if queue is None or finalize._registry_grew:
                        # A callback may have made finalizers: look again.
                        finalize._registry_grew = False
                        queue = cls._due_at_exit()
                    if not queue:
                        return
                    newest = queue.pop()
                    try:
                        newest()
                    except Exception:
                        # Reported as an uncaught error would be; the pass
                        # goes on with the next.
                        error_type, error, traceback = sys.exc_info()
                        sys.excepthook(error_type, error, traceback)
            finally:
                # Whatever is collected from here on runs no callback.
                finalize._program_ended = True
                if pause_collector:
                    gc.enable()

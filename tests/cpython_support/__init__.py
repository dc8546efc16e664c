"""A stand-in for CPython's ``test.support``, for running CPython's own
weakref test files against backports.weakref (see tests/cpython_loader.py).

Only the names those files use, each written from what it means, so it
behaves the same on CPython 3.6-3.15 and PyPy (Debian's PyPy has no ``test``
package at all). The loader copies this package in as ``test.support``.
"""
from __future__ import absolute_import

import contextlib
import gc
import sys
import sysconfig
import unittest

# tests/support.py, on the path of the parent and of every child it starts.
import support as _project_support

from . import import_helper, script_helper, threading_helper  # noqa: F401

Py_DEBUG = hasattr(sys, "gettotalrefcount")
Py_GIL_DISABLED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
is_wasi = sys.platform == "wasi"
is_emscripten = sys.platform == "emscripten"

# Resources a test may ask for with requires_resource(). "cpu" is on (as
# in CPython when its tests run outside regrtest): the four threaded weak-dict
# copy tests it guards took 1-6 s each, 5-18 s a suite, on CPython 3.6-3.15,
# 3.13t and PyPy here (2 cores shared with other runs).
ENABLED_RESOURCES = frozenset(["cpu"])


class _AlwaysEqual(object):
    """Equal to everything, unequal to nothing."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = None

    def __repr__(self):
        return "ALWAYS_EQ"


ALWAYS_EQ = _AlwaysEqual()


def gc_collect():
    """Collect until what the test dropped is gone (PyPy needs several)."""
    _project_support.collect()


@contextlib.contextmanager
def disable_gc():
    """Keep the cyclic collector off inside the block, as it was outside."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cpython_only(test):
    """Skip *test* (a function or class) except on CPython."""
    return unittest.skipUnless(sys.implementation.name == "cpython",
                               "CPython-only test")(test)


def requires_resource(resource):
    """Skip unless *resource* is one of ENABLED_RESOURCES."""
    return unittest.skipUnless(resource in ENABLED_RESOURCES,
                               "resource %r is not enabled" % (resource,))


# What configure calls each sanitizer, and the compiler flag it adds.
_SANITIZER_MARKS = {
    "address": ("--with-address-sanitizer", "-fsanitize=address"),
    "memory": ("--with-memory-sanitizer", "-fsanitize=memory"),
    "ub": ("--with-undefined-behavior-sanitizer", "-fsanitize=undefined"),
    "thread": ("--with-thread-sanitizer", "-fsanitize=thread"),
}


def check_sanitizer(address=False, memory=False, ub=False, thread=False,
                    function=True):
    """Whether this interpreter was built with any of the sanitizers asked
    for (*function* is accepted for CPython's signature; it narrows nothing
    here)."""
    build = " ".join(str(sysconfig.get_config_var(name) or "")
                     for name in ("CONFIG_ARGS", "PY_CFLAGS", "PY_LDFLAGS"))
    asked = {"address": address, "memory": memory, "ub": ub,
             "thread": thread}
    return any(asked[kind] and any(mark in build for mark in marks)
               for kind, marks in _SANITIZER_MARKS.items())


def skip_if_sanitizer(reason=None, **kinds):
    """Skip when built with one of the sanitizers named in *kinds*."""
    return unittest.skipIf(check_sanitizer(**kinds),
                           reason or "not run under a sanitizer")


def skip_wasi_stack_overflow():
    return unittest.skipIf(is_wasi, "the stack overflows on WASI")


def skip_emscripten_stack_overflow():
    return unittest.skipIf(is_emscripten, "the stack overflows on Emscripten")


def run_with_limited_c_stack():
    """CPython runs the test with a small C stack, to reach deep-recursion
    errors sooner; here the test runs as it is (the classes we run do not
    use it: only the decorator has to exist)."""
    return lambda test: test


def exceeds_recursion_limit():
    """A nesting depth well past any interpreter's recursion limit."""
    return max(150000, 10 * sys.getrecursionlimit())


def _memory_failure_injector():
    """CPython's debugging hook that makes the next allocations fail, or
    None where the interpreter has none (PyPy, builds without _testcapi)."""
    if sys.implementation.name != "cpython":
        return None
    try:
        import _testcapi
    except ImportError:
        return None
    return getattr(_testcapi, "set_nomemory", None)


def nomemtest(test):
    """Skip *test* where memory failures cannot be injected."""
    return unittest.skipIf(_memory_failure_injector() is None,
                           "needs _testcapi.set_nomemory")(test)


def inject_memory_error():
    """Make every allocation from now on fail (CPython with _testcapi)."""
    injector = _memory_failure_injector()
    if injector is None:
        raise unittest.SkipTest("needs _testcapi.set_nomemory")
    injector(0)

"""Both implementations of the weak containers in one process.

``backports.weakref`` as imported runs on the compiled core where it is
built (CPython) and on the pure-Python twin elsewhere. For the tests to run
against both in one process, as CPython's zoneinfo tests load a second copy
of the module with its C accelerator blocked, ``package("pure")`` loads a
second, separate copy of the whole package (its own ``_core``, public
classes, extras and finalize registry) with the compiled core switched off.

``CORES`` lists the implementations present here, the imported one
(``IMPORTED``) first: ``["compiled", "pure"]`` on CPython with the core
built, ``["pure"]`` elsewhere. ``active(name)`` swaps a core's copy into
``sys.modules`` for a block, so that code importing ``backports.weakref``
inside it (pickle's class lookups, ``from backports import weakref`` in a
test body) gets that copy; ``counterparts(name)`` tells, for what a test
module bound at import, the same object of that core's copy.
"""
from __future__ import absolute_import

import contextlib
import importlib
import os
import sys

import backports
import backports.weakref
import backports.weakref.extras  # noqa: F401  (part of the copy to keep)
from backports.weakref import _core

PACKAGE = "backports.weakref"
# Set while the twin's copy is imported: its _core then picks the twin.
NO_EXTENSIONS_VARIABLE = _core.NO_EXTENSIONS_VARIABLE

# The core of the package as imported: the one every test runs on unless
# it asks for another.
IMPORTED = _core.IMPLEMENTATION
CORES = [IMPORTED, "pure"] if IMPORTED == "compiled" else ["pure"]


def _package_modules():
    """The package's modules now in sys.modules, by name."""
    return dict((name, module) for name, module in list(sys.modules.items())
                if name == PACKAGE or name.startswith(PACKAGE + "."))


_copies = {IMPORTED: _package_modules()}


def _load_twin_copy():
    """Import a fresh copy of the package on the pure twin, and put the
    imported one back where it was."""
    imported = _package_modules()
    saved_variable = os.environ.get(NO_EXTENSIONS_VARIABLE)
    for name in imported:
        del sys.modules[name]
    os.environ[NO_EXTENSIONS_VARIABLE] = "1"
    try:
        importlib.import_module(PACKAGE)
        importlib.import_module(PACKAGE + ".extras")
        copy = _package_modules()
    finally:
        if saved_variable is None:
            del os.environ[NO_EXTENSIONS_VARIABLE]
        else:
            os.environ[NO_EXTENSIONS_VARIABLE] = saved_variable
        for name in _package_modules():
            del sys.modules[name]
        sys.modules.update(imported)
        backports.weakref = imported[PACKAGE]
    if copy[PACKAGE + "._core"].IMPLEMENTATION != "pure":
        raise AssertionError("the second copy did not load the pure twin")
    return copy


def _remember_submodules():
    """Add the package's modules in sys.modules to the copy they belong
    to: submodules imported since that copy was taken (a test module's
    ``from backports.weakref import _pure``) are part of it."""
    now = _package_modules()
    for copy in _copies.values():
        if copy[PACKAGE] is now.get(PACKAGE):
            copy.update(now)


def modules(name):
    """The modules of the package copy running on core *name*, by name."""
    if name not in CORES:
        raise ValueError("no %s core here (cores: %s)" % (name, CORES))
    _remember_submodules()
    if name not in _copies:
        _copies[name] = _load_twin_copy()
    return _copies[name]


def package(name):
    """The ``backports.weakref`` module of core *name*."""
    return modules(name)[PACKAGE]


@contextlib.contextmanager
def active(name):
    """Within the block, ``backports.weakref`` in sys.modules (and as an
    attribute of ``backports``) is the copy running on core *name*."""
    wanted = modules(name)
    current = _package_modules()
    if current.get(PACKAGE) is wanted[PACKAGE]:
        yield wanted[PACKAGE]
        return
    for module_name in current:
        del sys.modules[module_name]
    sys.modules.update(wanted)
    backports.weakref = wanted[PACKAGE]
    try:
        yield wanted[PACKAGE]
    finally:
        _remember_submodules()
        for module_name in _package_modules():
            del sys.modules[module_name]
        sys.modules.update(current)
        backports.weakref = current[PACKAGE]


def counterparts(name):
    """``{id(obj): (obj, counterpart)}`` for each module of the imported
    copy and each object one of them holds (under a name without
    underscores at both ends), where core *name*'s copy holds another object
    under the same module and name: what a test module bound at import
    (``from backports.weakref import WeakSet``, ``extras``, ``_core``) means
    on that core. Empty for the imported core."""
    copy = modules(name)
    found = {}
    for module_name, module in modules(IMPORTED).items():
        other = copy.get(module_name)
        if other is None:
            continue
        pairs = [(module, other)] + [
            (value, getattr(other, attribute))
            for attribute, value in list(vars(module).items())
            if not (attribute.startswith("__") and attribute.endswith("__"))
            and hasattr(other, attribute)]
        for value, counterpart in pairs:
            if value is not counterpart:
                found[id(value)] = (value, counterpart)
    return found


def child_environ(name):
    """The variables a child interpreter (support.run_python's ``env``)
    needs to import ``backports.weakref`` on core *name*."""
    if name not in CORES:
        raise ValueError("no %s core here (cores: %s)" % (name, CORES))
    return {NO_EXTENSIONS_VARIABLE: "1" if name == "pure" else ""}


KINDS = ("WeakValueDictionary", "WeakKeyDictionary", "WeakSet")


def container_class(name, kind):
    """Our own container class *kind* (a name of KINDS) on core *name*:
    the one built on that core, even where the gate table gives the
    interpreter's own under the public name (3.14+)."""
    module = PACKAGE + ("._weakset" if kind == "WeakSet" else "._dicts")
    copy = modules(name)
    if module not in copy:
        # Not imported by the copy where the gates chose the interpreter's
        # own containers: imported into it now.
        with active(name):
            copy[module] = importlib.import_module(module)
    return getattr(copy[module], kind)

"""Which implementation of the weak containers' hot paths runs here, and why.

The public ``WeakValueDictionary``, ``WeakKeyDictionary`` and ``WeakSet``
(``_dicts``, ``_weakset``) derive from the three base classes this module
exports, taken from one of two twins with the same methods:

* the compiled core, ``_speedups`` (C, one source for CPython 2.7 and
  3.6 and later, free-threaded builds included), on CPython when it imports;
* the pure-Python twin, ``_pure``: on PyPy (whose JIT runs it at the
  stdlib's speed) and Jython (no C extensions), where the extension was not
  built (installed from the universal wheel, or from the sdist with no
  compiler), and wherever ``BACKPORTS_WEAKREF_NO_EXTENSIONS`` is set to
  anything but ``0`` or nothing.

The two behave alike: one test suite runs against each (the second time
with the variable set). ``python -m backports.weakref`` prints which one is
active and the reason; so do ``IMPLEMENTATION`` and ``REASON`` here.
"""
from __future__ import absolute_import

import os
from importlib import import_module

from . import _compat

# Set to anything but "" or "0": use the pure-Python twin even where the
# compiled core is installed.
NO_EXTENSIONS_VARIABLE = "BACKPORTS_WEAKREF_NO_EXTENSIONS"

# What the Python side expects of the compiled core: _speedups.c says the
# same number, and says another when its methods change. A core built from
# an older source (an in-place build left behind) is then not used.
CORE_API = 3


def _compiled_core():
    """(the _speedups module or None, why)."""
    if _compat.PYPY:
        return None, ("PyPy: its JIT runs the pure-Python twin at the "
                      "stdlib's speed; no compiled core is built for it")
    if _compat.JYTHON:
        return None, "Jython runs no C extensions"
    if os.environ.get(NO_EXTENSIONS_VARIABLE, "") not in ("", "0"):
        return None, "%s is set" % NO_EXTENSIONS_VARIABLE
    try:
        # (import_module: "from . import" would blame a circular import.)
        _speedups = import_module(__name__.rpartition(".")[0] + "._speedups")
    except ImportError as error:
        # Not installed (the universal wheel, or no compiler at install
        # time), or refused: its objects serve the interpreter that first
        # imported it, and a subinterpreter gets the twin.
        return None, "the compiled core did not import: %s" % error
    if getattr(_speedups, "CORE_API", None) != CORE_API:
        return None, ("the compiled core is from another version of the "
                      "source (CORE_API %r, expected %r): rebuild it"
                      % (getattr(_speedups, "CORE_API", None), CORE_API))
    return _speedups, "CPython, and the compiled core imported"


_speedups, REASON = _compiled_core()

if _speedups is not None:
    IMPLEMENTATION = "compiled"
    MODULE = _speedups.__name__
    WeakValueDictionaryBase = _speedups.WeakValueDictionaryBase
    WeakKeyDictionaryBase = _speedups.WeakKeyDictionaryBase
    WeakSetBase = _speedups.WeakSetBase
    from . import _pure
    _pure.UNCHANGED_ADDS.append(WeakSetBase.__dict__["add"])
else:
    from . import _pure
    IMPLEMENTATION = "pure"
    MODULE = _pure.__name__
    WeakValueDictionaryBase = _pure.WeakValueDictionaryBase
    WeakKeyDictionaryBase = _pure.WeakKeyDictionaryBase
    WeakSetBase = _pure.WeakSetBase

del _speedups


def describe():
    """One line: which implementation is active, from where, and why."""
    return "%s (%s): %s" % (IMPLEMENTATION, MODULE, REASON)

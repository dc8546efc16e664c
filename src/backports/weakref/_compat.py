"""Every difference between the interpreters we support, in one place.

Each flag says what an interpreter can or cannot do, with the reason on the
line above it. Modules test these flags, never ``sys.version_info`` or the
platform directly, so dropping an interpreter means editing this file.
"""
from __future__ import absolute_import

import sys

# Python 2 (CPython 2.7 and Jython 2.7): dict-likes return lists from keys(),
# values() and items(), and have iter*() and has_key().
PY2 = sys.version_info[0] == 2

# Jython runs weakref callbacks on a "reaper" thread some time after the JVM
# collector cleared the referent, and its weak containers are Java maps.
JYTHON = sys.platform.startswith("java")

# PyPy frees objects only at a collection, never at the last ``del``.
PYPY = "__pypy__" in sys.builtin_module_names

# Jython's collector is the JVM's: gc.disable() raises NotImplementedError.
GC_CAN_BE_DISABLED = not JYTHON

# CPython 3.10 is the first whose argument errors name the class
# ("finalize.__init__() missing ..."), which is what 3.14 prints; 3.10-3.13's
# finalize and WeakMethod are otherwise line-for-line 3.14's (checked by diff).
# PyPy words its argument errors its own way.
NATIVE_FINALIZE_IS_314 = sys.version_info >= (3, 10) and not PYPY and not JYTHON
NATIVE_WEAKMETHOD_IS_314 = NATIVE_FINALIZE_IS_314

# 3.4-3.9 and PyPy keep finalize's registry on the class: a subclass shares it,
# so stdlib and backport finalizers run at exit in one newest-first order.
# Python 2 and Jython have no finalize at all.
HAS_NATIVE_FINALIZE = not PY2

# Python 2 and Jython have no WeakMethod.
HAS_NATIVE_WEAKMETHOD = not PY2

# Jython's repr() of a weakref.ref subclass is object's generic one
# ("<__main__.R object at 0x2>"), not "<weakref at ...; to ...>".
REF_SUBCLASS_REPR_IS_GENERIC = JYTHON

# Python 2's unbound methods have __self__ None and __func__ set; 3.x has no
# unbound methods (they are plain functions).
UNBOUND_METHODS_EXIST = PY2


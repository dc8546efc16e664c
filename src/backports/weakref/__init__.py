"""CPython 3.14's ``weakref`` module, on every Python still in use.

``from backports import weakref`` is a drop-in for ``import weakref`` as
CPython 3.14 has it. Each public name below is either the running
interpreter's own object, where that already behaves as 3.14's, or ours.
This file is the gate table: it only decides, and re-exports.
"""
from __future__ import absolute_import

import weakref as _stdlib

from . import _compat

__version__ = "2.0.0"

__all__ = ["ref", "proxy", "getweakrefcount", "getweakrefs",
           "WeakKeyDictionary", "ReferenceType", "ProxyType",
           "CallableProxyType", "ProxyTypes", "WeakValueDictionary",
           "WeakSet", "WeakMethod", "finalize"]

# name -> why it is the native object or ours on this interpreter;
# `python -m backports.weakref` prints it, the tests check it.
_REASONS = {}

# The reference types themselves are C code (Java on Jython) that every
# interpreter already implements as 3.14 does; which objects may be
# referenced at all is each interpreter's own rule.
ref = _stdlib.ref
proxy = _stdlib.proxy
getweakrefcount = _stdlib.getweakrefcount
getweakrefs = _stdlib.getweakrefs
ReferenceType = _stdlib.ReferenceType
ProxyType = _stdlib.ProxyType
CallableProxyType = _stdlib.CallableProxyType
ProxyTypes = _stdlib.ProxyTypes
for _name in ("ref", "proxy", "getweakrefcount", "getweakrefs",
              "ReferenceType", "ProxyType", "CallableProxyType",
              "ProxyTypes"):
    _REASONS[_name] = "the interpreter's own reference machinery"
del _name

# Containers. No release before 3.14 iterates a snapshot (gh-89967,
# gh-123089, not backported to 3.13.x): ours there. 3.14's own weak dicts
# are what we backport (see _compat.NATIVE_WEAKDICTS_ARE_314); 3.14's WeakSet
# still shares its underlying set with copy.copy() (gh-74876) and does not
# pickle, so ours stays everywhere.
if _compat.NATIVE_WEAKDICTS_ARE_314:
    KeyedRef = _stdlib.KeyedRef
    WeakKeyDictionary = _stdlib.WeakKeyDictionary
    WeakValueDictionary = _stdlib.WeakValueDictionary
    _REASONS["KeyedRef"] = "the interpreter's KeyedRef is 3.14's"
    for _name in ("WeakKeyDictionary", "WeakValueDictionary"):
        _REASONS[_name] = ("3.14's own: snapshot iteration, exact len, "
                           "stale-callback fixes")
else:
    from ._dicts import KeyedRef, WeakKeyDictionary, WeakValueDictionary
    _REASONS["KeyedRef"] = (
        "3.14's repr (subclassing the interpreter's own)"
        if _compat.REF_SUBCLASS_REPR_IS_GENERIC else
        "the interpreter's KeyedRef is 3.14's")
    for _name in ("WeakKeyDictionary", "WeakValueDictionary"):
        _REASONS[_name] = ("3.14's snapshot iteration (gh-89967, gh-123089), "
                           "exact len, stale-callback fixes (bpo-28427, "
                           "bpo-44962)")
del _name
from ._weakset import WeakSet
_REASONS["WeakSet"] = (
    ("copies independent of the original (gh-74876, still open in 3.14) "
     "and pickling, which 3.14's WeakSet lacks")
    if _compat.NATIVE_WEAKDICTS_ARE_314 else
    ("3.14's snapshot iteration (gh-89967), exact len; "
     "copies independent of the original (gh-74876)"))

if _compat.NATIVE_FINALIZE_IS_314:
    finalize = _stdlib.finalize
    _REASONS["finalize"] = "3.10+ has 3.14's finalize, messages included"
else:
    from ._finalize import finalize
    _REASONS["finalize"] = (
        "3.14's positional-only obj/func and its argument errors "
        "(subclassing the stdlib's, so one exit order)"
        if _compat.HAS_NATIVE_FINALIZE else
        "no finalize in this interpreter's weakref")

if _compat.NATIVE_WEAKMETHOD_IS_314:
    WeakMethod = _stdlib.WeakMethod
    _REASONS["WeakMethod"] = "3.10+ has 3.14's WeakMethod, messages included"
else:
    from ._method import WeakMethod
    _REASONS["WeakMethod"] = (
        "3.14's == returning NotImplemented (bpo-37685) and argument errors"
        if _compat.HAS_NATIVE_WEAKMETHOD else
        "no WeakMethod in this interpreter's weakref")


def _origin(name):
    """'native' when *name* is the interpreter's own object, else 'ours'."""
    native = getattr(_stdlib, name, None)
    return "native" if globals()[name] is native else "ours"

"""The newest CPython's ``weakref`` module, on every Python still in use.

``from backports import weakref`` is a drop-in for ``import weakref`` as the
newest CPython release has it (``_specification.NEWEST``). Each public name
below is either the running interpreter's own object, where that already
behaves as the newest's, or ours. This file is the gate table: it only
decides, and re-exports.
"""
from __future__ import absolute_import

import weakref as _stdlib
from importlib import import_module as _import_module

from . import _compat

__version__ = "2.0.0"

# The newest CPython's weakref.__all__, in its order; whatever else the
# running interpreter's own weakref exports is appended below.
__all__ = ["ref", "proxy", "getweakrefcount", "getweakrefs",
           "WeakKeyDictionary", "ReferenceType", "ProxyType",
           "CallableProxyType", "ProxyTypes", "WeakValueDictionary",
           "WeakSet", "WeakMethod", "finalize"]

# For each name we may replace: the behaviours of the newest CPython's that
# the interpreter's own object must have to be used, each a flag of _compat
# and what it means. All true: native. `python -m backports.weakref` prints
# the verdict and its reason; tests/test_gates.py checks it, and the
# container tests' stdlib leg checks the flags (tests/containers_impl.py).
_SNAPSHOTS = (_compat.NATIVE_CONTAINERS_ITERATE_SNAPSHOTS,
              "iteration over a snapshot (gh-89967, gh-123089) and an "
              "exact len")
_GENERIC = (_compat.NATIVE_CLASSES_ARE_GENERIC, "Class[T] (bpo-39481)")
_ARGUMENT_ERRORS = (_compat.NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS,
                    "argument errors in the newest's words")
_WEAK_DICT_FIXES = [
    (_compat.NATIVE_WEAK_DICTS_HAVE_UNION, "| and |= (bpo-36144)"),
    (_compat.NATIVE_WEAK_DICT_COPIES_SURVIVE_DEATHS,
     "copies made while entries die (bpo-35615)"),
    (_compat.NATIVE_STALE_CALLBACKS_ARE_QUIET,
     "silence from callbacks of entries already gone (bpo-44962)"),
    (_compat.NATIVE_WEAK_DICTS_PICKLE,
     "pickling, as its live items (ours, as our WeakSet: one rule for "
     "the three containers on every interpreter)"),
]
_GATES = {
    "KeyedRef": [
        (not _compat.REF_SUBCLASS_REPR_IS_GENERIC,
         "a ref's repr (Jython prints ref subclasses as plain objects)"),
    ],
    "WeakValueDictionary": [_SNAPSHOTS] + _WEAK_DICT_FIXES + [
        (_compat.NATIVE_WEAKVALUEDICT_SETDEFAULT_INSERTS_ONCE,
         "an insert-once setdefault() (one value per key for racing "
         "threads)"),
        _GENERIC, _ARGUMENT_ERRORS],
    "WeakKeyDictionary": [_SNAPSHOTS] + _WEAK_DICT_FIXES + [
        (_compat.NATIVE_WEAKKEYDICT_UPDATE_REFUSES_KEYWORDS,
         "update(**kwargs) refused before anything is stored"),
        (_compat.NATIVE_WEAKKEYDICT_SETDEFAULT_INSERTS_ONCE,
         "an insert-once setdefault() (one dict.setdefault call)"),
        _GENERIC, _ARGUMENT_ERRORS],
    "WeakSet": [
        _SNAPSHOTS,
        (_compat.NATIVE_WEAKSET_COPIES_ARE_INDEPENDENT,
         "copy.copy() independent of the original (gh-74876, still open "
         "upstream: we stay right)"),
        (_compat.NATIVE_WEAKSET_DEEPCOPIES_ARE_INDEPENDENT,
         "copy.deepcopy() independent of the original"),
        (_compat.NATIVE_WEAKSET_PICKLES, "pickling"),
        (_compat.NATIVE_WEAKSET_POP_HIDES_CONTEXT,
         "pop() raising KeyError from None"),
        (_compat.NATIVE_WEAKSET_REPR_SHOWS_MEMBERS,
         "a repr that shows the members"),
        (_compat.NATIVE_WEAKSET_IS_A_MUTABLE_SET,
         "registration as a MutableSet (bpo-38761)"),
        _GENERIC, _ARGUMENT_ERRORS],
    "finalize": [
        (_compat.NATIVE_FINALIZE_OBJ_FUNC_ARE_POSITIONAL_ONLY,
         "positional-only obj and func (keywords of those names reach "
         "the callback)"),
        _ARGUMENT_ERRORS],
    "WeakMethod": [
        (_compat.NATIVE_WEAKMETHOD_EQ_DEFERS_TO_OTHER_TYPES,
         "== returning NotImplemented for other types (bpo-37685)"),
        (_compat.REF_INIT_SAYS_TAKES_NO_KEYWORD_ARGUMENTS,
         "ref's own refusal of keywords, in the newest's words"),
        _GENERIC, _ARGUMENT_ERRORS],
}


def _native(name):
    """Whether the interpreter has its own *name* with every behaviour its
    gate asks for."""
    return hasattr(_stdlib, name) and all(present
                                          for present, _ in _GATES[name])


# The reference types themselves are C code (Java on Jython) that every
# interpreter implements as the newest does; which objects may be
# referenced at all is each interpreter's own rule.
_MACHINERY = ("ref", "proxy", "getweakrefcount", "getweakrefs",
              "ReferenceType", "ProxyType", "CallableProxyType", "ProxyTypes")

ref = _stdlib.ref
proxy = _stdlib.proxy
getweakrefcount = _stdlib.getweakrefcount
getweakrefs = _stdlib.getweakrefs
ReferenceType = _stdlib.ReferenceType
ProxyType = _stdlib.ProxyType
CallableProxyType = _stdlib.CallableProxyType
ProxyTypes = _stdlib.ProxyTypes

# Where ours lives, for each name the gates decide. Where the interpreter
# has its own finalize or WeakMethod, ours subclasses it: isinstance() and
# == work across the two, and both kinds of finalizer share one registry and
# run at exit in one newest-first order.
_OURS = {
    "KeyedRef": "._compat.jython",
    "WeakValueDictionary": "._dicts",
    "WeakKeyDictionary": "._dicts",
    "WeakSet": "._weakset",
    "finalize": "._finalize",
    "WeakMethod": "._method",
}
for _name in sorted(_OURS):
    globals()[_name] = (getattr(_stdlib, _name) if _native(_name) else
                        getattr(_import_module(_OURS[_name], __name__), _name))

# A drop-in keeps what the interpreter's own weakref offers besides the
# newest's names: Python 2's exports ReferenceError.
for _name in getattr(_stdlib, "__all__", ()):
    if _name not in __all__:
        globals()[_name] = getattr(_stdlib, _name)
        __all__.append(_name)
del _name


def _origin(name):
    """'native' when *name* is the interpreter's own object, else 'ours'."""
    native = getattr(_stdlib, name, None)
    return "native" if globals()[name] is native else "ours"


def _reason(name):
    """Why *name* is what it is on this interpreter, in one line."""
    if name in _MACHINERY:
        return "the interpreter's own reference machinery"
    gate = _GATES.get(name)
    if gate is None:
        return "exported by the interpreter's own weakref too"
    if not hasattr(_stdlib, name):
        return "the interpreter's weakref has no %s" % name
    if _native(name):
        return "the interpreter's own has " + "; ".join(
            behaviour for _, behaviour in gate)
    return "the interpreter's own lacks " + "; ".join(
        behaviour for present, behaviour in gate if not present)

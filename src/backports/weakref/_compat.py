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

# CPython 3.14's WeakKeyDictionary and WeakValueDictionary are what ours
# backport: snapshot iteration (gh-89967, gh-123089), exact len, the stale
# callback fixes; pointed at them, our container tests pass but for one
# wording: ours adds "keyword argument 'name'" to the TypeError of
# WeakKeyDictionary.update(name=...), where 3.14 says only "cannot create weak
# reference to 'str' object". That is 3.14's own behaviour, so 3.14 keeps its
# own classes (isinstance and pickles agree with `import weakref`). 3.14's
# WeakSet still shares its set with copy.copy() (gh-74876) and does not
# pickle: ours stays there.
NATIVE_WEAKDICTS_ARE_314 = sys.version_info >= (3, 14) and not PYPY and not JYTHON

# 3.4-3.9 and PyPy keep finalize's registry on the class: a subclass shares it,
# so stdlib and backport finalizers run at exit in one newest-first order.
# Python 2 and Jython have no finalize at all.
HAS_NATIVE_FINALIZE = not PY2

# Python 2 and Jython have no WeakMethod.
HAS_NATIVE_WEAKMETHOD = not PY2

# Jython's repr() of a weakref.ref subclass is object's generic one
# ("<__main__.R object at 0x2>"), not "<weakref at ...; to ...>".
REF_SUBCLASS_REPR_IS_GENERIC = JYTHON

# Jython's ref.__eq__ calls == on the refs again, so a subclass's __eq__ that
# defers to it recurses without end.
REF_EQ_DISPATCHES_TO_SUBCLASS = JYTHON

# Jython's ref.__hash__ applied to a subclass's instance hashes the ref
# itself, not its referent as CPython does.
REF_SUBCLASS_HASH_IS_IDENTITY = JYTHON

# ref.__init__ refuses keywords in 3.14's words ("ref() takes no keyword
# arguments") from CPython 3.7; 2.7 and 3.6 say "does not take", PyPy names
# the keyword, Jython accepts it.
REF_INIT_REFUSES_KEYWORDS_AS_314 = (sys.version_info >= (3, 7) and not PYPY
                                    and not JYTHON)

# Python 2's unbound methods have __self__ None and __func__ set; 3.x has no
# unbound methods (they are plain functions).
UNBOUND_METHODS_EXIST = PY2


# Python 2's bound methods also record the class they were looked up on, and
# print "?" in their repr when rebuilt without it.
METHODS_RECORD_CLASS = PY2

# CPython (2.7.14+, 3.6+) removes a dead WeakValueDictionary entry atomically
# in C (bpo-28427); PyPy and Jython lack _weakref._remove_dead_weakref.
HAS_REMOVE_DEAD_WEAKREF = not PYPY and not JYTHON

# PyPy's __pypy__.delitem_if_value_is deletes an entry only if it still holds
# the given value, atomically: what its own weakref module builds upon.
HAS_DELITEM_IF_VALUE_IS = PYPY

# On Jython a referent is cleared at a collection but its callback runs later,
# on the reaper thread: a dead entry can outlive gc.collect(), so containers
# drop dead entries themselves before answering len() or comparing.
CALLBACKS_ARE_DEFERRED = JYTHON

# types.GenericAlias (what `WeakSet[int]` returns) exists from 3.9 (bpo-39481).
HAS_GENERIC_ALIAS = sys.version_info >= (3, 9)

# __class_getitem__ (PEP 560) exists from 3.7; before it, `Class[...]` needs a
# metaclass with __getitem__.
HAS_CLASS_GETITEM = sys.version_info >= (3, 7)


def register_exit_hook(func):
    """Have *func* called once the program ends (it must be idempotent)."""
    import atexit
    atexit.register(func)
    if JYTHON:
        # Jython 2.7.3 calls atexit functions only when the program ends with
        # SystemExit, not when it falls off the end: a JVM hook covers that.
        from java.lang import Runtime, Thread
        Runtime.getRuntime().addShutdownHook(Thread(func))

# Jython's dict and set compare weakrefs by identity (their Java equals()),
# not by referent as CPython does: WeakKeyDictionary keys and WeakSet members
# go through a Python-level stand-in there.
REFS_ARE_IDENTITY_KEYS = JYTHON

# CPython 3.6+ and PyPy3 keep a dict's insertion order; Python 2 (CPython and
# Jython) does not, so ordered weak collections number their entries there.
DICTS_KEEP_INSERTION_ORDER = not PY2

# os.fork() exists on POSIX CPython and PyPy; Jython's JVM cannot fork.
CAN_FORK = hasattr(__import__("os"), "fork") and not JYTHON

# Jython's dict.pop(key, default) checks for the key, then removes it: when
# another thread removes it in between, pop returns Java null, which then
# reads as an unbound local. Pops that can race go through one lock there,
# and so do stores that can race the reaper's removal of a dead entry.
DICT_POP_CAN_RACE = JYTHON


def ref_repr(reference, referent):
    """``repr()`` of a ref to *referent* (None once dead) as 3.14 words it,
    for interpreters that print a ref subclass's instances as plain objects
    (REF_SUBCLASS_REPR_IS_GENERIC). Like 3.13+, the referent's type is
    qualified by its module, except for builtins and __main__."""
    if referent is None:
        return "<weakref at %#x; dead>" % id(reference)
    cls = type(referent)
    name = getattr(cls, "__qualname__", cls.__name__)
    if cls.__module__ not in ("builtins", "__builtin__", "__main__"):
        name = "%s.%s" % (cls.__module__, name)
    return "<weakref at %#x; to '%s' at %#x>" % (id(reference), name,
                                                 id(referent))

"""Every difference between the interpreters we support: flags here, shims
beside them.

Each flag names a behaviour, never a version, with its reason on the line
above. The rest of the package tests these flags, never ``sys.version_info``
or the platform. What an interpreter needs beyond a flag lives in the module
of this package named after it: ``jython`` (Jython 2.7), ``py2`` (CPython 2.7
and Jython) and ``py38`` (everything before 3.9), each imported only where
its flag says so. Dropping an interpreter is deleting its module, its flags
and the few imports that name it.

The flags that decide whether a public name is the interpreter's own object
(the ``NATIVE_*`` ones) are facts about the interpreter's ``weakref``
measured against the newest CPython's (``_specification.NEWEST``): when a
new release changes a behaviour, a new flag names the change, and the gate
of each name it touches requires it.
"""
from __future__ import absolute_import

import sys

# -- which interpreter this is ----------------------------------------------

# Python 2 (CPython 2.7 and Jython): dict-likes return lists from keys(),
# values() and items(), and have iter*(), has_key() and cmp().
PY2 = sys.version_info[0] == 2

# Jython runs weakref callbacks on a "reaper" thread some time after the JVM
# collector cleared the referent, and its weak containers are Java maps.
JYTHON = sys.platform.startswith("java")

# PyPy frees objects only at a collection, never at the last ``del``.
PYPY = "__pypy__" in sys.builtin_module_names

# CPython: the interpreter whose weakref.py is the specification.
CPYTHON = not PYPY and not JYTHON

# A CPython built without a GIL (3.13t and later). _sysconfig is built in
# from 3.13, where such builds began; sysconfig itself costs milliseconds.
try:
    from _sysconfig import config_vars as _config_vars
except ImportError:
    FREE_THREADED = False
else:
    FREE_THREADED = bool(_config_vars().get("Py_GIL_DISABLED"))
    del _config_vars

# Jython's dict and set are Java concurrent maps: a list made of one while
# another thread removes and re-adds an entry can hold that entry twice; a
# copy, a new map, holds each key once. The twin's snapshots copy there.
LISTS_OF_A_CHANGING_DICT_REPEAT = JYTHON

# Two threads resuming one generator at once crash a free-threaded CPython
# before 3.15 (gh-120321), and on Jython repeat an item or break the frame,
# instead of raising "generator already executing": the twin's iterators are
# guarded there (shared_generators).
GENERATORS_BREAK_WHEN_SHARED = ((FREE_THREADED and sys.version_info < (3, 15))
                                or JYTHON)

# Free-threaded 3.13's collector (3.13.5t here; no 3.14t can be built here),
# under threads churning weak references, now and then calls a queued
# callback through a null pointer, with the stdlib's containers as with ours
# (docs/interpreters.md): the tests allow that crash, and only that one.
COLLECTOR_CRASHES_UNDER_CHURN = FREE_THREADED and sys.version_info < (3, 14)

# -- the interpreter's own weakref, against the newest CPython's --------------

# Python 2 and Jython have neither finalize nor WeakMethod.
HAS_NATIVE_FINALIZE = not PY2
HAS_NATIVE_WEAKMETHOD = not PY2

# finalize(obj, func, /, *args, **kwargs): from CPython 3.9 obj and func are
# positional-only, so keywords named obj, func or self reach the callback.
NATIVE_FINALIZE_OBJ_FUNC_ARE_POSITIONAL_ONLY = sys.version_info >= (3, 9)

# From CPython 3.10 and PyPy 3.11, argument errors name the class
# ("finalize.__init__() missing ..."), as the newest does; PyPy 3.9 words
# them its own way.
NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS = (
    sys.version_info >= (3, 10) if CPYTHON else
    PYPY and sys.version_info >= (3, 11))

# WeakMethod.__eq__ returns NotImplemented for other types from 3.9
# (bpo-37685); before, it answered False itself.
NATIVE_WEAKMETHOD_EQ_DEFERS_TO_OTHER_TYPES = sys.version_info >= (3, 9)

# From 3.9, `WeakSet[int]` and the others give a types.GenericAlias
# (bpo-39481), and the weak dicts have | and |= (bpo-36144).
NATIVE_CLASSES_ARE_GENERIC = sys.version_info >= (3, 9)
NATIVE_WEAK_DICTS_HAVE_UNION = sys.version_info >= (3, 9)

# Copying a weak dict while the collector kills its entries no longer
# raises from 3.7.3 (bpo-35615); a callback for an entry already gone no
# longer prints KeyError noise from 3.9.7 (bpo-44962).
NATIVE_WEAK_DICT_COPIES_SURVIVE_DEATHS = sys.version_info >= (3, 7, 3)
NATIVE_STALE_CALLBACKS_ARE_QUIET = sys.version_info >= (3, 9, 7)

# CPython 3.14's weak containers iterate a snapshot (gh-89967, gh-123089),
# with an exact len() and no pending-removal machinery. PyPy's weakref.py is
# its own copy of an older release's.
NATIVE_CONTAINERS_ITERATE_SNAPSHOTS = CPYTHON and sys.version_info >= (3, 14)

# From CPython 3.15, WeakKeyDictionary.update() refuses keyword arguments
# with a TypeError of its own before storing anything; 3.14 stored the
# mapping given by position, then failed on the first keyword's weak
# reference.
NATIVE_WEAKKEYDICT_UPDATE_REFUSES_KEYWORDS = (CPYTHON and
                                              sys.version_info >= (3, 15))

# No CPython release's WeakValueDictionary.setdefault() inserts once: it
# looks the key up, then stores, so threads racing on one key (without the
# GIL, or switched between the two steps with it) each store and return
# their own default (3.15.2's Lib/weakref.py; gh-150708 asks for it).
# WeakKeyDictionary's is one dict.setdefault() call: insert-once already.
NATIVE_WEAKVALUEDICT_SETDEFAULT_INSERTS_ONCE = False
NATIVE_WEAKKEYDICT_SETDEFAULT_INSERTS_ONCE = CPYTHON

# Every CPython's copy.copy() of a WeakSet shares the underlying set with
# the original (gh-74876, open), and so does its copy.deepcopy(); neither
# pickles a WeakSet. PyPy's deep copies are independent; Jython's WeakSet, a
# Java set, copies and pickles as a set does.
NATIVE_WEAKSET_COPIES_ARE_INDEPENDENT = JYTHON
NATIVE_WEAKSET_DEEPCOPIES_ARE_INDEPENDENT = PYPY or JYTHON
NATIVE_WEAKSET_PICKLES = JYTHON

# No CPython's or PyPy's own weak dict pickles (the removal callback is a
# local function); Jython's, Java maps, pickle as their items. Ours do, as
# our WeakSet does, so that a program that pickles one works everywhere.
NATIVE_WEAK_DICTS_PICKLE = JYTHON

# WeakSet.pop() on an empty set hides the set's own KeyError from 3.7,
# shows its members in its repr from 3.8, and is registered as a MutableSet
# from 3.9 (bpo-38761).
NATIVE_WEAKSET_POP_HIDES_CONTEXT = sys.version_info >= (3, 7)
NATIVE_WEAKSET_REPR_SHOWS_MEMBERS = sys.version_info >= (3, 8)
NATIVE_WEAKSET_IS_A_MUTABLE_SET = sys.version_info >= (3, 9)

# -- how the interpreter's references behave -----------------------------------

# Jython's repr() of a weakref.ref subclass is object's generic one
# ("<__main__.R object at 0x2>"), not "<weakref at ...; to ...>".
REF_SUBCLASS_REPR_IS_GENERIC = JYTHON

# Jython's ref.__eq__ calls == on the refs again, so a subclass's __eq__ that
# defers to it recurses without end.
REF_EQ_DISPATCHES_TO_SUBCLASS = JYTHON

# Jython's ref.__hash__ applied to a subclass's instance hashes the ref
# itself, not its referent as CPython does.
REF_SUBCLASS_HASH_IS_IDENTITY = JYTHON

# Jython's dict and set compare weakrefs by identity (their Java equals()),
# not by referent: weak keys and members need a Python-level stand-in there.
REFS_ARE_IDENTITY_KEYS = JYTHON

# ref.__init__ refuses keywords with "ref() takes no keyword arguments" from
# CPython 3.7; 2.7 and 3.6 say "does not take", PyPy names the keyword,
# Jython accepts them.
REF_INIT_SAYS_TAKES_NO_KEYWORD_ARGUMENTS = (CPYTHON and
                                            sys.version_info >= (3, 7))

# On Jython a referent is cleared at a collection but its callback runs
# later, on the reaper thread: a dead entry can outlive gc.collect(), so
# containers drop dead entries themselves before they count or compare.
CALLBACKS_ARE_DEFERRED = JYTHON

# -- the rest of the language and runtime ----------------------------------------

# Free-threaded CPython 3.13's dict.get() takes the dict's lock, about 7 us
# from a thread that does not own the dict, where d[k] is lock-free
# (gh-112075; 3.14 dropped the lock, PR #129336): look up with d[k] there.
DICT_GET_IS_SLOW_FROM_OTHER_THREADS = (FREE_THREADED and
                                       sys.version_info[:2] == (3, 13))

# Python 2's unbound methods have __self__ None and __func__ set; 3.x has
# none (Class.method is the function).
UNBOUND_METHODS_EXIST = PY2

# Python 2's bound methods also record the class they were looked up on.
METHODS_RECORD_CLASS = PY2

# CPython removes a dead WeakValueDictionary entry atomically in C
# (bpo-28427); PyPy 3.9 and Jython lack _weakref._remove_dead_weakref
# (PyPy 3.11 has one, and PyPy's atomic delitem_if_value_is serves both).
HAS_REMOVE_DEAD_WEAKREF = CPYTHON

# PyPy's __pypy__.delitem_if_value_is deletes an entry only while it still
# holds the given value, atomically.
HAS_DELITEM_IF_VALUE_IS = PYPY

# Jython's dict.pop(key, default) checks for the key, then removes it: when
# another thread removes it in between, pop returns Java null. Pops that can
# race take one lock there, and so do stores that can race the reaper.
DICT_POP_CAN_RACE = JYTHON

# Jython's collector is the JVM's: gc.disable() raises NotImplementedError.
GC_CAN_BE_DISABLED = not JYTHON

# Jython 2.7.3 runs atexit functions only when the program ends with
# SystemExit, not when it falls off the end.
ATEXIT_NEEDS_A_JVM_HOOK = JYTHON

# types.GenericAlias, what `WeakSet[int]` gives, exists from 3.9 (bpo-39481).
HAS_GENERIC_ALIAS = sys.version_info >= (3, 9)

# __class_getitem__ (PEP 560) exists from 3.7; before it, `Class[...]`
# needs a metaclass with __getitem__.
HAS_CLASS_GETITEM = sys.version_info >= (3, 7)

# CPython 3.6+ and PyPy3 keep a dict's insertion order; Python 2 does not.
DICTS_KEEP_INSERTION_ORDER = not PY2

# time.monotonic() exists from 3.3; Python 2's clock is time.time().
HAS_MONOTONIC_CLOCK = hasattr(__import__("time"), "monotonic")

# os.fork() exists on POSIX CPython and PyPy; Jython's JVM cannot fork.
CAN_FORK = hasattr(__import__("os"), "fork") and not JYTHON

# A lock that any thread may release: _thread's (thread's on Python 2).
# Jython's threading.Lock is a Java ReentrantLock, which only its owner
# may release (IllegalMonitorStateException).
try:
    from _thread import allocate_lock as allocate_raw_lock
except ImportError:
    from thread import allocate_lock as allocate_raw_lock

# os.register_at_fork() exists from 3.7 (and PyPy3): before it, a child
# made by fork() knows it is one only by its pid.
CAN_REGISTER_AT_FORK = hasattr(__import__("os"), "register_at_fork")


# -- for the shims ----------------------------------------------------------------

def defined_attribute(cls, name):
    """*name* as the nearest class in *cls*'s MRO defines it, unbound: a
    method the public classes inherit from the core's base class."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise AttributeError(name)

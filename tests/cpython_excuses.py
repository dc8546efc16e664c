"""The CPython tests we excuse, where, and why: the one table of them.

An excused test still runs against backports.weakref, as a strict expected
failure: if it starts passing, the run fails and the entry must go. Each
entry has a kind:

OUTSIDE  the test fails for a reason outside us (the interpreter frees
         objects only at a collection, the test reads C-level facts, uses a
         newer Python than the one running it, ...). It must fail against the
         interpreter's own weakref too: test_cpython_suite.py runs it there.
DESIGN   a backport cannot do what the test asks by its nature (be the
         module named ``weakref``). Passes on the stdlib by definition.
UPSTREAM we are right and upstream is wrong: a deliberate, documented
         departure from CPython, with the CPython issue that tracks it.

Library bugs (a test failing because backports.weakref does not yet do what
the newest CPython does) are never excused here: they fail the run.

Entries match test ids ``module.Class.method`` (fnmatch patterns) and say to
which interpreters (a predicate over an Interpreter) and which suites (a
predicate over the release tuple, e.g. (3, 15)) they apply.
"""
from __future__ import absolute_import

import collections
import fnmatch
import platform
import sys
import sysconfig

OUTSIDE = "outside us"
DESIGN = "by design"
UPSTREAM = "upstream wrong"
KINDS = (OUTSIDE, DESIGN, UPSTREAM)


class Interpreter(collections.namedtuple(
        "Interpreter", "implementation version free_threaded")):
    """What an excuse's predicate may look at."""

    @classmethod
    def running(cls):
        implementation = getattr(sys, "implementation", None)
        name = implementation.name if implementation else (
            "jython" if sys.platform.startswith("java") else "cpython")
        return cls(name, tuple(sys.version_info[:3]),
                   bool(sysconfig.get_config_var("Py_GIL_DISABLED")))

    @property
    def cpython(self):
        return self.implementation == "cpython"

    @property
    def pypy(self):
        return self.implementation == "pypy"

    def label(self):
        """e.g. "CPython 3.11.7", "CPython 3.13.5 free-threaded",
        "PyPy 3.9.16 (7.3.11)"."""
        version = ".".join(str(part) for part in self.version)
        if self.pypy:
            pypy = getattr(sys, "pypy_version_info", None)
            return "PyPy %s (%s)" % (version, ".".join(
                str(part) for part in pypy[:3]) if pypy else "?")
        text = "%s %s" % (platform.python_implementation(), version)
        if self.free_threaded:
            enabled = getattr(sys, "_is_gil_enabled", lambda: False)()
            text += " free-threaded" + (" (GIL enabled)" if enabled else "")
        return text


class Excuse(collections.namedtuple(
        "Excuse", "pattern applies kind reason suites issue")):
    """One entry; see the module docstring."""

    def matches(self, test_id, release, interpreter):
        return (fnmatch.fnmatchcase(test_id, self.pattern)
                and self.suites(release) and self.applies(interpreter))


def excuse(pattern, applies, kind, reason, suites=lambda release: True,
           issue=None):
    if kind not in KINDS:
        raise ValueError("unknown kind %r" % (kind,))
    if (kind == UPSTREAM) != (issue is not None):
        raise ValueError("an upstream-wrong excuse, and only that, names the "
                         "upstream issue: %s" % pattern)
    return Excuse(pattern, applies, kind, reason, suites, issue)


def everywhere(interpreter):
    return True


def pypy(interpreter):
    return interpreter.pypy


def before_dict_union(interpreter):
    """No ``dict | dict`` (PEP 584 came in 3.9)."""
    return interpreter.version < (3, 9)


def reference_types_in_builtins(interpreter):
    """ref, proxy and callable proxy say ``__module__ == 'builtins'``:
    CPython before 3.9, PyPy before 3.11."""
    return interpreter.version < ((3, 9) if interpreter.cpython else (3, 11))


EXCUSES = [
    excuse("test_weakref.MappingTestCase.test_weak_*_union_operators",
           before_dict_union, OUTSIDE,
           "the test builds its expected results with dict | dict, which "
           "this Python lacks (PEP 584, 3.9)"),
    excuse("test_weakref.MappingTestCase.test_weak_*_union_operators",
           lambda interpreter: interpreter.pypy
           and not before_dict_union(interpreter), OUTSIDE,
           "death at del: after `del o1` the test expects the entry gone "
           "with no collection; PyPy frees objects only at a collection"),
    excuse("test_weakref.MappingTestCase.test_weak_*_len_race", pypy,
           OUTSIDE, "PyPy's gc module has no get_threshold()/set_threshold()"),
    excuse("test_weakset.TestWeakSet.test_len_race", pypy, OUTSIDE,
           "PyPy's gc module has no get_threshold()/set_threshold()"),
    excuse("test_weakref.ModuleTestCase.test_names",
           reference_types_in_builtins, OUTSIDE,
           "the interpreter's reference types have __module__ 'builtins', "
           "which the test checks before it reaches our classes"),
    # The weak dicts are ours on every interpreter (no CPython's own
    # pickles), and the WeakSet too.
    excuse("test_weakref.ModuleTestCase.test_names",
           lambda interpreter: not reference_types_in_builtins(interpreter),
           DESIGN,
           "the test wants __module__ 'weakref'; our classes say "
           "'backports.weakref', so reprs and pickles name the module "
           "that holds them"),
]


def find(test_id, release, interpreter, table=None):
    """The entries that excuse *test_id* of suite *release* here."""
    return [entry for entry in (EXCUSES if table is None else table)
            if entry.matches(test_id, release, interpreter)]

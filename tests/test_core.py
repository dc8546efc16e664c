"""The compiled core and its pure-Python twin: which one is active and why,
that the environment variable switches, and that the two behave alike.

The container tests run on both cores in one process (conftest.py, with
tests/cores.py's second copy of the package on the twin); these tests check
the switch itself, and compare the two side by side, case by case.
BACKPORTS_WEAKREF_EXPECT_CORE=compiled (or pure), which the matrix sets,
makes a silent fallback of the imported package fail here.
"""
from __future__ import absolute_import

import os

import pytest

import backports.weakref
import cores
import twin_cases
from backports.weakref import _compat, _core, _pure
import support
from support import run_python

try:
    from backports.weakref import _speedups
except ImportError:
    _speedups = None

VARIABLE = _core.NO_EXTENSIONS_VARIABLE

BASES = ["WeakValueDictionaryBase", "WeakKeyDictionaryBase", "WeakSetBase"]
PUBLIC = {"WeakValueDictionaryBase": "WeakValueDictionary",
          "WeakKeyDictionaryBase": "WeakKeyDictionary",
          "WeakSetBase": "WeakSet"}

needs_compiled = pytest.mark.skipif(
    _speedups is None, reason="the compiled core is not built here")


def child_implementation(value):
    env = {VARIABLE: value} if value is not None else {}
    if value is None:
        env[VARIABLE] = ""
    rc, out, err = run_python(
        "from backports.weakref import _core; print(_core.IMPLEMENTATION); "
        "print(_core.REASON)", env=env)
    assert rc == 0, err
    return out.splitlines()


def test_the_active_implementation_and_its_reason():
    assert _core.IMPLEMENTATION in ("compiled", "pure")
    variable_set = os.environ.get(VARIABLE, "") not in ("", "0")
    if not _compat.CPYTHON or variable_set or _speedups is None:
        assert _core.IMPLEMENTATION == "pure"
        assert _core.MODULE == "backports.weakref._pure"
    else:
        assert _core.IMPLEMENTATION == "compiled"
        assert _core.MODULE == "backports.weakref._speedups"
    if variable_set:
        assert _core.REASON == VARIABLE + " is set"
    assert _core.describe() == "%s (%s): %s" % (
        _core.IMPLEMENTATION, _core.MODULE, _core.REASON)


def test_the_implementation_the_matrix_expects():
    expected = os.environ.get("BACKPORTS_WEAKREF_EXPECT_CORE")
    if not expected:
        pytest.skip("BACKPORTS_WEAKREF_EXPECT_CORE is not set")
    assert _core.IMPLEMENTATION == expected, _core.REASON


@pytest.mark.parametrize("core", cores.CORES)
def test_the_public_classes_derive_from_their_cores_bases(core):
    modules = cores.modules(core)
    assert modules["backports.weakref._core"].IMPLEMENTATION == core
    for base in BASES:
        public = getattr(modules["backports.weakref"], PUBLIC[base])
        if public.__module__ != "backports.weakref":
            continue    # the interpreter's own (3.14+)
        assert getattr(modules["backports.weakref._core"], base) in \
            public.__mro__


@needs_compiled
def test_plain_pytest_runs_both_cores_here():
    # Where the compiled core is built, the twin runs beside it: a copy of
    # the package of its own, classes and extras included.
    assert cores.CORES == ["compiled", "pure"]
    compiled, pure = cores.modules("compiled"), cores.modules("pure")
    assert compiled["backports.weakref"] is backports.weakref
    for module, name in [("backports.weakref._core", "WeakSetBase"),
                         ("backports.weakref._weakset", "WeakSet"),
                         ("backports.weakref.extras", "WeakList")]:
        assert getattr(pure[module], name) is not getattr(compiled[module],
                                                          name)


def test_the_variable_switches_to_the_twin():
    implementation, reason = child_implementation("1")
    assert implementation == "pure"
    if _compat.CPYTHON:
        assert reason == VARIABLE + " is set"


@needs_compiled
def test_unset_or_zero_leaves_the_compiled_core_on():
    assert child_implementation(None)[0] == "compiled"
    assert child_implementation("0")[0] == "compiled"


@needs_compiled
@pytest.mark.parametrize("base", BASES)
def test_the_twins_offer_the_same_methods(base):
    # Their methods: what either defines and can call, but for __new__,
    # which a C type always has (and Python's classes inherit).
    def methods(cls):
        return set(name for name, value in vars(cls).items()
                   if callable(value) and name != "__new__")

    assert methods(getattr(_pure, base)) == methods(getattr(_speedups, base))
    assert len(methods(getattr(_pure, base))) >= 9


@needs_compiled
def test_an_older_compiled_core_is_not_used():
    # An in-place build from another version of the source: the twin runs.
    rc, out, err = run_python(
        "import importlib, sys\n"
        "from backports.weakref import _speedups\n"
        "_speedups.CORE_API = -1\n"
        "del sys.modules['backports.weakref._core']\n"
        "core = importlib.import_module('backports.weakref._core')\n"
        "print(core.IMPLEMENTATION + ' ' + core.REASON)\n",
        env={VARIABLE: ""})
    assert rc == 0, err
    assert out.startswith("pure ") and "rebuild it" in out


@needs_compiled
@pytest.mark.parametrize("case", twin_cases.CASES)
def test_an_odd_call_comes_out_the_same_under_both(case):
    # The same statement, run on each core with its copy of the package
    # imported (pickle finds the classes there).
    outcomes = []
    for core in cores.CORES:
        with cores.active(core) as package:
            outcomes.append(twin_cases.outcome(case, package))
    compiled, pure = outcomes
    assert compiled == pure


def test_an_iterator_holds_the_item_it_gave_last_until_resumed():
    # As a generator's frame holds its locals: the twin's iterators are
    # generators, and the compiled core's keep the same item alive (though
    # they are no generators: no send, throw or close).
    class Obj(object):
        pass

    members = [Obj(), Obj()]
    container = backports.weakref.WeakSet(members)
    iterator = iter(container)
    probe = backports.weakref.ref(next(iterator))
    members.remove(probe())
    support.collect()
    assert probe() is not None
    assert len(list(iterator)) == 1
    support.collect_until(lambda: probe() is None)


def _subinterpreters():
    """CPython's private module for subinterpreters (3.12: _xxsubinterpreters,
    3.13+: _interpreters), or None."""
    for name in ("_interpreters", "_xxsubinterpreters"):
        try:
            return __import__(name)
        except ImportError:
            pass
    return None


@needs_compiled
@pytest.mark.skipif(_subinterpreters() is None,
                    reason="no subinterpreters to start here")
def test_a_subinterpreter_runs_on_the_twin():
    # The compiled core's objects are the first interpreter's: another one
    # is refused at import, and its package runs on the twin.
    rc, out, err = run_python(
        "import sys\n"
        "from backports.weakref import _core\n"
        "assert _core.IMPLEMENTATION == 'compiled'\n"
        "try:\n"
        "    import _interpreters as interpreters\n"
        "except ImportError:\n"
        "    import _xxsubinterpreters as interpreters\n"
        "code = ('import sys; sys.path[:] = %r\\n'\n"
        "        'from backports.weakref import _core, WeakSet\\n'\n"
        "        'class A(object): pass\\n'\n"
        "        'a = A(); s = WeakSet([a])\\n'\n"
        "        'assert a in s and len(s) == 1\\n'\n"
        "        'print(_core.IMPLEMENTATION, _core.REASON)\\n' % sys.path)\n"
        "interpreters.run_string(interpreters.create(), code)\n",
        env={VARIABLE: ""})
    assert rc == 0, err
    assert out.startswith("pure the compiled core did not import:"), out

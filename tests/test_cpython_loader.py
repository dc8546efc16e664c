"""The machinery behind test_cpython_suite.py, on made-up sources: so it is
tested on every interpreter that could load CPython's files, with or without
the files at hand."""
from __future__ import absolute_import

import gc
import os
import sys
import textwrap
import unittest

import pytest

from support import JYTHON

if sys.version_info < (3, 6) or JYTHON:
    pytest.skip("the loader runs CPython's test files: Python 3.6+ only",
                allow_module_level=True)

import cpython_excuses as excuses  # noqa: E402
import cpython_loader as loader  # noqa: E402
import cpython_support  # noqa: E402
from cpython_support import assertions, script_helper  # noqa: E402

# -- suite folders ------------------------------------------------------------


def make_suite(folder, **sources):
    os.makedirs(str(folder))
    for name in loader.FILES:
        source = textwrap.dedent(sources.get(name[:-3], ""))
        with open(os.path.join(str(folder), name), "w") as handle:
            handle.write(source)
    return str(folder)


def test_suites_come_newest_first_named_by_their_folders(tmp_path):
    older = make_suite(tmp_path / "lib" / "python3.9" / "test")
    newer = make_suite(tmp_path / "3.15")
    found = loader.suites({loader.SUITES_VARIABLE: os.pathsep.join(
        [older, newer])})
    assert [(suite.release, suite.label) for suite in found] == [
        ((3, 15), "3.15"), ((3, 9), "3.9")]
    assert loader.suites({}) == []


@pytest.mark.parametrize("problem", ["no release", "missing file", "twice"])
def test_suite_folders_that_cannot_be_used_say_why(tmp_path, problem):
    if problem == "no release":
        folders = [make_suite(tmp_path / "suite")]
    elif problem == "missing file":
        folders = [make_suite(tmp_path / "3.15")]
        os.remove(os.path.join(folders[0], "mapping_tests.py"))
    else:
        folders = [make_suite(tmp_path / "a" / "3.15"),
                   make_suite(tmp_path / "b" / "3.15")]
    with pytest.raises(loader.LoaderError) as caught:
        loader.suites({loader.SUITES_VARIABLE: os.pathsep.join(folders)})
    assert loader.SUITES_VARIABLE in str(caught.value)


# -- imports ------------------------------------------------------------------

IMPORTS = """\
import gc, weakref as w
import weakref
from weakref import WeakSet, finalize
from test import support
from test.support import (gc_collect,
                          ALWAYS_EQ)
def later():
    from test import mapping_tests
    import weakref; import copy
text = "\u00e9t\u00e9"; import weakref
"""


def test_imports_point_at_ours_and_at_the_stand_in():
    result = loader.transform_imports(IMPORTS, loader.OURS)
    assert result.splitlines() == [
        "import gc; from backports import weakref as w",
        "from backports import weakref",
        "from backports.weakref import WeakSet, finalize",
        "from . import support",
        "from .support import (gc_collect,",
        "                          ALWAYS_EQ)",
        "def later():",
        "    from . import mapping_tests",
        "    from backports import weakref; import copy",
        'text = "\u00e9t\u00e9"; from backports import weakref',
    ]


def test_for_the_stdlib_only_the_test_imports_change():
    result = loader.transform_imports(IMPORTS, loader.STDLIB)
    original = IMPORTS.splitlines()
    changed = [index for index, line in enumerate(result.splitlines())
               if line != original[index]]
    assert changed == [3, 4, 7]
    assert len(result.splitlines()) == len(original)


@pytest.mark.parametrize("source", ["import test.support\n",
                                    "import test\n",
                                    "from _weakrefset import WeakSet\n"])
def test_imports_the_loader_cannot_point_elsewhere_are_errors(source):
    with pytest.raises(loader.LoaderError):
        loader.transform_imports(source, loader.OURS)


# -- syntax this interpreter lacks --------------------------------------------

# `1 +* 2` is what no Python compiles: it stands for syntax newer than the
# running interpreter.
BROKEN = '''\
import unittest

HELPER_TABLE = 1 +* 2
OK = 1

def helper():
    return 1 +* 2

class Tests(unittest.TestCase):
    attribute = other = 1 +* 2
    fine = 3

    def test_fine(self):
        self.assertEqual(OK + self.fine, 4)

    @unittest.skipIf(False,
                     "never")
    def test_broken(self):
        """A docstring

        over lines."""
        value = [x
                 for x in 1 +* 2]

    def test_nested(self):
        def inner():
            return 1 +* 2
        return inner

    def test_formatted(self):
        return f"{self.fine self.fine}"

class Broken(1 +* 2):
    pass

LAST = 2
'''


def excused_module(source=BROKEN):
    fixed, stubs = loader.excuse_syntax(source, "<broken>", "broken")
    namespace = {"__name__": "broken"}
    exec(compile(fixed, "<fixed>", "exec"), namespace)
    return fixed, stubs, namespace


def test_each_unit_that_cannot_compile_becomes_a_stub():
    fixed, stubs, namespace = excused_module()
    # In the order of their lines (CPython before 3.9 finds the f-string's
    # error after the others).
    assert sorted(((stub.qualname, stub.kind, stub.line) for stub in stubs),
                  key=lambda stub: stub[2]) == [
        ("HELPER_TABLE", "statement", 3),
        ("helper", "function", 7),
        ("Tests.attribute", "attribute", 10),
        ("Tests.test_broken", "method", 23),
        ("Tests.test_nested", "method", 27),
        ("Tests.test_formatted", "method", 31),
        ("Broken", "class", 33),
    ]
    assert len(fixed.splitlines()) == len(BROKEN.splitlines())
    assert namespace["OK"] == 1 and namespace["LAST"] == 2


def test_stubs_report_the_excuse_when_used():
    _, _, namespace = excused_module()
    tests = namespace["Tests"]
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(tests).run(result)
    assert result.testsRun == 4
    assert [case.id().rpartition(".")[2] for case, _ in result.errors] == [
        "test_broken", "test_formatted", "test_nested"]
    assert "SyntaxError: excused: uses syntax this interpreter lacks " \
           "(line 23)" in result.errors[0][1]
    with pytest.raises(SyntaxError) as caught:
        tests().attribute
    assert "(line 10)" in str(caught.value)
    assert tests.fine == 3
    with pytest.raises(SyntaxError):
        namespace["helper"]()
    assert isinstance(namespace["HELPER_TABLE"], SyntaxError)
    assert "(line 33)" in namespace["Broken"].excused


def test_a_compound_header_that_cannot_compile_is_an_error():
    with pytest.raises(loader.LoaderError):
        loader.excuse_syntax("if 1 +* 2:\n    pass\n", "<if>", "broken")


@pytest.mark.skipif(sys.version_info >= (3, 8), reason="3.8 has :=")
def test_real_newer_syntax_is_excused_on_older_interpreters():
    source = ("import unittest\n"
              "class T(unittest.TestCase):\n"
              "    def test_walrus(self):\n"
              "        if (n := 1):\n"
              "            pass\n")
    _, stubs, _ = excused_module(source)
    assert [(stub.qualname, stub.line) for stub in stubs] == [
        ("T.test_walrus", 4)]


# -- a whole suite, loaded and run, a child process included -----------------

MINI_WEAKREF = """\
import unittest
import weakref
from test import support
from test.support import script_helper

class ChildTestCase(unittest.TestCase):
    @classmethod
    def in_child(cls):
        print(weakref.__name__)

    def test_child_imports_the_same_file(self):
        rc, out, err = script_helper.assert_python_ok(
            '-c', 'from test.test_weakref import ChildTestCase; '
                  'ChildTestCase.in_child()')
        self.assertEqual(out.decode('ascii').split(), [weakref.__name__])
        self.assertHasAttr(self, 'assertNotHasAttr')
"""


@pytest.mark.parametrize("target, weakref_name", [
    (loader.OURS, "backports.weakref"), (loader.STDLIB, "weakref")])
def test_a_loaded_suite_imports_its_weakref_in_parent_and_child(
        tmp_path, target, weakref_name):
    folder = make_suite(tmp_path / "3.15", test_weakref=MINI_WEAKREF)
    suite = loader.suites({loader.SUITES_VARIABLE: folder})[0]
    loaded = loader.load(suite, target, str(tmp_path / "work"))
    module = loaded.modules["test_weakref"]
    assert module.weakref.__name__ == weakref_name
    assert module.support.gc_collect is not None
    result = unittest.TestResult()
    module.ChildTestCase("test_child_imports_the_same_file").run(result)
    assert result.wasSuccessful(), result.errors + result.failures


# -- the stand-in for test.support ---------------------------------------------

def test_stand_in_support_behaves_as_named():
    was_enabled = gc.isenabled()
    with cpython_support.disable_gc():
        assert not gc.isenabled()
    assert gc.isenabled() == was_enabled
    assert cpython_support.ALWAYS_EQ == object()
    assert not cpython_support.ALWAYS_EQ != 1
    assert cpython_support.exceeds_recursion_limit() > sys.getrecursionlimit()

    class Resources(unittest.TestCase):
        @cpython_support.requires_resource("cpu")
        def test_cpu(self):
            pass

        @cpython_support.requires_resource("network")
        def test_network(self):
            pass

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Resources).run(result)
    assert [case.id().rpartition(".")[2] for case, _ in result.skipped] == [
        "test_network"]


def test_stand_in_children_return_bytes_and_check_the_exit_code():
    result = script_helper.assert_python_ok("-c", "print('hi')", THING="1")
    assert (result.rc, result.out.strip()) == (0, b"hi")
    result = script_helper.assert_python_failure(
        "-c", "import os, sys; sys.exit(int(os.environ['THING']))", THING="3")
    assert result.rc == 3
    with pytest.raises(AssertionError):
        script_helper.assert_python_ok("-c", "raise SystemExit(1)")


def test_added_assertions_fail_as_unittest_words_it():
    class Case(unittest.TestCase):
        def runTest(self):
            pass

    assertions.add_missing(Case)
    case = Case()
    case.assertHasAttr(case, "runTest")
    case.assertNotHasAttr(case, "nothing")
    with pytest.raises(AssertionError):
        case.assertHasAttr(case, "nothing")
    with pytest.raises(AssertionError):
        case.assertNotHasAttr(case, "runTest")


# -- the excuse table's own rules ----------------------------------------------

def test_excuse_entries_are_well_formed():
    for entry in excuses.EXCUSES:
        assert entry.kind in excuses.KINDS
        assert entry.reason
        assert (entry.kind == excuses.UPSTREAM) == (entry.issue is not None)
    with pytest.raises(ValueError):
        excuses.excuse("x", excuses.everywhere, excuses.UPSTREAM, "why")
    with pytest.raises(ValueError):
        excuses.excuse("x", excuses.everywhere, "kind", "why")


def test_excuses_match_by_pattern_interpreter_and_suite():
    table = [excuses.excuse("test_weakref.*.test_a*", excuses.pypy,
                            excuses.OUTSIDE, "why",
                            suites=lambda release: release >= (3, 15))]
    pypy = excuses.Interpreter("pypy", (3, 11, 0), False)
    cpython = excuses.Interpreter("cpython", (3, 11, 0), False)
    test_id = "test_weakref.Case.test_abc"
    assert excuses.find(test_id, (3, 15), pypy, table) == table
    assert excuses.find(test_id, (3, 14), pypy, table) == []
    assert excuses.find(test_id, (3, 15), cpython, table) == []
    assert excuses.find("test_weakref.Case.test_b", (3, 15), pypy, table) == []

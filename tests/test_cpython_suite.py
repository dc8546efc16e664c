"""CPython's own weakref tests, run against backports.weakref: the gate.

The test classes of CPython's ``test_weakref.py`` and ``test_weakset.py``
that a pure-Python weakref module answers for (SELECTED), with
``mapping_tests.py``'s protocol classes as they use them, from every suite
folder in BACKPORTS_WEAKREF_CPYTHON_SUITES (newest release first), once per
core of the package present (tests/cores.py): the class names carry both,
``MappingTestCase[3.15-compiled]::test_weak_keys``. The pure twin beside the
compiled core (CPython) reads the newest suite alone: the same Python code
reads every suite on PyPy, and CI's time is shared. Without the variable
this module skips.

cpython_loader.py loads the files; cpython_excuses.py says which tests are
excused here (they run as strict expected failures), and the tests at the
end of this module check that table: every excuse "outside us" must fail
against the interpreter's own weakref too, every entry that applies must
match a test. conftest.py prints a summary per suite.
"""
from __future__ import absolute_import

import ast
import atexit
import collections
import functools
import os
import shutil
import sys
import tempfile
import traceback
import unittest

import pytest

from support import JYTHON

if sys.version_info < (3, 6) or JYTHON:
    pytest.skip("CPython's test files need CPython 3.6+ or PyPy 3",
                allow_module_level=True)

import cores  # noqa: E402
import cpython_excuses as excuses  # noqa: E402
import cpython_loader as loader  # noqa: E402

SUITES = loader.suites()
if not SUITES:
    pytest.skip("%s is not set: it names folders holding CPython's %s "
                "(e.g. from Debian's libpython3.15-testsuite), newest first"
                % (loader.SUITES_VARIABLE, ", ".join(loader.FILES)),
                allow_module_level=True)

# The classes a pure-Python weakref answers for (None: every TestCase the
# file defines). ModuleTestCase checks our classes' names.
SELECTED = collections.OrderedDict([
    ("test_weakref", ("WeakMethodTestCase", "MappingTestCase",
                      "WeakValueDictionaryTestCase",
                      "WeakKeyDictionaryTestCase", "FinalizeTestCase",
                      "ModuleTestCase")),
    ("test_weakset", None),
])

HERE = excuses.Interpreter.running()
WORKDIR = tempfile.mkdtemp(prefix="backports-weakref-cpython-")
atexit.register(shutil.rmtree, WORKDIR, True)

# A run is one suite loaded against one core's copy of the package, its
# label "3.15-compiled".
RUNS = collections.OrderedDict(
    ("%s-%s" % (suite.label, core), (suite, core)) for core in cores.CORES
    for suite in (SUITES if core == cores.IMPORTED else SUITES[:1]))
LOADED = collections.OrderedDict()       # label -> loader.Loaded (ours)
LOAD_ERRORS = {}                         # label -> traceback text
MISSING = {}                             # label -> selected classes not found
EXCUSED = {}                             # (label, test id) -> Excuse
EXCUSED_CASES = {}                       # (exposed class, method) -> Excuse
AMBIGUOUS = {}                           # (label, test id) -> [Excuse...]
TEST_IDS = collections.defaultdict(list)  # label -> every test id exposed
EXPOSED = {}                             # exposed class -> its run's label


def _suite_name(suite):
    return "CPython %s suite" % suite.label


def _selected_classes(module, names):
    """The TestCase classes of *module* named in *names* (None: all that
    the module itself defines)."""
    classes = [value for value in vars(module).values()
               if isinstance(value, type)
               and issubclass(value, unittest.TestCase)]
    if names is None:
        return [cls for cls in classes if cls.__module__ == module.__name__]
    return [cls for cls in classes if cls.__name__ in names]


def _syntax_excuses(loaded):
    """The loader's stubbed test methods, as table entries for here."""
    found = {}
    for stub in loaded.syntax_excuses:
        if stub.kind == "method":
            found["%s.%s" % (stub.module, stub.qualname)] = excuses.excuse(
                "%s.%s" % (stub.module, stub.qualname), excuses.everywhere,
                excuses.OUTSIDE, loader.SYNTAX_REASON % stub.line)
    return found


def _mark_excused(cls, name, entry):
    """Make cls.<name> a strict expected failure (on this class only: the
    method may be inherited by other test classes)."""
    method = getattr(cls, name)

    @functools.wraps(method)
    def excused(self, *args, **kwargs):
        return method(self, *args, **kwargs)

    reason = "excused (%s): %s" % (entry.kind, entry.reason)
    setattr(cls, name, pytest.mark.xfail(strict=True, reason=reason)(excused))


def _expose(label, loaded):
    suite, core = RUNS[label]
    stubbed = _syntax_excuses(loaded)
    names = unittest.TestLoader().getTestCaseNames
    for module_name, class_names in SELECTED.items():
        module = loaded.modules[module_name]
        classes = _selected_classes(module, class_names)
        if class_names is not None:
            found = [cls.__name__ for cls in classes]
            MISSING.setdefault(label, []).extend(
                name for name in class_names if name not in found)
        for cls in classes:
            for name in names(cls):
                test_id = "%s.%s.%s" % (module_name, cls.__name__, name)
                TEST_IDS[label].append(test_id)
                entries = excuses.find(test_id, suite.release, HERE)
                if test_id in stubbed:
                    entries = [stubbed[test_id]]
                if len(entries) > 1:
                    AMBIGUOUS[label, test_id] = entries
                if entries:
                    EXCUSED[label, test_id] = entries[0]
                    EXCUSED_CASES[cls, name] = entries[0]
                    _mark_excused(cls, name, entries[0])
            exposed_name = "%s[%s]" % (cls.__name__, label)
            if exposed_name in globals():
                raise loader.LoaderError("two classes named " + exposed_name)
            # pytest collects any TestCase subclass in a test module's
            # namespace, under the name it has there; conftest.py runs its
            # tests with the core's copy of the package imported.
            globals()[exposed_name] = cls
            cls.pytestmark = [pytest.mark.core(core)]
            EXPOSED[cls] = label


for _label, (_suite, _core) in RUNS.items():
    try:
        # The suite's modules import the package as they load: this core's.
        with cores.active(_core):
            LOADED[_label] = loader.load(_suite, loader.OURS,
                                         os.path.join(WORKDIR, _core))
    except Exception:
        LOAD_ERRORS[_label] = traceback.format_exc()
    else:
        _expose(_label, LOADED[_label])


@pytest.fixture(autouse=True)
def _record_suite_outcome(request):
    """Tag each CPython test with its suite and excuse, for the summary
    conftest.py prints."""
    label = EXPOSED.get(request.cls)
    if label is not None:
        suite, core = RUNS[label]
        entry = EXCUSED_CASES.get((request.cls, request.node.name))
        request.node.user_properties.append(("cpython_suite", {
            "suite": _suite_name(suite), "release": suite.release,
            "interpreter": HERE.label(), "core": core,
            "excused": entry.kind if entry else None}))


# -- the checks of the loading and of the excuse table ------------------------

LABELS = list(RUNS)


@pytest.mark.parametrize("label", LABELS)
def test_suite_loads(label):
    assert label not in LOAD_ERRORS, LOAD_ERRORS.get(label)


@pytest.mark.parametrize("label", LABELS)
def test_suite_imports_backports_weakref_and_its_stdlib_copy_the_stdlib(label):
    import weakref as stdlib_weakref

    if label not in LOADED:
        pytest.skip("the suite did not load")
    suite, core = RUNS[label]
    for loaded, weakref in [(LOADED[label], cores.package(core)),
                            (_stdlib_copy(suite), stdlib_weakref)]:
        assert loaded.modules["test_weakref"].weakref is weakref
        assert loaded.modules["test_weakset"].WeakSet is weakref.WeakSet


@pytest.mark.parametrize("label", LABELS)
def test_suite_defines_the_selected_classes(label):
    assert not MISSING.get(label)


@pytest.mark.parametrize("label", LABELS)
def test_syntax_excuses_are_reported(label, request):
    """What was stubbed for syntax shows in the summary; stubs other than
    test methods are listed there (tests that reach them fail until the
    table excuses them)."""
    loaded = LOADED.get(label)
    for stub in loaded.syntax_excuses if loaded else ():
        request.node.user_properties.append(("cpython_syntax", (
            "%s on %s, excused for syntax: %s.%s (%s, line %d)" % (
                _suite_name(loaded.suite), HERE.label(), stub.module,
                stub.qualname, stub.kind, stub.line))))


def _names_used(path):
    """(helper, name) for each test.support name the file uses: helper is
    "support" or a submodule such as "script_helper"; plus ("TestCase",
    name) for each self.assert...()/self.fail...() it calls."""
    with open(path) as handle:
        tree = ast.parse(handle.read())
    helpers = ("support", "script_helper", "import_helper", "threading_helper")
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.startswith("test.support")):
            helper = node.module.rpartition(".")[2]
            used.update((helper, alias.name) for alias in node.names)
        elif isinstance(node, ast.Attribute) and isinstance(node.value,
                                                            ast.Name):
            if node.value.id in helpers:
                used.add((node.value.id, node.attr))
            elif node.value.id == "self" and node.attr.startswith(
                    ("assert", "fail")):
                used.add(("TestCase", node.attr))
    return used


@pytest.mark.parametrize("label", LABELS)
def test_the_stand_in_has_every_name_the_suite_uses(label):
    if label not in LOADED:
        pytest.skip("the suite did not load")
    loaded = LOADED[label]
    support = loaded.modules["test_weakref"].support
    added = sys.modules[loaded.package + ".support.assertions"].ADDED
    missing = []
    for name in loader.FILES:
        for helper, attribute in sorted(_names_used(
                os.path.join(loaded.suite.directory, name))):
            if helper == "TestCase":
                found = (hasattr(unittest.TestCase, attribute)
                         or attribute in added)
            else:
                owner = support if helper == "support" else getattr(
                    support, helper, None)
                found = hasattr(owner, attribute)
            if not found:
                missing.append("%s: %s.%s" % (name, helper, attribute))
    assert not missing


def test_no_test_has_two_excuses():
    assert not AMBIGUOUS


@pytest.mark.parametrize("label", LABELS)
def test_every_excuse_that_applies_here_matches_a_test(label):
    if label not in LOADED:
        pytest.skip("the suite did not load")
    suite = LOADED[label].suite
    stale = [entry.pattern for entry in excuses.EXCUSES
             if entry.suites(suite.release) and entry.applies(HERE)
             and not any(entry.matches(test_id, suite.release, HERE)
                         for test_id in TEST_IDS[label])]
    assert not stale, "excuses that match no test of the %s" % (
        _suite_name(suite),)


_STDLIB_COPIES = {}


def _stdlib_copy(suite):
    """The same suite, its imports pointed at the interpreter's weakref."""
    if suite.label not in _STDLIB_COPIES:
        _STDLIB_COPIES[suite.label] = loader.load(suite, loader.STDLIB,
                                                  WORKDIR)
    return _STDLIB_COPIES[suite.label]


# Once per suite, however many cores read it.
SUITES_BY_LABEL = dict((suite.label, suite) for suite in SUITES)
STDLIB_CHECKS = sorted(
    set((RUNS[label][0].label, test_id)
        for (label, test_id), entry in EXCUSED.items()
        if entry.kind == excuses.OUTSIDE),
    key=lambda pair: (SUITES.index(SUITES_BY_LABEL[pair[0]]), pair[1]))


@pytest.mark.parametrize("suite_label, test_id", STDLIB_CHECKS,
                         ids=["%s-%s" % pair for pair in STDLIB_CHECKS])
def test_excused_test_fails_on_the_stdlib_too(suite_label, test_id, request):
    """An excuse "outside us" is true only if the interpreter's own weakref
    fails the same test."""
    suite = SUITES_BY_LABEL[suite_label]
    module_name, class_name, method = test_id.split(".")
    cls = getattr(_stdlib_copy(suite).modules[module_name], class_name)
    result = unittest.TestResult()
    cls(method).run(result)
    request.node.user_properties.append(
        ("cpython_stdlib_check", _suite_name(suite)))
    assert not result.skipped, "skipped on the stdlib: %s" % (result.skipped,)
    assert result.failures or result.errors, (
        "passes on the stdlib's weakref: not an excuse outside us")

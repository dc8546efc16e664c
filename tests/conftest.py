from __future__ import absolute_import

import contextlib
import gc
import os
import sys
import weakref as stdlib_weakref

import pytest

# Tests import the helper module "support" from this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import backports.weakref as OURS  # noqa: E402
import containers_impl  # noqa: E402  (found through the line above)
import cores  # noqa: E402
from backports.weakref import _compat  # noqa: E402

# The test modules whose tests run once, on the imported core: they do not
# exercise the containers or the extras (packaging, documentation, metadata,
# the gates, CPython's suite loader, finalize and WeakMethod alone; the
# extras' weak_lru_cache and weak_callable, built on the interpreter's own
# refs), or they choose the cores themselves (test_core compares the two,
# as test_differential's fuzzer does; test_core_safety runs each scenario
# on each core in a child; test_cpython_suite loads CPython's suites once
# per core, its classes marked with the core). Every other test runs on
# each core.
ONE_CORE_MODULES = set([
    "test_core", "test_core_safety", "test_differential",
    "test_cpython_loader", "test_cpython_suite", "test_docs",
    "test_finalize", "test_gates", "test_lifecycle", "test_metadata",
    "test_originality", "test_packaging", "test_prose_facts", "test_readme",
    "test_tutorial",
    "test_weakmethod", "test_extras_cache", "test_extras_callable",
    "test_extras_docs", "test_extras_stubs",
])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "newest_behaviour(flag): needs the newest CPython's "
        "behaviour behind the gate flag (see tests/containers_impl.py)")
    config.addinivalue_line(
        "markers", "core(name): runs on that core's copy of the package "
        "(for tests pytest cannot parametrise, such as unittest classes)")


def pytest_generate_tests(metafunc):
    # Each test runs on a leg per core (their names in the test id) and,
    # where the gate table may pick them, on the interpreter's own
    # containers.
    module = metafunc.module.__name__
    if module in ONE_CORE_MODULES:
        return
    legs = list(cores.CORES)
    if (containers_impl.COMPARE_WITH_STDLIB and
            module in containers_impl.COMPARED_MODULES):
        legs.append("stdlib")
    metafunc.parametrize("containers", legs, indirect=True)


@pytest.fixture(autouse=True)
def containers(request):
    """The containers this test exercises: "compiled" or "pure" (that
    core's copy of backports.weakref), "stdlib" (the interpreter's own
    weakref), or for a test that runs once, the imported core. On a leg
    other than the imported package, the leg's objects replace those the
    test module bound at import, the leg's copy is what an import gets
    meanwhile, and child interpreters start on the leg."""
    marks = [mark.args[0] for mark in request.node.iter_markers("core")]
    leg = getattr(request, "param", None) or (marks or [cores.IMPORTED])[0]
    if hasattr(request, "param"):
        # For the summary's lines of load (pytest_terminal_summary).
        request.node.user_properties.append(("containers", leg))
    if leg == cores.IMPORTED:
        yield leg
        return
    if leg == "stdlib":
        core, replacements = cores.IMPORTED, _stdlib_counterparts()
        _expect_what_the_stdlib_lacks(request)
    else:
        core, replacements = leg, cores.counterparts(leg)
    _refuse_what_cannot_follow(request, leg, replacements)
    with cores.active(core):
        with _replaced_globals([containers_impl, request.module],
                               replacements):
            with _environ(containers_impl.child_environ()):
                yield leg


def _stdlib_counterparts():
    """As cores.counterparts(), for the stdlib leg: our module and public
    names, the interpreter's own."""
    found = {id(OURS): (OURS, stdlib_weakref)}
    for name in OURS.__all__ + ["KeyedRef"]:
        ours, native = getattr(OURS, name), getattr(stdlib_weakref, name)
        if ours is not native:
            found[id(ours)] = (ours, native)
    return found


def _expect_what_the_stdlib_lacks(request):
    """A test marked @newest_behaviour(FLAG) is an expected failure on the
    stdlib leg wherever the interpreter's own containers lack FLAG."""
    for mark in request.node.iter_markers("newest_behaviour"):
        flag = mark.args[0]
        if not getattr(_compat, flag):
            request.applymarker(pytest.mark.xfail(
                strict=mark.kwargs["strict"],
                reason="the interpreter's own containers lack %s" % flag))


def _made_from(value, replacements):
    """Whether *value* is a subclass or an instance of a class that has a
    replacement (and so stays bound to the imported package's)."""
    cls = value if isinstance(value, type) else type(value)
    return any(id(base) in replacements
               for base in getattr(cls, "__mro__", ()))


def _stuck(value, replacements, module):
    """Whether the global *value* of *module* is bound to the imported
    package in a way no replacement can follow: made from one of its
    classes, or a class of *module* holding such a thing (a method decorated
    with one of the extras)."""
    if id(value) in replacements:
        return False
    if _made_from(value, replacements):
        return True
    return (isinstance(value, type)
            and value.__module__ == module.__name__
            and any(id(attribute) in replacements
                    or _made_from(attribute, replacements)
                    for attribute in vars(value).values()))


def _refuse_what_cannot_follow(request, leg, replacements):
    """Fail a test whose module or parameters hold what the swap cannot
    replace, bound at import to the imported package: the test would run
    on that package under the leg's name. It must name such things (a class
    by its name) or make them at run time instead."""
    module = request.module
    stuck = ["%s.%s" % (module.__name__, name)
             for name, value in sorted(vars(module).items())
             if _stuck(value, replacements, module)]
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    stuck += ["parameter %s=%r" % (name, value)
              for name, value in sorted(params.items())
              if name != "containers" and (id(value) in replacements
                                           or _made_from(value, replacements))]
    if stuck:
        pytest.fail("bound to the imported package at import, so cannot "
                    "run on the %s leg: %s" % (leg, ", ".join(stuck)),
                    pytrace=False)


@contextlib.contextmanager
def _replaced_globals(modules, replacements):
    """Within the block, each global of *modules* that has a replacement
    is bound to it."""
    replaced = []
    for module in modules:
        for name, value in list(vars(module).items()):
            if id(value) in replacements:
                replaced.append((module, name, value))
                setattr(module, name, replacements[id(value)][1])
    try:
        yield
    finally:
        for module, name, value in reversed(replaced):
            setattr(module, name, value)


@contextlib.contextmanager
def _environ(variables):
    """Within the block, os.environ holds *variables*."""
    saved = dict((name, os.environ.get(name)) for name in variables)
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def _properties(terminalreporter, name):
    """(report, value) for each user property *name* recorded by a test:
    from its call, or from its setup where that failed or skipped it."""
    found = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            when = getattr(report, "when", None)
            if when == "call" or (when == "setup" and not report.passed
                                  and report.nodeid not in found):
                for key, value in getattr(report, "user_properties", ()):
                    if key == name:
                        found[report.nodeid] = (report, value)
    return list(found.values())


def _leg_of(report):
    """" [leg]" for a test run on one leg of several, else ""."""
    legs = [value for key, value in getattr(report, "user_properties", ())
            if key == "containers"]
    return " [%s]" % legs[0] if legs else ""


def _suite_lines(terminalreporter):
    """One line per CPython suite run (see tests/test_cpython_suite.py)."""
    counts = {}
    for report, value in _properties(terminalreporter, "cpython_suite"):
        key = (tuple(value["release"]), value["suite"], value["interpreter"],
               value["core"])
        tally = counts.setdefault(key, {"passed": 0, "failed": 0,
                                        "skipped": 0, "excused": {}})
        if hasattr(report, "wasxfail") and report.skipped:
            kind = value["excused"]
            tally["excused"][kind] = tally["excused"].get(kind, 0) + 1
        elif report.passed:
            tally["passed"] += 1
        elif report.failed:
            tally["failed"] += 1
        else:
            tally["skipped"] += 1
    checked = {}
    for report, suite in _properties(terminalreporter,
                                     "cpython_stdlib_check"):
        checked.setdefault(suite, [0, 0])[0 if report.passed else 1] += 1
    lines = []
    for (_, suite, interpreter, core), tally in sorted(counts.items(),
                                                       reverse=True):
        excused = sum(tally["excused"].values())
        run = tally["passed"] + excused + tally["failed"]
        line = "%s on %s [%s]: %d run, %d passed, %d excused" % (
            suite, interpreter, core, run, tally["passed"], excused)
        if excused:
            line += " (%s)" % ", ".join(
                "%d %s" % (count, kind)
                for kind, count in sorted(tally["excused"].items()))
        line += ", %d failed" % tally["failed"]
        if tally["skipped"]:
            line += "; %d skipped by the suite itself" % tally["skipped"]
        if suite in checked:
            held, broke = checked[suite]
            line += "; excuses failing on the stdlib too: %d of %d" % (
                held, held + broke)
        lines.append(line)
    # (Each core's run of a suite reports its stubs: the same ones.)
    lines.extend(sorted(set(value for _, value in
                            _properties(terminalreporter, "cpython_syntax"))))
    return lines


def pytest_terminal_summary(terminalreporter):
    """Print the load behind the stress, model, leak and bad-input tests
    (each records a one-line summary as the user property "load"), and the
    outcome of each CPython suite run."""
    lines = [value + _leg_of(report)
             for report, value in _properties(terminalreporter, "load")]
    if lines:
        terminalreporter.write_sep("-", "load behind the results")
        for line in sorted(lines):
            terminalreporter.write_line(line)
    lines = _suite_lines(terminalreporter)
    if lines:
        terminalreporter.write_sep("-", "CPython's own weakref tests")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_collection_finish(session):
    # What exists once the tests are collected (pytest's items, the loaded
    # modules) lives for the whole run: moved out of the collector's sight
    # (CPython 3.7+), it stops costing every test's collections their time.
    # Objects the tests make are collected as before.
    if hasattr(gc, "freeze"):
        gc.collect()
        gc.freeze()

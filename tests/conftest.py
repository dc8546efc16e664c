from __future__ import absolute_import

import os
import sys
import weakref as stdlib_weakref

import pytest

# Tests import the helper module "support" from this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import backports.weakref as OURS  # noqa: E402
import containers_impl  # noqa: E402  (found through the line above)
from backports.weakref import _compat  # noqa: E402


# The public names a test module may have bound to ours at import.
SWAPPED = set(OURS.__all__ + ["KeyedRef"])


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "newest_behaviour(flag): needs the newest CPython's "
        "behaviour behind the gate flag (see tests/containers_impl.py)")


def pytest_generate_tests(metafunc):
    # The container tests run on two legs: ours, and (where the gate table
    # may pick them) the interpreter's own containers.
    if (containers_impl.COMPARE_WITH_STDLIB and
            metafunc.module.__name__ in containers_impl.COMPARED_MODULES):
        metafunc.parametrize("containers", ["ours", "stdlib"], indirect=True)


@pytest.fixture(autouse=True)
def containers(request):
    """Which containers this test exercises: "ours", or "stdlib" (the
    interpreter's own weakref, swapped into the test module)."""
    leg = getattr(request, "param", "ours")
    if leg == "stdlib":
        for module in (containers_impl, request.module):
            # The module itself, and any of its public names bound there.
            for name, value in list(vars(module).items()):
                if value is OURS:
                    replacement = stdlib_weakref
                elif name in SWAPPED and getattr(OURS, name) is value:
                    replacement = getattr(stdlib_weakref, name)
                else:
                    continue
                request.addfinalizer(_restore(module, name, value))
                setattr(module, name, replacement)
        for mark in request.node.iter_markers("newest_behaviour"):
            flag = mark.args[0]
            if not getattr(_compat, flag):
                request.applymarker(pytest.mark.xfail(
                    strict=mark.kwargs["strict"],
                    reason="the interpreter's own containers lack %s" % flag))
    return leg


def _restore(module, name, value):
    def restore():
        setattr(module, name, value)
    return restore


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


def _suite_lines(terminalreporter):
    """One line per CPython suite run (see tests/test_cpython_suite.py)."""
    counts = {}
    for report, value in _properties(terminalreporter, "cpython_suite"):
        key = (tuple(value["release"]), value["suite"], value["interpreter"])
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
    for (_, suite, interpreter), tally in sorted(counts.items(),
                                                 reverse=True):
        excused = sum(tally["excused"].values())
        run = tally["passed"] + excused + tally["failed"]
        line = "%s on %s: %d run, %d passed, %d excused" % (
            suite, interpreter, run, tally["passed"], excused)
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
    lines.extend(sorted(value for _, value in
                        _properties(terminalreporter, "cpython_syntax")))
    return lines


def pytest_terminal_summary(terminalreporter):
    """Print the load behind the stress, model, leak and bad-input tests
    (each records a one-line summary as the user property "load"), and the
    outcome of each CPython suite run."""
    lines = [value for _, value in _properties(terminalreporter, "load")]
    if lines:
        terminalreporter.write_sep("-", "load behind the results")
        for line in sorted(lines):
            terminalreporter.write_line(line)
    lines = _suite_lines(terminalreporter)
    if lines:
        terminalreporter.write_sep("-", "CPython's own weakref tests")
        for line in lines:
            terminalreporter.write_line(line)

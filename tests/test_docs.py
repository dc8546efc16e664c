# -*- coding: utf-8 -*-
"""The documentation keeps up with the code: every public name has an entry
in the API reference and a row in the gate table, the gate table's column
for the running interpreter says what the package chose here, and every
tutorial example is shown, from the very files test_tutorial.py runs.
(tools/build_docs.sh builds the pages themselves, warnings as errors.)
"""
from __future__ import absolute_import

import io
import os
import platform
import re
import sys
import weakref as stdlib_weakref

import pytest

from backports import weakref

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(REPOSITORY, "docs")
TUTORIAL = os.path.join(REPOSITORY, "tests", "tutorial")
PUBLIC = weakref.__all__ + ["KeyedRef"]
# Every name some interpreter of the matrix exports: Python 2's weakref
# also has ReferenceError.
DOCUMENTED = set(PUBLIC) | set(["ReferenceError"])

pytestmark = pytest.mark.skipif(not os.path.isdir(DOCS),
                                reason="no docs/ in this tree")


def page(name):
    with io.open(os.path.join(DOCS, name), encoding="utf-8") as source:
        return source.read()


def test_every_public_name_has_an_api_entry():
    entries = set(re.findall(r"^```\{py:(?:class|function|data|exception)\} "
                             r"(\w+)",
                             page("api.md"), re.M))
    assert set(PUBLIC) - entries == set()


def gate_table():
    """docs/gates.md's table: its column headers, and for each name (one a
    row) its cells by column."""
    lines = [line for line in page("gates.md").splitlines()
             if line.startswith("| ")]
    header = cells(lines[0])[1:]
    rows = {}
    for line in lines[1:]:
        row = cells(line)
        names = re.findall(r"`(\w+)`", row[0])
        assert len(names) == 1, "one name a row: %s" % line
        rows[names[0]] = dict(zip(header, row[1:]))
    return header, rows


def cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_every_public_name_has_a_row_in_the_gate_table():
    header, rows = gate_table()
    assert set(rows) == DOCUMENTED
    for name in rows:
        assert sorted(rows[name]) == sorted(header), name


# The gate table's column for each interpreter of the matrix: its
# implementation, the first and last Python version it covers, the header.
# A free-threaded build shares its release's column.
GATE_TABLE_COLUMNS = [
    ("CPython", (2, 7), (2, 7), u"2.7"),
    ("CPython", (3, 6), (3, 9), u"3.6–3.9"),
    ("CPython", (3, 10), (3, 15), u"3.10–3.15, 3.13t"),
    ("PyPy", (3, 9), (3, 9), u"PyPy 3.9"),
    ("PyPy", (3, 11), (3, 11), u"PyPy 3.11"),
    ("Jython", (2, 7), (2, 7), u"Jython 2.7"),
]


def column_for_this_interpreter():
    implementation = platform.python_implementation()
    version = tuple(sys.version_info[:2])
    for name, first, last, column in GATE_TABLE_COLUMNS:
        if name == implementation and first <= version <= last:
            return column
    pytest.fail("docs/gates.md has no column for %s %d.%d: add one, and "
                "its line in GATE_TABLE_COLUMNS" % ((implementation,)
                                                    + version))


def what_the_package_chose(name):
    """The gate table's word for what backports.weakref gives as *name*."""
    if not hasattr(weakref, name):
        return u"–"
    if weakref._origin(name) == "native":
        return u"native"
    own = getattr(stdlib_weakref, name, None)
    if isinstance(own, type) and issubclass(getattr(weakref, name), own):
        return u"ours (subclass)"
    return u"ours"


def test_the_gate_table_says_what_this_interpreter_gets():
    header, rows = gate_table()
    column = column_for_this_interpreter()
    assert column in header, "docs/gates.md lost its column %r" % column
    said = dict((name, rows[name][column]) for name in rows)
    chosen = dict((name, what_the_package_chose(name)) for name in rows)
    assert said == chosen


def test_the_gate_table_page_explains_every_behaviour_of_every_gate():
    # Under the heading that names it, each gate's behaviours are worded as
    # `python -m backports.weakref` prints them (code spans aside).
    sections = re.split(r"^### ", page("gates.md"), flags=re.M)[1:]
    missing = []
    for name, gate in sorted(weakref._GATES.items()):
        text = [" ".join(section.replace("`", "").split())
                for section in sections
                if "`%s`" % name in section.splitlines()[0]]
        assert len(text) == 1, "one section of docs/gates.md names %s" % name
        missing += ["%s: %s" % (name, behaviour) for _, behaviour in gate
                    if behaviour not in text[0]]
    assert missing == []


def test_the_api_page_leaves_nativeness_to_the_gate_table():
    # Where a name is the interpreter's own is said once, in docs/gates.md.
    assert re.findall(r"\bnative\b", page("api.md"), re.I) == []


def test_the_tutorial_page_includes_every_tested_example():
    examples = sorted(name for name in os.listdir(TUTORIAL)
                      if re.match(r"example\d\d\.py$", name))
    included = re.findall(r"\{literalinclude\} \.\./tests/tutorial/(\S+)",
                          page("tutorial.md"))
    expected = []
    for example in examples:
        expected += [example, example[:-3] + ".newest.txt"]
    assert included == expected


# The CPython issues whose fixes or behaviour the package carries.
BACKPORTED_ISSUES = [
    "bpo-37685", "bpo-28427", "bpo-44962", "bpo-35615", "bpo-29519",
    "bpo-19542", "gh-89967", "gh-123089", "gh-98937", "gh-74876",
    "bpo-36144", "bpo-39481", "bpo-38761", "bpo-26579",
]


def test_the_changelog_cites_every_backported_issue():
    with io.open(os.path.join(REPOSITORY, "CHANGELOG.md"),
                 encoding="utf-8") as source:
        changelog = source.read()
    assert [issue for issue in BACKPORTED_ISSUES
            if not re.search(re.escape(issue) + r"\b", changelog)] == []

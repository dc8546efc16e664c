"""The documentation keeps up with the code: every public name has an entry
in the API reference and a row in the gate table, and every tutorial
example is shown, from the very files test_tutorial.py runs.
(tools/build_docs.sh builds the pages themselves, warnings as errors.)
"""
from __future__ import absolute_import

import io
import os
import re

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


def test_every_public_name_has_a_row_in_the_gate_table():
    rows = [line for line in page("gates.md").splitlines()
            if line.startswith("| `")]
    named = set()
    for row in rows:
        named.update(re.findall(r"`(\w+)`", row.split("|")[1]))
    assert named == DOCUMENTED


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

"""Facts that prose repeats have one source each: the interpreters are
declared in tools/interpreters.json, the release mirrored in
src/backports/weakref/_specification.py. The README, CONTRIBUTING and the
documentation must agree with them, and no sentence in src/ may name the
mirrored release itself (it would go stale at the next one)."""
from __future__ import absolute_import

import io
import json
import os
import re

import pytest

from backports.weakref._specification import NEWEST

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPOSITORY, "src", "backports", "weakref")
DECLARATION = os.path.join(REPOSITORY, "tools", "interpreters.json")

pytestmark = pytest.mark.skipif(not os.path.exists(DECLARATION),
                                reason="not run from a source tree")

NEWEST_TEXT = "%d.%d" % NEWEST


def read(*parts):
    with io.open(os.path.join(REPOSITORY, *parts), encoding="utf-8") as f:
        return f.read()


def interpreters():
    with io.open(DECLARATION, encoding="utf-8") as source:
        return json.load(source)["interpreters"]


def version(text):
    return tuple(int(part) for part in text.split("."))


def source_files():
    for folder, _, names in os.walk(SOURCE):
        for name in sorted(names):
            if name.endswith((".py", ".pyi", ".c", ".h")):
                path = os.path.join(folder, name)
                yield os.path.relpath(path, REPOSITORY), path


# Ways a sentence names the release the package mirrors, rather than one in
# which something changed ("from 3.14", "before 3.15", "(3, 15)" are
# history and stay true): its possessive, a range of supported versions
# that ends at it, or any release named as the weakref we are.
def naming_the_mirror(release):
    escaped = re.escape(release)
    return [
        r"\b%s's" % escaped,
        r"#\s*%s:" % escaped,
        r"\b3\.6\s*[-\u2013]\s*%s\b" % escaped,
        r"CPython \d+\.\d+'s `{0,2}weakref",
    ]


def test_no_sentence_in_src_names_the_mirrored_release():
    patterns = [re.compile(p) for p in naming_the_mirror(NEWEST_TEXT)]
    found = []
    for relative, path in source_files():
        if relative.endswith("_specification.py"):
            continue
        with io.open(path, encoding="utf-8") as source:
            for number, line in enumerate(source, 1):
                if any(p.search(line) for p in patterns):
                    found.append("%s:%d: %s" % (relative, number,
                                                line.strip()))
    assert found == [], ("say 'the newest' (_specification.NEWEST) "
                         "instead:\n" + "\n".join(found))


PROSE = ["README.md", "CONTRIBUTING.md"] + sorted(
    os.path.join("docs", name) for name in os.listdir(
        os.path.join(REPOSITORY, "docs"))
    if name.endswith(".md") and name not in ("changelog.md",))


@pytest.mark.parametrize("name", PROSE)
def test_prose_names_no_other_release_as_the_one_mirrored(name):
    # "CPython 3.14's weakref" or "the newest ... 3.14" where the
    # specification says 3.15: a number left behind by the last release.
    text = read(name)
    claims = re.findall(r"CPython (\d+\.\d+)'s `{0,2}weakref", text)
    claims += re.findall(r"[Tt]he newest (?:CPython )?(?:release )?"
                         r"\(?(?:CPython )?(\d+\.\d+)\b", text)
    assert sorted(set(claims) - set([NEWEST_TEXT])) == [], name


@pytest.mark.parametrize("name", PROSE)
def test_no_release_newer_than_the_mirror_is_claimed(name):
    text = read(name)
    for found in re.findall(r"CPython (3\.\d+)'s", text):
        assert version(found) <= NEWEST, (name, found)


def test_readme_states_the_cpython_range_the_matrix_tests():
    cpythons = sorted(set(version(entry["python"]) for entry in interpreters()
                          if entry["implementation"] == "CPython"))
    threes = [v for v in cpythons if v[0] == 3]
    twos = [v for v in cpythons if v[0] == 2]
    expected = "CPython %s and %d.%d-%d.%d" % (
        ", ".join("%d.%d" % v for v in twos), threes[0][0], threes[0][1],
        threes[-1][0], threes[-1][1])
    assert expected in " ".join(read("README.md").split())
    assert threes[-1] == NEWEST


def contributing_table_names():
    """The names of CONTRIBUTING.md's matrix table, a row "`a` ... `b`"
    standing for the declared names from a to b."""
    declared = [entry["name"] for entry in interpreters()]
    names = []
    for line in read("CONTRIBUTING.md").splitlines():
        match = re.match(r"\| `([\w.-]+)`(?: \.\.\. `([\w.-]+)`)? \|", line)
        if not match:
            continue
        first, last = match.groups()
        if last is None:
            names.append(first)
        else:
            names.extend(declared[declared.index(first):
                                  declared.index(last) + 1])
    return names


def test_contributing_lists_exactly_the_declared_interpreters():
    declared = sorted(entry["name"] for entry in interpreters())
    assert sorted(contributing_table_names()) == declared


def test_the_docs_list_every_declared_interpreter():
    text = " ".join(read("docs", "interpreters.md").split("## What runs")[0]
                    .split())
    for entry in interpreters():
        implementation, python = entry["implementation"], entry["python"]
        if implementation == "PyPy":
            wanted = r"PyPy [\d.]+ \(Python %s\)" % re.escape(python)
        elif entry.get("free_threaded"):
            wanted = r"CPython %st" % re.escape(python)
        else:
            # "CPython 2.7.18, 3.6.15, ..." or "Jython 2.7.3": the series
            # appears as a release of it.
            wanted = r"\b%s\.\d+" % re.escape(python)
        assert re.search(wanted, text), (entry["name"], wanted)

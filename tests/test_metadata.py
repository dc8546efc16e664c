"""The metadata promises what the matrix tests: the classifiers, the
``Requires-Python`` of setup.cfg and the interpreters of the matrix
(tools/interpreters.json) must agree, and the version lives in one place.
"""
from __future__ import absolute_import

import io
import json
import os
import re

import pytest

import backports.weakref

try:
    from configparser import RawConfigParser
except ImportError:  # Python 2
    from ConfigParser import RawConfigParser

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETUP_CFG = os.path.join(REPOSITORY, "setup.cfg")
INTERPRETERS = os.path.join(REPOSITORY, "tools", "interpreters.json")
SPECIFICATION = os.path.join(REPOSITORY, "src", "backports", "weakref",
                             "_specification.py")

pytestmark = pytest.mark.skipif(
    not os.path.exists(SETUP_CFG), reason="not run from a source tree")


def read_setup_cfg():
    parser = RawConfigParser()
    with io.open(SETUP_CFG, encoding="utf-8") as source:
        if hasattr(parser, "read_file"):
            parser.read_file(source)
        else:
            parser.readfp(source)
    return parser


def classifiers():
    value = read_setup_cfg().get("metadata", "classifiers")
    return [line.strip() for line in value.splitlines() if line.strip()]


def classified_versions():
    prefix = "Programming Language :: Python :: "
    return set(entry[len(prefix):] for entry in classifiers()
               if re.match(re.escape(prefix) + r"\d+\.\d+$", entry))


def classified_implementations():
    prefix = "Programming Language :: Python :: Implementation :: "
    return set(entry[len(prefix):] for entry in classifiers()
               if entry.startswith(prefix))


def matrix_entries():
    """The interpreters the matrix runs, as tools/interpreters.json says."""
    if not os.path.exists(INTERPRETERS):
        pytest.skip("tools/interpreters.json is not in this tree")
    with io.open(INTERPRETERS, encoding="utf-8") as source:
        return json.load(source)["interpreters"]


def matrix_interpreters():
    """[(implementation, version)] for each interpreter the matrix runs,
    but for the debug and sanitizer builds of those (entries with a
    "variant"), which check the compiled core and promise nothing more."""
    return [(entry["implementation"], entry["python"])
            for entry in matrix_entries() if not entry.get("variant")]


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def admits(requires_python, version):
    """Whether the specifiers (only the kinds setup.cfg uses: >=X.Y and
    !=X.Y.*) admit Python *version*."""
    wanted = version_tuple(version)
    for specifier in requires_python.split(","):
        specifier = specifier.strip()
        if specifier.startswith(">="):
            if wanted < version_tuple(specifier[2:]):
                return False
        elif specifier.startswith("!=") and specifier.endswith(".*"):
            excluded = version_tuple(specifier[2:-2])
            if wanted[:len(excluded)] == excluded:
                return False
        else:
            raise AssertionError("teach admits() about %r" % specifier)
    return True


# Classified versions that the matrix does not run yet, each with why.
# Remove an entry once the matrix runs it: the test below then insists.
NOT_YET_IN_MATRIX = {}


def test_every_tested_version_is_classified_and_nothing_else():
    tested = set(version for _, version in matrix_interpreters())
    classified = classified_versions()
    assert tested - classified == set()
    assert classified - tested == set(NOT_YET_IN_MATRIX)


def test_every_tested_implementation_is_classified_and_nothing_else():
    tested = set(implementation for implementation, _ in matrix_interpreters())
    assert classified_implementations() == tested


def test_the_newest_cpython_tested_is_the_one_mirrored():
    with io.open(SPECIFICATION, encoding="utf-8") as source:
        match = re.search(r"^NEWEST = \((\d+), (\d+)\)", source.read(), re.M)
    mirrored = "%s.%s" % match.groups()
    tested = [version for implementation, version in matrix_interpreters()
              if implementation == "CPython"]
    assert max(tested, key=version_tuple) == mirrored


# How a build variant's name follows its base's: "cpython3.15d" as the
# debug python3.15d, "cpython3.13-asan" for the sanitizers.
VARIANT_SUFFIXES = {"debug": "d", "sanitizer": "-asan"}


def test_each_interpreter_is_named_for_what_it_is():
    # --only takes these names: "cpython3.13t", "pypy3.11", "jython2.7".
    for entry in matrix_entries():
        expected = "%s%s%s" % (entry["implementation"].lower(), entry["python"],
                               "t" if entry.get("free_threaded") else "")
        if entry.get("variant"):
            expected += VARIANT_SUFFIXES[entry["variant"]["kind"]]
        assert entry["name"] == expected


def test_each_build_variant_is_of_an_interpreter_the_matrix_runs():
    # A debug or sanitizer build is the same Python as its base entry,
    # which runs the classified version (and the pure twin) itself.
    entries = matrix_entries()
    plain = dict((entry["name"], entry) for entry in entries
                 if not entry.get("variant"))
    variants = [entry for entry in entries if entry.get("variant")]
    for entry in variants:
        base = plain[entry["variant"]["of"]]
        for key in ("implementation", "python"):
            assert entry[key] == base[key], (entry["name"], key)
        assert entry.get("free_threaded", False) == base.get("free_threaded",
                                                             False)


def test_major_version_classifiers_follow_the_minor_ones():
    majors = set(version.split(".")[0] for version in classified_versions())
    assert set(entry.rsplit(" :: ", 1)[1] for entry in classifiers()
               if re.match(r"Programming Language :: Python :: \d+$",
                           entry)) == majors


def test_requires_python_admits_exactly_the_classified_series():
    requires = read_setup_cfg().get("options", "python_requires")
    classified = classified_versions()
    for version in classified:
        assert admits(requires, version), version
    # Every 3.x series between the oldest and newest classified one is
    # either classified or refused: nothing untested installs silently.
    newest_minor = max(version_tuple(version)[1] for version in classified
                       if version.startswith("3."))
    for minor in range(0, newest_minor + 1):
        version = "3.%d" % minor
        assert admits(requires, version) == (version in classified), version


def test_typed_classifier_matches_the_marker_and_its_packaging():
    marker = os.path.join(REPOSITORY, "src", "backports", "weakref",
                          "py.typed")
    assert ("Typing :: Typed" in classifiers()) == os.path.exists(marker)
    package_data = read_setup_cfg().get("options.package_data",
                                        "backports.weakref")
    assert "py.typed" in package_data and "*.pyi" in package_data


def private_modules():
    """Dotted names of the package's modules that have no stub of their own."""
    package = os.path.join(REPOSITORY, "src", "backports", "weakref")
    found = set()
    for folder, _, files in os.walk(package):
        dotted = os.path.relpath(folder, os.path.dirname(os.path.dirname(
            package))).replace(os.sep, ".")
        for name in files:
            stem, extension = os.path.splitext(name)
            if extension != ".py" or ".extras" in dotted + ".":
                continue
            if stem == "__init__":
                if dotted != "backports.weakref":
                    found.add(dotted)
            elif stem.startswith("_"):
                found.add(dotted + "." + stem)
    return found


def test_stubtest_reads_no_private_module_as_a_stub():
    # Without a stub, stubtest type-checks a private module's source, which
    # is written for every interpreter at once; the ini must name each one.
    ini = os.path.join(REPOSITORY, "tests", "typing", "stubtest-mypy.ini")
    with io.open(ini, encoding="utf-8") as source:
        text = source.read()
    ignored = set()
    for section in re.findall(r"^\[mypy-([^\]]+)\]\s*\nignore_errors = True",
                              text, re.M):
        ignored.update(name.strip() for name in section.split(","))

    def covered(module):
        return module in ignored or any(
            pattern.endswith(".*") and module.startswith(pattern[:-1])
            for pattern in ignored)

    assert sorted(m for m in private_modules() if not covered(m)) == []


def test_version_lives_in_the_package_alone():
    with io.open(os.path.join(REPOSITORY, "setup.py"), encoding="utf-8") as f:
        setup_py = f.read()
    assert backports.weakref.__version__ not in setup_py
    assert not read_setup_cfg().has_option("metadata", "version")
    assert re.match(r"\d+\.\d+\.\d+", backports.weakref.__version__)


def test_the_changelog_covers_this_version():
    path = os.path.join(REPOSITORY, "CHANGELOG.md")
    with io.open(path, encoding="utf-8") as changelog:
        headings = re.findall(r"^## (\S+)", changelog.read(), re.M)
    assert headings and headings[0] == backports.weakref.__version__


def test_the_author_fields_name_who_wrote_and_maintains_2x():
    # 2.x is new code: 1.x's author is credited for 1.x in the changelog
    # and the README, not named as this code's author or reached by email.
    metadata = dict(read_setup_cfg().items("metadata"))
    assert metadata["author"] == "The backports.weakref developers"
    assert metadata["maintainer"] == "The backports.weakref developers"
    assert not [key for key in metadata if key.endswith("_email")]
    for name in ("CHANGELOG.md", "README.md"):
        with io.open(os.path.join(REPOSITORY, name), encoding="utf-8") as f:
            assert "by Pi Delport" in f.read(), name

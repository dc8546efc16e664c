"""The legs of the container tests (conftest.py's ``containers`` fixture):
a test sees the copy of the package of the core its id names, wherever it
looks: its module's globals, containers_impl, an import in its body, pickle,
a child interpreter. Its tests run on every leg, each after another leg's,
so they also check that a leg leaves nothing of itself behind."""
from __future__ import absolute_import

import os
import pickle
import sys
import unittest

import pytest

import containers_impl
import cores
from backports import weakref
from backports.weakref import WeakSet, _core, extras
from backports.weakref.extras import WeakList
from containers_impl import Obj
from support import run_python

SWITCH_AT_IMPORT = os.environ.get(cores.NO_EXTENSIONS_VARIABLE)


def test_the_module_and_containers_impl_see_the_legs_package(containers):
    package = cores.package(containers)
    assert weakref is package and WeakSet is package.WeakSet
    assert _core.IMPLEMENTATION == containers
    assert extras is sys.modules["backports.weakref.extras"]
    assert WeakList is extras.WeakList
    assert containers_impl.weakref is package
    assert containers_impl.core() == containers


def test_an_import_in_the_body_and_pickle_see_it(containers):
    from backports import weakref as imported
    assert imported is cores.package(containers)
    members = [Obj(1)]
    # With its members, which it alone would not keep alive.
    restored_members, restored = pickle.loads(pickle.dumps(
        (members, WeakSet(members))))
    assert type(restored) is WeakSet
    assert list(restored) == restored_members == members


def test_a_child_interpreter_runs_on_the_legs_core(containers):
    rc, out, err = run_python("from backports.weakref import _core; "
                              "print(_core.IMPLEMENTATION)")
    assert (rc, out.strip()) == (0, containers), err
    assert os.environ.get(cores.NO_EXTENSIONS_VARIABLE) == (
        "1" if containers != cores.IMPORTED else SWITCH_AT_IMPORT)


def test_the_twin_beside_the_compiled_core_runs_shorter(containers):
    shortened = containers_impl.shortened_for_twin(100, 0.5)
    assert shortened == (50 if containers == "pure" and "compiled" in
                         cores.CORES else 100)


class TestAClassMarkedWithTheTwin(unittest.TestCase):
    # As tests/test_cpython_suite.py marks CPython's unittest classes, which
    # pytest cannot parametrise.
    pytestmark = [pytest.mark.core("pure")]

    def test_sees_the_twin(self):
        self.assertEqual(_core.IMPLEMENTATION, "pure")
        self.assertIs(weakref, cores.package("pure"))

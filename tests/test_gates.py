"""The gate table, in executable form: the public names are 3.14's, and each
is the interpreter's own object exactly where that already behaves as 3.14's.
"""
from __future__ import absolute_import

import sys
import weakref as stdlib_weakref

import pytest

import backports.weakref
from backports import weakref
from support import JYTHON, PYPY, run_python

# CPython 3.14.10's weakref.__all__, in its order.
ALL_314 = ["ref", "proxy", "getweakrefcount", "getweakrefs",
           "WeakKeyDictionary", "ReferenceType", "ProxyType",
           "CallableProxyType", "ProxyTypes", "WeakValueDictionary",
           "WeakSet", "WeakMethod", "finalize"]
PUBLIC = ALL_314 + ["KeyedRef"]

CPYTHON_310_PLUS = sys.version_info >= (3, 10) and not PYPY and not JYTHON
CPYTHON_314_PLUS = sys.version_info >= (3, 14) and not PYPY and not JYTHON

# Whether each name must be the interpreter's own object here.
EXPECTED_NATIVE = {
    # The reference machinery is C (Java on Jython) everywhere.
    "ref": True, "proxy": True, "getweakrefcount": True,
    "getweakrefs": True, "ReferenceType": True, "ProxyType": True,
    "CallableProxyType": True, "ProxyTypes": True,
    # Jython prints a ref subclass's instances as plain objects.
    "KeyedRef": not JYTHON,
    # 3.10-3.13 have 3.14's finalize and WeakMethod, argument errors included.
    "finalize": CPYTHON_310_PLUS,
    "WeakMethod": CPYTHON_310_PLUS,
    # No interpreter before 3.14 iterates weak containers over a snapshot;
    # CPython 3.14's weak dicts are what we backport.
    "WeakKeyDictionary": CPYTHON_314_PLUS,
    "WeakValueDictionary": CPYTHON_314_PLUS,
    # 3.14's WeakSet still shares its set with copy.copy() (gh-74876) and
    # does not pickle.
    "WeakSet": False,
}


def test_all_is_314s():
    assert weakref.__all__ == ALL_314


def test_every_public_name_exists_and_star_import_gives_all():
    namespace = {}
    exec("from backports.weakref import *", namespace)
    assert set(name for name in namespace if name != "__builtins__") == set(ALL_314)
    for name in PUBLIC:
        assert getattr(weakref, name) is not None


def test_the_old_releases_import_still_works():
    from backports.weakref import finalize
    assert finalize is weakref.finalize
    assert backports.weakref is weakref


@pytest.mark.parametrize("name", PUBLIC)
def test_native_or_ours_as_the_gate_table_says(name):
    native = getattr(stdlib_weakref, name, None)
    ours = getattr(weakref, name)
    if EXPECTED_NATIVE[name]:
        assert ours is native
        assert weakref._origin(name) == "native"
    else:
        assert ours is not native
        assert weakref._origin(name) == "ours"
    assert weakref._REASONS[name]


@pytest.mark.parametrize("name", [name for name in PUBLIC
                                  if isinstance(getattr(weakref, name), type)])
def test_our_classes_say_they_come_from_backports_weakref(name):
    cls = getattr(weakref, name)
    if weakref._origin(name) == "ours":
        assert cls.__module__ == "backports.weakref"
        assert cls.__name__ == name


def test_proxytypes_is_the_pair():
    assert weakref.ProxyTypes == (weakref.ProxyType, weakref.CallableProxyType)


def test_nothing_of_the_stdlib_is_patched():
    # Importing us must leave the interpreter's own module as it was.
    rc, out, err = run_python("""
        import weakref
        before = dict(vars(weakref))
        import backports.weakref
        after = dict(vars(weakref))
        print(sorted(name for name in set(before) | set(after)
                     if before.get(name) is not after.get(name)))
    """)
    assert rc == 0, err
    assert out.strip() == "[]"


def run_cli(*args):
    return run_python("import runpy, sys; sys.argv[0] = 'backports.weakref'; "
                      "runpy.run_module('backports.weakref', run_name='__main__')",
                      *args)


def test_command_lists_every_name_with_its_origin_and_reason():
    rc, out, err = run_cli()
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("backports.weakref %s on " % weakref.__version__)
    rows = dict((line.split()[0], line.split()[1]) for line in lines[1:])
    assert sorted(rows) == sorted(PUBLIC)
    for name in PUBLIC:
        assert rows[name] == weakref._origin(name)
        assert weakref._REASONS[name] in out


def test_command_check_passes_here():
    rc, out, err = run_cli("--check")
    assert rc == 0, out + err
    assert out.splitlines()[-1].endswith(" passed, 0 failed")


def test_command_version_and_usage():
    rc, out, err = run_cli("--version")
    assert (rc, out.strip()) == (0, weakref.__version__)
    rc, out, err = run_cli("--bogus")
    assert rc == 2 and "usage:" in err

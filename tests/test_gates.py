"""The gate table, in executable form: the public names are the newest
CPython's, and each is the interpreter's own object exactly where that
already behaves as the newest's.
"""
from __future__ import absolute_import

import ast
import os
import sys
import weakref as stdlib_weakref

import pytest

import backports.weakref
from backports import weakref
from backports.weakref import _core
from backports.weakref._specification import NEWEST
from support import JYTHON, PY2, PYPY, collect_until, run_python

# The newest CPython's weakref.__all__, in its order (checked against the
# interpreter's own on that release below).
NEWEST_ALL = ["ref", "proxy", "getweakrefcount", "getweakrefs",
              "WeakKeyDictionary", "ReferenceType", "ProxyType",
              "CallableProxyType", "ProxyTypes", "WeakValueDictionary",
              "WeakSet", "WeakMethod", "finalize"]
PUBLIC = NEWEST_ALL + ["KeyedRef"]

CPYTHON = not PYPY and not JYTHON
ON_NEWEST_CPYTHON = CPYTHON and sys.version_info[:2] == NEWEST
# What the interpreter's own weakref exports beyond the newest's names.
NATIVE_EXTRAS = [name for name in getattr(stdlib_weakref, "__all__", ())
                 if name not in NEWEST_ALL]

# Whether each name must be the interpreter's own object here: facts about
# each interpreter, written out independently of the flags behind the gates.
EXPECTED_NATIVE = {
    # The reference machinery is C (Java on Jython) everywhere.
    "ref": True, "proxy": True, "getweakrefcount": True,
    "getweakrefs": True, "ReferenceType": True, "ProxyType": True,
    "CallableProxyType": True, "ProxyTypes": True,
    # Jython prints a ref subclass's instances as plain objects.
    "KeyedRef": not JYTHON,
    # From CPython 3.10 and PyPy 3.11, finalize is the newest's, argument
    # errors included (PyPy 3.9 words its errors its own way); WeakMethod
    # too, but on PyPy its ref.__init__ names a refused keyword.
    "finalize": sys.version_info >= (3, 10 if CPYTHON else 11) and not JYTHON,
    "WeakMethod": CPYTHON and sys.version_info >= (3, 10),
    # No CPython's or PyPy's own weak dict pickles (CPython's iterate a
    # snapshot from 3.14, and its WeakKeyDictionary refuses update(**kwargs)
    # up front from 3.15, but neither pickles); Jython's lack the snapshot.
    # No release's WeakValueDictionary.setdefault() inserts once (issue 22).
    "WeakValueDictionary": False,
    "WeakKeyDictionary": False,
    # Every CPython's copy.copy() of a WeakSet shares its set (gh-74876),
    # and none pickles one.
    "WeakSet": False,
}


def test_all_is_the_newest_cpythons_then_the_interpreters_own():
    assert weakref.__all__ == NEWEST_ALL + NATIVE_EXTRAS


@pytest.mark.skipif(not ON_NEWEST_CPYTHON,
                    reason="only the newest CPython has the newest __all__")
def test_the_newest_cpythons_all_is_what_we_say():
    assert stdlib_weakref.__all__ == NEWEST_ALL


@pytest.mark.skipif(not PY2, reason="Python 2's weakref exports ReferenceError")
def test_python2s_reference_error_is_kept():
    assert "ReferenceError" in weakref.__all__
    assert weakref.ReferenceError is ReferenceError
    holder = Holder()
    holder.probe = Holder()
    proxy = weakref.proxy(holder.probe)
    del holder.probe

    def dead():
        # What a dead proxy raises is what `except weakref.ReferenceError`
        # in Python 2 code expects.
        try:
            proxy.anything
        except weakref.ReferenceError:
            return True
        except AttributeError:
            return False

    collect_until(dead)


class Holder(object):
    """Keeps the one strong reference a test later drops with ``del``."""


def test_every_public_name_exists_and_star_import_gives_all():
    namespace = {}
    exec("from backports.weakref import *", namespace)
    assert set(name for name in namespace
               if name != "__builtins__") == set(weakref.__all__)
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
    assert weakref._reason(name)


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
    assert lines[0] == ("backports.weakref %s: the weakref module of "
                        "CPython %d.%d" % ((weakref.__version__,) + NEWEST))
    assert lines[1].startswith("on ")
    assert lines[2] == "containers' core: " + _core.describe()
    rows = dict((line.split()[0], line.split()[1]) for line in lines[3:])
    assert sorted(rows) == sorted(PUBLIC + NATIVE_EXTRAS)
    for name in PUBLIC:
        assert rows[name] == weakref._origin(name)
        assert weakref._reason(name) in out


def test_command_check_passes_here():
    rc, out, err = run_cli("--check")
    assert rc == 0, out + err
    assert out.splitlines()[-1].endswith(" passed, 0 failed")


def test_command_version_help_and_usage():
    rc, out, err = run_cli("--version")
    assert (rc, out.strip()) == (0, weakref.__version__)
    rc, out, err = run_cli("--help")
    assert rc == 0, err
    assert "usage:" in out and "--check" in out
    assert "CPython %d.%d" % NEWEST in " ".join(out.split())
    rc, out, err = run_cli("--bogus")
    assert rc == 2 and "usage:" in err


def test_a_failing_check_fails_the_command_under_python_O_too():
    # The checks are no assert statements, which -O would remove.
    rc, out, err = run_python("""
        import sys
        import backports.weakref.__main__ as command
        def _check_broken():
            command._expect(False, "deliberately broken")
        command.CHECKS.append(_check_broken)
        sys.exit(command.main(["--check"]))
    """, options=["-O"])
    assert rc == 1, out + err
    assert "FAIL broken: CheckFailed: deliberately broken" in out
    assert out.splitlines()[-1].endswith(" passed, 1 failed")


SOURCE = os.path.dirname(os.path.abspath(backports.weakref.__file__))


def test_no_library_behaviour_sits_under_assert():
    found = []
    for folder, _, files in os.walk(SOURCE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path) as source:
                    tree = ast.parse(source.read(), path)
                found += ["%s:%d" % (os.path.relpath(path, SOURCE), node.lineno)
                          for node in ast.walk(tree)
                          if isinstance(node, ast.Assert)]
    assert found == []


def test_command_warns_about_what_old_pips_leave_behind(tmpdir):
    # What pip 19 leaves when it upgrades 1.0.post1 under the hyphenated
    # name: both metadata folders, and the old module beside the package.
    site = str(tmpdir)
    os.makedirs(os.path.join(site, "backports", "weakref"))
    for name in ("backports.weakref-1.0.post1.dist-info",
                 "backports_weakref-2.0.0.dist-info"):
        os.mkdir(os.path.join(site, name))
    open(os.path.join(site, "backports", "weakref.py"), "w").close()
    from backports.weakref import __main__ as command
    found = command.leftovers([site])
    assert found == [
        "%s holds 2 backports.weakref distributions (1.0.post1, 2.0.0)"
        % site,
        "%s is 1.0.post1's module, left beside the package"
        % os.path.join(site, "backports", "weakref.py")]
    os.rmdir(os.path.join(site, "backports_weakref-2.0.0.dist-info"))
    os.remove(os.path.join(site, "backports", "weakref.py"))
    assert command.leftovers([site]) == []
    # Where nothing was left, the command says nothing about it.
    rc, out, err = run_cli()
    assert rc == 0 and "warning:" not in out

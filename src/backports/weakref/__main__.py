"""``python -m backports.weakref``: what this interpreter gets, and a self-test.

Without arguments it prints which CPython release's weakref is mirrored,
the interpreter, which implementation of our containers' hot paths is
active (the compiled core or its pure-Python twin) and why, and for each
public name whether it is the interpreter's own object or ours, and why. ``--check`` also runs a quick self-test and
exits non-zero on any failure (``python -O`` included: no check is an
``assert``).
"""
from __future__ import absolute_import, print_function

import argparse
import gc
import os
import platform
import re
import sys
import time

import backports.weakref as bw
from backports.weakref import _core
from backports.weakref._specification import NEWEST

_PUBLIC_NAMES = sorted(bw.__all__ + ["KeyedRef"], key=str.lower)

MIRRORED = "CPython %d.%d" % NEWEST


def describe():
    """Lines that say what is mirrored, on which interpreter, and where each
    name comes from."""
    lines = ["backports.weakref %s: the weakref module of %s" % (
        bw.__version__, MIRRORED),
        "on %s %s (%s)" % (platform.python_implementation(),
                           platform.python_version(), sys.executable),
        "containers' core: %s" % _core.describe()]
    width = max(len(name) for name in _PUBLIC_NAMES)
    for name in _PUBLIC_NAMES:
        lines.append("  %-*s  %-6s  %s" % (width, name, bw._origin(name),
                                          bw._reason(name)))
    return lines


# A distribution's metadata folder, whichever tool wrote it and however it
# spelled the name (old setuptools kept the dot, new ones write "_").
_METADATA_FOLDER = re.compile(r"^backports[._-]weakref-(.+?)(-py\d.*)?"
                              r"\.(dist|egg)-info$", re.I)


def leftovers(path=None):
    """What upgrades with a pip older than 20.2 can leave behind, for each
    folder of *path* (sys.path) that has one: more than one backports.weakref
    distribution, or 1.0.post1's single module beside our package."""
    found = []
    for folder in (sys.path if path is None else path):
        if not folder or not os.path.isdir(folder):
            continue
        versions = sorted(match.group(1) for match in
                          (_METADATA_FOLDER.match(name)
                           for name in os.listdir(folder)) if match)
        if len(versions) > 1:
            found.append("%s holds %d backports.weakref distributions (%s)"
                         % (folder, len(versions), ", ".join(versions)))
        module = os.path.join(folder, "backports", "weakref.py")
        if os.path.isfile(module) and os.path.isdir(module[:-3]):
            found.append("%s is 1.0.post1's module, left beside the package"
                         % module)
    return found


def _remedy_lines(found):
    if not found:
        return []
    return ["warning: an upgrade by a pip older than 20.2 left files behind:"
            ] + ["  " + line for line in found] + [
        "  (the package still imports; to clean up, upgrade pip, uninstall "
        "both backports.weakref and backports-weakref, then install again)"]


class CheckFailed(Exception):
    """A self-test expectation that did not hold."""


def _expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def _collect_until(condition, timeout=5.0):
    """Collect until *condition()* holds; False if it still does not after
    *timeout* seconds. Jython runs callbacks later, on another thread."""
    deadline = time.time() + timeout
    while True:
        gc.collect()
        if condition():
            return True
        if time.time() > deadline:
            return False
        time.sleep(0.01)


class _Probe(object):
    def method(self):
        return "called"


def _check_ref():
    probe = _Probe()
    reference = bw.ref(probe)
    _expect(reference() is probe, "ref() did not return its referent")
    del probe
    _expect(_collect_until(lambda: reference() is None), "referent survived")


def _check_finalize():
    probe = _Probe()
    calls = []
    finalizer = bw.finalize(probe, calls.append, "done")
    _expect(finalizer.alive and finalizer.atexit, "new finalizer not alive")
    del probe
    _expect(_collect_until(lambda: calls == ["done"]),
            "callback calls: %r" % (calls,))
    _expect(not finalizer.alive, "finalizer alive after its callback")
    try:
        bw.finalize()
    except TypeError as error:
        expected = ("finalize.__init__() missing 2 required positional "
                    "arguments: 'obj' and 'func'")
        _expect(str(error) == expected, str(error))
    else:
        raise CheckFailed("finalize() accepted no arguments")


def _check_weakmethod():
    probe = _Probe()
    deaths = []
    method_ref = bw.WeakMethod(probe.method, deaths.append)
    _expect(method_ref()() == "called", "the method did not run")
    _expect(method_ref.__eq__(object()) is NotImplemented,
            "== with another type did not return NotImplemented")
    del probe
    _expect(_collect_until(lambda: deaths == [method_ref]),
            "callback calls: %r" % (deaths,))
    _expect(method_ref() is None, "WeakMethod alive after its instance")


def _check_containers():
    probes = [_Probe() for _ in range(3)]
    values = bw.WeakValueDictionary(enumerate(probes))
    keys = bw.WeakKeyDictionary((probe, n) for n, probe in enumerate(probes))
    members = bw.WeakSet(probes)
    del probes[0]
    _expect(_collect_until(
        lambda: len(values) == len(keys) == len(members) == 2),
        "lengths after a death: %d, %d, %d" % (len(values), len(keys),
                                              len(members)))
    keyed = bw.WeakKeyDictionary()
    try:
        keyed.update({probes[0]: 0}, name=1)
    except TypeError:
        _expect(len(keyed) == 0, "update(**kwargs) stored the mapping")
    else:
        raise CheckFailed("WeakKeyDictionary.update(**kwargs) accepted")


CHECKS = [_check_ref, _check_finalize, _check_weakmethod, _check_containers]


def check():
    """Run the self-test; return the number of failures."""
    failures = 0
    for check_one in CHECKS:
        name = check_one.__name__[len("_check_"):]
        try:
            check_one()
        except Exception as error:  # report every failure, then exit 1
            failures += 1
            print("FAIL %s: %s: %s" % (name, type(error).__name__, error))
        else:
            print("ok   %s" % name)
    return failures


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m backports.weakref",
        description="Show which objects `from backports import weakref` "
        "gives on this interpreter (the interpreter's own, or ours) and "
        "why; backports.weakref mirrors the weakref module of %s."
        % MIRRORED)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true",
                       help="also run a quick self-test; exit 1 if any "
                       "part of it fails")
    group.add_argument("--version", action="store_true",
                       help="print the version of backports.weakref")
    return parser


def main(argv=None):
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        print(bw.__version__)
        return 0
    for line in describe() + _remedy_lines(leftovers()):
        print(line)
    if args.check:
        failures = check()
        print("%d passed, %d failed" % (len(CHECKS) - failures, failures))
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m backports.weakref``: what this interpreter gets, and a self-test.

Without arguments it prints the interpreter and, for each public name,
whether it is the interpreter's own object or ours, and why. ``--check``
runs a quick self-test and exits non-zero on any failure.
"""
from __future__ import absolute_import, print_function

import gc
import platform
import sys
import time

import backports.weakref as bw

_PUBLIC_NAMES = sorted(bw.__all__ + ["KeyedRef"], key=str.lower)


def describe():
    """Lines that say which interpreter this is and where each name comes from."""
    lines = ["backports.weakref %s on %s %s (%s)" % (
        bw.__version__, platform.python_implementation(),
        platform.python_version(), sys.executable)]
    width = max(len(name) for name in _PUBLIC_NAMES)
    for name in _PUBLIC_NAMES:
        lines.append("  %-*s  %-6s  %s" % (width, name, bw._origin(name),
                                          bw._REASONS[name]))
    return lines


def _collect_until(condition, timeout=5.0):
    # Jython runs callbacks later, on another thread: collect and look again.
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
    assert reference() is probe
    del probe
    assert _collect_until(lambda: reference() is None), "referent survived"


def _check_finalize():
    probe = _Probe()
    calls = []
    finalizer = bw.finalize(probe, calls.append, "done")
    assert finalizer.alive and finalizer.atexit
    del probe
    assert _collect_until(lambda: calls == ["done"]), calls
    assert not finalizer.alive
    try:
        bw.finalize()
    except TypeError as error:
        expected = ("finalize.__init__() missing 2 required positional "
                    "arguments: 'obj' and 'func'")
        assert str(error) == expected, str(error)
    else:
        raise AssertionError("finalize() accepted no arguments")


def _check_weakmethod():
    probe = _Probe()
    deaths = []
    method_ref = bw.WeakMethod(probe.method, deaths.append)
    assert method_ref()() == "called"
    assert method_ref.__eq__(object()) is NotImplemented
    del probe
    assert _collect_until(lambda: deaths == [method_ref]), deaths
    assert method_ref() is None


def _check_containers():
    probes = [_Probe() for _ in range(3)]
    values = bw.WeakValueDictionary(enumerate(probes))
    keys = bw.WeakKeyDictionary((probe, n) for n, probe in enumerate(probes))
    members = bw.WeakSet(probes)
    del probes[0]
    assert _collect_until(lambda: len(values) == len(keys) == len(members) == 2)


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


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        print(bw.__version__)
        return 0
    if args not in ([], ["--check"]):
        print("usage: python -m backports.weakref [--check | --version]",
              file=sys.stderr)
        return 2
    for line in describe():
        print(line)
    if args == ["--check"]:
        failures = check()
        print("%d passed, %d failed" % (len(CHECKS) - failures, failures))
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

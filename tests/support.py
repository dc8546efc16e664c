"""What every test module shares: waiting for the collector, child interpreters.

On CPython an object dies at its last ``del``; on PyPy only at a collection;
on Jython the JVM clears it at a collection and a "reaper" thread runs the
callbacks a little later. ``collect_until`` hides all three.

One more Jython trap: a function keeps the last sequence it unpacked alive
(``a, b = make()`` holds the tuple), so tests keep an object that must die in
one plain variable or attribute and ``del`` that.
"""
from __future__ import absolute_import

import gc
import os
import subprocess
import sys
import textwrap
import time

JYTHON = sys.platform.startswith("java")
PYPY = "__pypy__" in sys.builtin_module_names
PY2 = sys.version_info[0] == 2

# Long enough for Jython's reaper thread under load; CPython needs none of it.
COLLECT_TIMEOUT = 10.0


def collect_until(condition, timeout=COLLECT_TIMEOUT):
    """Collect garbage until ``condition()`` is true; fail after *timeout* s.

    Returns normally once the condition holds, raises AssertionError when it
    still does not hold at the deadline.
    """
    deadline = time.time() + timeout
    pause = 0.001
    while True:
        gc.collect()
        if condition():
            return
        if time.time() >= deadline:
            raise AssertionError("condition still false after %.1f s of "
                                 "collecting: %r" % (timeout, condition))
        # Give another thread (Jython's reaper) the chance to run callbacks.
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def collect():
    """One full collection, enough on every interpreter for what a test
    deleted to be dead (callbacks on Jython may still be pending)."""
    for _ in range(3 if PYPY else 1):
        gc.collect()


def run_python(code, *args, **kwargs):
    """Run *code* in a child of this interpreter; return (rc, stdout, stderr).

    The child sees the same sys.path, so it imports the backports.weakref
    under test. Keyword arguments, besides Popen's: ``env`` (variables to
    add), ``options`` (interpreter options, placed before ``-c``),
    ``path_first`` (folders the child searches before that sys.path) and
    ``raw`` (return stdout and stderr as bytes, undecoded).
    """
    options = list(kwargs.pop("options", ()))
    env = dict(os.environ)
    entries = list(kwargs.pop("path_first", ())) + sys.path
    path = os.pathsep.join(entry for entry in entries if entry)
    env["JYTHONPATH" if JYTHON else "PYTHONPATH"] = path
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(kwargs.pop("env", {}))
    raw = kwargs.pop("raw", False)
    process = subprocess.Popen(
        [sys.executable] + options + ["-c", textwrap.dedent(code)] + list(args),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kwargs)
    out, err = process.communicate()
    if raw:
        return process.returncode, out, err
    return (process.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"))

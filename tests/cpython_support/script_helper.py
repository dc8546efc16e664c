"""``test.support.script_helper``: run a child of this interpreter.

The child searches, before this interpreter's sys.path, the folder that
holds the ``test`` package this module is part of, so a child program that
says ``from test.test_weakref import ...`` gets the same transformed test
file, and the same weakref, as the parent (CPython's own children would get
the stdlib's: they run isolated, ``-I``, which ignores PYTHONPATH).
"""
from __future__ import absolute_import

import collections
import os
import sys

from support import run_python

# <root>/test/support/script_helper.py
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

Result = collections.namedtuple("Result", "rc out err")


def run_python_until_end(*args, **env_vars):
    """Run ``python OPTIONS... -c CODE ARGS...`` with *env_vars* added to
    the environment; return (Result(rc, out, err), the command line), the
    output as bytes. Keywords starting with ``__`` are CPython's switches
    for isolation, which a child that must import our files cannot use."""
    args = list(args)
    if "-c" not in args[:-1]:
        raise NotImplementedError("the stand-in runs only '-c' programs, "
                                  "not %r" % (args,))
    at = args.index("-c")
    env = dict((name, value) for name, value in env_vars.items()
               if not name.startswith("__"))
    rc, out, err = run_python(args[at + 1], *args[at + 2:],
                              options=args[:at], path_first=[ROOT],
                              env=env, raw=True)
    return Result(rc, out, err), [sys.executable] + args


def _check(expect_success, args, env_vars):
    result, command = run_python_until_end(*args, **env_vars)
    if bool(result.rc) == expect_success:
        raise AssertionError(
            "process %s with code %r: %r\nstdout:\n%s\nstderr:\n%s" % (
                "failed" if expect_success else "succeeded", result.rc,
                command, result.out.decode("utf-8", "replace"),
                result.err.decode("utf-8", "replace")))
    return result


def assert_python_ok(*args, **env_vars):
    """Run the child; fail unless it exits with 0. Returns (rc, out, err)."""
    return _check(True, args, env_vars)


def assert_python_failure(*args, **env_vars):
    """Run the child; fail if it exits with 0. Returns (rc, out, err)."""
    return _check(False, args, env_vars)

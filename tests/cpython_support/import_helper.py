"""``test.support.import_helper``, as much as CPython's weakref tests use."""
from __future__ import absolute_import

import importlib
import sys
import unittest


def import_module(name, deprecated=False, required_on=()):
    """Import and return module *name*; skip the test if it is missing,
    unless this platform (sys.platform's start) is in *required_on*."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if sys.platform.startswith(tuple(required_on)):
            raise
        raise unittest.SkipTest(str(error))

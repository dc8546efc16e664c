"""Assertion methods newer than this interpreter's unittest.

CPython's test files call ``self.assertHasAttr`` and ``self.assertNotHasAttr``
(unittest 3.14). The loader gives each test class it loads the ones its
unittest lacks (ADDED), so the tests check weakref, not unittest's age.
"""
from __future__ import absolute_import

import unittest


def assertHasAttr(self, obj, name, msg=None):
    if not hasattr(obj, name):
        self.fail(self._formatMessage(
            msg, "%r has no attribute %r" % (obj, name)))


def assertNotHasAttr(self, obj, name, msg=None):
    if hasattr(obj, name):
        self.fail(self._formatMessage(
            msg, "%r has unexpected attribute %r" % (obj, name)))


ADDED = dict((method.__name__, method)
             for method in (assertHasAttr, assertNotHasAttr)
             if not hasattr(unittest.TestCase, method.__name__))


def add_missing(cls):
    """Give TestCase subclass *cls* the methods of ADDED it lacks."""
    for name, method in ADDED.items():
        if not hasattr(cls, name):
            setattr(cls, name, method)

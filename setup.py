import io
import re

from setuptools import setup


def read(path):
    with io.open(path, encoding="utf-8") as source:
        return source.read()


# Read as text, never imported: importing the package would need the build
# interpreter to run it, and old setuptools cannot use "attr:" in a src/ layout.
version = re.search(r'^__version__ = "([^"]+)"',
                    read("src/backports/weakref/__init__.py"), re.M).group(1)
# The newest CPython release is named in one place, which the package reads too.
newest = re.search(r"^NEWEST = \((\d+), (\d+)\)$",
                   read("src/backports/weakref/_specification.py"), re.M)
description = (
    "CPython %s.%s's weakref module (finalize, WeakMethod, weak containers) "
    "for Python 2.7, 3.6+, PyPy and Jython" % newest.groups())

setup(version=version, description=description)

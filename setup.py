import glob
import io
import os
import platform
import re
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


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

# The compiled core (src/backports/weakref/_speedups.c) is built for CPython
# only, and not when BACKPORTS_WEAKREF_NO_EXTENSIONS is set (to anything but
# "" or "0"): that is how the universal py2.py3 wheel is built. Its pure-Python
# twin is always installed, and used wherever the extension is absent.
NO_EXTENSIONS = os.environ.get("BACKPORTS_WEAKREF_NO_EXTENSIONS", "") not in (
    "", "0")
WANT_EXTENSION = (platform.python_implementation() == "CPython"
                  and not NO_EXTENSIONS)


class optional_build_ext(build_ext):
    """build_ext that, when the compiler is missing or fails, says so and
    goes on: the package then runs on its pure-Python twin (as markupsafe's
    and multidict's setup.py do). The universal wheel is for that too."""

    def run(self):
        try:
            build_ext.run(self)
        except Exception as error:  # no compiler: distutils' errors vary
            self._skipped(error)

    def build_extension(self, ext):
        try:
            build_ext.build_extension(self, ext)
        except Exception as error:  # a failed compile: same remedy
            self._skipped(error)

    def get_libraries(self, ext):
        # Python 2.7's and 3.6-3.7's distutils link an extension to
        # libpython when the interpreter is built --enable-shared (pyenv's
        # are): its wheel would then not import on a python without that
        # library, and manylinux forbids it. On Linux the interpreter that
        # imports the module provides those symbols: 3.8's distutils links
        # none there either (bpo-21536). Windows and Cygwin need the link.
        libraries = build_ext.get_libraries(self, ext)
        if not sys.platform.startswith("linux") or hasattr(
                sys, "getandroidapilevel"):
            return libraries
        return [name for name in libraries
                if not re.match(r"python\d", name)]

    def _skipped(self, error):
        sys.stderr.write(
            "backports.weakref: the compiled core was not built (%s: %s); "
            "the pure-Python twin is installed, and used, instead.\n"
            % (type(error).__name__, error))


# With no extension the wheel is pure, and setup.cfg's python_tag makes it the
# universal py2.py3 one; with it, bdist_wheel ignores that tag and names the
# wheel for the interpreter and platform (cp313-cp313-linux_x86_64).
ext_modules = []
if WANT_EXTENSION:
    ext_modules.append(Extension(
        "backports.weakref._speedups",
        sources=["src/backports/weakref/_speedups.c"],
        depends=sorted(glob.glob("src/backports/weakref/_speedupslib/*.h"))))

setup(version=version, description=description, ext_modules=ext_modules,
      cmdclass={"build_ext": optional_build_ext})

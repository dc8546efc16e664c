import io
import re

from setuptools import setup

# The version lives in the package alone; old setuptools cannot read it with
# "attr:" from a src/ layout without importing the package.
with io.open("src/backports/weakref/__init__.py", encoding="utf-8") as source:
    version = re.search(r'^__version__ = "([^"]+)"', source.read(), re.M).group(1)

setup(version=version)

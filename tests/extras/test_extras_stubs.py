"""The stubs of backports.weakref.extras name every public name, and the
module's __all__ is complete."""
from __future__ import absolute_import

import io
import os
import sys

import pytest

import backports.weakref
import backports.weakref.extras as extras

STUB = os.path.join(os.path.dirname(extras.__file__), "__init__.pyi")


def test_all_is_complete_and_apart_from_the_mirror():
    public = set(name for name in dir(extras) if not name.startswith("_"))
    public.discard("absolute_import")     # the __future__ import
    assert set(extras.__all__) == public
    for name in extras.__all__:
        assert not hasattr(backports.weakref, name), name
        assert getattr(extras, name).__module__ == "backports.weakref.extras"


@pytest.mark.skipif(sys.version_info < (3, 8), reason="the stubs use "
                    "positional-only parameters (PEP 570, 3.8)")
def test_stub_defines_every_public_name():
    import ast
    with io.open(STUB, encoding="utf-8") as stub:
        tree = ast.parse(stub.read())
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined.update(target.id for target in node.targets)
    assert set(extras.__all__) <= defined

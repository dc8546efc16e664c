"""Every Python block of docs/extras.md runs, on every interpreter."""
from __future__ import absolute_import

import io
import os
import re

import pytest

# tests/extras/ -> the repository.
REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DOCS = os.path.join(REPOSITORY, "docs", "extras.md")


def python_blocks():
    with io.open(DOCS, encoding="utf-8") as page:
        text = page.read()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_the_page_has_examples():
    assert len(python_blocks()) >= 6


@pytest.mark.parametrize("number", range(len(python_blocks())))
def test_example_runs(number):
    namespace = {"__name__": "extras_docs_example_%d" % number}
    exec(compile(python_blocks()[number], DOCS, "exec"), namespace)

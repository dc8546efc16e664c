"""The 12 examples of the project's seed tutorial, through backports.weakref.

Each ``tutorial/exampleNN.py`` is run in a child interpreter with its
``import weakref`` replaced by ``from backports import weakref``; what it
prints must be what the newest CPython's own weakref printed for it
(``tutorial/exampleNN.newest.txt``, recorded by ``tools/record_tutorial.py``
on that release, whose first line names it), once addresses, the clock and
set ordering are taken out.
"""
from __future__ import absolute_import

import io
import os
import re

import pytest

from support import JYTHON, PY2, PYPY, run_python
from tutorial_examples import (EXAMPLES, HERE, NEWEST, RECORDED,
                               example_source)

# Differences owned by the interpreter itself (its C or Java reference
# types, which backports.weakref re-exports rather than replaces, or its
# language): (applies here, pattern of what it prints, the newest's text,
# why).
INTERPRETER_OWNED = [
    (True, r"<(?:class|type) 'weakproxy'>", "<class 'weakref.ProxyType'>",
     "CPython 3.10.13 and 3.11 renamed the C proxy type (gh-79512); proxies "
     "are the interpreter's own"),
    (PYPY, r"<weakref\.ReferenceType at ", "<weakref at ",
     "PyPy 3.11 names the ref's type in its repr"),
    (PYPY, r"<weakref\.ProxyType at ", "<weakproxy at ",
     "PyPy 3.11 names the proxy's type in its repr"),
    (PYPY, r"(<weak(?:ref|proxy) at 0xADDR; to '[^']*')( \(|>)",
     r"\1 at 0xADDR\2", "PyPy's ref repr leaves out the referent's address"),
    (PYPY, r"weakly referenced object", "weakly-referenced object",
     "PyPy's proxy words its ReferenceError without the hyphen"),
    (PY2, r"\bset\(\[(.*)\]\)", r"{\1}", "Python 2's set repr"),
    (JYTHON, r"\? : (1|0)$",
     lambda m: "? : " + ("True" if m.group(1) == "1" else "False"),
     "Jython's str.format prints booleans as 1 and 0"),
]


def normalise(text):
    text = re.sub(r"0x[0-9a-fA-F]+", "0xADDR", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", "DATETIME", text)
    for applies, pattern, replacement, _why in INTERPRETER_OWNED:
        if applies:
            text = re.sub(pattern, replacement, text, flags=re.M)
    # Sets and (on Python 2) dicts order by address or hash: compare the
    # items of list, set and dict displays as multisets...
    text = re.sub(r"([\[{])([^\[\]{}]*)([\]}])",
                  lambda m: m.group(1) + ", ".join(
                      sorted(m.group(2).split(", "))) + m.group(3),
                  text)
    lines = [line.rstrip() for line in text.strip().splitlines()]
    # ...and runs of printed members ("123 : William : 30") likewise.
    member = re.compile(r"^\d+ : \w+ : \d+$")
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and member.match(lines[end]):
            end += 1
        if end > start + 1:
            lines[start:end] = sorted(lines[start:end])
        start = max(end, start + 1)
    return lines


def recording(name):
    """(the release it was recorded on, what it printed there)."""
    path = os.path.join(HERE, name + RECORDED)
    with io.open(path, encoding="utf-8") as f:
        first, rest = f.read().split("\n", 1)
    return first, rest


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_what_the_newest_cpython_prints(name):
    rc, out, err = run_python(example_source(name))
    assert rc == 0, err
    assert normalise(out) == normalise(recording(name)[1])


def test_every_example_was_recorded_on_the_newest_cpython():
    assert len(EXAMPLES) == 12
    for name in EXAMPLES:
        assert recording(name)[0] == "# recorded on CPython %d.%d" % NEWEST

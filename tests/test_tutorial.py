"""The 12 examples of the project's seed tutorial, through backports.weakref.

Each ``tutorial/exampleNN.py`` is run in a child interpreter with its
``import weakref`` replaced by ``from backports import weakref``; what it
prints must be what CPython 3.14's own weakref printed for it
(``tutorial/exampleNN.cpython314.txt``, recorded on 3.14.10), once
addresses, the clock and set ordering are taken out.
"""
from __future__ import absolute_import

import io
import os
import re
import sys

import pytest

from support import JYTHON, PY2, PYPY, run_python

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tutorial")
EXAMPLES = sorted(name[:-3] for name in os.listdir(HERE)
                  if re.match(r"example\d\d\.py$", name))

# Put at the top of every example. On Python 2 ``class Employee:`` would be
# an old-style class, which prints as <type 'instance'>: the examples mean
# Python 3's classes. settle() makes "del x" mean "x is dead and its
# callbacks ran" on every interpreter: PyPy frees only at a collection, and
# Jython runs callbacks on its reaper thread after the collection.
PRELUDE = r'''from __future__ import print_function
__metaclass__ = type
import gc as _gc, sys as _sys, time as _time, weakref as _weakref
def _settle():
    _gc.collect()
    for _round in range(2):
        _done = []
        class _Sentinel(object):
            pass
        _ref = _weakref.ref(_Sentinel(), _done.append)
        _deadline = _time.time() + 10
        while not _done and _time.time() < _deadline:
            _gc.collect()
            _time.sleep(0.005)
'''

# Differences owned by the interpreter itself (its C or Java reference
# types, which backports.weakref re-exports rather than replaces, or its
# language): (applies here, pattern of what it prints, 3.14's text, why).
INTERPRETER_OWNED = [
    (True, r"<(?:class|type) 'weakproxy'>", "<class 'weakref.ProxyType'>",
     "3.14 renamed the C proxy type; proxies are the interpreter's own"),
    (PYPY, r"(<weakref at 0xADDR; to '[^']*')( \(|>)", r"\1 at 0xADDR\2",
     "PyPy's ref repr leaves out the referent's address"),
    (PYPY, r"weakly referenced object", "weakly-referenced object",
     "PyPy's proxy words its ReferenceError without the hyphen"),
    (PY2, r"\bset\(\[(.*)\]\)", r"{\1}", "Python 2's set repr"),
    (JYTHON, r"\? : (1|0)$",
     lambda m: "? : " + ("True" if m.group(1) == "1" else "False"),
     "Jython's str.format prints booleans as 1 and 0"),
]

# Where an example's output depends on something other than weakref:
# (example, text, replacement, why).
EXAMPLE_FIXES = [
    ("example08", "    print(value)\n", "    print(value)\nvalue = None\n",
     "the loop variable keeps the last member alive, and which member comes "
     "last depends on addresses"),
    ("example08",
     'print("\\nWeakset Values : {}\\n".format([value.name for value in '
     'weak_set]))\n',
     'print("\\nWeakset Values : {}\\n".format([value.name for value in '
     'weak_set]))\nvalue = None\n',
     "likewise on Python 2, whose list comprehensions leak their variable"),
]


def example_source(name):
    with io.open(os.path.join(HERE, name + ".py"), encoding="utf-8") as f:
        source = f.read()
    source = source.replace("import weakref\n",
                            "from backports import weakref\n", 1)
    # Settle after every statement that drops the last reference.
    source = re.sub(r"^( *)(del .*)$", r"\1\2\n\1_settle()", source,
                    flags=re.M)
    for example, old, new, _why in EXAMPLE_FIXES:
        if example == name:
            assert old in source
            source = source.replace(old, new)
    return PRELUDE + source + "_settle()\n"


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


def expected_output(name):
    path = os.path.join(HERE, name + ".cpython314.txt")
    with io.open(path, encoding="utf-8") as f:
        return f.read()


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_prints_what_cpython_314_prints(name):
    rc, out, err = run_python(example_source(name))
    assert rc == 0, err
    assert normalise(out) == normalise(expected_output(name))


def test_every_example_was_recorded_on_314():
    assert len(EXAMPLES) == 12
    for name in EXAMPLES:
        assert os.path.exists(os.path.join(HERE, name + ".cpython314.txt"))

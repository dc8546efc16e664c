"""The seed tutorial's examples as they are run: what tests/test_tutorial.py
runs through ours and tools/record_tutorial.py through the newest CPython's
own weakref, prepared the same way for both."""
from __future__ import absolute_import

import io
import os
import re

from backports.weakref._specification import NEWEST

__all__ = ["EXAMPLES", "HERE", "NEWEST", "RECORDED", "example_source"]

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


RECORDED = ".newest.txt"


def example_source(name, against="from backports import weakref"):
    """The example's source as run: through *against* (the stdlib's own
    ``import weakref`` when recording)."""
    with io.open(os.path.join(HERE, name + ".py"), encoding="utf-8") as f:
        source = f.read()
    source = source.replace("import weakref\n", against + "\n", 1)
    # Settle after every statement that drops the last reference.
    source = re.sub(r"^( *)(del .*)$", r"\1\2\n\1_settle()", source,
                    flags=re.M)
    for example, old, new, _why in EXAMPLE_FIXES:
        if example == name:
            assert old in source
            source = source.replace(old, new)
    return PRELUDE + source + "_settle()\n"



"""Odd calls to the containers, whose every outcome must be the same under
the compiled core and its pure-Python twin: tests/test_core.py runs each
case on both, in one process, each core's copy of the package imported
meanwhile (tests/cores.py), and compares what each gives.

Each case is one statement or expression, run in a fresh namespace holding
filled containers of one core; its outcome is a line: its result or its
exception, with addresses blanked out. The cases aim where the two implementations take
different roads: call shapes the C code hands to the twin, keys that cannot
be hashed or weakly referenced, a ``data`` that is not a plain dict or set,
subclasses, and the laziness of the snapshot iterators.

A case whose outcome lists a WeakKeyDictionary's entries sorts them: on
Python 2 a dict's order follows its keys' hashes, and there a key's hash is
its address, which differs between the two runs.

Left out, as a known difference: a method called unbound on an object of
another class (``WeakSet.add(some_dict, x)``) is refused by the compiled
core's method descriptor with a TypeError, where the twin's function runs
and fails on the object's attributes.
"""
from __future__ import absolute_import

import inspect
import pickle
import re
import sys


class Obj(object):
    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return "Obj(%r)" % (self.value,)


class Missing(dict):
    """A dict whose subscript answers for absent keys, as the twin's
    data[key] then sees."""

    def __missing__(self, key):
        return lambda: "from __missing__"


class ListItems(object):
    """A mapping-like whose items() are lists, not tuples."""

    def __init__(self, pairs):
        self.pairs = pairs

    def items(self):
        return [list(pair) for pair in self.pairs]


CASES = r"""
d.get()
d.get(key=1)
d.get(1, default="dflt")
d.get(9, default="dflt")
d.get(1, 2, 3)
d.get([1])
d.pop()
d.pop(1, 2, 3)
d.pop(key=1)
d.pop(9, "dflt")
d.pop(9)
d.pop((1, 2))
d[(1, 2)]
d[[1]]
[1] in d
d.setdefault()
d.setdefault(7, None)
d.setdefault(7, c)
d.setdefault(1, c)
d.setdefault(key=8, default=c)
d.keys(1)
d.values(x=1)
d.items(1, 2)
d.update([(5, a), (6,)])
d.update([[5, a]]); sorted(d)
d.update(ListItems([(5, b)])); d[5]
d.update(5)
d.update({5: 1})
d.update(); sorted(d)
d.update(None)
d.update({}, {})
d.update(x=a); d["x"]
d._store_pairs([(1, 2, 3)])
d[1] = a; d[1] = a; [(wr.key, wr()) for wr in d.valuerefs()]
d[1] = [1]
d[[1]] = a
d[{}] = a; d[{}]
d[Obj(1)] = a; len(d)
del d.data[1].key; d[1] = a; d.data[1].key
d._remove = None; d[1] = a; d.data[1].key
d._remove = len; d[1] = a; d[1]
del d._remove; d[1] = [1]
del d.data; d[1] = [1]
del d.data; d[1] = b
d.data = Missing(d.data); d[1] = a; d[1]
d.data = [1]; d[0] = a; d.data[0]()
k[1]
k[1] = 2
k.get(1)
k.get(a, default="dflt")
1 in k
[] in k
k.pop(c)
k.pop(c, "dflt")
k.pop(a, 1, 2)
k.pop()
k.setdefault(c)
k.setdefault(1)
k.setdefault(key=c, default=3); k[c]
del k[c]
k.update([(a, 1, 2)])
k.update(x=1)
s.add()
s.add(1)
s.add(item=c); c in s
s.remove(c)
s.remove(1)
s.discard(1)
s.discard(item=a); a in s
s.update(5)
s.update([1])
s.update(other=[c]); len(s)
1 in s
[] in s
s.copy() == s
OwnAdd([a, b]).seen
own = OwnAdd(); own.update([a, c]); own.seen
d.data = Missing(d.data); d[9]
d.data = Missing(d.data); d.get(9)
d.data = Missing(d.data); 9 in d
d.data = Missing(d.data); d.setdefault(9, c)
d.data = Missing(d.data); d.pop(9, "dflt")
d.data = {}; len(d), list(d), d.get(1)
d.data = [1]; d[0]
d.data = [1]; len(d)
d.data = [1]; list(d.keys())
d.data = [1]; list(d.values())
d.data = [1]; d.pop(0)
d.data = [1]; d.get(0)
del d.data; d[1]
del d.data; len(d)
del d.data; list(d)
del d._remove; d[1] = a
k.data = [1]; list(k)
k.data = [1]; len(k)
s.data = [1]; list(s)
s.data = frozenset(); s.add(a)
s.data = {}; a in s
sorted(vars(d)), sorted(vars(k)), sorted(vars(s))
d._remove.__closure__, k._remove.__closure__, s._remove.__closure__
d._remove(d.data[1]); sorted(d)
k._remove(wr_a); len(k)
s._remove(wr_a); len(s)
it = iter(d); d[9] = c; sorted(it)
it = d.items(); d[9] = c; sorted(k for k, v in it)
it = iter(s); s.add(c); len(list(it))
it = iter(k); k[c] = 3; len(list(it))
it = iter(d); list(it); list(it)
it = iter(d); next(it); del a; sorted(it)
pickle.dumps(d)
sorted(pickle.dumps(k, 2))
len(pickle.loads(pickle.dumps(s)))
str(inspect.signature(d.get)) if SIGNATURES else None
str(inspect.signature(k.pop)) if SIGNATURES else None
str(inspect.signature(s.add)) if SIGNATURES else None
""".strip().splitlines()

ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
SIGNATURES = sys.version_info >= (3, 4)


def namespace(weakref):
    """A fresh namespace for a case, its containers made by *weakref* (one
    core's copy of the package)."""
    class OwnAdd(weakref.WeakSet):
        def add(self, item):
            self.seen = getattr(self, "seen", []) + [item.value]
            weakref.WeakSet.add(self, item)

    a, b, c = Obj("a"), Obj("b"), Obj("c")
    d = weakref.WeakValueDictionary({1: a, 2: b})
    k = weakref.WeakKeyDictionary({a: 1, b: 2})
    s = weakref.WeakSet([a, b])
    return dict(weakref=weakref, pickle=pickle, inspect=inspect, Obj=Obj,
                Missing=Missing, OwnAdd=OwnAdd, ListItems=ListItems,
                SIGNATURES=SIGNATURES, a=a, b=b, c=c, d=d, k=k, s=s,
                wr_a=weakref.ref(a))


def outcome(case, weakref):
    """What *case* gives with *weakref*'s containers, addresses blanked."""
    return ADDRESS.sub("0x?", _outcome(case, namespace(weakref)))


def _outcome(case, scope):
    statements = [part.strip() for part in case.split("; ")]
    try:
        for statement in statements[:-1]:
            exec(statement, scope)
        result = eval(statements[-1], scope)
    except SyntaxError:
        try:
            exec(statements[-1], scope)
        except Exception as error:  # what the case raises is the outcome
            return describe_error(error)
        return "done"
    except Exception as error:  # likewise
        return describe_error(error)
    return repr(result)


def describe_error(error):
    return "%s: %s %r" % (type(error).__name__, error, error.args)

"""Bad input, table-driven: what each public callable does with objects it
cannot weakly reference, unhashable keys, non-callable callbacks, wrong
argument counts and keyword misuse -- the newest CPython's exception and message,
and a container left as it was.

Which objects can be weakly referenced is each interpreter's own rule (PyPy
and Jython accept more), so the expected outcome of those rows comes from the
running interpreter's native ``ref``. The table itself was checked against
the newest CPython's own weakref: ``BACKPORTS_WEAKREF_CONTAINERS=stdlib``
under that release.
Accepted deviations: argument-count errors of non-constructor methods keep
the interpreter's wording before 3.10 and on PyPy/Jython; unhashable-key
messages are each interpreter's own.
"""
from __future__ import absolute_import

import sys
import weakref as stdlib_weakref

import pytest

from containers_impl import Filled, Obj, newest_behaviour, weakref
from support import JYTHON, PYPY

# Where our methods' own argument errors read as the newest's.
METHOD_ARGUMENT_WORDING_IS_NEWESTS = (sys.version_info >= (3, 10)
                                  and not PYPY and not JYTHON)


class Slotted(object):
    """Has __slots__ and no __weakref__: CPython cannot weakly reference it."""

    __slots__ = ("value",)

    def method(self):
        return self


class Unhashable(object):
    __hash__ = None


class Method(object):
    def method(self):
        return self


def callback(*args):
    return args


NOT_REFERENCEABLE = [
    ("int", lambda: 12345), ("str", lambda: "text"),
    ("tuple", lambda: (1, 2)), ("list", lambda: [1]),
    ("dict", lambda: {1: 2}), ("slotted", Slotted),
]


class Expect(object):
    """What a row expects: an exception (type, message or None for the
    interpreter's own wording), or a value (``returns``); *needs*, the gate
    flag of the newest's behaviour it checks (see containers_impl)."""

    def __init__(self, error=None, message=None, returns=None, needs=None):
        self.error = error
        self.message = message
        self.returns = returns
        self.needs = needs


# A constructor's argument error in the newest CPython's words.
NEWEST_WORDS = "NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS"


def weak(obj, hashed=False, otherwise=None):
    """What the newest CPython does with *obj* given where a weak reference is made (and
    hashed, when *hashed*): the native ref's own error, else an unhashable
    TypeError, else *otherwise* (success)."""
    try:
        stdlib_weakref.ref(obj)
    except TypeError as exc:
        return Expect(TypeError, str(exc))
    if hashed:
        try:
            hash(obj)
        except TypeError:
            return Expect(TypeError, None)
    return otherwise or Expect()


def hashing(obj):
    """What the newest CPython does with *obj* used as a plain dict key."""
    try:
        hash(obj)
    except TypeError:
        return Expect(TypeError, None)
    return Expect()


def membership(obj):
    """``obj in weak_set`` in the newest CPython: False when *obj* cannot be referenced,
    the unhashable TypeError when its ref cannot be hashed."""
    if weak(obj).error is not None:
        return Expect(returns=False)
    return weak(obj, True, Expect(returns=False))


def method_arguments(message):
    """A non-constructor method's argument error (see the module notes)."""
    return Expect(TypeError, message if METHOD_ARGUMENT_WORDING_IS_NEWESTS
                  else None)


def rows():
    """(id, container kind or None, operation(filled), Expect) rows."""
    table = []
    for name, make in NOT_REFERENCEABLE:
        bad = make()
        table += [
            ("WeakSet.add-" + name, "WeakSet",
             lambda f, bad=bad: f.container.add(bad), weak(bad, True)),
            ("WeakSet.discard-" + name, "WeakSet",
             lambda f, bad=bad: f.container.discard(bad), weak(bad, True)),
            ("WeakSet.__ior__-" + name, "WeakSet",
             lambda f, bad=bad: f.container.__ior__([bad]), weak(bad, True)),
            ("WeakSet()-" + name, None,
             lambda f, bad=bad: weakref.WeakSet([bad]), weak(bad, True)),
            ("WeakKeyDictionary.__setitem__-" + name, "WeakKeyDictionary",
             lambda f, bad=bad: f.container.__setitem__(bad, 1),
             weak(bad, True)),
            ("WeakKeyDictionary.get-" + name, "WeakKeyDictionary",
             lambda f, bad=bad: f.container.get(bad), weak(bad, True)),
            ("WeakKeyDictionary.pop-" + name, "WeakKeyDictionary",
             lambda f, bad=bad: f.container.pop(bad, None),
             weak(bad, True)),
            ("WeakKeyDictionary.setdefault-" + name, "WeakKeyDictionary",
             lambda f, bad=bad: f.container.setdefault(bad, 1),
             weak(bad, True)),
            ("WeakKeyDictionary()-" + name, None,
             lambda f, bad=bad: weakref.WeakKeyDictionary([(bad, 1)]),
             # update() builds a plain dict of its argument first (as CPython).
             hashing(bad) if hashing(bad).error else weak(bad, True)),
            ("WeakValueDictionary.__setitem__-" + name,
             "WeakValueDictionary",
             lambda f, bad=bad: f.container.__setitem__("key", bad),
             weak(bad)),
            ("WeakValueDictionary.setdefault-" + name, "WeakValueDictionary",
             lambda f, bad=bad: f.container.setdefault("key", bad),
             weak(bad)),
            ("WeakValueDictionary.update-" + name, "WeakValueDictionary",
             lambda f, bad=bad: f.container.update(key=bad), weak(bad)),
            ("WeakValueDictionary()-" + name, None,
             lambda f, bad=bad: weakref.WeakValueDictionary({"k": bad}),
             weak(bad)),
            ("finalize-" + name, None,
             lambda f, bad=bad: weakref.finalize(bad, callback), weak(bad)),
        ]
        # Membership never raises for what cannot be referenced (as CPython).
        table.append(("WeakSet.__contains__-" + name, "WeakSet",
                      lambda f, bad=bad: bad in f.container,
                      membership(bad)))
    slotted = Slotted()
    table.append(("WeakMethod-slotted", None,
                  lambda f: weakref.WeakMethod(slotted.method),
                  weak(slotted)))
    unhashable = Unhashable()
    table += [
        ("WeakKeyDictionary.__setitem__-unhashable", "WeakKeyDictionary",
         lambda f: f.container.__setitem__(unhashable, 1),
         weak(unhashable, True)),
        ("WeakSet.add-unhashable", "WeakSet",
         lambda f: f.container.add(unhashable), weak(unhashable, True)),
        ("WeakValueDictionary.__setitem__-unhashable-key",
         "WeakValueDictionary",
         lambda f: f.container.__setitem__([1], Obj(1)), hashing([1])),
        ("WeakValueDictionary.get-unhashable-key", "WeakValueDictionary",
         lambda f: f.container.get([1]), hashing([1])),
        ("WeakValueDictionary.__contains__-unhashable-key",
         "WeakValueDictionary", lambda f: [1] in f.container, hashing([1])),
    ]
    live = Method()
    table += [
        # Callbacks are not checked when given, only called (as CPython).
        ("ref-noncallable-callback", None,
         lambda f: weakref.ref(live, 5), Expect()),
        ("finalize-noncallable-callback", None,
         lambda f: weakref.finalize(live, 5).detach(), Expect()),
        ("WeakMethod-noncallable-callback", None,
         lambda f: weakref.WeakMethod(live.method, 5), Expect()),
        ("WeakMethod-int", None, lambda f: weakref.WeakMethod(1),
         Expect(TypeError,
                "argument should be a bound method, not <%s 'int'>"
                % ("type" if sys.version_info[0] == 2 else "class"))),
        ("WeakMethod-no-arguments", None, lambda f: weakref.WeakMethod(),
         Expect(TypeError, "WeakMethod.__new__() missing 1 required "
                           "positional argument: 'meth'", needs=NEWEST_WORDS)),
    ]
    for kind in ("WeakValueDictionary", "WeakKeyDictionary", "WeakSet"):
        table += [
            (kind + "()-two-positionals", None,
             lambda f, kind=kind: getattr(weakref, kind)({}, {}),
             Expect(TypeError, "%s.__init__() takes from 1 to 2 positional "
                               "arguments but 3 were given" % kind,
                    needs=NEWEST_WORDS)),
            (kind + ".update-int", kind,
             lambda f: f.container.update(1),
             Expect(TypeError, "'int' object is not iterable")),
        ]
        if kind != "WeakSet":
            table.append(
                (kind + ".get-no-arguments", kind, lambda f: f.container.get(),
                 method_arguments("%s.get() missing 1 required positional "
                                  "argument: 'key'" % kind)))
            table.append(
                (kind + ".pop-no-arguments", kind, lambda f: f.container.pop(),
                 method_arguments("%s.pop() missing 1 required positional "
                                  "argument: 'key'" % kind)))
    table += [
        ("WeakKeyDictionary.get-three", "WeakKeyDictionary",
         lambda f: f.container.get(1, 2, 3),
         method_arguments("WeakKeyDictionary.get() takes from 2 to 3 "
                          "positional arguments but 4 were given")),
        ("WeakSet()-keyword", None, lambda f: weakref.WeakSet(x=1),
         Expect(TypeError, "WeakSet.__init__() got an unexpected keyword "
                           "argument 'x'", needs=NEWEST_WORDS)),
        ("WeakKeyDictionary()-keyword", None,
         lambda f: weakref.WeakKeyDictionary(x=1),
         Expect(TypeError, "WeakKeyDictionary.__init__() got an unexpected "
                           "keyword argument 'x'", needs=NEWEST_WORDS)),
        ("WeakSet.add-keyword", "WeakSet",
         lambda f: f.container.add(item=Obj(1), x=1),
         method_arguments("WeakSet.add() got an unexpected keyword "
                          "argument 'x'")),
        ("WeakSet.add-no-arguments", "WeakSet", lambda f: f.container.add(),
         method_arguments("WeakSet.add() missing 1 required positional "
                          "argument: 'item'")),
        ("WeakSet.issubset-int", "WeakSet", lambda f: f.container.issubset(1),
         Expect(TypeError, "'int' object is not iterable")),
        ("WeakSet.__or__-int", "WeakSet", lambda f: f.container | 1,
         Expect(TypeError, "'int' object is not iterable")),
    ]
    return table


ROWS = rows()


def snapshot(filled):
    """The container's content by identity, plus its len()."""
    if filled.kind == "WeakSet":
        content = sorted(id(member) for member in filled.container)
    else:
        content = sorted((id(key), id(value))
                         for key, value in filled.container.items())
    return content, len(filled.container)


@pytest.mark.parametrize("kind, operation, expect", [
    pytest.param(*row[1:], id=row[0], marks=[newest_behaviour(row[3].needs)]
                 if row[3].needs else []) for row in ROWS])
def test_bad_input(kind, operation, expect, record_property):
    filled = Filled(kind, 3) if kind else None
    before = snapshot(filled) if kind else None
    if expect.error is None:
        result = operation(filled)
        if expect.returns is not None:
            assert result == expect.returns
        return
    with pytest.raises(expect.error) as info:
        operation(filled)
    if expect.message is not None:
        assert str(info.value) == expect.message
    if kind:
        assert snapshot(filled) == before


def test_the_table_covers_every_public_callable(record_property):
    names = set(row[0].split("-")[0].split(".")[0].rstrip("()")
                for row in ROWS)
    assert names >= set(["WeakSet", "WeakKeyDictionary", "WeakValueDictionary",
                         "finalize", "WeakMethod", "ref"])
    record_property("load", "bad input: %d table rows, %d kinds of "
                    "unreferenceable object" % (len(ROWS),
                                                len(NOT_REFERENCEABLE)))

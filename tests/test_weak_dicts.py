"""WeakValueDictionary and WeakKeyDictionary: the newest CPython's whole API,
on every interpreter, with its answers and error messages."""
from __future__ import absolute_import

import copy
import re
import sys


import pytest

from containers_impl import (DICTS, Obj, newest_behaviour, weakref,
                             weakrefable)
from support import PY2, collect_until, wait_for_callbacks

if PY2:
    from collections import Mapping, MutableMapping
else:
    from collections.abc import Mapping, MutableMapping


def make(kind, *objs):
    """A *kind* dict with one entry per Obj: value -> obj, or obj -> value."""
    d = getattr(weakref, kind)()
    for obj in objs:
        if kind == "WeakValueDictionary":
            d[obj.value] = obj
        else:
            d[obj] = obj.value
    return d


def entry(kind, obj):
    """The (key, value) that *obj* makes in a *kind* dict."""
    if kind == "WeakValueDictionary":
        return obj.value, obj
    return obj, obj.value


def raises_message(exc_type, message, func, *args, **kwargs):
    with pytest.raises(exc_type) as info:
        func(*args, **kwargs)
    assert str(info.value) == message


# -- the mapping protocol -------------------------------------------------

@pytest.mark.parametrize("kind", DICTS)
def test_is_a_mutable_mapping(kind):
    d = getattr(weakref, kind)()
    assert isinstance(d, MutableMapping)
    assert isinstance(d, Mapping)
    with pytest.raises(TypeError):
        hash(d)


@pytest.mark.parametrize("kind", DICTS)
def test_set_get_delete(kind):
    a = Obj(1)
    b = Obj(2)
    d = make(kind, a, b)
    key, value = entry(kind, a)
    assert d[key] is value
    assert d.get(key) is value
    assert key in d
    assert len(d) == 2
    del d[key]
    assert key not in d
    assert len(d) == 1
    with pytest.raises(KeyError):
        d[key]
    with pytest.raises(KeyError):
        del d[key]
    assert d.get(key) is None
    assert d.get(key, "default") == "default"


@pytest.mark.parametrize("kind", DICTS)
def test_entry_leaves_when_referent_dies(kind):
    objs = [Obj(n) for n in range(5)]
    d = make(kind, *objs)
    key = entry(kind, objs[0])[0]
    if kind == "WeakKeyDictionary":
        key = Obj(0)    # an equal, distinct object finds the same entry
    del objs[0]
    collect_until(lambda: len(d) == 4)
    assert key not in d
    assert d.get(key) is None
    with pytest.raises(KeyError):
        d[key]


def test_weak_key_dict_compares_keys_by_value():
    # Jython's own weak dicts compare keys by identity; CPython's by ==.
    first = Obj(1)
    twin = Obj(1)
    d = weakref.WeakKeyDictionary({first: "one"})
    assert twin in d
    assert d[twin] == "one"
    d[twin] = "uno"
    assert len(d) == 1
    assert d[first] == "uno"


@pytest.mark.parametrize("kind", DICTS)
def test_iteration_methods(kind):
    objs = [Obj(n) for n in range(4)]
    d = make(kind, *objs)
    entries = sorted(entry(kind, obj) for obj in objs)
    assert sorted(d.items()) == entries
    assert sorted(d.keys()) == [k for k, v in entries]
    assert sorted(d.values()) == [v for k, v in entries]
    assert sorted(d) == [k for k, v in entries]
    assert dict(d) == dict(entries)


@pytest.mark.parametrize("kind", DICTS)
def test_equality_as_mapping(kind):
    a = Obj(1)
    b = Obj(2)
    d = make(kind, a, b)
    assert d == dict([entry(kind, a), entry(kind, b)])
    assert d == make(kind, b, a)
    assert d != make(kind, a)
    assert not d == make(kind, a)


def test_valuerefs_and_itervaluerefs():
    objs = [Obj(n) for n in range(3)]
    d = make("WeakValueDictionary", *objs)
    refs = d.valuerefs()
    assert isinstance(refs, list)
    assert sorted(wr() for wr in refs) == objs
    assert all(isinstance(wr, weakref.KeyedRef) for wr in refs)
    assert sorted(wr.key for wr in refs) == [0, 1, 2]
    assert sorted(wr() for wr in d.itervaluerefs()) == objs
    assert not isinstance(d.itervaluerefs(), list)


def _counting_remover(d, calls):
    """Make d's callback one that records the key of each entry it removes
    (then removes it, as before)."""
    remove = d._remove

    def counting(wr):
        calls.append(wr.key)
        remove(wr)
    d._remove = counting
    return counting


class IdentityKey(object):
    """Hashed and compared as object does."""


def _store_twice(d, key, value):
    """Store *value* under *key* in *d* twice: the second store makes a new
    entry. In a frame of its own: on Jython a slot of the JVM's frame may
    keep what a statement computed (the first entry's reference) alive."""
    d[key] = value
    first = d.valuerefs()[0]
    d[key] = value
    refs = d.valuerefs()
    assert len(refs) == 1
    assert refs[0]() is value
    assert refs[0].key is key
    assert refs[0] is not first


@pytest.mark.parametrize("key", [7, "seven", IdentityKey(), Obj("key")])
def test_storing_the_same_value_again(key):
    # The entry is made anew, as the stdlib makes it (an old compiled core
    # kept the existing one, and ran a colliding key's __eq__ twice): it
    # holds the value under the key, and leaves when the value dies, its
    # callback running once.
    calls = []
    d = weakref.WeakValueDictionary()
    _counting_remover(d, calls)
    value = Obj(1)
    _store_twice(d, key, value)
    # The replaced reference is garbage, but on PyPy and Jython it lives
    # until a collection: if it still lived when the value died, its own
    # callback would run too (the JVM queues it). Collected first.
    wait_for_callbacks()
    # Waited for by the value's death, then the callbacks, not by len(d):
    # on Jython len() drops a dead entry itself, and with it the reference
    # whose callback the reaper thread would have run.
    gone = weakref.ref(value)
    del value
    collect_until(lambda: gone() is None)
    wait_for_callbacks()
    assert calls == [key]
    assert key not in d
    assert list(d.data) == []


def test_storing_again_makes_a_new_entry_for_anything_else():
    calls = []
    d = weakref.WeakValueDictionary()
    value = Obj(1)
    # A str built at run time: another equal one can be another object
    # everywhere (PyPy's ints of equal value are one object to `is`).
    key = "".join(["ke", "y"])
    d[key] = value
    first = d.valuerefs()[0]
    # Another value under the key.
    other = Obj(1)
    d[key] = other
    second = d.valuerefs()[0]
    assert second is not first
    assert second() is other
    # The same value under an equal key that is another object: the new
    # entry carries the new key (the dict keeps its first key object).
    equal_key = "".join(["k", "ey"])
    assert equal_key == key and equal_key is not key
    d[equal_key] = other
    third = d.valuerefs()[0]
    assert third is not second
    assert third.key is equal_key
    # The same value and key, with another _remove: an entry with it.
    counting = _counting_remover(d, calls)
    d[equal_key] = other
    fourth = d.valuerefs()[0]
    assert fourth is not third
    assert fourth() is other
    if sys.version_info >= (3, 4):
        assert fourth.__callback__ is counting
    del first, second, third, fourth
    gone = weakref.ref(other)
    del value, other
    collect_until(lambda: gone() is None)
    wait_for_callbacks()
    assert calls == [equal_key]
    assert list(d.data) == []


def test_storing_again_after_the_entry_lost_its_key():
    # A KeyedRef whose key was deleted is no entry to keep.
    d = weakref.WeakValueDictionary()
    value = Obj(1)
    d[1] = value
    del d.data[1].key
    d[1] = value
    assert d.valuerefs()[0].key == 1
    assert d[1] is value


def test_keyrefs():
    objs = [Obj(n) for n in range(3)]
    d = make("WeakKeyDictionary", *objs)
    refs = d.keyrefs()
    assert isinstance(refs, list)
    assert sorted(wr() for wr in refs) == objs


@pytest.mark.parametrize("kind", DICTS)
def test_setdefault(kind):
    a = Obj(1)
    other = Obj(2)
    d = getattr(weakref, kind)()
    if kind == "WeakValueDictionary":
        assert d.setdefault("k", a) is a
        assert d.setdefault("k", other) is a
        assert d["k"] is a
        if not weakrefable(None):
            with pytest.raises(TypeError):
                d.setdefault("none")
    else:
        assert d.setdefault(a, "first") == "first"
        assert d.setdefault(a, "second") == "first"
        assert d.setdefault(other) is None
        assert d[other] is None


@pytest.mark.parametrize("kind", DICTS)
def test_pop(kind):
    a = Obj(1)
    d = make(kind, a)
    key, value = entry(kind, a)
    assert d.pop(key) is value
    assert key not in d
    assert d.pop(key, "default") == "default"
    with pytest.raises(KeyError):
        d.pop(key)


@pytest.mark.parametrize("kind", DICTS)
def test_popitem(kind):
    objs = [Obj(1), Obj(2)]
    d = make(kind, *objs)
    popped = [d.popitem(), d.popitem()]
    assert sorted(popped) == sorted(entry(kind, obj) for obj in objs)
    with pytest.raises(KeyError):
        d.popitem()


@pytest.mark.parametrize("kind", DICTS)
def test_clear(kind):
    objs = [Obj(n) for n in range(3)]
    d = make(kind, *objs)
    d.clear()
    assert len(d) == 0
    assert list(d) == []


@pytest.mark.parametrize("kind", DICTS)
def test_update_sources(kind):
    objs = [Obj(n) for n in range(3)]
    pairs = [entry(kind, obj) for obj in objs]
    for source in (dict(pairs), pairs, make(kind, *objs), iter(pairs)):
        d = getattr(weakref, kind)()
        assert d.update(source) is None
        assert sorted(d.items()) == sorted(pairs)
    d = getattr(weakref, kind)(dict(pairs))
    assert sorted(d.items()) == sorted(pairs)
    d.update(None)
    assert len(d) == 3


def test_weak_value_dict_keywords_are_ordinary_keys():
    o = Obj(3)
    for name in ("self", "dict", "other", "iterable"):
        d = weakref.WeakValueDictionary(**{name: o})
        assert list(d.keys()) == [name]
        assert d[name] is o
        d = weakref.WeakValueDictionary()
        d.update(**{name: o})
        assert list(d.keys()) == [name]
    d = weakref.WeakValueDictionary({1: o}, other=o)
    assert sorted(d.keys(), key=str) == [1, "other"]


def test_weak_key_dict_init_takes_dict_by_keyword():
    o = Obj(1)
    d = weakref.WeakKeyDictionary(dict={o: 1})
    assert d[o] == 1


KEYWORDS_REFUSED = ("Keyword arguments are not supported: "
                    "cannot create weak reference to 'str' object")


@newest_behaviour("NATIVE_WEAKKEYDICT_UPDATE_REFUSES_KEYWORDS")
@pytest.mark.parametrize("args", [(), ({},), (None,), ("not pairs",)],
                         ids=["alone", "empty-mapping", "none", "bad-pairs"])
def test_weak_key_dict_update_refuses_keywords_before_anything_else(args):
    # Everywhere, also where a str can be weakly referenced (PyPy, Jython),
    # and before the positional argument is even looked at.
    d = weakref.WeakKeyDictionary()
    with pytest.raises(TypeError) as info:
        d.update(*args, name=1)
    assert str(info.value) == KEYWORDS_REFUSED
    assert getattr(info.value, "__cause__", None) is None
    assert getattr(info.value, "__context__", None) is None
    assert len(d) == 0


@newest_behaviour("NATIVE_WEAKKEYDICT_UPDATE_REFUSES_KEYWORDS")
def test_weak_key_dict_update_refusing_keywords_stores_nothing():
    kept = Obj(1)
    d = weakref.WeakKeyDictionary({kept: "before"})
    other = Obj(2)
    with pytest.raises(TypeError):
        d.update({kept: "after", other: 2}, name=1)
    assert dict(d) == {kept: "before"}
    # The keyword named like the positional parameter is a keyword too.
    with pytest.raises(TypeError):
        d.update(dict={other: 2})
    assert dict(d) == {kept: "before"}


# -- argument errors worded as the newest CPython's -------------------------

INIT_ERRORS = [
    ("WeakValueDictionary", ({}, {}), {},
     "WeakValueDictionary.__init__() takes from 1 to 2 positional arguments "
     "but 3 were given"),
    ("WeakKeyDictionary", ({}, {}), {},
     "WeakKeyDictionary.__init__() takes from 1 to 2 positional arguments "
     "but 3 were given"),
    ("WeakKeyDictionary", (), {"a": 1},
     "WeakKeyDictionary.__init__() got an unexpected keyword argument 'a'"),
    ("WeakKeyDictionary", ({},), {"dict": {}},
     "WeakKeyDictionary.__init__() got multiple values for argument 'dict'"),
]


@newest_behaviour("NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS")
@pytest.mark.parametrize("kind, args, kwargs, message", INIT_ERRORS)
def test_init_errors(kind, args, kwargs, message):
    raises_message(TypeError, message, getattr(weakref, kind), *args,
                   **kwargs)


@newest_behaviour("NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS")
@pytest.mark.parametrize("kind", DICTS)
def test_update_errors(kind):
    d = getattr(weakref, kind)()
    raises_message(TypeError, "%s.update() takes from 1 to 2 positional "
                   "arguments but 3 were given" % kind, d.update, {}, {})
    assert len(d) == 0
    with pytest.raises(TypeError):
        d.update(1)
    with pytest.raises(ValueError):
        d.update([(1, 2, 3)])


@newest_behaviour("NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS")
@pytest.mark.skipif(PY2, reason="Python 2 checks an unbound method's self")
@pytest.mark.parametrize("kind", DICTS)
def test_missing_self(kind):
    cls = getattr(weakref, kind)
    for method in ("__init__", "update"):
        raises_message(TypeError, "%s.%s() missing 1 required positional "
                       "argument: 'self'" % (kind, method),
                       getattr(cls, method))


def test_weak_key_dict_rejects_what_ref_rejects():
    d = weakref.WeakKeyDictionary()
    unweakrefable = []
    for operation in (d.__getitem__, d.__delitem__, d.get, d.pop):
        with pytest.raises(TypeError):
            operation(unweakrefable)
    with pytest.raises(TypeError):
        d[unweakrefable] = 1
    with pytest.raises(TypeError):
        d.setdefault(unweakrefable, 1)


# -- `in` with what cannot be a key ---------------------------------------

class Unhashable(object):
    __hash__ = None


def test_contains_unweakrefable_or_unhashable():
    keys = weakref.WeakKeyDictionary()
    values = weakref.WeakValueDictionary()
    # What cannot be weakly referenced is simply not a key of a weak-keyed
    # dict; what can but is unhashable is an error, as a weak-valued dict
    # looking up an unhashable key is.
    for obj in ([], 1, "a"):
        if weakrefable(obj) and obj == []:
            with pytest.raises(TypeError):
                obj in keys
        else:
            assert obj not in keys
    assert 1 not in values
    with pytest.raises(TypeError):
        [] in values
    with pytest.raises(TypeError):
        Unhashable() in values
    with pytest.raises(TypeError):
        Unhashable() in keys


# -- operators ------------------------------------------------------------

@newest_behaviour("NATIVE_WEAK_DICTS_HAVE_UNION")
@pytest.mark.parametrize("kind", DICTS)
def test_union_operators(kind):
    a = Obj(1)
    b = Obj(2)
    c = Obj(3)
    first = make(kind, a, b)
    second = make(kind, b, c)
    plain = dict([entry(kind, c)])
    cls = getattr(weakref, kind)

    union = first | second
    assert type(union) is cls
    assert dict(union) == dict(list(first.items()) + list(second.items()))
    union = first | plain
    assert type(union) is cls
    assert dict(union) == dict(list(first.items()) + list(plain.items()))
    union = plain | first
    assert type(union) is cls
    assert dict(union) == dict(list(plain.items()) + list(first.items()))

    before = id(first)
    first |= [entry(kind, c)]
    assert id(first) == before
    assert len(first) == 3

    with pytest.raises(TypeError):
        first | [entry(kind, c)]
    with pytest.raises(TypeError):
        [entry(kind, c)] | first
    assert cls.__or__(first, 1) is NotImplemented
    assert cls.__ror__(first, 1) is NotImplemented


@newest_behaviour("NATIVE_WEAK_DICTS_HAVE_UNION")
@pytest.mark.parametrize("kind", DICTS)
def test_union_result_stays_weak(kind):
    a = Obj(1)
    b = Obj(2)
    union = make(kind, a) | make(kind, b)
    del a
    collect_until(lambda: len(union) == 1)


@newest_behaviour("NATIVE_WEAK_DICTS_HAVE_UNION")
def test_or_returns_base_class_ror_keeps_subclass():
    class Sub(weakref.WeakValueDictionary):
        pass
    a = Obj(1)
    sub = Sub({1: a})
    assert type(sub | {}) is weakref.WeakValueDictionary
    assert type({} | sub) is Sub
    assert type(sub.copy()) is weakref.WeakValueDictionary


# -- copies ---------------------------------------------------------------

@pytest.mark.parametrize("kind", DICTS)
def test_copy(kind):
    objs = [Obj(n) for n in range(3)]
    d = make(kind, *objs)
    for duplicate in (d.copy(), copy.copy(d), d.__copy__()):
        assert type(duplicate) is type(d)
        assert duplicate is not d
        assert dict(duplicate) == dict(d)
        del duplicate[entry(kind, objs[0])[0]]
        assert len(d) == 3
    duplicate = d.copy()
    del objs[1]
    collect_until(lambda: len(duplicate) == len(d) == 2)


def test_deepcopy_weak_value_dict_copies_keys_not_values():
    value = Obj(1)
    key = Obj("key")
    d = weakref.WeakValueDictionary({key: value})
    duplicate = copy.deepcopy(d)
    [(new_key, new_value)] = list(duplicate.items())
    assert new_key == key and new_key is not key
    assert new_value is value


def test_deepcopy_weak_key_dict_copies_values_not_keys():
    key = Obj(1)
    d = weakref.WeakKeyDictionary({key: [1, 2]})
    duplicate = copy.deepcopy(d)
    [(new_key, new_value)] = list(duplicate.items())
    assert new_key is key
    assert new_value == [1, 2] and new_value is not d[key]


@pytest.mark.parametrize("kind", DICTS)
def test_deepcopy_keeps_subclass(kind):
    sub = type("Sub", (getattr(weakref, kind),), {})
    assert type(copy.deepcopy(sub())) is sub


# -- repr, subscription ---------------------------------------------------

@pytest.mark.parametrize("kind", DICTS)
def test_repr(kind):
    d = getattr(weakref, kind)()
    assert re.match(r"^<%s at 0x[0-9a-f]+>$" % kind, repr(d))
    assert repr(d) == "<%s at %#x>" % (kind, id(d))
    sub = type("Sub", (getattr(weakref, kind),), {})()
    assert repr(sub).startswith("<Sub at 0x")


@newest_behaviour("NATIVE_CLASSES_ARE_GENERIC")
@pytest.mark.parametrize("kind", DICTS)
def test_subscription(kind):
    cls = getattr(weakref, kind)
    alias = cls[int, str]
    assert alias.__origin__ is cls
    assert alias.__args__ == (int, str)
    assert alias == cls[int, str]
    assert hash(alias) == hash(cls[int, str])
    assert repr(alias) == "%s.%s[int, str]" % (cls.__module__, kind)
    assert isinstance(alias(), cls)
    if sys.version_info >= (3, 9):
        import types
        assert isinstance(alias, types.GenericAlias)


# -- Python 2's conventions, and only there ---------------------------------

PY2_ONLY = {
    "WeakValueDictionary": ["iterkeys", "itervalues", "iteritems", "has_key"],
    "WeakKeyDictionary": ["iterkeys", "itervalues", "iteritems", "has_key",
                          "iterkeyrefs"],
}


@pytest.mark.parametrize("kind", DICTS)
def test_python2_conventions(kind):
    cls = getattr(weakref, kind)
    objs = [Obj(n) for n in range(3)]
    d = make(kind, *objs)
    if not PY2:
        for name in PY2_ONLY[kind]:
            assert not hasattr(cls, name), name
        assert not isinstance(d.keys(), list)
        return
    assert isinstance(d.keys(), list)
    assert isinstance(d.values(), list)
    assert isinstance(d.items(), list)
    assert sorted(d.iterkeys()) == sorted(d.keys())
    assert sorted(d.itervalues()) == sorted(d.values())
    assert sorted(d.iteritems()) == sorted(d.items())
    key = entry(kind, objs[0])[0]
    assert d.has_key(key)
    d.pop(key)
    assert not d.has_key(key)
    if kind == "WeakKeyDictionary":
        assert sorted(wr() for wr in d.iterkeyrefs()) == objs[1:]


@pytest.mark.skipif(not PY2, reason="cmp() is Python 2's")
@pytest.mark.parametrize("kind", DICTS)
def test_python2_cmp_compares_contents_as_dicts_do(kind):
    # As 2.7's own weak dicts (and mapping_tests.test_read) do: the shorter
    # mapping is the smaller; equal contents compare equal; never by address.
    objs = [Obj(n) for n in range(3)]
    empty, full, other = make(kind), make(kind, *objs), make(kind, *objs)
    for _ in range(20):   # by address, this would come out either way
        assert cmp(empty, empty) == 0  # noqa: F821 (Python 2)
        assert cmp(full, other) == 0  # noqa: F821
        assert cmp(empty, full) == -1  # noqa: F821
        assert cmp(full, empty) == 1  # noqa: F821
        assert cmp(full, dict(full.items())) == 0  # noqa: F821
        empty, full = make(kind), make(kind, *objs)
    smaller = make(kind, *objs[:2])
    assert cmp(smaller, full) == -1  # noqa: F821


NEWEST_PUBLIC = {
    "WeakValueDictionary": ["clear", "copy", "get", "items", "itervaluerefs",
                            "keys", "pop", "popitem", "setdefault", "update",
                            "valuerefs", "values"],
    "WeakKeyDictionary": ["clear", "copy", "get", "items", "keyrefs", "keys",
                          "pop", "popitem", "setdefault", "update", "values"],
}


@newest_behaviour("NATIVE_WEAK_DICTS_HAVE_UNION")
@pytest.mark.parametrize("kind", DICTS)
def test_public_names_are_the_newests(kind):
    cls = getattr(weakref, kind)
    # On an instance, as users see them: the newest's keeps `data` in the
    # instance __dict__, ours in a slot of the class.
    public = sorted(name for name in dir(cls()) if not name.startswith("_"))
    expected = NEWEST_PUBLIC[kind] + ["data"] + (PY2_ONLY[kind] if PY2
                                                 else [])
    assert public == sorted(expected)
    for name in ("__copy__", "__deepcopy__", "__or__", "__ror__", "__ior__",
                 "__class_getitem__" if sys.version_info >= (3, 7) else
                 "__iter__"):
        assert hasattr(cls, name), name


@pytest.mark.parametrize("kind", DICTS)
def test_an_entry_whose_object_only_the_argument_held_goes_with_it(kind):
    # A generator's pairs are the only holders of each Obj: once update()
    # drops a pair, each dies, and its entry must go with it, not
    # stay behind dead and counted by len().
    d = getattr(weakref, kind)()
    d.update(entry(kind, Obj(n)) for n in range(3))
    collect_until(lambda: len(d) == 0)
    assert list(d.items()) == [] and len(d.data) == 0

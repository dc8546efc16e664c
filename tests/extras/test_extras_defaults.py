"""WeakKeyDefaultDictionary and WeakValueDefaultDictionary: defaultdict's
__missing__ on top of the weak dicts (gh-75437)."""
from __future__ import absolute_import

import copy

import pytest

from backports import weakref
from backports.weakref.extras import (WeakKeyDefaultDictionary,
                                      WeakValueDefaultDictionary)
from containers_impl import Obj
from support import collect_until


def test_weak_key_default_dictionary():
    d = WeakKeyDefaultDictionary(list)
    key = Obj(1)
    d[key].append("first")
    d[key].append("second")
    assert d[key] == ["first", "second"]
    assert isinstance(d, weakref.WeakKeyDictionary)
    other = Obj(2)
    assert d.get(other) is None and other not in d     # no factory call
    assert d.setdefault(other, "set") == "set"
    del key
    collect_until(lambda: len(d) == 1)


def test_weak_value_default_dictionary():
    d = WeakValueDefaultDictionary(lambda: Obj("made"))
    made = d["key"]
    assert made.value == "made" and d["key"] is made
    assert isinstance(d, weakref.WeakValueDictionary)
    del made
    collect_until(lambda: "key" not in d)


def test_no_factory_raises_key_error():
    for d in (WeakKeyDefaultDictionary(), WeakValueDefaultDictionary()):
        assert d.default_factory is None
        with pytest.raises(KeyError):
            d[Obj(1)]
    with pytest.raises(TypeError):
        WeakKeyDefaultDictionary(5)


def test_missing_can_be_overridden():
    class Named(WeakValueDefaultDictionary):
        def __missing__(self, key):
            return "no %s" % key

    assert Named()["thing"] == "no thing"


def test_initial_contents_copy_and_repr():
    key = Obj(1)
    value = Obj(2)
    keyed = WeakKeyDefaultDictionary(int, {key: 5})
    valued = WeakValueDefaultDictionary(int, [("a", value)], b=value)
    assert keyed[key] == 5 and valued["a"] is value and valued["b"] is value
    for d in (keyed, valued):
        for duplicate in (d.copy(), copy.copy(d), copy.deepcopy(d)):
            assert type(duplicate) is type(d)
            assert duplicate.default_factory is int
            assert dict(duplicate.items()) == dict(d.items())
        assert "default_factory=" in repr(d)

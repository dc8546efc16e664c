"""Identity-keyed weak containers: unhashable keys, equal-but-distinct keys,
entries that leave with their key, and no confusion at a reused address."""
from __future__ import absolute_import

import copy
import gc
import weakref

import pytest

from backports.weakref.extras import (WeakIdentityKeyDictionary,
                                      WeakIdentityKeyValueDictionary,
                                      WeakIdentitySet)
from support import JYTHON, PY2, collect_until, run_threads


if PY2:
    from collections import MutableMapping, MutableSet
else:
    from collections.abc import MutableMapping, MutableSet

# Jython's id() is never reused: a few rounds prove the rest there.
ROUNDS = 3 if JYTHON else 20


class EqualToAll(object):
    """Unhashable, and equal to everything: what an array's element-wise
    ``==`` looks like to a dict."""

    __hash__ = None

    def __init__(self, name):
        self.name = name

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __repr__(self):
        return "EqualToAll(%r)" % (self.name,)


class Slotted(object):
    __slots__ = ("__weakref__",)


def test_is_a_mutable_mapping_and_set():
    assert isinstance(WeakIdentityKeyDictionary(), MutableMapping)
    assert isinstance(WeakIdentityKeyValueDictionary(), MutableMapping)
    assert isinstance(WeakIdentitySet(), MutableSet)


def test_unhashable_and_equal_keys_are_distinct():
    first = EqualToAll("first")
    second = EqualToAll("second")
    d = WeakIdentityKeyDictionary()
    d[first] = 1
    d[second] = 2
    assert len(d) == 2
    assert d[first] == 1 and d[second] == 2
    assert first in d and EqualToAll("third") not in d
    with pytest.raises(KeyError):
        d[EqualToAll("third")]
    assert d.get(EqualToAll("third"), "absent") == "absent"
    assert sorted(d.values()) == [1, 2]
    assert sorted(key.name for key in d) == ["first", "second"]


def test_mapping_methods():
    keys = [EqualToAll(n) for n in range(4)]
    d = WeakIdentityKeyDictionary([(keys[0], "a"), (keys[1], "b")])
    d.update([(keys[2], "c")])
    assert len(d) == 3
    assert d.setdefault(keys[3], "d") == "d"
    assert d.setdefault(keys[3], "x") == "d"
    assert d.pop(keys[3]) == "d"
    assert d.pop(keys[3], "gone") == "gone"
    with pytest.raises(KeyError):
        d.pop(keys[3])
    del d[keys[2]]
    with pytest.raises(KeyError):
        del d[keys[2]]
    key, value = d.popitem()
    assert d.get(key) is None and value in ("a", "b")
    d.clear()
    assert len(d) == 0
    with pytest.raises(KeyError):
        d.popitem()


def test_items_keys_values_views():
    keys = [EqualToAll(n) for n in range(3)]
    d = WeakIdentityKeyDictionary()
    for n, key in enumerate(keys):
        d[key] = n
    assert sorted(value for _, value in d.items()) == [0, 1, 2]
    assert len(d.keys()) == 3
    assert keys[1] in d.keys()
    assert (keys[1], 1) in d.items()
    assert 2 in d.values()


def test_entry_leaves_with_its_key():
    d = WeakIdentityKeyDictionary()
    key = EqualToAll("dies")
    d[key] = "value"
    keeper = Slotted()
    d[keeper] = "stays"
    del key
    collect_until(lambda: len(d) == 1)
    assert list(d.values()) == ["stays"]
    assert len(d.keyrefs()) == 1


def test_reused_address_is_not_the_dead_key():
    # Fill, kill and refill many times: CPython hands the freed addresses
    # to the new objects, which must never find the dead ones' entries.
    d = WeakIdentityKeyDictionary()
    for round_number in range(ROUNDS):
        key = Slotted()
        d[key] = round_number
        del key
        collect_until(lambda: len(d) == 0)
        newcomer = Slotted()
        assert newcomer not in d
        assert d.get(newcomer) is None
        d[newcomer] = "new"
        assert d[newcomer] == "new"
        del newcomer
        collect_until(lambda: len(d) == 0)


def test_stale_callback_spares_a_newer_entry():
    # Run the removal by hand, as a late callback would, after a new
    # entry was filed at the same id.
    d = WeakIdentityKeyDictionary()
    key = Slotted()
    d[key] = 1
    old_entry = d.keyrefs()[0]
    d[key] = 2
    d._remove_key(old_entry)
    assert d[key] == 2


def test_iteration_is_a_snapshot():
    keys = [Slotted() for _ in range(5)]
    d = WeakIdentityKeyDictionary((key, n) for n, key in enumerate(keys))
    for key in d:
        d[Slotted()] = "added while iterating"
        del d[key]
    for key, value in d.items():
        del d[key]
    assert len(d) == 0


def test_eq_copy_repr():
    keys = [EqualToAll(n) for n in range(2)]
    d = WeakIdentityKeyDictionary([(keys[0], 1), (keys[1], [2])])
    shallow = d.copy()
    assert shallow == d and not (shallow != d)
    assert copy.copy(d) == d
    deep = copy.deepcopy(d)
    assert deep[keys[1]] == [2] and deep[keys[1]] is not d[keys[1]]
    other = WeakIdentityKeyDictionary([(keys[0], 1)])
    assert other != d
    assert d != {} and (d == {}) is False
    assert repr(WeakIdentityKeyDictionary()) == "WeakIdentityKeyDictionary({})"
    assert "EqualToAll(0): 1" in repr(d)


def test_key_must_be_weakly_referenceable():
    # Which objects qualify is the native ref's rule: Jython takes a list.
    d = WeakIdentityKeyDictionary()
    try:
        weakref.ref([])
    except TypeError:
        with pytest.raises(TypeError):
            d[[]] = 1
    assert [] not in d


def test_key_value_dict_entry_leaves_with_its_value():
    d = WeakIdentityKeyValueDictionary()
    key = EqualToAll("key")
    value = Slotted()
    d[key] = value
    assert d[key] is value
    assert len(d.valuerefs()) == 1
    del value
    collect_until(lambda: len(d) == 0)
    assert key not in d
    d[key] = Slotted()   # dies at once: never seen alive
    collect_until(lambda: len(d) == 0)


def test_key_value_dict_entry_leaves_with_its_key():
    d = WeakIdentityKeyValueDictionary()
    value = Slotted()
    key = EqualToAll("key")
    d[key] = value
    del key
    collect_until(lambda: len(d) == 0)


def test_key_value_dict_new_value_survives_old_values_death():
    d = WeakIdentityKeyValueDictionary()
    key = Slotted()
    old = Slotted()
    d[key] = old
    new = Slotted()
    d[key] = new
    del old
    gc.collect()
    collect_until(lambda: d.get(key) is new)
    assert len(d) == 1


def test_identity_set():
    members = [EqualToAll(n) for n in range(3)]
    s = WeakIdentitySet(members)
    s.add(members[0])
    assert len(s) == 3
    assert members[1] in s and EqualToAll(9) not in s
    s.discard(members[1])
    s.discard(members[1])
    with pytest.raises(KeyError):
        s.remove(members[1])
    assert len(s) == 2
    both = s | WeakIdentitySet([members[1]])
    assert isinstance(both, WeakIdentitySet) and len(both) == 3
    assert len(both - s) == 1 and len(both & s) == 2
    assert s <= both and s == s.copy() and s != both
    assert s.pop() in members
    assert repr(WeakIdentitySet()) == "WeakIdentitySet([])"
    assert copy.deepcopy(s) == s


def test_identity_set_member_leaves_when_it_dies():
    keeper = Slotted()
    s = WeakIdentitySet([keeper])
    member = Slotted()
    s.add(member)
    del member
    collect_until(lambda: len(s) == 1)
    assert list(s) == [keeper]


def test_threads_share_a_dict_while_keys_die():
    d = WeakIdentityKeyDictionary()
    keepers = [Slotted() for _ in range(20)]
    for n, keeper in enumerate(keepers):
        d[keeper] = n

    def churn(_):
        for _ in range(300):
            key = Slotted()
            d[key] = "temporary"
            assert d[key] == "temporary"
            for _ in d.items():
                pass
            del key

    run_threads(churn, range(4))
    collect_until(lambda: len(d) == len(keepers))
    assert sorted(d[keeper] for keeper in keepers) == list(range(20))


@pytest.mark.parametrize("build", [
    lambda: WeakIdentityKeyDictionary([(Slotted(), 1)]),
    lambda: WeakIdentityKeyValueDictionary([(Slotted(), Slotted())]),
    lambda: WeakIdentitySet([Slotted()]),
], ids=["WeakIdentityKeyDictionary", "WeakIdentityKeyValueDictionary",
        "WeakIdentitySet"])
def test_initial_contents_are_held_weakly(build):
    # The constructor's frame must not keep them (Jython's closures would).
    container = build()
    collect_until(lambda: len(container) == 0)

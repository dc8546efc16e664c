"""WeakSet: every method and operator of ``set``, as the newest CPython
answers them."""
from __future__ import absolute_import

import copy
import sys

import pytest

from containers_impl import Obj, newest_behaviour, weakref, weakrefable
from support import PY2, collect_until

if PY2:
    from collections import MutableSet, Set
else:
    from collections.abc import MutableSet, Set

WeakSet = weakref.WeakSet


@pytest.fixture
def objs():
    """Ten objects; the WeakSets the tests build reference them weakly."""
    return [Obj(n) for n in range(10)]


def numbers(weak_set):
    return sorted(obj.value for obj in weak_set)


def test_has_every_set_method():
    for name in dir(set):
        if not name.startswith("_"):
            assert hasattr(WeakSet, name), name


@newest_behaviour("NATIVE_WEAKSET_IS_A_MUTABLE_SET")
def test_is_a_mutable_set():
    assert isinstance(WeakSet(), MutableSet)
    assert isinstance(WeakSet(), Set)
    assert issubclass(WeakSet, MutableSet)


def test_construct(objs):
    assert len(WeakSet()) == 0
    assert len(WeakSet(None)) == 0
    assert numbers(WeakSet(objs[:3])) == [0, 1, 2]
    assert numbers(WeakSet(data=objs[:2])) == [0, 1]
    assert numbers(WeakSet(iter(objs[:2]))) == [0, 1]
    original = WeakSet(objs[:2])
    assert WeakSet(original) is not original
    assert WeakSet(original) == original


def test_reinit_replaces_members(objs):
    s = WeakSet(objs[:3])
    s.__init__(objs[3:5])
    assert numbers(s) == [3, 4]


@newest_behaviour("NATIVE_ARGUMENT_ERRORS_NAME_THE_CLASS")
def test_argument_errors():
    with pytest.raises(TypeError) as info:
        WeakSet([], 2)
    assert str(info.value) == ("WeakSet.__init__() takes from 1 to 2 "
                               "positional arguments but 3 were given")
    with pytest.raises(TypeError) as info:
        WeakSet(items=[])
    assert str(info.value) == ("WeakSet.__init__() got an unexpected "
                               "keyword argument 'items'")
    with pytest.raises(TypeError) as info:
        WeakSet(1)
    assert "'int' object is not iterable" in str(info.value)
    with pytest.raises(TypeError):
        WeakSet([[]])    # a list cannot be weakly referenced


def test_len_contains(objs):
    s = WeakSet(objs[:3])
    assert len(s) == 3
    assert objs[0] in s
    assert Obj(0) in s   # equal objects are the same member, as in a set
    assert objs[5] not in s
    # What cannot be weakly referenced is simply not a member; what can but
    # is unhashable is an error, as for a set.
    for unhashable in ([], {}):
        if weakrefable(unhashable):
            with pytest.raises(TypeError):
                unhashable in s
        else:
            assert unhashable not in s
    assert 1 not in s


def test_member_leaves_when_it_dies(objs):
    s = WeakSet(objs)
    del objs[:5]
    collect_until(lambda: len(s) == 5)
    assert numbers(s) == [5, 6, 7, 8, 9]
    assert Obj(0) not in s


def test_add_discard_remove(objs):
    s = WeakSet()
    s.add(objs[0])
    s.add(objs[0])
    assert len(s) == 1
    s.discard(objs[1])
    s.discard(objs[0])
    assert len(s) == 0
    s.add(objs[2])
    s.remove(objs[2])
    with pytest.raises(KeyError):
        s.remove(objs[2])
    for method in (s.add, s.discard, s.remove):
        with pytest.raises(TypeError):
            method([])


def test_pop(objs):
    s = WeakSet(objs[:3])
    popped = [s.pop() for _ in range(3)]
    assert sorted(obj.value for obj in popped) == [0, 1, 2]
    assert len(s) == 0


@newest_behaviour("NATIVE_WEAKSET_POP_HIDES_CONTEXT")
def test_pop_empty_is_keyerror_without_shown_context():
    with pytest.raises(KeyError) as info:
        WeakSet().pop()
    assert info.value.args == ("pop from empty WeakSet",)
    # As CPython's `raise ... from None`: no chained traceback is printed.
    assert getattr(info.value, "__cause__", None) is None
    if not PY2:
        assert info.value.__suppress_context__


def test_clear_and_copy(objs):
    s = WeakSet(objs[:3])
    duplicate = s.copy()
    assert duplicate == s and duplicate is not s
    s.clear()
    assert len(s) == 0
    assert numbers(duplicate) == [0, 1, 2]


def test_update_and_ior(objs):
    s = WeakSet(objs[:2])
    assert s.update(objs[2:4]) is None
    assert numbers(s) == [0, 1, 2, 3]
    s |= set(objs[4:5])
    assert numbers(s) == [0, 1, 2, 3, 4]
    with pytest.raises(TypeError):
        s.update([[]])


BINARY = [
    # name, operator form, expected member numbers
    ("union", lambda a, b: a | b, [0, 1, 2, 3, 4, 5]),
    ("intersection", lambda a, b: a & b, [2, 3]),
    ("difference", lambda a, b: a - b, [0, 1]),
    ("symmetric_difference", lambda a, b: a ^ b, [0, 1, 4, 5]),
]


@pytest.mark.parametrize("name, operator, expected", BINARY)
def test_binary_operations(objs, name, operator, expected):
    s = WeakSet(objs[0:4])
    other = objs[2:6]
    for operand in (other, set(other), frozenset(other), tuple(other),
                    dict.fromkeys(other), WeakSet(other)):
        result = getattr(s, name)(operand)
        assert type(result) is WeakSet
        assert numbers(result) == expected
        assert numbers(s) == [0, 1, 2, 3]
    if not isinstance(other, list):
        assert numbers(operator(s, set(other))) == expected
    assert numbers(operator(s, WeakSet(other))) == expected
    assert numbers(operator(s, frozenset(other))) == expected
    with pytest.raises(TypeError):
        getattr(s, name)(1)


def test_binary_results_stay_weak(objs):
    s = WeakSet(objs[:3])
    union = s | set(objs[3:6])
    del objs[:6]
    collect_until(lambda: len(union) == 0)


INPLACE = [
    ("update", "__ior__", [0, 1, 2, 3, 4, 5]),
    ("intersection_update", "__iand__", [2, 3]),
    ("difference_update", "__isub__", [0, 1]),
    ("symmetric_difference_update", "__ixor__", [0, 1, 4, 5]),
]


@pytest.mark.parametrize("name, operator, expected", INPLACE)
def test_inplace_operations(objs, name, operator, expected):
    s = WeakSet(objs[0:4])
    assert getattr(s, name)(objs[2:6]) is None
    assert numbers(s) == expected
    s = WeakSet(objs[0:4])
    assert getattr(s, operator)(set(objs[2:6])) is s
    assert numbers(s) == expected
    with pytest.raises(TypeError):
        getattr(WeakSet(objs[:1]), name)(1)


def test_inplace_on_itself(objs):
    s = WeakSet(objs[:3])
    s |= s
    assert numbers(s) == [0, 1, 2]
    s &= s
    assert numbers(s) == [0, 1, 2]
    s -= s
    assert len(s) == 0
    s = WeakSet(objs[:3])
    s ^= s
    assert len(s) == 0


def test_symmetric_difference_update_adds_weakly(objs):
    s = WeakSet(objs[:2])
    s ^= set(objs[2:4])
    del objs[2:4]
    collect_until(lambda: len(s) == 2)


def test_comparisons(objs):
    small, big, other = (WeakSet(objs[:2]), WeakSet(objs[:5]),
                         WeakSet(objs[5:]))
    assert small <= big and small < big
    assert big >= small and big > small
    assert not small < small and small <= small
    assert not big > big and big >= big
    assert not (big <= other or big >= other)
    assert small.issubset(objs[:3]) and not small.issubset(objs[1:3])
    assert big.issuperset(objs[:2]) and not big.issuperset(objs[4:6])
    assert small.isdisjoint(other) and not small.isdisjoint(big)
    assert small.isdisjoint(objs[5:])
    assert not WeakSet() < WeakSet() and not WeakSet() > WeakSet()
    with pytest.raises(TypeError):
        small < 1
    with pytest.raises(TypeError):
        small <= 1


def test_equality(objs):
    s = WeakSet(objs[:3])
    assert s == s
    assert s == WeakSet(objs[:3])
    assert not s != WeakSet(objs[:3])
    assert s != WeakSet(objs[:2])
    # Only another WeakSet can be equal: CPython says NotImplemented to
    # others.
    assert s != set(objs[:3])
    assert not s == set(objs[:3])
    assert not s == objs[:3]
    assert s != 1
    assert WeakSet.__eq__(s, set(objs[:3])) is NotImplemented
    assert WeakSet() == WeakSet()


def test_unhashable():
    with pytest.raises(TypeError):
        hash(WeakSet())


def test_subclass_with_custom_hash():
    class Hashable(WeakSet):
        def __hash__(self):
            return id(self) & 0x7fffffff
    members = set([Hashable()])
    assert len(members) == 1


@newest_behaviour("NATIVE_WEAKSET_REPR_SHOWS_MEMBERS")
def test_repr_is_the_underlying_sets():
    assert repr(WeakSet()) == "set()"
    member = Obj(1)
    s = WeakSet([member])
    [wr] = list(s.data)
    assert repr(s) == "{%r}" % (wr,)


@newest_behaviour("NATIVE_CLASSES_ARE_GENERIC")
def test_subscription():
    alias = WeakSet[int]
    assert alias.__origin__ is WeakSet
    assert alias.__args__ == (int,)
    assert alias == WeakSet[int]
    assert alias != WeakSet[str]
    assert repr(alias) == "%s.WeakSet[int]" % WeakSet.__module__
    made = alias()
    assert type(made) is WeakSet
    assert made.__orig_class__ == alias
    if sys.version_info >= (3, 9):
        import types
        assert isinstance(alias, types.GenericAlias)
    with pytest.raises(TypeError):
        isinstance(made, alias)


def with_slots():
    """A WeakSet subclass with slots, of the WeakSet this test runs on."""
    class WeakSetWithSlots(WeakSet):
        __slots__ = ("x", "y")
    return WeakSetWithSlots


@pytest.mark.parametrize("slots", [False, True], ids=["WeakSet",
                                                      "WeakSetWithSlots"])
def test_copy_keeps_attributes_and_slots(objs, slots):
    # bpo-26579: __slots__ values survive a copy, as __dict__ values do.
    cls = with_slots() if slots else WeakSet
    s = cls(objs[:3])
    s.x = ["x"]
    s.z = ["z"]
    shallow = copy.copy(s)
    assert type(shallow) is cls
    assert shallow == s and shallow is not s
    assert shallow.x is s.x and shallow.z is s.z
    assert not hasattr(shallow, "y")
    deep = copy.deepcopy(s)
    assert type(deep) is cls
    assert deep == s and deep is not s
    assert deep.x == s.x and deep.x is not s.x
    assert deep.z == s.z and deep.z is not s.z
    assert not hasattr(deep, "y")


def test_a_member_only_the_argument_held_goes_with_it():
    # As test_weak_dicts' counterpart: once update() drops what the
    # generator gave, each member dies and leaves the set, counted by len() no longer.
    members = weakref.WeakSet()
    members.update(Obj(n) for n in range(3))
    collect_until(lambda: len(members) == 0)
    assert list(members) == [] and len(members.data) == 0

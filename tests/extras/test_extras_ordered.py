"""OrderedWeakSet and WeakList: order kept, dead entries gone, list and set
semantics where they make sense."""
from __future__ import absolute_import

import copy

import pytest

from backports.weakref import extras
from backports.weakref.extras import OrderedWeakSet, WeakList
from containers_impl import Obj
from support import PY2, collect_until, run_threads


if PY2:
    from collections import MutableSequence, MutableSet
else:
    from collections.abc import MutableSequence, MutableSet


@pytest.fixture
def objs():
    return [Obj(n) for n in range(10)]


def values(iterable):
    return [obj.value for obj in iterable]


# -- OrderedWeakSet -----------------------------------------------------------

def test_ordered_set_keeps_first_insertion_order(objs):
    s = OrderedWeakSet([objs[3], objs[1], objs[2]])
    s.add(objs[1])
    s.add(Obj(3))          # equal to a member: the same member, as in a set
    s.add(objs[0])
    assert isinstance(s, MutableSet)
    assert values(s) == [3, 1, 2, 0]
    assert values(reversed(s)) == [0, 2, 1, 3]
    assert len(s) == 4 and Obj(2) in s and objs[7] not in s
    assert [] not in s or not PY2


def test_ordered_set_methods(objs):
    s = OrderedWeakSet(objs[:4])
    s.discard(objs[1])
    s.discard(objs[1])
    s.remove(objs[2])
    with pytest.raises(KeyError):
        s.remove(objs[2])
    assert values(s) == [0, 3]
    assert s.pop().value == 3
    assert s.pop(last=False).value == 0
    with pytest.raises(KeyError):
        s.pop()
    s.update(objs[5:8])
    assert values(s.copy()) == [5, 6, 7] and values(copy.copy(s)) == [5, 6, 7]
    assert copy.deepcopy(s) == s
    assert isinstance(s | OrderedWeakSet([objs[9]]), OrderedWeakSet)
    assert values(s | OrderedWeakSet([objs[9]])) == [5, 6, 7, 9]
    assert values(s - OrderedWeakSet([objs[6]])) == [5, 7]
    assert s == OrderedWeakSet(reversed(objs[5:8]))   # as sets: order aside
    assert repr(OrderedWeakSet([objs[1]])) == "OrderedWeakSet([Obj(1)])"
    s.clear()
    assert len(s) == 0


def test_ordered_set_member_leaves_when_it_dies(objs):
    s = OrderedWeakSet(objs)
    del objs[2:8]
    collect_until(lambda: len(s) == 4)
    assert values(s) == [0, 1, 8, 9]


@pytest.mark.parametrize("kind, take_out, put_in", [
    ("OrderedWeakSet", "discard", "add"),
    ("WeakList", "remove", "append"),
], ids=["OrderedWeakSet", "WeakList"])
def test_iteration_is_a_snapshot(objs, kind, take_out, put_in):
    container = getattr(extras, kind)(objs[:4])
    seen = []
    for item in container:
        seen.append(item.value)
        getattr(container, take_out)(item)
        getattr(container, put_in)(objs[9])
    assert seen == [0, 1, 2, 3]
    assert set(values(container)) == set([9])


# -- WeakList -----------------------------------------------------------------

def test_weak_list_is_a_mutable_sequence(objs):
    wl = WeakList(objs[:3])
    assert isinstance(wl, MutableSequence)
    assert len(wl) == 3 and wl[0] is objs[0] and wl[-1] is objs[2]
    with pytest.raises(IndexError):
        wl[3]
    assert values(wl) == [0, 1, 2]
    assert values(reversed(wl)) == [2, 1, 0]
    assert objs[1] in wl and objs[5] not in wl
    assert wl.index(objs[2]) == 2 and wl.count(objs[0]) == 1
    with pytest.raises(ValueError):
        wl.index(objs[5])


def test_weak_list_mutations_follow_list(objs):
    wl = WeakList()
    model = []
    for operation in [
            lambda seq: seq.append(objs[0]),
            lambda seq: seq.extend(objs[1:4]),
            lambda seq: seq.insert(1, objs[4]),
            lambda seq: seq.insert(-100, objs[5]),
            lambda seq: seq.insert(100, objs[6]),
            lambda seq: seq.__setitem__(2, objs[7]),
            lambda seq: seq.__setitem__(slice(0, 2), objs[8:10]),
            lambda seq: seq.__setitem__(slice(None, None, 2),
                                        [objs[0]] * len(seq[::2])),
            lambda seq: seq.__delitem__(1),
            lambda seq: seq.__delitem__(slice(0, 2)),
            lambda seq: seq.remove(objs[3]),
            lambda seq: seq.reverse(),
            lambda seq: seq.append(objs[0]),
            lambda seq: seq.__iadd__([objs[2]]),
            lambda seq: seq.sort(key=lambda obj: -obj.value),
            lambda seq: seq.sort(),
            lambda seq: seq.sort(reverse=True),
    ]:
        operation(wl)
        operation(model)
        assert list(wl) == model
        assert wl == model and wl == WeakList(model) and not (wl != model)
    assert wl.pop() is model.pop()
    assert wl.pop(0) is model.pop(0)
    wl.clear()
    with pytest.raises(IndexError):
        wl.pop()
    with pytest.raises(ValueError):
        wl.remove(objs[0])


def test_weak_list_slices_and_operators(objs):
    wl = WeakList(objs[:5])
    assert isinstance(wl[1:3], WeakList) and values(wl[1:3]) == [1, 2]
    assert values(wl[::-2]) == [4, 2, 0]
    with pytest.raises(ValueError):
        wl[::2] = [objs[0]]
    assert values(wl + [objs[9]]) == [0, 1, 2, 3, 4, 9]
    assert values([objs[9]] + wl) == [9, 0, 1, 2, 3, 4]
    assert isinstance(wl + wl, WeakList) and len(wl + wl) == 10
    assert values(wl[:2] * 2) == [0, 1, 0, 1] and values(2 * wl[:1]) == [0, 0]
    doubled = wl[:2]
    doubled *= 2
    assert values(doubled) == [0, 1, 0, 1]
    assert wl.__eq__(5) is NotImplemented
    assert repr(WeakList([objs[1]])) == "WeakList([Obj(1)])"
    assert copy.copy(wl) == wl and copy.deepcopy(wl) == wl
    assert wl.copy() is not wl
    with pytest.raises(TypeError):
        hash(wl)


def test_dead_items_vanish_from_every_position(objs):
    wl = WeakList(objs[:4])
    wl.append(objs[1])
    wl.insert(0, objs[1])
    doomed = objs[1]
    del objs[1]
    assert wl.count(doomed) == 3
    del doomed
    collect_until(lambda: len(wl) == 3)
    assert values(wl) == [0, 2, 3]
    assert wl[1] is objs[1]      # what was objs[2]
    wl[1] = objs[8]              # Obj(9)
    assert values(wl) == [0, 9, 3]


def test_weak_list_refuses_what_cannot_be_weakly_referenced():
    import weakref
    try:
        weakref.ref(1)
    except TypeError:
        with pytest.raises(TypeError):
            WeakList([1])
    else:
        pytest.skip("this interpreter references ints weakly")


def test_threads_share_a_weak_list(objs):
    wl = WeakList(objs)

    def churn(seed):
        for n in range(200):
            temporary = Obj(100 + n)
            wl.append(temporary)
            wl.insert(seed, temporary)
            del temporary
            len(wl)
            for _ in wl:
                pass
            wl.sort()

    run_threads(churn, range(4))
    collect_until(lambda: len(wl) == 10)
    assert values(wl) == list(range(10))


@pytest.mark.parametrize("kind", ["OrderedWeakSet", "WeakList"])
def test_initial_contents_are_held_weakly(kind):
    # The constructor's frame must not keep them (Jython's closures would).
    container = getattr(extras, kind)([Obj(1), Obj(2)])
    collect_until(lambda: len(container) == 0)


def test_threads_share_an_ordered_set(objs):
    s = OrderedWeakSet(objs)

    def churn(offset):
        for n in range(150):
            temporary = Obj(100 + offset * 1000 + n)
            s.add(temporary)
            s.add(objs[n % 10])           # already there: stays put
            assert temporary in s
            list(s)
            s.discard(temporary)

    run_threads(churn, range(4))
    collect_until(lambda: len(s) == 10)
    assert values(s) == list(range(10))

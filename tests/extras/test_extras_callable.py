"""weak_callable: every kind of callable, one death report, sensible == and
hash, and strong fallback on request."""
from __future__ import absolute_import

import functools
import threading
import types
import weakref

import pytest

from backports.weakref.extras import WeakCallable, weak_callable
from support import collect_until, run_threads


class Target(object):
    def __init__(self, name="target"):
        self.name = name

    def method(self, *args, **kwargs):
        return self.name, args, kwargs

    @classmethod
    def class_method(cls, value):
        return cls.__name__, value

    @staticmethod
    def static_method(value):
        return "static", value

    def __call__(self, value):
        return "called", value


class DictSubclass(dict):
    pass


def function(*args, **kwargs):
    return args, kwargs


def weakly_referenceable(obj):
    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


def test_plain_function_and_callable_object():
    assert weak_callable(function)(1, x=2) == ((1,), {"x": 2})
    target = Target()
    wc = weak_callable(target)
    assert wc(5) == ("called", 5) and wc.target() is target
    deaths = []
    wc = weak_callable(target, deaths.append)
    del target
    collect_until(lambda: deaths == [wc])
    assert not wc.alive and wc.target() is None
    with pytest.raises(ReferenceError):
        wc(1)


def test_bound_method_lives_while_its_instance_does():
    target = Target("t")
    deaths = []
    wc = weak_callable(target.method, deaths.append)
    assert isinstance(wc, WeakCallable) and wc.alive and wc.is_weak
    assert wc(1, key=2) == ("t", (1,), {"key": 2})
    assert wc.target() == target.method
    del target
    collect_until(lambda: deaths == [wc])
    assert "dead" in repr(wc)


def test_class_and_static_method_access():
    assert weak_callable(Target.class_method)(3) == ("Target", 3)
    assert weak_callable(Target().class_method)(4) == ("Target", 4)
    assert weak_callable(Target.static_method)(5) == ("static", 5)
    assert weak_callable(Target.__dict__["static_method"])(6) == ("static", 6)
    # Python 2's unbound method works as Python 3's plain function.
    assert weak_callable(Target.method)(Target("u"), 7) == ("u", (7,), {})


def test_bound_method_of_a_builtin_type():
    d = DictSubclass(key="value")
    deaths = []
    wc = weak_callable(d.get, deaths.append)
    assert wc("key") == "value" and wc("other", 0) == 0
    del d
    collect_until(lambda: deaths == [wc])


def test_partial_of_a_bound_method():
    target = Target("p")
    wc = weak_callable(functools.partial(target.method, 1, flag=True))
    assert wc(2) == ("p", (1, 2), {"flag": True})
    assert wc.target()(3) == ("p", (1, 3), {"flag": True})
    deaths = []
    wc = weak_callable(functools.partial(target.method, 1), deaths.append)
    del target
    collect_until(lambda: deaths == [wc])


def test_partial_of_a_partial():
    target = Target("nested")
    inner = functools.partial(target.method, 1, flag="inner", other=0)
    wc = weak_callable(functools.partial(inner, 2, flag="outer"))
    del inner
    assert wc(3) == ("nested", (1, 2, 3), {"flag": "outer", "other": 0})


def test_partial_with_weak_arguments():
    target = Target()
    argument = Target("argument")
    deaths = []
    wc = weak_callable(functools.partial(function, argument, 5), deaths.append,
                       weak_arguments=True)
    assert wc(6) == ((argument, 5, 6), {})
    strong = weak_callable(functools.partial(function, target))
    del argument
    collect_until(lambda: deaths == [wc])
    del target
    collect_until(lambda: True)
    assert strong()[0][0].name == "target"   # held strongly


def test_death_is_reported_once():
    target = Target()
    argument = Target()
    deaths = []
    wc = weak_callable(functools.partial(target.method, argument),
                       deaths.append, weak_arguments=True)
    del target
    del argument
    collect_until(lambda: len(deaths) == 1)
    collect_until(lambda: not wc.alive)
    assert deaths == [wc]


def test_equality_and_hash():
    target = Target()
    first = weak_callable(target.method)
    second = weak_callable(target.method)
    assert first == second and hash(first) == hash(second)
    assert first != weak_callable(Target().method)
    assert first != weak_callable(target.class_method)
    assert first.__eq__(target.method) is NotImplemented
    subscribers = set([first, second, weak_callable(function)])
    assert len(subscribers) == 2
    assert weak_callable(functools.partial(function, 1)) == \
        weak_callable(functools.partial(function, 1))
    assert weak_callable(functools.partial(function, 1)) != \
        weak_callable(functools.partial(function, 2))
    # A dead one equals only itself and can still leave the set.
    del target
    collect_until(lambda: not first.alive)
    assert first != second and first == first
    subscribers.discard(first)
    subscribers.discard(second)
    assert len(subscribers) == 1


def test_strong_fallback():
    items = []
    if weakly_referenceable(items):
        pytest.skip("this interpreter references lists weakly")
    with pytest.raises(TypeError):
        weak_callable(items.append)
    wc = weak_callable(items.append, strong_fallback=True)
    assert not wc.is_weak and wc.alive
    wc(1)
    assert items == [1]


def test_not_callable():
    with pytest.raises(TypeError):
        weak_callable(5)
    with pytest.raises(TypeError):
        WeakCallable(5)


def test_the_class_is_constructible_as_its_stub_says():
    """WeakCallable(...) takes weak_callable's arguments and makes the same
    reference: exported as a class, it must be one you can call."""
    target = Target("t")
    deaths = []
    direct = WeakCallable(target.method, deaths.append)
    assert direct == weak_callable(target.method)
    assert hash(direct) == hash(weak_callable(target.method))
    assert direct(1) == ("t", (1,), {})
    by_keyword = WeakCallable(func=functools.partial(target.method, target),
                              weak_arguments=True, strong_fallback=False)
    assert by_keyword.is_weak and by_keyword.target()() == ("t", (target,),
                                                            {})
    del target
    collect_until(lambda: deaths == [direct])
    assert not direct.alive and not by_keyword.alive
    with pytest.raises(TypeError):
        WeakCallable()


@pytest.mark.skipif(not hasattr(types, "GenericAlias"),
                    reason="X[T] at runtime is 3.9's (bpo-39481)")
def test_subscriptable_as_the_stub_is_generic():
    alias = WeakCallable[str]
    assert alias.__origin__ is WeakCallable
    assert isinstance(alias(function), WeakCallable)


def test_threads_report_one_death_each():
    deaths = []
    lock = threading.Lock()

    def report(wc):
        with lock:
            deaths.append(wc)

    kept = []

    def churn(_):
        for _ in range(200):
            target = Target()
            argument = Target()
            kept.append(weak_callable(
                functools.partial(target.method, argument), report,
                weak_arguments=True))
            # Both parts die, in whatever order the collector likes.
            del target
            del argument

    run_threads(churn, range(4))
    collect_until(lambda: len(deaths) >= len(kept))
    assert len(deaths) == len(kept) == 800
    assert set(map(id, deaths)) == set(map(id, kept))

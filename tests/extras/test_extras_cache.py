"""weak_lru_cache: lru_cache's behaviour, with entries that die with their
instance; unhashable and slotted instances; several threads."""
from __future__ import absolute_import

import pytest

from backports.weakref.extras import CacheInfo, weak_lru_cache
from support import JYTHON, collect_until, run_threads


# Jython's id() is never reused: a few rounds prove the rest there.
ROUNDS = 3 if JYTHON else 20


class Counter(object):
    """Counts the calls that reach the method itself."""

    __hash__ = None   # unhashable: functools.lru_cache could not take it

    def __init__(self, factor=1):
        self.factor = factor
        self.calls = 0

    @weak_lru_cache(maxsize=4)
    def scaled(self, value, offset=0):
        self.calls += 1
        return value * self.factor + offset

    @weak_lru_cache
    def unbounded_default(self, value):
        self.calls += 1
        return value

    @weak_lru_cache(maxsize=None, typed=True)
    def typed(self, value):
        self.calls += 1
        return type(value).__name__


class Slotted(object):
    __slots__ = ("base", "__weakref__")

    def __init__(self, base):
        self.base = base

    @weak_lru_cache(maxsize=8)
    def plus(self, value):
        return self.base + value


class NotWeaklyReferenceable(object):
    __slots__ = ()

    @weak_lru_cache()
    def method(self):
        return 1


@pytest.fixture(autouse=True)
def empty_caches():
    for method in (Counter.scaled, Counter.unbounded_default, Counter.typed,
                   Slotted.plus):
        method.cache_clear()


def test_hits_misses_and_lru_order():
    counter = Counter(2)
    assert counter.scaled(1) == 2 and counter.scaled(1) == 2
    assert counter.calls == 1
    assert counter.scaled(1, offset=1) == 3 and counter.calls == 2
    info = Counter.scaled.cache_info()
    assert info == CacheInfo(hits=1, misses=2, maxsize=4, currsize=2)
    assert counter.scaled.cache_info() == info
    for value in range(2, 6):
        counter.scaled(value)
    assert Counter.scaled.cache_info().currsize == 4
    calls = counter.calls
    counter.scaled(5)                      # most recent: still there
    assert counter.calls == calls
    counter.scaled(1)                      # least recent: evicted
    assert counter.calls == calls + 1
    Counter.scaled.cache_clear()
    assert Counter.scaled.cache_info() == CacheInfo(0, 0, 4, 0)


def test_instances_do_not_share_results():
    first = Counter(1)
    second = Counter(10)
    assert first.scaled(3) == 3 and second.scaled(3) == 30
    assert first.scaled(3) == 3 and second.scaled(3) == 30


def test_entries_die_with_their_instance():
    survivor = Counter()
    survivor.scaled(1)
    doomed = Counter()
    doomed.scaled(1)
    doomed.scaled(2)
    assert Counter.scaled.cache_info().currsize == 3
    del doomed
    collect_until(lambda: Counter.scaled.cache_info().currsize == 1)
    # The instance is not kept alive by its results.
    instance = Counter()
    probe = __import__("weakref").ref(instance)
    instance.scaled(7)
    del instance
    collect_until(lambda: probe() is None)


def test_new_object_at_reused_address_starts_empty():
    for _ in range(ROUNDS):
        counter = Counter()
        counter.scaled(1)
        del counter
        collect_until(lambda: Counter.scaled.cache_info().currsize == 0)
        newcomer = Counter()
        newcomer.scaled(1)
        assert newcomer.calls == 1
        del newcomer
        collect_until(lambda: Counter.scaled.cache_info().currsize == 0)


def test_bare_decorator_typed_and_zero_size():
    counter = Counter()
    counter.unbounded_default(1)
    counter.unbounded_default(1)
    assert counter.calls == 1
    assert Counter.unbounded_default.cache_parameters() == \
        {"maxsize": 128, "typed": False}
    assert counter.typed(1) == "int" and counter.typed(1.0) == "float"
    assert Counter.typed.cache_info().currsize == 2

    class Uncached(object):
        calls = 0

        @weak_lru_cache(maxsize=0)
        def method(self):
            self.calls += 1

    uncached = Uncached()
    uncached.method()
    uncached.method()
    assert uncached.calls == 2
    assert Uncached.method.cache_info().currsize == 0
    with pytest.raises(TypeError):
        weak_lru_cache("big")


def test_wrapper_metadata_and_class_access():
    assert Counter.scaled.__name__ == "scaled"
    assert Counter.scaled.__wrapped__(Counter(3), 2) == 6
    counter = Counter(5)
    assert Counter.scaled(counter, 2) == 10
    assert counter.scaled.__self__ is counter
    assert "scaled" in repr(counter.scaled)


def test_slotted_instances():
    first = Slotted(100)
    assert first.plus(1) == 101 and first.plus(1) == 101
    assert Slotted.plus.cache_info().hits == 1
    del first
    collect_until(lambda: Slotted.plus.cache_info().currsize == 0)
    import weakref
    try:
        weakref.ref(NotWeaklyReferenceable())
    except TypeError:
        with pytest.raises(TypeError):
            NotWeaklyReferenceable().method()


def test_unhashable_arguments_are_refused():
    with pytest.raises(TypeError):
        Counter().scaled([1])


def test_threads_share_the_cache():
    keepers = [Counter(n) for n in range(4)]

    def churn(keeper):
        for n in range(300):
            assert keeper.scaled(n % 6) == (n % 6) * keeper.factor
            temporary = Counter(7)
            assert temporary.scaled(n % 3) == (n % 3) * 7
            del temporary
            Counter.scaled.cache_info()

    run_threads(churn, keepers)
    info = Counter.scaled.cache_info()
    assert info.hits + info.misses == 4 * 300 * 2
    assert info.currsize <= 4
    del keepers
    collect_until(lambda: Counter.scaled.cache_info().currsize == 0)

"""Time the extras against the peers they replace; print ours/peer ratios.

A ratio below 1 means ours is faster. Peers that are not installed are
skipped; install them into a throwaway environment, e.g.

    python -m venv /tmp/bench && /tmp/bench/bin/pip install weakreflist cachetools
    PYTHONPATH=src /tmp/bench/bin/python benchmarks/extras_peers.py

Not part of the test suite.
"""
from __future__ import absolute_import, print_function

import functools
import platform
import sys
import timeit
import weakref

from backports.weakref.extras import (WeakIdentityKeyDictionary, WeakList,
                                      weak_callable, weak_lru_cache)

SIZE = 1000


class Item(object):
    __slots__ = ("value", "__weakref__", "cache")

    def __init__(self, value):
        self.value = value

    def method(self, argument):
        return argument


def best_of(statement, number):
    """Seconds per call of *statement*, the best of five runs."""
    return min(timeit.repeat(statement, number=number, repeat=5)) / number


def compare(name, ours, peer, number):
    our_time = best_of(ours, number)
    peer_time = best_of(peer, number)
    print("%-46s ours %9.2f us  peer %9.2f us  ratio %5.2f"
          % (name, our_time * 1e6, peer_time * 1e6, our_time / peer_time))


def weak_lists(peer_class):
    items = [Item(n) for n in range(SIZE)]

    def build(cls):
        return lambda: cls(items)

    def index(cls):
        weak_list = cls(items)
        return lambda: [weak_list[n] for n in range(0, SIZE, 10)]

    def iterate(cls):
        weak_list = cls(items)
        return lambda: sum(1 for _ in weak_list)

    def append_and_die(cls):
        def run():
            weak_list = cls(items[:10])
            for n in range(100):
                weak_list.append(Item(n))   # dies at once
            return len(weak_list)
        return run

    for label, make in [("build from 1000 items", build),
                        ("100 index reads", index),
                        ("iterate 1000 items", iterate),
                        ("100 appends of dying items + len", append_and_die)]:
        compare("WeakList vs weakreflist: " + label, make(WeakList),
                make(peer_class), 200)


def method_caches():
    import cachetools

    class Ours(object):
        @weak_lru_cache(maxsize=256)
        def compute(self, argument):
            return argument * 2

    class CacheTools(object):
        def __init__(self):
            self.cache = cachetools.LRUCache(maxsize=256)

        @cachetools.cachedmethod(lambda self: self.cache)
        def compute(self, argument):
            return argument * 2

    class FunctoolsLRU(object):
        # The pattern B019 warns about: keeps every instance alive.
        @functools.lru_cache(maxsize=256)
        def compute(self, argument):
            return argument * 2

    def hits(cls):
        instance = cls()
        for n in range(100):
            instance.compute(n)
        return lambda: [instance.compute(n) for n in range(100)]

    def fresh_instances(cls):
        return lambda: [cls().compute(1) for _ in range(100)]

    compare("weak_lru_cache vs cachetools.cachedmethod: 100 hits",
            hits(Ours), hits(CacheTools), 200)
    compare("weak_lru_cache vs functools.lru_cache: 100 hits",
            hits(Ours), hits(FunctoolsLRU), 200)
    compare("weak_lru_cache vs cachetools: 100 new instances",
            fresh_instances(Ours), fresh_instances(CacheTools), 100)


def identity_dicts():
    keys = [Item(n) for n in range(SIZE)]

    def fill(cls):
        def run():
            mapping = cls()
            for key in keys:
                mapping[key] = 1
            return mapping
        return run

    def lookups(cls):
        mapping = fill(cls)()
        return lambda: [mapping[key] for key in keys]

    compare("WeakIdentityKeyDictionary vs WeakKeyDictionary: fill 1000",
            fill(WeakIdentityKeyDictionary), fill(weakref.WeakKeyDictionary),
            50)
    compare("WeakIdentityKeyDictionary vs WeakKeyDictionary: 1000 reads",
            lookups(WeakIdentityKeyDictionary),
            lookups(weakref.WeakKeyDictionary), 50)


def weak_methods():
    item = Item(1)
    ours = weak_callable(item.method)
    peer = weakref.WeakMethod(item.method)
    compare("weak_callable vs WeakMethod: create",
            lambda: weak_callable(item.method),
            lambda: weakref.WeakMethod(item.method), 10000)
    compare("weak_callable vs WeakMethod: call through",
            lambda: ours(1), lambda: peer()(1), 10000)


def main():
    print("%s %s" % (platform.python_implementation(),
                     sys.version.split()[0]))
    try:
        import weakreflist
    except ImportError:
        print("weakreflist not installed: WeakList not compared")
    else:
        weak_lists(weakreflist.WeakList)
    try:
        __import__("cachetools")
    except ImportError:
        print("cachetools not installed: weak_lru_cache not compared")
    else:
        method_caches()
    identity_dicts()
    weak_methods()


if __name__ == "__main__":
    main()

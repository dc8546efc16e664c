"""``weak_lru_cache``: ``functools.lru_cache`` for methods, without keeping
``self`` alive (flake8-bugbear B019, gh-102618).

``lru_cache`` on a method puts ``self`` in every key, so the cache keeps
each instance alive until its entries are evicted. Here an instance is
known by a serial number handed out on first use; a weak reference to it
(filed under ``id(self)`` and checked on every lookup, so a new object at a
reused address is never taken for a dead one) drops its entries when it
dies. Instances need not be hashable, only weakly referenceable.
"""
from __future__ import absolute_import

import collections
import functools
import itertools
import threading
import types
import weakref as _stdlib

from .. import _compat

ref = _stdlib.ref

CacheInfo = collections.namedtuple("CacheInfo",
                                   "hits misses maxsize currsize")

# Separates positional from keyword arguments in a key.
_KEYWORD_MARK = object()

if _compat.PY2:
    from .._compat.py2 import bind as _bind
    from .._compat.py2 import move_to_end as _move_to_end
else:
    _bind = types.MethodType
    _move_to_end = collections.OrderedDict.move_to_end


def _make_key(args, kwargs, typed):
    key = args
    if kwargs:
        key += (_KEYWORD_MARK,) + tuple(sorted(kwargs.items()))
    if typed:
        key += tuple(type(value) for value in args)
        if kwargs:
            key += tuple(type(value) for _, value in sorted(kwargs.items()))
    return key


class _InstanceDeath(object):
    """Callback of the weak reference to one instance: a plain object
    rather than a closure, which Jython would let keep its frame alive."""

    __slots__ = ("cache_ref", "instance_id", "serial")

    def __call__(self, instance_ref):
        cache = self.cache_ref()
        if cache is not None:
            cache.instance_died(instance_ref, self.instance_id, self.serial)


class _MethodCache(object):
    """The LRU shared by every instance of one decorated method."""

    def __init__(self, maxsize, typed):
        self.maxsize = maxsize
        self.typed = typed
        self.hits = self.misses = 0
        # (serial, argument key) -> result, least recently used first.
        self.results = collections.OrderedDict()
        # serial -> the argument keys cached for that instance.
        self.keys_by_serial = {}
        # id(instance) -> (weak reference, serial).
        self.instances = {}
        self.serials = itertools.count()
        # Filled by callbacks that found the lock taken; emptied under it.
        self.dead = []
        # Not reentrant on purpose: a callback that runs while this thread
        # holds it must not touch the tables, so it files the death instead.
        self.lock = threading.Lock()

    def serial_of(self, instance):
        """The instance's serial number; call with the lock held."""
        found = self.instances.get(id(instance))
        if found is not None and found[0]() is instance:
            return found[1]
        serial = next(self.serials)
        on_death = _InstanceDeath()
        on_death.cache_ref = ref(self)
        on_death.instance_id = id(instance)
        on_death.serial = serial
        self.instances[id(instance)] = (ref(instance, on_death), serial)
        self.keys_by_serial[serial] = set()
        return serial

    def instance_died(self, instance_ref, instance_id, serial):
        self.dead.append((instance_ref, instance_id, serial))
        if self.lock.acquire(False):
            try:
                self.drop_dead()
            finally:
                self.lock.release()

    def drop_dead(self):
        """Forget instances that died; call with the lock held."""
        while self.dead:
            instance_ref, instance_id, serial = self.dead.pop()
            found = self.instances.get(instance_id)
            # Only the entry holding that very reference: a newer instance
            # at the same address keeps its own.
            if found is not None and found[0] is instance_ref:
                del self.instances[instance_id]
            for key in self.keys_by_serial.pop(serial, ()):
                self.results.pop((serial, key), None)

    def lookup(self, instance, key):
        """(True, result) on a hit, else (False, serial)."""
        with self.lock:
            if self.dead:
                self.drop_dead()
            serial = self.serial_of(instance)
            full_key = (serial, key)
            try:
                result = self.results[full_key]
            except KeyError:
                self.misses += 1
                return False, serial
            _move_to_end(self.results, full_key)
            self.hits += 1
            return True, result

    def store(self, instance, serial, key, result):
        with self.lock:
            self.drop_dead()
            if self.maxsize == 0:
                return
            if serial not in self.keys_by_serial or \
                    self.serial_of(instance) != serial:
                return   # cleared while the method ran
            full_key = (serial, key)
            self.results.pop(full_key, None)
            self.results[full_key] = result
            self.keys_by_serial[serial].add(key)
            while self.maxsize is not None and \
                    len(self.results) > self.maxsize:
                (old_serial, old_key), _ = self.results.popitem(last=False)
                self.keys_by_serial[old_serial].discard(old_key)

    def info(self):
        with self.lock:
            if _compat.CALLBACKS_ARE_DEFERRED:
                # The reaper thread may not have reported the instances
                # that the last collection cleared: look for them.
                for instance_id, found in list(self.instances.items()):
                    if found[0]() is None:
                        self.dead.append((found[0], instance_id, found[1]))
            self.drop_dead()
            return CacheInfo(self.hits, self.misses, self.maxsize,
                             len(self.results))

    def clear(self):
        with self.lock:
            self.results.clear()
            for keys in self.keys_by_serial.values():
                keys.clear()
            self.hits = self.misses = 0


class _CachedMethod(object):
    """What ``weak_lru_cache`` makes of a function: a descriptor giving
    bound callers that share one cache."""

    def __init__(self, function, maxsize, typed):
        self.cache = _MethodCache(maxsize, typed)
        self.__wrapped__ = function
        functools.update_wrapper(self, function)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        # A bound method of this object: C-level, and its attribute lookups
        # (cache_info, cache_clear) fall through to us.
        return _bind(self, instance)

    def __call__(self, instance, *args, **kwargs):
        """Called through the class: ``Class.method(instance, ...)``."""
        cache = self.cache
        key = _make_key(args, kwargs, cache.typed)
        hit, found = cache.lookup(instance, key)
        if hit:
            return found
        result = self.__wrapped__(instance, *args, **kwargs)
        cache.store(instance, found, key, result)
        return result

    def cache_info(self):
        """Hits, misses, maxsize and current size, over every instance."""
        return self.cache.info()

    def cache_clear(self):
        """Empty the cache and zero its statistics."""
        self.cache.clear()

    def cache_parameters(self):
        return {"maxsize": self.cache.maxsize, "typed": self.cache.typed}


def weak_lru_cache(maxsize=128, typed=False):
    """Decorator for methods: ``functools.lru_cache`` whose entries die
    with their instance instead of keeping it alive.

    One LRU of *maxsize* results (None: unbounded; 0: no caching) serves
    every instance of the class; *typed* caches arguments of different
    types apart. The method gets ``cache_info()``, ``cache_clear()`` and
    ``cache_parameters()``. Arguments must be hashable; the instance needs
    only to be weakly referenceable (``__slots__`` must then include
    ``__weakref__``). Safe from several threads; as with ``lru_cache``, two
    threads missing at once both call the method.

    Usable bare (``@weak_lru_cache``) or with arguments.
    """
    if callable(maxsize) and not isinstance(maxsize, int):
        return _CachedMethod(maxsize, 128, typed)
    if maxsize is not None:
        if not isinstance(maxsize, int):
            raise TypeError("Expected first argument to be an integer, a "
                            "callable, or None")
        maxsize = max(maxsize, 0)

    def decorating_function(function):
        return _CachedMethod(function, maxsize, typed)

    return decorating_function

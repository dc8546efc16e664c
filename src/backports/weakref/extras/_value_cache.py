"""``WeakValueCache``: a weak-value cache that neither leaks nor evaporates.

A plain weak cache loses a value the moment its callers drop it, so the next
request builds it again; a strong LRU cache keeps everything it ever held
until evicted. This one holds every value weakly, and the *hold* most
recently used strongly as well (for at most *ttl* seconds since their last
use): a value stays while anyone uses it, or while it is among the recent
ones, and is freed by the first collection after both let go.

``get_or_create(key, factory)`` calls ``factory(key)`` once per key while
its value lives, however many threads ask at once: the others wait for the
one that creates and get the same object.
"""
from __future__ import absolute_import

import collections
import threading
import time

from .. import WeakValueDictionary, _compat
from .._compat.abcs import MutableMapping
from ._cache import CacheInfo

if _compat.PY2:
    from .._compat.py2 import move_to_end as _move_to_end
else:
    _move_to_end = collections.OrderedDict.move_to_end

if _compat.HAS_MONOTONIC_CLOCK:
    _clock = time.monotonic
else:
    _clock = time.time


class _Creation(object):
    """One key's value being made: who makes it, and what came of it."""

    __slots__ = ("maker", "done", "value")

    def __init__(self):
        self.maker = threading.current_thread()
        self.done = threading.Event()
        self.value = None


class WeakValueCache(MutableMapping):
    """A mapping whose values are held weakly, and strongly as well for the
    *hold* most recently used (for *ttl* seconds since their last use, when
    given; an expired hold is dropped at the next use of the cache).
    ``hold=0`` makes a plain weak cache."""

    # What the holds' ends are measured by (an attribute, so that a test can
    # put a clock of its own on one cache).
    _clock = staticmethod(_clock)

    def __init__(self, hold=128, ttl=None):
        if not isinstance(hold, int) or isinstance(hold, bool):
            raise TypeError("hold must be an int, not %s"
                            % type(hold).__name__)
        if hold < 0:
            raise ValueError("hold must be >= 0, not %r" % (hold,))
        if ttl is not None and not ttl > 0:
            raise ValueError("ttl must be None or > 0, not %r" % (ttl,))
        self.hold = hold
        self.ttl = ttl
        self._values = WeakValueDictionary()
        # key -> (value, when its hold ends): the strong window, oldest use
        # first. Every use moves its key to the end, so with one ttl the
        # expired holds are always at the front.
        self._held = collections.OrderedDict()
        self._creations = {}
        # Reentrant: a hold dropped under it may free a value whose __del__
        # uses the cache.
        self._lock = threading.RLock()
        self._hits = self._misses = 0

    # -- the strong window (callers hold self._lock) --------------------------

    def _use(self, key, value):
        """Hold *value* as the most recently used, dropping the holds that
        fall out of the window or have expired."""
        if not self.hold:
            return
        now = self._clock()
        self._held[key] = (value, None if self.ttl is None
                           else now + self.ttl)
        _move_to_end(self._held, key)
        while len(self._held) > self.hold:
            self._held.popitem(last=False)
        if self.ttl is not None:
            self._drop_expired(now)

    def _drop_expired(self, now):
        for key in list(self._held):
            if self._held[key][1] > now:
                break
            del self._held[key]

    # -- get or create ------------------------------------------------------

    def get_or_create(self, key, factory):
        """The value under *key*; if there is none alive, ``factory(key)``,
        stored and returned. Threads asking for the same absent key at once
        wait for the first one's factory and get its value; if it raises,
        it raises there, and the next caller tries again."""
        while True:
            # Looked up under the lock: a creator stores its value, then
            # retires its _Creation under the lock, so a caller that finds
            # no creation finds the value.
            with self._lock:
                value = self._values.get(key)
                if value is not None:
                    self._hits += 1
                    self._use(key, value)
                    return value
                creation = self._creations.get(key)
                if creation is None:
                    creation = self._creations[key] = _Creation()
                    self._misses += 1
                    break
            if creation.maker is threading.current_thread():
                raise RuntimeError("get_or_create(%r): the factory asked "
                                   "for its own key" % (key,))
            creation.done.wait()
            if creation.value is not None:
                return creation.value
        try:
            value = factory(key)
            if value is None:
                raise TypeError("the factory of a WeakValueCache returned "
                                "None for %r" % (key,))
            value = self._values.setdefault(key, value)
            with self._lock:
                self._use(key, value)
            creation.value = value
        finally:
            with self._lock:
                del self._creations[key]
            creation.done.set()
        return value

    # -- the mapping ----------------------------------------------------------

    def __getitem__(self, key):
        value = self._values[key]
        with self._lock:
            self._use(key, value)
        return value

    def __setitem__(self, key, value):
        self._values[key] = value
        with self._lock:
            self._use(key, value)

    def __delitem__(self, key):
        with self._lock:
            self._held.pop(key, None)
        del self._values[key]

    def __contains__(self, key):
        return key in self._values

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def clear(self):
        """Forget every value: none is held strongly any more."""
        with self._lock:
            self._held.clear()
        self._values.clear()

    def cache_info(self):
        """(hits, misses, hold, values held strongly now) of
        ``get_or_create``, as ``functools.lru_cache``'s ``cache_info()``."""
        with self._lock:
            return CacheInfo(self._hits, self._misses, self.hold,
                             len(self._held))

    def __repr__(self):
        return "<%s at %#x; hold=%r, ttl=%r>" % (
            type(self).__name__, id(self), self.hold, self.ttl)

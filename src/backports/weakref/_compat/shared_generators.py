"""Where two threads may resume one generator at once and break it, the
twin's iterators (generators) are handed out behind a guard that refuses the
second thread as a generator should, with "generator already executing".

Free-threaded CPython 3.13 and 3.14 crash there (gh-120321, fixed in 3.15).
Jython's check of a running generator is not atomic: two threads can both
resume its frame, and then one item comes out twice or the frame breaks
with a NullPointerException (measured: 23 repeated items in 5 million, 4
threads sharing generators over lists, Jython 2.7.3).
"""
from __future__ import absolute_import

import functools
import threading


class _OneThreadAtATime(object):
    """An iterator over *generator* that lets one thread step it at a time:
    another thread stepping it meanwhile gets the ValueError a generator
    raises when re-entered."""

    __slots__ = ("_generator", "_stepping")

    def __init__(self, generator):
        self._generator = generator
        self._stepping = threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        if not self._stepping.acquire(False):
            raise ValueError("generator already executing")
        try:
            return next(self._generator)
        finally:
            self._stepping.release()

    next = __next__     # Python 2's name (Jython)


def one_thread_at_a_time(method):
    """Wrap a method that returns a generator so that it returns the
    generator behind the guard."""
    @functools.wraps(method)
    def guarded(*args, **kwargs):
        return _OneThreadAtATime(method(*args, **kwargs))
    return guarded


def guard_iterators(cls, names):
    """Guard the generator methods *names* of *cls*, in place."""
    for name in names:
        setattr(cls, name, one_thread_at_a_time(cls.__dict__[name]))

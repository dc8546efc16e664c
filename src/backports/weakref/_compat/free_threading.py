"""What free-threaded CPython 3.13 and 3.14 need: their generators crash
when two threads resume one at once (gh-120321), so the twin's iterators,
generators, are handed out behind a guard that refuses the second thread as
a generator would, with "generator already executing".
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

"""Finalizer callbacks run later, on a worker thread of their own: what
``finalize_with_options(..., defer=True)`` uses.

A callback that takes a lock deadlocks when a collection runs it in a thread
that already holds that lock. Here the collector only queues the finalizer,
without taking any lock (a deque append and the release of a raw lock, the
worker's wake-up call), and one worker thread per process runs the queued
callbacks one at a time, never inside the collector or inside another
callback. The worker starts with the first deferred finalizer, and again in
a child after ``fork()``; callbacks still queued at exit run then, before
the exit pass of ``finalize``.
"""
from __future__ import absolute_import

import collections
import os
import sys
import threading
import traceback

from .. import _compat
from .._finalize import register_exit_hook


class _Worker(object):
    """The queue of due finalizers and the thread that runs them."""

    def __init__(self):
        self.due = collections.deque()
        # Held while nothing is due: submit() releases it, which never
        # blocks (a lock, unlike a condition, needs no lock of its own).
        self.wake = _compat.allocate_raw_lock()
        self.wake.acquire()
        self.thread = None
        self.start_lock = threading.Lock()

    def start(self):
        """Start the thread, if not yet (from ordinary code only: a thread
        start takes locks of the threading module)."""
        with self.start_lock:
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self.serve, name="backports.weakref deferred "
                    "finalizers")
                self.thread.daemon = True
                self.thread.start()
                register_exit_hook(self.run_due)

    def submit(self, run):
        """Queue *run* (a callable); safe inside the collector."""
        self.due.append(run)
        try:
            self.wake.release()
        except Exception:   # already released: the worker will look anyway
            pass             # (RuntimeError, thread.error, Jython's ValueError)

    def serve(self):
        while True:
            self.wake.acquire()
            self.run_due()

    def run_due(self):
        """Run what is queued, each once (whoever pops it runs it)."""
        while True:
            try:
                run = self.due.popleft()
            except IndexError:
                return
            try:
                run()
            except Exception:
                sys.stderr.write("Exception in a deferred finalizer's "
                                 "callback:\n")
                traceback.print_exc()


_worker = _Worker()


def start():
    """Make sure the worker of this process runs."""
    _worker.start()


def submit(run):
    """Have the worker call *run* soon."""
    _worker.submit(run)


def _after_fork_in_child():
    # The parent's thread does not exist here, and what it had queued is
    # the parent's: those finalizers ran or run there. Forget them, as the
    # child of a plain finalize's parent would, and start a fresh worker.
    global _worker
    parent, _worker = _worker, _Worker()
    while parent.due:
        forget = getattr(parent.due.popleft(), "forget", None)
        if forget is not None:
            forget()
    if parent.thread is not None:
        _worker.start()


if _compat.CAN_REGISTER_AT_FORK:
    os.register_at_fork(after_in_child=_after_fork_in_child)

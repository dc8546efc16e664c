"""``test.support.threading_helper``, as much as CPython's weakref tests
use."""
from __future__ import absolute_import

import threading
import unittest

_can_start_thread = []


def can_start_thread():
    """Whether this interpreter can start a thread (found out once)."""
    if not _can_start_thread:
        try:
            thread = threading.Thread(target=lambda: None)
            thread.start()
            thread.join()
        except RuntimeError:
            _can_start_thread.append(False)
        else:
            _can_start_thread.append(True)
    return _can_start_thread[0]


def requires_working_threading(module=False):
    """Skip the decorated test (or, with *module*, the calling module) where
    threads cannot be started."""
    reason = "needs threads"
    if module:
        if not can_start_thread():
            raise unittest.SkipTest(reason)
        return None
    return unittest.skipUnless(can_start_thread(), reason)

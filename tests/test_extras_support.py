"""Helpers the extras tests share. It holds no tests; its name keeps it
among the extras' own files."""
from __future__ import absolute_import

import threading
import traceback


def run_in_threads(function, arguments):
    """Call ``function(argument)`` for each argument, each in a thread of
    its own, all at once; fail here with the first exception any raised."""
    failures = []

    def guarded(argument):
        try:
            function(argument)
        except Exception:
            failures.append(traceback.format_exc())

    threads = [threading.Thread(target=guarded, args=(argument,))
               for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, "a thread failed:\n" + failures[0]

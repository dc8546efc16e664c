"""The long soak: the thread churn of tests/test_stress_threads.py for minutes.

    PYTHONPATH=src python tools/soak.py --seconds 300 --threads 16
    JYTHONPATH=src jython tools/soak.py --seconds 300 --threads 16

Runs rounds of churn (``--round`` seconds each, fresh containers and seed per
round) until ``--seconds`` have passed, prints one line per round and a
total, and exits 1 at the first round that fails.
"""
from __future__ import absolute_import, print_function

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir, "tests"))

from test_stress_threads import churn  # noqa: E402  (needs the path above)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0,
                        help="how long to soak in all (default 300)")
    parser.add_argument("--threads", type=int, default=16,
                        help="churning threads (default 16)")
    parser.add_argument("--round", type=float, default=30.0,
                        help="seconds per round of churn (default 30)")
    options = parser.parse_args(argv)
    deadline = time.time() + options.seconds
    total = rounds = 0
    while True:
        seconds = min(options.round, max(deadline - time.time(), 0.1))
        try:
            operations, survivors, unraisable = churn(seconds,
                                                      options.threads,
                                                      seed=rounds)
            assert not unraisable, unraisable
        except AssertionError as failure:
            print("round %d FAILED: %s" % (rounds, failure))
            return 1
        rounds += 1
        total += operations
        print("round %d: %d operations, %d threads, %.1f s, %d live at the "
              "end" % (rounds, operations, options.threads, seconds,
                       survivors))
        sys.stdout.flush()
        if time.time() >= deadline:
            break
    print("soak passed: %d rounds, %d operations, %d threads, %.0f s"
          % (rounds, total, options.threads, options.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the differential fuzzer (tests/differential.py) for as long as asked:
the compiled core against its pure-Python twin, seed after seed, on the
interpreter that runs this (any of 2.7 and 3.6+; PYTHONPATH=src runs the
source tree, with the core built in place by tools/build_inplace.sh).

    python tools/fuzz.py --seconds 600       # seeds 1, 2, 3... for 10 min
    python tools/fuzz.py --seed 72 --verbose # replay one seed, in full
    python tools/fuzz.py --seconds 60 --ignore eq,reads   # look past those

Each divergent seed is printed as it is found (its first divergence: the
seed, the step and the operation; --verbose adds both sides' outcomes and
states, and the operations before it); the last line sums up. With no
compiled core here (PyPy, Jython), the twin alone is checked. Exits 1 when
a seed diverged.
"""
from __future__ import absolute_import, print_function

import argparse
import itertools
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

import cores  # noqa: E402  (found through the line above)
import differential  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="run seeds until this many seconds are spent "
                        "(default 10)")
    parser.add_argument("--seed", type=int,
                        help="run this one seed only")
    parser.add_argument("--first-seed", type=int, default=1,
                        help="the first seed of a timed run (default 1)")
    parser.add_argument("--length", type=int, default=200,
                        help="operations per seed (default 200)")
    parser.add_argument("--ignore", default="",
                        help="counters left out of the comparison, comma "
                        "separated: eq, add, reads")
    parser.add_argument("--verbose", action="store_true",
                        help="print each divergence in full")
    options = parser.parse_args(argv)
    compared = (["compiled", "pure"] if "compiled" in cores.CORES
                else ["pure"])
    ignore = tuple(name for name in options.ignore.split(",") if name)
    if options.seed is not None:
        seeds = iter([options.seed])
        deadline = None
    else:
        seeds = itertools.count(options.first_seed)
        deadline = time.time() + options.seconds
    print("fuzz: %s on %s" % (" against ".join(compared),
                              sys.version.split()[0]))
    started = time.time()
    operations = 0
    diverged = []
    run = 0
    for seed in seeds:
        if deadline is not None and time.time() >= deadline:
            break
        run += 1
        try:
            operations += differential.run(seed, options.length, compared,
                                           ignore)
        except differential.Divergence as divergence:
            operations += divergence.steps
            text = str(divergence)
            diverged.append(seed)
            print(text if options.verbose else text.splitlines()[0])
            sys.stdout.flush()
    elapsed = time.time() - started
    print("fuzz: %d seeds, %d operations, %.1f s "
          "(%d a second), %d divergent seeds" % (
              run, operations, elapsed, operations / max(elapsed, 1e-9),
              len(diverged)))
    return 1 if diverged else 0


if __name__ == "__main__":
    sys.exit(main())

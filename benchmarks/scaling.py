"""How the weak containers scale with threads: the throughput of get(),
``in`` and ``d[k] = v`` on ONE container shared by 1, 2, 4 and 8 threads,
ours (the compiled core where active, and the pure twin) and the stdlib's,
printed as the speed-up over one thread (what CPython's
Tools/ftscalingbench reports for its own objects).

    PYTHONPATH=src python benchmarks/scaling.py [--threads 1,2,4,8]
                                  [--operations N] [--rounds R]
                                  [--markdown FILE]

Each thread does the same number of operations on the shared container
(every thread its own slice of the keys, all of them alive throughout), so
the ideal is a speed-up equal to the thread count, up to the machine's
cores: on a GIL build every figure stays near 1.0 or below; on a
free-threaded build (3.13t) the speed-up is what the container lets the
cores do. Wall-clock time, best of R rounds, the collector paused where
CPython allows. Not part of the test suite.
"""
from __future__ import absolute_import, division, print_function

import argparse
import gc
import sys
import threading
import timeit

from run import (FREE_THREADED, PAUSE_COLLECTOR, interpreter_name, ours,
                 pure_twin, stdlib)

KEYS = 1024


class Obj(object):
    """Weakly referenceable, hashed by identity."""


def _shared(weakref_module, kind, objs):
    """A container of *kind* holding every obj (as key, value or member)."""
    if kind == "WeakValueDictionary":
        container = weakref_module.WeakValueDictionary()
        for index, obj in enumerate(objs):
            container[index] = obj
    elif kind == "WeakKeyDictionary":
        container = weakref_module.WeakKeyDictionary()
        for index, obj in enumerate(objs):
            container[obj] = index
    else:
        container = weakref_module.WeakSet(objs)
    return container


def _work(kind, operation, container, objs, keys, operations):
    """The loop one thread runs: *operations* operations on its *keys*."""
    rounds = max(1, operations // len(keys))
    if kind == "WeakValueDictionary":
        pairs = [(key, objs[key]) for key in keys]
    else:       # keyed (or made of) the objects themselves
        pairs = [(objs[key], key) for key in keys]
    lookups = [key for key, _ in pairs]
    if operation == "get":
        def loop():
            get = container.get
            for _ in range(rounds):
                for key in lookups:
                    get(key)
    elif operation == "in":
        def loop():
            for _ in range(rounds):
                for key in lookups:
                    key in container
    else:
        def loop():
            for _ in range(rounds):
                for key, value in pairs:
                    container[key] = value
    return loop


def _elapsed(loops):
    """Wall-clock seconds for the threads to run *loops*, started together."""
    ready = threading.Barrier(len(loops) + 1) if hasattr(
        threading, "Barrier") else None
    start = threading.Event()
    done = []

    def run(loop):
        if ready is not None:
            ready.wait()
        start.wait()
        loop()
        done.append(True)

    threads = [threading.Thread(target=run, args=(loop,)) for loop in loops]
    for thread in threads:
        thread.start()
    if ready is not None:
        ready.wait()
    began = timeit.default_timer()
    start.set()
    for thread in threads:
        thread.join()
    elapsed = timeit.default_timer() - began
    assert len(done) == len(loops), "a thread failed"
    return elapsed


CASES = [("WeakValueDictionary", "get"), ("WeakValueDictionary", "in"),
         ("WeakValueDictionary", "[]="), ("WeakKeyDictionary", "get"),
         ("WeakKeyDictionary", "in"), ("WeakKeyDictionary", "[]="),
         ("WeakSet", "in")]


def measure(thread_counts, operations, rounds):
    """{(kind, operation, impl): {threads: operations a second}}."""
    impls = [("ours", ours), ("stdlib", stdlib)]
    twin = pure_twin()
    if twin is not None:
        impls.insert(1, ("pure", twin))
    objs = [Obj() for _ in range(KEYS)]
    results = {}
    for kind, operation in CASES:
        for name, module in impls:
            container = _shared(module, kind, objs)
            rates = results[kind, operation, name] = {}
            for count in thread_counts:
                slices = [list(range(start, KEYS, count))
                          for start in range(count)]
                best = None
                for _ in range(rounds):
                    loops = [_work(kind, operation, container, objs, keys,
                                   operations) for keys in slices]
                    if PAUSE_COLLECTOR:
                        gc.disable()
                    try:
                        elapsed = _elapsed(loops)
                    finally:
                        if PAUSE_COLLECTOR:
                            gc.enable()
                    best = elapsed if best is None else min(best, elapsed)
                rates[count] = count * operations / best
    return results


def table(results, thread_counts):
    """Markdown: the speed-up over one thread, per case and implementation,
    and the one-thread throughput it is measured against."""
    lines = ["| container operation | impl | 1 thread (ops/s) | " +
             " | ".join("%d threads" % count for count in thread_counts[1:]) +
             " |",
             "|---|---|---:|" + "---:|" * (len(thread_counts) - 1)]
    for (kind, operation, name), rates in sorted(
            results.items(), key=lambda item: (CASES.index(item[0][:2]),
                                               item[0][2])):
        one = rates[thread_counts[0]]
        lines.append("| %s %s | %s | %.3g | %s |" % (
            kind, operation, name, one,
            " | ".join("%.2fx" % (rates[count] / one)
                       for count in thread_counts[1:])))
    return "\n".join(lines)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2,4,8")
    parser.add_argument("--operations", type=int, default=200000,
                        help="operations per thread and measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--markdown", help="also write the table here")
    args = parser.parse_args(argv)
    counts = [int(count) for count in args.threads.split(",")]
    heading = "%s%s: speed-up over one thread, %d operations a thread" % (
        interpreter_name(), ", free-threaded" if FREE_THREADED else "",
        args.operations)
    text = heading + "\n\n" + table(measure(counts, args.operations,
                                            args.rounds), counts)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write(text + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

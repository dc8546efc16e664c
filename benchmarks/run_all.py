"""Run benchmarks/run.py on every interpreter and write docs/benchmarks.md.

    python3 benchmarks/run_all.py [--quick] [--only NAME,...] [--assemble]
                                  [--out FILE]

``--only cpython2.7,cpython3.13,pypy3.9`` measures those alone; the page
then also shows the latest results kept from earlier runs of the others.
``--assemble`` measures nothing and rewrites the page from the kept results.

Interpreters: those of the test matrix (tools/interpreters.json, by its
names) that are there; missing ones are skipped (``python3 tools/matrix.py
--provision-only`` makes the chroot's and the built ones). Each runs in its
own process, one after the other, against ``src/``. Not part of the test
suite.
"""
from __future__ import absolute_import, print_function

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, os.path.join(ROOT, "src"), os.path.join(ROOT, "tools")]

import interpreters as declared  # noqa: E402 (the matrix's interpreters)
import run  # noqa: E402 (the table code, shared)


def interpreters():
    """[(interpreter, command)] for every interpreter found."""
    found = []
    for interpreter in declared.load():
        # A debug or sanitizer build's timings say nothing about users'.
        if interpreter.variant:
            continue
        located = declared.find(interpreter)
        if located is not None:
            found.append((interpreter, located.command()))
    return found


# Each interpreter's result is kept here, so that a page can be assembled
# from runs made one at a time (--only) or left out (--assemble). Inside the
# project, which the chroot's interpreters see at the same path.
RESULTS = os.path.join(ROOT, ".matrix", "benchmarks")


def measure(interpreter, command, extra):
    env = dict(os.environ)
    src = os.path.join(ROOT, "src")
    path = "JYTHONPATH" if interpreter.implementation == "Jython" else "PYTHONPATH"
    env[path] = src
    if not os.path.isdir(RESULTS):
        os.makedirs(RESULTS)
    subprocess.check_call(command + [os.path.join(HERE, "run.py"), "--json",
                                     os.path.join(RESULTS, interpreter.name
                                                  + ".json")] + extra,
                          env=env, stdout=sys.stderr)


def load(name):
    path = os.path.join(RESULTS, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


INTRO = """\
`python benchmarks/run.py [--quick]` (with `PYTHONPATH=src`, or the package
installed) times each operation with `backports.weakref`, with the running
interpreter's own `weakref`, and with a plain `dict`/`set` holding strong
references (the *limit*: what the same job costs without weak references),
in one process, interleaved round by round so machine drift cancels out.
`python3 benchmarks/run_all.py` runs it on every interpreter and writes
this page. Ratios below 1 mean ours is faster.

How to read the figures:

* Each sample is the process's CPU time (wall-clock on Jython, whose clock
  ticks in milliseconds), with CPython's cyclic collector paused while it
  runs, as `timeit` does; a ratio is the median of the per-round ratios.
* The *control* column times a second, separately loaded copy of the
  stdlib's own `weakref.py` and `_weakrefset.py` against the stdlib: the
  same code twice. Its distance from 1 is what noise alone does to a ratio.
  On CPython it stays within 0.97-1.05; on PyPy identical code ranges from
  0.62 to 1.21 (the JIT compiles each class's traces and each collection
  lands where it lands), so PyPy ratios near 1 mean "the same"; on Jython,
  with its coarse clock, from 0.61 to 1.05.
* Every operation is timed twice: in the *main thread*, which made the
  containers and their objects, and in a *worker thread* using those same
  containers and objects, as a server's request threads use caches built
  at start-up. With a GIL the two agree; a free-threaded CPython makes
  some operations far dearer from a thread that does not own the object
  (below).
* Under each interpreter's table, the *ladders* (`benchmarks/ladders.py`)
  break the slowest operations into their pieces: the profile used to
  decide what to change.
* CPython 2.7 and 3.13 ran the full 15 rounds, and 3.13t `--quick` (5
  rounds), on a quiet 2-core machine, with the compiled core as it is now
  (its store fast path included). The other interpreters ran `--quick` (5
  rounds, 3 on Jython; scaling up to 10^5) with the compiled core before
  that fast path, while the same machine ran a CI matrix (the benchmarks
  at the lowest priority): the samples are CPU time, which such load moves
  little, and the control column says how far noise moved each ratio.

Targets (issue 5), on CPython 2.7, 3.13 and PyPy: geometric mean of
ours/stdlib at most 0.80, no operation above 1.05, memory per entry no
larger than the stdlib's, import at most 2 ms. The notes below the summary
say where they are met and, where not, why.
"""

NOTES = """\
## Where the time goes, and what was changed

Profiled with the ladders (a profile by subtraction: for operations of a
few hundred nanoseconds a tracing profiler costs more than the work it
traces), cProfile for the Python-level calls, and `timeit` for the
alternatives. Changes made in `src/`, each measured before it stayed:

* **Storing a value** (`WeakValueDictionary` set, update, copy, churn):
  `KeyedRef`'s `__new__` and `__init__` are Python code, two frames and a
  `super()` call per entry. Ours makes the same `KeyedRef` with `ref`'s C
  `__new__` and one slot store: same type, same `key`, same callback
  (0.42 of the stdlib's set on 2.7 and 3.13; copy 0.33).
* **Missing keys** (`get`, `in` on `WeakValueDictionary`): a lookup with
  `dict.get` instead of catching `KeyError` (0.21).
* **Snapshots**: a loop that needs only keys, values or members walks a
  `list()` of them (made in one C call, as fast as a copy, and walked
  about 3 ns per entry faster than a set or dict on CPython); a loop that
  needs key and value pairs walks a `dict.copy()`, as a list of pairs costs
  a tuple per entry.
* **WeakSet construction** (`copy()`, union, intersection): `copy()` builds
  from the references, and `update()` inlines `add()` unless a subclass
  overrides `add`, which then still sees every member, as in 3.14.
* **finalize** (2.7, 3.6-3.9, PyPy): registers itself in one frame, and
  stores the class-level `_dirty` flag only when it changes: each store
  to a class attribute empties the attribute cache of the class and its
  subclasses (creation: 1138 to 923 ns on 3.6, 950 to 806 on 3.9, 1051 to
  896 on 2.7).
* **WeakMethod** (2.7, 3.6-3.9, PyPy): the common call shapes skip argument
  parsing, and 3.7-3.9 keep `ref`'s C `__init__`.
* **Import**: the ABCs come from `_collections_abc` (`_abcoll` on Python
  2), which `weakref` has already loaded, not from `collections` (about
  1 ms).

Tried and rejected: iterating through C-level pipelines
(`itertools.compress` over `map(ref.__call__, ...)`) instead of the
generators: slower everywhere (CPython 3.13 keys: 78-88 ns per entry
against 42; 2.7: 153-197 against 117), because calling a `ref` through its
slot wrapper costs more than a generator step. Building the keys eagerly
into a list (no generator step) would yield keys whose values die during
the loop, which 3.14 skips: a change of semantics, not made.

## Worker threads, and the free-threaded 3.13t cliff

On free-threaded 3.13 (3.13t), `dict.get(k)` takes the dict's lock (a
critical section), and called from a thread other than the one that made
the dict it cost about 7 us against about 0.15 us for `d[k]`, which is
lock-free (gh-112075; 3.14 dropped the lock, PR #129336). A plain dict
shows it: the *limit* of `WeakValueDictionary` get hit (`d.get(k)`), a
plain dict's `get`, costs 6.9 us from the worker thread against 93 ns in
the main thread (so ours/limit reads 0.04 there). Our
`WeakValueDictionary.get()` and `in` looked their key up with `dict.get`
(cheaper than a caught `KeyError` elsewhere), so from a worker thread they
cost 20-28 times the stdlib's, whose methods use `d[k]`. On 3.13t alone
(`_compat.DICT_GET_IS_SLOW_FROM_OTHER_THREADS`) they now look up with
`d[k]` and catch the `KeyError`, as the stdlib does: 0.84-0.90 of the
stdlib's from a worker thread, the highest operation of all 1.09
(`values()`, whose snapshot copies 1,000 references that the worker thread
does not own: each copy's reference count is a shared, atomic one there).
Every other interpreter keeps `dict.get`. With a GIL the worker-thread
figures equal the main-thread ones within the noise.

## Targets

Issue 16, the compiled core (figures from the summary and the tables
above): on CPython 2.7, geometric mean ours/stdlib **0.31** over the
container operations, the highest 0.88, in the main thread and a worker
thread alike: met. On 3.13, **0.43** (0.42 from a worker thread), the
highest 0.74: met. On 3.13t from a worker thread, **0.45**, the highest
0.87: met. Within 2.5 times a plain dict, every get, set and `in` of both
weak dicts: 1.13-2.15 on 2.7, 1.21-2.42 on 3.13, 1.29-2.32 on 3.13t from a
worker thread (its `d.get(k)` limit aside, a plain dict's `get` that 3.13t
makes 30 times dearer there). Every store makes its entry, as the twin's
and the stdlib's do (issue 19 dropped the compiled core's shortcut of
keeping an equal entry); the *set into a new container* rows time stores
that each add an entry, beside the *set* rows that store again what the
container already holds. `WeakSet.add` is 1.7-2.1 times a plain `set.add` on 2.7 and
3.13t and 2.5-2.6 on 3.13: each add makes a reference with its callback,
as the stdlib's does, and an added member must meet the members' own
`__eq__` as there.
On 3.14 and 3.15 the weak dicts are the interpreter's own (the gate
table keeps them over the compiled core: one class with `import
weakref`); the compiled `WeakSet` (and 3.14's `WeakKeyDictionary`) runs
at 0.51-0.53 of the stdlib's there.

The rest of this section is from the quiet run of issue 5, before the
compiled core: the pure twin's figures, which the *pure* columns above
now carry.

* **CPython 2.7**: geometric mean **0.76**, met; memory 1.00, met; import
  0.66 ms, met. One operation above 1.05: `WeakValueDictionary` iteration,
  2.38 (below). `WeakSet` iteration is at 1.05.
* **CPython 3.13**: geometric mean **0.74**, met; memory 1.00, met; import
  0.78 ms, met; no operation above 1.05 (the highest, `WeakValueDictionary`
  `items()`, is at 1.05: the `dict.copy()` snapshot, 2.2 ns of 43 per
  entry, which 3.14 takes as well).
* **PyPy**: geometric mean **0.95** against a control of 0.97, not met;
  memory not measurable (same structures); import 1.97 ms (median), just
  within the limit. Rows above 1.05 sit inside the range of the control
  (0.62-1.21) but one, `WeakValueDictionary.copy()` of 10^4 entries
  (1.28): timed alone, the fastest runs of ours and the stdlib's agree
  (232 and 230 ns per entry) and the medians differ by where PyPy's major
  collections land (creating 10^4 refs with callbacks triggers them); the
  snapshot's one extra allocation makes them land in ours a little more
  often. Without a snapshot ours would be 10% faster there, and unsafe.
  Against the control (the stdlib's own code, loaded a second time)
  rather than the stdlib, ours comes out at 0.98 in geometric mean: on
  PyPy ours runs at the stdlib's speed. Where ours looked faster than the
  stdlib (churn 0.67, finalize create + detach 0.56), the control shows
  the same gain (0.72, 0.62): the first-loaded stdlib is slow there, not
  ours fast. Only WeakMethod creation is clearly faster (0.59 of the
  control: the common call shapes skip argument parsing). Both run the
  same operations, which the
  JIT compiles to the same machine code: the ladders show a weak key
  lookup is 63 ns of which 52 are the dict lookup through a fresh `ref`
  (hashing and comparing by referent), and the method around it 1 ns. No
  Python code can be faster there than the stdlib's own, so the geometric
  mean of 0.80 is out of reach on PyPy without giving up semantics.

Known gaps, by construction:

* **CPython 2.7 `WeakValueDictionary` iteration** (2.38): 2.7's own
  `__iter__` yields the keys of its dict without looking at the values, so
  it also yields keys whose values are dead. 3.14 (and ours) skip those,
  and iterate a snapshot. The ladder prices it: of ours' 44 ns per key,
  the liveness check `wr()` is 16, the snapshot with key and ref pairs 10,
  the generator step 13, as in the stdlib. Calling a ref is the cheapest
  way Python 2 has to tell whether it is alive.
* **`finalize` and `WeakMethod` on CPython 3.10+** are the stdlib's own
  objects (they already behave as 3.14's): ratio 1 by construction, left
  out of the geometric mean. On 2.7 and Jython there is no stdlib
  `finalize`/`WeakMethod` to compare with.
* **WeakMethod on CPython 3.6-3.9** (1.10-1.29, not a target): 3.14's error
  messages need `__new__` to parse its own arguments (3.6-3.9 word them
  without the class name), and on 3.6 ref's `__init__` refuses keywords in
  other words, so a Python-level `__init__` stays there (1.29).
* **Snapshot iteration** costs one C-level copy per loop (the *snapshot*
  column of the scaling tables); stdlibs before 3.14 iterate without it,
  but then raise or skip entries when the container changes during the
  loop. Per-entry times of iteration and copy stay flat from 10^3 to 10^6
  entries (linear in size) but for the CPU caches: from 10^5 entries on,
  the copy no longer fits them and costs 14-40 ns per entry, as it does in
  3.14 itself; the plain dict/set of the limit column shows the same effect.
* **Memory** per entry is the stdlib's exactly: both keep one plain
  dict/set of the same reference objects. PyPy and Jython have neither
  `tracemalloc` nor `sys.getsizeof`.
* **Import**: the shared `backports` namespace package (the pkgutil
  one-liner every `backports.*` distribution ships, byte for byte) imports
  `pkgutil`, which on 3.x costs more than all of `backports.weakref`. It
  is paid once per process by whichever `backports.*` package comes first,
  and not at all where `pkgutil` is already loaded.
* **Jython** (not a target): ours is several times slower. Jython's own
  weak containers are Java maps; ours are Python code on Python dicts, and
  weak keys and members go through a Python-level `_KeyRef` because
  Jython's dicts compare refs by identity.
"""


def _summary_cell(result, thread, impl):
    """'geometric mean (highest: ratio, operation)' of impl/stdlib."""
    gmean, worst, worst_name = run.summary(result, thread, impl)
    if gmean is None:
        return "n/a"
    return "**%s** (highest %s: %s)" % (run._fmt(gmean), run._fmt(worst),
                                        worst_name)


def summary_table(results):
    lines = ["## Summary", "",
             "Geometric means of the ratio to the stdlib over the container "
             "operations (those where ours is not the stdlib's own object), "
             "with the highest ratio. *ours*: backports.weakref as it runs "
             "there (the compiled core on CPython); *pure*: its pure-Python "
             "twin, the same classes with BACKPORTS_WEAKREF_NO_EXTENSIONS=1 "
             "(on PyPy and Jython, ours is the twin). Main thread: the one "
             "that made the containers and their objects; worker: another "
             "thread using them.", "",
             "| interpreter | ours, main thread | ours, worker thread | "
             "pure, main thread | pure, worker thread | control (geometric "
             "mean; range) | import of backports.weakref, ms (min) | "
             "memory ours/stdlib |",
             "|---|---|---|---|---|--:|--:|--:|"]
    for result in results:
        imports = result["imports"]
        if result["memory"]:
            memory = max(m["ours"] / m["stdlib"]
                         for m in result["memory"].values())
            memory = "%.2f" % memory
        else:
            memory = "same structures (not measurable)"
        control, lowest, highest = run.control_summary(result)
        control = "%s; %s-%s" % (run._fmt(control), run._fmt(lowest),
                                 run._fmt(highest)) \
            if control is not None else "n/a"
        lines.append("| %s | %s | %s | %s | %s | %s | %.2f (%.2f) | %s |" % (
            result["interpreter"], _summary_cell(result, "main", "ours"),
            _summary_cell(result, "worker", "ours"),
            _summary_cell(result, "main", "pure"),
            _summary_cell(result, "worker", "pure"), control,
            imports["median"][2], imports["min"][2], memory))
    lines.append("")
    return "\n".join(lines)


def main(argv):
    extra = ["--quick"] if "--quick" in argv else []
    out = os.path.join(ROOT, "docs", "benchmarks.md")
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1].split(",")
    results = []
    for interpreter, command in interpreters():
        if "--assemble" not in argv and (not only or interpreter.name in only):
            print("== %s" % interpreter.name, file=sys.stderr)
            try:
                measure(interpreter, command, extra)
            except (OSError, subprocess.CalledProcessError) as error:
                print("   failed: %s" % error, file=sys.stderr)
        result = load(interpreter.name)
        if result is not None:
            results.append(result)
    text = "\n".join(["# Benchmarks", "", INTRO, summary_table(results),
                      NOTES] + [run.markdown(r) for r in results])
    with open(out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
